import dataclasses

import pytest

from litreview.errors import WorkspaceError
from litreview.records import Citation, Link, Provenance, from_dict, to_dict
from litreview.store.workspace import Workspace


def cite(n: int, title: str = "T") -> Citation:
    return Citation(
        record_id=f"pubmed:{n}",
        source="pubmed",
        native_id=str(n),
        title=title,
        pmid=str(n),
        provenance=Provenance("pubmed", str(n), "r1", "p.xml", n),
    )


def test_round_trip_of_records():
    record = cite(1)
    assert from_dict(to_dict(record)) == record


def test_rerun_is_idempotent(tmp_path):
    with Workspace(tmp_path, "rev") as ws:
        for _ in range(2):
            with ws.transaction():
                ws.start_run("r1")
                ws.store_records("r1", [cite(1), cite(2)])
                ws.replace_links(
                    "r1", "duplicate", [Link("pubmed:2", "pubmed:1", "duplicate", "exact-doi", 1.0)]
                )
        assert ws.count("records") == 2 and ws.count("links") == 1 and ws.count("runs") == 1


def test_changed_record_keeps_its_history(tmp_path):
    with Workspace(tmp_path, "rev") as ws:
        with ws.transaction():
            ws.start_run("r1")
            ws.store_records("r1", [cite(1, "Old")])
        with ws.transaction():
            ws.start_run("r2")
            stats = ws.store_records("r2", [cite(1, "New")])
        assert stats.changed == 1
        assert next(ws.records()).title == "New"
        assert ws.count("record_versions") == 2


def test_failure_rolls_everything_back(tmp_path):
    with Workspace(tmp_path, "rev") as ws:
        with ws.transaction():
            ws.start_run("r1")
            ws.store_records("r1", [cite(1)])

        def broken():
            yield cite(2)
            raise RuntimeError("parse failure mid-stream")

        with pytest.raises(RuntimeError), ws.transaction():
            ws.start_run("r2")
            ws.store_records("r2", broken())
        assert [r.record_id for r in ws.records()] == ["pubmed:1"]
        assert [r["run_id"] for r in ws.runs()] == ["r1"]


def test_links_no_longer_made_are_undone_not_deleted(tmp_path):
    link = Link("pubmed:2", "pubmed:1", "duplicate", "exact-doi", 1.0)
    other = Link("pubmed:3", "pubmed:1", "duplicate", "fuzzy-title", 0.97)
    with Workspace(tmp_path, "rev") as ws:
        assert ws.replace_links("r1", "duplicate", [link, other]) == (2, 0)
        assert ws.replace_links("r2", "duplicate", [link]) == (0, 1)  # "other" is no longer made
        assert ws.links("duplicate") == [link]
        assert len(ws.links("duplicate", include_undone=True)) == 2  # kept, stamped undone
        assert ws.replace_links("r3", "duplicate", [link, other]) == (1, 0)  # made again: active again
        assert ws.links("duplicate") == [link, other]
        assert ws.links("maybe-duplicate") == []  # one type never touches another


def test_pair_verdicts_latest_counts_and_all_are_logged(tmp_path):
    with Workspace(tmp_path, "rev") as ws:
        ws.decide_pair("pubmed:2", "pubmed:1", "distinct", "ana")
        ws.decide_pair("pubmed:1", "pubmed:2", "same", "ben", "same trial report")
        assert ws.pair_verdicts() == {("pubmed:1", "pubmed:2"): "same"}
        log = ws.pair_decision_log()
        assert [(r["verdict"], r["reviewer"]) for r in log] == [("distinct", "ana"), ("same", "ben")]
        with pytest.raises(WorkspaceError, match="unknown verdict .maybe."):
            ws.decide_pair("pubmed:1", "pubmed:2", "maybe", "ana")
        with pytest.raises(WorkspaceError, match="no table 'pairs'"):  # only the schema's tables
            ws.count("pairs")


def test_other_review_is_refused(tmp_path):
    Workspace(tmp_path, "a").open().close()
    with pytest.raises(WorkspaceError, match="belongs to review"):
        Workspace(tmp_path, "b").open()


def test_one_run_at_a_time(tmp_path):
    first = Workspace(tmp_path, "rev")
    first.lock()
    try:
        with pytest.raises(WorkspaceError, match="another litreview run"):
            Workspace(tmp_path, "rev").lock()
    finally:
        first.unlock()


def test_frozen_records():
    with pytest.raises(dataclasses.FrozenInstanceError):
        cite(1).title = "x"  # type: ignore[misc]
