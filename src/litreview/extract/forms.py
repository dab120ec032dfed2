"""Human extraction: which value counts in each cell of the review's tables, its conflicts and
consensus, and how often people kept the machine's suggestion.

Each cell of an included record has the machine's suggestion (:func:`litreview.extract.rows.derive_row`,
with its evidence) and the values extractors saved. Every save is stored; each extractor's latest
counts. A cell is verified when the required number of extractors (``[tables]
extractors_per_record``) saved the same value, or when a lead's consensus settles it; until then
the tables keep the suggestion, marked unverified. Blind until resolved: this module gives the
whole picture (for the tables and the lead); an extractor's form reads only their own values
(:func:`own_values`). An agreement reached only after the cell was in conflict is recorded as such,
naming who changed their value since (provenance "extractors after conflict"): a lead who also
extracts reads the other's value beside the conflict, so such an agreement is not shown as two blind
readings agreeing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from litreview.config import Protocol, inside_folder
from litreview.extract.rows import Quote
from litreview.extract.spec import ExtractionSpec
from litreview.extract.trials import COUNT_COLUMNS

# a cell's states, from no person yet to settled
UNVERIFIED, AWAITING, AGREED, CONFLICT, CONSENSUS = (
    "unverified",
    "awaiting",
    "agreed",
    "conflict",
    "consensus",
)
VERIFIED_STATES = (AGREED, CONSENSUS)
# how a saved value came about: the suggestion kept, another value typed, a lead's consensus
ACCEPTED, EDITED = "accepted", "edited"
ORIGINS = (ACCEPTED, EDITED, CONSENSUS)
KEY_COLUMNS = ("identifier",)  # the record's own key: the form names the record by it, never edits it
SENTENCE_END = re.compile(r"[.!?;](?:\s|$)|\n")
EXTRACTION_META = "extraction"  # the workspace meta a run stores: the spec's path, extractors per record
CONTEXT = 240  # characters of a quote's sentence shown either side of the match, at most


@dataclass(frozen=True)
class Saved:
    """One save of one cell by one person (``extractor``: the lead, for a consensus)."""

    record_id: str
    column: str
    extractor: str
    value: str
    origin: str
    saved_at: str = ""

    @classmethod
    def stored(cls, row: Mapping[str, str]) -> Saved:
        """From a workspace row (:meth:`litreview.store.workspace.Workspace.extraction_values`)."""
        return cls(row["record_id"], row["column_name"], row["extractor"], row["value"], row["origin"],
                   row.get("saved_at", ""))  # fmt: skip


@dataclass(frozen=True)
class CellState:
    suggestion: str  # the machine's value
    values: dict[str, str] = field(default_factory=dict)  # each extractor's latest value
    state: str = UNVERIFIED
    value: str = ""  # what the tables show
    lead: str = ""  # who set the consensus
    # who saved the cell again once it had been in conflict (empty: never in conflict)
    after_conflict: tuple[str, ...] = ()

    @property
    def verified(self) -> bool:
        return self.state in VERIFIED_STATES

    def provenance(self) -> dict[str, Any]:
        """Where the value the tables show comes from: a consensus, the extractors (after a
        conflict, with who changed their value since), or the machine's suggestion, which an
        unverified cell shows whether nobody saved it, it awaits another extractor or it is in conflict."""
        extractors = sorted(self.values)
        if self.state == CONSENSUS:
            return {"source": "consensus", "lead": self.lead, "extractors": extractors}
        if self.state == AGREED and self.after_conflict:
            return {"source": "extractors after conflict", "extractors": extractors,
                    "changed_after_conflict": sorted(self.after_conflict)}  # fmt: skip
        if self.state == AGREED:
            return {"source": "extractors", "extractors": extractors}
        if self.state == AWAITING:
            return {"source": "awaiting another extractor", "extractors": extractors}
        if self.state == CONFLICT:
            return {"source": "in conflict", "extractors": extractors}
        return {"source": "machine"}


def form_columns(spec: ExtractionSpec) -> tuple[str, ...]:
    """The columns a person extracts: the review's table columns, in its order, but the record's key."""
    return tuple(column for column, _ in spec.headers if column not in KEY_COLUMNS)


MAX_VALUE = 5000  # characters in a cell, as in a note: a cell is a value, not a document


def cleaned(value: str) -> str:
    """A typed value as it is stored and compared: runs of white space are one space."""
    return " ".join(str(value).split())


def value_problem(column: str, value: str) -> str:
    """What is wrong with a value for ``column`` ('' if nothing): a count column
    (:data:`~litreview.extract.trials.COUNT_COLUMNS`) takes digits or a blank, as the registry gives it."""
    value = cleaned(value)
    if column in COUNT_COLUMNS and value and not (value.isascii() and value.isdigit()):
        return f"{column}: {value!r} is not a whole number (digits only, such as 120; blank if not stated)"
    return ""


def settle(
    suggestion: str,
    values: Mapping[str, str],
    required: int,
    consensus: Saved | None = None,
    after_conflict: Iterable[str] = (),
) -> CellState:
    """The one rule for a cell: a consensus settles it; else extractors who disagree are a conflict;
    fewer than ``required`` are awaiting; ``required`` equal values are agreed (``after_conflict``:
    who saved again once the cell had been in conflict, kept in its provenance). Only a verified
    cell shows a person's value: the others show the suggestion."""
    values, after = dict(values), tuple(dict.fromkeys(after_conflict))
    if consensus is not None:
        return CellState(suggestion, values, CONSENSUS, consensus.value, consensus.extractor, after)
    if not values:
        return CellState(suggestion, values, UNVERIFIED, suggestion)
    distinct = set(values.values())
    if len(distinct) > 1:
        return CellState(suggestion, values, CONFLICT, suggestion, after_conflict=after)
    if len(values) < required:
        return CellState(suggestion, values, AWAITING, suggestion, after_conflict=after)
    return CellState(suggestion, values, AGREED, distinct.pop(), after_conflict=after)


