"""Tests for analysis.textstats.vocabulary: frequencies and n-grams against plain counting, diversity
against the lexicalrichness package, overlap against numpy, compound and word families, KWIC,
collocations against keyness' G², and the report interface on odd corpora."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from factories import doc_tokens, run_sections

from analysis import annotate, load_corpus
from analysis.textstats.keyness import log_likelihood
from analysis.textstats.vocabulary import (
    collocations,
    compound_families,
    diversity,
    family_leaning,
    frequencies,
    hdd,
    kwic,
    load_families,
    mattr,
    mtld,
    ngrams,
    overlap,
    overlap_matrix,
    reference_overlap,
    reference_tokens,
    ttr,
    word_families,
)

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "texts"
EVAL = ROOT.parent / "shared" / "eval"


_doc = doc_tokens


MARKETING = (
    "Plötzlich ging es nicht mehr um Dialog, sondern um Online-Marketing und Content-Marketing. "
    "Der nächste Marketinghype kam bestimmt. Viele denken nur in Marketingkategorien. "
    "Dialogmarketing verspricht Gespräche, aber Marketing bleibt Marketing."
)
DIALOG = "Ein echtes Gespräch braucht Zeit. Im Gespräch hören wir einander zu. Der Dialog lebt vom Zuhören."


@pytest.fixture(scope="module")
def tokens() -> pd.DataFrame:
    return pd.concat(
        [
            _doc("a", [(None, MARKETING)]),
            _doc("b", [("Anna", DIALOG), ("Ben", "Wir kaufen Werbung und planen eine Kampagne für das Produkt.")]),
        ],
        ignore_index=True,
    )


@pytest.fixture(scope="module")
def seed(sample):
    return sample  # the session's annotated sample corpus (conftest.py)


# ---------------------------------------------------------------- frequencies and n-grams
def test_frequencies_match_plain_counting(tokens):
    out = frequencies(tokens, unit="lemma")
    words = tokens[tokens["token_type"].isin(["word", "hashtag"]) & tokens["is_content"]]
    for doc_id, group in words.groupby("doc_id"):
        expected = Counter(group["lemma"])
        got = out[out["doc_id"] == doc_id].set_index("lemma")
        assert dict(got["n"]) == dict(expected)
        assert got["per_1000"].sum() == pytest.approx(1000.0)
    a = out[out["doc_id"] == "a"]
    assert a.iloc[0]["lemma"] == "Marketing" and a.iloc[0]["rank"] == 1
    assert list(a["n"]) == sorted(a["n"], reverse=True)


def test_frequencies_all_words_and_surface_forms(tokens):
    all_words = frequencies(tokens, unit="norm", content_only=False, by=None)
    assert "der" in set(all_words["norm"])
    assert "der" not in set(frequencies(tokens, unit="norm", by=None)["norm"])
    assert list(all_words.columns) == ["norm", "n", "per_1000", "rank"]
    top = frequencies(tokens, top=2)
    assert top.groupby("doc_id").size().max() == 2


def test_ngrams_stay_within_sentences(tokens):
    out = ngrams(tokens, size=2, by=None, unit="norm")
    grams = set(out["ngram"])
    assert "marketing bleibt" in grams
    assert "bestimmt viele" not in grams  # across a sentence boundary
    assert "dialog sondern" not in grams  # across a comma
    content = ngrams(tokens, size=2, by=None, unit="lemma", content_only=True)
    assert all(" " in g for g in content["ngram"])
    assert not any(g.startswith("in ") for g in content["ngram"])
    trigrams = ngrams(tokens, size=3, by="doc_id", unit="norm")
    assert (trigrams["ngram"].str.count(" ") == 2).all()


# ---------------------------------------------------------------- diversity
def test_measures_on_worked_examples():
    seq = list("abab") + ["c"]
    assert ttr(seq) == pytest.approx(3 / 5)
    assert mattr(seq, window=2) == pytest.approx(1.0)
    assert mattr(seq, window=3) == pytest.approx((2 / 3 + 2 / 3 + 1) / 3)
    assert np.isnan(mattr(seq, window=6))
    assert np.isnan(hdd(seq, draws=6))
    # HD-D with draws = N is the TTR (every type is drawn)
    assert hdd(seq, draws=5) == pytest.approx(3 / 5)
    assert mtld(list("abcdefgh")) == 8  # TTR never falls: the length


def test_diversity_equals_lexicalrichness(seed):
    lexicalrichness = pytest.importorskip("lexicalrichness")
    _, tokens = seed
    for params in ({"window": 50, "threshold": 0.72, "draws": 42}, {"window": 25, "threshold": 0.66, "draws": 30}):
        out = diversity(tokens, by=["doc_id", "speaker"], **params)
        out = pd.concat([out, diversity(tokens, by="doc_id", **params)], ignore_index=True)
        assert len(out) == 9  # 5 documents + 4 speakers
        words = tokens[tokens["token_type"].isin(["word", "hashtag"])].sort_values(["doc_id", "token_id"])
        for row in out.itertuples(index=False):
            sel = words["doc_id"] == row.doc_id
            if isinstance(getattr(row, "speaker", None), str):
                sel &= words["speaker"] == row.speaker
            seq = words.loc[sel, "norm"].str.casefold().tolist()
            lr = lexicalrichness.LexicalRichness(seq, preprocessor=None, tokenizer=None)
            assert row.ttr == pytest.approx(lr.ttr, abs=1e-12)
            assert row.mattr == pytest.approx(lr.mattr(window_size=params["window"]), abs=1e-12)
            assert row.mtld == pytest.approx(lr.mtld(threshold=params["threshold"]), abs=1e-9)
            assert row.hdd == pytest.approx(lr.hdd(draws=params["draws"]), abs=1e-9)


def test_diversity_short_group_and_columns(tokens):
    out = diversity(tokens, by=["doc_id", "speaker"], window=50)
    assert list(out.columns) == ["doc_id", "speaker", "n_tokens", "n_types", "ttr", "mattr", "mtld", "hdd"]
    assert out["speaker"].tolist() == ["Anna", "Ben"]  # the document without speakers is left out
    assert out["mattr"].isna().all()  # shorter than the window


# ---------------------------------------------------------------- overlap
def test_overlap_against_numpy(tokens):
    out = overlap(tokens)
    words = tokens[tokens["token_type"].isin(["word", "hashtag"]) & tokens["is_content"]]
    a = Counter(words.loc[words["doc_id"] == "a", "lemma"].str.casefold())
    b = Counter(words.loc[words["doc_id"] == "b", "lemma"].str.casefold())
    vocab = sorted(set(a) | set(b))
    va = np.array([a[w] for w in vocab], dtype=float)
    vb = np.array([b[w] for w in vocab], dtype=float)
    row = out[(out["doc_id_a"] == "a") & (out["doc_id_b"] == "b")].iloc[0]
    assert row["jaccard"] == pytest.approx(len(set(a) & set(b)) / len(set(a) | set(b)))
    assert row["cosine"] == pytest.approx(va @ vb / np.linalg.norm(va) / np.linalg.norm(vb))
    m = overlap_matrix(out, measure="cosine")
    assert m.shape == (2, 2)
    assert np.allclose(np.diag(m), 1.0)
    assert np.allclose(m.to_numpy(), m.to_numpy().T)


# ---------------------------------------------------------------- compounds and families
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


# ---------------------------------------------------------------- KWIC and collocations
def test_kwic_compound_aware(tokens):
    out = kwic(tokens, "Marketing", window=3)
    matched = dict(zip(out["keyword"], out["match"]))
    assert matched["Online-Marketing"] == "head"
    assert matched["Marketinghype"] == "modifier"
    assert matched["Marketing"] == "lemma"
    plain = kwic(tokens, "Marketing", compound_aware=False)
    assert set(plain["keyword"]) == {"Marketing"}
    online = out[out["keyword"] == "Online-Marketing"].iloc[0]
    assert online["left"] == ", sondern um"  # three tokens joined by spaces without a corpus
    assert online["right"] == "und Content-Marketing ."


def test_kwic_uses_document_text(seed):
    corpus, tokens = seed
    out = kwic(tokens, "Dialog", corpus=corpus, window=4)
    assert len(out) > 0
    doc_text = dict(zip(corpus.documents["doc_id"], corpus.documents["text"]))
    for row in out.itertuples(index=False):
        assert row.keyword in doc_text[row.doc_id]
        assert f"{row.left} {row.keyword}".strip() in " ".join(doc_text[row.doc_id].split()) or row.left == ""
    assert {"lemma", "head", "modifier"} & set(out["match"])


def test_collocations_scores_equal_g2(seed):
    _, tokens = seed
    out = collocations(tokens, min_count=2)
    assert len(out) > 5
    words = tokens[tokens["token_type"].isin(["word", "hashtag"]) & tokens["is_content"]]
    freq = Counter(words["lemma"])
    n = len(words)
    # recompute each pair's G² from plain counts of adjacent content lemmas in a sentence
    pairs: Counter = Counter()
    for _, sent in words.sort_values(["doc_id", "token_id"]).groupby(["doc_id", "sent_id"]):
        seq = sent["lemma"].tolist()
        pairs.update(zip(seq, seq[1:]))
    for row in out.head(10).itertuples(index=False):
        assert row.n == pairs[(row.word_1, row.word_2)]
        g2, _, _ = log_likelihood([row.n], [freq[row.word_1] - row.n], freq[row.word_2], n - freq[row.word_2])
        assert row.score == pytest.approx(g2[0], rel=1e-9)
    social = collocations(tokens, node="Media", min_count=1)
    assert (social[["word_1", "word_2"]] == "Media").any(axis=1).all()


# ---------------------------------------------------------------- reference statements and report
def test_reference_overlap(tmp_path, tokens):
    path = tmp_path / "refs.txt"
    path.write_text("1. Märkte sind Gespräche.\n2. Marketing ist kein Dialog.\n", encoding="utf-8")
    ref = reference_tokens(path)
    assert set(ref["para_id"]) == {0, 1}
    out = reference_overlap(tokens, ref)
    assert out["doc_id"].tolist() == ["a", "b"]
    assert out["n_reference_types"].iloc[0] == 4  # Markt, Gespräch, Marketing, Dialog
    assert "Marketing" in out.set_index("doc_id").loc["a", "shared"]


def test_report_tables_seed_corpus(seed):
    corpus, tokens = seed
    refs = EVAL / "cluetrain" / "cluetrain_theses_de.txt"
    tables = run_sections(corpus, tokens, "vocabulary", references_path=refs)
    expected = {
        "frequencies",
        "ngrams",
        "diversity",
        "readability",
        "keyness",
        "compound_families",
        "word_families",
        "overlap",
        "collocations",
    }
    assert expected <= set(tables)
    assert ("reference_overlap" in tables) == refs.is_file()
    k = tables["keyness"]
    assert {"doc_id", "comparison", "lemma", "freq_target", "freq_reference", "g2", "p_value", "log_ratio"} <= set(k)
    assert set(k["comparison"]) == {
        "document_vs_rest",
        "speaker_vs_speaker",
        "document_vs_general",
        "corpus_vs_general",
    }
    div = tables["diversity"]
    assert set(div.loc[div["doc_id"] == "dialog-vs-marketing", "speaker"].dropna()) == {
        "Annette Schwindt",
        "Oliver Heim",
    }
    again = run_sections(corpus, tokens, "vocabulary", references_path=refs)
    for name, table in tables.items():
        pd.testing.assert_frame_equal(table, again[name])


def test_report_one_document_and_no_matches(tmp_path, seed):
    corpus, tokens = seed
    one = corpus.subset(["heinemann-interview"])
    tables = run_sections(
        one, tokens[tokens["doc_id"] == "heinemann-interview"], "vocabulary", references_path=tmp_path / "none.txt"
    )
    assert "reference_overlap" not in tables
    assert set(tables["keyness"]["comparison"]) <= {"speaker_vs_speaker", "document_vs_general", "corpus_vs_general"}
    assert len(tables["overlap"]) == 1
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "rezept.txt").write_text(
        "Zuerst die Zwiebeln schälen und fein hacken. Dann die Tomaten waschen.\n\n"
        "Alles in einem Topf langsam kochen lassen und mit Salz abschmecken.",
        encoding="utf-8",
    )
    kitchen = load_corpus(folder, quiet=True)
    k_tokens = annotate(kitchen, cache=False)
    tables = run_sections(kitchen, k_tokens, "vocabulary")
    assert (tables["word_families"]["n"] == 0).all()
    assert tables["compound_families"].empty or "family" in tables["compound_families"]
    figures = run_sections(kitchen, k_tokens, "vocabulary", figures=True)[1]
    assert set(figures) == {"vocabulary_keyness", "vocabulary_profile", "vocabulary_word_families"}
    import matplotlib.pyplot as plt

    for fig in figures.values():
        plt.close(fig)


def test_ngrams_equal_a_plain_loop(seed):
    """Vectorised n-gram counting against a straightforward loop over the tokens."""
    _, tokens = seed
    t = tokens.sort_values(["doc_id", "token_id"]).reset_index(drop=True)
    expected: dict[tuple[str, str], int] = {}
    rows = list(t[["doc_id", "sent_id", "token_type", "is_content", "lemma"]].itertuples(index=False))
    for i in range(len(rows) - 2):
        trio = rows[i : i + 3]
        if len({(r.doc_id, r.sent_id) for r in trio}) == 1 and all(
            r.token_type in ("word", "hashtag") and r.is_content for r in trio
        ):
            key = (trio[0].doc_id, " ".join(r.lemma for r in trio))
            expected[key] = expected.get(key, 0) + 1
    got = ngrams(tokens, size=3, content_only=True)
    assert dict(zip(zip(got["doc_id"], got["ngram"]), got["n"])) == expected


def test_report_caps_overlap_to_the_largest_documents(seed):
    from analysis.context import Caps

    corpus, tokens = seed
    tables = run_sections(corpus, tokens, "vocabulary", caps=Caps(overlap_documents=3))
    words = tokens[tokens["token_type"].isin(["word", "hashtag"])]["doc_id"].value_counts()
    largest = sorted(words.index, key=lambda d: (-words[d], d))[:3]
    assert sorted(set(tables["overlap"]["doc_id_a"])) == sorted(largest)
    assert len(tables["overlap"]) == 9
