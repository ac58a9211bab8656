"""Tests for analysis.textstats.readability: syllables against hand-counted German words, the formulas
against worked examples counted by hand, and textstat's implementation as a peer check."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from analysis.annotate.pipeline import annotate_text
from analysis.textstats.readability import count_syllables, flesch_amstad, readability, wiener_sachtextformel

DATA = Path(__file__).resolve().parents[2] / "data" / "texts"

# Syllables counted by hand (Duden syllabification: Fa|mi|lie but Fa|mi|li|en). Chosen to cover
# native words, diphthongs, vowel hiatus, loanwords and compounds; some are known rule failures.
GOLD = {
    "Haus": 1, "Baum": 1, "Tisch": 1, "Frau": 1, "Kind": 1, "Welt": 1, "Zeit": 1, "Jahr": 1,
    "Tag": 1, "Geld": 1, "Markt": 1, "Brief": 1, "Teil": 1, "neu": 1, "schön": 1, "Tee": 1,
    "Boot": 1, "Meer": 1, "Knie": 1, "sie": 1, "schien": 1, "Mai": 1, "Zoo": 1, "Blog": 1,
    "Team": 1, "Häuser": 2, "Bäume": 2, "Leute": 2, "Straße": 2, "Fenster": 2, "Mädchen": 2,
    "Schule": 2, "Lehrer": 2, "Zeitung": 2, "Deutschland": 2, "Feuer": 2, "Steuer": 2,
    "Quelle": 2, "Bauer": 2, "Freude": 2, "Abend": 2, "Oper": 2, "Idee": 2, "Kaffee": 2,
    "Armee": 2, "Ehe": 2, "Reihe": 2, "Ruhe": 2, "Auge": 2, "Chaos": 2, "Poet": 2, "Trauer": 2,
    "Bayern": 2, "Feier": 2, "gehen": 2, "sprechen": 2, "freuen": 2, "bauen": 2, "schreien": 2,
    "knien": 2, "wichtig": 2, "schwierig": 2, "Online": 2, "Website": 2, "Software": 2,
    "Service": 2, "Podcast": 2, "Feedback": 2, "Homepage": 2, "Smartphone": 2, "Social": 2,
    "Business": 2, "Content": 2, "Shitstorm": 2, "Update": 2, "E-Mail": 2, "Bahnhof": 2,
    "Kühlschrank": 2, "Familie": 3, "Information": 5, "Gesellschaft": 3, "Regierung": 3, "Nachrichten": 3,
    "Entwicklung": 3, "Geschichte": 3, "Europa": 3, "Energie": 3, "Medien": 3, "Studien": 3,
    "Museum": 3, "Theater": 3, "Poesie": 3, "Beamte": 3, "beenden": 3, "Ozean": 3, "arbeiten": 3,
    "verändern": 3, "digital": 3, "persönlich": 3, "öffentlich": 3, "natürlich": 3, "aktuell": 3,
    "Marketing": 3, "Computer": 3, "Internet": 3, "Interview": 3, "Media": 3, "Follower": 3,
    "Radio": 3, "Video": 3, "Fußballspiel": 3, "Krankenhaus": 3,
    "Technologie": 4, "Philosophie": 4, "Familien": 4, "Strategie": 3, "Strategien": 4,
    "Italien": 4, "Geographie": 4, "Realität": 4, "diskutieren": 4, "beantworten": 4,
    "interessant": 4, "eventuell": 4, "Influencer": 4, "Gesprächspartner": 4,
    "Kundenbindung": 4, "Mitarbeiter": 4, "Lebensmittel": 4, "Hausaufgabe": 4,
    "Beeinflussung": 4, "Universität": 5, "Bundesrepublik": 5, "Kategorien": 5,
    "kommunizieren": 5, "individuell": 5, "Werbeagentur": 5, "Zusammenarbeit": 5,
    "Situation": 5, "Kommunikation": 6, "Kooperation": 6, "Dialogmarketing": 6,
    "Unternehmenskommunikation": 10,
}  # fmt: skip


def _tokens(text: str, doc_id: str = "d", speaker: str | None = None) -> pd.DataFrame:
    paragraphs = [p for p in text.split("\n\n")]
    spans, pos = [], 0
    for p in paragraphs:
        spans.append((pos, pos + len(p)))
        pos += len(p) + 2
    t = annotate_text("\n\n".join(paragraphs), spans)
    t.insert(0, "doc_id", doc_id)
    return t.assign(kind="body", speaker=speaker, is_boilerplate=False)


def test_syllable_rules_match_hand_counts_and_beat_hyphenation():
    import pyphen

    dic = pyphen.Pyphen(lang="de")
    rules = sum(count_syllables(w) == n for w, n in GOLD.items()) / len(GOLD)
    hyph = sum(len(dic.positions(w.lower())) + 1 == n for w, n in GOLD.items()) / len(GOLD)
    print(f"syllable accuracy on {len(GOLD)} hand-counted words: rules {rules:.3f}, pyphen {hyph:.3f}")
    assert rules >= 0.93
    assert rules > hyph


def test_syllables_edge_cases():
    assert count_syllables("") == 0
    assert count_syllables("123") == 0
    assert count_syllables("Hm") == 1  # a word without a vowel still has one syllable
    assert count_syllables("Online-Marketing") == count_syllables("Online") + count_syllables("Marketing")
    assert count_syllables("Onlinekampagne") == 2 + 3  # exception word as the first part


def test_formulas_against_published_definitions():
    # Amstad: 180 − ASL − 58.5 × ASW; WSTF1: Bamberger & Vanecek coefficients
    assert flesch_amstad(10, 1.5) == pytest.approx(180 - 10 - 87.75)
    assert wiener_sachtextformel(20, 15, 30, 50) == pytest.approx(3.87 + 2.508 + 3.891 - 1.635 - 0.875)


def test_worked_example_counted_by_hand():
    text = (
        "Die Katze schläft. Der Hund bellt laut im Garten.\n\n"
        "Die Kommunikation zwischen Unternehmen und Kunden verändert sich grundlegend."
    )
    # by hand: sentence 1: Die(1) Katze(2) schläft(1); 2: Der(1) Hund(1) bellt(1) laut(1) im(1)
    # Garten(2); 3: Die(1) Kommunikation(6) zwischen(2) Unternehmen(4) und(1) Kunden(2)
    # verändert(3) sich(1) grundlegend(3) → 18 words, 3 sentences, 34 syllables;
    # ≥ 3 syllables: Kommunikation, Unternehmen, verändert, grundlegend (4);
    # one syllable: Die Der Hund bellt laut im schläft Die und sich (10);
    # more than six letters: schläft Kommunikation zwischen Unternehmen verändert grundlegend (6)
    words, sentences, syllables = 18, 3, 34
    ms, iw, es = 100 * 4 / words, 100 * 6 / words, 100 * 10 / words
    asl, asw = words / sentences, syllables / words
    out = readability(_tokens(text)).iloc[0]
    assert (out["n_words"], out["n_sentences"], out["n_syllables"]) == (words, sentences, syllables)
    assert out["flesch_amstad"] == pytest.approx(180 - asl - 58.5 * asw)
    assert out["wstf1"] == pytest.approx(0.1935 * ms + 0.1672 * asl + 0.1297 * iw - 0.0327 * es - 0.875)
    assert out["language"] == "de"


def test_pyphen_variant_equals_textstat():
    textstat = pytest.importorskip("textstat")
    text = (
        "Die Unternehmen müssen lernen, mit ihren Kunden ehrlich zu sprechen. "
        "Viele Agenturen verkaufen noch immer laute Kampagnen statt echter Gespräche. "
        "Menschen erkennen einander am Klang ihrer Stimme und vertrauen Personen mehr als Marken."
    )
    ours = readability(_tokens(text), syllables="pyphen").iloc[0]
    ts = textstat.textstat
    ts.set_lang("de")
    try:
        assert ours["flesch_amstad"] == pytest.approx(ts.flesch_reading_ease(text), abs=1e-9)
        assert ours["wstf1"] == pytest.approx(ts.wiener_sachtextformel(text, 1), abs=1e-9)
    finally:
        ts.set_lang("en_US")


def test_warns_on_english_text():
    text = "The company has been talking to its customers for many years, and they would like to listen."
    with pytest.warns(UserWarning, match="German formulas"):
        out = readability(_tokens(text))
    assert out.loc[0, "language"] == "en"


def test_by_speaker_and_excluded_kinds():
    a = _tokens("Ich rede gern mit Menschen. Das ist mein Beruf.", speaker="Anna")
    b = _tokens("Wir verkaufen Produkte über unsere Plattform.", speaker="Ben")
    b["sent_id"] += 10
    b["token_id"] += 100
    t = pd.concat([a, b], ignore_index=True)
    out = readability(t, by=["doc_id", "speaker"])
    assert out["speaker"].tolist() == ["Anna", "Ben"]
    assert out["n_sentences"].tolist() == [2, 1]
    heading = t.assign(kind=["heading" if s == 0 else "body" for s in t["sent_id"]])
    assert readability(heading).loc[0, "n_sentences"] == 2  # the heading sentence is not counted


def test_empty_and_no_words():
    t = _tokens("123 456 !!!")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = readability(t)
    assert out.empty
    assert "flesch_amstad" in out.columns


def test_seed_corpus_plausible_range():
    from analysis import annotate, load_corpus

    tokens = annotate(load_corpus(DATA, quiet=True))
    out = readability(tokens)
    assert len(out) == 5
    # journalism and blog prose: neither children's books (> 80) nor legal text (< 10)
    assert out["flesch_amstad"].between(10, 80).all()
    assert out["wstf1"].between(4, 15).all()
