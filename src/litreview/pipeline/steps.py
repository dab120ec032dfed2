"""The steps of a review run as plain functions: collect each source, store, link, render.

Prefect wraps these as tasks in :mod:`litreview.pipeline.tasks`; nothing here imports Prefect,
so the same steps run from a notebook or another orchestrator.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import platform
import shutil
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from litreview.config import Protocol, Settings, SourceSpec, inside_folder
from litreview.dedup.prepare import MAYBE_DUPLICATE
from litreview.dedup.relink import LINK_COLUMNS, link_table, relink
from litreview.dedup.representative import DUPLICATE
from litreview.errors import ConfigError
from litreview.extract.spec import load_spec
from litreview.extract.tables import build_tables, read_overrides, tabled_records, write_tables
from litreview.files import (
    atomic_write_bytes,
    file_sha256,
    refuse_symlink,
    sha256_bytes,
    write_csv,
    write_json,
)
from litreview.pipeline.query_plan import plan_query
from litreview.pipeline.update_plan import UpdatePlan, Window
from litreview.prioritise.commands import rank_records
from litreview.records import STAGES, Decision, Record, Stage, content_hash
from litreview.report.changes import change_markdown, change_report
from litreview.report.diagram import write_diagram
from litreview.report.prisma import count_flow
from litreview.report.prisma2020_csv import write_prisma2020_csv
from litreview.report.prisma_s import search_log, search_log_markdown
from litreview.report.record_list import write_records_csv
from litreview.screen.commands import POLICY_META, protocol_policy
from litreview.screen.decisions import (
    WORDS,
    Effective,
    SheetRow,
    agreement_report,
    confirm_suggestions,
    effective,
    passed,
    validate_rows,
)
from litreview.screen.foreign import ForeignRow, as_sheet_rows
from litreview.screen.rules import load_confirmations, load_decision_files, load_rules
from litreview.screen.sheets import read_decision_file
from litreview.sources import ctgov, pubmed
from litreview.sources.http import open_transport
from litreview.sources.importers import load_records
from litreview.sources.transport import Transport
from litreview.store.workspace import StoreStats, Workspace
from litreview.version import __version__

TRANSPORT_MODES = ("replay", "record", "live")


@dataclass
class SourceBatch:
    """Everything one source yielded in a run, plus the evidence the manifest records."""

    name: str
    kind: str
    group: str
    records: list[Record] = field(default_factory=list)
    payloads: list[str] = field(default_factory=list)
    evidence: dict[str, Any] = field(default_factory=dict)


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


def new_run_id(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")


def make_transport(
    protocol: Protocol,
    mode: str,
    snapshot: Path | None = None,
    *,
    workspace: Path | None = None,
    run_id: str = "",
    settings: Settings | None = None,
) -> Transport:
    """``replay`` a snapshot, ``record`` into ``snapshot``, or ``live`` (recorded into the run's folder).

    Live PubMed batches are also checkpointed in the workspace, so an interrupted fetch resumes
    without fetching finished batches again (see :func:`clear_checkpoint`).
    """
    if mode == "replay":
        return open_transport(mode, snapshot=snapshot or protocol.snapshot_dir)
    if mode not in TRANSPORT_MODES:
        raise ConfigError(f"transport {mode!r} is unknown (available: {', '.join(TRANSPORT_MODES)})")
    if mode == "record" and snapshot is None:
        raise ConfigError("--record needs a folder to write the snapshot into")
    if mode != "record" and workspace is None:
        raise ConfigError("a live run needs its workspace folder")
    target = snapshot if mode == "record" else workspace / "runs" / run_id / "snapshot"  # type: ignore[operator]
    return open_transport(mode, record_into=target, settings=settings,
                          checkpoints=checkpoint_dir(workspace) if workspace is not None else None)  # fmt: skip


def checkpoint_dir(workspace: Path) -> Path:
    return workspace / "checkpoints"


def clear_checkpoint(workspace: Path) -> None:
    """Forget finished batches once a whole run is stored: the next run fetches afresh."""
    shutil.rmtree(checkpoint_dir(workspace), ignore_errors=True)


def _relative(path: str, base: Path) -> str:
    try:
        return Path(path).resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path


def collect_source(
    protocol: Protocol,
    spec: SourceSpec,
    transport: Transport | None,
    run_id: str,
    window: Window | None = None,
) -> SourceBatch:
    """Search or read one source completely; raise before anything is stored if it fails.

    ``window`` (updates only) narrows the search to what is new since the last run.
    """
    batch = SourceBatch(name=spec.name, kind=spec.kind, group=spec.group)
    if spec.kind == "pubmed":
        assert transport is not None
        plan = plan_query(protocol, spec, "pubmed")
        term = plan.term
        mindate = window.mindate if window else spec.mindate
        maxdate = window.maxdate if window else spec.maxdate
        found = pubmed.search(
            transport, term, mindate=mindate, maxdate=maxdate, datetype=spec.datetype, run_id=run_id
        )
        batch.records.extend(found.citations)
        batch.payloads.extend(found.payloads)
        batch.evidence = {
            **plan.evidence(),
            "date_window": {"datetype": spec.datetype, "mindate": mindate, "maxdate": maxdate},
            "count": found.search.count,
            "fetched": len(found.citations),
            "requests": found.requests,
            "esearch_requests": found.esearch_requests,
            "efetch_requests": found.efetch_requests,
            "date_slices": [list(x) for x in found.slices] if len(found.slices) > 1 else None,
            "pubmed_query_translation": found.search.query_translation or None,
            "pubmed_translation_stack": list(found.search.translation_stack),
            "pubmed_warnings": list(found.search.warnings),
            "pubmed_errors": list(found.search.errors),
        }
    elif spec.kind == "ctgov":
        assert transport is not None
        text = " ".join(spec.query_text().split())
        as_of = (window.maxdate if window else spec.maxdate).replace("/", "-")
        found_trials = ctgov.search(
            transport,
            cond=text if spec.field == "cond" else "",
            term=text if spec.field != "cond" else "",
            first_posted_max=as_of,
            updated_since=window.updated_since if window else "",
            run_id=run_id,
        )
        batch.records.extend(found_trials.trials)
        batch.payloads.extend(found_trials.payloads)
        batch.evidence = {
            "query_as_written": spec.query_text(),
            "request": found_trials.params,
            "count": found_trials.total,
            "fetched": len(found_trials.trials),
            "requests": found_trials.requests,
            "as_of": as_of,
            "data_version": ctgov.data_version(transport),
        }
    else:
        assert spec.file is not None
        digest = file_sha256(spec.file)
        if not (window and window.skip):
            batch.records.extend(load_records(spec.file, spec.format, source=spec.name, run_id=run_id))
            batch.payloads.append(str(spec.file))
        batch.evidence = {
            "file": _relative(str(spec.file), protocol.folder),
            "format": spec.format,
            "sha256": digest,
            "count": len(batch.records),
        }
    if window is not None:
        batch.evidence["update_window"] = window.as_dict()
    batch.evidence.update(label=spec.label, platform=spec.platform, searched=spec.searched, group=spec.group)
    batch.records = [_portable(r, protocol.folder) for r in batch.records]
    return batch


def collect(protocol: Protocol, source_name: str, mode: str, snapshot: str | None, run_id: str,
            folder: str, window: Window | None = None) -> SourceBatch:  # fmt: skip
    """One source's records: searched through its transport (checkpointed in the workspace when live), or read from its file."""
    spec = protocol.source(source_name)
    transport = None
    if spec.kind in ("pubmed", "ctgov"):
        transport = make_transport(protocol, mode, Path(snapshot) if snapshot else None,
                                   workspace=Path(folder) if mode != "replay" else None, run_id=run_id)  # fmt: skip
    return collect_source(protocol, spec, transport, run_id, window)


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


def _portable(record: Record, base: Path) -> Record:
    # Provenance names payloads relative to the review folder, so outputs move with it.
    prov = record.provenance
    if prov is None or not prov.payload:
        return record
    relative = _relative(prov.payload, base)
    return record if relative == prov.payload else replace(record, provenance=replace(prov, payload=relative))


def store(
    workspace: Workspace, run_id: str, batches: list[SourceBatch], protocol: Protocol
) -> dict[str, dict[str, int]]:
    """Store every batch and remake the links in one transaction. Returns the counts per source."""
    stored: dict[str, dict[str, int]] = {}
    with workspace.transaction():
        existing = workspace.record_ids() - set(workspace.run_record_ids(run_id))
        workspace.start_run(run_id)
        for batch in batches:
            stats: StoreStats = workspace.store_records(run_id, batch.records)
            stored[batch.name] = {"new": stats.new, "changed": stats.changed, "unchanged": stats.unchanged}
            for payload in batch.payloads:
                if payload and Path(payload).exists():
                    digest = sha256_bytes(Path(payload).read_bytes())
                    workspace.add_payload(run_id, batch.name, _relative(payload, protocol.folder), digest)
        relink(workspace, run_id, preferred=existing)  # the stored records streamed, not held
    return stored


def record_set_hash(records: list[Record]) -> str:
    digest = hashlib.sha256()
    for line in sorted(f"{r.record_id} {content_hash(r)}" for r in records):
        digest.update(line.encode("utf-8") + b"\n")
    return digest.hexdigest()


def screen_records(
    workspace: Workspace, protocol: Protocol, run_id: str, record_ids: list[str], duplicates: set[str]
) -> dict[tuple[str, str], Effective]:
    """Apply the protocol's rules to these records of this run (duplicates are not screened) and
    return the effective decision of every record and stage, human decisions first. The records
    are read from the workspace in batches as the rules need them, never all held at once."""
    rules = load_rules(protocol.screening, where=str(protocol.path))
    standing = load_confirmations(protocol.screening, where=str(protocol.path))
    candidates = [i for i in record_ids if i not in duplicates]
    auto = []
    for record in workspace.records(candidates):
        verdict = rules.decide(record, Stage.TITLE_ABSTRACT)
        auto.append(
            Decision(
                record.record_id,
                Stage.TITLE_ABSTRACT,
                verdict.decision,
                verdict.reason,
                rule_id=verdict.rule_id,
            )
        )
    humans = [d for d in workspace.decisions() if d.origin == "human"]
    confirmed = _confirm(standing, Stage.TITLE_ABSTRACT, auto, humans)
    policy = protocol_policy(protocol)
    after_ta = effective(auto + humans + confirmed, policy)
    # the registry record is its own full text: rules may decide there too
    for record in workspace.records([i for i in candidates if passed(after_ta, i, Stage.TITLE_ABSTRACT)]):
        if rules.applies_to(record, Stage.FULL_TEXT):
            verdict = rules.decide(record, Stage.FULL_TEXT)
            if verdict.rule_id:
                auto.append(Decision(record.record_id, Stage.FULL_TEXT, verdict.decision, verdict.reason,
                                     rule_id=verdict.rule_id))  # fmt: skip
    confirmed += _confirm(standing, Stage.FULL_TEXT, auto, humans + confirmed)
    kept = _kept_decisions(workspace, protocol, humans)
    with workspace.transaction():
        if kept:
            workspace.add_human_decisions(f"review-folder:{run_id}", kept)
        workspace.replace_auto_decisions(run_id, auto, record_ids)
        if confirmed:
            workspace.add_human_decisions(f"confirm:{run_id}", confirmed)
        workspace.set_meta("exclusion_reasons", [str(x) for x in protocol.criteria.get("exclude", [])])
        workspace.set_meta(POLICY_META, policy.as_meta())
    return effective(workspace.decisions(), policy)


def _kept_decisions(workspace: Workspace, protocol: Protocol, humans: list[Decision]) -> list[Decision]:
    """The review folder's decision files as reviewers' decisions, those not stored yet (each file
    validated like ``screen import``: any problem stops the run before anything is stored)."""
    files = load_decision_files(protocol.screening, where=str(protocol.path))
    if not files:
        return []
    known = workspace.record_ids()
    representative = {link.record_id: link.linked_to for link in workspace.links("duplicate")}
    all_records = workspace.records  # read as the file is matched, and only if needed
    stored = {(d.record_id, d.stage, d.reviewer, d.decision, d.reason) for d in humans}
    out = []
    for kept in files:
        allow = bool(protocol.raw.get("review", {}).get("files_outside_folder", False))
        path = inside_folder(
            protocol.folder, kept.file, protocol.path, "[[screening.decision_files]] file", allow
        )
        # a decision on a record this workspace does not hold (yet) waits for the record to arrive
        # another tool's export is matched by id, DOI, PMID, title like `screen import`
        own = as_sheet_rows(read_decision_file(path), all_records, representative, Stage.TITLE_ABSTRACT)[0]
        rows = [r for r in own if r.record_id in known]
        for d in validate_rows(rows, known, str(path), default_reviewer=kept.reviewer):
            if (d.record_id, d.stage, d.reviewer, d.decision, d.reason) not in stored:
                out.append(d)
    return out


def published_lists(workspace: Workspace, protocol: Protocol) -> list[dict[str, Any]]:
    """Each of the review folder's decision files (published decisions) as PRISMA counts them: how
    many entries it lists, the records each entry matched (by id, DOI, PMID or normalised title,
    the general matcher of `screen import`), and the entries no record answers to, named."""
    files = load_decision_files(protocol.screening, where=str(protocol.path))
    if not files:
        return []
    known = workspace.record_ids()
    representative = {link.record_id: link.linked_to for link in workspace.links("duplicate")}
    all_records = workspace.records  # read as the file is matched, and only if needed
    allow = bool(protocol.raw.get("review", {}).get("files_outside_folder", False))
    out = []
    for kept in files:
        path = inside_folder(
            protocol.folder, kept.file, protocol.path, "[[screening.decision_files]] file", allow
        )
        read = [r for r in read_decision_file(path) if r.decision.strip()]
        rows, unmatched, _ = as_sheet_rows(read, all_records, representative, Stage.TITLE_ABSTRACT)
        # an entry: a record a sheet names (one row per stage), or a reference another tool lists
        entry = {r.row: r.record_id for r in read if isinstance(r, SheetRow)}
        names = {entry.get(r.row, r.row): r.title if isinstance(r, ForeignRow) else r.record_id for r in read}
        matched: dict[str | int, set[str]] = {}
        for r in rows:
            if r.record_id in known:
                found = representative.get(r.record_id, r.record_id)
                matched.setdefault(entry.get(r.row, r.row), set()).add(found)
        final: dict[
            str | int, tuple[int, str]
        ] = {}  # what the file decided last (full text over title/abstract)
        for x in read:
            key, depth = entry.get(x.row, x.row), STAGES.index(x.stage) if x.stage in STAGES else 0
            if depth >= final.get(key, (-1, ""))[0]:
                final[key] = (depth, WORDS.get(x.decision.strip().lower(), x.decision))
        missing = {u.row: u.why for u in unmatched}
        not_found = [{"entry": key, "title": names[key],
                      "why": missing.get(key, "no record of this workspace has its id") if isinstance(key, int)
                      else "no record of this workspace has this id"}
                     for key in names if key not in matched]  # fmt: skip
        out.append({"file": kept.file, "reviewer": kept.reviewer, "provenance": kept.provenance,
                    "entries": len(names), "matched": {str(k): sorted(v) for k, v in matched.items()},
                    "included": sorted(str(k) for k, (_, word) in final.items() if word == "include"),
                    "not_found": not_found})  # fmt: skip
    return out


def _confirm(standing, stage: str, auto: list[Decision], humans: list[Decision]) -> list[Decision]:
    """The review folder's standing confirmations as reviewers' decisions, for the rules' inclusions
    at ``stage`` that no reviewer has decided yet."""
    out: list[Decision] = []
    for c in standing:
        if stage in c.stages:
            out += confirm_suggestions(auto, humans + out, c.rule_id, c.reviewer, stage, c.provenance)
    return out


SCREENING_COLUMNS = ("record_id", "stage", "decision", "reason", "decided_by")


@dataclass
class UpdateContext:
    """What an update knew before it stored anything: the last run, the windows, the old records."""

    since_run: str
    windows: dict[str, Any]
    existing: set[str]
    before: dict[str, Record]


def _screening_rows(decided: dict[tuple[str, str], Effective]):
    for (record_id, stage), d in sorted(decided.items()):
        yield {"record_id": record_id, "stage": stage, "decision": d.decision, "reason": d.reason,
               "decided_by": d.source}  # fmt: skip


def screening_evidence(
    protocol: Protocol,
    decisions: list[Decision],
    agreement: dict[str, Any],
    stopping: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """What the search log says of screening: rules (automation), bulk confirmations of rules,
    decisions kept in the review folder, and where agreement stands."""
    confirmed = Counter(
        (d.rule_id, d.reviewer, d.stage) for d in decisions if d.origin == "human" and d.rule_id
    )
    rules = load_rules(protocol.screening, where=str(protocol.path)).rules
    pairs = [p for block in agreement["agreement"] for p in block["pairs"]]
    return {
        "rules": [{"id": r.id, "outcome": r.outcome, "reason": r.reason} for r in rules],
        "rule_exclusions": sum(1 for d in decisions if d.origin == "auto" and d.decision == "exclude"),
        "confirmations": [
            {"rule": rule, "reviewer": who, "stage": stage, "records": n}
            for (rule, who, stage), n in sorted(confirmed.items())
        ],
        "decision_files": [
            {"file": f.file, "reviewer": f.reviewer, "provenance": f.provenance}
            for f in load_decision_files(protocol.screening, where=str(protocol.path))
        ],
        "reviewers": sorted(agreement["per_reviewer"]),
        "kappa": [{"stage": block["stage"], **p} for block in agreement["agreement"] for p in block["pairs"]]
        or None,
        "conflicts": len(agreement["conflicts"]),
        "awaiting_another_reviewer": len(agreement["awaiting"]),
        "reviewers_per_record": agreement["reviewers_per_record"],
        "unblinded_stages": list(
            protocol_policy(protocol).unblinded
        ),  # logged: blinding lifted by the protocol
        "published_agreement": agreement["published_agreement"],
        "agreement_file": "agreement.json",
        "pairs_compared": len(pairs),
        "stopping_rule": stopping,  # the last `screen status --record`: method, parameters, outcome
    }


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
           published: list[dict[str, Any]] | None = None) -> dict[str, Any]:  # fmt: skip
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
    )
    return {"review_id": protocol.review_id, "run_id": run_id, **prisma}


