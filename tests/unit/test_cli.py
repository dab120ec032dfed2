import sys

import pytest

from litreview import cli


def run_cli(monkeypatch, capsys, *args):
    monkeypatch.setattr(sys, "argv", ["litreview", *args])
    with pytest.raises(SystemExit) as info:
        cli.main()
    return info.value.code, capsys.readouterr()


def test_malformed_protocol_is_one_line_exit_2(review_copy, monkeypatch, capsys, tmp_path):
    toml = review_copy / "review.toml"
    toml.write_text(toml.read_text().replace("[snapshot]", "[snapshot"))
    code, out = run_cli(monkeypatch, capsys, "run", str(review_copy), "--workspace", str(tmp_path / "w"))
    assert code == 2
    lines = out.err.strip().splitlines()
    assert len(lines) == 1 and "review.toml:" in lines[0] and "Traceback" not in out.err
    assert not (tmp_path / "w").exists()


def test_missing_review_folder(monkeypatch, capsys, tmp_path):
    code, out = run_cli(monkeypatch, capsys, "run", str(tmp_path / "nope"))
    assert code == 2 and "protocol not found" in out.err
