"""The notebooks of ``python -m analysis run``: executed in one kernel beside the report.

The notebooks in ``notebooks/`` run with nbclient one after the other, in their order, in one
kernel (:class:`SharedKernel`: started once, and brought back to a fresh kernel's state before
each notebook), their values injected after the cell tagged ``parameters`` (papermill's
convention: a cell tagged ``injected-parameters``). The first starts right after annotation: the
kernel starts and its first cells (imports) run at once; before the first cell that loads the
run's saved tables or figures (``section_tables("topics", …, results_dir=results_dir)``,
``section_figures(…)``) a notebook waits until the report has saved those sections, tables and
figures. So one kernel works beside the report and at most two processes hold the corpus. The
executed notebooks equal those of a run that starts each in a kernel of its own after the tables
exist; each is converted to HTML without scripts (:func:`analysis.report.html.self_contained_html`).
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


# Run on the notebook's own kernel client before its first cell, silently and outside the history:
# a notebook in the shared kernel starts from the state a fresh kernel gives it — an empty namespace
# (names, the output history), no open figures, Matplotlib's and pandas' options as at their import
# (the notebooks set display options of their own), the warning filters, ``sys.path`` and working
# directory the kernel started with, the execution counter at 1.
# Modules stay imported, which is what sharing the kernel saves.
_FRESH_STATE = """\
%reset -f
import os as _os, sys as _sys, warnings as _warnings
_shell = get_ipython()
if hasattr(_shell, "_analysis_start"):
    _filters, _path, _cwd = _shell._analysis_start
    _warnings.filters[:] = _filters
    _sys.path[:] = _path
    _os.chdir(_cwd)
    del _filters, _path, _cwd
else:
    _shell._analysis_start = (list(_warnings.filters), list(_sys.path), _os.getcwd())
if "matplotlib.pyplot" in _sys.modules:
    _sys.modules["matplotlib.pyplot"].close("all")
if "matplotlib" in _sys.modules:
    _sys.modules["matplotlib"].rc_file_defaults()
if "pandas" in _sys.modules:
    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore")
        _sys.modules["pandas"].reset_option("all")
