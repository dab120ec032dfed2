"""The command line on a PostgreSQL workspace: `--workspace postgresql://...` works for screening
exports and imports, ranking, links and accounts exactly as a folder does."""

from __future__ import annotations

import csv

from tests.unit.test_cli import run_cli
from tests.web.conftest import make_bench

from litreview.store.copy import copy_workspace
from litreview.store.workspace import Workspace


def test_screen_links_and_users_commands_take_a_database_url(tmp_path, cluster, monkeypatch, capsys):
    bench = make_bench(tmp_path / "lite", n=15)
    url = cluster.create("cli_pg")
    copy_workspace(tmp_path / "lite", url)
    sheet = tmp_path / "sheet.csv"
    code, out = run_cli(monkeypatch, capsys, "screen", "export", "--workspace", url, "--out", str(sheet))
    assert code == 0, out.err
    rows = list(csv.DictReader(sheet.read_text(encoding="utf-8").splitlines()))
    assert {r["record_id"] for r in rows} == set(bench.ids)
    for k, row in enumerate(rows):
        row["decision"] = "include" if k % 2 else "exclude"
    with sheet.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    code, out = run_cli(
        monkeypatch, capsys, "screen", "import", str(sheet), "--workspace", url, "--reviewer", "ana"
    )
    assert code == 0, out.err
    with Workspace.reading(url) as ws:
        assert len([d for d in ws.decisions() if d.origin == "human"]) == len(rows)
    code, out = run_cli(
        monkeypatch, capsys, "screen", "rank", "--workspace", url, "--out", str(tmp_path / "ranked.csv")
    )
    assert code == 0, out.err
    code, out = run_cli(monkeypatch, capsys, "links", "list", "--workspace", url, "--kind", "maybe")
    assert code == 0 and bench.maybe[0] in out.out
    code, out = run_cli(monkeypatch, capsys, "users", "list", "--workspace", url)
    assert code == 0 and "lea\tlead" in out.out
