"""What the ``litreview screen`` commands do, as plain functions over a workspace and files."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from litreview.config import Protocol, load_protocol
from litreview.errors import ConfigError, ScreeningRuleError
from litreview.files import refuse_overwriting, write_csv, write_json
from litreview.records import STAGES, Decision, Record, Stage
from litreview.screen.decisions import (
    CONSENSUS,
    Effective,
    Policy,
    SheetRow,
    agreement_report,
    check_decisions,
    confirm_suggestions,
    effective,
    suggestions,
    validate_rows,
)
from litreview.screen.entry import at_full_text, full_text_entry
from litreview.screen.foreign import ForeignRow, Unmatched, as_sheet_rows
from litreview.screen.rules import (
    load_confirmations,
    load_decision_files,
    load_reviewers_per_record,
    load_rules,
    load_unblind,
)
from litreview.screen.sheets import read_decision_file, sheet_rows, write_asreview_csv, write_ris, write_sheet
from litreview.sources.importers import detect_format, load_records, source_name
from litreview.store.workspace import Workspace

APPLY_COLUMNS = ("record_id", "title", "decision", "rule_id", "reason")
POLICY_META = "screening_policy"


def protocol_policy(protocol: Protocol) -> Policy:
    """How the protocol's decisions count: votes per stage, and the decision sets its review folder
    carries as published (decision files and standing confirmations, each with its provenance)."""
    where = str(protocol.path)
    published = {f.reviewer: f.provenance for f in load_decision_files(protocol.screening, where)}
    for c in load_confirmations(protocol.screening, where):
        published.setdefault(c.reviewer, c.provenance)
    required = load_reviewers_per_record(protocol.screening, where)
    return Policy(tuple(required.items()), tuple(sorted(published.items())),
                  load_unblind(protocol.screening, where))  # fmt: skip


def policy_of(workspace: Workspace) -> Policy:
    """The policy the workspace's last run stored (one vote per stage, nothing published, before any run)."""
    return Policy.from_meta(workspace.meta(POLICY_META))


def full_text_entrants(workspace: Workspace) -> frozenset[str]:
    """The records that enter screening at full text (found only by other methods), over every
    finished run: :func:`~litreview.screen.entry.full_text_entry` of what each source found."""
    return full_text_entry(*workspace.identified())


def screening_state(
    workspace: Workspace,
) -> tuple[list[Record], dict[tuple[str, str], Effective], frozenset[str]]:
    """The records that are screened (duplicates are not), the decision that counts for each, and
    those that enter at full text (:func:`full_text_entrants`)."""
    duplicates = {link.record_id for link in workspace.links("duplicate")}
    records = [r for r in workspace.records() if r.record_id not in duplicates]
    entry = full_text_entrants(workspace)
    return records, effective(workspace.decisions(), policy_of(workspace), entry), entry


VOTES_COLUMNS = ("record_id", "title", "stage", "reviewer", "role", "decision", "reason", "decided_at",
                 "counts_as", "counted_from")  # fmt: skip


def votes_rows(decisions: Sequence[Decision], policy: Policy, titles: Mapping[str, str],
               entry: Collection[str] = frozenset()) -> list[dict[str, str]]:  # fmt: skip
    """Every human vote, one row each (reviewers, the lead's consensus, published decisions), beside
    what counts for its record and stage (``entry``: :func:`full_text_entrants`): the lead's file
    of who decided what."""
    decided = effective(decisions, policy, entry)
    out = []
    for d in sorted(decisions, key=lambda d: (d.record_id, d.stage, d.reviewer)):
        if d.origin != "human":
            continue
        role = (
            "consensus"
            if d.reviewer == CONSENSUS
            else "published"
            if d.reviewer in policy.published_names
            else "reviewer"
        )
        counted = decided.get((d.record_id, d.stage))
        out.append({"record_id": d.record_id, "title": titles.get(d.record_id, ""), "stage": d.stage,
                    "reviewer": d.reviewer, "role": role, "decision": d.decision, "reason": d.reason,
                    "decided_at": d.decided_at, "counts_as": counted.decision if counted else "",
                    "counted_from": counted.source if counted else ""})  # fmt: skip
    return out


