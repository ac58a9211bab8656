"""Shared figure helpers: they draw what they are given, and saving is byte-stable."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402

from analysis.plots.core import barh, heatmap, save, wrap_label  # noqa: E402


def test_barh_draws_one_bar_per_value_largest_on_top():
    fig = barh(pd.Series({"a": 3.0, "b": 1.0, "c": 2.0}), title="t")
    bars = fig.axes[0].patches
    assert [b.get_width() for b in bars] == [2.0, 1.0, 3.0]  # drawn bottom-up, so "a" ends on top


def test_heatmap_annotates_cells(tmp_path):
    fig = heatmap(pd.DataFrame([[0.1, 0.9], [0.5, 0.2]], index=["x", "y"], columns=["p", "q"]))
    texts = sorted(t.get_text() for t in fig.axes[0].texts)
    assert texts == ["0.10", "0.20", "0.50", "0.90"]
    a = save(fig, tmp_path / "a.png").read_bytes()
    b = save(fig, tmp_path / "b.png").read_bytes()
    assert a == b


def test_wrap_label():
    assert wrap_label("kurz") == "kurz"
    assert wrap_label("x" * 40, 10) == "x" * 9 + "…"
