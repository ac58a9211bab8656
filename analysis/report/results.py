"""The run's result tables, computed once: saved by the report, read by the notebooks.

``python -m analysis run`` computes every section's tables (``Section.compute``, see
:mod:`analysis.report.sections`) and saves them with :func:`save_tables` as Parquet files in ``OUT/results/``
(exact values and dtypes; the CSV files in ``OUT/tables/`` are the spreadsheet copies). The
notebooks it executes get ``results_dir`` and load those tables instead of computing them again,
so a notebook and the CSV tables can never disagree and a notebook costs little more than its
display. A notebook opened on its own (no ``results_dir``) computes the same tables with the same
function the report uses, size caps included.

    >>> context = RunContext(corpus, tokens)
    >>> tables = section_tables("vocabulary", context, results_dir=results_dir)
    >>> tables["keyness"]
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import regex

__all__ = [
    "FIGURES",
    "MANIFEST",
    "RESULTS_DIR",
    "csv_ready",
    "load_figures",
    "load_tables",
    "save_figure_index",
    "save_tables",
    "section_figures",
    "section_tables",
    "spreadsheet_safe",
    "write_csv",
]

RESULTS_DIR = "results"
MANIFEST = "manifest.json"
FIGURES = "figures.json"  # section → {figure name: its PNG, relative to the results folder}


def save_tables(tables: dict[str, pd.DataFrame], folder: str | os.PathLike[str], *, section: str) -> list[str]:
    """Save ``tables`` as ``folder/NAME.parquet`` and record them under ``section`` in the
    manifest; return the names of tables that Parquet could not hold (they are left out, and a
    notebook computes them itself)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    saved, failed = {}, []
    for name, df in sorted(tables.items()):
        try:
            df.to_parquet(folder / f"{name}.parquet", index=False)
        except (ValueError, TypeError, ImportError) as exc:  # e.g. a column of mixed Python types
            failed.append(f"{name} ({exc.__class__.__name__})")
            continue
        # Parquet reads plain Python-object columns back as strings with NaN: remember them
        saved[name] = sorted(str(c) for c in df.columns if df[c].dtype == object)
    _record(folder / MANIFEST, section, saved)
    return failed


def _index(path: Path) -> dict:
    """The JSON index ``path`` (section → entry), empty when there is none yet."""
    return json.loads(path.read_text("utf-8")) if path.is_file() else {}


def _recorded(path: Path, section: str) -> dict | None:
    """The entry of ``section`` in the JSON index ``path`` (None: no index, or no such entry)."""
    return _index(path).get(section)


