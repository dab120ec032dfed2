"""Benchmark: HTTP requests and wall time to fetch 25,000 PubMed records from the loopback server
under NCBI's rate limit (10 requests/s with an API key; --no-key for 3/s), with faults injected.

Expected minimum: one esearch for the whole window (it reports 25,000 > the 10,000-id cap), one
esearch per date slice, and ⌈25,000 / 500⌉ = 50 efetch calls. After an injected failure only the
failed request is repeated; after an interrupted fetch, the resumed run fetches no finished batch again.
Usage: python benchmarks/fetch_efficiency.py [--records 25000] [--no-key]
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

from _common import BASELINE, machine

from litreview.config import Settings
from litreview.errors import SourceError
from litreview.sources import pubmed
from litreview.sources.http import CheckpointTransport, LiveTransport, RateLimiter
from litreview.testing.loopback import Corpus, Fault, LoopbackServer, read_articles, replicate


def transport(server: LoopbackServer, key: bool, tries: int = 5) -> LiveTransport:
    settings = Settings(ncbi_api_key="bench-key" if key else "", eutils_url=server.eutils_url,
                        ctgov_url=server.ctgov_url, http_tries=tries, http_backoff=0.2)  # fmt: skip
    rate = 10.0 if key else 3.0  # NCBI's limits; a fresh limiter per scenario
    return LiveTransport(settings, limiters={"pubmed": RateLimiter(rate), "ctgov": RateLimiter(rate)})


def run(server, label, source, n):
    before = len(server.log)
    start = time.perf_counter()
    found = pubmed.search(source, "nec", mindate="2000/01/01", maxdate="2022/07/18")
    elapsed = time.perf_counter() - start
    log = server.log[before:]
    esearch = sum(1 for _, ep, _ in log if ep == "esearch.fcgi")
    efetch = [p["id"] for _, ep, p in log if ep == "efetch.fcgi"]
    repeated = sum(c - 1 for c in Counter(efetch).values() if c > 1)
    print(f"{label}: {len(found.citations):,} records in {elapsed:5.1f} s; HTTP requests {len(log)} "
          f"= esearch {esearch} ({len(found.slices)} date slices) + efetch {len(efetch)}; "
          f"efetch requests repeated: {repeated}")  # fmt: skip
    assert len(found.citations) == n
    return found, efetch


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=25_000)
    parser.add_argument("--no-key", action="store_true")
    args = parser.parse_args()
    n, key = args.records, not args.no_key
    corpus = Corpus(
        articles=replicate(read_articles(BASELINE), n, start=date(2000, 1, 1), end=date(2022, 7, 18))
    )
    print(machine())
    print(
        f"{n:,} records; rate limit {10 if key else 3} requests/s; minimum efetch calls ⌈{n}/500⌉ = {math.ceil(n / 500)}"
    )
    with LoopbackServer(corpus) as server:
        run(server, "clean run          ", transport(server, key), n)
        server.inject(Fault("efetch.fcgi", "ok"), Fault("efetch.fcgi", "503"),
                      Fault("efetch.fcgi", "ok"), Fault("efetch.fcgi", "reset"))  # fmt: skip
        run(server, "503 + reset faults ", transport(server, key), n)
        with tempfile.TemporaryDirectory() as tmp:
            checkpoint = Path(tmp)
            first = CheckpointTransport(
                transport(server, key, tries=1), checkpoint, lambda r: r.endpoint == "efetch.fcgi"
            )
            server.inject(*[Fault("efetch.fcgi", "ok") for _ in range(20)], Fault("efetch.fcgi", "503"))
            before = len(server.log)
            try:
                pubmed.search(first, "nec", mindate="2000/01/01", maxdate="2022/07/18")
            except SourceError as exc:
                stopped = str(exc)
            else:
                raise SystemExit("the injected failure should have stopped the first run")
            done = [p["id"] for _, ep, p in server.log[before:] if ep == "efetch.fcgi"][:20]
            print(
                f"interrupted run    : stopped after {len(done)} finished batches (injected 503, no retries): {stopped[:70]}…"
            )
            resumed = CheckpointTransport(
                transport(server, key), checkpoint, lambda r: r.endpoint == "efetch.fcgi"
            )
            _, efetch = run(server, "resumed run        ", resumed, n)
            again = len(set(done) & set(efetch))
            print(
                f"resumed run reused {resumed.reused} batches from its checkpoint; finished batches fetched again: {again}"
            )


if __name__ == "__main__":
    main()
