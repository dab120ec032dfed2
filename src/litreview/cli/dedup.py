"""`dedup`: link duplicates in any export file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from litreview.cli.app import app, progress_bar


@app.command()
def dedup(
    input_file: Annotated[
        Path, typer.Argument(metavar="INPUT", help="CSV (ID column), RIS, nbib or JSONL records.")
    ],
    out: Annotated[Path, typer.Option(help="Folder for duplicates.csv and maybe.csv.")] = Path("."),
) -> None:
    """Link duplicates (never delete): duplicates.csv (record_id,duplicate_of,rule,score), maybe.csv and
    shared_doi.csv (records that share a DOI but are different items, kept apart)."""
    from litreview.dedup.export import dedup_export

    advance, bar = progress_bar("comparing blocks")
    with bar:
        summary = dedup_export(input_file, out, progress=advance)
    print(
        f"{summary.records} records: {summary.linked} linked as duplicates, {summary.maybe} pairs to check, "
        f"{summary.shared_doi} kept apart for a shared DOI -> {out}",
        file=sys.stderr,
    )
