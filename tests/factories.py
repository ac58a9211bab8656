"""Small builders shared by test modules (not a test module itself)."""

from __future__ import annotations

import pandas as pd

from analysis.annotate import annotate_text


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
