"""Issue 17: group keyness by any metadata column, the precomputed KWIC index and the exploration
page's data and markup (the browser side is in test_explore_browser.py). Texts written for the
tests; expected numbers computed by hand below."""

from __future__ import annotations

import json
import math
import re

import pandas as pd
import pytest

from analysis import annotate, load_corpus
from analysis.explore import (
    PageCaps,
    collocates,
    dispersion,
    group_tables,
    json_for_html,
    keyness_groups,
    kwic_index,
    term_list,
    write_explore,
)


def _tokens(rows: list[tuple[str, str]]) -> pd.DataFrame:
    """A minimal token table: (doc_id, lemma) rows, all content words."""
    return pd.DataFrame(
        {
            "doc_id": [d for d, _ in rows],
            "token_id": list(range(len(rows))),
            "token_type": "word",
            "is_content": True,
            "lemma": [w for _, w in rows],
        }
    )


@pytest.fixture
def tiny():
    # d1 (group A): x x x y   d2 (group B): x y y y y z   d3 (group C): z z   d4: no genre
    rows = [("d1", w) for w in "xxxy"] + [("d2", w) for w in "xyyyyz"] + [("d3", w) for w in "zz"]
    rows += [("d4", w) for w in "xxxxxxxx"]
    docs = pd.DataFrame(
        {"doc_id": ["d1", "d2", "d3", "d4"], "genre": ["A", "B", "C", None], "year": [2009.0, 2010.0, 2010.0, None]}
    )
    return _tokens(rows), docs


def test_group_vs_rest_matches_hand_computed_g2(tiny):
    tokens, docs = tiny
    out = keyness_groups(tokens, docs, by="genre", target="A")
    x = out[out["lemma"] == "x"].iloc[0]
    # A: x = 3 of 4 words; the rest (B + C; d4 has no genre and is left out): x = 1 of 8 words.
    # N = 12, the word's row total 4: expected 4·4/12, 4·8/12, 8·4/12, 8·8/12 for observed 3, 1, 1, 7
    g2 = 2 * (
        3 * math.log(3 / (16 / 12))
        + 1 * math.log(1 / (32 / 12))
        + 1 * math.log(1 / (32 / 12))
        + 7 * math.log(7 / (64 / 12))
    )
    assert g2 == pytest.approx(4.74928, abs=1e-4)  # worked by hand: 2 × (2.43279 − 1.96166 + 1.90351)
    assert x["g2"] == pytest.approx(g2, rel=1e-9)
    assert x["log_ratio"] == pytest.approx(math.log2((3 / 4) / (1 / 8)))  # log2 6
    assert (x["comparison"], x["target"], x["reference"], x["freq_target"], x["freq_reference"]) == (
        "group_vs_rest",
        "A",
        "rest",
        3,
        1,
    )
    assert "y" not in set(out["lemma"])  # below min_freq 2 in the target


def test_group_vs_group_uses_only_the_reference_group(tiny):
    tokens, docs = tiny
    out = keyness_groups(tokens, docs, by="genre", target="A", reference="B")
    x = out[out["lemma"] == "x"].iloc[0]
    # B alone: x = 1 of 6 words; N = 10: expected 1.6, 2.4, 2.4, 3.6 for observed 3, 1, 1, 5
    g2 = 2 * (3 * math.log(3 / 1.6) + math.log(1 / 2.4) + math.log(1 / 2.4) + 5 * math.log(5 / 3.6))
    assert g2 == pytest.approx(3.55482, abs=1e-4)
    assert x["g2"] == pytest.approx(g2, rel=1e-9)
    assert x["log_ratio"] == pytest.approx(math.log2(4.5))
    assert x["comparison"] == "group_vs_group" and x["reference"] == "B"


def test_every_group_against_the_rest_and_numeric_metadata(tiny):
    tokens, docs = tiny
    out = keyness_groups(tokens, docs, by="year")
    assert set(out["target"]) == {"2009", "2010"}  # 2009.0 → "2009"; the document without a year is left out
    with pytest.raises(ValueError, match="not a value"):
        keyness_groups(tokens, docs, by="genre", target="Z")
    with pytest.raises(ValueError, match="no metadata column"):
        keyness_groups(tokens, docs, by="colour")


