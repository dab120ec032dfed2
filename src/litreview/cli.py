"""The ``litreview`` command line: each command parses its arguments and calls one function.

Errors raised as :class:`~litreview.errors.LitreviewError` print one readable line and exit 2;
``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from litreview.errors import LitreviewError

app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="Run a systematic review's search method end to end."
)
console = Console()
_state = {"debug": False}

DEFAULT_REVIEW = Path("search_strings/ep_pd_nec")
ReviewDirArgument = Annotated[Path, typer.Argument(help="Review folder holding review.toml.")]
ReviewWorkspaceOption = Annotated[
    Path | None, typer.Option(help="Workspace folder (default outputs/<review id>).")
]


def _version(value: bool) -> None:
    if value:
        from litreview import __version__

        print(f"litreview {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks and Prefect logs.")] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print litreview's version and exit.", is_eager=True, callback=_version
        ),
    ] = False,
) -> None:
    _state["debug"] = debug


def _quiet_prefect() -> None:
    # Prefect logs every failure with a traceback; the CLI prints one line instead.
    if not _state["debug"]:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "CRITICAL")
        os.environ.setdefault("PREFECT_LOGGING_SERVER_LEVEL", "CRITICAL")


def _check_date(value: str, option: str) -> None:
    from datetime import date

    from litreview.errors import ConfigError

    try:
        date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"{option} {value!r} is not a date (YYYY-MM-DD)") from None


def _offline_prefect() -> None:
    """Offline means offline: no anonymous usage reports from Prefect's client or its ephemeral
    server (whose heartbeat also printed a 'database is locked' traceback above the summary).
    A user may still opt in by setting these variables themselves."""
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # Prefect's client talks to its own server on loopback: never through a proxy set for the internet
    for name in ("NO_PROXY", "no_proxy"):
        kept = [h for h in os.environ.get(name, "").split(",") if h.strip()]
        os.environ[name] = ",".join(dict.fromkeys([*kept, "127.0.0.1", "localhost", "::1"]))


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
) -> None:
    """Run the review flow (offline on its snapshot by default) and write every output."""
    from litreview.config import load_protocol
    from litreview.workspace import check_run_id

    started = time.perf_counter()
    protocol = load_protocol(review_dir)  # fail fast, before Prefect starts
    if run_id is not None:
        check_run_id(run_id)
    mode, folder = _mode(live, snapshot, record, default="replay")
    _quiet_prefect()
    from litreview.pipeline.tasks import prefect_api, review_flow

    with prefect_api():
        result = review_flow(
            review_dir=str(review_dir),
            workspace=str(workspace) if workspace else None,
            mode=mode,
            snapshot=folder,
            run_id=run_id,
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
) -> None:
    """Living-review update: only what is new since the last run; decisions kept; change report written."""
    from litreview.config import load_protocol
    from litreview.workspace import check_run_id

    protocol = load_protocol(review_dir)
    if run_id is not None:
        check_run_id(run_id)
    if asof is not None:
        _check_date(asof, "--asof")
    mode, folder = _mode(live, snapshot, record, default="live")
    _quiet_prefect()
    from litreview.pipeline.tasks import prefect_api, update_flow

    with prefect_api():
        result = update_flow(
            review_dir=str(review_dir), workspace=str(workspace) if workspace else None, mode=mode,
            snapshot=folder, run_id=run_id, asof=asof,
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
            parameters={"review_dir": str(review_dir), "workspace": str(workspace) if workspace else None, "mode": "live"},
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


@app.command()
def prisma(
    template: Annotated[
        Path,
        typer.Argument(
            help="A PRISMA2020 template CSV (data,node,box,...,n), filled by hand or by the Shiny app."
        ),
    ],
    out: Annotated[
        Path, typer.Option(help="Folder for prisma.svg, prisma.pdf, prisma.png, prisma@2x.png.")
    ] = Path("."),
) -> None:
    """Draw the PRISMA 2020 flow diagram from a PRISMA2020 template, after checking that its boxes add up."""
    from litreview.files import refuse_overwriting
    from litreview.report.diagram import write_diagram
    from litreview.report.prisma_template import flow_from_template, read_template

    flow = flow_from_template(read_template(template), str(template))
    names = ("prisma.svg", "prisma.pdf", "prisma.png", "prisma@2x.png")
    refuse_overwriting([out / n for n in names], [template])
    out.mkdir(parents=True, exist_ok=True)
    paths = write_diagram(out, flow)
    print(f"{template}: the boxes add up; {flow['total_studies']} studies included -> "
          + ", ".join(str(p) for p in paths.values()), file=sys.stderr)  # fmt: skip


@app.command()
def tables(
    trials: Annotated[
        Path | None, typer.Option(help="CT.gov JSON: a folder of studies, a page file, or JSONL.")
    ] = None,
    workspace: Annotated[Path | None, typer.Option(help="A review workspace: its included trials.")] = None,
    publications: Annotated[
        Path | None, typer.Option(help="Citations to link by NCT id or acronym (any import format).")
    ] = None,
    overrides: Annotated[
        Path | None, typer.Option(help="CSV identifier,column,value,reason,who applied last.")
    ] = None,
    out: Annotated[Path, typer.Option(help="Folder for tables.csv, tables.xlsx, tables.md.")] = Path("."),
    extraction: Annotated[
        Path,
        typer.Option(
            help="The review's extraction.toml: tables, headers, lexicon, site/line/outcome patterns."
        ),
    ] = Path("search_strings/ep_pd_nec/extraction.toml"),
    explain_cells: Annotated[
        bool, typer.Option("--explain", help="Print every cell with its evidence.")
    ] = False,
) -> None:
    """Derive the review's tables (compound, category, design, site, line, ...) from registry records."""
    from litreview.errors import ConfigError
    from litreview.extract.spec import load_spec
    from litreview.extract.tables import build_tables, explain, read_overrides, write_tables

    spec = load_spec(extraction)
    if (trials is None) == (workspace is None):
        raise ConfigError("give exactly one of --trials and --workspace")
    found, citations = _trials_and_citations(trials, workspace)
    if publications is not None:
        citations += [r for r in _records(publications) if r.kind == "citation"]
    chosen = read_overrides(overrides, {t.nct_id for t in found}) if overrides else []
    result = build_tables(found, spec, citations, chosen)
    paths = write_tables(out, result)
    if explain_cells:
        print(explain(result), end="")
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"{len(result.rows)} trials, {len(result.applied)} overrides -> {', '.join(str(p) for p in paths.values())}",
          file=sys.stderr)  # fmt: skip


