"""The review flow end to end on the shipped snapshot, under the session's Prefect harness."""

from __future__ import annotations

import csv
import hashlib
import json
import sqlite3
import sys
from pathlib import Path

import pytest

from litreview.errors import RecordParseError, SourceResponseError
from litreview.pipeline.tasks import review_flow


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _state(workspace: Path) -> dict[str, object]:
    """Everything a failed run must leave untouched: table counts and output file hashes."""
    conn = sqlite3.connect(workspace / "workspace.sqlite")
    tables = ["records", "links", "runs", "record_versions", "run_records", "payloads"]
    counts = {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables}
    conn.close()
    files = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(workspace.glob("*.csv")) + sorted(workspace.glob("*.json"))
    }
    return {"counts": counts, "files": files, "runs": sorted(p.name for p in (workspace / "runs").iterdir())}


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    from tests.conftest import REVIEW

    workspace = tmp_path_factory.mktemp("ws")
    result = review_flow(review_dir=str(REVIEW), workspace=str(workspace), run_id="run-1")
    return workspace, result


def test_outputs_hold_trials_and_identified_references(first_run, data_dir):
    workspace, result = first_run
    tables = _rows(workspace / "tables.csv")
    assert len(tables) >= 30
    assert all(r["identifier"].startswith("NCT") for r in tables)
    records = _rows(workspace / "records.csv")
    ids = {r["record_id"] for r in records}
    dois = {r["doi"].lower() for r in records if r["doi"]}
    refs = json.loads((data_dir / "review/references.json").read_text())
    for ref in refs:
        if ref["pmid"]:
            assert f"pubmed:{ref['pmid']}" in ids
        if ref["doi"]:
            assert ref["doi"].lower() in dois
    prisma = json.loads((workspace / "prisma.json").read_text())
    assert prisma["identification"]["registers"]["by_source"]["ctgov"] == 36
    assert (
        prisma["identified_total"] - prisma["duplicates_removed"]["total"]
        == prisma["records_after_duplicates_removed"]
    )
    assert prisma["reported"]["databases"] == 258


def test_manifest_is_evidence(first_run):
    workspace, result = first_run
    manifest = json.loads((workspace / "runs/run-1/manifest.json").read_text())
    assert manifest["protocol"]["sha256"] and manifest["record_set_sha256"]
    assert manifest["prefect_flow_run_id"]
    pubmed = manifest["sources"]["pubmed"]
    assert (
        pubmed["query_as_written"]
        == (Path(__file__).parents[2] / "search_strings/ep_pd_nec/medline.txt").read_text()
    )
    assert pubmed["date_window"]["maxdate"] == "2022/07/18"
    # The accepted repair is stated, and what ran is the repaired PubMed translation.
    assert pubmed["repair_applied"] == ["delete ')' at 1:169"]
    assert manifest["accepted_repairs"]["pubmed"]["edits"] == ["delete ')' at 1:169"]
    assert pubmed["query_as_run"].startswith('(("neuroendocrine carcinoma" OR')
    assert manifest["sources"]["ctgov"]["request"]["filter.advanced"].endswith("2022-08-02]")


def test_rerun_adds_nothing(first_run):
    from tests.conftest import REVIEW

    workspace, _ = first_run
    before = _state(workspace)["counts"]
    review_flow(review_dir=str(REVIEW), workspace=str(workspace), run_id="run-1")
    again = _state(workspace)["counts"]
    assert again == before
    review_flow(review_dir=str(REVIEW), workspace=str(workspace), run_id="run-2")
    after = _state(workspace)["counts"]
    assert after["records"] == before["records"] and after["links"] == before["links"]
    assert after["runs"] == before["runs"] + 1


def test_corrupt_snapshot_changes_nothing(review_copy, tmp_path):
    workspace = tmp_path / "ws"
    review_flow(review_dir=str(review_copy), workspace=str(workspace), run_id="good")
    before = _state(workspace)
    page = next((review_copy / "snapshot/ctgov").glob("*.json"))
    page.write_bytes(page.read_bytes()[:5000])
    with pytest.raises(SourceResponseError, match=page.name):
        review_flow(review_dir=str(review_copy), workspace=str(workspace), run_id="bad")
    assert _state(workspace) == before


