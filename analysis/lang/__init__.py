"""Language data kept as data: one folder per language (``de/``), each file with its source and
licence in a header of ``#`` lines. The one reader of those files:

    >>> read_entries("negations_de.txt")        # ['nicht', 'kein', …]: lines that are not comments
    >>> read_rows("sentiment_intensifiers_de.txt")  # [['sehr', '1.5'], …]: the same, split at tabs
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable

__all__ = ["data_file", "read_bytes", "read_entries", "read_rows", "read_text"]


def data_file(name: str, *, language: str = "de") -> Traversable:
    """The packaged data file ``analysis/lang/<language>/<name>``."""
    return resources.files(f"analysis.lang.{language}").joinpath(name)


def read_text(name: str, *, language: str = "de") -> str:
    return data_file(name, language=language).read_text("utf-8")


def read_bytes(name: str, *, language: str = "de") -> bytes:
    return data_file(name, language=language).read_bytes()


def _data_lines(name: str, language: str) -> list[str]:
    return [
        line for line in read_text(name, language=language).splitlines() if line.strip() and not line.startswith("#")
    ]


def read_entries(name: str, *, language: str = "de") -> list[str]:
    """The entries of a word list: every line that is neither empty nor a ``#`` comment, stripped."""
    return [line.strip() for line in _data_lines(name, language)]


def read_rows(name: str, *, language: str = "de") -> list[list[str]]:
    """The entries of a tab-separated list, each split at its tabs (fields as written)."""
    return [line.split("\t") for line in _data_lines(name, language)]
