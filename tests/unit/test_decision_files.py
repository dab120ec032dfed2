"""Screening files round-trip through a workspace: CSV and XLSX sheets, labelled RIS, ASReview CSV."""

import csv
import sqlite3

import pytest

from litreview.errors import RecordParseError, ScreeningRuleError
from litreview.records import Citation, Decision
from litreview.screen.commands import export_decisions, import_decisions
from litreview.store.workspace import Workspace


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


def test_a_sheet_resaved_by_excel_with_semicolons_imports_the_same_decisions(workspace, tmp_path):
    sheet = tmp_path / "sheet.csv"
    export_decisions(workspace, sheet)
    fill(sheet, {"x:1": "include", "x:2": "exclude"}, "ana")
    with open(sheet, newline="") as handle:
        rows = list(csv.reader(handle))
    with open(sheet, "w", newline="", encoding="utf-8-sig") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    summary = import_decisions(sheet, workspace)
    assert summary["stored"] == 2
    rows, _ = state(workspace)
    assert {("x:1", "human", "include"), ("x:2", "human", "exclude")} <= {(r[0], r[2], r[4]) for r in rows}


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


@pytest.fixture
def shared_doi_workspace(tmp_path):
    """Two conference abstracts in one supplement (one DOI), a study with no DOI, and two records
    with the same title that are different studies."""
    root = tmp_path / "ws2"
    records = [
        Citation(record_id="e:1", source="embase", native_id="1", doi="10.1200/JCO.2020.38.4_suppl.1",
                 title="Temozolomide and capecitabine in grade 3 neuroendocrine carcinoma", year=2020),
        Citation(record_id="e:2", source="embase", native_id="2", doi="10.1200/JCO.2020.38.4_suppl.1",
                 title="Nivolumab plus ipilimumab in extrapulmonary small cell carcinoma", year=2020),
        Citation(record_id="p:3", source="pubmed", native_id="3", pmid="31000003",
                 title="Second-line FOLFIRI after platinum-etoposide failure", year=2019),
        Citation(record_id="p:4", source="pubmed", native_id="4", pmid="31000004",
                 title="Neuroendocrine carcinoma of the cervix: a case series", year=2018),
        Citation(record_id="e:5", source="embase", native_id="5",
                 title="Neuroendocrine carcinoma of the cervix: a case series", year=2021),
    ]  # fmt: skip
    with Workspace(root, "demo") as ws, ws.transaction():
        ws.start_run("r1")
        ws.store_records("r1", records)
    return root


def write_rows(path, header, rows):
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def test_asreview_lab_export_is_matched_by_doi_pmid_and_title(shared_doi_workspace, tmp_path):
    export = tmp_path / "asreview_result.csv"
    # ASReview numbers records itself; litreview's ids are gone. Titles are re-cased, DOIs re-written.
    write_rows(export, ["record_id", "title", "abstract", "doi", "pubmed_id", "asreview_label", "asreview_note"], [
        [0, "TEMOZOLOMIDE AND CAPECITABINE in grade-3 neuroendocrine carcinoma.", "", "https://doi.org/10.1200/jco.2020.38.4_SUPPL.1", "", 1, ""],
        [1, "Nivolumab plus ipilimumab in extrapulmonary small cell carcinoma", "", "", "", 0, "wrong histology"],
        [2, "FOLFIRI (second line)", "", "", "31000003", 1, ""],
        [3, "A study nobody searched for in this review", "", "10.9999/none", "", 0, ""],
        [4, "Neuroendocrine carcinoma of the cervix: a case series", "", "", "", 0, ""],
        [5, "Unscreened record title here", "", "", "", "", ""],
    ])  # fmt: skip
    summary = import_decisions(export, shared_doi_workspace, reviewer="ana")
    rows, _ = state(shared_doi_workspace)
    assert rows == [
        ("e:1", "title_abstract", "human", "ana", "include"),  # DOI shared by two studies, narrowed by title
        ("e:2", "title_abstract", "human", "ana", "exclude"),
        ("p:3", "title_abstract", "human", "ana", "include"),  # by PMID, title too short to trust
    ]
    assert summary["stored"] == 3 and summary["skipped_blank"] == 1
    assert [(u["row"], u["why"].split(":")[0]) for u in summary["unmatched"]] == [
        (5, "no record has its id, DOI, PMID or title"),
        (6, "matches 2 different studies"),  # one title, two studies: never guessed
    ]


