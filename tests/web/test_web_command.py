"""`litreview web` refuses a port it cannot use in one line, before any banner; and every command
that reads a workspace refuses one that does not exist instead of creating it."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from tests.unit.test_cli import run_cli

from .conftest import make_bench


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("web") / "ws"
    make_bench(root, n=3)
    return root


@pytest.mark.parametrize("port", ["99999", "0", "-1"])
def test_a_port_out_of_range_is_one_line_and_exit_2(monkeypatch, capsys, workspace, port):
    code, out = run_cli(monkeypatch, capsys, "web", "--workspace", str(workspace), f"--port={port}")
    assert code == 2 and out.out == ""  # no banner
    assert out.err.strip().splitlines() == [f"error: --port {port} is not a port (choose 1-65535)"]


def test_a_port_in_use_is_one_line_and_exit_2(monkeypatch, capsys, workspace):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, out = run_cli(monkeypatch, capsys, "web", "--workspace", str(workspace), "--port", str(port))
    assert code == 2 and out.out == ""
    lines = out.err.strip().splitlines()
    assert len(lines) == 1 and f"127.0.0.1:{port}" in lines[0] and "already in use" in lines[0]


READERS = [
    ["web", "--workspace", "{ws}"],
    ["users", "add", "bob", "--workspace", "{ws}", "--password-file", "{pw}"],
    ["users", "list", "--workspace", "{ws}"],
    ["screen", "export", "--workspace", "{ws}", "--out", "{tmp}/sheet.csv"],
    ["screen", "import", "{tmp}/sheet_in.csv", "--workspace", "{ws}", "--reviewer", "ana"],
    ["screen", "confirm", "--workspace", "{ws}", "--rule", "IN-X", "--reviewer", "ana"],
    ["screen", "rank", "--workspace", "{ws}"],
    ["screen", "status", "--workspace", "{ws}"],
    ["links", "list", "--workspace", "{ws}"],
    ["links", "same", "a:1", "a:2", "--workspace", "{ws}", "--reviewer", "ana"],
    ["tables", "--workspace", "{ws}"],
    ["workspace", "upgrade", "{ws}"],
]


@pytest.mark.parametrize("args", READERS, ids=lambda a: " ".join(a[:2]))
def test_a_command_that_reads_a_workspace_never_creates_one(monkeypatch, capsys, tmp_path, args):
    missing = tmp_path / "no" / "workspace"
    (tmp_path / "pw").write_text("a long enough password\n")
    (tmp_path / "sheet_in.csv").write_text("record_id,decision\nmedline:1,include\n")
    given = [a.format(ws=missing, pw=tmp_path / "pw", tmp=tmp_path) for a in args]
    code, out = run_cli(monkeypatch, capsys, *given)
    assert code == 2 and "no workspace here" in out.err and len(out.err.strip().splitlines()) == 1
    assert not (tmp_path / "no").exists()  # nothing made: not the folder, not a database
