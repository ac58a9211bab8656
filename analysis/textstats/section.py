"""The report sections of this package: ``DOCUMENTS`` (the corpus, its structure), ``VOCABULARY``
(frequencies, diversity, readability, keyness, families, overlap, collocations) and ``GROUPS``
(the groups of ``--group-by`` compared)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..context import RunContext, Section, corner_note

__all__ = ["DOCUMENTS", "GROUPS", "VOCABULARY", "vocabulary_tables"]


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


def _rows_per_target(keyness: pd.DataFrame, max_rows: int) -> int:
    """100 keywords per target, fewer when a comparison has so many targets (documents) that the
    table would pass ``max_rows`` rows, but at least 10."""
    if keyness.empty:
        return 100
    targets = int(keyness.groupby("comparison")["target"].nunique().max())
    return int(min(100, max(10, max_rows // max(targets, 1))))


def vocabulary_tables(context: RunContext) -> dict[str, pd.DataFrame]:
    """The tables of the vocabulary section (CSV names without ``.csv``):

    * ``frequencies`` — top 50 content lemmas per document (:func:`analysis.textstats.frequencies`);
    * ``ngrams`` — top 30 content-word bigrams per document seen at least twice;
    * ``diversity`` / ``readability`` — per document (``speaker`` empty) and per speaker;
    * ``keyness`` — :func:`analysis.textstats.keyness_table`, words with p < 0.05, at most 100
      rows per comparison and target (fewer, at least 10, when a comparison has more than 1,000
      targets: at most ``caps.keyness_rows`` rows per comparison);
    * ``compound_families`` — by head and by modifier per document (:mod:`analysis.extract`);
    * ``word_families`` — the Dialog/Gespräch and Marketing/Werbung families per document and
      per speaker; ``overlap`` — Jaccard/cosine of every document pair (of the
      ``caps.overlap_documents`` largest documents when there are more); ``collocations`` — top 50
      corpus-wide collocations (G²);
    * ``reference_overlap`` — only with the context's reference statements.
    """
    import warnings

    from ..extract import compound_families, word_families
    from .diversity import diversity
    from .frequency import collocations, frequencies, ngrams, per_document_and_speaker
    from .keyness import keyness_table
    from .overlap import overlap, reference_overlap, reference_tokens
    from .readability import readability

    tokens, caps = context.tokens, context.caps
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        readability_table = per_document_and_speaker(readability, tokens)
    keyness = keyness_table(tokens)
    keyness = keyness[keyness["p_value"] < 0.05]
    per_target = _rows_per_target(keyness, caps.keyness_rows)
    keyness = (
        keyness.groupby(["comparison", "target"], sort=False, dropna=False).head(per_target).reset_index(drop=True)
    )
    compounds = pd.concat(
        [compound_families(tokens, role="head"), compound_families(tokens, role="modifier")], ignore_index=True
    ).sort_values(["doc_id", "role", "n", "family"], ascending=[True, True, False, True], kind="mergesort")
    largest = context.largest_documents(caps.overlap_documents)
    compared = tokens if len(largest) == len(context.document_words) else tokens[tokens["doc_id"].isin(largest)]
    tables = {
        "frequencies": frequencies(tokens, n=50),
        "ngrams": ngrams(tokens, content_only=True, min_count=2, n=30),
        "diversity": per_document_and_speaker(diversity, tokens),
        "readability": readability_table,
        "keyness": keyness,
        "compound_families": compounds.reset_index(drop=True),
        "word_families": per_document_and_speaker(word_families, tokens),
        "overlap": overlap(compared),
        "collocations": collocations(tokens, n=50),
    }
    if context.references is not None:
        tables["reference_overlap"] = reference_overlap(tokens, reference_tokens(context.references))
    return tables


def _vocabulary_figures(context: RunContext, tables: Mapping[str, pd.DataFrame]) -> dict:
    """Keyword bars per document, MTLD and Flesch-Amstad per document and speaker, the family
    heatmap: of the largest documents on large corpora (noted in the corner)."""
    from ..plots.vocabulary import plot_families, plot_keyness, plot_profile

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


VOCABULARY = Section("vocabulary", "Vocabulary", vocabulary_tables, _vocabulary_figures, required=("keyness",))


def _groups(context: RunContext) -> dict[str, pd.DataFrame]:
    from .keyness import group_tables

    return group_tables(
        context.corpus, context.tokens, by=context.group_by, themes=context.themes, matches=context.theme_matches
    )


GROUPS = Section("groups", "Groups", _groups, applies=lambda context: bool(context.group_by))
