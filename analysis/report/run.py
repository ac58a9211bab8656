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

import html
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import regex

from ..annotate.pipeline import annotate
from ..context import RunContext
from ..corpus.load import REPORT_MARKER, Corpus, load_corpus
from .results import RESULTS_DIR, save_tables
from .sections import SECTIONS

__all__ = [
    "MARKER",
    "ReportError",
    "run_report",
    "self_contained_html",
    "spreadsheet_safe",
]

MARKER = REPORT_MARKER
NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


class ReportError(Exception):
    """The report cannot be written (one line for the user)."""


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
    _check_out(out, corpus_dir)
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
    _remove_leftovers(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{out.name}.{os.getpid()}.", dir=out.parent))
    except OSError as exc:
        raise ReportError(f"{out.parent}: cannot write the report there ({exc.strerror or exc})") from None
    failures = 0
    pool = None
    try:
        (work / MARKER).write_text(_MARKER_HEADER)
        log.say(f"loading {corpus_dir}")
        loaded: Corpus = log.timed(
            "load", lambda: load_corpus(corpus_dir, metadata=metadata, max_bytes=max_bytes, quiet=True)
        )
        for row in loaded.problems.head(_MAX_PRINTED).itertuples(index=False):
            log.problem(row.level, row.file, row.message)
        if len(loaded.problems) > _MAX_PRINTED:
            rest = len(loaded.problems) - _MAX_PRINTED
            print(f"… and {rest:,} more warnings (all in tables/problems.csv)", file=sys.stderr, flush=True)
            log.problems.extend(loaded.problems.iloc[_MAX_PRINTED:].to_dict("records"))
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
                        work, loaded, tokens, tables=tables, by=group_by, matches=context.theme_matches
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
            _write_csv(df, tables_dir / f"{name}.csv")

        found = _findings(context, tables, log)
        (work / "index.html").write_text(
            _index_html(loaded, tables, figures, nb_links, log, corpus_dir, found, work, explore_href),
            encoding="utf-8",
        )
        log.timings.append(("write", time.perf_counter() - t0))
        _write_manifest(work)
        _replace(work, out)
    except BaseException:
        if notebooks and pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        shutil.rmtree(work, ignore_errors=True)
        raise
    log.say("time per stage: " + ", ".join(f"{label} {seconds:.1f} s" for label, seconds in log.timings))
    log.say(f"report: {out / 'index.html'}")
    return failures


# ---------------------------------------------------------------------------------------------


_MARKER_HEADER = "German discourse analysis report folder; safe to replace with a new report.\n"
_MAX_PRINTED = 50  # warnings printed and listed in index.html; all of them are in tables/problems.csv
# what a report writes, for reports from before the marker listed its files
_LEGACY_ENTRIES = {
    "index.html": None,
    MARKER: None,
    "tables": ".csv",
    "figures": ".png",
    "notebooks": (".ipynb", ".html"),
    "results": (".parquet", ".json"),
}


def _check_out(out: Path, corpus_dir: Path) -> None:
    if out.exists() and not out.is_dir():
        raise ReportError(f"{out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()):
        if not (out / MARKER).is_file():
            raise ReportError(f"{out}: folder is not empty and holds no previous report; choose an empty or new folder")
        foreign = _foreign_entries(out)
        if foreign:
            raise ReportError(f"{out}: {_describe_foreign(foreign)}; move them out or choose another folder")
    # resolved paths: C/../C, symlinks and bind-style aliases of the corpus are caught too
    real_out, real_corpus = out.resolve(), corpus_dir.resolve()
    if real_out == real_corpus or real_corpus in real_out.parents or real_out in real_corpus.parents:
        raise ReportError(f"{out}: the output folder must not contain or be inside the corpus folder")


def _describe_foreign(foreign: list[str]) -> str:
    shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5:,} more" if len(foreign) > 5 else "")
    return f"holds {len(foreign):,} file(s) or folder(s) the report did not write ({shown})"


def _foreign_entries(out: Path) -> list[str]:
    """Paths inside a previous report folder that the report did not write (sorted)."""
    try:
        lines = (out / MARKER).read_text("utf-8", errors="replace").splitlines()
    except OSError:
        lines = []
    listed = {line for line in lines[1:] if line.strip()}
    foreign: list[str] = []
    for dirpath, dirnames, filenames in os.walk(out, followlinks=False):
        base = Path(dirpath).relative_to(out)
        for name in sorted(dirnames) + sorted(filenames):
            rel = (base / name).as_posix()
            if listed:
                ok = rel in listed
            else:  # an older report: its marker lists nothing, so accept what a report writes
                top, _, rest = rel.partition("/")
                kind = _LEGACY_ENTRIES.get(top, False)
                ok = kind is not False and (not rest or (kind is not None and "/" not in rest and rest.endswith(kind)))
            if not ok:
                foreign.append(rel)
        dirnames[:] = [
            d
            for d in dirnames
            if (base / d).as_posix() in listed or (not listed and not base.parts and d in _LEGACY_ENTRIES)
        ]
    return sorted(foreign)


def _write_manifest(work: Path) -> None:
    """List every path the report wrote in its marker, so the next run replaces only those."""
    entries = []
    for dirpath, dirnames, filenames in os.walk(work):
        base = Path(dirpath).relative_to(work)
        entries.extend((base / name).as_posix() for name in dirnames + filenames)
    (work / MARKER).write_text(_MARKER_HEADER + "".join(f"{e}\n" for e in sorted(entries)), encoding="utf-8")


def _remove_leftovers(out: Path) -> None:
    """Remove the hidden work folders (``.OUT.PID.*``) of runs that were killed (SIGKILL, full disk):
    only folders of processes no longer running, and only when they are empty or hold a report marker."""
    from ..annotate.pipeline import _process_alive

    prefix = f".{out.name}."
    try:
        entries = [e for e in os.scandir(out.parent) if e.name.startswith(prefix) and e.is_dir(follow_symlinks=False)]
    except OSError:
        return
    for entry in entries:
        pid_text = entry.name[len(prefix) :].split(".", 1)[0]
        if pid_text.isdigit() and (int(pid_text) == os.getpid() or _process_alive(int(pid_text))):
            continue
        path = Path(entry.path)
        try:
            ours = (path / MARKER).is_file() or (pid_text.isdigit() and not any(path.iterdir()))
        except OSError:
            continue
        if ours:
            shutil.rmtree(path, ignore_errors=True)


def _replace(work: Path, out: Path) -> None:
    # check again right before replacing: OUT may have been created or filled while the run went on
    if out.exists() or out.is_symlink():
        problem = None
        if not out.is_dir():
            problem = "is no longer a folder"
        elif any(out.iterdir()):
            if not (out / MARKER).is_file():
                problem = "was filled by something else during the run"
            else:
                foreign = _foreign_entries(out)
                problem = _describe_foreign(foreign) if foreign else None
        if problem is not None:
            kept = out.with_name(f"{out.name}.new-report-{time.strftime('%Y%m%d-%H%M%S')}")
            work.rename(kept)
            raise ReportError(f"{out}: {problem}; nothing was replaced, the new report is in {kept}")
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.{os.getpid()}.old")
        shutil.rmtree(old, ignore_errors=True)
        out.rename(old)
    work.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _findings(context: RunContext, tables: dict[str, pd.DataFrame], log: _Log):
    """The findings of :mod:`analysis.report.findings` for this run (an empty list if they fail)."""
    from .findings import findings

    try:
        matches = context.theme_matches if "themes" in tables else None
        return findings(tables, matches=matches, paragraphs=context.corpus.paragraphs)
    except Exception as exc:  # the findings summarise; the tables and figures stand without them
        log.problem("error", "section Findings", f"failed: {exc.__class__.__name__}: {exc}")
        return []


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    spreadsheet_safe(df).to_csv(path, index=False, lineterminator="\n", float_format="%.6g")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = regex.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?%?")


def spreadsheet_safe(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with every text cell that a spreadsheet would run as a formula defused (OWASP "CSV
    injection"): a cell beginning with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a
    leading ``'``. Numeric columns and text cells that are plain numbers (``-3``, ``+4,5``) are
    left alone. The raw text stays in the Python API (``annotate``, ``load_corpus``, ``report_tables``)."""
    out = None
    for col in df.columns:
        series = df[col]
        if isinstance(series.dtype, pd.CategoricalDtype):
            series = series.astype(object)
        elif not (series.dtype == object or pd.api.types.is_string_dtype(series.dtype)):
            continue
        text = series.where(series.map(lambda v: isinstance(v, str)), None)
        risky = text.str.startswith(_FORMULA_START, na=False)
        if not risky.any():
            continue
        risky &= ~text.str.fullmatch(_PLAIN_NUMBER.pattern, na=False)
        if not risky.any():
            continue
        if out is None:
            out = df.copy()
        fixed = series.astype(object).copy()
        fixed[risky] = "'" + text[risky]
        out[col] = fixed
    return df if out is None else out


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


CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"  # of every page the report writes
_SCRIPT_RE = regex.compile(r"<script\b[^>]*>.*?</script\s*>", regex.IGNORECASE | regex.DOTALL)
_EXTERNAL_RE = regex.compile(r"<(?:link|iframe|object|embed)\b[^>]*>", regex.IGNORECASE)


def self_contained_html(page: str) -> str:
    """A notebook's HTML export without anything loaded from elsewhere: nbconvert's template pulls
    require.js, MathJax and mermaid from public CDNs; every ``<script>`` (and ``<link>``, ``<iframe>``,
    ``<object>``, ``<embed>``) is removed and the report's Content-Security-Policy added, so the
    page works offline and runs no code. Figures are inline ``data:`` images, styles inline."""
    page = _SCRIPT_RE.sub("", page)
    page = _EXTERNAL_RE.sub("", page)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
    head = regex.search(r"<head\b[^>]*>", page, regex.IGNORECASE)
    if head is None:
        return f"<!DOCTYPE html><html><head>{meta}</head><body>{page}</body></html>"
    return page[: head.end()] + meta + page[head.end() :]


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}th,td{border:1px solid #ddd;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f3f3f3}img{max-width:100%;height:auto;border:1px solid #eee;margin:.5em 0}
figure{margin:1.5em 0}figcaption{color:#444;font-size:.9em;max-width:820px}.findings li{margin:.35em 0}
.warning{color:#8a5300}.error{color:#b00020}.muted{color:#666;font-size:.9em}code{background:#f5f5f5;padding:0 .2em}
"""
_KEY_TABLES = (
    ("themes", "Dominant theme per document", 20),
    ("sentiment_documents", "Sentiment per document", 20),
    ("keyness", "Most distinctive words (keyness: the top 5 of every document and speaker)", 200),
)


def _key_rows(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """What the page shows of a key table: for keyness the top 5 over-used words of every target."""
    if name == "keyness" and {"comparison", "target", "g2", "log_ratio"} <= set(df.columns):
        over = df[(df["log_ratio"] > 0) & df["comparison"].isin(["document_vs_rest", "speaker_vs_speaker"])]
        over = over.sort_values(["comparison", "target", "g2"], ascending=[True, True, False], kind="stable")
        return over.groupby(["comparison", "target"], sort=False).head(5)
    return df


def _table_html(df: pd.DataFrame, max_rows: int) -> str:
    shown = df.head(max_rows).copy()
    for col in shown.columns:  # nullable integers and strings print <NA>; show an empty cell like NaN
        if isinstance(shown[col].dtype, pd.api.extensions.ExtensionDtype) and shown[col].isna().any():
            shown[col] = shown[col].astype(object).where(shown[col].notna(), "")
    note = f"<p class='muted'>first {max_rows} of {len(df)} rows</p>" if len(df) > max_rows else ""
    return shown.to_html(index=False, escape=True, float_format=lambda v: f"{v:.3f}", na_rep="", border=0) + note


def _index_html(
    corpus: Corpus,
    tables: dict[str, pd.DataFrame],
    figures: dict[str, str],
    notebooks: list[tuple[str, str, str]],
    log: _Log,
    corpus_dir: Path,
    found: list | None = None,
    out_dir: Path | None = None,
    explore_href: str | None = None,
) -> str:
    from .. import plots
    from .findings import figure_captions

    e = html.escape
    docs = tables["documents"]
    cols = [
        c
        for c in ("doc_id", "title", "genre", "year", "language", "words_total", "sentences", "boilerplate_share")
        if c in docs
    ]
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<meta http-equiv='Content-Security-Policy' content=\"{CSP}\">",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>German discourse analysis — {e(corpus_dir.name)}</title><style>{_CSS}</style></head><body>",
        "<h1>German discourse analysis report</h1>",
        f"<p>Corpus folder <code>{e(str(corpus_dir))}</code>: {len(corpus)} documents, "
        f"{int(docs['words_total'].sum()) if 'words_total' in docs else 0} words, "
        f"{len(corpus.paragraphs)} paragraphs ({int(corpus.paragraphs['is_boilerplate'].sum())} boilerplate).</p>",
    ]
    if explore_href:
        parts.append(
            f"<p><a href='{e(explore_href)}'><b>Explore the corpus</b></a>: search and sort the words, read any word "
            "in context (compounds included), see where it occurs, compare groups, read each document with its "
            "structure marked.</p>"
        )
    parts.append("<h2 id='findings'>Findings</h2>")
    if found:
        parts.append("<ul class='findings'>")
        for f in found:
            refs = []
            if f.figure and f.figure in figures:
                refs.append(f"<a href='#fig-{e(f.figure)}'>figure</a>")
            if f.table and f.table[: -len(".csv")] in tables:
                refs.append(f"<a href='tables/{e(f.table)}'>{e(f.table)}</a>")
            ref = f" <span class='muted'>({', '.join(refs)})</span>" if refs else ""
            parts.append(f"<li>{e(f.text)}{ref}</li>")
        parts.append("</ul>")
    else:
        parts.append("<p class='muted'>No findings: the sections that produce them did not run.</p>")
    parts += ["<h2>Documents</h2>", _table_html(docs[cols], 200)]
    parts.append("<h2>Warnings and problems</h2>")
    if log.problems:
        parts.append("<ul>")
        for p in log.problems[:_MAX_PRINTED]:
            parts.append(f"<li class='{e(p['level'])}'><b>{e(p['level'])}</b>: {e(p['file'])}: {e(p['message'])}</li>")
        parts.append("</ul>")
        if len(log.problems) > _MAX_PRINTED:
            parts.append(
                f"<p class='muted'>… and {len(log.problems) - _MAX_PRINTED:,} more: see "
                "<a href='tables/problems.csv'>problems.csv</a></p>"
            )
    else:
        parts.append("<p>None: every file was read and every section ran.</p>")
    parts.append("<h2>Notebooks</h2>")
    if notebooks:
        parts.append("<ul>")
        for name, href, status in notebooks:
            parts.append(f"<li><a href='{e(href)}'>{e(name)}</a> ({e(status)})</li>")
        parts.append("</ul>")
    else:
        parts.append("<p class='muted'>Notebooks were not executed (--no-notebooks).</p>")
    parts.append("<h2>Key figures</h2>")
    captions = figure_captions(tables)
    for name, src in figures.items():
        caption = captions.get(name, name.replace("_", " "))
        width = ""
        if out_dir is not None:
            try:  # saved at 2x: shown at half its pixel width, sharp on high-density screens
                width = f" width='{plots.png_width(out_dir / src) * 100 // plots.SAVE_DPI}'"
            except (OSError, ValueError):
                pass
        parts.append(
            f"<figure id='fig-{e(name)}'><img src='{e(src)}'{width} alt='{e(caption)}'>"
            f"<figcaption>{e(caption)}</figcaption></figure>"
        )
    for key, title, rows in _KEY_TABLES:
        if key in tables:
            parts.append(f"<h2>{e(title)}</h2>")
            parts.append(_table_html(_key_rows(key, tables[key]), rows))
    parts.append("<h2>Tables</h2><ul>")
    for name in sorted(tables):
        parts.append(f"<li><a href='tables/{e(name)}.csv'>{e(name)}.csv</a> ({len(tables[name])} rows)</li>")
    parts.append("</ul>")
    parts.append("<p class='muted'>Column descriptions: see the project README, section “Result tables”.</p>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
