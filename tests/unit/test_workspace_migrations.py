"""The workspace schema is versioned with Alembic: a new workspace is at the head; one made before
migrations (schema 1, no accounts or notes) is refused until `litreview workspace upgrade`, which
adds what is missing and changes nothing already stored; the migrations build exactly the schema
the code reads."""

from __future__ import annotations

import json
import sqlite3

import pytest
from tests.unit.test_cli import run_cli

from litreview.errors import WorkspaceError
from litreview.records import Citation
from litreview.store.migrations.run import head, revision, schema_tables
from litreview.store.workspace import Workspace

LEGACY = __import__("importlib").import_module("litreview.store.migrations.versions.v0001_initial").TABLES


def legacy_workspace(root):
    """A workspace as litreview wrote it before migrations: schema 1 and a stored record."""
    root.mkdir()
    with sqlite3.connect(root / "workspace.sqlite") as db:
        db.executescript(LEGACY)
        db.execute("INSERT INTO meta VALUES ('review_id', 'old_review')")
        db.execute("INSERT INTO meta VALUES ('schema', '1')")
        data = json.dumps(
            {
                "kind": "citation",
                "record_id": "pubmed:1",
                "source": "pubmed",
                "native_id": "1",
                "title": "Old",
            }
        )
        db.execute(
            "INSERT INTO records VALUES ('pubmed:1', 'pubmed', '1', 'citation', ?, 'h', 'r1', 'r1')", (data,)
        )
    return root


def columns(db_file):
    with sqlite3.connect(db_file) as db:
        tables = [
            t
            for (t,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name != 'alembic_version'"
            )
        ]
        return {t: [c[1] for c in db.execute(f"PRAGMA table_info({t})")] for t in tables}


def test_a_new_workspace_is_at_the_head_with_the_same_tables_on_both_backends(tmp_path, cluster):
    with Workspace(tmp_path / "ws", "rev") as ws:
        assert revision(ws.conn) == head()
    assert columns(tmp_path / "ws" / "workspace.sqlite") == schema_tables()
    url = cluster.create("migrations_same")
    with Workspace(tmp_path, "rev", url) as ws:
        assert revision(ws.conn) == head()
        found = ws.conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' "
            "AND table_name != 'alembic_version' ORDER BY table_name, ordinal_position"
        ).fetchall()
    on_postgres: dict[str, list[str]] = {}
    for table, column in found:
        if column != "rowid":  # the write-order column PostgreSQL tables need (SQLite has its own)
            on_postgres.setdefault(table, []).append(column)
    assert on_postgres == schema_tables()
    assert "users" in on_postgres and "decision_history" in on_postgres


def test_a_workspace_from_before_migrations_is_refused_until_upgraded(tmp_path, monkeypatch, capsys):
    root = legacy_workspace(tmp_path / "old")
    before = (root / "workspace.sqlite").read_bytes()
    with pytest.raises(WorkspaceError, match="workspace upgrade"):
        Workspace.existing(root)
    assert (root / "workspace.sqlite").read_bytes() == before  # refused without writing
    code, out = run_cli(monkeypatch, capsys, "workspace", "upgrade", str(root))
    assert code == 0 and f"to schema {head()}" in out.out, out.err
    with Workspace.existing(root) as ws:
        assert ws.review_id == "old_review" and [r.title for r in ws.records()] == ["Old"]
        assert ws.users() == {} and revision(ws.conn) == head()
    code, out = run_cli(monkeypatch, capsys, "workspace", "upgrade", str(root))
    assert code == 0 and "already at" in out.out


def test_upgrade_on_postgresql(tmp_path, cluster):
    url = cluster.create("migrations_pg")
    with Workspace(tmp_path, "rev", url) as ws:
        assert revision(ws.conn) == head()
        with ws.transaction():
            ws.start_run("r1")
            ws.store_records("r1", [Citation("pubmed:1", "pubmed", "1", title="Kept")])
    from litreview.store.workspace import upgrade_workspace

    assert upgrade_workspace(url) == (head(), head())
    with Workspace.reading(url) as ws:
        assert [r.title for r in ws.records()] == ["Kept"]
