"""The notebooks of ``python -m analysis run``: executed in their own kernels beside the report.

Each notebook in ``notebooks/`` runs with nbclient in a kernel of its own, its values injected
after the cell tagged ``parameters`` (papermill's convention: a cell tagged
``injected-parameters``). A notebook starts as soon as a slot is free, right after annotation:
its kernel starts and its first cells (imports) run at once; before the first cell that loads
the run's saved tables or figures (``section_tables("topics", …, results_dir=results_dir)``,
``section_figures(…)``) it waits until the report has saved those sections, tables and figures.
While the report still computes, one notebook runs beside it, afterwards two, so the two cores
stay busy and at most three processes hold the corpus. The executed notebooks equal those of a
run that starts them after the tables exist; each is converted to HTML without scripts
(:func:`analysis.report.html.self_contained_html`).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import regex

from .html import self_contained_html

__all__ = ["NOTEBOOKS", "NotebookRun", "execute_notebook", "finish_notebooks", "start_notebooks"]

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
_SECTION_CALL = regex.compile(r"""section_(?:tables|figures)\(\s*["'](\w+)["']""")
_PARAMETER_TAGS = ("parameters", "injected-parameters")


def _skip_iri_grammar() -> None:
    """Mark the optional package ``rfc3987_syntax`` as absent before nbformat is first imported.

    nbformat imports jsonschema, which imports ``rfc3987_syntax`` when it is installed (JupyterLab's
    dependencies install it) to check the JSON-schema format ``iri``; its import builds a grammar,
    1.2 s of CPU in every process that reads a notebook. nbformat validates notebooks without any
    format checker, so nothing here uses it; jsonschema treats the package as optional (``ImportError``
    is expected). Only done while jsonschema is not yet imported, so a process that already has it
    is left as it is."""
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


class NotebookRun:
    """The notebooks of one report, executing while the report goes on (see the module's text).

    ``log`` has ``say(message)``, ``problem(level, where, message)`` and a list ``timings``;
    ``sections`` names the sections the report will save, in order."""

    def __init__(self, dest: Path, log, params: dict, *, sections: Iterable[str] = ()) -> None:
        self.log, self.params = log, params
        self._cond = threading.Condition()
        self._slots = 1  # notebooks beside the computing report; all workers once it is done
        self._running = 0
        self._next = 0  # notebooks start in their order (01, 02, …), the order of their sections
        self._done: set[str] = set()
        self._pending = set(sections)
        self._cancelled = False
        self._workers = 1
        self.jobs: list[tuple[Path, Path, Future]] = []
        self.pool: ThreadPoolExecutor | None = None
        if not NOTEBOOKS.is_dir():
            log.problem("warning", "notebooks", f"{NOTEBOOKS} not found (installed without the notebooks); skipped")
            return
        dest.mkdir()
        self._workers = max(1, min(2, os.cpu_count() or 1))
        self.pool = ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix="notebook")
        for nb_path in sorted(NOTEBOOKS.glob("[0-9]*.ipynb")):
            target = dest / nb_path.name
            self.jobs.append((nb_path, target, self.pool.submit(self._run, len(self.jobs), nb_path, target)))

    # -- called by the report
    def section_done(self, section: str) -> None:
        """The report saved ``section`` (or it failed: the notebook computes it): who waits goes on."""
        with self._cond:
            self._done.add(section)
            self._cond.notify_all()

    def report_done(self) -> None:
        """The report's own computing is over: every section counts as done, two notebooks at a time."""
        with self._cond:
            self._done |= self._pending
            self._pending = set()
            self._slots = self._workers
            self._cond.notify_all()

    def cancel(self) -> None:
        """Stop: notebooks not started are dropped, a waiting one stops before its next cell."""
        with self._cond:
            self._cancelled = True
            self._cond.notify_all()
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)

    # -- in the worker threads
    def _acquire(self, position: int) -> bool:
        with self._cond:
            while not self._cancelled and (self._running >= self._slots or self._next != position):
                self._cond.wait()
            if self._cancelled:
                return False
            self._running += 1
            self._next += 1
            self._cond.notify_all()
            return True

    def _release(self) -> None:
        with self._cond:
            self._running -= 1
            self._cond.notify_all()

    def _wait_for(self, section: str) -> None:
        with self._cond:
            # "" (a cell that reads results_dir without naming a section): all of them
            while not self._cancelled and (section not in self._done if section else bool(self._pending - self._done)):
                self._cond.wait()
            if self._cancelled:
                raise RuntimeError("the report was interrupted")

    def _run(self, position: int, nb_path: Path, target: Path) -> tuple[str | None, float]:
        if not self._acquire(position):
            return "the report was interrupted", 0.0
        try:
            self.log.say(f"executing notebook {nb_path.name}")
            return execute_notebook(nb_path, target, self.params, wait_for=self._wait_for)
        finally:
            self._release()


def start_notebooks(dest: Path, log, params: dict, *, sections: Iterable[str] = ()) -> NotebookRun:
    """Start executing every notebook into ``dest`` while the caller goes on (:class:`NotebookRun`);
    :func:`finish_notebooks` waits for them and converts them to HTML."""
    return NotebookRun(dest, log, params, sections=sections)