def _record(path: Path, section: str, entry: dict) -> None:
    """Set the entry of ``section`` in the JSON index ``path``. The file is replaced atomically:
    notebooks running beside the report read it while later sections are saved."""
    index = _index(path)
    index[section] = entry
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(index, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def load_tables(folder: str | os.PathLike[str], *, section: str) -> dict[str, pd.DataFrame] | None:
    """The tables saved for ``section`` in ``folder``, or None when the section was not saved there
    (a failed section, or an older folder)."""
    folder = Path(folder)
    saved = _recorded(folder / MANIFEST, section)
    if saved is None:
        return None
    out = {}
    for name, object_columns in saved.items():
        df = pd.read_parquet(folder / f"{name}.parquet")
        for col in object_columns:  # back to Python objects with None, as the section returned them
            df[col] = df[col].astype(object).where(df[col].notna(), None)
        out[name] = df
    return out


def section_tables(
    section: str, context, *, results_dir: str | os.PathLike[str] | None = None
) -> dict[str, pd.DataFrame]:
    """The report's tables of one section (``vocabulary``, ``themes``, ``topics``, ``sentiment``,
    …) for ``context`` (:class:`analysis.context.RunContext`): loaded from ``results_dir`` when the
    report saved them there, else computed by the section exactly as the report does."""
    from .sections import get_section

    chosen = get_section(section)
    if results_dir is not None:
        loaded = load_tables(results_dir, section=section)
        if loaded is not None:
            return loaded
    return chosen.compute(context)


def section_figures(
    section: str, context, tables: dict[str, pd.DataFrame], *, results_dir: str | os.PathLike[str] | None = None
) -> dict:
    """The report's key figures of one section: the PNG files the report saved for it when
    ``results_dir`` has them (:class:`analysis.plots.SavedFigure`, shown as the report shows them),
    else drawn from its ``tables`` exactly as the report draws them (matplotlib figures; the
    largest documents of a large corpus, noted in the corner)."""
    if results_dir is not None:
        saved = load_figures(results_dir, section=section)
        if saved is not None:
            from ..plots.core import SavedFigure

            return {name: SavedFigure(path) for name, path in saved.items()}
    from .sections import get_section

    return get_section(section).figures(context, tables)


def save_figure_index(folder: str | os.PathLike[str], *, section: str, figures: dict[str, Path]) -> None:
    """Record the PNG files the report saved for ``section``'s figures (name → path) in
    ``folder/figures.json``, so a notebook shows them instead of drawing them again."""
    folder = Path(folder)
    _record(folder / FIGURES, section, {name: os.path.relpath(path, folder) for name, path in sorted(figures.items())})


def load_figures(folder: str | os.PathLike[str], *, section: str) -> dict[str, Path] | None:
    """The figure files recorded for ``section`` in ``folder`` (name → path), or None when the
    section has none recorded there or a file is missing (the caller draws them)."""
    folder = Path(folder)
    recorded = _recorded(folder / FIGURES, section)
    if recorded is None:
        return None
    paths = {name: Path(os.path.normpath(folder / rel)) for name, rel in recorded.items()}
    return paths if all(p.is_file() for p in paths.values()) else None


CSV_FLOAT_FORMAT = "%.6g"


def write_csv(df: pd.DataFrame, path: Path) -> None:
    """``df`` as the report's CSV file: text cells defused (:func:`spreadsheet_safe`), floats as
    ``%.6g`` (missing values empty), no index, ``\n`` line ends."""
    csv_ready(spreadsheet_safe(df)).to_csv(path, index=False, lineterminator="\n", float_format=CSV_FLOAT_FORMAT)


def csv_ready(df: pd.DataFrame, *, float_format: str = CSV_FLOAT_FORMAT) -> pd.DataFrame:
    """``df`` with its NumPy float columns already formatted as ``to_csv(float_format=...)`` writes
    them: ``float_format % value``, an empty string for NaN (pandas' ``na_rep``). pandas formats a
    float cell by cell through two Python calls and a missing-value check each (a third of the
    report's writing time at 2M tokens); here every distinct value is formatted once, with the same
    ``%`` operator on the same values, so the file is byte for byte the same. Other columns are
    left as they are (nullable ``Float64`` ones included: pandas writes those)."""
    out = None
    for i in range(df.shape[1]):
        values = df.iloc[:, i]
        if not (isinstance(values.dtype, np.dtype) and values.dtype.kind == "f"):
            continue
        arr = np.ascontiguousarray(values.to_numpy())
        # distinct bit patterns, not values: -0.0 and 0.0 are written "-0" and "0"
        bits, first, codes = np.unique(arr.view(f"i{arr.dtype.itemsize}"), return_index=True, return_inverse=True)
        text = np.array([float_format % v for v in arr[first].tolist()], dtype=object)
        formatted = text[codes.reshape(-1)]
        formatted[np.isnan(arr)] = ""
        if out is None:
            out = df.copy(deep=False)
        # kept as Python strings (an object column): as a string column pandas would convert it
        # back to Python strings chunk by chunk while writing
        out.isetitem(i, pd.Series(formatted, index=df.index, dtype=object, copy=False))
    return df if out is None else out


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = regex.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?%?")


def spreadsheet_safe(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with every text cell that a spreadsheet would run as a formula defused (OWASP "CSV
    injection"): a cell beginning with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a
    leading ``'``. Numeric columns and text cells that are plain numbers (``-3``, ``+4,5``) are
    left alone. The raw text stays in the Python API (``annotate``, ``load_corpus``, ``Section.compute``)."""
    out = None
    for col in df.columns:
        series = df[col]
        if not _may_be_risky(series):  # the common case, checked without a Python call per cell
            continue
        if isinstance(series.dtype, pd.CategoricalDtype):
            series = series.astype(object)
        elif not (series.dtype == object or pd.api.types.is_string_dtype(series.dtype)):
            continue
        if isinstance(series.dtype, pd.StringDtype):  # strings or missing values already
            text = series
            risky = series.str.startswith(_FORMULA_START, na=False)
        elif series.dtype == object and pd.api.types.infer_dtype(series, skipna=True) in ("string", "empty"):
            # every value a string or missing (checked in C): the prefix test runs on Arrow strings
            text = series.where(series.notna(), None)
            risky = pd.Series(pd.array(text, dtype="str"), index=series.index).str.startswith(_FORMULA_START)
            risky = risky.fillna(False).astype(bool)
        else:
            text = series.where(series.map(lambda v: isinstance(v, str)), None)
            risky = text.str.startswith(_FORMULA_START, na=False)
        at = np.flatnonzero(risky.to_numpy(dtype=bool))
        if not len(at):
            continue
        # plain numbers (-3, +4,5) are left alone: matched only in the cells that may be formulas
        at = at[~text.iloc[at].str.fullmatch(_PLAIN_NUMBER.pattern, na=False).to_numpy(dtype=bool)]
        if not len(at):
            continue
        if out is None:
            out = df.copy(deep=False)  # the columns that change are replaced, never written into
        mask = np.zeros(len(series), dtype=bool)
        mask[at] = True
        fixed = series.astype(object).copy()
        fixed[mask] = "'" + text[mask]
        out[col] = fixed
    return df if out is None else out


def _may_be_risky(series: pd.Series) -> bool:
    """False when no cell of ``series`` can begin with a formula character, checked without a
    Python call per cell: a text column (pandas' string dtype) or a categorical whose categories
    cannot; True otherwise (then :func:`spreadsheet_safe` checks the cells one by one)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        categories = series.cat.categories
        return bool(len(categories)) and _may_be_risky(pd.Series(categories, copy=False))
    if isinstance(series.dtype, pd.StringDtype):
        return bool(series.str.startswith(_FORMULA_START, na=False).any())
    return True
