"""``python -m analysis run``: the whole analysis of a corpus as an HTML report with CSV tables.

Steps: load and validate the corpus, annotate it (progress bar), compute the result tables of
every section (:mod:`analysis.report.sections`: ``compute``) and draw their key figures from those
tables (``figures``) on one :class:`~analysis.context.RunContext` (theme matches computed once), execute
every notebook in ``notebooks/`` against the corpus (papermill, through the ``parameters``
cells) and convert it to HTML, then write ``OUT/index.html``.

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
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..annotate.pipeline import annotate
from ..context import RunContext
from ..corpus.load import Corpus, load_corpus
from .folder import ReportError, check_out, remove_leftovers, replace_folder, start_folder, write_manifest
from .html import MAX_PRINTED, index_html, self_contained_html
from .results import RESULTS_DIR, save_tables, write_csv
from .sections import SECTIONS

__all__ = ["run_report"]

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


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
) -> int:
    """Write the report for ``corpus`` to ``out``; return the number of sections that failed.

    ``group_by`` names a metadata column (``genre``, ``year``, ``authors``, any column of the
    metadata) or ``speaker``: the groups are compared (``*_groups`` tables) and the exploration
    page compares them. ``explore`` writes the interactive page ``OUT/explore.html``.

    Raises :class:`~analysis.corpus.CorpusError` when no text is usable and :class:`ReportError`
    when ``out`` cannot be used.
    """
    log = _Log(quiet=quiet)
    out = Path(out).absolute()
    if out.is_symlink():  # write where the link points, so the link keeps working (not replaced by a folder)
        out = out.resolve()
    corpus_dir = Path(corpus).absolute()
    check_out(out, corpus_dir)
    themes = Path(themes).absolute() if themes else None  # None: the packaged analysis/resources/themes.toml
    if themes is not None:
        from ..themes import load_dominant_rules, load_themes

        try:  # a broken themes file is the user's to fix: say so before any work is done
            load_dominant_rules(themes, themes=load_themes(themes))
        except (OSError, ValueError) as exc:
            raise ReportError(str(exc).splitlines()[0]) from None
    if references is not None:
        references = Path(references).absolute()
        if not references.is_file():
            raise ReportError(f"{references}: references file not found")
    else:
        from ..corpus.references import find_references

        references = find_references(corpus_dir)
    if references is not None:
        from ..corpus.references import load_references

        try:  # too large, binary or undecodable: one line before any work is done
            load_references(references)
        except ValueError as exc:
            raise ReportError(str(exc).splitlines()[0]) from None
    metadata = Path(metadata).absolute() if metadata else None

    # the folder is created (and writability checked) before the slow work starts
    remove_leftovers(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{out.name}.{os.getpid()}.", dir=out.parent))
    except OSError as exc:
        raise ReportError(f"{out.parent}: cannot write the report there ({exc.strerror or exc})") from None
    failures = 0
    pool = None
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
        context = RunContext(loaded, tokens, themes_path=themes, references_path=references, group_by=group_by or None)
        tables: dict[str, pd.DataFrame] = {}
        figures: dict[str, str] = {}
        required: list[str] = []
        for section in SECTIONS:
            if not section.applies(context):
                continue
            required += section.required
            try:
                new = log.timed(f"tables: {section.name}", lambda s=section: s.compute(context))
                tables.update(new)
                for name in save_tables(new, results_dir, section=section.name):
                    log.problem(
                        "warning", f"results/{name}", "could not be saved as Parquet; the notebook recomputes it"
                    )
                figs = log.timed(f"figures: {section.name}", lambda s=section, t=new: s.figures(context, t))
                for name, fig in figs.items():
                    figures[name] = _save_fig(fig, fig_dir / f"{name}.png")
            except Exception as exc:  # one failing analysis must not cost the user the rest of the report
                failures += 1
                log.problem("error", f"section {section.title}", f"failed: {exc.__class__.__name__}: {exc}")
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
        # the notebooks run in their own kernels after the tables exist and load them (results/)
        pool, jobs = _start_notebooks(work / "notebooks", log, nb_params) if notebooks else (None, [])
        nb_links: list[tuple[str, str, str]] = []
        failures += _finish_notebooks(pool, jobs, log, nb_links, params=nb_params, final_dir=out / "notebooks")
        tables["problems"] = pd.DataFrame(log.problems, columns=["file", "level", "message"])
        t0 = time.perf_counter()
        for name, df in sorted(tables.items()):
            write_csv(df, tables_dir / f"{name}.csv")

        found = _findings(context, tables, log)
        (work / "index.html").write_text(
            index_html(loaded, tables, figures, nb_links, log.problems, corpus_dir, found, work, explore_href),
            encoding="utf-8",
        )
        log.timings.append(("write", time.perf_counter() - t0))
        write_manifest(work)
        replace_folder(work, out)
    except BaseException:
        if notebooks and pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        shutil.rmtree(work, ignore_errors=True)
        raise
    log.say("time per stage: " + ", ".join(f"{label} {seconds:.1f} s" for label, seconds in log.timings))
    log.say(f"report: {out / 'index.html'}")
    return failures


# ---------------------------------------------------------------------------------------------


def _findings(context: RunContext, tables: dict[str, pd.DataFrame], log: _Log):
    """The findings of :mod:`analysis.report.findings` for this run (an empty list if they fail)."""
    from .findings import findings

    try:
        matches = context.theme_matches if "themes" in tables else None
        return findings(tables, matches=matches, paragraphs=context.corpus.paragraphs)
    except Exception as exc:  # the findings summarise; the tables and figures stand without them
        log.problem("error", "section Findings", f"failed: {exc.__class__.__name__}: {exc}")
        return []


def _save_fig(fig, path: Path) -> str:
    import matplotlib.pyplot as plt

    from .. import plots

    plots.save(fig, path)
    plt.close(fig)
    return f"figures/{path.name}"


def _start_notebooks(dest: Path, log: _Log, params: dict):
    """Start executing every notebook (papermill, two at a time) while the caller goes on.

    Returns ``(pool, [(nb_path, target, future)])``; :func:`_finish_notebooks` waits and converts to HTML.
    """
    from concurrent.futures import ThreadPoolExecutor

    if not NOTEBOOKS.is_dir():
        log.problem("warning", "notebooks", f"{NOTEBOOKS} not found (installed without the notebooks); skipped")
        return None, []
    dest.mkdir()
    pool = ThreadPoolExecutor(max_workers=max(1, min(2, os.cpu_count() or 1)))
    jobs = []
    for nb_path in sorted(NOTEBOOKS.glob("[0-9]*.ipynb")):
        log.say(f"executing notebook {nb_path.name} (two at a time)")
        target = dest / nb_path.name
        jobs.append((nb_path, target, pool.submit(_execute_notebook, nb_path, target, params)))
    return pool, jobs


def _execute_notebook(nb_path: Path, target: Path, params: dict) -> tuple[str | None, float]:
    """Run one notebook into ``target``; return (error message or None, seconds)."""
    import papermill as pm

    t0 = time.perf_counter()
    try:
        pm.execute_notebook(
            str(nb_path),
            str(target),
            parameters=params,
            kernel_name="python3",
            # the kernel listens on loopback only; its warning about unencrypted TCP is noise for the user
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
            # no cwd=: papermill would chdir the whole process, and notebooks run in two threads;
            # every path parameter is absolute, so the kernel's working directory does not matter
            progress_bar=False,
            log_output=False,
            report_mode=False,
        )
        error = None
    except Exception as exc:
        text = str(exc).strip()
        error = (text.splitlines()[-1] if text else exc.__class__.__name__)[:300]
    return error, time.perf_counter() - t0


def _drop_timings(node) -> None:
    """Remove the run's clock times from an executed notebook (papermill's and the kernel's), so
    two runs on the same corpus give the same files."""
    papermill = node.metadata.get("papermill", {})
    for key in ("start_time", "end_time", "duration", "input_path", "output_path"):
        papermill.pop(key, None)
    for cell in node.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.get("papermill", {}).clear()
        cell.metadata.pop("papermill", None)


def _relative_parameters(node, params: dict, *, work_dir: Path, final_dir: Path) -> None:
    """Show the parameters of an executed notebook as paths relative to its final folder
    (``OUT/notebooks``), so the notebook embeds no absolute path of the user's and can be rerun
    from where it lies. Paths inside the report's temporary folder become paths inside ``OUT``."""
    lines = ["# Parameters of this run (paths relative to this notebook's folder)"]
    relative = {}
    for key, value in params.items():
        if isinstance(value, str) and os.path.isabs(value):
            path = Path(value)
            if path == work_dir or work_dir in path.parents:
                path = final_dir.parent / path.relative_to(work_dir)
            value = os.path.relpath(path, final_dir)
        relative[key] = value
        lines.append(f"{key} = {value!r}")
    if "papermill" in node.metadata:
        node.metadata["papermill"]["parameters"] = relative
    for cell in node.cells:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell.source = "\n".join(lines)


def _finish_notebooks(
    pool,
    jobs,
    log: _Log,
    links: list[tuple[str, str, str]],
    *,
    params: dict | None = None,
    final_dir: Path | None = None,
) -> int:
    if pool is None:
        return 0
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    failures = 0
    try:
        for nb_path, target, future in jobs:
            error, seconds = future.result()
            log.timings.append((f"notebook: {nb_path.stem}", seconds))
            log.say(f"notebook {nb_path.stem} {'failed' if error else 'done'} ({seconds:.0f} s)")
            if error is not None:
                failures += 1
                log.problem("error", f"notebooks/{nb_path.name}", f"execution failed: {error}")
            if target.is_file():
                node = nbformat.read(str(target), as_version=4)
                if params is not None and final_dir is not None:
                    _relative_parameters(node, params, work_dir=target.parent.parent, final_dir=final_dir)
                _drop_timings(node)
                nbformat.write(node, str(target))
                body, _ = exporter.from_notebook_node(node)
                target.with_suffix(".html").write_text(self_contained_html(body), encoding="utf-8")
                links.append(
                    (nb_path.stem, f"notebooks/{target.with_suffix('.html').name}", "failed" if error else "ok")
                )
    finally:
        pool.shutdown(wait=True)
    return failures