def _trials_and_citations(trials: Path | None, workspace: Path | None):

    from litreview.sources.ctgov import load_ctgov_json

    if workspace is not None:
        from litreview.screen.commands import screening_state
        from litreview.screen.decisions import passed
        from litreview.workspace import Workspace

        with Workspace.existing(workspace) as ws:
            records, decided = screening_state(ws)
        included = [r for r in records if r.kind == "trial" and passed(decided, r.record_id, "full_text")]
        return included, [r for r in records if r.kind == "citation"]
    assert trials is not None
    if trials.is_dir():
        return [t for p in sorted(trials.glob("*.json")) for t in load_ctgov_json(p)], []
    if trials.suffix == ".jsonl":
        from litreview.importers import load_jsonl

        return [r for r in load_jsonl(trials) if r.kind == "trial"], []
    return list(load_ctgov_json(trials)), []


@app.command()
def dedup(
    input_file: Annotated[
        Path, typer.Argument(metavar="INPUT", help="CSV (ID column), RIS, nbib or JSONL records.")
    ],
    out: Annotated[Path, typer.Option(help="Folder for duplicates.csv and maybe.csv.")] = Path("."),
) -> None:
    """Link duplicates (never delete): duplicates.csv (record_id,duplicate_of,rule,score), maybe.csv and
    shared_doi.csv (records that share a DOI but are different items, kept apart)."""
    from litreview.dedup.fuzzy import link_fuzzy
    from litreview.files import refuse_overwriting, write_csv
    from litreview.importers import detect_format, load_jsonl, load_records, source_name
    from litreview.records import Record

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

    advance, bar = _progress("comparing blocks")
    with bar:
        links, maybes, shared = link_fuzzy(remember(records), progress=advance)
    linked = {link.record_id: link for link in links}

    def native(record_id: str) -> str:  # export ids as the input named them ("ID" column, PMID, NCT id)
        source, _, rest = record_id.partition(":")
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