def _write_tables(root: Path, protocol: Protocol, records: Iterable[Record], duplicates: dict[str, tuple[str, str]],
                  decided: dict[tuple[str, str], Effective]) -> dict[str, Path]:  # fmt: skip
    """The extraction tables of the included registry trials (linked publications: the review's own
    citations); none for a review without ``[tables] extraction``."""
    if not protocol.tables.get("extraction"):
        return {}
    allow = bool(protocol.raw.get("review", {}).get("files_outside_folder", False))
    trials, citations = tabled_records(records, decided, skip=duplicates)
    spec = load_spec(inside_folder(protocol.folder, protocol.tables["extraction"], protocol.path,
                                   "[tables] extraction", allow))  # fmt: skip
    overrides = []
    if protocol.tables.get("overrides"):
        where = inside_folder(
            protocol.folder, protocol.tables["overrides"], protocol.path, "[tables] overrides", allow
        )
        overrides = read_overrides(where, {t.nct_id for t in trials})
    tables = build_tables(trials, spec, citations, overrides)
    return {name.replace(".", "_"): path for name, path in write_tables(root, tables).items()}


def _manifest(protocol: Protocol, run_id: str, batches: list[SourceBatch], *, mode: str, started: str,
              flow_run_id: str | None, duplicates: dict[str, tuple[str, str]], maybe_count: int,
              screening: dict[str, Any], outputs: dict[str, Path], root: Path) -> dict[str, Any]:  # fmt: skip
    run_records = [r for b in batches for r in b.records]
    return {
        "litreview_version": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "review_id": protocol.review_id,
        "run_id": run_id,
        "started_at": started,
        "finished_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "prefect_flow_run_id": flow_run_id,
        "transport": mode,
        "snapshot": _relative(str(protocol.snapshot_dir), protocol.folder) if mode == "replay" else None,
        "protocol": {"path": _relative(str(protocol.path), protocol.folder), "sha256": protocol.sha256},
        "accepted_repairs": protocol.repairs or None,
        "sources": {b.name: b.evidence for b in batches},
        "counts": {b.name: len(b.records) for b in batches},
        "record_set_sha256": record_set_hash(run_records),
        "duplicates_linked": len(duplicates),
        "dedup_rules": dict(sorted(Counter(rule for _, rule in duplicates.values()).items())),
        "maybe_duplicates": maybe_count,
        "screening": screening,
        "outputs": {k: _relative(str(v), root) for k, v in outputs.items()},
    }


