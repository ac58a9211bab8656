"""The report folder ``OUT``: what may be replaced and how. A folder that is not a previous report
(no marker file) is refused; files the report did not write are never deleted; the new report is
built beside ``OUT`` and moved into place at the end, so a killed run never costs the previous one."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from ..annotate.pipeline import _process_alive
from ..corpus.load import REPORT_MARKER

__all__ = [
    "MARKER",
    "ReportError",
    "check_out",
    "remove_leftovers",
    "replace_folder",
    "start_folder",
    "write_manifest",
]

MARKER = REPORT_MARKER


class ReportError(Exception):
    """The report cannot be written (one line for the user)."""


_MARKER_HEADER = "German discourse analysis report folder; safe to replace with a new report.\n"
# what a report writes, for reports from before the marker listed its files
_LEGACY_ENTRIES = {
    "index.html": None,
    MARKER: None,
    "tables": ".csv",
    "figures": ".png",
    "notebooks": (".ipynb", ".html"),
    "results": (".parquet", ".json"),
}


def check_out(out: Path, corpus_dir: Path) -> None:
    if out.exists() and not out.is_dir():
        raise ReportError(f"{out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()):
        if not (out / MARKER).is_file():
            raise ReportError(f"{out}: folder is not empty and holds no previous report; choose an empty or new folder")
        foreign = _foreign_entries(out)
        if foreign:
            raise ReportError(f"{out}: {_describe_foreign(foreign)}; move them out or choose another folder")
    # resolved paths: C/../C, symlinks and bind-style aliases of the corpus are caught too
    real_out, real_corpus = out.resolve(), corpus_dir.resolve()
    if real_out == real_corpus or real_corpus in real_out.parents or real_out in real_corpus.parents:
        raise ReportError(f"{out}: the output folder must not contain or be inside the corpus folder")


def _describe_foreign(foreign: list[str]) -> str:
    shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5:,} more" if len(foreign) > 5 else "")
    return f"holds {len(foreign):,} file(s) or folder(s) the report did not write ({shown})"


def _foreign_entries(out: Path) -> list[str]:
    """Paths inside a previous report folder that the report did not write (sorted)."""
    try:
        lines = (out / MARKER).read_text("utf-8", errors="replace").splitlines()
    except OSError:
        lines = []
    listed = {line for line in lines[1:] if line.strip()}
    foreign: list[str] = []
    for dirpath, dirnames, filenames in os.walk(out, followlinks=False):
        base = Path(dirpath).relative_to(out)
        for name in sorted(dirnames) + sorted(filenames):
            rel = (base / name).as_posix()
            if listed:
                ok = rel in listed
            else:  # an older report: its marker lists nothing, so accept what a report writes
                top, _, rest = rel.partition("/")
                kind = _LEGACY_ENTRIES.get(top, False)
                ok = kind is not False and (not rest or (kind is not None and "/" not in rest and rest.endswith(kind)))
            if not ok:
                foreign.append(rel)
        dirnames[:] = [
            d
            for d in dirnames
            if (base / d).as_posix() in listed or (not listed and not base.parts and d in _LEGACY_ENTRIES)
        ]
    return sorted(foreign)


def start_folder(work: Path) -> None:
    """Mark ``work`` as a report folder (the marker file, listing its files at the end)."""
    (work / MARKER).write_text(_MARKER_HEADER)


def write_manifest(work: Path) -> None:
    """List every path the report wrote in its marker, so the next run replaces only those."""
    entries = []
    for dirpath, dirnames, filenames in os.walk(work):
        base = Path(dirpath).relative_to(work)
        entries.extend((base / name).as_posix() for name in dirnames + filenames)
    (work / MARKER).write_text(_MARKER_HEADER + "".join(f"{e}\n" for e in sorted(entries)), encoding="utf-8")


def remove_leftovers(out: Path) -> None:
    """Remove the hidden work folders (``.OUT.PID.*``) of runs that were killed (SIGKILL, full disk):
    only folders of processes no longer running, and only when they are empty or hold a report marker."""
    prefix = f".{out.name}."
    try:
        entries = [e for e in os.scandir(out.parent) if e.name.startswith(prefix) and e.is_dir(follow_symlinks=False)]
    except OSError:
        return
    for entry in entries:
        pid_text = entry.name[len(prefix) :].split(".", 1)[0]
        if pid_text.isdigit() and (int(pid_text) == os.getpid() or _process_alive(int(pid_text))):
            continue
        path = Path(entry.path)
        try:
            ours = (path / MARKER).is_file() or (pid_text.isdigit() and not any(path.iterdir()))
        except OSError:
            continue
        if ours:
            shutil.rmtree(path, ignore_errors=True)


def replace_folder(work: Path, out: Path) -> None:
    # check again right before replacing: OUT may have been created or filled while the run went on
    if out.exists() or out.is_symlink():
        problem = None
        if not out.is_dir():
            problem = "is no longer a folder"
        elif any(out.iterdir()):
            if not (out / MARKER).is_file():
                problem = "was filled by something else during the run"
            else:
                foreign = _foreign_entries(out)
                problem = _describe_foreign(foreign) if foreign else None
        if problem is not None:
            kept = out.with_name(f"{out.name}.new-report-{time.strftime('%Y%m%d-%H%M%S')}")
            work.rename(kept)
            raise ReportError(f"{out}: {problem}; nothing was replaced, the new report is in {kept}")
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.{os.getpid()}.old")
        shutil.rmtree(old, ignore_errors=True)
        out.rename(old)
    work.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
