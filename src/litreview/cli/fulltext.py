"""`fulltext add | fetch | list`: a workspace's full texts (PDFs attached to records)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from litreview.cli.app import WorkspaceOption, app, run_mode

fulltext_app = typer.Typer(
    no_args_is_help=True, help="Full texts: attach PDFs, fetch open-access ones, list what is stored."
)
app.add_typer(fulltext_app, name="fulltext")


@fulltext_app.command("add")
def fulltext_add(
    paths: Annotated[list[Path], typer.Argument(help="PDF files, or folders of them.")],
    workspace: WorkspaceOption,
    record: Annotated[
        str | None, typer.Option("--record", help="Attach the one file to this record, whatever it names.")
    ] = None,
) -> None:
    """Attach PDFs, each matched to a record by a DOI, PMID, PMCID or NCT id in its name or first
    pages; a file that is refused, matches no record or several is listed and not attached (exit 2)."""
    from litreview.pipeline.fulltexts import attach_files

    outcomes = attach_files(workspace, paths, record_id=record)
    for outcome in outcomes:
        print(outcome.line)
    attached = sum(o.attached for o in outcomes)
    print(f"{attached} of {len(outcomes)} file(s) attached")
    if attached < len(outcomes):
        raise typer.Exit(2)


@fulltext_app.command("fetch")
def fulltext_fetch(
    workspace: WorkspaceOption,
    live: Annotated[bool, typer.Option("--live", help="Ask Europe PMC now (kept in the workspace).")] = False,
    replay: Annotated[Path | None, typer.Option("--replay", help="Answer from this snapshot folder.")] = None,
    record: Annotated[
        Path | None, typer.Option("--record", help="Fetch live and record a snapshot here.")
    ] = None,
) -> None:
    """Fetch open-access PDFs (Europe PMC, PubMed Central) for the records included at
    title/abstract that have no full text; list what was not retrieved and why (no vote is cast)."""
    from litreview.pipeline.fulltexts import fetch_fulltexts

    mode, snapshot = run_mode(live, replay, record, "replay")
    if mode == "replay" and snapshot is None:
        from litreview.errors import ConfigError

        raise ConfigError("choose --live, --replay SNAPSHOT or --record DIR")
    outcomes = fetch_fulltexts(workspace, mode, Path(snapshot) if snapshot else None)
    for outcome in outcomes:
        print(outcome.line)
    print(f"{sum(o.attached for o in outcomes)} of {len(outcomes)} record(s) without a full text retrieved")


@fulltext_app.command("list")
def fulltext_list(workspace: WorkspaceOption) -> None:
    """Each record's full text (checksum, pages, size, who added it, when), then those not retrieved."""
    from litreview.pipeline.fulltexts import list_fulltexts

    stored, missing = list_fulltexts(workspace)
    for ft in stored:
        print(f"{ft.record_id}\t{ft.file_name}\t{ft.pages} pages\t{ft.size} bytes\tsha256 {ft.sha256}\t"
              f"{ft.added_by} {ft.added_at}")  # fmt: skip
    for record_id, reason in sorted(missing.items()):
        print(f"{record_id}\tnot retrieved: {reason}")
    print(f"{len(stored)} full text(s)")
