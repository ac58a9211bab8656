"""Web-aware German tokenisation and sentence splitting.

One regular expression (the ``regex`` module, for Unicode classes) finds tokens in priority
order: URLs, e-mail addresses, hashtags, @handles, gender forms (``Empfänger:innen``), numbers
with separators (``6.938``, ``24/7``), abbreviations (``z.B.``, ``bspw.``), hyphenated
compounds (``Social-Media-Team``), truncated words (``Mitarbeiter-``), emoticons, emoji and
punctuation. Sentence boundaries are rules on the token stream (below); on UD German GSD they
reach a higher F1 than the pretrained German Punkt model we started from, at a fraction of its cost
(``benchmarks/bench_annotation.py``).

Every token keeps its character offsets into the text it came from; nothing is rewritten.

Speed: text is cut at whitespace first and each whitespace-free chunk ("Unternehmen,") is
tokenised once and cached, so the regular expression runs once per chunk *type*, not per token.
Sentence boundaries are decided on the token stream (no second pass over the text): after ``.``,
``!``, ``?``, ``…`` (and closing quotes, brackets or emoticons that follow them) when the next token
starts a sentence; abbreviations already carry their full stop inside the token, and a full stop
after a one- or two-digit number is an ordinal (``24. Januar``).
"""

from __future__ import annotations

from functools import lru_cache

import regex

from ..lang import read_entries

__all__ = ["TOKEN_TYPES", "abbreviations", "sentence_starts", "split_sentences", "tokenize"]

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
    return frozenset(read_entries("abbreviations_de.txt"))


_TLDS = "de|com|org|net|at|ch|eu|info|io|biz|me|fm|tv|co|uk|edu|gov|blog|online|app"
_L = r"[\p{L}\p{M}]"  # letters with combining marks (decomposed umlauts stay inside a word)
_W = r"[\p{L}\p{M}\p{N}]"
_EMOTICON = r"(?:[:;=8xX][\-o^']?[\)\(\]\[dDpP/\\|3*]+(?![\p{L}\p{N}])|<3|\^\^|\^_\^)"

_TOKEN_PATTERN = rf"""
(?P<url>(?:https?://|www\.)[^\s<>"“”„»«]+[^\s<>"“”„»«.,;:!?)\]}}'’]
    |(?<![@\w.])(?:{_W}[\w\-]{{0,62}}\.){{1,16}}(?:{_TLDS})(?:/[^\s<>"“”„»«]*[^\s<>"“”„»«.,;:!?)\]}}'’])?(?![\w\-@]))
|(?P<email>[\w.+\-]{{1,64}}@[\w\-]{{1,63}}(?:\.[\w\-]{{1,63}}){{0,16}}\.\p{{L}}{{2,}})
|(?P<hashtag>\#{_W}[\w\-]*\w|\#{_W})
|(?P<mention>(?<![\w.])@\w+)
|(?P<number>
    (?:\d{{1,2}}|[IVX]{{1,4}})\.(?=$)  # ordinal "24." (kept only before a word, see tokenize())
   |(?<![\w])\d+(?:[.,:/]\d+)+(?:%|\w{{0,2}}(?![\w]))?  # 6.938  3,5  24/7  10:30  1.000er
   |\d+(?:er|h\d{{2}}|%|\w{{0,2}}(?![\w])))  # 2010er  10h00  90%  3D
|(?P<word>
    (?:{_L}\.){{2,}}(?!{_L})  # z.B. u.a. d.h.
   |{_W}+(?:[:*_/](?:innen|in|Innen|In)(?!{_L}))  # Empfänger:innen Mitarbeiter*in
   |{_W}+(?:['’]{_L}+)?(?:-{_W}+(?:['’]{_L}+)?)*(?:[:*_](?:innen|in)(?!{_L}))?(?:-$)?  # Mitarbeiter- (und)
  )
|(?P<emoticon>{_EMOTICON})
|(?P<emoji>[\p{{Extended_Pictographic}}\p{{Regional_Indicator}}](?:[\u200d\ufe0f\p{{Emoji_Modifier}}]*[\p{{Extended_Pictographic}}\p{{Regional_Indicator}}]?)*)
|(?P<punct>\.{{2,}}|…+|[-–—]{{2,}}|[!?]+|``|''|\p{{P}})
|(?P<symbol>\S)
"""
_TOKEN_RE = regex.compile(_TOKEN_PATTERN, regex.VERBOSE | regex.V0)
_CHUNK_RE = regex.compile(r"[^\s\p{Cc}]+")  # control characters separate like spaces
_CACHE_LIMIT = 1_000_000
_chunk_cache: dict[str, tuple[tuple[int, int, str, str], ...]] = {}

Token = tuple[int, int, str, str]


def _tokenize_chunk(chunk: str) -> tuple[Token, ...]:
    abbrevs = abbreviations()
    out: list[Token] = []
    consumed = 0
    for m in _TOKEN_RE.finditer(chunk):
        kind = m.lastgroup or "symbol"
        start, end = m.span()
        if start < consumed:  # the full stop already taken by an abbreviation
            continue
        surface = m.group()
        if (
            kind == "word"
            and end < len(chunk)
            and chunk[end] == "."
            and (surface.rsplit("-", 1)[-1] + ".") in abbrevs  # "bspw.", "Max-Planck-Str."
        ):
            end += 1
            surface += "."
        consumed = end
        out.append((start, end, surface, kind))
    return tuple(out)


