"""Issue 13 rule families of the document structure, one test each, on short texts written for the test."""

from __future__ import annotations

import tomllib
from importlib import resources

from analysis.corpus.structure import BOILERPLATE_KINDS, segment, split_paragraphs


def table(text: str, **kw) -> list[tuple[str, str | None]]:
    return [(p.kind, p.speaker) for p in segment(text, **kw)[0]]


def kinds(text: str, **kw) -> list[str]:
    return [p.kind for p in segment(text, **kw)[0]]


# --- splitting -------------------------------------------------------------------------------------


def test_web_block_is_split_line_by_line_but_hard_wrap_and_member_box_stay_together():
    text = (
        "Menü\nDer Stadtrat tagt am Abend\n14.02.2023\n"
        "Der Stadtrat hat lange über den neuen Haushalt gestritten, und am\n"
        "Ende stimmte eine knappe Mehrheit dafür.\n\n"
        "Gartenfreund\nAktives Mitglied\n3. Mai 2019\n1.204\n87\nIch sehe das genauso wie mein Vorredner."
    )
    got = [text[a:b] for a, b in split_paragraphs(text)]
    assert got == [
        "Menü",
        "Der Stadtrat tagt am Abend",
        "14.02.2023",
        "Der Stadtrat hat lange über den neuen Haushalt gestritten, und am\nEnde stimmte eine knappe Mehrheit dafür.",
        "Gartenfreund",
        "Aktives Mitglied\n3. Mai 2019\n1.204\n87",
        "Ich sehe das genauso wie mein Vorredner.",
    ]


# --- page furniture, bylines, captions --------------------------------------------------------------


def test_page_furniture_menus_ads_logos_and_breadcrumbs():
    text = (
        "1. Startseite\n2. Wirtschaft\n3. Ein Markt im Wandel\n\nWirtschaft\n\nLogo Stadtanzeiger\n\nANZEIGE\n\n"
        "Ein Markt im Wandel\n\nDie Händler der Altstadt klagen seit Monaten über sinkende Umsätze und hohe Mieten."
        "\n\nzurück\n\nArtikel merken"
    )
    assert kinds(text) == [
        "boilerplate_other",
        "boilerplate_other",
        "boilerplate_other",
        "boilerplate_other",  # repeats a breadcrumb item
        "boilerplate_other",
        "boilerplate_other",
        "title",  # the headline after the furniture
        "body",
        "boilerplate_other",
        "boilerplate_other",
    ]
    assert "boilerplate_other" in BOILERPLATE_KINDS


def test_bylines_datelines_reading_time_and_signature():
    text = (
        "Der Winter kommt früh\n- Paula Winterberg\n- 3. November\n- 2 Min. Lesezeit\n\n"
        "Mittwoch, 2. November 2022\n\nVon Paula Winterberg | 02.11.2022, 10:30 Uhr\n\n"
        "Auf den Bergen liegt schon Schnee, und die Skilifte bereiten sich auf eine lange Saison vor.\n\n"
        "Viele Grüße\n\nPaula\n\nWirtschaftsredakteurin\n\ndpa/lby München."
    )
    assert kinds(text) == [
        "title",
        "byline",  # a name next to the date line
        "byline",
        "view_counter",
        "byline",
        "byline",
        "body",
        "heading",
        "byline",  # a lone name after a closing formula
        "byline",  # a job title alone
        "byline",  # an agency dateline
    ]


def test_photo_captions_by_credit_line_repeat_and_doubled_alt_text_but_prose_with_credit_stays_body():
    text = (
        "Blick auf den Hafen am Abend\nBlick auf den Hafen am Abend mit vielen Booten\nFoto: Lena Ufer\n\n"
        "Leuchtturm Leuchtturm\nQuelle: dpa\n\n"
        "Bild\n\n"
        "Hamburg (dpa) - Der Hafen meldet ein Rekordjahr. Mehr Container als je zuvor wurden umgeschlagen, "
        "teilte die Hafenverwaltung mit.\n\n"
        "Die Schiffe kamen vor allem aus Asien. Im Frühjahr war der Andrang am größten. © Agentur Nord"
    )
    assert kinds(text) == [
        "photo_caption",
        "photo_caption",
        "photo_caption",
        "photo_caption",
        "photo_caption",
        "photo_caption",  # an image placeholder
        "body",  # a news lead with an agency in brackets
        "body",  # a credit at the end of a text paragraph
    ]


