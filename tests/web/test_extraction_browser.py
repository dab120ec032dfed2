"""Extraction forms in a real browser: two extractors fill the same form blind to each other and
disagree on one cell, the lead settles it on the extraction conflicts page, and the tables then
show the settled value with its provenance; over HTTP: no form for a record not included at full
text, and no way for an extractor to read another's values (page or URL)."""

from __future__ import annotations

import json

import pytest
from selenium.webdriver.common.by import By
from tests.unit.test_extraction import SPEC

from litreview.extract.forms import Saved
from litreview.extract.tables import build_tables, write_tables
from litreview.store.workspace import Workspace
from litreview.web.app import create_app
from litreview.web.workbench import Workbench

from .conftest import csrf_of, extraction_workspace, signed_in
from .serving import served
from .test_browser import browsers, leave_page, open_browser, shot, sign_in, wait_for  # noqa: F401


@pytest.fixture(scope="module")
def extraction_template(tmp_path_factory):
    """Three registry trials, the first two included at full text; extractors_per_record = 2."""
    root = tmp_path_factory.mktemp("extraction") / "ws"
    trials = extraction_workspace(root)
    return root, trials


@pytest.fixture
def extraction_ws(extraction_template, tmp_path):
    import shutil

    root, trials = extraction_template
    shutil.copytree(root, tmp_path / "ws")
    return tmp_path / "ws", trials


def field(driver, column: str):
    return driver.find_element(By.CSS_SELECTOR, f'[data-testid="extract-{column}"]')


def fill_and_save(driver, base: str, record_id: str, design: str) -> None:
    driver.get(f"{base}/extract/{record_id}")
    box = field(driver, "design")
    box.clear()
    box.send_keys(design)
    leave_page(driver, lambda: driver.find_element(By.CSS_SELECTOR, '[data-testid="extract-save"]').click())
    wait_for(driver, "extract-saved")


def test_two_extractors_disagree_the_lead_resolves_and_the_tables_show_it(browsers, extraction_ws, tmp_path):  # noqa: F811
    root, trials = extraction_ws
    record_id = sorted(t.record_id for t in trials[:2])[0]
    with served(Workbench(root)) as server:
        ana, ben = open_browser(browsers), open_browser(browsers)
        sign_in(ana, server, "ana")
        sign_in(ben, server, "ben")
        ana.get(f"{server}/extract")
        listed = [
            r.get_attribute("data-record-id")
            for r in ana.find_elements(By.CSS_SELECTOR, '[data-testid="extract-row"]')
        ]
        assert listed == sorted(t.record_id for t in trials[:2])  # the third is not included at full text
        ana.get(f"{server}/extract/{record_id}")
        suggested = field(ana, "design").get_attribute("value")
        assert (
            suggested
            and ana.find_element(By.CSS_SELECTOR, '[data-testid="suggestion-design"]').text == "suggestion"
        )
        shot(ana, "extract-01-form-with-suggestions")
        fill_and_save(ana, server, record_id, "Phase II (ana's reading)")
        assert field(ana, "design").get_attribute("value") == "Phase II (ana's reading)"
        assert not ana.find_elements(By.CSS_SELECTOR, '[data-testid="suggestion-design"]')  # her own now
        # blind: ben's form shows the machine's suggestion, never ana's value
        ben.get(f"{server}/extract/{record_id}")
        assert field(ben, "design").get_attribute("value") == suggested
        assert "ana's reading" not in ben.page_source
        fill_and_save(ben, server, record_id, "Phase III (ben's reading)")
        assert "ana's reading" not in ben.page_source
        ben.get(f"{server}/extract/conflicts")  # the lead's page only
        assert "ana's reading" not in ben.page_source and "Only a lead" in ben.page_source
        lead = open_browser(browsers)
        sign_in(lead, server, "lea")
        lead.get(f"{server}/dashboard")
        assert lead.find_element(By.CSS_SELECTOR, '[data-testid="extract-conflict-count"]').text == "1"
        lead.get(f"{server}/extract/conflicts")
        conflict = wait_for(lead, "extract-conflict")
        assert (conflict.get_attribute("data-record-id"), conflict.get_attribute("data-column")) == (
            record_id,
            "design",
        )
        values = [v.text for v in lead.find_elements(By.CSS_SELECTOR, '[data-testid="conflict-value"]')]
        assert values == ["ana Phase II (ana's reading)", "ben Phase III (ben's reading)"]
        shot(lead, "extract-02-conflict-side-by-side")
        box = lead.find_element(By.CSS_SELECTOR, '[data-testid="consensus-value"]')
        box.clear()
        box.send_keys("Phase II/III")
        leave_page(lead, lambda: lead.find_element(By.CSS_SELECTOR, '[data-testid="consensus-save"]').click())
        wait_for(lead, "no-extract-conflicts")
        lead.get(f"{server}/dashboard")
        assert lead.find_element(By.CSS_SELECTOR, '[data-testid="extract-conflict-count"]').text == "0"
        row = lead.find_element(By.CSS_SELECTOR, '[data-testid="extraction-agreement-design"]').text
        assert row.split()[1:] == ["2", "1", "0", "1", "0.0"]  # 2 cells, 1 verified, kept 0, changed 1
        shot(lead, "extract-03-dashboard-agreement")
    # the tables, rendered from the workspace, show the settled value and where it came from
    with Workspace.existing(root) as ws:
        saved = [Saved.stored(r) for r in ws.extraction_values()]
    tables = build_tables(trials[:2], SPEC, extracted=saved, extractors_per_record=2)
    write_tables(tmp_path / "out", tables)
    evidence = json.loads((tmp_path / "out" / "tables_evidence.json").read_text())
    nct = record_id.split(":", 1)[1]
    cells = next(r["cells"] for r in evidence["rows"] if r["identifier"] == nct)
    assert cells["design"]["value"] == "Phase II/III" and cells["design"]["verified"] is True
    assert cells["design"]["provenance"] == {
        "source": "consensus",
        "lead": "lea",
        "extractors": ["ana", "ben"],
    }
    assert cells["design"]["suggestion"] == suggested
    # the cells both saved unchanged are agreed by both; the other record's cells nobody verified
    assert cells["site"]["provenance"] == {"source": "extractors", "extractors": ["ana", "ben"]}
    other = next(r["cells"] for r in evidence["rows"] if r["identifier"] != nct)
    assert other["design"]["provenance"] == {"source": "machine"} and other["design"]["verified"] is False
    assert "Phase II/III" in (tmp_path / "out" / "tables.csv").read_text()
    assert "| Phase II/III |" in (tmp_path / "out" / "tables.md").read_text()
    agreement = json.loads((tmp_path / "out" / "extraction_agreement.json").read_text())
    design = next(c for c in agreement["columns"] if c["column"] == "design")
    assert (design["verified"], design["kept"]) == (1, 0)


