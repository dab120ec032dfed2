"""`litreview workspace copy`: SQLite -> PostgreSQL -> SQLite keeps every row, in order."""

from __future__ import annotations

from tests.unit.test_cli import run_cli
from tests.web.conftest import make_bench

from litreview.errors import WorkspaceError
from litreview.records import Decision
from litreview.store.copy import copy_workspace, table_columns, table_digest
from litreview.store.workspace import Workspace


def lived_in(root):
    """A workspace with decisions and their history, an undone link, verdicts, accounts and notes."""
    bench = make_bench(root, n=12)
    with Workspace.existing(root) as ws, ws.transaction():
        ws.add_human_decisions(
            "b1", [Decision(bench.ids[0], "title_abstract", "include", "", "ana", "human")]
        )
        ws.add_human_decisions(
            "b2", [Decision(bench.ids[0], "title_abstract", "exclude", "wrong design", "ana", "human")]
        )
        ws.withdraw_decision(bench.ids[0], "title_abstract", "ana", "undo")
        ws.replace_links("r2", "duplicate", [])  # the duplicate link is stamped undone, not deleted
        ws.decide_pair(*bench.maybe, "same", "ana")
        ws.decide_pair(*bench.maybe, "distinct", "lea")
        ws.add_note(bench.ids[1], "ana", "check the dose")
    return bench


def digests(location):
    with Workspace.reading(location) as ws:
        return {t: table_digest(ws, t, c) for t, c in table_columns().items()}


def test_sqlite_to_postgresql_and_back_is_lossless(tmp_path, cluster, monkeypatch, capsys):
    lived_in(tmp_path / "a")
    url = cluster.create("copy_target")
    report = copy_workspace(tmp_path / "a", url)
    assert all(r["equal"] for r in report.values()) and report["decision_history"]["rows"] == 3
    code, out = run_cli(monkeypatch, capsys, "workspace", "copy", url, str(tmp_path / "b"))
    assert code == 0, out.err
    assert digests(tmp_path / "a") == digests(tmp_path / "b") == digests(url)
    with Workspace.reading(tmp_path / "b") as ws:
        assert [link.undone_at is not None for link in []] == [] and len(
            ws.links("duplicate", include_undone=True)
        ) == 1
        assert ws.links("duplicate") == [] and [r["verdict"] for r in ws.pair_decision_log()] == [
            "same",
            "distinct",
        ]
        assert ws.users() == {"ana": "reviewer", "ben": "reviewer", "lea": "lead"}


def test_copying_into_a_workspace_that_holds_records_is_refused(tmp_path):
    lived_in(tmp_path / "a")
    lived_in(tmp_path / "b")
    before = digests(tmp_path / "b")
    try:
        copy_workspace(tmp_path / "a", tmp_path / "b")
        raise AssertionError("copied over a workspace in use")
    except WorkspaceError as exc:
        assert "not empty" in str(exc)
    assert digests(tmp_path / "b") == before


def test_full_texts_are_copied_in_batches_bounded_by_bytes(tmp_path, monkeypatch):
    from tests.pdf_files import text_pdf

    from litreview.pipeline.fulltexts import attach
    from litreview.sources.pdf import check_pdf
    from litreview.store import copy
    from litreview.store.database import Database

    bench = make_bench(tmp_path / "src", n=4)
    pdfs = {rid: text_pdf(f"Full text of {rid}", "x" * 2000) for rid in bench.ids[:4]}
    with Workspace.existing(bench.root) as ws:
        for rid, data in pdfs.items():
            attach(ws, rid, check_pdf(data, "a.pdf"), data, "lea", "a.pdf")
    largest = max(len(d) for d in pdfs.values())
    monkeypatch.setattr(copy, "BATCH_BYTES", 2 * largest)  # two files at most in a batch
    held: list[int] = []
    executemany = Database.executemany

    def counted(self, sql, rows):
        if "fulltexts" in str(sql) and rows:
            held.append(sum(len(r["data"]) for r in rows))
        return executemany(self, sql, rows)

    monkeypatch.setattr(Database, "executemany", counted)
    copy_workspace(bench.root, tmp_path / "dst")
    assert sum(held) == sum(len(d) for d in pdfs.values())
    assert len(held) == 2 and max(held) <= 2 * largest
    with Workspace.reading(tmp_path / "dst") as dst:
        assert {ft.record_id: dst.fulltext_data(ft.record_id)[1] for ft in dst.fulltexts()} == pdfs
