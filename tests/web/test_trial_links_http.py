"""The workbench over HTTP shows trial links on both records: a trial's page lists the publication that
reports it, the publication's page lists the trial, each with why; the text is escaped."""

from __future__ import annotations

from starlette.testclient import TestClient

from litreview.records import Citation, Provenance
from litreview.sources.ctgov import study_to_trial
from litreview.testing.workspaces import build_workspace
from litreview.web.accounts import add_user
from litreview.web.app import create_app
from litreview.web.workbench import Workbench

from .conftest import PASSWORD, csrf_of


def test_trial_and_publication_pages_show_their_links(tmp_path):
    trial = study_to_trial({"protocolSection": {
        "identificationModule": {"nctId": "NCT03387592", "acronym": "SENECA",
                                 "briefTitle": "FOLFIRI or CAPTEM in extrapulmonary neuroendocrine carcinoma"},
        "statusModule": {"overallStatus": "TERMINATED"},
        "referencesModule": {"references": [{"pmid": "33171253", "type": "RESULT", "citation": "Frizziero M."}]},
    }})  # fmt: skip
    reporting = Citation("pubmed:33171253", "pubmed", "33171253", pmid="33171253",
                         title="FOLFIRI or CAPTEM <b>after</b> platinum in EP-NEC: the SENECA trial",
                         abstract="Median OS was 7.9 months in the FOLFIRI arm and 11.2 months in the CAPTEM arm.",
                         provenance=Provenance("pubmed", "33171253", "r1", "efetch.xml", 1))  # fmt: skip
    unrelated = Citation("pubmed:1", "pubmed", "1", title="Everolimus in well-differentiated NET")
    root = build_workspace(tmp_path / "ws", [trial, reporting, unrelated], review_id="links")
    add_user(root, "ana", "reviewer", PASSWORD)
    workbench = Workbench(root)
    try:
        c = TestClient(create_app(workbench, rank=False), base_url="http://127.0.0.1", follow_redirects=False)
        token = csrf_of(c.get("/login").text)
        assert (
            c.post("/login", data={"username": "ana", "password": PASSWORD, "csrf_token": token}).status_code
            == 303
        )
        trial_page = c.get("/record/ctgov:NCT03387592").text
        assert (
            'data-testid="trial-links"' in trial_page
            and "1 publication(s) reporting this trial" in trial_page
        )
        assert 'href="/record/pubmed:33171253?stage=title_abstract"' in trial_page
        assert "registry reference" in trial_page and "acronym" in trial_page
        assert "&lt;b&gt;after&lt;/b&gt;" in trial_page and "<b>after</b>" not in trial_page  # escaped
        pub_page = c.get("/record/pubmed:33171253").text
        assert "Reports 1 registered trial(s)" in pub_page and 'href="/record/ctgov:NCT03387592' in pub_page
        assert "NCT03387592" in pub_page
        assert 'data-testid="trial-links"' not in c.get("/record/pubmed:1").text
    finally:
        workbench.close()
