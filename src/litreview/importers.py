"""Read any supported export file into records, choosing the reader by format."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from litreview.errors import ConfigError
from litreview.records import Record
from litreview.sources.ctgov import load_ctgov_json
from litreview.sources.pubmed_xml import load_pubmed_xml
from litreview.sources.ris import load_ris


def load_records(path: Path, fmt: str, *, source: str, run_id: str = "") -> Iterator[Record]:
    """Stream records from ``path`` read as ``fmt``, tagged with ``source``."""
    if fmt == "ris":
        yield from load_ris(path, source=source, run_id=run_id)
    elif fmt == "pubmed-xml":
        yield from load_pubmed_xml(path, source=source, run_id=run_id)
    elif fmt == "ctgov-json":
        yield from load_ctgov_json(path, run_id=run_id)
    else:
        raise ConfigError(f"format {fmt!r} is not supported yet", path=path)


FORMATS_BY_SUFFIX = {
    ".ris": "ris",
    ".xml": "pubmed-xml",
    ".xml.gz": "pubmed-xml",
    ".json": "ctgov-json",
}


def detect_format(path: Path) -> str:
    """The format a file's name implies; a ConfigError names the file when it implies none."""
    name = path.name.lower()
    for suffix, fmt in sorted(FORMATS_BY_SUFFIX.items(), key=lambda kv: -len(kv[0])):
        if name.endswith(suffix):
            return fmt
    known = ", ".join(sorted(FORMATS_BY_SUFFIX))
    raise ConfigError(f"cannot tell the format of this file from its name (known: {known})", path=path)
