"""MEDLINE/nbib text (PubMed "Save → PubMed format", ``.nbib``, ``.txt``) → Citation, streamed.

Each line is ``TAG - value`` (tag padded to four characters) or a continuation indented by six
spaces; a record starts at ``PMID-`` and ends at a blank line. Errors name the file, the line
and the record index.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from litreview.errors import RecordParseError
from litreview.records import Citation, Provenance, compose_record_id
from litreview.sources.common import find_doi, find_ncts, find_year, numbered_lines, open_text, unique_ids

_LINE = re.compile(r"^([A-Z][A-Z0-9 ]{1,3})- ?(.*)$")
_CONFERENCE = {"congress", "meeting abstract", "congresses"}


def load_medline(path: Path | str, *, source: str = "pubmed", run_id: str = "") -> Iterator[Citation]:
    path = Path(path)
    with open_text(path) as handle:
        yield from unique_ids(parse_medline(handle, source=source, run_id=run_id, payload=str(path)))


def parse_medline(lines: TextIO | list[str], *, source: str, run_id: str, payload: str) -> Iterator[Citation]:
    index = 0
    for start, fields in _records(lines, payload):
        index += 1
        if "PMID" not in fields:
            raise RecordParseError("record has no PMID line", path=payload, index=index, line=start)
        yield _citation(fields, source, run_id, payload, index)
    if index == 0:
        raise RecordParseError("no MEDLINE records found (expected lines like 'PMID- 12345')", path=payload)


def _records(lines: TextIO | list[str], payload: str) -> Iterator[tuple[int, dict[str, list[str]]]]:
    fields: dict[str, list[str]] = {}
    tag, start = "", 0
    for number, line in numbered_lines(lines, payload):
        if not line.strip():
            if fields:
                yield start, fields
            fields, tag = {}, ""
            continue
        if line.startswith("      ") and tag:
            fields[tag][-1] += " " + line.strip()
            continue
        match = _LINE.match(line)
        if not match:
            raise RecordParseError(f"not a MEDLINE line: {line[:40]!r}", path=payload, line=number)
        tag = match.group(1).strip()
        if tag == "PMID" and fields:  # no blank line between records
            yield start, fields
            fields = {}
        if not fields:
            start = number
        fields.setdefault(tag, []).append(match.group(2).strip())
    if fields:
        yield start, fields


def _one(fields: dict[str, list[str]], *tags: str) -> str:
    for tag in tags:
        if fields.get(tag):
            return fields[tag][0]
    return ""


def _citation(fields: dict[str, list[str]], source: str, run_id: str, payload: str, index: int) -> Citation:
    pmid = _one(fields, "PMID")
    ids = " ".join(fields.get("LID", []) + fields.get("AID", []))
    doi = next((find_doi(v) for v in fields.get("LID", []) + fields.get("AID", []) if "[doi]" in v), "")
    pmc = next((v.split()[0] for v in fields.get("PMC", [])), "")
    pub_types = tuple(fields.get("PT", []))
    record_type = "conference-abstract" if {p.lower() for p in pub_types} & _CONFERENCE else "journal-article"
    title, abstract = _one(fields, "TI", "BTI"), _one(fields, "AB")
    trials = [v for v in fields.get("SI", []) if "ClinicalTrials.gov" in v]
    return Citation(
        record_id=compose_record_id(source, pmid),
        source=source,
        native_id=pmid,
        title=title,
        abstract=abstract,
        authors=tuple(fields.get("FAU") or fields.get("AU") or ()),
        journal=_one(fields, "JT"),
        journal_abbrev=_one(fields, "TA"),
        year=find_year(_one(fields, "DP")),
        volume=_one(fields, "VI"),
        issue=_one(fields, "IP"),
        pages=_one(fields, "PG"),
        doi=doi or (find_doi(ids) if "doi" in ids.lower() else ""),
        pmid=pmid,
        pmcid=pmc,
        nct_ids=find_ncts(" ".join(trials), title, abstract),
        keywords=tuple(fields.get("OT", [])),
        mesh=tuple(m.split("/")[0].lstrip("*") for m in fields.get("MH", [])),
        pub_types=pub_types,
        language=_one(fields, "LA"),
        record_type=record_type,
        entrez_date=_one(fields, "EDAT"),
        provenance=Provenance(source=source, native_id=pmid, run_id=run_id, payload=payload, index=index),
    )
