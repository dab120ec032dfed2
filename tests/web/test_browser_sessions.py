"""Sessions that end, in a real browser: after **Sign out**, a copy of the old session cookie (taken
before, as a thief on a shared machine would) opens nothing, and the sign-in page says nothing of
the workspace."""

from __future__ import annotations

from selenium.webdriver.common.by import By

from .test_browser import browsers, leave_page, open_browser, server, shot, sign_in, wait_for  # noqa: F401


def test_a_session_cookie_copied_before_sign_out_opens_nothing_after_it(server, browsers, bench):  # noqa: F811
    owner = open_browser(browsers)
    sign_in(owner, server, "ana")
    stolen = owner.get_cookie("litreview_session")
    assert stolen is not None
    leave_page(owner, lambda: owner.find_element(By.XPATH, '//button[text()="Sign out"]').click())
    thief = open_browser(browsers)
    thief.get(f"{server}/login")
    thief.add_cookie({"name": "litreview_session", "value": stolen["value"], "path": "/"})
    thief.get(f"{server}/screen")
    wait_for(thief, "login-submit")  # sent to the sign-in page
    shot(thief, "session-ended-after-sign-out")
    assert thief.current_url.startswith(f"{server}/login")
    assert 'data-testid="record-title"' not in thief.page_source
