"""What a methodologist checks first, in a real browser (chromium through Selenium): blinding holds
by page and by URL, maybe + exclude is a conflict everywhere, a lone vote awaits a second reviewer
when two are needed, published decisions are never a reviewer, and the EP-PD-NEC reproduction's
count of included database studies is what its reference list and snapshot give."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from litreview.records import Decision
from litreview.screen.commands import POLICY_META
from litreview.screen.decisions import Policy
from litreview.store.workspace import Workspace
from litreview.web.workbench import Workbench

from .serving import served
from .test_browser import By, leave_page, open_browser, press, shot, shown, sign_in, wait_for
from .test_browser import browsers as browsers  # the fixture, shared

REVIEW = Path(__file__).resolve().parents[2] / "search_strings" / "ep_pd_nec"
REFERENCES = Path(__file__).resolve().parents[1] / "data" / "review" / "references.json"
PUBLISHED = "Smith et al. 2020 (published review)"


def serve(root: Path) -> Iterator[str]:
    with served(Workbench(root)) as url:
        yield url


def with_policy(root: Path, **policy) -> None:
    with Workspace.existing(root) as ws, ws.transaction():
        ws.set_meta(POLICY_META, Policy(**policy).as_meta())


@pytest.fixture
def server(bench) -> Iterator[str]:
    yield from serve(bench.root)


@pytest.fixture
def two_votes_server(bench) -> Iterator[str]:
    with_policy(bench.root, required=(("title_abstract", 2), ("full_text", 2)))
    yield from serve(bench.root)


@pytest.fixture
def published_server(bench) -> Iterator[str]:
    with Workspace.existing(bench.root) as ws, ws.transaction():
        ws.add_human_decisions("review-folder:r1", [
            Decision(r, "title_abstract", "include", "published", PUBLISHED, "human") for r in bench.ids[:3]
        ])  # fmt: skip
    with_policy(bench.root, published=((PUBLISHED, "Smith et al. 2020, Table 2"),))
    yield from serve(bench.root)


def number(driver, testid: str) -> int:
    return int(driver.find_element(By.CSS_SELECTOR, f'[data-testid="{testid}"]').text)


def fetch(driver, path: str) -> tuple[int, str]:
    """GET ``path`` with the browser's own session cookie (what a curious reviewer types; the page's
    Content-Security-Policy forbids scripts to fetch), as status and text."""
    import urllib.error
    import urllib.request
    from urllib.parse import urlsplit

    here = urlsplit(driver.current_url)
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    request = urllib.request.Request(f"{here.scheme}://{here.netloc}{path}", headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request, timeout=20) as answer:
            return answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read().decode("utf-8")


def test_a_reviewer_cannot_reach_another_reviewers_votes_counts_or_downloads(server, browsers, bench):
    (bench.root / "prisma.json").write_text('{"rendered": true}')
    ana, ben = open_browser(browsers), open_browser(browsers)
    sign_in(ana, server, "ana")
    sign_in(ben, server, "ben")
    target = bench.ids[0]
    ana.get(f"{server}/screen")
    assert shown(ana) == target
    ana.find_element(By.CSS_SELECTOR, '[data-testid="note"]').send_keys("ana-private-note")
    leave_page(ana, ana.find_element(By.CSS_SELECTOR, "#note-form button[type=submit]").click)
    wait_for(ana, "progress")
    press(ana, "e")
    ben.get(f"{server}/dashboard")
    board = ben.find_element(By.TAG_NAME, "main").text
    wait_for(ben, "own-progress")
    assert "ana" not in board and "κ" not in board and "Conflicts outstanding" not in board
    assert not ben.find_elements(By.CSS_SELECTOR, '[data-testid="prisma-diagram"], a[href^="/download/"]')
    shot(ben, "method-01-reviewer-dashboard")
    for path in ("/download/prisma.json", "/download/screening.csv", "/download/agreement.json",
                 "/download/votes.csv", "/dashboard/prisma.svg", "/conflicts"):  # fmt: skip
        ben.get(f"{server}{path}")
        assert "Only a lead may open this page." in ben.page_source, path
        status, text = fetch(ben, path)
        assert status == 403 and "ana-private-note" not in text, path
    ben.get(f"{server}/record/{target}")
    assert "ana-private-note" not in ben.page_source and not ben.find_elements(
        By.CSS_SELECTOR, '[data-testid="own-decision"]'
    )
    lead = open_browser(browsers)
    sign_in(lead, server, "lea")
    status, votes = fetch(lead, "/download/votes.csv")
    assert status == 200 and f"{target}," in votes and ",ana,reviewer,exclude," in votes


def test_maybe_and_exclude_is_a_conflict_on_every_view(server, browsers, bench):
    ana, ben, lead = open_browser(browsers), open_browser(browsers), open_browser(browsers)
    for driver, name in ((ana, "ana"), (ben, "ben"), (lead, "lea")):
        sign_in(driver, server, name)
    lead.get(f"{server}/dashboard")
    excluded, awaiting = number(lead, "prisma-excluded"), number(lead, "prisma-awaiting")
    target = bench.ids[0]
    for driver, key in ((ana, "m"), (ben, "e")):
        driver.get(f"{server}/screen")
        assert shown(driver) == target
        press(driver, key)
    lead.get(f"{server}/dashboard")
    assert number(lead, "conflict-count") == 1
    assert (number(lead, "prisma-excluded"), number(lead, "prisma-awaiting")) == (excluded, awaiting)
    lead.get(f"{server}/conflicts")
    assert wait_for(lead, "conflict").get_attribute("data-record-id") == target
    shot(lead, "method-02-maybe-and-exclude-conflict")
    _, screening = fetch(lead, "/download/screening.csv")
    assert f"{target},title_abstract,conflict," in screening
    _, agreement = fetch(lead, "/download/agreement.json")
    assert [c["record_id"] for c in json.loads(agreement)["conflicts"]] == [target]


def test_with_two_reviewers_per_record_one_vote_awaits_a_second_and_is_not_excluded(
    two_votes_server, browsers, bench
):
    server = two_votes_server
    ana, ben, lead = open_browser(browsers), open_browser(browsers), open_browser(browsers)
    for driver, name in ((ana, "ana"), (ben, "ben"), (lead, "lea")):
        sign_in(driver, server, name)
    lead.get(f"{server}/dashboard")
    excluded = number(lead, "prisma-excluded")
    target = bench.ids[4]
    ana.get(f"{server}/screen?record={target}")
    press(ana, "e")
    lead.get(f"{server}/dashboard")
    assert number(lead, "prisma-excluded") == excluded
    assert number(lead, "awaiting-title_abstract") == 1
    shot(lead, "method-03-awaiting-second-reviewer")
    ben.get(f"{server}/screen")  # offered to the other reviewer first
    assert shown(ben) == target
    assert (
        "1 awaiting a second reviewer"
        in ben.find_element(By.CSS_SELECTOR, '[data-testid="awaiting-queue"]').text
    )
    press(ben, "e")
    lead.get(f"{server}/dashboard")
    assert number(lead, "prisma-excluded") == excluded + 1
    assert number(lead, "awaiting-title_abstract") == 0


def test_published_decisions_never_appear_in_kappa_or_conflicts(published_server, browsers, bench):
    server = published_server
    ana, ben, lead = open_browser(browsers), open_browser(browsers), open_browser(browsers)
    for driver, name in ((ana, "ana"), (ben, "ben"), (lead, "lea")):
        sign_in(driver, server, name)
    for record_id in bench.ids[:3]:  # both disagree with the published inclusion, and agree together
        for driver in (ana, ben):
            driver.get(f"{server}/screen?record={record_id}")
            press(driver, "e")
    lead.get(f"{server}/conflicts")
    wait_for(lead, "no-conflicts")
    lead.get(f"{server}/dashboard")
    rows = [r.text for r in lead.find_elements(By.CSS_SELECTOR, '[data-testid="kappa-row"]')]
    assert rows and all("ana / ben" in r and "Smith" not in r for r in rows)
    published = lead.find_element(By.CSS_SELECTOR, '[data-testid="published-agreement"]').text
    assert "Smith et al. 2020 (published review)" in published and "ana" in published
    shot(lead, "method-04-published-agreement")


# -- the EP-PD-NEC reproduction --------------------------------------------------------------------
@pytest.fixture(scope="module")
def ep_pd_nec(tmp_path_factory) -> Path:
    """The shipped review run on its snapshot (the pipeline's steps, without Prefect)."""
    from litreview.config import load_protocol
    from litreview.pipeline import collect, render

    root = tmp_path_factory.mktemp("ep") / "ws"
    protocol = load_protocol(REVIEW)
    batches = [
        collect.collect(protocol, s.name, "replay", None, "run-1", str(root)) for s in protocol.sources
    ]
    render.store_and_report(protocol, str(root), str(root), "run-1", batches, mode="replay",
                           started=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), flow_run_id=None)  # fmt: skip
    from litreview.web.accounts import add_user

    from .conftest import PASSWORD

    add_user(root, "lea", "lead", PASSWORD)
    return root


