"""Two short documents written for the vocabulary tests (tests/textstats, tests/extract): one about
marketing full of Marketing compounds, one a dialogue of two speakers about conversation."""

from __future__ import annotations

import pandas as pd
from factories import doc_tokens

MARKETING = (
    "Plötzlich ging es nicht mehr um Dialog, sondern um Online-Marketing und Content-Marketing. "
    "Der nächste Marketinghype kam bestimmt. Viele denken nur in Marketingkategorien. "
    "Dialogmarketing verspricht Gespräche, aber Marketing bleibt Marketing."
)
DIALOG = "Ein echtes Gespräch braucht Zeit. Im Gespräch hören wir einander zu. Der Dialog lebt vom Zuhören."


def marketing_and_dialog() -> pd.DataFrame:
    """Tokens of document ``a`` (MARKETING, no speakers) and ``b`` (DIALOG by Anna, a sentence about
    advertising by Ben)."""
    return pd.concat(
        [
            doc_tokens("a", [(None, MARKETING)]),
            doc_tokens(
                "b", [("Anna", DIALOG), ("Ben", "Wir kaufen Werbung und planen eine Kampagne für das Produkt.")]
            ),
        ],
        ignore_index=True,
    )
