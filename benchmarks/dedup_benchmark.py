"""Benchmark: litreview dedup beside bib-dedupe and `asreview data dedup` on the labelled sets in
../shared/data/dedup/, each tool run as a whole process (wall time and peak RSS from wait4), all
scored with the convention of that folder's README; then litreview alone on 10k, 100k and 1M
records made by perturbing the real records.

bib-dedupe and ASReview are installed in the benchmark's own environment (default
benchmarks/.venv-dedup, created on first use with pip), never in litreview's.
Goals (issues 5 and 14), every set: FP = 0 and no wrong links; sensitivity >= bib-dedupe's; wall time
<= 1/5 of bib-dedupe's. Each set runs twice: as labelled, and with one made-up supplement DOI on every
block of 25 unique records (labels unchanged; see shared_doi_variant), where a DOI identifies nothing. Scaling: near-linear, 100k < 60 s, 1M < 15 min, < 4 GB.
Repeated (issue 20): the shipped 94-record Embase export repeated to 200,000 records (each record
about 2,100 times), beside the same export once: goal < 10 minutes and < 4 GB.
Usage: python benchmarks/dedup_benchmark.py [--sets haematology,...,tests/data/dedup_built]
       [--scale 10000,100000,1000000]
       [--repeated 200000] [--env DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, machine
from rapidfuzz import fuzz

SETS = ROOT.parent / "shared" / "data" / "dedup"


def set_folder(name: str) -> Path:
    """A labelled set: a name in the shared folder, or a path to one laid out alike
    (tests/data/dedup_built, fictional renderings built for this project)."""
    folder = Path(name) if "/" in name else SETS / name
    for needed in ("records.csv", "true_duplicate_clusters.csv"):
        if not (folder / needed).is_file():
            raise SystemExit(
                f"{folder / needed}: no such file (a labelled set holds records.csv and true_duplicate_clusters.csv)"
            )
    return folder


BIB_DEDUPE = r"""
import sys, pandas as pd
from bib_dedupe.bib_dedupe import prep, block, match
from bib_dedupe.cluster import get_connected_components
records = pd.read_csv(sys.argv[1])
matched = match(block(prep(records)))
with open(sys.argv[2], "w") as out:
    for group in get_connected_components(matched):
        out.write(";".join(sorted(group)) + "\n")
"""


def run(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(
            f"{' '.join(cmd[:3])}... failed: {proc.stderr.read().decode()[-800:] if proc.stderr else ''}"
        )
    return wall, usage.ru_maxrss / 1024


def ensure_env(env: Path) -> Path:
    python = env / "bin" / "python"
    if not python.exists():
        print(f"creating {env} with bib-dedupe and asreview (pip)...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
        # asreview-datatools 1.3+ uses Python 3.12-only f-strings in its dedup module; 1.2.x runs on 3.11.
        packages = ["bib-dedupe", "asreview", "asreview-datatools<1.3"]
        subprocess.run([str(python), "-m", "pip", "install", "-q", *packages], check=True)
    return python


def score(all_ids: list[str], removed: dict[str, str], truth: list[list[str]]) -> dict[str, float]:
    """FP/TP/FN by the README's convention; wrong links: removed records joined to another cluster."""
    cluster_of = {i: k for k, c in enumerate(truth) for i in c}
    fp = sum(1 for i in all_ids if i not in cluster_of and i in removed)
    tp = fn = 0
    for cluster in truth:
        kept = [i for i in cluster if i not in removed]
        tp += len(cluster) - len(kept)
        fn += max(len(kept) - 1, 0)
        fp += not kept
    wrong = sum(
        1
        for a, b in removed.items()
        if b and (cluster_of.get(a) is None or cluster_of.get(a) != cluster_of.get(b))
    )
    return {"FP": fp, "TP": tp, "FN": fn, "sensitivity": tp / (tp + fn) if tp + fn else 1.0, "wrong": wrong}


def removed_from_groups(groups: list[list[str]]) -> dict[str, str]:
    out = {}
    for group in groups:
        keep = sorted(group)[0]
        out.update({i: keep for i in group if i != keep})
    return out


