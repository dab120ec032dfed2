"""Screen a run's records: the protocol's rules, its standing confirmations and the review folder's
decision files, stored beside the reviewers' decisions; and what the search log says of screening."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litreview.config import Protocol, inside_folder
from litreview.errors import ConfigError
from litreview.pipeline.collect import SourceBatch
from litreview.records import STAGES, Decision, Record, Stage
from litreview.screen.commands import POLICY_META, protocol_policy
from litreview.screen.decisions import (
    WORDS,
    Effective,
    SheetRow,
    confirm_suggestions,
    effective,
    validate_rows,
)
from litreview.screen.entry import at_full_text, full_text_entry
from litreview.screen.foreign import ForeignRow, SheetMatcher, Unmatched
from litreview.screen.rules import DecisionFile, load_confirmations, load_decision_files, load_rules
from litreview.screen.sheets import read_decision_file
from litreview.store.workspace import Workspace


class RuleScreening:
    """The protocol's rules on a run's records to screen (duplicates are not screened), applied at
    title/abstract to the records shown one at a time (:meth:`take`): the stored records stream past
    once, in a pass that feeds the run's other outputs too, and are never all held. The records of
    ``entry`` (found only by other methods: :func:`full_text_entrants`) have no title/abstract stage."""

    def __init__(
        self,
        protocol: Protocol,
        record_ids: list[str],
        duplicates: set[str],
        entry: frozenset[str] = frozenset(),
    ) -> None:
        self.rules = load_rules(protocol.screening, where=str(protocol.path))
        self.standing = load_confirmations(protocol.screening, where=str(protocol.path))
        self.entry = entry
        self.candidates = [i for i in record_ids if i not in duplicates]
        self._wanted = set(self.candidates)
        self._decided: dict[str, Decision] = {}
        self._full_text: set[str] = set()  # candidates a rule could decide at full text

    def take(self, record: Record) -> None:
        if record.record_id not in self._wanted:
            return
        if record.record_id not in self.entry:
            verdict = self.rules.decide(record, Stage.TITLE_ABSTRACT)
            self._decided[record.record_id] = Decision(
                record.record_id,
                Stage.TITLE_ABSTRACT,
                verdict.decision,
                verdict.reason,
                rule_id=verdict.rule_id,
            )
        if self.rules.applies_to(record, Stage.FULL_TEXT):
            self._full_text.add(record.record_id)

    def title_abstract(self) -> list[Decision]:
        """The rules' title/abstract decisions on the records shown, in the order of ``record_ids``."""
        return [self._decided[i] for i in self.candidates if i in self._decided]

    def full_text_candidates(self, decided: dict[tuple[str, str], Effective]) -> list[str]:
        """The records a rule could decide at full text that are screened there, in order."""
        return [i for i in self.candidates if i in self._full_text and at_full_text(decided, i, self.entry)]


def screen_records(
    workspace: Workspace,
    protocol: Protocol,
    run_id: str,
    record_ids: list[str],
    ruled: RuleScreening,
    files: list[MatchedFile],
) -> tuple[dict[tuple[str, str], Effective], list[Decision]]:
    """Store the rules' decisions on these records of this run (``ruled``, shown every record),
    the standing confirmations and the review folder's decision ``files`` (:class:`DecisionFiles`)
    not stored yet. Returns the effective decision of every record and stage, human decisions
    first, and every decision stored. The records a rule could decide at full text that are
    screened there are read again for it."""
    standing, entry = ruled.standing, ruled.entry
    auto = ruled.title_abstract()
    humans = [d for d in workspace.decisions() if d.origin == "human"]
    confirmed = _confirm(standing, Stage.TITLE_ABSTRACT, auto, humans)
    policy = protocol_policy(protocol)
    after_ta = effective(auto + humans + confirmed, policy, entry)
    # the registry record is its own full text: rules may decide there too
    for record in workspace.records(ruled.full_text_candidates(after_ta)):
        verdict = ruled.rules.decide(record, Stage.FULL_TEXT)
        if verdict.rule_id:
            auto.append(Decision(record.record_id, Stage.FULL_TEXT, verdict.decision, verdict.reason,
                                 rule_id=verdict.rule_id))  # fmt: skip
    confirmed += _confirm(standing, Stage.FULL_TEXT, auto, humans + confirmed)
    kept = _kept_decisions(workspace, protocol, humans, files)
    with workspace.transaction():
        if kept:
            workspace.add_human_decisions(f"review-folder:{run_id}", kept)
        workspace.replace_auto_decisions(run_id, auto, record_ids)
        if confirmed:
            workspace.add_human_decisions(f"confirm:{run_id}", confirmed)
        workspace.set_meta("exclusion_reasons", [str(x) for x in protocol.criteria.get("exclude", [])])
        workspace.set_meta(POLICY_META, policy.as_meta())
    everything = workspace.decisions()
    return effective(everything, policy, entry), everything


