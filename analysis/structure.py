"""Document structure of German web texts: paragraphs, their kind, speakers and direct quotes.

Web texts copied from blogs and magazines carry more than the article: bylines, author boxes,
view counters, photo captions, share buttons, event ads, contact lines and comment sections.
:func:`segment` splits a document into paragraphs and labels each with a ``kind``; boilerplate
kinds are flagged (never removed) so that analyses can leave them out by default.

Speaker turns are found with general cues, never per-file rules:

* label lines ("Annette Schwindt" alone on a line) and inline labels ("FLORIAN HEINEMANN: …");
* vocatives ("Hallo Annette, …", "… liebe Annette."): the speaker is *not* the person addressed;
* turn-taking: a paragraph that ends with a question to the other person ("Was denkst Du …?"),
  or a question followed by a reply that addresses the asker ("wie Du sagst"), hands the turn over;
* in interviews, questions (ending in "?", or a statement answered by "Das stimmt.") belong to the
  interviewer, everything else to the interviewee.

Direct quotes in „…“, “…”, "…" and »…« are found with their offsets; a reporting clause next to
the quote ("…“, so Sören Stamer", "resümiert er") attributes them, pronouns resolving to the last
person named.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import regex

__all__ = [
    "BOILERPLATE_KINDS",
    "PARAGRAPH_KINDS",
    "Paragraph",
    "Quote",
    "segment",
    "split_paragraphs",
]

PARAGRAPH_KINDS = (
    "title",
    "heading",
    "body",
    "question",
    "answer",
    "quote",
    "list_item",
    "speaker_label",
    "byline",
    "author_bio",
    "view_counter",
    "photo_caption",
    "share_buttons",
    "event_ad",
    "contact",
    "comment_header",
    "comment",
    "pingback",
    "comment_form",
)
# everything from speaker_label on is boilerplate: flagged, kept, left out of analyses by default
BOILERPLATE_KINDS = frozenset(PARAGRAPH_KINDS[PARAGRAPH_KINDS.index("speaker_label") :])


@dataclass
class Paragraph:
    para_id: int
    start: int
    end: int
    text: str
    kind: str = "body"
    speaker: str | None = None
    label: str | None = None  # inline speaker label that precedes the text ("NAME:")

    @property
    def is_boilerplate(self) -> bool:
        return self.kind in BOILERPLATE_KINDS


@dataclass
class Quote:
    para_id: int
    start: int
    end: int
    text: str
    quote_type: str  # "speech" or "term" (scare quotes, titles: at most two words)
    speaker: str | None = None
    cue: str | None = None


@dataclass
class _Doc:
    text: str
    speakers: list[str]
    authors: list[str]
    interviewer: str | None
    genre: str
    paragraphs: list[Paragraph] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# paragraph splitting

_BULLET_RE = regex.compile(
    r"^\s*(?:[•·▪►◦‣∙*\-–—]\s+|\d{1,2}[.)]\s+(?!(?:Jan|Feb|Mär|Apr|Mai|Jun|Jul|Aug|Sep|Okt|Nov|Dez)))"
)
_SENT_END = '.!?:…"“”«»'


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """Paragraph spans ``(start, end)`` of ``text`` (stripped of surrounding whitespace).

    Blank lines separate paragraphs. Inside a block, a line break also starts a new paragraph
    when the line before is long (≥ 50 characters) and ends a sentence — one-paragraph-per-line
    texts — or when the next line is a list item. Short lines (addresses, dates) and
    hard-wrapped prose stay together.
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    cur_start: int | None = None
    cur_end = 0
    prev_line = ""
    for line in text.split("\n"):
        line_end = pos + len(line)
        stripped = line.strip()
        if not stripped:
            if cur_start is not None:
                spans.append((cur_start, cur_end))
                cur_start = None
        else:
            lead = len(line) - len(line.lstrip())
            if cur_start is not None and (
                (len(prev_line) >= 50 and prev_line[-1] in _SENT_END) or _BULLET_RE.match(line)
            ):
                spans.append((cur_start, cur_end))
                cur_start = None
            if cur_start is None:
                cur_start = pos + lead
            cur_end = pos + len(line.rstrip())
            prev_line = stripped
        pos = line_end + 1
    if cur_start is not None:
        spans.append((cur_start, cur_end))
    return _split_title_block(text, spans)


