"""Size and opening time of the exploration page (issue 17), in headless Chromium.

    python benchmarks/bench_explore.py                       # the seed corpus (data/texts)
    python benchmarks/bench_explore.py --tokens 1M --by-mod 5  # bench_scale's generated 1M-token corpus

Prints the time ``write_explore`` takes, the page's size (``explore.html``, the scripts and styles
beside it, the reader pages), and per run: the time from navigation start until the page's script
has built the first view (``ready``), the time a typed KWIC query takes and a group comparison.
The generated corpus has no metadata; ``--by-mod K`` gives its documents K artificial groups so the
comparison view is measured too. Nothing is asserted (speed depends on the machine).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))


def main() -> int:
    from test_explore_browser import CHROMIUM, Browser

    from analysis import annotate, load_corpus
    from analysis.explore import write_explore

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(ROOT / "data" / "texts"))
    ap.add_argument("--tokens", help="generate a corpus of this size instead (e.g. 1M), as bench_scale.py does")
    ap.add_argument("--word", default=None, help="word typed into the KWIC box (default: the most frequent lemma)")
    ap.add_argument("--by-mod", type=int, default=0, help="give the documents K artificial groups (generated corpora)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    if CHROMIUM is None:
        print("headless Chromium not installed")
        return 1
    folder = Path(args.corpus)
    if args.tokens:
        from bench_scale import generate, parse_size

        n = parse_size(args.tokens)
        base = Path(tempfile.gettempdir()) / f"bench-explore-{n}"
        generate(base, n, seed=0, compound_rate=0.25)
        folder = base / "texts"
    t0 = time.perf_counter()
    corpus = load_corpus(folder, quiet=True)
    tokens = annotate(corpus)
    print(
        f"corpus {folder}: {len(corpus.documents)} documents, {len(tokens):,} tokens (load + annotate {time.perf_counter() - t0:.1f} s)"
    )
    if args.by_mod:
        docs = corpus.documents.assign(genre=[f"group {i % args.by_mod}" for i in range(len(corpus.documents))])
        corpus = types.SimpleNamespace(documents=docs, paragraphs=corpus.paragraphs)
    out = Path(args.out or tempfile.mkdtemp(prefix="explore-"))
    t0 = time.perf_counter()
    paths = write_explore(out, corpus, tokens)
    print(f"write_explore: {time.perf_counter() - t0:.1f} s → {out}")
    page = out / "explore.html"
    assets = [p for p in paths if p.parent.name == "explore_files"]
    readers = [p for p in paths if p.parent.name == "reader"]
    size = os.path.getsize
    print(
        f"explore.html {size(page) / 1e6:.2f} MB; scripts and styles {sum(map(size, assets)) / 1e6:.2f} MB; "
        f"{len(readers)} reader pages {sum(map(size, readers)) / 1e6:.2f} MB (largest {max(map(size, readers), default=0) / 1e3:.0f} kB)"
    )
    word = args.word or tokens.loc[tokens["is_content"], "lemma"].value_counts().index[0]
    for run in range(args.runs):
        b = Browser(Path(tempfile.mkdtemp(prefix="explore-profile-")))
        try:
            b.open(page.as_uri())
            b.wait("document.body && document.body.dataset.ready === 'yes'", timeout=120)
            ready = b.js("document.body.dataset.readyMs")
            b.click("#tabs button[data-view=kwic]")
            b.type("#kwic-q", word)
            t1 = time.perf_counter()
            b.enter()
            status = b.wait("document.getElementById('kwic-status').textContent")
            kwic_ms = 1000 * (time.perf_counter() - t1)
            b.click("#tabs button[data-view=compare]")
            t1 = time.perf_counter()
            b.click("#cmp-form button")
            b.wait("document.getElementById('cmp-status').textContent")
            cmp_ms = 1000 * (time.perf_counter() - t1)
        finally:
            b.close()
        print(
            f"run {run}: ready {ready} ms after navigation start; KWIC {word!r} {kwic_ms:.0f} ms ({status}); compare {cmp_ms:.0f} ms"
        )
    print(f"load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
