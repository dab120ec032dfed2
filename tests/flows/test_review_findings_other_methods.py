"""Defects found in a review of 74fc258..HEAD around records found by other methods (each test
fails while its defect stands)."""

from __future__ import annotations

from litreview.pipeline.tasks import review_flow
from litreview.web.workbench import Workbench

from .test_other_methods import make_review


def test_the_dashboards_prisma_identification_matches_the_runs_prisma_json(tmp_path):
    """The run counts medline:2 as identified by both sources (and removes the second find as a
    duplicate in the other-methods column); the lead's live dashboard counts it from
    Workspace.identified(), where the run stored it under one source only, so the two diagrams of the
    same workspace disagree on identification and duplicates removed."""
    review, ws = make_review(tmp_path / "review"), tmp_path / "ws"
    prisma = review_flow(review_dir=str(review), workspace=str(ws), mode="replay", run_id="r1").prisma
    bench = Workbench(ws, review)
    try:
        flow = bench.dashboard()["flow"]
    finally:
        bench.close()
    for key in (
        "identification",
        "identified_total",
        "duplicates_removed",
        "records_after_duplicates_removed",
    ):
        assert flow[key] == prisma[key], key
