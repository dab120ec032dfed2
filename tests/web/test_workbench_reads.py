"""What a page costs: once the workbench has read a workspace (its trial links, the extraction
rows), each request decodes only the records it shows, not every record of the workspace. Counted
with a spy on the store's record decoder, on a workspace of a few hundred records."""

from __future__ import annotations

import re
import shutil

import pytest
from starlette.testclient import TestClient
from tests.conftest import REVIEW
from tests.unit.test_extraction import SPEC, shared_trials

import litreview.store.workspace as store
from litreview.extract.forms import EXTRACTION_META
from litreview.extract.tables import build_tables
from litreview.records import Citation, Decision, Stage
from litreview.sources.importers import load_records
from litreview.store.workspace import Workspace
from litreview.testing.workspaces import build_workspace, replicate
from litreview.web.app import create_app
from litreview.web.workbench import Workbench

from .conftest import DATA, csrf_of

# a publication that reports none of the trials, whose abstract holds what a Results cell takes
UNRELATED = Citation("medline:900000", "medline", "900000", title="Outcomes in neuroendocrine carcinoma",
                     abstract="In 40 patients, the median overall survival was 11.2 months and the median "
                              "progression-free survival was 4.1 months. The objective response rate was 31%.")  # fmt: skip
SHOWN = 12  # the most records any page here shows (a record, its duplicates, its linked records)


@pytest.fixture
def workspace(tmp_path):
    """36 registry trials, 300 citations and one unrelated publication; two trials included at
    full text (their extraction forms), one citation included at title/abstract."""
    trials = shared_trials()
    citations = replicate(list(load_records(DATA, "csv", source="medline"))[:50], 300)
    root = build_workspace(tmp_path / "ws", [*trials, *citations, UNRELATED], review_id="ep_pd_nec")
    included = [t.record_id for t in trials[:2]]
    with Workspace.existing(root) as ws, ws.transaction():
        ws.add_human_decisions("setup", [Decision(r, stage, "include", "", "lea", "human")
                                         for r in included for stage in Stage])  # fmt: skip
        ws.add_human_decisions("setup", [Decision(citations[0].record_id, Stage.TITLE_ABSTRACT, "include", "",
                                                  "lea", "human")])  # fmt: skip
        ws.set_meta(EXTRACTION_META, {"spec": str(REVIEW / "extraction.toml"), "extractors_per_record": 1})
    return root, trials, citations, sorted(included)


@pytest.fixture
def decoded(monkeypatch):
    """How many records the store has decoded (reset by the test)."""
    count = [0]
    real = store.from_dict

    def counting(data):
        count[0] += 1
        return real(data)

    monkeypatch.setattr(store, "from_dict", counting)
    return count


def test_pages_decode_the_records_they_show_not_every_record(workspace, decoded):
    root, trials, citations, included = workspace
    total = len(trials) + len(citations) + 1
    bench = Workbench(root)
    c = TestClient(create_app(bench, local_user="lea", rank=False), base_url="http://127.0.0.1",
                   follow_redirects=False)  # fmt: skip
    pages = [
        "/screen?stage=title_abstract",
        f"/record/{trials[5].record_id}?stage=title_abstract",
        f"/screen?stage=full_text&record={citations[0].record_id}",
        "/extract",
        f"/extract/{included[0]}",
        f"/extract/{included[1]}",
        "/dashboard",
    ]
    try:
        for path in pages:  # the first look reads the workspace once (trial links, extraction rows)
            assert c.get(path).status_code == 200, path
        assert decoded[0] >= total  # the spy sees what the store decodes

        def cost(path: str) -> int:
            decoded[0] = 0
            assert c.get(path).status_code == 200, path
            return decoded[0]

        assert {path: cost(path) for path in pages} == {path: pytest.approx(0, abs=SHOWN) for path in pages}
        # a save, and a decision that leaves the included records as they were, keep it so
        token = csrf_of(c.get(f"/extract/{included[0]}").text)
        assert c.post(f"/extract/{included[0]}/save", data={"csrf_token": token, "col_design": "Phase II"}
                      ).status_code == 303  # fmt: skip
        token = csrf_of(c.get("/screen").text)
        assert c.post("/decide", data={"csrf_token": token, "record_id": citations[1].record_id,
                                       "stage": "title_abstract", "decision": "exclude"}).status_code == 303  # fmt: skip
        assert {path: cost(path) for path in pages} == {path: pytest.approx(0, abs=SHOWN) for path in pages}
        assert 'value="Phase II"' in c.get(f"/extract/{included[0]}").text
        # a trial newly included at full text gets its form at once
        with Workspace.existing(root) as ws, ws.transaction():
            ws.add_human_decisions("more", [Decision(trials[2].record_id, stage, "include", "", "lea", "human")
                                            for stage in Stage])  # fmt: skip
        listed = re.findall(r'data-record-id="([^"]+)"', c.get("/extract").text)
        assert sorted(listed) == sorted([*included, trials[2].record_id])
    finally:
        bench.close()


def test_the_forms_suggest_what_the_tables_hold(workspace):
    """A form's suggestion is the tables' machine value: each trial linked to the publications that
    report it, never to an unrelated abstract (whose survival figures would fill Results)."""
    root, trials, citations, included = workspace
    bench = Workbench(root)
    try:
        tables = build_tables([t for t in trials if t.record_id in included], SPEC, [*citations, UNRELATED])
        by_nct = {row.cells["identifier"].value: row for row in tables.rows}
        for record_id in included:
            form = bench.extraction_form(record_id, "ana")
            assert form is not None
            row = by_nct[form["identifier"]]
            assert {f["column"]: f["suggestion"] for f in form["fields"]} == {
                f["column"]: row.cells[f["column"]].value for f in form["fields"]
            }
            assert "11.2 months" not in str(form["fields"])
    finally:
        bench.close()


def test_extraction_form_follows_an_edited_extraction_toml_after_a_new_run(workspace, tmp_path):
    """The workbench keeps the extraction spec it read keyed by path alone: after extraction.toml is
    edited and a new run finishes (the run's tables use the new spec), the forms still show the old one."""
    root, trials, citations, included = workspace
    folder = tmp_path / "review"
    folder.mkdir()
    for name in ("extraction.toml", "drug_lexicon.toml"):
        shutil.copy(REVIEW / name, folder / name)
    spec = folder / "extraction.toml"
    with Workspace.existing(root) as ws, ws.transaction():
        ws.set_meta(EXTRACTION_META, {"spec": str(spec.resolve()), "extractors_per_record": 1})
    bench = Workbench(root)
    try:
        form = bench.extraction_form(included[0], "ana")
        assert {f["column"]: f["header"] for f in form["fields"]}["design"] == "Study design"
        # the review edits a header, and a run finishes (what the run's own tables then read)
        spec.write_text(spec.read_text(encoding="utf-8").replace('"Study design"', '"Design of the study"'),
                        encoding="utf-8")  # fmt: skip
        with Workspace.existing(root) as ws, ws.transaction():
            ws.start_run("r-after-edit")
            ws.finish_run("r-after-edit", {"sources": {}})
            ws.set_meta(EXTRACTION_META, {"spec": str(spec.resolve()), "extractors_per_record": 1})
        bench.look()
        form = bench.extraction_form(included[0], "ana")
        assert {f["column"]: f["header"] for f in form["fields"]}["design"] == "Design of the study"
    finally:
        bench.close()