def tokenize(text: str, *, offset: int = 0) -> list[Token]:
    """Split ``text`` into tokens: ``(start, end, surface, token_type)``.

    Offsets are relative to ``text`` plus ``offset``, so a paragraph can be tokenised in place
    inside its document. Abbreviations from the data file keep their full stop.
    """
    cache = _chunk_cache
    if len(cache) > _CACHE_LIMIT:
        cache.clear()
    out: list[Token] = []
    append = out.append
    for m in _CHUNK_RE.finditer(text):
        chunk = m.group()
        toks = cache.get(chunk)
        if toks is None:
            toks = cache[chunk] = _tokenize_chunk(chunk)
        base = m.start() + offset
        if toks[-1][3] == "number" and toks[-1][2][-1] == "." and not _next_is_word(text, m.end()):
            toks = _split_ordinal(toks)
        if len(toks) == 1:
            s, e, surface, kind = toks[0]
            append((base + s, base + e, surface, kind))
        else:
            for s, e, surface, kind in toks:
                append((base + s, base + e, surface, kind))
    return out


def _next_is_word(text: str, pos: int) -> bool:
    """Is the next non-space character after ``pos`` a letter (``24. Januar``, ``3. platz``)?"""
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos < len(text) and text[pos].isalpha()


def _split_ordinal(toks: tuple[Token, ...]) -> tuple[Token, ...]:
    s, e, surface, _ = toks[-1]
    return (*toks[:-1], (s, e - 1, surface[:-1], "number"), (e - 1, e, ".", "punct"))


_TERMINAL = frozenset({".", "!", "?", "…"})
_CLOSERS = frozenset("\"“”»«)]’'")
_OPENERS = frozenset("„“\"»«(['‚`")
_SENTENCE_FINAL_ABBREVS = frozenset({"etc.", "usw.", "usf.", "u.a.", "o.ä.", "u.ä.", "Co.", "ff."})


def _is_terminal(surface: str, kind: str) -> bool:
    if kind != "punct":
        return False
    return surface[0] in _TERMINAL or (surface[0] == "." and len(surface) > 1)


_CANDIDATE_SURFACES = frozenset(
    {
        ".",
        "!",
        "?",
        "…",
        "...",
        "....",
        "!!",
        "!!!",
        "?!",
        "!?",
        "??",
        "???",
        *("etc.", "usw.", "usf.", "u.a.", "o.ä.", "u.ä.", "Co.", "ff."),
    }
)


def sentence_starts(tokens: list[Token], text: str = "", *, offset: int = 0) -> list[int]:
    """Indices of the tokens that begin a sentence (always includes 0 for non-empty input).

    ``text`` (the string the tokens were cut from, starting at ``offset``) lets line breaks count:
    a line break after a line without final punctuation also ends a sentence when the line is
    short (< 50 characters: headings, address lines).
    """
    n = len(tokens)
    if not n:
        return []
    candidates = {
        i
        for i, tok in enumerate(tokens)
        if tok[2] in _CANDIDATE_SURFACES
        or tok[3] in ("emoticon", "emoji")
        or (tok[3] == "punct" and tok[2][0] in ".!?…")
    }
    if text and "\n" in text:
        pos = text.find("\n")
        k = 0
        while pos >= 0:  # the token just before each line break
            while k + 1 < n and tokens[k + 1][0] - offset <= pos:
                k += 1
            if tokens[k][1] - offset <= pos:
                candidates.add(k)
            pos = text.find("\n", pos + 1)
    starts = [0]
    last = 0
    for i in sorted(candidates):
        if i < last or i >= n - 1:
            continue
        start, end, surface, kind = tokens[i]
        boundary_after = None
        if _is_terminal(surface, kind) or (kind == "word" and surface in _SENTENCE_FINAL_ABBREVS):
            j = i
            # closing quotes/brackets and emoticons after the terminal belong to the sentence
            while j + 1 < n and (
                (tokens[j + 1][3] == "punct" and tokens[j + 1][2][0] in _CLOSERS and tokens[j + 1][0] == tokens[j][1])
                or tokens[j + 1][3] in ("emoticon", "emoji")
                or _is_terminal(tokens[j + 1][2], tokens[j + 1][3])
            ):
                j += 1
            if j + 1 < n and _starts_sentence(tokens[j + 1]):
                boundary_after = j
        elif kind in ("emoticon", "emoji") and tokens[i + 1][2][0].isupper():
            boundary_after = i
        if boundary_after is None and text:
            gap = text[end - offset : tokens[i + 1][0] - offset]
            if "\n" in gap:
                line_start = text.rfind("\n", 0, start - offset) + 1
                if end - offset - line_start < 50 and surface not in (",", ";", "-", "–", "("):
                    boundary_after = i
        if boundary_after is not None:
            starts.append(boundary_after + 1)
            last = boundary_after + 1
    return starts


def _starts_sentence(token: Token) -> bool:
    first = token[2][0]
    return (
        first.isupper()
        or first.isdigit()
        or first in _OPENERS
        or first in "•·▪►◦‣*–-"
        or token[3] in ("hashtag", "mention", "emoji", "url")
    )


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` in ``text``."""
    tokens = tokenize(text)
    starts = sentence_starts(tokens, text)
    spans = []
    for k, s in enumerate(starts):
        e = starts[k + 1] - 1 if k + 1 < len(starts) else len(tokens) - 1
        spans.append((tokens[s][0], tokens[e][1]))
    return spans