def test_group_tables_of_a_real_corpus(tmp_path):
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "Dialog statt Werbung.\n\nWir führen den Dialog mit Kunden. Der Dialog mit Kunden ist ehrlich. Dialog hilft.",
        encoding="utf-8",
    )
    (folder / "b.txt").write_text(
        "Werbung wirkt.\n\nDie Werbung verkauft Produkte. Werbung und Kampagnen verkaufen Produkte.", encoding="utf-8"
    )
    (folder / "c.txt").write_text("Noch mehr Werbung.\n\nKampagnen und Werbung verkaufen Produkte.", encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("file,genre\na.txt,blog\nb.txt,ad\nc.txt,ad\n", encoding="utf-8")
    corpus = load_corpus(folder, metadata=tmp_path / "metadata.csv", quiet=True)
    tokens = annotate(corpus, cache=False)
    tables = group_tables(corpus, tokens, by="genre")
    assert set(tables) == {
        "keyness_groups",
        "frequencies_groups",
        "diversity_groups",
        "themes_groups",
        "sentiment_groups",
    }
    sentiment = tables["sentiment_groups"].set_index("genre")
    assert set(sentiment.index) == {"ad", "blog"}
    assert int(sentiment.loc["ad", "n_sentences"]) == 5  # b.txt 1 + 2 sentences, c.txt 1 + 1 (titles included)
    themes = tables["themes_groups"]
    assert set(themes["genre"]) == {"ad", "blog"} and (themes["n_content"] > 0).all()
    key = tables["keyness_groups"]
    blog = key[(key["target"] == "blog") & (key["log_ratio"] > 0)]
    assert blog.iloc[0]["lemma"] == "Dialog"  # 4 in blog, 0 in ad
    freq = tables["frequencies_groups"]
    assert set(freq["genre"]) == {"ad", "blog"}
    werbung = freq[(freq["genre"] == "ad") & (freq["lemma"] == "Werbung")]
    assert int(werbung["n"].iloc[0]) == 5


@pytest.fixture(scope="module")
def marketing(tmp_path_factory):
    folder = tmp_path_factory.mktemp("texts")
    (folder / "eins.txt").write_text(
        "Marketing im Netz\n\n"
        "Das Marketing redet, der Kunde schweigt. Online-Marketing ist laut. "
        "Die Marketingabteilung plant eine Marketingkampagne.\n\n"
        "Im zweiten Absatz steht das Marketing allein am Anfang.",
        encoding="utf-8",
    )
    (folder / "zwei.txt").write_text(
        "Dialog im Netz\n\nDer Dialog mit dem Kunden beginnt. Guter Dialog braucht Zeit. Das Content-Marketing wartet.",
        encoding="utf-8",
    )
    corpus = load_corpus(folder, quiet=True)
    return corpus, annotate(corpus, cache=False)


def test_kwic_index_matches_compounds_and_keeps_contexts_in_the_paragraph(marketing):
    corpus, tokens = marketing
    index = kwic_index(tokens, corpus)
    lines = index[index["key"] == "Marketing"]
    by_form = dict(zip(lines["keyword"], lines["match"]))
    assert by_form["Marketing"] == "lemma"
    assert by_form["Online-Marketing"] == "head" and by_form["Content-Marketing"] == "head"
    assert by_form["Marketingabteilung"] == "modifier" and by_form["Marketingkampagne"] == "modifier"
    assert set(lines["n_key"]) == {len(lines)}  # nothing capped here
    first_of_para = lines[lines["right"].str.startswith("allein")].iloc[0]
    assert first_of_para["left"] == "Im zweiten Absatz steht das"  # 5 tokens: the paragraph starts there
    assert "Marketingkampagne" not in first_of_para["left"]  # never reaches into the previous paragraph
    assert first_of_para["left_sort"] == "das steht absatz zweiten im"
    assert "Zeit" not in set(index["key"])  # seen once: not indexed (min_count 2)


def test_kwic_index_caps_lines_per_key_evenly(marketing):
    corpus, tokens = marketing
    full = kwic_index(tokens, corpus)
    n_keys = full["key"].nunique()
    lines_per_key = full.groupby("key").size()
    assert (lines_per_key == full.groupby("key")["n_key"].first()).all()  # a small corpus keeps every line
    capped = kwic_index(tokens, corpus, per_key=2, max_lines=2 * n_keys)
    n = int(full[full["key"] == "Marketing"]["n_key"].iloc[0])
    kept = capped[capped["key"] == "Marketing"]
    assert len(kept) == 2 and set(kept["n_key"]) == {n}
    ordered = full[full["key"] == "Marketing"].sort_values(["doc_id", "token_id"])
    # the first and the last match in text order are kept (evenly spaced), not the first two
    assert list(kept["token_id"]) == [ordered["token_id"].iloc[0], ordered["token_id"].iloc[-1]]
    small = kwic_index(tokens, corpus, max_lines=3)
    assert len(small) <= 3


def test_dispersion_collocates_and_terms(marketing):
    corpus, tokens = marketing
    disp = dispersion(tokens, ["Dialog"], bins=10)
    row = disp.iloc[0]
    assert (row["key"], row["doc_id"], row["n"]) == ("Dialog", "zwei", 3)
    bins = [int(b) for b in row["bins"].split()]
    assert bins == sorted(set(bins)) and all(0 <= b < 10 for b in bins)
    terms = term_list(tokens)
    assert terms.iloc[0]["lemma"] in {"Marketing", "Dialog"} and terms["n"].is_monotonic_decreasing
    coll = collocates(tokens, ["Dialog"], window=5)
    assert coll.empty or set(coll["key"]) == {"Dialog"}


def test_json_for_html_cannot_end_the_script_element():
    text = json_for_html({"t": "</script><script>alert(1)</script> & \u2028\u2029 <!--"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text and "\u2029" not in text
    assert json.loads(text)["t"].startswith("</script>")


def test_explore_page_is_offline_and_escapes_hostile_text(tmp_path):
    folder = tmp_path / "texts"
    folder.mkdir()
    hostile = "<script>document.title='pwned'</script> <img src=x onerror=alert(1)> javascript:alert(1)"
    (folder / "boese.txt").write_text(
        f"Titel {hostile}\n\nDer Dialog im Marketing. Der Dialog {hostile} bleibt. Marketing ist Dialog.",
        encoding="utf-8",
    )
    (folder / "gut.txt").write_text("Noch ein Text\n\nMarketing und Dialog und Marketing.", encoding="utf-8")
    corpus = load_corpus(folder, quiet=True)
    tokens = annotate(corpus, cache=False)
    paths = write_explore(tmp_path / "out", corpus, tokens, caps=PageCaps(kwic_per_key=5))
    names = {p.relative_to(tmp_path / "out").as_posix() for p in paths}
    assert {"explore.html", "explore_files/dt_bundle.js", "explore_files/explore.js"} <= names
    assert any(n.startswith("reader/") for n in names)
    for path in paths:
        if path.suffix != ".html":
            continue
        page = path.read_text(encoding="utf-8")
        assert "Content-Security-Policy" in page and "script-src 'self'" in page
        assert "<script>document.title" not in page and "<img src=x" not in page
        # every script is a file beside the page or a JSON data block; nothing from the network
        for tag in re.findall(r"<script[^>]*>", page):
            assert 'type="application/json"' in tag or re.fullmatch(r'<script src="explore_files/[a-z_]+\.js">', tag), (
                tag
            )
        assert "http://" not in page.split("explore-data")[0] and "https://" not in page.split("explore-data")[0]
    reader = (tmp_path / "out" / "reader" / "doc-00000.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;document.title" in reader and "&lt;img src=x onerror=alert(1)&gt;" in reader


def test_notebook_one_liners_return_the_tables(marketing):
    from analysis.explore import show_groups, show_kwic, show_terms

    corpus, tokens = marketing
    terms = show_terms(tokens, interactive=False)
    assert list(terms.columns) == ["lemma", "n", "per_1000", "n_docs", "forms"]
    assert set(show_terms(tokens, doc_id="zwei", interactive=False)["doc_id"]) == {"zwei"}
    lines = show_kwic(tokens, "Marketing", corpus=corpus, sort="left", interactive=False)
    assert {"Online-Marketing", "Marketingkampagne"} <= set(lines["keyword"])
    before = [s.split()[-1].casefold() if s else "" for s in lines["left"]]
    assert before == sorted(before)
    assert show_kwic(tokens, "marketingkampagne", corpus=corpus, interactive=False)["keyword"].tolist() == [
        "Marketingkampagne"
    ]
    docs = corpus.documents.assign(genre=["a", "b"])
    groups = show_groups(
        type("C", (), {"documents": docs})(), tokens, by="genre", target="b", max_p=1.0, interactive=False
    )
    assert set(groups["target"]) == {"b"} and (groups["p_value"] < 1.0).all()


def test_run_with_group_by_writes_group_tables_and_links_the_exploration_page(tmp_path):
    from analysis.cli import main

    corpus = tmp_path / "texts"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "Werbung\n\nDie Werbung bestimmt das Marketing. Jede Kampagne braucht Werbung und Reichweite.", encoding="utf-8"
    )
    (corpus / "b.txt").write_text(
        "Gespräch\n\nIm Gespräch hören wir zu. Der Dialog mit den Lesern ist ein echtes Gespräch.", encoding="utf-8"
    )
    (corpus / "metadata.csv").write_text("file,genre\na.txt,blog post\nb.txt,interview\n", encoding="utf-8")
    out = tmp_path / "out"
    assert (
        main(["run", "--quiet", "--corpus", str(corpus), "--out", str(out), "--no-notebooks", "--group-by", "genre"])
        == 0
    )
    groups = pd.read_csv(out / "tables" / "keyness_groups.csv")
    assert set(groups["target"]) <= {"blog post", "interview"} and len(groups)
    assert (out / "explore.html").is_file()
    assert "<a href='explore.html'>" in (out / "index.html").read_text(encoding="utf-8")
    bad = tmp_path / "bad"
    assert (
        main(["run", "--quiet", "--corpus", str(corpus), "--out", str(bad), "--no-notebooks", "--group-by", "nosuch"])
        == 3
    )
    problems = pd.read_csv(bad / "tables" / "problems.csv")
    groups = problems[problems["file"] == "section Groups"]
    assert len(groups) == 1 and "'nosuch'" in groups["message"].item()


def test_kwic_index_and_collocates_do_not_depend_on_the_token_order(marketing):
    """A token table in another row order (and with another index) gives the same concordance
    and collocates: both work in text order (doc_id, token_id); without the corpus the contexts
    are the tokens joined by spaces."""
    corpus, tokens = marketing
    shuffled = tokens.sample(frac=1.0, random_state=3)
    shuffled.index = shuffled.index + 1000
    pd.testing.assert_frame_equal(kwic_index(shuffled, corpus), kwic_index(tokens, corpus))
    pd.testing.assert_frame_equal(collocates(shuffled, ["Dialog"]), collocates(tokens, ["Dialog"]))
    plain = kwic_index(tokens)
    row = plain[plain["left"] != ""].iloc[0]
    assert row["left"].split()[-1] in set(tokens["token"])
    assert len(plain) == len(kwic_index(tokens, corpus))


def test_shuffled_tokens_give_the_same_index_and_dispersion(marketing):
    # the page's data reads the tokens in text order; a table in another order (or with another
    # index) is sorted first, one in order is used as it is, without a copy
    from analysis.explore.data import _matches, _text_order

    corpus, tokens = marketing
    assert _text_order(tokens) is tokens
    shuffled = tokens.sample(frac=1.0, random_state=3)
    ordered = _text_order(shuffled)
    assert ordered is not shuffled
    pd.testing.assert_frame_equal(ordered, tokens)
    # a categorical doc_id whose categories are not sorted: the order of the categories decides,
    # as in sort_values
    reversed_cats = tokens.assign(doc_id=pd.Categorical(tokens["doc_id"].astype(str), categories=["zwei", "eins"]))
    assert _text_order(reversed_cats)["doc_id"].astype(str).iloc[0] == "zwei"
    pd.testing.assert_frame_equal(
        kwic_index(shuffled, corpus).reset_index(drop=True), kwic_index(tokens, corpus).reset_index(drop=True)
    )
    keys = ["Marketing", "Dialog", "Kunde"]
    pd.testing.assert_frame_equal(dispersion(shuffled, keys, bins=10), dispersion(tokens, keys, bins=10))
    # the key matches computed once and passed in give the same tables as computed inside
    matches = _matches(tokens)
    pd.testing.assert_frame_equal(kwic_index(tokens, corpus, matches=matches), kwic_index(tokens, corpus))
    pd.testing.assert_frame_equal(dispersion(tokens, keys, matches=matches), dispersion(tokens, keys))


def test_key_matches_of_lemmas_heads_and_modifiers():
    from analysis.explore.data import _matches

    tokens = pd.DataFrame(
        {
            "token_type": ["word", "word", "punct", "word", "word"],
            "is_content": [True, True, False, True, False],
            "lemma": ["Dialogmarketing", "Haus", ",", "Kundendaten", "und"],
            "compound_head": ["Marketing", "", "", "Daten", ""],
            "compound_modifier": ["Dialog|Online", None, "", "Kunde||x", ""],
        }
    ).astype({"lemma": "str", "compound_head": "str", "compound_modifier": "str"})
    m = _matches(tokens)
    # lemma rows first, then heads, then modifiers (split at "|"); one-letter parts and empty ones dropped
    assert list(zip(m["key"], m["row"], m["match"])) == [
        ("Dialogmarketing", 0, "lemma"),
        ("Haus", 1, "lemma"),
        ("Kundendaten", 3, "lemma"),
        ("Marketing", 0, "head"),
        ("Daten", 3, "head"),
        ("Dialog", 0, "modifier"),
        ("Online", 0, "modifier"),
        ("Kunde", 3, "modifier"),
    ]


def test_dispersion_by_hand_with_the_document_cap():
    # d1: xx yy xx zz (4 tokens), d2: xx xx xx yy ww ww (6), d3: xx (1); bins of 4:
    # d1 hits at 0 and 2 -> bins 0, 2; d2 at 0, 1, 2 -> 4·0/6, 4·1/6, 4·2/6 -> 0, 0, 1; d3 at 0 -> 0
    rows = [("d1", w) for w in ("xx", "yy", "xx", "zz")] + [("d2", w) for w in ("xx", "xx", "xx", "yy", "ww", "ww")]
    rows += [("d3", "xx")]
    tokens = _tokens(rows)
    tokens["token_id"] = [0, 1, 2, 3, 0, 1, 2, 3, 4, 5, 0]
    full = dispersion(tokens, ["xx"], bins=4)
    assert list(zip(full["doc_id"], full["n"], full["per_1000"], full["bins"])) == [
        ("d1", 2, 500.0, "0 2"),
        ("d2", 3, 500.0, "0 1"),
        ("d3", 1, 1000.0, "0"),
    ]
    # two documents at most: the two with most hits (d2, then d1), listed in document order
    capped = dispersion(tokens, ["xx"], bins=4, max_docs=2)
    assert list(capped["doc_id"]) == ["d1", "d2"]


def test_term_list_forms_are_the_three_most_frequent_spellings():
    # lemma "gehen": geht ×3, ging ×2, gehe ×2, gegangen ×1 → "geht, gehe, ging" (ties by spelling);
    # lemma "Haus": Haus ×1, Häuser ×1 → "Haus, Häuser"
    forms = ["geht", "ging", "geht", "gehe", "gegangen", "geht", "ging", "gehe", "Haus", "Häuser"]
    lemmas = ["gehen"] * 8 + ["Haus"] * 2
    tokens = _tokens([("d1", lemma) for lemma in lemmas]).assign(token=forms)
    terms = term_list(tokens).set_index("lemma")
    assert terms.loc["gehen", "forms"] == "geht, gehe, ging"
    assert terms.loc["Haus", "forms"] == "Haus, Häuser"
    assert terms["n"].to_dict() == {"gehen": 8, "Haus": 2}
