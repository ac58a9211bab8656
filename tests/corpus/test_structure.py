"""Paragraph kinds, speakers and quotes: constructed cases (one rule each) and the seed corpus pinned."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.corpus.structure import BOILERPLATE_KINDS, PARAGRAPH_KINDS, segment, split_paragraphs

ROOT = Path(__file__).resolve().parents[2]
TEXTS = ROOT / "data" / "texts"


def kinds(text: str, **kw) -> list[str]:
    return [p.kind for p in segment(text, **kw)[0]]


# --- paragraph splitting -----------------------------------------------------------------------


def test_blank_lines_separate_paragraphs_and_offsets_point_into_text():
    text = "Titel\n\nErster Absatz mit Text.\n\n\n  Zweiter Absatz.  \n"
    spans = split_paragraphs(text)
    assert [text[a:b] for a, b in spans] == ["Titel", "Erster Absatz mit Text.", "Zweiter Absatz."]


def test_one_paragraph_per_line_is_split_but_address_blocks_and_hard_wrapped_prose_stay_together():
    long1 = "Dies ist ein ziemlich langer Satz, der als eigener Absatz in einer Zeile steht."
    long2 = "Und das ist der nächste Absatz, ebenfalls in einer eigenen Zeile geschrieben."
    address = "Montag 24. Januar 2011 ab 10h00\nHochschule Heilbronn\nMax-Planck-Str. 39, 74081 Heilbronn"
    wrapped = "Dieser Absatz wurde hart umbrochen, wie in E-Mails üblich, und\nläuft in der nächsten Zeile weiter."
    text = f"{long1}\n{long2}\n\n{address}\n\n{wrapped}"
    got = [text[a:b] for a, b in split_paragraphs(text)]
    assert got == [long1, long2, address, wrapped]


def test_list_items_on_consecutive_lines_become_separate_paragraphs():
    text = "Folgende Punkte:\n• erstens etwas\n• zweitens etwas anderes"
    assert kinds(text)[-2:] == ["list_item", "list_item"]


def test_title_and_subtitle_in_the_first_block_are_split():
    text = "Wer nicht twittert, verliert\nIm Gespräch mit Anna Beispiel\n\nDer erste richtige Absatz des Textes folgt hier."
    assert kinds(text) == ["title", "heading", "body"]


# --- boilerplate kinds, one rule each ------------------------------------------------------------

BODY = "Das ist ein normaler Absatz mit mehreren Sätzen über Kommunikation. Er hat genug Wörter, um als Text zu gelten."


@pytest.mark.parametrize(
    ("paragraph", "kind"),
    [
        ("| 1.234 mal gelesen |", "view_counter"),
        ("Aufrufe: 5023", "view_counter"),
        ("Twittern WhatsApp", "share_buttons"),
        ("Diesen Beitrag teilen:", "share_buttons"),
        ("Foto: Max Mustermann / dpa", "photo_caption"),
        ("Die Gründer beim Treffen foto:someone/flickr", "photo_caption"),
        ("Von Erika Musterfrau", "byline"),
        ("Von", "byline"),
        ("info@example.de", "contact"),
        ("beispiel-blog.de", "contact"),
        ("Sie sind an einem Austausch interessiert?", "contact"),
        ("Schreiben Sie mir: Tel. 0711 123456", "contact"),
        ("Deine E-Mail-Adresse wird nicht veröffentlicht. Erforderliche Felder sind mit * markiert", "comment_form"),
        ("1. Pingback: Irgendein Blog verlinkt hierher", "pingback"),
    ],
)
def test_boilerplate_kind(paragraph, kind):
    text = f"Ein Titel\n\n{BODY}\n\n{BODY}\n\n{paragraph}\n\n{BODY}"
    got = kinds(text)
    assert got[3] == kind
    assert kind in BOILERPLATE_KINDS


def test_event_ad_needs_two_signals_and_continues_to_the_address_block():
    ad = "Unser Seminar am Montag ist ausgebucht. Es gibt einen weiteren Termin:"
    block = "Dienstag 3. März 2020 ab 9 Uhr\nHaus der Wirtschaft\nHauptstraße 5, 70173 Stuttgart"
    got = kinds(f"Titel\n\n{BODY}\n\n{ad}\n\n{block}")
    assert got[2:] == ["event_ad", "event_ad"]
    # one signal in a long body paragraph is not an ad
    one = "Bei der Vorbereitung unseres Workshops habe ich viele Thesen gelesen und lange darüber nachgedacht, was sie heute noch bedeuten."
    assert kinds(f"Titel\n\n{one}")[1] == "body"


def test_comment_section_runs_to_the_end():
    text = f"Titel\n\n{BODY}\n\n{BODY}\n\n2 Kommentare\n\nToller Artikel, danke!\n\nSehe ich anders.\n\nKommentar verfassen"
    assert kinds(text)[3:] == ["comment_header", "comment", "comment", "comment_form"]


def test_author_bio_marker_and_following_paragraph():
    bio = "Erika Musterfrau ist Beraterin für Unternehmenskommunikation und lebt in Köln."
    text = f"Titel\n\n{BODY}\n\n{BODY}\n\nÜber die Autorin\n\n{bio}\n\n{BODY}"
    assert kinds(text)[3:] == ["author_bio", "author_bio", "body"]


def test_whole_paragraph_quote_and_heading():
    text = f"Titel\n\n{BODY}\n\n„Wir müssen reden.“\n\nEin Zwischentitel\n\n{BODY}"
    assert kinds(text) == ["title", "body", "quote", "heading", "body"]


def test_every_kind_is_declared():
    assert BOILERPLATE_KINDS <= set(PARAGRAPH_KINDS)


# --- speakers -------------------------------------------------------------------------------------

DIALOGUE = """Ein Gespräch über Kommunikation

