"""The record model: frozen citations and trials, each carrying its provenance.

A record's stable id is ``<source>:<native id>`` (``pubmed:31649320``, ``ctgov:NCT02595424``,
``embase:<accession or content hash>``). Records are plain frozen dataclasses so the core stays
free of IO and of any framework; ``to_dict``/``from_dict`` give the JSON form the workspace and
the JSONL exports use.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


def compose_record_id(source: str, native_id: str) -> str:
    """A record's stable id, ``<source>:<native id>``: the one place that spells it."""
    return f"{source}:{native_id}"


def split_record_id(value: str) -> tuple[str, str]:
    """``<source>:<native id>`` back into its two parts (the native id may hold colons)."""
    source, _, native = value.partition(":")
    return source, native


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a record came from: which source, which run, which raw payload and position."""

    source: str
    native_id: str
    run_id: str = ""
    payload: str = ""  # path of the raw payload, relative to the review folder where possible
    index: int = 0  # 1-based position of the record inside that payload


REGISTRY_RECORD = "registry-record"  # the record type of a trial registry's entry, however rendered


@dataclass(frozen=True, slots=True)
class Citation:
    """A bibliographic record (journal article, conference abstract, book, ...)."""

    record_id: str
    source: str
    native_id: str
    title: str = ""
    abstract: str = ""
    authors: tuple[str, ...] = ()
    journal: str = ""
    journal_abbrev: str = ""
    year: int | None = None
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    pmid: str = ""
    pmcid: str = ""
    nct_ids: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    mesh: tuple[str, ...] = ()
    pub_types: tuple[str, ...] = ()
    language: str = ""
    record_type: str = "journal-article"
    accession: str = ""
    entrez_date: str = ""
    provenance: Provenance | None = None

    kind = "citation"


@dataclass(frozen=True, slots=True)
class Trial:
    """A registry record (ClinicalTrials.gov API v2 study), flattened for screening and tables.

    ``study`` keeps the study object exactly as the registry sent it, so extraction can cite the
    JSON path of every value it uses.
    """

    record_id: str
    source: str
    native_id: str
    nct_id: str
    title: str = ""
    official_title: str = ""
    acronym: str = ""
    status: str = ""
    phases: tuple[str, ...] = ()
    allocation: str = ""
    study_type: str = ""
    conditions: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    interventions: tuple[str, ...] = ()
    enrollment: int | None = None
    enrollment_type: str = ""
    countries: tuple[str, ...] = ()
    sponsor: str = ""
    start_date: str = ""
    first_posted: str = ""
    last_update_posted: str = ""
    has_results: bool = False
    secondary_ids: tuple[str, ...] = ()
    # the publications the registry lists (referencesModule): read from ``study``, so kept out of
    # the content hash and out of the JSON form when empty (see _DERIVED)
    reference_pmids: tuple[str, ...] = ()
    reference_dois: tuple[str, ...] = ()
    study: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    provenance: Provenance | None = None

    kind = "trial"

    @property
    def year(self) -> int | None:
        return int(self.first_posted[:4]) if self.first_posted[:4].isdigit() else None


Record = Citation | Trial


_FIELD_NAMES = {cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in (Citation, Trial, Provenance)}
# Fields that restate part of ``Trial.study`` (which is hashed): written only when non-empty and never
# hashed, so adding them left every stored record's JSON and content hash as it was.
_DERIVED = ("reference_pmids", "reference_dois")


def to_dict(record: Record) -> dict[str, Any]:
    """The JSON-ready form of a record (tuples become lists, provenance a nested object)."""
    data: dict[str, Any] = {"kind": record.kind}
    for name in _FIELD_NAMES[type(record)]:
        value = getattr(record, name)
        if isinstance(value, Provenance):  # its fields are plain values: no deep copy needed
            value = {n: getattr(value, n) for n in _FIELD_NAMES[Provenance]}
        elif isinstance(value, tuple):
            if not value and name in _DERIVED:
                continue
            value = list(value)
        data[name] = value
    return data


def _hashed(data: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    """(JSON of what the record says, its sha256, the derived fields set aside) from to_dict output
    without provenance."""
    derived = {name: data.pop(name) for name in _DERIVED if name in data}
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return blob, hashlib.sha256(blob.encode("utf-8")).hexdigest(), derived


def stored_form(record: Record) -> tuple[str, str]:
    """(JSON of the whole record, its :func:`content_hash`) from one conversion and one encoding of
    the content: what the store writes (provenance is appended as the JSON's last key)."""
    data = to_dict(record)
    provenance = data.pop("provenance", None)
    blob, digest, derived = _hashed(data)
    tail = "".join(f", {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in derived.items())
    return f'{blob[:-1]}{tail}, "provenance": {json.dumps(provenance, ensure_ascii=False)}}}', digest


# each class's field names as a set, made once: from_dict runs for every record a run reads
_FIELD_SETS = {cls: frozenset(names) for cls, names in _FIELD_NAMES.items()}


def from_dict(data: dict[str, Any]) -> Record:
    """Rebuild a record from :func:`to_dict` output (keys that are not fields, ``kind`` among them,
    are left out)."""
    cls: type[Citation] | type[Trial] = Trial if data.get("kind", "citation") == "trial" else Citation
    names = _FIELD_SETS[cls]
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key not in names:
            continue
        if key == "provenance" and value is not None:
            value = Provenance(**value)
        elif isinstance(value, list):
            value = tuple(value)
        kwargs[key] = value
    return cls(**kwargs)


def content_hash(record: Record) -> str:
    """A hash of what the record says (provenance and fields derived from ``study`` excluded), to
    notice changed records."""
    data = to_dict(record)
    data.pop("provenance", None)
    return _hashed(data)[1]


def short_hash(*parts: str, length: int = 12) -> str:
    """A short stable hash of some normalised text parts (for records with no native id)."""
    blob = "\x1f".join(parts).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:length]


# -- what reviewers and rules say about records: decisions and links -------------------------------


class Stage(StrEnum):
    """The screening stages, in order (the values are what files and the database store)."""

    TITLE_ABSTRACT = "title_abstract"
    FULL_TEXT = "full_text"


class Vote(StrEnum):
    """What a reviewer or a rule can say of a record at a stage."""

    INCLUDE = "include"
    EXCLUDE = "exclude"
    MAYBE = "maybe"
    NOT_RETRIEVED = "not_retrieved"  # full text only: the report could not be obtained


STAGES = tuple(Stage)
# the votes each stage offers, in the order the workbench shows them
VOTES: dict[str, tuple[Vote, ...]] = {
    Stage.TITLE_ABSTRACT: (Vote.INCLUDE, Vote.EXCLUDE, Vote.MAYBE),
    Stage.FULL_TEXT: (Vote.INCLUDE, Vote.EXCLUDE, Vote.MAYBE, Vote.NOT_RETRIEVED),
}
SAME, DISTINCT = "same", "distinct"  # a reviewer's verdict on a maybe-duplicate pair
PAIR_VERDICTS = (SAME, DISTINCT)

# control characters but tab and line breaks: none belongs in a reason, a note, a name or a cell a
# person writes, and PostgreSQL text cannot hold a NUL (a SQLite workspace holding one could never
# be copied there)
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Decision:
    record_id: str
    stage: str
    decision: str  # include | exclude | maybe | not_retrieved (full text only)
    reason: str = ""
    reviewer: str = ""  # empty for automatic decisions
    origin: str = "auto"  # auto | human
    rule_id: str = ""
    decided_at: str = ""


@dataclass(frozen=True)
class Link:
    """``record_id`` is linked to ``linked_to`` (for duplicates: its representative)."""

    record_id: str
    linked_to: str
    link_type: str
    rule: str
    score: float
