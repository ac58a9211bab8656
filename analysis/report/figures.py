"""The report's figures as PNG files, saved in a second process while the report goes on.

Drawing a figure is cheap; rendering it at 200 dpi and encoding the PNG costs 0.15–0.5 s each, about
2.5 s of a small corpus's report. :class:`FigureSaver` pickles each finished figure (a few
milliseconds) and hands it to one worker process forked from the report, which renders and writes
it — the same bytes as rendered in the report (matplotlib figures pickle with all their artists; the
tests compare the files) — on the other core. The worker is forked from the report's own process,
so it starts at once with everything imported (and only while the report has no other thread); it
is used only for corpora of fewer than :data:`WORKER_MAX_TOKENS` tokens, where the figures are a large part of the run (a fork's memory
counts again in the process tree's resident size), and only where ``fork`` exists (Linux); else
and whenever the worker fails, figures are saved in the report's process as before.

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
from pathlib import Path

__all__ = ["WORKER_MAX_TOKENS", "FigureSaver", "render_png"]

WORKER_MAX_TOKENS = 200_000


def render_png(payload: bytes, path: str) -> str:
    """Unpickle a figure and save it as the report saves figures (:func:`analysis.plots.save`)."""
    from .. import plots

    plots.style()
    return str(_save_here(pickle.loads(payload), Path(path)))


def _ready() -> bool:
    return True


def _save_here(fig, path: Path) -> Path:
    import matplotlib.pyplot as plt

    from .. import plots

    try:
        plots.save(fig, path)
    finally:
        plt.close(fig)
    return path


class FigureSaver:
    """Saves the figures of each section, in a worker process when ``worker`` (see the module's
    text), and reports each finished section through ``on_saved(section, {name: path})``. Errors
    are collected in :attr:`errors` as ``(figure name, message)``; call :meth:`close` at the end."""

    def __init__(self, on_saved: Callable[[str, dict[str, Path]], None], *, worker: bool) -> None:
        self.on_saved = on_saved
        self.errors: list[tuple[str, str]] = []
        self._pending: list[Future] = []
        self._lock = threading.Lock()
        self._pool = None
        # fork only while this is the process's one thread (no Dask client, no progress bar, no
        # notebook thread yet): a thread holding a lock at the fork would leave it locked in the worker
        if worker and sys.platform.startswith("linux") and threading.active_count() == 1:
            from concurrent.futures import ProcessPoolExecutor
            from multiprocessing import get_context

            try:
                pool = ProcessPoolExecutor(max_workers=1, mp_context=get_context("fork"))
                pool.submit(_ready).result(timeout=60)  # forked now, while this thread is the only one
                self._pool = pool
            except Exception:  # no worker: figures are saved in this process
                self._pool = None

    def save(self, section: str, figures: dict, folder: Path) -> dict[str, Path]:
        """Save ``figures`` (name → matplotlib figure) as ``folder/<name>.png``; return the paths they
        will have. Each figure is closed here."""
        import matplotlib.pyplot as plt

        paths = {name: folder / f"{name}.png" for name in figures}
        if self._pool is None:
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
            plt.close(fig)
            jobs[name] = self._pool.submit(render_png, payload, str(paths[name]))
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
