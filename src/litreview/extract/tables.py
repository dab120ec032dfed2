"""The review's tables from registry records: rows, curation overrides, and the three outputs.

People's extraction (:mod:`litreview.extract.forms`) replaces the machine's value of a cell once
it is verified; overrides (CSV: ``identifier,column,value,reason,who``) are applied last and every
one is reported beside the table it changed; an override naming an unknown trial or column is an
error with its row number. Outputs: ``tables.csv`` (machine columns), ``tables.xlsx`` (one sheet per
table, the paper's headers, unverified cells in italics) and ``tables.md`` (unverified cells marked);
``tables_evidence.json`` keeps each cell's evidence, provenance and whether a person verified it;
``extraction_agreement.json`` how often verified values kept the machine's suggestion, per column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from litreview.errors import RecordParseError
from litreview.extract.forms import CellState, Saved, cell_states, form_columns, machine_agreement
from litreview.extract.links import link_trials, linked_to
from litreview.extract.rows import Cell, Row, derive_row
from litreview.extract.spec import ExtractionSpec
from litreview.extract.trials import TABLE_COLUMNS
from litreview.files import append_text_row, atomic_write_bytes, write_csv, write_json
from litreview.records import Citation, Record, Stage, Trial
from litreview.screen.decisions import Effective, passed

OVERRIDE_COLUMNS = ("identifier", "column", "value", "reason", "who")
UNVERIFIED_MARK = "†"
UNVERIFIED_NOTE = f"{UNVERIFIED_MARK} No person has verified this cell: the machine's suggestion (see tables_evidence.json)."


@dataclass(frozen=True)
class Override:
    row: int
    identifier: str
    column: str
    value: str
    reason: str
    who: str


@dataclass
class Tables:
    rows: list[Row]
    applied: list[dict[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    headers: tuple[tuple[str, str], ...] = ()  # (column, header) in the review's order
    titles: dict[str, str] = field(default_factory=dict)  # table number -> title
    extracted: dict[str, dict[str, CellState]] = field(default_factory=dict)  # identifier -> column -> state
    overridden: dict[str, dict[str, str]] = field(default_factory=dict)  # identifier -> column -> who
    agreement: dict[str, object] = field(default_factory=dict)  # extraction_agreement.json

    def provenance(self, identifier: str, column: str) -> tuple[dict[str, object], bool]:
        """Where a cell's value comes from, and whether a person verified it: an override, else the
        cell's state (:meth:`CellState.provenance`: awaiting and conflicting cells named apart from
        the machine's, though all three show its suggestion), else the machine for a column nobody
        extracts."""
        who = self.overridden.get(identifier, {}).get(column)
        if who is not None:
            return {"source": "override", "who": who}, True
        state = self.extracted.get(identifier, {}).get(column)
        if state is None:
            return {"source": "machine"}, False
        return state.provenance(), state.verified

    def unverified(self, identifier: str, column: str) -> bool:
        """Whether the tables mark this cell: one a person extracts, that no person has verified."""
        return column in self.extracted.get(identifier, {}) and not self.provenance(identifier, column)[1]


class TabledRecords:
    """The records the tables use, from records shown one at a time (:meth:`take`), so a run's single
    pass over the stored records can feed them: every registry trial and every citation, records in
    ``skip`` (duplicates) left out; the trials are narrowed to the included ones once the decisions
    are known (:meth:`result`)."""

    def __init__(self, skip: Iterable[str] = ()) -> None:
        self.left_out = set(skip)
        self.trials: list[Trial] = []
        self.citations: list[Citation] = []

    def take(self, record: Record) -> None:
        if record.record_id in self.left_out:
            return
        if isinstance(record, Trial):
            self.trials.append(record)
        elif isinstance(record, Citation):
            self.citations.append(record)

    def result(self, decided: dict[tuple[str, str], Effective]) -> tuple[list[Trial], list[Citation]]:
        """The registry trials included at full text (the tables' rows) and every citation (the
        publications a trial may be linked to)."""
        return [t for t in self.trials if passed(decided, t.record_id, Stage.FULL_TEXT)], self.citations


def tabled_records(
    records: Iterable[Record], decided: dict[tuple[str, str], Effective], skip: Iterable[str] = ()
) -> tuple[list[Trial], list[Citation]]:
    """In one pass over the records: the registry trials included at full text (the tables' rows) and
    every citation (the publications a trial may be linked to); records in ``skip`` (duplicates) are left out."""
    tabled = TabledRecords(skip)
    for record in records:
        tabled.take(record)
    return tabled.result(decided)


def machine_rows(
    trials: Iterable[Trial], spec: ExtractionSpec, publications: Iterable[Citation] = ()
) -> tuple[list[Trial], list[Row]]:
    """The trials in the tables' order (by NCT id) and the machine's row of each, from its registry
    record and the publications linked to it (linked once for all trials, not once per trial):
    what the tables and the extraction forms both suggest."""
    ordered = sorted(trials, key=lambda t: t.nct_id)
    pubs = {p.record_id: p for p in publications}
    links = link_trials(ordered, pubs.values())
    return ordered, [derive_row(t, spec, [pubs[i] for i in linked_to(t, links)]) for t in ordered]


def build_tables(
    trials: Iterable[Trial],
    spec: ExtractionSpec,
    publications: Iterable[Citation] = (),
    overrides: Iterable[Override] = (),
    extracted: Iterable[Saved] = (),
    extractors_per_record: int = 1,
) -> Tables:
    """The rows of the included trials: the machine's values, replaced by people's where verified
    (``extracted``: every save of the extraction forms), then the overrides."""
    ordered, rows = machine_rows(trials, spec, publications)
    tables = Tables(
        rows, warnings=[w for r in rows for w in r.warnings], headers=spec.headers, titles=spec.titles
    )
    columns = form_columns(spec)
    suggestions = {
        t.record_id: {c: row.cells[c].value for c in columns} for t, row in zip(ordered, rows, strict=True)
    }
    states = cell_states(suggestions, extracted, extractors_per_record)
    for trial, row in zip(ordered, rows, strict=True):
        mine = tables.extracted[trial.nct_id] = {c: states[(trial.record_id, c)] for c in columns}
        for column, state in mine.items():
            row.cells[column].value = state.value
    tables.agreement = {"extractors_per_record": extractors_per_record, **machine_agreement(states, columns)}
    by_id = {r.cells["identifier"].value: r for r in rows}
    for o in overrides:
        row = by_id[o.identifier]
        before = row.cells[o.column].value
        row.cells[o.column].value = o.value
        row.cells[o.column].evidence = [f"override by {o.who}: {o.reason} (was {before!r})"]
        row.cells[o.column].quotes = []
        tables.overridden.setdefault(o.identifier, {})[o.column] = o.who
        tables.applied.append({"identifier": o.identifier, "column": o.column, "from": before, "to": o.value,
                               "reason": o.reason, "who": o.who})  # fmt: skip
    position = {number: i for i, number in enumerate(spec.titles)}  # the review's own table order
    rows.sort(
        key=lambda r: (position.get(r.cells["table"].value, len(position)), r.cells["identifier"].value)
    )
    return tables


def read_overrides(path: Path, known_ids: set[str]) -> list[Override]:
    """Overrides from CSV; every bad row is reported with its number and nothing is applied."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle, strict=True)
            missing = set(OVERRIDE_COLUMNS) - set(reader.fieldnames or [])
            if missing:
                raise RecordParseError(f"overrides file lacks column(s) {sorted(missing)}", path=path, line=1)
            rows = [(reader.line_num, r) for r in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise RecordParseError(f"cannot read overrides: {exc}", path=path) from exc
    problems, out = [], []
    editable = set(TABLE_COLUMNS)
    for number, r in rows:
        o = Override(number, *(str(r.get(c) or "").strip() for c in OVERRIDE_COLUMNS))
        if o.identifier not in known_ids:
            problems.append(f"row {number}: unknown trial {o.identifier!r}")
        if o.column not in editable:
            problems.append(f"row {number}: unknown column {o.column!r} (one of {', '.join(TABLE_COLUMNS)})")
        if not o.reason or not o.who:
            problems.append(f"row {number}: every override needs a reason and who made it")
        out.append(o)
    if problems:
        raise RecordParseError("; ".join(problems) + " — no override applied", path=path)
    return out


def write_tables(folder: Path, tables: Tables) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    names = ("tables.csv", "tables.xlsx", "tables.md", "tables_evidence.json", "extraction_agreement.json")
    out = {name: folder / name for name in names}
    write_csv(out["tables.csv"], TABLE_COLUMNS, (r.values() for r in tables.rows))
    _write_xlsx(out["tables.xlsx"], tables)
    atomic_write_bytes(out["tables.md"], tables_markdown(tables).encode("utf-8"))
    write_json(out["tables_evidence.json"], {
        "rows": [{"identifier": r.cells["identifier"].value,
                  "cells": {k: _cell_evidence(tables, r.cells["identifier"].value, k, c) for k, c in r.cells.items()}}
                 for r in tables.rows],
        "overrides": tables.applied, "warnings": tables.warnings,
    })  # fmt: skip
    write_json(out["extraction_agreement.json"], tables.agreement)
    return out


def _cell_evidence(tables: Tables, identifier: str, column: str, cell: Cell) -> dict[str, object]:
    provenance, verified = tables.provenance(identifier, column)
    out: dict[str, object] = {"value": cell.value, "evidence": cell.evidence, "provenance": provenance,
                              "verified": verified}  # fmt: skip
    state = tables.extracted.get(identifier, {}).get(column)
    if state is not None and state.value != state.suggestion:  # the machine's, where a person changed it
        out["suggestion"] = state.suggestion
    return out


def _grouped(tables: Tables) -> dict[str, list[Row]]:
    groups: dict[str, list[Row]] = {}
    for row in tables.rows:
        groups.setdefault(row.cells["table"].value or "unassigned", []).append(row)
    return groups


def _write_xlsx(path: Path, tables: Tables) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for table, rows in _grouped(tables).items():
        sheet = book.create_sheet(f"Table {table}" if table != "unassigned" else "Unassigned")
        append_text_row(sheet, [tables.titles.get(table, "No therapy category derived")])
        sheet["A1"].font = Font(bold=True)
        append_text_row(sheet, [header for _, header in tables.headers])
        for row in rows:
            append_text_row(sheet, [row.cells[key].value for key, _ in tables.headers])
            identifier = row.cells["identifier"].value
            for index, (key, _) in enumerate(tables.headers, start=1):
                if tables.unverified(identifier, key):  # no person verified it: shown apart
                    sheet.cell(row=sheet.max_row, column=index).font = Font(italic=True)
    if tables.applied:
        sheet = book.create_sheet("Overrides")
        append_text_row(sheet, ["identifier", "column", "from", "to", "reason", "who"])
        for o in tables.applied:
            append_text_row(sheet, [o["identifier"], o["column"], o["from"], o["to"], o["reason"], o["who"]])
    if not book.worksheets:  # a review with no included trial: a workbook needs one visible sheet
        sheet = book.create_sheet("Tables")
        append_text_row(sheet, ["No included registry trial: the tables are empty"])
        append_text_row(sheet, [header for _, header in tables.headers])
    buffer = io.BytesIO()
    book.save(buffer)
    atomic_write_bytes(path, buffer.getvalue())


def tables_markdown(tables: Tables) -> str:
    out = []
    for table, rows in _grouped(tables).items():
        out += [f"## {tables.titles.get(table, 'No therapy category derived')}", ""]
        out.append("| " + " | ".join(h for _, h in tables.headers) + " |")
        out.append("|" + "---|" * len(tables.headers))
        marked = False
        for row in rows:
            shown = []
            for k, _ in tables.headers:
                value = row.cells[k].value.replace("|", "/")
                if tables.unverified(row.cells["identifier"].value, k):
                    marked = True
                    value = f"{value} {UNVERIFIED_MARK}" if value else UNVERIFIED_MARK
                shown.append(value)
            out.append("| " + " | ".join(shown) + " |")
        out.append("")
        if marked:
            out += [UNVERIFIED_NOTE, ""]
    if tables.applied:
        out += ["## Curation overrides", ""]
        out += [
            f"- {o['identifier']} {o['column']}: {o['from']!r} → {o['to']!r} ({o['reason']}; {o['who']})"
            for o in tables.applied
        ]
        out.append("")
    if tables.warnings:
        out += ["## Warnings", ""] + [f"- {w}" for w in tables.warnings] + [""]
    return "\n".join(out)


def explain(tables: Tables) -> str:
    """Every cell of every row with the evidence it came from."""
    lines = []
    for row in tables.rows:
        lines.append(row.cells["identifier"].value)
        for key, cell in row.cells.items():
            lines.append(f"  {key}: {cell.value!r}")
            lines.extend(f"      <- {e}" for e in cell.evidence)
    return "\n".join(lines) + "\n"
