"""Benchmark of the vocabulary section (analysis.textstats: diversity, keyness, readability): peer cross-checks and speed.

    .venv/bin/python benchmarks/bench_vocabulary.py

* G² and p of :func:`analysis.textstats.keyness.log_likelihood` against scipy's ``chi2_contingency``
  (``lambda_="log-likelihood"``) on 5,000 random 2 × 2 tables;
* TTR, MATTR, MTLD and HD-D against the ``lexicalrichness`` package on 40 chunks of UD German GSD
  test sentences (``../shared/eval/ud-german-gsd``; skipped when absent);
* Flesch-Amstad and WSTF1 with pyphen syllables against ``textstat`` on the same chunks;
* run time of ``vocabulary_tables`` on the seed corpus and on the GSD chunks as a 40-document corpus.
"""

from __future__ import annotations

import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
GSD = ROOT.parent / "shared" / "eval" / "ud-german-gsd" / "de_gsd-ud-test.conllu"


def g2_check(n: int = 5000) -> None:
    from scipy.stats import chi2_contingency

    from analysis.textstats.keyness import log_likelihood

    rng = np.random.default_rng(0)
    worst_g2 = worst_p = 0.0
    for _ in range(n):
        c, d = rng.integers(50, 100_000, size=2)
        a, b = rng.integers(1, min(c, 500)), rng.integers(0, min(d, 500))
        g2, p, _ = log_likelihood([a], [b], c, d)
        stat, p_ref, _, _ = chi2_contingency([[a, c - a], [b, d - b]], correction=False, lambda_="log-likelihood")
        worst_g2 = max(worst_g2, abs(g2[0] - stat) / max(stat, 1.0))  # relative, absolute below G² = 1
        worst_p = max(worst_p, abs(p[0] - p_ref))
    print(
        f"G² vs scipy chi2_contingency, {n} random tables: max difference {worst_g2:.2e} (relative; absolute below G² = 1), max |Δp| {worst_p:.2e}"
    )


def gsd_chunks(k: int = 40) -> list[str]:
    sentences = [
        line[len("# text = ") :].strip() for line in GSD.read_text("utf-8").splitlines() if line.startswith("# text = ")
    ]
    size = len(sentences) // k
    return [" ".join(sentences[i * size : (i + 1) * size]) for i in range(k)]


def diversity_and_readability_check(chunks: list[str]) -> None:
    import lexicalrichness
    import pandas as pd
    import textstat

    from analysis.annotate.pipeline import annotate_text
    from analysis.textstats.diversity import diversity
    from analysis.textstats.readability import readability

    frames = []
    for i, text in enumerate(chunks):
        t = annotate_text(text, [(0, len(text))])
        t.insert(0, "doc_id", f"gsd-{i:02d}")
        frames.append(t.assign(kind="body", speaker=None, is_boilerplate=False))
    tokens = pd.concat(frames, ignore_index=True)
    t0 = time.perf_counter()
    div = diversity(tokens)
    t_div = time.perf_counter() - t0
    worst = dict.fromkeys(("ttr", "mattr", "mtld", "hdd"), 0.0)
    for row in div.itertuples(index=False):
        seq = tokens.loc[
            (tokens["doc_id"] == row.doc_id) & tokens["token_type"].isin(["word", "hashtag"]), "norm"
        ].str.casefold()
        lr = lexicalrichness.LexicalRichness(seq.tolist(), preprocessor=None, tokenizer=None)
        ref = {
            "ttr": lr.ttr,
            "mattr": lr.mattr(window_size=50),
            "mtld": lr.mtld(threshold=0.72),
            "hdd": lr.hdd(draws=42),
        }
        for key, value in ref.items():
            worst[key] = max(worst[key], abs(getattr(row, key) - value))
    n_words = int(div["n_tokens"].sum())
    print(
        f"diversity vs lexicalrichness, {len(div)} GSD chunks ({n_words} words): max |Δ| "
        + ", ".join(f"{k} {v:.1e}" for k, v in worst.items())
        + f"; diversity() {t_div:.2f} s"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        read = readability(tokens, syllables="pyphen")
        rules = readability(tokens)
    textstat.textstat.set_lang("de")
    fre = [textstat.textstat.flesch_reading_ease(t) for t in chunks]
    wstf = [textstat.textstat.wiener_sachtextformel(t, 1) for t in chunks]
    print(
        "readability (pyphen syllables) vs textstat on GSD chunks — sentence and word counts differ "
        f"(textstat splits on .!? only): mean |Δ Flesch-Amstad| {np.mean(np.abs(read['flesch_amstad'] - fre)):.2f}, "
        f"mean |Δ WSTF1| {np.mean(np.abs(read['wstf1'] - wstf)):.2f}; "
        f"rule syllables vs pyphen: mean syllables/word {rules['syllables_per_word'].mean():.3f} vs "
        f"{read['syllables_per_word'].mean():.3f}"
    )
    return tokens


def timing(chunks: list[str] | None) -> None:
    from analysis import annotate, load_corpus
    from analysis.context import RunContext
    from analysis.textstats.section import vocabulary_tables

    corpus = load_corpus(ROOT / "data" / "texts", quiet=True)
    tokens = annotate(corpus)
    vocabulary_tables(RunContext(corpus, tokens))  # warm-up: wordfreq lemma table, lemmatiser
    t0 = time.perf_counter()
    vocabulary_tables(RunContext(corpus, tokens))
    print(f"vocabulary_tables on the seed corpus ({len(tokens)} tokens): {time.perf_counter() - t0:.2f} s")
    if chunks is None:
        return
    with tempfile.TemporaryDirectory() as tmp:
        for i, text in enumerate(chunks):
            (Path(tmp) / f"gsd-{i:02d}.txt").write_text(text, encoding="utf-8")
        corpus = load_corpus(tmp, quiet=True)
        tokens = annotate(corpus, cache=Path(tmp) / ".cache")
        t0 = time.perf_counter()
        tables = vocabulary_tables(RunContext(corpus, tokens))
        print(
            f"vocabulary_tables on {len(corpus)} GSD documents ({len(tokens)} tokens): {time.perf_counter() - t0:.2f} s, "
            f"{len(tables['keyness'])} keyness rows"
        )


def main() -> int:
    g2_check()
    chunks = None
    if GSD.is_file():
        chunks = gsd_chunks()
        diversity_and_readability_check(chunks)
    else:
        print(f"{GSD} not found: GSD checks skipped")
    timing(chunks)
    return 0


if __name__ == "__main__":
    sys.exit(main())
