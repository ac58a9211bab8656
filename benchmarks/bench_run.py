"""Wall time of the full report on the seed corpus, by stage, cold and warm.

Runs ``python -m analysis run`` (notebooks included) twice in a fresh subprocess each:
``cold`` with an empty cache folder (``ANALYSIS_CACHE_DIR``), ``warm`` with the cache the cold run
filled. Prints the stages the command reports (load, annotate, tables and figures per module, each
notebook) and the total wall time. Targets (issue 8): < 30 s warm, < 60 s cold on the 2-core machine.

    .venv/bin/python benchmarks/bench_run.py [--corpus DIR] [--no-notebooks]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_once(corpus: Path, cache: Path, out: Path, notebooks: bool) -> tuple[float, dict[str, float]]:
    cmd = [sys.executable, "-m", "analysis", "run", "--corpus", str(corpus), "--out", str(out)]
    if not notebooks:
        cmd.append("--no-notebooks")
    env = dict(os.environ, ANALYSIS_CACHE_DIR=str(cache))
    t0 = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    wall = time.perf_counter() - t0
    if res.returncode != 0:
        print(res.stderr, file=sys.stderr)
        raise SystemExit(f"run failed with exit status {res.returncode}")
    line = next(ln for ln in res.stderr.splitlines() if ln.startswith("time per stage: "))
    stages = {m[0]: float(m[1]) for m in re.findall(r"([\w: ]+?) ([\d.]+) s(?:,|$)", line[len("time per stage: ") :])}
    return wall, {k.strip(): v for k, v in stages.items()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT / "data" / "texts")
    ap.add_argument("--no-notebooks", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        cold_wall, cold = run_once(args.corpus, tmp / "cache", tmp / "out", not args.no_notebooks)
        warm_wall, warm = run_once(args.corpus, tmp / "cache", tmp / "out", not args.no_notebooks)
    print(f"corpus: {args.corpus}  (load average {os.getloadavg()[0]:.2f})")
    print(f"{'stage':<28}{'cold s':>9}{'warm s':>9}")
    for stage in cold:
        print(f"{stage:<28}{cold[stage]:>9.1f}{warm.get(stage, float('nan')):>9.1f}")
    print(f"{'total wall (incl. start-up)':<28}{cold_wall:>9.1f}{warm_wall:>9.1f}")
    print("targets: warm < 30 s, cold < 60 s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