query_app = typer.Typer(
    no_args_is_help=True, help="Lint, repair, translate and locally run search strategies."
)
app.add_typer(query_app, name="query")


@query_app.command("lint")
def query_lint(
    file: Annotated[Path, typer.Argument(help="Query file (one strategy, one or many lines).")],
    syntax: Annotated[str, typer.Option(help="auto | ovid | pubmed | embase")] = "auto",
    as_json: Annotated[bool, typer.Option("--json", help="Print diagnostics as JSON.")] = False,
    target: Annotated[
        str | None,
        typer.Option(help="Also report what this target cannot express: pubmed|ovid|embase|ctgov."),
    ] = None,
) -> None:
    """Report problems with line, column and a caret; exit 0 clean, 1 errors found, 2 usage/IO."""
    import json

    from litreview.query.lint import lint, target_diagnostics

    result, diags = lint(_read_text(file), syntax)
    if target and result.tree is not None and not result.errors:
        diags.extend(target_diagnostics(result.tree, target, result.source_lines))
    if as_json:
        console.print_json(json.dumps({"diagnostics": [d.as_dict() for d in diags]}))
    else:
        for d in diags:
            print(f"{file}:{d.line}:{d.column}: {d.severity} {d.code} {d.message}")
            if d.excerpt and d.severity != "info":
                print(d.excerpt)
        errors = sum(d.severity == "error" for d in diags)
        print(f"{errors} error(s), {sum(d.severity == 'warning' for d in diags)} warning(s)")
    if any(d.severity == "error" for d in diags):
        raise typer.Exit(1)


SyntaxOption = Annotated[str, typer.Option(help="auto | ovid | pubmed | embase")]
RepairOption = Annotated[
    bool, typer.Option("--repair", help="Apply the minimal parenthesis fix first and say what it changed.")
]


def _read_text(file: Path) -> str:
    from litreview.errors import ConfigError

    try:
        return file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read query file: {exc}", path=file) from exc


def _load_query(file: Path, syntax: str, repair: bool):
    """Parse a query file; with ``repair``, fix unbalanced parentheses first (edits on stderr).

    Errors print as ``file:line:column: error CODE message`` and exit 1.
    """
    from litreview.query.parser import STRUCTURE_WARNINGS, parse_strategy
    from litreview.query.repair import propose_repair

    text = _read_text(file)
    if repair:
        fix = propose_repair(text)
        for edit in fix.describe():
            print(f"{file}: repair: {edit}", file=sys.stderr)
        text = fix.text
    result = parse_strategy(text, syntax)
    if result.errors or result.tree is None:
        for d in result.errors:
            print(f"{file}:{d.line}:{d.column}: error {d.code} {d.message}", file=sys.stderr)
        hint = "" if repair else " (try --repair for unbalanced parentheses)"
        print(f"{file}: not translated: {len(result.errors)} error(s){hint}", file=sys.stderr)
        raise typer.Exit(1)
    for d in result.diagnostics:
        if d.code in STRUCTURE_WARNINGS:
            print(f"{file}:{d.line}:{d.column}: warning {d.code} {d.message}", file=sys.stderr)
    return result.tree


@query_app.command("translate")
def query_translate(
    file: Annotated[Path, typer.Argument(help="Query file.")],
    to: Annotated[str, typer.Option("--to", help="pubmed | ovid | embase | ctgov")],
    syntax: SyntaxOption = "auto",
    repair: RepairOption = False,
) -> None:
    """Print the translation on stdout and every approximation as a warning on stderr."""
    from litreview.query.translate import translate

    tree = _load_query(file, syntax, repair)
    result = translate(tree, to)
    for note in result.notes:
        print(f"{file}:{note.line}:{note.column}: warning {note.code} {note.message}", file=sys.stderr)
    print(result.text)


