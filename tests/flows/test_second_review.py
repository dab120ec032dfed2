"""Any review, not just EP-PD-NEC: the database-only Cohen 2006 estrogens review shipped in
search_strings/, run end to end from its folder alone, and a folder made by `litreview new`."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from tests.unit.test_cli import run_cli

from litreview.pipeline.tasks import review_flow

ROOT = Path(__file__).resolve().parents[2]
COHEN = ROOT / "search_strings" / "cohen_estrogens"


def test_the_cohen_estrogens_review_runs_from_its_folder_and_reproduces_its_decisions(tmp_path):
    result = review_flow(review_dir=str(COHEN), workspace=str(tmp_path / "ws"), mode="replay", run_id="r1")
    rows = list(csv.DictReader((COHEN / "records.csv").read_text(encoding="utf-8").splitlines()))
    screened_in = sum(r["label_abstract_screening"] == "1" for r in rows)
    included = sum(r["label_included"] == "1" for r in rows)
    flow = result.prisma
    dbr = flow["databases_and_registers"]
    assert flow["identification"]["databases"]["by_source"] == {"medline": len(rows)}
    assert flow["identification"]["registers"]["total"] == 0 and flow["other_methods"]["reports_sought"] == 0
    # every record decided by the published reviewers, matched by PMID: nothing awaits, nothing automated
    assert dbr["records_awaiting_screening"] == 0 and dbr["reports_awaiting_assessment"] == 0
    assert dbr["removed_before_screening"]["automation"] == 0
    unlinked = flow["records_after_duplicates_removed"]
    assert dbr["records_screened"] == unlinked and dbr["reports_sought"] <= screened_in
    assert flow["new_studies"] == included - (len(rows) - unlinked)  # a linked duplicate is not a study twice
    assert [r for r in flow["reported_vs_reproduced"] if r["reported"] != r["reproduced"]] == []
    prisma2020 = {
        r["data"]: r["n"]
        for r in csv.DictReader((tmp_path / "ws" / "prisma2020.csv").read_text().splitlines())
    }
    assert int(prisma2020["new_studies"]) == flow["new_studies"]
    log = json.loads((tmp_path / "ws" / "search_log.json").read_text())
    assert "{'" not in json.dumps(log)


def test_litreview_new_makes_a_folder_that_runs_once_its_export_is_in(monkeypatch, capsys, tmp_path):
    folder = tmp_path / "my review"
    code, out = run_cli(monkeypatch, capsys, "new", str(folder), "--title", 'A "quoted" title')
    assert code == 0 and "records.ris" in out.err
    text = (folder / "review.toml").read_text()
    assert 'id = "my_review"' in text and text.count("\n#") > 10  # commented for a newcomer
    code, out = run_cli(monkeypatch, capsys, "run", str(folder), "--workspace", str(tmp_path / "ws"))
    assert code == 2 and "records.ris" in out.err  # the export is missing: one line names it
    shutil.copy(ROOT / "search_strings/ep_pd_nec/snapshot/embase/embase_export.ris", folder / "records.ris")
    code, out = run_cli(monkeypatch, capsys, "run", str(folder), "--workspace", str(tmp_path / "ws"))
    assert code == 0, out.err
    flow = json.loads((tmp_path / "ws" / "prisma.json").read_text())
    assert flow["identification"]["databases"]["by_source"] == {"embase": 94}
    code, out = run_cli(monkeypatch, capsys, "new", str(folder))
    assert code == 2 and "not empty" in out.err
