"""load_corpus(): metadata, inference without metadata, and the bad-input catalogue."""

from __future__ import annotations

import codecs
import shutil
from pathlib import Path

import pytest

from analysis.corpus.load import CorpusError, load_corpus, slugify

ROOT = Path(__file__).resolve().parents[2]
GERMAN = (
    "Märkte sind Gespräche. Unternehmen müssen mit den Menschen reden, und zwar auf Augenhöhe. "
    "Das ist nicht immer einfach, aber es lohnt sich für alle, die zuhören wollen."
)


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_seed_corpus_documents_and_metadata():
    corpus = load_corpus(ROOT / "data" / "texts", quiet=True)
    docs = corpus.documents.set_index("doc_id")
    assert sorted(docs.index) == [
        "cluetrain-zehn-jahre",
        "dialog-vs-marketing",
        "heinemann-interview",
        "schertler-stille-revolution",
        "stamer-wer-nicht-twittert",
    ]
    assert docs.loc["dialog-vs-marketing", "speakers"] == "Annette Schwindt; Oliver Heim"
    assert docs.loc["heinemann-interview", "genre"] == "interview"
    assert docs.loc["cluetrain-zehn-jahre", "year"] == 2010
    assert (docs["language"] == "de").all()
    assert corpus.problems.empty
    # paragraph offsets point into the document text
    for p in corpus.paragraphs.itertuples():
        assert docs.loc[p.doc_id, "text"][p.start : p.end] == p.text
    for q in corpus.quotes.itertuples():
        assert q.text in docs.loc[q.doc_id, "text"][q.start : q.end]


def test_without_metadata_doc_id_from_file_name_and_title_from_first_line(tmp_path):
    write(tmp_path, "Über Märkte & Gespräche.txt", f"Märkte sind Gespräche\n\n{GERMAN}")
    corpus = load_corpus(tmp_path, quiet=True)
    row = corpus.documents.iloc[0]
    assert row["doc_id"] == "ueber-maerkte-gespraeche"
    assert row["title"] == "Märkte sind Gespräche"


def test_metadata_rows_without_files_and_files_without_rows_are_reported(tmp_path):
    texts = tmp_path / "texts"
    write(texts, "a.txt", GERMAN)
    write(texts, "b.txt", GERMAN + " Noch ein Satz.")
    write(tmp_path, "metadata.csv", "doc_id,file,title\nerster,a.txt,Erster Text\nfehlt,missing.txt,Fehlt\n")
    corpus = load_corpus(texts, quiet=True)
    assert corpus.documents["doc_id"].tolist() == ["erster", "b"]
    msgs = corpus.problems.set_index("file")["message"]
    assert "no row in the metadata" in msgs["b.txt"]
    assert "no such file" in msgs["missing.txt"]


def test_metadata_path_escaping_the_folder_is_ignored(tmp_path):
    write(tmp_path, "a.txt", GERMAN)
    write(tmp_path, "metadata.csv", "file,title\n../../etc/passwd,Böse\na.txt,Gut\n")
    corpus = load_corpus(tmp_path, quiet=True)
    assert corpus.documents["title"].tolist() == ["Gut"]
    assert corpus.problems["message"].str.contains("outside the corpus folder").any()


def test_malformed_metadata_is_a_warning_not_a_failure(tmp_path):
    write(tmp_path, "a.txt", GERMAN)
    write(tmp_path, "metadata.csv", b"\xff\xfe\x00garbage")
    corpus = load_corpus(tmp_path, quiet=True)
    assert len(corpus) == 1
    assert "metadata" in corpus.problems["message"].iloc[0]


ENCODINGS = [
    ("cp1252.txt", GERMAN.encode("cp1252"), "cp1252"),
    ("latin1.txt", ("Größe " + GERMAN).encode("latin-1"), "cp1252"),
    ("bom.txt", codecs.BOM_UTF8 + GERMAN.encode("utf-8"), "utf-8-sig"),
    ("utf16.txt", GERMAN.encode("utf-16"), "utf-16"),
]


@pytest.mark.parametrize(("name", "raw", "encoding"), ENCODINGS)
def test_encodings_decode_to_the_same_text(tmp_path, name, raw, encoding):
    write(tmp_path, name, raw)
    doc = load_corpus(tmp_path, quiet=True).documents.iloc[0]
    assert doc["encoding"] == encoding
    assert "Gespräche" in doc["text"] and "\ufeff" not in doc["text"]