RecordsArgument = Annotated[
    Path, typer.Argument(help="Records: PubMed XML (.xml/.xml.gz), RIS or CT.gov JSON.")
]


def _records(path: Path):
    from litreview.importers import detect_format, load_records, source_name

    fmt = detect_format(path)
    return list(load_records(path, fmt, source=source_name(fmt, path)))


@query_app.command("run")
def query_run(
    file: Annotated[Path, typer.Argument(help="Query file.")],
    records: RecordsArgument,
    syntax: SyntaxOption = "auto",
    repair: RepairOption = False,
) -> None:
    """Evaluate the query locally: print the matching record ids, then the count."""
    from litreview.query.evaluate import compile_query

    query = compile_query(_load_query(file, syntax, repair))
    for note in query.notes:
        print(f"{file}: note: {note}", file=sys.stderr)
    loaded = _records(records)
    ids = query.run(loaded)
    for record_id in ids:
        print(record_id)
    print(f"{len(ids)} of {len(loaded)} records matched")


@query_app.command("explain")
def query_explain(
    file: Annotated[Path, typer.Argument(help="Query file.")],
    records: RecordsArgument,
    record_id: Annotated[
        list[str] | None, typer.Option("--id", help="Explain only these record ids.")
    ] = None,
    syntax: SyntaxOption = "auto",
    repair: RepairOption = False,
) -> None:
    """For each record: matched or not, each top-level clause, and each term's field and text span."""
    from litreview.query.evaluate import compile_query, explain

    query = compile_query(_load_query(file, syntax, repair))
    from litreview.errors import ConfigError

    wanted = set(record_id or ())
    loaded = _records(records)
    unknown = sorted(wanted - {r.record_id for r in loaded})
    if unknown:
        raise ConfigError(f"{records}: no record {', '.join(unknown)} in this file")
    for record in loaded:
        if wanted and record.record_id not in wanted:
            continue
        why = explain(query, record)
        print(f"{why.record_id}: {'MATCH' if why.matched else 'no match'}")
        for clause, held in why.clauses:
            print(f"  {'+' if held else '-'} {clause}")
        for hit in why.hits:
            print(f"    {hit.clause} in {hit.field} [{hit.start}:{hit.end}] {hit.text!r}")


search_app = typer.Typer(no_args_is_help=True, help="Search PubMed or ClinicalTrials.gov into a JSONL file.")
app.add_typer(search_app, name="search")

LiveOption = Annotated[bool, typer.Option("--live", help="Search the real service (the default).")]
ReplayOption = Annotated[Path | None, typer.Option("--replay", help="Answer from this recorded snapshot.")]
RecordOption = Annotated[
    Path | None, typer.Option("--record", help="Search live and record a snapshot here.")
]
OutOption = Annotated[Path, typer.Option("--out", help="Where to write the records (JSON lines).")]


def _mode(live: bool, replay: Path | None, record: Path | None, default: str) -> tuple[str, str | None]:
    """live | replay | record from the three exclusive options, and the snapshot folder if any."""
    from litreview.errors import ConfigError

    if sum([live, replay is not None, record is not None]) > 1:
        raise ConfigError("choose one of --live, --replay DIR and --record DIR")
    if live:
        return "live", None
    if replay is not None:
        return "replay", str(replay)
    if record is not None:
        return "record", str(record)
    return default, None


def _transport(live: bool, replay: Path | None, record: Path | None):
    from litreview.config import Settings
    from litreview.sources.http import LiveTransport, RecordTransport
    from litreview.sources.transport import ReplayTransport

    mode, _ = _mode(live, replay, record, default="live")
    if mode == "replay":
        assert replay is not None
        return ReplayTransport(replay)
    transport = LiveTransport(Settings.from_env())
    return RecordTransport(transport, record) if record is not None else transport


