"""Extraction forms over HTTP, without a browser (these run wherever the tests run; the browser
file's module skips without chromium): what one extractor's saves keep when forms go stale."""

from __future__ import annotations

import html
import re
import shutil
from urllib.parse import unquote

import pytest
from tests.unit.test_extraction import shared_trials

from litreview.store.workspace import Workspace
from litreview.web.app import create_app
from litreview.web.workbench import Workbench

from .conftest import extraction_workspace, signed_in


@pytest.fixture(scope="module")
def extraction_template(tmp_path_factory):
    """Three registry trials, the first two included at full text; extractors_per_record = 2."""
    root = tmp_path_factory.mktemp("extraction") / "ws"
    trials = extraction_workspace(root)
    return root, sorted(t.record_id for t in trials[:2])


@pytest.fixture
def site(extraction_template, tmp_path):
    root, included = extraction_template
    shutil.copytree(root, tmp_path / "ws")
    workbench = Workbench(tmp_path / "ws")
    yield create_app(workbench, rank=False), tmp_path / "ws", included
    workbench.close()


def posted_form(page: str) -> dict[str, str]:
    """What a browser posts for the extraction form on ``page``: every input's name and value."""
    return {
        name: html.unescape(value)
        for name, value in re.findall(
            r'<input type="(?:hidden|text)"[^>]* name="([^"]+)" value="([^"]*)"', page
        )
    }


def saves(root, column: str) -> list[tuple[str, str, str]]:
    with Workspace.existing(root) as ws:
        return [
            (v["extractor"], v["value"], v["origin"])
            for v in ws.extraction_values()
            if v["column_name"] == column
        ]


def test_a_form_left_open_in_another_tab_never_reverts_a_later_save(site):
    """An extractor opens a record's form in two tabs, types a value in the second and saves, then
    saves the first (still showing the machine's suggestion there) after editing another cell: both
    edits are kept; the first tab's untouched suggestion does not silently replace the value saved
    since (stored as "accepted", it would also count as the machine's value kept)."""
    app, root, included = site
    ben = signed_in(app, "ben")
    first_tab = posted_form(ben.get(f"/extract/{included[1]}").text)
    second_tab = posted_form(ben.get(f"/extract/{included[1]}").text)
    suggested = first_tab["col_line"]
    second_tab["col_line"] = "Third line after progression on two regimens"
    assert ben.post(f"/extract/{included[1]}/save", data=second_tab).status_code == 303
    first_tab["col_location"] = "Multinational (12 countries)"
    assert ben.post(f"/extract/{included[1]}/save", data=first_tab).status_code == 303
    shown = posted_form(ben.get(f"/extract/{included[1]}").text)
    assert (shown["col_line"], shown["col_location"]) == (
        "Third line after progression on two regimens",
        "Multinational (12 countries)",
    )
    assert ("ben", suggested, "accepted") not in saves(root, "line")
    # a form that is not stale takes the suggestion back when the extractor puts it back
    shown["col_line"] = suggested
    assert ben.post(f"/extract/{included[1]}/save", data=shown).status_code == 303
    assert posted_form(ben.get(f"/extract/{included[1]}").text)["col_line"] == suggested
    assert saves(root, "line")[-1] == ("ben", suggested, "accepted")


def test_the_saved_message_says_only_how_many_cells_were_stored(site):
    """The page after a save says how many cells it stored, from the address (``?saved=3``): any
    other text there is not shown, so a link cannot put words of its choosing on the form."""
    app, root, included = site
    ana = signed_in(app, "ana")
    assert (
        'data-testid="extract-saved">Saved: 3 cells stored' in ana.get(f"/extract/{included[0]}?saved=3").text
    )
    forged = ana.get(
        f"/extract/{included[0]}", params={"saved": "0 cells: the lead rejected your values, re-enter"}
    )
    assert forged.status_code == 200 and "the lead rejected" not in forged.text
    assert 'data-testid="extract-saved"' not in forged.text


def provenance(root, record_id: str, column: str, required: int = 2) -> dict:
    """The cell's provenance in the tables rendered from the workspace's saves (as a run writes them)."""
    from tests.unit.test_extraction import SPEC

    from litreview.extract.forms import Saved
    from litreview.extract.tables import build_tables

    with Workspace.existing(root) as ws:
        kept = [Saved.stored(r) for r in ws.extraction_values()]
    tables = build_tables(shared_trials()[:2], SPEC, extracted=kept, extractors_per_record=required)
    return tables.provenance(record_id.split(":", 1)[1], column)[0]


