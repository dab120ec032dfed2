"""Store a run and render its outputs as one unit: records, links and decisions in one transaction,
outputs staged and published only once it has committed (Prefect wraps these in
:mod:`litreview.pipeline.tasks`; nothing here imports Prefect)."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litreview.config import Protocol, inside_folder
from litreview.dedup.prepare import MAYBE_DUPLICATE
from litreview.dedup.relink import LINK_COLUMNS, link_table, relink
from litreview.dedup.representative import DUPLICATE
from litreview.errors import ConfigError
from litreview.extract.forms import EXTRACTION_META, Saved, extraction_settings
from litreview.extract.spec import load_spec
from litreview.extract.tables import TabledRecords, build_tables, read_overrides, write_tables
from litreview.files import (
    atomic_write_bytes,
    refuse_symlink,
    sha256_bytes,
    write_csv,
    write_json,
)
from litreview.pipeline.collect import SourceBatch, clear_checkpoint, relative_path
from litreview.pipeline.fulltexts import retrieval
from litreview.pipeline.manifest import build_manifest
from litreview.pipeline.screening import (
    SCREENING_COLUMNS,
    DecisionFiles,
    RuleScreening,
    full_text_entrants,
    published_lists,
    screen_records,
    screening_evidence,
    screening_rows,
)
from litreview.pipeline.update_plan import UpdatePlan
from litreview.records import Decision, Record, Stage, content_hash
from litreview.report.changes import change_markdown, change_report
from litreview.report.diagram import write_diagram
from litreview.report.prisma import count_flow
from litreview.report.prisma2020_csv import write_prisma2020_csv
from litreview.report.prisma_s import search_log, search_log_markdown
from litreview.report.record_list import write_records_csv
from litreview.screen.commands import protocol_policy
from litreview.screen.decisions import (
    Effective,
    Policy,
    agreement_report,
    passed,
)
from litreview.store.workspace import StoreStats, Workspace


@dataclass
class RunResult:
    """What a finished run produced, for the CLI summary."""

    run_id: str
    workspace: Path
    counts: dict[str, int]
    prisma: dict[str, Any]
    outputs: dict[str, str]
    stored: dict[str, dict[str, int]]
    maybe_duplicates: int = 0


def store_and_report(protocol: Protocol, location: str, folder: str, run_id: str, batches: list[SourceBatch], *,
                     mode: str, started: str, flow_run_id: str | None, update: UpdatePlan | None = None) -> RunResult:  # fmt: skip
    """Under the workspace lock: store, link, screen and render (see :func:`store_and_render`), then
    forget the finished fetch checkpoints. ``location``: the workspace's database (a folder or a
    PostgreSQL URL); ``folder``: where run folders and outputs go."""
    workspace = Workspace.at(location, Path(folder), protocol.review_id)
    try:
        if workspace.url is not None:
            workspace.open()  # on PostgreSQL the lock belongs to the connection
            workspace.lock()
        else:
            workspace.lock()  # the file lock first: nothing opens the database while a run holds it
            workspace.open()
        result = store_and_render(workspace, protocol, run_id, batches, mode=mode, flow_run_id=flow_run_id,
                                  started=started, update=update)  # fmt: skip
        clear_checkpoint(Path(folder))
        return result
    finally:
        workspace.close()


def store(
    workspace: Workspace, run_id: str, batches: list[SourceBatch], protocol: Protocol
) -> dict[str, dict[str, int]]:
    """Store every batch and remake the links in one transaction. Returns the counts per source."""
    stored: dict[str, dict[str, int]] = {}
    with workspace.transaction():
        existing = workspace.record_ids() - set(workspace.run_record_ids(run_id))
        workspace.start_run(run_id)
        for batch in batches:
            stats: StoreStats = workspace.store_records(run_id, batch.records, found_by=batch.name)
            stored[batch.name] = {"new": stats.new, "changed": stats.changed, "unchanged": stats.unchanged}
            for payload in batch.payloads:
                if payload and Path(payload).exists():
                    digest = sha256_bytes(Path(payload).read_bytes())
                    workspace.add_payload(run_id, batch.name, relative_path(payload, protocol.folder), digest)
        relink(workspace, run_id, preferred=existing)  # the stored records streamed, not held
    return stored


@dataclass
class UpdateContext:
    """What an update knew before it stored anything: the last run, the windows, the old records."""

    since_run: str
    windows: dict[str, Any]
    existing: set[str]
    before: dict[str, Record]


def store_and_render(
    workspace: Workspace,
    protocol: Protocol,
    run_id: str,
    batches: list[SourceBatch],
    *,
    mode: str,
    flow_run_id: str | None,
    started: str,
    update: UpdatePlan | None = None,
) -> RunResult:
    """Store, link, screen and render as one unit: the database changes in one transaction and the
    outputs are written to a staging folder, published only once that transaction has committed.
    Any failure leaves the workspace and its outputs exactly as they were, and the run marked failed."""
    staging = workspace.root / ".staging" / run_id
    shutil.rmtree(staging, ignore_errors=True)
    try:
        with workspace.transaction():
            context = None
            if update is not None:
                incoming = {r.record_id for b in batches for r in b.records}
                existing = workspace.record_ids() - set(workspace.run_record_ids(run_id))
                before = {r.record_id: r for r in workspace.records(sorted(incoming & existing))}
                context = UpdateContext(update.since_run, update.windows_dict(), existing, before)
            stored = store(workspace, run_id, batches, protocol)
            result = render(workspace, protocol, run_id, batches, mode=mode, flow_run_id=flow_run_id,
                            started=started, update=context, out=staging)  # fmt: skip
    except BaseException as exc:
        _discard(staging)
        workspace.fail_run(run_id, f"{type(exc).__name__}: {exc}")
        raise
    publish(staging, workspace.root)
    result.workspace, result.stored = workspace.root, stored
    result.outputs = {
        k: str(workspace.root / Path(v).relative_to(staging)) for k, v in result.outputs.items()
    }
    return result


def publish(staging: Path, root: Path) -> None:
    """Move every staged output into place (each by an atomic rename on the same file system)."""
    for path in sorted(p for p in staging.rglob("*") if p.is_file()):
        target = root / path.relative_to(staging)
        target.parent.mkdir(parents=True, exist_ok=True)
        refuse_symlink(target, ConfigError)
        os.replace(path, target)
    _discard(staging)


def _discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)
    with contextlib.suppress(OSError):
        staging.parent.rmdir()  # .staging/ itself, when no other run is staging


@dataclass
class Scope:
    """What a run screens and counts: everything it found, or in an update only what is new or changed."""

    identified: dict[str, list[str]]  # source -> record ids counted as identified
    to_screen: list[str]
    new_ids: set[str]
    changed: list[str]


def _scope(batches: list[SourceBatch], by_id: dict[str, Record], update: UpdateContext | None) -> Scope:
    identified = {b.name: [r.record_id for r in b.records] for b in batches}
    run_ids = sorted({i for ids in identified.values() for i in ids})
    if update is None:
        return Scope(identified, run_ids, set(), [])
    changed = [
        i for i in run_ids if i in update.before and content_hash(update.before[i]) != content_hash(by_id[i])
    ]
    new_ids = {i for i in run_ids if i not in update.existing}
    identified = {name: [i for i in ids if i in new_ids] for name, ids in identified.items()}
    return Scope(identified, sorted(new_ids | set(changed)), new_ids, changed)


def _count(protocol: Protocol, run_id: str, batches: list[SourceBatch], scope: Scope, duplicates: dict[str, tuple[str, str]],
           decided: dict[tuple[str, str], Effective], update: UpdateContext | None,
           published: list[dict[str, Any]] | None = None, retrieved: Collection[str] = (),
           not_retrieved: Collection[str] = ()) -> dict[str, Any]:  # fmt: skip
    previous = None
    if update is not None:
        previous_ids = [
            i for i in update.existing if i not in duplicates and passed(decided, i, Stage.FULL_TEXT)
        ]
        previous = {"studies": len(previous_ids), "reports": len(previous_ids)}
    prisma = count_flow(
        identified=scope.identified,
        groups={b.name: b.group for b in batches},
        duplicates={k: v[0] for k, v in duplicates.items()},
        decisions=decided,
        reported=protocol.reported if update is None else None,
        previous=previous,
        published=published or (),
        retrieved=retrieved,
        not_retrieved=not_retrieved,
    )
    return {"review_id": protocol.review_id, "run_id": run_id, **prisma}


def _write_tables(root: Path, protocol: Protocol, workspace: Workspace, tabled: TabledRecords | None,
                  decided: dict[tuple[str, str], Effective]) -> dict[str, Path]:  # fmt: skip
    """The extraction tables of the included registry trials (linked publications: the review's own
    citations), with the people's extraction; none for a review without ``[tables] extraction``
    (``tabled``: the records the run's pass kept for the tables, None without)."""
    settings = extraction_settings(protocol)
    if settings is None or tabled is None:
        return {}
    allow = bool(protocol.raw.get("review", {}).get("files_outside_folder", False))
    trials, citations = tabled.result(decided)
    spec = load_spec(Path(settings["spec"]))
    overrides = []
    if protocol.tables.get("overrides"):
        where = inside_folder(
            protocol.folder, protocol.tables["overrides"], protocol.path, "[tables] overrides", allow
        )
        overrides = read_overrides(where, {t.nct_id for t in trials})
    extracted = [Saved.stored(row) for row in workspace.extraction_values({t.record_id for t in trials})]
    tables = build_tables(trials, spec, citations, overrides, extracted, settings["extractors_per_record"])
    return {name.replace(".", "_"): path for name, path in write_tables(root, tables).items()}


def _write_changes(root: Path, run_dir: Path, run_id: str, update: UpdateContext, scope: Scope,
                   by_id: dict[str, Record], duplicates: dict[str, tuple[str, str]],
                   decided: dict[tuple[str, str], Effective], everything: list[Decision], policy: Policy) -> dict[str, Any]:  # fmt: skip
    """changes.json/md of an update, its new records ranked by a model trained on every earlier
    settled decision (as ``policy`` counts votes)."""
    # imported here: scikit-learn and SciPy take a second to import, and only an update ranks records
    from litreview.prioritise.commands import rank_records

    new_included = [
        by_id[i] for i in sorted(scope.new_ids) if i not in duplicates and passed(decided, i, Stage.FULL_TEXT)
    ]
    kept = [r for i, r in sorted(by_id.items()) if i not in duplicates]
    ranked, basis, _ = rank_records(kept, everything, Stage.TITLE_ABSTRACT, policy)
    ranks = {row["record_id"]: row for row in ranked if row["record_id"] in scope.new_ids}
    report = change_report(run_id, update.since_run, update.windows, [by_id[i] for i in sorted(scope.new_ids)],
                           [(update.before[i], by_id[i]) for i in scope.changed], new_included, ranks, basis)  # fmt: skip
    for folder in (root, run_dir):
        write_json(folder / "changes.json", report)
        atomic_write_bytes(folder / "changes.md", change_markdown(report).encode("utf-8"))
    return report


def _shown(records: Iterable[Record], takers: list[Callable[[Record], None]]) -> Iterator[Record]:
    """The records as they stream past, each shown to every taker first: one read feeds them all."""
    for record in records:
        for take in takers:
            take(record)
        yield record


def render(
    workspace: Workspace,
    protocol: Protocol,
    run_id: str,
    batches: list[SourceBatch],
    *,
    mode: str,
    flow_run_id: str | None,
    started: str,
    update: UpdateContext | None = None,
    out: Path | None = None,
) -> RunResult:
    """Screen, count and write every output and the run manifest (each atomically) into ``out``
    (default: the workspace folder), the run's own files under ``out/runs/<run id>/``.

    In an update, identification counts only records new to the workspace, only new or changed
    records are screened, and studies included before the update are the "previous" studies.

    The stored records are read from the workspace once, streaming: the record list is written as
    they are read, and each record is shown on its way to whatever else needs every record (the
    decision files' matching, the rules, the tables), so a run does not hold every record at once. Two
    exceptions: an update does, to rank its new records against all the others, and a review with
    extraction tables keeps its citations (``TabledRecords``: a trial's publications are linked by
    acronyms counted over all of them) and its registry trials.
    """
    root = out or workspace.root
    run_dir = root / "runs" / run_id
    by_id = {r.record_id: r for r in workspace.records()} if update is not None else {}
    duplicates = {link.record_id: (link.linked_to, link.rule) for link in workspace.links(DUPLICATE)}
    scope = _scope(batches, by_id, update)
    files = DecisionFiles(workspace, protocol)  # read now, matched as the records stream past
    entry = full_text_entrants(workspace, batches)
    ruled = RuleScreening(protocol, scope.to_screen, set(duplicates), entry)
    tabled = TabledRecords(duplicates) if extraction_settings(protocol) is not None else None
    outputs = {
        "records": root / "records.csv",
        "screening": root / "screening.csv",
        "prisma": root / "prisma.json",
        "prisma2020": root / "prisma2020.csv",
        "search_log": root / "search_log.md",
        "search_log_json": root / "search_log.json",
        "maybe_duplicates": root / "maybe_duplicates.csv",
        "agreement": root / "agreement.json",
        "manifest": run_dir / "manifest.json",
    }
    takers = [ruled.take] + ([files.take] if files.needs_records else []) + ([tabled.take] if tabled else [])
    stream = by_id.values() if update is not None else workspace.records()  # an update read them already
    write_records_csv(outputs["records"], _shown(stream, takers), duplicates)
    matched = files.matched()  # once, for both the decisions stored and the published lists counted
    decided, everything = screen_records(workspace, protocol, run_id, scope.to_screen, ruled, matched)
    published = published_lists(workspace, matched) if update is None else []
    retrieved, not_retrieved = retrieval(workspace)
    prisma = _count(
        protocol, run_id, batches, scope, duplicates, decided, update, published, retrieved, not_retrieved
    )
    labels = {spec.name: spec.label or spec.name for spec in protocol.sources}
    maybe_count = write_csv(outputs["maybe_duplicates"], LINK_COLUMNS, link_table(workspace, MAYBE_DUPLICATE))
    write_csv(outputs["screening"], SCREENING_COLUMNS, screening_rows(decided))
    policy = protocol_policy(protocol)
    # its conflicts and records awaiting a vote as the run counts them: a record found only by other
    # methods has no title/abstract stage, so no conflict or wait there
    agreement = agreement_report(everything, policy, counted=decided)
    write_json(outputs["agreement"], agreement)
    write_json(outputs["prisma"], prisma)
    write_prisma2020_csv(outputs["prisma2020"], prisma, labels)
    for name, path in write_diagram(root, prisma, labels).items():
        outputs[name.replace(".", "_")] = path
    outputs.update(_write_tables(root, protocol, workspace, tabled, decided))
    screening = screening_evidence(protocol, everything, agreement, workspace.meta("stopping_rule"))
    manifest = build_manifest(protocol, run_id, batches, mode=mode, started=started, flow_run_id=flow_run_id,
                         duplicates=duplicates, maybe_count=maybe_count, screening=screening, outputs=outputs, root=root)  # fmt: skip
    if update is not None:
        report = _write_changes(root, run_dir, run_id, update, scope, by_id, duplicates, decided, everything,
                                policy)  # fmt: skip
        manifest["update"] = {"since_run": update.since_run, "windows": update.windows,
                              "new_records": len(scope.new_ids), "changed_records": len(report["changed_records"])}  # fmt: skip
        outputs["changes"] = root / "changes.md"
    write_json(outputs["manifest"], manifest)
    log = search_log(manifest, protocol.raw, prisma)
    write_json(outputs["search_log_json"], log)
    atomic_write_bytes(outputs["search_log"], search_log_markdown(log).encode("utf-8"))
    with workspace.transaction():
        workspace.finish_run(run_id, manifest)
        # the decisions these outputs show: the workbench says when its downloads are older than that
        workspace.set_meta("rendered_history_mark", workspace.change_marks()[1])
        workspace.set_meta(EXTRACTION_META, extraction_settings(protocol))  # what the extraction forms read
    return RunResult(
        run_id=run_id,
        workspace=root,
        counts={b.name: len(b.records) for b in batches},
        prisma=prisma,
        outputs={k: str(v) for k, v in outputs.items()},
        stored={},
        maybe_duplicates=maybe_count,
    )