def cell_states(
    suggestions: Mapping[str, Mapping[str, str]], saved: Iterable[Saved], required: int
) -> dict[tuple[str, str], CellState]:
    """Each (record id, column) of ``suggestions`` (record id -> column -> the machine's value) with
    its state, from every save in the order made (a later save replaces that person's earlier one;
    the latest consensus counts). Once a cell's latest values disagree it has been in conflict, and
    every later save's extractor is named (:func:`settle`'s ``after_conflict``): an agreement
    reached then is not two blind readings. Saves on other records or columns are left out."""
    latest: dict[tuple[str, str], dict[str, str]] = {}
    consensus: dict[tuple[str, str], Saved] = {}
    after: dict[tuple[str, str], list[str]] = {}  # cells once in conflict: who saved since
    for s in saved:
        key = (s.record_id, s.column)
        if s.origin == CONSENSUS:
            consensus[key] = s
            continue
        if key in after:
            after[key].append(s.extractor)
        values = latest.setdefault(key, {})
        values[s.extractor] = s.value
        if len(set(values.values())) > 1:
            after.setdefault(key, [])
    return {
        (record_id, column): settle(suggestion, latest.get((record_id, column), {}), required,
                                    consensus.get((record_id, column)), after.get((record_id, column), ()))
        for record_id, columns in suggestions.items()
        for column, suggestion in columns.items()
    }  # fmt: skip


def own_values(saved: Iterable[Saved], extractor: str) -> dict[tuple[str, str], str]:
    """One extractor's latest value per (record id, column): all their form may show (blind)."""
    return {
        (s.record_id, s.column): s.value for s in saved if s.extractor == extractor and s.origin != CONSENSUS
    }