def _split_title_block(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The first block of a web text is often a title line plus a subtitle line: split it."""
    if not spans:
        return spans
    a, b = spans[0]
    lines = text[a:b].split("\n")
    if not 2 <= len(lines) <= 3 or any(len(line.strip()) > 100 for line in lines):
        return spans
    out: list[tuple[int, int]] = []
    pos = a
    for line in lines:
        lead = len(line) - len(line.lstrip())
        out.append((pos + lead, pos + len(line.rstrip())))
        pos += len(line) + 1
    return out + spans[1:]


# ---------------------------------------------------------------------------------------------
# cue patterns (German web conventions; general, not tied to any one text)

_W = r"[\p{L}\p{M}]"
_NAME = r"\p{Lu}[\p{L}\p{M}'’\-]+(?:[ \t]+(?:von[ \t]+|van[ \t]+|de[ \t]+)?\p{Lu}[\p{L}\p{M}'’\-]+){0,3}"

_COMMENT_HEADER_RE = regex.compile(
    r"^(?:(?:\d+|Ein|Eine|Zwei|Drei|Vier|Fünf|Sechs|Sieben|Acht|Neun|Zehn|Keine)\s+)?"
    r"(?:Kommentare?|Antworten|Antwort|Reaktionen|Reaktion|Gedanken zu|Comments?|Responses?|Replies)"
    r"(?:\s+(?:auf|zu|zum|zur|on|to)\b.*)?:?$",
    regex.IGNORECASE,
)
_COUNTED_RE = regex.compile(r"^(?:\d+|Ein|Eine|Zwei|Drei|Vier|Fünf|Sechs|Sieben|Acht|Neun|Zehn)\s", regex.IGNORECASE)
_COMMENT_FORM_RE = regex.compile(
    r"Schreibe(?:n Sie)? einen Kommentar|Kommentar (?:verfassen|schreiben|abschicken|absenden)"
    r"|Antworten abbrechen|Antwort abbrechen|E-Mail-Adresse wird nicht veröffentlicht"
    r"|Erforderliche Felder|Pflichtfelder sind|Leave a (?:Reply|Comment)"
    r"|Your email address will not be published|Benachrichtige mich|Website speichern"
    r"|Hinterlasse einen Kommentar|Kommentar hinterlassen",
    regex.IGNORECASE,
)
_PINGBACK_RE = regex.compile(r"^(?:\d+[.)]\s*)?(?:Pingback|Trackback)\b", regex.IGNORECASE)
_VIEW_COUNTER_RE = regex.compile(
    r"\b\d[\d.,]*\s*(?:mal gelesen|Mal gelesen|Aufrufe|Views|views|Leser|Klicks|Seitenaufrufe)\b"
    r"|\b(?:Gelesen|Aufrufe|Views):\s*\d",
)
_SHARE_LEAD_RE = regex.compile(
    r"^(?:Diese[nrs]? (?:Beitrag|Artikel|Post|Seite) (?:weitersagen|teilen|empfehlen)"
    r"|Teilen(?: mit| auf)?|Share(?: this| on)?|Jetzt teilen|Beitrag teilen|Artikel teilen"
    r"|Seite teilen|Weitersagen|Gefällt mir)\b",
    regex.IGNORECASE,
)
_SHARE_WORDS = frozenset(
    "twittern tweet tweeten teilen share facebook whatsapp linkedin xing pinterest e-mail email "
    "mail drucken print reddit telegram pocket threads mastodon bluesky flipboard tumblr "
    "messenger instagram kopieren link x".split()
)
_CAPTION_RE = regex.compile(
    r"(?:^|\s|\()(?:Foto|Fotos|Bild|Bilder|Bildquelle|Photo|Quelle|Credit|Credits|Titelbild"
    r"|Beitragsbild|Headerbild|Avatar|Illustration|Grafik)(?:\s+(?:von|by)\s+[^:]{1,40})?\s*:\s*\S"
    r"|©|\(c\)\s|\bflickr\b|Getty Images|Shutterstock|Unsplash|iStock|Pixabay|\bdpa\b",
    regex.IGNORECASE,
)
_BYLINE_RE = regex.compile(
    rf"^(?:Von|By|Autor(?:in)?:|Text:|Ein (?:Gast)?[Bb]eitrag von|Gastbeitrag von|Geschrieben von"
    rf"|Veröffentlicht(?: am| von)?|Posted by|Verfasst von|Redaktion:)(?:\s+{_NAME})?\s*$"
    r"|^\d{1,2}\.\s*(?:Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember)\s+\d{4}$"
    r"|^\d{1,2}\.\d{1,2}\.\d{2,4}$"
)
_ROLE_NAME_RE = regex.compile(rf"^[^|]{{2,60}}\s\|\s{_NAME}$|^{_NAME}\s\|\s[^|]{{2,60}}$")
_BIO_MARKER_RE = regex.compile(
    r"^(?:Über (?:den|die) (?:Gast)?(?:Autor|Autorin|Autoren|Verfasser|Verfasserin)"
    r"|Über (?:mich|uns|meinen Gesprächspartner|meine Gesprächspartnerin|die Person)"
    r"|Zur Person|Vita\b|Der Autor|Die Autorin|Autoreninfo|Autorenprofil|Biografie|Kurzbiografie"
    r"|About the author)",
    regex.IGNORECASE,
)
_URL_RE = regex.compile(
    r"https?://\S+|www\.\S+|\b[\w\-]{1,63}(?:\.[\w\-]{1,63}){0,16}\.(?:de|com|org|net|at|ch|eu|info|io)\b(?!\w)"
)
# repetitions bounded (local part <= 64, labels <= 63, <= 16 labels: RFC 5321/1035) so that a long
# whitespace-free run ("x.y.x.y…") is not rescanned from every position (issue 19)
_EMAIL_RE = regex.compile(r"[\w.+\-]{1,64}@[\w\-]{1,63}(?:\.[\w\-]{1,63}){1,16}")
_PHONE_RE = regex.compile(r"(?:Tel\.?|Telefon|Fon|Fax|Mobil)\s*:?\s*\+?[\d\s/()\-]{6,}")
_CONTACT_CUE_RE = regex.compile(
    r"\b(?:Kontakt|kontaktieren|Schreiben Sie mir|Schreib mir|schreiben Sie uns|melden Sie sich"
    r"|meld(?:e)? dich|erreichen Sie|Anmeldung unter|anmelden unter|Newsletter|abonnieren"
    r"|direkt bei mir melden|bei mir melden|Infos dazu|mehr Infos|Mehr Informationen)\b"
    r"|interessiert\?$",
    regex.IGNORECASE,
)
_EVENT_CUE_RES = (
    regex.compile(
        r"\b(?:ausgebucht|Anmeldung|anmelden|Tickets?|Eintritt|Teilnahmegebühr|Veranstaltung"
        r"|Seminar|Workshop|Webinar|Termin|Konferenz|Early[- ]Bird|Restplätze|Plätze frei)\b",
        regex.IGNORECASE,
    ),
    regex.compile(
        r"\b\d{1,2}\.\s*(?:Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober"
        r"|November|Dezember|Jan|Feb|Mär|Apr|Jun|Jul|Aug|Sep|Okt|Nov|Dez)\b|\b\d{1,2}\.\d{1,2}\.\d{2,4}\b"
    ),
    regex.compile(r"\b\d{1,2}(?:[:.]\d{2})?\s*Uhr\b|\b\d{1,2}h\d{2}\b|\bab\s+\d{1,2}(?::\d{2})?\b"),
    regex.compile(
        r"\b\d{5}\s+\p{Lu}\p{L}+|(?:straße|strasse|str\.|weg|platz|allee|gasse|ring)\s+\d+",
        regex.IGNORECASE,
    ),
    regex.compile(r"\b(?:Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag)\b"),
)
_OPEN_QUOTES = '„“"»«'
_QUOTE_RE = regex.compile(
    r"„(?P<q>[^„“”\n]{1,2000}?)[“”]"
    r"|“(?P<q>[^“”„\n]{1,2000}?)[”“]"
    r"|\"(?P<q>[^\"\n]{1,2000}?)\""
    r"|»(?P<q>[^»«\n]{1,2000}?)«"
    r"|«(?P<q>[^»«\n]{1,2000}?)»"
)
_WHOLE_QUOTE_RE = regex.compile(r"^[„“\"»«].{2,}[“”\"«»][.!?,…]?$", regex.DOTALL)
_SPEECH_VERBS = (
    r"sagt|sagte|erklärt|erklärte|meint|meinte|resümiert|resümierte|erzählt|erzählte|betont|betonte"
    r"|ergänzt|ergänzte|schreibt|schrieb|twittert|twitterte|fragt|fragte|antwortet|antwortete"
    r"|berichtet|berichtete|warnt|warnte|fordert|forderte|kritisiert|kritisierte|findet|fand"
    r"|glaubt|glaubte|sagt er|urteilt|urteilte|bilanziert|bilanzierte|erinnert sich|lacht|lachte"
    r"|zitiert|zitierte|fasst zusammen|so"
)
_WHO = rf"(?P<who>{_NAME}|er|sie|Er|Sie)"
_ATTR_AFTER_RE = regex.compile(rf"^\s*[,.;:]?\s*(?P<cue>{_SPEECH_VERBS})\s+(?:der\s+|die\s+)?{_WHO}")
_ATTR_BEFORE_RE = regex.compile(
    rf"{_WHO}\s+(?P<cue>{_SPEECH_VERBS})(?:\s+[\p{{L}}]+){{0,4}}\s*[:,]?\s*$|(?P<who2>{_NAME})\s*:\s*$"
)
_SECOND_PERSON_RE = regex.compile(
    r"\b(?:du|dich|dir|dein|deine|deinen|deinem|deiner|deines|euch|euer|eure|euren|eurem|eurer)\b"
    r"|(?<!^|[.!?:]\s)(?<![.!?:]\s\s)\b(?:Sie|Ihnen|Ihr|Ihre|Ihren|Ihrem|Ihrer|Ihres)\b",
    regex.IGNORECASE,
)
_SECOND_PERSON_FORMAL_RE = regex.compile(r"(?<=\S\s)(?:Sie|Ihnen|Ihr|Ihre|Ihren|Ihrem|Ihrer|Ihres)\b")
_SECOND_PERSON_INFORMAL_RE = regex.compile(
    r"\b(?:du|dich|dir|dein|deine|deinen|deinem|deiner|deines|euch|euer|eure|euren|eurem|eurer)\b",
    regex.IGNORECASE,
)
_ANSWER_START_RE = regex.compile(
    r"^(?:Ja|Nein|Jein|Das stimmt|Stimmt|Genau|Richtig|Absolut|Natürlich|Sicher|Definitiv"
    r"|Auf jeden Fall|Keineswegs|Nicht unbedingt|Jein)\b"
)
_INLINE_LABEL_RE = regex.compile(rf"^(?P<label>{_NAME}|Frage|Antwort|F|A|Interviewer(?:in)?|Redaktion)\s*:\s+(?=\S)")
_SENTENCE_SPLIT_RE = regex.compile(r"(?<=[.!?…])[\"“”«»]?\s+(?=[\p{Lu}\d„“\"»])")


def _words(text: str) -> list[str]:
    return regex.findall(r"[\p{L}\p{N}][\p{L}\p{N}\-'’]*", text)


def _mask_quotes(text: str) -> str:
    """Replace quoted passages by spaces so that cues inside quotes are not taken as the writer's."""
    return _QUOTE_RE.sub(lambda m: " " * len(m.group()), text)


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_SPLIT_RE.split(text.strip()) if s]


