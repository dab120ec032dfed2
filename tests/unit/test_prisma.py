"""PRISMA 2020 counts from hand-built decision logs, the template CSV, the diagram and PRISMA-S."""

import csv

import pytest

from litreview.records import Decision
from litreview.report.diagram import WIDTH, diagram_boxes, layout, write_diagram
from litreview.report.prisma import _check_arithmetic, count_flow
from litreview.report.prisma2020_csv import TEMPLATE, write_prisma2020_csv
from litreview.report.prisma_s import search_log, search_log_markdown
from litreview.screen.decisions import effective
from litreview.screen.entry import full_text_entry

TA, FT = "title_abstract", "full_text"


def hand_built():
    identified = {"medline": [f"m{i}" for i in range(10)], "embase": [f"e{i}" for i in range(6)],
                  "ctgov": ["t1", "t2"], "citations": ["c1", "c2", "c3"]}  # fmt: skip
    groups = {"medline": "databases", "embase": "databases", "ctgov": "registers", "citations": "other"}
    duplicates = {"e0": "m0", "e1": "m1"}
    log = [
        Decision("m2", TA, "exclude", "Irrelevant", rule_id="EX"),  # automation
        Decision("m3", TA, "exclude", "Irrelevant", rule_id="EX"),
        Decision("m4", TA, "exclude", "Prognosis only", "ana", "human"),
        Decision("m5", TA, "include", "", "ana", "human"),
        # rule inclusions count once a reviewer confirms them (one by one or with `screen confirm`)
        Decision("m6", TA, "include", rule_id="IN"), Decision("m6", TA, "include", "", "ana", "human", "IN"),
        Decision("m7", TA, "include", "", "ana", "human"), Decision("m7", TA, "exclude", "", "ben", "human"),
        Decision("t1", TA, "include", rule_id="IN"), Decision("t2", TA, "include", rule_id="IN"),
        Decision("t1", TA, "include", "", "ana", "human", "IN"), Decision("t2", TA, "include", "", "ana", "human", "IN"),
        Decision("m5", FT, "include", "", "ana", "human"),
        Decision("m6", FT, "exclude", "Pulmonary only", "ana", "human"),
        Decision("t1", FT, "include", rule_id="IN"), Decision("t1", FT, "include", "", "ana", "human", "IN"),
        Decision("t2", FT, "not_retrieved", "", "ana", "human"),
        Decision("c1", FT, "include", "", "ana", "human"), Decision("c2", FT, "exclude", "Merkel", "ana", "human"),
    ]  # fmt: skip
    return count_flow(identified=identified, groups=groups, duplicates=duplicates, decisions=effective(log),
                      reported={"databases": 20, "registers": 2, "excluded": 10, "included_studies_databases": 3,
                                "included_trials": 2}, previous={"studies": 4, "reports": 5})  # fmt: skip


def test_counts_follow_the_decision_log():
    flow = hand_built()
    dbr, other = flow["databases_and_registers"], flow["other_methods"]
    assert flow["identified_total"] == 21 and flow["duplicates_removed"]["total"] == 2
    assert flow["records_after_duplicates_removed"] == 19
    assert dbr["removed_before_screening"]["automation"] == 2
    assert dbr["records_screened"] == 14  # 16 db/register records kept minus 2 removed by rules
    assert dbr["records_excluded"] == 1 and dbr["records_excluded_by_reason"] == {"Prognosis only": 1}
    assert dbr["records_awaiting_screening"] == 9  # undecided + the ana/ben conflict on m7
    assert dbr["reports_sought"] == 4 and dbr["reports_not_retrieved"] == 1
    assert dbr["reports_assessed"] == 3 and dbr["reports_excluded_by_reason"] == {"Pulmonary only": 1}
    assert dbr["new_studies"] == 2
    assert other["reports_sought"] == 3 and other["reports_assessed"] == 2 and other["new_studies"] == 1
    assert other["reports_awaiting_assessment"] == 1
    assert flow["new_studies"] == 3 and flow["total_studies"] == 7 and flow["total_reports"] == 8
    assert flow["included_by_group"] == {"databases": 1, "other": 1, "registers": 1}


def test_reported_vs_reproduced_shows_the_papers_gap_without_a_reason():
    rows = {r["item"]: r for r in hand_built()["reported_vs_reproduced"]}
    gap = next(r for item, r in rows.items() if item.startswith("Unaccounted"))
    assert (
        gap["reported"] == 20 + 2 - 10 - 3 - 2
        and gap["reproduced"] is None
        and "not explained" in gap["note"]
    )
    assert rows["Records identified from databases"] == {
        "item": "Records identified from databases",
        "reported": 20,
        "reproduced": 16,
    }


