"""Notebook hygiene, and proof that nbval really fails when a stored key output changes."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
PARAMETERS = {"corpus_dir", "metadata_path", "themes_path", "references_path", "results_dir"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_thin_parameterised_and_executed(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1 and code[0] is params[0], "the first code cell is the papermill parameters cell"
    assigned = {line.split("=")[0].strip() for line in params[0].source.splitlines() if "=" in line}
    assert assigned == PARAMETERS
    assert any(c.source.startswith("# NBVAL_CHECK_OUTPUT") for c in code), "key outputs are checked by nbval"
    assert all(c.execution_count is not None for c in code), "committed with outputs (executed top to bottom)"
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    assert not any(o.get("output_type") == "error" for c in code for o in c.outputs)
    assert not any("execution" in c.metadata for c in code), "no timestamps: re-execute with `make notebooks`"
    for c in code:  # thin cells: a few calls, no definitions (logic belongs in the analysis package)
        source = "\n".join(ln for ln in c.source.splitlines() if not ln.lstrip().startswith(("%", "!")))
        body = [n for n in ast.parse(source).body if not isinstance(n, ast.Import | ast.ImportFrom)]
        assert sum(n.end_lineno - n.lineno + 1 for n in body) <= 12, c.source
        assert not any(isinstance(n, ast.FunctionDef | ast.ClassDef) for n in ast.walk(ast.Module(body, []))), c.source


def _nbval(notebook: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--nbval-lax",
            "--nbval-sanitize-with",
            str(ROOT / "notebooks" / "sanitize.cfg"),
            str(notebook),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=notebook.parent,
    )


def test_nbval_fails_when_a_stored_key_output_changes(tmp_path):
    # same layout as the repository: notebooks/ beside data/
    (tmp_path / "data").symlink_to(ROOT / "data")
    nb_dir = tmp_path / "notebooks"
    nb_dir.mkdir()
    original = json.loads((ROOT / "notebooks" / "01_corpus.ipynb").read_text(encoding="utf-8"))
    (nb_dir / "as_committed.ipynb").write_text(json.dumps(original), encoding="utf-8")
    tampered = json.loads(json.dumps(original))
    cell = next(c for c in tampered["cells"] if "".join(c["source"]).startswith("# NBVAL_CHECK_OUTPUT"))
    data = cell["outputs"][0]["data"]
    data["text/plain"] = "".join(data["text/plain"]).replace("dialog-vs-marketing", "dialog-vs-marketing-CHANGED")
    (nb_dir / "tampered.ipynb").write_text(json.dumps(tampered), encoding="utf-8")

    assert _nbval(nb_dir / "as_committed.ipynb").returncode == 0
    res = _nbval(nb_dir / "tampered.ipynb")
    assert res.returncode != 0
    assert "Cell outputs differ" in res.stdout and "-marketing-CHANGED" in res.stdout
