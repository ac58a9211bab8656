"""``load_corpus()``: a folder of German web texts → a :class:`Corpus` of tidy DataFrames.

The user's folder is only ever read. Problems with single files (empty, binary, too large,
undecodable, duplicate, not German) become one-line warnings naming the file, are collected in
``Corpus.problems`` and the rest of the corpus is loaded. Only when nothing usable is left does
:func:`load_corpus` raise :class:`CorpusError` (a one-line message, no traceback needed).
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import regex

from .language import detect_language
from .readers import DEFAULT_MAX_BYTES, TEXT_SUFFIXES, ReadError, read_text_file
from .references import REFERENCES_FILE
from .structure import BOILERPLATE_KINDS, segment

__all__ = ["Corpus", "CorpusError", "load_corpus", "METADATA_COLUMNS", "slugify"]

REPORT_MARKER = ".german-discourse-report"  # the file that marks a report folder (see analysis.report)
METADATA_COLUMNS = ("doc_id", "file", "title", "authors", "speakers", "interviewer", "genre", "year")
_LIST_SEP = regex.compile(r"\s*[;|]\s*")


class CorpusError(Exception):
    """Nothing usable could be loaded; the message is one line naming the folder or file."""


@dataclass(frozen=True)
class Corpus:
    """A loaded corpus: read-only tables, one row per document, paragraph and quote.

    ``documents``: doc_id, title, authors, speakers, interviewer, genre, year, file, encoding,
    language, language_share, n_chars, n_paragraphs, n_words, sha256, text (+ any extra metadata
    columns). ``paragraphs``: doc_id, para_id, start, end, kind, is_boilerplate, speaker, label,
    n_words, text. ``quotes``: doc_id, quote_id, para_id, start, end, quote_type, speaker, cue,
    text. ``problems``: file, level, message. Offsets index into the document's ``text``.
    """

    root: Path
    documents: pd.DataFrame
    paragraphs: pd.DataFrame
    quotes: pd.DataFrame
    problems: pd.DataFrame

    def __len__(self) -> int:
        return len(self.documents)

    def __repr__(self) -> str:
        n_bp = int(self.paragraphs["is_boilerplate"].sum()) if len(self.paragraphs) else 0
        return (
            f"Corpus({len(self.documents)} documents, {len(self.paragraphs)} paragraphs "
            f"({n_bp} boilerplate), {len(self.quotes)} quotes, {len(self.problems)} problems; "
            f"root={str(self.root)!r})"
        )

    def subset(self, doc_ids: list[str] | tuple[str, ...]) -> Corpus:
        """A new corpus with only ``doc_ids`` (order of the original kept)."""
        keep = set(doc_ids)
        return Corpus(
            root=self.root,
            documents=self.documents[self.documents["doc_id"].isin(keep)].reset_index(drop=True),
            paragraphs=self.paragraphs[self.paragraphs["doc_id"].isin(keep)].reset_index(drop=True),
            quotes=self.quotes[self.quotes["doc_id"].isin(keep)].reset_index(drop=True),
            problems=self.problems.copy(),
        )


def slugify(name: str) -> str:
    """``"Über Märkte & Gespräche.txt"`` → ``"ueber-maerkte-gespraeche-txt"`` (ASCII, stable)."""
    s = name.casefold()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        s = s.replace(a, b)
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode("ascii")
    s = regex.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return s or "doc"


_MAX_PRINTED = 50  # warnings printed one by one; the rest are counted


class _Reporter:
    def __init__(self, quiet: bool) -> None:
        self.rows: list[dict[str, str]] = []
        self.quiet = quiet

    def __call__(self, level: str, file: str, message: str) -> None:
        self.rows.append({"file": file, "level": level, "message": message})
        if not self.quiet and len(self.rows) <= _MAX_PRINTED:
            print(f"{level}: {file}: {message}", file=sys.stderr)

    def summarise(self) -> None:
        """One line for the warnings that were not printed (a metadata file of a million rows)."""
        if not self.quiet and len(self.rows) > _MAX_PRINTED:
            print(f"… and {len(self.rows) - _MAX_PRINTED:,} more (all in Corpus.problems)", file=sys.stderr)

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=["file", "level", "message"])


def load_corpus(
    folder: str | os.PathLike[str],
    *,
    metadata: str | os.PathLike[str] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    quiet: bool = False,
) -> Corpus:
    """Load every ``.txt``, ``.md``, ``.html`` and ``.htm`` file under ``folder`` (sorted, recursive).

    ``metadata`` is a CSV with at least a ``file`` or ``doc_id`` column (see
    :data:`METADATA_COLUMNS`; lists such as speakers are separated by ``;``). Without it,
    ``folder/metadata.csv`` and then ``folder/../metadata.csv`` are tried; without any, doc_id
    comes from the file name and the title from the first line. Files larger than ``max_bytes``
    are refused with a warning.
    """
    root = Path(folder)
    report = _Reporter(quiet)
    if not root.exists():
        raise CorpusError(f"{root}: corpus folder not found")
    if not root.is_dir():
        raise CorpusError(f"{root}: not a folder (give the folder that holds the texts)")
    try:
        root_real = root.resolve(strict=True)
    except OSError as exc:
        raise CorpusError(f"{root}: cannot be opened ({exc})") from None

    files = _text_files(root, root_real, report)
    meta = _read_metadata(root, metadata, report)
    rows, paragraphs, quotes = [], [], []
    seen_hash: dict[str, str] = {}
    used_ids: set[str] = set()
    meta_by_file = {m["file"]: m for m in meta if m.get("file")}
    meta_by_id = {m["doc_id"]: m for m in meta if m.get("doc_id") and not m.get("file")}
    matched_meta: set[int] = set()

    # the metadata row of every file (a pure lookup; recorded as matched below, in file order)
    jobs, metas, rels = [], [], []
    for path in files:
        rel = _display_name(path.relative_to(root).as_posix())
        rels.append(rel)
        m = meta_by_file.get(rel) or meta_by_file.get(path.name)
        if m is None:
            stem = Path(rel).stem
            m = meta_by_id.get(slugify(stem)) or meta_by_id.get(stem)
        metas.append(m)
        mm = m or {}
        jobs.append(
            (
                path,
                max_bytes,
                tuple(_split_list(mm.get("speakers", ""))),
                tuple(_split_list(mm.get("authors", ""))),
                mm.get("interviewer") or None,
                mm.get("genre", ""),
            )
        )
    # reading, segmenting and language detection per file, in parallel for large corpora; the
    # results are taken in file order, so everything below is the same whichever way they ran
    for path, rel, m, job, result in zip(files, rels, metas, jobs, _read_all(jobs)):
        if rel != path.relative_to(root).as_posix():
            report("warning", rel, "file name is not valid UTF-8 (shown with \\x escapes); loaded under this name")
        if isinstance(result, ReadError):
            report("warning", rel, f"{result}; skipped")
            continue
        if result.digest in seen_hash:
            report("warning", rel, f"has the same text as {seen_hash[result.digest]}; skipped as a duplicate")
            continue
        digest = result.digest
        seen_hash[digest] = rel
        stem = Path(rel).stem
        if m is not None:
            matched_meta.add(id(m))
        elif meta:
            report("info", rel, "has no row in the metadata; doc_id and title inferred")
        m = m or {}
        doc_id = m.get("doc_id") or slugify(stem)
        if doc_id in used_ids:
            new_id = _unique(doc_id, used_ids)
            report("warning", rel, f"doc_id {doc_id!r} is already used; renamed to {new_id!r}")
            doc_id = new_id
        used_ids.add(doc_id)

        text, paras, qs = result.text, result.paragraphs, result.quotes
        speakers, authors = job[2], job[3]  # the metadata's lists, split once above
        lang, share = result.language, result.language_share
        if lang != "de":
            what = "not German" if lang == "unknown" else f"{_LANG_NAMES.get(lang, lang)}, not German"
            report("warning", rel, f"looks {what}; the analyses are tuned for German")
        title = m.get("title") or _infer_title(paras, text)
        row = {
            "doc_id": doc_id,
            "title": title,
            "authors": "; ".join(authors),
            "speakers": "; ".join(speakers),
            "interviewer": m.get("interviewer", ""),
            "genre": m.get("genre", ""),
            "year": _year(m.get("year", ""), rel, report),
        }
        for key, value in m.items():
            if key not in row and key not in ("file",):
                row[key] = value
        row.update(
            {
                "file": rel,
                "encoding": result.encoding,
                "language": lang,
                "language_share": share,
                "n_chars": len(text),
                "n_paragraphs": len(paras),
                "n_words": sum(result.paragraph_words),
                "sha256": digest,
                "text": text,
            }
        )
        rows.append(row)
        for p, n_words in zip(paras, result.paragraph_words):
            paragraphs.append(
                {
                    "doc_id": doc_id,
                    "para_id": p.para_id,
                    "start": p.start,
                    "end": p.end,
                    "kind": p.kind,
                    "is_boilerplate": p.kind in BOILERPLATE_KINDS,
                    "speaker": p.speaker,
                    "label": p.label,
                    "n_words": n_words,
                    "text": p.text,
                }
            )
        for i, q in enumerate(qs):
            quotes.append(
                {
                    "doc_id": doc_id,
                    "quote_id": i,
                    "para_id": q.para_id,
                    "start": q.start,
                    "end": q.end,
                    "quote_type": q.quote_type,
                    "speaker": q.speaker,
                    "cue": q.cue,
                    "text": q.text,
                }
            )

    for m in meta:
        if id(m) not in matched_meta:
            where = m.get("file") or m.get("doc_id")
            if m.get("_escapes"):
                continue
            report("warning", str(where), "is listed in the metadata but no such file was loaded")
    report.summarise()
    if not rows:
        if not files:
            raise CorpusError(f"{root}: no .txt, .md or .html files found")
        raise CorpusError(f"{root}: none of the {len(files)} files could be read (see the warnings above)")

    docs = pd.DataFrame(rows)
    docs["year"] = docs["year"].astype("Int64")
    paragraphs_df = pd.DataFrame(paragraphs)
    paragraphs_df["speaker"] = paragraphs_df["speaker"].astype("object")
    quotes_df = pd.DataFrame(
        quotes, columns=["doc_id", "quote_id", "para_id", "start", "end", "quote_type", "speaker", "cue", "text"]
    )
    return Corpus(root=root, documents=docs, paragraphs=paragraphs_df, quotes=quotes_df, problems=report.frame())


_LANG_NAMES = {"en": "English", "fr": "French", "es": "Spanish", "it": "Italian", "nl": "Dutch"}
_WORD_RE = regex.compile(r"[\p{L}\p{N}]+(?:[\-'’][\p{L}\p{N}]+)*")


@dataclass(frozen=True)
class _Loaded:
    """What :func:`_read_one` found in one file: its text, structure and language."""

    text: str
    encoding: str
    digest: str
    paragraphs: list
    quotes: list
    language: str
    language_share: float
    paragraph_words: list[int]


def _read_one(job: tuple) -> _Loaded | ReadError:
    """Read, hash, segment and detect the language of one file (the work of loading that depends on
    nothing but the file and its metadata row); a file that cannot be read is its :class:`ReadError`."""
    path, max_bytes, speakers, authors, interviewer, genre = job
    try:
        tf = read_text_file(path, max_bytes=max_bytes)
    except ReadError as exc:
        return exc
    text = tf.text
    paras, qs = segment(
        text, speakers=list(speakers), authors=list(authors), interviewer=interviewer, genre=genre, hints=tf.hints
    )
    lang, share = detect_language(text)
    return _Loaded(
        text=text,
        encoding=tf.encoding,
        digest=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        paragraphs=paras,
        quotes=qs,
        language=lang,
        language_share=share,
        paragraph_words=[len(_WORD_RE.findall(p.text)) for p in paras],
    )


# below this many files, or bytes of text (~150,000 words), loading takes a second or two: one process
PARALLEL_MIN_FILES = 64
PARALLEL_MIN_BYTES = 1_000_000


def _load_workers(jobs: list[tuple]) -> int:
    """Processes to load ``jobs`` with: every core this process may use (at most 4), or 1 for a
    small corpus, where ``fork`` is missing, or when this process already runs other threads (a
    notebook kernel: forking it would not be safe)."""
    import threading

    if len(jobs) < PARALLEL_MIN_FILES or threading.active_count() > 1 or not sys.platform.startswith("linux"):
        return 1
    size = 0
    for job in jobs:
        try:
            size += job[0].stat().st_size
        except OSError:
            pass
        if size >= PARALLEL_MIN_BYTES:
            break
    if size < PARALLEL_MIN_BYTES:
        return 1
    return max(1, min(len(os.sched_getaffinity(0)), 4))


def _read_all(jobs: list[tuple]):
    """:func:`_read_one` of every job, in order: in this process, or in forked worker processes
    for a large corpus (the same function on the same files: the same results)."""
    workers = _load_workers(jobs)
    if workers <= 1:
        yield from map(_read_one, jobs)
        return
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork")) as pool:
        yield from pool.map(_read_one, jobs, chunksize=8)


def _display_name(name: str) -> str:
    """``name`` as valid UTF-8: bytes that are not UTF-8 (kept by Python as lone surrogates, which
    cannot be printed or written) become ``\\xNN`` escapes, so one odd file name cannot abort the run."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", "backslashreplace")


