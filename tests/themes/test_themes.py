"""Tests for analysis.themes.match: lexicon loading, matching, length-normalised scores, dominant theme."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from factories import doc_tokens

from analysis import annotate, load_corpus
from analysis.themes import (
    Theme,
    default_themes_path,
    document_themes,
    load_dominant_rules,
    load_themes,
    match_themes,
    speaker_themes,
    theme_scores,
)

REPO = Path(__file__).resolve().parents[2]

FOOTBALL = """Bayern dreht Spiel in der Schlussphase

Der FC Bayern hat am Samstag gegen Wolfsburg nach einem Rückstand noch 3:1 gewonnen. Vor 75.000 Zuschauern
brachte ein Kopfball nach einer Ecke die Gäste in Führung. Nach der Pause erhöhte die Mannschaft den Druck.

In der 61. Minute glich der eingewechselte Stürmer aus, zehn Minuten später traf der Kapitän per Elfmeter.
„Die Mannschaft hat Moral gezeigt“, sagte der Trainer. Der Sportvorstand lobte die Einwechselspieler. Am
Mittwoch folgt das Viertelfinale, am Wochenende das Auswärtsspiel in Leverkusen.
"""

RECIPE = """Apfelkuchen mit Streuseln

Mehl, Butter, Zucker, Ei und Salz zu einem Mürbeteig verkneten und kalt stellen. Die Äpfel schälen, in
Spalten schneiden und mit Zimt mischen. Den Teig in die Form legen und die Äpfel verteilen.

Für die Streusel Mehl, Butter und Zucker verreiben und darüber streuen. Bei 180 Grad etwa 50 Minuten backen.
Tipp unseres Küchenchefs: lauwarm mit Sahne servieren.
"""

CEO_RESIGNS = """Vorstandschef tritt zurück

Der Vorstandsvorsitzende des Konzerns hat überraschend seinen Rücktritt erklärt. Der Aufsichtsrat habe dem
Wunsch des Managers entsprochen, teilte das Unternehmen mit. Der Umsatz war zuletzt gesunken, die Aktie stieg.
"""

PLATFORM_NEWS = """Störung bei Instagram

Am Dienstag waren Instagram und Facebook stundenlang kaum erreichbar. Nutzer meldeten, dass sich Feeds nicht
aktualisierten. Auf Twitter trendete der Hashtag zur Störung. Die Ursache war ein Konfigurationsfehler.
"""

CEO_TWEETS = """Warum Vorstände selbst twittern

Immer mehr Vorstandsvorsitzende posten selbst auf LinkedIn und antworten ihren Followern. Der CEO eines
Telekommunikationskonzerns twittert seit Jahren persönlich. Viele Geschäftsführer im Mittelstand haben
dagegen nicht einmal ein Profil auf LinkedIn. Berater empfehlen Führungskräften, in sozialen Medien
sichtbar zu sein: Ein Chef, der auf Twitter selbst Fragen beantwortet, wirkt glaubwürdiger.
"""

DIALOGUE = """Zuhören statt senden

Viele Unternehmen nutzen ihre Kanäle wie ein Megafon. Dabei erwarten Kunden ein Gespräch auf Augenhöhe.
Ein echter Dialog beginnt mit Zuhören: Rückmeldungen ernst nehmen, auf Kommentare antworten, Fehler offen
zugeben. Aus dem Austausch entsteht Vertrauen und aus Vertrauen entstehen Beziehungen.
"""

CONTENT_MARKETING = """Content-Marketing für Einsteiger

Klassische Werbung verliert an Wirkung. Mit Content-Marketing erreichen Marken ihre Zielgruppe über nützliche
Inhalte. Wichtig sind Reichweite, Leads und Conversion als KPI jeder Kampagne. Suchmaschinenoptimierung und
Newsletter gehören dazu, ebenso Storytelling, das eine Marke greifbar macht.
"""

CLUETRAIN = """Das Cluetrain-Manifest

