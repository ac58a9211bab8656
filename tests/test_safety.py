"""User-supplied files are parsed safely: no pickle, no unsafe YAML, no eval/exec of file content."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_package_has_no_unsafe_parsers():
    banned = {
        "pickle": re.compile(r"^\s*(import|from)\s+(c?pickle|dill|joblib)\b|pickle\.loads?\(", re.M),
        "unsafe yaml": re.compile(r"yaml\.(load|unsafe_load|full_load)\(", re.M),
        "eval/exec": re.compile(r"(?<![\w.])(eval|exec)\(", re.M),
        "pandas read_pickle": re.compile(r"read_pickle\("),
    }
    # the exceptions: the report pickles its own figures to the worker process it forked
    # (analysis/report/worker.py), and the topics section its own jobs and their results to and from
    # the helper process it started (analysis/topics/helper.py, a pipe between the two); those bytes
    # never come from a file or from the user
    allowed = {("report/worker.py", "pickle"), ("topics/helper.py", "pickle")}
    hits = []
    for path in sorted((ROOT / "analysis").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        where = path.relative_to(ROOT / "analysis").as_posix()
        for name, rx in banned.items():
            if rx.search(text) and (where, name) not in allowed:
                hits.append(f"{where}: {name}")
    assert not hits


# ---------------------------------------------------------------------------------------------
# issue 19: hostile input and faults. CLI items run as a subprocess, as a user runs them.

import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from factories import best_seconds  # noqa: E402

GERMAN = (
    "Märkte sind Gespräche. Unternehmen müssen mit den Menschen reden, und zwar auf Augenhöhe. "
    "Das ist nicht immer einfach, aber es lohnt sich für alle, die zuhören wollen."
)
MARKER = ".german-discourse-report"


def cli(*args: str, tmp: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """``python -m analysis ARGS`` in a fresh process, with its own annotation cache under ``tmp``."""
    full_env = {**os.environ, "ANALYSIS_CACHE_DIR": str(tmp / "cache"), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=full_env,
        timeout=600,
    )


def corpus(folder: Path, texts: dict[str, str] | None = None) -> Path:
    folder.mkdir(parents=True)
    for name, text in (texts or {"a.txt": "Titel\n\n" + GERMAN, "b.txt": "Zweiter Text\n\n" + GERMAN[::-1]}).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def run(tmp: Path, folder: Path, out: Path, *extra: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return cli("run", "--corpus", str(folder), "--out", str(out), "--no-notebooks", "--quiet", *extra, tmp=tmp, env=env)


def one_error_line(res: subprocess.CompletedProcess) -> str:
    assert res.returncode == 1, res.stderr
    assert "Traceback" not in res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: ")
    return lines[0]


# lost files -----------------------------------------------------------------------------------


def test_report_folder_holding_user_files_is_refused_and_kept(tmp_path):
    texts = corpus(tmp_path / "texts")
    out = tmp_path / "out"
    assert run(tmp_path, texts, out).returncode == 0
    (out / "thesis.docx").write_bytes(b"my thesis")
    (out / "photos").mkdir()
    (out / "photos" / "me.jpg").write_bytes(b"jpeg")
    line = one_error_line(run(tmp_path, texts, out))
    assert "thesis.docx" in line and "photos" in line and "did not write" in line
    assert (out / "thesis.docx").read_bytes() == b"my thesis" and (out / "photos" / "me.jpg").is_file()
    assert (out / "index.html").is_file()
    # without them the previous report is replaced as before
    (out / "thesis.docx").unlink()
    (out / "photos" / "me.jpg").unlink()
    (out / "photos").rmdir()
    assert run(tmp_path, texts, out).returncode == 0


def test_out_filled_while_the_run_goes_on_is_not_replaced(tmp_path):
    from analysis.report.folder import ReportError
    from analysis.report.folder import replace_folder as _replace

    work = tmp_path / ".out.work"
    work.mkdir()
    (work / MARKER).write_text("new report\n")
    (work / "index.html").write_text("new")
    out = tmp_path / "out"
    out.mkdir()  # created by someone else after the start of the run
    (out / "notes.txt").write_text("keep")
    with pytest.raises(ReportError, match="nothing was replaced"):
        _replace(work, out)
    assert (out / "notes.txt").read_text() == "keep"
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("out.new-report-")]
    assert len(kept) == 1 and (kept[0] / "index.html").read_text() == "new"


def test_sentiment_refuses_to_overwrite_its_input(tmp_path):
    data = tmp_path / "x.csv"
    data.write_text("text\nDas ist gut.\n", encoding="utf-8")
    (tmp_path / "link.csv").symlink_to(data)
    for out in (data, tmp_path / "sub" / ".." / "x.csv", tmp_path / "link.csv"):
        (tmp_path / "sub").mkdir(exist_ok=True)
        line = one_error_line(cli("sentiment", "--input", str(data), "--out", str(out), tmp=tmp_path))
        assert "is the input file" in line
        assert data.read_text(encoding="utf-8") == "text\nDas ist gut.\n"


def test_out_inside_the_corpus_is_refused_through_dotdot_and_symlinks(tmp_path):
    texts = corpus(tmp_path / "texts")
    line = one_error_line(run(tmp_path, Path(f"{texts}/../texts"), texts / "rep"))
    assert "inside the corpus" in line
    (tmp_path / "alias").symlink_to(texts)
    line = one_error_line(run(tmp_path, tmp_path / "alias", texts / "rep"))
    assert "inside the corpus" in line
    assert not (texts / "rep").exists()


def test_a_report_folder_inside_a_corpus_is_not_read_as_texts(tmp_path):
    from analysis.corpus.load import load_corpus

    texts = corpus(tmp_path / "texts")
    old = texts / "old-report"
    (old / "notebooks").mkdir(parents=True)
    (old / MARKER).write_text("report\n")
    (old / "notebooks" / "01.html").write_text(f"<html><body><p>{GERMAN} Bericht.</p></body></html>")
    (old / "readme.txt").write_text("Ein Bericht über den Bericht. " + GERMAN)
    c = load_corpus(texts, quiet=True)
    assert sorted(c.documents["file"]) == ["a.txt", "b.txt"]
    assert any("report folder" in m for m in c.problems["message"])


def test_out_given_as_a_symlink_stays_a_symlink(tmp_path):
    texts = corpus(tmp_path / "texts")
    target = tmp_path / "reports" / "current"
    target.mkdir(parents=True)
    link = tmp_path / "out"
    link.symlink_to(target)
    assert run(tmp_path, texts, link).returncode == 0
    assert link.is_symlink() and (target / "index.html").is_file()
    assert run(tmp_path, texts, link).returncode == 0  # and again, replacing the previous report
    assert link.is_symlink() and (target / "index.html").is_file()


def test_leftovers_of_killed_runs_are_removed(tmp_path):
    texts = corpus(tmp_path / "texts")
    dead = 2**22 + 12345  # above the default pid_max: no process has this id
    assert not os.path.exists(f"/proc/{dead}")
    stale = tmp_path / f".out.{dead}.abc123"
    stale.mkdir()
    (stale / MARKER).write_text("half a report\n")
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / f"0123abcd.{dead}.tmp").write_bytes(b"PAR1 half")
    mine = tmp_path / ".out.notes"  # not ours: no pid, no marker
    mine.mkdir()
    (mine / "x.txt").write_text("keep")
    assert run(tmp_path, texts, tmp_path / "out").returncode == 0
    assert not stale.exists()
    assert not list((tmp_path / "cache").glob("*.tmp"))
    assert (mine / "x.txt").read_text() == "keep"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")] == [".out.notes"]


# spreadsheet formula injection ------------------------------------------------------------------


def test_csv_cells_that_start_a_formula_are_defused(tmp_path):
    texts = corpus(
        tmp_path / "texts",
        {
            "a.txt": 'Titel\n\n=HYPERLINK("http://example.org/x","Klick")\n\n' + GERMAN,
            "b.txt": "@SUMME(1;2)\n\n-1+1 und mehr. " + GERMAN,
        },
    )
    (tmp_path / "metadata.csv").write_text("file,title,genre\na.txt,+Titel,-5\nb.txt,Normal,blog post\n")
    out = tmp_path / "out"
    res = run(tmp_path, texts, out)
    assert res.returncode == 0, res.stderr
    raw = (out / "tables" / "paragraphs.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in raw and "\n=HYPERLINK" not in raw and ",=HYPERLINK" not in raw
    paragraphs = pd.read_csv(out / "tables" / "paragraphs.csv", keep_default_na=False)
    for cell in paragraphs.select_dtypes(include=["object", "string"]).to_numpy().ravel():
        assert not str(cell).startswith(("=", "+", "@", "\t", "\r")), cell
    docs = pd.read_csv(out / "tables" / "documents.csv", dtype=str, keep_default_na=False)
    assert set(docs["title"]) == {"'+Titel", "Normal"}
    assert set(docs["genre"]) == {"-5", "blog post"}  # a plain number stays a number
    assert pd.read_csv(out / "tables" / "documents.csv")["n_chars"].dtype.kind == "i"  # numbers untouched


def test_spreadsheet_safe_leaves_numbers_and_the_input_alone():
    from analysis.report.results import spreadsheet_safe

    df = pd.DataFrame(
        {"t": ["=1+1", "-x", "\tcmd", "-3", "+4,5", "ok", None], "n": [-1, 2, 3, 4, 5, 6, 7]},
    )
    safe = spreadsheet_safe(df)
    assert safe["t"].tolist()[:6] == ["'=1+1", "'-x", "'\tcmd", "-3", "+4,5", "ok"]
    assert pd.isna(safe["t"].iloc[6])
    assert safe["n"].tolist() == df["n"].tolist()
    assert df["t"].iloc[0] == "=1+1"  # the caller's table is not changed


# tracebacks and unclear messages ------------------------------------------------------------------


def test_a_file_name_that_is_not_utf8_is_named_not_fatal(tmp_path):
    texts = corpus(tmp_path / "texts")
    with open(os.path.join(os.fsencode(texts), b"caf\xe9.txt"), "w", encoding="utf-8") as f:
        f.write("Café\n\n" + GERMAN + " Noch ein Satz.")
    res = cli("run", "--corpus", str(texts), "--out", str(tmp_path / "out"), "--no-notebooks", tmp=tmp_path)
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr
    assert any("caf\\xe9.txt" in line and "not valid UTF-8" in line for line in res.stderr.splitlines())
    docs = pd.read_csv(tmp_path / "out" / "tables" / "documents.csv")
    assert "caf\\xe9.txt" in set(docs["file"])


@pytest.mark.parametrize(
    ("snippet", "key", "line"),
    [
        ("[dominant.a]\nthemes = ['a']\nthreshold = [1, 2]\n", "dominant.a.threshold", 6),
        ("axis = [1]\n", "themes.a.axis", 3),
        ("[dominant]\n", None, None),
        ("groups = 7\n", "themes.a.groups", 3),
    ],
)
def test_themes_file_with_a_wrong_value_type_is_one_line_naming_key_and_line(tmp_path, snippet, key, line):
    if key is None:  # dominant = 5 (a number where a table of labels belongs)
        text, key, line = "dominant = 5\n[themes.a]\nterms = ['x']\n", "dominant", 1
    else:
        text = (
            "[themes.a]\nterms = ['x']\n" + snippet
            if not snippet.startswith("[")
            else ("[themes.a]\nterms = ['x']\n\n" + snippet)
        )
    themes = tmp_path / "themes.toml"
    themes.write_text(text, encoding="utf-8")
    msg = one_error_line(cli("run", "--out", str(tmp_path / "out"), "--themes", str(themes), tmp=tmp_path))
    assert msg.startswith(f"error: {themes}, line {line}: {key} must be "), msg


def test_max_mb_inf_is_one_line(tmp_path):
    for value in ("inf", "nan", "-1"):
        line = one_error_line(cli("run", "--out", str(tmp_path / "o"), "--max-mb", value, tmp=tmp_path))
        assert "--max-mb" in line


def test_html_input_without_lxml_html_clean_is_one_warning(tmp_path):
    fake = tmp_path / "fake"
    (fake / "lxml_html_clean").mkdir(parents=True)
    (fake / "lxml_html_clean" / "__init__.py").write_text("raise ImportError('No module named lxml_html_clean')\n")
    texts = corpus(tmp_path / "texts")
    (texts / "seite.html").write_text(f"<html><body><article><p>{GERMAN}</p></article></body></html>")
    env = {"PYTHONPATH": os.pathsep.join([str(fake), str(ROOT), os.environ.get("PYTHONPATH", "")])}
    res = cli("run", "--corpus", str(texts), "--out", str(tmp_path / "out"), "--no-notebooks", tmp=tmp_path, env=env)
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr
    warned = [line for line in res.stderr.splitlines() if "seite.html" in line]
    assert len(warned) == 1 and "HTML reader cannot be loaded" in warned[0], res.stderr


def test_lxml_html_clean_is_a_declared_dependency():
    import tomllib

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert any(d.startswith("lxml_html_clean") for d in deps)


def test_binary_references_file_is_one_line_naming_it(tmp_path):
    refs = tmp_path / "refs.txt"
    refs.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    line = one_error_line(
        cli("run", "--out", str(tmp_path / "out"), "--references", str(refs), "--no-notebooks", tmp=tmp_path)
    )
    assert str(refs) in line and "binary" in line


def test_utf16_csv_from_excel_is_scored(tmp_path):
    data = tmp_path / "excel.csv"
    data.write_bytes("text\tid\nDas ist wunderbar und großartig.\t1\nDas ist furchtbar schlecht.\t2\n".encode("utf-16"))
    out = tmp_path / "scored.csv"
    res = cli("sentiment", "--input", str(data), "--out", str(out), tmp=tmp_path)
    assert res.returncode == 0, res.stderr
    scored = pd.read_csv(out)
    assert scored["label"].tolist() == ["positive", "negative"] and scored["id"].tolist() == [1, 2]


def test_dollar_signs_in_labels_are_text_not_mathtext(tmp_path):
    from analysis import plots

    values = pd.Series([3.0, 2.0], index=[r"Kosten $\frac$ und $", "$x^^2$"])
    fig = plots.barh(values, title=r"$\undefined$ Sprecher")
    plots.save(fig, tmp_path / "fig.png")  # mathtext would raise ValueError on these labels
    assert (tmp_path / "fig.png").stat().st_size > 0


def test_unwritable_out_parent_is_reported_before_any_work(tmp_path):
    texts = corpus(tmp_path / "texts")
    blocker = tmp_path / "file"
    blocker.write_text("a file, not a folder")
    line = one_error_line(run(tmp_path, texts, blocker / "out"))
    assert line.startswith(f"error: {blocker}: cannot write the report there")
    assert not (tmp_path / "cache").exists()  # nothing was annotated first
    if os.geteuid() != 0:  # root may write anywhere
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o555)
        try:
            line = one_error_line(run(tmp_path, texts, ro / "out"))
            assert line.startswith(f"error: {ro}: cannot write the report there") and ".out." not in line
        finally:
            ro.chmod(0o755)


# size and scale of outputs ------------------------------------------------------------------------


def test_a_huge_metadata_file_is_summarised_not_printed(tmp_path):
    texts = corpus(tmp_path / "texts")
    rows = "".join(f"fehlt-{i}.txt,Titel {i}\n" for i in range(3000))
    (tmp_path / "meta.csv").write_text("file,title\na.txt,A\n" + rows, encoding="utf-8")
    out = tmp_path / "out"
    res = run(tmp_path, texts, out, "--metadata", str(tmp_path / "meta.csv"))
    assert res.returncode == 0, res.stderr
    lines = [line for line in res.stderr.splitlines() if "fehlt-" in line]
    assert len(lines) <= 50
    assert any(line.startswith("… and ") and "more warnings" in line for line in res.stderr.splitlines())
    page = (out / "index.html").read_text(encoding="utf-8")
    assert len(page) < 200_000 and "more: see" in page
    assert len(pd.read_csv(out / "tables" / "problems.csv")) >= 3000  # all kept in the table


def test_structure_figure_of_many_documents_is_capped():
    from analysis.context import CAPS
    from analysis.corpus.load import Corpus
    from analysis.plots.structure import plot_structure

    n = 500
    paragraphs = pd.DataFrame(
        {"doc_id": [f"d{i:04d}" for i in range(n)], "kind": "body", "n_words": range(1, n + 1), "para_id": 0}
    )
    paragraphs["is_boilerplate"] = False
    c = Corpus(
        root=Path("."),
        documents=pd.DataFrame({"doc_id": paragraphs["doc_id"]}),
        paragraphs=paragraphs,
        quotes=pd.DataFrame(),
        problems=pd.DataFrame(),
    )
    fig = plot_structure(c)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert len(labels) == CAPS.structure_documents and "d0499" in labels and "d0000" not in labels
    assert fig.get_size_inches()[1] < 40 and "440 more" in fig.axes[0].get_title()


def test_streamed_sentiment_gives_the_scores_of_score_texts(tmp_path):
    from analysis.cli import score_rows
    from analysis.sentiment import score_texts

    texts = [
        "Das ist wirklich gut!",
        "",
        "Nicht schlecht, aber auch nicht toll. Leider furchtbar langweilig.",
        "&lt;3 super :)",
        float("nan"),
        "Kein Problem. Ich liebe es.\n\nZweiter Absatz: schrecklich.",
    ]
    expected = score_texts(texts)
    got = score_rows(texts)
    assert got["score"].tolist() == pytest.approx(expected["score"].tolist())
    assert got["label"].tolist() == expected["label"].tolist()
    data = tmp_path / "in.csv"
    pd.DataFrame({"id": range(len(texts)), "text": texts}).to_csv(data, index=False)
    for rows in ("2", "5000"):
        out = tmp_path / f"out{rows}.csv"
        res = cli("sentiment", "--input", str(data), "--out", str(out), "--chunk-rows", rows, tmp=tmp_path)
        assert res.returncode == 0, res.stderr
        scored = pd.read_csv(out, keep_default_na=False)
        assert scored["label"].tolist() == expected["label"].tolist()
        assert scored["score"].tolist() == pytest.approx(expected["score"].round(4).tolist())


def test_sentiment_memory_does_not_grow_with_the_rows(tmp_path):
    import resource  # noqa: F401  (Unix only, like the project)

    def peak_kb(n: int) -> int:
        data = tmp_path / f"in{n}.csv"
        pd.DataFrame({"text": [f"Das ist Zeile {i}, gut und schön." for i in range(n)]}).to_csv(data, index=False)
        code = (
            "import resource, sys; from analysis.cli import main; "
            f"main(['sentiment', '--input', {str(data)!r}, '--out', {str(tmp_path / 'o.csv')!r}, '--chunk-rows', '500']); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
        )
        res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=600)
        assert res.returncode == 0, res.stderr
        return int(res.stdout.split()[-1])

    small, large = peak_kb(1_000), peak_kb(20_000)
    assert large - small < 60_000, (small, large)  # 19,000 more rows: well under 3 KB each (was ~30 KB)


# smaller ------------------------------------------------------------------------------------------


def test_a_cache_entry_of_another_document_is_not_used(tmp_path):
    from analysis.annotate.pipeline import _cache_path, _spans_by_doc, annotate
    from analysis.corpus.load import load_corpus

    a = load_corpus(corpus(tmp_path / "a", {"a.txt": "Titel\n\n" + GERMAN}), quiet=True)
    b = load_corpus(corpus(tmp_path / "b", {"b.txt": "Anderer Titel\n\nKurz. Ganz anders."}), quiet=True)
    cache = tmp_path / "cache"
    annotate(a, cache=cache)
    entry_a = next(cache.glob("*.parquet"))
    text_b = b.documents["text"].iloc[0]
    path_b = _cache_path(cache, text_b, _spans_by_doc(b.paragraphs)[b.documents["doc_id"].iloc[0]])
    path_b.write_bytes(entry_a.read_bytes())  # a well-formed entry, of the wrong document
    pd.testing.assert_frame_equal(annotate(b, cache=cache), annotate(b, cache=False))


def test_notebook_html_export_is_self_contained_with_the_report_policy():
    import nbformat
    from nbconvert import HTMLExporter

    from analysis.report.html import CSP, self_contained_html

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Titel $x^2$"), nbformat.v4.new_code_cell("1 + 1")]
    nb.cells[1].outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "2"}, execution_count=1)]
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    assert "cdnjs" in body  # what nbconvert gives: require.js, MathJax, mermaid from a CDN
    page = self_contained_html(body)
    assert "<script" not in page.lower() and "cdnjs.cloudflare.com/ajax/libs/require" not in page
    assert f'content="{CSP}"' in page and "Titel" in page
    head = page[: page.index("</head>")]
    assert "Content-Security-Policy" in head


def test_references_file_above_the_limit_is_refused_quickly(tmp_path):
    from analysis.corpus.references import MAX_REFERENCE_BYTES, load_references

    refs = tmp_path / "refs.txt"
    line = "Die Märkte sind Gespräche.\n"
    refs.write_text(line * (MAX_REFERENCE_BYTES // len(line.encode()) + 10), encoding="utf-8")
    t0 = time.perf_counter()
    with pytest.raises(ValueError, match="at most"):
        load_references(refs)
    assert time.perf_counter() - t0 < 5


# hangs on small inputs ----------------------------------------------------------------------------


@pytest.mark.parametrize("unit", ["x.y", "a1.", "a-a.", "1.", "a\n\n"])
def test_paragraph_segmentation_is_linear_on_pathological_text(unit):
    """Issue 19: the contact patterns rescanned ``x.y.x.y…`` from every position (16k characters:
    26 s) and every paragraph looked at all the paragraphs before it. 8 times the input may take
    at most 32 times as long (linear: 8; quadratic: 64)."""
    from analysis.corpus.structure import segment

    small, large = (unit * 2000)[:2000], (unit * 16000)[:16000]
    t_small = best_seconds(segment, small)
    t_large = best_seconds(segment, large, limit=32 * t_small + 0.05)
    assert t_large < 32 * t_small + 0.05, (t_small, t_large)