def test_comment_header_member_boxes_share_lines_and_contact_box():
    text = (
        "Unser neues Vereinsheim\n\nDas Vereinsheim ist fertig, und am Samstag feiern wir die Eröffnung mit allen Mitgliedern.\n\n"
        "Beitrag teilen\nFacebook\nWhatsApp\n\n"
        "Ansprechpartner\nJonas Feld\nVorstand\nTelefon 0123 456789\n\n"
        "Schreib uns an [email protected], wenn du beim Aufbau helfen möchtest.\n\n"
        "Ein Gedanke zu „Unser neues Vereinsheim“\n\nSchön geworden!"
    )
    assert kinds(text) == [
        "title",
        "body",
        "share_buttons",
        "share_buttons",
        "share_buttons",
        "contact",
        "contact",
        "contact",
        "contact",
        "contact",
        "comment_header",
        "comment",
    ]
    forum = "Frage zur Steuer\n\nKassenwart\n\nErfahrenes Mitglied\n12. März 2015\n3.410\n212\n\nDas ist so richtig."
    assert kinds(forum)[1:3] == ["comment_header", "comment_header"]


def test_headline_kicker_and_question_headline():
    assert kinds(
        "Politik Inland\nWie die Rente sicher wird\n\nDie Regierung legt heute einen Plan vor. Er ist umstritten."
    )[:2] == ["heading", "title"]
    assert (
        kinds("Lohnt sich ein Balkonkraftwerk?\n\nDie Antwort hängt vom Standort ab. Wir haben gerechnet.")[0]
        == "title"
    )


# --- speaker labels and roles -------------------------------------------------------------------------

OUTLET_INTERVIEW = """Der Ökonom über Mieten

Die Mieten steigen seit Jahren. Wir haben mit Karl Brenner über die Ursachen gesprochen.

SPIEGEL: Herr Brenner, warum steigen die Mieten so schnell?

Brenner: Weil zu wenig gebaut wird. Das ist seit zehn Jahren bekannt.

SPIEGEL: Das klingt einfach.

Brenner: Ist es aber nicht. Die Kommunen haben kaum Personal."""


def test_outlet_label_asks_and_a_last_name_label_gets_the_full_name_from_the_intro():
    paras, _ = segment(OUTLET_INTERVIEW)
    assert [(p.kind, p.speaker) for p in paras][2:] == [
        ("question", "SPIEGEL"),
        ("answer", "Karl Brenner"),
        ("question", "SPIEGEL"),  # a statement by the outlet is still the interviewer's turn
        ("answer", "Karl Brenner"),
    ]
    assert paras[2].label == "SPIEGEL" and paras[2].text.startswith("Herr Brenner")


def test_name_labels_roles_from_question_share_and_initials_and_role_labels():
    names = (
        "Zwei Gründer im Gespräch\n\nAnna Kluge und Peter Hahn über Mut und Fehler.\n\n"
        "Kluge: Peter, was war dein größter Fehler?\n\nHahn: Zu lange an einer Idee festzuhalten. Wir haben zwei Jahre verloren."
        "\n\nKluge: Und was hast du daraus gelernt?\n\nHahn: Früher mit Kunden zu reden."
    )
    assert table(names)[2:] == [
        ("question", "Anna Kluge"),
        ("answer", "Peter Hahn"),
        ("question", "Anna Kluge"),
        ("answer", "Peter Hahn"),
    ]
    roles = "F: Wie sind Sie zur Imkerei gekommen?\nA: Durch meinen Großvater. Er hatte zwölf Völker.\nF: Und heute?\nA: Vierzig Völker."
    assert table(roles) == [
        ("question", "Interviewer"),
        ("answer", "Interviewee"),
        ("question", "Interviewer"),
        ("answer", "Interviewee"),
    ]


def test_chat_with_time_stamps_initials_and_script_labels_are_dialogues():
    chat = "[18:01] Lena: bist du schon da?\n[18:02] Tom: gleich, stehe im Stau\n[18:02] Lena: ok, ich warte\n[18:05] Tom: bin da"
    assert table(chat) == [("body", "Lena"), ("body", "Tom"), ("body", "Lena"), ("body", "Tom")]
    ab = "A: Was machst du am Samstag?\nB: Weiß noch nicht. Hast du eine Idee?\nA: Kino vielleicht.\nB: Gute Idee."
    assert table(ab) == [("body", "A"), ("body", "B"), ("body", "A"), ("body", "B")]
    script = "MUTTER: Hast du deine Hausaufgaben gemacht?\nSOHN: Gleich.\n*Die Mutter seufzt.*\nMUTTER: Jetzt."
    assert table(script) == [("body", "Mutter"), ("body", "Sohn"), ("body", None), ("body", "Mutter")]


