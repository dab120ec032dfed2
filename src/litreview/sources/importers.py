"""Read any supported export file into records, choosing the reader by format."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from importlib import import_module
from pathlib import Path

from litreview.errors import ConfigError, RecordParseError
from litreview.records import Record


def load_records(path: Path, fmt: str, *, source: str, run_id: str = "") -> Iterator[Record]:
    """Stream records from ``path`` read as ``fmt``, tagged with ``source``."""
    reader = READERS.get(fmt)
    if reader is None:
        raise ConfigError(f"format {fmt!r} is not supported (choose {', '.join(FORMATS)})", path=path)
    yield from reader(path, source, run_id)


def _parser(
    module: str, function: str, *, sourced: bool = True
) -> Callable[[Path, str, str], Iterable[Record]]:
    """A reader that imports its parser when a file of its format is read: `dedup` on a CSV export
    need not import lxml, rispy and the six other parsers first."""

    def read(path: Path, source: str, run_id: str) -> Iterable[Record]:
        load = getattr(import_module(f"litreview.sources.{module}"), function)
        return load(path, source=source, run_id=run_id) if sourced else load(path, run_id=run_id)

    return read


# The one table of file formats: review.toml's `format`, `litreview import --format` and
# `dedup` all take their names from here, so they cannot drift apart.
READERS: dict[str, Callable[[Path, str, str], Iterable[Record]]] = {
    "ris": _parser("ris", "load_ris"),
    "nbib": _parser("medline_text", "load_medline"),
    "pubmed-xml": _parser("pubmed_xml", "load_pubmed_xml"),
    "endnote-xml": _parser("endnote_xml", "load_endnote_xml"),
    "wos-text": _parser("wos_text", "load_wos_text"),
    "ctgov-json": _parser("ctgov", "load_ctgov_json", sourced=False),  # ids are the registry's
    "csv": _parser("csv_records", "load_csv"),
    "jsonl": lambda path, source, run_id: load_jsonl(path),  # litreview's own records, ids kept
}
# review.toml's formats (config.FILE_FORMATS) are these: a unit test keeps them together, so that a
# command reading an export (dedup, import) need not load the protocol's models (pydantic) to start
FORMATS = tuple(READERS)
FORMATS_BY_SUFFIX = {
    ".ris": "ris",
    ".nbib": "nbib",
    ".medline": "nbib",
    ".xml.gz": "pubmed-xml",
    ".json": "ctgov-json",
    ".csv": "csv",
    ".tsv": "csv",
    ".ciw": "wos-text",  # Web of Science's "EndNote Desktop" export
    ".jsonl": "jsonl",
}


def source_name(fmt: str, path: Path) -> str:
    """The source part of record ids for a file: ``pubmed:<pmid>`` and ``ctgov:<nct>`` wherever PubMed
    or registry records come from; other exports are named after the file."""
    fixed = {"pubmed-xml": "pubmed", "nbib": "pubmed", "ctgov-json": "ctgov"}.get(fmt)
    return fixed or re.sub(r"[^a-z0-9_]+", "_", path.name.split(".")[0].lower()) or "import"


def detect_format(path: Path) -> str:
    """The format of a file, from its name and, for .xml/.txt, its first bytes."""
    name = path.name.lower()
    for suffix, fmt in sorted(FORMATS_BY_SUFFIX.items(), key=lambda kv: -len(kv[0])):
        if name.endswith(suffix):
            return fmt
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096).decode("utf-8-sig", errors="replace")
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror}", path=path) from exc
    if name.endswith(".xml"):
        return "endnote-xml" if "<records>" in head or "<record>" in head else "pubmed-xml"
    if re.search(r"^PMID- ", head, re.MULTILINE):
        return "nbib"
    if re.search(r"^TY  - ", head, re.MULTILINE):
        return "ris"
    if re.match(r"FN |PT [A-Z]\r?$", head, re.MULTILINE):  # Web of Science's "Plain text file"
        return "wos-text"
    if head.split("\n", 1)[0].count("\t") >= 2:  # a tab-delimited table: Web of Science's savedrecs.txt
        return "csv"
    raise ConfigError(
        f"cannot tell the format of this file (choose --format: {', '.join(FORMATS)})", path=path
    )


def load_jsonl(path: Path) -> Iterator[Record]:
    """Records as ``litreview import`` writes them, one JSON object a line; a bad line is a
    RecordParseError naming the file and line (bad JSON, nesting too deep, not a record)."""
    import json

    from litreview.records import from_dict

    try:
        handle = open(path, encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise RecordParseError(f"cannot open: {exc.strerror}", path=path) from exc
    with handle:
        number = 0
        try:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    data = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise RecordParseError(
                        f"not JSON: {exc.msg} at column {exc.colno}", path=path, line=number
                    ) from exc
                except RecursionError as exc:
                    raise RecordParseError(
                        "JSON nested too deep to be a record", path=path, line=number
                    ) from exc
                if not isinstance(data, dict):
                    raise RecordParseError("not a record: a JSON object was expected", path=path, line=number)
                try:
                    yield from_dict(data)
                except (TypeError, ValueError) as exc:
                    raise RecordParseError(f"not a record: {exc}", path=path, line=number) from exc
        except UnicodeDecodeError as exc:
            raise RecordParseError(
                f"not UTF-8 text: byte {exc.object[exc.start]:#04x}", path=path, line=number + 1
            ) from exc
