"""The shape of ``review.toml`` as typed models: every table, key and value type a protocol may hold,
``[screening]`` included (rule entries with their queries parsed, confirmations, decision files,
votes per stage, unblinding), so one validation stops a bad protocol before a run starts.

The models say what is well formed; what needs the file system (files inside the review folder,
query files that exist) is checked where the protocol is built, in :mod:`litreview.config`.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo, field_validator, model_validator

from litreview.config.typed import Table, names, nonblank, problem
from litreview.errors import QueryError
from litreview.query.ast import Term, walk
from litreview.query.parser import parse
from litreview.records import STAGES, Stage

SOURCE_KINDS = ("pubmed", "ctgov", "file")
# The file formats a source may name; importers.READERS has one reader for each, checked on import.
FILE_FORMATS = ("ris", "nbib", "pubmed-xml", "endnote-xml", "wos-text", "ctgov-json", "csv", "jsonl")
GROUPS = ("databases", "registers", "other")  # PRISMA columns
DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
OUTCOMES = ("include", "exclude", "maybe")
KINDS = ("citation", "trial")
MAX_REVIEWERS = 10
# A query naming a PMID, an NCT id or a DOI is about one record: a decision in disguise, not a rule.
_SPECIFIC_RECORD = re.compile(r"^(?:\d{6,9}|nct\d{8}|10\.\d{4,9}/\S+)$", re.IGNORECASE)

Text = Annotated[str, AfterValidator(nonblank)]


def _date(value: str) -> str:
    if value and not DATE_RE.match(value.replace("/", "-")):
        raise problem(f"{value!r} is not a date (YYYY-MM-DD)")
    return value


Date = Annotated[str, AfterValidator(_date)]


def _path(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise problem(f"expected a path (a string), got {type(value).__name__}")
    return value


# A file of the review folder, relative to it (checked to lie inside it when the protocol is built).
FileName = Annotated[str, BeforeValidator(_path)]


def _stages(value: Any) -> tuple[str, ...]:
    return names(value, STAGES)


def _kinds(value: Any) -> tuple[str, ...]:
    return names(value, KINDS)


# Stages are written as a name or a list of names; held as a tuple of names.
Stages = Annotated[tuple[str, ...], BeforeValidator(_stages)]


class ReviewTable(Table):
    id: str
    title: str = ""
    citation: str = ""
    doi: str = ""
    files_outside_folder: bool = False

    @field_validator("id")
    @classmethod
    def _plain_folder_name(cls, value: str) -> str:
        if not value.strip():
            raise problem("expected a non-empty string")
        if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", value):
            raise problem(f"review id {value!r} must be a plain folder name")
        return value


class SourceTable(Table):
    name: Text
    kind: str = Field("", validate_default=True)
    label: str | None = None
    platform: str = ""
    query_file: FileName | None = None
    file: FileName | None = None
    format: str = "ris"
    field: str = "cond"  # CT.gov: which query parameter the query text goes to
    mindate: Date = ""
    maxdate: Date = ""
    datetype: str = "edat"
    searched: Date = ""
    group: str | None = None  # PRISMA column; registers for CT.gov, databases otherwise

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in SOURCE_KINDS:
            raise problem(f"must be one of {', '.join(SOURCE_KINDS)}, got {value!r}")
        return value

    @field_validator("group")
    @classmethod
    def _known_group(cls, value: str | None) -> str | None:
        if value is not None and value not in GROUPS:
            raise problem("must be databases, registers or other")
        return value

    @model_validator(mode="after")
    def _what_the_kind_needs(self) -> SourceTable:
        if self.kind in ("pubmed", "ctgov") and self.query_file is None:
            raise problem(f"a {self.kind} source needs query_file", ("query_file",))
        if self.kind == "file" and self.file is None:
            raise problem("a file source needs file", ("file",))
        if self.kind == "file" and self.format not in FILE_FORMATS:
            raise problem(f"must be one of {', '.join(FILE_FORMATS)}", ("format",))
        return self


class SnapshotTable(Table):
    dir: FileName = "snapshot"


class RepairTable(Table):
    """An accepted repair of a query file (``litreview query lint`` proposes it)."""

    edits: list[str]
    sha256: str
    reason: str = ""


class CriteriaTable(Table):
    include: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)  # the exclusion reasons a full-text exclusion must name
    citation_searching: bool = False


class TablesTable(Table):
    extraction: str | None = None
    overrides: str | None = None
    # independent extractors who fill each record's form (blind to each other) before a cell counts
    extractors_per_record: Annotated[int, Field(ge=1, le=10)] = 1


class RuleEntry(Table):
    """``[[screening.rules]]``: conditions that must all hold for the rule to decide."""

    id: Text
    outcome: Literal["include", "exclude", "maybe"]
    reason: str = Field("", validate_default=True)
    negate: bool = False
    query: str = Field("", validate_default=True)
    stages: Stages = (Stage.TITLE_ABSTRACT,)
    kinds: Annotated[tuple[str, ...], BeforeValidator(_kinds)] = KINDS
    record_types: list[str] = Field(default_factory=list)
    years: list[int] | None = None
    languages: list[str] = Field(default_factory=list)

    @field_validator("reason")
    @classmethod
    def _has_reason(cls, value: str) -> str:
        if not value.strip():
            raise problem("has no reason (every decision must carry one)")
        return value

    @field_validator("query")
    @classmethod
    def _parses_and_generalises(cls, value: str, info: ValidationInfo) -> str:
        text = value.strip()
        if not text:
            if info.data.get("negate"):
                raise problem("negate needs a query")
            return value
        try:
            tree = parse(text)
        except QueryError as exc:
            # one line: where in the query, and what (the caret excerpt is for `query lint`)
            raise problem(
                f"does not parse (line {exc.line}, column {exc.column} of the query): {exc.message}"
            ) from None
        for node in walk(tree):
            if isinstance(node, Term) and _SPECIFIC_RECORD.match(node.text.strip()):
                raise problem(
                    f"names a specific record ({node.text!r}): rules must generalise; record a human "
                    "decision for one record instead"
                )
        return value

    @field_validator("years")
    @classmethod
    def _first_last(cls, value: list[int] | None) -> list[int] | None:
        if value is not None and len(value) != 2:
            raise problem("years must be [first, last]")
        return value


class ConfirmationEntry(Table):
    """``[[screening.confirmations]]``: a reviewer's standing confirmation of an include rule."""

    rule: str
    reviewer: Text
    provenance: Text
    stages: Stages | None = None  # the rule's stages when not given