def test_truncated_export_changes_nothing(review_copy, tmp_path):
    workspace = tmp_path / "ws"
    review_flow(review_dir=str(review_copy), workspace=str(workspace), run_id="good")
    before = _state(workspace)
    ris = review_copy / "snapshot/embase/embase_export.ris"
    ris.write_text(ris.read_text().rsplit("ER  -", 3)[0])
    with pytest.raises(RecordParseError, match=r"embase_export\.ris:\d+"):
        review_flow(review_dir=str(review_copy), workspace=str(workspace), run_id="bad")
    assert _state(workspace) == before


def test_a_failure_after_storing_changes_nothing_and_marks_the_run_failed(review_copy, tmp_path):
    """The render phase fails (a damaged [tables] overrides file) after a changed export was stored
    and screened: records, links, decisions, runs and every output are as before; the run is failed."""
    workspace = tmp_path / "ws"
    review_flow(review_dir=str(review_copy), workspace=str(workspace), run_id="good")
    before = _state(workspace)
    conn = sqlite3.connect(workspace / "workspace.sqlite")
    decisions = sorted(conn.execute("SELECT * FROM decisions"))
    conn.close()
    ris = review_copy / "snapshot/embase/embase_export.ris"
    ris.write_text(ris.read_text() + "\nTY  - JOUR\nTI  - A new study of NEC therapy\nAN  - 999999\nER  - \n")
    (review_copy / "overrides.csv").write_text("identifier,column\nNCT0,compound\n")  # columns missing
    toml = review_copy / "review.toml"
    toml.write_text(toml.read_text().replace("[tables]\n", '[tables]\noverrides = "overrides.csv"\n'))
    with pytest.raises(RecordParseError, match="overrides.csv"):
        review_flow(review_dir=str(review_copy), workspace=str(workspace), run_id="bad")
    after = _state(workspace)
    conn = sqlite3.connect(workspace / "workspace.sqlite")
    assert sorted(conn.execute("SELECT * FROM decisions")) == decisions
    status = dict(conn.execute("SELECT run_id, status FROM runs"))
    conn.close()
    assert status == {"good": "finished", "bad": "failed"}
    before["counts"]["runs"] += 1  # the failed run is on record, nothing else is
    assert after == before
    assert not (workspace / ".staging").exists() and not (workspace / "runs" / "bad").exists()


def test_cli_run_prints_summary(review_copy, tmp_path, monkeypatch, capsys):
    from litreview import cli

    monkeypatch.setattr(
        sys, "argv", ["litreview", "run", str(review_copy), "--workspace", str(tmp_path / "w")]
    )
    cli.main()  # returns normally on success (exit code 0)
    out = capsys.readouterr().out
    assert "identified" in out and "wall time" in out


def test_screening_and_prisma_outputs(first_run):
    workspace, result = first_run
    for name in ("prisma2020.csv", "prisma.svg", "prisma.png", "prisma@2x.png", "prisma.pdf", "screening.csv",
                 "search_log.md", "search_log.json", "maybe_duplicates.csv"):  # fmt: skip
        assert (workspace / name).stat().st_size > 0, name
    # the review's own records leave no pair in doubt: the queue is its header alone
    assert len(_rows(workspace / "maybe_duplicates.csv")) == result.maybe_duplicates == 0
    prisma = json.loads((workspace / "prisma.json").read_text())
    dbr = prisma["databases_and_registers"]
    assert dbr["reports_sought"] > 0
    # rules exclude or suggest; inclusions are the published authors' (kept in the review folder), a
    # reference standard: never a reviewer
    screening = _rows(workspace / "screening.csv")
    assert {r["decision"] for r in screening} <= {"include", "exclude", "maybe", "undecided"}
    included = {r["record_id"] for r in screening if r["decision"] == "include"}
    assert len({i for i in included if i.startswith("ctgov:")}) == 36
    assert all(
        r["decided_by"].startswith("published Robinson") for r in screening if r["decision"] == "include"
    )
    assert all(r["decided_by"].endswith("(suggestion)") for r in screening if r["decision"] == "undecided")
    assert all(r["reason"] for r in screening)
    gap = [r for r in prisma["reported_vs_reproduced"] if r["item"].startswith("Unaccounted")]
    assert gap and gap[0]["reported"] == 35  # 258 + 36 - 200 - 23 - 36
    log = (workspace / "search_log.md").read_text()
    assert "delete ')' at 1:169" in log and "PRISMA-S item 14" in log
    # the dedup rules that fired, each with its count, and no Python dict text anywhere
    fired = json.loads((workspace / "search_log.json").read_text())["items"]["16_deduplication"][
        "rules_fired"
    ]
    assert sum(fired.values()) == prisma["duplicates_removed"]["total"]
    assert all(f"(`{rule}`): {n}" in log for rule, n in fired.items())
    assert "{'" not in log and "': " not in log
    assert "published_decisions.csv" in log and "agreement.json" in log


