"""Human extraction: a cell's states (unverified, awaiting, agreed, conflict, consensus), the value
the tables show and its provenance, what a save stores, the machine's agreement per column, the
evidence sentence; ``[tables] extractors_per_record`` validated; the store keeps every save on both
backends."""

import pytest
from tests.unit.test_extraction import SPEC, shared_trials
from tests.unit.test_protocol_models import _damage, _refused

from litreview.config import load_protocol
from litreview.extract.forms import (
    ACCEPTED,
    AGREED,
    AWAITING,
    CONFLICT,
    CONSENSUS,
    EDITED,
    UNVERIFIED,
    Saved,
    cell_states,
    changes,
    conflicts,
    form_columns,
    machine_agreement,
    own_values,
    sentence,
    settle,
    value_problem,
)
from litreview.extract.rows import Quote
from litreview.extract.tables import UNVERIFIED_MARK, build_tables, tables_markdown
from litreview.store.workspace import Workspace


def saved(extractor, value, column="design", record="ctgov:NCT1", origin=EDITED):
    return Saved(record, column, extractor, value, origin)


def test_a_cell_nobody_touched_shows_the_suggestion_unverified():
    cell = settle("Phase II", {}, 2)
    assert (cell.state, cell.value, cell.verified, cell.provenance()) == (
        UNVERIFIED, "Phase II", False, {"source": "machine"}
    )  # fmt: skip


def test_one_of_two_extractors_is_awaiting_and_the_suggestion_stays():
    cell = settle("Phase II", {"ana": "Phase III"}, 2)
    assert (cell.state, cell.value, cell.verified) == (AWAITING, "Phase II", False)
    assert settle("Phase II", {"ana": "Phase III"}, 1).state == AGREED  # one is enough when one is asked


def test_two_extractors_who_agree_verify_the_cell_with_their_names():
    cell = settle("Phase II", {"ben": "Phase III", "ana": "Phase III"}, 2)
    assert (cell.state, cell.value, cell.verified) == (AGREED, "Phase III", True)
    assert cell.provenance() == {"source": "extractors", "extractors": ["ana", "ben"]}


def test_disagreement_is_a_conflict_that_a_lead_consensus_settles():
    values = {"ana": "Phase II", "ben": "Phase III"}
    cell = settle("Phase II", values, 2)
    assert (cell.state, cell.value, cell.verified) == (CONFLICT, "Phase II", False)
    settled = settle("Phase II", values, 2, saved("lea", "Phase II/III", origin=CONSENSUS))
    assert (settled.state, settled.value, settled.verified) == (CONSENSUS, "Phase II/III", True)
    assert settled.provenance() == {"source": "consensus", "lead": "lea", "extractors": ["ana", "ben"]}


def test_the_latest_save_of_each_extractor_counts_and_conflicts_are_listed():
    history = [saved("ana", "Phase I"), saved("ben", "Phase III"), saved("ana", "Phase III"),
               saved("ana", "x", column="site"), saved("ben", "y", column="site")]  # fmt: skip
    cells = cell_states({"ctgov:NCT1": {"design": "Phase II", "site": "NEC"}}, history, 2)
    assert cells[("ctgov:NCT1", "design")].state == AGREED
    assert cells[("ctgov:NCT1", "design")].value == "Phase III"
    assert [(r, c) for r, c, _ in conflicts(cells)] == [("ctgov:NCT1", "site")]
    # a consensus saved later settles it; saves on a record no longer included are left out
    history += [saved("lea", "NEC", column="site", origin=CONSENSUS), saved("ana", "z", record="ctgov:GONE")]
    cells = cell_states({"ctgov:NCT1": {"design": "Phase II", "site": "NEC"}}, history, 2)
    assert cells[("ctgov:NCT1", "site")].state == CONSENSUS and conflicts(cells) == []
    assert ("ctgov:GONE", "design") not in cells


