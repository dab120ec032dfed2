"""Screening criteria as data: rules read from ``review.toml`` and applied to records.

The shape of ``[screening]`` is checked by the protocol's typed model (:mod:`litreview.config.models`);
this module builds the rules, confirmations and decision files from it and applies the rules.

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

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from litreview.config import screening_table
from litreview.config.models import KINDS, MAX_REVIEWERS, OUTCOMES, ScreeningTable
from litreview.errors import ConfigError, ScreeningRuleError
from litreview.query.evaluate import CompiledQuery, SearchableRecord, compile_query
from litreview.query.parser import parse
from litreview.records import Citation, Record, Stage

__all__ = ["KINDS", "MAX_REVIEWERS", "OUTCOMES"]  # with the rules that use them


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


@dataclass(frozen=True)
class DecisionFile:
    """Reviewers' decisions kept in the review folder (``[[screening.decision_files]]``): any file
    ``screen import`` reads, stored as human decisions by every run, with where they come from."""

    file: str  # relative to the review folder
    reviewer: str  # for rows whose reviewer column is empty
    provenance: str


def _validated(screening: Mapping[str, Any] | ScreeningTable, where: str) -> ScreeningTable:
    """``[screening]`` checked by the protocol's typed model; its error's fields say where."""
    try:
        return screening_table(screening, where)
    except ConfigError as exc:
        raise ScreeningRuleError(
            exc.problem, path=exc.path, line=exc.line, key=exc.key, rule_id=exc.rule_id
        ) from exc


def load_confirmations(
    screening: Mapping[str, Any] | ScreeningTable, where: str = "review.toml"
) -> tuple[Confirmation, ...]:
    """``[[screening.confirmations]]``: each names an include rule, a reviewer and its provenance."""
    table = _validated(screening, where)
    stages = {rule.id.strip(): rule.stages for rule in table.rules}
    return tuple(
        # only a confirmation without ``stages`` takes its rule's: an empty list is refused by the
        # model (ConfigError), never read as "the rule's stages"
        Confirmation(
            c.rule, c.reviewer.strip(), stages[c.rule] if c.stages is None else c.stages, c.provenance.strip()
        )
        for c in table.confirmations
    )


def load_reviewers_per_record(
    screening: Mapping[str, Any] | ScreeningTable, where: str = "review.toml"
) -> dict[str, int]:
    """``[screening] reviewers_per_record``: how many independent human votes must agree before a
    decision is final, for every stage (an integer) or per stage (a table); 1 when not given."""
    return dict(_validated(screening, where).reviewers_per_record)


def load_unblind(
    screening: Mapping[str, Any] | ScreeningTable, where: str = "review.toml"
) -> tuple[str, ...]:
    """``[screening] unblind``: the stages whose votes reviewers may see once the stage is finished
    (nothing awaiting or in conflict); every run logs it in the search log."""
    return _validated(screening, where).unblind


def load_decision_files(
    screening: Mapping[str, Any] | ScreeningTable, where: str = "review.toml"
) -> tuple[DecisionFile, ...]:
    return tuple(
        DecisionFile(f.file.strip(), f.reviewer.strip(), f.provenance.strip())
        for f in _validated(screening, where).decision_files
    )


def load_rules(screening: Mapping[str, Any] | ScreeningTable, where: str = "review.toml") -> RuleSet:
    """``[[screening.rules]]`` as a RuleSet, compiled from the validated protocol; errors name the rule."""
    rules = []
    for entry in _validated(screening, where).rules:
        text = entry.query.strip()
        rules.append(
            Rule(
                id=entry.id.strip(),
                outcome=entry.outcome,
                reason=entry.reason.strip(),
                query=compile_query(parse(text)) if text else None,
                query_text=text,
                negate=entry.negate,
                stages=entry.stages,
                kinds=entry.kinds,
                record_types=tuple(entry.record_types),
                years=(entry.years[0], entry.years[1]) if entry.years else None,
                languages=tuple(x.lower() for x in entry.languages),
            )
        )
    return RuleSet(tuple(rules))
