"""Signing in and staying signed in, over HTTP against the real app (a `litreview web` process or
uvicorn on a loopback port where the server's own behaviour matters): a throttle that concurrent
guesses cannot race and a stranger cannot turn into a lock-out, X-Forwarded-For believed only from
a named proxy, sessions that end on sign-out and on a new password, Secure cookies and HSTS over
TLS, and request bodies refused before they are read."""

from __future__ import annotations

import re
import socket
import threading
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest
from starlette.testclient import TestClient
from tests.unit.test_cli import run_cli

from litreview.store.workspace import Workspace
from litreview.testing.processes import web_servers
from litreview.web.app import create_app
from litreview.web.edge import MAX_BODY
from litreview.web.throttle import PAIR
from litreview.web.workbench import Workbench

from .conftest import PASSWORD, csrf_of
from .serving import served

SECRET = "test-only-signing-key"


@pytest.fixture
def app(bench):
    workbench = Workbench(bench.root)
    yield create_app(workbench, rank=False)
    workbench.close()


def client(app, address: str = "127.0.0.1", base: str = "http://127.0.0.1") -> TestClient:
    return TestClient(app, base_url=base, follow_redirects=False, client=(address, 50000))


def sign_in(c, name: str, password: str = PASSWORD):
    token = csrf_of(c.get("/login").text)
    return c.post("/login", data={"username": name, "password": password, "csrf_token": token})


@pytest.fixture
def uvicorn_server(bench) -> Iterator[str]:
    """The app served by uvicorn in this process (a real socket)."""
    with served(Workbench(bench.root)) as url:
        yield url


