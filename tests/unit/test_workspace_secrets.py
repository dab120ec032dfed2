"""A PostgreSQL workspace's password stays secret and off command lines: every command that takes
``--workspace`` reads $LITREVIEW_WORKSPACE_URL; no message, output or error prints a URL's password;
`workspace copy` writes nothing through a symlinked target folder."""

from __future__ import annotations

import sqlite3

import typer
from tests.unit.test_cli import run_cli
from tests.unit.test_workspace_copy import lived_in

from litreview.cli import app
from litreview.store.copy import copy_workspace
from litreview.store.database import redact
from litreview.store.workspace import WORKSPACE_URL_ENV, Workspace, dereference, secret_free

PASSWORD = "Tr0ub4dor-and-3-horses"  # the private cluster trusts loopback: any password connects


def with_password(url: str) -> str:
    return url.replace("://postgres@", f"://postgres:{PASSWORD}@")


def commands(group=None, prefix=()):
    """(command path, click command) of every litreview command."""
    group = group or typer.main.get_command(app)
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from commands(command, (*prefix, name))
        else:
            yield (*prefix, name), command


def test_every_command_that_takes_a_workspace_reads_the_environment():
    from litreview.cli.app import WORKSPACE_URL_ENV as CLI_ENV

    assert CLI_ENV == WORKSPACE_URL_ENV
    taking = {}
    for path, command in commands():
        for param in command.params:
            if param.name == "workspace":
                taking[" ".join(path)] = param.envvar
    resolved_at_run_time = {
        "run",
        "update",
        "serve",
        "web",
    }  # their default is resolve(): env, then outputs/<id>
    assert {"users list", "links list", "screen status", "workspace upgrade", "tables"} <= set(taking)
    assert {p: e for p, e in taking.items() if p not in resolved_at_run_time} == dict.fromkeys(
        set(taking) - resolved_at_run_time, WORKSPACE_URL_ENV
    )


def test_commands_find_the_workspace_in_the_environment(tmp_path, cluster, monkeypatch, capsys):
    lived_in(tmp_path / "lite")
    url = cluster.create("env_workspace")
    copy_workspace(tmp_path / "lite", url)
    monkeypatch.setenv(WORKSPACE_URL_ENV, with_password(url))
    for args, said in ((["users", "list"], "lea lead"), (["links", "list", "--kind", "verdicts"], "distinct"),
                       (["screen", "status"], "title_abstract"), (["workspace", "upgrade"], "already at schema"),
                       (["screen", "export", "--out", str(tmp_path / "sheet.csv")], "")):  # fmt: skip
        code, out = run_cli(monkeypatch, capsys, *args)
        assert code == 0, (args, out.err)
        assert said in " ".join((out.out + out.err).split()), (args, out)  # rich wraps long lines
        assert PASSWORD not in "".join((out.out + out.err).split()), args


def test_no_message_prints_a_password(tmp_path, cluster, monkeypatch, capsys):
    lived_in(tmp_path / "lite")
    url = cluster.create("redacted")
    copy_workspace(tmp_path / "lite", url)
    secret_url = with_password(url)
    pw_file = tmp_path / "pw.txt"
    pw_file.write_text("a long enough password\n")
    said = []
    code, out = run_cli(
        monkeypatch, capsys, "users", "add", "dan", "--workspace", secret_url, "--password-file", str(pw_file)
    )
    assert code == 0, out.err
    said.append(out)
    for args in (["workspace", "upgrade", secret_url], ["links", "same", *lived_in_ids(url), "--workspace", secret_url,
                                                         "--reviewer", "lea"]):  # fmt: skip
        code, out = run_cli(monkeypatch, capsys, *args)
        assert code == 0, out.err
        said.append(out)
    with Workspace.existing(url) as ws, ws.transaction():
        ws.conn.execute("DELETE FROM users")
    code, out = run_cli(monkeypatch, capsys, "web", "--workspace", secret_url, "--host", "0.0.0.0")
    assert code == 2 and "users add" in out.err and "postgres:***@" in "".join(out.err.split())
    said.append(out)
    missing = secret_url.rsplit("/", 1)[0] + "/no_such_database"
    code, out = run_cli(monkeypatch, capsys, "users", "list", "--workspace", missing)
    assert code == 2 and "no_such_database" in out.err
    said.append(out)
    for out in said:
        assert PASSWORD not in "".join((out.out + out.err).split()), out


def lived_in_ids(url: str) -> list[str]:
    with Workspace.reading(url) as ws:
        return sorted(ws.record_ids())[:2]


def test_redact_hides_every_url_password_in_a_message():
    text = (
        "cannot reach postgresql+psycopg://team:s3cr%40t@db:5432/x nor postgres://a:b@h/d; postgresql://u@h/d"
    )
    assert redact(text) == (
        "cannot reach postgresql+psycopg://team:***@db:5432/x nor postgres://a:***@h/d; postgresql://u@h/d"
    )


def test_a_password_is_passed_on_as_a_reference_that_resolves_in_this_process(monkeypatch):
    url = with_password("postgresql://postgres@127.0.0.1:5/db")
    reference = secret_free(url)
    assert reference.startswith("env:") and PASSWORD not in reference and dereference(reference) == url
    assert secret_free(url) == reference  # stable within a process
    assert secret_free("postgresql://postgres@h/db") == "postgresql://postgres@h/db"  # nothing secret in it
    assert secret_free("/srv/ws") == "/srv/ws"
    monkeypatch.delenv(reference.removeprefix("env:"))
    try:
        dereference(reference)
        raise AssertionError("an unset reference was read")
    except Exception as exc:
        assert "is not set" in str(exc)


def test_workspace_copy_refuses_a_symlinked_target_folder(tmp_path, monkeypatch, capsys):
    lived_in(tmp_path / "a")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "link").symlink_to(elsewhere, target_is_directory=True)
    code, out = run_cli(monkeypatch, capsys, "workspace", "copy", str(tmp_path / "a"), str(tmp_path / "link"))
    assert code == 2 and "symbolic link" in out.err
    assert list(elsewhere.iterdir()) == []  # nothing written through it
    with sqlite3.connect(tmp_path / "a" / "workspace.sqlite") as db:  # and the source untouched
        assert db.execute("SELECT count(*) FROM users").fetchone()[0] == 3
