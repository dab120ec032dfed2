"""A run streams the stored records through linking, screening and rendering: what it holds grows
with the number of records by a compact entry each (ids, links, decisions), never by each record's
text, so a million records fit in a few GB. Measured with tracemalloc on both backends: doubling
the records doubles their text, and the run's peak must grow by a small part of that."""

from __future__ import annotations

import random
import tracemalloc
from pathlib import Path

import pytest

from litreview.config import load_protocol
from litreview.pipeline.collect import SourceBatch
from litreview.pipeline.render import store_and_render
from litreview.records import Citation
from litreview.store.workspace import Workspace

REVIEW = Path(__file__).resolve().parents[2] / "search_strings" / "cohen_estrogens"
TEXT = 32_000  # characters of abstract per record: what a record holds beyond its compact entries
# at least a page of records (1,000) in each run, so that the pages read at once are alike in both
SMALL, LARGE = 1000, 2000
_made = iter(range(10**6))


def citations(n: int) -> list[Citation]:
    rng = random.Random(n)
    words = [f"{a}{b}{c}" for a in "bcdfgklmnprst" for b in "aeiou" for c in ("lin", "tor", "ma", "sen")]
    filler = " ".join(rng.choices(words, k=TEXT // 7))[:TEXT]
    return [
        Citation(f"medline:{k}", "medline", str(k), title=" ".join(rng.choices(words, k=9)),
                 abstract=f"Record {k}. {filler}", year=rng.randint(1980, 2024), pages=f"{k}-{k + 9}")
        for k in range(1, n + 1)
    ]  # fmt: skip


def peak_of_run(backend: str, tmp_path: Path, n: int, request: pytest.FixtureRequest) -> int:
    """The most memory a run of ``n`` new records took (store, link, screen, render), in bytes."""
    protocol = load_protocol(REVIEW)
    batch = SourceBatch("medline", "file", "databases", records=citations(n))
    folder = tmp_path / f"run{n}"
    cluster = request.getfixturevalue("cluster") if backend == "postgresql" else None
    url = cluster.create(f"memory{next(_made)}") if cluster else None
    workspace = Workspace(folder, protocol.review_id, url).open()
    try:
        workspace.lock()
        tracemalloc.start()
        result = store_and_render(workspace, protocol, "r1", [batch], mode="replay", flow_run_id=None,
                                  started="2026-01-01T00:00:00Z")  # fmt: skip
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        workspace.close()
    assert result.counts == {"medline": n}
    assert len((folder / "records.csv").read_bytes().splitlines()) == n + 1
    return peak


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_run_holds_compact_entries_not_every_record(backend, tmp_path, request):
    small = peak_of_run(backend, tmp_path, SMALL, request)
    large = peak_of_run(backend, tmp_path, LARGE, request)
    added_text = (LARGE - SMALL) * TEXT
    # holding the records (as the run did, twice over) grows by more than all their text
    assert large - small < added_text / 4, (
        f"{backend}: peak {small / 1e6:.0f} MB for {SMALL} records, {large / 1e6:.0f} MB for {LARGE}: "
        f"grew {(large - small) / 1e6:.0f} MB for {added_text / 1e6:.0f} MB more record text"
    )
