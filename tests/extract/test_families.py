"""Tests for analysis.extract.families: compound families by head and modifier, curated word
families with their lean."""

from __future__ import annotations

import pandas as pd
import pytest
from vocabulary_texts import marketing_and_dialog

from analysis.extract.families import compound_families, family_leaning, load_families, word_families


@pytest.fixture(scope="module")
def tokens() -> pd.DataFrame:
    return marketing_and_dialog()


def test_compound_families_head_and_modifier(tokens):
    heads = compound_families(tokens, role="head", by=None).set_index("family")
    members = set(heads.loc["Marketing", "members"].split("; "))
    assert {"Online-Marketing", "Content-Marketing", "Dialogmarketing", "Marketing"} <= members
    assert heads.loc["Marketing", "n_simple"] == 2  # "Marketing bleibt Marketing"
    mods = compound_families(tokens, role="modifier", by=None).set_index("family")
    mod_members = mods.loc["Marketing", "members"].split("; ")
    assert "Marketinghype" in mod_members
    assert any(m.startswith("Marketingkategori") for m in mod_members)  # simplemma may keep the plural
    assert mods.loc["Dialog", "n_compounds"] == 1  # Dialogmarketing
    with pytest.raises(ValueError):
        compound_families(tokens, role="suffix")


def test_word_families_issue_example(tokens):
    out = word_families(tokens, by="doc_id")
    a = out[(out["doc_id"] == "a")].set_index("family")
    # all five Marketing compounds plus the two simple "Marketing" count towards Marketing/Werbung
    assert a.loc["Marketing/Werbung", "n"] == 7
    assert a.loc["Marketing/Werbung", "n_head"] == 3  # Online-, Content-, Dialogmarketing
    assert a.loc["Marketing/Werbung", "n_modifier"] == 2  # Marketinghype, Marketingkategorien
    # Dialogmarketing also counts towards Dialog/Gespräch, through its modifier
    assert a.loc["Dialog/Gespräch", "n_modifier"] == 1
    # lean = rate in the group / rate in the whole table, computed independently
    content = tokens[tokens["token_type"].isin(["word", "hashtag"]) & tokens["is_content"]]
    n_a = (content["doc_id"] == "a").sum()
    total = out.groupby("family")["n"].sum()
    expected = (a.loc["Marketing/Werbung", "n"] / n_a) / (total["Marketing/Werbung"] / len(content))
    assert a.loc["Marketing/Werbung", "lean"] == pytest.approx(expected)
    leaning = family_leaning(out).set_index("doc_id")["leaning"]
    assert leaning["a"] == "Marketing/Werbung" and leaning["b"] == "Dialog/Gespräch"


def test_word_families_custom_table_and_zeros(tokens):
    fams = pd.DataFrame({"family": ["Küche", "Küche"], "term": ["Rezept", "kochen"]})
    out = word_families(tokens, families=fams, by=["doc_id", "speaker"])
    assert (out["n"] == 0).all() and len(out) == 2
    assert load_families().columns.tolist() == ["family", "term"]
