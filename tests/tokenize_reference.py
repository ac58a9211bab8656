"""A plain reference for the vectorised tokenizer and annotation batch (not a test module).

``tokenize``, ``sentence_starts`` and ``annotate_texts`` below are the straightforward per-token
loops the package used before it expanded tokens from chunk types with NumPy (issue 18); property
tests (tests/test_properties.py, tests/annotate/test_tokenize.py) check that the fast path gives the
same tokens, sentence starts and token table. Only the per-chunk regular expression
(``_tokenize_chunk``), the chunk pattern and the per-word features are shared with the package.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.annotate.pipeline import _FEATURES, _features, _strings
from analysis.annotate.tokenize import _CHUNK_RE, TOKEN_TYPES, _tokenize_chunk

Token = tuple[int, int, str, str]


def tokenize(text: str, *, offset: int = 0) -> list[Token]:
    out: list[Token] = []
    for m in _CHUNK_RE.finditer(text):
        toks = _tokenize_chunk(m.group())
        base = m.start() + offset
        if toks[-1][3] == "number" and toks[-1][2][-1] == "." and not _next_is_word(text, m.end()):
            s, e, surface, _ = toks[-1]
            toks = (*toks[:-1], (s, e - 1, surface[:-1], "number"), (e - 1, e, ".", "punct"))
        for s, e, surface, kind in toks:
            out.append((base + s, base + e, surface, kind))
    return out


def _next_is_word(text: str, pos: int) -> bool:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos < len(text) and text[pos].isalpha()


_TERMINAL = frozenset({".", "!", "?", "…"})
_CLOSERS = frozenset("\"“”»«)]’'")
_OPENERS = frozenset("„“\"»«(['‚`")
_SENTENCE_FINAL_ABBREVS = frozenset({"etc.", "usw.", "usf.", "u.a.", "o.ä.", "u.ä.", "Co.", "ff."})
_CANDIDATE_SURFACES = frozenset(
    {".", "!", "?", "…", "...", "....", "!!", "!!!", "?!", "!?", "??", "???", *_SENTENCE_FINAL_ABBREVS}
)


def _is_terminal(surface: str, kind: str) -> bool:
    return kind == "punct" and (surface[0] in _TERMINAL or (surface[0] == "." and len(surface) > 1))


def _starts_sentence(token: Token) -> bool:
    first = token[2][0]
    return (
        first.isupper()
        or first.isdigit()
        or first in _OPENERS
        or first in "•·▪►◦‣*–-"
        or token[3] in ("hashtag", "mention", "emoji", "url")
    )


def sentence_starts(tokens: list[Token], text: str = "", *, offset: int = 0) -> list[int]:
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


def annotate_texts(items: list[tuple[str, list[tuple[int, int]]]]) -> pd.DataFrame:
    """The token table of a batch, built token by token."""
    rows: list[Token] = []
    doc_index: list[int] = []
    para_ids: list[int] = []
    sent_ids: list[int] = []
    token_ids: list[int] = []
    for d, (text, spans) in enumerate(items):
        sent = -1
        before = len(rows)
        for p, (a, b) in enumerate(spans):
            toks = tokenize(text[a:b], offset=a)
            starts = set(sentence_starts(toks, text[a:b], offset=a))
            for i, tok in enumerate(toks):
                sent += i in starts
                rows.append(tok)
                doc_index.append(d)
                para_ids.append(p)
                sent_ids.append(sent)
                token_ids.append(len(rows) - 1 - before)
    surfaces = [r[2] for r in rows]
    codes, uniques = pd.factorize(np.array(surfaces, dtype=object)) if rows else (np.zeros(0, dtype=np.int64), [])
    feats = [_features(r[2], r[3]) for r in rows]  # each token: the features of its surface and type
    longest = max((len(text) for text, _ in items), default=0)
    offset_dtype = np.int32 if longest < 2**31 else np.int64
    frame: dict[str, object] = {
        "doc_index": np.asarray(doc_index, dtype=np.int32),
        "para_id": np.asarray(para_ids, dtype=np.int32),
        "sent_id": np.asarray(sent_ids, dtype=np.int32),
        "token_id": np.asarray(token_ids, dtype=np.int32),
        "start": np.asarray([r[0] for r in rows], dtype=offset_dtype),
        "end": np.asarray([r[1] for r in rows], dtype=offset_dtype),
        "token": _strings(list(uniques), codes),
        "token_type": pd.Categorical(np.array([r[3] for r in rows], dtype=object), categories=TOKEN_TYPES),
    }
    for k, name in enumerate(_FEATURES):
        values = [f[k] for f in feats]
        if name.startswith("is_"):
            frame[name] = np.asarray(values, dtype=bool)
        else:
            frame[name] = _strings(values, np.arange(len(values)))
    return pd.DataFrame(frame)


def split_sentences(text: str) -> list[tuple[int, int]]:
    tokens = tokenize(text)
    starts = sentence_starts(tokens, text)
    ends = [s - 1 for s in starts[1:]] + [len(tokens) - 1]
    return [(tokens[s][0], tokens[e][1]) for s, e in zip(starts, ends)]