def export_votes(workspace_dir: Path, out: Path) -> int:
    """``screen export --votes``: every reviewer's votes in one CSV (for the lead: it unblinds)."""
    with Workspace.reading(workspace_dir) as workspace:
        _refuse_workspace_files(workspace, out)
        decisions = workspace.decisions()
        policy = policy_of(workspace)
        titles = {
            r.record_id: r.title
            for r in workspace.records({d.record_id for d in decisions if d.origin == "human"})
        }
        entry = full_text_entrants(workspace)
    if out.suffix.lower() != ".csv":
        raise ConfigError(f"{out}: votes are written as CSV (.csv)")
    return write_csv(out, VOTES_COLUMNS, votes_rows(decisions, policy, titles, entry))


def stage_summary(workspace_dir: Path, stage: str) -> dict[str, int]:
    """Where a stage stands, by the one rule (:func:`decisions.decide_one`): records with no vote
    yet, awaiting another reviewer, in conflict, marked maybe, and final."""
    if stage not in STAGES:
        raise ConfigError(f"unknown stage {stage!r} (choose {', '.join(STAGES)})")
    with Workspace.reading(workspace_dir) as workspace:
        records, decided, entry = screening_state(workspace)
        records = at_stage(records, decided, entry, stage)
        needed = policy_of(workspace).needs(stage)
    counts = {"unscreened": 0, "awaiting": 0, "conflict": 0, "maybe": 0, "final": 0,
              "reviewers_per_record": needed}  # fmt: skip
    for record in records:
        e = decided.get((record.record_id, stage))
        state = "unscreened" if e is None or e.decision == "undecided" else e.decision
        counts[state if state in counts else "final"] += 1
    return counts


def to_screen(workspace: Workspace, stage: str) -> list[Record]:
    """The records screened at ``stage`` (:func:`at_stage`), as the workbench's queue, ``screen
    export``, ``screen status`` and ``screen rank`` take them."""
    return at_stage(*screening_state(workspace), stage)


def at_stage(
    records: list[Record], decided: Mapping[tuple[str, str], Effective], entry: Collection[str], stage: str
) -> list[Record]:
    """The records screened at ``stage``: at title/abstract all but those that enter at full text
    (``entry``); at full text those, and those that passed title/abstract."""
    if stage == Stage.FULL_TEXT:
        return [r for r in records if at_full_text(decided, r.record_id, entry)]
    return [r for r in records if r.record_id not in entry]


def export_decisions(
    workspace_dir: Path,
    out: Path,
    stage: str = Stage.TITLE_ABSTRACT,
    fmt: str = "auto",
    reviewer: str = "",
    order: Sequence[str] | None = None,
) -> int:
    """Write the records to screen with the rules' suggestions (sheet CSV/XLSX, RIS or ASReview CSV).

    Blind: no reviewer's decision is written, except the exporting ``reviewer``'s own earlier ones."""
    if stage not in STAGES:
        raise ConfigError(f"unknown stage {stage!r} (choose {', '.join(STAGES)})")
    with Workspace.existing(workspace_dir) as workspace:
        _refuse_workspace_files(workspace, out)
        records = to_screen(workspace, stage)
        everything = workspace.decisions()
    if order is not None:  # ranked: most likely relevant first, then anything the ranking left out
        position = {record_id: k for k, record_id in enumerate(order)}
        records = sorted(records, key=lambda r: position.get(r.record_id, len(position)))
    suggested = suggestions(everything)
    own = {
        (d.record_id, d.stage): d
        for d in everything
        if d.origin == "human" and reviewer and d.reviewer == reviewer
    }
    fmt = fmt if fmt != "auto" else {".ris": "ris"}.get(out.suffix.lower(), "sheet")
    if fmt == "ris":
        return write_ris(out, records, suggested, stage, own)
    if fmt == "asreview":
        return write_asreview_csv(out, records, suggested, stage, own)
    if fmt != "sheet":
        raise ConfigError(f"unknown export format {fmt!r} (sheet, ris, asreview)")
    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise ConfigError(f"{out}: a screening sheet is .csv or .xlsx (RIS: .ris)")
    return write_sheet(out, sheet_rows(records, suggested, stage, own))