def shared_doi_variant(name: str, tmp: Path, block: int = 25) -> Path:
    """The set with one made-up supplement DOI on each block of `block` unique records (by journal
    and year, as an abstract book would be), labels unchanged: a DOI that identifies no single item.
    Every link between those records is wrong; duplicates must still be found as before."""
    folder = set_folder(name)
    name = folder.name
    with open(folder / "true_duplicate_clusters.csv", encoding="utf-8") as handle:
        clustered = {i for r in csv.DictReader(handle) for i in r["merged_ids"].split(";")}
    with open(folder / "records.csv", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    if "doi" not in fields:
        fields.append("doi")
    unique = sorted(
        (r for r in rows if r["ID"] not in clustered), key=lambda r: (r["journal"], r["year"], r["ID"])
    )
    # An abstract book's abstracts have different titles: a record whose title is already in the
    # current block (a registry entry and its report, say) starts the next block.
    number, titles = 0, []
    for row in unique:
        key = row["title"].lower()
        if len(titles) == block or any(fuzz.ratio(key, other) >= 90 for other in titles):
            number, titles = number + 1, []
        row["doi"] = f"10.99999/supplement.{name}.{number}"
        titles.append(key)
    path = tmp / f"{name}-shared-doi" / "records.csv"
    path.parent.mkdir()
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return path


def one_set(name: str, python: Path, tmp: Path, records: Path | None = None) -> None:
    folder = set_folder(name)
    name = folder.name
    records = records or folder / "records.csv"
    with open(records, encoding="utf-8") as handle:
        all_ids = [r["ID"] for r in csv.DictReader(handle)]
    with open(folder / "true_duplicate_clusters.csv", encoding="utf-8") as handle:
        truth = [r["merged_ids"].split(";") for r in csv.DictReader(handle)]
    rows = []
    out = tmp / f"{records.parent.name}-litreview"
    wall, rss = run([sys.executable, "-m", "litreview.cli", "dedup", str(records), "--out", str(out)])
    with open(out / "duplicates.csv", encoding="utf-8") as handle:
        removed = {r["record_id"]: r["duplicate_of"] for r in csv.DictReader(handle) if r["duplicate_of"]}
    rows.append(("litreview", score(all_ids, removed, truth), wall, rss))
    groups_file = tmp / f"{records.parent.name}-bib.txt"
    wall, rss = run([str(python), "-c", BIB_DEDUPE, str(records), str(groups_file)])
    groups = [line.strip().split(";") for line in groups_file.read_text().splitlines() if line.strip()]
    rows.append(("bib-dedupe", score(all_ids, removed_from_groups(groups), truth), wall, rss))
    deduped = tmp / f"{records.parent.name}-asreview.csv"
    asreview = python.parent / "asreview"
    wall, rss = run([str(asreview), "data", "dedup", str(records), "-o", str(deduped)])
    with open(deduped, encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        key = next(c for c in (reader.fieldnames or []) if c.lower() in ("id", "record_id"))
        kept = {r[key] for r in reader}
    rows.append(("asreview", score(all_ids, {i: "" for i in all_ids if i not in kept}, truth), wall, rss))
    bib_time, bib_sens = rows[1][2], rows[1][1]["sensitivity"]
    print(f"\n{records.parent.name} ({len(all_ids)} records, {len(truth)} true clusters)")
    print(
        f"  {'tool':11} {'FP':>4} {'TP':>5} {'FN':>5} {'sens':>6} {'wrong':>6} {'wall s':>7} {'peak MB':>8}"
    )
    for tool, s, wall, rss in rows:
        print(f"  {tool:11} {s['FP']:4d} {s['TP']:5d} {s['FN']:5d} {s['sensitivity']:6.3f} {s['wrong'] if tool != 'asreview' else '-':>6} "
              f"{wall:7.2f} {rss:8.0f}")  # fmt: skip
    mine = rows[0]
    print(f"  goals: FP 0 {'met' if mine[1]['FP'] == 0 else 'MISSED'}; no wrong links {'met' if mine[1]['wrong'] == 0 else 'MISSED'}; "
          f"sensitivity >= bib-dedupe {'met' if mine[1]['sensitivity'] >= bib_sens else 'MISSED'}; "
          f"time {mine[2] / bib_time:.2f}x bib-dedupe's ({'met' if mine[2] <= bib_time / 5 else 'MISSED'}, goal <= 0.2x)")  # fmt: skip


def perturbed(n: int, path: Path, seed: int = 7) -> None:
    """n records from the real ones: distinct studies (title words swapped, other pages/years) and
    ~20% perturbed duplicates of them (typos, author formats, journal abbreviations, dropped fields)."""
    rng = random.Random(seed)
    base = []
    for name in ("haematology", "respiratory", "cytology_screening"):
        with open(SETS / name / "records.csv", encoding="utf-8") as handle:
            base += [r for r in csv.DictReader(handle) if r["title"]]
    vocabulary = sorted({w for r in base for w in r["title"].split() if len(w) > 4})
    fields = ["ID", "title", "year", "author", "pages", "volume", "number", "ENTRYTYPE", "journal"]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        made = 0
        while made < n:
            src = dict(rng.choice(base))
            words = src["title"].split()
            for _ in range(3):
                words[rng.randrange(len(words))] = rng.choice(vocabulary)
            src.update(ID=f"s{made:07d}", title=" ".join(words), year=str(rng.randint(1980, 2024)),
                       pages=f"{rng.randint(1, 3000)}-{rng.randint(3001, 3100)}", volume=str(rng.randint(1, 400)))  # fmt: skip
            writer.writerow(src)
            made += 1
            if made < n and rng.random() < 0.2:
                dup = dict(src, ID=f"s{made:07d}")
                chars = list(dup["title"])
                position = rng.randrange(len(chars))
                chars[position] = chars[position].swapcase() if rng.random() < 0.5 else ""
                dup["title"] = "".join(chars)
                dup["author"] = (
                    dup["author"].replace(".", "").upper() if rng.random() < 0.5 else dup["author"]
                )
                dup["journal"] = (
                    " ".join(w[:4] for w in dup["journal"].split()) if rng.random() < 0.5 else dup["journal"]
                )
                if rng.random() < 0.3:
                    dup["pages"] = ""
                writer.writerow(dup)
                made += 1


def repeated(n: int, tmp: Path) -> None:
    """One real export repeated until there are n records (unique ids): every comparison the
    rules make is made again for each copy unless identical records are grouped first."""
    export = ROOT / "search_strings" / "ep_pd_nec" / "snapshot" / "embase" / "embase_export.ris"
    once = tmp / "embase-once.jsonl"
    subprocess.run([sys.executable, "-m", "litreview.cli", "import", str(export), "--out", str(once)],
                   check=True, capture_output=True)  # fmt: skip
    lines = [json.loads(line) for line in once.read_text(encoding="utf-8").splitlines() if line.strip()]
    path = tmp / f"embase-repeated-{n}.jsonl"
    with open(path, "w", encoding="utf-8") as handle:
        for made in range(n):
            record = dict(lines[made % len(lines)])
            record["record_id"] += f"-copy{made // len(lines)}"
            record["native_id"] += f"-copy{made // len(lines)}"
            handle.write(json.dumps(record) + "\n")
    base_wall, base_rss = run(
        [sys.executable, "-m", "litreview.cli", "dedup", str(once), "--out", str(tmp / "once")]
    )
    wall, rss = run(
        [sys.executable, "-m", "litreview.cli", "dedup", str(path), "--out", str(tmp / "repeated")]
    )
    with open(tmp / "repeated" / "duplicates.csv", encoding="utf-8") as handle:
        linked = sum(1 for r in csv.DictReader(handle) if r["duplicate_of"])
    ok = wall < 600 and rss < 4096
    print(f"\nrepeated: the {len(lines)}-record Embase export once: {base_wall:.1f} s, {base_rss:.0f} MB; "
          f"repeated to {n:,} records: {wall:.1f} s, peak {rss:.0f} MB, {linked:,} linked as duplicates "
          f"(goal < 600 s and < 4096 MB: {'met' if ok else 'NOT met'})")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sets", default="haematology,respiratory,cytology_screening")
    parser.add_argument("--scale", default="10000,100000,1000000")
    parser.add_argument("--repeated", type=int, default=200_000)
    parser.add_argument("--env", type=Path, default=ROOT / "benchmarks" / ".venv-dedup")
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        if args.sets:
            for one in args.sets.split(","):  # a missing set is named before the tools are installed
                set_folder(one)
            python = ensure_env(args.env)
            for one in args.sets.split(","):
                one_set(one, python, tmp)
            for one in args.sets.split(","):  # issue 14: DOIs shared by distinct records
                one_set(one, python, tmp, shared_doi_variant(one, tmp))
        if args.repeated:
            repeated(args.repeated, tmp)
        previous = None
        for n in [int(x) for x in args.scale.split(",") if x]:
            path = tmp / f"perturbed-{n}.csv"
            perturbed(n, path)
            wall, rss = run(
                [sys.executable, "-m", "litreview.cli", "dedup", str(path), "--out", str(tmp / f"out-{n}")]
            )
            growth = (
                f", {wall / previous[1]:.1f}x the time for {n / previous[0]:.0f}x the records"
                if previous
                else ""
            )
            print(f"scale {n:>9,} records: {wall:8.1f} s, peak {rss:6.0f} MB{growth}")
            previous = (n, wall)


if __name__ == "__main__":
    main()
