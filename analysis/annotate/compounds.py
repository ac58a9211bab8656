"""German compound splitting: ``Kundenbindung`` → ``Kunde | Bindung``.

A lexicon-and-frequency splitter in the manner of Koehn & Knight (2003, "Empirical methods for
compound splitting"), made strict about what may be a part:

* **Parts are free words of the German lexicon** — simplemma's German dictionary (MIT), which maps
  word forms to lemmas with their capitalisation, so it says whether a part is a noun form
  (``Kunden`` → ``Kunde``), an uninflected adjective or adverb (``geheim``, ``innen``) or a verb
  stem (``Liefer`` → ``liefern``) — of sensible frequency in wordfreq's German list (CC BY-SA 4.0).
  Prepositions, verb particles and bound affixes are never parts
  (``resources/compound_particles_de.txt``, ``resources/compound_affixes_de.txt``): ``Weiterbildung``,
  ``zugeschlagen`` and ``vergleichbar`` stay whole, a derivational suffix stays with its stem
  (``Redakteurin``, not ``Redakte|urin``).
* **Linking elements follow the paradigm**: a modifier with ``-n-``, ``-en-``, ``-er-``, ``-e-`` is
  accepted only where that form is an inflected form of the noun (``Bienen`` of ``Biene``,
  ``Kinder`` of ``Kind``); ``-s-``/``-es-`` after a noun lemma; a dropped ``-e`` is restored
  (``Hilfs-`` → ``Hilfe``, ``Miet-`` → ``Miete``). Adjectives and verb stems take no linking element
  except the verb's ``-e-`` (``Sendezeit`` → ``senden``).
* **Convention** (the one of the project's compound gold data): a modifier is given in its
  dictionary form — linking element removed, nouns capitalised, adjectives in lower case, verbs as
  infinitive (``Kundenbindung`` → ``Kunde|Bindung``, ``Lieferdienst`` → ``liefern|Dienst``); the
  **head keeps the inflection of the word** (``Präsidentenwahlen`` → ``Präsident|Wahlen``); ``ß``
  is kept.
* **Candidates**: capitalised words (nouns) and hyphenated forms; a lower-case word only as a
  compound adjective (``schmerzfrei``, ``internetbasierter``: head an adjective or participle, first
  part a noun or an adjective).
* **Names and loanwords stay whole**: a word that is used in English text (wordfreq's English list:
  ``Hoffmann``, ``Lagerfeld``), a frequent word simplemma's dictionary does not know as a common word
  (``Warendorf``), a country or territory name (CLDR via babel: ``Frankreich``), a word all of whose
  parts are English (``Playback``, ``Touchpoints``), and a hyphenated form none of whose pieces is a
  German word or an abbreviation (``Castrop-Rauxel``, ``Add-Ons``).
* Among the analyses the one with the highest mean Zipf frequency of its parts wins, minus
  :data:`PART_PENALTY` for each part beyond two; it must not fall far below the frequency of the
  whole word (:data:`WHOLE_MARGIN`), which keeps lexicalised simple words whole.
* **Linear in the input**: a closed piece longer than :data:`MAX_PIECE` letters is not analysed
  (real compounds are shorter), at most :data:`MAX_PARTS` parts; the work per piece is bounded by
  ``MAX_PIECE²`` candidate evaluations (counted in :data:`STATS` for tests).

The last part is the *head*, the others are *modifiers*; :func:`compound_parts` gives the token
table's ``compound``, ``compound_head`` (the lemmatised head) and ``compound_modifier``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from functools import lru_cache

from ..lang import read_entries

__all__ = ["MAX_PARTS", "MAX_PIECE", "STATS", "compound_parts", "split_compound"]

MAX_PIECE = 48  # letters of a closed piece; longer strings are not words (longest in Duden ~ 40)
MAX_PARTS = 4
_MIN_PART = 3
_MIN_WORD = 6
# thresholds (Zipf scale); tuned with 5-fold grouped cross-validation on the compound dev set,
# see benchmarks/bench_annotation.py and the README ("Annotation quality and speed")
PART_PENALTY = 0.45  # per part beyond two: prefer the top-level split unless the inner parts are clear
WHOLE_MARGIN = 1.5  # a split whose mean part frequency is this far below the whole word's is refused
KNOWN_MARGIN = 0.5  # the same for a word the dictionary knows (lexicalised: Zugriff, Katastrophe)
ENGLISH_NAME = 1.6  # a word at least this frequent in English text is a name or loanword
UNKNOWN_FREQUENT = 2.6  # a word this frequent that the German dictionary does not know is a name
ENGLISH_PART = 0.3  # a part this much more frequent in English than in German is English
_LINKS_S = ("s", "es")
_VOWELS = frozenset("aeiouäöüy")

STATS = {"candidates": 0}  # candidate part evaluations, for complexity tests


@lru_cache(maxsize=1)
def _particles() -> frozenset[str]:
    return frozenset(read_entries("compound_particles_de.txt"))


@lru_cache(maxsize=1)
def _plural_nouns() -> frozenset[str]:
    """Nouns used in the plural only or chiefly (shared with the lemmatiser in annotate.py)."""
    return frozenset(read_entries("lemma_plural_nouns_de.txt"))


@lru_cache(maxsize=1)
def _affixes() -> tuple[frozenset[str], frozenset[str]]:
    rows = [line.split("\t") for line in read_entries("compound_affixes_de.txt")]
    return (
        frozenset(a for kind, a in rows if kind == "suffix"),
        frozenset(a for kind, a in rows if kind == "prefix"),
    )


@lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    from stop_words import get_stop_words

    return frozenset(w.lower() for w in get_stop_words("german"))


@lru_cache(maxsize=1)
def _lexicon() -> Mapping[str, str]:
    """simplemma's German form → lemma dictionary (case-sensitive: nouns are capitalised): the one
    ``simplemma.lemmatize`` uses (its shared factory), so the process decodes it once, not twice."""
    from simplemma.strategies.dictionaries import DEFAULT_DICTIONARY_FACTORY

    return DEFAULT_DICTIONARY_FACTORY.get_dictionary("de")


@lru_cache(maxsize=1)
def _lex_bytes() -> Callable[[bytes], bytes | None] | None:
    """The bytes-keyed dict behind simplemma's dictionary, when it has one (simplemma 2 does)."""
    store = getattr(_lexicon(), "_dict", None)
    return store.get if isinstance(store, dict) else None


