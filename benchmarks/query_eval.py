"""Benchmark: local evaluation of the published EP-PD-NEC query (with its accepted repair) over
≥ 100,000 PubMed records, beside the time just to load those records, measured in the same run.

Records: the shipped real PubMed baseline sample (604 articles) plus the review's 23 reference
articles from its snapshot, replicated to the requested count with unique PMIDs.
Goals (issue 3): ≥ 50,000 records/s on one core, and evaluation < 25% of load time.

Worst cases (issue 20): the queries built to make an evaluator backtrack or recurse (eight
truncations in a word, a chain of seven NEAR/5 terms, a wildcard phrase, 400 OR'd terms, 400
levels of parentheses), each timed on a hostile record of N words and of 2N words beside the
normal query on the same records. Goal: linear time, i.e. doubling the text at most ~doubles the
time (≤ 2.5×), whatever the query.
Usage: python benchmarks/query_eval.py [--records 100000] [--worst-only]
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
    parser.add_argument("--worst-only", action="store_true")
    args = parser.parse_args()
    if not args.worst_only:
        published(args.records)
    worst_cases()


WORST = {
    # name: (query, the word the hostile text repeats, its last word: never quite a match)
    "eight truncations a*a*…b": ("a*a*a*a*a*a*a*a*b", "a" * 60, "ab"),
    "seven NEAR/5 terms": (" NEAR/5 ".join(["alpha"] * 6) + " NEAR/5 omega", "alpha", "beta omega"),
    "wildcard phrase": ('"a* a* a* a* a* b"', "aaaa", "bb"),
    "400 OR'd terms": (" OR ".join(f"term{i}x*[tiab]" for i in range(400)), "term7", "term"),
    "400 levels of ()": (
        "(" * 400 + "neuroendocrine NEAR/3 carcinoma*" + ")" * 400,
        "neuroendocrine",
        "x x x x carcinoma",
    ),
}


def worst_cases(words: int = 4000) -> None:
    from litreview.records import Citation

    normal = compile_query(
        parse(propose_repair((ROOT / "search_strings" / "ep_pd_nec" / "medline.txt").read_text()).text)
    )
    print(f"\nworst cases: hostile record of {words:,} and {2 * words:,} words, normal query beside")
    print(f"{'case':28} {'parse':>8} {'N words':>9} {'2N words':>9} {'2N/N':>6} {'normal 2N':>10}")
    failures = 0
    for name, (query, word, tail) in WORST.items():
        start = time.perf_counter()
        compiled = compile_query(parse(query))
        parse_seconds = time.perf_counter() - start
        timings = []
        for size in (words, 2 * words):
            record = Citation("r:1", "r", "1", title="x", abstract=" ".join([word] * size) + " " + tail)
            start = time.perf_counter()
            compiled.run([record])
            hostile = time.perf_counter() - start
            start = time.perf_counter()
            normal.run([record])
            timings.append((hostile, time.perf_counter() - start))
        growth = timings[1][0] / max(timings[0][0], 1e-6)
        ok = growth <= 2.5 or timings[1][0] < 0.005  # below 5 ms the ratio is timer noise
        failures += not ok
        print(
            f"{name:28} {parse_seconds:7.3f}s {timings[0][0]:8.4f}s {timings[1][0]:8.4f}s {growth:5.1f}× "
            f"{timings[1][1]:9.4f}s  {'met' if ok else 'NOT met'}"
        )
    print(f"linear-time goal: {'met' if not failures else f'NOT met in {failures} case(s)'}")


def published(count: int) -> None:
    text = (ROOT / "search_strings" / "ep_pd_nec" / "medline.txt").read_text()
    repair = propose_repair(text)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "replicated.xml"
        write_replicated_pubmed(path, count, [BASELINE, REVIEW_EFETCH])
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
