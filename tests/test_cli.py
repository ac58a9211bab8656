"""The command line as a user runs it (subprocess): bad-input catalogue, one-line errors, no tracebacks."""

from __future__ import annotations

import codecs
import subprocess
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
GERMAN = (
    "Märkte sind Gespräche. Unternehmen müssen mit den Menschen reden, und zwar auf Augenhöhe. "
    "Das ist nicht immer einfach, aber es lohnt sich für alle, die zuhören wollen."
)


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args], capture_output=True, text=True, cwd=cwd or ROOT, timeout=600
    )


def bad_corpus(folder: Path) -> dict[str, str]:
    """Every bad-input case of the catalogue in one folder; returns file → expected message part."""
    folder.mkdir()
    (folder / "gut.txt").write_text(GERMAN, encoding="utf-8")
    cases = {
        "leer.txt": (b"", "is empty"),
        "nur leerzeichen.txt": (b"  \n \t\n", "only whitespace"),
        "bild.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
        "zweitkopie.txt": (GERMAN.encode("utf-8"), "same text as gut.txt"),
        "english.txt": (b"The markets are conversations and companies should listen to the people.", "English"),
    }
    for name, (raw, _) in cases.items():
        (folder / name).write_bytes(raw)
    ok = {
        "windows-1252.txt": ("Größe und Übermut. " + GERMAN).encode("cp1252"),
        "latin1.txt": ("Äpfel, Öl und Süßes. " + GERMAN).encode("latin-1"),
        "bom.txt": codecs.BOM_UTF8 + ("Mit BOM. " + GERMAN).encode("utf-8"),
        "utf16.txt": ("UTF-16 mit BOM. " + GERMAN).encode("utf-16"),
        "zeilen.txt": ("Titel\r\rAbsatz eins. " + GERMAN + "\r\nAbsatz zwei.\n").encode("utf-8"),
        "Ümlaute und Leerzeichen.txt": ("Umlaute im Namen. " + GERMAN).encode("utf-8"),
    }
    for name, raw in ok.items():
        (folder / name).write_bytes(raw)
    (folder / "metadata.csv").write_text(
        "file,title\n../../etc/passwd,Böse\nfehlt.txt,Fehlt\ngut.txt,Guter Text\n", encoding="utf-8"
    )
    outside = folder.parent / "geheim.txt"
    outside.write_text("Geheimer Text außerhalb des Korpus. " + GERMAN, encoding="utf-8")
    (folder / "link.txt").symlink_to(outside)
    return {name: msg for name, (_, msg) in cases.items()} | {
        "link.txt": "outside the corpus folder",
        "fehlt.txt": "no such file",
    }


def test_run_on_the_bad_input_catalogue(tmp_path):
    folder = tmp_path / "korpus"
    expected = bad_corpus(folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and not p.is_symlink()}
    res = cli("run", "--corpus", str(folder), "--out", str(tmp_path / "out"), "--no-notebooks")
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr
    lines = [line for line in res.stderr.splitlines() if line.startswith(("warning:", "error:"))]
    for name, msg in expected.items():
        assert any(name in line and msg in line for line in lines), (name, lines)
    assert any("metadata.csv" in line and "outside the corpus folder" in line for line in lines)
    docs = pd.read_csv(tmp_path / "out" / "tables" / "documents.csv")
    assert set(docs["file"]) == {
        "gut.txt",
        "english.txt",
        "windows-1252.txt",
        "latin1.txt",
        "bom.txt",
        "utf16.txt",
        "zeilen.txt",
        "Ümlaute und Leerzeichen.txt",
    }
    problems = pd.read_csv(tmp_path / "out" / "tables" / "problems.csv")
    notes = [line for line in res.stderr.splitlines() if line.startswith(("warning:", "error:", "info:"))]
    assert len(problems) == len(notes)  # every line the user saw is in the table
    after = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and not p.is_symlink()}
    assert after == before  # nothing in the user's folder changed


def test_fifty_megabyte_file_is_refused_with_the_configurable_limit(tmp_path):
    folder = tmp_path / "gross"
    folder.mkdir()
    (folder / "klein.txt").write_text(GERMAN, encoding="utf-8")
    with open(folder / "riesig.txt", "wb") as fh:
        chunk = (GERMAN + "\n\n").encode("utf-8") * 1000
        while fh.tell() < 50_000_000:
            fh.write(chunk)
    res = cli("run", "--corpus", str(folder), "--out", str(tmp_path / "out"), "--no-notebooks", "--quiet")
    assert res.returncode == 0, res.stderr
    warning = [line for line in res.stderr.splitlines() if "riesig.txt" in line]
    assert len(warning) == 1 and "above the limit of 20.0 MB" in warning[0] and "--max-mb" in warning[0]


def test_unusable_input_exits_non_zero_with_one_line(tmp_path):
    empty = tmp_path / "leer"
    empty.mkdir()
    (empty / "x.txt").write_bytes(b"")
    res = cli("run", "--corpus", str(empty), "--out", str(tmp_path / "out"))
    assert res.returncode == 1
    assert (
        res.stderr.strip().splitlines()[-1]
        == f"error: {empty}: none of the 1 files could be read (see the warnings above)"
    )
    assert "Traceback" not in res.stderr
    res = cli("run", "--corpus", str(tmp_path / "fehlt"), "--out", str(tmp_path / "out"))
    assert res.returncode == 1
    assert res.stderr.strip().splitlines()[-1] == f"error: {tmp_path / 'fehlt'}: corpus folder not found"


def test_malformed_themes_file_is_one_line(tmp_path):
    themes = tmp_path / "themes.toml"
    themes.write_text("[dialogue\nterms = ", encoding="utf-8")
    res = cli("run", "--out", str(tmp_path / "out"), "--themes", str(themes), "--no-notebooks", "--quiet")
    assert res.returncode == 1
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {themes}: not a valid themes TOML file")


def test_no_command_prints_help():
    res = cli()
    assert res.returncode == 2 and "usage: python -m analysis" in res.stdout


def test_exit_now_finishes_what_a_normal_exit_would(tmp_path):
    # an exit handler, a thread still writing and unflushed output: all done before the exit code
    marks = tmp_path / "marks"
    script = f"""
import atexit, sys, threading, time
from pathlib import Path
from analysis.cli import exit_now
marks = Path({str(marks)!r})
def late():
    time.sleep(0.3)
    with open(marks, "a") as fh:
        fh.write("thread;")
atexit.register(lambda: open(marks, "a").write("handler;"))
threading.Thread(target=late).start()
sys.stdout.write("no newline, still buffered")
sys.stderr.write("err")
exit_now(3)
print("not reached")
"""
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 3
    assert proc.stdout == "no newline, still buffered"
    assert proc.stderr == "err"
    assert marks.read_text() == "thread;handler;"