def test_a_lone_lead_in_word_is_not_a_speaker_label():
    text = "Mein Garten\n\nFazit: Der Frühling kann kommen. Ich freue mich.\n\nHamburg: Dort war ich im Mai und fand es schön."
    paras, _ = segment(text)
    assert all(p.label is None and p.speaker is None for p in paras)


def test_unlabelled_interview_intro_interviewer_vocative_opener_and_counter_question():
    text = (
        "Seit zwanzig Jahren leitet Maria Stein das Tierheim. Ein Gespräch über Hunde und Geld.\n\n"
        "Frau Stein, im Sommer ist bei Ihnen immer viel los.\n\n"
        "Wissen Sie, wie viele Tiere wir gerade haben? Achtzig Hunde und über hundert Katzen, und jeden Tag kommen neue dazu.\n\n"
        "Woran fehlt es am meisten?\n\n"
        "An Geld und an Menschen, die mit den Hunden spazieren gehen. Wir freuen uns über jede Hilfe.\n\n"
        "Und wie finden Sie neue Helfer?\n\n"
        "Über unsere Zeitung im Viertel und über Aushänge beim Bäcker. Das funktioniert erstaunlich gut.\n\n"
        "Das Gespräch führte Jonas Weber."
    )
    assert table(text) == [
        ("body", None),
        ("question", "Jonas Weber"),  # an opening remark addressed to the interviewee
        ("answer", "Interviewee"),  # a counter-question in the reply
        ("question", "Jonas Weber"),
        ("answer", "Interviewee"),
        ("question", "Jonas Weber"),
        ("answer", "Interviewee"),
        ("byline", None),
    ]


def test_blog_post_with_questions_to_readers_stays_a_monologue():
    text = (
        "Mein Garten im April\n\nEndlich wird es wärmer! Kennt ihr das auch?\n\n"
        "Bei mir haben die Narzissen den Anfang gemacht. Dann kamen die Tulpen, und jetzt warte ich auf den Flieder.\n\n"
        "Was pflanzt ihr dieses Jahr?\n\n"
        "Ich habe mir vorgenommen, mehr Kräuter zu setzen. Die brauchen wenig Wasser und duften herrlich am Abend."
    )
    paras, _ = segment(text)
    assert all(p.speaker is None and p.kind in ("title", "body") for p in paras)


def test_unlabelled_quoted_turns_alternate_between_narrator_and_the_person_named_in_the_intro():
    text = (
        "Gestern Abend wollte ich früh schlafen, aber mein Mitbewohner hatte andere Pläne. Er stand in der Tür und sagte:\n\n"
        "„Kommst du mit ins Kino?“\n„Heute nicht, ich bin müde.“\n„Es läuft aber dein Lieblingsfilm.“\n"
        "(Ich seufze)„Na gut, dann komme ich mit.“"
    )
    assert table(text)[1:] == [("body", "Mitbewohner"), ("body", "Ich"), ("body", "Mitbewohner"), ("body", "Ich")]


# --- quotes -------------------------------------------------------------------------------------------


def test_quote_speakers_are_persons_not_common_nouns():
    text = (
        "Berlin (dpa) - Der Verein hat am Sonntag knapp verloren. „Wir haben heute nicht gut gespielt“, sagte "
        "Trainer Thomas Beispiel nach der Partie. „Das tut weh.“\n\n"
        "Der Sportdirektor Peter Probe blieb ruhig. „Wir halten am Trainer fest“, sagte er.\n\n"
        "„Solche Spiele gibt es“, heißt es vom Verband. „Es war ein schwaches Spiel“, sagte der Trainer."
    )
    _, quotes = segment(text)
    assert [(q.text[:12], q.speaker) for q in quotes] == [
        ("Wir haben he", "Thomas Beispiel"),  # role noun before the name dropped
        ("Das tut weh.", "Thomas Beispiel"),  # follows the attributed quote directly
        ("Wir halten a", "Peter Probe"),  # "er": the person named last
        ("Solche Spiel", "Verband"),  # "heißt es vom …": an organisation
        ("Es war ein s", None),  # "der Trainer" names nobody
    ]


