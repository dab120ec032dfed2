"""`dedup`: link duplicates in any export file."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer

from litreview.cli.app import (
    app,
    progress_bar,
)
from litreview.records import split_record_id


@app.command()
def dedup(
    input_file: Annotated[
        Path, typer.Argument(metavar="INPUT", help="CSV (ID column), RIS, nbib or JSONL records.")
    ],
    out: Annotated[Path, typer.Option(help="Folder for duplicates.csv and maybe.csv.")] = Path("."),
) -> None:
    """Link duplicates (never delete): duplicates.csv (record_id,duplicate_of,rule,score), maybe.csv and
    shared_doi.csv (records that share a DOI but are different items, kept apart)."""
    from litreview.dedup.cluster import link_fuzzy
    from litreview.files import refuse_overwriting, write_csv
    from litreview.records import Record
    from litreview.sources.importers import detect_format, load_jsonl, load_records, source_name

    names = ("duplicates.csv", "maybe.csv", "shared_doi.csv")
    refuse_overwriting([out / name for name in names], [input_file])
    records: Iterable[Record]
    if input_file.suffix == ".jsonl":
        records = load_jsonl(input_file)
    else:
        fmt = detect_format(input_file)
        records = load_records(input_file, fmt, source=source_name(fmt, input_file))
    ids: list[str] = []

    def remember(stream):  # stream the records: only their ids are kept beside the comparison data
        for record in stream:
            ids.append(record.record_id)
            yield record

    advance, bar = progress_bar("comparing blocks")
    with bar:
        links, maybes, shared = link_fuzzy(remember(records), progress=advance)
    linked = {link.record_id: link for link in links}

    def native(record_id: str) -> str:  # export ids as the input named them ("ID" column, PMID, NCT id)
        source, rest = split_record_id(record_id)
        return record_id if source in ("pubmed", "ctgov") else rest

    rows = (
        {"record_id": native(i), "duplicate_of": native(linked[i].linked_to) if i in linked else "",
         "rule": linked[i].rule if i in linked else "", "score": linked[i].score if i in linked else ""}
        for i in ids
    )  # fmt: skip
    out.mkdir(parents=True, exist_ok=True)
    write_csv(out / "duplicates.csv", ("record_id", "duplicate_of", "rule", "score"), rows)
    write_csv(out / "maybe.csv", ("record_id_a", "record_id_b", "score", "reason"),
              ({"record_id_a": native(m.a), "record_id_b": native(m.b), "score": m.score, "reason": m.reason} for m in maybes))  # fmt: skip
    write_csv(out / "shared_doi.csv", ("record_id_a", "record_id_b", "score", "reason"),
              ({"record_id_a": native(m.a), "record_id_b": native(m.b), "score": m.score, "reason": m.reason} for m in shared))  # fmt: skip
    print(
        f"{len(ids)} records: {len(links)} linked as duplicates, {len(maybes)} pairs to check, "
        f"{len(shared)} kept apart for a shared DOI -> {out}",
        file=sys.stderr,
    )