class DecisionFileEntry(Table):
    """``[[screening.decision_files]]``: reviewers' decisions kept in the review folder."""

    file: Text
    reviewer: Text
    provenance: Text


def _votes(value: Any) -> dict[str, int]:
    """An integer for every stage, or a table of stage = integer; 1 where not given."""
    table = value if isinstance(value, dict) else dict.fromkeys(STAGES, value)
    unknown = set(table) - set(STAGES)
    if unknown:
        raise problem(f"unknown stage(s) {sorted(unknown)} (use {', '.join(STAGES)})")
    out: dict[str, int] = {}
    for stage in STAGES:
        votes = table.get(stage, 1)
        if isinstance(votes, bool) or not isinstance(votes, int) or not 1 <= votes <= MAX_REVIEWERS:
            if isinstance(value, dict):
                raise problem(f"expected a whole number from 1 to {MAX_REVIEWERS}, got {votes!r}", (stage,))
            raise problem(
                f"expected a whole number from 1 to {MAX_REVIEWERS} (or a table of stage = number), got {votes!r}"
            )
        out[stage] = votes
    return out


class ScreeningTable(Table):
    """``[screening]``: rules, standing confirmations, decision files, votes per stage, unblinding."""

    rules: list[RuleEntry] = Field(default_factory=list)
    confirmations: list[ConfirmationEntry] = Field(default_factory=list)
    decision_files: list[DecisionFileEntry] = Field(default_factory=list)
    reviewers_per_record: Annotated[dict[str, int], BeforeValidator(_votes)] = Field(
        default=1, validate_default=True
    )
    unblind: Annotated[tuple[str, ...], BeforeValidator(lambda v: () if v == [] else _stages(v))] = ()

    @model_validator(mode="after")
    def _rules_named_once_and_confirmed_rules_include(self) -> ScreeningTable:
        seen: set[str] = set()
        for index, rule in enumerate(self.rules):
            if rule.id.strip() in seen:
                raise problem(f"rule id {rule.id.strip()!r} is used twice", ("rules", index, "id"))
            seen.add(rule.id.strip())
        include = {r.id.strip() for r in self.rules if r.outcome == "include"}
        for index, confirmation in enumerate(self.confirmations):
            if confirmation.rule not in include:
                raise problem(
                    f"must name an include rule of this protocol, not {confirmation.rule!r}",
                    ("confirmations", index, "rule"),
                )
        return self


class ReviewFile(Table):
    """The whole of ``review.toml``."""

    review: ReviewTable
    sources: list[SourceTable]
    snapshot: SnapshotTable = SnapshotTable()
    repairs: dict[str, RepairTable] = Field(default_factory=dict)
    reported: dict[str, Any] = Field(default_factory=dict)  # the counts the paper reports, by PRISMA box
    criteria: CriteriaTable = CriteriaTable()
    tables: TablesTable = TablesTable()
    screening: ScreeningTable = ScreeningTable()

    @field_validator("sources")
    @classmethod
    def _some_sources_each_named_once(cls, value: list[SourceTable]) -> list[SourceTable]:
        if not value:
            raise problem("no [[sources]] defined")
        seen: set[str] = set()
        for index, source in enumerate(value):
            if source.name in seen:
                raise problem(f"source names must be unique: {source.name!r} is used twice", (index, "name"))
            seen.add(source.name)
        return value
