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

import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from litreview.errors import RecordParseError
from litreview.records import Record
from litreview.report.files import append_text_row, restore, write_csv
from litreview.screen.decisions import Decision, SheetRow
from litreview.sources.common import not_utf8
from litreview.sources.transport import atomic_write_bytes

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


def read_decision_file(path: Path) -> list[SheetRow]:
    """Rows of a filled sheet (CSV/XLSX) or a labelled RIS file, with row numbers for messages."""
    suffix = path.suffix.lower()
    if suffix == ".ris":
        return _read_ris(path)
    if suffix == ".xlsx":
        return _read_xlsx(path)
    return _read_csv(path)


def _row(number: int, data: Mapping[str, object], csv_text: bool = False) -> SheetRow:
    # CSV text was neutralised against formulas on the way out (report.files.neutralise)
    get = lambda key: (restore(str(data.get(key) or "")) if csv_text else str(data.get(key) or "")).strip()  # noqa: E731
    return SheetRow(number, get("record_id"), get("stage") or "title_abstract", get("decision"), get("reason"),
                    get("reviewer"))  # fmt: skip


def _check_header(header: list[str], path: Path) -> None:
    missing = {"record_id", "decision"} - set(header)
    if missing:
        raise RecordParseError(f"decisions file lacks column(s) {sorted(missing)}", path=path, line=1)


def _read_csv(path: Path) -> list[SheetRow]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle, strict=True)
            _check_header(list(reader.fieldnames or []), path)
            return [_row(reader.line_num, row, csv_text=True) for row in reader]
    except UnicodeDecodeError as exc:
        raise not_utf8(path) from exc
    except csv.Error as exc:
        raise RecordParseError(f"malformed CSV: {exc}", path=path) from exc
    except OSError as exc:
        raise RecordParseError(f"cannot read: {exc.strerror}", path=path) from exc


def _read_xlsx(path: Path) -> list[SheetRow]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a damaged file
        raise RecordParseError(f"not a readable .xlsx workbook ({exc})", path=path) from exc
    rows = book.worksheets[0].iter_rows(values_only=True)
    header = [str(c or "").strip() for c in next(rows, ())]
    _check_header(header, path)
    out = [
        _row(number, dict(zip(header, values, strict=False))) for number, values in enumerate(rows, start=2)
    ]
    book.close()
    return out


def _read_ris(path: Path) -> list[SheetRow]:
    from litreview.sources.ris import read_records  # the line-numbered TY..ER reader

    def values(entry: dict, key: str) -> list[str]:
        value = entry.get(key) or []
        return [value] if isinstance(value, str) else list(value)

    rows = []
    with open(path, encoding="utf-8-sig") as handle:
        for start, entry in read_records(handle, str(path)):
            keywords = values(entry, "keywords")
            labels = values(entry, "label") + [
                k.removeprefix("litreview:") for k in keywords if k.startswith("litreview:")
            ]
            decision = next(
                (_LB_BACK.get(x, x) for x in labels if _LB_BACK.get(x, x) in ("include", "exclude", "maybe")),
                "",
            )
            reviewer = next((x.removeprefix("reviewer:") for x in keywords if x.startswith("reviewer:")), "")
            rows.append(
                SheetRow(
                    start,
                    (values(entry, "accession_number") or [""])[0],
                    "title_abstract",
                    decision,
                    "",
                    reviewer,
                )
            )
    return rows  # fmt: skip


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