def _key(title: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in title.lower()).split())


def test_the_published_reference_list_is_matched_and_counted(first_run, data_dir):
    """How many of the paper's references the reconstructed export holds and includes, worked out
    here from the reference list and records.csv alone, is what prisma.json reports."""
    workspace, _ = first_run
    refs = json.loads((data_dir / "review/references.json").read_text())
    records = [r for r in _rows(workspace / "records.csv") if r["source"] in ("pubmed", "embase")]
    studies: dict[int, set[str]] = {}
    for number, ref in enumerate(refs, start=1):
        for r in records:
            if (
                (ref["doi"] and r["doi"].lower() == ref["doi"].lower())
                or (ref["pmid"] and r["pmid"] == ref["pmid"])
                or _key(r["title"]) == _key(ref["title"])
            ):
                studies.setdefault(number, set()).add(r["duplicate_of"] or r["record_id"])
    missing = [ref["title"] for number, ref in enumerate(refs, start=1) if number not in studies]
    prisma = json.loads((workspace / "prisma.json").read_text())
    listed = next(p for p in prisma["published_decisions"] if p["file"] == "published_references.json")
    assert listed["entries"] == len(refs)
    assert listed["held_by_group"] == {"databases": len(studies)}
    assert [m["title"] for m in listed["not_found"]] == missing
    # nobody re-screened them: every reference held counts as included, with its provenance
    assert listed["included_by_group"] == {"databases": len(studies)}
    rows = {r["item"]: r for r in prisma["reported_vs_reproduced"]}
    assert rows["Studies included from databases"] == {
        "item": "Studies included from databases", "reported": 23,
        "reproduced": len(set().union(*studies.values())),
    }  # fmt: skip
    held = rows[
        "Published decisions (published_references.json): entries the reconstructed export holds (databases)"
    ]
    assert (held["reported"], held["reproduced"]) == (len(refs), len(studies))
    kept = rows[
        "Published decisions (published_references.json): published inclusions included here (databases)"
    ]
    assert (kept["reported"], kept["reproduced"]) == (len(refs), len(studies))
    agreement = json.loads((workspace / "agreement.json").read_text())
    assert agreement["conflicts"] == [] and all(b["pairs"] == [] for b in agreement["agreement"])


# after the reference list is checked: this adds reviewers' votes to the shared workspace
def test_human_decisions_survive_a_rerun_and_move_the_counts(first_run, tmp_path):
    from tests.conftest import REVIEW

    from litreview.screen.commands import export_decisions, import_decisions

    workspace, _ = first_run
    sheet = tmp_path / "sheet.csv"
    export_decisions(workspace, sheet)
    rows = _rows(sheet)
    waiting = [r for r in rows if r["suggestion"] == "maybe" and not r["record_id"].startswith("ctgov:")][:3]
    for row in rows:
        if row in waiting:
            row.update(
                decision="exclude",
                reason="Clinical characteristics or prognosis rather than treatment",
                reviewer="ana",
            )
    with open(sheet, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    before = json.loads((workspace / "prisma.json").read_text())["databases_and_registers"]
    import_decisions(sheet, workspace)
    review_flow(review_dir=str(REVIEW), workspace=str(workspace), run_id="run-3")
    after = json.loads((workspace / "prisma.json").read_text())["databases_and_registers"]
    # a reviewer's vote counts over the published decision (which stays the reference standard)
    assert after["records_excluded"] == before["records_excluded"] + 3
    assert after["reports_sought"] == before["reports_sought"] - 3
    screening = {
        r["record_id"]: r for r in _rows(workspace / "screening.csv") if r["stage"] == "title_abstract"
    }
    assert all(screening[r["record_id"]]["decided_by"] == "reviewer ana" for r in waiting)