@pytest.fixture
def app(extraction_ws):
    root, trials = extraction_ws
    workbench = Workbench(root)
    yield create_app(workbench, rank=False), trials
    workbench.close()


def test_only_records_included_at_full_text_have_a_form_and_values_stay_private(app):
    app, trials = app
    included, excluded = sorted(t.record_id for t in trials[:2])[0], trials[2].record_id
    ana, ben = signed_in(app, "ana"), signed_in(app, "ben")
    assert ana.get(f"/extract/{excluded}").status_code == 404
    assert ana.get("/extract/medline:nothing").status_code == 404
    page = ana.get(f"/extract/{included}")
    assert page.status_code == 200 and "<mark" in page.text  # the evidence, the matched words marked
    token = csrf_of(page.text)
    assert (
        ana.post(f"/extract/{included}/save", data={"col_design": "A-secret"}).status_code == 403
    )  # no CSRF
    saved = ana.post(f"/extract/{included}/save", data={"col_design": "A-secret", "csrf_token": token})
    assert saved.status_code == 303
    refused = ana.post(f"/extract/{excluded}/save", data={"col_design": "x", "csrf_token": token})
    assert refused.status_code == 400
    # ben reads no value of ana's by any page he may open, nor by a lead's URL
    for path in (
        f"/extract/{included}",
        "/extract",
        "/dashboard",
        "/extract/conflicts",
        "/download/tables_evidence.json",
    ):
        assert "A-secret" not in ben.get(path).text
    assert ben.get("/extract/conflicts").status_code == 403
    token = csrf_of(ben.get(f"/extract/{included}").text)
    forged = ben.post("/extract/consensus", data={"record_id": included, "column": "design", "value": "x",
                                                  "csrf_token": token})  # fmt: skip
    assert forged.status_code == 403


def test_an_extraction_value_is_bounded_like_a_note(app, extraction_ws):
    """A cell is a short value (a design, a count, a site): a 900,000-character paste is refused, never
    stored whole (it would fill the lead's conflicts page and every table rendered from the
    workspace); the form comes back with the message and every value the extractor typed."""
    app, trials = app
    record_id = sorted(t.record_id for t in trials[:2])[0]
    ana = signed_in(app, "ana")
    token = csrf_of(ana.get(f"/extract/{record_id}").text)
    answer = ana.post(f"/extract/{record_id}/save", data={"col_design": "x" * 900_000, "csrf_token": token,
                                                          "col_site": "typed-site-value"})  # fmt: skip
    assert answer.status_code == 400 and 'data-testid="extract-error"' in answer.text
    assert "a cell holds at most 5,000" in answer.text and 'value="typed-site-value"' in answer.text
    with Workspace.existing(extraction_ws[0]) as ws:
        longest = max((len(v["value"]) for v in ws.extraction_values()), default=0)
        assert not any(v["value"] == "typed-site-value" for v in ws.extraction_values())
    assert longest <= 5000, f"a {longest:,}-character extraction value was stored"


def test_a_control_character_in_an_extraction_value_is_not_stored(app, extraction_ws):
    """A NUL (or another control character) typed or posted into a cell is refused or removed: a
    PostgreSQL workspace cannot hold it, so a SQLite workspace holding it can never be copied there."""
    app, trials = app
    record_id = sorted(t.record_id for t in trials[:2])[0]
    ana = signed_in(app, "ana")
    token = csrf_of(ana.get(f"/extract/{record_id}").text)
    ana.post(f"/extract/{record_id}/save", data={"col_site": "Berlin\x00\x07 centre", "csrf_token": token})
    with Workspace.existing(extraction_ws[0]) as ws:
        stored = [v["value"] for v in ws.extraction_values()]
    assert not any(c in value for value in stored for c in "\x00\x07"), stored
