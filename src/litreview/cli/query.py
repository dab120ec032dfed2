"""`query lint | translate | run | explain`: search strings."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from litreview.cli.app import (
    RecordsArgument,
    app,
    console,
    read_records,
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


def load_query(file: Path, syntax: str, repair: bool):
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

    tree = load_query(file, syntax, repair)
    result = translate(tree, to)
    for note in result.notes:
        print(f"{file}:{note.line}:{note.column}: warning {note.code} {note.message}", file=sys.stderr)
    print(result.text)


@query_app.command("run")
def query_run(
    file: Annotated[Path, typer.Argument(help="Query file.")],
    records: RecordsArgument,
    syntax: SyntaxOption = "auto",
    repair: RepairOption = False,
) -> None:
    """Evaluate the query locally: print the matching record ids, then the count."""
    from litreview.query.evaluate import compile_query

    query = compile_query(load_query(file, syntax, repair))
    for note in query.notes:
        print(f"{file}: note: {note}", file=sys.stderr)
    loaded = read_records(records)
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

    query = compile_query(load_query(file, syntax, repair))
    from litreview.errors import ConfigError

    wanted = set(record_id or ())
    loaded = read_records(records)
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