def test_line_endings_are_normalised(tmp_path):
    write(tmp_path, "crlf.txt", ("Titel\r\n\r\n" + GERMAN + "\r\n").encode())
    write(tmp_path, "cr.txt", ("Titel zwei\r\r" + GERMAN + " Ende.\r").encode())
    corpus = load_corpus(tmp_path, quiet=True)
    assert all("\r" not in t for t in corpus.documents["text"])
    assert corpus.paragraphs.groupby("doc_id").size().tolist() == [2, 2]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "is empty"),
        ("blank.txt", b"   \n\t\n  ", "only whitespace"),
        ("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "PNG image"),
        ("nul.txt", b"abc\x00\x01\x02def", "binary"),
    ],
)
def test_bad_files_are_skipped_with_one_line_naming_the_file(tmp_path, capsys, name, content, message):
    write(tmp_path, "good.txt", GERMAN)
    write(tmp_path, name, content)
    corpus = load_corpus(tmp_path)
    assert corpus.documents["file"].tolist() == ["good.txt"]
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"warning: {name}: ") and message in err[0]


def test_file_above_the_size_limit_is_refused(tmp_path):
    write(tmp_path, "big.txt", GERMAN * 200)
    write(tmp_path, "small.txt", GERMAN)
    corpus = load_corpus(tmp_path, max_bytes=10_000, quiet=True)
    assert corpus.documents["file"].tolist() == ["small.txt"]
    assert "above the limit" in corpus.problems["message"].iloc[0]


def test_english_text_is_loaded_with_a_warning(tmp_path):
    write(tmp_path, "en.txt", "The markets are conversations. Companies must talk with the people they serve.")
    corpus = load_corpus(tmp_path, quiet=True)
    assert corpus.documents["language"].tolist() == ["en"]
    assert "English, not German" in corpus.problems["message"].iloc[0]


def test_unreadable_file(tmp_path, monkeypatch):
    write(tmp_path, "good.txt", GERMAN)
    locked = write(tmp_path, "locked.txt", GERMAN + " x")
    original = Path.read_bytes

    def deny(self):  # chmod 000 does not stop root, so simulate what the OS says to a normal user
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", deny)
    corpus = load_corpus(tmp_path, quiet=True)
    assert corpus.documents["file"].tolist() == ["good.txt"]
    assert corpus.problems["message"].iloc[0] == "cannot be read (Permission denied); skipped"


def test_duplicate_documents_are_skipped(tmp_path):
    write(tmp_path, "a.txt", GERMAN)
    write(tmp_path, "b.txt", GERMAN)
    corpus = load_corpus(tmp_path, quiet=True)
    assert corpus.documents["file"].tolist() == ["a.txt"]
    assert "same text as a.txt" in corpus.problems["message"].iloc[0]


def test_symlink_outside_the_folder_is_skipped(tmp_path):
    outside = write(tmp_path / "outside", "secret.txt", GERMAN)
    corpus_dir = tmp_path / "corpus"
    write(corpus_dir, "good.txt", GERMAN + " Gut.")
    (corpus_dir / "link.txt").symlink_to(outside)
    corpus = load_corpus(corpus_dir, quiet=True)
    assert corpus.documents["file"].tolist() == ["good.txt"]
    assert "outside the corpus folder" in corpus.problems["message"].iloc[0]


def test_names_with_spaces_and_umlauts_and_subfolders(tmp_path):
    write(tmp_path, "Größere Texte/über uns.md", GERMAN)
    corpus = load_corpus(tmp_path, quiet=True)
    assert corpus.documents["file"].tolist() == ["Größere Texte/über uns.md"]
    assert corpus.documents["doc_id"].tolist() == ["ueber-uns"]


def test_missing_empty_and_unusable_folders_raise_one_line_errors(tmp_path):
    with pytest.raises(CorpusError, match="corpus folder not found"):
        load_corpus(tmp_path / "nope")
    with pytest.raises(CorpusError, match="no .txt, .md or .html files"):
        load_corpus(tmp_path)
    write(tmp_path, "empty.txt", "")
    with pytest.raises(CorpusError, match="none of the 1 files could be read") as exc:
        load_corpus(tmp_path, quiet=True)
    assert "\n" not in str(exc.value)


def test_user_files_are_never_modified(tmp_path):
    src = ROOT / "data" / "texts"
    shutil.copytree(src, tmp_path / "texts")
    shutil.copy(ROOT / "data" / "metadata.csv", tmp_path / "metadata.csv")
    write(tmp_path / "texts", "cp.txt", GERMAN.encode("cp1252"))
    write(tmp_path / "texts", "empty.txt", b"")
    before = snapshot(tmp_path)
    load_corpus(tmp_path / "texts", quiet=True)
    assert snapshot(tmp_path) == before


def test_html_page_main_text_is_extracted(tmp_path):
    html = (
        "<html><head><title>Märkte sind Gespräche</title></head><body>"
        "<nav><a href='/'>Start</a> <a href='/impressum'>Impressum</a></nav>"
        f"<article><h1>Märkte sind Gespräche</h1><p>{GERMAN}</p><p>{GERMAN} Zweiter Absatz.</p></article>"
        "<footer>© 2024 Beispiel GmbH</footer></body></html>"
    )
    write(tmp_path, "seite.html", html)
    doc = load_corpus(tmp_path, quiet=True).documents.iloc[0]
    assert "Unternehmen müssen mit den Menschen reden" in doc["text"]
    assert "<p>" not in doc["text"] and "Impressum" not in doc["text"]