def test_an_extractor_reads_only_their_own_values():
    history = [saved("ana", "A"), saved("ben", "B"), saved("ana", "A2"), saved("ana", "L", origin=CONSENSUS)]
    assert own_values(history, "ana") == {("ctgov:NCT1", "design"): "A2"}
    assert own_values(history, "ben") == {("ctgov:NCT1", "design"): "B"}


def test_a_save_stores_accepted_suggestions_and_edits_and_nothing_unchanged():
    suggestions = {"design": "Phase II", "site": "NEC", "line": "2nd Line"}
    made = changes("ctgov:NCT1", "ana", {"design": " Phase  II ", "site": "GEP-NEC"}, suggestions, {})
    assert [(s.column, s.value, s.origin) for s in made] == [("design", "Phase II", ACCEPTED),
                                                            ("site", "GEP-NEC", EDITED)]  # fmt: skip
    own = {("ctgov:NCT1", "design"): "Phase II", ("ctgov:NCT1", "site"): "GEP-NEC"}
    assert changes("ctgov:NCT1", "ana", {"design": "Phase II", "site": "GEP-NEC"}, suggestions, own) == []
    again = changes("ctgov:NCT1", "ana", {"site": "NEC"}, suggestions, own)  # back to the suggestion
    assert [(s.value, s.origin) for s in again] == [("NEC", ACCEPTED)]


def test_agreement_with_the_machine_counts_verified_cells_per_column():
    suggestions = {f"ctgov:NCT{i}": {"design": "Phase II", "site": "NEC"} for i in range(4)}
    history = [
        saved("ana", "Phase II", record="ctgov:NCT0", origin=ACCEPTED),  # kept
        saved("ana", "Phase III", record="ctgov:NCT1"),  # changed
        saved("ana", "NEC", column="site", record="ctgov:NCT1", origin=ACCEPTED),  # kept
        saved("ana", "Phase II", record="ctgov:NCT2", origin=ACCEPTED),
        saved("ben", "Phase I", record="ctgov:NCT2"),  # a conflict: not verified, not counted
    ]
    report = machine_agreement(cell_states(suggestions, history, 1), ["design", "site"])
    design, site = report["columns"]
    assert (design["verified"], design["kept"], design["changed"], design["share_kept"]) == (2, 1, 1, 0.5)
    assert (design["cells"], design["unverified"]) == (4, 2)
    assert (site["verified"], site["kept"], site["share_kept"]) == (1, 1, 1.0)
    empty = machine_agreement(cell_states(suggestions, [], 1), ["design"])["columns"][0]
    assert empty["share_kept"] is None and empty["unverified"] == 4


def test_the_evidence_sentence_is_cut_around_the_match():
    text = "Inclusion criteria. Patients with gastric NEC may enter; others not. Third sentence."
    start = text.index("gastric")
    before, match, after = sentence(Quote("eligibility", text, start, start + len("gastric")))
    assert (before, match, after) == ("Patients with ", "gastric", " NEC may enter;")


def test_the_tables_show_verified_values_with_provenance_and_mark_the_rest():
    trials = shared_trials()[:3]
    first = sorted(trials, key=lambda t: t.nct_id)[0]
    machine = build_tables(trials, SPEC)
    assert all(
        machine.unverified(r.cells["identifier"].value, c) for r in machine.rows for c in form_columns(SPEC)
    )
    history = [Saved(first.record_id, "design", name, "Phase IV", EDITED) for name in ("ana", "ben")]
    tables = build_tables(trials, SPEC, extracted=history, extractors_per_record=2)
    row = next(r for r in tables.rows if r.cells["identifier"].value == first.nct_id)
    assert row.cells["design"].value == "Phase IV"
    assert tables.provenance(first.nct_id, "design") == (
        {"source": "extractors", "extractors": ["ana", "ben"]},
        True,
    )
    assert tables.provenance(first.nct_id, "site") == ({"source": "machine"}, False)
    shown = tables_markdown(tables)
    assert "| Phase IV |" in shown and f"{UNVERIFIED_MARK} No person has verified" in shown
    # every other cell keeps the machine's value
    others = {(r.cells["identifier"].value, k): v for r in tables.rows for k, v in r.values().items()}
    before = {(r.cells["identifier"].value, k): v for r in machine.rows for k, v in r.values().items()}
    assert {k: v for k, v in others.items() if k != (first.nct_id, "design")} == {
        k: v for k, v in before.items() if k != (first.nct_id, "design")
    }


