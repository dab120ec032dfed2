"""The workspace keeps the same semantics on SQLite and on PostgreSQL (a private cluster started
for the session): upserts and versions, all-or-nothing transactions and savepoints, decisions
with their history, links with undo stamps, verdicts in order, the run lock."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from litreview.errors import WorkspaceError
from litreview.records import Citation, Decision, Link, content_hash
from litreview.store.database import HAS_LZ4
from litreview.store.workspace import Workspace

_made = iter(range(10**6))


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path):
    """(folder, url or None): where a fresh workspace of each kind lives."""
    if request.param == "sqlite":
        return tmp_path / "ws", None
    cluster = request.getfixturevalue("cluster")
    return tmp_path / "out", cluster.create(f"ws{next(_made)}")


def open_new(backend, review_id: str = "rev") -> Workspace:
    folder, url = backend
    return Workspace(folder, review_id, url).open()


def citation(n: int, title: str = "") -> Citation:
    return Citation(
        f"pubmed:{n}", "pubmed", str(n), title=title or f"Study {n}", abstract="Abstract é ü", year=2020
    )


def test_records_upsert_keep_versions_and_read_back_equal(backend):
    with open_new(backend) as ws:
        with ws.transaction():
            ws.start_run("r1")
            first = ws.store_records("r1", [citation(1), citation(2)])
        with ws.transaction():
            ws.start_run("r2")
            second = ws.store_records("r2", [citation(1), citation(2, "Study 2, corrected"), citation(3)])
        assert (first.new, second.new, second.changed, second.unchanged) == (2, 1, 1, 1)
        assert ws.count("record_versions") == 4 and ws.count("records") == 3
        stored = {r.record_id: r for r in ws.records()}
        assert stored["pubmed:2"].title == "Study 2, corrected"
        assert content_hash(stored["pubmed:1"]) == content_hash(citation(1))
        assert ws.texts(["pubmed:1"]) == {"pubmed:1": ("Study 1", "Abstract é ü", [])}


def test_a_failed_transaction_changes_nothing_and_a_savepoint_rolls_back_alone(backend):
    with open_new(backend) as ws:
        with pytest.raises(RuntimeError), ws.transaction():
            ws.start_run("r1")
            ws.store_records("r1", [citation(1)])
            raise RuntimeError("the run broke")
        assert ws.count("records") == 0 and ws.runs() == []
        with ws.transaction():
            ws.start_run("r2")
            ws.store_records("r2", [citation(1)])
            with pytest.raises(RuntimeError), ws.transaction():
                ws.store_records("r2", [citation(2)])
                raise RuntimeError("one step broke")
        assert {r.record_id for r in ws.records()} == {"pubmed:1"}


def test_decisions_replace_per_reviewer_and_keep_their_history(backend):
    with open_new(backend) as ws:
        with ws.transaction():
            ws.start_run("r1")
            ws.store_records("r1", [citation(1)])
            ws.replace_auto_decisions(
                "r1",
                [Decision("pubmed:1", "title_abstract", "exclude", "off topic", rule_id="EX")],
                ["pubmed:1"],
            )
            ws.add_human_decisions(
                "b1", [Decision("pubmed:1", "title_abstract", "include", "", "ana", "human")]
            )
            ws.add_human_decisions(
                "b2", [Decision("pubmed:1", "title_abstract", "exclude", "wrong design", "ana", "human")]
            )
            ws.withdraw_decision("pubmed:1", "title_abstract", "ana", "undo")
            ws.add_human_decisions(
                "b3", [Decision("pubmed:1", "title_abstract", "include", "", "ben", "human")]
            )
        kept = ws.decisions()
        assert [(d.origin, d.reviewer, d.decision) for d in kept] == [
            ("auto", "", "exclude"),
            ("human", "ben", "include"),
        ]
        assert [h["decision"] for h in ws.decision_history("pubmed:1")] == [
            "include",
            "exclude",
            "withdrawn",
            "include",
        ]


def test_a_run_remakes_the_rules_decisions_of_its_records_only(backend, monkeypatch):
    # ids go to PostgreSQL an array at a time: a batch of two makes five records take three
    monkeypatch.setattr("litreview.store.workspace.ARRAY_BATCH", 2)
    with open_new(backend) as ws:
        with ws.transaction():
            ws.start_run("r1")
            ws.store_records("r1", [citation(n) for n in range(1, 7)])
            ws.replace_auto_decisions(
                "r1", [Decision(f"pubmed:{n}", "title_abstract", "exclude", "old", rule_id="EX") for n in range(1, 7)],
                [f"pubmed:{n}" for n in range(1, 7)],
            )  # fmt: skip
            ws.add_human_decisions(
                "b1", [Decision("pubmed:2", "title_abstract", "include", "", "ana", "human")]
            )
            ws.start_run("r2")
            ws.replace_auto_decisions(
                "r2", [Decision("pubmed:1", "title_abstract", "include", "new", rule_id="IN")],
                [f"pubmed:{n}" for n in range(1, 6)],
            )  # fmt: skip
        kept = [(d.record_id, d.origin, d.reason) for d in ws.decisions()]
        # 1 remade, 2 to 5 left undecided by the rules (ana's vote stays), 6 not this run's to remake
        assert kept == [("pubmed:1", "auto", "new"), ("pubmed:2", "human", ""), ("pubmed:6", "auto", "old")]


def test_decisions_written_in_bulk_fail_as_any_statement_does(backend):
    # PostgreSQL takes them by COPY: its errors too are SQLAlchemy's, which the CLI reports
    twice = [Decision("pubmed:1", "title_abstract", "exclude", "off topic", rule_id="EX")] * 2
    with open_new(backend) as ws:
        with pytest.raises(IntegrityError), ws.transaction():
            ws.start_run("r1")
            ws.replace_auto_decisions("r1", twice, ["pubmed:1"])
        assert ws.decisions() == [] and ws.runs() == []


def test_links_are_stamped_undone_not_deleted_and_verdicts_stay_in_order(backend):
    with open_new(backend) as ws:
        with ws.transaction():
            ws.start_run("r1")
            ws.store_records("r1", [citation(1), citation(2), citation(3)])
            ws.replace_links(
                "r1",
                "duplicate",
                [
                    Link("pubmed:2", "pubmed:1", "duplicate", "doi", 1.0),
                    Link("pubmed:3", "pubmed:1", "duplicate", "title", 0.93),
                ],
            )
        with ws.transaction():
            added, undone = ws.replace_links(
                "r2", "duplicate", [Link("pubmed:2", "pubmed:1", "duplicate", "doi", 1.0)]
            )
            for verdict in ("same", "distinct"):
                ws.decide_pair("pubmed:3", "pubmed:1", verdict, "ana")
        assert (added, undone) == (0, 1)
        assert [link.record_id for link in ws.links("duplicate")] == ["pubmed:2"]
        assert len(ws.links("duplicate", include_undone=True)) == 2
        assert (
            ws.links("duplicate")[0].score == 1.0
            and ws.links("duplicate", include_undone=True)[1].score == 0.93
        )
        assert ws.pair_verdicts() == {("pubmed:1", "pubmed:3"): "distinct"}
        assert [row["verdict"] for row in ws.pair_decision_log()] == ["same", "distinct"]


def test_settings_accounts_and_notes(backend):
    with open_new(backend) as ws:
        with ws.transaction():
            ws.set_meta("exclusion_reasons", ["wrong design", "wrong population"])
            assert ws.put_user("ana", "reviewer", "scrypt$x") is True
            assert ws.put_user("ana", "lead", "scrypt$y") is False
            ws.add_note("pubmed:1", "ana", "first")
            ws.add_note("pubmed:1", "ana", "second")
        assert ws.meta("exclusion_reasons") == ["wrong design", "wrong population"]
        assert ws.user("ana") == ("lead", "scrypt$y") and ws.users() == {"ana": "lead"}
        assert [n for _, n in ws.notes("pubmed:1", "ana")] == ["first", "second"] and ws.notes(
            "pubmed:1", "ben"
        ) == []


def test_one_run_at_a_time_and_the_lock_is_released(backend):
    first, second = open_new(backend), open_new(backend)
    try:
        first.lock()
        with pytest.raises(WorkspaceError, match="another litreview run"):
            second.lock(wait=0.2)
        first.unlock()
        second.lock()
    finally:
        first.close()
        second.close()


def test_a_workspace_belongs_to_one_review(backend):
    open_new(backend, "rev").close()
    with pytest.raises(WorkspaceError, match="belongs to review 'rev'"):
        open_new(backend, "another")
    folder, url = backend
    with Workspace.existing(url or folder) as ws:
        assert ws.review_id == "rev"
    with Workspace.reading(url or folder) as ws:
        assert ws.count("records") == 0


def test_reading_a_database_is_read_only(cluster, tmp_path):
    url = cluster.create("readonly_ws")
    Workspace(tmp_path, "rev", url).open().close()
    with Workspace.reading(url) as ws, pytest.raises(Exception, match="read-only"):
        ws.set_meta("x", 1)


def test_an_unreachable_or_foreign_database_is_a_clear_error(cluster, tmp_path):
    with pytest.raises(WorkspaceError, match="not a litreview workspace"):
        Workspace.existing(cluster.create("empty_db"))
    with pytest.raises(WorkspaceError, match="cannot reach") as refused:
        Workspace.existing("postgresql://ana:secret@127.0.0.1:1/none")
    assert "secret" not in str(refused.value)


def test_postgresql_compresses_records_with_lz4_and_reads_them_back_equal(cluster, tmp_path):
    """A record's JSON is compressed with lz4 where the server has it (twice as fast to store as
    PostgreSQL's default pglz); either way it reads back as stored."""
    backend = (tmp_path / "out", cluster.create(f"ws{next(_made)}"))
    long = Citation(
        "pubmed:9", "pubmed", "9", title="Long", abstract=" ".join(f"word{k}" for k in range(2000)), year=2020
    )
    with open_new(backend) as ws:
        with ws.transaction():
            ws.start_run("r1")
            ws.store_records("r1", [long])
        assert list(ws.records()) == [long]
        has_lz4 = ws.conn.execute(HAS_LZ4).fetchone()
        used = ws.conn.execute("SELECT pg_column_compression(data) FROM records").fetchone()[0]
        assert used == ("lz4" if has_lz4 else "pglz")