@lru_cache(maxsize=500_000)
def _lex(form: str) -> str | None:
    """The dictionary's lemma of ``form`` (case-sensitive), cached: simplemma's packed dictionary
    decodes on every lookup, and the splitter asks for the same strings many times."""
    get = _lex_bytes()
    if get is None:
        return _lexicon().get(form)
    value = get(form.encode())
    return value.decode() if value is not None else None


@lru_cache(maxsize=2)
def _zipf_table(lang: str) -> dict[str, float]:
    """wordfreq's list for ``lang`` as word → Zipf frequency (log10 of occurrences per 10⁹ words).

    Built bucket by bucket from the packed list (every word of a bucket has one frequency), read
    with the same positional arguments wordfreq uses inside ``word_frequency``, so the process
    reads the file once for both."""
    import wordfreq

    table: dict[str, float] = {}
    for index, bucket in enumerate(wordfreq.get_frequency_list(lang, "best")):
        freq = wordfreq.cB_to_freq(-index)  # as wordfreq.get_frequency_dict computes it
        if freq > 0:
            table.update(dict.fromkeys(bucket, math.log10(freq * 1e9)))
    return table


def _zipf(word: str, lang: str = "de") -> float:
    return _zipf_table(lang).get(word.casefold(), 0.0)


@lru_cache(maxsize=1)
def _territories() -> frozenset[str]:
    """Country and territory names in German (CLDR via babel), lower case."""
    try:
        from babel import Locale
    except ImportError:  # pragma: no cover - babel is a declared dependency
        return frozenset()
    return frozenset(name.lower() for name in Locale("de").territories.values())


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _noun_lemma(s: str) -> str | None:
    lemma = _lex(_cap(s))
    return lemma if lemma and lemma[:1].isupper() else None


