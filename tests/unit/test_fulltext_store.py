"""Full texts in the workspace, on SQLite and PostgreSQL: added with their checksum, read back byte
for byte, a replaced file kept (one current file per record), copied between backends."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy.exc import IntegrityError
from tests.pdf_files import text_pdf
from tests.unit.test_workspace_copy import digests, lived_in

from litreview.records import Citation
from litreview.store.copy import copy_workspace
from litreview.store.workspace import FullText, Workspace

FIRST = text_pdf("First version", "doi 10.1000/one")
SECOND = text_pdf("Corrected version", "doi 10.1000/one")


def stored(record_id: str, data: bytes, when: str, by: str = "ana") -> FullText:
    return FullText(record_id, hashlib.sha256(data).hexdigest(), f"{when}.pdf", len(data), 1, by, when)


@pytest.fixture(params=["sqlite", "postgresql"])
def workspace(request, tmp_path):
    if request.param == "sqlite":
        ws = Workspace(tmp_path / "ws", "rev")
    else:
        ws = Workspace(
            tmp_path,
            "rev",
            request.getfixturevalue("cluster").create(f"ft_{abs(hash(request.node.name)) % 10**8}"),
        )
    with ws, ws.transaction():
        ws.start_run("r1")
        ws.store_records("r1", [Citation("pubmed:1", "pubmed", "1", title="One", doi="10.1000/one"),
                                Citation("pubmed:2", "pubmed", "2", title="Two")])  # fmt: skip
    with ws:
        yield ws


def test_a_full_text_round_trips_with_its_checksum(workspace):
    with workspace.transaction():
        assert workspace.add_fulltext(stored("pubmed:1", FIRST, "2026-01-01T00:00:00Z"), FIRST)
    meta, data = workspace.fulltext_data("pubmed:1")
    assert (
        data == FIRST
        and hashlib.sha256(data).hexdigest() == meta.sha256 == workspace.fulltext("pubmed:1").sha256
    )
    assert (meta.size, meta.pages, meta.added_by, meta.replaced_at) == (len(FIRST), 1, "ana", None)
    assert workspace.fulltext("pubmed:2") is None and workspace.fulltext_data("pubmed:2") is None
    assert [f.record_id for f in workspace.fulltexts()] == ["pubmed:1"]


def test_a_replaced_file_is_kept_and_the_same_file_is_not_added_twice(workspace):
    with workspace.transaction():
        assert workspace.add_fulltext(stored("pubmed:1", FIRST, "2026-01-01T00:00:00Z"), FIRST)
        assert not workspace.add_fulltext(stored("pubmed:1", FIRST, "2026-01-02T00:00:00Z"), FIRST)
        assert workspace.add_fulltext(stored("pubmed:1", SECOND, "2026-01-03T00:00:00Z", "ben"), SECOND)
    meta, data = workspace.fulltext_data("pubmed:1")
    assert data == SECOND and meta.added_by == "ben"
    history = workspace.fulltexts(replaced=True)
    assert [(f.sha256, f.replaced_at) for f in history] == [
        (hashlib.sha256(FIRST).hexdigest(), "2026-01-03T00:00:00Z"),
        (hashlib.sha256(SECOND).hexdigest(), None),
    ]
    assert len(workspace.fulltexts()) == 1 and workspace.count("fulltexts") == 2


def test_the_database_holds_one_current_file_per_record(workspace):
    row = {"record_id": "pubmed:2", "sha256": "x", "file_name": "a.pdf", "size": 1, "pages": 1,
           "data": b"x", "added_by": "ana", "added_at": "t", "replaced_at": None}  # fmt: skip
    sql = (
        "INSERT INTO fulltexts (record_id, sha256, file_name, size, pages, data, added_by, added_at, "
        "replaced_at) VALUES (:record_id, :sha256, :file_name, :size, :pages, :data, :added_by, :added_at, "
        ":replaced_at)"
    )
    with workspace.transaction():
        workspace.conn.execute(sql, row)
    with pytest.raises(IntegrityError), workspace.transaction():
        workspace.conn.execute(sql, {**row, "sha256": "y"})
    assert workspace.count("fulltexts") == 1


def test_full_texts_are_copied_between_backends_byte_for_byte(tmp_path, cluster):
    bench = lived_in(tmp_path / "a")
    with Workspace.existing(tmp_path / "a") as ws, ws.transaction():
        ws.add_fulltext(stored(bench.ids[0], FIRST, "2026-01-01T00:00:00Z"), FIRST)
        ws.add_fulltext(stored(bench.ids[0], SECOND, "2026-01-02T00:00:00Z"), SECOND)
        ws.add_fulltext(stored(bench.ids[1], FIRST, "2026-01-03T00:00:00Z"), FIRST)
    url = cluster.create("ft_copy")
    report = copy_workspace(tmp_path / "a", url)
    assert report["fulltexts"] == {"rows": 3, "copied": 3, "equal": True}
    copy_workspace(url, tmp_path / "b")
    assert digests(tmp_path / "a") == digests(tmp_path / "b") == digests(url)
    for where in (url, tmp_path / "b"):
        with Workspace.reading(where) as ws:
            assert ws.fulltext_data(bench.ids[0])[1] == SECOND and ws.fulltext_data(bench.ids[1])[1] == FIRST
            assert len(ws.fulltexts(replaced=True)) == 3
