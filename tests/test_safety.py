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
    hits = []
    for path in sorted((ROOT / "analysis").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for name, rx in banned.items():
            if rx.search(text):
                hits.append(f"{path.name}: {name}")
    assert not hits
