"""Web of Science's tagged text (the "Plain text file" export, and the ``.ciw`` file its "EndNote
Desktop" export writes) → Citation, streamed.

Each line is a two-character field tag, a space and the value; a line indented by three spaces
continues the field above it: one more item in a list field (authors, addresses, cited references),
wrapped text in any other. A record ends at ``ER``; ``FN`` and ``VR`` open the file, ``EF`` closes it.
Fields are read by the names of Web of Science's tab-delimited export (the same tags), so both exports
of a search give the same records. Errors name the file, the line and the record index.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from litreview.errors import RecordParseError
from litreview.records import Citation
from litreview.sources.common import numbered_lines, open_text, unique_ids
from litreview.sources.csv_records import citation_from_row, columns_of

_LINE = re.compile(r"^([A-Z][A-Z0-9])(?: (.*))?$")
_LIST_TAGS = {"AU", "AF", "BA", "BF", "CA", "GP", "ED", "C1", "C3", "CR", "RI", "OI", "EM"}
_FILE_TAGS = {"FN", "VR", "EF"}


def load_wos_text(path: Path | str, *, source: str = "wos", run_id: str = "") -> Iterator[Citation]:
    path = Path(path)
    with open_text(path) as handle:
        yield from unique_ids(parse_wos_text(handle, source=source, run_id=run_id, payload=str(path)))


def parse_wos_text(
    lines: TextIO | list[str], *, source: str, run_id: str, payload: str
) -> Iterator[Citation]:
    fields: dict[str, str] = {}
    tag, start, index = "", 0, 0
    for number, line in numbered_lines(lines, payload):
        if not line.strip():
            continue
        if line.startswith("   ") and tag:
            fields[tag] += ("; " if tag in _LIST_TAGS else " ") + line.strip()
            continue
        match = _LINE.match(line)
        if not match:
            raise RecordParseError(
                f"not a Web of Science tagged line: {line[:40]!r}", path=payload, line=number
            )
        tag, value = match.group(1), (match.group(2) or "").strip()
        if tag in _FILE_TAGS and not fields:
            tag = ""
        elif tag == "ER":
            index += 1
            yield _citation(fields, source, run_id, payload, index, start)
            fields, tag = {}, ""
        else:
            start = start if fields else number
            fields[tag] = f"{fields[tag]}; {value}" if tag in fields else value
    if fields:
        raise RecordParseError("record not closed by ER: the file is cut short", path=payload, index=index + 1,
                               line=start)  # fmt: skip
    if index == 0:
        raise RecordParseError("no Web of Science records found (expected 'PT J' ... 'ER')", path=payload)


def _citation(
    fields: dict[str, str], source: str, run_id: str, payload: str, index: int, line: int
) -> Citation:
    row = {tag: value for tag, value in fields.items() if tag != "ID"}  # ID is Keywords Plus, not an id
    if "UT" not in row:
        raise RecordParseError(
            "record has no UT (accession number) line", path=payload, index=index, line=line
        )
    return citation_from_row(row, columns_of(list(row)), source, run_id, payload, index, line)