Anna Beispiel

Hallo Ben, schön, dass Du dabei bist. Ich frage mich seit langem, wohin das führt. Was meinst Du dazu?

Hallo Anna, danke für die Einladung. Ich sehe das ähnlich wie Du.

Dazu kommt noch etwas Zweites, das mir wichtig ist. Wie siehst Du das?

Anna Beispiel

Das sehe ich genauso. Danke für das Gespräch, Ben!

Ich danke Dir, liebe Anna."""


def test_dialogue_label_lines_vocatives_and_turn_taking():
    paras, _ = segment(DIALOGUE, speakers=["Anna Beispiel", "Ben Muster"], genre="blog dialogue")
    got = [(p.kind, p.speaker) for p in paras]
    assert got == [
        ("title", None),
        ("speaker_label", None),
        ("body", "Anna Beispiel"),  # label line
        ("body", "Ben Muster"),  # "Hallo Anna," addresses Anna, so Ben speaks
        ("body", "Ben Muster"),  # continues
        ("speaker_label", None),
        ("body", "Anna Beispiel"),
        ("body", "Ben Muster"),  # "liebe Anna"
    ]


def test_rhetorical_question_without_address_does_not_hand_over_the_turn():
    text = (
        "Anna Beispiel\n\nIch frage mich, ob das so bleiben kann. Soll das wirklich der Anspruch sein?"
        "\n\nNein, das glaube ich nicht. Wir brauchen etwas anderes."
    )
    paras, _ = segment(text, speakers=["Anna Beispiel", "Ben Muster"], genre="dialogue")
    assert [p.speaker for p in paras if p.kind == "body"] == ["Anna Beispiel", "Anna Beispiel"]


def test_interview_questions_answers_and_inline_label():
    text = (
        "Frau Muster, wie sehen Sie die Lage?\n\nERIKA MUSTER: Schwierig, aber lösbar. Wir arbeiten daran."
        "\n\nUnd die Kosten steigen dann sicher auch.\n\nDas stimmt. Aber langfristig lohnt es sich."
    )
    paras, _ = segment(text, speakers=["Erika Muster"], genre="interview")
    assert [(p.kind, p.speaker) for p in paras] == [
        ("question", "Interviewer"),
        ("answer", "Erika Muster"),
        ("question", "Interviewer"),  # a statement answered by "Das stimmt."
        ("answer", "Erika Muster"),
    ]
    assert paras[1].label == "ERIKA MUSTER"
    assert paras[1].text.startswith("Schwierig")  # the label is not part of the answer text
    assert text[paras[1].start : paras[1].end] == paras[1].text


def test_interview_detected_without_metadata_from_inline_labels():
    text = "Wie geht es weiter?\n\nMAX MÜLLER: Wir wachsen weiter, und zwar deutlich."
    paras, _ = segment(text)
    assert [(p.kind, p.speaker) for p in paras] == [("question", "Interviewer"), ("answer", "Max Müller")]


def test_monologue_has_no_speakers():
    paras, _ = segment(f"Titel\n\n{BODY}\n\n{BODY}")
    assert all(p.speaker is None for p in paras)


# --- quotes -----------------------------------------------------------------------------------------


def test_quote_styles_and_attribution_with_pronoun_resolution():
    text = (
        "Anna Beispiel spricht über Medien.\n\n"
        "„Wir leben in einer vernetzten Zeit.“ so Anna Beispiel. "
        '“Das war zu optimistisch.”, resümiert sie. »Kurz und gut.« Und "Ein Satz ohne Sprecher."'
    )
    _, quotes = segment(text, speakers=["Anna Beispiel"])
    got = [(q.text, q.speaker, q.cue) for q in quotes]
    assert got == [
        ("Wir leben in einer vernetzten Zeit.", "Anna Beispiel", "so"),
        ("Das war zu optimistisch.", "Anna Beispiel", "resümiert"),
        # a quote that follows an attributed quote directly ("„…“, resümiert sie. »…«") goes on in
        # the same voice (German press convention); "Und "…"" after other words does not
        ("Kurz und gut.", "Anna Beispiel", None),
        ("Ein Satz ohne Sprecher.", None, None),
    ]
    for q in quotes:
        assert q.text in text[q.start : q.end]


def test_scare_quotes_are_terms_not_speech():
    _, quotes = segment("Die Firma gibt sich „volksnah“ und spricht von “Service”.")
    assert [(q.text, q.quote_type) for q in quotes] == [("volksnah", "term"), ("Service", "term")]


# --- the seed corpus, pinned paragraph by paragraph ---------------------------------------------------

SEEDS = {
    "stamer-wer-nicht-twittert.txt": (
        {"speakers": ["Sören Stamer", "Panos Meyer"], "genre": "podcast summary"},
        "title heading body body quote body body quote body body quote body body".split(),
    ),
    "heinemann-interview.txt": (
        {"speakers": ["Florian Heinemann"], "genre": "interview"},
        "byline question answer question answer question answer question answer question answer author_bio author_bio".split(),
    ),
    "cluetrain-zehn-jahre.txt": (
        {"genre": "blog post"},
        (
            "title view_counter photo_caption photo_caption body heading body heading "
            "list_item list_item list_item list_item list_item body list_item list_item body "
            "event_ad event_ad contact contact comment_header pingback"
        ).split(),
    ),
    "schertler-stille-revolution.txt": (
        {"authors": ["Karin Maria Schertler"], "genre": "guest article"},
        (
            "body body body quote share_buttons body body body list_item list_item body body "
            "author_bio author_bio contact body body body contact contact"
        ).split(),
    ),
}


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_seed_structure(name):
    meta, expected = SEEDS[name]
    paras, _ = segment((TEXTS / name).read_text(encoding="utf-8"), **meta)
    assert [p.kind for p in paras] == expected


def test_seed_dialogue_speakers_turn_by_turn():
    text = (TEXTS / "dialog-vs-marketing.txt").read_text(encoding="utf-8")
    paras, _ = segment(
        text, speakers=["Annette Schwindt", "Oliver Heim"], authors=["Annette Schwindt"], genre="blog dialogue"
    )
    turns = []
    for p in paras:
        if p.speaker and (not turns or turns[-1][0] != p.speaker):
            turns.append([p.speaker, 0])
        if p.speaker:
            turns[-1][1] += 1
    a, o = "Annette Schwindt", "Oliver Heim"
    # read off the text: the host's intro + her first turn, then alternating turns
    assert turns == [
        [a, 4],
        [o, 6],
        [a, 5],
        [o, 5],
        [a, 4],
        [o, 6],
        [a, 6],
        [o, 5],
        [a, 5],
        [o, 6],
        [a, 4],
        [o, 4],
        [a, 1],
        [o, 1],
    ]
    # the two caption lines ("Foto von …" / "Avatar von …") are two paragraphs since web blocks are
    # split line by line (they were one paragraph before issue 13)
    tail = [p.kind for p in paras[-11:]]
    assert tail == [
        "author_bio",
        "author_bio",
        "photo_caption",
        "photo_caption",
        "contact",
        "share_buttons",
        "comment_header",
        "comment",
        "comment",
        "comment_form",
        "comment_form",
    ]


def test_seed_quotes_attributed_to_the_podcast_guest():
    text = (TEXTS / "stamer-wer-nicht-twittert.txt").read_text(encoding="utf-8")
    _, quotes = segment(text, speakers=["Sören Stamer", "Panos Meyer"])
    attributed = [(q.text[:20], q.speaker, q.cue) for q in quotes if q.speaker]
    assert attributed == [
        ("Wir leben in einer Z", "Sören Stamer", "so"),
        ("Das war vielleicht z", "Sören Stamer", "resümiert"),
        ("Das war eine schwere", "Sören Stamer", "erzählt"),
    ]


def test_interview_without_metadata_keeps_the_labelled_name_for_later_answers():
    text = (
        "Wie geht es weiter?\n\nMAX MÜLLER: Wir wachsen weiter, und zwar deutlich.\n\n"
        "Und im Ausland?\n\nDort auch, vor allem in Asien."
    )
    paras, _ = segment(text)
    assert [p.speaker for p in paras] == ["Interviewer", "Max Müller", "Interviewer", "Max Müller"]
