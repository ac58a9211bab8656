"""The reference statements reach the user: ``references.txt`` in the corpus folder or ``--references``."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import load_corpus
from analysis.corpus.references import REFERENCES_FILE, find_references

TEXT = (
    "Märkte sind Gespräche zwischen Menschen. Unternehmen sollten zuhören, statt nur zu senden.\n\n"
    "Die Stimme des Menschen klingt offen und ehrlich, auch im Netz."
)
STATEMENTS = "1. Märkte sind Gespräche.\n2. Menschen erkennen einander am Klang ihrer Stimme.\n"


def test_references_file_is_found_and_not_read_as_a_text(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    assert find_references(tmp_path) is None
    (tmp_path / REFERENCES_FILE).write_text(STATEMENTS, encoding="utf-8")
    assert find_references(tmp_path) == tmp_path / REFERENCES_FILE
    assert find_references(tmp_path, tmp_path / "other.txt") == tmp_path / "other.txt"  # an explicit file wins
    corpus = load_corpus(tmp_path, quiet=True)
    assert list(corpus.documents["file"]) == ["a.txt"]
    assert "reference statements" in " ".join(corpus.problems["message"])


@pytest.mark.slow
def test_run_uses_the_corpus_references_file(tmp_path, monkeypatch):
    """The report finds references.txt in the corpus folder, reads it once (checked before any
    work, then used by every section) and finds its echoes."""
    from analysis.cli import main
    from analysis.corpus import references

    reads = []
    original = references.load_references
    monkeypatch.setattr(references, "load_references", lambda path: reads.append(path) or original(path))

    corpus = tmp_path / "texts"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Zuhören\n\n" + TEXT, encoding="utf-8")
    (corpus / "b.txt").write_text(
        "Senden\n\nWerbung sendet, Werbung wiederholt, Werbung stört die Leser.", encoding="utf-8"
    )
    (corpus / REFERENCES_FILE).write_text(STATEMENTS, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", "--quiet", "--corpus", str(corpus), "--out", str(out), "--no-notebooks"]) == 0
    echoes = pd.read_csv(out / "tables" / "reference_echoes.csv")
    assert 1 in set(echoes["statement_id"])  # „Märkte sind Gespräche“ is echoed by a.txt
    assert set(pd.read_csv(out / "tables" / "documents.csv")["file"]) == {"a.txt", "b.txt"}
    assert len(reads) == 1
