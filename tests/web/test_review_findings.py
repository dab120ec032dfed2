"""Defects found in a review of 74fc258..HEAD (each test fails while its defect stands)."""

from __future__ import annotations

import shutil

from tests.conftest import REVIEW

from litreview.extract.forms import EXTRACTION_META
from litreview.store.workspace import Workspace
from litreview.web.workbench import Workbench

from .test_workbench_reads import workspace  # noqa: F401  (fixture)


def test_extraction_form_follows_an_edited_extraction_toml_after_a_new_run(workspace, tmp_path):  # noqa: F811
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


def test_a_lead_consensus_on_the_web_is_refused_where_screen_import_refuses_it(tmp_path):
    """A record found only by other methods has no title/abstract stage: `screen import` refuses a
    title/abstract row on it (check_decisions with the entrants), but the workbench's /conflicts lists
    a title/abstract conflict on it (votes stored before it was known to enter at full text) and
    Workbench.resolve stores the lead's title/abstract consensus: check_decisions is called without
    the entrants there, and conflicts() counts without them."""
    import pytest

    from litreview.errors import ScreeningRuleError, WorkbenchError
    from litreview.records import Decision
    from litreview.screen.commands import full_text_entrants
    from litreview.screen.decisions import check_decisions
    from litreview.sources.importers import load_records
    from litreview.testing.workspaces import build_workspace

    from .conftest import DATA

    records = list(load_records(DATA, "csv", source="citations"))[:3]
    root = build_workspace(tmp_path / "ws", records, group="other", exclusion_reasons=("wrong design",))
    target = records[0].record_id
    with Workspace.existing(root) as ws, ws.transaction():
        ws.add_human_decisions("legacy", [Decision(target, "title_abstract", "include", "", "ana", "human"),
                                          Decision(target, "title_abstract", "exclude", "x", "ben", "human")])  # fmt: skip
        entry = full_text_entrants(ws)
        before = ws.decisions()
    assert target in entry
    consensus = Decision(target, "title_abstract", "include", "", "consensus", "human")
    with pytest.raises(ScreeningRuleError):  # what `screen import` applies to the same consensus row
        check_decisions([consensus], before, {}, {}, ["wrong design"], "sheet", None, entry)
    bench = Workbench(root)
    try:
        listed = [(c["record_id"], c["stage"]) for c in bench.conflicts()]
        with pytest.raises(WorkbenchError):  # stored today: a decision screen import would refuse
            bench.resolve("lea", target, "title_abstract", "include")
        assert (target, "title_abstract") not in listed, (
            "a conflict that can never count is offered to the lead"
        )
    finally:
        bench.close()