def _key(title: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in title.lower()).split())


def test_the_ep_pd_nec_included_database_studies_are_what_the_reference_list_and_snapshot_give(
    ep_pd_nec, browsers
):
    refs = json.loads(REFERENCES.read_text())
    with open(ep_pd_nec / "records.csv", newline="", encoding="utf-8") as handle:
        records = [r for r in csv.DictReader(handle) if r["source"] in ("pubmed", "embase")]
    studies = {
        r["duplicate_of"] or r["record_id"]
        for ref in refs for r in records
        if (ref["doi"] and r["doi"].lower() == ref["doi"].lower()) or (ref["pmid"] and r["pmid"] == ref["pmid"])
        or _key(r["title"]) == _key(ref["title"])
    }  # fmt: skip
    kept = csv.DictReader((REVIEW / "published_decisions.csv").read_text(encoding="utf-8").splitlines())
    trials = sum(1 for r in kept if r["stage"] == "full_text")
    lead = open_browser(browsers)
    for server in serve(ep_pd_nec):
        sign_in(lead, server, "lea")
        lead.get(f"{server}/dashboard")
        assert number(lead, "prisma-included") == len(studies) + trials
        shot(lead, "method-05-ep-pd-nec-dashboard")
        _, prisma = fetch(lead, "/download/prisma.json")
        rows = {r["item"]: r for r in json.loads(prisma)["reported_vs_reproduced"]}
        assert rows["Studies included from databases"]["reproduced"] == len(studies)
        assert rows["Studies included from databases"]["reported"] == 23
