"""`run`, `update`, `serve`, `new`: a review's runs and folders."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from litreview.cli.app import (
    DEFAULT_REVIEW,
    OutOption,
    ReviewDirArgument,
    ReviewWorkspaceOption,
    app,
    check_date,
    console,
    quiet_prefect,
    run_mode,
    secret_free,
)


@app.command()
def run(
    review_dir: ReviewDirArgument = DEFAULT_REVIEW,
    workspace: ReviewWorkspaceOption = None,
    snapshot: Annotated[
        Path | None,
        typer.Option("--replay", help="Snapshot folder to replay (default: the review's snapshot/)."),
    ] = None,
    run_id: Annotated[
        str | None, typer.Option(help="Run id (default: UTC timestamp); rerunning one is idempotent.")
    ] = None,
    live: Annotated[
        bool,
        typer.Option(
            "--live", help="Search PubMed and ClinicalTrials.gov for real (kept in runs/<id>/snapshot)."
        ),
    ] = False,
    record: Annotated[
        Path | None,
        typer.Option("--record", help="Search live and write a snapshot here that --replay can use."),
    ] = None,
    out: OutOption = None,
) -> None:
    """Run the review flow (offline on its snapshot by default) and write every output."""
    from litreview.config import load_protocol
    from litreview.store.workspace import check_run_id

    started = time.perf_counter()
    protocol = load_protocol(review_dir)  # fail fast, before Prefect starts
    if run_id is not None:
        check_run_id(run_id)
    mode, folder = run_mode(live, snapshot, record, default="replay")
    quiet_prefect()
    from litreview.pipeline.tasks import prefect_api, review_flow

    with prefect_api():
        result = review_flow(
            review_dir=str(review_dir),
            workspace=secret_free(workspace),
            mode=mode,
            snapshot=folder,
            run_id=run_id,
            out=str(out) if out else None,
        )
    elapsed = time.perf_counter() - started
    table = Table(title=f"{protocol.review_id}: run {result.run_id}")
    table.add_column("stage / source")
    table.add_column("records", justify="right")
    prisma = result.prisma
    for group, block in prisma["identification"].items():
        for source, n in block["by_source"].items():
            table.add_row(f"identified · {group} · {source}", str(n))
    table.add_row("identified (total)", str(prisma["identified_total"]))
    table.add_row("duplicates linked", str(prisma["duplicates_removed"]["total"]))
    table.add_row("after duplicates removed", str(prisma["records_after_duplicates_removed"]))
    table.add_row("maybe duplicates (`litreview links`)", str(result.maybe_duplicates))
    console.print(table)
    for name, path in result.outputs.items():
        console.print(f"{name:>9}: {path}")
    console.print(f"wall time: {elapsed:.1f} s")


@app.command()
def update(
    review_dir: ReviewDirArgument = DEFAULT_REVIEW,
    workspace: ReviewWorkspaceOption = None,
    live: Annotated[bool, typer.Option("--live", help="Search the real services (the default).")] = False,
    snapshot: Annotated[
        Path | None, typer.Option("--replay", help="Answer from this recorded snapshot.")
    ] = None,
    record: Annotated[
        Path | None, typer.Option("--record", help="Search live and record a snapshot here.")
    ] = None,
    asof: Annotated[
        str | None, typer.Option(help="Search up to this date (YYYY-MM-DD; default today).")
    ] = None,
    run_id: Annotated[str | None, typer.Option(help="Run id (default: UTC timestamp).")] = None,
    out: OutOption = None,
) -> None:
    """Living-review update: only what is new since the last run; decisions kept; change report written."""
    from litreview.config import load_protocol
    from litreview.store.workspace import check_run_id

    protocol = load_protocol(review_dir)
    if run_id is not None:
        check_run_id(run_id)
    if asof is not None:
        check_date(asof, "--asof")
    mode, folder = run_mode(live, snapshot, record, default="live")
    quiet_prefect()
    from litreview.pipeline.tasks import prefect_api, update_flow

    with prefect_api():
        result = update_flow(
            review_dir=str(review_dir), workspace=secret_free(workspace), mode=mode,
            snapshot=folder, run_id=run_id, asof=asof, out=str(out) if out else None,
        )  # fmt: skip
    prisma = result.prisma
    console.print(f"{protocol.review_id}: update {result.run_id}")
    console.print(f"new records identified: {prisma['identified_total']} (after duplicates: "
                  f"{prisma['records_after_duplicates_removed']})")  # fmt: skip
    console.print(f"studies: previous {prisma['previous']['studies']}, new {prisma['new_studies']}, "
                  f"total {prisma['total_studies']}")  # fmt: skip
    for name, path in result.outputs.items():
        console.print(f"{name:>9}: {path}")


@app.command()
def serve(
    review_dir: ReviewDirArgument = DEFAULT_REVIEW,
    cron: Annotated[str, typer.Option(help="When to run the update (cron, UTC).")] = "0 6 * * 1",
    workspace: ReviewWorkspaceOption = None,
) -> None:
    """Serve the update flow on a schedule from this machine (Prefect's flow.serve; Ctrl-C stops)."""
    from litreview.config import load_protocol

    protocol = load_protocol(review_dir)
    from litreview.pipeline.tasks import prefect_api, update_flow

    with prefect_api():
        update_flow.serve(
            name=f"{protocol.review_id}-update", cron=cron,
            parameters={"review_dir": str(review_dir), "workspace": secret_free(workspace), "mode": "live"},
        )  # fmt: skip


@app.command()
def new(
    review_dir: Annotated[
        Path, typer.Argument(help="The review folder to create (e.g. search_strings/my_review).")
    ],
    title: Annotated[str, typer.Option(help="The review's title.")] = "",
) -> None:
    """Start a review folder: a commented review.toml with one export-file source to fill in."""
    import re
    from datetime import date
    from importlib import resources

    from litreview.errors import ConfigError

    if review_dir.exists() and any(review_dir.iterdir()):
        raise ConfigError(f"{review_dir}: exists and is not empty; nothing written")
    review_id = re.sub(r"[^a-z0-9_]+", "_", review_dir.name.lower()).strip("_") or "review"
    today = date.today()
    text = resources.files("litreview").joinpath("data/new_review.toml").read_text("utf-8")
    for key, value in {"review_id": review_id, "title": (title or review_id).replace('"', "'"),
                       "today": today.isoformat(), "today_slashes": today.strftime("%Y/%m/%d")}.items():  # fmt: skip
        text = text.replace("{" + key + "}", value)
    review_dir.mkdir(parents=True, exist_ok=True)
    (review_dir / "review.toml").write_text(text, encoding="utf-8")
    print(f"{review_dir / 'review.toml'} written: put your export in {review_dir / 'records.ris'}, "
          f"then `litreview run {review_dir}`", file=sys.stderr)  # fmt: skip
