"""Benchmark: litreview's prioritised screening beside `asreview simulate` (ASReview LAB 2.2, its
default model ELAS u4) on every labelled review in ../shared/data/screening/, with the same priors
(1 relevant + 1 irrelevant drawn per seed, passed to ASReview by row) and seeds, in the same run.
Both orders are scored by the same code (litreview.prioritise.simulation.metrics).

ASReview is installed in the benchmark's own environment (default benchmarks/.venv-asreview,
created on first use with pip, asreview==2.2), never in litreview's.
Goals (issue 17): mean WSS@95 at least ASReview's + 0.03 and at least ASReview's on 8 of 11 sets;
a retrain on 10,000 records under 200 ms; the stopping rule reaches its 95% target recall in at
least 95% of runs while cutting screening by at least 40% on average. Beside the last, what the same
rule would cut if every relevant record came first: no ranking can make it stop sooner.
The stopping rule is also applied to ASReview's orders, and with --bias B the biased urn (which
assumes the ranking makes relevant records B times likelier to come next) to litreview's, and the
plain rule to larger reviews generated as its authors simulate them (buscarpy.generate_dataset).
Usage: python benchmarks/screening_simulation.py [--sets A,B] [--seeds 3] [--env DIR] [--no-asreview] [--bias B]
"""

from __future__ import annotations

import argparse
import csv
import glob
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _common import ROOT, machine

from litreview.prioritise.model import Ranker, document
from litreview.prioritise.simulation import Run, metrics, prior_rows, simulate, stopping_point

SETS = ROOT.parent / "shared" / "data" / "screening"
KEYS = ("wss95", "recall10", "atd", "loss")
ASREVIEW_ORDER = r"""
import sys
from asreview import open_state
with open_state(sys.argv[1]) as state:
    results = state.get_results_table()
print(",".join(str(int(r)) for r in results["record_id"]))
"""


def ensure_env(env: Path) -> Path:
    python = env / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "asreview==2.2"], check=True)
    return python


def read(path: Path) -> tuple[list[str], list[str], list[int]]:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    titles = [r.get("title") or "" for r in rows]
    abstracts = [r.get("abstract") or "" for r in rows]
    labels = [int(float(r["label_included"])) for r in rows]
    return titles, abstracts, labels


def asreview_order(
    python: Path, titles, abstracts, labels, priors: list[int], seed: int, tmp: Path
) -> tuple[list[int], float]:
    data = tmp / "data.csv"
    with open(data, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "abstract", "label_included"])
        writer.writerows(zip(titles, abstracts, labels, strict=True))
    project = tmp / f"sim-{seed}.asreview"
    project.unlink(missing_ok=True)
    asreview = python.parent / "asreview"
    started = time.perf_counter()
    subprocess.run([str(asreview), "simulate", str(data), "--prior-idx", *map(str, priors), "--seed", str(seed),
                    "-o", str(project)], check=True, capture_output=True, cwd=tmp)  # fmt: skip
    wall = time.perf_counter() - started
    out = subprocess.run(
        [str(python), "-c", ASREVIEW_ORDER, str(project)], check=True, capture_output=True, text=True, cwd=tmp
    )  # cwd: asreview's dataset cache (synergy_cache.sqlite) lands in its working folder, not the tree
    order = [int(x) for x in out.stdout.strip().split(",") if x]
    seen = set(order)
    order += [i for i in range(len(labels)) if i not in seen]  # it stops after the last relevant record
    return order, wall / max(1, len(seen))


