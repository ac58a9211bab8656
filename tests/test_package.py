"""The package's import-time behaviour."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import analysis

ROOT = Path(__file__).resolve().parents[1]
THREADS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@pytest.fixture
def no_thread_settings(monkeypatch):
    for name in THREADS:
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(
    ("argv", "orig_argv", "expected"),
    [
        (["-m"], ["python", "-m", "analysis", "run"], "1"),  # python -m analysis run: limited
        (["-m"], ["python", "-X", "importtime", "-m", "analysis"], "1"),
        (["-m"], ["python", "-m", "pytest"], None),  # another module's -m: untouched
        (["-c"], ["python", "-c", "import analysis"], None),  # a script or a notebook: untouched
        (["prog.py"], ["python", "prog.py", "-m", "analysis"], None),
    ],
)
def test_thread_counts_only_under_python_m_analysis(monkeypatch, no_thread_settings, argv, orig_argv, expected):
    monkeypatch.setattr(sys, "argv", argv)
    monkeypatch.setattr(sys, "orig_argv", orig_argv, raising=False)
    analysis._command_line_threads()
    assert [os.environ.get(name) for name in THREADS] == [expected] * len(THREADS)


def test_a_value_the_user_set_is_kept(monkeypatch, no_thread_settings):
    monkeypatch.setenv("OMP_NUM_THREADS", "4")
    monkeypatch.setattr(sys, "argv", ["-m"])
    monkeypatch.setattr(sys, "orig_argv", ["python", "-m", "analysis"], raising=False)
    analysis._command_line_threads()
    assert os.environ["OMP_NUM_THREADS"] == "4"
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"


def _blas_threads(*, as_python_m: bool) -> list[int]:
    """The thread counts of the math libraries after ``import analysis`` in a fresh interpreter
    (started as ``python -m analysis`` would be while ``-m`` locates the package, or as a script)."""
    env = {k: v for k, v in os.environ.items() if k not in THREADS}
    pretend = "import sys; sys.argv = ['-m']; sys.orig_argv = ['python', '-m', 'analysis']; " if as_python_m else ""
    code = (
        pretend
        + "import analysis, threadpoolctl; print(sorted({i['num_threads'] for i in threadpoolctl.threadpool_info()}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    return [int(n) for n in out.stdout.strip().strip("[]").split(",")]


def test_python_m_analysis_loads_numpy_with_one_thread():
    # the variables are set before NumPy loads OpenBLAS, so the library starts with one thread
    assert _blas_threads(as_python_m=True) == [1]


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="one core: the libraries start one thread anyway")
def test_imported_elsewhere_the_libraries_keep_their_threads():
    assert max(_blas_threads(as_python_m=False)) > 1
