"""Benchmark: a workspace at scale on SQLite and on PostgreSQL, side by side in one run.

1. store, relink and render 100,000 and 1,000,000 records into a fresh workspace on each backend
   (each in its own process, so each peak RSS is its own): time per step and peak RSS. The records
   are made from the shipped Cohen 2006 records: distinct studies (title words swapped, other
   years, volumes and pages) and about 20% perturbed duplicates of them, as the dedup benchmark does.
   Render is the run's own render step (screening rules, PRISMA, record list, search log) of the
   Cohen estrogens review.
2. 20 simulated reviewers posting decisions concurrently through `litreview web` on a PostgreSQL
   workspace of 20,000 records, each decision followed by loading the next record: throughput, p50,
   p95, lost decisions (acknowledged but not stored, or stored twice). Twice: paced, each reviewer
   pausing a random 0.5-1.5 s between decisions (a decision a second each, several times faster
   than anyone reads an abstract: the goal is judged here), and flat out, no pause at all (20
   requests always in flight: the server's capacity, and what queueing does to latency at it).
   The reviewers run in their own processes, so their client work does not share a GIL.
PostgreSQL is a private cluster started for the run with fsync on; SQLite runs in WAL mode with
synchronous=FULL, as litreview always opens it: both durable.
Goals (issue 18): PostgreSQL within 2x of SQLite on store/relink/render; 20 reviewers at p95 < 100 ms
with 0 lost; a 1M-record workspace renders in under 5 minutes on this 2-core machine. Issue 33: at
most 4 GB peak for 1M records on either backend (the records are streamed through relink and
render, not held), store + relink + render no slower than 1.2x before.
``--baseline REV`` measures the same steps of an earlier revision in the same run (its code and data
from ``git archive``), alternating with this tree's so both see the shared machine alike, and
compares the two runs' outputs byte for byte (payload paths, which name the tree, and the start and
finish times aside).
Usage: python benchmarks/workspace_scale.py [--sizes 100000,1000000] [--backends sqlite,postgresql]
       [--baseline REV] [--reviewers 20] [--decisions 1000] [--servers 1,2]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import httpx
from _common import ROOT, machine

from litreview.records import Citation
from litreview.sources.importers import load_records
from litreview.testing.processes import web_servers

DATA = ROOT / "tests" / "data" / "screening" / "Cohen_2006_Antihistamines.csv"
REVIEW = ROOT / "search_strings" / "cohen_estrogens"
PASSWORD = "benchmark-password"
NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
STEPS = ("store", "relink", "render")


def records(n: int, seed: int = 7) -> list[Citation]:
    rng = random.Random(seed)
    base = [r for r in load_records(DATA, "csv", source="medline") if r.title]
    vocabulary = sorted({w for r in base for w in r.title.split() if len(w) > 4})
    out: list[Citation] = []
    while len(out) < n:
        src = rng.choice(base)
        words = src.title.split()
        for _ in range(3):
            words[rng.randrange(len(words))] = rng.choice(vocabulary)
        k = len(out) + 1
        study = replace(src, record_id=f"medline:{k}", native_id=str(k), pmid="", title=" ".join(words),
                        year=rng.randint(1980, 2024), volume=str(rng.randint(1, 400)),
                        pages=f"{rng.randint(1, 3000)}-{rng.randint(3001, 3100)}")  # fmt: skip
        out.append(study)
        if len(out) < n and rng.random() < 0.2:
            k += 1
            chars = list(study.title)
            chars[rng.randrange(len(chars))] = ""
            out.append(replace(study, record_id=f"medline:{k}", native_id=str(k), title="".join(chars),
                               pages="" if rng.random() < 0.3 else study.pages))  # fmt: skip
    return out


def child(backend: str, n: int, location: str, out: str) -> None:
    """One backend, one size: store, relink, render; prints JSON."""
    from litreview.config import load_protocol
    from litreview.dedup.relink import relink
    from litreview.pipeline.collect import SourceBatch
    from litreview.pipeline.render import render
    from litreview.store.workspace import Workspace

    made = records(n)
    protocol = load_protocol(REVIEW)
    batch = SourceBatch(name="medline", kind="file", group="databases")
    batch.records = made
    workspace = Workspace.at(location, Path(out), protocol.review_id).open()
    times = {}
    start = time.perf_counter()
    with workspace.transaction():
        workspace.start_run("r1")
        workspace.store_records("r1", made)
    times["store"] = time.perf_counter() - start
    start = time.perf_counter()
    with workspace.transaction():  # the stored records are read as they are linked, as a run does
        linked = relink(workspace, "r1", preferred=set())
    times["relink"] = time.perf_counter() - start
    start = time.perf_counter()
    with workspace.transaction():
        render(workspace, protocol, "r1", [batch], mode="replay", flow_run_id=None,
               started=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), out=Path(out))  # fmt: skip
    times["render"] = time.perf_counter() - start
    workspace.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"backend": backend, "n": n, **times, "peak_mb": peak,
                      "duplicates": linked["duplicate"][0]}))  # fmt: skip


PEAK_GOAL_MB = 4000  # issue 33: at most 4 GB for 1M records on either backend
TIME_GOAL = 1.2  # ... with store + relink + render no slower than 1.2x the baseline's


def baseline_tree(revision: str, tmp: Path) -> Path:
    """The benchmark, code and data of an earlier revision (``git archive``), to measure in this run."""
    tree = tmp / "baseline"
    tree.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision, "src", "benchmarks", "search_strings",
                              "tests/data/screening"], capture_output=True, check=True).stdout  # fmt: skip
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return tree


def run_child(tree: Path, backend: str, n: int, location: str, out: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    done = subprocess.run([sys.executable, str(tree / "benchmarks" / "workspace_scale.py"), "--child", backend, str(n),
                           location, str(out)], capture_output=True, text=True, timeout=14400, env=env)  # fmt: skip
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def differing_outputs(ours: Path, theirs: Path, our_root: Path, their_root: Path) -> tuple[int, list[str]]:
    """(files compared, files whose bytes differ) of two runs' outputs, the records' payload paths
    (which name the tree) and the manifest's start and finish times aside."""
    names = sorted(str(p.relative_to(ours)) for p in ours.rglob("*") if p.is_file())
    names += sorted(str(p.relative_to(theirs)) for p in theirs.rglob("*") if p.is_file() and not (ours / p.relative_to(theirs)).exists())  # fmt: skip

    def plain(path: Path, root: Path) -> bytes:
        data = path.read_bytes() if path.exists() else b"(missing)"
        data = data.replace(str(root).encode() + b"/", b"ROOT/")
        return (
            re.sub(rb'"(started|finished)_at": "[^"]*"', b"", data) if path.name == "manifest.json" else data
        )

    differ = [n for n in names if plain(ours / n, our_root) != plain(theirs / n, their_root)]
    for name in differ:  # where each first differs, so a difference can be judged from this output alone
        if name.endswith(".json"):
            mine, other = (
                json.loads((folder / name).read_bytes().replace(str(root).encode() + b"/", b"ROOT/"))
                for folder, root in ((ours, our_root), (theirs, their_root))
            )
            changed = json_changes(mine, other)
            print(f"      {name}: " + ("only adds fields the baseline has not" if not changed
                                      else f"{len(changed)} value(s) the baseline has differ: {'; '.join(changed[:3])}"))  # fmt: skip
            continue
        mine, other = (
            plain(folder / name, root).splitlines()
            for folder, root in ((ours, our_root), (theirs, their_root))
        )
        at = next(
            (i for i, (a, b) in enumerate(zip(mine, other, strict=False)) if a != b),
            min(len(mine), len(other)),
        )
        shown = [
            (lines[at][:160] if at < len(lines) else b"(ends)").decode("utf-8", "replace")
            for lines in (mine, other)
        ]
        print(
            f"      {name} line {at + 1} ({len(mine):,} / {len(other):,} lines): this tree {shown[0]!r}; baseline {shown[1]!r}"
        )
    return len(names), differ


