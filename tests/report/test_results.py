"""The run's tables saved once and loaded by the notebooks (``analysis.report.results``)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import annotate, load_corpus
from analysis.context import RunContext
from analysis.plots.core import SAVE_DPI, SavedFigure, png_size
from analysis.report.results import (
    load_figures,
    load_tables,
    save_figure_index,
    save_tables,
    section_figures,
    section_tables,
)

TEXT = (
    "Dialog statt Werbung\n\nUnternehmen reden mit ihren Kunden im Netz. Der Dialog ersetzt die Werbung nicht, "
    "aber er verändert das Marketing. Kunden antworten, fragen nach und erwarten ehrliche Antworten."
)


def test_saved_tables_load_with_their_dtypes_and_unknown_sections_are_none(tmp_path):
    tables = {
        "a": pd.DataFrame({"doc_id": pd.Categorical(["x", "y"]), "n": [1, 2], "text": ["=1+1", "ä"]}),
        "b": pd.DataFrame({"v": [0.5]}),
    }
    assert save_tables(tables, tmp_path, section="s1") == []
    loaded = load_tables(tmp_path, section="s1")
    assert sorted(loaded) == ["a", "b"]
    pd.testing.assert_frame_equal(loaded["a"], tables["a"])  # raw values: no spreadsheet escaping here
    assert load_tables(tmp_path, section="other") is None
    assert load_tables(tmp_path / "missing", section="s1") is None


def test_a_table_parquet_cannot_hold_is_reported_and_left_out(tmp_path):
    mixed = pd.DataFrame({"x": [1, "a"]})  # mixed Python types in one column
    failed = save_tables({"mixed": mixed, "ok": pd.DataFrame({"y": [1]})}, tmp_path, section="s")
    assert len(failed) == 1 and failed[0].startswith("mixed (")
    assert list(load_tables(tmp_path, section="s")) == ["ok"]


def test_section_tables_load_what_the_report_saved_and_compute_the_same_without_it(tmp_path):
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    (folder / "b.txt").write_text(TEXT.replace("Dialog", "Gespräch") + " Werbung, Werbung, Werbung.", encoding="utf-8")
    corpus = load_corpus(folder, quiet=True)
    tokens = annotate(corpus, cache=False)
    computed = section_tables("vocabulary", RunContext(corpus, tokens))
    save_tables(computed, tmp_path / "results", section="vocabulary")
    loaded = section_tables("vocabulary", RunContext(corpus, tokens), results_dir=tmp_path / "results")
    assert sorted(loaded) == sorted(computed)
    for name in computed:
        if computed[name].empty:  # the categories of an empty categorical column have no type to keep
            assert list(loaded[name].columns) == list(computed[name].columns)
        else:
            pd.testing.assert_frame_equal(loaded[name], computed[name], check_dtype=False)
    with pytest.raises(ValueError, match="unknown section"):
        section_tables("nonsense", RunContext(corpus, tokens))


def test_figures_the_report_saved_are_shown_instead_of_drawn_again(tmp_path):
    """With a results folder that records a section's figures, ``section_figures`` returns the
    saved PNG files, each shown at half its pixel width (saved at twice the screen resolution);
    when the record or a file is missing it draws the figures as the report does."""
    import matplotlib.pyplot as plt

    from analysis import plots

    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    (folder / "b.txt").write_text(TEXT.replace("Dialog", "Gespräch"), encoding="utf-8")
    corpus = load_corpus(folder, quiet=True)
    context = RunContext(corpus, annotate(corpus, cache=False))
    tables = section_tables("themes", context)
    drawn = section_figures("themes", context, tables)
    results, figures_dir = tmp_path / "out" / "results", tmp_path / "out" / "figures"
    results.mkdir(parents=True)
    paths = {name: plots.save(fig, figures_dir / f"{name}.png") for name, fig in drawn.items()}
    plt.close("all")
    assert load_figures(results, section="themes") is None  # nothing recorded yet: drawn
    assert isinstance(section_figures("themes", context, tables, results_dir=results)["themes_documents"], plt.Figure)
    save_figure_index(results, section="themes", figures=paths)
    assert load_figures(results, section="themes") == paths
    assert load_figures(results, section="topics") is None
    shown = section_figures("themes", context, tables, results_dir=results)
    assert sorted(shown) == sorted(drawn) == ["themes_documents"]
    saved = shown["themes_documents"]
    assert isinstance(saved, SavedFigure)
    # the text an executed notebook keeps beside the image: no path of the run's temporary folder
    assert repr(saved) == "<SavedFigure themes_documents.png>" and str(results) not in repr(saved)
    data, size = saved._repr_png_()
    assert data == paths["themes_documents"].read_bytes()
    width, height = png_size(data)
    assert (size["width"], size["height"]) == (round(width * 100 / SAVE_DPI), round(height * 100 / SAVE_DPI))
    paths["themes_documents"].unlink()  # a recorded file that is gone: drawn again
    assert load_figures(results, section="themes") is None
    assert isinstance(section_figures("themes", context, tables, results_dir=results)["themes_documents"], plt.Figure)
    plt.close("all")


def test_png_size_reads_the_header_and_refuses_other_files():
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (37, 11)).save(buffer, format="PNG")
    assert png_size(buffer.getvalue()) == (37, 11)
    with pytest.raises(ValueError, match="not a PNG"):
        png_size(b"GIF89a" + bytes(30))


# the CSV files: floats formatted before pandas writes them, text cells checked per column -----------


def _pandas_csv(df: pd.DataFrame) -> str:
    """What ``write_csv`` wrote before its floats were formatted ahead of pandas: the reference."""
    from analysis.report.results import spreadsheet_safe

    return spreadsheet_safe(df).to_csv(index=False, lineterminator="\n", float_format="%.6g")


def test_write_csv_formats_floats_byte_for_byte_as_pandas_does(tmp_path):
    import numpy as np

    from analysis.report.results import write_csv

    rng = np.random.default_rng(3)
    odd = [0.0, -0.0, np.nan, np.inf, -np.inf, 1e-7, 123456789.0, 0.1 + 0.2, -1.5e300, 5e-324, 1234567.5, 0.5]
    df = pd.DataFrame(
        {
            "odd": np.array(odd * 3),  # repeated values, -0.0 beside 0.0 (equal, but written "-0" and "0")
            "rounded": np.round(rng.normal(size=36), 6),
            "single": (np.arange(36, dtype=np.float32) / np.float32(3)),  # float32 keeps its own digits
            "nullable": pd.array([0.25, None] * 18, dtype="Float64"),  # left to pandas
            "n": np.arange(36),
            "t": ["a,b", "-x", "=1", None] * 9,
        }
    )
    write_csv(df, tmp_path / "t.csv")
    written = (tmp_path / "t.csv").read_text(encoding="utf-8")
    assert written == _pandas_csv(df)
    assert "\n-0," in written and "\n0," in written and ",'-x\n" in written


def test_spreadsheet_safe_checks_string_and_categorical_columns_as_before():
    from analysis.report.results import spreadsheet_safe

    df = pd.DataFrame(
        {
            "s": pd.array(["ok", "=SUM(A1)", None, "-2"], dtype="str"),
            "plain": pd.array(["a", "b", None, "c"], dtype="str"),
            "c": pd.Categorical(["+x", "y", "y", None]),
            "c_plain": pd.Categorical(["x", "y", "y", None]),
            "c_num": pd.Categorical([1, 2, 2, 1]),
        }
    )
    safe = spreadsheet_safe(df)
    assert safe["s"].tolist()[:2] == ["ok", "'=SUM(A1)"] and safe["s"].tolist()[3] == "-2"
    assert safe["c"].tolist()[:3] == ["'+x", "y", "y"]
    for col in ("plain", "c_plain", "c_num"):  # nothing to defuse: the column is the caller's
        assert safe[col] is df[col] or safe[col].equals(df[col])


def _spreadsheet_safe_simple(df: pd.DataFrame) -> pd.DataFrame:
    """spreadsheet_safe as it was, cell by cell: the reference for the faster paths."""
    import regex

    start = ("=", "+", "-", "@", "\t", "\r")
    number = regex.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?%?")
    out = df.copy()
    for col in df.columns:
        series = df[col]
        if isinstance(series.dtype, pd.CategoricalDtype):
            series = series.astype(object)
        elif not (series.dtype == object or pd.api.types.is_string_dtype(series.dtype)):
            continue
        text = series.where(series.map(lambda v: isinstance(v, str)), None)
        risky = text.str.startswith(start, na=False) & ~text.str.fullmatch(number.pattern, na=False)
        if risky.any():
            fixed = series.astype(object).copy()
            fixed[risky] = "'" + text[risky]
            out[col] = fixed
    return out


def test_spreadsheet_safe_fast_paths_equal_the_cell_by_cell_check():
    import numpy as np

    from analysis.report.results import spreadsheet_safe

    cells = ["=SUM(A1)", "-3", "+4,5", "@x", "\tx", "plain", "-", "- item", "1e5", None, "", "-0.5%"]
    df = pd.DataFrame(
        {
            "objects": pd.Series(cells, dtype=object),  # strings and None: the Arrow prefix test
            "strings": pd.Series(cells, dtype="str"),  # pandas' string dtype
            "mixed": pd.Series([*cells[:-2], 3, np.nan], dtype=object),  # not only strings: cell by cell
            "category": pd.Series(cells, dtype="category"),
            "safe": pd.Series(["a", "b", None, *["c"] * 9], dtype=object),
            "number": np.arange(len(cells), dtype=float) - 5,
        }
    )
    got = spreadsheet_safe(df)
    pd.testing.assert_frame_equal(got, _spreadsheet_safe_simple(df))
    assert got["objects"].tolist()[:8] == ["'=SUM(A1)", "-3", "+4,5", "'@x", "'\tx", "plain", "'-", "'- item"]
    assert df["objects"].iloc[0] == "=SUM(A1)"  # the input is not changed
