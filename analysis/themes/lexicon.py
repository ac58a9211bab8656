"""The theme lexicon: editable term lists in TOML (the packaged ``analysis/lang/de/themes.toml`` or the
user's file), checked against a schema with the line of every mistake, and the dominant-theme rules.

    >>> themes = load_themes()                      # the packaged analysis/lang/de/themes.toml
    >>> rules = load_dominant_rules(themes=themes)  # [dominant.*] labels with thresholds
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..lang import data_file, read_text

__all__ = [
    "DEFAULT_PRIOR",
    "DominantRule",
    "NONE_THEME",
    "Theme",
    "ThemeGroup",
    "ThemeLexicon",
    "default_themes_path",
    "load_dominant_rules",
    "load_themes",
]

NONE_THEME = "none"
DEFAULT_PRIOR = 50.0


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
    """The packaged ``analysis/lang/de/themes.toml`` as a file path (``None`` if the package is not
    on a file system, e.g. inside a zip)."""
    path = Path(str(data_file("themes.toml")))
    return path if path.is_file() else None


def _read_toml(path: str | os.PathLike[str] | None) -> tuple[dict, str]:
    if path is None:
        default = default_themes_path()
        if default is not None:
            return _toml_loads(default.read_text("utf-8")), str(default)
        text = read_text("themes.toml")
        return _toml_loads(text), "analysis/lang/de/themes.toml"
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
    axis = data.get("axis")
    if axis is not None and not (isinstance(axis, dict) and isinstance(axis.get("name", ""), str)):
        fail("axis", 'a table with a text `name` ([axis] name = "…")', axis)


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


class ThemeLexicon(dict):
    """``{name: Theme}`` in file order, as read from one themes file, with what else that file
    says: ``rules`` (its ``[dominant.*]`` labels, :func:`load_dominant_rules`) and ``axis_name``
    (the column name of the axis between the themes with ``axis`` +1 and -1, from ``[axis] name``;
    ``"axis"`` when the file does not name it)."""

    rules: dict[str, DominantRule]
    axis_name: str = "axis"
    source: str = ""


def load_themes(path: str | os.PathLike[str] | None = None) -> ThemeLexicon:
    """Read a themes TOML file (default: the packaged ``analysis/lang/de/themes.toml``).

    Returns a :class:`ThemeLexicon` (``{name: Theme}`` in file order, with the file's dominant
    rules and axis name). Raises ``FileNotFoundError`` / ``ValueError`` with a one-line message
    naming the file when it is missing or malformed.
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
    lexicon = ThemeLexicon(out)
    lexicon.source = where
    lexicon.axis_name = str((data.get("axis") or {}).get("name", "axis"))
    lexicon.rules = _dominant_rules(data, where, list(out))
    return lexicon


def load_dominant_rules(
    path: str | os.PathLike[str] | None = None, *, themes: dict[str, Theme] | None = None
) -> dict[str, DominantRule]:
    """The ``[dominant.*]`` labels of a themes file; without them, one label per theme (threshold 10)."""
    data, where = _read_toml(path)
    names = list(themes) if themes is not None else list(data.get("themes") or {})
    return _dominant_rules(data, where, names)


def _dominant_rules(data: dict, where: str, names: list[str]) -> dict[str, DominantRule]:
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
