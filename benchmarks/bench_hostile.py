"""Linear growth on hostile input: every stage on 10k, 40k and 160k characters of each pattern.

Issue 19: a 100 KB file of ``a+a+a+…`` took 233 s to annotate, because the tokenizer rescanned a
whitespace-free chunk at every position. This benchmark times each stage of the pipeline on
10,000, 40,000 and 160,000 characters of each pathological pattern (and of normal German prose, as
a control), takes the growth exponent ``k`` of ``time ~ n**k`` between the two largest sizes (40k
and 160k: the small runs take milliseconds, and on a shared machine their noise would decide the
exponent) and exits with status 1 when any stage grows worse than linear (``k > 1.2``; a stage
whose 160k run takes under ``--floor`` seconds is too fast for its exponent to mean anything and
passes). A stage that needs more than ``--budget`` seconds for one run fails too.

Stages: ``read`` (decode a file), ``segment`` (paragraphs, speakers, quotes), ``language``,
``tokenize``, ``sentences``, ``annotate`` (tokens, lemmas, compounds, one document),
``references`` (load a references file of that size and compare it with a short document) and
``sentiment`` (score the text as one row).

    .venv/bin/python benchmarks/bench_hostile.py                 # all patterns, all stages
    .venv/bin/python benchmarks/bench_hostile.py --pattern 'a+'  # one pattern
    .venv/bin/python benchmarks/bench_hostile.py --sizes 2000 8000 32000   # quicker

No data from ``../shared/eval`` is read: the inputs are generated here.
"""

from __future__ import annotations

import argparse
import gc
import math
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

# pattern name → one unit, repeated until the size is reached
PATTERNS: dict[str, str] = {
    "a+": "a+",
    "a_": "a_",
    "x.y": "x.y",
    "a1.": "a1.",
    "+-": "+-",
    "a-a.": "a-a.",
    "-a.": "-a.",
    "a@": "a@",
    "#a-": "#a-",
    ":)a": ":)a",
    "1.": "1.",
    "capitalised word": "Aa",  # one long capitalised word: the compound splitter
    "one long line": "Wort ",  # many words, no line break, no full stop
    "blank lines": "a\n\n",  # many one-word paragraphs
    "prose (control)": "Die Märkte sind Gespräche, sagte sie am 24. Januar. Wir reden miteinander! ",
}
DEFAULT_SIZES = (10_000, 40_000, 160_000)
LIMIT = 1.2


def _text(unit: str, n: int) -> str:
    return (unit * (n // len(unit) + 1))[:n]


def _stages(tmp: Path) -> dict[str, Callable[[str], object]]:
    from analysis.annotate.pipeline import annotate_text
    from analysis.annotate.tokenize import sentence_starts, tokenize
    from analysis.corpus.language import detect_language
    from analysis.corpus.readers import read_text_file
    from analysis.corpus.references import load_references
    from analysis.corpus.structure import segment
    from analysis.sentiment import score_texts
    from analysis.themes.echoes import find_echoes

    doc = "Die Märkte sind Gespräche. Unternehmen reden mit ihren Kunden über das Netz."
    doc_tokens = annotate_text(doc, [(0, len(doc))]).assign(doc_id="d", para_id=0, kind="body")

    def read(text: str) -> object:
        path = tmp / "input.txt"
        path.write_text(text, encoding="utf-8")
        return read_text_file(path, max_bytes=10**9)

    def references(text: str) -> object:
        path = tmp / "references.txt"
        path.write_text(text, encoding="utf-8")
        try:
            statements = load_references(path)
        except ValueError:  # above the statement limit: refused, which is the bounded behaviour
            return None
        return find_echoes(doc_tokens, statements)

    def tok(text: str) -> object:
        _clear_tokenizer_cache()
        return tokenize(text)

    def sentences(text: str) -> object:
        toks = tokenize(text)
        t0 = time.perf_counter()
        sentence_starts(toks, text)
        return time.perf_counter() - t0  # only the sentence rules are timed

    def annotate(text: str) -> object:
        _clear_tokenizer_cache()
        return annotate_text(text, [(0, len(text))])

    return {
        "read": read,
        "segment": lambda text: segment(text),
        "language": detect_language,
        "tokenize": tok,
        "sentences": sentences,
        "annotate": annotate,
        "references": references,
        "sentiment": lambda text: score_texts([text]),
    }


def _clear_tokenizer_cache() -> None:
    from analysis.annotate import tokenize

    tokenize._chunk_cache.clear()


def _time(fn: Callable[[str], object], text: str, budget: float) -> float:
    """Best of up to five runs, at most ~5 s of them (the machine is shared: the minimum is the
    least disturbed run)."""
    runs: list[float] = []
    for _ in range(5):
        gc.collect()
        t0 = time.perf_counter()
        result = fn(text)
        seconds = result if isinstance(result, float) else time.perf_counter() - t0  # or it timed itself
        if seconds > budget:
            raise TimeoutError(f"{seconds:.1f} s")
        runs.append(seconds)
        if sum(runs) > 5.0:
            break
    return min(runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pattern", action="append", choices=sorted(PATTERNS), help="only these patterns")
    parser.add_argument("--stage", action="append", help="only these stages")
    parser.add_argument("--sizes", type=int, nargs=3, default=DEFAULT_SIZES, help="three input sizes (characters)")
    parser.add_argument("--floor", type=float, default=0.2, help="a 160k run faster than this always passes")
    parser.add_argument("--budget", type=float, default=120.0, help="give up on a run slower than this (fails)")
    args = parser.parse_args(argv)
    sizes = tuple(args.sizes)
    failed: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        stages = _stages(Path(tmp))
        names = args.stage or list(stages)
        print(f"{'pattern':18} {'stage':11} " + " ".join(f"{n:>9,}" for n in sizes) + "  exponent")
        for pname in args.pattern or list(PATTERNS):
            for sname in names:
                times: list[float] = []
                status = ""
                for n in sizes:
                    try:
                        times.append(_time(stages[sname], _text(PATTERNS[pname], n), args.budget))
                    except TimeoutError as exc:
                        status = f"FAIL (gave up at {n:,} characters after {exc})"
                        break
                if not status:
                    k = math.log(max(times[-1], 1e-9) / max(times[-2], 1e-9)) / math.log(sizes[-1] / sizes[-2])
                    ok = k <= LIMIT or times[-1] < args.floor
                    status = f"{k:8.2f}" + ("" if ok else "  FAIL")
                if "FAIL" in status:
                    failed.append(f"{pname}/{sname}")
                cells = " ".join(f"{t:8.3f}s" for t in times)
                print(f"{pname:18} {sname:11} {cells:<32} {status}", flush=True)
    if failed:
        print(f"worse than linear (exponent > {LIMIT}): {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"every stage grows at most linearly (exponent <= {LIMIT}, or under {args.floor} s at the largest size)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