def _progress(label: str):
    """A progress bar on stderr for long fetches; returns (callback, context manager)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=Console(stderr=True), transient=True,
    )  # fmt: skip
    task = progress.add_task(label, total=None)
    return (lambda done, total: progress.update(task, completed=done, total=total)), progress


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

    translation = translate(_load_query(query_file, syntax, repair), "pubmed")
    for note in translation.notes:
        print(f"{query_file}:{note.line}:{note.column}: warning {note.code} {note.message}", file=sys.stderr)
    update, progress = _progress("efetch")
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
        str, typer.Option("--format", help="auto | ris | nbib | pubmed-xml | endnote-xml | ctgov-json | csv")
    ] = "auto",
    source: Annotated[
        str | None, typer.Option(help="Source name for record ids (default: from the file name).")
    ] = None,
) -> None:
    """Read an export into the record model and write it as JSON lines (streamed)."""
    from litreview.errors import ConfigError
    from litreview.files import refuse_overwriting, write_jsonl
    from litreview.importers import FORMATS, detect_format, load_records, source_name

    if fmt != "auto" and fmt not in FORMATS:
        raise ConfigError(f"unknown format {fmt!r} (choose: auto, {', '.join(FORMATS)})")
    refuse_overwriting([out], [file])
    chosen = detect_format(file) if fmt == "auto" else fmt
    count = write_jsonl(out, load_records(file, chosen, source=source or source_name(chosen, file)))
    print(f"{file}: {count} records ({chosen}) written to {out}", file=sys.stderr)


screen_app = typer.Typer(no_args_is_help=True, help="Screen records: rules, human decisions, agreement.")
app.add_typer(screen_app, name="screen")
WorkspaceOption = Annotated[Path, typer.Option("--workspace", help="The review's workspace folder.")]


@screen_app.command("export")
def screen_export(
    workspace: WorkspaceOption,
    out: Annotated[
        Path,
        typer.Option("--out", help="sheet.csv, sheet.xlsx, records.ris, or a CSV with --format asreview."),
    ],
    stage: Annotated[str, typer.Option(help="title_abstract | full_text")] = "title_abstract",
    fmt: Annotated[
        str, typer.Option("--format", help="auto (by extension) | sheet | ris | asreview")
    ] = "auto",
    reviewer: Annotated[
        str, typer.Option(help="Pre-fill this reviewer's own earlier decisions (never anyone else's).")
    ] = "",
    order: Annotated[
        str, typer.Option(help="file (as stored) | rank (most likely relevant first, see `screen rank`)")
    ] = "file",
) -> None:
    """One row per record to screen, with the rules' suggestion and empty decision/reason/reviewer (blind)."""
    from litreview.screen.commands import export_decisions

    ranked = None
    if order == "rank":
        from litreview.prioritise.commands import rank_workspace

        ranked = [row["record_id"] for row in rank_workspace(workspace, stage)["ranked"]]
    elif order != "file":
        from litreview.errors import ConfigError

        raise ConfigError(f"unknown --order {order!r} (file or rank)")
    count = export_decisions(workspace, out, stage, fmt, reviewer, ranked)
    print(f"{count} records to screen ({stage}) written to {out}", file=sys.stderr)


@screen_app.command("import")
def screen_import(
    file: Annotated[
        Path,
        typer.Argument(
            help="A filled sheet (CSV/XLSX), a labelled RIS file, or an ASReview LAB / Rayyan export."
        ),
    ],
    workspace: WorkspaceOption,
    reviewer: Annotated[str, typer.Option(help="Reviewer for rows whose reviewer column is empty.")] = "",
    accept_suggestions: Annotated[
        bool,
        typer.Option(
            help="Store a file whose decisions all repeat the rules' suggestions (refused otherwise)."
        ),
    ] = False,
    stage: Annotated[
        str,
        typer.Option(help="Stage of an ASReview, Rayyan or RIS file's decisions: title_abstract | full_text"),
    ] = "title_abstract",
) -> None:
    """Store human decisions (they override the rules and survive reruns); report conflicts and kappa."""
    from litreview.screen.commands import AGREEMENT_FILE, import_decisions

    summary = import_decisions(file, workspace, reviewer, accept_suggestions, stage)
    print(f"{file}: {summary['stored']} decisions stored ({summary['skipped_blank']} rows left blank)")
    for row in summary["unmatched"]:
        print(f"not stored: row {row['row']} ({row['title'][:60] or 'no title'}): {row['why']}")
    for moved in summary["applied_to_cluster"]:
        print(f"{moved['record_id']} is a duplicate: its decision counts for its cluster, stored on "
              f"{moved['representative']}")  # fmt: skip
    for c in summary["conflicts"]:
        votes = ", ".join(f"{k}={v}" for k, v in sorted(c["votes"].items()))
        print(f"conflict: {c['record_id']} ({c['stage']}): {votes}")
    for block in summary["agreement"]:
        for pair in block["pairs"]:
            print(f"agreement {block['stage']} {' vs '.join(pair['reviewers'])}: {pair['records']} records, "
                  f"raw {pair['agreement']}, Cohen's kappa "
                  f"{pair['kappa'] if pair['kappa'] is not None else 'not defined (no variation in decisions)'}")  # fmt: skip
    for d in summary["reason_disagreements"]:
        print(f"reasons differ: {d['record_id']} ({d['stage']}): "
              + "; ".join(f"{k}: {v}" for k, v in sorted(d["reasons"].items())))  # fmt: skip
    print(f"agreement written to {workspace / AGREEMENT_FILE}")
    print("run `litreview run` to redraw the PRISMA diagram with these decisions")


