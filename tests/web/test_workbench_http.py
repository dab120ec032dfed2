"""The workbench over HTTP (Starlette's test client): sign-in, CSRF, rate limit, blind screening,
decisions stored through the same workspace calls as imports, conflicts, duplicates, downloads."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from litreview.records import Decision
from litreview.screen.decisions import effective
from litreview.store.workspace import Workspace
from litreview.web.app import create_app
from litreview.web.workbench import Workbench

from .conftest import PASSWORD, REASONS, XSS_TITLE, csrf_of


@pytest.fixture
def app(bench):
    workbench = Workbench(bench.root)
    yield create_app(workbench, rank=False)
    workbench.close()


def client(app) -> TestClient:
    return TestClient(app, base_url="http://127.0.0.1", follow_redirects=False)


def signed_in(app, name: str) -> TestClient:
    c = client(app)
    token = csrf_of(c.get("/login").text)
    answer = c.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": token})
    assert answer.status_code == 303, answer.text
    return c


def post(c: TestClient, path: str, **data: str):
    page = c.get("/screen")
    return c.post(path, data={"csrf_token": csrf_of(page.text), **data})


def test_pages_need_a_sign_in_and_posts_without_one_are_refused(app, bench):
    c = client(app)
    assert c.get("/screen").status_code == 303 and c.get("/screen").headers["location"].startswith("/login")
    answer = c.post(
        "/decide", data={"record_id": bench.ids[0], "stage": "title_abstract", "decision": "include"}
    )
    assert answer.status_code == 403
    with Workspace.existing(bench.root) as ws:
        assert [d for d in ws.decisions() if d.origin == "human"] == []


def test_a_post_without_the_sessions_csrf_token_is_refused(app, bench):
    c = signed_in(app, "ana")
    for token in ("", "forged-token"):
        answer = c.post("/decide", data={"record_id": bench.ids[0], "stage": "title_abstract",
                                         "decision": "include", "csrf_token": token})  # fmt: skip
        assert answer.status_code == 403
    assert client(app).post("/login", data={"username": "ana", "password": PASSWORD}).status_code == 403


def test_wrong_passwords_are_rate_limited_and_a_right_one_then_waits_too(app):
    c = client(app)
    token = csrf_of(c.get("/login").text)
    codes = [c.post("/login", data={"username": "ana", "password": "wrong", "csrf_token": token}).status_code
             for _ in range(4)]  # fmt: skip
    assert codes[:3] == [401] * 3 and codes[3] == 429
    refused = c.post("/login", data={"username": "ana", "password": PASSWORD, "csrf_token": token})
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    # another name from the same address is not held up by ana's guesser (tests/web/test_sign_in.py)
    assert (
        c.post("/login", data={"username": "ben", "password": PASSWORD, "csrf_token": token}).status_code
        == 303
    )


def test_session_cookie_is_signed_httponly_and_strict_and_pages_carry_a_strict_csp(app):
    c = client(app)
    answer = c.get("/login")
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    csp = answer.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "<script>" not in answer.text.replace('<script src="/static/workbench.js" defer></script>', "")


def test_only_loopback_host_names_are_answered_on_loopback(app):
    c = TestClient(app, base_url="http://attacker.example", follow_redirects=False)
    assert c.get("/login").status_code == 400


def test_any_loopback_address_gets_the_host_check(bench):
    workbench = Workbench(bench.root)
    try:
        other = create_app(workbench, rank=False, host="127.0.0.2")
        assert TestClient(other, base_url="http://127.0.0.2").get("/login").status_code == 200
        assert TestClient(other, base_url="http://attacker.example").get("/login").status_code == 400
    finally:
        workbench.close()


def test_record_text_is_escaped(app, bench):
    c = signed_in(app, "ana")
    page = c.get("/record/medline:xss").text
    assert "<script>alert(1)</script>" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert XSS_TITLE.split("</script>")[1].strip() in page


def test_a_record_without_title_or_abstract_says_so(app, bench):
    with Workspace.existing(bench.root) as ws:
        blank = [r.record_id for r in ws.records() if not r.title.strip() and not r.abstract.strip()]
    assert blank  # the shipped review has PubMed records whose text never came through
    page = signed_in(app, "ana").get(f"/record/{blank[0]}").text
    assert (
        '<h1 data-testid="record-title"><em>No title.</em></h1>' in page and "<em>No abstract.</em>" in page
    )


def test_a_decision_is_stored_like_an_imported_one_and_the_next_record_follows(app, bench):
    c = signed_in(app, "ana")
    first = c.get("/screen").text
    assert f'data-record-id="{bench.ids[0]}"' in first
    answer = post(c, "/decide", record_id=bench.ids[0], stage="title_abstract", decision="include")
    assert answer.status_code == 303 and f"record={bench.ids[1]}" in answer.headers["location"]
    with Workspace.existing(bench.root) as ws:
        human = [d for d in ws.decisions() if d.origin == "human"]
        history = ws.decision_history(bench.ids[0])
    assert [(d.record_id, d.reviewer, d.decision) for d in human] == [(bench.ids[0], "ana", "include")]
    assert history[0]["batch"] == "web:ana"
    assert f'value="1" max="{len(bench.ids)}"' in c.get("/screen").text


def test_undo_withdraws_the_last_decision_and_keeps_it_in_the_history(app, bench):
    c = signed_in(app, "ana")
    post(c, "/decide", record_id=bench.ids[0], stage="title_abstract", decision="include")
    post(c, "/decide", record_id=bench.ids[1], stage="title_abstract", decision="exclude")
    answer = post(c, "/undo", stage="title_abstract")
    assert f"record={bench.ids[1]}" in answer.headers["location"]
    with Workspace.existing(bench.root) as ws:
        assert {d.record_id for d in ws.decisions() if d.origin == "human"} == {bench.ids[0]}
        assert [h["decision"] for h in ws.decision_history(bench.ids[1])] == ["exclude", "withdrawn"]


def test_a_report_not_retrieved_needs_a_reason_on_the_web_too(app, bench):
    """A reviewer, or a lead settling a conflict, marks a report not retrieved only with a reason
    (what PRISMA's "reports not retrieved" reports): a blank one is refused, nothing stored."""
    target = bench.ids[4]
    for name in ("lea", "ben"):
        post(signed_in(app, name), "/decide", record_id=target, stage="title_abstract", decision="include")
    ben = signed_in(app, "ben")
    refused = post(ben, "/decide", record_id=target, stage="full_text", decision="not_retrieved", reason=" ")
    assert refused.status_code == 400 and "a &#39;not retrieved&#39; decision needs a reason" in refused.text
    with Workspace.existing(bench.root) as ws:
        assert [d.stage for d in ws.decisions() if d.origin == "human" and d.reviewer == "ben"] == [
            "title_abstract"
        ]
    # an exclusion reason left picked in the list is not why a report could not be obtained
    picked = post(ben, "/decide", record_id=target, stage="full_text", decision="not_retrieved",
                  reason="wrong population")  # fmt: skip
    assert picked.status_code == 400 and "needs a reason" in picked.text
    ok = post(ben, "/decide", record_id=target, stage="full_text", decision="not_retrieved",
              reason="wrong population", reason_other="publisher embargo until 2031")  # fmt: skip
    assert ok.status_code == 303
    post(signed_in(app, "ana"), "/decide", record_id=target, stage="full_text", decision="include")
    lead = signed_in(app, "lea")
    assert 'data-testid="consensus-not-retrieved"' in lead.get("/conflicts").text
    answer = post(lead, "/consensus", record_id=target, stage="full_text", decision="not_retrieved",
                  reason="wrong population")  # fmt: skip
    assert answer.status_code == 400 and "needs a reason" in answer.text
    assert post(lead, "/consensus", record_id=target, stage="full_text", decision="not_retrieved",
                reason_other="embargoed").status_code == 303  # fmt: skip
    with Workspace.existing(bench.root) as ws:
        why = {(d.reviewer, d.origin): d.reason for d in ws.decisions() if d.stage == "full_text"}
    assert why[("ben", "human")] == "publisher embargo until 2031"
    assert "embargoed" in why.values() and "wrong population" not in why.values()


def test_full_text_exclusion_needs_a_reason_from_the_protocol(app, bench):
    lead = signed_in(app, "lea")
    post(lead, "/decide", record_id=bench.ids[0], stage="title_abstract", decision="include")
    c = signed_in(app, "ana")
    post(c, "/decide", record_id=bench.ids[0], stage="title_abstract", decision="include")
    refused = post(c, "/decide", record_id=bench.ids[0], stage="full_text", decision="exclude")
    assert refused.status_code == 400 and "needs a reason" in refused.text
    odd = post(c, "/decide", record_id=bench.ids[0], stage="full_text", decision="exclude", reason="too long")
    assert "not one of the protocol" in odd.text
    ok = post(c, "/decide", record_id=bench.ids[0], stage="full_text", decision="exclude", reason=REASONS[2])
    assert ok.status_code == 303
    # a record no one included at title/abstract is not screened at full text
    assert (
        "not passed" in post(c, "/decide", record_id=bench.ids[5], stage="full_text", decision="include").text
    )


def test_screening_is_blind_until_consensus(app, bench):
    ana, ben = signed_in(app, "ana"), signed_in(app, "ben")
    target = bench.ids[0]
    post(
        ana,
        "/decide",
        record_id=target,
        stage="title_abstract",
        decision="include",
        reason="ana-secret-reason",
    )
    for page in (ben.get("/screen").text, ben.get(f"/record/{target}").text, ben.get("/dashboard").text):
        assert "ana-secret-reason" not in page
    post(ben, "/decide", record_id=target, stage="title_abstract", decision="exclude", reason="ben-reason")
    assert "ana-secret-reason" not in ben.get(f"/record/{target}").text
    assert ben.get("/conflicts").status_code == 403
    lead = signed_in(app, "lea")
    conflicts = lead.get("/conflicts").text
    assert "ana-secret-reason" in conflicts and "ben-reason" in conflicts
    post(lead, "/consensus", record_id=target, stage="title_abstract", decision="include", reason="agreed")
    with Workspace.existing(bench.root) as ws:
        decided = effective(ws.decisions())
    assert decided[(target, "title_abstract")].decision == "include"
    assert "No conflicts outstanding" in lead.get("/conflicts").text


def test_a_decision_on_a_duplicate_counts_for_its_representative(app, bench):
    c = signed_in(app, "ana")
    dup, rep = bench.duplicate
    post(c, "/decide", record_id=dup, stage="title_abstract", decision="exclude")
    with Workspace.existing(bench.root) as ws:
        assert [d.record_id for d in ws.decisions() if d.origin == "human"] == [rep]


def test_a_maybe_pair_is_settled_and_the_workspace_relinked(app, bench):
    c = signed_in(app, "ana")
    page = c.get("/duplicates").text
    assert 'data-testid="pair"' in page and 'class="differ"' in page
    a, b = bench.maybe
    assert post(c, "/pair", a=a, b=b, verdict="distinct").status_code == 303
    with Workspace.existing(bench.root) as ws:
        assert ws.pair_verdicts() == {tuple(sorted((a, b))): "distinct"}
        assert ws.links("maybe-duplicate") == []
    assert "No maybe pairs outstanding" in c.get("/duplicates").text


def test_search_uses_the_query_language(app, bench):
    c = signed_in(app, "ana")
    page = c.get("/search", params={"q": "cetirizine[tiab] OR loratadine[tiab]"}).text
    assert "record(s) match" in page
    assert "column" in c.get("/search", params={"q": "(cetirizine OR"}).text


def test_dashboard_counts_follow_the_decisions(app, bench):
    c = signed_in(app, "lea")

    def screened_and_excluded():
        page = c.get("/dashboard").text
        return shown(page, "prisma-awaiting"), shown(page, "prisma-excluded")

    awaiting, excluded = screened_and_excluded()
    post(c, "/decide", record_id=bench.ids[0], stage="title_abstract", decision="exclude")
    assert screened_and_excluded() == (awaiting - 1, excluded + 1)
    for record_id in bench.ids[1:4]:
        post(c, "/decide", record_id=record_id, stage="title_abstract", decision="include")
    said = c.get("/dashboard").text.split('data-testid="stopping-title_abstract">')[1].split("</p>")[0]
    # four decisions of forty records: the stopping rule cannot have been met, and says how far it is
    assert "with 95% confidence not reached yet" in said and "36 records unscreened" in said
    guess = c.get("/dashboard").text.split('data-testid="estimate-title_abstract">')[1].split("</p>")[0]
    from litreview.prioritise.estimate import RELIABILITY

    assert guess.startswith("Title/abstract: estimate (no guarantee): about") and RELIABILITY in guess


def test_downloads_list_outputs_and_cannot_escape_the_workspace(app, bench):
    (bench.root / "prisma.json").write_text("{}")
    (bench.root.parent / "secret.json").write_text("{}")
    (bench.root / "link.json").symlink_to(bench.root.parent / "secret.json")
    c = signed_in(app, "lea")
    assert c.get("/download/prisma.json").status_code == 200
    for name in ("..%2Fsecret.json", "link.json", "workspace.sqlite", ".lock"):
        assert c.get(f"/download/{name}").status_code in (400, 404)
    assert signed_in(app, "ana").get("/download/prisma.json").status_code == 403  # the lead's alone


def test_a_reviewer_cannot_sign_in_with_an_unknown_name(app):
    c = client(app)
    token = csrf_of(c.get("/login").text)
    assert (
        c.post("/login", data={"username": "mallory", "password": PASSWORD, "csrf_token": token}).status_code
        == 401
    )


def test_notes_are_private_to_their_reviewer(app, bench):
    ana, ben = signed_in(app, "ana"), signed_in(app, "ben")
    target = bench.ids[4]
    assert (
        post(ana, "/note", record_id=target, stage="title_abstract", note="ana-private-note").status_code
        == 303
    )
    assert "ana-private-note" in ana.get(f"/record/{target}").text
    assert "ana-private-note" not in ben.get(f"/record/{target}").text


def test_unknown_stage_and_decision_words_are_refused_with_a_message(app, bench):
    c = signed_in(app, "ana")
    assert "unknown stage" in c.get("/screen", params={"stage": "abstracts"}).text
    answer = post(c, "/decide", record_id=bench.ids[0], stage="title_abstract", decision="not_retrieved")
    assert "is not a decision at title_abstract" in answer.text
    with Workspace.existing(bench.root) as ws:
        assert [d for d in ws.decisions() if d.origin == "human"] == []


# -- blind until resolved, votes per stage, published decisions, downloads made now ---------------
def shown(page: str, key: str) -> int:
    """The number a page shows in its ``data-testid=key`` element."""
    return int(page.split(f'data-testid="{key}">')[1].split("<")[0])


def _policy_app(bench, **policy):
    from litreview.screen.commands import POLICY_META
    from litreview.screen.decisions import Policy

    with Workspace.existing(bench.root) as ws, ws.transaction():
        ws.set_meta(POLICY_META, Policy(**policy).as_meta())
    workbench = Workbench(bench.root)
    return workbench, create_app(workbench, rank=False)


def test_a_reviewer_reaches_no_one_elses_votes_counts_or_downloads(app, bench):
    (bench.root / "prisma.json").write_text('{"excluded": 1}')
    ana, ben = signed_in(app, "ana"), signed_in(app, "ben")
    target = bench.ids[0]
    post(
        ana,
        "/decide",
        record_id=target,
        stage="title_abstract",
        decision="exclude",
        reason="ana-secret-reason",
    )
    post(ana, "/note", record_id=target, stage="title_abstract", note="ana-secret-note")
    for path in ("/download/prisma.json", "/download/screening.csv", "/download/agreement.json",
                 "/download/votes.csv", "/dashboard/prisma.svg", "/conflicts"):  # fmt: skip
        assert ben.get(path).status_code == 403, path
    board = ben.get("/dashboard").text
    for leak in ("ana", "conflict-count", "kappa", "prisma-excluded", "/download/"):
        assert leak not in board, leak
    assert 'data-testid="own-progress"' in board
    record = ben.get(f"/record/{target}").text + ben.get(f"/screen?record={target}").text
    assert "ana-secret" not in record and ">exclude<" not in record.replace("decide-exclude", "")
    lead = signed_in(app, "lea")
    assert "ana-secret-reason" in lead.get("/download/votes.csv").text
    assert lead.get("/dashboard/prisma.svg").status_code == 200


def test_maybe_and_exclude_is_a_conflict_everywhere(app, bench):
    from litreview.api import Workspace as Frames

    ana, ben, lead = signed_in(app, "ana"), signed_in(app, "ben"), signed_in(app, "lea")
    target = bench.ids[0]

    def excluded() -> int:
        page = lead.get("/dashboard").text
        return int(page.split('data-testid="prisma-excluded">')[1].split("<")[0])

    before = excluded()
    post(ana, "/decide", record_id=target, stage="title_abstract", decision="maybe")
    post(ben, "/decide", record_id=target, stage="title_abstract", decision="exclude", reason="wrong design")
    post(ana, "/note", record_id=target, stage="title_abstract", note="ana-unsure-why")
    assert excluded() == before  # not outvoted: the maybe stands against the exclusion
    resolving = lead.get("/conflicts").text
    assert f'data-record-id="{target}"' in resolving and "ana-unsure-why" in resolving  # votes and notes
    frame = Frames(bench.root).screening()
    assert frame.set_index(["record_id", "stage"]).loc[(target, "title_abstract"), "decision"] == "conflict"
    assert f"{target},title_abstract,conflict" in lead.get("/download/screening.csv").text
    page = lead.get("/dashboard").text
    assert int(page.split('data-testid="conflict-count">')[1].split("<")[0]) == 1


def test_with_two_votes_needed_one_vote_awaits_a_second_reviewer_and_is_not_excluded(bench):
    workbench, app = _policy_app(bench, required=(("title_abstract", 2), ("full_text", 2)))
    try:
        ana, ben, lead = signed_in(app, "ana"), signed_in(app, "ben"), signed_in(app, "lea")
        target = bench.ids[5]
        excluded = shown(lead.get("/dashboard").text, "prisma-excluded")
        post(
            ana,
            "/decide",
            record_id=target,
            stage="title_abstract",
            decision="exclude",
            reason="wrong design",
        )
        page = lead.get("/dashboard").text
        assert shown(page, "prisma-excluded") == excluded and shown(page, "awaiting-title_abstract") == 1
        with Workspace.existing(bench.root) as ws:
            from litreview.screen.commands import policy_of

            assert effective(ws.decisions(), policy_of(ws))[(target, "title_abstract")].decision == "awaiting"
        # offered to the other reviewer first, in their own queue
        assert f'data-record-id="{target}"' in ben.get("/screen?stage=title_abstract&queue=awaiting").text
        assert 'data-testid="awaiting-queue"' in ben.get("/screen").text
        assert 'data-testid="awaiting-queue"' not in ana.get("/screen").text
        post(
            ben,
            "/decide",
            record_id=target,
            stage="title_abstract",
            decision="exclude",
            reason="wrong design",
        )
        page = lead.get("/dashboard").text
        assert shown(page, "prisma-excluded") == excluded + 1 and shown(page, "awaiting-title_abstract") == 0
    finally:
        workbench.close()


def test_a_record_settled_by_consensus_is_no_longer_awaiting_another_vote(bench):
    """Three votes needed, two cast and in conflict, the lead settles it: nobody is asked for a third."""
    workbench, app = _policy_app(bench, required=(("title_abstract", 3),))
    try:
        ana, ben, lead = signed_in(app, "ana"), signed_in(app, "ben"), signed_in(app, "lea")
        target = bench.ids[6]
        awaiting = "/screen?stage=title_abstract&queue=awaiting"
        post(ana, "/decide", record_id=target, stage="title_abstract", decision="include")
        post(
            ben,
            "/decide",
            record_id=target,
            stage="title_abstract",
            decision="exclude",
            reason="wrong design",
        )
        assert f'data-record-id="{target}"' in lead.get(awaiting).text  # a third vote is still wanted
        post(
            lead, "/consensus", record_id=target, stage="title_abstract", decision="include", reason="agreed"
        )
        assert f'data-record-id="{target}"' not in lead.get(awaiting).text
    finally:
        workbench.close()


def test_published_decisions_are_a_reference_standard_never_in_kappa_or_conflicts(bench):
    published = "Smith 2020 (published review)"
    with Workspace.existing(bench.root) as ws, ws.transaction():
        ws.add_human_decisions("review-folder:r1", [
            Decision(r, "title_abstract", "include" if k % 2 else "exclude", "published", published, "human")
            for k, r in enumerate(bench.ids[:6])
        ])  # fmt: skip
    workbench, app = _policy_app(bench, published=((published, "Smith et al. 2020, Table 2"),))
    try:
        ana, lead = signed_in(app, "ana"), signed_in(app, "lea")
        for k, record_id in enumerate(bench.ids[:4]):
            post(
                ana,
                "/decide",
                record_id=record_id,
                stage="title_abstract",
                decision="include" if k < 2 else "exclude",
            )
        assert "No conflicts outstanding" in lead.get("/conflicts").text
        page = lead.get("/dashboard").text
        assert 'data-testid="kappa-row"' not in page  # one reviewer: no pair, the published set is none
        assert 'data-testid="published-agreement"' in page and "Smith et al. 2020, Table 2" in page
        agreement = lead.get("/download/agreement.json").json()
        assert agreement["conflicts"] == [] and all(b["pairs"] == [] for b in agreement["agreement"])
        row = agreement["published_agreement"][0]
        assert row["reviewers"] == ["ana", published] and row["records"] == 4 and row["agreement"] == 0.5
        with Workspace.existing(bench.root) as ws:
            from litreview.screen.commands import policy_of

            decided = effective(ws.decisions(), policy_of(ws))
        assert decided[(bench.ids[5], "title_abstract")].source == f"published {published}"
        assert decided[(bench.ids[0], "title_abstract")].source == "reviewer ana"
        # ben votes only where the published set said nothing: rows with no record in common
        post(
            signed_in(app, "ben"),
            "/decide",
            record_id=bench.ids[7],
            stage="title_abstract",
            decision="include",
        )
        page = lead.get("/dashboard").text
        assert "—" in page and ">None<" not in page  # a dash, not Python's None
    finally:
        workbench.close()


def test_downloads_are_made_now_or_say_decisions_changed_since_their_run(app, bench):
    (bench.root / "prisma.json").write_text("{}")
    with Workspace.existing(bench.root) as ws, ws.transaction():
        ws.set_meta("rendered_history_mark", ws.change_marks()[1])
    lead = signed_in(app, "lea")
    assert 'data-testid="downloads-stale"' not in lead.get("/dashboard").text
    post(
        lead,
        "/decide",
        record_id=bench.ids[0],
        stage="title_abstract",
        decision="exclude",
        reason="wrong design",
    )
    assert (
        f"{bench.ids[0]},title_abstract,exclude,wrong design,reviewer lea"
        in lead.get("/download/screening.csv").text
    )
    page = lead.get("/dashboard").text
    assert 'data-testid="downloads-stale"' in page and "from run r1" in page


def test_an_unblinded_finished_stage_shows_reviewers_each_others_votes(bench):
    workbench, app = _policy_app(bench, unblinded=("title_abstract",))
    try:
        ana, ben = signed_in(app, "ana"), signed_in(app, "ben")
        post(
            ana,
            "/decide",
            record_id=bench.ids[0],
            stage="title_abstract",
            decision="exclude",
            reason="wrong design",
        )
        assert 'data-testid="others-votes"' not in ben.get(f"/record/{bench.ids[0]}").text  # not finished yet
        with Workspace.existing(bench.root) as ws, ws.transaction():
            ws.add_human_decisions("t", [Decision(r, "title_abstract", "exclude", "wrong design", who, "human")
                                         for r in bench.ids[1:] for who in ("ana", "ben")])  # fmt: skip
            ws.add_human_decisions(
                "t", [Decision(bench.ids[0], "title_abstract", "exclude", "", "ben", "human")]
            )
        page = ben.get(f"/record/{bench.ids[0]}").text
        assert 'data-testid="others-votes"' in page and "ana: <b>exclude</b>" in page
    finally:
        workbench.close()


def test_to_screen_counts_records_without_a_vote_not_the_queue(app, bench):
    lead = signed_in(app, "lea")
    before = shown(lead.get("/dashboard").text, "to-screen-title_abstract")
    # the queue holds every record; the one the rules excluded is not left to screen
    assert before == len(bench.ids) - 1
    post(lead, "/decide", record_id=bench.ids[0], stage="title_abstract", decision="include")
    assert shown(lead.get("/dashboard").text, "to-screen-title_abstract") == before - 1


def test_two_maybes_go_to_the_lead_who_settles_them(bench):
    """Both reviewers said maybe: nobody decided, so the record is the lead's to settle on
    /conflicts (before, it waited unlisted, counted awaiting for ever, and a consensus was refused)."""
    workbench, app = _policy_app(bench, required=(("title_abstract", 2), ("full_text", 2)))
    try:
        ana, ben, lead = signed_in(app, "ana"), signed_in(app, "ben"), signed_in(app, "lea")
        target = bench.ids[7]
        excluded = shown(lead.get("/dashboard").text, "prisma-excluded")
        for reviewer in (ana, ben):
            post(reviewer, "/decide", record_id=target, stage="title_abstract", decision="maybe")
        assert f'data-record-id="{target}"' in lead.get("/conflicts").text
        assert shown(lead.get("/dashboard").text, "conflict-count") == 1
        answer = post(lead, "/consensus", record_id=target, stage="title_abstract", decision="exclude",
                      reason="wrong design")  # fmt: skip
        assert answer.status_code in (200, 303), answer.text
        assert f'data-record-id="{target}"' not in lead.get("/conflicts").text
        assert shown(lead.get("/dashboard").text, "prisma-excluded") == excluded + 1
    finally:
        workbench.close()