def _lower_lemma(s: str) -> str | None:
    lemma = _lex(s)
    return lemma if lemma and lemma[:1].islower() else None


_UMLAUT = str.maketrans({"a": "ä", "o": "ö", "u": "ü"})


@lru_cache(maxsize=100_000)
def _inflects(lemma: str) -> bool:
    """Whether the dictionary has an inflected form of the noun ``lemma`` (common nouns have
    genitive or plural forms; first names such as ``Kathrin`` have none)."""
    forms = [lemma + end for end in ("s", "es", "e", "en", "n", "er", "ns", "se", "ses", "nen")]
    for i in range(len(lemma) - 1, 0, -1):
        if lemma[i] in "aou":
            j = i - 1 if lemma[i] == "u" and lemma[i - 1] == "a" else i  # Braut → Bräute
            umlauted = lemma[:j] + lemma[j].translate(_UMLAUT) + lemma[j + 1 :]
            forms += [umlauted + end for end in ("", "e", "er", "en", "ern")]
            break
    return any(_lex(f) is not None for f in forms)


def _min_zipf(s: str) -> float:
    """Short strings are often fragments or foreign words: they must be frequent to count."""
    return 4.0 if len(s) == 3 else 3.0 if len(s) == 4 else 2.0 if len(s) < 7 else 1.0


@lru_cache(maxsize=1)
def _excluded() -> tuple[frozenset[str], frozenset[str]]:
    """(never a part: function words, particles, bound prefixes; not a later part: suffixes)."""
    suffixes, prefixes = _affixes()
    return _function_words() | _particles() | prefixes, suffixes


def _bad_part(s: str, *, initial: bool = False) -> bool:
    """Too short, no vowel, a function word, particle or bound affix (a suffix may still begin a
    word: innen in Innenpolitiker)."""
    never, suffixes = _excluded()
    return len(s) < _MIN_PART or s in never or (not initial and s in suffixes) or _VOWELS.isdisjoint(s)


def _english(s: str) -> bool:
    return _zipf(s, "en") >= _zipf(s) + ENGLISH_PART


def _attested(m: str) -> bool:
    """Cheap first test on a candidate part: one of the strings a reading of ``m`` would look up
    is in the frequency list, as frequent as a part of its length must be (most substrings of a
    word are not)."""
    get = _zipf_table("de").get
    f = m if "ß" not in m else m.casefold()  # the list is case-folded: ß → ss
    floor = _min_zipf(m)
    for variant in (f, f[:-1], f[:-2], f + "e", f + "en", f + "n"):
        if get(variant, 0.0) >= floor:
            return True
    return False


def _modifier(m: str, *, adjective_word: bool, initial: bool) -> tuple[str, float, bool] | None:
    STATS["candidates"] += 1
    if not _attested(m):
        return None
    return _modifier_reading(m, adjective_word, initial)


