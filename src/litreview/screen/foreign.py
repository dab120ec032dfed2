"""Decisions made in other screening tools, read and matched to the workspace's records.

ASReview LAB exports its dataset with ``asreview_label`` (1 relevant, 0 irrelevant, empty unseen)
and ``asreview_note``; a dataset labelled for simulation carries ``included`` or ``label_included``.
A dataset that also has ``label_abstract_screening`` (the systematic-review-datasets convention)
gives both stages: that column at title/abstract, ``label_included`` at full text for the records
that passed title/abstract (a full-text exclusion there has no reason in the file, and says so).
Rayyan writes each reviewer's vote into the record's notes (RIS ``N1``, CSV ``notes``):
``RAYYAN-INCLUSION: {"Ana"=>"Included", "Ben"=>"Excluded"} | RAYYAN-EXCLUSION-REASONS: wrong population``.
Neither tool keeps litreview's record id reliably, so a row is matched by id, then DOI, then PMID,
then normalised title; a row that matches no record, or more than one study, is listed and not stored.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from litreview.dedup.prepare import GENERIC_TITLES, normalise_title
from litreview.identifiers import normalise_doi, normalise_pmid
from litreview.records import Record, Stage
from litreview.screen.decisions import SheetRow

ASREVIEW_LABELS = ("asreview_label", "label_included", "included")
_ASREVIEW_WORDS = {"1": "include", "1.0": "include", "0": "exclude", "0.0": "exclude"}
_RAYYAN_INCLUSION = re.compile(r"RAYYAN-INCLUSION:\s*\{(?P<votes>[^}]*)\}")
_RAYYAN_VOTE = re.compile(r'"(?P<name>(?:[^"\\]|\\.)*)"\s*=>\s*"(?P<vote>[^"]*)"')
_RAYYAN_REASONS = re.compile(r"RAYYAN-EXCLUSION-REASONS:\s*(?P<reasons>[^|]*)")
_RAYYAN_WORDS = {"included": "include", "excluded": "exclude", "maybe": "maybe", "undecided": ""}
MIN_TITLE_WORDS = 4  # a shorter title names no study reliably


@dataclass(frozen=True)
class ForeignRow:
    """One decision as another tool wrote it, with what can identify its record."""

    row: int
    tool: str  # asreview | rayyan | ris
    ids: tuple[str, ...]  # any id column the row carries (litreview's own, if it survived)
    doi: str
    pmid: str
    title: str
    decision: str  # include | exclude | maybe | "" (not screened)
    reason: str
    reviewer: str
    stage: str = ""  # "" = the stage the import names


def is_rayyan(notes: str) -> bool:
    return "RAYYAN-INCLUSION:" in notes


def rayyan_votes(notes: str) -> list[tuple[str, str, str]]:
    """(reviewer, decision, reason) for each vote in a Rayyan notes field; undecided votes are left out.

    An unknown vote word is returned as written, for the caller to report with its row number."""
    found = _RAYYAN_INCLUSION.search(notes)
    if found is None:
        return []
    reasons = _RAYYAN_REASONS.search(notes)
    reason = "; ".join(r.strip() for r in reasons.group("reasons").split(",") if r.strip()) if reasons else ""
    out = []
    for vote in _RAYYAN_VOTE.finditer(found.group("votes")):
        word = _RAYYAN_WORDS.get(vote.group("vote").strip().lower(), vote.group("vote").strip())
        if word:
            out.append((vote.group("name").strip(), word, reason if word == "exclude" else ""))
    return out


def _label(value: str) -> str:
    value = value.strip()
    return _ASREVIEW_WORDS.get(value, "" if value.lower() in ("", "-1", "nan") else value)


def asreview_decisions(row: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """(stage or '', decision, reason) an ASReview export or labelled dataset gives a row; a decision
    is include, exclude, '' (not labelled) or the raw value, for the caller to report."""
    note = first(row, "asreview_note")
    if "label_abstract_screening" in row and "label_included" in row:
        screened = _label(row["label_abstract_screening"] or "")
        out: list[tuple[str, str, str]] = [(Stage.TITLE_ABSTRACT, screened, note)]
        if screened == "include":
            final = _label(row["label_included"] or "")
            why = note or (
                "other: excluded at full text (the file gives no reason)" if final == "exclude" else ""
            )
            out.append((Stage.FULL_TEXT, final, why))
        return out
    column = next((c for c in ASREVIEW_LABELS if c in row), None)
    return [("", _label(row[column] or "") if column else "", note)]


def first(row: Mapping[str, str], *columns: str) -> str:
    return next((row[c].strip() for c in columns if (row.get(c) or "").strip()), "")


@dataclass(frozen=True)
class Unmatched:
    row: int
    title: str
    why: str


class RowMatcher:
    """Other tools' rows matched to the workspace records shown to it one at a time (:meth:`take`),
    so the records stream past once, in a pass that may feed other outputs too.

    Each key is tried in turn (id, DOI, PMID, title); a key that points at records of more than one
    study (say, conference abstracts sharing a supplement's DOI) is narrowed by the keys after it.
    The other tool's own duplicates of one study, decided alike by one reviewer, count once."""

    def __init__(self, rows: Iterable[ForeignRow], representative: Mapping[str, str], stage: str) -> None:
        self.rows = list(rows)
        self.representative = representative
        self.stage = stage
        self.row_keys = [
            [
                ("id", list(row.ids)),
                ("doi", [normalise_doi(row.doi)]),
                ("pmid", [normalise_pmid(row.pmid)]),
                ("title", [_title_key(row.title) or ""]),
            ]
            for row in self.rows
        ]
        # only the keys some row names are indexed: the records stream past (a workspace may hold millions)
        self.wanted = {(kind, v) for keys in self.row_keys for kind, values in keys for v in values if v}
        self.index: dict[str, dict[str, set[str]]] = {
            k: defaultdict(set) for k in ("id", "doi", "pmid", "title")
        }

    def take(self, record: Record) -> None:
        study = self.representative.get(record.record_id, record.record_id)
        for kind, value in (
            ("id", record.record_id),
            ("doi", normalise_doi(getattr(record, "doi", ""))),
            ("pmid", normalise_pmid(getattr(record, "pmid", ""))),
            ("title", _title_key(record.title)),
        ):
            if value and (kind, value) in self.wanted:
                self.index[kind][value].add(study)

    def result(self) -> tuple[list[SheetRow], list[Unmatched]]:
        """Sheet rows naming the records shown, and the rows no record answers to."""
        index = self.index
        matched, unmatched = [], []
        seen: set[tuple[str, str, str, str]] = set()
        for row, keys in zip(self.rows, self.row_keys, strict=True):
            found: set[str] | None = None
            for kind, values in keys:
                hits = set().union(*(index[kind].get(v, set()) for v in values if v))
                if not hits:
                    continue
                found = hits if found is None else (found & hits or found)
                if len(found) == 1:
                    break
            if found is None:
                unmatched.append(Unmatched(row.row, row.title, "no record has its id, DOI, PMID or title"))
            elif len(found) > 1:
                unmatched.append(Unmatched(row.row, row.title, f"matches {len(found)} different studies: "
                                           + ", ".join(sorted(found)[:5])))  # fmt: skip
            else:
                sheet_row = SheetRow(
                    row.row,
                    next(iter(found)),
                    row.stage or self.stage,
                    row.decision,
                    row.reason,
                    row.reviewer,
                )
                key = (
                    sheet_row.record_id,
                    sheet_row.stage,
                    sheet_row.reviewer,
                    sheet_row.decision.strip().lower(),
                )
                if key not in seen:
                    seen.add(key)
                    matched.append(sheet_row)
        return matched, unmatched


class SheetMatcher:
    """:func:`as_sheet_rows` with the records shown one at a time (:meth:`take`), for a pass over
    the records that feeds other outputs too; ``needs_records`` is False when no row is another
    tool's (nothing to match, so no record need be shown)."""

    def __init__(
        self, read: Sequence[SheetRow | ForeignRow], representative: Mapping[str, str], stage: str
    ) -> None:
        self.own = [r for r in read if isinstance(r, SheetRow)]
        foreign = [r for r in read if isinstance(r, ForeignRow) and r.decision.strip()]
        self.asked = len(foreign)
        self.matcher = RowMatcher(foreign, representative, stage) if foreign else None
        self.needs_records = self.matcher is not None

    def take(self, record: Record) -> None:
        if self.matcher is not None:
            self.matcher.take(record)

    def result(self) -> tuple[list[SheetRow], list[Unmatched], int]:
        if self.matcher is None:
            return self.own, [], 0
        matched, unmatched = self.matcher.result()
        return self.own + matched, unmatched, self.asked


def as_sheet_rows(
    read: Sequence[SheetRow | ForeignRow],
    records: Callable[[], Iterable[Record]],
    representative: Mapping[str, str],
    stage: str,
) -> tuple[list[SheetRow], list[Unmatched], int]:
    """A decision file's rows as sheet rows: litreview's own as they are, other tools' matched to the
    studies of ``records()`` (read only when there are such rows). Also the unmatched rows and how
    many decisions came from another tool."""
    sheet = SheetMatcher(read, representative, stage)
    if sheet.needs_records:
        for record in records():
            sheet.take(record)
    return sheet.result()


def _title_key(title: str) -> str | None:
    key = normalise_title(title or "")
    return key if len(key.split()) >= MIN_TITLE_WORDS and key not in GENERIC_TITLES else None
