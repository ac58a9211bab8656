"""analysis.report.figures: figures saved by a forked worker equal those saved in the process, each
section is reported once when all its files exist, and failures are collected, not raised."""

from __future__ import annotations

import sys
import threading

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


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the worker is forked (Linux only)")
def test_the_worker_saves_the_same_bytes_and_reports_each_section_once(tmp_path):
    reported: list[tuple[str, dict]] = []
    done = threading.Event()

    def on_saved(section, saved):
        assert all(path.is_file() for path in saved.values())  # reported when on disk
        reported.append((section, saved))
        if len(reported) == 2:
            done.set()

    saver = FigureSaver(on_saved, worker=True)
    assert saver._pool is not None
    worker_dir, here_dir = tmp_path / "worker", tmp_path / "here"
    paths = saver.save("vocabulary", {"a": _figure("Häufigkeit"), "b": _figure("Keyness")}, worker_dir)
    saver.save("themes", {"c": _figure("Themen")}, worker_dir)
    saver.close()
    assert done.wait(10)
    assert [section for section, _ in reported] == ["vocabulary", "themes"]
    assert reported[0][1] == paths and not saver.errors
    assert not plt.get_fignums()  # the report's copies are closed
    for name, title in (("a", "Häufigkeit"), ("b", "Keyness"), ("c", "Themen")):
        plots.save(_figure(title), here_dir / f"{name}.png")
        assert (worker_dir / f"{name}.png").read_bytes() == (here_dir / f"{name}.png").read_bytes()
    plt.close("all")


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


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the worker is forked (Linux only)")
def test_a_figure_the_worker_cannot_save_is_collected(tmp_path):
    reported = []
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("x")
    saver = FigureSaver(lambda section, saved: reported.append((section, saved)), worker=True)
    saver.save("sentiment", {"lost": _figure("Stimmung")}, blocked)
    saver.close()
    assert reported == [("sentiment", {})]
    assert [name for name, _ in saver.errors] == ["lost"]