def inject_parameters(nb, params: dict) -> None:
    """Papermill's convention: a cell tagged ``injected-parameters`` after the one tagged
    ``parameters`` (or first) sets the run's values. Its id is fixed, so reruns give equal files."""
    _skip_iri_grammar()
    import nbformat

    lines = ["# Parameters"] + [f"{key} = {value!r}" for key, value in params.items()]
    cell = nbformat.v4.new_code_cell(source="\n".join(lines) + "\n")
    cell.id = "injected-parameters"
    cell.metadata["tags"] = ["injected-parameters"]
    nb.cells = [c for c in nb.cells if "injected-parameters" not in c.metadata.get("tags", [])]
    where = next((i + 1 for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])), 0)
    nb.cells.insert(where, cell)


def needs_results(cell) -> tuple[str, ...] | None:
    """The sections whose saved tables ``cell`` loads (``section_tables("topics", …,
    results_dir=…)``); ``("",)`` when it reads ``results_dir`` naming none; None when it reads none."""
    if cell.cell_type != "code" or any(t in cell.metadata.get("tags", []) for t in _PARAMETER_TAGS):
        return None
    if "results_dir" not in cell.source:
        return None
    return tuple(dict.fromkeys(_SECTION_CALL.findall(cell.source))) or ("",)


def execute_notebook(
    nb_path: Path, target: Path, params: dict, *, wait_for: Callable[[str], None] | None = None
) -> tuple[str | None, float]:
    """Run one notebook into ``target`` (nbclient, one kernel); return (error message or None, seconds).

    ``wait_for(section)`` is called before the first cell that loads the run's saved tables of
    ``section`` (``""``: of every section), so the kernel starts and imports while they are
    computed. The executed notebook is written also when a cell fails (with the error in it)."""
    _skip_iri_grammar()
    import nbformat
    from nbclient import NotebookClient

    t0 = time.perf_counter()
    error = None
    nb = nbformat.read(str(nb_path), as_version=4)
    inject_parameters(nb, params)
    waited: set[str] = set()

    def before_cell(cell, cell_index):  # nbclient's hook, in this notebook's own thread
        for section in needs_results(cell) or ():
            if wait_for is not None and section not in waited:
                waited.add(section)
                wait_for(section)

    client = NotebookClient(
        nb,
        kernel_name="python3",
        # the kernel listens on loopback only; its warning about unencrypted TCP is noise for the user
        extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
        # no resources["metadata"]["path"]: every path parameter is absolute, and the kernel starts in
        # this process's working directory (nothing changes it: notebooks run in threads)
        record_timing=False,
        timeout=None,
        on_cell_start=before_cell,
    )
    try:
        client.execute()
    except Exception as exc:
        text = str(exc).strip()
        error = (text.splitlines()[-1] if text else exc.__class__.__name__)[:300]
    nb.metadata["papermill"] = {"parameters": dict(params), "exception": True if error else None}
    try:
        nbformat.write(nb, str(target))
    except OSError as exc:
        error = error or f"cannot write {target.name}: {exc.strerror or exc}"
    return error, time.perf_counter() - t0


def drop_timings(node) -> None:
    """Remove the run's clock times from an executed notebook (the kernel's, and papermill's in
    notebooks it executed), so two runs on the same corpus give the same files."""
    papermill = node.metadata.get("papermill", {})
    for key in ("start_time", "end_time", "duration", "input_path", "output_path"):
        papermill.pop(key, None)
    for cell in node.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.get("papermill", {}).clear()
        cell.metadata.pop("papermill", None)


def relative_parameters(node, params: dict, *, work_dir: Path, final_dir: Path) -> None:
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


def finish_notebooks(
    run: NotebookRun | None,
    log,
    links: list[tuple[str, str, str]],
    *,
    params: dict | None = None,
    final_dir: Path | None = None,
) -> int:
    """Wait for the notebooks (two at a time from now on) and convert each to HTML as it
    finishes, adding ``(name, href, "ok" | "failed")`` to ``links``; return how many failed."""
    if run is None:
        return 0
    run.report_done()
    if run.pool is None:
        return 0
    _skip_iri_grammar()
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    failures = 0
    try:
        for nb_path, target, future in run.jobs:
            error, seconds = future.result()
            log.timings.append((f"notebook: {nb_path.stem}", seconds))
            log.say(f"notebook {nb_path.stem} {'failed' if error else 'done'} ({seconds:.0f} s)")
            if error is not None:
                failures += 1
                log.problem("error", f"notebooks/{nb_path.name}", f"execution failed: {error}")
            if target.is_file():
                node = nbformat.read(str(target), as_version=4)
                if params is not None and final_dir is not None:
                    relative_parameters(node, params, work_dir=target.parent.parent, final_dir=final_dir)
                drop_timings(node)
                nbformat.write(node, str(target))
                body, _ = exporter.from_notebook_node(node)
                target.with_suffix(".html").write_text(self_contained_html(body), encoding="utf-8")
                links.append(
                    (nb_path.stem, f"notebooks/{target.with_suffix('.html').name}", "failed" if error else "ok")
                )
    finally:
        run.pool.shutdown(wait=True)
    return failures
