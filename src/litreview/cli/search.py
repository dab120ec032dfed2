"""`search pubmed | ctgov` and `import`: records from a source into a file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from litreview.cli.app import (
    app,
    progress_bar,
    run_mode,
)
from litreview.cli.query import RepairOption, SyntaxOption, load_query

search_app = typer.Typer(no_args_is_help=True, help="Search PubMed or ClinicalTrials.gov into a JSONL file.")
app.add_typer(search_app, name="search")

LiveOption = Annotated[bool, typer.Option("--live", help="Search the real service (the default).")]
ReplayOption = Annotated[Path | None, typer.Option("--replay", help="Answer from this recorded snapshot.")]
RecordOption = Annotated[
    Path | None, typer.Option("--record", help="Search live and record a snapshot here.")
]
OutOption = Annotated[Path, typer.Option("--out", help="Where to write the records (JSON lines).")]


def _transport(live: bool, replay: Path | None, record: Path | None):
    from litreview.sources.http import open_transport

    mode, _ = run_mode(live, replay, record, default="live")
    return open_transport(mode, snapshot=replay, record_into=record)


@search_app.command("pubmed")
def search_pubmed(
    query_file: Annotated[
        Path, typer.Argument(help="Query file (any supported syntax; translated to PubMed).")
    ],
    out: OutOption,
    live: LiveOption = False,
    replay: ReplayOption = None,
    record: RecordOption = None,
    mindate: Annotated[str, typer.Option(help="Start of the date window (YYYY/MM/DD).")] = "",
    maxdate: Annotated[str, typer.Option(help="End of the date window, e.g. 2022/07/18.")] = "",
    datetype: Annotated[str, typer.Option(help="edat (Entrez date, default) | pdat | mdat")] = "edat",
    syntax: SyntaxOption = "auto",
    repair: RepairOption = False,
) -> None:
    """Run the query through esearch (sliced by date past 10,000) and efetch; write JSON lines."""
    from litreview.files import write_jsonl
    from litreview.query.translate import translate
    from litreview.sources import pubmed

    translation = translate(load_query(query_file, syntax, repair), "pubmed")
    for note in translation.notes:
        print(f"{query_file}:{note.line}:{note.column}: warning {note.code} {note.message}", file=sys.stderr)
    update, progress = progress_bar("efetch")
    with progress:
        found = pubmed.search(
            _transport(live, replay, record), translation.text,
            mindate=mindate, maxdate=maxdate, datetype=datetype, progress=update,
        )  # fmt: skip
    count = write_jsonl(out, found.citations)
    print(f"pubmed: {found.search.count} counted, {count} written to {out} "
          f"({found.esearch_requests} esearch, {found.efetch_requests} efetch requests)", file=sys.stderr)  # fmt: skip
    if found.search.query_translation:
        print(f"PubMed read the query as: {found.search.query_translation}", file=sys.stderr)


@search_app.command("ctgov")
def search_ctgov(
    out: OutOption,
    cond: Annotated[str, typer.Option("--cond", help="Condition search (query.cond).")] = "",
    term: Annotated[str, typer.Option("--term", help="Other terms (query.term, Essie syntax).")] = "",
    live: LiveOption = False,
    replay: ReplayOption = None,
    record: RecordOption = None,
    maxdate: Annotated[str, typer.Option(help="As of this first-posted date (YYYY-MM-DD).")] = "",
) -> None:
    """Page through /studies (1,000 per page) and write the studies as JSON lines."""
    from litreview.errors import ConfigError
    from litreview.files import write_jsonl
    from litreview.sources import ctgov

    if not cond and not term:
        raise ConfigError("give --cond and/or --term")
    transport = _transport(live, replay, record)
    found = ctgov.search(transport, cond=cond, term=term, first_posted_max=maxdate.replace("/", "-"))
    version = ctgov.data_version(transport)
    count = write_jsonl(out, found.trials)
    print(f"ctgov: {found.total} counted, {count} written to {out} ({found.requests} page requests); "
          f"registry data as of {version.get('dataTimestamp')}", file=sys.stderr)  # fmt: skip


@app.command("import")
def import_file(
    file: Annotated[
        Path, typer.Argument(help="An export: RIS, MEDLINE/nbib, PubMed XML, EndNote XML, CT.gov JSON, CSV.")
    ],
    out: OutOption,
    fmt: Annotated[
        str,
        typer.Option(
            "--format", help="auto | ris | nbib | pubmed-xml | endnote-xml | wos-text | ctgov-json | csv"
        ),
    ] = "auto",
    source: Annotated[
        str | None, typer.Option(help="Source name for record ids (default: from the file name).")
    ] = None,
) -> None:
    """Read an export into the record model and write it as JSON lines (streamed)."""
    from litreview.errors import ConfigError
    from litreview.files import refuse_overwriting, write_jsonl
    from litreview.sources.importers import FORMATS, detect_format, load_records, source_name

    if fmt != "auto" and fmt not in FORMATS:
        raise ConfigError(f"unknown format {fmt!r} (choose: auto, {', '.join(FORMATS)})")
    refuse_overwriting([out], [file])
    chosen = detect_format(file) if fmt == "auto" else fmt
    count = write_jsonl(out, load_records(file, chosen, source=source or source_name(chosen, file)))
    print(f"{file}: {count} records ({chosen}) written to {out}", file=sys.stderr)
