"""``_join_sorted`` (the members lists of word and compound families) joins each run of equal
group codes; a run of one value is that value itself."""

from __future__ import annotations

import numpy as np

from analysis.extract.families import _join_sorted


def test_join_sorted_runs_of_one_and_more():
    values = np.array(["Kunde", "Dialog", "Gespräch", "Markt", "Werbung", "Wald"], dtype=object)
    codes = np.array([0, 1, 1, 2, 3, 3])
    assert _join_sorted(values, codes) == ["Kunde", "Dialog; Gespräch", "Markt", "Werbung; Wald"]
    assert _join_sorted(values, codes, sep=", ")[1] == "Dialog, Gespräch"
    assert _join_sorted(values[:0], codes[:0]) == []


def test_join_sorted_equals_joining_every_run():
    rng = np.random.default_rng(0)
    codes = np.sort(rng.integers(0, 40, size=300))
    values = np.array([f"w{i}" for i in rng.integers(0, 50, size=300)], dtype=object)
    runs = [values[codes == c].tolist() for c in np.unique(codes)]
    assert _join_sorted(values, codes) == ["; ".join(run) for run in runs]
