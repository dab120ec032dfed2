"""The workbench in a real browser: Debian's chromium driven by Selenium through chromium-driver.

Skipped when no chromium is installed, except in CI (``CI`` set), where a missing browser fails.
Each scenario saves screenshots of the screens it used (``outputs/test-artifacts/workbench``, or
``$LITREVIEW_ARTIFACTS``) so a person can look at them.
"""

from __future__ import annotations

import os
import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from litreview.store.workspace import Workspace
from litreview.web.workbench import Workbench

from .conftest import PASSWORD, XSS_TITLE
from .serving import served

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
ARTIFACTS = Path(
    os.environ.get(
        "LITREVIEW_ARTIFACTS",
        Path(__file__).resolve().parents[2] / "outputs" / "test-artifacts" / "workbench",
    )
)

if not (CHROMIUM and DRIVER):
    if os.environ.get("CI"):
        raise RuntimeError(
            "CI must run the browser tests: install Debian's chromium and chromium-driver (.ci/run does)"
        )
    pytest.skip("no chromium/chromedriver here (CI installs them)", allow_module_level=True)

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import (  # noqa: E402
    NoAlertPresentException,
    StaleElementReferenceException,
    WebDriverException,
)
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


def waiting(driver, timeout: float = 10, **options) -> WebDriverWait:
    # checked every 0.05 s: Selenium's default 0.5 s idles up to half a second on every page a test
    # waits for, while one check is one call to chromedriver on loopback
    return WebDriverWait(driver, timeout, poll_frequency=0.05, **options)


@pytest.fixture
def server(bench) -> Iterator[str]:
    with served(Workbench(bench.root)) as url:
        yield url


def new_browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000",
                 "--disable-gpu", "--no-first-run"):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path=DRIVER), options=options)
    driver.implicitly_wait(0)
    return driver


@pytest.fixture
def browsers() -> Iterator[list]:
    opened: list = []
    yield opened
    for driver in opened:
        driver.quit()


def open_browser(browsers: list):
    driver = new_browser()
    browsers.append(driver)
    return driver


def wait_for(driver, testid: str, timeout: float = 10):
    return waiting(driver, timeout).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, f'[data-testid="{testid}"]'))
    )


def sign_in(driver, base: str, name: str, screenshot: str = "") -> None:
    driver.get(f"{base}/login")
    if screenshot:
        shot(driver, screenshot)
    driver.find_element(By.NAME, "username").send_keys(name)
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, '[data-testid="login-submit"]').click()
    wait_for(driver, "signed-in")


