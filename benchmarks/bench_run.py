"""The user's real path: ``python -m analysis run`` with and without notebooks, wall time and peak
memory of the whole process tree (the report process and every notebook kernel), by stage.

Each run is a fresh subprocess; the peak is the largest sum of the resident memory of the process
and all its descendants, sampled every 0.1 s with psutil. ``cold`` starts with an empty annotation
cache, ``warm`` with the cache the cold run filled. The baseline in the same run is the same
command with ``--no-notebooks``: the difference is what the notebooks cost.

    .venv/bin/python benchmarks/bench_run.py                  # the seed corpus, cold and warm
    .venv/bin/python benchmarks/bench_run.py --tokens 1M      # a generated 1M-token corpus (as bench_scale.py)
    .venv/bin/python benchmarks/bench_run.py --corpus DIR [--no-notebooks] [--warm-only] [--repeat 3]
    .venv/bin/python benchmarks/bench_run.py --tokens 1M --cold-only --notebooks-only    # issue 18's 1M row
    .venv/bin/python benchmarks/bench_run.py --tokens 10M --cold-only --no-notebooks     # issue 18's 10M row

Targets (issues 12 and 18, 2-core machine), printed beside each measured row with met/missed:
seed corpus warm with notebooks <= 12 s, without notebooks <= 4 s; 1M tokens cold with notebooks
<= 4 min and <= 4 GB for the whole tree; 10M tokens without notebooks <= 6 min and <= 4 GB.
The machine's load average is printed before and after: other processes slow every figure.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))


def _tree_rss(proc: psutil.Process) -> int:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return total


def run_once(corpus: Path, cache: Path, out: Path, *, notebooks: bool, timeout: float) -> dict:
    cmd = [sys.executable, "-m", "analysis", "run", "--corpus", str(corpus), "--out", str(out)]
    if not notebooks:
        cmd.append("--no-notebooks")
    env = dict(os.environ, ANALYSIS_CACHE_DIR=str(cache))
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    ps = psutil.Process(proc.pid)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            try:
                peak = max(peak, _tree_rss(ps))
            except psutil.NoSuchProcess:
                return
            stop.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        _, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        for p in ps.children(recursive=True):
            p.kill()
        proc.kill()
        _, stderr = proc.communicate()
        stop.set()
        return {"wall": time.perf_counter() - t0, "peak_mb": peak / 1e6, "status": "timeout", "stages": {}}
    wall = time.perf_counter() - t0
    stop.set()
    sampler.join()
    stages: dict[str, float] = {}
    status = "ok" if proc.returncode == 0 else f"exit {proc.returncode}"
    line = next((ln for ln in stderr.splitlines() if ln.startswith("time per stage: ")), "")
    for name, secs in re.findall(r"([\w: ]+?) ([\d.]+) s(?:,|$)", line[len("time per stage: ") :]):
        stages[name.strip()] = float(secs)
    if proc.returncode != 0:
        print(stderr[-2000:], file=sys.stderr)
    return {"wall": wall, "peak_mb": peak / 1e6, "status": status, "stages": stages}


# (corpus, notebooks, temperature) -> (seconds, MB of the whole tree or None); corpus "seed", "1M", "10M"
TARGETS = {
    ("seed", True, "warm"): (12.0, None),
    ("seed", False, "warm"): (4.0, None),
    ("1M", True, "cold"): (240.0, 4000.0),
    ("10M", False, "cold"): (360.0, 4000.0),
}


def target_text(corpus: str, notebooks: bool, temp: str, res: dict) -> str:
    """``target <= 12 s: met`` for the rows issue 18 sets a target for, else ``""``."""
    target = TARGETS.get((corpus, notebooks, temp))
    if target is None:
        return ""
    seconds, mb = target
    met = res["status"] == "ok" and res["wall"] <= seconds and (mb is None or res["peak_mb"] <= mb)
    limit = f"<= {seconds:.0f} s" + (f", <= {mb:.0f} MB" if mb else "")
    return f"target {limit}: {'met' if met else 'missed'}"


def _median_run(runs: list[dict]) -> dict:
    """The run with the median wall time (its own peak and stages)."""
    ordered = sorted(runs, key=lambda r: r["wall"])
    return ordered[(len(ordered) - 1) // 2]


def parse_size(text: str) -> int:
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([kKmM]?)", text.strip())
    if not m:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 100k, 1M)")
    return int(float(m.group(1)) * {"": 1, "k": 1e3, "m": 1e6}[m.group(2).lower()])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=None, help="folder of texts (default: the shipped corpus)")
    ap.add_argument("--tokens", type=parse_size, default=None, help="generate a corpus of this many tokens instead")
    ap.add_argument("--workdir", type=Path, default=None, help="where a generated corpus is kept (default: temp)")
    ap.add_argument("--no-notebooks", action="store_true", help="only the --no-notebooks runs")
    ap.add_argument("--notebooks-only", action="store_true", help="only the runs with notebooks")
    ap.add_argument("--warm-only", action="store_true", help="skip the cold runs")
    ap.add_argument("--cold-only", action="store_true", help="skip the warm runs")
    ap.add_argument("--repeat", type=int, default=1, help="warm runs of each kind; the median is shown (default 1)")
    ap.add_argument("--timeout", type=float, default=3600.0)
    args = ap.parse_args()
    if args.no_notebooks and args.notebooks_only or args.warm_only and args.cold_only:
        ap.error("nothing to run: the two options exclude each other")
    size = "seed" if args.corpus is None and args.tokens is None else None
    if args.tokens in (1_000_000, 10_000_000):
        size = f"{args.tokens // 1_000_000}M"
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus = args.corpus or ROOT / "data" / "texts"
        if args.tokens:
            from bench_scale import generate

            work = args.workdir or tmp / "generated"
            manifest = generate(work, args.tokens, seed=0, compound_rate=0.25)
            corpus = work / "texts"
            print(f"generated corpus: {manifest['documents']} documents, ~{manifest['approx_tokens']:,} tokens")
        variants = [] if args.notebooks_only else [("without notebooks", False)]
        variants += [] if args.no_notebooks else [("with notebooks", True)]
        rows = []
        for label, notebooks in variants:
            cache = tmp / f"cache-{notebooks}"
            temps = ["warm"] if args.warm_only else ["cold"] if args.cold_only else ["cold", "warm"]
            if args.warm_only:  # fill the cache first, not timed
                run_once(corpus, cache, tmp / "out", notebooks=False, timeout=args.timeout)
            for temp in temps:
                runs = []
                for _ in range(max(1, args.repeat) if temp == "warm" else 1):
                    res = run_once(corpus, cache, tmp / "out", notebooks=notebooks, timeout=args.timeout)
                    runs.append(res)
                    print(
                        f"{label:<18} {temp:<5} wall {res['wall']:7.1f} s  peak {res['peak_mb']:7.0f} MB  "
                        f"{res['status']}"
                    )
                    if res["stages"]:
                        print("  stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in res["stages"].items()))
                rows.append((label, notebooks, temp, _median_run(runs)))
    print(
        f"\ncorpus: {corpus}  (load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after, {os.cpu_count()} cores)"
    )
    print(f"{'run':<26}{'wall s':>9}{'peak MB (tree)':>16}")
    for label, notebooks, temp, res in rows:
        target = target_text(size, notebooks, temp, res) if size else ""
        print(f"{label + ', ' + temp:<26}{res['wall']:>9.1f}{res['peak_mb']:>16.0f}  {res['status']}  {target}")
    base = {temp: res for _, notebooks, temp, res in rows if not notebooks}
    for _, notebooks, temp, res in rows:
        if notebooks and temp in base:
            print(
                f"notebooks add ({temp}): {res['wall'] - base[temp]['wall']:+.1f} s, "
                f"{res['peak_mb'] - base[temp]['peak_mb']:+.0f} MB peak"
            )
    print(
        "targets (issue 18): seed warm with notebooks <= 12 s, without <= 4 s; 1M cold with notebooks <= 240 s "
        "and <= 4000 MB; 10M cold without notebooks <= 360 s and <= 4000 MB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
