"""Bottom-up topic structure: units → TF-IDF → NMF / LDA topics, clusters, a 2-D map.

    >>> units = topic_units(tokens)                         # paragraphs (or sentence windows)
    >>> selection = select_k(units)                         # agreement of subsample refits per k
    >>> model = TopicModel(k, method="nmf").fit(units)
    >>> model.top_terms()                                   # topic_id, model, rank, term, weight
    >>> model.transform(units)                              # unit_id, topic_id, weight

* **Units** are paragraphs (boilerplate already left out by :func:`analysis.annotate`) or fixed
  windows of ``window`` sentences; features are the content lemmas (lower-cased), plus the parts of
  compounds (``Dialogmarketing`` → also ``dialog`` and ``marketing``) when ``compounds=True``.
* **NMF** runs on TF-IDF (Frobenius loss, NNDSVD initialisation); **LDA** on raw counts. Both take
  ``random_state``; reruns are identical.
* **Coherence**: NPMI of the top terms' co-occurrence in units (Bouma 2009; Röder, Both & Hinneburg
  2015, C_NPMI with boolean-document windows), averaged over term pairs and topics.
* **Stability**: topics of runs with different seeds are matched one-to-one (Hungarian algorithm)
  by the Jaccard overlap of their top terms; the mean matched overlap against the first run is the
  stability (Greene, O'Callaghan & Cunningham 2014, "How many topics? Stability analysis").
* **k** is chosen where the mean of (NPMI + 1) / 2 and stability is highest (smaller k on ties).

:func:`topic_tables` assembles the tables of the report (:mod:`analysis.topics.section`).
"""

from __future__ import annotations

import itertools
import os
import re
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from ..annotate.memo import general_zipf
from ..annotate.pipeline import factorize_pairs
from ..context import CAPS, Caps
from ..counts import By, by_columns, round_floats

__all__ = [
    "TopicModel",
    "cluster_units",
    "corpus_names",
    "document_topics",
    "npmi_coherence",
    "select_k",
    "stability",
    "topic_diversity",
    "topic_tables",
    "topic_themes",
    "topic_units",
    "unit_map",
]

UNIT_COLUMNS = ("unit_id", "doc_id", "para_id", "sent_id", "speaker", "n_content", "features", "text")
_WORDLIKE = ("word", "hashtag")


_LETTERS2 = re.compile(r"[^\W\d_]{2}")  # a lemma with two letters in a row names something


def topic_units(
    tokens: pd.DataFrame,
    *,
    unit: str = "passage",
    window: int = 3,
    passage_size: int | None = None,
    compounds: bool = True,
    min_features: int = 3,
    max_zipf: float | None = 5.5,
    exclude: Iterable[str] = (),
    text: bool = True,
) -> pd.DataFrame:
    """One row per unit: ``unit_id, doc_id, para_id, sent_id`` (first of the unit), ``speaker``,
    ``n_content``, ``features`` (space-joined feature words) and ``text`` (the unit's tokens; left
    out with ``text=False``, which the report's tables do not need: on a large corpus it is a copy of
    every token as a string).

    ``unit`` is ``"passage"`` (the default: consecutive paragraphs of a document joined until they
    have at least ``passage_size`` features, see :func:`passage_size`), ``"paragraph"`` or
    ``"sentences"`` (windows of ``window`` sentences within a document). Paragraphs of web texts are
    short (a median of about 20 feature words): too few co-occurrences for a topic model, which then
    sorts units by their rare words instead of by subject; passages of about 100 words are long
    enough and still follow a long document's changes of subject. Words more frequent in general German than ``max_zipf`` on wordfreq's Zipf scale
    (5.5: "mehr", "gehen", "gut", "schon"; ``None`` keeps all) are left out as too generic to
    name a topic. Units with fewer than ``min_features`` features (headings, one-liners) are left out.
    """
    if unit not in ("passage", "paragraph", "sentences"):
        raise ValueError("unit must be 'passage', 'paragraph' or 'sentences'")
    out_columns = [c for c in UNIT_COLUMNS if text or c != "text"]
    empty = pd.DataFrame(
        {
            c: pd.Series(dtype="int64" if c in ("unit_id", "para_id", "sent_id", "n_content") else object)
            for c in out_columns
        }
    )
    if tokens.empty:
        return empty
    columns = ["doc_id", "para_id", "sent_id", "token_id", "token_type", "lemma", "is_content"]
    columns += (["token"] if text else []) + (["compound"] if compounds else [])
    t = tokens  # no copy: annotate() output is already in order; reordered below only if not
    missing = [c for c in columns if c not in t.columns]
    if missing:
        raise ValueError(f"topic_units: the token table lacks {', '.join(missing)}")
    doc, _ = pd.factorize(t["doc_id"], sort=True)
    if not _lex_sorted(doc, t["token_id"].to_numpy()):  # annotate() output is in this order already
        order = np.lexsort((t["token_id"].to_numpy(), doc))
        t, doc = t.iloc[order].reset_index(drop=True), doc[order]
    if unit == "paragraph":
        key = t["para_id"].to_numpy(dtype=np.int64)
    else:
        first_sent = t.groupby(doc)["sent_id"].transform("min").to_numpy(dtype=np.int64)
        key = (t["sent_id"].to_numpy(dtype=np.int64) - first_sent) // max(1, window)
    if not _lex_sorted(doc, key, t["token_id"].to_numpy()):  # units contiguous, tokens in order
        order = np.lexsort((t["token_id"].to_numpy(), key, doc))
        t, doc, key = t.iloc[order].reset_index(drop=True), doc[order], key[order]
    # features per distinct (lemma, compound): the lemma plus the lemmas of the compound's parts,
    # each in its most frequent spelling in the corpus (nouns capitalised), names left out; the
    # pairs of the content words only (the features and the spelling counts come from them)
    base = np.flatnonzero(t["is_content"].to_numpy(dtype=bool) & t["token_type"].isin(_WORDLIKE).to_numpy())
    compound = t["compound"].take(base) if compounds else pd.Series("", index=np.arange(len(base)))
    pair_codes, pairs = factorize_pairs(t["lemma"].take(base), compound)
    del compound
    excluded = {w.lower() for w in exclude}
    ok_pair = np.array([bool(_LETTERS2.search(lemma)) and lemma.lower() not in excluded for lemma, _ in pairs])
    ok_pair = ok_pair.astype(bool)
    if max_zipf is not None:
        ok_pair &= np.array([not general_zipf(lemma.lower()) > max_zipf for lemma, _ in pairs], dtype=bool)
    content = ok_pair[pair_codes]  # per content word: a feature word may come from it
    pair_n = np.bincount(pair_codes[content], minlength=len(pairs))
    pair_words = [
        [lemma]
        + [
            w
            for w in (_part_lemma(part) for part in comp.split("|") if comp)
            if _LETTERS2.search(w) and w.lower() not in excluded
        ]
        for lemma, comp in pairs
    ]
    spelling: dict[str, dict[str, int]] = {}
    for words, n in zip(pair_words, pair_n.tolist()):
        for w in words:
            counts = spelling.setdefault(w.lower(), {})
            counts[w] = counts.get(w, 0) + n
    display = {key: min(counts, key=lambda w: (-counts[w], w)) for key, counts in spelling.items()}
    pair_feat = np.array([" ".join(display[w.lower()] for w in words) for words in pair_words], dtype=object)
    has_feat = content & np.array([bool(x) for x in pair_feat], dtype=bool)[pair_codes]
    feat_pos, feat_codes = base[has_feat], pair_codes[has_feat]  # token positions and pairs of the features
    del content, has_feat, base, pair_codes
    # one pass over the sorted tokens: runs of equal (doc_id, unit) are the units
    change = (np.diff(doc) != 0) | (np.diff(key) != 0) if len(t) else np.zeros(0, dtype=bool)
    bounds = np.flatnonzero(change) + 1
    starts = np.concatenate([[0], bounds]).astype(np.int64) if len(t) else np.empty(0, dtype=np.int64)
    ends = np.concatenate([bounds, [len(t)]]).astype(np.int64) if len(t) else np.empty(0, dtype=np.int64)
    if text:
        tok_codes, tok_values = pd.factorize(t["token"].astype(str))
        tok = np.asarray(tok_values, dtype=object)[tok_codes] if len(t) else np.empty(0, dtype=object)
        del tok_codes
    pair_words = np.array([len(x.split()) for x in pair_feat], dtype=np.int64)
    f_starts, f_ends = np.searchsorted(feat_pos, starts), np.searchsorted(feat_pos, ends)
    # feature words per unit: sums over each unit's run of feature tokens (only those are kept)
    words_cum = np.concatenate([[0], np.cumsum(pair_words[feat_codes])]).astype(np.int64)
    n_features = words_cum[f_ends] - words_cum[f_starts]
    feat_only = pair_feat[feat_codes]
    del feat_codes, words_cum
    if "speaker" in t.columns:
        speaker = t["speaker"]
        if isinstance(speaker.dtype, pd.CategoricalDtype):  # its codes, not a factorized copy
            spk_codes, spk_values = speaker.cat.codes.to_numpy(), speaker.cat.categories
        else:
            spk_codes, spk_values = pd.factorize(speaker)
        spk_pos = np.flatnonzero(spk_codes >= 0)
    else:
        spk_codes, spk_values, spk_pos = np.full(len(t), -1), pd.Index([]), np.empty(0, dtype=np.int64)
    first_spk = np.searchsorted(spk_pos, starts)
    features, texts, unit_speakers = [], [], []
    for a, b, fa, fb, sp in zip(starts.tolist(), ends.tolist(), f_starts.tolist(), f_ends.tolist(), first_spk.tolist()):
        features.append(" ".join(feat_only[fa:fb]))
        if text:
            texts.append(" ".join(tok[a:b]))
        unit_speakers.append(str(spk_values[spk_codes[spk_pos[sp]]]) if sp < len(spk_pos) and spk_pos[sp] < b else None)
    n_content = np.add.reduceat(t["is_content"].to_numpy(dtype=bool), starts, dtype=np.int64) if len(t) else np.empty(0)
    # the units' first rows taken before converting: a categorical doc_id turned into an array
    # whole would make one Python string per token
    out = pd.DataFrame(
        {
            "doc_id": t["doc_id"].iloc[starts].to_numpy(),
            "_unit": key[starts],
            "para_id": t["para_id"].to_numpy()[starts],
            "sent_id": t["sent_id"].to_numpy()[starts],
            "speaker": pd.Series(unit_speakers, dtype="str"),
            "n_content": n_content,
            "features": features,
            **({"text": texts} if text else {}),
        }
    )
    if unit == "passage":
        out, n_features = _passages(out, n_features, size=passage_size)
    out = out[n_features >= min_features].reset_index(drop=True)
    if out.empty:
        return empty
    out.insert(0, "unit_id", np.arange(len(out), dtype="int64"))
    for c in ("para_id", "sent_id", "n_content"):
        out[c] = out[c].astype("int64")
    return out[out_columns]


