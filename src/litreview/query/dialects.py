"""The field tags and codes of each search syntax, loaded from ``dialects.toml`` (data, not code):
what the parser reads and what the translator writes, for PubMed, Ovid, Embase.com and CT.gov."""

from __future__ import annotations

import tomllib
from importlib.resources import files
from typing import Any

from litreview.query.ast import FIELDS

_DATA: dict[str, Any] = tomllib.loads(
    files("litreview.query").joinpath("dialects.toml").read_text(encoding="utf-8")
)


def _read(syntax: str) -> dict[str, tuple[str, ...]]:
    table = {tag: tuple(fields) for tag, fields in _DATA[syntax]["read"].items()}
    unknown = sorted({f for fields in table.values() for f in fields} - set(FIELDS))
    if unknown:  # a typo in the data file fails at import, not on a user's strategy
        raise ValueError(f"dialects.toml [{syntax}.read]: unknown canonical field(s) {', '.join(unknown)}")
    return table


def _write(syntax: str) -> dict[str, str]:
    table = dict(_DATA[syntax]["write"])
    unknown = sorted(set(table) - set(FIELDS))
    if unknown:
        raise ValueError(f"dialects.toml [{syntax}.write]: unknown canonical field(s) {', '.join(unknown)}")
    return table


# read: tag or code as written -> canonical fields
PUBMED_TAGS = _read("pubmed")
OVID_CODES = _read("ovid")
EMBASE_CODES = _read("embase")
# write: canonical field -> tag or code printed
PUBMED_WRITE = _write("pubmed")
OVID_WRITE = _write("ovid")
EMBASE_WRITE = _write("embase")
PUBMED_TAG_FIELDS: dict[str, str] = dict(_DATA["pubmed"]["einfo"])
OVID_FIELD_CODES = frozenset(_DATA["ovid"]["printable"]["codes"])
EMBASE_FIELD_CODES = frozenset(_DATA["embase"]["printable"]["codes"])
CTGOV_AREAS = {field: tuple(areas) for field, areas in _DATA["ctgov"]["areas"].items()}
