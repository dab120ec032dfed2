"""The workbench's extras over HTTP: an "other" reason, notes the lead reads, each reviewer's own
highlight words, and the lead's filtered record list (never a reviewer's)."""

from __future__ import annotations

import re

import pytest

from litreview.store.workspace import Workspace
from litreview.web.app import create_app
from litreview.web.workbench import Workbench

from .conftest import REASONS, csrf_of
from .test_workbench_http import post, signed_in


@pytest.fixture
def app(bench):
    workbench = Workbench(bench.root)
    yield create_app(workbench, rank=False)
    workbench.close()


def listed(page: str) -> list[str]:
    return re.findall(r'data-testid="listed-record" data-record-id="([^"]+)"', page)


def test_an_other_reason_is_stored_as_other_text(app, bench):
    ana = signed_in(app, "ana")
    page = ana.get(f"/record/{bench.ids[0]}").text
    for n, reason in enumerate(REASONS, 1):  # each reason is shown with the number that picks it
        assert re.search(rf'data-testid="reason-{n}" data-reason-key="{n}" data-reason="{reason}"', page)
    post(ana, "/decide", record_id=bench.ids[0], stage="title_abstract", decision="exclude",
         reason_other="  a  case report ")  # fmt: skip
    post(ana, "/decide", record_id=bench.ids[1], stage="title_abstract", decision="exclude",
         reason=REASONS[1])  # fmt: skip
    post(ana, "/decide", record_id=bench.ids[2], stage="title_abstract", decision="include",
         reason_other="typed, then included with the mouse")  # fmt: skip
    with Workspace.existing(bench.root) as ws:
        mine = {d.record_id: d.reason for d in ws.reviewer_decisions("ana", "title_abstract")}
    assert mine == {bench.ids[0]: "other: a case report", bench.ids[1]: REASONS[1], bench.ids[2]: ""}


def test_the_lead_reads_every_reviewers_notes_a_reviewer_only_their_own(app, bench):
    ana, ben, lead = signed_in(app, "ana"), signed_in(app, "ben"), signed_in(app, "lea")
    target = bench.ids[0]
    post(ana, "/note", record_id=target, stage="title_abstract", note="ana-note: dose unclear")
    post(ben, "/note", record_id=target, stage="title_abstract", note="ben-note: adults only")
    assert (
        "ana-note" in ana.get(f"/record/{target}").text
        and "ben-note" not in ana.get(f"/record/{target}").text
    )
    assert "ana-note" not in ben.get(f"/record/{target}").text
    page = lead.get(f"/record/{target}").text
    assert 'data-testid="team-notes"' in page and "ana-note" in page and "ben-note" in page
    post(ana, "/decide", record_id=target, stage="title_abstract", decision="include")
    post(ben, "/decide", record_id=target, stage="title_abstract", decision="exclude")
    conflicts = lead.get("/conflicts").text
    assert "ana-note: dose unclear" in conflicts and "ben-note: adults only" in conflicts


def test_each_reviewer_keeps_their_own_highlight_words_and_saving_stays_on_the_record(app, bench):
    ana, ben, lead = signed_in(app, "ana"), signed_in(app, "ben"), signed_in(app, "lea")
    target = bench.ids[5]  # not the first in the queue: saving must not move to the next record
    page = ana.get(f"/screen?stage=title_abstract&record={target}").text
    answer = ana.post("/words", data={"csrf_token": csrf_of(page), "scope": "mine", "record_id": target,
                                      "stage": "title_abstract", "include": "the", "exclude": ""})  # fmt: skip
    assert (
        answer.status_code == 303
        and answer.headers["location"] == f"/screen?stage=title_abstract&record={target}"
    )
    assert 'title="your words"' in ana.get(answer.headers["location"]).text
    assert 'title="your words"' not in ben.get(f"/record/{target}").text  # ana's words are hers
    # the review's shared words: a lead sets them, everyone sees them, a reviewer cannot change them
    refused = ana.post("/words", data={"csrf_token": csrf_of(page), "scope": "shared", "include": "of"})
    assert refused.status_code == 403
    post(lead, "/words", scope="shared", record_id=target, stage="title_abstract", include="of", exclude="")
    for c in (ana, ben):
        assert "the review&#39;s words" in c.get(f"/record/{target}").text


def test_the_lead_filters_the_record_list_and_a_reviewer_cannot_open_it(app, bench):
    ana, ben, lead = signed_in(app, "ana"), signed_in(app, "ben"), signed_in(app, "lea")
    a, b, c = bench.ids[4], bench.ids[5], bench.ids[6]
    for reviewer, record, vote in ((ana, a, "include"), (ben, a, "exclude"), (ana, b, "include"),
                                   (ben, b, "include"), (ben, c, "maybe")):  # fmt: skip
        post(reviewer, "/decide", record_id=record, stage="title_abstract", decision=vote)
    for query in ("", "?reviewer=ben", "?decision=include", "?conflict=yes"):
        refused = ana.get(f"/records{query}")
        assert (
            refused.status_code == 403 and "listed-record" not in refused.text and "ben:" not in refused.text
        )
    everyone = listed(lead.get("/records").text)
    assert everyone == bench.ids  # every record screened at title/abstract, in queue order
    assert listed(lead.get("/records?conflict=yes").text) == [a]
    assert listed(lead.get("/records?decision=include").text) == [b]  # the decision that counts
    assert listed(lead.get("/records?reviewer=ben").text) == [a, b, c]
    assert listed(lead.get("/records?reviewer=ben&decision=exclude").text) == [a]  # ben's own vote
    assert listed(lead.get("/records?reviewer=ana&conflict=no").text) == [b]
    not_yet = [r for r in bench.ids if r not in (a, b)]
    assert listed(lead.get("/records?reviewer=ana&decision=undecided").text) == not_yet
    assert listed(lead.get("/records?stage=full_text").text) == [b]  # only b passed title/abstract
    assert lead.get("/records?conflict=maybe").status_code == 400