_shell.execution_count = 1  # the prompt numbers of tracebacks, as in a fresh kernel
del _os, _sys, _warnings, _shell
import gc as _gc
_gc.collect()
del _gc
"""


def _settle_pyplot() -> None:
    """Let pyplot choose its backend now, in this (the report's) thread, before the notebook thread
    starts: pyplot chooses it at the first figure and then looks at ``sys.modules["IPython"]``, which
    the notebook thread imports while it starts the kernel (jupyter_client reads ipykernel's kernel
    spec); a half-imported IPython there failed the first figure ("partially initialized module
    'IPython' has no attribute 'get_ipython'"). The first canvas of the backend's class looks at
    IPython too (``FigureCanvasBase._fix_ipython_backend2gui``, once per class: "... no attribute
    'version_info'" at 1M tokens), so one figure is made and closed here as well."""
    import matplotlib
    import matplotlib.pyplot as plt

    matplotlib.get_backend()  # resolves the automatic choice, as the first figure would
    plt.close(plt.figure())  # the canvas class's one look at IPython, done now


class SharedKernel:
    """One IPython kernel for all the notebooks of a run, used from one thread.

    Starting a kernel and importing pandas, Matplotlib, scikit-learn and this package costs about
    2 s of CPU per notebook; sharing the kernel pays it once. Before each notebook the kernel is
    brought back to a fresh kernel's state (``_FRESH_STATE``), so a notebook's outputs are those it
    gives in a kernel of its own. A kernel that died (a notebook ran out of memory) is replaced
    by a new one for the next notebook."""

    def __init__(self) -> None:
        self.km = None
        self._lock = threading.Lock()

    def client(self, nb, **options):
        """An nbclient ``NotebookClient`` for ``nb`` on this kernel (started by its ``execute``
        when there is none yet); run it with ``execute(cleanup_kc=False)``."""
        from jupyter_core.utils import run_sync
        from nbclient import NotebookClient

        with self._lock:
            if self.km is not None and not run_sync(self.km.is_alive)():
                self._shutdown()
            client = NotebookClient(nb, km=self.km, **options)
            if self.km is None:
                self.km = client.create_kernel_manager()

        async def fresh_state(notebook) -> None:  # nbclient's hook: its kernel client is ready
            msg_id = client.kc.execute(_FRESH_STATE, silent=True, store_history=False)
            reply = await client.async_wait_for_reply(msg_id)
            if reply is None or reply["content"].get("status") != "ok":
                raise RuntimeError("the shared kernel could not be reset for the next notebook")

        client.on_notebook_start = fresh_state
        return client

    def shutdown(self) -> None:
        """Shut the kernel down (idempotent; also from another thread, to interrupt a run)."""
        with self._lock:
            self._shutdown()

    def _shutdown(self) -> None:
        if self.km is None:
            return
        from jupyter_core.utils import run_sync

        km, self.km = self.km, None
        try:
            run_sync(km.shutdown_kernel)(now=True)
        except Exception:  # already gone: nothing to stop
            pass


class HtmlExports:
    """The HTML pages of the executed notebooks, made by ``python -m analysis.report.export`` in a
    process of its own that starts with the notebooks: each notebook is handed over when it has
    run, so the pages are made on the other core while the report computes. Used from one thread
    to hand paths over (:meth:`submit`), then once for the answers (:meth:`results`)."""

    def __init__(self) -> None:
        import subprocess

        env = dict(os.environ)
        # the package as this process imports it (a checkout or an installation)
        root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
        self.sent: list[Path] = []
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "analysis.report.export"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                env=env,
            )
        except OSError:  # no second process: the pages are made in this one (results() says so)
            self.proc = None

    def submit(self, notebook: Path) -> None:
        if self.proc is None:
            return
        try:
            self.proc.stdin.write(f"{notebook}\n")
            self.proc.stdin.flush()
            self.sent.append(notebook)
        except OSError:  # the process ended: this page is made in the report's process
            pass

    def results(self) -> dict[Path, str]:
        """Wait for the pages: ``ok`` or ``error: …`` per notebook handed over (none for a notebook
        whose answer never came: the process died)."""
        if self.proc is None:
            return {}
        try:
            out, _ = self.proc.communicate()
        except (OSError, ValueError):
            out = ""
        return dict(zip(self.sent, out.splitlines()))

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class NotebookRun:
    """The notebooks of one report, executing while the report goes on (see the module's text).

    ``log`` has ``say(message)``, ``problem(level, where, message)`` and a list ``timings``;
    ``sections`` names the sections the report will save, in order."""

    def __init__(
        self, dest: Path, log, params: dict, *, sections: Iterable[str] = (), final_dir: Path | None = None
    ) -> None:
        self.log, self.params, self.final_dir = log, params, final_dir
        self._cond = threading.Condition()
        self._done: set[str] = set()
        self._pending = set(sections)
        self._cancelled = False
        self.kernel = SharedKernel()
        self.exports: HtmlExports | None = None
        self.jobs: list[tuple[Path, Path, Future]] = []
        self.pool: ThreadPoolExecutor | None = None
        if not NOTEBOOKS.is_dir():
            log.problem("warning", "notebooks", f"{NOTEBOOKS} not found (installed without the notebooks); skipped")
            return
        dest.mkdir()
        _settle_pyplot()
        self.exports = HtmlExports()
        # one thread and one kernel: the notebooks run one after the other, in their order (01, 02, …,
        # the order of their sections); the last one shuts the kernel down
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="notebooks")
        paths = sorted(NOTEBOOKS.glob("[0-9]*.ipynb"))
        for i, nb_path in enumerate(paths):
            target = dest / nb_path.name
            job = self.pool.submit(self._run, nb_path, target, last=i == len(paths) - 1)
            self.jobs.append((nb_path, target, job))

    # -- called by the report
    def section_done(self, section: str) -> None:
        """The report saved ``section`` (or it failed: the notebook computes it): who waits goes on."""
        with self._cond:
            self._done.add(section)
            self._cond.notify_all()

    def report_done(self) -> None:
        """The report's own computing is over: every section counts as done."""
        with self._cond:
            self._done |= self._pending
            self._pending = set()
            self._cond.notify_all()

    def cancel(self) -> None:
        """Stop: notebooks not started are dropped, a waiting one stops before its next cell, the
        kernel is shut down (a cell it was running ends with it)."""
        with self._cond:
            self._cancelled = True
            self._cond.notify_all()
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
        self.kernel.shutdown()
        if self.exports is not None:
            self.exports.stop()

    # -- in the worker thread
    def _wait_for(self, section: str) -> None:
        with self._cond:
            # "" (a cell that reads results_dir without naming a section): all of them
            while not self._cancelled and (section not in self._done if section else bool(self._pending - self._done)):
                self._cond.wait()
            if self._cancelled:
                raise RuntimeError("the report was interrupted")

    def _run(self, nb_path: Path, target: Path, *, last: bool) -> tuple[str | None, float]:
        try:
            if self._cancelled:
                return "the report was interrupted", 0.0
            self.log.say(f"executing notebook {nb_path.name}")
            error, seconds = execute_notebook(nb_path, target, self.params, wait_for=self._wait_for, kernel=self.kernel)
            if self._cancelled:  # the notebook may also have seen its kernel shut down: say why
                return "the report was interrupted", seconds
            if target.is_file():
                finish_notebook(target, self.params, final_dir=self.final_dir)
                if self.exports is not None:
                    self.exports.submit(target)
            return error, seconds
        finally:
            if last or self._cancelled:
                self.kernel.shutdown()


def start_notebooks(
    dest: Path, log, params: dict, *, sections: Iterable[str] = (), final_dir: Path | None = None
) -> NotebookRun:
    """Start executing every notebook into ``dest`` while the caller goes on (:class:`NotebookRun`;
    ``final_dir``: where the notebooks will lie, for their parameters' relative paths);
    :func:`finish_notebooks` waits for them and their HTML pages."""
    return NotebookRun(dest, log, params, sections=sections, final_dir=final_dir)


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
    nb_path: Path,
    target: Path,
    params: dict,
    *,
    wait_for: Callable[[str], None] | None = None,
    kernel: SharedKernel | None = None,
) -> tuple[str | None, float]:
    """Run one notebook into ``target`` (nbclient); return (error message or None, seconds).

    ``wait_for(section)`` is called before the first cell that loads the run's saved tables of
    ``section`` (``""``: of every section), so the kernel starts and imports while they are
    computed. ``kernel``: run in that shared kernel (left running), else in a kernel of its own.
    The executed notebook is written also when a cell fails (with the error in it)."""
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

    options = dict(
        kernel_name="python3",
        # the kernel listens on loopback only; its warning about unencrypted TCP is noise for the user
        extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
        # no resources["metadata"]["path"]: every path parameter is absolute, and the kernel starts in
        # this process's working directory (nothing changes it: notebooks run in threads)
        record_timing=False,
        timeout=None,
        # how often a cell's wait checks that the kernel still lives (nbclient's default 5 s): an
        # interrupted run shuts the kernel down and should end within a second or two
        shell_timeout_interval=1,
        on_cell_start=before_cell,
    )
    client = kernel.client(nb, **options) if kernel is not None else NotebookClient(nb, **options)
    try:
        if kernel is not None:
            # a kernel started here knows it is shared: RunContext.from_folder reuses its corpus
            from ..context import SHARED_KERNEL_ENV

            client.execute(cleanup_kc=False, env={**os.environ, SHARED_KERNEL_ENV: "1"})
        else:
            client.execute()
    except Exception as exc:
        text = str(exc).strip()
        error = (text.splitlines()[-1] if text else exc.__class__.__name__)[:300]
    finally:
        if kernel is not None and client.kc is not None:
            client.kc.stop_channels()  # this notebook's connection; the kernel goes on
        if client.km is None:
            # a kernel that failed to start (or was shut down while starting: an interrupted run) was
            # cleaned up by nbclient, which leaves its exit handler registered for a kernel it no
            # longer has (an AssertionError at exit)
            import atexit

            atexit.unregister(client._cleanup_kernel)
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