1999 veröffentlichten Doc Searls, David Weinberger, Rick Levine und Christopher Locke das Cluetrain Manifesto
mit 95 Thesen. Die erste lautet: Märkte sind Gespräche. Die Autoren beschrieben vernetzte Märkte, in denen
Kunden mehr wissen als die Unternehmen selbst.
"""


def _corpus(tmp_path, texts: dict[str, str]):
    for name, text in texts.items():
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
    return load_corpus(tmp_path, quiet=True)


@pytest.fixture(scope="module")
def constructed(tmp_path_factory):
    texts = {
        "football": FOOTBALL,
        "recipe": RECIPE,
        "ceo-resigns": CEO_RESIGNS,
        "platform-news": PLATFORM_NEWS,
        "ceo-tweets": CEO_TWEETS,
        "dialogue": DIALOGUE,
        "content-marketing": CONTENT_MARKETING,
        "cluetrain": CLUETRAIN,
    }
    corpus = _corpus(tmp_path_factory.mktemp("themes"), texts)
    return corpus, annotate(corpus, cache=False)


@pytest.fixture(scope="module")
def seed(sample):
    return sample  # the session's annotated sample corpus (conftest.py)


def test_one_themes_file_the_packaged_one():
    assert not (REPO / "data" / "themes.toml").exists()  # one lexicon, inside the package
    assert default_themes_path() == REPO / "analysis" / "lang" / "de" / "themes.toml"


def test_load_themes_interface():
    themes = load_themes()
    assert {"dialogue", "marketing", "ceo_tweeting", "cluetrain"} <= set(themes)
    for t in themes.values():
        assert isinstance(t, Theme)
        assert all(w == w.lower() for w in t.terms | t.heads)
    assert themes["dialogue"].axis == 1 and themes["marketing"].axis == -1 and themes["cluetrain"].axis == 0
    rules = load_dominant_rules(themes=themes)
    assert set(rules) == {"dialogue_marketing", "ceo_tweeting", "cluetrain"}
    with pytest.raises(FileNotFoundError):
        load_themes("/nonexistent/themes.toml")


def test_bad_toml_is_one_line_error(tmp_path):
    p = tmp_path / "t.toml"
    p.write_text("[themes.x\nterms = 3", encoding="utf-8")
    with pytest.raises(ValueError, match="t.toml"):
        load_themes(p)


def test_match_levels_and_multiword(tmp_path):
    text = "Das Cluetrain-Manifest sagt: Märkte sind Gespräche. Unser Social-Media-Team macht Dialogmarketing mit Gesprächspartnern."
    corpus = _corpus(tmp_path, {"a": text})
    tokens = annotate(corpus, cache=False)
    m = match_themes(tokens, load_themes())
    assert list(m.columns[:6]) == ["doc_id", "para_id", "sent_id", "token_id", "lemma", "theme"]
    got = {(r.lemma, r.theme) for r in m.itertuples()}
    assert ("Cluetrain-Manifest", "cluetrain") in got
    # the phrase "Märkte sind Gespräche" matches as a whole (every word of it)
    assert {("Markt", "cluetrain"), ("Gespräch", "cluetrain")} <= got
    # Dialogmarketing is a marketing term: the term level wins over the dialogue modifier
    dm = m[m["lemma"] == "Dialogmarketing"]
    assert set(dm["theme"]) == {"marketing"}
    # a compound modifier counts when nothing stronger matches
    assert set(m.loc[m["lemma"].str.startswith("Gesprächspartner"), "theme"]) == {"dialogue"}


def test_ceo_tweeting_needs_cooccurrence(tmp_path):
    corpus = _corpus(
        tmp_path,
        {
            "both": "Der Vorstandschef twittert jeden Tag selbst.",
            "actor": "Der Vorstandschef trat zurück. Das Werk wird geschlossen. Die Aktie fiel. Der Umsatz sank.",
            "channel": "Twitter war gestern gestört. Die Ursache ist unklar. Der Dienst lief abends wieder.",
        },
    )
    m = match_themes(annotate(corpus, cache=False), load_themes())
    ceo = m[m["theme"] == "ceo_tweeting"]
    assert set(ceo["doc_id"]) == {"both"}
    assert set(ceo["group"]) == {"actor", "channel"}


def test_scores_are_length_normalised(tmp_path):
    short = "Der Dialog mit Kunden braucht Zuhören und Austausch."
    corpus = _corpus(tmp_path, {"one": short, "three": "\n\n".join([short] * 3)})
    tokens = annotate(corpus, cache=False)
    s = theme_scores(tokens, load_themes(), prior=0.0)
    d = s[s["theme"] == "dialogue"].set_index("doc_id")
    assert d.loc["three", "n_matches"] == 3 * d.loc["one", "n_matches"]
    assert d.loc["three", "score"] == pytest.approx(d.loc["one", "score"])
    # worked example: score = 1000 * matches / (content words + prior)
    row = theme_scores(tokens, load_themes(), prior=50.0).query("doc_id == 'one' and theme == 'dialogue'").iloc[0]
    assert row["score"] == pytest.approx(1000 * row["n_matches"] / (row["n_content"] + 50))


def test_constructed_texts_dominant_theme(constructed):
    _, tokens = constructed
    docs = document_themes(tokens).set_index("doc_id")["theme"].to_dict()
    assert docs["football"] == "none"
    assert docs["recipe"] == "none"
    assert docs["ceo-resigns"] == "none"
    assert docs["platform-news"] == "none"
    assert docs["ceo-tweets"] == "ceo_tweeting"
    assert docs["dialogue"] == "dialogue_marketing"
    assert docs["content-marketing"] == "dialogue_marketing"
    assert docs["cluetrain"] == "cluetrain"


def test_axis_sign(constructed):
    _, tokens = constructed
    d = document_themes(tokens).set_index("doc_id")["dialogue_marketing_axis"]
    assert d["dialogue"] > 0.5
    assert d["content-marketing"] < -0.5
    assert pd.isna(d["recipe"])


def test_seed_corpus_assignment(seed):
    _, tokens = seed
    docs = document_themes(tokens).set_index("doc_id")
    assert docs.loc["stamer-wer-nicht-twittert", "theme"] == "ceo_tweeting"
    assert docs.loc["heinemann-interview", "theme"] == "ceo_tweeting"
    assert docs.loc["cluetrain-zehn-jahre", "theme"] == "cluetrain"
    assert docs.loc["dialog-vs-marketing", "theme"] == "dialogue_marketing"
    assert docs.loc["schertler-stille-revolution", "theme"] == "dialogue_marketing"
    cols = ["score_dialogue", "score_marketing", "score_ceo_tweeting", "score_cluetrain", "dialogue_marketing_axis"]
    assert set(cols) <= set(docs.columns)


def test_speakers_and_inputs_untouched(seed):
    _, tokens = seed
    before = tokens.copy()
    sp = speaker_themes(tokens)
    assert {"Annette Schwindt", "Oliver Heim", "Florian Heinemann"} <= set(sp["speaker"])
    pd.testing.assert_frame_equal(tokens, before)


def test_empty_tokens(seed):
    _, tokens = seed
    out = document_themes(tokens.iloc[:0])
    assert out.empty and "theme" in out.columns


def test_a_users_themes_file_brings_its_own_rules_and_axis(tmp_path):
    """Scores of a user's lexicon use that file's [dominant.*] rules and [axis] name, never the
    packaged ones (a file without them: one label per theme, a column called "axis")."""
    from analysis.themes import unit_themes

    own = tmp_path / "own.toml"
    own.write_text(
        '[axis]\nname = "leise_laut"\n\n'
        '[themes.leise]\nterms = ["flüstern"]\naxis = 1\n\n'
        '[themes.laut]\nterms = ["schreien"]\naxis = -1\n\n'
        '[dominant.beides]\nthemes = ["leise", "laut"]\nthreshold = 1\n',
        encoding="utf-8",
    )
    tokens = doc_tokens("d", [(None, "Wir flüstern. Wir flüstern. Sie schreien.")])
    themes = load_themes(own)
    assert set(themes.rules) == {"beides"}
    docs = document_themes(tokens, themes)
    # two "flüstern" (+1) and one "schreien" (-1): (2 - 1) / (2 + 1)
    assert docs["leise_laut"].item() == pytest.approx(1 / 3)
    assert docs["theme"].item() == "beides"
    plain = tmp_path / "plain.toml"
    plain.write_text('[themes.leise]\nterms = ["flüstern"]\naxis = 1\n', encoding="utf-8")
    paragraphs = unit_themes(tokens, load_themes(plain))
    assert "axis" in paragraphs.columns and set(paragraphs["theme"]) <= {"leise", "none"}
    with pytest.raises(ValueError, match="axis"):
        bad = tmp_path / "bad.toml"
        bad.write_text('axis = 3\n[themes.leise]\nterms = ["flüstern"]\n', encoding="utf-8")
        load_themes(bad)


def test_scores_take_any_order_and_subsets_of_the_tokens(seed):
    """theme_scores joins the matches to the tokens it is given by (doc_id, token_id): rows in
    another order give the same table; a subset of the tokens counts only its own matches."""
    _, tokens = seed
    themes = load_themes()
    matches = match_themes(tokens, themes)
    ordered = theme_scores(tokens, themes, by=["doc_id", "kind"], matches=matches)
    shuffled = tokens.sample(frac=1.0, random_state=3)
    pd.testing.assert_frame_equal(theme_scores(shuffled, themes, by=["doc_id", "kind"], matches=matches), ordered)
    half = tokens[tokens["token_id"] % 2 == 0].assign(doc_id=lambda t: t["doc_id"].astype(str))
    scores = theme_scores(half, themes, by="doc_id", matches=matches)
    kept = matches[matches["token_id"] % 2 == 0]
    assert scores["n_matches"].sum() == len(kept) > 0
    per_doc = kept.groupby("doc_id").size()
    got = scores.groupby("doc_id")["n_matches"].sum()
    assert got[got > 0].to_dict() == per_doc.to_dict()
