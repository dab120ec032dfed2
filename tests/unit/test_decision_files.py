"""Screening files round-trip through a workspace: CSV and XLSX sheets, labelled RIS, ASReview CSV."""

import csv
import sqlite3

import pytest

from litreview.errors import ScreeningRuleError
from litreview.records import Citation
from litreview.screen.commands import export_decisions, import_decisions
from litreview.screen.decisions import Decision
from litreview.workspace import Workspace


@pytest.fixture
def workspace(tmp_path):
    root = tmp_path / "ws"
    with Workspace(root, "demo") as ws, ws.transaction():
        ws.start_run("r1")
        ws.store_records("r1", [
                Citation(record_id=f"x:{i}", source="x", native_id=str(i), title=f"Study {i} of NEC therapy",
                         authors=("Doe J",), year=2020, doi=f"10.1000/{i}", abstract="Abstract")
                for i in range(1, 5)
            ])  # fmt: skip
        ws.replace_auto_decisions(
            "r1", [Decision("x:1", "title_abstract", "include", "rule says", rule_id="IN")], ["x:1"]
        )
    return root


def fill(path, decisions, reviewer):
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["decision"] = decisions.get(row["record_id"], "")
        row["reviewer"] = reviewer if row["decision"] else ""
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def state(root):
    conn = sqlite3.connect(root / "workspace.sqlite")
    rows = sorted(conn.execute("SELECT record_id, stage, origin, reviewer, decision FROM decisions"))
    history = conn.execute("SELECT COUNT(*) FROM decision_history").fetchone()[0]
    conn.close()
    return rows, history


def test_csv_sheet_round_trip_with_two_reviewers(workspace, tmp_path):
    sheet = tmp_path / "sheet.csv"
    assert export_decisions(workspace, sheet) == 4
    first = next(csv.DictReader(sheet.read_text().splitlines()))
    assert first["suggestion"] == "include" and first["decision"] == "" and first["authors"] == "Doe J"
    assert first["suggestion_reason"] == "rule IN: rule says" and first["abstract"] == "Abstract"
    fill(sheet, {"x:1": "include", "x:2": "exclude", "x:3": "include"}, "ana")
    summary = import_decisions(sheet, workspace)
    assert summary["stored"] == 3 and summary["skipped_blank"] == 1 and not summary["conflicts"]
    fill(sheet, {"x:1": "include", "x:2": "include", "x:3": "include"}, "ben")
    summary = import_decisions(sheet, workspace)
    assert [c["record_id"] for c in summary["conflicts"]] == ["x:2"]
    pair = summary["agreement"][0]["pairs"][0]
    assert pair["reviewers"] == ["ana", "ben"] and pair["records"] == 3


def test_xlsx_round_trip(workspace, tmp_path):
    from openpyxl import load_workbook

    sheet = tmp_path / "sheet.xlsx"
    export_decisions(workspace, sheet)
    book = load_workbook(sheet)
    page = book.active
    header = [c.value for c in page[1]]
    page.cell(row=2, column=header.index("decision") + 1, value="Excluded")
    page.cell(row=2, column=header.index("reason") + 1, value="prognosis only")
    book.save(sheet)
    summary = import_decisions(sheet, workspace, reviewer="ana")
    assert summary["stored"] == 1
    rows, _ = state(workspace)
    assert ("x:1", "title_abstract", "human", "ana", "exclude") in rows


def test_ris_round_trip_for_asreview_and_rayyan(workspace, tmp_path):
    ris = tmp_path / "out.ris"
    export_decisions(workspace, ris)
    text = ris.read_text()
    # the rule's word is a marked suggestion, never a label a tool reads as a decision
    assert "AN  - x:1" in text and "KW  - litreview-suggestion:include" in text
    assert "LB  -" not in text and "KW  - litreview:include" not in text
    # a reviewer screens elsewhere: x:2 becomes irrelevant, x:1 relevant
    text = text.replace("AN  - x:2", "AN  - x:2\nLB  - ASReview_irrelevant")
    text = text.replace("AN  - x:1", "AN  - x:1\nLB  - ASReview_relevant")
    ris.write_text(text)
    summary = import_decisions(ris, workspace, reviewer="asreview")
    assert summary["stored"] == 2  # x:1 and x:2
    rows, _ = state(workspace)
    assert ("x:2", "title_abstract", "human", "asreview", "exclude") in rows


def test_asreview_labelled_csv(workspace, tmp_path):
    out = tmp_path / "asreview.csv"
    export_decisions(workspace, out, fmt="asreview")
    rows = list(csv.DictReader(out.read_text().splitlines()))
    # ASReview reads "included" as prior labels: the rule's suggestion goes to its own column
    assert [r["included"] for r in rows] == ["", "", "", ""] and rows[0]["doi"] == "10.1000/1"
    assert [r["litreview_suggestion"] for r in rows] == ["include", "", "", ""]


def test_malformed_file_changes_nothing(workspace, tmp_path):
    sheet = tmp_path / "sheet.csv"
    export_decisions(workspace, sheet)
    fill(sheet, {"x:1": "include"}, "ana")
    import_decisions(sheet, workspace)
    before = state(workspace)
    with open(sheet, "a") as handle:
        handle.write("x:999,title_abstract,t,,,,,,,,include,,ana\nx:2,title_abstract,t,,,,,,,,keep,,ana\n")
    with pytest.raises(ScreeningRuleError, match=r"row 6: unknown record id.*row 7: unknown decision"):
        import_decisions(sheet, workspace)
    assert state(workspace) == before


def test_rerun_keeps_human_decisions(workspace, tmp_path):
    sheet = tmp_path / "sheet.csv"
    export_decisions(workspace, sheet)
    fill(sheet, {"x:1": "exclude"}, "ana")
    import_decisions(sheet, workspace)
    with Workspace.existing(workspace) as ws, ws.transaction():
        ws.replace_auto_decisions("r2", [Decision("x:1", "title_abstract", "include", rule_id="IN")], ["x:1"])
    rows, _ = state(workspace)
    assert ("x:1", "title_abstract", "human", "ana", "exclude") in rows
