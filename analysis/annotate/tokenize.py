"""Web-aware German tokenisation and sentence splitting.

One regular expression (the ``regex`` module, for Unicode classes) finds tokens in priority
order: URLs, e-mail addresses, hashtags, @handles, gender forms (``Empfänger:innen``), numbers
with separators (``6.938``, ``24/7``), abbreviations (``z.B.``, ``bspw.``), hyphenated
compounds (``Social-Media-Team``), truncated words (``Mitarbeiter-``), emoticons, emoji and
punctuation. Sentence boundaries are rules on the token stream (below); on UD German GSD they
reach a higher F1 than the pretrained German Punkt model we started from, at a fraction of its cost
(``benchmarks/bench_annotation.py``).

Every token keeps its character offsets into the text it came from; nothing is rewritten.

Speed: text is cut at whitespace (and control characters) first, and each whitespace-free chunk
("Unternehmen,") is tokenised once per process and kept as a chunk *type*: its tokens' offsets
relative to the chunk, surface ids, token types and the per-token flags the sentence rules need.
A batch of texts is then cut into chunks in C (``str.split`` for the strings, NumPy over the code
points for their offsets), the chunks are mapped to their types with one dictionary lookup each,
and the tokens are expanded from the types with NumPy (``repeat``/``cumsum``): no Python work per
token. Sentence boundaries are decided on the token stream with array operations (no second pass
over the text): after ``.``, ``!``, ``?``, ``…`` (and closing quotes, brackets or emoticons that
follow them) when the next token starts a sentence; abbreviations already carry their full stop
inside the token, and a full stop after a one- or two-digit number is an ordinal (``24. Januar``).
"""

from __future__ import annotations

import threading
from functools import lru_cache

import numpy as np
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
_CACHE_LIMIT = 1_000_000  # chunk types kept per process; beyond it the table starts afresh

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


def _split_ordinal(toks: tuple[Token, ...]) -> tuple[Token, ...]:
    """``24.`` not followed by a word: the number and a full stop."""
    s, e, surface, _ = toks[-1]
    return (*toks[:-1], (s, e - 1, surface[:-1], "number"), (e - 1, e, ".", "punct"))


def _is_ordinal_candidate(toks: tuple[Token, ...]) -> bool:
    return toks[-1][3] == "number" and toks[-1][2][-1] == "."


# -- per-token flags for the sentence rules (one small integer per surface and token type) --------

_TERMINAL = frozenset({".", "!", "?", "…"})
_CLOSERS = frozenset("\"“”»«)]’'")
_OPENERS = frozenset("„“\"»«(['‚`")
_SENTENCE_FINAL_ABBREVS = frozenset({"etc.", "usw.", "usf.", "u.a.", "o.ä.", "u.ä.", "Co.", "ff."})
_LINE_CONTINUES = frozenset({",", ";", "-", "–", "("})  # a line ending in these goes on
_SHORT_LINE = 50  # characters: a line break after a shorter line ends a sentence

_F_TERMINAL = 1  # ".", "!", "?", "…", "...": ends a sentence when the next token starts one
_F_FINAL = 2  # a terminal or a sentence-final abbreviation ("etc.", "usw.")
_F_EMO = 4  # emoticon or emoji
_F_STARTS = 8  # can start a sentence (capital, digit, opening quote, bullet, hashtag, …)
_F_UPPER = 16  # begins with an upper-case letter
_F_CLOSER = 32  # closing quote or bracket
_F_LINE_END = 64  # may end a short line (not a comma, semicolon, dash or opening bracket)


def _is_terminal(surface: str, kind: str) -> bool:
    if kind != "punct":
        return False
    return surface[0] in _TERMINAL or (surface[0] == "." and len(surface) > 1)


def _starts_sentence(token: Token) -> bool:
    first = token[2][0]
    return (
        first.isupper()
        or first.isdigit()
        or first in _OPENERS
        or first in "•·▪►◦‣*–-"
        or token[3] in ("hashtag", "mention", "emoji", "url")
    )


