"""`workspace copy | upgrade`: move a review between backends; bring its schema up to date."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from litreview.cli.app import WorkspaceArgument, app, console, shown, workspace_location

workspace_app = typer.Typer(no_args_is_help=True, help="Workspaces: move a review between backends.")
app.add_typer(workspace_app, name="workspace")

LocationArgument = Annotated[
    Path, typer.Argument(parser=workspace_location, help="A folder or a postgresql:// URL.")
]


@workspace_app.command("copy")
def workspace_copy(source: LocationArgument, target: LocationArgument) -> None:
    """Copy every table (decisions with their history, links with their undo stamps) into an empty
    workspace, then check row counts and content hashes on both sides."""
    from litreview.store.copy import copy_workspace

    report = copy_workspace(source, target)
    for table, counts in report.items():
        console.print(f"{table:>16}: {counts['rows']} rows, hashes equal")
    console.print(f"copied {sum(c['rows'] for c in report.values())} rows")


@workspace_app.command("upgrade")
def workspace_upgrade(workspace: WorkspaceArgument) -> None:
    """Apply the schema migrations this litreview needs (one transaction; back the workspace up first)."""
    from litreview.store.workspace import upgrade_workspace

    before, after = upgrade_workspace(workspace)
    said = "already at" if before == after else f"upgraded from {before or 'before migrations'} to"
    console.print(f"{shown(workspace)}: {said} schema {after}")