def test_slugify():
    assert slugify("Dialog vs. Marketing!") == "dialog-vs-marketing"
    assert slugify("") == "doc"


def test_subset_keeps_the_type_and_leaves_the_original_alone():
    corpus = load_corpus(ROOT / "data" / "texts", quiet=True)
    sub = corpus.subset(["heinemann-interview"])
    assert type(sub) is type(corpus)
    assert sub.documents["doc_id"].tolist() == ["heinemann-interview"]
    assert set(sub.paragraphs["doc_id"]) == {"heinemann-interview"}
    assert len(corpus) == 5


def test_markdown_heading_marks_are_not_part_of_the_title(tmp_path):
    from analysis import load_corpus

    (tmp_path / "a.md").write_text(
        "# Märkte sind Gespräche #\n\nEin Text über den Dialog mit Kunden.", encoding="utf-8"
    )
    (tmp_path / "b.txt").write_text("#Cluetrain lebt\n\nEin Text über Märkte und Menschen im Netz.", encoding="utf-8")
    titles = load_corpus(tmp_path, quiet=True).documents.set_index("file")["title"]
    assert titles["a.md"] == "Märkte sind Gespräche"
    assert titles["b.txt"] == "#Cluetrain lebt"  # a hashtag is not a heading mark


def _varied_corpus(folder: Path) -> None:
    """Files that exercise every kind of bookkeeping of loading: metadata rows (speakers, a year
    that is not one, a row without file), colliding doc_ids, a duplicate, bad and foreign files."""
    for i in range(12):
        body = f"Titel {i}\n\n" + GERMAN + f" Absatz {i} mit „einem Zitat, das jemand sagte“, sagte Anna Beispiel."
        write(folder, f"text-{i:02d}.txt", body)
    write(folder, "Text 01.txt", "Noch ein Titel\n\n" + GERMAN + " Anders.")  # slug collides with text-01
    write(folder, "copy.txt", f"Titel 3\n\n{GERMAN} Absatz 3 mit „einem Zitat, das jemand sagte“, sagte Anna Beispiel.")
    write(folder, "empty.txt", b"")
    write(folder, "bin.txt", b"abc\x00\x01\x02def")
    write(folder, "en.txt", "The markets are conversations. Companies must talk with the people they serve.")
    write(folder, "sub/interview.txt", "Interview\n\nFrage: Wie geht es?\n\nAnna Beispiel: " + GERMAN)
    write(
        folder,
        "metadata.csv",
        "file,title,speakers,year,genre\n"
        "sub/interview.txt,Ein Gespräch,Anna Beispiel; Bert Muster,20x4,interview\n"
        "text-05.txt,,,2021,blog\n"
        "missing.txt,Fehlt,,,\n",
    )


def test_loading_in_worker_processes_gives_the_same_corpus_and_warnings(tmp_path, monkeypatch):
    import pandas as pd

    from analysis.corpus import load as load_module

    _varied_corpus(tmp_path)
    monkeypatch.setattr(load_module, "_load_workers", lambda jobs: 1)
    serial = load_corpus(tmp_path, quiet=True)
    used = []
    monkeypatch.setattr(load_module, "_load_workers", lambda jobs: used.append(2) or 2)
    parallel = load_corpus(tmp_path, quiet=True)
    assert used == [2]
    for name in ("documents", "paragraphs", "quotes", "problems"):
        pd.testing.assert_frame_equal(getattr(parallel, name), getattr(serial, name), check_exact=True)
    assert len(serial.problems) >= 6 and serial.quotes.shape[0] > 0  # the bookkeeping was exercised


def test_only_a_large_corpus_in_a_process_without_threads_is_loaded_in_parallel(tmp_path, monkeypatch):
    import threading

    from analysis.corpus import load as load_module

    small = [(write(tmp_path, f"s{i}.txt", GERMAN),) for i in range(3)]
    assert load_module._load_workers(small) == 1  # too few files
    many = [(write(tmp_path, f"m{i}.txt", GERMAN),) for i in range(load_module.PARALLEL_MIN_FILES)]
    assert load_module._load_workers(many) == 1  # too few bytes
    monkeypatch.setattr(load_module, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr(load_module.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(load_module.sys, "platform", "linux")
    # the test process may run threads of earlier tests (progress bars, notebook runs): the count is set
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    assert load_module._load_workers(many) == 2
    monkeypatch.setattr(threading, "active_count", lambda: 2)  # e.g. a notebook kernel: not forked
    assert load_module._load_workers(many) == 1
