"""The report sections of this package: ``DOCUMENTS`` (the corpus, its structure), ``VOCABULARY``
(frequencies, diversity, readability, keyness, families, overlap, collocations) and ``GROUPS``
(the groups of ``--group-by`` compared)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..context import RunContext, Section, corner_note

__all__ = ["DOCUMENTS", "GROUPS", "VOCABULARY"]


def _documents(context: RunContext) -> dict[str, pd.DataFrame]:
    from .overview import document_summary

    corpus = context.corpus
    columns = [
        "doc_id",
        "words_total",
        "boilerplate_share",
        "sentences",
        "tokens",
        "content_tokens",
        "compounds",
        "quotes",
    ]
    summary = document_summary(corpus, context.tokens)[columns]
    docs = corpus.documents.drop(columns=["text"]).merge(summary, on="doc_id", how="left")
    return {
        "documents": docs.sort_values("doc_id").reset_index(drop=True),
        "paragraphs": corpus.paragraphs.sort_values(["doc_id", "para_id"]).reset_index(drop=True),
        "quotes": corpus.quotes.sort_values(["doc_id", "quote_id"]).reset_index(drop=True),
    }


def _documents_figures(context: RunContext, tables: Mapping[str, pd.DataFrame]) -> dict:
    from ..plots.structure import plot_structure

    return {"structure": plot_structure(context.corpus, max_documents=context.caps.structure_documents)}


DOCUMENTS = Section(
    "documents", "Documents", _documents, _documents_figures, required=("documents", "paragraphs", "quotes")
)


def _vocabulary(context: RunContext) -> dict[str, pd.DataFrame]:
    from .vocabulary import vocabulary_tables

    return vocabulary_tables(context.tokens, references=context.references, caps=context.caps)


def _vocabulary_figures(context: RunContext, tables: Mapping[str, pd.DataFrame]) -> dict:
    """Keyword bars per document, MTLD and Flesch-Amstad per document and speaker, the family
    heatmap: of the largest documents on large corpora (noted in the corner)."""
    from .vocabulary import plot_families, plot_keyness, plot_profile

    caps = context.caps
    shown = set(context.largest_documents(caps.figure_documents))
    few = set(context.largest_documents(caps.keyness_panels))

    def of(name: str, docs: set) -> pd.DataFrame:  # every statistic here is per document
        table = tables[name]
        return table[table["doc_id"].isin(docs)].reset_index(drop=True)

    keyness = tables["keyness"]
    keyness = keyness[keyness["doc_id"].isna() | keyness["doc_id"].isin(few)]
    figures = {
        "vocabulary_keyness": plot_keyness(keyness),
        "vocabulary_profile": plot_profile(of("diversity", shown), of("readability", shown)),
        "vocabulary_word_families": plot_families(of("word_families", shown)),
    }
    corner_note(figures["vocabulary_keyness"], context.capped_note(caps.keyness_panels))
    corner_note(figures["vocabulary_profile"], context.capped_note(caps.figure_documents))
    corner_note(figures["vocabulary_word_families"], context.capped_note(caps.figure_documents))
    return figures


VOCABULARY = Section("vocabulary", "Vocabulary", _vocabulary, _vocabulary_figures, required=("keyness",))


def _groups(context: RunContext) -> dict[str, pd.DataFrame]:
    from .keyness import group_tables

    return group_tables(
        context.corpus, context.tokens, by=context.group_by, themes=context.themes, matches=context.theme_matches
    )


GROUPS = Section("groups", "Groups", _groups, applies=lambda context: bool(context.group_by))
