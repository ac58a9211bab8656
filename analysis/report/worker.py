"""A second process beside a small corpus's report: it saves the figures and computes one section.

On a small corpus the report's own process is the longest path of a run, while the second core
waits (the notebooks' kernel waits for the sections). :class:`ReportWorker` forks one worker process
from the report right after annotation — it starts at once, with everything imported and the corpus
and its tokens in memory — and gives it two kinds of work:

* **figures**: drawing a figure is cheap; rendering it at 200 dpi and encoding the PNG costs
  0.15–0.5 s each, about 2.5 s of the seed corpus's report. Each finished figure is pickled (a few
  milliseconds) and rendered by the worker: the same bytes as rendered in the report (matplotlib
  figures pickle with all their artists; the tests compare the files);
* **a whole section** (:data:`WORKER_SECTIONS`: ``topics``, the most expensive and needing nothing
  the other sections compute): the worker computes its tables from the corpus it inherited, draws
  and saves its figures, and sends the tables back, while the report computes the other sections.
  The tables are those the report computes itself (same code, same data, fixed seeds).

It is used only for corpora of fewer than :data:`WORKER_MAX_TOKENS` tokens, where these costs are a
large part of the run (a fork's memory counts again in the process tree's resident size), only where
``fork`` exists (Linux) and only while the report has no other thread; else, and whenever the worker
fails, everything is done in the report's process as before.

When all figures of a section are on disk, ``on_saved(section, paths)`` is called (in the pool's
thread when the worker saved them): the report records them and the notebooks waiting for the
section go on.
"""

from __future__ import annotations

import pickle
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

__all__ = ["WORKER_MAX_TOKENS", "WORKER_SECTIONS", "ReportWorker", "render_png"]

WORKER_MAX_TOKENS = 200_000
WORKER_SECTIONS = ("topics",)

_CONTEXT = None  # the report's RunContext, set before the fork: the worker inherits it


def _section(name: str, folder: str) -> tuple[dict, dict[str, str]]:
    """In the worker: the tables of section ``name`` computed from the inherited context, its figures
    saved into ``folder``; returns (tables, {figure name: path})."""
    from ..annotate.memo import save_memo
    from .sections import get_section

    section = get_section(name)
    tables = section.compute(_CONTEXT)
    paths = {}
    for fig_name, fig in section.figures(_CONTEXT, tables).items():
        paths[fig_name] = str(_save_here(fig, Path(folder) / f"{fig_name}.png"))
    save_memo()  # a worker ends without the exit handlers that would save it
    return tables, paths


def render_png(payload: bytes, path: str) -> str:
    """Unpickle a figure and save it as the report saves figures (:func:`analysis.plots.save`)."""
    from .. import plots

    plots.style()
    return str(_save_here(pickle.loads(payload), Path(path)))


def _ready() -> bool:
    return True


def _preload() -> None:
    """Import what both processes use before the fork, so the worker inherits it instead of
    importing it again: matplotlib and the plotting helpers (0.3 s of CPU). No font file is opened
    by the import (a file opened before a fork would share its read position with the worker)."""
    import matplotlib.pyplot  # noqa: F401

    from .. import plots  # noqa: F401


def _save_here(fig, path: Path) -> Path:
    import matplotlib.pyplot as plt

    from .. import plots

    try:
        plots.save(fig, path)
    finally:
        plt.close(fig)
    return path


