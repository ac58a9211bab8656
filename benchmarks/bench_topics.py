"""Topic quality on the topic development set: the full set and random subsets of its categories.

    .venv/bin/python benchmarks/bench_topics.py                       # the report's pipeline
    .venv/bin/python benchmarks/bench_topics.py --unit paragraph --criterion coherence_stability

Reads ``../shared/eval/topics-dev`` (40 German web texts in 8 subject categories, ``labels.csv``;
not shipped) and skips cleanly (exit 0 with a note) when it is absent. For the full set and for
``--repeats`` random subsets of 4, 5, 6 and 7 of the categories (all their texts; subsets drawn
with a fixed seed), it runs the report's topic pipeline in-process — :func:`analysis.topics.model.topic_units`,
:func:`~analysis.topics.model.select_k` on at most ``CAPS.select_units`` units, NMF at the chosen k on at
most ``CAPS.fit_units``, document topics as in ``document_topics.csv`` — and prints the chosen k,
the NMI of each document's dominant topic against the categories, the documents per dominant
topic, and in the same run the baseline of ``score_topics.py`` (scikit-learn TF-IDF with
sublinear tf and min_df=2 on the raw files + KMeans with k = the number of categories,
random_state=0). The options select the variants compared in the README: the unit, the NMF
initialisation and the k criterion. Nothing is asserted; the scorer
``../shared/eval/topics-dev/score_topics.py`` scores the full set through ``python -m analysis run``.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
import warnings
from pathlib import Path

import numpy as np

from analysis.topics.model import CRITERIA

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "eval" / "topics-dev"


def dominant_topics(tokens, *, unit: str, init: str, criterion: str, random_state: int = 0):
    """(k, {doc_id: dominant NMF topic}, selection table) as the report computes them."""
    from analysis.context import CAPS
    from analysis.topics import model as tp

    units = tp.topic_units(tokens, unit=unit)
    sel_units = tp.sample_units(units, CAPS.select_units, random_state=random_state)
    sel = tp.select_k(sel_units, random_state=random_state, init=init, criterion=criterion)
    k = int(sel.loc[sel["chosen"], "k"].iloc[0])
    model = tp.TopicModel(k, random_state=random_state, max_units=CAPS.fit_units, init=init).fit(units)
    dt = tp.document_topics(model.transform(units), units)
    top = dt.sort_values(["doc_id", "weight", "topic_id"], ascending=[True, False, True]).drop_duplicates("doc_id")
    return k, dict(zip(top["doc_id"].astype(str), top["topic_id"].astype(int))), sel


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--unit", default="passage", choices=("passage", "paragraph", "sentences"))
    ap.add_argument("--init", default="nndsvd", choices=("nndsvd", "nndsvda", "nndsvdar", "random"))
    ap.add_argument("--criterion", default="agreement_silhouette", choices=CRITERIA)
    ap.add_argument("--repeats", type=int, default=3, help="random subsets per subset size (default 3)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the subset draws")
    args = ap.parse_args()
    if not (DEV / "labels.csv").exists():
        print(f"skipped: {DEV} is absent")
        return 0
    warnings.filterwarnings("ignore")
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import normalized_mutual_info_score as nmi

    from analysis import annotate, load_corpus

    labels = {}
    with open(DEV / "labels.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            labels[Path(row["file"]).name] = row["category"]
    corpus = load_corpus(DEV / "texts", quiet=True)
    tokens = annotate(corpus)
    files = dict(zip(corpus.documents["doc_id"].astype(str), corpus.documents["file"].astype(str)))
    gold = {d: labels[Path(f).name] for d, f in files.items()}
    raw = {d: (DEV / "texts" / Path(f).name).read_text(encoding="utf-8") for d, f in files.items()}
    categories = sorted(set(gold.values()))

    def score(cats: list[str]) -> tuple[int, float, float, list[int], float]:
        docs = sorted(d for d in gold if gold[d] in cats)
        sub = tokens[tokens["doc_id"].astype(str).isin(docs)]
        t0 = time.perf_counter()
        k, dom, _ = dominant_topics(sub, unit=args.unit, init=args.init, criterion=args.criterion)
        secs = time.perf_counter() - t0
        y = [gold[d] for d in docs]
        ours = nmi(y, [dom.get(d, -1) for d in docs])
        X = TfidfVectorizer(sublinear_tf=True, min_df=2).fit_transform([raw[d] for d in docs])
        base = nmi(y, KMeans(len(cats), n_init=10, random_state=0).fit_predict(X))
        sizes = sorted(np.bincount([dom.get(d, 0) for d in docs]).tolist(), reverse=True)
        return k, ours, base, [s for s in sizes if s], secs

    print(f"variant: unit={args.unit} init={args.init} criterion={args.criterion}")
    k, ours, base, sizes, secs = score(categories)
    print(
        f"full set ({len(categories)} categories): k={k} NMI {ours:.3f} baseline {base:.3f} sizes {sizes} ({secs:.1f} s)"
    )
    rng = np.random.default_rng(args.seed)
    summary = []
    for n in (4, 5, 6, 7):
        ks, vals, bases = [], [], []
        drawn: list[list[str]] = []
        while len(drawn) < args.repeats:  # distinct subsets
            cats = sorted(rng.choice(categories, size=n, replace=False).tolist())
            if cats not in drawn:
                drawn.append(cats)
        for cats in drawn:
            k, ours, base, sizes, _ = score(cats)
            ks.append(k), vals.append(ours), bases.append(base)
            print(
                f"  {n} categories {','.join(c[:5] for c in cats)}: k={k} NMI {ours:.3f} baseline {base:.3f} sizes {sizes}"
            )
        summary.append((n, ks, vals, bases))
    print("subset size | k chosen | NMI mean | NMI min | baseline mean")
    for n, ks, vals, bases in summary:
        print(f"{n} | {ks} | {np.mean(vals):.3f} | {min(vals):.3f} | {np.mean(bases):.3f}")
    allv = [v for *_, vals, _ in summary for v in vals]
    print(f"all subsets: NMI mean {np.mean(allv):.3f}, min {min(allv):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