@screen_app.command("confirm")
def screen_confirm(
    workspace: WorkspaceOption,
    rule: Annotated[
        str, typer.Option("--rule", help="The id of an include rule whose suggestions you confirm.")
    ],
    reviewer: Annotated[str, typer.Option(help="Who confirms (stored as that reviewer's decisions).")],
    stage: Annotated[str, typer.Option(help="title_abstract | full_text")] = "title_abstract",
) -> None:
    """Confirm a rule's inclusions in bulk as a reviewer's decisions (logged; reported in PRISMA-S)."""
    from litreview.screen.commands import confirm_rule

    done = confirm_rule(workspace, rule, reviewer, stage)
    print(f"{done['confirmed']} suggestions of rule {rule} ({stage}) confirmed by {reviewer}; "
          f"{done['skipped']} left alone (a reviewer had decided them)")  # fmt: skip


@screen_app.command("rank")
def screen_rank(
    workspace: WorkspaceOption,
    stage: Annotated[str, typer.Option(help="title_abstract | full_text")] = "title_abstract",
    out: Annotated[
        Path | None, typer.Option("--out", help="ranked.csv: rank, record_id, score, title, basis.")
    ] = None,
    top: Annotated[int, typer.Option(help="How many of the top records to print.")] = 10,
) -> None:
    """Rank the records still to screen by predicted relevance (the protocol's rules before any decision)."""
    from litreview.prioritise.commands import rank_workspace

    done = rank_workspace(workspace, stage, out)
    print(
        f"{len(done['ranked'])} records ranked ({stage}), by {done['basis']}" + (f" -> {out}" if out else "")
    )
    for row in done["ranked"][:top]:
        print(f"{row['rank']:>5}  {row['score']:>8.3f}  {row['record_id']}  {row['title'][:80]}")
    print(done["stop"].sentence())


@screen_app.command("status")
def screen_status(
    workspace: WorkspaceOption,
    stage: Annotated[str, typer.Option(help="title_abstract | full_text")] = "title_abstract",
    recall: Annotated[float, typer.Option(help="Target recall of the stopping rule.")] = 0.95,
    confidence: Annotated[float, typer.Option(help="Confidence of the stopping rule.")] = 0.95,
    record: Annotated[
        bool,
        typer.Option("--record", help="Keep the outcome in the workspace for the search log (PRISMA-S)."),
    ] = False,
) -> None:
    """Whether the stopping rule (hypergeometric test, Callaghan & Müller-Hansen 2020) says screening may stop."""
    from litreview.prioritise.commands import workspace_status
    from litreview.prioritise.stopping import more_needed

    if not (0 < recall < 1 and 0 < confidence < 1):
        from litreview.errors import ConfigError

        raise ConfigError("--recall and --confidence are fractions between 0 and 1")
    status = workspace_status(workspace, stage, recall, confidence, record)
    print(f"{status.screened} of {status.total} records screened ({stage}), {status.relevant_seen} relevant")
    print(status.sentence())
    if not status.reached and status.relevant_seen:
        extra = more_needed([1] * status.relevant_seen + [0] * (status.screened - status.relevant_seen),
                            status.total, recall, confidence)  # fmt: skip
        if extra is not None:
            print(f"about {extra} more irrelevant records in ranked order would let it stop")
    if record:
        print("recorded: the next `litreview run` cites it in search_log.md (PRISMA-S)")