# ---------------------------------------------------------------------------------------------
# names


def _canonical(name: str, speakers: Sequence[str]) -> str:
    """Map a name as written (full, first or last name, any case) to a metadata speaker."""
    clean = " ".join(name.replace("’", "'").split()).strip(" :")
    low = clean.casefold()
    for sp in speakers:
        if low == sp.casefold():
            return sp
    for sp in speakers:
        parts = sp.casefold().split()
        if low in parts or (len(low.split()) > 1 and low.split()[-1] == parts[-1]):
            return sp
    if clean.isupper() and len(clean) > 3:
        return " ".join(p.capitalize() for p in clean.split())
    return clean


def _is_label_line(text: str, speakers: Sequence[str]) -> bool:
    t = text.strip().rstrip(":").strip()
    if not t or len(t) > 60:
        return False
    return any(t.casefold() == sp.casefold() for sp in speakers)


# ---------------------------------------------------------------------------------------------
# classification


def _classify(doc: _Doc) -> None:
    paras = doc.paragraphs
    n = len(paras)
    in_comments = False
    event_prev = False
    bio_left = 0
    for i, p in enumerate(paras):
        t = p.text.strip()
        words = _words(t)
        nw = len(words)
        late = i >= n * 0.5
        kind = None
        if in_comments:
            kind = "pingback" if _PINGBACK_RE.search(t) else "comment_form" if _COMMENT_FORM_RE.search(t) else "comment"
        elif _COMMENT_FORM_RE.search(t) and nw <= 40:
            kind = "comment_form"
            in_comments = True
        elif nw <= 25 and (late or (i >= 2 and _COUNTED_RE.match(t))) and _COMMENT_HEADER_RE.match(t):
            kind = "comment_header"
            in_comments = True
        elif _PINGBACK_RE.search(t):
            kind = "pingback"
            in_comments = True
        elif nw <= 12 and _VIEW_COUNTER_RE.search(t):
            kind = "view_counter"
        elif nw <= 10 and (_SHARE_LEAD_RE.match(t) or (nw >= 2 and all(w.casefold() in _SHARE_WORDS for w in words))):
            kind = "share_buttons"
        elif nw <= 30 and _CAPTION_RE.search(t):
            kind = "photo_caption"
        elif nw <= 8 and _BYLINE_RE.match(t):
            kind = "byline"
        elif nw <= 12 and _BIO_MARKER_RE.match(t):
            kind = "author_bio"
            bio_left = 1
        elif nw <= 14 and i >= n * 0.3 and _ROLE_NAME_RE.match(t):
            kind = "author_bio"
            bio_left = 1
        elif bio_left and nw <= 150:
            kind = "contact" if _is_contact(t, nw) else "author_bio"
            bio_left = 0
        elif _is_contact(t, nw):
            kind = "contact"
        else:
            signals = sum(1 for rx in _EVENT_CUE_RES if rx.search(t))
            if (signals >= 2 and nw <= 40) or (event_prev and nw <= 20 and (signals or t[-1:] not in ".!?")):
                kind = "event_ad"
        if kind is not None and kind != "author_bio":
            bio_left = 0
        event_prev = kind == "event_ad"
        if kind is None:
            kind = _content_kind(doc, i, t, nw)
        p.kind = kind
    # a short line right before a photo caption that repeats its start is the image's title
    for a, b in zip(paras, paras[1:]):
        if (
            b.kind == "photo_caption"
            and a.kind in ("heading", "body")
            and len(_words(a.text)) <= 6
            and b.text.startswith(a.text.strip())
        ):
            a.kind = "photo_caption"


