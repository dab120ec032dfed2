"""The workbench on a PostgreSQL workspace, served by two `litreview web` processes at once:
reviewers posting through either server concurrently, every decision lands exactly once, each
server sees the other's decisions, and a session signed with the shared key works on both."""

from __future__ import annotations

import re
import threading
from collections import Counter

import httpx
import pytest

from litreview.store.copy import copy_workspace
from litreview.store.workspace import Workspace
from litreview.testing.processes import web_servers

from .conftest import PASSWORD, make_bench


@pytest.fixture
def servers(tmp_path, cluster):
    make_bench(tmp_path / "sqlite", n=40)
    url = cluster.create("workbench_pg")
    copy_workspace(tmp_path / "sqlite", url)
    with web_servers(url, tmp_path / "out", 2, "test-only-shared-signing-key") as bases:
        yield url, bases


def token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def signed_in(base: str, name: str) -> httpx.Client:
    c = httpx.Client(base_url=base, follow_redirects=False, timeout=30)
    c.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": token(c.get("/login").text)})
    return c


def test_two_servers_every_decision_lands_once(servers):
    url, bases = servers
    acked: dict[str, list[str]] = {}

    def reviewer(name: str, n: int) -> None:
        first = signed_in(bases[0], name)
        clients = [
            first,
            httpx.Client(base_url=bases[1], cookies=first.cookies, follow_redirects=False, timeout=30),
        ]
        done = []
        for k in range(n):
            c = clients[k % 2]  # behind a load balancer: each request to either server
            page = c.get("/screen").text
            record_id = re.search(r'data-record-id="([^"]+)"', page).group(1)
            answer = c.post("/decide", data={"csrf_token": token(page), "record_id": record_id,
                                             "stage": "title_abstract", "decision": "include" if k % 3 else "exclude"})  # fmt: skip
            assert answer.status_code == 303, answer.text[:300]
            done.append(record_id)
        acked[name] = done

    threads = [threading.Thread(target=reviewer, args=(name, 15)) for name in ("ana", "ben")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for name in ("ana", "ben"):
        assert len(set(acked[name])) == 15  # each server skipped what the reviewer decided on the other
    with Workspace.reading(url) as ws:
        human = [(d.reviewer, d.record_id) for d in ws.decisions() if d.origin == "human"]
        history = Counter((h["reviewer"]) for r in {r for _, r in human} for h in ws.decision_history(r))
    assert sorted(human) == sorted((name, r) for name, ids in acked.items() for r in ids)
    assert history == {"ana": 15, "ben": 15}
    for base in bases:  # both servers count both reviewers' work
        page = signed_in(base, "ana").get("/screen").text
        assert 'value="15"' in page


@pytest.mark.parametrize(("path", "field"), [("/note", "note"), ("/decide", "reason")])
def test_a_nul_in_a_posted_text_is_refused_in_one_line_not_a_server_error(tmp_path, cluster, path, field):
    """PostgreSQL text cannot hold a NUL: a note or reason carrying one is refused (400, a message),
    or stored without it; never a 500 from the database."""
    from starlette.testclient import TestClient

    from litreview.web.app import create_app
    from litreview.web.workbench import Workbench

    bench = make_bench(tmp_path / "sqlite", n=10)
    url = cluster.create(f"nul_{field}")
    copy_workspace(tmp_path / "sqlite", url)
    workbench = Workbench(url)
    try:
        c = TestClient(create_app(workbench, rank=False), base_url="http://127.0.0.1", follow_redirects=False,
                       raise_server_exceptions=False)  # fmt: skip
        c.post(
            "/login",
            data={"username": "ana", "password": PASSWORD, "csrf_token": token(c.get("/login").text)},
        )
        answer = c.post(path, data={"csrf_token": token(c.get("/screen").text), "record_id": bench.ids[0],
                                    "stage": "title_abstract", "decision": "include", field: "before\x00after"})  # fmt: skip
        assert answer.status_code in (303, 400), f"{path}: HTTP {answer.status_code}"
    finally:
        workbench.close()
