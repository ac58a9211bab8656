"""Top-down themes: editable term lists (``analysis/resources/themes.toml``, or the user's file) → matches, scores, a dominant theme.

    >>> themes = load_themes()                      # the packaged analysis/resources/themes.toml
    >>> matches = match_themes(tokens, themes)      # one row per matching token
    >>> docs = document_themes(tokens, themes)      # one row per document: scores + dominant theme

Matching (:func:`match_themes`) looks at every word token three ways, strongest first, and keeps
the strongest level that matches anything:

1. *term*: the lower-cased lemma or word form, or its hyphen-separated pieces, equals a term;
   multi-word terms ("social media", "märkte sind gespräche") match consecutive words of a
   sentence, also across the pieces of hyphenated words ("Social-Media-Team");
2. *head*: the compound head (``Kundendialog`` → ``dialog``) is in the theme's ``heads``;
3. *modifier*: the first compound part (``Gesprächspartner`` → ``gespräch``) is in ``heads``.

So ``Dialogmarketing`` (a term of *marketing*) is marketing, not dialogue. Themes with
co-occurrence ``groups`` (``ceo_tweeting``: an *actor* such as CEO, Vorstand, Führungskraft and a
*channel* such as Twitter, LinkedIn, posten) only count a group word when a word of every other
group occurs within ``window`` sentences: "der Vorstand twittert" is CEO tweeting, a CEO or a
tweet alone is not.

Scores (:func:`theme_scores`) are matched tokens per 1,000 content words of the unit, with a
small pseudo-count of content words added to the denominator (``prior``, default 50) so that a
two-line paragraph with one hit does not outscore a whole article. A document's dominant theme
(:func:`document_themes`) is the label of ``[dominant.*]`` in the TOML with the highest
score / threshold, or ``"none"`` when no label reaches its threshold. The thresholds were set
from off-topic real German text (UD German GSD news/web sentences, GermEval 2017 web texts) and texts
written for the purpose, not from the seed corpus alone; see ``benchmarks/bench_themes.py``.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from .annotate import factorize_pairs

__all__ = [
    "DominantRule",
    "MATCH_COLUMNS",
    "NONE_THEME",
    "Theme",
    "ThemeGroup",
    "default_themes_path",
    "document_themes",
    "load_dominant_rules",
    "load_themes",
    "match_themes",
    "speaker_themes",
    "theme_scores",
    "unit_themes",
]

MATCH_COLUMNS = ("doc_id", "para_id", "sent_id", "token_id", "lemma", "theme", "term", "level", "group")
NONE_THEME = "none"
DEFAULT_PRIOR = 50.0
_LEVELS = ("term", "head", "modifier")


@dataclass(frozen=True)
class ThemeGroup:
    """A co-occurrence group of a theme (e.g. *actor* or *channel* of ``ceo_tweeting``)."""

    name: str
    terms: frozenset[str]
    heads: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Theme:
    """One theme of the lexicon.

    ``terms`` are lower-cased lemmas/word forms (multi-word terms with spaces) that count on their
    own; ``heads`` compound heads or modifiers that count; ``axis`` is +1 for the dialogue pole,
    -1 for the marketing pole, 0 otherwise. ``groups`` (may be empty) hold co-occurrence groups:
    their words count only when every group is present within ``window`` sentences.
    """

    name: str
    label: str
    description: str
    terms: frozenset[str]
    heads: frozenset[str]
    axis: int = 0
    groups: tuple[ThemeGroup, ...] = ()
    window: int = 1


@dataclass(frozen=True)
class DominantRule:
    """A document-level label: the sum of ``themes``' scores, compared with ``threshold``; the label
    also needs at least ``min_terms`` distinct matched terms."""

    name: str
    themes: tuple[str, ...]
    threshold: float
    min_terms: int = 1


def _toml_loads(text: str) -> dict:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    return tomllib.loads(text)


def default_themes_path() -> Path | None:
    """The packaged ``analysis/resources/themes.toml`` as a file path (``None`` if the package is not
    on a file system, e.g. inside a zip)."""
    path = Path(str(resources.files("analysis.resources").joinpath("themes.toml")))
    return path if path.is_file() else None


def _read_toml(path: str | os.PathLike[str] | None) -> tuple[dict, str]:
    if path is None:
        default = default_themes_path()
        if default is not None:
            return _toml_loads(default.read_text("utf-8")), str(default)
        text = resources.files("analysis.resources").joinpath("themes.toml").read_text("utf-8")
        return _toml_loads(text), "analysis/resources/themes.toml"
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"{p}: themes file not found")
    try:
        text = p.read_text("utf-8")
        data = _toml_loads(text)
    except Exception as exc:  # tomllib.TOMLDecodeError, UnicodeDecodeError
        raise ValueError(f"{p}: not a valid themes TOML file ({exc})") from None
    _check_schema(data, text, str(p))
    return data, str(p)


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _is_strings(v) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


# key → (check, what it must be) for [themes.*], [themes.*.groups.*] and [dominant.*]
_THEME_KEYS = {
    "label": (lambda v: isinstance(v, str), "a string"),
    "description": (lambda v: isinstance(v, str), "a string"),
    "axis": (lambda v: _is_int(v) and v in (-1, 0, 1), "-1, 0 or 1"),
    "terms": (_is_strings, "a list of strings"),
    "heads": (_is_strings, "a list of strings"),
    "groups": (lambda v: isinstance(v, dict), "a table of groups ([themes.NAME.groups.GROUP])"),
    "window": (lambda v: _is_int(v) and 1 <= v <= 1000, "a whole number of sentences from 1 to 1000"),
}
_GROUP_KEYS = {"terms": _THEME_KEYS["terms"], "heads": _THEME_KEYS["heads"]}
_DOMINANT_KEYS = {
    "themes": (_is_strings, "a list of theme names"),
    "threshold": (lambda v: _is_number(v) and 0 < v < float("inf"), "a positive number"),
    "min_terms": (lambda v: _is_int(v) and v >= 1, "a whole number of at least 1"),
}


def _check_schema(data: dict, text: str, where: str) -> None:
    """Raise ``ValueError`` naming the file, line and key of the first value of a wrong type."""

    def fail(dotted: str, must: str, value) -> None:
        line = _line_of(text, dotted)
        at = f", line {line}" if line else ""
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "…"
        raise ValueError(f"{where}{at}: {dotted} must be {must}, not {shown}")

    themes = data.get("themes")
    if themes is not None and not isinstance(themes, dict):
        fail("themes", "a table of themes ([themes.NAME])", themes)
    for name, spec in (themes or {}).items():
        if not isinstance(spec, dict):
            fail(f"themes.{name}", "a table", spec)
        for key, (ok, must) in _THEME_KEYS.items():
            if key in spec and not ok(spec[key]):
                fail(f"themes.{name}.{key}", must, spec[key])
        for gname, gspec in (spec.get("groups") or {}).items():
            if isinstance(gspec, list):
                if not _is_strings(gspec):
                    fail(f"themes.{name}.groups.{gname}", "a list of strings or a table", gspec)
                continue
            if not isinstance(gspec, dict):
                fail(f"themes.{name}.groups.{gname}", "a list of strings or a table", gspec)
            for key, (ok, must) in _GROUP_KEYS.items():
                if key in gspec and not ok(gspec[key]):
                    fail(f"themes.{name}.groups.{gname}.{key}", must, gspec[key])
    dominant = data.get("dominant")
    if dominant is not None and not isinstance(dominant, dict):
        fail("dominant", "a table of labels ([dominant.NAME])", dominant)
    for name, spec in (dominant or {}).items():
        if not isinstance(spec, dict):
            fail(f"dominant.{name}", "a table", spec)
        for key, (ok, must) in _DOMINANT_KEYS.items():
            if key in spec and not ok(spec[key]):
                fail(f"dominant.{name}.{key}", must, spec[key])


def _line_of(text: str, dotted: str) -> int | None:
    """The line (1-based) where ``dotted`` (``themes.x.axis``) is set: ``key =`` under the header
    ``[themes.x]``, a dotted key, or the header ``[themes.x]`` itself; ``None`` when not found."""
    *table, key = dotted.split(".")
    section = ""
    header = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("["):
            section = line.strip("[] ").replace('"', "").replace(" ", "")
            if section == dotted:
                header = header or number
            continue
        name = line.split("=", 1)[0].strip().replace('"', "").replace(" ", "") if "=" in line else None
        if name is None:
            continue
        full = f"{section}.{name}" if section else name
        if full == dotted or (section == ".".join(table) and name == key):
            return number
    return header


def _norm_terms(values, where: str) -> frozenset[str]:
    if values is None:
        return frozenset()
    if isinstance(values, str) or not all(isinstance(v, str) for v in values):
        raise ValueError(f"{where} must be a list of strings")
    return frozenset(" ".join(v.lower().replace("-", " ").split()) for v in values if v.strip())


def load_themes(path: str | os.PathLike[str] | None = None) -> dict[str, Theme]:
    """Read a themes TOML file (default: the packaged ``analysis/resources/themes.toml``).

    Returns ``{name: Theme}`` in file order. Raises ``FileNotFoundError`` / ``ValueError`` with a
    one-line message naming the file when it is missing or malformed.
    """
    data, where = _read_toml(path)
    table = data.get("themes")
    if not isinstance(table, dict) or not table:
        raise ValueError(f"{where}: no [themes.*] tables found")
    out: dict[str, Theme] = {}
    for name, spec in table.items():
        if not isinstance(spec, dict):
            raise ValueError(f"{where}: themes.{name} must be a table")
        groups = []
        for gname, gspec in (spec.get("groups") or {}).items():
            gspec = gspec if isinstance(gspec, dict) else {"terms": gspec}
            groups.append(
                ThemeGroup(
                    name=gname,
                    terms=_norm_terms(gspec.get("terms"), f"{where}: themes.{name}.groups.{gname}.terms"),
                    heads=_norm_terms(gspec.get("heads"), f"{where}: themes.{name}.groups.{gname}.heads"),
                )
            )
        axis = int(spec.get("axis", 0))
        if axis not in (-1, 0, 1):
            raise ValueError(f"{where}: themes.{name}.axis must be -1, 0 or 1")
        out[name] = Theme(
            name=name,
            label=str(spec.get("label", name)),
            description=str(spec.get("description", "")),
            terms=_norm_terms(spec.get("terms"), f"{where}: themes.{name}.terms"),
            heads=_norm_terms(spec.get("heads"), f"{where}: themes.{name}.heads"),
            axis=axis,
            groups=tuple(groups),
            window=int(spec.get("window", 1)),
        )
    return out


def load_dominant_rules(
    path: str | os.PathLike[str] | None = None, *, themes: dict[str, Theme] | None = None
) -> dict[str, DominantRule]:
    """The ``[dominant.*]`` labels of a themes file; without them, one label per theme (threshold 10)."""
    data, where = _read_toml(path)
    names = list(themes) if themes is not None else list(data.get("themes") or {})
    table = data.get("dominant") or {}
    if not table:
        return {n: DominantRule(n, (n,), 10.0) for n in names}
    out = {}
    for name, spec in table.items():
        members = tuple(spec.get("themes", [name]))
        unknown = [m for m in members if m not in names]
        if unknown:
            raise ValueError(f"{where}: dominant.{name} names unknown themes {unknown}")
        out[name] = DominantRule(name, members, float(spec.get("threshold", 10.0)), int(spec.get("min_terms", 1)))
    return out


# --------------------------------------------------------------------------------------------
# matching


def _index(themes: dict[str, Theme]):
    """first word → [(words, theme, group)], and head → [(theme, group)]."""
    by_first: dict[str, list[tuple[tuple[str, ...], str, str]]] = defaultdict(list)
    heads: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for theme in themes.values():
        entries = [("", theme.terms, theme.heads)] + [(g.name, g.terms, g.heads) for g in theme.groups]
        for group, terms, hs in entries:
            for term in sorted(terms):
                words = tuple(term.split())
                if words:
                    by_first[words[0]].append((words, theme.name, group))
            for h in sorted(hs):
                heads[h].append((theme.name, group))
    return by_first, heads


def _pieces(norm: str, lemma: str) -> list[frozenset[str]]:
    """Alternatives per hyphen-separated piece: word form and lemma (lower-cased)."""
    n = [p for p in norm.lstrip("#").replace("/", "-").split("-") if p]
    m = [p for p in lemma.lower().lstrip("#").replace("/", "-").split("-") if p]
    if not n:
        return []
    if len(n) == len(m):
        return [frozenset((a, b)) for a, b in zip(n, m)]
    alts = [frozenset((a,)) for a in n]
    if m:
        alts[-1] = alts[-1] | {m[-1]}
    return alts


def _flat_from(i, p, k, pieces_i, pair_pieces, pair_codes, doc, sent, n) -> list[tuple[frozenset[str], int]]:
    """Up to ``k`` (alternatives, token position) pieces of a sentence, from piece ``p`` of token ``i`` on."""
    flat = [(alts, i) for alts in pieces_i[p : p + k]]
    j = i + 1
    while len(flat) < k and j < n and doc[j] == doc[i] and sent[j] == sent[i]:
        flat.extend((alts, j) for alts in pair_pieces[pair_codes[j]][: k - len(flat)])
        j += 1
    return flat


def _modifier_forms(modifier: str) -> tuple[str, ...]:
    m = modifier.lower()
    forms = [m]
    for link in ("s", "es", "en", "n"):  # linking elements: Unternehmens-, Gesprächs-
        if m.endswith(link) and len(m) - len(link) >= 3:
            forms.append(m[: -len(link)])
    return tuple(forms)


def match_themes(tokens: pd.DataFrame, themes: dict[str, Theme] | None = None) -> pd.DataFrame:
    """One row per token that matches a theme: ``doc_id, para_id, sent_id, token_id, lemma, theme``
    plus ``term`` (the term or compound part that matched), ``level`` (term|head|modifier) and
    ``group`` (co-occurrence group, ``""`` for plain terms).

    ``tokens`` is :func:`analysis.annotate` output (needs ``norm``, ``lemma``, ``token_type``,
    ``compound_head``, ``compound_modifier``). A token matching two themes gives two rows. Sorted
    by ``doc_id, token_id, theme``.
    """
    themes = load_themes() if themes is None else themes
    empty = pd.DataFrame(
        {c: pd.Series(dtype="int64" if c.endswith("_id") and c != "doc_id" else object) for c in MATCH_COLUMNS}
    )
    if tokens.empty or not themes:
        return empty
    by_first, head_index = _index(themes)
    keep = ~tokens["token_type"].isin(("punct", "symbol", "url", "email")).to_numpy()
    columns = ["doc_id", "para_id", "sent_id", "token_id", "norm", "lemma", "compound_head", "compound_modifier"]
    words = tokens.loc[keep, columns]
    doc, _ = pd.factorize(words["doc_id"], sort=True)
    order = np.lexsort((words["token_id"].to_numpy(), doc))
    if not np.array_equal(order, np.arange(len(order))):  # annotate() output is in this order already
        words, doc = words.iloc[order], doc[order]
    sent = words["sent_id"].to_numpy()
    head_codes, heads = pd.factorize(words["compound_head"].fillna("").astype(str))
    mod_codes, mods = pd.factorize(words["compound_modifier"].fillna("").astype(str))

    # level → token position → {(theme, group, term)}
    found: list[dict[int, set[tuple[str, str, str]]]] = [defaultdict(set) for _ in _LEVELS]
    n = len(words)
    # pieces are computed once per distinct (word form, lemma); only tokens with a piece that
    # starts a term are looked at in their sentence (the few multi-word terms read on from there)
    pair_codes, pairs = factorize_pairs(words["norm"], words["lemma"])
    pair_pieces = [_pieces(norm, lemma) for norm, lemma in pairs]
    starts_term = np.array([any(alt in by_first for alts in ps for alt in alts) for ps in pair_pieces], dtype=bool)
    candidates = np.flatnonzero(starts_term[pair_codes]) if n else np.empty(0, dtype=np.int64)
    for i in candidates.tolist():
        pieces_i = pair_pieces[pair_codes[i]]
        for p, alts in enumerate(pieces_i):
            for alt in alts:
                for term_words, theme, group in by_first.get(alt, ()):
                    k = len(term_words)
                    flat = _flat_from(i, p, k, pieces_i, pair_pieces, pair_codes, doc, sent, n)
                    if len(flat) < k or any(term_words[x] not in flat[x][0] for x in range(1, k)):
                        continue
                    for x in range(k):
                        found[0][flat[x][1]].add((theme, group, " ".join(term_words)))
    # heads and modifiers: looked up once per distinct value
    head_hits = [head_index.get(h.lower(), ()) if h else () for h in heads]
    has_head = np.array([bool(h) for h in head_hits], dtype=bool)
    for i in np.flatnonzero(has_head[head_codes]).tolist() if n else []:
        h = heads[head_codes[i]]
        for theme, group in head_hits[head_codes[i]]:
            found[1][i].add((theme, group, h.lower()))
    mod_hits = [[(f, hit) for f in _modifier_forms(m) for hit in head_index.get(f, ())] if m else [] for m in mods]
    has_mod = np.array([bool(h) for h in mod_hits], dtype=bool)
    for i in np.flatnonzero(has_mod[mod_codes]).tolist() if n else []:
        for form, (theme, group) in mod_hits[mod_codes[i]]:
            found[2][i].add((theme, group, form))

    rows = []
    for i in sorted(set().union(*found)):
        level = next(lv for lv in range(len(_LEVELS)) if found[lv].get(i))
        seen = set()
        for theme, group, term in sorted(found[level][i]):
            if (theme, group) in seen:
                continue
            seen.add((theme, group))
            rows.append((i, theme, term, _LEVELS[level], group))
    if not rows:
        return empty
    pos, theme_col, term_col, level_col, group_col = zip(*rows)
    picked = words.iloc[list(pos)]
    out = pd.DataFrame(
        {
            "doc_id": picked["doc_id"].to_numpy(),
            "para_id": picked["para_id"].to_numpy(),
            "sent_id": picked["sent_id"].to_numpy(),
            "token_id": picked["token_id"].to_numpy(),
            "lemma": picked["lemma"].to_numpy(),
            "theme": theme_col,
            "term": term_col,
            "level": level_col,
            "group": group_col,
        }
    )
    out = _apply_groups(out, themes)
    # a token matched through two groups of one theme is one match
    out = out.drop_duplicates(["doc_id", "token_id", "theme"], keep="first")
    return out.sort_values(["doc_id", "token_id", "theme"], kind="stable").reset_index(drop=True)


def _apply_groups(matches: pd.DataFrame, themes: dict[str, Theme]) -> pd.DataFrame:
    """Keep a group word only when every group of its theme occurs within ``window`` sentences."""
    keep = matches["group"] == ""
    for theme in themes.values():
        if not theme.groups:
            continue
        names = [g.name for g in theme.groups]
        sel = (matches["theme"] == theme.name) & (matches["group"] != "")
        if not sel.any():
            continue
        sub = matches[sel]
        for _doc_id, part in sub.groupby("doc_id", sort=False):
            sents = {g: np.unique(part.loc[part["group"] == g, "sent_id"].to_numpy()) for g in names}
            ok = np.ones(len(part), dtype=bool)
            s = part["sent_id"].to_numpy()
            for g in names:
                if len(sents[g]) == 0:
                    ok[:] = False
                    break
                # distance to the nearest sentence holding group g
                idx = np.searchsorted(sents[g], s)
                lo = np.abs(s - sents[g][np.clip(idx - 1, 0, len(sents[g]) - 1)])
                hi = np.abs(sents[g][np.clip(idx, 0, len(sents[g]) - 1)] - s)
                ok &= np.minimum(lo, hi) <= theme.window
            keep.loc[part.index[ok]] = True
    return matches[keep]


# --------------------------------------------------------------------------------------------
# scoring


def theme_scores(
    tokens: pd.DataFrame,
    themes: dict[str, Theme] | None = None,
    *,
    by: str | list[str] = "doc_id",
    matches: pd.DataFrame | None = None,
    prior: float = DEFAULT_PRIOR,
) -> pd.DataFrame:
    """Long table: one row per unit (``by`` columns of ``tokens``) × theme with ``n_content``
    (content words), ``n_matches`` (matching tokens), ``n_terms`` (distinct matched terms) and
    ``score`` = 1000 · n_matches / (n_content + prior). Every unit gets a row for every theme."""
    themes = load_themes() if themes is None else themes
    keys = [by] if isinstance(by, str) else list(by)
    matches = match_themes(tokens, themes) if matches is None else matches
    units = tokens.groupby(keys, dropna=False, sort=True)["is_content"].sum().rename("n_content").reset_index()
    names = list(themes)
    grid = units.merge(pd.DataFrame({"theme": names}), how="cross")
    if not matches.empty:
        m = matches.merge(
            tokens[["doc_id", "token_id", *[k for k in keys if k not in matches.columns]]], on=["doc_id", "token_id"]
        )
        agg = m.groupby([*keys, "theme"], dropna=False).agg(n_matches=("token_id", "size"), n_terms=("term", "nunique"))
        grid = grid.merge(agg.reset_index(), on=[*keys, "theme"], how="left")
    else:
        grid["n_matches"] = 0
        grid["n_terms"] = 0
    grid["n_matches"] = grid["n_matches"].fillna(0).astype("int64")
    grid["n_terms"] = grid["n_terms"].fillna(0).astype("int64")
    grid["n_content"] = grid["n_content"].astype("int64")
    grid["score"] = 1000.0 * grid["n_matches"] / (grid["n_content"] + prior)
    grid["theme"] = pd.Categorical(grid["theme"], categories=names, ordered=True)
    grid = grid.sort_values([*keys, "theme"], kind="stable").reset_index(drop=True)
    grid["theme"] = grid["theme"].astype(str)
    return grid[[*keys, "theme", "n_content", "n_matches", "n_terms", "score"]]


def _wide(
    scores: pd.DataFrame, keys: list[str], themes: dict[str, Theme], rules: dict[str, DominantRule]
) -> pd.DataFrame:
    wide = scores.pivot(index=keys, columns="theme", values="score").sort_index()
    wide = wide.reindex(columns=list(themes)).fillna(0.0)
    terms = scores.pivot(index=keys, columns="theme", values="n_terms").reindex(index=wide.index, columns=list(themes))
    terms = terms.fillna(0)
    n_content = scores.groupby(keys, dropna=False, sort=True)["n_content"].first()
    out = pd.DataFrame(index=wide.index)
    out["n_content"] = n_content.reindex(wide.index).fillna(0).astype("int64")
    for t in themes:
        out[f"score_{t}"] = wide[t].to_numpy()
    num = sum(themes[t].axis * wide[t] for t in themes)
    den = sum(abs(themes[t].axis) * wide[t] for t in themes)
    out["dialogue_marketing_axis"] = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    ratios = pd.DataFrame(
        {
            r.name: (sum(wide[t] for t in r.themes) / r.threshold).where(
                sum(terms[t] for t in r.themes) >= r.min_terms, 0.0
            )
            for r in rules.values()
        },
        index=wide.index,
    )
    if len(ratios.columns):
        best = ratios.idxmax(axis=1) if len(ratios) else pd.Series(dtype=object)
        strength = ratios.max(axis=1)
    else:
        best = pd.Series(NONE_THEME, index=wide.index)
        strength = pd.Series(0.0, index=wide.index)
    out["theme"] = np.where(strength >= 1.0, best, NONE_THEME)
    out["theme_strength"] = strength.to_numpy()
    out = out.reset_index()
    return out[
        [*keys, "theme", *[f"score_{t}" for t in themes], "dialogue_marketing_axis", "theme_strength", "n_content"]
    ]


def document_themes(
    tokens: pd.DataFrame,
    themes: dict[str, Theme] | None = None,
    *,
    rules: dict[str, DominantRule] | None = None,
    matches: pd.DataFrame | None = None,
    prior: float = DEFAULT_PRIOR,
) -> pd.DataFrame:
    """One row per document: ``doc_id, theme`` (dominant label or ``"none"``), ``score_<theme>`` for
    every theme, ``dialogue_marketing_axis`` (+1 all dialogue … -1 all marketing, NaN when neither
    occurs), ``theme_strength`` (best score / threshold; ≥ 1 means assigned) and ``n_content``."""
    return unit_themes(tokens, themes, by="doc_id", rules=rules, matches=matches, prior=prior)


def unit_themes(
    tokens: pd.DataFrame,
    themes: dict[str, Theme] | None = None,
    *,
    by: str | list[str] = ("doc_id", "para_id"),
    rules: dict[str, DominantRule] | None = None,
    matches: pd.DataFrame | None = None,
    prior: float = DEFAULT_PRIOR,
) -> pd.DataFrame:
    """Like :func:`document_themes` for any unit (default: paragraphs, ``by=["doc_id", "para_id"]``)."""
    themes = load_themes() if themes is None else themes
    rules = load_dominant_rules(themes=themes) if rules is None else rules
    keys = [by] if isinstance(by, str) else list(by)
    scores = theme_scores(tokens, themes, by=keys, matches=matches, prior=prior)
    return _wide(scores, keys, themes, rules)


def speaker_themes(
    tokens: pd.DataFrame,
    themes: dict[str, Theme] | None = None,
    *,
    rules: dict[str, DominantRule] | None = None,
    matches: pd.DataFrame | None = None,
    prior: float = DEFAULT_PRIOR,
) -> pd.DataFrame:
    """:func:`unit_themes` per ``doc_id, speaker`` for the tokens that have a speaker (empty table
    with the same columns when no document has speakers)."""
    spoken = tokens[tokens["speaker"].notna() & (tokens["speaker"].astype(str) != "")]
    return unit_themes(spoken, themes, by=["doc_id", "speaker"], rules=rules, matches=matches, prior=prior)
