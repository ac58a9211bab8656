"""Figures of the vocabulary section drawn from result tables written for the test: what each figure
shows is the table it was given (cells, row order, panels), nothing recomputed."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis.plots.vocabulary import plot_families, plot_keyness, plot_overlap, plot_profile  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_overlap_heatmap_shows_the_table_as_a_matrix():
    table = pd.DataFrame(
        {
            "doc_id_a": ["a", "a", "b", "b"],
            "doc_id_b": ["a", "b", "a", "b"],
            "jaccard": [1.0, 0.25, 0.25, 1.0],
            "cosine": [1.0, 0.5, 0.5, 1.0],
        }
    )
    ax = plot_overlap(table, measure="cosine").axes[0]
    assert np.array_equal(ax.images[0].get_array(), [[1.0, 0.5], [0.5, 1.0]])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b"]
    assert "cosine" in ax.get_title()


def test_family_heatmap_puts_speakers_under_their_document():
    rows = [("d1", None), ("d1", "Anna"), ("d1", "Ben"), ("d2", None)]
    table = pd.DataFrame(
        [(d, s, fam, v) for (d, s), base in zip(rows, (1.0, 2.0, 3.0, 4.0)) for fam, v in (("F", base), ("G", -base))],
        columns=["doc_id", "speaker", "family", "per_1000"],
    )
    ax = plot_families(table).axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["d1", "  ↳ Anna", "  ↳ Ben", "d2"]
    assert np.array_equal(ax.images[0].get_array()[:, 0], [1.0, 2.0, 3.0, 4.0])


def test_keyness_panels_one_per_target_over_used_words_only():
    table = pd.DataFrame(
        {
            "comparison": ["document_vs_rest"] * 4,
            "target": ["a", "a", "b", "b"],
            "lemma": ["Dialog", "Zeit", "Werbung", "Kunde"],
            "g2": [12.0, 8.0, 20.0, 9.0],
            "p_value": [0.001, 0.01, 0.0001, 0.01],
            "log_ratio": [1.5, -0.5, 2.0, 0.7],
        }
    )
    fig = plot_keyness(table)
    panels = [ax for ax in fig.axes if ax.axison]
    assert [ax.get_title() for ax in panels] == ["a", "b"]
    assert [t.get_text() for t in panels[0].get_yticklabels()] == ["Dialog (+1.5)"]  # Zeit is under-used
    assert sorted(p.get_width() for p in panels[1].patches) == [9.0, 20.0]
    none = plot_keyness(table.assign(p_value=0.5))
    assert any(t.get_text() == "no significant keywords" for t in none.axes[0].texts)


def test_profile_keeps_the_row_order_of_the_diversity_table():
    keys = {"doc_id": ["d1", "d1", "d2"], "speaker": [None, "Anna", None]}
    diversity = pd.DataFrame({**keys, "mtld": [50.0, 40.0, 70.0]})
    readability = pd.DataFrame(
        {"doc_id": ["d2", "d1", "d1"], "speaker": [None, "Anna", None], "flesch_amstad": [60.0, 30.0, 45.0]}
    )
    left, right = plot_profile(diversity, readability).axes
    assert [p.get_width() for p in left.patches] == [50.0, 40.0, 70.0]
    assert [p.get_width() for p in right.patches] == [45.0, 30.0, 60.0]  # matched to the rows by key
    assert [t.get_text() for t in left.get_yticklabels()] == ["d1", "  ↳ Anna", "d2"]