def _is_contact(t: str, nw: int) -> bool:
    only_address = _URL_RE.fullmatch(t) or _EMAIL_RE.fullmatch(t)
    if only_address:
        return True
    if nw <= 15 and (_EMAIL_RE.search(t) or _PHONE_RE.search(t) or _CONTACT_CUE_RE.search(t)):
        return True
    return bool(_URL_RE.search(t) and _CONTACT_CUE_RE.search(t))


def _content_kind(doc: _Doc, i: int, t: str, nw: int) -> str:
    if _is_label_line(t, doc.speakers):
        return "speaker_label"
    if _BULLET_RE.match(t):
        return "list_item"
    if _WHOLE_QUOTE_RE.match(t) and not _QUOTE_RE.sub("", t).strip(" .,!?…"):
        return "quote"
    last = t[-1:]
    # i < 3 first: the all() over the paragraphs before would make a file of many paragraphs quadratic
    if i < 3 and nw <= 20 and last not in ".!?,;" and all(q.kind in BOILERPLATE_KINDS for q in doc.paragraphs[:i]):
        return "title"
    if nw <= 12 and last not in ".!?,;…" and not _URL_RE.search(t):
        return "heading"
    return "body"


# ---------------------------------------------------------------------------------------------
# speakers


def _detect_mode(doc: _Doc) -> str:
    genre = doc.genre.casefold()
    if "interview" in genre:
        return "interview"
    if any(k in genre for k in ("dialog", "dialogue", "gespräch", "conversation")):
        return "dialogue"
    labels = [p for p in doc.paragraphs if p.kind == "speaker_label"]
    if len(doc.speakers) >= 2 and labels:
        return "dialogue"
    inline = sum(1 for p in doc.paragraphs if p.label and p.label.isupper())
    body = [p for p in doc.paragraphs if p.kind == "body"]
    qa = 0
    for a, b in zip(body, body[1:]):
        if a.text.rstrip()[-1:] == "?" and _SECOND_PERSON_FORMAL_RE.search(_mask_quotes(a.text)):
            if len(_words(b.text)) > 1.5 * len(_words(a.text)) and b.text.rstrip()[-1:] != "?":
                qa += 1
    if inline >= 1 or qa >= 3:
        return "interview"
    return "monologue"


