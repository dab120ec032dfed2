"""Writing files safely, for every layer: atomic writes (a reader never sees half a file, a failure
leaves the old file), no writing through a symlink or over an input, hashes, and the CSV/JSON/XLSX
writers of the rendered outputs. The bottom layer: it imports nothing of litreview but its errors
and, lazily, the record model."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from litreview.errors import LitreviewError, OutputError


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    """The sha256 of a file's bytes; '' when there is no such file."""
    return sha256_bytes(path.read_bytes()) if path.exists() else ""


@contextlib.contextmanager
def atomic_open(path: Path, mode: str = "wb", **kwargs: Any) -> Iterator[IO[Any]]:
    """A temporary sibling to write, renamed over ``path`` only when the block ends without error,
    so a reader never sees half a file and a failure leaves the old file as it was."""
    refuse_symlink(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:  # name the file the user asked for, not our temporary sibling
        raise OutputError(f"{path}: cannot write here ({exc.strerror or exc})") from exc
    try:
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def refuse_symlink(path: Path, error: type[LitreviewError] = OutputError) -> None:
    """Outputs are never written where a symlink stands: it could lead to any file on the machine."""
    if path.is_symlink():
        raise error(f"{path}: is a symbolic link; litreview writes nothing through one")


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temporary sibling and rename, so a reader never sees half a file."""
    with atomic_open(path) as handle:
        handle.write(data)


def text_cells(values: Iterable[Any]) -> list[Any]:
    """Characters XML cannot hold (control characters) become U+FFFD, so a hostile title cannot
    stop the workbook from being written."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return [ILLEGAL_CHARACTERS_RE.sub("\ufffd", v) if isinstance(v, str) else v for v in values]


def append_text_row(sheet: Any, values: Iterable[Any]) -> None:
    """Append ``values`` to an openpyxl worksheet with every string stored as text: openpyxl would
    store a string starting with "=" as a live formula."""
    sheet.append(text_cells(values))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.data_type == "f":
            cell.data_type = "s"


def refuse_overwriting(outputs: Iterable[Path], inputs: Iterable[Path]) -> None:
    """An output that would replace one of the command's own inputs (or a folder) is refused."""
    from litreview.errors import ConfigError

    sources = [p.resolve() for p in inputs if p.exists()]
    for out in outputs:
        if out.is_dir():
            raise ConfigError(f"{out}: is a folder; name a file to write")
        if out.exists() and any(out.resolve() == src for src in sources):
            raise ConfigError(f"{out}: is this command's input; refusing to write over it")


def write_json(path: Path, data: Any) -> None:
    text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    atomic_write_bytes(path, text.encode("utf-8"))


# Spreadsheet formula injection (OWASP "CSV injection"): a cell a spreadsheet would run as a formula
# starts with one of these. Record text comes from anyone (a hostile database export included).
_FORMULA = re.compile(r"'*[=+\-@\t\r]")


def neutralise(value: str) -> str:
    """Prefix a quote to text a spreadsheet would read as a formula (``=HYPERLINK(...)``, ``@cmd``).
    Reversible: text that already starts with quotes before such a character gets one more quote,
    and :func:`restore` takes exactly one away."""
    return "'" + value if _FORMULA.match(value) else value


def restore(value: str) -> str:
    """The text :func:`neutralise` was given."""
    return value[1:] if value.startswith("'") and _FORMULA.match(value[1:]) else value


def write_csv(
    path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, Any]], *, spreadsheet: bool = True
) -> int:
    """``spreadsheet``: the file is for people who open it in Excel, so text that would run as a
    formula is neutralised (numbers are written as they are). Rows are written as they come (a
    million-record list is never held whole), to a temporary sibling renamed when complete."""
    with atomic_open(path, "w", encoding="utf-8", newline="") as handle:
        return _write_csv_rows(handle, columns, rows, spreadsheet)


def csv_bytes(
    columns: Sequence[str],
    rows: Iterable[Mapping[str, Any]],
    *,
    spreadsheet: bool = True,
    counted: list[int] | None = None,
) -> bytes:
    """The CSV :func:`write_csv` writes, as bytes (a download made at request time)."""
    buffer = io.StringIO()
    count = _write_csv_rows(buffer, columns, rows, spreadsheet)
    if counted is not None:
        counted.append(count)
    return buffer.getvalue().encode("utf-8")


def _write_csv_rows(
    handle: IO[str], columns: Sequence[str], rows: Iterable[Mapping[str, Any]], spreadsheet: bool
) -> int:
    # "\r\n" ends rows (RFC 4180, as Excel writes), which also makes the writer quote a field holding
    # a bare carriage return; with "\n" such a field was written unquoted and broke the row apart.
    writer = csv.DictWriter(handle, list(columns), extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    count = 0
    for row in rows:
        cells = {k: ("" if row.get(k) is None else row.get(k)) for k in columns}
        if spreadsheet:
            cells = {k: neutralise(v) if isinstance(v, str) else v for k, v in cells.items()}
        writer.writerow(cells)
        count += 1
    return count


def write_jsonl(path: Path, records: Iterable[Any]) -> int:
    """Records as JSON lines, streamed to a temporary sibling and renamed when complete.

    Every line carries ``record_id``, ``pmid`` or ``nct_id``, ``doi``, ``title``, ``authors``,
    ``journal`` and ``year`` (empty when a record has none), then the record's other fields.
    """
    from litreview.records import to_dict

    count = 0
    with atomic_open(path, "w", encoding="utf-8", newline="\n") as handle:
        for record in records:
            data = to_dict(record)
            head = {k: data.get(k, "") for k in ("record_id", "pmid", "nct_id", "doi", "title")}
            head["authors"] = data.get("authors", [])
            head["journal"] = data.get("journal", "")
            head["year"] = data.get("year", getattr(record, "year", None))
            handle.write(json.dumps({**head, **data}, ensure_ascii=False) + "\n")
            count += 1
    return count
