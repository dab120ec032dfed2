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
