"""``python -m analysis run`` end to end: tables, report page, refusal rules, determinism, escaping."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis.cli import main
from analysis.report.folder import MARKER
from analysis.report.sections import SECTIONS

ROOT = Path(__file__).resolve().parents[2]
GERMAN = (
    "Der Vorstand twittert jetzt selbst. Viele Chefs nutzen LinkedIn, um persönlich mit Kunden zu sprechen. "
    "Das ist nicht immer gut, aber oft besser als jede Pressemitteilung."
)


def second_corpus(folder: Path) -> Path:
    """A small corpus with an HTML page, a cp1252 text, a <script> text and a broken file."""
    folder.mkdir(parents=True)
    (folder / "seite.html").write_text(
        "<html><head><title>Chefs auf LinkedIn</title><script>alert(1)</script></head><body>"
        "<nav>Menü Impressum</nav><article><h1>Chefs auf LinkedIn</h1>"
        f"<p>{GERMAN}</p><p>{GERMAN} Zweiter Absatz über Dialog und Marketing.</p></article></body></html>",
        encoding="utf-8",
    )
    (folder / "alt.txt").write_bytes(("Märkte sind Gespräche\n\n" + GERMAN + " Größer.").encode("cp1252"))
    (folder / "xss.txt").write_text(
        "<script>document.title='pwned'</script> Titel\n\nEin Text über <b>Dialog</b> & Marketing. " + GERMAN,
        encoding="utf-8",
    )
    (folder / "kaputt.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    return folder


def run(*args: str) -> int:
    return main(["run", "--quiet", *args])


def test_second_corpus_tables_and_page(tmp_path, capsys):
    corpus = second_corpus(tmp_path / "texts")
    out = tmp_path / "out"
    code = run("--corpus", str(corpus), "--out", str(out), "--no-notebooks")
    assert code == 0, capsys.readouterr().err
    for name in [table for section in SECTIONS for table in section.required]:
        assert (out / "tables" / f"{name}.csv").is_file(), name
    docs = pd.read_csv(out / "tables" / "documents.csv")
    assert sorted(docs["file"]) == ["alt.txt", "seite.html", "xss.txt"]
    assert docs.set_index("file").loc["alt.txt", "encoding"] == "cp1252"
    themes = pd.read_csv(out / "tables" / "themes.csv")
    assert {"doc_id", "theme"} <= set(themes.columns)
    assert set(themes["theme"]) <= {"dialogue_marketing", "ceo_tweeting", "cluetrain", "none"}
    sentiment = pd.read_csv(out / "tables" / "sentiment_documents.csv")
    assert {"doc_id", "score", "label"} <= set(sentiment.columns)
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "kaputt.txt" in page and "PNG image" in page  # the per-file warning is listed
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "Content-Security-Policy" in page
    # the user's folder is untouched
    assert sorted(p.name for p in corpus.iterdir()) == ["alt.txt", "kaputt.txt", "seite.html", "xss.txt"]


def test_two_runs_give_byte_identical_tables(tmp_path):
    corpus = second_corpus(tmp_path / "texts")
    assert run("--corpus", str(corpus), "--out", str(tmp_path / "a"), "--no-notebooks") == 0
    assert run("--corpus", str(corpus), "--out", str(tmp_path / "b"), "--no-notebooks") == 0
    a = {p.name: p.read_bytes() for p in (tmp_path / "a" / "tables").iterdir()}
    b = {p.name: p.read_bytes() for p in (tmp_path / "b" / "tables").iterdir()}
    assert a == b
    assert (tmp_path / "a" / "index.html").read_bytes() == (tmp_path / "b" / "index.html").read_bytes()


def test_one_document_without_any_theme(tmp_path):
    folder = tmp_path / "one"
    folder.mkdir()
    (folder / "fussball.txt").write_text(
        "Der FC gewinnt das Derby\n\nIm ausverkauften Stadion schoss der Stürmer in der zweiten Halbzeit zwei Tore. "
        "Der Trainer lobte die Abwehr, die Fans feierten bis spät in die Nacht.",
        encoding="utf-8",
    )
    assert run("--corpus", str(folder), "--out", str(tmp_path / "out"), "--no-notebooks") == 0
    themes = pd.read_csv(tmp_path / "out" / "tables" / "themes.csv")
    assert themes["theme"].tolist() == ["none"]


def test_existing_report_is_replaced_not_mixed(tmp_path):
    corpus = second_corpus(tmp_path / "texts")
    out = tmp_path / "out"
    assert run("--corpus", str(corpus), "--out", str(out), "--no-notebooks") == 0
    # a table an older version of the report wrote (listed in the marker) is not mixed into the new one
    (out / "tables" / "stale.csv").write_text("old")
    with (out / MARKER).open("a") as marker:
        marker.write("tables/stale.csv\n")
    assert run("--corpus", str(corpus), "--out", str(out), "--no-notebooks") == 0
    assert not (out / "tables" / "stale.csv").exists() and (out / MARKER).is_file()


def test_refuses_a_non_report_folder_and_unusable_input(tmp_path, capsys):
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "mine.txt").write_text("keep me")
    corpus = second_corpus(tmp_path / "texts")
    assert run("--corpus", str(corpus), "--out", str(busy), "--no-notebooks") == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"error: {busy}: folder is not empty and holds no previous report; choose an empty or new folder"]
    assert (busy / "mine.txt").read_text() == "keep me"

    empty = tmp_path / "empty"
    empty.mkdir()
    assert run("--corpus", str(empty), "--out", str(tmp_path / "o1")) == 1
    assert capsys.readouterr().err.strip() == f"error: {empty}: no .txt, .md or .html files found"
    assert run("--corpus", str(tmp_path / "missing"), "--out", str(tmp_path / "o2")) == 1
    assert "corpus folder not found" in capsys.readouterr().err
    assert not (tmp_path / "o1").exists() and not (tmp_path / "o2").exists()


def test_help_texts(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    assert "run" in capsys.readouterr().out
    for sub in ("run", "sentiment"):
        with pytest.raises(SystemExit):
            main([sub, "--help"])
        assert "usage: python -m analysis " + sub in capsys.readouterr().out


def test_seed_corpus_from_another_working_directory(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "data" / "texts", tmp_path / "texts")
    shutil.copy(ROOT / "data" / "metadata.csv", tmp_path / "metadata.csv")
    monkeypatch.chdir(tmp_path)
    assert run("--corpus", "texts", "--out", "report", "--no-notebooks") == 0
    themes = pd.read_csv(tmp_path / "report" / "tables" / "themes.csv")
    assert len(themes) == 5


def test_full_run_with_notebooks_on_the_seed_corpus(tmp_path):
    out = tmp_path / "out"
    cwd = os.getcwd()
    assert run("--out", str(out)) == 0  # default corpus: the shipped data/texts
    assert os.getcwd() == cwd  # notebooks run in threads: nothing may change the process's directory
    names = sorted(p.name for p in (out / "notebooks").iterdir())
    assert names == [
        f"{stem}.{ext}"
        for stem in ("01_corpus", "02_vocabulary", "03_topics", "04_sentiment")
        for ext in ("html", "ipynb")
    ]
    page = (out / "index.html").read_text(encoding="utf-8")
    for stem in ("01_corpus", "02_vocabulary", "03_topics", "04_sentiment"):
        assert f"<a href='notebooks/{stem}.html'>{stem}</a> (ok)" in page
    assert "<img src='figures/structure.png'" in page
    # computed once: the notebooks got the run's tables, saved as Parquet beside the CSV copies
    from analysis.report.results import load_tables

    keyness = load_tables(out / "results", section="vocabulary")["keyness"]
    csv = pd.read_csv(out / "tables" / "keyness.csv")
    assert list(keyness["lemma"]) == list(csv["lemma"])
    assert keyness["g2"].to_numpy() == pytest.approx(csv["g2"].to_numpy(), rel=1e-5)
    executed = (out / "notebooks" / "02_vocabulary.ipynb").read_text(encoding="utf-8")
    assert "results_dir = '../results'" in executed  # parameters shown relative to the notebook
    assert "end_time" not in executed and "iopub.execute_input" not in executed  # no clock times


def test_notebooks_run_unchanged_on_a_one_document_off_topic_corpus(tmp_path):
    folder = tmp_path / "one"
    folder.mkdir()
    (folder / "rezept.txt").write_text(
        "Apfelkuchen\n\nDie Äpfel schälen und in Spalten schneiden. Butter, Zucker und Eier schaumig rühren, "
        "dann Mehl unterheben. Den Teig in die Form geben, die Äpfel darauf verteilen und 45 Minuten backen.",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert run("--corpus", str(folder), "--out", str(out)) == 0
    page = (out / "index.html").read_text(encoding="utf-8")
    assert page.count(" (ok)</li>") == 4