def _refuse_workspace_files(workspace: Workspace, out: Path) -> None:
    database = [workspace.db_path.parent / (workspace.db_path.name + end) for end in ("", "-wal", "-shm")]
    if any(out.resolve() == db.resolve() for db in database):
        raise ConfigError(f"{out}: refusing to write over the workspace database")
    refuse_overwriting([out], [])


def import_decisions(
    path: Path,
    workspace_dir: Path,
    reviewer: str = "",
    accept_suggestions: bool = False,
    stage: str = Stage.TITLE_ABSTRACT,
) -> dict[str, Any]:
    """Validate a filled sheet / labelled RIS and store its human decisions in one transaction.

    Any problem (unknown id, unknown decision word, duplicate row, a full-text decision on a record
    excluded at title/abstract, a full-text exclusion without a reason from the protocol's list)
    rejects the whole file with row numbers, and nothing is stored. A decision on a duplicate counts
    for its cluster: it is stored on the cluster's representative (and said so). A file whose
    decisions all repeat the rules' suggestions is refused unless ``accept_suggestions``: it is most
    likely an export read back, not a reviewer's work. Rows exported by ASReview LAB or Rayyan (and
    RIS rows) are matched to records by id, DOI, PMID, then title, at ``stage``; rows that match no
    single study are listed in the summary and not stored.
    """
    if stage not in STAGES:
        raise ConfigError(f"unknown stage {stage!r} (choose {', '.join(STAGES)})")
    read = read_decision_file(path)
    blank = sum(1 for r in read if not r.decision.strip())
    with Workspace.existing(workspace_dir) as workspace:
        workspace.lock()
        representative = {link.record_id: link.linked_to for link in workspace.links("duplicate")}
        rows, unmatched = _own_rows(read, workspace, representative, stage, path)
        decisions = validate_rows(rows, workspace.record_ids(), str(path), default_reviewer=reviewer)
        row_of: dict[tuple[str, str], int] = {}
        for r in rows:
            row_of.setdefault((r.record_id, r.stage), r.row)
        before = workspace.decisions()
        policy = policy_of(workspace)
        check_decisions(decisions, before, row_of, representative, load_reasons(workspace), str(path), policy,
                        full_text_entrants(workspace))  # fmt: skip
        moved = [d for d in decisions if d.record_id in representative]
        decisions = [replace(d, record_id=representative.get(d.record_id, d.record_id)) for d in decisions]
        suggested = suggestions(before)
        if (
            decisions
            and not accept_suggestions
            and len(decisions) >= SUGGESTION_ECHO_MIN
            and all(
                (s := suggested.get((d.record_id, d.stage))) is not None and s.decision == d.decision
                for d in decisions
            )
        ):
            raise ScreeningRuleError(
                f"{path}: every one of its {len(decisions)} decisions repeats the rules' suggestion: an export "
                "read back is no reviewer's work; nothing imported (pass --accept-suggestions if a reviewer "
                "really made each of these decisions)"
            )
        batch = f"import:{path.name}:{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}"
        with workspace.transaction():
            stored = workspace.add_human_decisions(batch, decisions)
            everything = workspace.decisions()
            report = agreement_report(everything, policy)
            write_json(workspace.root / AGREEMENT_FILE, report)
    return {
        "file": str(path),
        "agreement_file": str(workspace.root / AGREEMENT_FILE),
        "stored": stored,
        "skipped_blank": blank,
        "unmatched": [{"row": u.row, "title": u.title, "why": u.why} for u in unmatched],
        "applied_to_cluster": [
            {"record_id": d.record_id, "representative": representative[d.record_id]} for d in moved
        ],
        **report,
    }