def _label_speakers(doc: _Doc) -> None:
    """Names that only appear as label lines become speakers when metadata names none."""
    if doc.speakers:
        return
    counts: dict[str, int] = {}
    for p in doc.paragraphs:
        t = p.text.strip().rstrip(":")
        if p.kind in ("heading", "title") and regex.fullmatch(rf"{_NAME}", t) and 2 <= len(t.split()) <= 4:
            counts[t] = counts.get(t, 0) + 1
    names = [name for name, c in counts.items() if c >= 2]
    if names:
        doc.speakers = names
        for p in doc.paragraphs:
            if p.kind in ("heading", "title") and p.text.strip().rstrip(":") in names:
                p.kind = "speaker_label"
        title = next((p.text for p in doc.paragraphs if p.kind == "title"), "")
        m = regex.search(rf"\bmit\s+({_NAME})", title)
        if m and len(doc.speakers) == 1:
            other = m.group(1).strip()
            if other.casefold() != doc.speakers[0].casefold():
                doc.speakers.append(other)


def _apply_inline_labels(doc: _Doc) -> None:
    for p in doc.paragraphs:
        if p.kind in BOILERPLATE_KINDS:
            continue
        m = _INLINE_LABEL_RE.match(p.text)
        if not m:
            continue
        label = m["label"]
        known = any(label.casefold() in (sp.casefold(), *sp.casefold().split()) for sp in doc.speakers)
        if known or (label.isupper() and len(label) > 3) or label in ("Frage", "Antwort", "F", "A"):
            p.label = label
            p.start += m.end()
            p.text = p.text[m.end() :]


