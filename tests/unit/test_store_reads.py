"""The workspace's reads that order rows, on SQLite and PostgreSQL alike (PostgreSQL has no implicit
rowid: an ORDER BY that names one works on SQLite only)."""

from __future__ import annotations

from tests.unit.test_fulltext_store import workspace  # noqa: F401 (the two-backend fixture)

from litreview.records import Decision


def test_a_reviewers_own_decisions_oldest_first_on_both_backends(workspace):  # noqa: F811
    votes = [
        Decision(
            "pubmed:2", "title_abstract", "exclude", "off topic", "ana", "human", decided_at="2026-01-02"
        ),
        Decision("pubmed:1", "title_abstract", "include", "", "ana", "human", decided_at="2026-01-01"),
        Decision("pubmed:1", "title_abstract", "exclude", "no", "ben", "human", decided_at="2026-01-01"),
    ]
    with workspace.transaction():
        workspace.add_human_decisions("b1", votes)
    mine = workspace.reviewer_decisions("ana", "title_abstract")
    assert [(d.record_id, d.decision) for d in mine] == [("pubmed:1", "include"), ("pubmed:2", "exclude")]
    assert workspace.reviewer_decisions("ana", "full_text") == []
