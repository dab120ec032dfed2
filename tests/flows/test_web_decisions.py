"""Web and CLI are interchangeable: decisions made in the workbench count in the next run exactly
as the same decisions imported from a screening sheet do."""

from __future__ import annotations

import csv
import json
import shutil

from litreview.pipeline.tasks import review_flow
from litreview.screen.commands import import_decisions
from litreview.web.workbench import Workbench


def awaiting(workspace) -> list[str]:
    """Database records no reviewer has voted on (the paper's references, published inclusions)."""
    rows = csv.DictReader((workspace / "screening.csv").read_text(encoding="utf-8").splitlines())
    return [
        r["record_id"]
        for r in rows
        if r["stage"] == "title_abstract"
        and not r["record_id"].startswith("ctgov:")
        and not r["decided_by"].startswith("reviewer")
    ]


def test_a_rerun_counts_web_decisions_like_imported_ones(review_copy, tmp_path):
    web, sheet = tmp_path / "web", tmp_path / "sheet"
    first = review_flow(review_dir=str(review_copy), workspace=str(web), mode="replay", run_id="r1")
    shutil.copytree(web, sheet)
    targets = awaiting(web)[:3]
    assert len(targets) == 3
    choices = [("ana", targets[0], "exclude"), ("ana", targets[1], "include"), ("ana", targets[2], "exclude")]
    bench = Workbench(web, review_copy)
    for reviewer, record_id, decision in choices:
        bench.decide(reviewer, record_id, "title_abstract", decision)
    bench.close()
    filled = tmp_path / "ana.csv"
    with filled.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_id", "stage", "decision", "reason", "reviewer"])
        writer.writerows([[r, "title_abstract", d, "", who] for who, r, d in choices])
    import_decisions(filled, sheet, accept_suggestions=True)
    by_web = review_flow(review_dir=str(review_copy), workspace=str(web), mode="replay", run_id="r2").prisma
    by_sheet = review_flow(
        review_dir=str(review_copy), workspace=str(sheet), mode="replay", run_id="r2"
    ).prisma
    dbr, before = by_web["databases_and_registers"], first.prisma["databases_and_registers"]
    assert dbr["records_excluded"] == before["records_excluded"] + 2  # reviewers' votes over published ones
    assert dbr["reports_sought"] == before["reports_sought"] - 2
    strip = lambda flow: json.dumps({k: v for k, v in flow.items() if k != "run_id"}, sort_keys=True)  # noqa: E731
    assert strip(by_web) == strip(by_sheet)
