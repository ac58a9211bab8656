"""A second process for the topic models of a large corpus (:func:`analysis.topics.model.topic_tables`).

The topics section's fixed cost is the choice of k (NMF fits for every candidate k and its
refits) and the LDA comparison, on samples of a few hundred to two thousand passages. On a large
corpus :class:`Helper` computes part of them in a second Python process while the report's
process computes the rest: the same functions of the same module on the same inputs and seeds,
so the tables are the same as without it.

The process is a fresh interpreter (``sys.executable -c ...``), sent jobs as pickles over a pipe:
not a fork, whose copy of the report's memory would count again in the process tree's resident
size, and not ``multiprocessing``'s spawn, which runs the user's ``__main__`` script again in the
child (a script without an ``if __name__ == "__main__"`` guard would run twice). It costs its
interpreter and scikit-learn (~250 MB) and is sent only the passages' features.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from importlib import import_module

__all__ = ["Helper", "serve"]

_WARM_UP = ("scipy.optimize", "sklearn.decomposition", "sklearn.feature_extraction.text", "sklearn.metrics")


class Helper:
    """Jobs run one after the other in the helper process; :meth:`submit` returns at once and
    ``.result()`` of the returned job waits for it (call them in the order submitted)."""

    def __init__(self) -> None:
        code = f"import sys; sys.path[:0] = {sys.path!r}; from {__name__} import serve; serve()"
        self.proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.pending = 0

    def submit(self, fn, *args, **kwargs) -> _Job:
        pickle.dump((fn.__module__, fn.__qualname__, args, kwargs), self.proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        self.proc.stdin.flush()
        self.pending += 1
        return _Job(self)

    def _next_result(self):
        status, value = pickle.load(self.proc.stdout)
        self.pending -= 1
        if status == "error":
            raise value
        return value

    def close(self) -> None:
        """End the process (at once if jobs are still running: their results are not wanted)."""
        try:
            if self.pending:
                self.proc.kill()
            else:
                pickle.dump(None, self.proc.stdin)
                self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired, ValueError):
            self.proc.kill()
            self.proc.wait()


class _Job:
    def __init__(self, helper: Helper) -> None:
        self.helper = helper
        self.done = False
        self.value = None

    def result(self):
        if not self.done:
            self.value, self.done = self.helper._next_result(), True
        return self.value


def serve() -> None:
    """The helper process: import what the jobs need, then run jobs from stdin until ``None``;
    results (or the exception) go back as pickles on the original stdout, which nothing else
    writes to (``print`` goes to stderr)."""
    results = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    for name in _WARM_UP:
        import_module(name)
    jobs = sys.stdin.buffer
    while True:
        try:
            job = pickle.load(jobs)
        except EOFError:
            return
        if job is None:
            return
        module, name, args, kwargs = job
        try:
            fn = import_module(module)
            for part in name.split("."):
                fn = getattr(fn, part)
            reply = ("ok", fn(*args, **kwargs))
        except Exception as exc:  # sent back and raised where the job was submitted
            reply = ("error", exc)
        pickle.dump(reply, results, protocol=pickle.HIGHEST_PROTOCOL)
        results.flush()