# -- 1. the throttle cannot be raced ------------------------------------------------------------
def test_concurrent_wrong_passwords_for_one_name_are_not_all_checked(bench, tmp_path):
    with web_servers(str(bench.root), tmp_path / "out", 1, SECRET) as (base,):
        first = httpx.Client(base_url=base, timeout=120)
        token = csrf_of(first.get("/login").text)
        start = threading.Barrier(40)
        codes: list[int] = []

        def guess(k: int) -> None:
            c = httpx.Client(base_url=base, timeout=120, cookies=first.cookies)
            start.wait()
            codes.append(c.post("/login", data={"username": "ana", "password": f"wrong{k}",
                                                "csrf_token": token}).status_code)  # fmt: skip

        threads = [threading.Thread(target=guess, args=(k,)) for k in range(40)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    counted = Counter(codes)
    # each 401 is a password checked; the rest were refused before any hash was computed
    assert counted[401] <= PAIR.free and counted[429] == 40 - counted[401], counted


# -- 2. X-Forwarded-For only from a named proxy -------------------------------------------------
def wrong_from(base: str, forwarded: list[str]) -> list[int]:
    c = httpx.Client(base_url=base, timeout=60)
    token = csrf_of(c.get("/login").text)
    return [c.post("/login", headers={"X-Forwarded-For": address},
                   data={"username": "ana", "password": "wrong", "csrf_token": token}).status_code
            for address in forwarded]  # fmt: skip


def test_x_forwarded_for_is_believed_only_from_a_proxy_the_operator_names(bench, tmp_path):
    spoofed = [f"203.0.113.{k}" for k in range(PAIR.free + 1)]
    with web_servers(str(bench.root), tmp_path / "a", 1, SECRET) as (base,):
        # the peer is loopback, but no proxy was named: the header is ignored and the peer throttled
        assert wrong_from(base, spoofed)[-1] == 429
    with web_servers(str(bench.root), tmp_path / "b", 1, SECRET, ["--forwarded-allow-ips", "127.0.0.1"]) as (
        base,
    ):
        assert wrong_from(base, spoofed) == [401] * len(spoofed)  # the proxy's word: four clients
        assert wrong_from(base, ["198.51.100.7"] * (PAIR.free + 1))[-1] == 429  # one client, throttled


def test_a_proxy_address_that_is_not_one_is_refused(bench, monkeypatch, capsys):
    code, out = run_cli(
        monkeypatch, capsys, "web", "--workspace", str(bench.root), "--forwarded-allow-ips", "proxy.lan"
    )
    assert code == 2 and "not an IP address or network" in out.err


# -- 10. a throttle that slows a guesser and never locks the owner out --------------------------
def test_a_stranger_guessing_cannot_keep_the_owner_out(app):
    stranger = client(app, "203.0.113.9")
    codes = [sign_in(stranger, "ana", "wrong").status_code for _ in range(PAIR.free + 1)]
    assert codes[-1] == 429
    refused = sign_in(stranger, "ana", "wrong")
    assert (
        refused.status_code == 429
        and "try again in" in refused.text
        and int(refused.headers["retry-after"]) >= 1
    )
    assert sign_in(client(app, "192.0.2.44"), "ana").status_code == 303  # the owner, from their own address


def test_a_made_up_name_does_not_lock_the_team_out_of_their_shared_address(app):
    office = client(app, "198.51.100.20")
    codes = [sign_in(office, "no-such-reviewer", "wrong").status_code for _ in range(7)]
    assert 429 in codes  # the guesser is slowed...
    for name in ("ana", "ben", "lea"):  # ...and the team at the same address signs in at once
        assert sign_in(client(app, "198.51.100.20"), name).status_code == 303, name


def test_the_owners_own_browser_signs_in_whatever_is_done_to_their_name(app):
    owner = client(app, "198.51.100.30")
    assert sign_in(owner, "ana").status_code == 303  # once: the browser keeps a device cookie
    for k in range(30):  # then guesses from thirty addresses, and from the owner's own
        sign_in(client(app, f"203.0.113.{k}"), "ana", "wrong")
        sign_in(client(app, "198.51.100.30"), "ana", "wrong")
    assert sign_in(client(app, "203.0.113.99"), "ana", "wrong").status_code == 429
    owner.post("/logout", data={"csrf_token": csrf_of(owner.get("/screen").text)})
    assert sign_in(owner, "ana").status_code == 303


# -- 3. sessions that end -----------------------------------------------------------------------
def test_signing_out_ends_the_session_cookie_at_once(app):
    c = client(app)
    assert sign_in(c, "ana").status_code == 303
    cookie = c.cookies["litreview_session"]
    assert c.post("/logout", data={"csrf_token": csrf_of(c.get("/screen").text)}).status_code == 303
    replayed = client(app)
    replayed.cookies.set("litreview_session", cookie)
    answer = replayed.get("/screen")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login")
    assert sign_in(client(app), "ana").status_code == 303  # and signing in again works


@pytest.mark.parametrize("command", ["passwd", "remove", "add"])
def test_a_new_password_or_a_removed_account_ends_its_sessions(
    app, bench, tmp_path, monkeypatch, capsys, command
):
    ana, ben = client(app), client(app)
    assert sign_in(ana, "ana").status_code == 303 and sign_in(ben, "ben").status_code == 303
    assert ana.get("/screen").status_code == 200
    secret = tmp_path / "new.txt"
    secret.write_text("a brand new password\n")
    args = {"passwd": ["users", "passwd", "ana", "--password-file", str(secret)],
            "remove": ["users", "remove", "ana"],
            "add": ["users", "add", "ana", "--role", "lead", "--password-file", str(secret)]}[command]  # fmt: skip
    code, out = run_cli(monkeypatch, capsys, *args, "--workspace", str(bench.root))
    assert code == 0, out.err
    assert ana.get("/screen").status_code == 303  # the old cookie opens nothing
    assert ben.get("/screen").status_code == 200  # nobody else's session ends
    if command != "remove":
        assert sign_in(client(app), "ana", "a brand new password").status_code == 303
    else:
        with Workspace.existing(bench.root) as ws:
            assert "ana" not in ws.users()


def test_users_passwd_and_remove_refuse_an_unknown_account(bench, tmp_path, monkeypatch, capsys):
    secret = tmp_path / "new.txt"
    secret.write_text("a brand new password\n")
    for args in (["passwd", "nobody", "--password-file", str(secret)], ["remove", "nobody"]):
        code, out = run_cli(monkeypatch, capsys, "users", *args, "--workspace", str(bench.root))
        assert code == 2 and "no account 'nobody'" in out.err


# -- 4. Secure cookies and HSTS over TLS --------------------------------------------------------
def cookie_flags(answer) -> list[str]:
    return [v.lower() for k, v in answer.headers.multi_items() if k.lower() == "set-cookie"]


def test_over_plain_http_cookies_are_not_secure_and_there_is_no_hsts(app):
    answer = sign_in(client(app), "ana")
    assert all("secure" not in c for c in cookie_flags(answer))
    assert "strict-transport-security" not in answer.headers


def test_over_https_every_cookie_is_secure_and_hsts_is_sent(app):
    answer = sign_in(client(app, base="https://127.0.0.1"), "ana")
    cookies = cookie_flags(answer)
    assert len(cookies) == 2 and all(re.search(r";\s*secure", c) for c in cookies)  # session and device
    assert answer.headers["strict-transport-security"].startswith("max-age=")


def test_https_only_marks_cookies_secure_behind_a_proxy_that_speaks_plain_http(bench):
    workbench = Workbench(bench.root)
    try:
        answer = client(create_app(workbench, rank=False, https_only=True)).get("/login")
        assert all(re.search(r";\s*secure", c) for c in cookie_flags(answer)) and cookie_flags(answer)
        assert "strict-transport-security" in answer.headers
    finally:
        workbench.close()


def test_a_named_proxy_saying_https_makes_cookies_secure_and_an_unnamed_one_does_not(bench):
    workbench = Workbench(bench.root)
    try:
        app = create_app(workbench, rank=False, proxies=["10.0.0.2"])
        said = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "192.0.2.1"}
        trusted = client(app, "10.0.0.2").get("/login", headers=said)
        assert "strict-transport-security" in trusted.headers
        assert all("secure" in c for c in cookie_flags(trusted))
        stranger = client(app, "10.0.0.3").get("/login", headers=said)
        assert "strict-transport-security" not in stranger.headers
    finally:
        workbench.close()