def full_text_entrants(workspace: Workspace, batches: Iterable[SourceBatch]) -> frozenset[str]:
    """The records that enter at full text (found only by other methods) over every finished run
    and this run's ``batches``: what the workbench and the ``screen`` commands will read once the
    run has finished (:func:`litreview.screen.commands.full_text_entrants`)."""
    identified, groups = workspace.identified()
    found = {source: set(ids) for source, ids in identified.items()}
    for batch in batches:
        found.setdefault(batch.name, set()).update(r.record_id for r in batch.records)
        groups[batch.name] = batch.group
    return full_text_entry(found, groups)


@dataclass(frozen=True)
class MatchedFile:
    """One of the review folder's decision files, read and matched to the workspace's studies: once a
    run, for both its decisions (stored) and its published list (counted by PRISMA)."""

    kept: DecisionFile
    path: Path
    read: list[SheetRow | ForeignRow]
    rows: list[SheetRow]  # the rows naming a study: litreview's own as they are, others' matched
    unmatched: list[Unmatched]


class DecisionFiles:
    """The review folder's decision files (a path leading out of the folder is refused), read at
    once and matched like ``screen import`` by id, DOI, PMID or title to the records shown one at a
    time (:meth:`take`); ``needs_records`` is False when no file is another tool's."""

    def __init__(self, workspace: Workspace, protocol: Protocol) -> None:
        allow = bool(protocol.raw.get("review", {}).get("files_outside_folder", False))
        files = load_decision_files(protocol.screening, where=str(protocol.path))
        representative = (
            {link.record_id: link.linked_to for link in workspace.links("duplicate")} if files else {}
        )
        self._files: list[tuple[DecisionFile, Path, list[SheetRow | ForeignRow], SheetMatcher]] = []
        for kept in files:
            path = inside_folder(
                protocol.folder, kept.file, protocol.path, "[[screening.decision_files]] file", allow
            )
            read = read_decision_file(path)
            self._files.append((kept, path, read, SheetMatcher(read, representative, Stage.TITLE_ABSTRACT)))
        self.needs_records = any(sheet.needs_records for *_, sheet in self._files)

    def take(self, record: Record) -> None:
        for *_, sheet in self._files:
            sheet.take(record)

    def matched(self) -> list[MatchedFile]:
        """Each file with its rows matched to the records shown."""
        out = []
        for kept, path, read, sheet in self._files:
            rows, unmatched, _ = sheet.result()
            out.append(MatchedFile(kept, path, read, rows, unmatched))
        return out


def _kept_decisions(
    workspace: Workspace, protocol: Protocol, humans: list[Decision], files: list[MatchedFile]
) -> list[Decision]:
    """The review folder's decision files as reviewers' decisions, those not stored yet (each file
    validated like ``screen import``: any problem stops the run before anything is stored)."""
    if not files:
        return []
    known = workspace.record_ids()
    stored = {(d.record_id, d.stage, d.reviewer, d.decision, d.reason) for d in humans}
    accounts = workspace.users()
    out = []
    for file in files:
        kept = file.kept
        if kept.reviewer in accounts:  # published decisions are a reference standard, never a team vote
            raise ConfigError(
                f"{protocol.path}: [[screening.decision_files]] {kept.file}: reviewer {kept.reviewer!r} is "
                "a workbench account; published decisions need a name of their own"
            )
        # a decision on a record this workspace does not hold (yet) waits for the record to arrive
        rows = [r for r in file.rows if r.record_id in known]
        for d in validate_rows(rows, known, str(file.path), default_reviewer=kept.reviewer):
            if (d.record_id, d.stage, d.reviewer, d.decision, d.reason) not in stored:
                out.append(d)
    return out


def published_lists(workspace: Workspace, files: list[MatchedFile]) -> list[dict[str, Any]]:
    """Each of the review folder's decision files (published decisions) as PRISMA counts them: how
    many entries it lists, the records each entry matched (by id, DOI, PMID or normalised title,
    the general matcher of `screen import`), and the entries no record answers to, named."""
    if not files:
        return []
    known = workspace.record_ids()
    representative = {link.record_id: link.linked_to for link in workspace.links("duplicate")}
    out = []
    for file in files:
        kept, unmatched = file.kept, file.unmatched
        # an entry is a row that decides something (others' blank rows were never matched)
        read = [r for r in file.read if r.decision.strip()]
        rows = [r for r in file.rows if r.decision.strip()]
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


def screening_rows(decided: dict[tuple[str, str], Effective]):
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
