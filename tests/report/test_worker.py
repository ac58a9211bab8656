"""analysis.report.worker: figures saved by a forked worker equal those saved in the process, each
section is reported once when all its files exist, and failures are collected, not raised."""

from __future__ import annotations

import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from analysis import plots  # noqa: E402
from analysis.report.worker import ReportWorker  # noqa: E402


def _figure(title: str):
    plots.style()
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.barh(["Dialog", "Werbung", "Kunde"], [3, 5, 2])
    ax.set_title(title)
    fig.tight_layout()
    return fig


WORKER_CASE = """
import importlib.util, sys
from pathlib import Path
spec = importlib.util.spec_from_file_location("figure_tests", sys.argv[2])
tests = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tests)  # this file: _figure, and Agg as the backend
import matplotlib.pyplot as plt
from analysis import plots
from analysis.report.worker import ReportWorker

figure = tests._figure
tmp = Path(sys.argv[1])
reported = []
def on_saved(section, saved):
    assert all(path.is_file() for path in saved.values())  # reported when on disk
    reported.append((section, saved))

saver = ReportWorker(on_saved, worker=True)
assert saver._pool is not None  # forked: this process has one thread
paths = saver.save("vocabulary", {"a": figure("Häufigkeit"), "b": figure("Keyness")}, tmp / "worker")
saver.save("themes", {"c": figure("Themen")}, tmp / "worker")
assert not plt.get_fignums()  # the report's copies are closed at once
blocked = tmp / "a file, not a folder"
blocked.write_text("x")
saver.save("sentiment", {"lost": figure("Stimmung")}, blocked)
saver.close()
assert [section for section, _ in reported] == ["vocabulary", "themes", "sentiment"], reported
assert reported[0][1] == paths and reported[2][1] == {}
assert [name for name, _ in saver.errors] == ["lost"]
for name, title in (("a", "Häufigkeit"), ("b", "Keyness"), ("c", "Themen")):
    plots.save(figure(title), tmp / "here" / f"{name}.png")
    assert (tmp / "worker" / f"{name}.png").read_bytes() == (tmp / "here" / f"{name}.png").read_bytes(), name
print("ok")
"""


def _in_fresh_interpreter(case: str, *args: str, timeout: float = 120) -> list[str]:
    """Run ``case`` (a script that ends by printing "ok" and any figures) in a fresh interpreter and
    return the figures: the worker is forked only while the process has one thread, which a test
    process that ran other tests (progress bars, notebook threads) may not be."""
    import subprocess

    done = subprocess.run([sys.executable, "-c", case, *args], capture_output=True, text=True, timeout=timeout)
    words = done.stdout.split()
    assert done.returncode == 0 and words[:1] == ["ok"], done.stderr[-2000:]
    return words[1:]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the worker is forked (Linux only)")
def test_the_worker_saves_the_same_bytes_reports_each_section_once_and_collects_failures(tmp_path):
    _in_fresh_interpreter(WORKER_CASE, str(tmp_path), __file__)


def test_without_the_worker_figures_are_saved_here_and_failures_collected(tmp_path):
    reported = []
    saver = ReportWorker(lambda section, saved: reported.append((section, sorted(saved))), worker=False)
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("x")
    saver.save("topics", {"ok": _figure("Themen"), "broken": _figure("kaputt")}, tmp_path)
    saver.save("sentiment", {"lost": _figure("Stimmung")}, blocked)
    saver.close()
    assert reported == [("topics", ["broken", "ok"]), ("sentiment", [])]
    assert [name for name, _ in saver.errors] == ["lost"]
    assert (tmp_path / "ok.png").is_file()
    plt.close("all")


SECTION_CASE = """
import sys
from pathlib import Path
import pandas as pd
from analysis import annotate, load_corpus
from analysis.context import RunContext
from analysis.report.sections import get_section
from analysis.report.worker import ReportWorker

folder, out = Path(sys.argv[1]), Path(sys.argv[2])
corpus = load_corpus(folder, quiet=True)
context = RunContext(corpus, annotate(corpus, cache=False))
reported = []
worker = ReportWorker(lambda section, saved: reported.append((section, saved)), worker=True, context=context)
assert worker.forked
job = worker.compute_section("topics", out / "worker")
tables, paths = job.result(timeout=300)
worker.saved("topics", paths)
worker.close()
topics = get_section("topics")
here = topics.compute(context)  # the same section in this process
assert sorted(tables) == sorted(here)
for name in here:
    pd.testing.assert_frame_equal(tables[name], here[name], check_exact=True)
from analysis import plots
for name, fig in topics.figures(context, here).items():
    plots.save(fig, out / "here" / f"{name}.png")
    assert Path(paths[name]).read_bytes() == (out / "here" / f"{name}.png").read_bytes(), name
assert reported == [("topics", {name: Path(p) for name, p in paths.items()})]
print("ok", len(tables["topics"]), len(paths))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the worker is forked (Linux only)")
def test_a_section_computed_by_the_worker_equals_the_one_computed_here(tmp_path):
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "data" / "texts"  # the shipped sample corpus
    n_topic_rows, n_figures = _in_fresh_interpreter(SECTION_CASE, str(folder), str(tmp_path), timeout=600)
    assert int(n_topic_rows) > 0 and int(n_figures) == 2  # a real topic model, both figures


BUSY_AND_DEAD_CASE = """
import importlib.util, os, signal, sys
from concurrent.futures import Future
from pathlib import Path
spec = importlib.util.spec_from_file_location("figure_tests", sys.argv[2])
tests = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tests)
from analysis.report.worker import ReportWorker

tmp = Path(sys.argv[1])
reported = []
saver = ReportWorker(lambda section, saved: reported.append((section, sorted(saved))), worker=True)
assert saver.forked
# while the worker computes a section, this process saves the figures itself: reported at once
computing = Future()
saver._sections.append(computing)
saver.save("vocabulary", {"a": tests._figure("Häufigkeit")}, tmp)
assert reported == [("vocabulary", ["a"])] and (tmp / "a.png").is_file(), reported
computing.set_result(({}, {}))
# a worker that died (killed, out of memory): the next figures are saved here, none is lost
for pid in list(saver._pool._processes):
    os.kill(pid, signal.SIGKILL)  # the pool's own thread reaps it
import time
for _ in range(200):  # the pool notices its dead worker
    if saver._pool._broken:
        break
    time.sleep(0.05)
saver.save("themes", {"b": tests._figure("Themen")}, tmp)
saver.close()
assert ("themes", ["b"]) in reported and (tmp / "b.png").is_file(), reported
assert saver.errors == [], saver.errors
print("ok")
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the worker is forked (Linux only)")
def test_figures_are_saved_here_while_the_worker_computes_a_section_or_after_it_died(tmp_path):
    _in_fresh_interpreter(BUSY_AND_DEAD_CASE, str(tmp_path), __file__)
