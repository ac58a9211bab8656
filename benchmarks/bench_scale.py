"""Scale benchmark: time and peak memory of each stage on realistic German corpora of 100k–10M tokens.

    .venv/bin/python benchmarks/bench_scale.py                    # 100k and 1M tokens
    .venv/bin/python benchmarks/bench_scale.py --full             # also 10M tokens (takes long)
    .venv/bin/python benchmarks/bench_scale.py --sizes 100k --repeat 3

**Corpora.** Generated reproducibly (fixed ``--seed``) from real German text: the sentences of UD
German GSD test (``../shared/eval/ud-german-gsd``, CC BY-SA 4.0; reviews and news) and the
body sentences of the seed texts (``data/texts``), resampled into documents of realistic length
(log-normal, median about 700 tokens, 150–6,000) with a title line and paragraphs of 1–7
sentences, written as ``.txt`` files to a temporary folder (``--workdir``; reused when it already
holds the same corpus). A resampled corpus alone would have a closed vocabulary of a few thousand
word types, which flatters every per-type cache; real German vocabulary keeps growing (Heaps'
law), mostly through new compounds. So a share of the nouns (``--compound-rate``) become new
noun–noun compounds (``Kunden`` + ``Gespräch`` → ``Kundengespräch``) with the modifier drawn
Zipf-distributed from the nouns of the pool: the type count then grows roughly as
``tokens^0.6`` (printed per corpus).

**Stages**, each in a fresh subprocess so that its peak memory (``ru_maxrss``) is its own:
``load`` (:func:`analysis.load_corpus`), ``annotate`` (``cache=False``), ``annotate_cold`` (a
fresh cache folder), ``annotate_warm`` (the same folder again), then ``vocabulary``, ``themes``,
``topics`` and ``sentiment`` (each report section's ``compute`` on a RunContext of the annotated
tokens, read from Parquet) and ``figures`` (every section's ``figures``, saved as PNG, after the
sections' ``compute`` as in the report, which is not timed). ``seconds`` is the stage call
alone; ``peak_mb`` the subprocess's peak up to the end of the stage call (imports and inputs
included; for ``annotate``, before the benchmark's own Parquet export); ``input_mb`` its resident
memory just before the stage (what the inputs cost). The growth exponent of a stage is the slope
of log(seconds) against log(tokens) between consecutive sizes (1 = linear).

Skips cleanly (exit 0 with a note) when ``../shared/eval/ud-german-gsd`` is absent.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import pickle
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UD = ROOT.parent / "shared" / "eval" / "ud-german-gsd" / "de_gsd-ud-test.conllu"
SEEDS = ROOT / "data" / "texts"
GENERATOR_VERSION = "1"
STAGES = (
    "load",
    "annotate",
    "annotate_cold",
    "annotate_warm",
    "vocabulary",
    "themes",
    "topics",
    "sentiment",
    "figures",
)
_TOKEN_RE = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]")
_NOUN_RE = re.compile(r"^[A-ZÄÖÜ][a-zäöüß]{3,14}$")
_LINKING_S = ("ung", "heit", "keit", "ion", "tät", "schaft", "tum", "ling")


# --------------------------------------------------------------------------- source sentences
def ud_sentences(path: Path) -> tuple[list[str], list[str]]:
    """(sentence texts, noun lemmas in corpus order) of a CoNLL-U file."""
    texts, nouns = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# text = "):
            texts.append(line[len("# text = ") :].strip())
        elif line and not line.startswith("#"):
            cols = line.split("\t")
            if len(cols) > 3 and cols[3] == "NOUN" and _NOUN_RE.match(cols[2]):
                nouns.append(cols[2])
    return texts, nouns


def seed_sentences() -> list[str]:
    """Sentences of the seed texts' body paragraphs (the project's own splitter), boilerplate left out."""
    import warnings

    from analysis import annotate, load_corpus

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = load_corpus(SEEDS, quiet=True)
        tokens = annotate(corpus, cache=False)
    texts = dict(zip(corpus.documents["doc_id"], corpus.documents["text"]))
    keep = tokens[tokens["kind"].isin(("body", "answer", "question", "quote"))]
    spans = keep.groupby(["doc_id", "sent_id"], sort=True).agg(start=("start", "min"), end=("end", "max"))
    out = []
    for (doc_id, _), row in spans.iterrows():
        s = " ".join(texts[doc_id][row["start"] : row["end"]].split())
        if len(_TOKEN_RE.findall(s)) >= 4:
            out.append(s)
    return out


# --------------------------------------------------------------------------- corpus generator
class Generator:
    """Reproducible documents resampled from real sentences, with new compounds for an open vocabulary."""

    def __init__(self, sentences: list[str], nouns: list[str], *, seed: int, compound_rate: float) -> None:
        import numpy as np

        self.rng = np.random.default_rng(seed)
        self.sentences = sentences
        self.n_tokens = np.array([len(_TOKEN_RE.findall(s)) for s in sentences])
        # noun spans per sentence (not the first word: sentence-initial capitals are not nouns)
        self.noun_spans = []
        for s in sentences:
            spans = [m.span() for m in re.finditer(r"\S+", s)][1:]
            self.noun_spans.append([(a, b) for a, b in spans if _NOUN_RE.match(s[a:b])])
        counts: dict[str, int] = {}
        for n in nouns:
            counts[n] = counts.get(n, 0) + 1
        self.modifiers = sorted(counts, key=lambda w: (-counts[w], w))
        ranks = np.arange(1, len(self.modifiers) + 1, dtype=float)
        p = 1.0 / ranks
        self.modifier_cdf = np.cumsum(p / p.sum())
        self.compound_rate = compound_rate
        self.titles = [i for i, n in enumerate(self.n_tokens) if 4 <= n <= 12]

    def _modifier(self) -> str:
        k = int(self.modifier_cdf.searchsorted(self.rng.random(), side="right"))
        m = self.modifiers[min(k, len(self.modifiers) - 1)]
        return m + "s" if m.endswith(_LINKING_S) else m

    def sentence(self, i: int) -> str:
        s = self.sentences[i]
        spans = self.noun_spans[i]
        if not spans or self.compound_rate <= 0:
            return s
        hits = self.rng.random(len(spans)) < self.compound_rate
        if not hits.any():
            return s
        parts, pos = [], 0
        for (a, b), hit in zip(spans, hits):
            if hit:
                head = s[a:b]
                parts += [s[pos:a], self._modifier(), head[0].lower() + head[1:]]
                pos = b
        parts.append(s[pos:])
        return "".join(parts)

    def document(self) -> tuple[str, int]:
        """(text, approximate token count) of one document."""
        rng = self.rng
        target = int(min(6000, max(150, rng.lognormal(math.log(700), 0.7))))
        title = self.sentences[self.titles[int(rng.integers(len(self.titles)))]].rstrip(".!?")
        paragraphs, n = [], 0
        while n < target:
            k = int(min(7, rng.geometric(0.3)))
            idx = rng.integers(len(self.sentences), size=k)
            paragraphs.append(" ".join(self.sentence(int(i)) for i in idx))
            n += int(self.n_tokens[idx].sum())
        return title + "\n\n" + "\n\n".join(paragraphs) + "\n", n


def generate(folder: Path, n_tokens: int, *, seed: int, compound_rate: float) -> dict:
    """Write a corpus of about ``n_tokens`` tokens to ``folder/texts``; reuse it when the manifest matches."""
    manifest_path = folder / "manifest.json"
    wanted = {"version": GENERATOR_VERSION, "tokens": n_tokens, "seed": seed, "compound_rate": compound_rate}
    if manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text())
        if {k: manifest.get(k) for k in wanted} == wanted:
            return manifest
    shutil.rmtree(folder, ignore_errors=True)
    texts_dir = folder / "texts"
    texts_dir.mkdir(parents=True)
    ud_texts, nouns = ud_sentences(UD)
    sentences = ud_texts + seed_sentences()
    gen = Generator(sentences, nouns, seed=seed, compound_rate=compound_rate)
    total, k = 0, 0
    while total < n_tokens:
        text, n = gen.document()
        k += 1
        (texts_dir / f"doc-{k:06d}.txt").write_text(text, encoding="utf-8")
        total += n
    manifest = {**wanted, "documents": k, "approx_tokens": total, "source_sentences": len(sentences)}
    manifest_path.write_text(json.dumps(manifest, indent=1))
    return manifest


# --------------------------------------------------------------------------- one stage (subprocess)
def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def worker(stage: str, folder: Path) -> dict:
    """Run one stage on the corpus in ``folder``; return seconds, peak and input memory."""
    import warnings

    import matplotlib

    matplotlib.use("Agg")
    warnings.simplefilter("ignore")
    import pandas as pd

    import analysis
    from analysis import annotate, load_corpus

    corpus_pkl, tokens_pq = folder / "corpus.pkl", folder / "tokens.parquet"
    extra: dict = {}
    if stage == "load":
        t0 = time.perf_counter()
        corpus = load_corpus(folder / "texts", quiet=True)
        seconds = time.perf_counter() - t0
        with open(corpus_pkl, "wb") as fh:
            pickle.dump(corpus, fh, protocol=pickle.HIGHEST_PROTOCOL)
        extra = {"documents": len(corpus.documents), "paragraphs": len(corpus.paragraphs)}
        return {"seconds": seconds, "peak_mb": _peak_mb(), "input_mb": 0.0, **extra}
    with open(corpus_pkl, "rb") as fh:
        corpus = pickle.load(fh)
    if stage.startswith("annotate"):
        cache: bool | Path = False
        if stage != "annotate":
            cache = folder / "cache"
            if stage == "annotate_cold":
                shutil.rmtree(cache, ignore_errors=True)
        before = _rss_mb()
        t0 = time.perf_counter()
        tokens = annotate(corpus, cache=cache)
        seconds = time.perf_counter() - t0
        peak = _peak_mb()  # of the stage call; the statistics below come after it
        if stage == "annotate":
            tokens.to_parquet(tokens_pq, index=False)
            words = tokens[tokens["token_type"].isin(("word", "hashtag"))]
            extra = {
                "tokens": len(tokens),
                "word_types": int(words["norm"].nunique()),
                "sentences": int(tokens[["doc_id", "sent_id"]].drop_duplicates().shape[0]),
            }
        return {"seconds": seconds, "peak_mb": peak, "input_mb": before, **extra}
    tokens = pd.read_parquet(tokens_pq)
    before = _rss_mb()
    if stage == "figures":
        import matplotlib.pyplot as plt

        from analysis import plots

        fig_dir = folder / "figures"
        shutil.rmtree(fig_dir, ignore_errors=True)
        fig_dir.mkdir()
        from analysis.context import RunContext
        from analysis.report.sections import SECTIONS

        context = RunContext(corpus, tokens)
        computed = [(s, s.compute(context)) for s in SECTIONS if s.applies(context)]  # tables first, as in the report
        before = _rss_mb()
        t0 = time.perf_counter()
        sizes = 0
        for section, tables in computed:
            for key, fig in section.figures(context, tables).items():
                path = fig_dir / f"{key}.png"
                plots.save(fig, path)
                plt.close(fig)
                sizes += path.stat().st_size
        seconds = time.perf_counter() - t0
        extra = {"png_kb": round(sizes / 1024)}
    else:
        from analysis.context import RunContext
        from analysis.report.sections import get_section

        context = RunContext(corpus, tokens)
        t0 = time.perf_counter()
        tables = get_section(stage).compute(context)
        seconds = time.perf_counter() - t0
        extra = {"rows": int(sum(len(t) for t in tables.values()))}
    del analysis
    return {"seconds": seconds, "peak_mb": _peak_mb(), "input_mb": before, **extra}


def run_stage(stage: str, folder: Path, timeout: float) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--_worker", stage, "--workdir", str(folder)]
    env = {**os.environ, "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg"}
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"error": f"timeout after {timeout:.0f} s"}
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["?"])[-1]
        return {"error": f"exit {proc.returncode}: {last[:200]}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- main
def parse_size(text: str) -> int:
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([kKmM]?)", text.strip())
    if not m:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 100k, 1M, 10M)")
    return int(float(m.group(1)) * {"": 1, "k": 1_000, "m": 1_000_000}[m.group(2).lower()])


def label(n: int) -> str:
    return f"{n // 1_000_000}M" if n >= 1_000_000 and n % 1_000_000 == 0 else f"{n // 1000}k"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100k,1M", help="comma-separated token counts (default 100k,1M)")
    ap.add_argument("--full", action="store_true", help="add 10M tokens (takes long)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per stage; the median time and the largest peak")
    ap.add_argument("--stages", default=",".join(STAGES), help=f"comma-separated subset of {','.join(STAGES)}")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--compound-rate", type=float, default=0.25, help="share of nouns turned into new compounds")
    ap.add_argument("--workdir", type=Path, default=None, help="folder for the corpora (default: a temp folder)")
    ap.add_argument("--timeout", type=float, default=3600.0, help="seconds per stage before it counts as failed")
    ap.add_argument("--json", type=Path, default=None, help="also write the results as JSON here")
    ap.add_argument("--_worker", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args._worker:
        print(json.dumps(worker(args._worker, args.workdir)))
        return 0
    if not UD.is_file():
        print(f"skipped: {UD} not found (UD German GSD is read from ../shared/eval)")
        return 0
    sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
    if args.full and 10_000_000 not in sizes:
        sizes.append(10_000_000)
    sizes = sorted(set(sizes))
    stages = [s.strip() for s in args.stages.split(",") if s.strip()]
    unknown = [s for s in stages if s not in STAGES]
    if unknown:
        ap.error(f"unknown stage(s): {', '.join(unknown)}")
    base = args.workdir or Path(tempfile.gettempdir()) / "german-discourse-bench-scale"
    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")

    results: list[dict] = []
    for n in sizes:
        folder = base / f"{label(n)}-seed{args.seed}"
        t0 = time.perf_counter()
        manifest = generate(folder, n, seed=args.seed, compound_rate=args.compound_rate)
        print(
            f"\n== {label(n)}: {manifest['documents']} documents, ~{manifest['approx_tokens']:,} tokens "
            f"in {folder} (generated/reused in {time.perf_counter() - t0:.1f} s)",
            flush=True,
        )
        needed = list(stages)
        if any(s != "load" for s in needed) and "load" not in needed:
            needed.insert(0, "load")
        if (
            any(s in ("vocabulary", "themes", "topics", "sentiment", "figures") for s in needed)
            and "annotate" not in needed
        ):
            needed.insert(needed.index("load") + 1, "annotate")
        info: dict = {}
        for stage in [s for s in STAGES if s in needed]:
            runs = [run_stage(stage, folder, args.timeout) for _ in range(max(1, args.repeat))]
            ok = [r for r in runs if "error" not in r]
            if not ok:
                row = {"size": label(n), "stage": stage, "error": runs[0]["error"]}
                print(f"  {stage:<14} FAILED {runs[0]['error']}", flush=True)
                results.append(row)
                if stage in ("load", "annotate"):
                    break
                continue
            info.update({k: v for k, v in ok[0].items() if k in ("documents", "paragraphs", "tokens", "word_types")})
            row = {
                "size": label(n),
                "tokens": info.get("tokens"),
                "stage": stage,
                "seconds": statistics.median(r["seconds"] for r in ok),
                "peak_mb": max(r["peak_mb"] for r in ok),
                "input_mb": max(r["input_mb"] for r in ok),
                "note": ", ".join(
                    f"{k}={v:,}" if isinstance(v, int) else f"{k}={v}"
                    for k, v in ok[0].items()
                    if k not in ("seconds", "peak_mb", "input_mb")
                ),
            }
            results.append(row)
            print(
                f"  {stage:<14} {row['seconds']:9.2f} s  peak {row['peak_mb']:8.0f} MB  (inputs {row['input_mb']:6.0f} MB)"
                f"  {row['note']}",
                flush=True,
            )
        for r in results:
            if r["size"] == label(n):
                r["tokens"] = info.get("tokens")
        if info.get("tokens"):
            print(f"  annotated tokens {info['tokens']:,}, word types {info.get('word_types', 0):,}")

    ok_rows = [r for r in results if "error" not in r]
    print("\nsize   tokens       stage            seconds   peak MB   tokens/s")
    for r in ok_rows:
        tps = r["tokens"] / r["seconds"] if r.get("tokens") and r["seconds"] > 0 else float("nan")
        print(
            f"{r['size']:<6} {r.get('tokens') or 0:>11,}  {r['stage']:<14} {r['seconds']:9.2f} {r['peak_mb']:9.0f} "
            f"{tps:10,.0f}"
        )
    done = [lab for lab in dict.fromkeys(r["size"] for r in ok_rows)]
    if len(done) >= 2:
        print("\ngrowth exponent (slope of log seconds vs log tokens; 1 = linear)")
        print("stage            " + "  ".join(f"{a}→{b:<5}" for a, b in zip(done, done[1:])))
        for stage in dict.fromkeys(r["stage"] for r in ok_rows):
            cells = []
            for a, b in zip(done, done[1:]):
                ra = next((r for r in ok_rows if r["size"] == a and r["stage"] == stage), None)
                rb = next((r for r in ok_rows if r["size"] == b and r["stage"] == stage), None)
                if ra and rb and ra["seconds"] > 0 and rb["seconds"] > 0 and ra["tokens"] and rb["tokens"]:
                    slope = math.log(rb["seconds"] / ra["seconds"]) / math.log(rb["tokens"] / ra["tokens"])
                    cells.append(f"{slope:8.2f}")
                else:
                    cells.append(f"{'–':>8}")
            print(f"{stage:<16} " + "  ".join(cells))
    totals = {}
    for r in ok_rows:
        if r["stage"] in ("annotate", "vocabulary", "themes", "topics", "sentiment"):
            totals.setdefault(r["size"], [0.0, 0.0])
            totals[r["size"]][0] += r["seconds"]
            totals[r["size"]][1] = max(totals[r["size"]][1], r["peak_mb"])
    if totals:
        print("\nannotate + vocabulary + topics + sentiment (target at 10M: < 600 s, < 4,096 MB peak)")
        for size, (sec, peak) in totals.items():
            print(f"  {size:<6} {sec:9.1f} s   largest peak {peak:7.0f} MB")
    load = os.getloadavg()
    print(f"\nload average at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    if args.json:
        args.json.write_text(json.dumps({"results": results, "load_end": load}, indent=1))
    return 1 if len(ok_rows) < len(results) else 0


if __name__ == "__main__":
    sys.exit(main())
