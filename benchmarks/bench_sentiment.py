"""Benchmark the German sentiment scorer (analysis.sentiment) on real labelled data.

Data (never copied into the repo): ``../shared/eval/sentiment/`` relative to the repository.

* GermEval 2017 dev v1.4, rows with ``relevance == true`` (n = 2,049): development and tuning set,
  split (stratified by label, seed 0) into a tuning half (n = 1,023) and a check half (n = 1,026);
  settings are chosen on the tuning half and reported on both, so an overfitted choice shows.
* SB10k stratified sample (n = 3,000): held-out report, scored once with the rules fixed on GermEval.

Printed side by side in one run: the naive SentiWS baseline (word weights summed, no rules, no
additions, neutral band ±0.1) and the rule-based scorer with ``DEFAULT_RULES``; macro-F1, F1 per
class and accuracy. ``--tune`` runs the grid search that chose ``DEFAULT_RULES`` on the tuning
half and shows the check half beside it; ``--ceiling`` searches the best asymmetric neutral band
for ``DEFAULT_RULES`` on the tuning half (how far a better label decision alone could go); SB10k
is not read in either mode. ``--supervised`` adds the optional scikit-learn classifier
(5-fold cross-validation within GermEval; trained on GermEval, tested once on SB10k).

    .venv/bin/python benchmarks/bench_sentiment.py                  # GermEval (halves) + SB10k report
    .venv/bin/python benchmarks/bench_sentiment.py --germeval-only  # while developing
    .venv/bin/python benchmarks/bench_sentiment.py --tune           # GermEval only: grid search
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score

from analysis.sentiment import (
    DEFAULT_RULES,
    LABELS,
    NAIVE_RULES,
    SentimentRules,
    aggregate_scores,
    label_scores,
    score_sentences,
    text_tokens,
    token_contributions,
)

EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "sentiment"
GERMEVAL = EVAL / "germeval2017" / "germeval2017_dev_v1.4.csv"
SB10K = EVAL / "sb10k" / "sb10k_sample3000.csv"


def load_germeval() -> pd.DataFrame:
    df = pd.read_csv(GERMEVAL, dtype=str, keep_default_na=False)
    return df[df["relevance"].str.lower() == "true"].reset_index(drop=True)[["text", "label"]]


def load_sb10k() -> pd.DataFrame:
    return pd.read_csv(SB10K, dtype=str, keep_default_na=False)[["text", "label"]]


def split_halves(labels: pd.Series, *, seed: int = 0) -> np.ndarray:
    """Stratified random halves: True = tuning half (floor of half of each label), False = check half."""
    rng = np.random.RandomState(seed)
    tuning = np.zeros(len(labels), dtype=bool)
    for _, idx in sorted(labels.reset_index(drop=True).groupby(labels.reset_index(drop=True)).groups.items()):
        idx = np.sort(np.asarray(idx))
        tuning[idx[rng.permutation(len(idx))[: len(idx) // 2]]] = True
    return tuning


def predict(tokens: pd.DataFrame, n: int, rules: SentimentRules) -> pd.Series:
    sents = score_sentences(tokens, rules=rules, contributions=token_contributions(tokens, rules=rules))
    docs = aggregate_scores(sents, by=["doc_id"], rules=rules).set_index("doc_id")["label"]
    return docs.reindex(range(n)).fillna("neutral")


def metrics(gold: pd.Series, pred: pd.Series) -> dict[str, float]:
    per = f1_score(gold, pred, labels=list(LABELS), average=None, zero_division=0)
    return {
        "macro_f1": f1_score(gold, pred, labels=list(LABELS), average="macro", zero_division=0),
        **{f"f1_{lab}": f for lab, f in zip(LABELS, per)},
        "accuracy": accuracy_score(gold, pred),
    }


def report(
    name: str, data: pd.DataFrame, methods: dict[str, SentimentRules], *, halves: np.ndarray | None = None
) -> pd.DataFrame:
    """Metrics per method; with ``halves`` (True = tuning half) also per half, ``part`` column."""
    t0 = time.perf_counter()
    tokens = text_tokens(data["text"].tolist())
    t_tok = time.perf_counter() - t0
    parts = {"all": np.ones(len(data), dtype=bool)}
    if halves is not None:
        parts = {"tuning half": halves, "check half": ~halves, "all": parts["all"]}
    gold = data["label"].reset_index(drop=True)
    rows = []
    for method, rules in methods.items():
        t1 = time.perf_counter()
        pred = predict(tokens, len(data), rules).reset_index(drop=True)
        seconds = time.perf_counter() - t1
        for part, mask in parts.items():
            row = {"data": name, "method": method, "part": part, "n": int(mask.sum())}
            rows.append({**row, **metrics(gold[mask], pred[mask]), "seconds": seconds})
    out = pd.DataFrame(rows)
    if halves is None:
        out = out.drop(columns=["part", "n"])
    print(
        f"\n## {name}: n = {len(data)} ({', '.join(f'{k} {v}' for k, v in data['label'].value_counts().items())}); "
        f"tokenising {t_tok:.1f} s, {len(tokens)} tokens"
    )
    print(out.drop(columns="data").round(3).to_string(index=False))
    return out


def tune(data: pd.DataFrame, halves: np.ndarray) -> None:
    """Grid search on GermEval's tuning half; prints the best settings by macro-F1 there, with the check half."""
    tokens = text_tokens(data["text"].tolist())
    gold = data["label"].reset_index(drop=True)
    grid = {
        "extra_lexicon": [True, False],
        "placeholder_weight": [0.0, 0.05, 0.1, 0.2],
        "negation": [-0.5, -0.8],
        "bare_negation": [0.0, -0.1],
        "aggregate": ["sum", "mean"],
        "neutral": [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4],
    }
    rows = []
    outer = list(grid)[:-2]
    for values in itertools.product(*(grid[k] for k in outer)):
        params = dict(zip(outer, values))
        rules = replace(DEFAULT_RULES, **params)
        sents = score_sentences(tokens, rules=rules)
        for agg in grid["aggregate"]:
            docs = aggregate_scores(sents, by=["doc_id"], rules=replace(rules, aggregate=agg)).set_index("doc_id")
            score = docs["score"].reindex(range(len(data))).fillna(0.0)
            for band in grid["neutral"]:
                pred = label_scores(score, neutral=band).reset_index(drop=True)
                rows.append(
                    {
                        **params,
                        "aggregate": agg,
                        "neutral": band,
                        **metrics(gold[halves], pred[halves]),
                        "check_macro_f1": metrics(gold[~halves], pred[~halves])["macro_f1"],
                    }
                )
    out = pd.DataFrame(rows).sort_values("macro_f1", ascending=False, kind="stable")
    print("ranked by macro_f1 on the tuning half; check_macro_f1 = the same settings on the check half")
    print(out.head(20).round(3).to_string(index=False))
    for col in grid:
        print(
            f"\nbest macro-F1 by {col}: "
            + ", ".join(f"{k}: {v:.3f}" for k, v in out.groupby(col)["macro_f1"].max().items())
        )


