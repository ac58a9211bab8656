"""Compound splitter on the compound dev set, in-sample and with its thresholds tuned by 5-fold CV.

Prints the scorer's figures (compound exact, head, false splits, overall) for the shipped
thresholds of :mod:`analysis.annotate.compounds`, then a grouped 5-fold cross-validation (each word is its
own group; folds stratified by the set's ``kind`` column, fixed seed): on each training fold the
thresholds are tuned by coordinate search over a small grid to the highest ``overall`` share, and
the held-out fold is scored with them. The held-out figures, pooled over the five folds, are the
ones to expect on unseen words of the same make-up; the in-sample figures are optimistic.

Reads ``../shared/eval/compounds-dev`` (gold.csv and its scorer); skips cleanly when absent.
Run: ``python benchmarks/bench_compounds.py [--folds 5] [--rounds 2]``.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEV = ROOT.parent / "shared" / "eval" / "compounds-dev"

GRID = {
    "PART_PENALTY": (0.1, 0.2, 0.3, 0.45, 0.6),
    "WHOLE_MARGIN": (0.5, 1.0, 1.5, 2.5),
    "KNOWN_MARGIN": (0.0, 0.25, 0.5, 1.0),
    "ENGLISH_NAME": (1.2, 1.4, 1.6, 1.8, 2.1),
    "UNKNOWN_FREQUENT": (2.2, 2.6, 3.0, 3.5),
    "ENGLISH_PART": (0.15, 0.3, 0.5, 0.8),
}


def _scorer():
    spec = importlib.util.spec_from_file_location("score_compounds", DEV / "score_compounds.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _set(params: dict[str, float]) -> None:
    from analysis.annotate import compounds

    for name, value in params.items():
        setattr(compounds, name, value)
    for fn in (compounds._modifier_reading, compounds._head_reading, compounds._split_closed, compounds.split_compound):
        fn.cache_clear()


def _folds(rows: list[dict], k: int, seed: int = 0) -> list[list[dict]]:
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_kind[r["kind"]].append(r)
    rng = random.Random(seed)
    folds: list[list[dict]] = [[] for _ in range(k)]
    i = 0
    for kind in sorted(by_kind):
        group = sorted(by_kind[kind], key=lambda r: r["word"])
        rng.shuffle(group)
        for r in group:
            folds[i % k].append(r)
            i += 1
    return folds


def _tune(score, rows: list[dict], start: dict[str, float], rounds: int) -> dict[str, float]:
    from analysis.annotate.compounds import split_compound

    best = dict(start)
    _set(best)
    best_value = score(rows, split_compound)["overall"]
    for _ in range(rounds):
        for name, values in GRID.items():
            for v in values:
                trial = {**best, name: v}
                _set(trial)
                value = score(rows, split_compound)["overall"]
                if value > best_value + 1e-12:
                    best, best_value = trial, value
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    if not (DEV / "gold.csv").is_file():
        print(f"skipped: {DEV} not found (the compound dev set is read from ../shared/eval)")
        return 0
    from analysis.annotate import compounds

    sc = _scorer()
    rows = sc.load_gold(DEV)
    shipped = {name: getattr(compounds, name) for name in GRID}
    _set(shipped)
    res = sc.score(rows, compounds.split_compound)
    print(f"shipped thresholds {shipped}")
    print(
        f"in-sample on {len(rows)} words: compound exact {res['compound_exact']:.3f}, head {res['head']:.3f}, "
        f"false splits {res['false_splits']:.3f}, overall {res['overall']:.3f}"
    )
    folds = _folds(rows, args.folds)
    held: list[tuple[tuple[str, ...], dict]] = []
    for i, test in enumerate(folds):
        train = [r for j, f in enumerate(folds) if j != i for r in f]
        params = _tune(sc.score, train, shipped, args.rounds)
        _set(params)
        held.extend((compounds.split_compound(r["word"]), r) for r in test)
        print(f"fold {i + 1}: tuned {params}")
    pred = {r["word"]: p for p, r in held}
    res = sc.score(rows, lambda w: pred[w])
    print(
        f"held-out ({args.folds}-fold CV, thresholds tuned on the other folds): compound exact "
        f"{res['compound_exact']:.3f}, head {res['head']:.3f}, false splits {res['false_splits']:.3f}, "
        f"overall {res['overall']:.3f}"
    )
    _set(shipped)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