def test_a_lead_who_extracts_and_matches_the_other_value_is_not_two_blind_readings(site):
    """The lead extracts too: her value and a reviewer's differ, the conflicts page shows her the
    reviewer's, and she saves her own form again with it. The cell is settled, but its provenance
    says the extractors agreed after a conflict and that she changed, never "agreed by extractors".
    The reviewer reads no value of hers on any page he may open, so his own change, blind, is named
    the same way."""
    app, root, included = site
    record_id = included[0]
    lea, ana, ben = signed_in(app, "lea"), signed_in(app, "ana"), signed_in(app, "ben")
    for who, line in ((lea, "Second line after platinum"), (ana, "Any line after one regimen")):
        form = posted_form(who.get(f"/extract/{record_id}").text)
        form["col_line"] = line
        assert who.post(f"/extract/{record_id}/save", data=form).status_code == 303
    assert "Any line after one regimen" in lea.get("/extract/conflicts").text
    for path in (f"/extract/{record_id}", "/extract", "/dashboard", "/extract/conflicts"):
        assert "Second line after platinum" not in ana.get(path).text
    assert ana.get("/extract/conflicts").status_code == 403
    form = posted_form(lea.get(f"/extract/{record_id}").text)
    form["col_line"] = "Any line after one regimen"
    assert lea.post(f"/extract/{record_id}/save", data=form).status_code == 303
    assert 'data-testid="no-extract-conflicts"' in lea.get("/extract/conflicts").text
    assert provenance(root, record_id, "line") == {
        "source": "extractors after conflict",
        "extractors": ["ana", "lea"],
        "changed_after_conflict": ["lea"],
    }
    # two reviewers: neither reads the other's value; a blind change that happens to agree is named too
    other = included[1]
    for who, location in ((ana, "France, Italy"), (ben, "France")):
        form = posted_form(who.get(f"/extract/{other}").text)
        form["col_location"] = location
        assert who.post(f"/extract/{other}/save", data=form).status_code == 303
    for path in (f"/extract/{other}", "/extract", "/dashboard", "/extract/conflicts"):
        assert "France, Italy" not in ben.get(path).text
    form = posted_form(ben.get(f"/extract/{other}").text)
    form["col_location"] = "France, Italy"
    assert ben.post(f"/extract/{other}/save", data=form).status_code == 303
    assert provenance(root, other, "location")["changed_after_conflict"] == ["ben"]


def test_extractors_per_record_follows_review_toml_when_started_with_the_review(
    extraction_template, tmp_path, review_copy
):
    """The last run stored two extractors per record; review.toml now says one. Started with the
    review folder, the workbench counts one at once (as it does the screening settings): a single
    extractor's save verifies the cell."""
    root, included = extraction_template
    shutil.copytree(root, tmp_path / "ws")
    toml = review_copy / "review.toml"
    toml.write_text(toml.read_text().replace('extraction = "extraction.toml"\n',
                                             'extraction = "extraction.toml"\nextractors_per_record = 1\n', 1))  # fmt: skip
    workbench = Workbench(tmp_path / "ws", review_copy)
    try:
        app = create_app(workbench, rank=False)
        ana, lea = signed_in(app, "ana"), signed_in(app, "lea")
        form = posted_form(ana.get(f"/extract/{included[1]}").text)
        form["col_site"] = "Extrapulmonary, any primary"
        assert ana.post(f"/extract/{included[1]}/save", data=form).status_code == 303
        board = lea.get("/dashboard").text
        assert "Extractors per record: <b>1</b>" in board
        row = re.search(r'data-testid="extraction-agreement-site">((?:<td>[^<]*</td>)+)', board).group(1)
        assert re.findall(r"<td>([^<]*)</td>", row)[:3] == ["site", "2", "1"]  # 2 cells, 1 verified
    finally:
        workbench.close()