def ceiling(data: pd.DataFrame, halves: np.ndarray) -> None:
    """Best asymmetric neutral band (negative below −a, positive above b) for DEFAULT_RULES scores,
    chosen on the tuning half and applied to the check half: how far the label decision alone goes."""
    tokens = text_tokens(data["text"].tolist())
    gold = data["label"].reset_index(drop=True)
    sents = score_sentences(tokens, rules=DEFAULT_RULES)
    docs = aggregate_scores(sents, by=["doc_id"], rules=DEFAULT_RULES).set_index("doc_id")
    score = docs["score"].reindex(range(len(data))).fillna(0.0).to_numpy()
    bands = np.round(np.arange(0.0, 0.61, 0.025), 3)
    rows = []
    for a, b in itertools.product(bands, bands):
        pred = pd.Series(np.where(score > b, "positive", np.where(score < -a, "negative", "neutral")))
        rows.append(
            {
                "negative_band": a,
                "positive_band": b,
                "tuning_macro_f1": metrics(gold[halves], pred[halves])["macro_f1"],
                "check_macro_f1": metrics(gold[~halves], pred[~halves])["macro_f1"],
                "all_macro_f1": metrics(gold, pred)["macro_f1"],
            }
        )
    out = pd.DataFrame(rows).sort_values(
        ["tuning_macro_f1", "negative_band", "positive_band"], ascending=[False, True, True]
    )
    default = out[(out["negative_band"] == DEFAULT_RULES.neutral) & (out["positive_band"] == DEFAULT_RULES.neutral)]
    print("\n## label-decision ceiling (DEFAULT_RULES scores; bands chosen on the tuning half)")
    print(
        pd.concat([default.assign(setting="DEFAULT_RULES band"), out.head(5).assign(setting="best on tuning half")])
        .round(3)
        .to_string(index=False)
    )


def supervised(germeval: pd.DataFrame, sb10k: pd.DataFrame | None) -> None:
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    from analysis.sentiment import SentimentClassifier

    print("\n## optional: SentimentClassifier (TF-IDF words + char n-grams + lexicon features, logistic regression)")
    rows = []
    # SB10k is the final test set: never a training set, not even inside cross-validation
    for name, data in (("germeval2017 relevant", germeval),):
        if data is None:
            continue
        cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
        pred = cross_val_predict(SentimentClassifier(random_state=0), data["text"], data["label"], cv=cv)
        rows.append({"data": name, "setting": "5-fold CV within the set", **metrics(data["label"], pd.Series(pred))})
    if sb10k is not None:
        model = SentimentClassifier(random_state=0).fit(germeval["text"], germeval["label"])
        pred = model.predict(sb10k["text"])
        rows.append({"data": "sb10k", "setting": "trained on GermEval", **metrics(sb10k["label"], pd.Series(pred))})
    print(pd.DataFrame(rows).round(3).to_string(index=False))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tune", action="store_true", help="grid search on GermEval's tuning half (SB10k not read)")
    ap.add_argument("--ceiling", action="store_true", help="best neutral band on the tuning half (SB10k not read)")
    ap.add_argument("--germeval-only", action="store_true", help="do not read SB10k")
    ap.add_argument("--supervised", action="store_true", help="also measure the optional scikit-learn classifier")
    args = ap.parse_args(argv)
    if not GERMEVAL.is_file():
        print(f"skipped: {GERMEVAL} not found", file=sys.stderr)
        return 0
    germeval = load_germeval()
    halves = split_halves(germeval["label"])
    if args.tune:
        tune(germeval, halves)
        return 0
    if args.ceiling:
        ceiling(germeval, halves)
        return 0
    methods = {"naive SentiWS (sum, no rules)": NAIVE_RULES, "rules (DEFAULT_RULES)": DEFAULT_RULES}
    print(f"DEFAULT_RULES = {DEFAULT_RULES}")
    results = [report("germeval2017 relevant (dev)", germeval, methods, halves=halves)]
    sb10k = None
    if not args.germeval_only and SB10K.is_file():
        sb10k = load_sb10k()
        results.append(report("sb10k sample (held out)", sb10k, methods))
    if args.supervised:
        supervised(germeval, sb10k)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
