"""Command line: ``python -m analysis run`` (whole report) and ``python -m analysis sentiment``.

Errors the user can fix are printed as one line (``error: …``) with a non-zero exit status;
tracebacks are reserved for bugs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["main"]

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent / "data" / "texts"


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
    run.add_argument("--themes", type=Path, help="theme lexicon TOML (default: data/themes.toml)")
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

    sent = sub.add_parser(
        "sentiment",
        help="score the texts of a CSV column with the German sentiment model",
        description="Write the input rows plus `score` and `label` (positive/negative/neutral).",
    )
    sent.add_argument("--input", type=Path, required=True, help="CSV file with a text column")
    sent.add_argument("--text-column", default="text", help="name of the text column (default: text)")
    sent.add_argument("--out", type=Path, required=True, help="CSV file to write")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        if args.command == "run":
            from .report import run_report

            failures = run_report(
                corpus=args.corpus,
                out=args.out,
                metadata=args.metadata,
                themes=args.themes,
                references=args.references,
                max_bytes=int(args.max_mb * 1_000_000),
                notebooks=not args.no_notebooks,
                quiet=args.quiet,
                engine=args.engine,
                workers=args.workers,
                scheduler=args.scheduler,
            )
            if failures:
                print(f"error: {failures} section(s) failed; the report lists them", file=sys.stderr)
                return 3
        elif args.command == "sentiment":
            from .sentiment import score_csv

            score_csv(args.input, args.out, text_column=args.text_column)
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # one line for the user; the class name helps bug reports
        from .corpus import CorpusError
        from .report import ReportError

        if isinstance(exc, (CorpusError, ReportError, UsageError, ValueError, OSError)):
            print(f"error: {exc}", file=sys.stderr)
            return 1
        raise
    return 0