@pytest.mark.parametrize(
    ("path", "key"),
    [("databases_and_registers", "records_excluded"), ("databases_and_registers", "reports_not_retrieved"),
     ("other_methods", "new_studies"), (None, "records_after_duplicates_removed")],
)  # fmt: skip
def test_every_box_is_checked_to_add_up(path, key):
    flow = hand_built()
    block = flow[path] if path else flow
    block[key] += 1
    with pytest.raises(AssertionError, match="PRISMA"):
        _check_arithmetic(flow)


def test_prisma2020_csv_uses_the_template_keys(tmp_path):
    path = tmp_path / "prisma2020.csv"
    write_prisma2020_csv(path, hand_built(), {"medline": "MEDLINE"})
    rows = list(csv.DictReader(path.read_text().splitlines()))
    assert list(rows[0]) == ["data", "node", "box", "description", "boxtext", "tooltips", "url", "n"]
    assert [r["data"] for r in rows] == [t[0] for t in TEMPLATE]
    n = {r["data"]: r["n"] for r in rows}
    assert n["database_results"] == "16" and n["database_specific_results"] == "embase, 6; MEDLINE, 10"
    assert n["dbr_excluded"] == "Pulmonary only, 1" and n["excluded_automatic"] == "2"
    assert n["previous_studies"] == "4" and n["total_studies"] == "7" and n["citations_results"] == "3"


def test_diagram_boxes_do_not_overlap_and_all_formats_are_written(tmp_path):
    flow = hand_built()
    boxes = diagram_boxes(flow)
    layout(boxes)
    keys = {b.key for b in boxes}
    assert {"prevstud", "box1", "box2", "box3", "box10", "box11", "box14", "box16"} <= keys
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart_x = a.x + WIDTH <= b.x or b.x + WIDTH <= a.x
            apart_y = a.y + a.h <= b.y or b.y + b.h <= a.y
            assert apart_x or apart_y, (a.key, b.key)
    files = write_diagram(tmp_path, flow)
    assert sorted(files) == ["prisma.pdf", "prisma.png", "prisma.svg", "prisma@2x.png"]
    assert (tmp_path / "prisma.svg").read_text().count("Reports excluded") >= 1
    again = tmp_path / "again"
    again.mkdir()
    write_diagram(again, flow)
    assert (again / "prisma.svg").read_bytes() == (tmp_path / "prisma.svg").read_bytes()  # deterministic


def test_prisma_s_log_lists_what_needs_a_human():
    manifest = {"review_id": "demo", "run_id": "r1", "counts": {"pubmed": 3},
                "sources": {"pubmed": {"group": "databases", "label": "MEDLINE", "platform": "PubMed",
                                       "searched": "2022-07-18", "query_as_written": "a OR b)",
                                       "repair_applied": ["delete ')' at 1:7"], "query_as_run": "a OR b",
                                       "date_window": {"maxdate": "2022/07/18"}, "count": 3, "fetched": 3}}}  # fmt: skip
    log = search_log(manifest, {"criteria": {"citation_searching": True}}, {"identified_total": 3})
    assert (
        "14_peer_review" in log["to_do_by_a_human"] and "5_citation_searching" not in log["to_do_by_a_human"]
    )
    text = search_log_markdown(log)
    assert "delete ')' at 1:7" in text and "a OR b)" in text and "[ ] PRISMA-S item 14" in text


def test_screening_outcome_per_source():
    by_source = hand_built()["screening_by_source"]
    assert by_source["embase"] == {"awaiting": 4, "duplicates": 2}
    assert (
        by_source["medline"]["excluded_by_rules"] == 2 and by_source["medline"]["excluded_by_reviewers"] == 1
    )
    assert by_source["ctgov"] == {"included": 1, "not_retrieved": 1}
    assert sum(sum(v.values()) for v in by_source.values()) == 21


def _template_numbers(flow):
    from litreview.report.prisma2020_csv import _total, template_values

    return {k: _total(v) for k, v in template_values(flow).items()}


