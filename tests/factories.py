"""Small builders shared by test modules (not a test module itself)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.annotate.pipeline import annotate_text


def doc_tokens(doc_id: str, paragraphs: list[tuple[str | None, str]]) -> pd.DataFrame:
    """A token table for one constructed document: ``paragraphs`` are ``(speaker, text)`` pairs."""
    spans, pos, texts = [], 0, []
    for _, p in paragraphs:
        spans.append((pos, pos + len(p)))
        texts.append(p)
        pos += len(p) + 2
    t = annotate_text("\n\n".join(texts), spans)
    t.insert(0, "doc_id", doc_id)
    speakers = [s for s, _ in paragraphs]
    return t.assign(kind="body", speaker=[speakers[i] for i in t["para_id"]], is_boilerplate=False)


def best_seconds(fn, arg, *, limit: float | None = None, runs: int = 3) -> float:
    """Best of up to ``runs`` timed calls ``fn(arg)``, stopping once one is under ``limit``: the machine
    may be busy, so a slow run is retried, but an input that is slow every time is reported."""
    import time

    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        fn(arg)
        best = min(best, time.perf_counter() - t0)
        if limit is not None and best < limit:
            break
    return best


def run_sections(corpus, tokens, *names: str, figures: bool = False, **options):
    """The tables (and with ``figures=True`` also the figures) of the report sections ``names``,
    computed on one :class:`analysis.context.RunContext` exactly as the report does."""
    from analysis.context import RunContext
    from analysis.report.results import section_figures, section_tables

    context = RunContext(corpus, tokens, **options)
    tables, figs = {}, {}
    for name in names:
        new = section_tables(name, context)
        tables.update(new)
        if figures:
            figs.update(section_figures(name, context, new))
    return (tables, figs) if figures else tables


def load_texts(folder: Path, texts: dict[str, str]):
    """The corpus of ``texts`` (file name → text), written to ``folder`` and loaded quietly."""
    from analysis import load_corpus

    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return load_corpus(folder, quiet=True)