def _lex_sorted(*keys: np.ndarray) -> bool:
    """Whether the rows are in ascending order of ``keys`` (the first the most significant; ties
    allowed): then a stable sort (``np.lexsort``) would leave every row where it is. Checked in one
    pass, without the sort's index arrays."""
    if len(keys[0]) < 2:
        return True
    tied = np.ones(len(keys[0]) - 1, dtype=bool)
    for k in keys:
        step = np.diff(k)
        if (step[tied] < 0).any():
            return False
        tied &= step == 0
    return True


PASSAGE_SIZE = 100  # feature words per passage at most needed (a short web page is one passage)
PASSAGE_TARGET_UNITS = 30  # smaller corpora get shorter passages, so that k can still be selected


def passage_size(total_features: int) -> int:
    """Feature words a passage needs: :data:`PASSAGE_SIZE`, or less when the corpus has fewer than
    :data:`PASSAGE_TARGET_UNITS` × that many (so that a small corpus still has about 30 units, three
    per topic for k up to 10); at least 1."""
    return int(max(1, min(PASSAGE_SIZE, total_features // PASSAGE_TARGET_UNITS)))


def _passages(paragraphs: pd.DataFrame, n_features: np.ndarray, *, size: int | None) -> tuple[pd.DataFrame, np.ndarray]:
    """Join consecutive paragraph units of a document until each has at least ``size`` features; a
    shorter rest at the end of a document joins the passage before it."""
    n_features = np.asarray(n_features, dtype=np.int64)
    if paragraphs.empty:
        return paragraphs, n_features
    size = passage_size(int(n_features.sum())) if size is None else max(1, int(size))
    # a passage never crosses a document or a change of speaker (a dialogue's turns stay apart)
    key = pd.factorize(pd.MultiIndex.from_arrays([paragraphs["doc_id"], paragraphs["speaker"].fillna("")]))[0]
    block = np.concatenate([[0], np.cumsum(np.diff(key) != 0)]) if len(key) else key
    group = np.empty(len(paragraphs), dtype=np.int64)
    g, run, prev, full = -1, 0, -1, True
    for i, (b, n) in enumerate(zip(block.tolist(), n_features.tolist())):
        if b != prev or full:
            g, run, prev, full = g + 1, 0, b, False
        group[i] = g
        run += n
        full = run >= size
    # a short rest at the end of a block joins the passage before it in the same block
    sums = np.bincount(group, weights=n_features).astype(np.int64)
    block_of = np.zeros(len(sums), dtype=np.int64)
    block_of[group] = block
    remap = np.arange(len(sums))
    for j in range(1, len(sums)):
        last_of_block = j + 1 == len(sums) or block_of[j + 1] != block_of[j]
        if sums[j] < size and last_of_block and block_of[j - 1] == block_of[j]:
            remap[j] = remap[j - 1]
    group = remap[group]
    group = pd.factorize(group)[0]
    grouped = paragraphs.groupby(group, sort=True)
    out = pd.DataFrame(
        {
            "doc_id": grouped["doc_id"].first().to_numpy(),
            "_unit": grouped["_unit"].first().to_numpy(),
            "para_id": grouped["para_id"].first().to_numpy(),
            "sent_id": grouped["sent_id"].first().to_numpy(),
            "speaker": grouped["speaker"].first().to_numpy(),
            "n_content": grouped["n_content"].sum().to_numpy(),
            "features": grouped["features"].agg(lambda x: " ".join(v for v in x if v)).to_numpy(),
            **({"text": grouped["text"].agg(" ".join).to_numpy()} if "text" in paragraphs.columns else {}),
        }
    )
    return out, np.bincount(group, weights=n_features).astype(np.int64)


@lru_cache(maxsize=200_000)
def _part_lemma(part: str) -> str:
    """The lemma of a compound part (``Themen`` → ``Thema``, ``Kunden`` → ``Kunde``), capitalised
    like the part; the part itself when the lemmatiser knows no other form (remembered between
    runs: :mod:`analysis.annotate.memo`)."""
    from ..annotate.memo import remembered

    return remembered("topics.part_lemma", part, _lemma_like)


def _lemma_like(part: str) -> str:
    from ..annotate.pipeline import _lemmatize

    lemma = _lemmatize(part) or part
    return lemma[:1].upper() + lemma[1:] if part[:1].isupper() else lemma


def corpus_names(corpus) -> frozenset[str]:
    """The words of the person names the corpus itself names: ``authors``, ``speakers`` and
    ``interviewer`` of the documents, paragraph speakers and speaker labels, quote speakers
    (``Sören Stamer`` → ``Sören``, ``Stamer``). :func:`topic_units` leaves them out of the topic
    features (``exclude=``), so that a topic is not named after the person who speaks most."""
    values: list[str] = []
    docs = corpus.documents
    for col in ("authors", "speakers", "interviewer"):
        if col in docs.columns:
            values += [v for x in docs[col].dropna().astype(str) for v in x.split(";")]
    for frame, cols in ((corpus.paragraphs, ("speaker", "label")), (corpus.quotes, ("speaker",))):
        for col in cols:
            if col in frame.columns:
                values += frame[col].dropna().astype(str).tolist()
    words = set()
    for v in values:
        for w in re.findall(r"[^\W\d_][\w'’-]*", v):
            if w[:1].isupper() and len(w) > 1:
                words.add(w.strip("-'’"))
                words.add(w.strip("-'’").lower().capitalize())
    return frozenset(words)


def _vectorizer(*, tfidf: bool, min_df: int | float, max_df: float):
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

    cls = TfidfVectorizer if tfidf else CountVectorizer
    kwargs = {"sublinear_tf": True} if tfidf else {}
    return cls(analyzer=str.split, min_df=min_df, max_df=max_df, **kwargs)


def _fit_matrix(units: pd.DataFrame, *, tfidf: bool, min_df, max_df):
    """Document-term matrix; relaxes min_df/max_df for tiny corpora instead of failing."""
    for mdf, xdf in ((min_df, max_df), (1, max_df), (1, 1.0)):
        vec = _vectorizer(tfidf=tfidf, min_df=mdf, max_df=xdf)
        try:
            X = vec.fit_transform(units["features"])
        except ValueError:  # empty vocabulary after pruning
            continue
        if X.shape[1] >= 2:
            return vec, X
    raise ValueError("too few distinct words in the units for a topic model")


def sample_units(units: pd.DataFrame, max_units: int | None, *, random_state: int = 0) -> pd.DataFrame:
    """At most ``max_units`` units, a uniform random sample without replacement (in unit order,
    reproducible with ``random_state``); all units when there are not more (or ``max_units`` is None)."""
    if max_units is None or len(units) <= max_units:
        return units
    rng = np.random.default_rng(random_state)
    return units.iloc[np.sort(rng.choice(len(units), size=max_units, replace=False))]


@dataclass
class TopicModel:
    """NMF (on TF-IDF) or LDA (on counts) with scikit-learn's estimators; ``fit`` / ``transform``.

    After :meth:`fit`: ``terms_`` (vocabulary), ``components_`` (topics × terms, rows sum to 1),
    ``names_`` (topic name = top three terms). ``max_units``: fit on a random sample of at most
    that many units (:func:`sample_units`, seeded by ``random_state``) — topics of a large corpus
    are stable long before every paragraph is seen; :meth:`transform` still takes every unit.
    """

    k: int
    method: str = "nmf"
    random_state: int = 0
    min_df: int | float = 2
    max_df: float = 0.9
    max_iter: int = 400
    max_units: int | None = None
    init: str = "nndsvd"
    terms_: np.ndarray = field(init=False, repr=False, default=None)
    components_: np.ndarray = field(init=False, repr=False, default=None)
    names_: list[str] = field(init=False, repr=False, default_factory=list)

    def fit(self, units: pd.DataFrame) -> TopicModel:
        if self.method not in ("nmf", "lda"):
            raise ValueError("method must be 'nmf' or 'lda'")
        if self.k < 1:
            raise ValueError("k must be at least 1")
        units = sample_units(units, self.max_units, random_state=self.random_state)
        self._vec, X = _fit_matrix(units, tfidf=self.method == "nmf", min_df=self.min_df, max_df=self.max_df)
        if self.method == "nmf":
            from sklearn.decomposition import NMF

            init = self.init if self.k <= min(X.shape) else "random"
            self._est = NMF(
                n_components=self.k, init=init, random_state=self.random_state, max_iter=self.max_iter, tol=1e-3
            )
            with _quiet_convergence():
                self._est.fit(X)
        else:
            from sklearn.decomposition import LatentDirichletAllocation

            self._est = LatentDirichletAllocation(
                n_components=self.k, learning_method="batch", max_iter=20, random_state=self.random_state
            )
            self._est.fit(X)
        comp = np.asarray(self._est.components_, dtype=float)
        sums = comp.sum(axis=1, keepdims=True)
        self.components_ = np.divide(comp, sums, out=np.zeros_like(comp), where=sums > 0)
        self.terms_ = self._vec.get_feature_names_out()
        self.names_ = [" · ".join(self.terms_[np.argsort(-row, kind="stable")[:3]]) for row in self.components_]
        return self

    def _check(self) -> None:
        if self.components_ is None:
            raise RuntimeError("call fit() first")

    def top_terms(self, n: int = 10) -> pd.DataFrame:
        """``topic_id, model, rank, term, weight`` (weight: share of the topic's term mass)."""
        self._check()
        rows = []
        for topic_id, row in enumerate(self.components_):
            order = np.argsort(-row, kind="stable")[:n]
            for rank, j in enumerate(order, start=1):
                if row[j] > 0:
                    rows.append((topic_id, self.method, rank, str(self.terms_[j]), float(row[j])))
        return pd.DataFrame(rows, columns=["topic_id", "model", "rank", "term", "weight"])

    def transform(self, units: pd.DataFrame) -> pd.DataFrame:
        """``unit_id, topic_id, weight`` with each unit's weights summing to 1 (0 for empty units)."""
        self._check()
        W = np.asarray(self._est.transform(self._vec.transform(units["features"])), dtype=float)
        sums = W.sum(axis=1, keepdims=True)
        W = np.divide(W, sums, out=np.zeros_like(W), where=sums > 0)
        return pd.DataFrame(
            {
                "unit_id": np.repeat(units["unit_id"].to_numpy(), self.k),
                "topic_id": np.tile(np.arange(self.k), len(units)),
                "weight": W.ravel(),
            }
        )


def npmi_coherence(top_terms: pd.DataFrame, units: pd.DataFrame, *, n: int = 10) -> pd.DataFrame:
    """NPMI coherence per topic: ``topic_id, coherence``.

    For each pair of a topic's top ``n`` terms, NPMI = log(p(a,b) / (p(a) p(b))) / −log p(a,b),
    with probabilities the share of units containing the words; −1 when the pair never co-occurs,
    pairs with an unseen word are skipped. The topic's coherence is the mean over pairs.
    """
    from sklearn.feature_extraction.text import CountVectorizer

    N = len(units)
    ordered = top_terms.sort_values(["topic_id", "rank"])
    vocab = sorted(set(ordered["term"].astype(str)))
    if N and vocab:  # units × top terms (present or not), once for all topics
        B = CountVectorizer(analyzer=str.split, vocabulary=vocab, binary=True).transform(units["features"])
        B = B.tocsc()
    col = {w: i for i, w in enumerate(vocab)}
    rows = []
    for topic_id, grp in ordered.groupby("topic_id", sort=True):
        words = list(grp["term"])[:n]
        idx = [col[w] for w in words]
        sub = B[:, idx] if N and vocab else None
        df = np.asarray(sub.sum(axis=0)).ravel() if sub is not None else np.zeros(len(words))
        co = (sub.T @ sub).toarray() if sub is not None else np.zeros((len(words), len(words)))
        vals = []
        for x, y in itertools.combinations(range(len(words)), 2):
            pa, pb = df[x] / N, df[y] / N
            if pa == 0 or pb == 0:
                continue
            pab = co[x, y] / N
            if pab == 0:
                vals.append(-1.0)
            elif pab == 1.0:
                vals.append(1.0)
            else:
                vals.append(np.log(pab / (pa * pb)) / -np.log(pab))
        rows.append((topic_id, float(np.mean(vals)) if vals else np.nan))
    return pd.DataFrame(rows, columns=["topic_id", "coherence"])


def _jaccard(a: Iterable[str], b: Iterable[str]) -> float:
    a, b = set(a), set(b)
    return len(a & b) / len(a | b) if a | b else 0.0


def stability(
    units: pd.DataFrame,
    k: int,
    *,
    method: str = "nmf",
    seeds: Iterable[int] = range(1, 5),
    n: int = 10,
    sample: float = 0.8,
    reference: TopicModel | None = None,
    random_state: int = 0,
) -> float:
    """Mean one-to-one matched Jaccard overlap of top-``n`` terms between the model fitted on all
    units (``reference``, fitted here when not given) and models fitted on random ``sample``
    shares of the units, one per seed (the seed also seeds the model). 1 = the same topics every
    time; topics that depend on chance or on a few units score low (Greene et al. 2014)."""
    from scipy.optimize import linear_sum_assignment

    ref_model = reference or TopicModel(k, method=method, random_state=random_state).fit(units)
    ref = [list(g["term"]) for _, g in ref_model.top_terms(n).groupby("topic_id", sort=True)]
    scores = []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        size = max(k + 1, int(round(sample * len(units))))
        if size >= len(units):  # too few units to subsample: stability cannot be measured
            return float("nan")
        sub = units.iloc[np.sort(rng.choice(len(units), size=size, replace=False))]
        try:
            run = TopicModel(k, method=method, random_state=seed).fit(sub).top_terms(n)
        except ValueError:
            continue
        other = [list(g["term"]) for _, g in run.groupby("topic_id", sort=True)]
        sim = np.array([[_jaccard(a, b) for b in other] for a in ref])
        r, c = linear_sum_assignment(-sim)
        scores.append(sim[r, c].sum() / max(len(ref), len(other)))
    return float(np.mean(scores)) if scores else float("nan")


def _labels(model: TopicModel, units: pd.DataFrame) -> np.ndarray:
    """Each unit's dominant topic (the first on ties; -1 for a unit with no weight)."""
    W = np.asarray(model._est.transform(model._vec.transform(units["features"])), dtype=float)
    return np.where(W.max(axis=1) > 0, W.argmax(axis=1), -1) if W.size else np.zeros(0, dtype=int)


def _stabilities(
    units: pd.DataFrame, k: int, reference: TopicModel, *, method: str, seeds: Iterable[int], n: int, sample: float
) -> tuple[float, float]:
    """(agreement, term stability) of refits on random ``sample`` shares of the units, one per seed.

    *Agreement*: adjusted Rand index between the units' dominant topics in the reference model and
    in the refit, over the units of the subsample (clustering stability: Ben-Hur, Elisseeff & Guyon
    2002; Lange, Roth, Braun & Buhmann 2004). A k above the number of subjects splits a subject
    differently from one subsample to the next, a k below it merges different pairs: either way
    agreement drops. *Term stability*: one-to-one matched Jaccard overlap of the top-``n`` terms
    (Greene, O'Callaghan & Cunningham 2014)."""
    from scipy.optimize import linear_sum_assignment
    from sklearn.metrics import adjusted_rand_score

    ref_terms = [list(g["term"]) for _, g in reference.top_terms(n).groupby("topic_id", sort=True)]
    ref_labels = _labels(reference, units)
    agree, terms = [], []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        size = max(k + 1, int(round(sample * len(units))))
        if size >= len(units):  # too few units to subsample
            return float("nan"), float("nan")
        idx = np.sort(rng.choice(len(units), size=size, replace=False))
        sub = units.iloc[idx]
        try:
            run = TopicModel(k, method=method, random_state=seed, init=reference.init).fit(sub)
        except ValueError:
            continue
        agree.append(adjusted_rand_score(ref_labels[idx], _labels(run, sub)))
        other = [list(g["term"]) for _, g in run.top_terms(n).groupby("topic_id", sort=True)]
        sim = np.array([[_jaccard(a, b) for b in other] for a in ref_terms])
        r, c = linear_sum_assignment(-sim)
        terms.append(sim[r, c].sum() / max(len(ref_terms), len(other)))
    mean = lambda v: float(np.mean(v)) if v else float("nan")  # noqa: E731
    return mean(agree), mean(terms)


def _nndsvd(svd: tuple, k: int, *, fill: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """NNDSVD start (Boutsidis & Gallopoulos 2008) for k topics from a truncated SVD ``(U, S, Vt)``
    of at least k components, as scikit-learn's ``init="nndsvd"`` computes it; with ``fill`` the
    zeros are set to it (``"nndsvda"``: the mean of X). One SVD serves every k."""
    U, S, Vt = svd
    W, H = np.zeros((U.shape[0], k)), np.zeros((k, Vt.shape[1]))
    W[:, 0] = np.sqrt(S[0]) * np.abs(U[:, 0])
    H[0, :] = np.sqrt(S[0]) * np.abs(Vt[0, :])
    for j in range(1, k):
        x, y = U[:, j], Vt[j, :]
        xp, yp, xn, yn = np.maximum(x, 0), np.maximum(y, 0), np.abs(np.minimum(x, 0)), np.abs(np.minimum(y, 0))
        xpn, ypn, xnn, ynn = (float(np.linalg.norm(v)) for v in (xp, yp, xn, yn))
        mp, mn = xpn * ypn, xnn * ynn
        if mp > mn:
            u, v, sigma = xp / xpn, yp / ypn, mp
        elif mn > 0:
            u, v, sigma = xn / xnn, yn / ynn, mn
        else:
            continue
        lbd = np.sqrt(S[j] * sigma)
        W[:, j], H[j, :] = lbd * u, lbd * v
    W[W < 1e-6], H[H < 1e-6] = 0, 0
    if fill is not None:
        W[W == 0], H[H == 0] = fill, fill
    return W, H


@contextmanager
def _quiet_convergence() -> Iterator[None]:
    """NMF's ConvergenceWarning silenced: a fit still moving after ``max_iter`` iterations is used as
    it is (the choice of k judges every fit by its coherence and its stability across refits), so the
    warning would only be noise in the report's output."""
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def _nmf_fit(X, svd: tuple, k: int, *, init: str, random_state: int) -> tuple[np.ndarray, np.ndarray]:
    """(W, H) of NMF at k on X (the settings of :class:`TopicModel`), started from :func:`_nndsvd`."""
    from sklearn.decomposition import NMF

    W0, H0 = _nndsvd(svd, k, fill=float(X.mean()) if init == "nndsvda" else None)
    est = NMF(n_components=k, init="custom", random_state=random_state, max_iter=400, tol=1e-3)
    with _quiet_convergence():
        W = est.fit_transform(X, W=W0, H=H0)
    return np.asarray(W, dtype=float), np.asarray(est.components_, dtype=float)


def _argmax_labels(W: np.ndarray, X=None, H: np.ndarray | None = None) -> np.ndarray:
    """Each unit's dominant topic: the largest weight in W; for a unit that NMF left at zero weight,
    the topic whose term weights are most similar to its words (X · Hᵀ); -1 when it shares no word
    with any topic (a subject that k is too small to hold)."""
    if not W.size:
        return np.zeros(0, dtype=int)
    labels = np.where(W.max(axis=1) > 0, W.argmax(axis=1), -1)
    zero = np.flatnonzero(labels < 0)
    if len(zero) and X is not None and H is not None:
        sims = np.asarray(X[zero] @ H.T)
        labels[zero] = np.where(sims.max(axis=1) > 0, sims.argmax(axis=1), -1)
    return labels


def _top_lists(H: np.ndarray, terms: np.ndarray, n: int) -> list[list[str]]:
    return [[str(terms[j]) for j in np.argsort(-row, kind="stable")[:n] if row[j] > 0] for row in H]


def _unit_silhouette(X, labels: np.ndarray) -> float:
    """Mean cosine silhouette of the units by dominant topic, where a unit without a topic (-1:
    it shares no word with any topic) counts 0: those units are not a group the model found."""
    from sklearn.metrics import silhouette_samples

    values = silhouette_samples(X, labels, metric="cosine")
    return float(np.where(labels >= 0, values, 0.0).mean())


def _select_nmf(
    units: pd.DataFrame,
    ks: list[int],
    *,
    seeds: list[int],
    n: int,
    init: str,
    sample: float,
    random_state: int,
    helper=None,
) -> list[tuple]:
    """The NMF rows of :func:`select_k`, computed on one TF-IDF matrix: the units' matrix and one
    truncated SVD of it and of each subsample (rows of the same matrix) serve every k, which gives
    the same topics as fitting :class:`TopicModel` per k and subsample at a fraction of the cost.

    With ``helper`` (an :class:`analysis.topics.helper.Helper`), the largest ks are computed there, from the same units
    by the same function, while this process computes the others: the same rows."""
    options = {"seeds": seeds, "n": n, "init": init, "sample": sample, "random_state": random_state}
    if helper is None or len(ks) < 4:
        return _nmf_rows(units, ks, **options)
    there = _helper_share(ks)
    job = helper.submit(_nmf_rows, _features_only(units), there, all_ks=ks, **options)
    here = _nmf_rows(units, [k for k in ks if k not in there], all_ks=ks, **options)
    rows = here + job.result()
    return sorted(rows, key=lambda row: ks.index(row[1]))


def _helper_share(ks: list[int]) -> list[int]:
    """The ks the helper process fits: the largest, about 55 % of the work (a fit costs about k;
    this process also starts the sections' other work sooner)."""
    share, work, total = [], 0, sum(ks)
    for k in sorted(ks, reverse=True):
        if work >= 0.55 * total or len(share) == len(ks) - 1:
            break
        share.append(k)
        work += k
    return sorted(share)


def _features_only(units: pd.DataFrame) -> pd.DataFrame:
    """What the selection and the LDA comparison read of the units (their features), to send to
    the helper process."""
    return units[["features"]].reset_index(drop=True)


def _nmf_rows(
    units: pd.DataFrame,
    ks: list[int],
    *,
    seeds: list[int],
    n: int,
    init: str,
    sample: float,
    random_state: int,
    all_ks: list[int] | None = None,
) -> list[tuple]:
    """The NMF rows of :func:`select_k` for ``ks``, part of the candidates ``all_ks`` (default: ``ks``
    are all of them; see :func:`_select_nmf`)."""
    from scipy.optimize import linear_sum_assignment
    from sklearn.metrics import adjusted_rand_score
    from sklearn.utils.extmath import randomized_svd

    probe = TopicModel(2, random_state=random_state)
    try:
        vec, X = _fit_matrix(units, tfidf=True, min_df=probe.min_df, max_df=probe.max_df)
    except ValueError:
        return []
    terms = vec.get_feature_names_out()
    feasible = [k for k in (all_ks or ks) if k <= min(X.shape)]
    ks = [k for k in ks if k in feasible]
    if not ks:
        return []
    kmax = max(feasible)  # the SVDs (the NMF starts) have this many components, whichever ks are fitted here
    svd = randomized_svd(X, kmax, random_state=random_state)
    subs = []
    size = int(round(sample * X.shape[0]))
    for seed in seeds:
        if size >= X.shape[0] or size <= kmax:
            break
        idx = np.sort(np.random.default_rng(seed).choice(X.shape[0], size=size, replace=False))
        Xs = X[idx]
        subs.append((seed, idx, Xs, randomized_svd(Xs, kmax, random_state=seed)))
    rows = []
    for k in ks:
        W, H = _nmf_fit(X, svd, k, init=init, random_state=random_state)
        labels = _argmax_labels(W, X, H)
        ref_terms = _top_lists(H, terms, n)
        top = pd.DataFrame(
            [(t, r, w) for t, words in enumerate(ref_terms) for r, w in enumerate(words, start=1)],
            columns=["topic_id", "rank", "term"],
        )
        coh = npmi_coherence(top, units, n=n)["coherence"].mean()
        has = np.diff(X.indptr) > 0  # units with a word of the vocabulary
        n_groups = len(set(labels[has].tolist()))
        sil = _unit_silhouette(X[has], labels[has]) if 2 <= n_groups < int(has.sum()) else float("nan")
        agree, stab = [], []
        for seed, idx, Xs, svd_s in subs:
            Ws, Hs = _nmf_fit(Xs, svd_s, k, init=init, random_state=seed)
            ls = _argmax_labels(Ws, Xs, Hs)
            seen = has[idx]  # a unit without a word of the vocabulary has no topic in any fit
            agree.append(adjusted_rand_score(labels[idx][seen], ls[seen]))
            other = _top_lists(Hs, terms, n)
            sim = np.array([[_jaccard(a, b) for b in other] for a in ref_terms])
            r, c = linear_sum_assignment(-sim)
            stab.append(sim[r, c].sum() / max(len(ref_terms), len(other)))
        mean = lambda v: float(np.mean(v)) if v else float("nan")  # noqa: E731
        rows.append(("nmf", k, float(coh), mean(stab), mean(agree), sil, topic_diversity(top, n=n)))
    return rows


def _silhouette(units: pd.DataFrame, model: TopicModel) -> float:
    """Silhouette (cosine) of the units' TF-IDF vectors grouped by dominant topic; NaN below 2 groups."""
    from sklearn.metrics import silhouette_score

    labels = _labels(model, units)
    if len(set(labels.tolist())) < 2 or len(set(labels.tolist())) >= len(labels):
        return float("nan")
    return float(silhouette_score(model._vec.transform(units["features"]), labels, metric="cosine"))


def topic_diversity(top_terms: pd.DataFrame, *, n: int = 10) -> float:
    """Share of distinct words among all topics' top-``n`` terms (Dieng, Ruiz & Blei 2020): 1 when
    no two topics share a top term, low when topics repeat each other."""
    top = top_terms[top_terms["rank"] <= n]
    return float(top["term"].nunique() / len(top)) if len(top) else float("nan")


CRITERIA = ("agreement", "agreement_silhouette", "silhouette", "coherence_stability")
SELECTION_COLUMNS = (
    "model",
    "k",
    "coherence",
    "stability",
    "agreement",
    "silhouette",
    "diversity",
    "combined",
    "chosen",
)


def select_k(
    units: pd.DataFrame,
    *,
    ks: Iterable[int] = range(2, 13),
    methods: Iterable[str] = ("nmf",),
    seeds: Iterable[int] = range(1, 6),
    n: int = 10,
    random_state: int = 0,
    max_units: int | None = None,
    init: str = "nndsvd",
    criterion: str = "agreement_silhouette",
    _helper=None,
) -> pd.DataFrame:
    """``model, k, coherence, stability, agreement, silhouette, diversity, combined, chosen`` for
    each method and feasible k (2 ≤ k ≤ number of units / 3; a topic needs several units).

    The model fitted on all units is refitted on 90 % subsamples (one per seed; with 80 % a corpus
    of a dozen units lost too many of them for the groups to come back). ``agreement`` is
    the adjusted Rand index of the units' dominant topics between the full fit and each refit
    (:func:`_stabilities`), ``silhouette`` the cosine silhouette of the units' TF-IDF vectors
    grouped by dominant topic. ``combined`` = agreement × silhouette (both clipped at 0) decides:
    the k with the highest combined (rounded to two decimals; the smaller k on ties) is ``chosen``.
    The other columns describe the topics and do not decide: ``coherence`` (mean NPMI of the top
    terms, :func:`npmi_coherence`), ``stability`` (matched top-term overlap of the refits, Greene
    et al. 2014) and ``diversity`` (:func:`topic_diversity`).

    Why this criterion: NPMI coherence and term stability both favour few broad topics (a corpus of
    eight subjects got k = 2 from their mean); agreement alone can also reward k = 2 when one subject
    stands apart (the same 20/5 split comes back from every subsample); silhouette alone keeps rising
    past the number of subjects on sparse TF-IDF. Their product needs both: groups that come back on
    other samples and groups that are apart.

    ``criterion`` names what ``combined`` is, for comparison: ``"agreement_silhouette"`` (the
    default), ``"agreement"``, ``"silhouette"``, or ``"coherence_stability"`` (the mean of (coherence + 1) / 2 and stability,
    this module's criterion before agreement).

    Empty table when there are fewer than 6 units. ``max_units``: select on a random sample of at
    most that many units (:func:`sample_units`), which keeps the 6 × |ks| model fits of a large
    corpus affordable; the sample decides k, the final model can then be fitted on more units."""
    if criterion not in CRITERIA:
        raise ValueError(f"criterion must be one of {', '.join(CRITERIA)}")
    cols = list(SELECTION_COLUMNS)
    units = sample_units(units, max_units, random_state=random_state)
    seeds = [random_state + s for s in seeds]
    rows = []
    ks = [k for k in ks if 2 <= k <= len(units) // 3]
    for method in methods:
        if method == "nmf":
            rows += _select_nmf(
                units, ks, seeds=seeds, n=n, init=init, sample=0.9, random_state=random_state, helper=_helper
            )
            continue
        for k in ks:
            try:
                model = TopicModel(k, method=method, random_state=random_state, init=init).fit(units)
            except ValueError:
                continue
            if k > len(model.terms_):
                continue
            top = model.top_terms(n)
            coh = npmi_coherence(top, units, n=n)["coherence"].mean()
            agree, stab = _stabilities(units, k, model, method=method, seeds=seeds, n=n, sample=0.9)
            rows.append((method, k, float(coh), stab, agree, _silhouette(units, model), topic_diversity(top, n=n)))
    out = pd.DataFrame(rows, columns=cols[:7])
    if out.empty:
        dtypes = (object, "int64", float, float, float, float, float, float, bool)
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(cols, dtypes)})
    if criterion == "agreement":
        out["combined"] = out["agreement"].fillna(-1.0)
    elif criterion == "agreement_silhouette":
        out["combined"] = out["agreement"].fillna(0.0).clip(lower=0) * out["silhouette"].fillna(0.0).clip(lower=0)
    elif criterion == "silhouette":
        out["combined"] = out["silhouette"].fillna(-1.0)
    else:
        out["combined"] = ((out["coherence"].fillna(-1) + 1) / 2 + out["stability"].fillna(0.0)) / 2
    out["chosen"] = False
    for _, grp in out.groupby("model", sort=False):
        best = grp.assign(_r=grp["combined"].round(2)).sort_values(["_r", "k"], ascending=[False, True], kind="stable")
        out.loc[best.index[0], "chosen"] = True
    return out.sort_values(["model", "k"], kind="stable").reset_index(drop=True)


def document_topics(unit_topics: pd.DataFrame, units: pd.DataFrame, *, by: By = "doc_id") -> pd.DataFrame:
    """Topic shares per document (or per ``by``, e.g. ``["doc_id", "speaker"]``): the units'
    topic weights averaged with their content-word counts as weights; ``<by>, topic_id, weight``."""
    keys = by_columns(by)
    m = unit_topics.merge(units[["unit_id", "n_content", *keys]], on="unit_id")
    m = m.dropna(subset=keys)
    m = m.assign(_w=m["weight"] * m["n_content"])
    agg = m.groupby([*keys, "topic_id"], sort=True)["_w"].sum()
    tot = agg.groupby(level=keys).transform("sum")
    out = (agg / tot.where(tot > 0, 1)).rename("weight").reset_index()
    return out.sort_values([*keys, "topic_id"], kind="stable").reset_index(drop=True)


def cluster_units(
    units: pd.DataFrame,
    *,
    n_clusters: int,
    min_df: int | float = 1,
    max_units: int | None = None,
    random_state: int = 0,
) -> pd.DataFrame:
    """k-means clustering of the units' L2-normalised TF-IDF vectors (spherical k-means: nearest
    mean by cosine; ``n_init`` 10, seeded): ``unit_id, cluster`` (clusters numbered by size, largest 0).

    A clustering beside the topics: every unit in exactly one group, whereas topics mix. Average
    linkage, used before, chained sparse TF-IDF vectors into one giant cluster (106 of 107 units of
    the shipped corpus); k-means cannot leave a cluster empty. With ``max_units`` a random sample of
    that many units (:func:`sample_units`) is clustered and every other unit joins the cluster whose
    mean vector is most similar (cosine)."""
    from sklearn.cluster import KMeans
    from sklearn.preprocessing import normalize

    if len(units) < 2:
        return pd.DataFrame({"unit_id": units["unit_id"].to_numpy(), "cluster": np.zeros(len(units), dtype="int64")})
    sample = sample_units(units, max_units, random_state=random_state)
    vec, X = _fit_matrix(sample, tfidf=True, min_df=min_df, max_df=1.0)
    Xn = normalize(X)
    n_clusters = max(1, min(n_clusters, len(sample)))
    km = KMeans(n_clusters=n_clusters, n_init=10, random_state=random_state).fit(Xn)
    labels = km.labels_
    if len(sample) < len(units):
        centroids = normalize(km.cluster_centers_)
        sims = normalize(vec.transform(units["features"])) @ centroids.T
        sample_labels = labels
        labels = np.asarray(sims).argmax(axis=1)
        labels[units.index.get_indexer(sample.index)] = sample_labels  # the sample keeps its own clusters
    sizes = pd.Series(labels).value_counts()
    order = sorted(sizes.index, key=lambda c: (-sizes[c], int(np.min(np.nonzero(labels == c)[0]))))
    relabel = {c: i for i, c in enumerate(order)}
    return pd.DataFrame(
        {"unit_id": units["unit_id"].to_numpy(), "cluster": np.array([relabel[c] for c in labels], dtype="int64")}
    )


def unit_map(units: pd.DataFrame, *, random_state: int = 0) -> pd.DataFrame:
    """2-D coordinates of the units (truncated SVD of L2-normalised TF-IDF, i.e. LSA):
    ``unit_id, x, y``; signs fixed so that reruns give the same picture."""
    from sklearn.decomposition import TruncatedSVD

    if len(units) < 3:
        return pd.DataFrame(
            {"unit_id": units["unit_id"].to_numpy(), "x": np.zeros(len(units)), "y": np.zeros(len(units))}
        )
    _, X = _fit_matrix(units, tfidf=True, min_df=1, max_df=1.0)
    n_comp = min(2, X.shape[1] - 1, X.shape[0] - 1)
    Z = TruncatedSVD(n_components=max(1, n_comp), algorithm="arpack", random_state=random_state).fit_transform(X)
    if Z.shape[1] < 2:
        Z = np.column_stack([Z, np.zeros(len(Z))])
    for j in range(2):  # deterministic orientation: the largest |value| is positive
        if Z[np.argmax(np.abs(Z[:, j])), j] < 0:
            Z[:, j] = -Z[:, j]
    return pd.DataFrame({"unit_id": units["unit_id"].to_numpy(), "x": Z[:, 0], "y": Z[:, 1]})


def topic_themes(model: TopicModel, themes: dict, *, n: int = 20, min_share: float = 0.1) -> pd.DataFrame:
    """Which topic is which theme: for each topic, the share of its top-``n`` term weight that
    falls on each theme's words (terms, group terms and heads; one-word entries). ``model,
    topic_id, topic_name, theme`` (best theme, ``"none"`` below ``min_share``: what the themes
    miss), ``share`` and one ``share_<theme>`` column per theme."""
    tt = model.top_terms(n)
    vocab = {}
    for name, theme in themes.items():
        words = set(theme.terms) | set(theme.heads)
        for g in theme.groups:
            words |= set(g.terms) | set(g.heads)
        vocab[name] = {w.lower() for w in words if " " not in w}
    rows = []
    for topic_id, grp in tt.groupby("topic_id", sort=True):
        total = grp["weight"].sum() or 1.0
        shares = {
            name: float(grp.loc[grp["term"].str.lower().isin(words), "weight"].sum() / total)
            for name, words in vocab.items()
        }
        best = max(shares, key=lambda k: (shares[k], -list(shares).index(k))) if shares else "none"
        share = shares.get(best, 0.0)
        row = {
            "model": model.method,
            "topic_id": int(topic_id),
            "topic_name": model.names_[int(topic_id)],
            "theme": best if share >= min_share else "none",
            "share": share,
        }
        row.update({f"share_{k}": v for k, v in shares.items()})
        rows.append(row)
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# report (python -m analysis run)


def topic_tables(
    tokens: pd.DataFrame,
    *,
    themes: dict | None = None,
    exclude: Iterable[str] = (),
    caps: Caps = CAPS,
    ks: Iterable[int] = range(2, 13),
    random_state: int = 0,
) -> dict[str, pd.DataFrame]:
    """The topic tables of the report: ``topic_selection`` (model, k, coherence, stability,
    agreement, silhouette, diversity, combined, chosen), ``topics`` (topic_id, model, rank, term,
    weight), ``document_topics`` (doc_id, model, topic_id, topic_name, weight), ``topic_themes``
    (the share of each topic's top terms in each of ``themes``) and ``unit_topics`` (unit_id,
    doc_id, para_id, speaker, topic_nmf, topic_lda, cluster, x, y). Floats rounded to 6.

    Units are passages of paragraphs (:func:`topic_units`) without the words in ``exclude`` (e.g.
    :func:`corpus_names`). Large corpora stay affordable through ``caps`` (k chosen on a sample of
    ``select_units``, models fitted on ``fit_units`` / ``lda_units`` and applied to every unit,
    ``cluster_units`` clustered); all samples are seeded, so reruns give the same tables."""
    ks = tuple(ks)
    with _helper_for(tokens) as helper:
        units = topic_units(tokens, exclude=exclude, text=False)
        if len(units) <= caps.select_units:  # nothing sampled: nothing to share (a small corpus)
            helper = None
        return _topic_tables(units, themes=themes, caps=caps, ks=ks, random_state=random_state, helper=helper)


def _topic_tables(
    units: pd.DataFrame, *, themes: dict | None, caps: Caps, ks: tuple[int, ...], random_state: int, helper
) -> dict[str, pd.DataFrame]:
    """:func:`topic_tables` from the units; with ``helper`` part of the selection and the LDA
    reference's scores are computed in that process (by the same functions: the same tables)."""
    sel_units = sample_units(units, caps.select_units, random_state=random_state)
    selection = select_k(sel_units, ks=ks, random_state=random_state, _helper=helper)
    res: dict[str, pd.DataFrame] = {"topic_selection": selection}
    topics, doc_topics, mapping, unit_rows = [], [], [], units[["unit_id", "doc_id", "para_id", "speaker"]].copy()
    if not selection.empty:
        k = int(selection.loc[selection["chosen"] & (selection["model"] == "nmf"), "k"].iloc[0])
        reference = None
        if helper is not None and sel_units is not units:  # the LDA reference on the sample, meanwhile
            reference = helper.submit(_lda_reference_scores, _features_only(sel_units), k, random_state=random_state)
        for method in ("nmf", "lda"):
            cap = caps.fit_units if method == "nmf" else caps.lda_units
            model = TopicModel(k, method=method, random_state=random_state, max_units=cap).fit(units)
            if method == "lda":  # LDA at the k chosen for NMF, for comparison
                top = model.top_terms(10)
                coh = float(npmi_coherence(top, units)["coherence"].mean())
                if reference is not None:
                    agree, stab, sil = reference.result()
                else:
                    agree, stab, sil = _lda_reference_scores(
                        sel_units, k, random_state=random_state, model=model if sel_units is units else None
                    )
                lda_row = pd.DataFrame(
                    [
                        {
                            "model": "lda",
                            "k": k,
                            "coherence": coh,
                            "stability": stab,
                            "agreement": agree,
                            "silhouette": sil,
                            "diversity": topic_diversity(top),
                            "combined": max(agree, 0.0) * max(sil, 0.0),
                            "chosen": True,
                        }
                    ]
                )
                res["topic_selection"] = pd.concat([selection, lda_row], ignore_index=True)
            topics.append(model.top_terms(10))
            ut = model.transform(units)
            dt = document_topics(ut, units).assign(model=method)
            dt["topic_name"] = [model.names_[i] for i in dt["topic_id"]]
            doc_topics.append(dt)
            if themes is not None:
                mapping.append(topic_themes(model, themes))
            dom = ut.sort_values(["unit_id", "weight", "topic_id"], ascending=[True, False, True]).drop_duplicates(
                "unit_id"
            )
            unit_rows = unit_rows.merge(
                dom[["unit_id", "topic_id"]].rename(columns={"topic_id": f"topic_{method}"}), on="unit_id"
            )
        clusters = cluster_units(units, n_clusters=k, max_units=caps.cluster_units, random_state=random_state)
        unit_rows = unit_rows.merge(clusters, on="unit_id")
        unit_rows = unit_rows.merge(unit_map(units, random_state=random_state), on="unit_id")
    res["topics"] = _concat_or_empty(
        topics, {"topic_id": "int64", "model": object, "rank": "int64", "term": object, "weight": float}
    )
    doc_cols = {"doc_id": object, "model": object, "topic_id": "int64", "topic_name": object, "weight": float}
    res["document_topics"] = _concat_or_empty(doc_topics, doc_cols)
    res["topic_themes"] = (
        pd.concat(mapping, ignore_index=True)
        if mapping
        else pd.DataFrame(columns=["model", "topic_id", "topic_name", "theme", "share"])
    )
    res["unit_topics"] = unit_rows.sort_values("unit_id").reset_index(drop=True)
    return {
        name: round_floats(res[name], 6)
        for name in ("topic_selection", "topics", "document_topics", "topic_themes", "unit_topics")
    }


def _concat_or_empty(frames: list[pd.DataFrame], columns: dict[str, object]) -> pd.DataFrame:
    if frames:
        return pd.concat(frames, ignore_index=True)[list(columns)]
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()})


def _lda_reference_scores(
    sel_units: pd.DataFrame, k: int, *, random_state: int, model: TopicModel | None = None
) -> tuple[float, float, float]:
    """(agreement, stability, silhouette) of the LDA row of ``topic_selection``: of ``model``, or of
    an LDA at ``k`` fitted on the selection sample, against its refits on 90 % subsamples."""
    ref = model if model is not None else TopicModel(k, method="lda", random_state=random_state).fit(sel_units)
    seeds = [random_state + s for s in range(1, 5)]
    agree, stab = _stabilities(sel_units, k, ref, method="lda", seeds=seeds, n=10, sample=0.9)
    return agree, stab, _silhouette(sel_units, ref)


# below this many tokens the helper process is not used: with notebooks the second core runs their
# kernel, and small corpora compute the whole topics section beside the others (analysis.report.worker)
HELPER_MIN_TOKENS = 1_000_000


@contextmanager
def _helper_for(tokens: pd.DataFrame) -> Iterator:
    """A :class:`analysis.topics.helper.Helper` for a corpus of at least :data:`HELPER_MIN_TOKENS`
    tokens when this process may use two cores and is not itself a worker process; else ``None``
    (everything in this process). Closed on leaving."""
    import multiprocessing

    helper = None
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if len(tokens) >= HELPER_MIN_TOKENS and cores >= 2 and multiprocessing.parent_process() is None:
        from .helper import Helper

        try:
            helper = Helper()  # started now: its start-up overlaps topic_units
        except OSError:  # no processes here: everything in this one
            helper = None
    try:
        yield helper
    finally:
        if helper is not None:
            helper.close()
