"""The run context: shared results computed once, capped figures, the sections' interface."""

from __future__ import annotations

import pandas as pd
import pytest
from factories import load_texts

from analysis import annotate
from analysis.context import CAPS, Caps, RunContext
from analysis.report.sections import SECTIONS, get_section

TEXTS = {
    "kurz.txt": "Der Dialog mit Kunden zählt.\n\nWir hören zu.",
    "lang.txt": "Werbung, Werbung und noch mehr Werbung.\n\nDie Kampagne läuft. Der Dialog fehlt. Das Marketing plant.",
    "mittel.txt": "Der Vorstand twittert jeden Tag.\n\nDer CEO postet auf LinkedIn.",
}


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    corpus = load_texts(tmp_path_factory.mktemp("texts"), TEXTS)
    return RunContext(corpus, annotate(corpus, cache=False))


def test_theme_matches_are_computed_once_and_shared(context, monkeypatch):
    import analysis.themes.match as match

    first = context.theme_matches
    monkeypatch.setattr(match, "match_themes", lambda *a, **k: pytest.fail("matched a second time"))
    assert context.theme_matches is first
    get_section("themes").compute(context)
    get_section("sentiment").compute(context)  # both read the context's matches
    assert {"dialogue", "marketing"} <= set(first["theme"])


def test_largest_documents_by_words_with_ties_by_id(context):
    words = context.document_words
    # counted by hand from TEXTS: word tokens per document
    assert words.to_dict() == {"kurz": 8, "lang": 15, "mittel": 10}
    assert context.largest_documents(2) == ["lang", "mittel"]
    assert context.capped_note(2) == "the 2 largest of 3 documents"
    assert context.capped_note(3) is None


def test_caps_are_one_frozen_record_passed_to_the_sections(context):
    assert CAPS == Caps() and CAPS.figure_documents == 30
    with pytest.raises(AttributeError):
        CAPS.figure_documents = 1  # type: ignore[misc]
    small = RunContext(context.corpus, context.tokens, caps=Caps(overlap_documents=2))
    overlap = get_section("vocabulary").compute(small)["overlap"]
    assert sorted(set(overlap["doc_id_a"])) == ["lang", "mittel"]


def test_sections_declare_unique_names_and_required_tables(context):
    names = [s.name for s in SECTIONS]
    assert len(names) == len(set(names))
    for section in SECTIONS:
        if not section.applies(context):
            assert section.name == "groups"  # only with --group-by
            continue
        tables = section.compute(context)
        assert set(section.required) <= set(tables), section.name
        assert all(isinstance(t, pd.DataFrame) for t in tables.values())
    with pytest.raises(ValueError, match="unknown section"):
        get_section("nonsense")


def test_from_folder_in_the_shared_kernel_loads_once_until_a_file_changes(tmp_path, monkeypatch):
    import os

    import analysis.context as ctx
    import analysis.corpus as corpus_package

    for name, text in TEXTS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    loads = []
    real_load = corpus_package.load_corpus
    monkeypatch.setattr(corpus_package, "load_corpus", lambda *a, **k: loads.append(a) or real_load(*a, **k))
    monkeypatch.setattr(ctx, "_LOADED", {})
    monkeypatch.delenv(ctx.SHARED_KERNEL_ENV, raising=False)
    RunContext.from_folder(tmp_path)
    RunContext.from_folder(tmp_path)
    assert len(loads) == 2  # outside the report's kernel: loaded every time
    monkeypatch.setenv(ctx.SHARED_KERNEL_ENV, "1")
    first = RunContext.from_folder(tmp_path)
    first.tokens["lemma"] = "geändert"  # a notebook that changes its tables …
    first.corpus.documents.loc[0, "title"] = "geändert"
    second = RunContext.from_folder(tmp_path)
    assert len(loads) == 3  # … and the next one gets the corpus again, unchanged
    assert "geändert" not in set(second.tokens["lemma"]) and "geändert" not in set(second.corpus.documents["title"])
    pd.testing.assert_frame_equal(second.tokens, RunContext(second.corpus, annotate(second.corpus)).tokens)
    path = tmp_path / "kurz.txt"
    path.write_text(TEXTS["kurz.txt"] + " Neu.", encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    third = RunContext.from_folder(tmp_path)
    assert len(loads) == 4 and "Neu" in set(third.tokens["token"])  # a changed file: loaded again
