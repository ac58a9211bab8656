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

import functools
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field

import regex

from ..lang import data_file

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
    "boilerplate_other",
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
    timed: bool = field(default=False, repr=False)  # the label carried a time stamp ("21:08 - NAME:")

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
# language data (analysis/lang/de/structure_de.toml)


@functools.lru_cache(maxsize=1)
def _res() -> dict:
    with data_file("structure_de.toml").open("rb") as fh:
        return tomllib.load(fh)


def _alt(words: Sequence[str]) -> str:
    """Regex alternation of literal words, longest first."""
    return "|".join(regex.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def _de(section: str, *keys: str) -> str:
    """Regex alternation of the word lists ``keys`` of ``[section]`` in structure_de.toml. The
    module-level patterns below are built with it once, when the module is imported."""
    return _alt([w for key in keys for w in _res()[section][key]])


def _de_set(section: str, key: str) -> frozenset[str]:
    """The casefolded words of one list of structure_de.toml, for membership tests."""
    return frozenset(w.casefold() for w in _res()[section][key])


@functools.lru_cache(maxsize=1)
def _cues() -> dict:
    r = _res()
    d = r["dates"]
    month = _alt(d["months"] + d["month_abbreviations"] + d["month_variants"])
    weekday = _alt(d["weekdays"] + d["weekday_variants"])
    date_words = _alt(d["date_words"])
    clock = _alt(d["clock"])
    date_tok = (
        rf"(?:\d{{1,2}}\.\s*(?:{month})\.?(?:\s+\d{{2,4}})?|(?:{month})\.?\s+\d{{4}}"
        rf"|\d{{1,2}}\.\d{{1,2}}\.(?:\d{{2,4}})?|\d{{4}}-\d{{2}}(?:-\d{{2}})?|\d{{1,2}}:\d{{2}}(?::\d{{2}})?(?:\s*(?:{clock}))?"
        rf"|\d{{1,2}}\s*(?:{clock})|\d{{1,2}}\.\s*(?:{month})\b)"
    )
    filler = rf"(?:(?:{weekday})\b\.?|(?:{date_words})\b\.?|\d{{1,4}}\b\.?|[,|/–—\-:()\[\]·•]|\s)"
    agencies = _alt(r["agencies"]["names"])
    f = r["furniture"]
    lab = r["labels"]
    return {
        "date": regex.compile(date_tok, regex.IGNORECASE),
        "dateline": regex.compile(rf"^(?:{filler}|{date_tok})+$", regex.IGNORECASE),
        "month_or_weekday": regex.compile(rf"\b(?:{month}|{weekday})\b"),
        "agency_dateline": regex.compile(
            rf"^\(?(?:{agencies})(?:\s*/\s*[\p{{L}}]+)*\)?(?:\s+\p{{Lu}}[\p{{L}}\-]+(?:\s+\p{{Lu}}[\p{{L}}\-]+)?)?\s*[.:]?$"
        ),
        "agency_credit": regex.compile(
            rf"^(?:{_de('captions', 'credit_labels')})\s*:\s*(?:{agencies})\b", regex.IGNORECASE
        ),
        "byline_lead": regex.compile(rf"^(?:{_alt(r['byline']['lead'])})\b\s*:?\s*", regex.IGNORECASE),
        "role_line": regex.compile(rf"^[\p{{L}}\-]*(?:{_alt(r['byline']['role_suffixes'])})$", regex.IGNORECASE),
        "closing": regex.compile(rf"^(?:{_alt(r['byline']['closings'])})\b[^.?]{{0,30}}[!,.]?$", regex.IGNORECASE),
        "furniture": {w.casefold() for w in f["phrases"]},
        "furniture_marker": {w.casefold() for w in f["marker_words"]},
        "furniture_prefix": regex.compile(rf"^(?:{_alt(f['prefixes'])})", regex.IGNORECASE),
        "breadcrumb_heads": {w.casefold() for w in f["breadcrumb_heads"]},
        "image_placeholders": {w.casefold() for w in f["image_placeholders"]},
        "reading_time": regex.compile(
            rf"^\W*\d+\s*(?:{_de('reading_time', 'units')})\s*(?:{_de('reading_time', 'after_units')})\W*$"
            rf"|(?:{_de('reading_time', 'nouns')})\s*:?\s*(?:(?:{_de('reading_time', 'about')})\s*)?\d+"
            rf"\s*(?:{_de('reading_time', 'units')})",
            regex.IGNORECASE,
        ),
        "contact_heads": {w.casefold() for w in r["contact"]["box_heads"]},
        "contact_cues": regex.compile(rf"\b(?:{_alt(r['contact']['cues'])})\b", regex.IGNORECASE),
        "outlets": set(r["outlets"]["names"]),
        "q_labels": {w.casefold() for w in lab["question"]},
        "a_labels": {w.casefold() for w in lab["answer"]},
        "interviewer_intro": regex.compile(
            rf"(?:\b(?:{_alt(lab['interviewer_phrases'])})|\b(?:{_alt(lab['interviewer_roles'])})"
            rf"(?:\s+(?:{_de('interview', 'conjunctions')})\s+\p{{L}}+)?"
            rf"|\b(?:{_de('interview', 'interviewer_with')})(?=\s+{_NAME}\s*\|))\s+(?P<name>{_NAME})"
        ),
        "interview_cue": regex.compile(rf"\b(?:{_alt(lab['interview_cues'])})", regex.IGNORECASE),
        "verbs": _alt(r["quotes"]["verbs"]),
        "role_nouns": {w.casefold() for w in r["quotes"]["role_nouns"]},
        "role_suffixes": tuple(
            w.casefold() for w in r["quotes"]["role_nouns"] if len(w) >= 5 and w[0].isupper() and not w.endswith(".")
        ),
    }


# ---------------------------------------------------------------------------------------------
# paragraph splitting

# "3. Mai 2020" is a date, not list item 3: no month (or its abbreviation) after the number
_BULLET_RE = regex.compile(
    rf"^\s*(?:[•·▪►◦‣∙*\-–—]\s+|\d{{1,2}}[.)]\s+(?!(?:{_de('dates', 'months', 'month_abbreviations')})))"
)
_SENT_END = '.!?:…"“”«»'
_TIME = r"\d{1,2}:\s?\d{2}(?::\d{2})?"
_LINE_LABEL_RE = regex.compile(
    rf"^(?:\[?{_TIME}\]?\s*[-–—|]?\s*)?[\p{{Lu}}][\p{{L}}\p{{M}}.&'’\- ]{{0,30}}?(?:\s*\([^)]{{1,12}}\))?\s*:\s*\S"
)
_TIMESTAMP_RE = regex.compile(rf"^\[?{_TIME}\]?\s*[-–—|]\s*\S")
_NUMERIC_LINE_RE = regex.compile(r"^[\d.,\s%+\-/]+$")


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """Paragraph spans ``(start, end)`` of ``text`` (stripped of surrounding whitespace).

    Blank lines separate blocks. Inside a block every line is its own paragraph — web pages
    put titles, bylines, captions, menu entries and chat turns on lines of their own — except
    where a line only continues the one before (hard-wrapped prose: the line before does not end a
    sentence and either is long, ends in a comma or hyphen, or the next line starts in lower case)
    and except for blocks of short lines that belong together: address blocks (two or more lines
    with a date, time or street/postcode) and member boxes (mostly bare numbers and dates).
    """
    spans: list[tuple[int, int]] = []
    block: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            block.append((pos + lead, pos + len(line.rstrip())))
        elif block:
            spans.extend(_split_block(text, block))
            block = []
        pos += len(line) + 1
    if block:
        spans.extend(_split_block(text, block))
    return spans


def _split_block(text: str, lines: list[tuple[int, int]]) -> list[tuple[int, int]]:
    if len(lines) == 1:
        return lines
    texts = [text[a:b] for a, b in lines]
    if _keeps_together(texts):
        return [(lines[0][0], lines[-1][1])]
    boxed = {}
    for a, j in _member_box_runs(texts):
        for k in range(a + 1, j + 1):
            boxed[k] = a
    # a hard-wrapped block: most lines run to about the same width; a line that fills the width
    # and does not end a sentence goes on in the next line
    width = max(len(t) for t in texts)
    full = [len(t) >= 0.8 * width for t in texts]
    wrapped = width >= 50 and sum(full) >= 3 and sum(full) * 2 >= len(texts)
    out = [lines[0]]
    for k, ((a, b), prev, cur) in enumerate(zip(lines[1:], texts, texts[1:]), start=1):
        filled = (
            wrapped
            and len(prev) >= 0.75 * width
            and prev.rstrip("“”\"»«'’")[-1:] not in ".!?:…"
            and not (_BULLET_RE.match(cur) or _LINE_LABEL_RE.match(cur) or _TIMESTAMP_RE.match(cur))
        )
        if k in boxed or (k - 1 not in boxed and (_continues(prev, cur) or filled)):
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def _continues(prev: str, cur: str) -> bool:
    """Does line ``cur`` continue the sentence of line ``prev`` (hard wrap)?"""
    if _BULLET_RE.match(cur) or _LINE_LABEL_RE.match(cur) or _TIMESTAMP_RE.match(cur):
        return False
    last = prev[-1:]
    if last in _SENT_END or last in "*)":
        return False
    if last in ",;-–(" or cur[:1].islower():
        return True
    last_word = prev.split()[-1].casefold() if prev.split() else ""
    return len(prev) >= 60 and last_word in _WRAP_WORDS


# words that cannot end a sentence: a line ending in one continues on the next line (hard wrap)
_WRAP_WORDS = _de_set("wrap", "words")


def _member_box_runs(texts: list[str]) -> list[tuple[int, int]]:
    """Line ranges of forum member boxes: two or more bare counts ("2.582") with up to two short
    lines above them (rank, join date)."""
    runs = []
    k = 0
    while k < len(texts):
        if _NUMERIC_LINE_RE.match(texts[k]) and len(texts[k]) <= 12:
            j = k
            while j + 1 < len(texts) and _NUMERIC_LINE_RE.match(texts[j + 1]) and len(texts[j + 1]) <= 12:
                j += 1
            if j > k:
                a = k
                while a > 0 and k - a < 2 and len(texts[a - 1]) <= 40 and texts[a - 1][-1:] not in ".!?:":
                    a -= 1
                runs.append((a, j))
            k = j + 1
        else:
            k += 1
    return runs


def _keeps_together(lines: list[str]) -> bool:
    if any(len(t) > 60 or t[-1:] in ".!?" or _BULLET_RE.match(t) for t in lines):
        return False
    numeric = sum(1 for t in lines if _NUMERIC_LINE_RE.match(t) or _cues()["dateline"].match(t))
    if len(lines) >= 3 and numeric * 2 >= len(lines):
        return True
    cued = sum(1 for t in lines if any(rx.search(t) for rx in _EVENT_CUE_RES[1:]))
    return cued >= 2


# ---------------------------------------------------------------------------------------------
# cue patterns (German web conventions; general, not tied to any one text)

_W = r"[\p{L}\p{M}]"
_NAME = rf"\p{{Lu}}[\p{{L}}\p{{M}}'’\-]+(?:[ \t]+(?:(?:{_de('names', 'particles')})[ \t]+)?\p{{Lu}}[\p{{L}}\p{{M}}'’\-]+){{0,3}}"

# the word alternatives of the patterns below come from structure_de.toml (see _de); the patterns are
# built once, when the module is imported
_COUNTS = _de("comments", "counts")
_COMMENT_HEADER_RE = regex.compile(
    rf"^(?:(?:\d+|{_COUNTS}|{_de('comments', 'no_count')})\s+)?"
    rf"(?:{_de('comments', 'heads')}|(?:{_de('comments', 'titled_heads')})\b.*)"
    rf"(?:\s+(?:{_de('comments', 'head_links')})\b.*)?:?$",
    regex.IGNORECASE,
)
_COUNTED_RE = regex.compile(rf"^(?:\d+|{_COUNTS})\s", regex.IGNORECASE)
_COMMENT_FORM_RE = regex.compile(_de("comments", "form"), regex.IGNORECASE)
_PINGBACK_RE = regex.compile(rf"^(?:\d+[.)]\s*)?(?:{_de('comments', 'pingbacks')})\b", regex.IGNORECASE)
_VIEW_COUNTER_RE = regex.compile(
    rf"\b\d[\d.,]*\s*(?:{_de('counters', 'after_number')})\b|\b(?:{_de('counters', 'labels')}):\s*\d",
)
_SHARE_LEAD_RE = regex.compile(
    rf"^(?:(?:{_de('share', 'this')}) (?:{_de('share', 'this_objects')}) (?:{_de('share', 'this_verbs')})"
    rf"|{_de('share', 'leads')})\b",
    regex.IGNORECASE,
)
_SHARE_WORDS = _de_set("share", "networks")
_CREDIT_LABELS = _de("captions", "credit_labels")
_CAPTION_RE = regex.compile(
    rf"(?:^|\s|\()(?:{_de('captions', 'credit_labels', 'image_labels')})"
    rf"(?:\s+(?:{_de('captions', 'by')})\s+[^:]{{1,40}})?\s*:\s*\S"
    rf"|©|\(c\)\s|\b(?:{_de('captions', 'credit_words')})\b|{_de('captions', 'credit_names')}",
    regex.IGNORECASE,
)
_BYLINE_RE = regex.compile(
    rf"^(?:{_de('author_lines', 'leads')})(?:\s+{_NAME})?\s*$"
    rf"|^\d{{1,2}}\.\s*(?:{_de('dates', 'months')})\s+\d{{4}}$"
    r"|^\d{1,2}\.\d{1,2}\.\d{2,4}$"
)
_ROLE_NAME_RE = regex.compile(rf"^[^|]{{2,60}}\s\|\s{_NAME}$|^{_NAME}\s\|\s[^|]{{2,60}}$")
_BIO_MARKER_RE = regex.compile(
    rf"^(?:{_de('author_lines', 'bio_heads')}|(?:{_de('author_lines', 'bio_words')})\b)", regex.IGNORECASE
)
_URL_RE = regex.compile(
    r"https?://\S+|www\.\S+|\b[\w\-]{1,63}(?:\.[\w\-]{1,63}){0,16}\.(?:de|com|org|net|at|ch|eu|info|io)\b(?!\w)"
)
# repetitions bounded (local part <= 64, labels <= 63, <= 16 labels: RFC 5321/1035) so that a long
# whitespace-free run ("x.y.x.y…") is not rescanned from every position (issue 19)
_EMAIL_RE = regex.compile(r"[\w.+\-]{1,64}@[\w\-]{1,63}(?:\.[\w\-]{1,63}){1,16}|\[email(?:&#160;|\s)protected\]")
_PHONE_RE = regex.compile(rf"(?:{_de('contact_lines', 'phone')})\s*:?\s*\+?[\d\s/()\-]{{6,}}")
_CONTACT_CUE_RE = regex.compile(
    rf"\b(?:{_de('contact_lines', 'reach_out')})\b|(?:{_de('contact_lines', 'questions')})\?$", regex.IGNORECASE
)
_EVENT_CUE_RES = (
    regex.compile(rf"\b(?:{_de('events', 'words')})\b", regex.IGNORECASE),
    regex.compile(
        rf"\b\d{{1,2}}\.\s*(?:{_de('dates', 'months', 'month_abbreviations')})\b|\b\d{{1,2}}\.\d{{1,2}}\.\d{{2,4}}\b"
    ),
    regex.compile(
        rf"\b\d{{1,2}}(?:[:.]\d{{2}})?\s*(?:{_de('dates', 'clock')})\b|\b\d{{1,2}}h\d{{2}}\b"
        rf"|\b(?:{_de('events', 'from')})\s+\d{{1,2}}(?::\d{{2}})?\b"
    ),
    regex.compile(rf"\b\d{{5}}\s+\p{{Lu}}\p{{L}}+|(?:{_de('events', 'street_suffixes')})\s+\d+", regex.IGNORECASE),
    regex.compile(rf"\b(?:{_de('dates', 'weekdays')})\b"),
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
# "Sie" inside a sentence (not at its start, where it may be "they")
_SECOND_PERSON_FORMAL_RE = regex.compile(rf"(?<=\S\s)(?:{_de('pronouns', 'formal')})\b")
_SECOND_PERSON_INFORMAL_RE = regex.compile(rf"\b(?:{_de('pronouns', 'informal')})\b", regex.IGNORECASE)
_ANSWER_START_RE = regex.compile(rf"^(?:{_de('interview', 'answer_starts')})\b")
_SENTENCE_SPLIT_RE = regex.compile(r"(?<=[.!?…])[\"“”«»]?\s+(?=[\p{Lu}\d„“\"»])")


_WORD_RE = regex.compile(r"[\p{L}\p{N}][\p{L}\p{N}\-'’]*")
_YEAR_RE = regex.compile(r"\b(?:19|20)\d{2}\b")
_NAME_LINE_RE = regex.compile(r"\p{Lu}[\p{L}\p{M}'’\-]+(?:\s+\p{Lu}[\p{L}\p{M}'’\-]+){0,2}")
_HANDLE_RE = regex.compile(r"[\p{Ll}\d][\p{L}\d_.\-]{2,30}")
_TRAIL_SYMBOLS_RE = regex.compile(r"[\p{So}\p{Sk}\p{Cf}\s]+$")


@functools.lru_cache(maxsize=1024)
def _words(text: str) -> tuple[str, ...]:
    """The words of ``text``; cached for the paragraphs of the document at hand, which the
    classification passes split again and again (a small cache: one document's paragraphs)."""
    return tuple(_WORD_RE.findall(text))


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


def _furniture(t: str, nw: int) -> bool:
    """Page furniture: menus, log-in links, ad markers, logos, navigation, reactions."""
    c = _cues()
    low = t.strip(" .:|»›>•·-–").casefold()
    if low in c["furniture"] or (nw <= 12 and c["furniture_prefix"].match(t)):
        return True
    if nw <= 4 and any(w.casefold() in c["furniture_marker"] for w in _words(t)):
        return True
    words = _words(t)
    return 2 <= nw <= 4 and all(w.casefold() in c["furniture"] for w in words)


def _is_dateline(t: str) -> bool:
    c = _cues()
    return bool(c["dateline"].match(t) and (c["date"].search(t) or _YEAR_RE.search(t)))


_DATE_BY_RE = regex.compile(rf"^(.+?)[ \t]+(?:{_de('captions', 'by')})[ \t]+{_NAME}\.?$")
# a breadcrumb trail in one line: "Startseite > Wirtschaft > Arbeit", "Home » Blog » Garten"
_CRUMB_SEP_RE = regex.compile(r"[ \t]+[>»›→][ \t]+")


def _breadcrumb_line(t: str) -> bool:
    """Two or more short segments joined by ``>``/``»``/``›``/``→`` (each at most four words)."""
    parts = _CRUMB_SEP_RE.split(t.strip())
    return len(parts) >= 3 or (len(parts) == 2 and parts[0].casefold() in _cues()["breadcrumb_heads"])


_NEWSROOM_RE = regex.compile(rf"^(?:{_de('author_lines', 'newsroom')})\s")


def _byline_kind(t: str, nw: int) -> str | None:
    """``byline`` / ``view_counter`` for date lines, author lines, datelines and reading times."""
    c = _cues()
    inner = _BULLET_RE.sub("", t, count=1).strip() if t[:1] in "-–•·" else t
    if c["reading_time"].search(inner) and nw <= 5:
        return "view_counter"
    if nw <= 10 and _is_dateline(inner):
        return "byline"
    # a date, then the author: "13.08.2013 von Anna Beispiel", "12. Juni 2024 von Sabine"
    m = _DATE_BY_RE.match(inner)
    if m and nw <= 10 and _is_dateline(m.group(1)):
        return "byline"
    if nw <= 6 and c["agency_dateline"].match(inner):
        return "byline"
    if nw <= 2 and c["role_line"].match(inner):
        return "byline"
    m = c["byline_lead"].match(inner)
    if m and nw <= 14:
        rest = inner[m.end() :].rstrip(".")
        parts = [x.strip() for x in regex.split(r"\s[|·•]\s|,\s", rest) if x.strip()]
        if (
            parts
            and regex.match(rf"^(?:{_NAME}|[\w.\-]+)$", parts[0])
            and all(
                _is_dateline(x) or c["byline_lead"].match(x) or c["reading_time"].search(x) or len(_words(x)) <= 4
                for x in parts[1:]
            )
        ):
            return "byline"
    if nw <= 16 and " | " in inner:
        parts = [x.strip() for x in inner.split("|") if x.strip()]
        if any(_is_dateline(x) for x in parts) and any(regex.search(_NAME, x) for x in parts):
            return "byline"
    if nw <= 6 and _NEWSROOM_RE.match(inner) and c["date"].search(inner):
        return "byline"
    return None


def _name_only(t: str) -> bool:
    """A line that is just a name (1–3 capitalised words, or one handle-like word)."""
    t = _BULLET_RE.sub("", t, count=1).strip() if t[:1] in "-–•·" else t.strip()
    if any(w.casefold() in _FUNCTION_WORDS for w in t.split()):
        return False
    return bool(_NAME_LINE_RE.fullmatch(t) or _HANDLE_RE.fullmatch(t))


def _classify(doc: _Doc) -> None:
    paras = doc.paragraphs
    n = len(paras)
    in_comments = False
    event_prev = False
    bio_left = 0
    contact_box = False
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
        elif nw <= 4 and t.strip(" :").casefold() in _cues()["contact_heads"]:
            kind = "contact"
            contact_box = True
        elif contact_box and nw <= 6 and t[-1:] not in ".!?":
            kind = "contact"
        elif (bk := _byline_kind(t, nw)) is not None:
            kind = bk
        elif nw <= 30 and _CAPTION_RE.search(t) and not _prose_with_credit(t):
            kind = "photo_caption"
        elif nw <= 2 and t.strip(" .:").casefold() in _cues()["image_placeholders"]:
            kind = "photo_caption"
        elif _furniture(t, nw) or (
            nw <= 16 and _breadcrumb_line(t) and all(len(_words(x)) <= 4 for x in _CRUMB_SEP_RE.split(t))
        ):
            kind = "boilerplate_other"
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
        if kind != "contact":
            contact_box = False
        if kind is not None and kind != "author_bio":
            bio_left = 0
        if kind == "byline" and late and _cues()["byline_lead"].match(t) and i + 1 < n:
            bio_left = 1  # "Autor des Artikels: …" at the end: the next paragraph is the author's box
        event_prev = kind == "event_ad"
        if kind is None:
            kind = _content_kind(doc, i, t, nw)
        p.kind = kind
    _layout_passes(doc)


def _layout_passes(doc: _Doc) -> None:
    """Rules that look at a paragraph's neighbours and position (run after the line rules)."""
    paras = doc.paragraphs
    n = len(paras)
    c = _cues()
    texts = [p.text.strip() for p in paras]
    # breadcrumbs: a numbered run at the top of the page that starts with "Home"/"Startseite"
    i = 0
    while i < n and paras[i].kind in BOILERPLATE_KINDS:
        i += 1
    if i < n and _BULLET_RE.match(texts[i]):
        head = _BULLET_RE.sub("", texts[i], count=1).strip().casefold()
        if head in c["breadcrumb_heads"]:
            j = i
            while j < n and _BULLET_RE.match(texts[j]) and len(_words(texts[j])) <= 14:
                paras[j].kind = "boilerplate_other"
                j += 1
    crumbs = {
        _BULLET_RE.sub("", t, count=1).strip().casefold() for p, t in zip(paras, texts) if p.kind == "boilerplate_other"
    }
    for p, t in zip(paras, texts):
        if p.kind in ("heading", "title", "body") and len(_words(t)) <= 3 and t.casefold() in crumbs:
            p.kind = "boilerplate_other"
    # a line that repeats an earlier line with a prefix (breadcrumb trail ending in the headline)
    for k in range(1, min(n, 12)):
        t = texts[k]
        for j in range(max(0, k - 3), k):
            prev = texts[j]
            if len(prev) >= 20 and t != prev and t.endswith(prev) and paras[k].kind not in BOILERPLATE_KINDS:
                paras[k].kind = "boilerplate_other"
    # photo captions: an image alt text repeated ("X X"), and the lines just above a credit line
    for k, (p, t) in enumerate(zip(paras, texts)):
        if p.kind in BOILERPLATE_KINDS or len(t) < 8:
            continue
        half = len(t) // 2
        if t[:half].strip() == t[half + (len(t) % 2) :].strip() and len(t[:half].strip()) >= 4:
            nxt = texts[k + 1] if k + 1 < n else ""
            if k + 1 < n and (paras[k + 1].kind == "photo_caption" or nxt[:20] == t[:20]):
                p.kind = "photo_caption"
    for k in range(n - 1, 0, -1):
        if paras[k].kind == "photo_caption" and (_CREDIT_ONLY_RE.match(texts[k]) or c["agency_credit"].match(texts[k])):
            j = k - 1
            while j >= 0 and j >= k - 3 and paras[j].kind not in BOILERPLATE_KINDS | {"title", "quote"}:
                if len(_words(texts[j])) > 60 or paras[j].kind == "title":
                    break
                prev_cap = paras[j + 1].kind == "photo_caption"
                similar = j + 1 < n and texts[j][:25] == texts[j + 1][:25]
                if not (prev_cap and (similar or len(_words(texts[j])) <= 12)):
                    break
                paras[j].kind = "photo_caption"
                j -= 1
    # a short line right before a photo caption that repeats its start is the image's title
    for a, b in zip(paras, paras[1:]):
        if (
            b.kind == "photo_caption"
            and a.kind in ("heading", "body", "title")
            and len(_words(a.text)) <= 15
            and b.text.startswith(a.text.strip())
        ):
            a.kind = "photo_caption"
    # single network names next to a share line ("Artikel teilen" / "Facebook" / "Twitter")
    for _ in range(2):
        for k, (p, t) in enumerate(zip(paras, texts)):
            ws = _words(t)
            if (
                p.kind in BOILERPLATE_KINDS
                or not ws
                or len(ws) > 3
                or not all(w.casefold() in _SHARE_WORDS for w in ws)
            ):
                continue
            if any(paras[j].kind == "share_buttons" for j in (k - 1, k + 1) if 0 <= j < n):
                p.kind = "share_buttons"
    # a line that repeats the start of the caption next to it is a caption too (image title, cut copy)
    for k, (p, t) in enumerate(zip(paras, texts)):
        if p.kind in BOILERPLATE_KINDS or len(t) < 25 or len(_words(t)) > 40 or _MULTI_SENTENCE_RE.search(t):
            continue
        if any(paras[j].kind == "photo_caption" and texts[j][:25] == t[:25] for j in (k - 1, k + 1) if 0 <= j < n):
            p.kind = "photo_caption"
    # a lone name next to a date or reading-time line is the author
    for k, (p, t) in enumerate(zip(paras, texts)):
        if p.kind in BOILERPLATE_KINDS or not _name_only(t) or len(_words(t)) > 3:
            continue
        near = [paras[j].kind for j in (k - 1, k + 1) if 0 <= j < n]
        last_word = _words(t)[-1] if _words(t) else ""
        if (
            any(kd in ("byline", "view_counter") for kd in near)
            and k <= n // 2
            and not (last_word[:1].isupper() and _common_noun(last_word))
        ):
            p.kind = "byline"
    # a signature: a lone name after a closing formula ("Alles Liebe!") near the end
    for k in range(1, n):
        t = texts[k]
        if paras[k].kind in BOILERPLATE_KINDS or not _name_only(t) or len(_words(t)) > 3:
            continue
        if k >= n * 0.6 and c["closing"].match(texts[k - 1]):
            paras[k].kind = "byline"
    # forum member boxes: a kept-together block of short lines with dates and counts, and the
    # user name on the line above it
    for k, (p, t) in enumerate(zip(paras, texts)):
        lines = [x.strip() for x in t.split("\n") if x.strip()]
        if len(lines) >= 3 and p.kind not in ("comment", "comment_form"):
            numeric = sum(1 for x in lines if _NUMERIC_LINE_RE.match(x) or _is_dateline(x))
            if numeric * 2 >= len(lines) and all(len(x) <= 40 for x in lines):
                p.kind = "comment_header"
                for j in (k - 1, k - 2):
                    if j < 0 or len(_words(texts[j])) > 3 or texts[j][-1:] in ".!?:" or paras[j].kind == "title":
                        break
                    paras[j].kind = "comment_header"
    # a site header "Name | Slogan" above the headline
    for k in range(min(n, 6)):
        if paras[k].kind in BOILERPLATE_KINDS:
            continue
        if paras[k].kind in ("title", "heading") and " | " in texts[k] and not _cues()["date"].search(texts[k]):
            later = [j for j in range(k + 1, min(n, k + 4)) if paras[j].kind not in BOILERPLATE_KINDS]
            if later and paras[later[0]].kind in ("heading", "title"):
                paras[k].kind = "boilerplate_other"
                if paras[later[0]].kind == "heading":
                    paras[later[0]].kind = "title"
        break
    # the headline when only page furniture came before it (found once breadcrumbs are known)
    if not any(p.kind == "title" for p in paras):
        first = next((k for k, p in enumerate(paras) if p.kind not in BOILERPLATE_KINDS), None)
        if (
            first is not None
            and 0 < first < 10
            and first + 1 < n
            and (
                paras[first].kind == "heading"
                or (
                    paras[first].kind == "body"
                    and len(_words(texts[first])) <= 12
                    and not _MULTI_SENTENCE_RE.search(texts[first])
                    and "," not in texts[first]
                )
            )
        ):
            paras[first].kind = "title"
    # kicker above the headline: a short first line followed by the real headline
    first = next((k for k, p in enumerate(paras) if p.kind not in BOILERPLATE_KINDS), None)
    if first is not None and paras[first].kind == "title" and first + 1 < n:
        nxt = paras[first + 1]
        after = paras[first + 2].kind if first + 2 < n else "body"
        if (
            len(_words(texts[first])) <= 3
            and texts[first][-1:] not in "?!"
            and nxt.kind == "heading"
            and 4 <= len(_words(texts[first + 1])) <= 20
            and after not in ("heading", "title")
        ):
            paras[first].kind = "heading"
            nxt.kind = "title"


_CREDIT_ONLY_RE = regex.compile(
    rf"^(?:(?:{_CREDIT_LABELS})\s*:\s*[^.!?]{{1,60}}|©\s*[^.!?]{{1,60}}|\(c\)\s*[^.!?]{{1,60}})$",
    regex.IGNORECASE,
)
_CREDIT_LEAD_RE = regex.compile(rf"^(?:{_CREDIT_LABELS})\s*:", regex.IGNORECASE)
_TRAILING_CREDIT_RE = regex.compile(
    rf"\s*(?:©|\(c\)|(?:{_CREDIT_LABELS}):)[^.!?]{{0,60}}$|\s*\((?:\p{{Ll}}{{2,4}}|{_de('agencies', 'names')})\)$",
    regex.IGNORECASE,
)


@functools.lru_cache(maxsize=1)
def _news_lead_re() -> regex.Pattern:
    agencies = _alt(_res()["agencies"]["names"])
    return regex.compile(rf"^\p{{Lu}}[\p{{L}}\-./ ]{{1,40}}\s*\((?:{agencies})(?:/\p{{L}}+)*\)\s*[-–—:]\s")


def _prose_with_credit(t: str) -> bool:
    """A text paragraph that ends in a credit ("… war unklar. © Agentur") stays text: what is left
    without the credit is two or more sentences of prose."""
    if _CREDIT_LEAD_RE.match(t):
        return False
    if _news_lead_re().match(t):
        return True  # "Hamburg (dpa) - …": a news lead with its dateline
    rest = _TRAILING_CREDIT_RE.sub("", t).strip()
    if rest != t.strip() and len(_sentences(rest)) >= 2 and len(_words(rest)) >= 10:
        return True
    return len(_sentences(t)) >= 2 and len(_words(t)) >= 20  # "Berlin (dpa) - Der Verein …. Er …"


def _is_contact(t: str, nw: int) -> bool:
    only_address = _URL_RE.fullmatch(t) or _EMAIL_RE.fullmatch(t)
    if only_address:
        return True
    if nw <= 15 and (_EMAIL_RE.search(t) or _PHONE_RE.search(t) or _CONTACT_CUE_RE.search(t)):
        return True
    if nw <= 40 and _cues()["contact_cues"].search(t) and (_EMAIL_RE.search(t) or _URL_RE.search(t)):
        return True  # "Schreib uns an …@…"
    return bool(_URL_RE.search(t) and _CONTACT_CUE_RE.search(t))


# a sentence end inside a line, not after an abbreviation ("vs.", "Dr.", "St.")
_MULTI_SENTENCE_RE = regex.compile(r"(?<!\b\p{L}{1,3})[.!?…][\"“”»«]?\s+[\p{Lu}„“\"]")


def _content_kind(doc: _Doc, i: int, t: str, nw: int) -> str:
    if _is_label_line(t, doc.speakers):
        return "speaker_label"
    if _BULLET_RE.match(t):
        return "list_item"
    if _WHOLE_QUOTE_RE.match(t) and not _QUOTE_RE.sub("", t).strip(" .,!?…"):
        return "quote"
    if regex.fullmatch(r"\*[^*]{3,}\*", t):
        return "body"  # an emphasised sentence or stage direction
    # i < 10 first: the all() over the paragraphs before would make a file of many paragraphs quadratic
    first_content = i < 10 and all(q.kind in BOILERPLATE_KINDS for q in doc.paragraphs[:i])
    t = _TRAIL_SYMBOLS_RE.sub("", t) or t
    last = t.rstrip("“”\"»«'’)")[-1:] if _QUOTE_RE.search(t) or t[-1:] == ")" else t[-1:]
    more = i + 1 < len(doc.paragraphs)
    if (
        first_content
        and i < 10
        and more
        and not _MULTI_SENTENCE_RE.search(t)
        and (
            (nw <= 20 and last not in ".!?,;:")
            or (
                nw <= 10
                and last in "?!"
                and "," not in t
                and not _LINE_LABEL_RE.match(t)
                and not _SECOND_PERSON_FORMAL_RE.search(t)
                and not regex.match(r"^[\p{Lu}\s.\-]{2,30}:", doc.paragraphs[i + 1].text)
            )
        )
    ):
        return "title"
    if nw <= 12 and last not in ".!?,;…" and not _URL_RE.search(t):
        return "heading"
    return "body"


# ---------------------------------------------------------------------------------------------
# speakers


_LABEL_RE = regex.compile(
    rf"^(?:\[?(?P<time>{_TIME})\]?\s*[-–—|]?\s*)?(?P<label>[\p{{L}}][\p{{L}}\p{{M}}.&'’\- ]{{0,30}}?)"
    r"(?:\s*\((?P<extra>[^)]{1,12})\))?\s*:\s*(?=\S)"
)
_LABEL_ONLY_RE = regex.compile(
    rf"^(?:\[?(?P<time>{_TIME})\]?\s*[-–—|]?\s*)?(?P<label>[\p{{L}}][\p{{L}}\p{{M}}.&'’\- ]{{0,30}}?)"
    r"(?:\s*\((?P<extra>[^)]{1,12})\))?\s*:$"
)
_LABEL_TOKEN_RE = regex.compile(r"^(?:\p{Lu}[\p{L}\p{M}'’\-.&]*|\p{Lu})$")
_FUNCTION_WORDS = _de_set("names", "not_names")


def _norm_label(label: str) -> str:
    return regex.sub(r"[\s\-–'’.]+", "", label).casefold()


def _label_shape(label: str) -> bool:
    toks = label.split()
    if not 1 <= len(toks) <= 3 or not all(_LABEL_TOKEN_RE.match(t) for t in toks):
        return False
    return not any(t.casefold() in _FUNCTION_WORDS for t in toks)


@functools.lru_cache(maxsize=1)
def _prefixed_outlet_re() -> regex.Pattern:
    alt = _alt(_cues()["outlets"])
    return regex.compile(rf"^.{{0,25}}?\s(?P<time>)(?P<label>{alt})(?P<extra>)\s*:\s*(?=\S)")


def _find_labels(doc: _Doc) -> None:
    """Line-initial speaker labels: ``NAME:``, ``OUTLET:``, initials, ``Frage:``, ``21:08 - Name:``.

    A candidate is kept when it is a role label or an outlet, a metadata speaker, recurs in the
    text as a label, is named elsewhere in the text (``Billen:`` after "Gerd Billen"), or stands
    next to a kept label (``taz:`` above ``Gerd Billen:``). Labels are cut from the paragraph text.
    """
    c = _cues()
    outlets = c["outlets"]
    cands: dict[int, regex.Match] = {}
    own_line: dict[int, int] = {}  # label paragraph → the turn paragraph below it
    content = [i for i, p in enumerate(doc.paragraphs) if p.kind not in BOILERPLATE_KINDS and p.kind != "title"]
    for rank, i in enumerate(content):
        t = doc.paragraphs[i].text
        m = _LABEL_RE.match(t)
        if m is None and rank < 2:  # a stray prefix before the first label ("Stand 3.5. SPIEGEL: …")
            m = _prefixed_outlet_re().match(t)
        if m is None and rank + 1 < len(content):  # "SPIEGEL:" alone above the turn
            m = _LABEL_ONLY_RE.match(t.strip())
            if m is not None:
                own_line[i] = content[rank + 1]
        if m is None:
            continue
        label = m["label"].strip()
        if label in outlets or label.casefold() in c["q_labels"] | c["a_labels"] or _label_shape(label):
            cands[i] = m
    if not cands:
        return
    counts: dict[str, int] = {}
    for m in cands.values():
        counts[_norm_label(m["label"])] = counts.get(_norm_label(m["label"]), 0) + 1
    speakers_low = {x.casefold() for sp in doc.speakers for x in (sp, *sp.split())}

    def strong(label: str) -> bool:
        key = _norm_label(label)
        if label in outlets or label.casefold() in c["q_labels"] | c["a_labels"] or label.casefold() in speakers_low:
            return True
        if counts[key] >= 2 or (label.isupper() and len(label) > 3):
            return True
        if (
            any(k != key and (k.endswith(key) or k.startswith(key)) and n >= 1 for k, n in counts.items())
            and len(key) > 2
        ):
            return True
        if len(label) < 3:
            return False
        if len(label.split()) >= 2:
            return doc.text.count(label) >= 2
        for m in regex.finditer(rf"(\p{{Lu}}[\p{{L}}\-]+)[ \t]+{regex.escape(label)}\b(?![ \t]*[:(])", doc.text):
            if m[1].casefold() not in _FUNCTION_WORDS and not _is_role_word(m[1]):
                return True  # the label is the last name of someone the text names in full
        return False

    interviewers = [w for w in (doc.interviewer, _intro_interviewer(doc)) if w]

    def certain(label: str) -> bool:
        return (
            label in outlets
            or label.casefold() in c["q_labels"] | c["a_labels"]
            or label.casefold() in speakers_low
            or (label.isupper() and len(label) > 3)
            or any(label.casefold() in who.casefold().split() for who in interviewers)
        )

    keep = {i for i, m in cands.items() if strong(m["label"].strip())}
    for _ in range(2):
        for i in cands:
            if i in keep:
                continue
            pos = content.index(i)
            near = [content[j] for j in (pos - 1, pos + 1) if 0 <= j < len(content)]
            if any(j in keep for j in near):
                keep.add(i)
    if len(keep) < 2 and not any(certain(cands[i]["label"].strip()) for i in keep):
        return  # one lone "Word:" is a lead-in, not a speaker
    for i in sorted(keep):
        p, m = doc.paragraphs[i], cands[i]
        if i in own_line:
            turn = doc.paragraphs[own_line[i]]
            if turn.label is None and own_line[i] not in keep:
                p.kind = "speaker_label"
                turn.label = m["label"].strip()
                turn.timed = bool(m["time"])
            continue
        p.label = m["label"].strip()
        p.timed = bool(m["time"])
        p.start += m.end()
        p.text = p.text[m.end() :]


def _label_names(doc: _Doc) -> dict[str, str]:
    """Label as written → speaker name: short forms join their full form ("ZEIT" → "DIE ZEIT",
    "Billen" → "Gerd Billen"); a first or last name gets the full name the text gives it."""
    labels = [p.label for p in doc.paragraphs if p.label]
    out: dict[str, str] = {}
    forms: dict[str, list[str]] = {}
    for lab in labels:
        forms.setdefault(_norm_label(lab), []).append(lab)
    best_form = {k: max(v, key=lambda x: (v.count(x), len(x))) for k, v in forms.items()}
    for lab in set(labels):
        if doc.speakers:
            cand = _canonical(lab, doc.speakers)
            if cand in doc.speakers:
                out[lab] = cand
                continue
        key = _norm_label(lab)
        longer = [
            f for k, f in best_form.items() if k != key and len(key) > 2 and (k.endswith(key) or k.startswith(key))
        ]
        if longer:
            out[lab] = max(longer, key=len)
            continue
        name = best_form[key]
        role = lab.casefold() in _cues()["q_labels"] | _cues()["a_labels"] or lab in _cues()["outlets"]
        if not role and len(name) >= 3 and len(name.split()) == 1:
            esc = regex.escape(name)
            found = [
                *regex.finditer(rf"(?<![\p{{L}}])(\p{{Lu}}[\p{{L}}\-]+)[ \t]+{esc}\b(?![ \t]*[:(])", doc.text),
                *regex.finditer(rf"\b{esc}[ \t]+(\p{{Lu}}[\p{{L}}\-]+)\b(?![ \t]*[:(])", doc.text),
            ]
            for m in found:
                if not _is_role_word(m[1]) and m[1] not in _cues()["outlets"] and _norm_label(m[1]) not in best_form:
                    name = f"{m[1]} {name}" if m.group(0).endswith(name) else f"{name} {m[1]}"
                    break
        if name.isupper() and len(name) > 3 and not role:
            name = " ".join(x.capitalize() for x in name.split())
        out[lab] = name
    return out


def _question_share(paras: Sequence[Paragraph]) -> float:
    if not paras:
        return 0.0
    return sum(1 for p in paras if _mask_quotes(p.text).rstrip(' “”"»«*)').endswith("?")) / len(paras)


def _intro_interviewer(doc: _Doc) -> str | None:
    """The interviewer named in the introduction ("im Interview mit Redakteur X", "Das Gespräch führte X")."""
    m = _cues()["interviewer_intro"].search(doc.text[:3000])
    return m["name"].strip() if m else None


def _detect_mode(doc: _Doc) -> str:
    genre = doc.genre.casefold()
    genres = _res()["genres"]
    if any(k.casefold() in genre for k in genres["interview"]):
        return "interview"
    if any(k.casefold() in genre for k in genres["dialogue"]):
        unlabelled = not any(p.label or p.kind == "speaker_label" for p in doc.paragraphs)
        return "quoted_dialogue" if unlabelled and _quoted_turns(doc) else "dialogue"
    labels = [p for p in doc.paragraphs if p.kind == "speaker_label"]
    if len(doc.speakers) >= 2 and labels:
        return "dialogue"
    labelled = [p for p in doc.paragraphs if p.label]
    if labelled:
        c = _cues()
        names = _label_names(doc)
        if sum(1 for p in labelled if getattr(p, "timed", False)) >= 2:
            return "dialogue"
        if any(p.label.casefold() in c["q_labels"] or p.label in c["outlets"] for p in labelled):
            return "interview"
        by: dict[str, list[Paragraph]] = {}
        for p in labelled:
            by.setdefault(names[p.label], []).append(p)
        if len(by) >= 2:
            shares = sorted((_question_share(v) for v in by.values()), reverse=True)
            cue = bool(c["interview_cue"].search(doc.text[: max(600, labelled[0].start)]))
            floor = 0.4 if cue else 0.6
            return "interview" if shares[0] >= floor and shares[1] <= 0.25 and shares[0] > 2 * shares[1] else "dialogue"
        if any(p.label.isupper() for p in labelled) or _intro_interviewer(doc):
            return "interview"
    if _quoted_turns(doc):
        return "quoted_dialogue"
    body = [p for p in doc.paragraphs if p.kind in ("body", "quote")]
    qa = addressed = formal = 0
    for a, b in zip(body, body[1:]):
        ta = _mask_quotes(a.text)
        if a.text.rstrip()[-1:] == "?":
            if len(_words(b.text)) > 1.5 * len(_words(a.text)) and b.text.rstrip()[-1:] != "?":
                qa += 1
                formal += bool(_SECOND_PERSON_FORMAL_RE.search(ta))
                addressed += bool(_SECOND_PERSON_FORMAL_RE.search(ta) or _SECOND_PERSON_INFORMAL_RE.search(ta))
    # an FAQ ("Was müssen Sie beachten?") also pairs questions and answers: an interview needs an
    # interview cue in the introduction or a question that addresses the guest by name
    cue = bool(_cues()["interview_cue"].search(doc.text[:800])) or any(_VOCATIVE_OPENER_RE.match(p.text) for p in body)
    if cue and qa >= 2 and addressed >= 1:
        return "interview"
    return "monologue"


_POSSESSED_RE = regex.compile(rf"\b(?:{_de('pronouns', 'possessive')})\s+(?:\p{{Ll}}+\s+)?(?P<noun>\p{{Lu}}\p{{Ll}}+)")
_NARRATOR_RE = regex.compile(
    rf"\b(?:{_de('pronouns', 'first_person_singular')}|(?:{_de('pronouns', 'first_person_singular_stems')})\w*)\b",
    regex.IGNORECASE,
)
_NARRATOR_FIRST_RE = regex.compile(rf"\b(?:{_de('pronouns', 'narrator')})\b", regex.IGNORECASE)
_TURN_QUOTE_RE = regex.compile(r"^(?:\([^)]{1,80}\)\s*|\*[^*]{1,80}\*\s*)?[„“\"»«]")


def _quoted_turns(doc: _Doc) -> list[Paragraph]:
    """A run of paragraphs that are each one quoted utterance, without labels (an unlabelled dialogue)."""
    best: list[Paragraph] = []
    run: list[Paragraph] = []
    for p in doc.paragraphs:
        t = p.text.strip()
        core = regex.sub(r"^(?:\([^)]{1,80}\)|\*[^*]{1,80}\*)\s*", "", t)
        quoted = sum(len(m.group()) for m in _QUOTE_RE.finditer(core))
        if (
            p.kind not in BOILERPLATE_KINDS
            and p.kind != "title"
            and not p.label
            and _TURN_QUOTE_RE.match(t)
            and quoted >= 0.7 * len(core)
            and len(_words(t)) <= 80
        ):
            run.append(p)
            continue
        if len(run) > len(best):
            best = run
        run = []
    if len(run) > len(best):
        best = run
    return best if len(best) >= 4 else []


def _assign_quoted_dialogue(doc: _Doc) -> None:
    """Unlabelled quoted turns alternate between the narrator ("Ich") and the person the intro
    names with a possessive ("meine Liebste"); the intro's last sentence says who starts."""
    run = _quoted_turns(doc)
    if not run:
        return
    intro = _mask_quotes(doc.text[: run[0].start])
    if not _NARRATOR_RE.search(intro):
        return
    others = [m["noun"] for m in _POSSESSED_RE.finditer(intro)]
    speakers = [s for s in doc.speakers if s.casefold() != "ich"]
    other = speakers[0] if speakers else (others[-1] if others else None)
    if other is None:
        return
    last = (_sentences(intro.strip()) or [""])[-1]
    first_me = bool(_NARRATOR_FIRST_RE.search(last))
    order = ["Ich", other] if first_me else [other, "Ich"]
    for k, p in enumerate(run):
        p.speaker = order[k % 2]
        if p.kind in ("heading", "quote"):
            p.kind = "body"


# "Ein Gespräch mit Anna Beispiel": the second person of a dialogue named in its title
_WITH_NAME_RE = regex.compile(rf"\b(?:{_de('dialogue', 'with')})\s+({_NAME})")


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
        m = _WITH_NAME_RE.search(title)
        if m and len(doc.speakers) == 1:
            other = m.group(1).strip()
            if other.casefold() != doc.speakers[0].casefold():
                doc.speakers.append(other)


_GREETINGS = _de("dialogue", "greetings")
_DEAR = _de("dialogue", "dear")


def _addressed(text: str, speakers: Sequence[str]) -> str | None:
    """The speaker addressed by a vocative in ``text`` ("Hallo Annette,", ", Oliver!")."""
    masked = _mask_quotes(text)
    for sp in speakers:
        names = [regex.escape(x) for x in {sp, sp.split()[0]}]
        alt = "|".join(sorted(names, key=len, reverse=True))
        if regex.search(
            rf"^(?:{_GREETINGS}),?\s+(?:{alt})\b|\b(?:{_DEAR})\s+(?:{alt})\b|,\s*(?:{alt})\s*[!?.]",
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


_STAGE_RE = regex.compile(r"^(?:\*[^*]+\*|\([^()]+\))$", regex.DOTALL)


def _assign_dialogue(doc: _Doc) -> None:
    names = _label_names(doc)
    if not doc.speakers and names:
        doc.speakers = list(dict.fromkeys(names[p.label] for p in doc.paragraphs if p.label))
    speakers = doc.speakers
    current: str | None = None
    prev: Paragraph | None = None
    author = next((a for a in doc.authors if a in speakers), None)
    # where the turns are not quoted, a labelled turn that is one quotation is a pull quote
    labelled = [p for p in doc.paragraphs if p.label]
    quoted = sum(1 for p in labelled if _WHOLE_QUOTE_RE.match(p.text.strip()))
    pull_quotes = bool(labelled) and quoted * 2 < len(labelled)
    for p in doc.paragraphs:
        if p.kind == "speaker_label":
            current = _canonical(p.text.strip().rstrip(":"), speakers)
            prev = None
            continue
        if p.kind in BOILERPLATE_KINDS or p.kind in ("title",):
            continue
        if not p.label and _STAGE_RE.match(p.text.strip()):
            continue  # a stage direction on its own line
        speaker = None
        if p.label:
            speaker = names.get(p.label) or _canonical(p.label, speakers)
        elif (addressed := _addressed(p.text, speakers)) is not None and len(speakers) == 2:
            speaker = next(sp for sp in speakers if sp != addressed)
        elif prev is not None and current is not None and len(speakers) == 2 and _hands_over(prev, p):
            speaker = next(sp for sp in speakers if sp != current)
        else:
            speaker = current if current is not None else author
        p.speaker = speaker
        whole_quote = bool(_WHOLE_QUOTE_RE.match(p.text.strip()))
        if speaker is not None and p.label and whole_quote and pull_quotes:
            p.kind = "quote"
        elif speaker is not None and p.label and p.kind in ("heading", "quote"):
            p.kind = "body"  # a turn is body text, however short
        current = speaker
        prev = p


_VOCATIVE_OPENER_RE = regex.compile(
    rf"^(?:(?:{_de('interview', 'honorifics')})\s+(?:(?:{_de('interview', 'titles')})\s+)?\p{{Lu}}[\p{{L}}\-]+"
    r"|\p{Lu}[\p{L}\-]+\s+\p{Lu}[\p{L}\-]+),\s"
)
_FIRST_PERSON_RE = regex.compile(
    rf"\b(?:{_de('pronouns', 'first_person')}|(?:{_de('pronouns', 'first_person_stems')})\w*)\b", regex.IGNORECASE
)


def _assign_interview(doc: _Doc) -> None:
    c = _cues()
    names = _label_names(doc)
    intro_name = _intro_interviewer(doc)
    labelled = [p for p in doc.paragraphs if p.label]
    # who asks: role and outlet labels, the metadata or intro interviewer, else the label whose
    # turns are mostly questions
    askers: set[str] = set()
    by: dict[str, list[Paragraph]] = {}
    for p in labelled:
        by.setdefault(names[p.label], []).append(p)
    for p in labelled:
        lab = p.label
        if lab.casefold() in c["q_labels"] or lab in c["outlets"]:
            askers.add(names[lab])
        for who in (doc.interviewer, intro_name):
            if who and (names[lab].casefold() == who.casefold() or lab.casefold() in who.casefold().split()):
                askers.add(names[lab])
    if not askers and len(by) >= 2:
        askers.add(max(by, key=lambda k: (_question_share(by[k]), -len(by[k]))))
    role_words = c["q_labels"] | c["a_labels"]
    named_asker = next((a for a in askers if a.casefold() not in role_words), None)
    interviewer = doc.interviewer or named_asker or intro_name or "Interviewer"
    interviewees = [s for s in doc.speakers if s != doc.interviewer]
    default = interviewees[0] if interviewees else "Interviewee"
    content = [
        p
        for p in doc.paragraphs
        if p.kind in ("body", "quote", "list_item") or (p.kind == "heading" and (p.label or p.speaker))
    ]
    # the next non-boilerplate paragraph of any kind (a text cut off after a question still goes on)
    following = {
        a.para_id: b
        for a, b in zip(doc.paragraphs, doc.paragraphs[1:])
        if b.kind not in BOILERPLATE_KINDS and a.kind not in BOILERPLATE_KINDS
    }
    seen_question = False
    prev_role: str | None = None
    for idx, p in enumerate(content):
        nxt = content[idx + 1] if idx + 1 < len(content) else following.get(p.para_id)
        t = _mask_quotes(p.text).rstrip(' “”"»«')
        nw = len(_words(p.text))
        label_role = None
        if p.label:
            label_role = "question" if names[p.label] in askers else "answer"
            if p.label.casefold() in c["a_labels"] and any(q.label.casefold() in c["q_labels"] for q in labelled):
                label_role = "answer"
        if label_role is not None:
            is_question = label_role == "question"
        elif prev_role == "question" and (not t.endswith("?") or (nw > 12 and _FIRST_PERSON_RE.search(t))):
            is_question = False  # the reply, also a counter-question
        else:
            is_question = (
                (t.endswith("?") and nxt is not None and nw <= 120)
                or (not seen_question and nxt is not None and bool(_VOCATIVE_OPENER_RE.match(p.text)))
                or (
                    nxt is not None
                    and nw <= 40
                    and bool(_ANSWER_START_RE.match(nxt.text.strip()))
                    and not (nxt.label and nxt.label.casefold() in c["q_labels"])
                )
            )
        if is_question:
            p.kind = "question"
            if p.label and names[p.label].casefold() not in role_words:
                p.speaker = names[p.label]
            else:
                p.speaker = interviewer
            seen_question = True
            prev_role = "question"
        elif seen_question or label_role == "answer":
            p.kind = "answer" if p.kind in ("body", "heading") else p.kind
            if p.label and label_role == "answer" and p.label.casefold() not in c["a_labels"]:
                default = names[p.label]  # later unlabelled answers: the same person
            p.speaker = default
            seen_question = True
            prev_role = "answer"


# ---------------------------------------------------------------------------------------------
# quotes


def _last_speaker_in(doc: _Doc, head: str, best: str | None = None, best_pos: int = -1) -> str | None:
    """The metadata speaker (full, first or last name) named last in ``head``, if after ``best_pos``."""
    for sp in doc.speakers:
        for form in {sp, sp.split()[0], sp.split()[-1]}:
            pos = head.rfind(form)
            if pos > best_pos:
                best, best_pos = sp, pos
    return best


_RUN = rf"\p{{Lu}}[\p{{L}}\p{{M}}'’\-]*(?:[ \t]+(?:(?:{_de('names', 'quote_particles')})[ \t]+)?\p{{Lu}}[\p{{L}}\p{{M}}'’\-]+)*"
_PRONOUNS = frozenset(_res()["attribution"]["pronouns"])
_RUN_RE = regex.compile(_RUN)


@functools.lru_cache(maxsize=1)
def _attr_res() -> tuple[regex.Pattern, regex.Pattern, regex.Pattern]:
    verbs = _cues()["verbs"]
    who = rf"(?P<who>{_RUN}|{_de('attribution', 'pronouns')})"
    after = regex.compile(
        rf"^\s*[,.;:]?\s*(?P<cue>{verbs})\s+(?:(?:{_de('attribution', 'articles')})\s+)?(?:\p{{Ll}}+\s+){{0,2}}?{who}"
    )
    before = regex.compile(rf"{who}\s+(?P<cue>{verbs})(?:\s+[\p{{L}}]+){{0,4}}\s*[:,]?\s*$|(?P<who2>{_RUN})\s*:\s*$")
    source = regex.compile(
        rf"^\s*[,.;:]?\s*(?P<cue>{_de('attribution', 'source_verbs')})\s+(?:\p{{Ll}}+\s+){{0,2}}?"
        rf"(?:{_de('attribution', 'source_preps')})\s+(?:\p{{Ll}}+\s+)?(?P<who>{_RUN})"
    )
    return after, before, source


@functools.lru_cache(maxsize=100_000)
def _is_role_word(tok: str) -> bool:
    """A role noun (Sprecher, Geschäftsführerin …), function word or word with a role suffix;
    cached per word (the quote and byline passes ask for the same capitalised words many times)."""
    c = _cues()
    low = tok.casefold().rstrip(".")
    return low in c["role_nouns"] or low in _FUNCTION_WORDS or low.endswith(c["role_suffixes"])


def _common_noun(word: str) -> bool:
    import simplemma

    return simplemma.is_known(word, lang="de")


def _person(run: str, known: dict[str, str], *, strict: bool = False) -> str | None:
    """A person's name from a capitalised run: role nouns and titles in front are dropped
    ("Trainer Thomas Beispiel" → "Thomas Beispiel"); a single word counts only if it is not a
    common noun (the lemmatiser's lexicon) or is the short form of a name met before."""
    toks = [t for t in run.replace("\t", " ").split(" ") if t]
    while toks and _is_role_word(toks[0]):
        toks.pop(0)
    toks = toks[:4]
    if not toks:
        return None
    name = " ".join(toks)
    if name in known:
        return known[name]
    if len(toks) == 1:
        if strict or _common_noun(name) or len(name) < 3:
            return None
        return name
    return name


def _remember(name: str, known: dict[str, str]) -> None:
    parts = name.split()
    if len(parts) >= 2:
        known.setdefault(name, name)
        known.setdefault(parts[-1], name)
        known.setdefault(parts[0], name)


def _last_person(doc: _Doc, before: int, known: dict[str, str]) -> str | None:
    """The person named last before offset ``before``: the antecedent of "er"/"sie"."""
    head = doc.text[max(0, before - 1500) : before]
    best, best_pos = None, -1
    for m in _RUN_RE.finditer(head):
        who = _person(m.group(), known, strict=True)
        if who is not None and m.start() > best_pos:
            best, best_pos = who, m.start()
    return _last_speaker_in(doc, head, best, best_pos)


_SPEAK = _de("attribution", "first_person_verbs")
_FIRST_PERSON_SPEECH_RE = regex.compile(
    rf"\b(?:{_de('pronouns', 'i')})\b.{{0,60}}\b(?:{_SPEAK}|{_de('attribution', 'first_person_participles')})\b"
    rf"|\b(?:{_SPEAK})\s+(?:{_de('pronouns', 'i')})\b",
    regex.IGNORECASE,
)


def _first_person_speech(text: str, start: int, end: int) -> bool:
    """Is the quote at ``start:end`` something the writer says ("sage ich „…“")?"""
    masked = _mask_quotes(text)
    left = max((masked.rfind(x, 0, start) for x in ".!?"), default=-1) + 1
    right = min((i for i in (masked.find(x, end) for x in ".!?") if i >= 0), default=len(text))
    return bool(_FIRST_PERSON_SPEECH_RE.search(masked[left:right]))


def _find_quotes(doc: _Doc, *, interviewee: str | None = None) -> list[Quote]:
    after_re, before_re, source_re = _attr_res()
    quotes: list[Quote] = []
    known: dict[str, str] = {}
    for sp in doc.speakers:
        _remember(sp, known)
    # full names met anywhere in the text, so that "sagte Lind" later finds "Eva Lind": per last
    # name the form met most often, then the shortest (an apposition in front drops out)
    forms: dict[str, list[str]] = {}
    for m in _RUN_RE.finditer(doc.text):
        toks = [t for t in m.group().split() if t]
        while toks and _is_role_word(toks[0]):
            toks.pop(0)
        if 2 <= len(toks) <= 3 and not any(t.casefold() in _FUNCTION_WORDS for t in toks):
            forms.setdefault(toks[-1], []).append(" ".join(toks))
    for last, names in sorted(forms.items()):
        if last not in known:
            known[last] = min(names, key=lambda x: (-names.count(x), len(x), x))
    for p in doc.paragraphs:
        if p.kind in BOILERPLATE_KINDS:
            continue
        prev_q: Quote | None = None
        prev_clause_end = -1
        for m in _QUOTE_RE.finditer(p.text):
            inner = m.group("q").strip()
            if not inner:
                continue
            qtype = "term" if len(_words(inner)) <= 2 and inner[-1:] not in ".!?" else "speech"
            speaker, cue = None, None
            clause_end = m.end()
            if qtype == "speech":
                tail = p.text[m.end() : m.end() + 100]
                head = p.text[max(0, m.start() - 100) : m.start()]
                hit = source_re.match(tail) or after_re.match(tail)
                org = hit is not None and hit.re is source_re
                if hit is not None:
                    clause_end = m.end() + hit.end()
                    end_sent = regex.search(r"[.!?]", p.text[clause_end:])
                    clause_end = clause_end + end_sent.end() if end_sent else len(p.text)
                else:
                    hit = before_re.search(head)
                if hit is not None:
                    who = hit.groupdict().get("who") or hit.groupdict().get("who2")
                    cue = (hit.groupdict().get("cue") or ":").strip()
                    if who in _PRONOUNS:
                        speaker = _last_person(doc, p.start + m.start(), known)
                    elif who and org:
                        speaker = who.strip()
                    elif who:
                        speaker = _person(who, known)
                        if speaker is not None and doc.speakers:
                            speaker = _canonical(speaker, doc.speakers)
                    if speaker is None:
                        cue = None
                clause = hit is not None
                if speaker is None and not clause and prev_q is not None and prev_q.speaker and inner[:1].isupper():
                    gap = p.text[prev_clause_end - p.start if prev_clause_end >= p.start else 0 : m.start()]
                    if prev_clause_end >= 0 and not gap.strip():
                        speaker = prev_q.speaker  # "„…“, sagt X. „…“": the same speaker goes on
                if speaker is None and not clause and p.label and p.speaker and len(p.text[: m.start()].strip()) <= 30:
                    speaker = p.speaker  # "Name: „…“": the label is the colon cue of the turn's quote
                if speaker is None and not clause and p.speaker and _first_person_speech(p.text, m.start(), m.end()):
                    speaker = p.speaker  # "dann sage ich „…“" inside a speaker's turn
                if (
                    speaker is None
                    and not clause
                    and interviewee
                    and p.kind in ("title", "heading", "quote")
                    and not p.speaker
                ):
                    speaker = interviewee  # headline quote of an interview
            if speaker:
                _remember(speaker, known)
            q = Quote(
                para_id=p.para_id,
                start=p.start + m.start(),
                end=p.start + m.end(),
                text=inner,
                quote_type=qtype,
                speaker=speaker,
                cue=cue,
            )
            quotes.append(q)
            if qtype == "speech":
                prev_q = q
                prev_clause_end = p.start + clause_end
    return quotes


# ---------------------------------------------------------------------------------------------


def _apply_hints(doc: _Doc, hints: Sequence[tuple[int, int, str]]) -> None:
    if not hints:
        return
    for p in doc.paragraphs:
        for a, b, kind in hints:
            if a <= p.start and p.end <= b and kind in PARAGRAPH_KINDS:
                if kind == "heading" and p.kind == "title":
                    break
                p.kind = kind
                break


def segment(
    text: str,
    *,
    speakers: Sequence[str] = (),
    authors: Sequence[str] = (),
    interviewer: str | None = None,
    genre: str = "",
    hints: Sequence[tuple[int, int, str]] = (),
) -> tuple[list[Paragraph], list[Quote]]:
    """Split ``text`` into classified paragraphs and direct quotes.

    ``speakers``, ``authors``, ``interviewer`` and ``genre`` come from the metadata and are all
    optional; without them the structure is inferred from label lines and layout alone.
    ``hints`` are ``(start, end, kind)`` spans the page markup gives away (HTML headings,
    ``<figcaption>``, ``<blockquote>``, bylines, the comment section; see ``readers.py``): a
    paragraph inside such a span takes that kind; paragraphs without a hint are left to the rules.
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
    _apply_hints(doc, hints)
    _label_speakers(doc)
    _find_labels(doc)
    mode = _detect_mode(doc)
    if mode == "dialogue":
        _assign_dialogue(doc)
    elif mode == "interview":
        _assign_interview(doc)
    elif mode == "quoted_dialogue":
        _assign_quoted_dialogue(doc)
    interviewee = None
    if mode == "interview":
        answers = [p.speaker for p in doc.paragraphs if p.kind == "answer" and p.speaker]
        others = [s for s in doc.speakers if s != doc.interviewer]
        interviewee = (
            max(sorted(set(answers)), key=answers.count) if answers else (others[0] if others else "Interviewee")
        )
    quotes = _find_quotes(doc, interviewee=interviewee)
    by_para = {}
    for q in quotes:
        by_para.setdefault(q.para_id, []).append(q)
    for p in doc.paragraphs:
        if p.kind == "quote" and p.speaker is None:
            attributed = [q.speaker for q in by_para.get(p.para_id, []) if q.speaker and q.cue]
            if attributed:
                p.speaker = attributed[0]
    return doc.paragraphs, quotes