def _write_changes(root: Path, run_dir: Path, run_id: str, update: UpdateContext, scope: Scope,
                   by_id: dict[str, Record], duplicates: dict[str, tuple[str, str]],
                   decided: dict[tuple[str, str], Effective], everything: list[Decision]) -> dict[str, Any]:  # fmt: skip
    """changes.json/md of an update, its new records ranked by a model trained on every earlier decision."""
    new_included = [
        by_id[i] for i in sorted(scope.new_ids) if i not in duplicates and passed(decided, i, Stage.FULL_TEXT)
    ]
    kept = [r for i, r in sorted(by_id.items()) if i not in duplicates]
    ranked, basis, _ = rank_records(kept, everything, Stage.TITLE_ABSTRACT)
    ranks = {row["record_id"]: row for row in ranked if row["record_id"] in scope.new_ids}
    report = change_report(run_id, update.since_run, update.windows, [by_id[i] for i in sorted(scope.new_ids)],
                           [(update.before[i], by_id[i]) for i in scope.changed], new_included, ranks, basis)  # fmt: skip
    for folder in (root, run_dir):
        write_json(folder / "changes.json", report)
        atomic_write_bytes(folder / "changes.md", change_markdown(report).encode("utf-8"))
    return report


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

    The stored records are read from the workspace as each output needs them (the record list is
    written as it is read), so a run never holds every record at once; an update still does, to
    rank its new records against all the others.
    """
    root = out or workspace.root
    run_dir = root / "runs" / run_id
    by_id = {r.record_id: r for r in workspace.records()} if update is not None else {}
    duplicates = {link.record_id: (link.linked_to, link.rule) for link in workspace.links(DUPLICATE)}
    scope = _scope(batches, by_id, update)
    decided = screen_records(workspace, protocol, run_id, scope.to_screen, set(duplicates))
    published = published_lists(workspace, protocol) if update is None else []
    prisma = _count(protocol, run_id, batches, scope, duplicates, decided, update, published)
    labels = {spec.name: spec.label or spec.name for spec in protocol.sources}
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
    write_records_csv(outputs["records"], workspace.records(), duplicates)
    maybe_count = write_csv(outputs["maybe_duplicates"], LINK_COLUMNS, link_table(workspace, MAYBE_DUPLICATE))
    write_csv(outputs["screening"], SCREENING_COLUMNS, _screening_rows(decided))
    everything = workspace.decisions()
    agreement = agreement_report(everything, protocol_policy(protocol))
    write_json(outputs["agreement"], agreement)
    write_json(outputs["prisma"], prisma)
    write_prisma2020_csv(outputs["prisma2020"], prisma, labels)
    for name, path in write_diagram(root, prisma, labels).items():
        outputs[name.replace(".", "_")] = path
    outputs.update(_write_tables(root, protocol, workspace.records(), duplicates, decided))
    screening = screening_evidence(protocol, everything, agreement, workspace.meta("stopping_rule"))
    manifest = _manifest(protocol, run_id, batches, mode=mode, started=started, flow_run_id=flow_run_id,
                         duplicates=duplicates, maybe_count=maybe_count, screening=screening, outputs=outputs, root=root)  # fmt: skip
    if update is not None:
        report = _write_changes(root, run_dir, run_id, update, scope, by_id, duplicates, decided, everything)
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
    return RunResult(
        run_id=run_id,
        workspace=root,
        counts={b.name: len(b.records) for b in batches},
        prisma=prisma,
        outputs={k: str(v) for k, v in outputs.items()},
        stored={},
        maybe_duplicates=maybe_count,
    )