def _unique(doc_id: str, used: set[str]) -> str:
    k = 2
    while f"{doc_id}-{k}" in used:
        k += 1
    return f"{doc_id}-{k}"


def _split_list(value: str) -> list[str]:
    return [v for v in _LIST_SEP.split(value.strip()) if v] if value else []


def _year(value: str, rel: str, report: _Reporter) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if regex.fullmatch(r"\d{4}", value):
        return int(value)
    report("warning", rel, f"metadata year {value!r} is not a four-digit year; ignored")
    return None


_MD_HEADING = regex.compile(r"^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$")


def _plain_title(line: str) -> str:
    """A title line without Markdown heading marks (``# Titel #`` → ``Titel``); a hashtag stays."""
    m = _MD_HEADING.match(line)
    return m.group(1).strip() if m else line.strip()


def _infer_title(paras: list, text: str) -> str:
    for p in paras:
        if p.kind == "title":
            return _plain_title(p.text.strip().split("\n", 1)[0]) if p.text.lstrip().startswith("#") else p.text.strip()
    for p in paras:
        if not p.kind.startswith(("byline", "view", "photo")):
            first = _plain_title(p.text.strip().split("\n", 1)[0])
            return first if len(first) <= 100 else first[:97].rsplit(" ", 1)[0] + " …"
    return _plain_title(text.strip().split("\n", 1)[0])[:100]