def _token_flags(surface: str, kind: str) -> int:
    """The sentence rules' view of one token (see ``_F_*``)."""
    terminal = _is_terminal(surface, kind)
    flags = _F_TERMINAL if terminal else 0
    if terminal or (kind == "word" and surface in _SENTENCE_FINAL_ABBREVS):
        flags |= _F_FINAL
    if kind in ("emoticon", "emoji"):
        flags |= _F_EMO
    if _starts_sentence((0, 0, surface, kind)):
        flags |= _F_STARTS
    if surface[0].isupper():
        flags |= _F_UPPER
    if kind == "punct" and surface[0] in _CLOSERS:
        flags |= _F_CLOSER
    if surface not in _LINE_CONTINUES:
        flags |= _F_LINE_END
    return flags


def _sentence_start_flags(
    flags: np.ndarray,
    *,
    adjacent: np.ndarray,
    first_in_text: np.ndarray,
    line_break_after: np.ndarray,
    short_line: np.ndarray,
) -> np.ndarray:
    """Which tokens begin a sentence, for the tokens of one or more texts laid end to end.

    Per token: ``flags`` (``_token_flags``), ``adjacent`` (starts where the previous token ends),
    ``first_in_text`` (the first token of its text: texts are decided independently),
    ``line_break_after`` (a line break between it and the next token) and ``short_line`` (it ends
    less than ``_SHORT_LINE`` characters after the start of its line).

    A sentence ends after a final token (``.``, ``!``, ``etc.`` …) and the closing quotes,
    brackets, emoticons and further terminals that follow it, when the token after them can start a
    sentence; after an emoticon or emoji followed by a capital; and at a line break after a short
    line that does not end in ``,``, ``;``, a dash or ``(``. Tokens inside a run that ended a sentence
    decide nothing themselves.
    """
    n = len(flags)
    if not n:
        return np.zeros(0, dtype=bool)
    pos = np.arange(n)
    text_end = np.repeat(*_run_ends(first_in_text))  # index after the last token of each token's text
    final = (flags & _F_FINAL) != 0
    emo = (flags & _F_EMO) != 0
    # tokens that join the run after a final token: adjacent closers, emoticons/emoji, terminals
    extends = (((flags & _F_CLOSER) != 0) & adjacent) | emo | ((flags & _F_TERMINAL) != 0)
    extends &= ~first_in_text
    stop = np.where(extends, n, pos)
    next_stop = np.minimum.accumulate(stop[::-1])[::-1]  # first non-extending index >= k
    run_end = np.append(next_stop[1:], n) - 1  # last token of the run after each token
    after_run = np.minimum(run_end + 1, n - 1)
    terminal_ok = final & (run_end + 1 < text_end) & ((flags[after_run] & _F_STARTS) != 0)
    has_next = pos + 1 < text_end
    following = np.minimum(pos + 1, n - 1)
    emo_ok = emo & ~final & has_next & ((flags[following] & _F_UPPER) != 0)
    line_ok = line_break_after & short_line & ((flags & _F_LINE_END) != 0)
    boundary = np.where(terminal_ok, run_end, np.where(emo_ok | line_ok, pos, -1))
    # tokens inside a run that ended a sentence are skipped
    ok = np.flatnonzero(terminal_ok)
    depth = np.cumsum(np.bincount(ok + 1, minlength=n + 1) - np.bincount(run_end[ok] + 1, minlength=n + 1))
    decided = (boundary >= 0) & has_next & (depth[:n] == 0)
    starts = first_in_text.copy()
    starts[boundary[decided] + 1] = True
    return starts


