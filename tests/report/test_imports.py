"""What a notebook kernel and the report import: the heavy optional parts only when they are used."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            f"{code}\nimport sys\nprint('\\n'.join(m for m, v in sys.modules.items() if v is not None))",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    ).stdout
    return set(out.split())


def test_loading_saved_tables_does_not_import_every_section():
    """A notebook that loads the run's tables (``analysis.report.results``) and shows sentiment
    scores imports neither scikit-learn (about 1 s) nor the report's run."""
    loaded = _modules_after("import analysis.report.results, analysis.report.findings, analysis.sentiment")
    assert "sklearn" not in loaded
    assert "analysis.report.run" not in loaded


def test_lazy_names_resolve():
    """The names the packages export lazily are the ones their modules define."""
    loaded = _modules_after(
        "import analysis.report as r, analysis.sentiment as s\n"
        "assert r.run_report.__module__ == 'analysis.report.run'\n"
        "assert r.section_tables.__module__ == 'analysis.report.results'\n"
        "assert s.SentimentClassifier.__module__ == 'analysis.sentiment.classifier'\n"
        "assert sorted(r.__all__) == sorted(r._WHERE) and set(s._LAZY) <= set(s.__all__)"
    )
    assert "sklearn" in loaded  # the classifier, once asked for, brings scikit-learn


def test_reading_notebooks_skips_the_iri_grammar():
    """Reading and validating a notebook in the report process does not import rfc3987_syntax
    (1.2 s of CPU: a grammar built at import); nbformat's validation works without it."""
    loaded = _modules_after(
        "from analysis.report.notebooks import inject_parameters, _skip_iri_grammar\n"
        "_skip_iri_grammar()\n"
        "import nbformat\n"
        "nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('x = 1')])\n"
        "inject_parameters(nb, {'a': 1})\n"
        "nbformat.validate(nb)\n"
        "try:\n"
        "    nbformat.validate({'nbformat': 4})\n"
        "    raise SystemExit('an invalid notebook passed')\n"
        "except nbformat.ValidationError:\n"
        "    pass"
    )
    assert "jsonschema" in loaded
    assert not any(m.startswith("rfc3987_syntax") for m in loaded)
