"""`prisma` and `tables`: the PRISMA diagram from a template, extraction tables."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from litreview.cli.app import OptionalWorkspaceOption, app, read_records


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
    ctx: typer.Context,
    trials: Annotated[
        Path | None, typer.Option(help="CT.gov JSON: a folder of studies, a page file, or JSONL.")
    ] = None,
    workspace: OptionalWorkspaceOption = None,
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
    source = ctx.get_parameter_source("workspace")
    if trials is not None and source is not None and source.name == "ENVIRONMENT":
        workspace = None  # --trials given: the environment's default workspace is not asked for
    if (trials is None) == (workspace is None):
        raise ConfigError("give exactly one of --trials and --workspace")
    found, citations, extracted, required = _trials_and_citations(trials, workspace)
    if publications is not None:
        citations += [r for r in read_records(publications) if r.kind == "citation"]
    chosen = read_overrides(overrides, {t.nct_id for t in found}) if overrides else []
    result = build_tables(found, spec, citations, chosen, extracted, required)
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
        from litreview.extract.forms import EXTRACTION_META, Saved
        from litreview.extract.tables import tabled_records
        from litreview.screen.commands import screening_state
        from litreview.store.workspace import Workspace

        with Workspace.existing(workspace) as ws:
            records, decided, _ = screening_state(ws)  # duplicates already left out
            found, citations = tabled_records(records, decided)
            # the people's extraction, as the workbench's forms stored it
            extracted = [Saved.stored(r) for r in ws.extraction_values({t.record_id for t in found})]
            required = int((ws.meta(EXTRACTION_META) or {}).get("extractors_per_record", 1))
        return found, citations, extracted, required
    assert trials is not None
    if trials.is_dir():
        return [t for p in sorted(trials.glob("*.json")) for t in load_ctgov_json(p)], [], [], 1
    if trials.suffix == ".jsonl":
        from litreview.sources.importers import load_jsonl

        return [r for r in load_jsonl(trials) if r.kind == "trial"], [], [], 1
    return list(load_ctgov_json(trials)), [], [], 1