# -- 6. request bodies capped before they are read ----------------------------------------------
def raw_post(base: str, head: str, body_chunks: Iterator[bytes], wait: float = 15.0) -> bytes:
    """Send a request's head and as much body as the server takes; what it answered (b"" if nothing)."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=wait) as sock:
        sock.sendall(head.encode("ascii"))
        try:
            for chunk in body_chunks:
                sock.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed without reading the rest: what is wanted
        try:
            return sock.recv(4096)
        except (TimeoutError, ConnectionResetError):
            return b""


def test_a_huge_multipart_sign_in_is_refused_before_its_body_is_read(uvicorn_server):
    head = ("POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=xyz\r\n"
            f"Content-Length: {300 * 1024 * 1024}\r\n\r\n")  # fmt: skip
    part = b'--xyz\r\nContent-Disposition: form-data; name="f"; filename="big"\r\n\r\n' + b"x" * 65536
    answer = raw_post(uvicorn_server, head, iter([part]))  # 64 KB of the 300 MB said: no waiting for more
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


def test_a_chunked_body_is_cut_off_at_the_cap(uvicorn_server):
    head = ("POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            "Transfer-Encoding: chunked\r\n\r\n")  # fmt: skip
    chunk = b"x" * 65536
    chunks = (b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(2 * MAX_BODY // len(chunk)))  # never ended
    answer = raw_post(uvicorn_server, head, chunks)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


def test_a_signed_in_form_over_the_cap_is_refused_and_nothing_is_stored(app, bench):
    c = client(app)
    sign_in(c, "ana")
    token = csrf_of(c.get("/screen").text)
    answer = c.post("/note", data={"csrf_token": token, "record_id": bench.ids[0], "stage": "title_abstract",
                                   "note": "n" * (MAX_BODY + 1)})  # fmt: skip
    assert answer.status_code == 413
    with Workspace.existing(bench.root) as ws:
        assert ws.notes(bench.ids[0], "ana") == []
    files = c.post("/note", data={"csrf_token": token, "record_id": bench.ids[0], "stage": "title_abstract"},
                   files={"note": ("a.txt", b"a file is not a form field")})  # fmt: skip
    assert files.status_code == 400  # forms carry no uploads
