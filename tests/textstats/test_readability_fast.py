"""The faster paths of readability give what the simple ones give: the language column, found per
group from each distinct word form once (``readability._group_languages``), equals
``detect_language`` of the group's words joined by spaces, also where detect_language's character
and word limits cut a group's text; the syllable rules as one regular expression
(``_rule_count``) count what the character-by-character scan (``_rule_count_simple``) counts."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

from analysis.corpus.language import detect_language

readability_module = importlib.import_module("analysis.textstats.readability")

FORMS = np.array(
    [
        "der", "und", "nicht", "Straße", "Kundengespräch", "Social-Media-Team",  # German
        "the", "and", "of", "which",  # English
        "le", "avec", "été",  # French
        "het", "een",  # Dutch
        "x-ray", "ab12cd", "", "#tag", "Über-Maß",
    ],
    dtype=object,
)  # fmt: skip


def _joined(codes: np.ndarray, group: np.ndarray, n_groups: int, max_words: int) -> list[str]:
    return [detect_language(" ".join(FORMS[codes[group == k]]), max_words=max_words)[0] for k in range(n_groups)]


@pytest.mark.parametrize("seed", range(40))
def test_equals_detect_language_of_the_joined_text(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_groups = int(rng.integers(1, 5))
    n = int(rng.integers(n_groups, 300))
    # language-heavy stretches, so that groups differ in their language
    weights = rng.dirichlet(np.full(len(FORMS), 0.3))
    codes = rng.choice(len(FORMS), size=n, p=weights)
    group = np.concatenate([np.arange(n_groups), rng.integers(0, n_groups, size=n - n_groups)])
    rng.shuffle(group)
    max_words = int(rng.integers(1, 40))  # small limits: the cuts fall inside the groups
    got = readability_module._group_languages(FORMS, codes, group, n_groups, max_words=max_words)
    assert got == _joined(codes, group, n_groups, max_words)


def test_written_groups() -> None:
    codes = np.array([0, 1, 2, 6, 7, 8, 6, 7, 10, 11])
    group = np.array([0, 0, 0, 1, 1, 1, 1, 1, 2, 2])
    assert readability_module._group_languages(FORMS, codes, group, 3) == ["de", "en", "fr"]
    # the first word only: "nicht" (German), though English follows
    codes = np.array([2, 6, 7, 8])
    assert readability_module._group_languages(FORMS, codes, np.zeros(4, dtype=np.int64), 1, max_words=1) == ["de"]


@pytest.mark.parametrize(
    "word",
    ["medien", "quelle", "queue", "bureau", "gespräch", "aufeinander", "boot", "see", "saal", "ayurveda",
     "oidium", "kategorien", "schien", "wien", "qu", "u", "", "xyz", "éaa", "beauté", "ÿ", "aeiouäöü"],
)  # fmt: skip
def test_syllable_regex_equals_the_scan_on_written_words(word: str) -> None:
    assert readability_module._rule_count(word) == readability_module._rule_count_simple(word)


def test_syllable_regex_equals_the_scan_on_random_strings() -> None:
    rng = np.random.default_rng(0)
    pieces = [*"aeiouäöüyéèêàâáóôíîúqbcdnrst-", "eau", "qu", "ien", "ie", "ei"]
    for _ in range(5000):
        word = "".join(rng.choice(pieces, size=int(rng.integers(0, 10))))
        assert readability_module._rule_count(word) == readability_module._rule_count_simple(word), word
    assert readability_module._rule_count("medien") == 3 and readability_module._rule_count("quelle") == 2


def _piece_count_simple(piece: str, exceptions: dict[str, int]) -> int:
    """The exception lookup as it was: every head and tail length tried."""
    rule = readability_module._rule_count_simple
    if piece in exceptions:
        return exceptions[piece]
    for size in range(len(piece) - 3, 4, -1):
        if piece[:size] in exceptions:
            return exceptions[piece[:size]] + rule(piece[size:])
        if piece[-size:] in exceptions:
            return rule(piece[:-size]) + exceptions[piece[-size:]]
    return rule(piece)


def test_form_features_equal_count_syllables_and_form_hits() -> None:
    exceptions = readability_module.syllable_exceptions()
    some = sorted(exceptions)[:6]
    forms = [
        "Gesprächspartner", "Online-Marketing", "Onlinekampagne", "Firmenwebsite", "und", "The", "#tag",
        "x-ray", "", "123", "Über-Maß", "nicht-the-avec", *some, *(w + "kampagne" for w in some),
        *("Super" + w for w in some), *(w.upper() for w in some),
    ]  # fmt: skip
    for form in forms:
        syllables, n_words, hits = readability_module._form_features(form)
        assert syllables == readability_module.count_syllables(form), form
        assert (n_words, hits) == readability_module._form_hits(form), form
        pieces = [p.casefold() for p in readability_module._LETTERS.findall(form)]
        assert syllables == sum(max(1, _piece_count_simple(p, exceptions)) for p in pieces), form