@pytest.mark.parametrize("setting", ["extractors_per_record = 0\n", "extractors_per_record = 11\n",
                                     'extractors_per_record = "2"\n'])  # fmt: skip
def test_extractors_per_record_is_an_integer_from_one_to_ten(review_copy, setting):
    _damage(review_copy, 'extraction = "extraction.toml"\n', f'extraction = "extraction.toml"\n{setting}')
    assert _refused(review_copy).key == "tables.extractors_per_record"


def test_extractors_per_record_is_read(review_copy):
    _damage(
        review_copy,
        'extraction = "extraction.toml"\n',
        'extraction = "extraction.toml"\nextractors_per_record = 2\n',
    )
    assert load_protocol(review_copy).tables["extractors_per_record"] == 2


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_every_save_is_kept_in_order_on_both_backends(tmp_path, request, backend):
    url = request.getfixturevalue("cluster").create("extraction_values") if backend == "postgresql" else None
    with Workspace(tmp_path / "ws", "rev", url) as ws:
        with ws.transaction():
            ws.add_extraction_values([
                {"record_id": "ctgov:NCT1", "column_name": "design", "extractor": "ana", "value": "A", "origin": EDITED},
                {"record_id": "ctgov:NCT2", "column_name": "design", "extractor": "ana", "value": "B", "origin": EDITED},
            ])  # fmt: skip
        with ws.transaction():
            ws.add_extraction_values([{"record_id": "ctgov:NCT1", "column_name": "design", "extractor": "ana",
                                       "value": "C", "origin": ACCEPTED}])  # fmt: skip
        every = ws.extraction_values()
        assert [(r["record_id"], r["value"], r["origin"]) for r in every] == [
            ("ctgov:NCT1", "A", EDITED), ("ctgov:NCT2", "B", EDITED), ("ctgov:NCT1", "C", ACCEPTED)
        ]  # fmt: skip
        assert all(r["saved_at"] for r in every)
        assert [r["value"] for r in ws.extraction_values(["ctgov:NCT1"])] == ["A", "C"]
        latest = cell_states({"ctgov:NCT1": {"design": "S"}}, map(Saved.stored, every), 1)
        assert latest[("ctgov:NCT1", "design")].value == "C"


def test_a_stale_form_keeps_what_was_saved_since_unless_the_cell_is_typed_again():
    """``shown``: the extractor's values when the form was shown. A cell posted as the form showed
    it, saved since in another tab, keeps the later save; a cell typed anew in the stale form is
    this extractor's latest word and is stored; a cell nobody saved since is stored as usual."""
    suggestions = {"design": "Phase I/II", "site": "Lung-NEC", "line": "1st Line"}
    shown = {("ctgov:NCT9", "site"): "Lung"}  # the stale form showed her earlier site, the suggested rest
    own = {
        ("ctgov:NCT9", "site"): "Lung",
        ("ctgov:NCT9", "design"): "Phase II",
        ("ctgov:NCT9", "line"): "2nd",
    }
    posted = {"design": "Phase I/II", "site": "Lung", "line": "Maintenance"}
    made = changes("ctgov:NCT9", "cat", posted, suggestions, own, shown)
    assert [(s.column, s.value, s.origin) for s in made] == [("line", "Maintenance", EDITED)]
    assert [s.column for s in changes("ctgov:NCT9", "cat", posted, suggestions, own)] == ["design", "line"]


