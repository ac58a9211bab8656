"""Findings: sentences written from the result tables of the corpus at hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.report.findings import (
    MIN_SENTENCES,
    keyness_findings,
    net_share_difference,
    sentiment_findings,
    theme_findings,
    top_keyword,
    topic_findings,
)


def test_net_share_interval_matches_the_variance_of_coded_sentences():
    # independent check: code each sentence +1 / -1 / 0; the net share is the mean of the codes and its
    # standard error is the population standard deviation of the codes over sqrt(n)
    a = np.array([1] * 12 + [-1] * 3 + [0] * 15)
    b = np.array([1] * 4 + [-1] * 9 + [0] * 7)
    diff, low, high = net_share_difference(
        (a == 1).mean(), (a == -1).mean(), len(a), (b == 1).mean(), (b == -1).mean(), len(b)
    )
    se = np.sqrt(a.var() / len(a) + b.var() / len(b))
    assert diff == pytest.approx(a.mean() - b.mean())
    assert low == pytest.approx(diff - 1.959964 * se, abs=1e-6)
    assert high == pytest.approx(diff + 1.959964 * se, abs=1e-6)


def _sent_docs(rows):
    return pd.DataFrame(rows, columns=["doc_id", "n_sentences", "share_positive", "share_negative"])


def test_sentiment_says_no_clear_difference_for_few_sentences_and_names_a_clear_one():
    unclear = sentiment_findings(_sent_docs([("a", 6, 0.5, 0.0), ("b", 6, 0.17, 0.17)]))
    assert unclear[0].text.startswith("No clear difference")
    clear = sentiment_findings(_sent_docs([("a", 200, 0.6, 0.05), ("b", 200, 0.1, 0.5)]))
    assert "a is the most positive" in clear[0].text and "is clear" in clear[0].text
    assert "200 sentences" in clear[0].text
    few = _sent_docs([("a", 6, 0.5, 0.0), ("b", 6, 0.0, 0.17)])  # 3 positive vs 1 negative sentence
    assert sentiment_findings(few)[0].text.startswith("No clear difference")
    too_few = sentiment_findings(_sent_docs([("a", MIN_SENTENCES - 1, 1.0, 0.0), ("b", 50, 0.0, 1.0)]))
    assert too_few[0].text.startswith("Too few sentences")


def test_keyness_and_top_keyword_use_the_largest_g2_of_over_used_words():
    keyness = pd.DataFrame(
        {
            "doc_id": ["x", "x", "x", "y"],
            "comparison": ["document_vs_rest"] * 4,
            "target": ["x", "x", "x", "y"],
            "lemma": ["Kampagne", "Werbung", "selten", "Gespräch"],
            "g2": [12.0, 30.5, 50.0, 9.0],
            "log_ratio": [2.0, 3.0, -2.0, 1.5],
        }
    )
    assert top_keyword(keyness) == "Werbung"  # "selten" has the largest G² but is under-used
    text = " ".join(f.text for f in keyness_findings(keyness))
    assert "x uses „Werbung“ (G² 30.5) and „Kampagne“ (G² 12.0)" in text
    assert "selten" not in text


def test_keyness_findings_per_target_in_order_with_ties_and_speakers():
    # document b is listed before a (targets sorted); a's top three by G², a tie in G² broken by
    # the lemma; an over-used word with p >= 0.05 and an under-used one are left out; the speaker
    # finding names the speaker's document
    keyness = pd.DataFrame(
        {
            "doc_id": ["b", "a", "a", "a", "a", "a", "a", "d"],
            "comparison": ["document_vs_rest"] * 7 + ["speaker_vs_speaker"],
            "target": ["b", "a", "a", "a", "a", "a", "a", "Anna"],
            "lemma": ["Dialog", "Zweig", "Ast", "Baum", "Wald", "Moos", "Laub", "Kunde"],
            "g2": [5.0, 9.0, 9.0, 20.0, 3.0, 50.0, 40.0, 7.25],
            "p_value": [0.01, 0.01, 0.01, 0.001, 0.1, 0.001, 0.001, 0.01],
            "log_ratio": [1.0, 1.0, 1.0, 2.0, 1.0, -1.0, 1.5, 0.5],
        }
    )
    texts = [f.text for f in keyness_findings(keyness)]
    assert texts == [
        "a uses „Laub“ (G² 40.0), „Baum“ (G² 20.0) and „Ast“ (G² 9.0) more than the other texts.",
        "b uses „Dialog“ (G² 5.0) more than the other texts.",
        "Anna (d) uses „Kunde“ (G² 7.2) more than the other speaker.",
    ]


def test_themes_name_the_leaning_document_its_words_and_passage():
    doc_themes = pd.DataFrame({"doc_id": ["a", "b"], "score_marketing": [40.0, 5.0], "score_dialogue": [0.0, 0.0]})
    matches = pd.DataFrame(
        {
            "doc_id": ["a", "a", "a", "b"],
            "para_id": [2, 2, 0, 1],
            "theme": ["marketing"] * 4,
            "term": ["werbung", "werbung", "kampagne", "werbung"],
        }
    )
    paragraphs = pd.DataFrame({"doc_id": ["a", "a"], "para_id": [0, 2], "text": ["Titel", "Werbung ist Werbung."]})
    found = theme_findings(doc_themes, matches=matches, paragraphs=paragraphs)
    assert "a leans most towards marketing (40.0" in found[0].text
    assert "„werbung“ (2×)" in found[0].text and "paragraph 2" in found[0].text
    assert found[1].text == "No text uses the words of dialogue."


def test_topics_name_each_topic_with_the_texts_it_leads():
    dt = pd.DataFrame(
        {
            "doc_id": ["a", "a", "b", "b", "c", "c"],
            "model": ["nmf"] * 6,
            "topic_id": [0, 1, 0, 1, 0, 1],
            "topic_name": ["Fußball · Tor", "Suppe · Linse"] * 3,
            "weight": [0.9, 0.1, 0.2, 0.8, 0.7, 0.3],
        }
    )
    text = topic_findings(dt)[0].text
    assert "finds 2 topics" in text
    assert "„Fußball · Tor“ leads in 2 of 3 texts (a and c)" in text


MARKETING = (
    "Die Werbung und die Kampagne bestimmen das Marketing. Werbung, Werbung und noch mehr Werbung: "
    "jede Kampagne braucht Reichweite, Werbebudget und Marketing. Die Agentur plant die nächste Kampagne."
)
DIALOGUE = (
    "Im Gespräch hören wir einander zu. Der Dialog mit den Lesern ist ein echtes Gespräch auf Augenhöhe. "
    "Wir antworten auf jeden Kommentar und führen den Dialog weiter."
)


@pytest.mark.slow
def test_report_opens_with_findings_naming_top_keyword_and_theme(tmp_path):
    from analysis.cli import main

    corpus = tmp_path / "texts"
    corpus.mkdir()
    (corpus / "werbung.txt").write_text("Werbung überall\n\n" + MARKETING + "\n\n" + MARKETING, encoding="utf-8")
    (corpus / "gespraech.txt").write_text("Reden hilft\n\n" + DIALOGUE + "\n\n" + DIALOGUE, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", "--quiet", "--corpus", str(corpus), "--out", str(out), "--no-notebooks"]) == 0
    page = (out / "index.html").read_text(encoding="utf-8")
    findings = page[page.index("<h2 id='findings'>") : page.index("<h2>Documents</h2>")]
    keyness = pd.read_csv(out / "tables" / "keyness.csv")
    assert f"„{top_keyword(keyness)}“" in findings
    assert "werbung leans most towards marketing" in findings
    assert "gespraech leans most towards dialogue" in findings
    assert page.index("<h2 id='findings'>") < page.index("<h2>Documents</h2>")