def test_quotes_in_turns_only_with_a_label_or_first_person_reporting_and_interview_headline_quote():
    text = (
        "„Bücher sind mein Leben“\n\nEine Buchhändlerin über ihren Laden. Wir haben mit Lisa Blatt gesprochen.\n\n"
        "Frage: Was sagen Sie Kunden, die nur online kaufen?\n\n"
        "Lisa Blatt: Ich sage dann immer „Kommen Sie vorbei“. Auf dem Plakat steht „Lesen ist Freiheit“ als Motto."
    )
    _, quotes = segment(text)
    assert [(q.text[:12], q.speaker) for q in quotes] == [
        ("Bücher sind ", "Lisa Blatt"),  # the headline quote of an interview: the interviewee
        ("Kommen Sie v", "Lisa Blatt"),  # "ich sage …" inside her turn
        ("Lesen ist Fr", None),  # a cited motto, not her words
    ]


def test_language_data_file_has_a_source_header_and_the_lists_load():
    raw = resources.files("analysis.lang.de").joinpath("structure_de.toml").read_text(encoding="utf-8")
    assert raw.startswith("# German web-page conventions") and "Source:" in raw and "Licence:" in raw
    data = tomllib.loads(raw)
    assert "März" in data["dates"]["months"] and "taz" in data["outlets"]["names"]
    assert {"Frage", "F"} <= set(data["labels"]["question"])


# --- HTML markup ------------------------------------------------------------------------------------

HTML_PAGE = """<html><head><title>Neue Radwege für die Innenstadt</title></head><body>
<nav><a href="/">Startseite</a> <a href="/lokales">Lokales</a></nav>
<article><h1>Neue Radwege für die Innenstadt</h1>
<p class="byline">Von Julia Nord</p>
<figure><img src="a.jpg" alt="Radweg"><figcaption>Der neue Radweg an der Ringstraße am Morgen</figcaption></figure>
<p>Die Stadt baut bis zum Herbst vier neue Radwege. Die Kosten liegen bei zwei Millionen Euro, die zum größten
Teil vom Land kommen, wie die Verwaltung am Dienstag mitteilte.</p>
<h2>Kritik der Händler</h2>
<p>Kritik kommt von den Händlern. Sie fürchten um Parkplätze in der Altstadt, die ohnehin schon knapp sind.</p>
<blockquote>Ohne Autos kommen weniger Kunden in die Läden der Altstadt.</blockquote>
</article>
<section class="comments"><h3>2 Kommentare</h3><div class="comment"><p>Endlich! Das war überfällig.</p></div></section>
</body></html>"""


def test_html_markup_gives_headings_caption_byline_quote_and_comments(tmp_path):
    from analysis import load_corpus

    (tmp_path / "seite.html").write_text(HTML_PAGE, encoding="utf-8")
    paras = load_corpus(tmp_path, quiet=True).paragraphs
    got = list(zip(paras["kind"], paras["text"].str[:19], strict=True))
    assert got == [
        ("title", "Neue Radwege für di"),
        ("byline", "Von Julia Nord"),  # class="byline", put back in front of the text it stood before
        ("photo_caption", "Der neue Radweg an "),  # <figcaption> without "Foto:"
        ("body", "Die Stadt baut bis "),
        ("heading", "Kritik der Händler"),
        ("body", "Kritik kommt von de"),
        ("quote", "Ohne Autos kommen w"),  # <blockquote>
        ("comment_header", "2 Kommentare"),
        ("comment", "Endlich! Das war üb"),
    ]
    assert "Startseite" not in " ".join(paras["text"])  # the menu is still left out


def test_faq_with_questions_to_the_reader_is_not_an_interview():
    text = (
        "Neue Regeln für Balkonkraftwerke\n\n"
        "Was müssen Sie vor dem Kauf beachten?\n\n"
        "Wichtig ist vor allem die Leistung des Wechselrichters. Sie darf 800 Watt nicht überschreiten, "
        "sonst gilt die Anlage nicht mehr als Steckergerät und braucht einen Elektriker.\n\n"
        "Müssen Sie die Anlage anmelden?\n\n"
        "Ja, im Marktstammdatenregister der Bundesnetzagentur. Die Anmeldung ist kostenlos und dauert "
        "nur wenige Minuten, den Netzbetreiber muss man nicht mehr extra informieren."
    )
    paras, _ = segment(text)
    assert all(p.kind in ("title", "body") and p.speaker is None for p in paras)


def test_a_last_name_in_a_reporting_clause_gets_the_full_name_from_earlier_in_the_text():
    text = (
        "Bürgermeisterin Eva Lind eröffnete am Montag den neuen Spielplatz. "
        "„Hier sollen sich alle Kinder wohlfühlen“, sagte Lind."
    )
    _, quotes = segment(text)
    assert [(q.speaker, q.cue) for q in quotes] == [("Eva Lind", "sagte")]