def test_asreview_xlsx_export_and_a_file_matching_nothing(shared_doi_workspace, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["record_id", "title", "doi", "asreview_label"])
    book.active.append([7, "Second-line FOLFIRI after platinum-etoposide failure", None, 0])
    book.save(tmp_path / "a.xlsx")
    assert import_decisions(tmp_path / "a.xlsx", shared_doi_workspace, reviewer="ben")["stored"] == 1
    assert state(shared_doi_workspace)[0] == [("p:3", "title_abstract", "human", "ben", "exclude")]
    write_rows(
        tmp_path / "b.csv", ["record_id", "title", "asreview_label"], [[0, "Something else entirely here", 1]]
    )
    before = state(shared_doi_workspace)
    with pytest.raises(ScreeningRuleError, match="none of its 1 decisions matches a record"):
        import_decisions(tmp_path / "b.csv", shared_doi_workspace, reviewer="ben")
    assert state(shared_doi_workspace) == before


RAYYAN_RIS = """TY  - JOUR
TI  - Temozolomide and capecitabine in grade 3 neuroendocrine carcinoma
DO  - 10.1200/JCO.2020.38.4_suppl.1
N1  - RAYYAN-INCLUSION: {"Ana Silva"=>"Included", "Ben Okafor"=>"Excluded"} | RAYYAN-EXCLUSION-REASONS: wrong population
ER  -

TY  - JOUR
TI  - Second-line FOLFIRI after platinum-etoposide failure
N1  - PMID: 31000003 | RAYYAN-INCLUSION: {"Ana Silva"=>"Excluded", "Ben Okafor"=>"Undecided"} | RAYYAN-EXCLUSION-REASONS: wrong population,wrong outcome | RAYYAN-LABELS: second line
ER  -
"""


def test_rayyan_ris_votes_become_each_reviewers_decisions(shared_doi_workspace, tmp_path):
    export = tmp_path / "rayyan.ris"
    export.write_text(RAYYAN_RIS)
    summary = import_decisions(export, shared_doi_workspace)
    conn = sqlite3.connect(shared_doi_workspace / "workspace.sqlite")
    got = sorted(conn.execute("SELECT record_id, reviewer, decision, reason FROM decisions"))
    conn.close()
    assert got == [
        ("e:1", "Ana Silva", "include", ""),
        ("e:1", "Ben Okafor", "exclude", "wrong population"),
        ("p:3", "Ana Silva", "exclude", "wrong population; wrong outcome"),
    ]
    assert [c["record_id"] for c in summary["conflicts"]] == ["e:1"] and summary["unmatched"] == []


def test_rayyan_csv_and_an_unknown_vote_word(shared_doi_workspace, tmp_path):
    header = ["key", "title", "authors", "year", "doi", "notes"]
    write_rows(tmp_path / "r.csv", header, [
        ["rayyan-1", "Second-line FOLFIRI after platinum-etoposide failure", "", "2019", "",
         'PMID: 31000003 | RAYYAN-INCLUSION: {"Ana"=>"Maybe"}'],
        ["rayyan-2", "Temozolomide and capecitabine in grade 3 neuroendocrine carcinoma", "", "2020",
         "10.1200/JCO.2020.38.4_suppl.1", 'RAYYAN-INCLUSION: {"Ana"=>"Perhaps"}'],
    ])  # fmt: skip
    with pytest.raises(ScreeningRuleError, match=r"row 3: unknown decision 'Perhaps'"):
        import_decisions(tmp_path / "r.csv", shared_doi_workspace)
    assert state(shared_doi_workspace)[0] == []