class ReportWorker:
    """Saves the figures of each section, in a worker process when ``worker`` (see the module's
    text), and reports each finished section through ``on_saved(section, {name: path})``; with the
    run's ``context`` the worker can also compute a section (:meth:`compute_section`). Errors of
    figures are collected in :attr:`errors` as ``(figure name, message)``; call :meth:`close` at
    the end."""

    def __init__(self, on_saved: Callable[[str, dict[str, Path]], None], *, worker: bool, context=None) -> None:
        global _CONTEXT
        self.on_saved = on_saved
        self.errors: list[tuple[str, str]] = []
        self._pending: list[Future] = []
        self._sections: list[Future] = []  # sections the worker computes (see compute_section)
        self._lock = threading.Lock()
        self._pool = None
        # fork only while this is the process's one thread (no Dask client, no progress bar, no
        # notebook thread yet): a thread holding a lock at the fork would leave it locked in the worker
        if worker and sys.platform.startswith("linux") and threading.active_count() == 1:
            from concurrent.futures import ProcessPoolExecutor
            from multiprocessing import get_context

            _CONTEXT = context
            try:
                _preload()
                pool = ProcessPoolExecutor(max_workers=1, mp_context=get_context("fork"))
                pool.submit(_ready).result(timeout=60)  # forked now, while this thread is the only one
                self._pool = pool
            except Exception:  # no worker: figures are saved in this process
                self._pool = None
            finally:
                _CONTEXT = None  # the report's process keeps no second reference

    @property
    def forked(self) -> bool:
        """Whether the worker process runs (else everything happens in the report's process)."""
        return self._pool is not None

    def compute_section(self, name: str, folder: Path) -> Future:
        """Let the worker compute section ``name`` (its figures saved into ``folder``); the future
        gives ``(tables, {figure name: path})``. Only when :attr:`forked` and with a ``context``."""
        job = self._pool.submit(_section, name, str(folder))
        with self._lock:
            self._pending.append(job)
            self._sections.append(job)
        return job

    def saved(self, section: str, paths: dict[str, str]) -> None:
        """Report the figures of a section the worker computed (see :meth:`compute_section`)."""
        self.on_saved(section, {name: Path(path) for name, path in paths.items()})

    def save(self, section: str, figures: dict, folder: Path) -> dict[str, Path]:
        """Save ``figures`` (name → matplotlib figure) as ``folder/<name>.png``; return the paths they
        will have. Each figure is closed here."""
        import matplotlib.pyplot as plt

        paths = {name: folder / f"{name}.png" for name in figures}
        with self._lock:
            busy = any(not job.done() for job in self._sections)
        if self._pool is None or busy:  # while the worker computes a section, this process renders
            saved = {name: paths[name] for name, fig in figures.items() if self._saved_here(name, fig, paths[name])}
            self.on_saved(section, saved)
            return paths
        jobs = {}
        for name, fig in figures.items():
            try:
                payload = pickle.dumps(fig)
            except Exception:  # a figure that does not pickle is saved here
                self._saved_here(name, fig, paths[name])
                continue
            try:
                job = self._pool.submit(render_png, payload, str(paths[name]))
            except BrokenProcessPool:  # the worker died: this and later figures are saved here
                self._pool = None
                self._saved_here(name, fig, paths[name])
                continue
            plt.close(fig)
            jobs[name] = job
        done = _Countdown(len(jobs), lambda: self._section_done(section, paths, jobs))
        for job in jobs.values():
            job.add_done_callback(done)
        with self._lock:
            self._pending.extend(jobs.values())
        if not jobs:
            self._section_done(section, paths, jobs)
        return paths

    def _saved_here(self, name: str, fig, path: Path) -> bool:
        """Save ``fig`` in this process; a failure is collected in :attr:`errors` (False)."""
        try:
            _save_here(fig, path)
        except Exception as exc:
            self.errors.append((name, f"{exc.__class__.__name__}: {exc}"))
            return False
        return True

    def _section_done(self, section: str, paths: dict[str, Path], jobs: dict[str, Future]) -> None:
        saved = {}
        for name, path in paths.items():
            job = jobs.get(name)
            error = job.exception() if job is not None else None
            if error is not None:
                self.errors.append((name, f"{error.__class__.__name__}: {error}"))
            elif path.is_file():
                saved[name] = path
        try:
            self.on_saved(section, saved)
        except Exception as exc:  # in the pool's thread: said at the end, not lost
            self.errors.append((f"{section} (index)", f"{exc.__class__.__name__}: {exc}"))

    def close(self) -> None:
        """Wait for every figure (each section reported), then stop the worker."""
        with self._lock:
            pending = list(self._pending)
        for job in pending:
            try:
                job.result()
            except Exception:  # recorded by the section's report
                pass
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None


class _Countdown:
    """Calls ``then()`` once, when it has been called ``n`` times (a future's done-callback)."""

    def __init__(self, n: int, then: Callable[[], None]) -> None:
        self._n, self._then, self._lock = n, then, threading.Lock()

    def __call__(self, _future=None) -> None:
        with self._lock:
            self._n -= 1
            last = self._n == 0
        if last:
            self._then()