def _run_ends(first_in_text: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For texts laid end to end: (index after each text's last token, tokens per text)."""
    firsts = np.flatnonzero(first_in_text)
    ends = np.append(firsts[1:], len(first_in_text))
    return ends, ends - firsts


# -- chunk types ---------------------------------------------------------------------------------------


class _ChunkTable(dict):
    """Chunk string → chunk type id; looking up a new chunk tokenises it (once per process).

    Per chunk type (arrays indexed by the id): its length, number of tokens, where its tokens start
    in the token-entry arrays, whether it begins with a letter, and the id of its ordinal variant
    (``24.`` split into ``24`` and ``.`` when no word follows) or -1. Per token entry: offsets
    relative to the chunk, surface id (into ``surfaces``), token type code (into ``TOKEN_TYPES``) and
    the sentence flags. New entries collect in lists and are appended to the arrays once per batch.
    """

    _INT_FIELDS = ("length", "n_tokens", "first", "variant", "rel_start", "rel_end", "surface")

    def __init__(self) -> None:
        super().__init__()
        self._reset()

    def _reset(self) -> None:
        self.surfaces: list[str] = []  # a new list object: ids handed out earlier keep their meaning
        self.surface_ids: dict[str, int] = {}
        self.length = np.zeros(0, dtype=np.int64)
        self.n_tokens = np.zeros(0, dtype=np.int64)
        self.first = np.zeros(0, dtype=np.int64)
        self.variant = np.zeros(0, dtype=np.int64)
        self.alpha = np.zeros(0, dtype=bool)
        self.rel_start = np.zeros(0, dtype=np.int64)
        self.rel_end = np.zeros(0, dtype=np.int64)
        self.surface = np.zeros(0, dtype=np.int32)
        self.kind = np.zeros(0, dtype=np.int8)
        self.flags = np.zeros(0, dtype=np.uint8)
        self._pending: dict[str, list] = {name: [] for name in (*self._INT_FIELDS, "alpha", "kind", "flags")}
        self._buffers: dict[str, np.ndarray] = {}
        self._n_types = 0
        self._n_entries = 0

    def clear(self) -> None:
        super().clear()
        self._reset()

    def __missing__(self, chunk: str) -> int:
        toks = _tokenize_chunk(chunk)
        variant = self._add(_split_ordinal(toks), chunk) if toks and _is_ordinal_candidate(toks) else -1
        cid = self[chunk] = self._add(toks, chunk, variant=variant)
        return cid

    def _add(self, toks: tuple[Token, ...], chunk: str, *, variant: int = -1) -> int:
        p = self._pending
        cid = self._n_types
        self._n_types += 1
        p["length"].append(len(chunk))
        p["n_tokens"].append(len(toks))
        p["first"].append(self._n_entries)
        p["variant"].append(variant)
        p["alpha"].append(chunk[:1].isalpha())
        self._n_entries += len(toks)
        ids = self.surface_ids
        for s, e, surface, kind in toks:
            sid = ids.get(surface)
            if sid is None:
                sid = ids[surface] = len(self.surfaces)
                self.surfaces.append(surface)
            p["rel_start"].append(s)
            p["rel_end"].append(e)
            p["surface"].append(sid)
            p["kind"].append(_KIND_CODES[kind])
            p["flags"].append(_token_flags(surface, kind))
        return cid

    def flush(self) -> None:
        """Append the chunk types added since the last call to the arrays (whose buffers grow by
        doubling, so a batch costs what it adds, not the size of the table)."""
        p = self._pending
        if not p["length"]:
            return
        for name, values in p.items():
            old = getattr(self, name)
            size = len(old) + len(values)
            buffer = self._buffers.get(name)
            if buffer is None or len(buffer) < size:
                grown = np.empty(max(size, 2 * len(old), 1024), dtype=old.dtype)
                grown[: len(old)] = old
                buffer = self._buffers[name] = grown
            buffer[len(old) : size] = values  # past the end of every view handed out earlier
            setattr(self, name, buffer[:size])
            values.clear()


_KIND_CODES = {kind: code for code, kind in enumerate(TOKEN_TYPES)}
_chunk_cache = _ChunkTable()  # per process; ``_chunk_cache.clear()`` forgets every chunk type
_lock = threading.Lock()  # the table is shared by threads (a threaded Dask worker)


@lru_cache(maxsize=1)
def _separator_tables() -> tuple[np.ndarray, np.ndarray, dict[int, str]]:
    """Lookup tables by code point, derived from ``_CHUNK_RE`` over every code point (so the chunking
    below is exactly its complement): is a chunk separator; is a separator that ``str.isspace()``
    does not count (control characters such as ``\\x00``); and a ``str.translate`` table that turns
    the latter into spaces, after which ``str.split()`` cuts at exactly the separators."""
    points = np.arange(0x110000, dtype=np.uint32)
    points[(points >= 0xD800) & (points < 0xE000)] = ord("x")  # no lone surrogates in the probe
    probe = points.tobytes().decode("utf-32-le")
    is_chunk = np.zeros(0x110000, dtype=bool)
    for m in _CHUNK_RE.finditer(probe):
        is_chunk[m.start() : m.end()] = True
    is_chunk[0xD800:0xE000] = True  # surrogates are neither spaces nor control characters
    separators = np.flatnonzero(~is_chunk)
    size = int(separators.max(initial=0)) + 2  # code points beyond the last separator share one entry
    is_sep = np.zeros(size, dtype=bool)
    is_sep[separators] = True
    is_control = np.zeros(size, dtype=bool)
    controls = [int(c) for c in separators if not chr(int(c)).isspace()]
    is_control[controls] = True
    return is_sep, is_control, {c: " " for c in controls}


class _TokenArrays:
    """The tokens of a batch of texts, in text order (see :func:`_tokenize_texts`)."""

    __slots__ = ("end", "kind", "sentence_start", "start", "surface", "surfaces", "text")

    def __init__(self, **fields) -> None:
        for name, value in fields.items():
            setattr(self, name, value)


def _empty_tokens() -> _TokenArrays:
    empty = np.zeros(0, dtype=np.int64)
    return _TokenArrays(
        text=empty,
        start=empty,
        end=empty,
        surface=np.zeros(0, dtype=np.int32),
        kind=np.zeros(0, dtype=np.int8),
        sentence_start=np.zeros(0, dtype=bool),
        surfaces=_chunk_cache.surfaces,
    )


def _tokenize_texts(texts: list[str]) -> _TokenArrays:
    """Tokens and sentence starts of many texts at once, as arrays: ``text`` (index into ``texts``),
    ``start``/``end`` (offsets into that text), ``surface`` (ids into ``surfaces``), ``kind`` (codes
    into ``TOKEN_TYPES``) and ``sentence_start``. The same tokens and boundaries as
    :func:`tokenize` and :func:`sentence_starts` on each text (with the text given).

    The texts are joined with spaces (a separator, so no chunk spans two texts) and cut into
    whitespace-free chunks; each chunk is looked up in the chunk-type table and its tokens are
    expanded from there with NumPy.
    """
    if not texts:
        return _empty_tokens()
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    text_base = np.cumsum(lengths + 1) - (lengths + 1)  # where each text begins in the joined string
    joined = " ".join(texts)
    if not joined:
        return _empty_tokens()
    is_sep, is_control, to_space = _separator_tables()
    points = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    points = np.minimum(points, len(is_sep) - 1)
    sep = is_sep[points]
    controls = np.flatnonzero(is_control[points])
    newlines = np.flatnonzero(points == 10)
    begins = np.flatnonzero(~sep & np.concatenate(([True], sep[:-1])))
    del points, sep
    chunks = (joined.translate(to_space) if len(controls) else joined).split()
    if len(chunks) != len(begins):  # cannot happen: both cut at the same separators
        raise AssertionError("tokenize: chunk offsets disagree with the chunks")
    if not chunks:
        return _empty_tokens()
    with _lock:
        table = _chunk_cache
        if len(table) > _CACHE_LIMIT:
            table.clear()
        cid = np.fromiter(map(table.__getitem__, chunks), dtype=np.int64, count=len(chunks))
        table.flush()
        length, n_types_tokens, first, variant, alpha = (
            table.length,
            table.n_tokens,
            table.first,
            table.variant,
            table.alpha,
        )
        rel_start, rel_end, surface, kind, flags = (
            table.rel_start,
            table.rel_end,
            table.surface,
            table.kind,
            table.flags,
        )
        surfaces = table.surfaces
    del chunks
    n_chunks = len(cid)
    chunk_text = np.searchsorted(text_base, begins, side="right") - 1
    ends = begins + length[cid]
    same_text_next = np.append(chunk_text[1:] == chunk_text[:-1], False)  # the next chunk is in this text
    next_begin = np.append(begins[1:], len(joined))
    # ordinals: "24." stays one token only when the next thing in the text is a word
    ordinal = np.flatnonzero(variant[cid] >= 0)
    if len(ordinal):
        nxt = np.minimum(ordinal + 1, n_chunks - 1)
        clean_gap = np.searchsorted(controls, ends[ordinal]) == np.searchsorted(controls, next_begin[ordinal])
        word_next = same_text_next[ordinal] & clean_gap & alpha[cid[nxt]]
        split = ordinal[~word_next]
        cid[split] = variant[cid[split]]
    # expand chunks to tokens
    counts = n_types_tokens[cid]
    n = int(counts.sum())
    tok_chunk = np.repeat(np.arange(n_chunks), counts)
    chunk_first_tok = np.cumsum(counts) - counts
    entry = np.repeat(first[cid] - chunk_first_tok, counts) + np.arange(n)
    tok_text = chunk_text[tok_chunk]
    base = begins[tok_chunk]
    start = base + rel_start[entry]
    end = base + rel_end[entry]
    # line breaks: in the gap after a chunk's last token; the line starts after the last one before
    nl_in_gap = np.searchsorted(newlines, next_begin) > np.searchsorted(newlines, ends)
    line_break_after = np.zeros(n, dtype=bool)
    line_break_after[chunk_first_tok + counts - 1] = nl_in_gap & same_text_next
    last_newline = np.append(-1, newlines)[np.searchsorted(newlines, begins)]  # -1: none before
    line_start = np.maximum(last_newline + 1, text_base[chunk_text])
    short_line = (end - line_start[tok_chunk]) < _SHORT_LINE
    first_in_text = np.ones(n, dtype=bool)
    first_in_text[1:] = tok_text[1:] != tok_text[:-1]
    adjacent = np.zeros(n, dtype=bool)
    adjacent[1:] = start[1:] == end[:-1]
    sentence_start = _sentence_start_flags(
        flags[entry],
        adjacent=adjacent,
        first_in_text=first_in_text,
        line_break_after=line_break_after,
        short_line=short_line,
    )
    offset = text_base[tok_text]
    return _TokenArrays(
        text=tok_text,
        start=start - offset,
        end=end - offset,
        surface=surface[entry],
        kind=kind[entry],
        sentence_start=sentence_start,
        surfaces=surfaces,
    )


def tokenize(text: str, *, offset: int = 0) -> list[Token]:
    """Split ``text`` into tokens: ``(start, end, surface, token_type)``.

    Offsets are relative to ``text`` plus ``offset``, so a paragraph can be tokenised in place
    inside its document. Abbreviations from the data file keep their full stop.
    """
    t = _tokenize_texts([text])
    surfaces = t.surfaces
    return list(
        zip(
            (t.start + offset).tolist(),
            (t.end + offset).tolist(),
            [surfaces[i] for i in t.surface.tolist()],
            [TOKEN_TYPES[k] for k in t.kind.tolist()],
        )
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
    starts = np.fromiter((t[0] for t in tokens), dtype=np.int64, count=n) - offset
    ends = np.fromiter((t[1] for t in tokens), dtype=np.int64, count=n) - offset
    known: dict[tuple[str, str], int] = {}  # flags once per distinct (surface, type)

    def flags_of(key: tuple[str, str]) -> int:
        value = known.get(key)
        if value is None:
            value = known[key] = _token_flags(*key)
        return value

    flags = np.fromiter((flags_of((t[2], t[3])) for t in tokens), dtype=np.uint8, count=n)
    adjacent = np.zeros(n, dtype=bool)
    adjacent[1:] = starts[1:] == ends[:-1]
    first_in_text = np.zeros(n, dtype=bool)
    first_in_text[0] = True
    line_break_after = np.zeros(n, dtype=bool)
    short_line = np.zeros(n, dtype=bool)
    if text and "\n" in text:
        newlines = np.flatnonzero(np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32) == 10)
        line_break_after[:-1] = np.searchsorted(newlines, starts[1:]) > np.searchsorted(newlines, ends[:-1])
        line_start = np.append(-1, newlines)[np.searchsorted(newlines, starts)] + 1
        short_line = ends - line_start < _SHORT_LINE
    flags_start = _sentence_start_flags(
        flags,
        adjacent=adjacent,
        first_in_text=first_in_text,
        line_break_after=line_break_after,
        short_line=short_line,
    )
    return np.flatnonzero(flags_start).tolist()


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` in ``text``."""
    t = _tokenize_texts([text])
    if not len(t.start):
        return []
    first = np.flatnonzero(t.sentence_start)
    last = np.append(first[1:], len(t.start)) - 1
    return list(zip(t.start[first].tolist(), t.end[last].tolist()))
