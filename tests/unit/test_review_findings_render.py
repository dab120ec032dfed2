"""Defects found in a review of 74fc258..HEAD in the run's single pass over the records (each test
fails while its defect stands)."""

from __future__ import annotations

import shutil
import tracemalloc
from pathlib import Path

from litreview.config import load_protocol
from litreview.pipeline.collect import SourceBatch
from litreview.pipeline.render import store_and_render
from litreview.store.workspace import Workspace

from .test_run_memory import LARGE, SMALL, TEXT, citations

ROOT = Path(__file__).resolve().parents[2] / "search_strings"


def review_with_tables(folder: Path) -> Path:
    """cohen_estrogens with [tables] extraction (ep_pd_nec's extraction.toml): a review that has tables."""
    shutil.copytree(ROOT / "cohen_estrogens", folder)
    for name in ("extraction.toml", "drug_lexicon.toml"):
        shutil.copy(ROOT / "ep_pd_nec" / name, folder / name)
    toml = folder / "review.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace("[criteria]", '[tables]\nextraction = "extraction.toml"\n\n[criteria]', 1),
                    encoding="utf-8")  # fmt: skip
    return folder


def peak(tmp_path: Path, n: int) -> int:
    protocol = load_protocol(review_with_tables(tmp_path / f"review{n}"))
    assert protocol.tables.get("extraction")
    workspace = Workspace(tmp_path / f"run{n}", protocol.review_id).open()
    try:
        workspace.lock()
        tracemalloc.start()
        store_and_render(workspace, protocol, "r1", [SourceBatch("medline", "file", "databases", records=citations(n))],
                         mode="replay", flow_run_id=None, started="2026-01-01T00:00:00Z")  # fmt: skip
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        workspace.close()


def test_a_run_of_a_review_with_tables_does_not_hold_every_record(tmp_path):
    """render's docstring: 'a run never holds every record at once'. With [tables] extraction the
    TabledRecords taker keeps every non-duplicate citation and every trial it is shown (the trials are
    narrowed to the included ones only at the end), so the run holds every record's text."""
    small, large = peak(tmp_path, SMALL), peak(tmp_path, LARGE)
    added_text = (LARGE - SMALL) * TEXT
    assert large - small < added_text / 4, (
        f"peak {small / 1e6:.0f} MB for {SMALL} records, {large / 1e6:.0f} MB for {LARGE}: grew "
        f"{(large - small) / 1e6:.0f} MB for {added_text / 1e6:.0f} MB more record text"
    )
