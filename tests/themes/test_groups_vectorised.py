"""The co-occurrence rule of theme groups, computed for all documents at once
(``match._apply_groups``), keeps exactly the rows that the document-by-document version
(``match._apply_groups_simple``) keeps."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.themes.lexicon import Theme, ThemeGroup
from analysis.themes.match import _apply_groups, _apply_groups_simple


def _theme(name: str, groups: tuple[str, ...], window: int) -> Theme:
    return Theme(
        name=name,
        label=name,
        description="",
        terms=frozenset(),
        heads=frozenset(),
        groups=tuple(ThemeGroup(g, frozenset()) for g in groups),
        window=window,
    )


THEMES = {
    "plain": _theme("plain", (), 1),
    "pair": _theme("pair", ("actor", "channel"), 1),
    "triple": _theme("triple", ("a", "b", "c"), 2),
}


def _matches(seed: int, n: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    theme = rng.choice(["plain", "pair", "triple"], size=n)
    group = np.array(
        [
            ""
            if t == "plain" or rng.random() < 0.2
            else rng.choice(["actor", "channel"] if t == "pair" else ["a", "b", "c"])
            for t in theme
        ],
        dtype=object,
    )
    return pd.DataFrame(
        {
            "doc_id": rng.choice(["d1", "d2", "d3", "d10", "x"], size=n).astype(object),
            "sent_id": rng.integers(0, 12, size=n),
            "token_id": np.arange(n),
            "theme": theme.astype(object),
            "group": group,
        }
    )


@pytest.mark.parametrize("seed", range(12))
def test_all_documents_at_once_equal_one_by_one(seed: int) -> None:
    matches = _matches(seed, 40 + 15 * seed)
    fast = _apply_groups(matches, THEMES)
    simple = _apply_groups_simple(matches, THEMES)
    pd.testing.assert_frame_equal(fast, simple)


def test_written_case() -> None:
    # d1: actor in sentence 1, channel in 2 (window 1): both kept; d2: actor in 1, channel in 5: neither;
    # d3: only an actor: not kept; a word without a group is always kept
    matches = pd.DataFrame(
        {
            "doc_id": ["d1", "d1", "d2", "d2", "d3", "d3"],
            "sent_id": [1, 2, 1, 5, 0, 3],
            "token_id": [0, 1, 2, 3, 4, 5],
            "theme": ["pair", "pair", "pair", "pair", "pair", "plain"],
            "group": ["actor", "channel", "actor", "channel", "actor", ""],
        }
    )
    kept = _apply_groups(matches, THEMES)
    assert kept["token_id"].tolist() == [0, 1, 5]
    pd.testing.assert_frame_equal(kept, _apply_groups_simple(matches, THEMES))
