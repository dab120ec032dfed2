"""`litreview users add` and `litreview web`: accounts from a password file, hashed; a server on a
non-loopback address refused without accounts; highlighting of query terms and reviewer words."""

from __future__ import annotations

import sqlite3

import pytest
from starlette.testclient import TestClient
from tests.unit.test_cli import run_cli

from litreview.query.evaluate import compile_query
from litreview.query.parser import parse
from litreview.screen.highlight import Source
from litreview.web.app import create_app
from litreview.web.workbench import Workbench

from .conftest import csrf_of


def test_users_add_stores_only_a_scrypt_hash(bench, tmp_path, monkeypatch, capsys):
    secret = tmp_path / "password.txt"
    secret.write_text("a long enough password\nsecond line ignored\n")
    code, out = run_cli(monkeypatch, capsys, "users", "add", "carla", "--role", "lead",
                        "--workspace", str(bench.root), "--password-file", str(secret))  # fmt: skip
    assert code == 0, out.err
    with sqlite3.connect(bench.root / "workspace.sqlite") as db:
        role, stored = db.execute("SELECT role, password_hash FROM users WHERE name='carla'").fetchone()
    assert role == "lead" and stored.startswith("scrypt$") and "a long enough password" not in stored
    raw = b"".join(p.read_bytes() for p in bench.root.iterdir() if p.is_file())
    assert b"a long enough password" not in raw
    code, out = run_cli(monkeypatch, capsys, "users", "list", "--workspace", str(bench.root))
    assert "carla\tlead" in out.out and "scrypt" not in out.out


def test_users_add_refuses_a_short_password_a_bad_role_and_the_consensus_name(
    bench, tmp_path, monkeypatch, capsys
):
    short = tmp_path / "short.txt"
    short.write_text("abc\n")
    for args, said in ((["dan", "--password-file", str(short)], "shorter than"),
                       (["dan", "--role", "admin", "--password-file", str(short)], "unknown role"),
                       (["consensus", "--password-file", str(short)], "account name")):  # fmt: skip
        code, out = run_cli(monkeypatch, capsys, "users", "add", *args, "--workspace", str(bench.root))
        assert code == 2 and said in out.err


def test_web_refuses_a_network_address_without_accounts(tmp_path, monkeypatch, capsys):
    from tests.web.conftest import make_bench

    root = tmp_path / "ws"
    make_bench(root, n=5)
    with sqlite3.connect(root / "workspace.sqlite") as db:
        db.execute("DELETE FROM users")
    code, out = run_cli(monkeypatch, capsys, "web", "--workspace", str(root), "--host", "0.0.0.0")
    assert code == 2 and "without accounts" in out.err and "users add" in out.err


def test_query_terms_and_reviewer_words_are_marked(bench):
    wb = Workbench(bench.root)
    wb.sources = [Source(compile_query(parse("cetirizine[tiab]")), 1, "search", True)]
    app = create_app(wb, rank=False)
    c = TestClient(app, base_url="http://127.0.0.1", follow_redirects=False)
    token = csrf_of(c.get("/login").text)
    c.post("/login", data={"username": "ana", "password": "correct horse 1", "csrf_token": token})
    record = next(r for r in wb.workspace.records() if "cetirizine" in (r.abstract or "").lower())
    page = c.get(f"/record/{record.record_id}").text
    assert '<mark class="query" title="search">' in page and '<mark class="include"' not in page
    answer = c.post("/words", data={"csrf_token": csrf_of(page), "include": "cetirizine, antihist*",
                                    "exclude": "placebo", "record_id": record.record_id})  # fmt: skip
    assert answer.status_code == 303 and answer.headers["location"].endswith(f"record={record.record_id}")
    marked = wb.marked_parts(record, "ana")
    kinds = {seg.mark for values in marked.values() for value in values for seg in value}
    assert "query" in kinds  # the query's own term keeps its mark where both apply
    assert wb.highlight_words("ana") == {"include": ["antihist*", "cetirizine"], "exclude": ["placebo"]}
    assert wb.highlight_words() == {"include": [], "exclude": []}  # a reviewer's words are their own
    wb.close()


def test_published_decisions_and_accounts_never_share_a_name(bench, tmp_path, monkeypatch, capsys):
    """A published decision set is a reference standard, never a reviewer: an account may not take its
    name, and a review folder may not store its decisions under an account's name."""
    import shutil

    from litreview.config import load_protocol
    from litreview.errors import ConfigError
    from litreview.pipeline.screening import DecisionFiles, _kept_decisions
    from litreview.screen.commands import POLICY_META
    from litreview.screen.decisions import Policy
    from litreview.store.workspace import Workspace
    from litreview.web.accounts import add_user

    secret = tmp_path / "password.txt"
    secret.write_text("a long enough password\n")
    with Workspace.existing(bench.root) as ws, ws.transaction():
        ws.set_meta(POLICY_META, Policy(published=(("paper2006", "the paper's labels"),)).as_meta())
    code, out = run_cli(monkeypatch, capsys, "users", "add", "paper2006", "--role", "reviewer",
                        "--workspace", str(bench.root), "--password-file", str(secret))  # fmt: skip
    assert code == 2 and "published decisions" in out.err
    assert Workspace.existing(bench.root).user("paper2006") is None

    review = tmp_path / "review"
    shutil.copytree("search_strings/cohen_estrogens", review)
    toml = review / "review.toml"
    toml.write_text(toml.read_text().replace('reviewer = "DERP reviewers (Cohen et al. 2006 dataset)"',
                                             'reviewer = "ana"'))  # fmt: skip
    add_user(bench.root, "ana", "reviewer", "a long enough password")
    with (
        Workspace.existing(bench.root) as ws,
        pytest.raises(ConfigError, match="'ana' is a workbench account"),
    ):
        protocol = load_protocol(toml)
        _kept_decisions(ws, protocol, [], DecisionFiles(ws, protocol).matched())  # the name is refused first
