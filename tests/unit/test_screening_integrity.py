"""Screening a methods reviewer can defend: suggestions are never decisions, dual screening is blind,
decisions that could never count are refused or applied where they count, a title/abstract exclusion
ends a record's path, rules may exclude but never include, full-text exclusions carry a reason."""

from __future__ import annotations

import csv
import json

import pytest

from litreview.dedup.representative import DUPLICATE
from litreview.errors import ScreeningRuleError
from litreview.records import Citation, Decision, Link, Trial
from litreview.screen.commands import (
    AGREEMENT_FILE,
    confirm_rule,
    export_decisions,
    import_decisions,
    to_screen,
)
from litreview.screen.decisions import Policy, effective
from litreview.screen.entry import full_text_entry
from litreview.store.workspace import Workspace

TA, FT = "title_abstract", "full_text"
REASONS = ["Irrelevant records", "NEC of pulmonary origin only", "Merkel cell carcinoma"]


@pytest.fixture
def workspace(tmp_path):
    """Eight citations (x:1..x:8; x:8 a duplicate of x:7) and two trials; rules: IN includes x:1-x:4
    and both trials at title/abstract and the trials at full text, EX excludes x:5."""
    root = tmp_path / "ws"
    records = [Citation(record_id=f"x:{i}", source="x", native_id=str(i), title=f"Study {i} of NEC therapy",
                        authors=("Doe J",), year=2020, abstract=f"Abstract {i}", keywords=("NEC", "platinum"))
               for i in range(1, 9)]  # fmt: skip
    records += [Trial(record_id=f"ctgov:NCT0000000{i}", source="ctgov", native_id=f"NCT0000000{i}",
                      nct_id=f"NCT0000000{i}", title=f"Trial {i} in NEC") for i in (1, 2)]  # fmt: skip
    auto = [Decision(f"x:{i}", TA, "include", "treatment of NEC", rule_id="IN") for i in range(1, 5)]
    auto += [Decision("x:5", TA, "exclude", "Irrelevant", rule_id="EX")]
    auto += [Decision(f"x:{i}", TA, "maybe", "no rule decides") for i in (6, 7)]
    for t in ("ctgov:NCT00000001", "ctgov:NCT00000002"):
        auto += [Decision(t, TA, "include", "registered trial", rule_id="IN-TRIAL"),
                 Decision(t, FT, "include", "registered trial", rule_id="IN-TRIAL")]  # fmt: skip
    with Workspace(root, "demo") as ws, ws.transaction():
        ws.start_run("r1")
        ws.store_records("r1", records)
        ws.replace_links("r1", DUPLICATE, [Link("x:8", "x:7", DUPLICATE, "exact-doi", 1.0)])
        ws.replace_auto_decisions("r1", auto, [r.record_id for r in records])
        ws.set_meta("exclusion_reasons", REASONS)
    return root


def write_sheet(path, rows):
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["record_id", "stage", "decision", "reason", "reviewer"])
        writer.writeheader()
        writer.writerows(rows)


def humans(root):
    with Workspace.existing(root) as ws:
        return [d for d in ws.decisions() if d.origin == "human"]


# 1. Round trips never turn suggestions into decisions ------------------------------------------


@pytest.mark.parametrize("name", ["sheet.csv", "sheet.xlsx", "records.ris"])
def test_an_export_read_straight_back_stores_no_decision(workspace, tmp_path, name):
    out = tmp_path / name
    export_decisions(workspace, out)
    summary = import_decisions(out, workspace, reviewer="r")
    assert summary["stored"] == 0 and humans(workspace) == []


def test_a_file_echoing_every_suggestion_is_refused_unless_flagged(workspace, tmp_path):
    sheet = tmp_path / "copied.csv"
    rows = [{"record_id": f"x:{i}", "stage": TA, "decision": "include", "reviewer": "r"} for i in range(1, 5)]
    rows.append(
        {"record_id": "x:5", "stage": TA, "decision": "exclude", "reason": "Irrelevant", "reviewer": "r"}
    )
    write_sheet(sheet, rows)
    with pytest.raises(ScreeningRuleError, match="repeats the rules' suggestion"):
        import_decisions(sheet, workspace)
    assert humans(workspace) == []
    assert import_decisions(sheet, workspace, accept_suggestions=True)["stored"] == 5