@screen_app.command("simulate")
def screen_simulate(
    labelled: Annotated[
        Path, typer.Argument(help="A labelled review (CSV with title, abstract and a 0/1 label).")
    ],
    out: Annotated[Path, typer.Option("--out", help="Folder for metrics.json, recall.png, recall.svg.")],
    label_column: Annotated[str, typer.Option(help="The 0/1 label column.")] = "label_included",
    prior_included: Annotated[int, typer.Option(help="Relevant records known at the start.")] = 1,
    prior_excluded: Annotated[int, typer.Option(help="Irrelevant records known at the start.")] = 1,
    seeds: Annotated[int, typer.Option(help="How many seeded runs.")] = 3,
    recall: Annotated[float, typer.Option(help="Target recall of the stopping rule.")] = 0.95,
) -> None:
    """Replay a labelled review with the ranking: WSS@95, recall@10%, ATD, loss, where the stopping rule fires."""
    from litreview.prioritise.commands import simulate_file

    result = simulate_file(labelled, out, label_column, prior_included, prior_excluded, seeds, recall)
    mean = result["mean"]
    print(f"{labelled}: {result['records']} records, {result['relevant']} relevant, {seeds} seeds")
    print(f"WSS@95 {mean['wss95']:.3f}  recall@10% {mean['recall10']:.3f}  ATD {mean['atd']:.3f}  "
          f"loss {mean['loss']:.3f}  stop at {mean['stop_screened']:.1%} screened, recall {mean['stop_recall']:.3f}")  # fmt: skip
    print(f"-> {out / 'metrics.json'}, {out / 'recall.png'}, {out / 'recall.svg'}")


@screen_app.command("apply")
def screen_apply(
    records: RecordsArgument,
    protocol: Annotated[Path, typer.Option("--protocol", help="review.toml holding [[screening.rules]].")],
    out: Annotated[
        Path, typer.Option("--out", help="decisions.csv (record_id,title,decision,rule_id,reason).")
    ],
    stage: Annotated[str, typer.Option(help="title_abstract | full_text")] = "title_abstract",
) -> None:
    """Apply a protocol's screening rules to any importable file."""
    from litreview.screen.commands import apply_rules

    counts = apply_rules(records, protocol, out, stage)
    print(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) + f" -> {out}", file=sys.stderr)


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
    print(f"run `litreview run REVIEW_DIR --workspace {workspace}` to redraw the outputs with these links")


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


def main() -> None:
    """Console entry point: map LitreviewError to one line and exit code 2."""
    _offline_prefect()
    try:
        code = app(standalone_mode=False)  # click returns typer.Exit's code in this mode
        if isinstance(code, int) and code:
            sys.exit(code)
    except LitreviewError as exc:
        if _state["debug"]:
            raise
        # Plain print: rich would wrap a long path over several lines.
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (sqlite3.DatabaseError, OSError) as exc:
        # The edges a command cannot foresee (a disk that fills, a file made read-only, a page that
        # breaks mid-run): one line, and the open transaction has been rolled back.
        if _state["debug"]:
            raise
        where = "workspace database" if isinstance(exc, sqlite3.DatabaseError) else exc.filename
        what = getattr(exc, "strerror", None) or str(exc)
        print(f"error: {where + ': ' if where else ''}{what}", file=sys.stderr)
        sys.exit(2)
    except (typer.Abort, KeyboardInterrupt):
        print("aborted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # usage errors (typer vendors its own click: catch either)
        import click
        from typer.exceptions import TyperException

        if isinstance(exc, (click.ClickException, TyperException)) and hasattr(exc, "show"):
            exc.show()
            sys.exit(2)
        raise


if __name__ == "__main__":
    main()