def json_changes(ours: object, theirs: object, where: str = "") -> list[str]:
    """Where two JSON documents differ in what the baseline has (a field this tree adds is no change):
    each path with both values, or the baseline's field this tree lacks."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        return [change for key, value in theirs.items() if key not in ("started_at", "finished_at")
                for change in (json_changes(ours[key], value, f"{where}/{key}") if key in ours else [f"{where}/{key} gone"])]  # fmt: skip
    if isinstance(ours, list) and isinstance(theirs, list):  # rows this tree adds at the end are no change
        found = [
            c
            for i, (a, b) in enumerate(zip(ours, theirs, strict=False))
            for c in json_changes(a, b, f"{where}[{i}]")
        ]
        return found + (
            [f"{where}: {len(theirs) - len(ours)} item(s) gone"] if len(ours) < len(theirs) else []
        )
    return [] if ours == theirs else [f"{where or '/'}: {str(ours)[:60]!r} vs {str(theirs)[:60]!r}"]


def step_table(sizes: list[int], backends: list[str], cluster, tmp: Path, baseline: str) -> None:
    base = baseline_tree(baseline, tmp) if baseline else None
    trees = {"this tree": ROOT, **({f"baseline {baseline}": base} if base else {})}
    for n in sizes:
        got: dict[str, dict[str, dict]] = {label: {} for label in trees}
        for k, backend in enumerate(backends):
            # this tree and the baseline alternate (which goes first alternates too), so both see the
            # shared machine's load alike
            order = list(trees.items()) if k % 2 == 0 else list(reversed(trees.items()))
            for label, tree in order:
                slug = f"{backend}{n}{'b' if tree is base else ''}"
                location = (
                    str(tmp / f"lite-{slug}") if backend == "sqlite" else cluster.create(f"scale_{slug}")
                )
                got[label][backend] = run_child(tree, backend, n, location, tmp / f"out-{slug}")
        ours = got["this tree"]
        linked = ", ".join(f"{ours[b]['duplicates']:,} linked as duplicates on {NAMES[b]}" for b in backends)
        print(f"\n{n:,} records ({linked})")
        for label, results in got.items():
            print(f"  {label}:")
            for backend in backends:
                r = results[backend]
                print(f"    {NAMES[backend]:10} store {r['store']:7.1f} s  relink {r['relink']:7.1f} s  render {r['render']:7.1f} s  "
                      f"peak RSS {r['peak_mb']:6.0f} MB (client side)")  # fmt: skip
        if len(backends) == 2:
            lite, pg = ours["sqlite"], ours["postgresql"]
            for step in ("store", "relink", "render"):
                ratio = pg[step] / lite[step]
                print(
                    f"  {step:7} PostgreSQL / SQLite {ratio:.2f}x (goal <= 2x: {'met' if ratio <= 2 else 'NOT met'})"
                )
        for backend in backends:
            peak = ours[backend]["peak_mb"]
            print(f"  {NAMES[backend]} peak {peak:.0f} MB" + (f" (goal <= {PEAK_GOAL_MB} MB at 1M: {'met' if peak <= PEAK_GOAL_MB else 'NOT met'})" if n >= 1_000_000 else ""))  # fmt: skip
            if base:
                theirs = got[f"baseline {baseline}"][backend]
                total = sum(ours[backend][s] for s in STEPS) / sum(theirs[s] for s in STEPS)
                count, differ = differing_outputs(
                    tmp / f"out-{backend}{n}", tmp / f"out-{backend}{n}b", ROOT, base
                )
                print(f"    against the baseline: peak {peak / theirs['peak_mb']:.2f}x, store + relink + render "
                      f"{total:.2f}x (goal <= {TIME_GOAL}x: {'met' if total <= TIME_GOAL else 'NOT met'}); outputs: "
                      + (f"all {count} files identical" if not differ else f"{len(differ)} of {count} DIFFER: {', '.join(differ)}"))  # fmt: skip
        if n >= 1_000_000:
            worst = max(ours[b]["render"] for b in backends)
            print(f"  1M render: {worst:.0f} s at most (goal < 300 s: {'met' if worst < 300 else 'NOT met'})")


def reviewer(
    name: str, base_url: str, count: int, think: float, seed: int
) -> tuple[list[float], list[tuple[str, str]]]:
    """One reviewer's session: sign in, then ``count`` decisions, each timed from the post to the
    next record's page; ``think`` is the mean pause before each decision (0: none)."""
    pace = random.Random(seed)
    times: list[float] = []
    acked: list[tuple[str, str]] = []
    with httpx.Client(base_url=base_url, follow_redirects=False, timeout=60) as c:
        token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text).group(1)
        c.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": token})
        page = c.get("/screen").text
        for k in range(count):
            if think:
                time.sleep(pace.uniform(0.5 * think, 1.5 * think))
            record_id = re.search(r'data-record-id="([^"]+)"', page).group(1)
            token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            start = time.perf_counter()
            answer = c.post("/decide", data={"csrf_token": token, "record_id": record_id, "stage": "title_abstract",
                                             "decision": "include" if k % 7 == 0 else "exclude"})  # fmt: skip
            assert answer.status_code == 303, answer.text[:300]
            page = c.get(answer.headers["location"]).text
            times.append(time.perf_counter() - start)
            acked.append((name, record_id))
    return times, acked