def test_an_in_progress_review_adds_up_in_the_prisma2020_template():
    """Records awaiting a decision (m7's conflict, undecided records, a report awaiting assessment)
    still leave every box of the template adding up, as the PRISMA2020 app draws it."""
    flow = hand_built()
    dbr = flow["databases_and_registers"]
    assert dbr["records_awaiting_screening"] > 0
    n = _template_numbers(flow)
    assert (
        n["database_results"] + n["register_results"] - n["duplicates"] - n["excluded_automatic"]
        == n["records_screened"]
    )
    assert n["records_screened"] - n["records_excluded"] == n["dbr_sought_reports"]
    assert n["dbr_sought_reports"] - n["dbr_notretrieved_reports"] == n["dbr_assessed"]
    assert (
        n["dbr_assessed"] - n["dbr_excluded"] + n["other_assessed"] - n["other_excluded"] == n["new_studies"]
    )


def test_a_citation_searching_duplicate_is_removed_in_its_own_column(tmp_path):
    identified = {"medline": ["m1", "m2", "m3"], "citations": ["c1", "c2"]}
    groups = {"medline": "databases", "citations": "other"}
    log = [Decision(i, TA, "include", "", "ana", "human") for i in ("m1", "m2", "m3")]
    log += [Decision(i, FT, "include", "", "ana", "human") for i in ("m1", "m2", "m3", "c2")]
    flow = count_flow(identified=identified, groups=groups, duplicates={"c1": "m1"}, decisions=effective(log))
    assert flow["duplicates_removed"]["by_group"] == {"databases": 0, "registers": 0, "other": 1}
    assert flow["databases_and_registers"]["records_screened"] == 3  # 3 - 0 duplicates, not 3 - 1
    assert flow["other_methods"]["reports_sought"] == 1
    n = _template_numbers(flow)
    assert n["duplicates"] == 0 and n["citations_results"] == n["other_sought_reports"] == 1
    svg = write_diagram(tmp_path, flow, {})["prisma.svg"].read_text()
    assert "Duplicates of records above removed (n = 1)" in svg


def test_a_first_review_says_studies_included_in_review(tmp_path):
    first = count_flow(identified={"m": ["a"]}, groups={"m": "databases"}, duplicates={},
                       decisions=effective([Decision("a", TA, "include", "", "x", "human"),
                                            Decision("a", FT, "include", "", "x", "human")]))  # fmt: skip
    svg = write_diagram(tmp_path, first, {})["prisma.svg"].read_text()
    assert "Studies included in review (n = 1)" in svg and "New studies" not in svg
    write_prisma2020_csv(tmp_path / "p.csv", first)
    rows = {r["data"]: r for r in csv.DictReader((tmp_path / "p.csv").read_text().splitlines())}
    assert rows["new_studies"]["boxtext"] == "Studies included in review"
    update = hand_built()
    assert (
        "New studies included in review"
        in write_diagram(tmp_path / "u", update, {})["prisma.svg"].read_text()
    )


def test_the_template_check_fails_loudly():
    from litreview.report.prisma2020_csv import check_template, template_values

    values = template_values(hand_built())
    values["records_screened"] += 1
    with pytest.raises(AssertionError, match="identified - removed = screened"):
        check_template(values)


