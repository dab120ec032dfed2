"""Benchmark: wall time and peak memory of `litreview run` (offline, shipped snapshot) beside an
empty Prefect flow measured in the same run, each as a whole fresh process.

Goal (issue 2): the review itself adds < 5 s and < 400 MB over the empty flow on a 2-core machine.
Usage: python benchmarks/run_offline.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EMPTY_FLOW = """
from prefect import flow, task
@task
def noop():
    return 1
@flow
def empty():
    return noop()
empty()
"""


def measure(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one whole process (wait4 gives that child's own rusage)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed with exit code {proc.returncode}")
    return wall, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    env = dict(os.environ, PREFECT_LOGGING_LEVEL="CRITICAL")
    litreview = [sys.executable, "-m", "litreview.cli"]
    empty_times, run_times, empty_mem, run_mem = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):
            t, m = measure([sys.executable, "-c", EMPTY_FLOW], env)
            empty_times.append(t)
            empty_mem.append(m)
            t, m = measure(
                [*litreview, "run", "search_strings/ep_pd_nec", "--workspace", f"{tmp}/ws{i}"], env
            )
            run_times.append(t)
            run_mem.append(m)
    e, r = statistics.median(empty_times), statistics.median(run_times)
    print(
        f"machine: {platform.machine()} {os.cpu_count()} cores, {platform.platform()}, Python {platform.python_version()}"
    )
    print(f"empty Prefect flow : median {e:6.2f} s  (runs: {', '.join(f'{x:.2f}' for x in empty_times)})")
    print(f"litreview run      : median {r:6.2f} s  (runs: {', '.join(f'{x:.2f}' for x in run_times)})")
    print(f"review adds        : {r - e:6.2f} s   (goal < 5 s)")
    print(f"peak RSS of the process: empty {max(empty_mem):.0f} MB, run {max(run_mem):.0f} MB")
    print(f"review adds        : {max(run_mem) - max(empty_mem):6.0f} MB (goal < 400 MB)")


if __name__ == "__main__":
    main()
