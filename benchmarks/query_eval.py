"""Benchmark: local evaluation of the published EP-PD-NEC query (with its accepted repair) over
≥ 100,000 PubMed records, beside the time just to load those records, measured in the same run.

Records: the shipped real PubMed baseline sample (604 articles) plus the review's 23 reference
articles from its snapshot, replicated to the requested count with unique PMIDs.
Goals (issue 3): ≥ 50,000 records/s on one core, and evaluation < 25% of load time.
Usage: python benchmarks/query_eval.py [--records 100000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _common import BASELINE, REVIEW_EFETCH, ROOT, machine, write_replicated_pubmed

from litreview.query.evaluate import compile_query
from litreview.query.parser import parse
from litreview.query.repair import propose_repair
from litreview.sources.pubmed_xml import load_pubmed_xml


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    args = parser.parse_args()
    text = (ROOT / "search_strings" / "ep_pd_nec" / "medline.txt").read_text()
    repair = propose_repair(text)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "replicated.xml"
        write_replicated_pubmed(path, args.records, [BASELINE, REVIEW_EFETCH])
        start = time.perf_counter()
        records = list(load_pubmed_xml(path))
        load = time.perf_counter() - start
    start = time.perf_counter()
    query = compile_query(parse(repair.text))
    matched = query.run(records)
    evaluate = time.perf_counter() - start
    n = len(records)
    print(machine())
    print(f"query: {ROOT.name}/search_strings/ep_pd_nec/medline.txt, repair {repair.describe()}")
    print(
        f"records: {n:,} ({len(set(r.record_id for r in records)):,} distinct ids), matched {len(matched):,}"
    )
    print(f"load (PubMed XML parse) : {load:7.2f} s  {n / load:10,.0f} records/s")
    print(f"evaluate (one core)     : {evaluate:7.2f} s  {n / evaluate:10,.0f} records/s   (goal ≥ 50,000)")
    print(f"evaluation / load       : {evaluate / load:7.1%}                       (goal < 25%)")


if __name__ == "__main__":
    main()