def test_drawing_leaves_matplotlibs_global_state_alone(tmp_path):
    """A notebook that imports litreview keeps its own matplotlib backend and settings."""
    import subprocess
    import sys

    code = (
        "import matplotlib, pathlib, sys\n"
        "before = {k: repr(v) for k, v in matplotlib.rcParams.items()}\n"
        "from litreview.report.diagram import write_diagram\n"
        "from tests.unit.test_prisma import hand_built\n"
        "write_diagram(pathlib.Path(sys.argv[1]), hand_built())\n"
        "after = {k: repr(v) for k, v in matplotlib.rcParams.items()}\n"
        "print(sorted(k for k in before if before[k] != after[k]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
    assert (tmp_path / "prisma.svg").exists()


def test_a_report_the_fetch_found_none_for_counts_as_not_retrieved_while_it_has_no_full_text():
    """Sought s1..s5; the fetch found no full text for s1..s4 and for x (not sought: excluded at
    title/abstract). s2's full text was attached since; s3 a person excluded at full text; s4 a
    person voted "maybe" on. Only s1 is a report not retrieved."""
    ids = ["s1", "s2", "s3", "s4", "s5", "x"]
    log = [Decision(r, TA, "include", "", "ana", "human") for r in ids[:5]] + [
        Decision("x", TA, "exclude", "Irrelevant", "ana", "human"),
        Decision("s3", FT, "exclude", "Pulmonary only", "ana", "human"),
        Decision("s4", FT, "maybe", "", "ana", "human"),
    ]

    def flow(retrieved=(), not_retrieved=()):
        return count_flow(identified={"medline": ids}, groups={"medline": "databases"}, duplicates={},
                          decisions=effective(log), retrieved=retrieved, not_retrieved=not_retrieved)  # fmt: skip

    counted = flow(retrieved={"s2"}, not_retrieved={"s1", "s2", "s3", "s4", "x"})
    dbr = counted["databases_and_registers"]
    assert (dbr["reports_sought"], dbr["reports_not_retrieved"], dbr["reports_assessed"],
            dbr["reports_awaiting_assessment"]) == (5, 1, 1, 3)  # fmt: skip
    assert counted["screening_by_source"]["medline"]["not_retrieved"] == 1
    # once s1's full text is attached it awaits assessment like the others
    assert (
        flow(retrieved={"s1", "s2"}, not_retrieved={"s1", "s2", "s3", "s4", "x"})["databases_and_registers"][
            "reports_not_retrieved"
        ]
        == 0
    )
    # nothing fetched: the reviewers' decisions alone, as before
    assert flow()["databases_and_registers"]["reports_awaiting_assessment"] == 4


def test_a_record_awaiting_its_second_reviewer_waits_in_prisma():
    """With two reviewers a record, one vote is not a decision: the record waits at the stage it is
    voted at (a lone include at title/abstract is not a report sought, at full text not a study)."""
    from litreview.screen.decisions import Policy

    policy = Policy(required=((TA, 2), (FT, 2)))
    log = [
        Decision("m1", TA, "include", "", "ana", "human"),  # one of two votes
        Decision("m2", TA, "include", "", "ana", "human"), Decision("m2", TA, "include", "", "ben", "human"),
        Decision("m2", FT, "include", "", "ana", "human"),  # one of two votes
        Decision("m3", TA, "include", "", "ana", "human"), Decision("m3", TA, "include", "", "ben", "human"),
        Decision("m3", FT, "include", "", "ana", "human"), Decision("m3", FT, "include", "", "ben", "human"),
    ]  # fmt: skip
    decided = effective(log, policy)
    assert decided[("m1", TA)].decision == "awaiting" and decided[("m2", FT)].decision == "awaiting"
    flow = count_flow(identified={"medline": ["m1", "m2", "m3"]}, groups={"medline": "databases"},
                      duplicates={}, decisions=decided)  # fmt: skip
    dbr = flow["databases_and_registers"]
    assert dbr["records_awaiting_screening"] == 1 and dbr["reports_sought"] == 2
    assert dbr["reports_awaiting_assessment"] == 1 and dbr["reports_assessed"] == 1
    assert dbr["new_studies"] == 1 and flow["new_studies"] == 1


def test_a_record_found_by_a_database_and_by_citation_searching_counts_once_in_the_databases_column():
    """m2 is the same record in both sources: identified by each, one study, screened at
    title/abstract (databases path); its second find is removed in the other-methods column."""
    identified = {"medline": ["m1", "m2"], "citations": ["m2", "c1"]}
    groups = {"medline": "databases", "citations": "other"}
    log = [Decision(i, TA, "include", "", "ana", "human") for i in ("m1", "m2")]
    log += [Decision(i, FT, "include", "", "ana", "human") for i in ("m2", "c1")]
    flow = count_flow(identified=identified, groups=groups, duplicates={},
                      decisions=effective(log, entry=full_text_entry(identified, groups)))  # fmt: skip
    assert flow["identified_total"] == 4 and flow["records_after_duplicates_removed"] == 3
    assert flow["duplicates_removed"]["by_source"] == {"citations": 1, "medline": 0}
    assert flow["duplicates_removed"]["by_group"] == {"databases": 0, "registers": 0, "other": 1}
    dbr, other = flow["databases_and_registers"], flow["other_methods"]
    assert (
        dbr["records_screened"] == 2 and dbr["new_studies"] == 1 and dbr["reports_awaiting_assessment"] == 1
    )
    assert other["reports_sought"] == 1 and other["new_studies"] == 1
    assert flow["included_by_group"] == {"databases": 1, "other": 1}


def test_a_citation_searching_report_the_fetch_found_none_for_counts_as_not_retrieved():
    """c1 has no title/abstract stage: sought from the start, so a fetch that found none for it
    makes it a report not retrieved in the other-methods column."""
    identified, groups = (
        {"medline": ["m1"], "citations": ["c1"]},
        {"medline": "databases", "citations": "other"},
    )
    flow = count_flow(
        identified=identified, groups=groups, duplicates={}, decisions={}, not_retrieved={"c1", "m1"}
    )
    assert flow["other_methods"]["reports_not_retrieved"] == 1
    assert flow["databases_and_registers"]["reports_not_retrieved"] == 0  # m1 was never sought
