"""Benchmark: importing ≥ 100,000 PubMed XML records and ≥ 100,000 RIS records, each in a fresh
process (records/s and peak RSS), beside a plain parse of the same file measured in the same run:
lxml iterparse for the XML, rispy's own parser for the RIS.

Inputs are the shipped real records replicated with unique ids: the PubMed baseline sample
(604 MEDLINE citations) and the review's 94-record Embase-style RIS export.
Each pair is timed in alternating rounds (ours, plain, ours, plain, ...) and the best round of each
is kept, as timeit does: a shared VM's noise only ever adds time, and both sides get the same
treatment. Every round is printed.
Goals (issue 4): ≥ 10,000 records/s per format on one core, within 2× of the plain parse,
under 300 MB peak.  Usage: python benchmarks/import_speed.py [--records 100000] [--rounds 3] [--only xml|ris]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import BASELINE, ROOT, machine, write_replicated_pubmed

RIS = ROOT / "search_strings" / "ep_pd_nec" / "snapshot" / "embase" / "embase_export.ris"

CHILD = r"""
import json, resource, sys, time
kind, path = sys.argv[1], sys.argv[2]
# imports first: the clock measures reading the file, not loading Python modules
from lxml import etree
import rispy
from litreview.sources.pubmed_xml import load_pubmed_xml
from litreview.sources.ris import load_ris
start = time.perf_counter()
if kind == "litreview-xml":
    n = sum(1 for _ in load_pubmed_xml(path))
elif kind == "litreview-ris":
    n = sum(1 for _ in load_ris(path, source="embase"))
elif kind == "plain-iterparse":
    n = 0
    for _, element in etree.iterparse(path, events=("end",), tag="PubmedArticle"):
        n += 1
        element.clear(keep_tail=False)
        while element.getprevious() is not None:
            del element.getparent()[0]
elif kind == "plain-rispy":
    with open(path, encoding="utf-8") as handle:
        n = sum(1 for _ in rispy.load(handle))
seconds = time.perf_counter() - start
print(json.dumps({"n": n, "seconds": seconds, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(kind: str, path: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(path)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def write_replicated_ris(target: Path, n: int) -> None:
    records = RIS.read_text(encoding="utf-8").split("ER  - ")
    records = [r.strip("\n") for r in records if r.strip()]
    with open(target, "w", encoding="utf-8") as out:
        for i in range(n):
            body = records[i % len(records)]
            # a distinct accession number per copy, so every record keeps its own id
            body = "\n".join(line for line in body.splitlines() if not line.startswith("AN  - "))
            out.write(f"{body}\nAN  - BENCH{i:07d}\nER  - \n\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", choices=["xml", "ris"], help="measure one format")
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        xml, ris = Path(tmp) / "pubmed.xml", Path(tmp) / "embase.ris"
        rows = []
        if args.only != "ris":
            write_replicated_pubmed(xml, args.records, [BASELINE])
            rows.append(("PubMed XML", xml, "litreview-xml", "plain-iterparse"))
        if args.only != "xml":
            write_replicated_ris(ris, args.records)
            rows.append(("RIS", ris, "litreview-ris", "plain-rispy"))
        for label, path, ours, plain in rows:
            size = path.stat().st_size / 1e6
            rounds = [(measure(ours, path), measure(plain, path)) for _ in range(args.rounds)]
            mine = min((r[0] for r in rounds), key=lambda m: m["seconds"])
            base = min((r[1] for r in rounds), key=lambda m: m["seconds"])
            rate, base_rate = mine["n"] / mine["seconds"], base["n"] / base["seconds"]
            print(f"{label:10} {mine['n']:,} records, {size:,.0f} MB file")
            print(f"  litreview import : {mine['seconds']:6.2f} s {rate:9,.0f} records/s  peak {mine['rss_mb']:4.0f} MB"
                  f"   (goals ≥ 10,000/s, < 300 MB)")  # fmt: skip
            print(
                f"  {plain:17}: {base['seconds']:6.2f} s {base_rate:9,.0f} records/s  peak {base['rss_mb']:4.0f} MB"
            )
            ratio = mine["seconds"] / base["seconds"]
            print(f"  ratio            : {ratio:.2f}× the plain parse (goal ≤ 2×)")
            met = {
                "≥ 10,000 records/s": rate >= 10_000,
                "≤ 2× plain": ratio <= 2,
                "< 300 MB": mine["rss_mb"] < 300,
            }
            print(
                "  goals            : "
                + ", ".join(f"{g} {'met' if ok else 'NOT met'}" for g, ok in met.items())
            )
            each = ", ".join(f"{a['seconds']:.2f}/{b['seconds']:.2f}" for a, b in rounds)
            print(f"  rounds (ours/plain s): {each}")


if __name__ == "__main__":
    main()