def _addressed(text: str, speakers: Sequence[str]) -> str | None:
    """The speaker addressed by a vocative in ``text`` ("Hallo Annette,", ", Oliver!")."""
    masked = _mask_quotes(text)
    for sp in speakers:
        names = [regex.escape(x) for x in {sp, sp.split()[0]}]
        alt = "|".join(sorted(names, key=len, reverse=True))
        if regex.search(
            rf"^(?:Hallo|Hi|Hey|Liebe|Lieber|Liebes|Guten (?:Morgen|Tag|Abend)|Danke|Vielen Dank|Servus|Moin),?\s+(?:{alt})\b"
            rf"|\b(?:liebe|lieber)\s+(?:{alt})\b|,\s*(?:{alt})\s*[!?.]",
            masked,
        ):
            return sp
    return None


def _hands_over(prev: Paragraph, cur: Paragraph) -> bool:
    """Turn-taking cue between two consecutive paragraphs of a two-person text."""
    prev_t = _mask_quotes(prev.text).rstrip()
    if not prev_t.endswith("?"):
        return False
    prev_sents = _sentences(prev_t)[-3:]
    if any(_SECOND_PERSON_INFORMAL_RE.search(s) or _SECOND_PERSON_FORMAL_RE.search(s) for s in prev_sents):
        return True
    cur_head = " ".join(_sentences(_mask_quotes(cur.text))[:2])
    return bool(_SECOND_PERSON_INFORMAL_RE.search(cur_head) or _SECOND_PERSON_FORMAL_RE.search(cur_head))


