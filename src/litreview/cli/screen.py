"""`screen ...`: decisions, agreement, ranking and stopping."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from litreview.cli.app import (
    RecordsArgument,
    WorkspaceOption,
    app,
)
from litreview.records import Stage

screen_app = typer.Typer(no_args_is_help=True, help="Screen records: rules, human decisions, agreement.")
app.add_typer(screen_app, name="screen")


@screen_app.command("export")
def screen_export(
    workspace: WorkspaceOption,
    out: Annotated[
        Path,
        typer.Option("--out", help="sheet.csv, sheet.xlsx, records.ris, or a CSV with --format asreview."),
    ],
    stage: Annotated[str, typer.Option(help="title_abstract | full_text")] = Stage.TITLE_ABSTRACT,
    fmt: Annotated[
        str, typer.Option("--format", help="auto (by extension) | sheet | ris | asreview")
    ] = "auto",
    reviewer: Annotated[
        str, typer.Option(help="Pre-fill this reviewer's own earlier decisions (never anyone else's).")
    ] = "",
    order: Annotated[
        str, typer.Option(help="file (as stored) | rank (most likely relevant first, see `screen rank`)")
    ] = "file",
    votes: Annotated[
        bool,
        typer.Option(
            "--votes", help="Lead: every reviewer's votes in one CSV, beside what counts (unblinds)."
        ),
    ] = False,
) -> None:
    """One row per record to screen, with the rules' suggestion and empty decision/reason/reviewer (blind)."""
    from litreview.screen.commands import export_decisions, export_votes

    if votes:
        count = export_votes(workspace, out)
        print(f"{count} votes written to {out}", file=sys.stderr)
        return

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
    ] = Stage.TITLE_ABSTRACT,
) -> None:
    """Store human decisions (they override the rules and survive reruns); report conflicts and kappa."""
    from litreview.screen.commands import import_decisions

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
    print(f"agreement written to {summary['agreement_file']}")
    print("run `litreview run` to redraw the PRISMA diagram with these decisions")


@screen_app.command("confirm")
def screen_confirm(
    workspace: WorkspaceOption,
    rule: Annotated[
        str, typer.Option("--rule", help="The id of an include rule whose suggestions you confirm.")
    ],
    reviewer: Annotated[str, typer.Option(help="Who confirms (stored as that reviewer's decisions).")],
    stage: Annotated[str, typer.Option(help="title_abstract | full_text")] = Stage.TITLE_ABSTRACT,
) -> None:
    """Confirm a rule's inclusions in bulk as a reviewer's decisions (logged; reported in PRISMA-S)."""
    from litreview.screen.commands import confirm_rule

    done = confirm_rule(workspace, rule, reviewer, stage)
    print(f"{done['confirmed']} suggestions of rule {rule} ({stage}) confirmed by {reviewer}; "
          f"{done['skipped']} left alone (a reviewer had decided them)")  # fmt: skip


@screen_app.command("rank")
def screen_rank(
    workspace: WorkspaceOption,
    stage: Annotated[str, typer.Option(help="title_abstract | full_text")] = Stage.TITLE_ABSTRACT,
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
    stage: Annotated[str, typer.Option(help="title_abstract | full_text")] = Stage.TITLE_ABSTRACT,
    recall: Annotated[float, typer.Option(help="Target recall of the stopping rule.")] = 0.95,
    confidence: Annotated[float, typer.Option(help="Confidence of the stopping rule.")] = 0.95,
    record: Annotated[
        bool,
        typer.Option("--record", help="Keep the outcome in the workspace for the search log (PRISMA-S)."),
    ] = False,
) -> None:
    """Whether the stopping rule (hypergeometric test, Callaghan & Müller-Hansen 2020) says screening may stop."""
    from litreview.prioritise.commands import workspace_status
    from litreview.prioritise.estimate import estimate_sentence
    from litreview.prioritise.stopping import more_needed
    from litreview.screen.commands import stage_summary

    status = workspace_status(workspace, stage, recall, confidence, record)
    where = stage_summary(workspace, stage)
    print(f"{status.screened} of {status.total} records screened ({stage}), {status.relevant_seen} relevant")
    print(f"awaiting a second reviewer: {where['awaiting']} ({where['reviewers_per_record']} independent "
          f"vote(s) needed); in conflict: {where['conflict']}; no vote yet: {where['unscreened']}")  # fmt: skip
    print(status.sentence())
    if not status.reached and status.relevant_seen:
        extra = more_needed(list(status.labels), status.total, recall, confidence)
        if extra is not None:
            print(f"about {extra} more irrelevant records in ranked order would let it stop")
    print(estimate_sentence(list(status.labels), status.total, recall, confidence))
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
    confidence: Annotated[float, typer.Option(help="Confidence of the stopping rule.")] = 0.95,
) -> None:
    """Replay a labelled review with the ranking: WSS@95, recall@10%, ATD, loss, where the stopping rule fires."""
    from litreview.prioritise.commands import simulate_file

    result = simulate_file(
        labelled, out, label_column, prior_included, prior_excluded, seeds, recall, confidence
    )
    mean = result["mean"]
    print(f"{labelled}: {result['records']} records, {result['relevant']} relevant, {seeds} seeds")
    print(f"WSS@95 {mean['wss95']:.3f}  recall@10% {mean['recall10']:.3f}  ATD {mean['atd']:.3f}  "
          f"loss {mean['loss']:.3f}  stop at {mean['stop_screened']:.1%} screened, recall {mean['stop_recall']:.3f} "
          f"({mean['stop_bound_share']:.0%} of the cut a perfect ranking allows); estimate (no guarantee) at "
          f"{mean['estimate_screened']:.1%}, recall {mean['estimate_recall']:.3f}")  # fmt: skip
    print(f"-> {out / 'metrics.json'}, {out / 'recall.png'}, {out / 'recall.svg'}")


@screen_app.command("apply")
def screen_apply(
    records: RecordsArgument,
    protocol: Annotated[Path, typer.Option("--protocol", help="review.toml holding [[screening.rules]].")],
    out: Annotated[
        Path, typer.Option("--out", help="decisions.csv (record_id,title,decision,rule_id,reason).")
    ],
    stage: Annotated[str, typer.Option(help="title_abstract | full_text")] = Stage.TITLE_ABSTRACT,
) -> None:
    """Apply a protocol's screening rules to any importable file."""
    from litreview.screen.commands import apply_rules

    counts = apply_rules(records, protocol, out, stage)
    print(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) + f" -> {out}", file=sys.stderr)
