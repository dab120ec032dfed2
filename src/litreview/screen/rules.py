"""Screening criteria as data: rules read from ``review.toml`` and applied to records.

A rule has an id, an outcome (include | exclude | maybe), a reason, the stages it applies to
(title_abstract, full_text) and conditions that are all required: a ``query`` in litreview's query
language (evaluated with :mod:`litreview.query.evaluate`, so field tags choose title, abstract,
keywords, MeSH, publication type...), ``negate`` (fire when the query does *not* match),
``kinds`` (citation, trial), ``record_types``, ``years`` ([min, max]) and ``languages``.

Decision for one record at one stage: the first matching exclude rule (in file order) excludes;
otherwise the first matching include rule includes; otherwise the first matching maybe rule, or
"maybe" with no rule — a human decides. Rules must generalise: a query that names a PMID, an
NCT id or a DOI is refused, because a rule about one record is a decision in disguise.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from litreview.errors import QueryError, ScreeningRuleError
from litreview.query.ast import Term, walk
from litreview.query.evaluate import CompiledQuery, SearchableRecord, compile_query
from litreview.query.parser import parse
from litreview.records import STAGES, Citation, Record, Stage

OUTCOMES = ("include", "exclude", "maybe")
KINDS = ("citation", "trial")
_SPECIFIC_RECORD = re.compile(r"^(?:\d{6,9}|nct\d{8}|10\.\d{4,9}/\S+)$", re.IGNORECASE)
_KEYS = {
    "id",
    "outcome",
    "reason",
    "query",
    "negate",
    "stages",
    "kinds",
    "record_types",
    "years",
    "languages",
}


@dataclass(frozen=True)
class Rule:
    id: str
    outcome: str
    reason: str
    query: CompiledQuery | None = None
    query_text: str = ""
    negate: bool = False
    stages: tuple[str, ...] = (Stage.TITLE_ABSTRACT,)
    kinds: tuple[str, ...] = KINDS
    record_types: tuple[str, ...] = ()
    years: tuple[int, int] | None = None
    languages: tuple[str, ...] = ()

    def matches(self, record: Record, view: SearchableRecord | None = None) -> bool:
        if record.kind not in self.kinds:
            return False
        if self.record_types and getattr(record, "record_type", "registry-record") not in self.record_types:
            return False
        year = record.year
        if self.years and (year is None or not self.years[0] <= year <= self.years[1]):
            return False
        if self.languages and isinstance(record, Citation) and record.language.lower() not in self.languages:
            return False
        if self.query is None:
            return True
        found = self.query.match(view or SearchableRecord(record))
        return found != self.negate


@dataclass(frozen=True)
class Verdict:
    decision: str
    rule_id: str
    reason: str


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]

    def decide(self, record: Record, stage: str = Stage.TITLE_ABSTRACT) -> Verdict:
        view = SearchableRecord(record)
        applicable = [r for r in self.rules if stage in r.stages]
        for outcome in ("exclude", "include", "maybe"):  # precedence
            for rule in applicable:
                if rule.outcome == outcome and rule.matches(record, view):
                    return Verdict(outcome, rule.id, rule.reason)
        return Verdict("maybe", "", "no rule decides: a reviewer screens it")

    def applies_to(self, record: Record, stage: str) -> bool:
        """Whether any rule could decide this kind of record at this stage."""
        return any(stage in r.stages and record.kind in r.kinds for r in self.rules)


@dataclass(frozen=True)
class Confirmation:
    """A reviewer's standing confirmation of an include rule's suggestions, kept in the review folder
    with its provenance (``[[screening.confirmations]]``): each run stores them as that reviewer's
    decisions on the records the rule includes that no reviewer has decided yet."""

    rule_id: str
    reviewer: str
    stages: tuple[str, ...]
    provenance: str


_CONFIRMATION_KEYS = {"rule", "reviewer", "stages", "provenance"}


def _entries(
    screening: Mapping[str, Any], name: str, what: str, keys: set[str], where: str
) -> list[tuple[str, dict[str, Any]]]:
    """``[[screening.<name>]]`` as (label for messages, table), each a table of known keys only."""
    raw = screening.get(name, [])
    if not isinstance(raw, list):
        raise ScreeningRuleError(f"{where}: [screening] {name} must be a list of [[screening.{name}]] tables")
    out = []
    for position, item in enumerate(raw, start=1):
        label = f"{where}: screening {what} {position}"
        if not isinstance(item, dict):
            raise ScreeningRuleError(f"{label} is not a table")
        unknown = set(item) - keys
        if unknown:
            raise ScreeningRuleError(f"{label}: unknown keys {sorted(unknown)} (known: {sorted(keys)})")
        out.append((label, item))
    return out


def load_confirmations(screening: Mapping[str, Any], where: str = "review.toml") -> tuple[Confirmation, ...]:
    """Validate ``[[screening.confirmations]]``: each names an include rule, a reviewer and its provenance."""
    entries = _entries(screening, "confirmations", "confirmation", _CONFIRMATION_KEYS, where)
    rules = {r.id: r for r in load_rules(screening, where).rules}
    out = []
    for label, item in entries:
        rule = rules.get(str(item.get("rule", "")))
        if rule is None or rule.outcome != "include":
            raise ScreeningRuleError(
                f"{label}: rule must name an include rule of this protocol, not {item.get('rule')!r}"
            )
        reviewer, provenance = item.get("reviewer"), item.get("provenance")
        if not isinstance(reviewer, str) or not reviewer.strip():
            raise ScreeningRuleError(f"{label}: reviewer must name who confirms (a string)")
        if not isinstance(provenance, str) or not provenance.strip():
            raise ScreeningRuleError(
                f"{label}: provenance must say where the confirmation comes from (a string)"
            )
        stages = _names(item.get("stages", list(rule.stages)), STAGES, label, "stages")
        out.append(Confirmation(rule.id, reviewer.strip(), stages, provenance.strip()))
    return tuple(out)


@dataclass(frozen=True)
class DecisionFile:
    """Reviewers' decisions kept in the review folder (``[[screening.decision_files]]``): any file
    ``screen import`` reads, stored as human decisions by every run, with where they come from."""

    file: str  # relative to the review folder
    reviewer: str  # for rows whose reviewer column is empty
    provenance: str


_DECISION_FILE_KEYS = {"file", "reviewer", "provenance"}
_SCREENING_KEYS = {"rules", "confirmations", "decision_files", "reviewers_per_record", "unblind"}
MAX_REVIEWERS = 10


def load_reviewers_per_record(screening: Mapping[str, Any], where: str = "review.toml") -> dict[str, int]:
    """``[screening] reviewers_per_record``: how many independent human votes must agree before a
    decision is final, for every stage (an integer) or per stage (a table); 1 when not given."""
    raw = screening.get("reviewers_per_record", 1)
    label = f"{where}: [screening] reviewers_per_record"
    table = raw if isinstance(raw, dict) else dict.fromkeys(STAGES, raw)
    unknown = set(table) - set(STAGES)
    if unknown:
        raise ScreeningRuleError(f"{label}: unknown stage(s) {sorted(unknown)} (use {', '.join(STAGES)})")
    out: dict[str, int] = {}
    for stage in STAGES:
        value = table.get(stage, 1)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_REVIEWERS:
            raise ScreeningRuleError(
                f"{label}: {stage}: expected a whole number from 1 to {MAX_REVIEWERS}, got {value!r}"
            )
        out[stage] = value
    return out


def load_unblind(screening: Mapping[str, Any], where: str = "review.toml") -> tuple[str, ...]:
    """``[screening] unblind``: the stages whose votes reviewers may see once the stage is finished
    (nothing awaiting or in conflict); every run logs it in the search log."""
    raw = screening.get("unblind", [])
    if raw == []:
        return ()
    return _names(raw, STAGES, f"{where}: [screening]", "unblind")


def load_decision_files(screening: Mapping[str, Any], where: str = "review.toml") -> tuple[DecisionFile, ...]:
    out = []
    for label, item in _entries(screening, "decision_files", "decision file", _DECISION_FILE_KEYS, where):
        for key in sorted(_DECISION_FILE_KEYS):
            if not isinstance(item.get(key), str) or not item[key].strip():
                raise ScreeningRuleError(f"{label}: {key} must be a non-empty string")
        out.append(DecisionFile(item["file"].strip(), item["reviewer"].strip(), item["provenance"].strip()))
    return tuple(out)


def load_rules(screening: Mapping[str, Any], where: str = "review.toml") -> RuleSet:
    """Validate ``[screening]`` (``[[screening.rules]]``) into a RuleSet; errors name the rule."""
    unknown = set(screening) - _SCREENING_KEYS
    if unknown:
        raise ScreeningRuleError(
            f"{where}: [screening] has unknown keys {sorted(unknown)} (known: {', '.join(sorted(_SCREENING_KEYS))})"
        )
    seen: set[str] = set()
    rules = []
    for label, item in _entries(screening, "rules", "rule", _KEYS, where):
        rule = _rule(item, label, where)
        if rule.id in seen:
            raise ScreeningRuleError(f"{where}: screening rule id {rule.id!r} is used twice")
        seen.add(rule.id)
        rules.append(rule)
    return RuleSet(tuple(rules))


def _rule(item: dict[str, Any], label: str, where: str) -> Rule:
    rule_id = str(item.get("id", "")).strip()
    if not rule_id:
        raise ScreeningRuleError(f"{label} has no id")
    label = f"{where}: screening rule {rule_id!r}"
    outcome = item.get("outcome")
    if outcome not in OUTCOMES:
        raise ScreeningRuleError(f"{label}: outcome must be one of {', '.join(OUTCOMES)}, not {outcome!r}")
    reason = str(item.get("reason", "")).strip()
    if not reason:
        raise ScreeningRuleError(f"{label} has no reason (every decision must carry one)")
    stages = _names(item.get("stages", [Stage.TITLE_ABSTRACT]), STAGES, label, "stages")
    kinds = _names(item.get("kinds", list(KINDS)), KINDS, label, "kinds")
    query, text = None, str(item.get("query", "")).strip()
    if text:
        try:
            tree = parse(text)
        except QueryError as exc:
            raise ScreeningRuleError(f"{label}: query: {exc}") from exc
        for node in walk(tree):
            if isinstance(node, Term) and _SPECIFIC_RECORD.match(node.text.strip()):
                raise ScreeningRuleError(
                    f"{label} names a specific record ({node.text!r}): rules must generalise; record a "
                    "human decision for one record instead"
                )
        query = compile_query(tree)
    years = item.get("years")
    if years is not None and not (
        isinstance(years, list) and len(years) == 2 and all(isinstance(y, int) for y in years)
    ):
        raise ScreeningRuleError(f"{label}: years must be [first, last]")
    if item.get("negate") and query is None:
        raise ScreeningRuleError(f"{label}: negate needs a query")
    return Rule(
        id=rule_id,
        outcome=outcome,
        reason=reason,
        query=query,
        query_text=text,
        negate=bool(item.get("negate", False)),
        stages=stages,
        kinds=kinds,
        record_types=tuple(str(t) for t in item.get("record_types", [])),
        years=(years[0], years[1]) if years else None,
        languages=tuple(str(x).lower() for x in item.get("languages", [])),
    )


def _names(value: Any, allowed: Iterable[str], label: str, key: str) -> tuple[str, ...]:
    allowed = tuple(allowed)
    values = [value] if isinstance(value, str) else list(value) if isinstance(value, list) else None
    if not values or any(v not in allowed for v in values):
        raise ScreeningRuleError(f"{label}: {key} must be a list drawn from {', '.join(allowed)}")
    return tuple(values)