@lru_cache(maxsize=200_000)
def _modifier_reading(m: str, adjective_word: bool, initial: bool) -> tuple[str, float, bool] | None:
    """Best reading of a lower-case modifier surface ``m``: ``(dictionary form, zipf, english)``.

    Where a noun and an adverb or adjective reading compete (Recht/rechts, Sonne/sonnen), a noun
    compound takes the noun, a compound adjective the adverb (rechtsgerichtet); within a class the
    more frequent reading wins. Readings are looked up class by class and the search stops at the
    first class that has one (most modifiers are nouns)."""
    if _bad_part(m, initial=initial):
        return None
    english = _english(m)
    min_z = _min_zipf(m)

    def keep(options: list[tuple[str, float]]) -> tuple[str, float, bool] | None:
        found = None
        for form, z in options:
            if z >= min_z and (found is None or z > found[1]) and not _bad_part(form.lower(), initial=True):
                found = (form, z, english and form.lower() == m)  # a stem read as German (warn → warnen)
        return found

    nouns: list[tuple[str, float]] = []  # (dictionary form, zipf)
    noun = _cap(m) if _cap(m) in _plural_nouns() else _noun_lemma(m)  # Eltern, Daten stay plural
    if noun == _cap(m) and m.endswith("n") and _noun_lemma(m[:-1]) == _cap(m[:-1]) and _zipf(m[:-1]) > _zipf(m):
        noun = _cap(m[:-1])  # a plural the dictionary lists as its own lemma: Marken → Marke
    if noun is not None and noun.lower() != m + "e":  # Kunden → Kunde, Gäste → Gast
        nouns.append((noun, max(_zipf(m), _zipf(noun))))
    for link in _LINKS_S:  # Ausgangs → Ausgang, Tages → Tag
        base = m[: -len(link)]
        if m.endswith(link) and len(base) >= _MIN_PART and not _bad_part(base):
            lemma = _noun_lemma(base)
            if lemma is not None and lemma.lower() == base:
                nouns.append((lemma, _zipf(lemma)))
    restored: list[tuple[str, float]] = []  # a dropped -e restored: Hilfs → Hilfe, Miet → Miete, End → Ende
    for base in (m, m[:-1] if m.endswith("s") else ""):
        lemma = _noun_lemma(base + "e") if len(base) >= _MIN_PART else None
        if lemma is not None and lemma.lower() == base + "e":
            restored.append((lemma, _zipf(lemma)))
    if english and restored:  # End is English, Ende the German stem
        nouns = [o for o in nouns if o[0].lower() != m] + restored
    lower = [(m, _zipf(m))] if _lower_lemma(m) == m else []  # geheim, klein, innen, rechts
    first, second = (lower, nouns) if adjective_word else (nouns, lower)
    for options in (first, second):
        found = keep(options) if options else None
        if found is not None:
            return found
    verbs: list[tuple[str, float]] = []
    if not adjective_word:  # verb stems: Liefer → liefern, Tipp → tippen, Sende → senden
        for stem, inf in ((m, m + "en"), (m, m + "n"), (m[:-1], m[:-1] + "en") if m.endswith("e") else ("", "")):
            if len(stem) >= _MIN_PART and _lower_lemma(inf) == inf:
                verbs.append((inf, max(_zipf(inf) - 0.5, _zipf(m))))
                break
    found = keep(restored + verbs)  # the more frequent: Miet- → Miete, Leit- → leiten
    if found is not None or verbs or restored:
        return found
    if len(m) >= 5 and _lex(_cap(m)) is None and _lex(m) is None:
        z = _zipf(m)  # a foreign word German text uses (Marketing, Podcast)
        if z >= 3.0 and _zipf(m, "en") >= 4.0:
            return keep([(_cap(m), z)])
    return None


def _participle(h: str) -> bool:
    """``überströmt``, ``gerichteter``, ``bezogenes``, ``erregender``: a participle, possibly inflected."""
    for ending in ("", "e", "en", "er", "es", "em"):
        stem = h[: len(h) - len(ending)] if ending else h
        if h.endswith(ending) and stem.endswith(("t", "en", "nd")):
            return True
    return False


def _head(h: str, *, adjective_word: bool) -> tuple[float, bool] | None:
    STATS["candidates"] += 1
    if (h if "ß" not in h else h.casefold()) not in _zipf_table("de"):  # a head is a word of the list
        return None
    return _head_reading(h, adjective_word)


@lru_cache(maxsize=200_000)
def _head_reading(h: str, adjective_word: bool) -> tuple[float, bool] | None:
    """``(zipf, english)`` of an acceptable head surface ``h`` (lower case), else None."""
    if _bad_part(h):
        return None
    z = _zipf(h)
    if adjective_word:
        lemma = _lower_lemma(h)
        if lemma is None or lemma in _particles() or h.startswith("end"):  # -end: a participle suffix
            return None
        if lemma.endswith("en") and not _participle(h):  # a finite verb (weile, erweise) is no head
            return None
    else:
        lemma = _noun_lemma(h)
        if lemma is None:
            if _lex(h) is not None or len(h) < 5 or not (z >= 3.0 and _zipf(h, "en") >= 4.0):
                return None
        elif _zipf(h, "en") >= ENGLISH_NAME and not _inflects(lemma):  # a first name (Kathrin)
            return None
        else:
            z = max(z, _zipf(lemma))
    if z < _min_zipf(h):
        return None
    return z, _english(h)


