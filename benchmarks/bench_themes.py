"""Off-topic controls for the theme thresholds and the echo threshold, on real German text.

Reads ../shared/eval (skips cleanly when absent): UD German GSD test sentences cut into ~250-word
pseudo-documents and GermEval 2017 dev texts of 150+ words (web news, press releases, forum posts).
SB10k is the project's final sentiment test set and is deliberately not read here. None of them is about dialogue/marketing, CEOs on
social media or the Cluetrain Manifesto, so nearly all must come out ``none`` and echo no thesis.

    .venv/bin/python benchmarks/bench_themes.py
"""

from __future__ import annotations

import csv
import sys
import tempfile
import time
import warnings
from pathlib import Path

EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"


def _chunks(texts, words=250, sep=" "):
    buf, n = [], 0
    for t in texts:
        buf.append(t)
        n += len(t.split())
        if n >= words:
            yield sep.join(buf)
            buf, n = [], 0


def _sets() -> dict[str, list[str]]:
    gsd = EVAL / "ud-german-gsd" / "de_gsd-ud-test.conllu"
    ge = EVAL / "sentiment" / "germeval2017" / "germeval2017_dev_v1.4.csv"
    out = {}
    if gsd.is_file():
        sents = [ln[9:].strip() for ln in gsd.read_text("utf-8").splitlines() if ln.startswith("# text = ")]
        out["UD GSD test (250-word chunks)"] = list(_chunks(sents))
    if ge.is_file():
        with ge.open(encoding="utf-8") as f:
            out["GermEval 2017 dev (150+ words)"] = [
                r["text"] for r in csv.DictReader(f) if len(r["text"].split()) >= 150
            ]
    return out


def main() -> int:
    warnings.filterwarnings("ignore")
    sets = _sets()
    if not sets:
        print(f"skipped: {EVAL} not found")
        return 0
    from analysis import annotate, load_corpus
    from analysis.corpus.references import load_references
    from analysis.themes import document_themes
    from analysis.themes.echoes import find_echoes

    theses = EVAL / "cluetrain" / "cluetrain_theses_de.txt"
    refs = load_references(theses) if theses.is_file() else None
    print("| control set | docs | assigned none | assigned a theme | docs echoing a thesis | seconds |")
    print("|---|---|---|---|---|---|")
    for name, texts in sets.items():
        t0 = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            for i, text in enumerate(texts):
                Path(tmp, f"d{i:04d}.txt").write_text(text, encoding="utf-8")
            corpus = load_corpus(tmp, quiet=True)
            tokens = annotate(corpus)
            docs = document_themes(tokens)
            echo_docs = find_echoes(tokens, refs, corpus=corpus)["doc_id"].nunique() if refs is not None else "–"
        counts = docs["theme"].value_counts()
        other = ", ".join(f"{k} {v}" for k, v in counts.items() if k != "none") or "–"
        print(
            f"| {name} | {len(docs)} | {counts.get('none', 0)} | {other} | {echo_docs} | {time.perf_counter() - t0:.1f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
