"""The workbench's reason keys, highlighting and lead tools in chromium (see test_browser.py for
how the browser is found; CI must run these)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from litreview.store.workspace import Workspace

from .review_site import REASONS, Site, make_site, serving
from .test_browser import browsers as browsers  # the fixture, shared
from .test_browser import leave_page, open_browser, press, progress, shot, shown, sign_in, wait_for


@pytest.fixture(scope="module")
def site_template(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return make_site(tmp_path_factory.mktemp("site"))


@pytest.fixture
def site(site_template: Site, tmp_path: Path) -> Site:
    """A fresh copy of the template site (its accounts' scrypt hashes are made once)."""
    shutil.copytree(site_template.root.parent, tmp_path / "site")
    return replace(site_template, review=tmp_path / "site" / "review", root=tmp_path / "site" / "ws")


@pytest.fixture
def base(site: Site) -> Iterator[str]:
    with serving(site) as url:
        yield url


def focus(driver, testid: str) -> None:
    driver.execute_script(f"document.querySelector('[data-testid=\"{testid}\"]').focus()")


def picked(driver) -> str:
    return driver.execute_script("return document.querySelector('[data-testid=\"reason-picker\"]').value")


def own_decisions(site: Site, reviewer: str) -> dict[str, tuple[str, str]]:
    with Workspace.existing(site.root) as ws:
        return {
            d.record_id: (d.decision, d.reason) for d in ws.reviewer_decisions(reviewer, "title_abstract")
        }


def test_reason_keys_work_wherever_focus_is_but_never_while_typing(base, browsers, site):
    driver = open_browser(browsers)
    sign_in(driver, base, "ana")
    driver.get(f"{base}/screen")
    for n, reason in enumerate(REASONS, 1):  # each reason with the number that picks it
        assert driver.find_element(By.CSS_SELECTOR, f'[data-testid="reason-{n}"]').text == f"{n} {reason}"
    first = shown(driver)
    focus(driver, "decide-maybe")  # focus on a button, as after a mouse click: the keys still act
    driver.switch_to.active_element.send_keys("2")
    assert picked(driver) == REASONS[1] and progress(driver) == 0  # picked, not posted
    assert "chosen" in driver.find_element(By.CSS_SELECTOR, '[data-testid="reason-2"]').get_attribute("class")
    shot(driver, "11-reason-picked")
    leave_page(driver, lambda: driver.switch_to.active_element.send_keys("e"))
    wait_for(driver, "progress")
    second = shown(driver)
    focus(driver, "reason-picker")  # focus in the reason list: still not typing
    driver.switch_to.active_element.send_keys("o")
    box = driver.find_element(By.CSS_SELECTOR, '[data-testid="reason-other-text"]')
    assert driver.switch_to.active_element == box
    box.send_keys("crossover in healthy volunteers")  # letters that are keys (e, r, o, i, u, m): typed only
    assert progress(driver) == 1 and shown(driver) == second
    leave_page(driver, lambda: box.send_keys(Keys.ENTER))  # Enter excludes with the typed reason
    wait_for(driver, "progress")
    third = shown(driver)
    note = driver.find_element(By.CSS_SELECTOR, '[data-testid="note"]')
    note.send_keys("1 e i m 2 o u r")  # typing a note never decides, picks or undoes
    assert progress(driver) == 2 and shown(driver) == third and picked(driver) == ""
    assert note.get_attribute("value") == "1 e i m 2 o u r"
    note.send_keys(Keys.ESCAPE)
    driver.find_element(By.TAG_NAME, "body").send_keys("4")
    press(driver, "e")
    assert own_decisions(site, "ana") == {
        first: ("exclude", REASONS[1]),
        second: ("exclude", "other: crossover in healthy volunteers"),
        third: ("exclude", REASONS[3]),
    }


def test_search_and_rule_terms_are_marked_on_ris_and_csv_records(base, browsers, site):
    driver = open_browser(browsers)
    sign_in(driver, base, "ana")
    csv_record = "pubmed:4"  # a CSV record: "Nasal effect of cetirizine and loratadine ... rhinitis"
    for record_id in (site.embase[0], csv_record):
        driver.get(f"{base}/record/{record_id}")
        wait_for(driver, "record-title")
        query = {m.text.lower() for m in driver.find_elements(By.CSS_SELECTOR, "article mark.query")}
        assert "cetirizine" in query and "rhinitis" in query, (record_id, query)
    driver.get(f"{base}/record/{site.embase[0]}")  # children only: the exclusion rule's terms
    rule = driver.find_elements(By.CSS_SELECTOR, 'article mark.rule-exclude[title="rule EX-CHILDREN"]')
    assert {m.text.lower() for m in rule} == {"children"}
    shot(driver, "12-marked-ris-record")


def test_a_reviewers_own_words_are_theirs_and_saving_them_stays_on_the_record(base, browsers, site):
    ana, ben = open_browser(browsers), open_browser(browsers)
    sign_in(ana, base, "ana")
    sign_in(ben, base, "ben")
    target = "pubmed:13"  # "A double-blind, placebo-controlled investigation ..." (not first in the queue)
    ana.get(f"{base}/screen?stage=title_abstract&record={target}")
    ana.find_element(By.CSS_SELECTOR, '[data-testid="words"] summary').click()
    ana.find_element(By.CSS_SELECTOR, '[data-testid="words-mine-include"]').send_keys("placebo, double-blind")
    leave_page(ana, ana.find_element(By.CSS_SELECTOR, '[data-testid="words-mine-save"]').click)
    wait_for(ana, "record-title")
    assert shown(ana) == target and progress(ana) == 0  # the same record, nothing decided
    mine = {
        m.text.lower() for m in ana.find_elements(By.CSS_SELECTOR, 'article mark.include[title="your words"]')
    }
    assert "placebo" in mine
    assert (
        ana.find_elements(By.CSS_SELECTOR, '[data-testid="words-shared"] input') == []
    )  # a reviewer's: read only
    shot(ana, "13-own-highlight-words")
    ben.get(f"{base}/screen?stage=title_abstract&record={target}")
    assert ben.find_elements(By.CSS_SELECTOR, 'mark[title="your words"]') == []  # ana's words are hers


def test_the_lead_filters_the_record_list_a_reviewer_cannot(base, browsers, site):
    ana, ben, lead = open_browser(browsers), open_browser(browsers), open_browser(browsers)
    for driver, name, keys in ((ana, "ana", "iie"), (ben, "ben", "eie")):
        sign_in(driver, base, name)
        driver.get(f"{base}/screen")
        for key in keys:
            press(driver, key)
    first, _, third = site.ids[:3]
    sign_in(lead, base, "lea")
    lead.find_element(By.CSS_SELECTOR, '[data-testid="nav-records"]').click()
    wait_for(lead, "filters")

    def apply(**chosen: str) -> list[str]:
        for name, value in chosen.items():
            Select(lead.find_element(By.CSS_SELECTOR, f'[data-testid="filter-{name}"]')).select_by_value(
                value
            )
        leave_page(lead, lead.find_element(By.CSS_SELECTOR, '[data-testid="filter-apply"]').click)
        wait_for(lead, "records-count")
        rows = lead.find_elements(By.CSS_SELECTOR, '[data-testid="listed-record"]')
        return [r.get_attribute("data-record-id") for r in rows]

    assert apply(conflict="yes") == [first]
    shot(lead, "14-records-in-conflict")
    assert apply(conflict="", reviewer="ben", decision="exclude") == [first, third]
    assert apply(reviewer="", decision="exclude") == [third]  # the decision that counts
    assert ana.find_elements(By.CSS_SELECTOR, '[data-testid="nav-records"]') == []
    ana.get(f"{base}/records?reviewer=ben&decision=exclude")
    assert "Only a lead" in wait_for(ana, "message").text
    assert ana.find_elements(By.CSS_SELECTOR, '[data-testid="listed-record"]') == []