# 2. Blind dual screening ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["sheet.csv", "records.ris", "asreview.csv"])
def test_an_export_for_reviewer_b_never_shows_reviewer_as_decisions(workspace, tmp_path, name):
    sheet = tmp_path / "a.csv"
    write_sheet(sheet, [{"record_id": "x:6", "stage": TA, "decision": "exclude", "reason": "off-topic secret",
                         "reviewer": "alice"},
                        {"record_id": "x:1", "stage": TA, "decision": "exclude", "reason": "alice-only",
                         "reviewer": "alice"}])  # fmt: skip
    import_decisions(sheet, workspace)
    out = tmp_path / name
    export_decisions(
        workspace, out, fmt="asreview" if name.startswith("asreview") else "auto", reviewer="bob"
    )
    text = out.read_text() if not name.endswith(".xlsx") else ""
    assert "alice" not in text and "secret" not in text and "alice-only" not in text
    if name == "sheet.csv":
        rows = {r["record_id"]: r for r in csv.DictReader(text.splitlines())}
        assert rows["x:1"]["suggestion"] == "include" and rows["x:1"]["decision"] == ""
        assert rows["x:6"]["suggestion"] == "maybe"
    # alice's own export shows her own decisions, to carry on from
    mine = tmp_path / "alice.csv"
    export_decisions(workspace, mine, reviewer="alice")
    rows = {r["record_id"]: r for r in csv.DictReader(mine.read_text().splitlines())}
    assert rows["x:6"]["decision"] == "exclude" and rows["x:6"]["reviewer"] == "alice"


# 3. Decisions that could never count ------------------------------------------------------------


def test_a_decision_on_a_duplicate_counts_for_its_cluster(workspace, tmp_path):
    sheet = tmp_path / "dup.csv"
    write_sheet(sheet, [{"record_id": "x:8", "stage": TA, "decision": "include", "reviewer": "ana"}])
    summary = import_decisions(sheet, workspace)
    assert summary["applied_to_cluster"] == [{"record_id": "x:8", "representative": "x:7"}]
    assert [(d.record_id, d.decision) for d in humans(workspace)] == [("x:7", "include")]


def test_full_text_decisions_on_records_excluded_at_title_abstract_are_refused_with_the_row(
    workspace, tmp_path
):
    sheet = tmp_path / "ft.csv"
    write_sheet(sheet, [
        {"record_id": "x:1", "stage": TA, "decision": "include", "reviewer": "ana"},
        {"record_id": "x:1", "stage": FT, "decision": "include", "reviewer": "ana"},
        {"record_id": "x:5", "stage": FT, "decision": "include", "reviewer": "ana"},
    ])  # fmt: skip
    with pytest.raises(ScreeningRuleError, match=r"row 4: x:5 was excluded at title/abstract \(rule EX\)"):
        import_decisions(sheet, workspace)
    assert humans(workspace) == []


# 4. A title/abstract exclusion ends the record's path ---------------------------------------------


def test_a_human_exclusion_ends_the_path_whatever_the_rules_say_later():
    log = [Decision("t", TA, "include", rule_id="IN"), Decision("t", TA, "include", "", "lead", "human", "IN"),
           Decision("t", FT, "include", rule_id="IN"), Decision("t", FT, "include", "", "lead", "human", "IN"),
           Decision("t", TA, "exclude", "not NEC", "ana", "human"), Decision("t", TA, "exclude", "x", "consensus", "human")]  # fmt: skip
    eff = effective(log)
    assert eff[("t", TA)].decision == "exclude" and ("t", FT) not in eff


def test_records_found_only_by_other_methods_enter_at_full_text():
    identified = {
        "medline": ["m1", "both"],
        "ctgov": ["t1"],
        "citations": ["both", "c1"],
        "website": ["c1", "w1"],
    }
    groups = {"medline": "databases", "ctgov": "registers", "citations": "other", "website": "other"}
    assert full_text_entry(identified, groups) == {"c1", "w1"}
    assert full_text_entry({"unnamed": ["u1"]}, {}) == frozenset()  # a source with no group: databases


