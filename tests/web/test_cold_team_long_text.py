"""Found by the cold team's browser walk-through: text too long to keep is stored anyway (a note cut
short in silence, a reason of any length), where an extraction cell over 5,000 characters is refused
with a message and nothing stored."""

from __future__ import annotations

import pytest

from litreview.store.workspace import Workspace
from litreview.web.app import create_app
from litreview.web.workbench import Workbench

from .conftest import csrf_of, signed_in


@pytest.fixture
def app(bench):
    workbench = Workbench(bench.root)
    yield create_app(workbench, rank=False)
    workbench.close()


def test_a_note_too_long_to_keep_whole_is_refused_and_nothing_is_stored(app, bench):
    ana = signed_in(app, "ana")
    token = csrf_of(ana.get("/screen").text)
    text = "n" * 6000 + " the conclusion at the end"
    answer = ana.post("/note", data={"csrf_token": token, "record_id": bench.ids[0], "stage": "title_abstract",
                                     "note": text})  # fmt: skip
    with Workspace.existing(bench.root) as ws:
        kept = list(ws.notes_on([bench.ids[0]]))
    assert kept == [], f"a {len(text)}-character note was stored cut short (answer {answer.status_code})"
    assert answer.status_code == 400 and "5,000" in answer.text


def test_an_other_reason_longer_than_the_form_allows_is_refused_and_nothing_is_stored(app, bench):
    """The form's box holds 500 characters (maxlength); a pasted or scripted longer one was stored whole
    and overflowed the record page."""
    ana = signed_in(app, "ana")
    token = csrf_of(ana.get("/screen").text)
    with Workspace.existing(bench.root) as ws:
        before = len(ws.decisions())
    answer = ana.post("/decide", data={"csrf_token": token, "record_id": bench.ids[0], "stage": "title_abstract",
                                       "decision": "exclude", "reason_other": "y" * 6000})  # fmt: skip
    with Workspace.existing(bench.root) as ws:
        assert len(ws.decisions()) == before, (
            f"a 6,000-character reason was stored (answer {answer.status_code})"
        )
    assert answer.status_code == 400