def own_saves(saved: Iterable[Saved], record_id: str, extractor: str) -> list[Saved]:
    """One extractor's saves of one record, in the order made: how many there were when a form
    was shown says what it showed (:func:`changes`)."""
    return [
        s for s in saved if s.record_id == record_id and s.extractor == extractor and s.origin != CONSENSUS
    ]


def changes(
    record_id: str,
    extractor: str,
    posted: Mapping[str, str],
    suggestions: Mapping[str, str],
    own: Mapping[tuple[str, str], str],
    shown: Mapping[tuple[str, str], str] | None = None,
) -> list[Saved]:
    """What one save of a form stores: each column whose value is new for this extractor (saving
    the suggestion unchanged accepts it; another value is an edit). Columns not on the form and
    values the extractor already holds store nothing. ``shown``: the extractor's own values when
    the form was shown (None: as ``own``); a column posted as the form showed it, whose value the
    extractor saved since (another tab or window), keeps that later save: a form left open never
    reverts it to what it showed."""
    out = []
    for column, suggestion in suggestions.items():
        if column not in posted:
            continue
        value = cleaned(posted[column])
        key = (record_id, column)
        if own.get(key) == value:
            continue
        if (
            shown is not None
            and shown.get(key) != own.get(key)
            and value == shown.get(key, cleaned(suggestion))
        ):
            continue  # left as this stale form showed it: the value saved since stands
        origin = ACCEPTED if value == cleaned(suggestion) else EDITED
        out.append(Saved(record_id, column, extractor, value, origin))
    return out


def conflicts(cells: Mapping[tuple[str, str], CellState]) -> list[tuple[str, str, CellState]]:
    """The cells whose extractors disagree (what a lead settles), by record and column."""
    return [(r, c, cell) for (r, c), cell in sorted(cells.items()) if cell.state == CONFLICT]


def machine_agreement(cells: Mapping[tuple[str, str], CellState], columns: Sequence[str]) -> dict[str, Any]:
    """Per column, how often the verified value kept the machine's suggestion: verified cells,
    kept and changed, the share kept (None before any cell is verified), and the cells no person
    has verified yet."""
    rows = []
    for column in columns:
        mine = [cell for (_, c), cell in cells.items() if c == column]
        verified = [cell for cell in mine if cell.verified]
        kept = sum(1 for cell in verified if cell.value == cleaned(cell.suggestion))
        rows.append({"column": column, "cells": len(mine), "verified": len(verified), "kept": kept,
                     "changed": len(verified) - kept, "share_kept": round(kept / len(verified), 3) if verified else None,
                     "unverified": len(mine) - len(verified)})  # fmt: skip
    return {"columns": rows}


def sentence(quote: Quote) -> tuple[str, str, str]:
    """The sentence a rule matched in, as (before, match, after): the match is what a form highlights
    (at most :data:`CONTEXT` characters of the sentence either side)."""
    text = quote.text
    begin = 0
    for found in SENTENCE_END.finditer(text, 0, quote.start):
        begin = found.end()
    end_found = SENTENCE_END.search(text, quote.end)
    end = end_found.start() + 1 if end_found else len(text)
    begin, end = max(begin, quote.start - CONTEXT), min(end, quote.end + CONTEXT)
    return text[begin : quote.start].lstrip(), text[quote.start : quote.end], text[quote.end : end].rstrip()


def extraction_settings(protocol: Protocol) -> dict[str, Any] | None:
    """Where the review's ``extraction.toml`` is and how many extractors fill each form (what the
    workbench's extraction forms read from the workspace); None without ``[tables] extraction``."""
    if not protocol.tables.get("extraction"):
        return None
    allow = bool(protocol.raw.get("review", {}).get("files_outside_folder", False))
    spec = inside_folder(
        protocol.folder, protocol.tables["extraction"], protocol.path, "[tables] extraction", allow
    )
    return {"spec": str(Path(spec).resolve()),
            "extractors_per_record": int(protocol.tables.get("extractors_per_record", 1))}  # fmt: skip
