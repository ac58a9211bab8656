"""The reference statements of a run (e.g. the 95 Cluetrain theses): ``references.txt`` in the
corpus folder or a file the user names, one statement per line (``1.``-style numbers kept as the
statement's id). One parser for every part of the package that reads them; size-limited.

    >>> refs = load_references(find_references(corpus_dir))   # statement_id, statement
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import regex

__all__ = ["MAX_REFERENCE_BYTES", "MAX_STATEMENTS", "REFERENCES_FILE", "find_references", "load_references"]

REFERENCES_FILE = "references.txt"  # picked up from the corpus folder; not read as a text of the corpus
# every statement is compared with every sentence: bounded so that a wrong file cannot hang the run
MAX_REFERENCE_BYTES = 2_000_000
MAX_STATEMENTS = 10_000
_NUMBERED = regex.compile(r"^\s*(\d{1,4})\s*[.):]\s+(.*)$")


def find_references(
    corpus_dir: str | os.PathLike[str] | None, given: str | os.PathLike[str] | None = None
) -> Path | None:
    """The reference statements to use: ``given`` when set, else ``corpus_dir/references.txt`` if it
    exists, else None (the reference sections are then skipped with a message)."""
    if given:
        return Path(given)
    if corpus_dir is None:
        return None
    candidate = Path(corpus_dir) / REFERENCES_FILE
    return candidate if candidate.is_file() else None


def load_references(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Statements from a UTF-8 text file, one per line: ``statement_id, statement``.

    Lines like ``"89. Wir haben wirkliche Macht …"`` keep their number as ``statement_id``;
    unnumbered lines are numbered by position (1, 2, …). Blank lines and lines starting with
    ``#`` are skipped.
    """
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"{p}: reference file not found")
    from .readers import ReadError, decode_bytes

    size = p.stat().st_size
    if size > MAX_REFERENCE_BYTES:
        raise ValueError(
            f"{p}: references file is {size / 1e6:.1f} MB; at most {MAX_REFERENCE_BYTES / 1e6:.0f} MB "
            f"({MAX_STATEMENTS:,} statements) are compared with every sentence"
        )
    try:
        text, _ = decode_bytes(p.read_bytes())
    except ReadError as exc:
        raise ValueError(f"{p}: references file {exc}") from None
    rows = []
    k = 0
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        k += 1
        m = _NUMBERED.match(line)
        rows.append((int(m.group(1)), m.group(2).strip()) if m else (k, line))
    if len(rows) > MAX_STATEMENTS:
        raise ValueError(f"{p}: references file has {len(rows):,} statements; at most {MAX_STATEMENTS:,} are supported")
    out = pd.DataFrame(rows, columns=["statement_id", "statement"])
    return out.drop_duplicates("statement_id", keep="first").sort_values("statement_id").reset_index(drop=True)
