"""The German language data of analysis/lang/de: each file says where it comes from, and each is used."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "analysis" / "lang" / "de"
FILES = sorted(p for p in DATA.iterdir() if p.suffix in (".txt", ".toml", ".csv"))


def _header(path: Path) -> str:
    lines = []
    for line in path.read_text("utf-8").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("# "))
    return " ".join(lines)


def test_there_is_language_data():
    assert len(FILES) >= 10


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_file_has_a_header_naming_its_source(path):
    header = _header(path).lower()
    assert len(header) > 80, f"{path.name}: no header comment"
    assert "source" in header or "compiled for this project" in header or "written for this project" in header, (
        f"{path.name}: the header does not say where the data comes from"
    )


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_file_is_read_by_the_package(path):
    code = "\n".join(p.read_text("utf-8") for p in (ROOT / "analysis").rglob("*.py"))
    assert f'"{path.name}"' in code, f"{path.name} is not read anywhere in analysis/"