def _assign_dialogue(doc: _Doc) -> None:
    speakers = doc.speakers
    current: str | None = None
    prev: Paragraph | None = None
    author = next((a for a in doc.authors if a in speakers), None)
    for p in doc.paragraphs:
        if p.kind == "speaker_label":
            current = _canonical(p.text.strip().rstrip(":"), speakers)
            prev = None
            continue
        if p.kind in BOILERPLATE_KINDS or p.kind in ("title",):
            continue
        speaker = None
        if p.label:
            speaker = _canonical(p.label, speakers)
        elif (addressed := _addressed(p.text, speakers)) is not None and len(speakers) == 2:
            speaker = next(sp for sp in speakers if sp != addressed)
        elif prev is not None and current is not None and len(speakers) == 2 and _hands_over(prev, p):
            speaker = next(sp for sp in speakers if sp != current)
        else:
            speaker = current if current is not None else author
        p.speaker = speaker
        current = speaker
        prev = p


def _assign_interview(doc: _Doc) -> None:
    interviewer = doc.interviewer or "Interviewer"
    interviewees = [s for s in doc.speakers if s != doc.interviewer]
    default = interviewees[0] if interviewees else "Interviewee"
    content = [p for p in doc.paragraphs if p.kind in ("body", "quote", "heading", "list_item")]
    seen_question = False
    for idx, p in enumerate(content):
        if p.kind == "heading":
            continue
        nxt = content[idx + 1] if idx + 1 < len(content) else None
        t = _mask_quotes(p.text).rstrip()
        label_role = None
        if p.label:
            label_role = (
                "question"
                if p.label in ("Frage", "F") or p.label.startswith(("Interviewer", "Redaktion"))
                else "answer"
            )
            if doc.interviewer and p.label.casefold() == doc.interviewer.casefold():
                label_role = "question"
        is_question = label_role == "question" or (
            label_role is None
            and (
                (t.endswith("?") and nxt is not None and len(_words(p.text)) <= 120)
                or (
                    nxt is not None
                    and len(_words(p.text)) <= 40
                    and _ANSWER_START_RE.match(nxt.text.strip())
                    and not (nxt.label and nxt.label in ("Frage", "F"))
                )
            )
        )
        if is_question:
            p.kind = "question"
            p.speaker = interviewer
            seen_question = True
        elif seen_question:
            p.kind = "answer" if p.kind == "body" else p.kind
            if p.label and label_role == "answer" and p.label not in ("Antwort", "A"):
                default = _canonical(p.label, doc.speakers)  # later unlabelled answers: the same person
            p.speaker = default