def finish_notebook(target: Path, params: dict, *, final_dir: Path | None) -> None:
    """An executed notebook as the report keeps it: its parameters as paths relative to
    ``final_dir`` (when given), no clock times."""
    _skip_iri_grammar()
    import nbformat

    node = nbformat.read(str(target), as_version=4)
    if final_dir is not None:
        relative_parameters(node, params, work_dir=target.parent.parent, final_dir=final_dir)
    drop_timings(node)
    nbformat.write(node, str(target))


def finish_notebooks(run: NotebookRun | None, log, links: list[tuple[str, str, str]]) -> int:
    """Wait for the notebooks and their HTML pages, adding ``(name, href, "ok" | "failed")`` to
    ``links``; return how many failed."""
    if run is None:
        return 0
    run.report_done()
    if run.pool is None:
        return 0
    failures = 0
    try:
        done = [(nb_path, target, *future.result()) for nb_path, target, future in run.jobs]
    finally:
        run.pool.shutdown(wait=True)
    pages = run.exports.results() if run.exports is not None else {}
    for nb_path, target, error, seconds in done:
        log.timings.append((f"notebook: {nb_path.stem}", seconds))
        log.say(f"notebook {nb_path.stem} {'failed' if error else 'done'} ({seconds:.0f} s)")
        if error is not None:
            failures += 1
            log.problem("error", f"notebooks/{nb_path.name}", f"execution failed: {error}")
        if not target.is_file():
            continue
        page = pages.get(target)
        if page != "ok":  # not made by the other process (it failed or died): made here
            from .export import notebook_html

            try:
                notebook_html(target)
            except Exception as exc:
                failures += 1
                log.problem("error", f"notebooks/{target.with_suffix('.html').name}", f"not written: {exc}")
                continue
        links.append((nb_path.stem, f"notebooks/{target.with_suffix('.html').name}", "failed" if error else "ok"))
    return failures