def _own_rows(
    read: list[SheetRow | ForeignRow],
    workspace: Workspace,
    representative: dict[str, str],
    stage: str,
    path: Path,
) -> tuple[list[SheetRow], list[Unmatched]]:
    """Sheet rows as they are; other tools' rows matched to this workspace's studies, refused when
    none of them matches."""
    rows, unmatched, asked = as_sheet_rows(read, workspace.records, representative, stage)
    if asked and len(unmatched) == asked:
        shown = "; ".join(f"row {u.row}: {u.why}" for u in unmatched[:5])
        raise ScreeningRuleError(
            f"{path}: none of its {asked} decisions matches a record of this workspace by id, DOI, "
            f"PMID or title ({shown}); nothing imported"
        )
    return rows, unmatched


SUGGESTION_ECHO_MIN = 5  # fewer decisions than this may agree with every suggestion by chance
AGREEMENT_FILE = "agreement.json"


def confirm_rule(
    workspace_dir: Path, rule_id: str, reviewer: str, stage: str = Stage.TITLE_ABSTRACT
) -> dict[str, int]:
    """Store a reviewer's bulk confirmation of one include rule's suggestions (logged like any
    import, with the rule named on each decision; PRISMA-S reports it)."""
    if stage not in STAGES:
        raise ConfigError(f"unknown stage {stage!r} (choose {', '.join(STAGES)})")
    if not reviewer.strip():
        raise ConfigError("a confirmation needs the reviewer's name (--reviewer)")
    with Workspace.existing(workspace_dir) as workspace:
        workspace.lock()
        everything = workspace.decisions()
        ruled = [d for d in everything if d.origin == "auto" and d.rule_id == rule_id and d.stage == stage]
        if not ruled:
            raise ConfigError(
                f"{workspace.db_path}: rule {rule_id!r} decided nothing at {stage} in this workspace"
            )
        if not any(d.decision == "include" for d in ruled):
            raise ConfigError(f"rule {rule_id!r} is not an include rule: there is nothing to confirm")
        new = confirm_suggestions(everything, everything, rule_id, reviewer.strip(), stage,
                                  policy=policy_of(workspace))  # fmt: skip
        batch = f"confirm:{rule_id}:{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}"
        with workspace.transaction():
            workspace.add_human_decisions(batch, new)
    return {"confirmed": len(new), "skipped": sum(1 for d in ruled if d.decision == "include") - len(new)}


def load_reasons(workspace: Workspace) -> list[str]:
    """The protocol's exclusion reasons, as the last run stored them (empty: any reason is accepted)."""
    return list(workspace.meta("exclusion_reasons") or [])


def apply_rules(
    records_file: Path, protocol_path: Path, out: Path, stage: str = Stage.TITLE_ABSTRACT
) -> dict[str, int]:
    """Apply a protocol's screening rules to any importable file; write record_id,title,decision,rule_id,reason."""
    protocol = load_protocol(protocol_path)
    rules = load_rules(protocol.screening, where=str(protocol.path))
    refuse_overwriting([out], [records_file, protocol_path])
    fmt = detect_format(records_file)
    source = source_name(fmt, records_file)
    counts: dict[str, int] = {}
    rows = []
    for record in load_records(records_file, fmt, source=source):
        verdict = rules.decide(record, stage)
        counts[verdict.decision] = counts.get(verdict.decision, 0) + 1
        rows.append({"record_id": record.record_id, "title": record.title, "decision": verdict.decision,
                     "rule_id": verdict.rule_id, "reason": verdict.reason})  # fmt: skip
    write_csv(out, APPLY_COLUMNS, rows)
    return counts
