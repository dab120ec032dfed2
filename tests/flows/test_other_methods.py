"""PRISMA 2020's other methods end to end: a record found only by citation searching has no
title/abstract stage; it is offered at full text (workbench, screen export and status, the fetch)
and its full-text decision counts in prisma.json and screening.csv. A record a database found too
goes through title/abstract like any other."""

from __future__ import annotations

import csv
import json

from starlette.testclient import TestClient

import litreview
from litreview.pipeline.fulltexts import to_retrieve
from litreview.pipeline.tasks import review_flow
from litreview.screen.commands import export_decisions, stage_summary, to_screen
from litreview.store.workspace import Workspace
from litreview.web.accounts import add_user
from litreview.web.app import create_app
from litreview.web.workbench import Workbench

TA, FT = "title_abstract", "full_text"
PASSWORD = "correct horse 1"
REVIEW = """
[review]
id = "other_methods_demo"
title = "Citation searching beside a database (demonstration)"

[[sources]]
name = "citations"
kind = "file"
label = "Citation searching"
file = "citations.jsonl"
format = "jsonl"
group = "other"

[[sources]]
name = "medline"
kind = "file"
label = "MEDLINE"
file = "medline.jsonl"
format = "jsonl"
group = "databases"

[criteria]
include = ["Platinum chemotherapy in neuroendocrine carcinoma"]
exclude = ["Wrong population", "Wrong design"]
"""


def record(record_id: str, title: str, source: str = "") -> str:
    prefix, native = record_id.split(":")
    source = source or prefix
    return json.dumps({"kind": "citation", "record_id": record_id, "source": source, "native_id": native,
                       "title": title, "abstract": f"{title}: an abstract.", "year": 2020})  # fmt: skip


def make_review(folder):
    folder.mkdir()
    (folder / "review.toml").write_text(REVIEW)
    # medline:2 is found by the database and by citation searching (the same record, listed first);
    # medline:1 by the database alone, citations:9 by citation searching alone (its record names
    # another source: the run counts it for the source that found it)
    (folder / "medline.jsonl").write_text(
        record("medline:1", "Etoposide and cisplatin in gastric NEC")
        + "\n"
        + record("medline:2", "Carboplatin in pancreatic NEC")
        + "\n"
    )
    (folder / "citations.jsonl").write_text(
        record("medline:2", "Carboplatin in pancreatic NEC")
        + "\n"
        + record("citations:9", "Cisplatin in colorectal NEC: a case series", source="snowballing")
        + "\n"
    )
    return folder


def signed_in(app, name):
    from tests.web.conftest import csrf_of

    c = TestClient(app, base_url="http://127.0.0.1", follow_redirects=False)
    token = csrf_of(c.get("/login").text)
    answer = c.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": token})
    assert answer.status_code == 303
    return c


def decide(c, record_id, stage, decision, reason=""):
    from tests.web.conftest import csrf_of

    token = csrf_of(c.get("/screen").text)
    return c.post("/decide", data={"record_id": record_id, "stage": stage, "decision": decision,
                                   "reason": reason, "csrf_token": token})  # fmt: skip


def test_a_record_found_only_by_citation_searching_is_screened_at_full_text_and_counts(tmp_path):
    review, ws = make_review(tmp_path / "review"), tmp_path / "ws"
    first = review_flow(review_dir=str(review), workspace=str(ws), mode="replay", run_id="r1").prisma
    assert first["other_methods"]["reports_sought"] == 1
    assert first["databases_and_registers"]["records_screened"] == 2
    add_user(ws, "ana", "reviewer", PASSWORD)
    bench = Workbench(ws, review)
    try:
        app = create_app(bench, rank=False)
        ana = signed_in(app, "ana")
        # offered at full text, not at title/abstract; the record found by the database too is the other way round
        bench.look()  # the web app looks once per request; between requests the test looks
        assert bench.queue(TA) == ["medline:1", "medline:2"] and bench.queue(FT) == ["citations:9"]
        assert bench.next_record("ana", FT) == "citations:9"
        assert "citations:9" in ana.get(f"/screen?stage={FT}").text
        refused = decide(ana, "citations:9", TA, "include")
        assert refused.status_code == 400 and "found only by other methods" in refused.text
        refused = decide(ana, "medline:2", FT, "include")
        assert refused.status_code == 400 and "not passed" in refused.text
        assert decide(ana, "medline:2", TA, "include").status_code == 303
        assert decide(ana, "citations:9", FT, "include").status_code == 303
        bench.look()
        assert bench.queue(FT) == ["citations:9", "medline:2"]
    finally:
        bench.close()
    with Workspace.existing(ws) as store:
        assert [r.record_id for r in to_screen(store, TA)] == ["medline:1", "medline:2"]
        assert [r.record_id for r in to_screen(store, FT)] == ["citations:9", "medline:2"]
        # the fetch seeks both: the one that passed title/abstract, the one that entered at full text
        assert [r.record_id for r in to_retrieve(store)] == ["citations:9", "medline:2"]
    assert stage_summary(ws, FT)["final"] == 1 and stage_summary(ws, FT)["unscreened"] == 1
    export_decisions(ws, tmp_path / "ft.csv", stage=FT)
    exported = list(csv.DictReader((tmp_path / "ft.csv").read_text(encoding="utf-8").splitlines()))
    assert sorted(r["record_id"] for r in exported) == ["citations:9", "medline:2"]
    second = review_flow(review_dir=str(review), workspace=str(ws), mode="replay", run_id="r2").prisma
    other, dbr = second["other_methods"], second["databases_and_registers"]
    assert other["new_studies"] == 1 and other["reports_awaiting_assessment"] == 0
    assert dbr["reports_sought"] == 1 and dbr["records_awaiting_screening"] == 1
    assert second["included_by_group"] == {"other": 1}
    rows = list(csv.DictReader((ws / "screening.csv").read_text(encoding="utf-8").splitlines()))
    mine = [(r["stage"], r["decision"], r["decided_by"]) for r in rows if r["record_id"] == "citations:9"]
    assert mine == [(FT, "include", "reviewer ana")]  # no title/abstract stage, the full-text decision counts
    both = {r["stage"]: r["decision"] for r in rows if r["record_id"] == "medline:2"}
    assert both == {TA: "include"}
    frame = litreview.Workspace(ws).screening()  # the notebook's view says the same
    assert frame[frame.record_id == "citations:9"][["stage", "decision"]].values.tolist() == [[FT, "include"]]


def test_the_dashboards_prisma_identification_matches_the_runs_prisma_json(tmp_path):
    """The run counts medline:2 as identified by both sources (the second find a duplicate); the
    lead's live dashboard counts from Workspace.identified(), which must hold both finds too (it
    kept one source a record per run, and the two diagrams disagreed)."""
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
