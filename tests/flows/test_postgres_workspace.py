"""A review run on a PostgreSQL workspace writes exactly what the same run on SQLite writes, and a
rerun stores nothing twice; outputs go to --out."""

from __future__ import annotations

import json

from litreview.pipeline.tasks import review_flow
from litreview.store.workspace import Workspace

COMPARED = (
    "prisma.json",
    "records.csv",
    "screening.csv",
    "tables.csv",
    "maybe_duplicates.csv",
    "prisma2020.csv",
)


def test_a_run_on_postgresql_equals_the_run_on_sqlite(review_copy, tmp_path, cluster):
    url = cluster.create("ep_pd_nec_flow")
    on_sqlite = review_flow(
        review_dir=str(review_copy), workspace=str(tmp_path / "sqlite"), mode="replay", run_id="r1"
    )
    on_postgres = review_flow(review_dir=str(review_copy), workspace=url, out=str(tmp_path / "pg"), mode="replay",
                              run_id="r1")  # fmt: skip
    assert on_postgres.prisma == on_sqlite.prisma
    for name in COMPARED:
        assert (tmp_path / "pg" / name).read_bytes() == (tmp_path / "sqlite" / name).read_bytes(), name
    assert not (tmp_path / "pg" / "workspace.sqlite").exists()  # the database is the only shared state
    with Workspace.reading(url) as ws:
        stored = ws.count("records")
    again = review_flow(
        review_dir=str(review_copy), workspace=url, out=str(tmp_path / "pg"), mode="replay", run_id="r2"
    )
    with Workspace.reading(url) as ws:
        assert ws.count("records") == stored and [r["status"] for r in ws.runs()] == ["finished", "finished"]
    assert json.loads((tmp_path / "pg" / "prisma.json").read_text())["run_id"] == again.run_id == "r2"