def test_labelled_pull_quote_in_a_chat_and_a_caption_repeated_in_a_cut_copy():
    chat = (
        'Lena: "Ich chatte am liebsten nachts."\n'
        "22:01 - Lena: bist du noch wach?\n22:02 - Tom: ja, kann nicht schlafen\n"
        "22:03 - Lena: ich auch nicht\n22:05 - Tom: dann lass uns telefonieren"
    )
    assert table(chat)[0] == ("quote", "Lena")  # one quotation among unquoted turns
    alt = "Die neue Brücke über den Fluss am Abend, kurz nach der Eröffnung"
    captions = (
        f"{alt} {alt}\n"  # alt text and caption run together
        "Die neue Brücke über den Fluss am Ab...end, kurz nach der Eröffnung\n\n"  # a cut copy
        "Quelle: Stadtarchiv\n\n"
        "Die Brücke wurde nach drei Jahren Bauzeit eröffnet. Sie verbindet zwei Stadtteile."
    )
    assert kinds(captions) == ["photo_caption", "photo_caption", "photo_caption", "body"]


def test_hard_wrapped_prose_stays_one_paragraph_even_where_a_line_ends_before_a_noun():
    text = (
        "Die Kosten für die Sanierung der Turnhalle und die neuen Computer haben\n"
        "Eltern und Lehrer im vergangenen Jahr lange beschäftigt, sagte der Kämmerer\n"
        "Markus Feld am Montag im Gemeinderat. Im nächsten Jahr soll es weniger werden\n"
        "als geplant."
    )
    assert [text[a:b] for a, b in split_paragraphs(text)] == [text]


def test_labels_on_a_line_of_their_own_above_the_turn():
    text = (
        "SPIEGEL:\nHerr Brenner, warum steigen die Mieten so schnell?\n\n"
        "Brenner:\nWeil zu wenig gebaut wird. Das ist seit zehn Jahren bekannt.\n\n"
        "SPIEGEL:\nWas müsste die Politik tun?\n\n"
        "Brenner:\nBauland ausweisen und die Verfahren beschleunigen."
    )
    got = [(p.kind, p.speaker) for p in segment(text)[0] if p.kind != "speaker_label"]
    assert got == [("question", "SPIEGEL"), ("answer", "Brenner"), ("question", "SPIEGEL"), ("answer", "Brenner")]
    assert kinds(text).count("speaker_label") == 4


def test_date_then_author_is_a_byline_and_a_one_line_trail_is_furniture():
    # "DATE von NAME" (the byline after a date) and "A > B > C" breadcrumbs, checked on texts unlike the
    # development set after the session's rules were written
    assert kinds("Mein Balkon\n\n12. Juni 2024 von Sabine\n\nEndlich blühen die Tomaten. Es geht los.") == [
        "title",
        "byline",
        "body",
    ]
    assert kinds("Titel hier\n\n13.08.2013 von Michael Beispiel\n\nEin Text. Noch ein Satz.")[1] == "byline"
    assert kinds("Startseite > Wirtschaft > Arbeit\n\nDie große Überschrift\n\nEin Text beginnt. Er geht weiter.") == [
        "boilerplate_other",
        "title",
        "body",
    ]
    # a title that merely contains ">" is no trail
    assert kinds("Der Weg > das Ziel\n\nEin Text. Und mehr.")[0] == "title"


def test_read_also_teaser_is_furniture():
    text = (
        "Titel\n\nEin Text. Mehr Text.\n\nLesen Sie auch: Warum die Bahn Lokführer sucht\n\nWeiter im Text. Ein Satz."
    )
    assert kinds(text) == ["title", "body", "boilerplate_other", "body"]


def test_ad_words_are_furniture_only_as_a_whole_line():
    # "Werbung" and "Anzeige" are ordinary German words in a corpus about marketing
    assert (
        kinds("Werbung wirkt.\n\nDie Werbung verkauft Produkte. Kampagnen verkaufen auch.")[0] not in BOILERPLATE_KINDS
    )
    assert kinds("Noch mehr Werbung\n\nDie Werbung verkauft Produkte. Kampagnen verkaufen auch.")[0] == "title"
    assert kinds("Titel\n\nEin Text. Noch einer.\n\nAnzeige\n\nWeiter im Text. Und so fort.")[2] == "boilerplate_other"
