"""analysis.report.figures: figures saved by a forked worker equal those saved in the process, each
section is reported once when all its files exist, and failures are collected, not raised."""

from __future__ import annotations

import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from analysis import plots  # noqa: E402
from analysis.report.figures import FigureSaver  # noqa: E402


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
from analysis.report.figures import FigureSaver

figure = tests._figure
tmp = Path(sys.argv[1])
reported = []
def on_saved(section, saved):
    assert all(path.is_file() for path in saved.values())  # reported when on disk
    reported.append((section, saved))

saver = FigureSaver(on_saved, worker=True)
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


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the worker is forked (Linux only)")
def test_the_worker_saves_the_same_bytes_reports_each_section_once_and_collects_failures(tmp_path):
    # in a fresh interpreter: the worker is forked only while the process has one thread, which a
    # test process that ran other tests (progress bars, notebook threads) may not be
    import subprocess

    done = subprocess.run(
        [sys.executable, "-c", WORKER_CASE, str(tmp_path), __file__], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]


def test_without_the_worker_figures_are_saved_here_and_failures_collected(tmp_path):
    reported = []
    saver = FigureSaver(lambda section, saved: reported.append((section, sorted(saved))), worker=False)
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("x")
    saver.save("topics", {"ok": _figure("Themen"), "broken": _figure("kaputt")}, tmp_path)
    saver.save("sentiment", {"lost": _figure("Stimmung")}, blocked)
    saver.close()
    assert reported == [("topics", ["broken", "ok"]), ("sentiment", [])]
    assert [name for name, _ in saver.errors] == ["lost"]
    assert (tmp_path / "ok.png").is_file()
    plt.close("all")
