"""`links list | same | distinct`: a workspace's duplicate links."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from litreview.cli.app import WorkspaceOption, app, shown

links_app = typer.Typer(
    no_args_is_help=True, help="A workspace's duplicate links: list them, settle maybes, undo a link."
)
app.add_typer(links_app, name="links")


@links_app.command("list")
def links_list(
    workspace: WorkspaceOption,
    kind: Annotated[
        str, typer.Option("--kind", help="duplicate | maybe | registration | shared-doi | verdicts")
    ] = "maybe",
) -> None:
    """Print the active links of one kind as CSV, with both records' titles (or the verdict log)."""
    import csv

    from litreview.dedup.relink import LINK_COLUMNS, VERDICT_COLUMNS, link_rows

    rows = link_rows(workspace, kind)
    writer = csv.DictWriter(sys.stdout, fieldnames=VERDICT_COLUMNS if kind == "verdicts" else LINK_COLUMNS,
                            lineterminator="\n")  # fmt: skip
    writer.writeheader()
    writer.writerows(rows)
    print(f"{len(rows)} {kind}", file=sys.stderr)


def _verdict(verdict: str, record_a: str, record_b: str, workspace: Path, reviewer: str, reason: str) -> None:
    from litreview.dedup.relink import decide_pair

    changed = decide_pair(workspace, record_a, record_b, verdict, reviewer, reason)
    print(f"{record_a} and {record_b}: {verdict} (by {reviewer}); links " + ", ".join(
        f"{kind} +{added}/-{undone}" for kind, (added, undone) in changed.items()))  # fmt: skip
    print(
        f"run `litreview run REVIEW_DIR --workspace {shown(workspace)}` to redraw the outputs with these links"
    )


RecordIdArgument = Annotated[str, typer.Argument(help="A record id, e.g. pubmed:123 or embase:L456.")]
ReviewerOption = Annotated[str, typer.Option(help="Who decides (kept in the verdict log).")]
ReasonOption = Annotated[str, typer.Option(help="Why, for the log.")]


@links_app.command("same")
def links_same(record_a: RecordIdArgument, record_b: RecordIdArgument, workspace: WorkspaceOption, reviewer: ReviewerOption,
               reason: ReasonOption = "") -> None:  # fmt: skip
    """The two records are one item: link them whatever the rules say (e.g. settle a maybe)."""
    _verdict("same", record_a, record_b, workspace, reviewer, reason)


@links_app.command("distinct")
def links_distinct(record_a: RecordIdArgument, record_b: RecordIdArgument, workspace: WorkspaceOption, reviewer: ReviewerOption,
                   reason: ReasonOption = "") -> None:  # fmt: skip
    """The two records are different items: undo any link joining them, now and in every rerun."""
    _verdict("distinct", record_a, record_b, workspace, reviewer, reason)
