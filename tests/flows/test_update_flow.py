"""Living-review updates over the loopback server: only the new window, decisions kept, changes
reported, PRISMA as an updated review; a kill -9 mid-update; the update flow as a deployment."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from tests.live.conftest import API_KEY, corpus

from litreview.pipeline.tasks import review_flow, update_flow
from litreview.screen.commands import export_decisions, import_decisions
from litreview.testing.loopback import Fault, LoopbackServer

AS_OF_A = "2021/12/31"


def protocol_as_of_a(review_copy: Path) -> Path:
    toml = review_copy / "review.toml"
    text = toml.read_text().replace('maxdate = "2022/07/18"', f'maxdate = "{AS_OF_A}"')
    toml.write_text(text.replace('maxdate = "2022-08-02"', 'maxdate = "2021-12-31"'))
    return review_copy


@pytest.fixture
def server(monkeypatch):
    with LoopbackServer(corpus(200)) as running:
        for key, value in {"LITREVIEW_EUTILS_URL": running.eutils_url, "LITREVIEW_CTGOV_URL": running.ctgov_url,
                           "LITREVIEW_NCBI_API_KEY": API_KEY, "LITREVIEW_HTTP_BACKOFF": "0"}.items():  # fmt: skip
            monkeypatch.setenv(key, value)
        yield running


def human_decisions(workspace: Path, tmp_path: Path) -> list[tuple]:
    sheet = tmp_path / "sheet.csv"
    export_decisions(workspace, sheet)
    rows = list(csv.DictReader(sheet.read_text().splitlines()))
    waiting = [r for r in rows if r["suggestion"] == "maybe" and not r["record_id"].startswith("ctgov:")][
        :3
    ]  # reviewers decide what rules left open
    for row, decision in zip(waiting, ("include", "exclude", "maybe"), strict=True):
        row.update(decision=decision, reason="checked by hand", reviewer="ana")
    with open(sheet, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    import_decisions(sheet, workspace)
    return human_rows(workspace)


def human_rows(workspace: Path) -> list[tuple]:
    conn = sqlite3.connect(workspace / "workspace.sqlite")
    rows = sorted(conn.execute("SELECT record_id, stage, reviewer, decision, reason, decided_at FROM decisions "
                               "WHERE origin='human'"))  # fmt: skip
    conn.close()
    return rows


def change_the_world(server: LoopbackServer) -> str:
    """Seven new PubMed records, and one trial whose status and enrolment change."""
    server.add_records(7)
    study = server.corpus.studies[1]
    protocol = study["protocolSection"]
    protocol["statusModule"]["overallStatus"] = "TERMINATED"
    protocol["statusModule"]["lastUpdatePostDateStruct"] = {"date": "2022-03-01"}
    protocol.setdefault("designModule", {})["enrollmentInfo"] = {"count": 999, "type": "ACTUAL"}
    return protocol["identificationModule"]["nctId"]


def state(workspace: Path) -> dict:
    conn = sqlite3.connect(workspace / "workspace.sqlite")
    out = {
        "records": sorted(conn.execute("SELECT record_id, content_hash FROM records")),
        "links": sorted(conn.execute("SELECT record_id, linked_to, link_type, rule FROM links")),
        "decisions": sorted(conn.execute("SELECT record_id, stage, origin, reviewer, decision, reason FROM decisions")),
        "runs": sorted(r[0] for r in conn.execute("SELECT run_id FROM runs WHERE status='finished'")),
    }  # fmt: skip
    conn.close()
    prisma = json.loads((workspace / "prisma.json").read_text())
    out["prisma"] = {k: v for k, v in prisma.items() if k != "run_id"}
    out["changes"] = json.loads((workspace / "changes.json").read_text())
    return out


def test_update_fetches_only_the_new_window_and_keeps_decisions(server, review_copy, tmp_path):
    review = protocol_as_of_a(review_copy)
    workspace = tmp_path / "ws"
    first = review_flow(review_dir=str(review), workspace=str(workspace), mode="live", run_id="r1")
    included = {r["record_id"] for r in csv.DictReader((workspace / "screening.csv").read_text().splitlines())
                if r["stage"] == "full_text" and r["decision"] == "include"}  # fmt: skip
    decisions = human_decisions(workspace, tmp_path)
    # a reviewer's exclusion or maybe counts over a published inclusion (the paper's references)
    taken_out = {d[0] for d in decisions if d[3] in ("exclude", "maybe") and d[0] in included}
    changed_trial = change_the_world(server)
    before = len(server.log)
    # the window ends on the day the update runs; a run may cross midnight
    days = {date.today().strftime("%Y/%m/%d")}
    result = update_flow(review_dir=str(review), workspace=str(workspace), mode="live", run_id="u1")
    days.add(date.today().strftime("%Y/%m/%d"))
    asked = server.log[before:]
    esearch = [p for _, ep, p in asked if ep == "esearch.fcgi"]
    assert len(esearch) == 1 and esearch[0]["mindate"] == AS_OF_A and esearch[0]["maxdate"] in days
    studies = [p for _, ep, p in asked if ep == "studies"]
    assert "AREA[LastUpdatePostDate]RANGE[2021-12-31,MAX]" in studies[0]["filter.advanced"]
    # every record once: the first run's plus the update's new ones, nothing twice
    conn = sqlite3.connect(workspace / "workspace.sqlite")
    pubmed_ids = [r[0] for r in conn.execute("SELECT native_id FROM records WHERE source='pubmed'")]
    conn.close()
    expected = [a.pmid for a in server.corpus.articles.values()]
    assert sorted(pubmed_ids) == sorted(expected)
    assert human_rows(workspace) == decisions  # untouched, with their original times
    changes = json.loads((workspace / "changes.json").read_text())
    assert len(changes["new_records"]) == result.prisma["identified_total"] > 7
    changed = {c["record_id"]: c["fields"] for c in changes["changed_records"]}
    status = changed[f"ctgov:{changed_trial}"]["status"]
    assert status["to"] == "TERMINATED" and status["from"] != "TERMINATED"
    assert changed[f"ctgov:{changed_trial}"]["enrollment"]["to"] == 999
    assert "status" in (workspace / "changes.md").read_text() and (workspace / "runs/u1/changes.md").exists()
    prisma = result.prisma
    assert prisma["previous"]["studies"] == first.prisma["new_studies"] - len(taken_out) > 0
    assert prisma["total_studies"] == prisma["previous"]["studies"] + prisma["new_studies"]
    n = {r["data"]: r["n"] for r in csv.DictReader((workspace / "prisma2020.csv").read_text().splitlines())}
    assert (
        int(n["previous_studies"]) == prisma["previous"]["studies"]
        and int(n["total_studies"]) == prisma["total_studies"]
    )
    assert "Previous studies" in (workspace / "prisma.svg").read_text()


def test_kill_9_mid_update_then_rerun_equals_an_uninterrupted_update(
    server, review_copy, tmp_path, harness_api
):
    review = protocol_as_of_a(review_copy)
    workspace = tmp_path / "ws"
    review_flow(review_dir=str(review), workspace=str(workspace), mode="live", run_id="r1")
    human_decisions(workspace, tmp_path)
    change_the_world(server)
    twin = tmp_path / "twin"
    shutil.copytree(workspace, twin)
    update_flow(review_dir=str(review), workspace=str(twin), mode="live", run_id="u1")  # uninterrupted
    untouched = (workspace / "workspace.sqlite").read_bytes()

    # The same update in another process, killed while efetch hangs.
    server.inject(Fault("efetch.fcgi", "timeout", delay=60))
    before = len(server.log)
    code = ("from litreview.pipeline.tasks import update_flow; "
            f"update_flow(review_dir={str(review)!r}, workspace={str(workspace)!r}, mode='live', run_id='u1')")  # fmt: skip
    # The child reports to the session's Prefect server, as a flow run on a team's server does: an
    # ephemeral server of its own took most of the test's time to start.
    env = dict(os.environ, PREFECT_LOGGING_LEVEL="CRITICAL", PREFECT_API_URL=harness_api)
    # Its own process group: the kill takes anything the child started with it, which would otherwise
    # outlive the test suite (its exit hooks never run after a SIGKILL).
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not any(ep == "efetch.fcgi" for _, ep, _ in server.log[before:]):
            assert time.monotonic() < deadline and proc.poll() is None, "the update never reached efetch"
            time.sleep(0.1)
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert (workspace / "workspace.sqlite").read_bytes() == untouched  # nothing stored by the killed update
    server.faults.clear()
    update_flow(review_dir=str(review), workspace=str(workspace), mode="live", run_id="u1")
    assert state(workspace) == state(twin)


def test_update_flow_runs_as_a_deployment(server, review_copy, tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment
    from prefect.flow_engine import run_flow

    review = protocol_as_of_a(review_copy)
    workspace = tmp_path / "ws"
    review_flow(review_dir=str(review), workspace=str(workspace), mode="live", run_id="r1")
    deployment = update_flow.to_deployment(name="ep-pd-nec-update-test", cron="0 6 * * 1",
                                           parameters={"review_dir": str(review), "workspace": str(workspace),
                                                       "mode": "live", "run_id": "u-deploy"})  # fmt: skip
    deployment.apply()
    flow_run = run_deployment(name="litreview-update/ep-pd-nec-update-test", timeout=0)
    run_flow(update_flow, flow_run=flow_run, parameters=flow_run.parameters)

    async def final_state():
        async with get_client() as client:
            return (await client.read_flow_run(flow_run.id)).state

    import asyncio

    assert asyncio.run(final_state()).is_completed()
    assert (workspace / "runs" / "u-deploy" / "changes.md").exists()
