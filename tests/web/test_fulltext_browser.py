"""Full texts in a real browser: a PDF attached by command and one uploaded on the record page,
each opened from the record page (the full-text screen frames it beside the decision), and refused
to a browser that is not signed in."""

from __future__ import annotations

import httpx
from selenium.webdriver.common.by import By
from tests.pdf_files import text_pdf
from tests.unit.test_cli import run_cli

from litreview.pipeline.fulltexts import attach_files
from litreview.records import Decision
from litreview.store.workspace import Workspace

from .test_browser import browsers, leave_page, open_browser, server, shot, sign_in, wait_for  # noqa: F401


def opened(driver, href: str) -> list:
    """Follow the link in the browser (it stays on the PDF's address, not sent to sign in), then read
    what that address serves to the browser's own session (the page's policy lets no script fetch):
    status, type, disposition, policy and the first bytes."""
    driver.get(href)
    assert driver.current_url == href
    session = {"litreview_session": driver.get_cookie("litreview_session")["value"]}
    got = httpx.get(href, cookies=session, follow_redirects=False)
    return [got.status_code, got.headers.get("content-type"), got.headers.get("content-disposition"),
            got.headers.get("content-security-policy"), got.content[:8].decode("latin-1")]  # fmt: skip


def write_pdf(path):
    path.write_bytes(text_pdf("A full text"))
    return path


def test_attached_by_command_and_by_upload_opened_from_the_record_page(server, browsers, bench, tmp_path,  # noqa: F811
                                                                       monkeypatch, capsys):  # fmt: skip
    by_command, uploaded = bench.ids[0], bench.ids[4]
    with Workspace.existing(bench.root) as ws, ws.transaction():  # both included: screened at full text
        ws.add_human_decisions("b", [Decision(r, "title_abstract", "include", "", "ana", "human")
                                     for r in (by_command, uploaded)])  # fmt: skip
    pdf = tmp_path / "article.pdf"
    pdf.write_bytes(text_pdf("Attached by command"))
    code, out = run_cli(monkeypatch, capsys, "fulltext", "add", str(pdf), "--workspace", str(bench.root),
                        "--record", by_command)  # fmt: skip
    assert code == 0 and f"attached to {by_command}" in out.out

    driver = open_browser(browsers)
    sign_in(driver, server, "ana")
    driver.get(f"{server}/record/{by_command}?stage=full_text")
    link = wait_for(driver, "fulltext-link")
    frame = driver.find_element(By.CSS_SELECTOR, '[data-testid="fulltext"]')
    assert frame.tag_name == "iframe" and frame.get_attribute("src") == f"{server}/fulltext/{by_command}"
    shot(driver, "fulltext-beside-decision")
    status, kind, disposition, policy, head = opened(driver, link.get_attribute("href"))
    assert (status, kind, disposition, policy) == (200, "application/pdf", 'inline; filename="article.pdf"',
                                                   "frame-ancestors 'self'")  # fmt: skip
    assert head.startswith("%PDF-")
    driver.get(f"{server}/record/{uploaded}?stage=full_text")
    wait_for(driver, "fulltext-none")
    second = tmp_path / "uploaded.pdf"
    second.write_bytes(text_pdf("Uploaded by a reviewer"))
    driver.find_element(By.CSS_SELECTOR, '[data-testid="fulltext-file"]').send_keys(str(second))
    leave_page(
        driver, lambda: driver.find_element(By.CSS_SELECTOR, '[data-testid="fulltext-submit"]').click()
    )
    link = wait_for(driver, "fulltext-link")
    assert driver.current_url == f"{server}/record/{uploaded}?stage=full_text&uploaded=1"
    assert wait_for(driver, "fulltext-uploaded").text == "The PDF is attached."
    status, kind, _, _, head = opened(driver, link.get_attribute("href"))
    assert (status, kind) == (200, "application/pdf") and head.startswith("%PDF-")
    driver.get(f"{server}/record/{uploaded}?stage=full_text")
    wait_for(driver, "fulltext-link")
    with Workspace.reading(bench.root) as ws:
        assert {f.record_id: f.added_by for f in ws.fulltexts()} == {by_command: "cli", uploaded: "ana"}

    # a hostile upload: one line, nothing stored, the page still works
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"<html>not a pdf</html>")
    driver.find_element(By.CSS_SELECTOR, '[data-testid="fulltext-file"]').send_keys(str(bad))
    leave_page(
        driver, lambda: driver.find_element(By.CSS_SELECTOR, '[data-testid="fulltext-submit"]').click()
    )
    assert wait_for(driver, "message").text.startswith("bad.pdf: not a PDF")
    shot(driver, "fulltext-upload-refused")

    # signed out: the PDF's address leads to the sign-in page, never to the file
    stranger = open_browser(browsers)
    stranger.get(f"{server}/fulltext/{by_command}")
    wait_for(stranger, "login-submit")
    assert stranger.current_url.startswith(f"{server}/login") and "%PDF" not in stranger.page_source


def test_the_full_text_screen_shows_the_pdf_beside_the_decision(server, browsers, bench):  # noqa: F811
    """Wide window: the framed PDF and the decision buttons side by side (the PDF to their left,
    level with them); narrow window: stacked, the PDF above the buttons."""
    record_id = bench.ids[0]
    with Workspace.existing(bench.root) as ws, ws.transaction():
        ws.add_human_decisions("b", [Decision(record_id, "title_abstract", "include", "", "ana", "human")])
    attach_files(bench.root, [write_pdf(bench.root.parent / "article.pdf")], record_id=record_id)
    driver = open_browser(browsers)
    sign_in(driver, server, "ana")

    def boxes() -> tuple[dict, dict]:
        driver.get(f"{server}/screen?stage=full_text&record={record_id}")
        frame = wait_for(driver, "fulltext")
        return frame.rect, driver.find_element(By.CSS_SELECTOR, '[data-testid="decide-include"]').rect

    frame, button = boxes()
    assert frame["y"] < button["y"] + button["height"] and button["y"] < frame["y"] + frame["height"]
    assert frame["x"] + frame["width"] <= button["x"]
    assert frame["width"] > 500  # most of the window, not a thumbnail beside the buttons
    shot(driver, "fulltext-beside-decision-wide")
    driver.set_window_size(700, 1000)
    frame, button = boxes()
    assert frame["y"] + frame["height"] <= button["y"]
    shot(driver, "fulltext-beside-decision-narrow")