def test_an_agreement_reached_after_a_conflict_says_so_and_names_who_changed():
    """Two readings that agree from the start are "extractors"; a cell whose extractors disagreed and
    then agree (one saved again, having perhaps read the other's value beside the conflict) keeps the
    conflict in its provenance and names who changed. One extractor changing their own value before
    anyone else saved is no conflict."""
    line = [saved("kim", "2nd Line", column="line"), saved("raj", "3rd Line", column="line"),
            saved("raj", "2nd Line", column="line")]  # fmt: skip
    site = [saved("kim", "Lung", column="site"), saved("kim", "GEP", column="site"),
            saved("raj", "GEP", column="site")]  # fmt: skip
    cells = cell_states({"ctgov:NCT1": {"line": "1st Line", "site": "Other"}}, line + site, 2)
    settled = cells[("ctgov:NCT1", "line")]
    assert (settled.state, settled.value, settled.verified) == (AGREED, "2nd Line", True)
    assert settled.provenance() == {"source": "extractors after conflict", "extractors": ["kim", "raj"],
                                    "changed_after_conflict": ["raj"]}  # fmt: skip
    assert cells[("ctgov:NCT1", "site")].provenance() == {
        "source": "extractors",
        "extractors": ["kim", "raj"],
    }
    # the machine's agreement still counts it as verified: a person's value, whoever gave it
    assert machine_agreement(cells, ["line"])["columns"][0]["verified"] == 1


def test_cells_awaiting_an_extractor_or_in_conflict_have_their_own_provenance(tmp_path):
    """tables_evidence.json tells a cell nobody saved (the machine's) from one a person saved that
    awaits another extractor and from one in conflict: all three show the suggestion, unverified,
    marked in the tables and left out of the machine's agreement."""
    import json

    from litreview.extract.tables import write_tables

    trials = shared_trials()[:3]
    first = sorted(trials, key=lambda t: t.nct_id)[0]
    history = [Saved(first.record_id, "compound", "noor", "Temozolomide", EDITED),
               Saved(first.record_id, "status", "noor", "Completed", EDITED),
               Saved(first.record_id, "status", "otto", "Terminated", EDITED)]  # fmt: skip
    tables = build_tables(trials, SPEC, extracted=history, extractors_per_record=2)
    files = write_tables(tmp_path / "out", tables)
    cells = next(r["cells"] for r in json.loads(files["tables_evidence.json"].read_text())["rows"]
                 if r["identifier"] == first.nct_id)  # fmt: skip
    assert cells["compound"]["provenance"] == {"source": "awaiting another extractor", "extractors": ["noor"]}
    assert cells["status"]["provenance"] == {"source": "in conflict", "extractors": ["noor", "otto"]}
    assert cells["design"]["provenance"] == {"source": "machine"}
    machine = build_tables(trials, SPEC)
    for column in ("compound", "status", "design"):
        assert cells[column]["verified"] is False and tables.unverified(first.nct_id, column)
        assert cells[column]["value"] == next(
            r.cells[column].value for r in machine.rows if r.cells["identifier"].value == first.nct_id
        )
    counted = {c["column"]: c for c in tables.agreement["columns"]}
    assert counted["compound"]["verified"] == counted["status"]["verified"] == 0


@pytest.mark.parametrize("value", ["≈30", "30-40", "1,200", "٣٠", "twelve", "12 (estimated)"])
def test_a_count_column_refuses_anything_but_digits(value):
    assert value_problem("enrolment", value).startswith(f"enrolment: {value!r} is not a whole number")


def test_a_count_may_be_blank_and_other_columns_take_words():
    assert value_problem("enrolment", " 1200 ") == value_problem("enrolment", "") == ""
    assert value_problem("location", "twelve sites in France") == value_problem("design", "1,200") == ""