def test_a_count_column_takes_a_whole_number_and_a_refused_save_keeps_what_was_typed(site):
    """Enrolment is the registry's count of participants: a word there ("about forty") is refused
    naming the column, no cell of that save is stored, and the form comes back with every value
    typed; a number, or a blank (not stated), is stored. A lead's consensus is checked the same way."""
    app, root, included = site
    ana, ben, lea = signed_in(app, "ana"), signed_in(app, "ben"), signed_in(app, "lea")
    form = posted_form(ana.get(f"/extract/{included[1]}").text)
    form.update(col_enrolment="about forty", col_line="Second line")
    refused = ana.post(f"/extract/{included[1]}/save", data=form)
    assert refused.status_code == 400
    said = re.search(r'data-testid="extract-error">([^<]*)<', refused.text).group(1)
    assert said.startswith("enrolment: &#39;about forty&#39; is not a whole number")
    shown = posted_form(refused.text)
    assert (shown["col_enrolment"], shown["col_line"]) == ("about forty", "Second line")
    assert saves(root, "enrolment") == [] and saves(root, "line") == []
    shown["col_enrolment"] = "48"
    assert ana.post(f"/extract/{included[1]}/save", data=shown).status_code == 303
    assert saves(root, "enrolment") == [("ana", "48", "edited")]
    form = posted_form(ben.get(f"/extract/{included[1]}").text)
    form["col_enrolment"] = ""  # the paper does not state it
    assert ben.post(f"/extract/{included[1]}/save", data=form).status_code == 303
    assert saves(root, "enrolment")[-1][:2] == ("ben", "")
    token = re.search(r'name="csrf_token" value="([^"]+)"', lea.get("/extract/conflicts").text).group(1)
    bad = lea.post("/extract/consensus", data={"csrf_token": token, "record_id": included[1],
                                               "column": "enrolment", "value": "n = 48"})  # fmt: skip
    assert bad.status_code == 400 and "not a whole number" in bad.text
    assert len(saves(root, "enrolment")) == 2


def test_a_record_keyed_by_its_doi_has_a_form_that_opens_and_saves(tmp_path):
    """A CSV export with no id column keys a record by its DOI ("csv:10.1016/..."): the extraction
    list links its form, the form opens and a save is stored (the "/" in the id once met a route
    that stops at "/": 404 for the form and the save)."""
    ids = ("csv:10.1016/j.ejca.2021.03.012", "csv:10.1200/JCO.2020.38.4_suppl.601", "csv:plain")
    root = tmp_path / "ws"
    extraction_workspace(root, ids)
    workbench = Workbench(root)
    try:
        ben = signed_in(create_app(workbench, rank=False), "ben")
        listed = [html.unescape(x) for x in re.findall(r'href="(/extract/[^"]+)"', ben.get("/extract").text)]
        for record_id in ids[:2]:
            link = next(x for x in listed if "conflicts" not in x and unquote(x) == f"/extract/{record_id}")
            form = ben.get(link)
            assert form.status_code == 200, record_id
            posted = posted_form(form.text)
            posted["col_location"] = "Two centres"
            action = html.unescape(re.search(r'<form[^>]* action="([^"]+/save)"', form.text).group(1))
            assert ben.post(action, data=posted).status_code == 303, record_id
        assert [v for _, v, _ in saves(root, "location")] == ["Two centres", "Two centres"]
    finally:
        workbench.close()


def test_a_linked_publications_results_are_suggested_with_the_sentence_they_came_from(tmp_path):
    """A publication that reports an included trial (its NCT id in the abstract) pre-fills the trial's
    Results cell: each outcome as the abstract states it, marked as a suggestion, with the sentence it
    came from highlighted, and the publication's text escaped."""
    from litreview.records import Citation

    first = shared_trials()[0]
    report = Citation(
        "medline:990001", "medline", "990001", title="Second-line therapy in NEC <b>bold</b>", pmid="990001",
        abstract=(
            f"In this phase II trial ({first.nct_id}), N = 32 patients with <i>poorly differentiated</i> "
            "neuroendocrine carcinoma were treated. The objective response rate was 18.8%. Median PFS was "
            "3.1 months (95% CI 2.4-4.0) and median OS was 7.4 months."
        ),
    )  # fmt: skip
    root = tmp_path / "ws"
    extraction_workspace(root, publications=(report,))
    workbench = Workbench(root)
    try:
        page = signed_in(create_app(workbench, rank=False), "ana").get(f"/extract/{first.record_id}").text
    finally:
        workbench.close()
    value = re.search(r'data-testid="extract-results"[^>]* value="([^"]*)"', page) or re.search(
        r'value="([^"]*)"[^>]* data-testid="extract-results"', page
    )
    assert value is not None
    suggested = html.unescape(value.group(1))
    for part in ("n = 32", "ORR: 18.8%", "median PFS: 3.1 months", "median OS: 7.4 months", "PMID 990001"):
        assert part in suggested, (part, suggested)
    evidence = page[page.index('data-testid="evidence-results"') :]
    assert '<mark class="query">The objective response rate was 18.8%.</mark>' in evidence
    assert "<i>poorly" not in page and "&lt;i&gt;poorly" in page  # the abstract's markup is text
    assert 'data-testid="suggestion-results"' in page
