"""The user guide (docs/index.md) played in chromium: a lead and two reviewers set up, screen,
disagree, resolve, screen full text and read PRISMA; each picture the guide shows is saved into
docs/images/ by this run, and then the guide is built with `mkdocs build --strict` (no network).
So the pictures never go stale and a guide that no longer builds fails the suite."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from .review_site import make_site, serving
from .test_browser import leave_page, new_browser, press, progress, shown, sign_in, wait_for, waiting

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
IMAGES = DOCS / "images"


def picture(driver, name: str) -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(IMAGES / f"{name}.png"))


def play_the_guide(base: str) -> None:
    ana, ben, lead = new_browser(), new_browser(), new_browser()
    try:
        ana.get(f"{base}/login")
        ana.find_element(By.NAME, "username").send_keys("ana")
        picture(ana, "login")
        sign_in(ana, base, "ana")
        # ana: reason 2 then e on the first record; another reason typed on the second; include the third
        ana.get(f"{base}/screen")
        first = shown(ana)
        assert ana.find_elements(By.CSS_SELECTOR, "article mark.query")  # the search's terms are marked
        picture(ana, "screen")
        ana.find_element(By.TAG_NAME, "body").send_keys("2")
        picture(ana, "reason-picked")
        press(ana, "e")
        ana.find_element(By.TAG_NAME, "body").send_keys("o")
        box = ana.find_element(By.CSS_SELECTOR, '[data-testid="reason-other-text"]')
        box.send_keys("conference abstract of a trial reported in full elsewhere")
        picture(ana, "other-reason")
        leave_page(ana, lambda: box.send_keys(Keys.ENTER))
        wait_for(ana, "progress")
        third = shown(ana)
        ana.find_element(By.CSS_SELECTOR, '[data-testid="words"] summary').click()
        ana.find_element(By.CSS_SELECTOR, '[data-testid="words-mine-include"]').send_keys(
            "rhinitis, urticaria"
        )
        ana.find_element(By.CSS_SELECTOR, '[data-testid="words-mine-exclude"]').send_keys(
            "healthy volunteers"
        )
        leave_page(ana, ana.find_element(By.CSS_SELECTOR, '[data-testid="words-mine-save"]').click)
        wait_for(ana, "record-title")
        assert shown(ana) == third
        picture(ana, "own-words")
        press(ana, "i")
        assert progress(ana) == 3
        # ben disagrees on the first record and says why in a note
        sign_in(ben, base, "ben")
        ben.get(f"{base}/screen")
        assert shown(ben) == first
        ben.find_element(By.TAG_NAME, "body").send_keys("n")
        ben.switch_to.active_element.send_keys("Children 6-11 are in scope: the protocol says all ages.")
        leave_page(ben, ben.find_element(By.CSS_SELECTOR, "#note-form button[type=submit]").click)
        wait_for(ben, "progress")
        for key in "iei":  # include the first (the conflict), agree on the other two
            press(ben, key)
        # the lead: conflicts with votes and notes, the filtered list, the consensus
        sign_in(lead, base, "lea")
        lead.get(f"{base}/conflicts")
        conflict = wait_for(lead, "conflict")
        assert conflict.get_attribute("data-record-id") == first
        assert "all ages" in lead.find_element(By.CSS_SELECTOR, '[data-testid="conflict-notes"]').text
        picture(lead, "conflicts")
        lead.get(f"{base}/records?conflict=yes")
        rows = lead.find_elements(By.CSS_SELECTOR, '[data-testid="listed-record"]')
        assert [r.get_attribute("data-record-id") for r in rows] == [first]
        picture(lead, "records")
        lead.get(f"{base}/conflicts")
        leave_page(lead, lead.find_element(By.CSS_SELECTOR, '[data-testid="consensus-include"]').click)
        wait_for(lead, "no-conflicts")
        # full text: the consensus and the agreed inclusion are there; an exclusion waits for its reason
        lead.get(f"{base}/screen?stage=full_text")
        assert shown(lead) == first
        lead.find_element(By.TAG_NAME, "body").send_keys("e")
        assert progress(lead) == 0
        picture(lead, "full-text")
        press(lead, "4")  # reason 4, "Wrong design"
        assert progress(lead) == 1
        lead.get(f"{base}/dashboard")
        diagram = wait_for(lead, "prisma-diagram")
        waiting(lead, 30).until(lambda d: d.execute_script("return arguments[0].naturalWidth", diagram) > 0)
        picture(lead, "dashboard")
    finally:
        for driver in (ana, ben, lead):
            driver.quit()


def test_the_user_guide_is_built_with_pictures_taken_now(tmp_path):
    started = time.time()
    site = make_site(tmp_path / "review")
    with serving(site) as base:
        play_the_guide(base)
    shown_pictures = re.findall(r"\]\((images/[^)]+\.png)\)", (DOCS / "index.md").read_text())
    assert len(shown_pictures) >= 8
    for name in shown_pictures:  # every picture the guide shows was taken by this run
        assert (DOCS / name).stat().st_mtime >= started - 1, name
    try:
        import mkdocs  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            raise RuntimeError("CI must build the guide: install the dev extra (mkdocs)") from None
        pytest.skip("mkdocs is not installed (pip install -e '.[docs]')")
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(ROOT / "mkdocs.yml"),
         "--site-dir", str(tmp_path / "site")],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    page = (tmp_path / "site" / "index.html").read_text()
    assert all(f'src="{name}"' in page for name in shown_pictures)