def test_a_csv_broken_mid_file_names_its_line(shared_doi_workspace, tmp_path):
    broken = tmp_path / "broken.csv"
    broken.write_text('record_id,title,asreview_label\n1,"Second-line FOLFIRI,1\n2,"unclosed title,0\n')
    with pytest.raises(RecordParseError, match=r"broken\.csv:3: malformed CSV"):
        import_decisions(broken, shared_doi_workspace, reviewer="ana")


def test_a_published_reference_list_is_read_as_inclusions_matched_by_doi_pmid_and_title(
    shared_doi_workspace, tmp_path
):
    import json

    refs = tmp_path / "references.json"
    refs.write_text(json.dumps([
        {"ref_no": 1, "title": "Second-line FOLFIRI", "pmid": "31000003", "doi": None},
        {"ref_no": 2, "title": "Temozolomide and capecitabine in grade 3 neuroendocrine carcinoma",
         "doi": "10.1200/JCO.2020.38.4_suppl.1"},
        {"ref_no": 3, "title": "WHO classification of tumours", "doi": None, "pmid": None},
    ]))  # fmt: skip
    summary = import_decisions(refs, shared_doi_workspace, reviewer="Paper 2020 (published)")
    rows, _ = state(shared_doi_workspace)
    assert rows == [(r, s, "human", "Paper 2020 (published)", "include")
                    for r in ("e:1", "p:3") for s in ("full_text", "title_abstract")]  # fmt: skip
    assert [u["row"] for u in summary["unmatched"]] == [3, 3]  # named by its place in the list
    for bad, message in (("{}", "JSON array"), ("[1]", "reference 1 is not an object"),
                         ('[{"year": 2020}]', "no title, DOI or PMID"), ("[", "not a JSON")):  # fmt: skip
        refs.write_text(bad)
        with pytest.raises(RecordParseError, match=message):
            import_decisions(refs, shared_doi_workspace, reviewer="x")


def test_screen_export_votes_writes_every_vote_beside_what_counts(workspace, tmp_path):
    from litreview.screen.commands import export_votes

    with Workspace.existing(workspace) as ws, ws.transaction():
        ws.add_human_decisions("t", [Decision("x:2", "title_abstract", "maybe", "", "ana", "human"),
                                     Decision("x:2", "title_abstract", "exclude", "off topic", "ben", "human")])  # fmt: skip
    out = tmp_path / "votes.csv"
    assert export_votes(workspace, out) == 2
    with open(out, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["reviewer"], r["role"], r["decision"], r["counts_as"]) for r in rows] == [
        ("ana", "reviewer", "maybe", "conflict"), ("ben", "reviewer", "exclude", "conflict")
    ]  # fmt: skip
    assert rows[0]["title"] == "Study 2 of NEC therapy"


def test_screen_status_has_an_awaiting_line_and_export_votes_runs_from_the_cli(
    workspace, tmp_path, monkeypatch, capsys
):
    from tests.unit.test_cli import run_cli

    from litreview.screen.commands import POLICY_META
    from litreview.screen.decisions import Policy

    with Workspace.existing(workspace) as ws, ws.transaction():
        ws.set_meta(POLICY_META, Policy(required=(("title_abstract", 2), ("full_text", 1))).as_meta())
        ws.add_human_decisions("t", [Decision("x:2", "title_abstract", "exclude", "off topic", "ana", "human"),
                                     Decision("x:3", "title_abstract", "include", "", "ana", "human"),
                                     Decision("x:3", "title_abstract", "exclude", "", "ben", "human")])  # fmt: skip
    code, out = run_cli(monkeypatch, capsys, "screen", "status", "--workspace", str(workspace))
    assert code == 0
    assert (
        "awaiting a second reviewer: 1 (2 independent vote(s) needed); in conflict: 1; no vote yet: 2"
        in out.out
    )
    code, out = run_cli(monkeypatch, capsys, "screen", "export", "--workspace", str(workspace), "--votes",
                        "--out", str(tmp_path / "votes.csv"))  # fmt: skip
    assert code == 0 and "3 votes written" in out.err