def _analyse(word: str, *, adjective_word: bool) -> tuple[tuple[str, ...], float, bool] | None:
    """Best analysis of a lower-case closed piece: (parts, score, all parts English).

    Right to left: ``best[i]`` holds, per number of parts, the best reading of ``word[i:]`` as
    modifiers followed by a head; a modifier ``word[i:j]`` is tried only where ``best[j]`` has a
    reading, so the candidate evaluations stay below ``len(word)²``."""
    n = len(word)
    best: list[dict[int, tuple[float, tuple[str, ...], bool]]] = [{} for _ in range(n + 1)]
    chosen: tuple[tuple[str, ...], float, bool] | None = None
    for i in range(n - _MIN_PART, -1, -1):
        if i:
            head = _head(word[i:], adjective_word=adjective_word)
            if head is not None:
                best[i][1] = (head[0], (word[i:],), head[1])
        for j in range(i + _MIN_PART, n - _MIN_PART + 1):
            if not best[j]:
                continue
            mod = _modifier(word[i:j], adjective_word=adjective_word, initial=i == 0)
            if mod is None:
                continue
            for k, (total, parts, eng) in best[j].items():
                if k + 1 > MAX_PARTS:
                    continue
                if k == 1 and parts[0].startswith("end") and _lower_lemma(word[i:j] + "en") == word[i:j] + "en":
                    continue  # a participle, not a compound with Ende: Mitarbeitenden (mitarbeiten)
                cand = (total + mod[1], (mod[0], *parts), eng and mod[2])
                if i == 0:
                    score = cand[0] / (k + 1) - PART_PENALTY * (k - 1)
                    if chosen is None or score > chosen[1]:
                        chosen = (cand[1], score, cand[2])
                elif k + 1 not in best[i] or cand[0] > best[i][k + 1][0]:
                    best[i][k + 1] = cand
    return chosen


@lru_cache(maxsize=1)
def _place_names() -> frozenset[str]:
    return frozenset(name.lower() for name in read_entries("place_names_de.txt"))


def _is_name(word: str) -> bool:
    """Names and loanwords used as a whole: in English text, frequent but unknown, places."""
    low = word.lower()
    if _zipf(low, "en") >= ENGLISH_NAME or low in _territories() or low in _place_names():
        return True
    return _zipf(low) >= UNKNOWN_FREQUENT and _lex(word) is None and _lex(low) is None and _lex(_cap(low)) is None


@lru_cache(maxsize=1)
def _prefix_lengths() -> tuple[frozenset[str], tuple[int, ...]]:
    prefixes = _particles() | _affixes()[1]
    return prefixes, tuple(sorted({len(p) for p in prefixes}))


def _prefix_length(low: str) -> int:
    prefixes, lengths = _prefix_lengths()
    return max((k for k in lengths if low[:k] in prefixes), default=0)


def _prefixed(low: str) -> bool:
    """A verb particle or bound prefix before a word of the lexicon: a derivative, not a compound
    (``Weiterbildung`` = weiter + Bildung, ``zugeschlagen`` = zu + geschlagen, ``Ursachen``)."""
    prefixes, lengths = _prefix_lengths()
    for k in lengths:
        rest = low[k:]
        if len(rest) >= _MIN_PART and low[:k] in prefixes:
            if _lex(rest) is not None or _lex(_cap(rest)) is not None:
                return True
    return False