def retrain_10k() -> float:
    texts, labels = [], []
    for path in sorted(glob.glob(str(SETS / "*.csv"))):
        titles, abstracts, y = read(Path(path))
        texts += [document(t, a) for t, a in zip(titles, abstracts, strict=True)]
        labels += y
    texts, labels = texts[:10_000], labels[:10_000]
    ranker = Ranker(texts)
    known = dict(enumerate(labels))
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        ranker.scores(known)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sets", default="")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--env", type=Path, default=ROOT / "benchmarks" / ".venv-asreview")
    parser.add_argument("--no-asreview", action="store_true")
    parser.add_argument(
        "--bias", type=float, default=0.0, help="also test the biased urn with this bias (slow)"
    )
    args = parser.parse_args()
    print(machine(), flush=True)
    print(
        f"retrain on 10,000 real labelled records (best of 5): {retrain_10k() * 1000:.0f} ms (goal < 200 ms)",
        flush=True,
    )
    python = None if args.no_asreview else ensure_env(args.env)
    paths = [SETS / f"{s}.csv" for s in args.sets.split(",")] if args.sets else sorted(SETS.glob("*.csv"))
    ours_all, theirs_all, stops, their_stops, biased_stops, ceilings = [], [], [], [], [], []
    spreads: list[tuple[float, float | None]] = []  # per set: the SD of WSS@95 over seeds, ours and theirs
    print(
        f"{'dataset':34} {'N':>5} {'rel':>4} | litreview: WSS@95 rec@10 ATD loss ms/retrain | "
        "ASReview ELAS u4: WSS@95 rec@10 ATD loss ms/record | stop: screened recall"
    )
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        for path in paths:
            titles, abstracts, labels = read(path)
            texts = [document(t, a) for t, a in zip(titles, abstracts, strict=True)]
            ranker = Ranker(texts)
            # the stopping rule's best case: every relevant record first (how much any ranking could save)
            perfect = sorted(labels, reverse=True)
            ceilings.append((stopping_point(perfect) or len(labels)) / len(labels))
            ours, theirs = [], []
            for seed in range(args.seeds):
                run = simulate(texts, labels, seed, ranker=ranker)
                m = metrics(run, labels)
                ours.append(m)
                stops.append((m["stop_screened"], m["stop_recall"]))
                if (
                    args.bias
                ):  # what assuming the ranking beats random by `bias` would save, and cost in recall
                    at = stopping_point([labels[i] for i in run.order], bias=args.bias)
                    b = metrics(Run(seed, run.order, at, run.retrain_seconds), labels)
                    biased_stops.append((b["stop_screened"], b["stop_recall"]))
                if python is not None:
                    priors = prior_rows(labels, seed)
                    order, per_record = asreview_order(python, titles, abstracts, labels, priors, seed, tmp)
                    # the same stopping rule on ASReview's order: how much of the cut is the ranking's doing
                    t = metrics(
                        Run(seed, order, stopping_point([labels[i] for i in order]), per_record), labels
                    )
                    theirs.append(t)
                    their_stops.append((t["stop_screened"], t["stop_recall"]))
            mo = {
                k: float(np.mean([m[k] for m in ours]))
                for k in (*KEYS, "retrain_seconds", "stop_screened", "stop_recall")
            }
            mt = (
                {k: float(np.mean([m[k] for m in theirs])) for k in (*KEYS, "retrain_seconds")}
                if theirs
                else None
            )
            ours_all.append(mo)
            theirs_all.append(mt)
            spreads.append(
                (
                    float(np.std([m["wss95"] for m in ours])),
                    float(np.std([m["wss95"] for m in theirs])) if theirs else None,
                )
            )
            line = (f"{path.stem:34} {len(labels):5d} {sum(labels):4d} | {mo['wss95']:6.3f} {mo['recall10']:6.3f} "
                    f"{mo['atd']:5.3f} {mo['loss']:5.3f} {mo['retrain_seconds'] * 1000:6.1f} | ")  # fmt: skip
            line += (f"{mt['wss95']:6.3f} {mt['recall10']:6.3f} {mt['atd']:5.3f} {mt['loss']:5.3f} "
                     f"{mt['retrain_seconds'] * 1000:6.1f}" if mt else "(not run)")  # fmt: skip
            print(line + f" | {mo['stop_screened']:.3f} {mo['stop_recall']:.3f} (perfect ranking: {ceilings[-1]:.3f})",
                  flush=True)  # fmt: skip
    wss_ours = np.mean([m["wss95"] for m in ours_all])
    print(f"mean WSS@95: litreview {wss_ours:.3f}", end="")
    if all(theirs_all):
        wss_theirs = np.mean([m["wss95"] for m in theirs_all])  # type: ignore[index]
        wins = sum(o["wss95"] >= t["wss95"] for o, t in zip(ours_all, theirs_all, strict=True))  # type: ignore[index]
        print(
            f", ASReview {wss_theirs:.3f} (difference {wss_ours - wss_theirs:+.3f}; goal >= +0.030); "
            f"litreview at least as good on {wins} of {len(paths)} sets (goal >= 8 of 11)"
        )
    else:
        print()
    if args.seeds > 1:  # how far one set's mean moves with the seeds: smaller differences are noise
        theirs_sd = [t for _, t in spreads if t is not None]
        print(f"WSS@95 SD over seeds per set (median): litreview {np.median([o for o, _ in spreads]):.3f}"
              + (f", ASReview {np.median(theirs_sd):.3f}" if theirs_sd else ""))  # fmt: skip
    reached = sum(r >= 0.95 for _, r in stops)
    print(f"stopping rule: target recall reached in {reached} of {len(stops)} runs ({reached / len(stops):.0%}; goal >= 95%), "
          f"screening cut by {1 - np.mean([s for s, _ in stops]):.0%} on average (goal >= 40%); with a perfect ranking "
          f"the same rule would cut {1 - np.mean(ceilings):.0%}")  # fmt: skip
    for what, runs in (
        ("the same rule on ASReview's orders", their_stops),
        (f"the biased urn (bias {args.bias})", biased_stops),
    ):
        if runs:
            reached = sum(r >= 0.95 for _, r in runs)
            print(f"{what}: target recall reached in {reached} of {len(runs)} runs, "
                  f"screening cut by {1 - np.mean([s for s, _ in runs]):.0%} on average")  # fmt: skip

    synthetic_reviews(args.seeds)


def synthetic_reviews(seeds: int) -> None:
    """The rule on larger reviews than the eleven: buscarpy's generate_dataset, its authors' own
    simulation (relevant records `ranking` times likelier to come next than irrelevant ones)."""
    from buscarpy import generate_dataset

    for total, prevalence, ranking in ((20_000, 0.01, 10), (2_000, 0.05, 5)):
        reached, cuts = 0, []
        for seed in range(seeds):
            labels = generate_dataset(N=total, prevalence=prevalence, bias=ranking, random_seed=seed)
            screened = labels["relevant"].tolist()  # already in screening order
            m = metrics(Run(seed, list(range(total)), stopping_point(screened), 0.0), screened)
            reached += m["stop_recall"] >= 0.95
            cuts.append(1 - m["stop_screened"])
        best = 1 - (stopping_point(sorted(screened, reverse=True)) or total) / total
        print(f"generated reviews of {total:,} records, {prevalence:.0%} relevant, ranking bias {ranking}: target "
              f"recall reached in {reached} of {seeds} runs, screening cut by {np.mean(cuts):.0%} (perfect ranking: {best:.0%})")  # fmt: skip


if __name__ == "__main__":
    main()