def shot(driver, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def leave_page(driver, act) -> None:
    """Do what posts the page's form, and wait until the browser has left the page: an element found
    before then could belong to the page being left, and go stale as it is read."""
    # mid-navigation (a page still loading after the last post) chromedriver may find no html yet
    before = waiting(driver).until(lambda d: d.find_element(By.TAG_NAME, "html"))
    act()
    waiting(driver).until(lambda _: left(before))


def left(element) -> bool:
    """Whether the page holding ``element`` is gone. Read mid-navigation, chromedriver may say so as
    "node ... does not belong to the document" instead of a stale reference (a race seen in CI)."""
    try:
        element.is_enabled()
    except StaleElementReferenceException:
        return True
    except WebDriverException as exc:
        if "does not belong to the document" in str(exc):
            return True
        raise
    return False


def press(driver, key: str) -> None:
    """Type one key on the page (not in a field) and wait for the next page when it posts."""
    leave_page(driver, lambda: driver.find_element(By.TAG_NAME, "body").send_keys(key))
    wait_for(driver, "progress")


def progress(driver) -> int:
    # read in one script: an element found first and read after could belong to a page the browser
    # has already left (a stale element) while a wait polls across a form's submission
    value = driver.execute_script(
        "const bar = document.querySelector('[data-testid=\"progress\"]'); return bar ? bar.value : -1;"
    )
    return int(value)


def shown(driver) -> str:
    return driver.find_element(By.CSS_SELECTOR, "article.record").get_attribute("data-record-id")


def test_a_reviewer_screens_twenty_records_by_keyboard_and_undoes_one(server, browsers, bench):
    driver = open_browser(browsers)
    sign_in(driver, server, "ana", screenshot="00-login")
    driver.get(f"{server}/screen")
    shot(driver, "01-screen")
    seen = []
    for k in range(20):
        seen.append(shown(driver))
        press(driver, "iem"[k % 3])
    assert progress(driver) == 20
    assert len(set(seen)) == 20 and seen == bench.ids[:20]
    press(driver, "u")
    assert progress(driver) == 19 and shown(driver) == seen[-1]  # the undone record is shown again
    shot(driver, "02-after-undo")
    # arrows move without deciding
    here = shown(driver)
    press(driver, "\ue014")  # ArrowRight
    assert shown(driver) != here and progress(driver) == 19


def test_a_full_text_exclusion_asks_for_a_reason_first(server, browsers, bench):
    driver = open_browser(browsers)
    sign_in(driver, server, "lea")
    driver.get(f"{server}/screen")
    press(driver, "i")  # the lead includes the first record at title/abstract: it goes to full text
    driver.get(f"{server}/screen?stage=full_text")
    assert shown(driver) == bench.ids[0]
    driver.find_element(By.TAG_NAME, "body").send_keys("e")
    reasons = driver.find_element(By.CSS_SELECTOR, '[data-testid="reasons"]')
    assert "wanted" in reasons.get_attribute("class") and progress(driver) == 0  # nothing posted
    shot(driver, "03-full-text-reason")
    driver.find_element(By.TAG_NAME, "body").send_keys("3")  # reason 3, "wrong design": the exclusion posts
    waiting(driver, ignored_exceptions=(WebDriverException,)).until(  # polled across the page load
        lambda d: "full_text" in d.current_url and progress(d) == 1
    )


def test_a_report_not_retrieved_takes_typed_words_never_an_exclusion_reason(server, browsers, bench):
    """``r`` opens the box for why the report could not be obtained (a number key then types, it does
    not pick an exclusion reason); by mouse, a reason left picked in the list is not stored as why."""
    driver = open_browser(browsers)
    sign_in(driver, server, "lea")
    driver.get(f"{server}/screen")
    press(driver, "i")
    press(driver, "i")  # two records go to full text
    driver.get(f"{server}/screen?stage=full_text")
    assert shown(driver) == bench.ids[0]
    driver.find_element(By.TAG_NAME, "body").send_keys("r")
    box = driver.find_element(By.CSS_SELECTOR, '[data-testid="reason-other-text"]')
    assert box.is_displayed() and driver.switch_to.active_element == box and progress(driver) == 0
    assert "could not be obtained" in box.get_attribute("placeholder")
    shot(driver, "03b-not-retrieved-why")
    leave_page(driver, lambda: box.send_keys("3 requests to the publisher unanswered\n"))
    wait_for(driver, "progress")
    assert shown(driver) == bench.ids[1] and progress(driver) == 1
    # the mouse: an exclusion reason picked in the list, then "not retrieved" clicked
    driver.find_element(By.CSS_SELECTOR, '[data-testid="reason-picker"] option:nth-child(3)').click()
    driver.find_element(By.CSS_SELECTOR, '[data-testid="decide-not-retrieved"]').click()
    box = driver.find_element(By.CSS_SELECTOR, '[data-testid="reason-other-text"]')
    assert box.is_displayed() and progress(driver) == 1  # nothing posted: the words are asked for
    leave_page(driver, lambda: box.send_keys("library holds no copy\n"))
    wait_for(driver, "progress")
    with Workspace.existing(bench.root) as ws:
        why = {d.record_id: d.reason for d in ws.decisions() if d.stage == "full_text"}
    assert why == {
        bench.ids[0]: "3 requests to the publisher unanswered",
        bench.ids[1]: "library holds no copy",
    }


def test_two_reviewers_conflict_and_the_lead_resolves_it_on_the_dashboard(server, browsers, bench):
    ana, ben = open_browser(browsers), open_browser(browsers)  # two browsers: two separate sessions
    sign_in(ana, server, "ana")
    sign_in(ben, server, "ben")
    target = bench.ids[0]
    for driver, key in ((ana, "i"), (ben, "e")):
        driver.get(f"{server}/screen")
        assert shown(driver) == target
        press(driver, key)
    # blind: ben's view of the record shows his own decision only
    ben.get(f"{server}/record/{target}")
    assert "include" not in ben.find_element(By.CSS_SELECTOR, '[data-testid="own-decision"]').text
    lead = open_browser(browsers)
    sign_in(lead, server, "lea")
    lead.get(f"{server}/dashboard")
    count = lambda key: int(lead.find_element(By.CSS_SELECTOR, f'[data-testid="{key}"]').text)  # noqa: E731
    assert count("conflict-count") == 1
    awaiting, sought = count("prisma-awaiting"), count("prisma-sought")
    shot(lead, "04-dashboard-before")
    lead.find_element(By.CSS_SELECTOR, '[data-testid="nav-conflicts"]').click()
    conflict = wait_for(lead, "conflict")
    assert conflict.get_attribute("data-record-id") == target
    shot(lead, "05-conflicts")
    lead.find_element(By.CSS_SELECTOR, '[data-testid="consensus-include"]').click()
    wait_for(lead, "no-conflicts")
    lead.get(f"{server}/dashboard")
    assert count("conflict-count") == 0
    assert (count("prisma-awaiting"), count("prisma-sought")) == (awaiting - 1, sought + 1)
    diagram = lead.find_element(By.CSS_SELECTOR, '[data-testid="prisma-diagram"]')
    waiting(lead, 20).until(lambda d: d.execute_script("return arguments[0].naturalWidth", diagram) > 0)
    shot(lead, "06-dashboard-after")


def test_a_maybe_pair_is_settled_side_by_side(server, browsers, bench):
    driver = open_browser(browsers)
    sign_in(driver, server, "ana")
    driver.get(f"{server}/duplicates")
    pair = wait_for(driver, "pair")
    assert {pair.get_attribute("data-a"), pair.get_attribute("data-b")} == set(bench.maybe)
    assert driver.find_elements(By.CSS_SELECTOR, "tr.differ")  # the fields that differ are marked
    shot(driver, "07-duplicates")
    driver.find_element(By.CSS_SELECTOR, '[data-testid="pair-distinct"]').click()
    wait_for(driver, "no-pairs")


def test_a_hostile_title_is_shown_as_text(server, browsers):
    driver = open_browser(browsers)
    sign_in(driver, server, "ana")
    driver.get(f"{server}/record/medline:xss")
    title = wait_for(driver, "record-title")
    assert title.text == XSS_TITLE
    assert (
        "<img src=x onerror=alert(2)>"
        in driver.find_element(By.CSS_SELECTOR, '[data-testid="record-abstract"]').text
    )
    assert driver.find_elements(By.CSS_SELECTOR, "article script, article img") == []
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018
    shot(driver, "08-hostile-title")


def test_search_opens_a_record_and_a_past_decision_is_changed_with_history(server, browsers):
    driver = open_browser(browsers)
    sign_in(driver, server, "ana")
    driver.get(f"{server}/search")
    box = wait_for(driver, "search-query")
    box.send_keys("cetirizine[tiab]\n")
    count = wait_for(driver, "search-count")
    assert int(count.text.split()[0]) > 0
    shot(driver, "09-search")
    driver.find_element(By.CSS_SELECTOR, "ol li a").click()
    wait_for(driver, "record-title")
    for testid in ("decide-include", "decide-exclude"):  # decide, then change it on the record's page
        leave_page(driver, driver.find_element(By.CSS_SELECTOR, f'[data-testid="{testid}"]').click)
        wait_for(driver, "history")
    rows = driver.find_elements(By.CSS_SELECTOR, '[data-testid="history"] tr')
    assert [r.find_elements(By.TAG_NAME, "td")[3].text for r in rows[1:]] == ["include", "exclude"]
    assert "exclude" in driver.find_element(By.CSS_SELECTOR, '[data-testid="own-decision"]').text
    shot(driver, "10-record-history")


def test_an_unauthenticated_post_is_refused(server, bench):
    request = urllib.request.Request(f"{server}/decide", method="POST",
                                     data=f"record_id={bench.ids[0]}&stage=title_abstract&decision=include".encode())  # fmt: skip
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 403
