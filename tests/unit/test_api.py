"""litreview.Workspace: a workspace as pandas DataFrames for notebooks, read-only."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import pytest

import litreview
from litreview.errors import WorkspaceError
from litreview.records import Citation, Decision, Link
from litreview.store.workspace import Workspace as Store


@pytest.fixture
def workspace(tmp_path):
    root = tmp_path / "ws"
    with Store(root, "demo") as ws, ws.transaction():
        ws.start_run("r1")
        ws.store_records("r1", [
            Citation(record_id=f"x:{i}", source="x", native_id=str(i), title=f"Study {i}", year=2000 + i,
                     doi=f"10.1000/{i}") for i in range(1, 5)
        ])  # fmt: skip
        ws.replace_links("r1", "duplicate", [Link("x:4", "x:3", "duplicate", "doi", 1.0)])
        ws.replace_auto_decisions("r1", [Decision("x:1", "title_abstract", "exclude", "off topic", rule_id="EX")],
                                  ["x:1"])  # fmt: skip
        ws.add_human_decisions("b1", [Decision("x:2", "title_abstract", "include", "", "ana", "human"),
                                      Decision("x:4", "title_abstract", "exclude", "dup", "ana", "human")])  # fmt: skip
    return root


def digest(root):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in root.iterdir()}


def test_every_table_is_a_dataframe_and_nothing_is_written(workspace):
    before = digest(workspace)
    ws = litreview.Workspace(workspace)
    records = ws.records()
    assert list(records["record_id"]) == ["x:1", "x:2", "x:3", "x:4"]
    assert records.set_index("record_id").loc["x:4", "duplicate_of"] == "x:3"
    assert records["year"].tolist() == [2001, 2002, 2003, 2004]
    screening = ws.screening().set_index("record_id")
    assert screening.loc["x:1", "decided_by"] == "rule EX" and screening.loc["x:2", "decision"] == "include"
    assert "x:4" not in screening.index  # a duplicate is screened through its representative
    log = ws.decisions()
    assert len(log) == 3 and set(log["origin"]) == {"auto", "human"}
    assert ws.links()[["record_id", "linked_to", "rule"]].values.tolist() == [["x:4", "x:3", "doi"]]
    with pytest.raises(WorkspaceError, match="prisma.json"):
        ws.prisma()
    with pytest.raises(WorkspaceError, match="tables.csv"):
        ws.tables()
    after = digest(workspace)
    # the database is byte-identical and no lock was taken; SQLite's own WAL index may appear, empty
    assert after["workspace.sqlite"] == before["workspace.sqlite"] and ".lock" not in after
    assert (
        not (workspace / "workspace.sqlite-wal").exists()
        or (workspace / "workspace.sqlite-wal").stat().st_size == 0
    )


def test_prisma_of_the_last_run(workspace):
    from tests.unit.test_prisma import hand_built

    flow = hand_built()
    (workspace / "prisma.json").write_text(json.dumps(flow))
    prisma = litreview.Workspace(workspace).prisma().set_index("data")
    assert prisma.loc["records_screened", "n"] == flow["databases_and_registers"]["records_screened"]
    assert prisma.loc["total_studies", "n"] == flow["total_studies"]


def test_not_a_workspace_is_one_clear_error(tmp_path):
    with pytest.raises(WorkspaceError, match="no workspace here"):
        litreview.Workspace(tmp_path)


def test_importing_litreview_does_not_load_pandas():
    code = "import sys, litreview, litreview.cli; print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