def test_a_record_that_enters_at_full_text_counts_there_with_no_title_abstract_decision():
    """c1, found only by citation searching: a title/abstract decision on it (the rules' "maybe" an
    earlier run stored, a stray vote) never counts and never blocks its full-text decision; two votes
    a record still need two votes there."""
    log = [Decision("c1", TA, "maybe", "no rule decides"), Decision("c1", TA, "exclude", "x", "ben", "human"),
           Decision("c1", FT, "include", "", "ana", "human")]  # fmt: skip
    assert ("c1", FT) not in effective(log)  # as every view counted it before: awaiting for good
    eff = effective(log, entry={"c1"})
    assert ("c1", TA) not in eff and eff[("c1", FT)].decision == "include"
    two = Policy(required=((TA, 2), (FT, 2)))
    assert effective(log, two, entry={"c1"})[("c1", FT)].decision == "awaiting"


def test_a_title_abstract_decision_on_a_record_that_enters_at_full_text_is_refused(tmp_path):
    root = tmp_path / "ws"
    records = [Citation(record_id=i, source=i.split(":")[0], native_id=i.split(":")[1], title=f"Study {i}")
               for i in ("x:1", "cit:1")]  # fmt: skip
    with Workspace(root, "demo") as ws, ws.transaction():
        ws.start_run("r1")
        ws.store_records("r1", records)
        ws.finish_run("r1", {"sources": {"x": {"group": "databases"}, "cit": {"group": "other"}}})
    sheet = tmp_path / "ta.csv"
    write_sheet(sheet, [{"record_id": "cit:1", "stage": TA, "decision": "include", "reviewer": "ana"}])
    with pytest.raises(ScreeningRuleError, match="row 2: cit:1 was found only by other methods"):
        import_decisions(sheet, root)
    write_sheet(sheet, [{"record_id": "cit:1", "stage": FT, "decision": "include", "reviewer": "ana"}])
    assert import_decisions(sheet, root)["stored"] == 1
    with Workspace.existing(root) as ws:
        assert [r.record_id for r in to_screen(ws, TA)] == ["x:1"]
        assert [r.record_id for r in to_screen(ws, FT)] == ["cit:1"]


# 5. Rules may exclude, never include ---------------------------------------------------------


def test_rule_inclusions_wait_for_a_reviewer_and_exclusions_count():
    eff = effective(
        [Decision("a", TA, "include", "x", rule_id="IN"), Decision("b", TA, "exclude", "y", rule_id="EX")]
    )
    assert eff[("a", TA)].decision == "undecided" and "suggest" in eff[("a", TA)].reason
    assert eff[("b", TA)].decision == "exclude" and eff[("b", TA)].source == "rule EX"


def test_screen_confirm_turns_one_rules_suggestions_into_a_reviewers_logged_decisions(workspace, tmp_path):
    sheet = tmp_path / "a.csv"
    write_sheet(
        sheet, [{"record_id": "x:2", "stage": TA, "decision": "exclude", "reason": "no", "reviewer": "ana"}]
    )
    import_decisions(sheet, workspace)
    done = confirm_rule(workspace, "IN", "lead", TA)
    assert done == {"confirmed": 3, "skipped": 1}  # x:2 was decided by a reviewer: left alone
    confirmed = sorted((d.record_id, d.reviewer, d.rule_id) for d in humans(workspace) if d.rule_id)
    assert confirmed == [("x:1", "lead", "IN"), ("x:3", "lead", "IN"), ("x:4", "lead", "IN")]
    with Workspace.existing(workspace) as ws:
        eff = effective(ws.decisions())
        history = ws.conn.execute(
            "SELECT COUNT(*) FROM decision_history WHERE batch LIKE 'confirm:IN:%'"
        ).fetchone()
    assert eff[("x:1", TA)].decision == "include" and history[0] == 3
    with pytest.raises(Exception, match="not an include rule"):
        confirm_rule(workspace, "EX", "lead", TA)


def test_with_two_votes_a_record_the_second_reviewers_confirmation_is_the_second_vote(workspace):
    """Bulk confirmation skips what a reviewer decided; with two votes needed, a record one reviewer
    confirmed still awaits the other, whose confirmation must reach it (else it waits for good)."""
    from litreview.screen.commands import POLICY_META
    from litreview.screen.decisions import Policy

    with Workspace.existing(workspace) as ws, ws.transaction():
        ws.set_meta(POLICY_META, Policy(required=((TA, 2), (FT, 2))).as_meta())
    assert confirm_rule(workspace, "IN", "ana", TA) == {"confirmed": 4, "skipped": 0}
    with Workspace.existing(workspace) as ws:
        assert effective(ws.decisions(), Policy(required=((TA, 2),)))[("x:1", TA)].decision == "awaiting"
    assert confirm_rule(workspace, "IN", "ben", TA) == {"confirmed": 4, "skipped": 0}
    assert confirm_rule(workspace, "IN", "ana", TA) == {"confirmed": 0, "skipped": 4}  # her own, and settled
    with Workspace.existing(workspace) as ws:
        decided = effective(ws.decisions(), Policy(required=((TA, 2),)))
    assert all(decided[(f"x:{i}", TA)].decision == "include" for i in range(1, 5))