def _text_files(root: Path, root_real: Path, report: _Reporter) -> list[Path]:
    out: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        if REPORT_MARKER in filenames:  # a report written into the corpus: never analyse it as texts
            where = _display_name(Path(dirpath).relative_to(root).as_posix())
            report("warning", where, "is a report folder (it holds the report marker); skipped")
            dirnames[:] = []
            continue
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = Path(dirpath) / name
            rel = _display_name(path.relative_to(root).as_posix())
            if path.suffix.lower() not in TEXT_SUFFIXES:
                continue
            if rel == REFERENCES_FILE:
                report("info", rel, "is the reference statements file (used by the reference sections), not a text")
                continue
            if path.is_symlink():
                try:
                    target = path.resolve(strict=True)
                except OSError:
                    report("warning", rel, "is a broken symbolic link; skipped")
                    continue
                if not target.is_relative_to(root_real):
                    report("warning", rel, "is a symbolic link pointing outside the corpus folder; skipped")
                    continue
            if not path.is_file():
                continue
            out.append(path)
    return sorted(out, key=lambda p: p.relative_to(root).as_posix())


def _read_metadata(root: Path, metadata: str | os.PathLike[str] | None, report: _Reporter) -> list[dict]:
    if metadata is not None:
        path = Path(metadata)
        if not path.is_file():
            report("warning", str(path), "metadata file not found; continuing without metadata")
            return []
    else:
        candidates = [root / "metadata.csv", root.parent / "metadata.csv"]
        path = next((c for c in candidates if c.is_file()), None)
        if path is None:
            return []
    name = str(path)
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        report(
            "warning",
            name,
            f"metadata cannot be read as UTF-8 CSV ({exc.__class__.__name__}); continuing without metadata",
        )
        return []
    try:
        reader = csv.DictReader(io.StringIO(text))
        rows = list(reader)
        fields = [f.strip() for f in (reader.fieldnames or [])]
    except csv.Error as exc:
        report("warning", name, f"metadata is not valid CSV ({exc}); continuing without metadata")
        return []
    if "file" not in fields and "doc_id" not in fields:
        report("warning", name, "metadata has neither a 'file' nor a 'doc_id' column; continuing without metadata")
        return []
    out = []
    for line_no, row in enumerate(rows, start=2):
        if None in row:
            report("warning", name, f"line {line_no} has more fields than the header; extra fields ignored")
        clean = {
            (k or "").strip(): (v or "").strip() if isinstance(v, str) else "" for k, v in row.items() if k is not None
        }
        f = clean.get("file", "")
        if f:
            if Path(f).is_absolute() or ".." in Path(f).parts or "\\" in f:
                report("warning", name, f"line {line_no}: file {f!r} points outside the corpus folder; row ignored")
                continue
            clean["file"] = Path(f).as_posix()
        if clean.get("doc_id"):
            clean["doc_id"] = (
                slugify(clean["doc_id"]) if not regex.fullmatch(r"[\w.\-]+", clean["doc_id"]) else clean["doc_id"]
            )
        if not f and not clean.get("doc_id"):
            report("warning", name, f"line {line_no} has neither file nor doc_id; row ignored")
            continue
        out.append(clean)
    if metadata is None and path.parent != root:
        files = {p.as_posix() for p in (x.relative_to(root) for x in root.rglob("*") if x.is_file())}
        names = {Path(p).name for p in files}
        if not any(r.get("file") in files or r.get("file") in names for r in out if r.get("file")):
            return []  # a metadata.csv beside the folder that describes other texts
    return out
