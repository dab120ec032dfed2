"""Every write the workbench takes passes the checks the command line applies: a reviewer settles
only a maybe pair /duplicates offers (a lead, like `links same|distinct`, any two records); a
consensus only on a stored record really in conflict at that stage, with a decision word and reason
`screen import` would accept. A refused write changes nothing."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from litreview.screen.decisions import CONSENSUS
from litreview.store.workspace import Workspace
from litreview.web.app import create_app
from litreview.web.workbench import Workbench

from .conftest import REASONS, csrf_of, signed_in


@pytest.fixture
def app(bench):
    workbench = Workbench(bench.root)
    yield create_app(workbench, rank=False)
    workbench.close()


def post(c: TestClient, path: str, **data: str):
    return c.post(path, data={"csrf_token": csrf_of(c.get("/screen").text), **data})


def stored(root):
    with Workspace.existing(root) as ws:
        return (
            ws.pair_verdicts(),
            [(lk.record_id, lk.linked_to) for lk in ws.links("duplicate")],
            [d for d in ws.decisions() if d.reviewer == CONSENSUS],
        )


def test_a_reviewer_cannot_merge_two_records_nobody_offered(app, bench):
    before = stored(bench.root)
    a, b = bench.ids[5], bench.ids[6]  # not a maybe pair
    answer = post(signed_in(app, "ana"), "/pair", a=a, b=b, verdict="same")
    assert answer.status_code == 400 and "not a maybe pair" in answer.text
    assert stored(bench.root) == before


def test_a_reviewer_settles_an_offered_pair_and_a_lead_any_pair(app, bench):
    assert (
        post(
            signed_in(app, "ana"), "/pair", a=bench.maybe[1], b=bench.maybe[0], verdict="distinct"
        ).status_code
        == 303
    )
    a, b = bench.ids[5], bench.ids[6]
    assert post(signed_in(app, "lea"), "/pair", a=a, b=b, verdict="same").status_code == 303
    verdicts, links, _ = stored(bench.root)
    assert verdicts[tuple(sorted((a, b)))] == "same" and any({a, b} == set(link) for link in links)


def test_a_lead_cannot_pair_records_that_do_not_exist(app, bench):
    before = stored(bench.root)
    answer = post(signed_in(app, "lea"), "/pair", a=bench.ids[0], b="pubmed:doesnotexist", verdict="same")
    assert answer.status_code == 400 and "no record pubmed:doesnotexist" in answer.text
    assert stored(bench.root) == before


def conflict(app, bench, record_id: str, stage: str = "title_abstract") -> None:
    post(signed_in(app, "ana"), "/decide", record_id=record_id, stage=stage, decision="include")
    post(
        signed_in(app, "ben"),
        "/decide",
        record_id=record_id,
        stage=stage,
        decision="exclude",
        reason=REASONS[0],
    )


@pytest.mark.parametrize(
    ("record_id", "said"),
    [
        ("pubmed:doesnotexist", "no conflict on &#39;pubmed:doesnotexist&#39;"),
        ("<b>markup</b>", "no conflict on &#39;&lt;b&gt;markup&lt;/b&gt;&#39;"),
        ("IDS0", "no conflict on"),
    ],
)
def test_a_consensus_needs_a_stored_record_in_conflict(app, bench, record_id, said):
    record_id = bench.ids[0] if record_id == "IDS0" else record_id  # a real record nobody disagrees on
    lead = signed_in(app, "lea")
    answer = post(lead, "/consensus", record_id=record_id, stage="title_abstract", decision="include")
    assert answer.status_code == 400 and said in answer.text
    assert stored(bench.root)[2] == []


def test_a_consensus_is_checked_as_an_imported_one_and_then_stored(app, bench):
    target = bench.ids[0]
    conflict(app, bench, target)
    lead = signed_in(app, "lea")
    wrong_stage = post(lead, "/consensus", record_id=target, stage="full_text", decision="include")
    assert wrong_stage.status_code == 400 and "no conflict" in wrong_stage.text
    assert (
        post(lead, "/consensus", record_id=target, stage="title_abstract", decision="maybe").status_code
        == 400
    )
    assert stored(bench.root)[2] == []
    assert post(lead, "/consensus", record_id=target, stage="title_abstract", decision="exclude",
                reason="agreed").status_code == 303  # fmt: skip
    assert [(d.record_id, d.decision) for d in stored(bench.root)[2]] == [(target, "exclude")]
    again = post(lead, "/consensus", record_id=target, stage="title_abstract", decision="include")
    assert again.status_code == 400  # resolved: no longer in conflict


def test_a_full_text_consensus_needs_a_reason_from_the_protocol(app, bench):
    target = bench.ids[0]
    for name in ("ana", "ben"):
        post(signed_in(app, name), "/decide", record_id=target, stage="title_abstract", decision="include")
    conflict(app, bench, target, "full_text")
    lead = signed_in(app, "lea")
    for reason, said in (("", "needs a reason"), ("too long", "not one of the protocol")):
        answer = post(
            lead, "/consensus", record_id=target, stage="full_text", decision="exclude", reason=reason
        )
        assert answer.status_code == 400 and said in answer.text
    assert stored(bench.root)[2] == []


def test_a_consensus_at_title_abstract_is_refused_for_a_record_found_only_by_other_methods(tmp_path):
    """`screen import` refuses any title/abstract decision on a record found only by other methods
    (citation searching): it has no title/abstract stage. Votes stored before its source's group
    became "other" are a conflict nobody can settle there; the web consensus must refuse it as well."""
    from litreview.records import Citation, Decision
    from litreview.testing.workspaces import build_workspace
    from litreview.web.accounts import add_user

    from .conftest import PASSWORD

    root = tmp_path / "ws"
    found = [
        Citation(f"snowball:{i}", "snowball", str(i), title=f"Cited study {i}", abstract="x")
        for i in range(2)
    ]
    build_workspace(root, found, review_id="other_only", group="other", exclusion_reasons=REASONS)
    add_user(root, "lea", "lead", PASSWORD)
    with Workspace.existing(root) as ws, ws.transaction():
        ws.add_human_decisions("earlier", [Decision("snowball:0", "title_abstract", "include", "", "ana", "human"),
                                           Decision("snowball:0", "title_abstract", "exclude", "", "ben", "human")])  # fmt: skip
    workbench = Workbench(root)
    try:
        lead = signed_in(create_app(workbench, rank=False), "lea")
        assert 'data-record-id="snowball:0"' not in lead.get("/conflicts").text  # nor offered to settle
        assert lead.get("/download/agreement.json").json()["conflicts"] == []  # nor counted there
        answer = post(lead, "/consensus", record_id="snowball:0", stage="title_abstract", decision="exclude")
        assert answer.status_code == 400 and "other methods" in answer.text
        assert stored(root)[2] == []
    finally:
        workbench.close()


@pytest.mark.parametrize(("path", "field"), [("/note", "note"), ("/decide", "reason")])
def test_a_control_character_is_refused_on_a_message_page_and_nothing_is_stored(app, bench, path, field):
    ana = signed_in(app, "ana")
    before = Workspace.existing(bench.root)
    try:
        notes, decisions = len(before.notes_on([bench.ids[0]])), len(before.decisions())
    finally:
        before.close()
    answer = post(ana, path, record_id=bench.ids[0], stage="title_abstract", decision="exclude",
                  **{field: "wrong\x07design"})  # fmt: skip
    assert answer.status_code == 400 and f"the {field}: a control character cannot be stored" in answer.text
    assert "<html" in answer.text.lower()  # the workbench's message page, not a bare error
    with Workspace.existing(bench.root) as ws:
        assert (len(ws.notes_on([bench.ids[0]])), len(ws.decisions())) == (notes, decisions)


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