def reviewers(cluster, tmp: Path, count: int, decisions: int, servers: int, think: float) -> None:
    from litreview.store.copy import copy_workspace
    from litreview.store.workspace import Workspace
    from litreview.testing.workspaces import build_workspace, replicate
    from litreview.web.accounts import add_user

    label = f"{servers}-{'paced' if think else 'flat'}"
    base = list(load_records(DATA, "csv", source="medline"))
    build_workspace(tmp / f"web-lite-{label}", replicate(base, 20000), review_id="workbench_scale")
    names = [f"r{k:02d}" for k in range(count)]
    for name in names:
        add_user(tmp / f"web-lite-{label}", name, "reviewer", PASSWORD)
    url = cluster.create(f"workbench_scale_{label.replace('-', '_')}")
    copy_workspace(tmp / f"web-lite-{label}", url)
    with web_servers(url, tmp / "web-out", servers, "benchmark-only-shared-key") as bases:
        # each reviewer stays on one server, as a load balancer with session affinity sends them;
        # each in its own process, as each is on their own machine
        jobs = [(name, bases[k % servers], decisions // count, think, k) for k, name in enumerate(names)]
        started = time.perf_counter()
        with multiprocessing.get_context("fork").Pool(count) as pool:
            results = pool.starmap(reviewer, jobs)
        wall = time.perf_counter() - started
    times = [t for ts, _ in results for t in ts]
    acked = [a for _, ac in results for a in ac]
    with Workspace.reading(url) as ws:
        stored = [(d.reviewer, d.record_id) for d in ws.decisions() if d.origin == "human"]
    lost = len(set(acked) - set(stored)) + (len(stored) - len(set(stored)))
    ordered = sorted(times)
    p50, p95 = ordered[len(ordered) // 2] * 1000, ordered[int(0.95 * len(ordered))] * 1000
    how = (
        f"paced (a pause of {0.5 * think:g}-{1.5 * think:g} s before each decision)"
        if think
        else "flat out (no pause)"
    )
    print(
        f"\n{count} reviewers {how}, {len(times)} decisions through {servers} `litreview web` process(es) "
        f"on PostgreSQL (20,000 records): {len(times) / wall:.0f} decisions/s, p50 {p50:.0f} ms, p95 {p95:.0f} ms, lost {lost}"
    )
    goal = f"p95 < 100 ms: {'met' if p95 < 100 else 'NOT met'}; " if think else "(capacity, no latency goal) "
    print(f"  goals: {goal}0 lost: {'met' if lost == 0 else 'NOT met'}")


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5])
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--reviewers", type=int, default=20)
    parser.add_argument("--decisions", type=int, default=1000)
    parser.add_argument("--servers", default="1,2", help="server processes to try, e.g. 1,2")
    parser.add_argument("--think", type=float, default=1.0, help="a paced reviewer's mean pause (s)")
    parser.add_argument(
        "--backends", default="sqlite,postgresql", help="whose store/relink/render to measure"
    )
    parser.add_argument("--baseline", default="", help="a git revision whose store/relink/render is measured "
                        "in the same run, alternating with this tree's, and whose outputs are compared")  # fmt: skip
    args = parser.parse_args()
    from litreview.testing.postgres import PrivateCluster

    print(machine())
    print("PostgreSQL 15: a private cluster on this machine, fsync on; SQLite: WAL, synchronous=FULL")
    with PrivateCluster(durable=True) as cluster, tempfile.TemporaryDirectory() as tmp:
        for servers in (int(x) for x in args.servers.split(",") if x):  # "" skips the reviewers
            for think in (args.think, 0.0):
                reviewers(cluster, Path(tmp), args.reviewers, args.decisions, servers, think)
        if args.sizes:  # "" measures the reviewers only
            step_table([int(s) for s in args.sizes.split(",")], args.backends.split(","), cluster, Path(tmp),
                       args.baseline)  # fmt: skip


if __name__ == "__main__":
    main()