# ---------------------------------------------------------------------------------------------
# quotes


def _last_named(doc: _Doc, before: int) -> str | None:
    """The metadata speaker named last before offset ``before`` (antecedent of "er"/"sie")."""
    best, best_pos = None, -1
    head = doc.text[:before]
    for sp in doc.speakers:
        for form in {sp, sp.split()[0], sp.split()[-1]}:
            pos = head.rfind(form)
            if pos > best_pos:
                best, best_pos = sp, pos
    return best


def _find_quotes(doc: _Doc) -> list[Quote]:
    quotes: list[Quote] = []
    last_attributed: str | None = None
    for p in doc.paragraphs:
        if p.kind in BOILERPLATE_KINDS:
            continue
        for m in _QUOTE_RE.finditer(p.text):
            inner = m.group("q").strip()
            if not inner:
                continue
            qtype = "term" if len(_words(inner)) <= 2 and inner[-1:] not in ".!?" else "speech"
            speaker, cue = None, None
            if qtype == "speech":
                after = _ATTR_AFTER_RE.match(p.text[m.end() : m.end() + 80])
                before = _ATTR_BEFORE_RE.search(p.text[max(0, m.start() - 80) : m.start()])
                hit = after or before
                if hit is not None:
                    who = hit.groupdict().get("who") or hit.groupdict().get("who2")
                    cue = (hit.groupdict().get("cue") or ":").strip()
                    if who in ("er", "sie", "Er", "Sie"):
                        speaker = _last_named(doc, p.start + m.start()) or last_attributed
                    elif who:
                        speaker = _canonical(who, doc.speakers)
            if speaker:
                last_attributed = speaker
            quotes.append(
                Quote(
                    para_id=p.para_id,
                    start=p.start + m.start(),
                    end=p.start + m.end(),
                    text=inner,
                    quote_type=qtype,
                    speaker=speaker,
                    cue=cue,
                )
            )
    return quotes


# ---------------------------------------------------------------------------------------------


def segment(
    text: str,
    *,
    speakers: Sequence[str] = (),
    authors: Sequence[str] = (),
    interviewer: str | None = None,
    genre: str = "",
) -> tuple[list[Paragraph], list[Quote]]:
    """Split ``text`` into classified paragraphs and direct quotes.

    ``speakers``, ``authors``, ``interviewer`` and ``genre`` come from the metadata and are all
    optional; without them the structure is inferred from label lines and layout alone.
    """
    doc = _Doc(
        text=text,
        speakers=[s for s in speakers if s],
        authors=[a for a in authors if a],
        interviewer=interviewer or None,
        genre=genre or "",
    )
    doc.paragraphs = [
        Paragraph(para_id=i, start=a, end=b, text=text[a:b]) for i, (a, b) in enumerate(split_paragraphs(text))
    ]
    _classify(doc)
    _label_speakers(doc)
    _apply_inline_labels(doc)
    mode = _detect_mode(doc)
    if mode == "dialogue":
        _assign_dialogue(doc)
    elif mode == "interview":
        _assign_interview(doc)
    quotes = _find_quotes(doc)
    by_para = {}
    for q in quotes:
        by_para.setdefault(q.para_id, []).append(q)
    for p in doc.paragraphs:
        if p.kind == "quote" and p.speaker is None:
            attributed = [q.speaker for q in by_para.get(p.para_id, []) if q.speaker]
            if attributed:
                p.speaker = attributed[0]
    return doc.paragraphs, quotes