# 6. Full text: reasons from the protocol's list; kappa on decisions, reasons apart ---------------------


def test_full_text_exclusions_need_a_reason_from_the_list(workspace, tmp_path):
    base = [{"record_id": "x:1", "stage": TA, "decision": "include", "reviewer": "ana"}]
    sheet = tmp_path / "ft.csv"
    write_sheet(sheet, [*base, {"record_id": "x:1", "stage": FT, "decision": "exclude", "reviewer": "ana"}])
    with pytest.raises(ScreeningRuleError, match="row 3: a full-text exclusion needs a reason"):
        import_decisions(sheet, workspace)
    write_sheet(sheet, [*base, {"record_id": "x:1", "stage": FT, "decision": "exclude", "reason": "boring",
                                "reviewer": "ana"}])  # fmt: skip
    with pytest.raises(ScreeningRuleError, match="not one of the protocol's exclusion reasons"):
        import_decisions(sheet, workspace)
    write_sheet(sheet, [*base, {"record_id": "x:1", "stage": FT, "decision": "exclude",
                                "reason": "other: single-arm phase I", "reviewer": "ana"}])  # fmt: skip
    assert import_decisions(sheet, workspace)["stored"] == 2


def test_a_report_not_retrieved_needs_a_reason_and_any_words_will_do(workspace, tmp_path):
    """PRISMA's "reports not retrieved" counts reports sought and never obtained, with why: a blank
    reason is refused with nothing stored; any reason is taken (it is no exclusion: the protocol's
    list of exclusion reasons does not apply)."""
    base = [{"record_id": "x:3", "stage": TA, "decision": "include", "reviewer": "cho"}]
    sheet = tmp_path / "nr.csv"
    for blank in ("", "   "):
        write_sheet(sheet, [*base, {"record_id": "x:3", "stage": FT, "decision": "not retrieved", "reason": blank,
                                    "reviewer": "cho"}])  # fmt: skip
        with pytest.raises(ScreeningRuleError, match="row 3: a 'not retrieved' decision needs a reason"):
            import_decisions(sheet, workspace)
    with Workspace.existing(workspace) as ws:
        assert [d for d in ws.decisions() if d.origin == "human"] == []
    write_sheet(sheet, [*base, {"record_id": "x:3", "stage": FT, "decision": "not retrieved",
                                "reason": "interlibrary loan refused; no reply from the authors", "reviewer": "cho"}])  # fmt: skip
    assert import_decisions(sheet, workspace)["stored"] == 2


def test_reason_disagreement_is_reported_apart_and_written_to_the_workspace(workspace, tmp_path):
    for reviewer, reason in (("ana", "Merkel cell carcinoma"), ("ben", "Irrelevant records")):
        sheet = tmp_path / f"{reviewer}.csv"
        write_sheet(sheet, [{"record_id": "x:6", "stage": TA, "decision": "exclude", "reason": reason,
                             "reviewer": reviewer},
                            {"record_id": "x:7", "stage": TA, "decision": "include", "reviewer": reviewer}])  # fmt: skip
        summary = import_decisions(sheet, workspace)
    pair = summary["agreement"][0]["pairs"][0]
    assert pair["agreement"] == 1.0  # same decisions: kappa counts agreement on decisions
    assert summary["reason_disagreements"] == [{"record_id": "x:6", "stage": TA, "decision": "exclude",
                                                "reasons": {"ana": "Merkel cell carcinoma", "ben": "Irrelevant records"}}]  # fmt: skip
    written = json.loads((workspace / AGREEMENT_FILE).read_text())
    assert written["reason_disagreements"] == summary["reason_disagreements"]
    assert written["per_reviewer"]["ana"] == {"title_abstract:exclude": 1, "title_abstract:include": 1}
    with Workspace.existing(workspace) as ws:
        counted = effective(ws.decisions())[("x:6", TA)]
    assert "ana: Merkel" in counted.reason and "ben: Irrelevant" in counted.reason  # no first-one-wins
