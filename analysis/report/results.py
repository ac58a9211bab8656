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

import pandas as pd
import regex

__all__ = [
    "FIGURES",
    "MANIFEST",
    "RESULTS_DIR",
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


def write_csv(df: pd.DataFrame, path: Path) -> None:
    spreadsheet_safe(df).to_csv(path, index=False, lineterminator="\n", float_format="%.6g")


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
        if isinstance(series.dtype, pd.CategoricalDtype):
            series = series.astype(object)
        elif not (series.dtype == object or pd.api.types.is_string_dtype(series.dtype)):
            continue
        text = series.where(series.map(lambda v: isinstance(v, str)), None)
        risky = text.str.startswith(_FORMULA_START, na=False)
        if not risky.any():
            continue
        risky &= ~text.str.fullmatch(_PLAIN_NUMBER.pattern, na=False)
        if not risky.any():
            continue
        if out is None:
            out = df.copy()
        fixed = series.astype(object).copy()
        fixed[risky] = "'" + text[risky]
        out[col] = fixed
    return df if out is None else out
