"""A review run on a PostgreSQL workspace whose URL holds a password: the password reaches no flow or
task parameter, no log, no output, no workspace row and no byte of Prefect's own database (the
session harness's) or its home folder; a flow handed a password as a parameter refuses to run."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.unit.test_cli import run_cli

from litreview.errors import ConfigError
from litreview.pipeline.tasks import review_flow

PASSWORD = "Pr3fect-must-never-see-this"  # the private cluster trusts loopback: any password connects


def files_holding(folders: list[Path], secret: bytes) -> list[str]:
    found = []
    for folder in folders:
        for path in [folder] if folder.is_file() else folder.rglob("*"):
            if path.is_file() and not path.is_symlink():
                try:
                    if secret in path.read_bytes():
                        found.append(str(path))
                except OSError:
                    continue
    return found


def database_rows_holding(url: str, secret: str) -> list[str]:
    import psycopg

    found = []
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
        tables = [t for (t,) in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        for table in tables:
            (hits,) = conn.execute(
                f"SELECT count(*) FROM {table} t WHERE strpos(t::text, %s) > 0", (secret,)
            ).fetchone()
            if hits:
                found.append(table)
    return found


def prefect_files() -> list[Path]:
    """Prefect's database (the harness's sqlite file and its journal) and Prefect's home folder."""
    from prefect.settings import get_current_settings

    settings = get_current_settings()
    database = str(settings.server.database.connection_url.get_secret_value())
    assert database.startswith("sqlite"), database  # the harness's own database, which we can read
    db_file = Path(database.split(":///", 1)[1])
    return [db_file.parent, Path(settings.home)]


def test_a_run_with_a_password_in_the_workspace_url_stores_it_nowhere(
    review_copy, tmp_path, cluster, monkeypatch, capsys
):
    url = cluster.create("secret_flow").replace("://postgres@", f"://postgres:{PASSWORD}@")
    out = tmp_path / "out"
    code, said = run_cli(monkeypatch, capsys, "run", str(review_copy), "--workspace", url, "--out", str(out),
                         "--run-id", "r1")  # fmt: skip
    assert code == 0, said.err
    assert (out / "prisma.json").exists()  # the run did write its outputs
    assert PASSWORD not in said.out + said.err
    assert files_holding([out, review_copy, *prefect_files()], PASSWORD.encode()) == []
    assert database_rows_holding(url, PASSWORD) == []
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:  # what Prefect's API says of the run, too
        runs = client.read_flow_runs()
        assert runs and all(PASSWORD not in r.model_dump_json() for r in runs)


def test_a_flow_handed_a_password_refuses_to_run(review_copy, tmp_path, cluster):
    url = cluster.create("secret_param").replace("://postgres@", "://postgres:another-password@")
    with pytest.raises(ConfigError, match="env:NAME") as refused:
        review_flow(review_dir=str(review_copy), workspace=url, out=str(tmp_path / "out"))
    assert "another-password" not in str(refused.value)
    assert not (tmp_path / "out").exists()
