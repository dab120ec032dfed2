"""Decision files in and out: screening sheets (CSV, XLSX), RIS with labels, ASReview-style CSV.

A sheet has one row per record to screen: ``record_id, stage, title, authors, year, source,
abstract, keywords``, the rules' ``suggestion`` and ``suggestion_reason``, and the ``decision, reason,
reviewer`` columns a reviewer fills (pre-filled with that reviewer's own earlier decisions when the
export names the reviewer). No other reviewer's decision is ever written (blind screening).
RIS carries a reviewer's decision in ``LB`` (ASReview's ``ASReview_relevant``/``ASReview_irrelevant``)
and a ``KW  - litreview:<decision>`` keyword (Zotero tags, Rayyan labels), with the record id in
``AN``; a rule's suggestion is written as ``KW  - litreview-suggestion:<decision>``, which is never
read back as a decision.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from litreview.errors import RecordParseError
from litreview.files import append_text_row, atomic_write_bytes, restore, write_csv
from litreview.records import Decision, Record, Stage
from litreview.screen.decisions import SheetRow
from litreview.screen.foreign import (
    ASREVIEW_LABELS,
    ForeignRow,
    asreview_decisions,
    first,
    is_rayyan,
    rayyan_votes,
)
from litreview.sources.common import read_csv_table

SHEET_COLUMNS = ("record_id", "stage", "title", "authors", "year", "source", "abstract", "keywords",
                 "suggestion", "suggestion_reason", "decision", "reason", "reviewer")  # fmt: skip
ASREVIEW_COLUMNS = ("record_id", "title", "abstract", "authors", "year", "doi", "keywords", "included",
                    "litreview_suggestion")  # fmt: skip
_LB = {"include": "ASReview_relevant", "exclude": "ASReview_irrelevant"}
_LB_BACK = {v: k for k, v in _LB.items()}
SUGGESTION_TAG = "litreview-suggestion:"

Suggestions = Mapping[tuple[str, str], Decision]  # the rules' word, never a reviewer's
Own = Mapping[tuple[str, str], Decision]  # the exporting reviewer's own decisions


def _suggested(suggested: Suggestions, record_id: str, stage: str) -> tuple[str, str]:
    d = suggested.get((record_id, stage))
    if d is None:
        return "", ""
    return d.decision, f"rule {d.rule_id}: {d.reason}" if d.rule_id else d.reason


def sheet_rows(
    records: Iterable[Record], suggested: Suggestions, stage: str, own: Own | None = None
) -> Iterator[dict]:
    for record in records:
        suggestion, why = _suggested(suggested, record.record_id, stage)
        mine = (own or {}).get((record.record_id, stage))
        yield {
            "record_id": record.record_id, "stage": stage, "title": record.title,
            "authors": "; ".join(getattr(record, "authors", ()) or ()), "year": record.year or "",
            "source": record.source, "abstract": getattr(record, "abstract", "") or "",
            "keywords": "; ".join(getattr(record, "keywords", ()) or ()),
            "suggestion": suggestion, "suggestion_reason": why,
            "decision": mine.decision if mine else "", "reason": mine.reason if mine else "",
            "reviewer": mine.reviewer if mine else "",
        }  # fmt: skip


def write_sheet(path: Path, rows: Iterable[Mapping[str, object]]) -> int:
    rows = list(rows)
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "screening"
        append_text_row(sheet, list(SHEET_COLUMNS))
        for row in rows:
            append_text_row(sheet, [row.get(c, "") for c in SHEET_COLUMNS])
        buffer = io.BytesIO()
        book.save(buffer)
        atomic_write_bytes(path, buffer.getvalue())
    else:
        write_csv(path, SHEET_COLUMNS, rows)
    return len(rows)


def read_decision_file(path: Path) -> list[SheetRow | ForeignRow]:
    """Rows of a filled sheet (CSV/XLSX), an ASReview LAB or Rayyan export (CSV/XLSX/RIS) or a
    labelled RIS file, with row numbers for messages. Rows from other tools are ``ForeignRow``s,
    to be matched to records by ``foreign.RowMatcher``."""
    suffix = path.suffix.lower()
    if suffix == ".ris":
        return _read_ris(path)
    if suffix == ".json":
        return read_reference_list(path)
    header, numbered = _read_xlsx(path) if suffix == ".xlsx" else read_csv_table(path)
    return _table_rows(header, numbered, path, csv_text=suffix != ".xlsx")


def _row(number: int, data: Mapping[str, str]) -> SheetRow:
    get = lambda key: (data.get(key) or "").strip()  # noqa: E731
    return SheetRow(number, get("record_id"), get("stage") or Stage.TITLE_ABSTRACT, get("decision"), get("reason"),
                    get("reviewer"))  # fmt: skip


def _table_rows(
    header: list[str], numbered: list[tuple[int, dict[str, str]]], path: Path, csv_text: bool
) -> list[SheetRow | ForeignRow]:
    if csv_text:  # CSV text was neutralised against formulas on the way out (report.files.neutralise)
        numbered = [(n, {k: restore(v) for k, v in row.items()}) for n, row in numbered]
    if "decision" in header:
        if "record_id" not in header:
            raise RecordParseError("decisions file lacks column(s) ['record_id']", path=path, line=1)
        return [_row(n, row) for n, row in numbered]
    if any(c in header for c in ASREVIEW_LABELS):
        return [_foreign(n, row, "asreview", decision, reason, "", stage)
                for n, row in numbered for stage, decision, reason in asreview_decisions(row)]  # fmt: skip
    if "notes" in header and any(is_rayyan(row.get("notes") or "") for _, row in numbered):
        return [_foreign(n, row, "rayyan", decision, reason, reviewer)
                for n, row in numbered for reviewer, decision, reason in rayyan_votes(row.get("notes") or "")]  # fmt: skip
    raise RecordParseError(
        "not a decisions file: a screening sheet has record_id and decision columns, an ASReview export "
        "asreview_label (or included), a Rayyan export notes with RAYYAN-INCLUSION",
        path=path,
        line=1,
    )


def read_reference_list(path: Path) -> list[SheetRow | ForeignRow]:
    """A published review's included studies as a JSON list of references (``title``, ``doi``,
    ``pmid``, optional ``ref_no``): an inclusion at title/abstract and at full text for each, matched
    to records like another tool's rows (DOI, PMID, then normalised title). ``row`` is the reference's
    position in the list (1-based), so what cannot be found is named by it."""
    import json

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RecordParseError(f"not a JSON reference list ({exc})", path=path) from exc
    if not isinstance(data, list):
        raise RecordParseError("a reference list is a JSON array of references", path=path)
    out: list[SheetRow | ForeignRow] = []
    for number, ref in enumerate(data, start=1):
        if not isinstance(ref, dict):
            raise RecordParseError(f"reference {number} is not an object", path=path, index=number)
        text = {k: str(ref.get(k) or "").strip() for k in ("title", "doi", "pmid", "ref_no")}
        if not (text["title"] or text["doi"] or text["pmid"]):
            raise RecordParseError(f"reference {number} has no title, DOI or PMID", path=path, index=number)
        reason = f"included by the published review (reference {text['ref_no'] or number})"
        for stage in (Stage.TITLE_ABSTRACT, Stage.FULL_TEXT):
            out.append(ForeignRow(number, "reference list", (), text["doi"], text["pmid"], text["title"],
                                  "include", reason, "", stage))  # fmt: skip
    return out


def _foreign(
    number: int, row: Mapping[str, str], tool: str, decision: str, reason: str, reviewer: str, stage: str = ""
) -> ForeignRow:
    return ForeignRow(number, tool, tuple(x for x in (first(row, "record_id"), first(row, "key", "id")) if x),
                      first(row, "doi", "DOI"), first(row, "pmid", "pubmed_id", "pubmedID", "PMID"),
                      first(row, "title", "primary_title", "Title"), decision, reason, reviewer, stage)  # fmt: skip


def _read_xlsx(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a damaged file
        raise RecordParseError(f"not a readable .xlsx workbook ({exc})", path=path) from exc
    rows = book.worksheets[0].iter_rows(values_only=True)
    header = [str(c or "").strip() for c in next(rows, ())]
    text = lambda v: "" if v is None else str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)  # noqa: E731
    out = [
        (number, {h: text(v) for h, v in zip(header, values, strict=False) if h})
        for number, values in enumerate(rows, start=2)
    ]
    book.close()
    return header, out


def _read_ris(path: Path) -> list[SheetRow | ForeignRow]:
    """RIS rows are matched like another tool's: by AN (litreview's id), then DOI, PMID, title."""
    from litreview.sources.ris import citation_from_entry as ris_citation
    from litreview.sources.ris import read_records  # the line-numbered TY..ER reader

    def values(entry: dict, key: str) -> list[str]:
        value = entry.get(key) or []
        return [value] if isinstance(value, str) else [str(v) for v in value]

    rows: list[SheetRow | ForeignRow] = []
    with open(path, encoding="utf-8-sig") as handle:
        for start, entry in read_records(handle, str(path)):
            keywords = values(entry, "keywords")
            notes = " | ".join(values(entry, "notes"))
            labels = values(entry, "label") + [
                k.removeprefix("litreview:") for k in keywords if k.startswith("litreview:")
            ]
            decision = next(
                (_LB_BACK.get(x, x) for x in labels if _LB_BACK.get(x, x) in ("include", "exclude", "maybe")),
                "",
            )
            reviewer = next((x.removeprefix("reviewer:") for x in keywords if x.startswith("reviewer:")), "")
            rayyan = is_rayyan(notes)
            votes = rayyan_votes(notes) if rayyan else [(reviewer, decision, "")]
            # title, DOI and PMID as the RIS importer reads them, so a row matches the record it made
            record = ris_citation(entry, "decisions", "", str(path), start)
            for who, word, reason in votes:
                rows.append(ForeignRow(start, "rayyan" if rayyan else "ris", tuple(values(entry, "accession_number")),
                                       record.doi, record.pmid, record.title, word, reason, who))  # fmt: skip
    return rows


def write_ris(
    path: Path, records: Iterable[Record], suggested: Suggestions, stage: str, own: Own | None = None
) -> int:
    out, count = [], 0
    for record in records:
        lines = ["TY  - " + ("JOUR" if record.kind == "citation" else "GEN"), f"TI  - {record.title}"]
        lines += [f"AU  - {a}" for a in getattr(record, "authors", ()) or ()]
        if record.year:
            lines.append(f"PY  - {record.year}")
        for tag, value in (("JO", getattr(record, "journal", "")), ("DO", getattr(record, "doi", "")),
                           ("AB", getattr(record, "abstract", ""))):  # fmt: skip
            if value:
                lines.append(f"{tag}  - {' '.join(str(value).split())}")
        lines += [f"KW  - {k}" for k in getattr(record, "keywords", ()) or ()]
        lines.append(f"AN  - {record.record_id}")
        suggestion, why = _suggested(suggested, record.record_id, stage)
        if suggestion:
            lines.append(f"KW  - {SUGGESTION_TAG}{suggestion}")
            lines.append(f"N1  - litreview suggestion (not a decision): {suggestion}, {why}")
        mine = (own or {}).get((record.record_id, stage))
        if mine is not None and mine.decision in ("include", "exclude", "maybe"):
            if mine.decision in _LB:
                lines.append(f"LB  - {_LB[mine.decision]}")
            lines += [f"KW  - litreview:{mine.decision}", f"KW  - reviewer:{mine.reviewer}"]
        lines.append("ER  - ")
        out.append("\n".join(lines))
        count += 1
    atomic_write_bytes(path, ("\n\n".join(out) + "\n").encode("utf-8"))
    return count


def write_asreview_csv(path: Path, records: Iterable[Record], suggested: Suggestions, stage: str,
                       own: Own | None = None) -> int:  # fmt: skip
    rows = []
    for record in records:
        mine = (own or {}).get((record.record_id, stage))
        label = {"include": 1, "exclude": 0}.get(mine.decision if mine else "", "")
        rows.append({
            "record_id": record.record_id, "title": record.title, "abstract": getattr(record, "abstract", ""),
            "authors": "; ".join(getattr(record, "authors", ()) or ()), "year": record.year or "",
            "doi": getattr(record, "doi", ""), "keywords": "; ".join(getattr(record, "keywords", ()) or ()),
            "included": label, "litreview_suggestion": _suggested(suggested, record.record_id, stage)[0],
        })  # fmt: skip
    return write_csv(path, ASREVIEW_COLUMNS, rows)