@lru_cache(maxsize=200_000)
def _split_closed(piece: str) -> tuple[str, ...]:
    """Parts of one closed piece (letters only) with their capitalisation, or ``(piece,)``."""
    if len(piece) < _MIN_WORD or len(piece) > MAX_PIECE or not piece.isalpha():
        return (piece,)
    low = piece.lower()
    if not piece[:1].islower() and not piece[1:].islower():  # camel case, acronyms: WordPress, iPhone
        return (piece,)
    # a capitalised word the dictionary knows only in lower case is an adverb or adjective at the
    # start of a sentence (Allerdings, Mittlerweile, Spannend), analysed as such
    adjective_word = piece[:1].islower() or _lower_lemma(low) is not None
    if _is_name(piece):
        return (piece,)
    found = _analyse(low, adjective_word=adjective_word)
    if found is None:
        return (piece,)
    parts, score, english = found
    if _prefixed(low) and not (parts[0][:1].isupper() and len(parts[0]) >= _prefix_length(low) + 3):
        return (piece,)  # a particle derivative, unless a longer noun begins the word (Mitarbeiter…)
    lemma = _lex(piece)
    whole = max(_zipf(low), _zipf(lemma)) if lemma else _zipf(low)  # the word's lemma frequency
    if english or score < whole - (KNOWN_MARGIN if lemma is not None else WHOLE_MARGIN):
        return (piece,)
    head = parts[-1]
    return (*parts[:-1], head if adjective_word else _cap(head))


def _abbreviation(piece: str) -> bool:
    return any(ch.isdigit() for ch in piece) or sum(ch.isupper() for ch in piece) >= 2


def _piece_modifier(piece: str) -> str:
    """A non-final hyphenated piece in its dictionary form (``Stauden-`` → ``Staude``)."""
    if _abbreviation(piece) or not piece.isalpha():
        return piece
    lemma = _noun_lemma(piece.lower()) if piece[:1].isupper() else _lower_lemma(piece)
    if lemma is None or not piece.lower().startswith(lemma.lower()[: max(len(lemma) - 2, 1)]):
        return piece
    return lemma


def _german_piece(piece: str) -> bool:
    """An abbreviation or a word of the German dictionary as frequent as a part must be."""
    if _abbreviation(piece):
        return True
    known = _lex(piece) is not None or _lex(_cap(piece.lower())) is not None
    return known and _zipf(piece) >= _min_zipf(piece.lower())


@lru_cache(maxsize=200_000)
def split_compound(word: str) -> tuple[str, ...]:
    """Parts of a German compound, or ``()`` when ``word`` is not one.

    >>> split_compound("Kundenbindung")
    ('Kunde', 'Bindung')
    >>> split_compound("Social-Media-Team")
    ('Social', 'Media', 'Team')
    >>> split_compound("Hoffmann")
    ()
    """
    w = word.lstrip("#")
    if ":" in w or "*" in w or "_" in w:  # gender forms: Mitarbeiter:innen
        w = w.split(":")[0].split("*")[0].split("_")[0]
    pieces = [p for p in w.split("-") if p]
    if not pieces or len(w) > MAX_PARTS * MAX_PIECE:
        return ()
    if len(pieces) > 1 and not any(_german_piece(p) for p in pieces):
        return ()  # Castrop-Rauxel, Add-Ons
    if len(pieces) > 1 and pieces[0][:1].isupper() and pieces[-1][:1].islower():
        return ()  # an English phrase (Check-ins, Know-how): a German head would be capitalised
    parts: list[str] = []
    for k, piece in enumerate(pieces):
        sub = _split_closed(piece) if piece.isalpha() else (piece,)
        last = k == len(pieces) - 1
        if not last:  # a modifier piece in its dictionary form: Stauden- → Staude
            parts.extend((*sub[:-1], _piece_modifier(sub[-1])))
        else:
            parts.extend(sub)
    if len(parts) < 2:
        return ()
    return tuple(parts)


def compound_parts(word: str, lemmatize: Callable[[str], str]) -> tuple[str, str, str]:
    """``(parts, head, modifier)`` strings for the token table; empty strings for non-compounds.

    ``parts`` joins the parts with ``|`` (the head lemmatised); ``head`` is the lemmatised last
    part; ``modifier`` the first part in its dictionary form.
    """
    parts = split_compound(word)
    if not parts:
        return "", "", ""
    head = lemmatize(_cap(parts[-1]) if word[:1].isupper() or "-" in word else parts[-1])
    return "|".join(parts[:-1] + (head,)), head, parts[0]
