"""A PRISMA2020 template CSV (filled by hand, or downloaded from the PRISMA2020 Shiny app) read back
into a flow the diagram draws, after the same arithmetic check litreview's own counts pass.

The template's ``n`` is a number, or for per-source and per-reason rows a ``Name, n; Name, n`` list.
Rows are found by their ``data`` key; a key the template lists but the file lacks counts as 0.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litreview.errors import ConfigError, RecordParseError
from litreview.report.prisma2020_csv import TEMPLATE, check_template
from litreview.sources.common import read_csv_table

LISTS = {"database_specific_results", "register_specific_results", "dbr_excluded", "other_excluded"}
_BLANK = {"", "na", "n/a"}


def read_template(path: Path) -> dict[str, Any]:
    """``data`` key → count (int), or ``{name: count}`` for a list row that names its parts; errors
    name the line."""
    known = {key for key, *_ in TEMPLATE if key != "NA"}
    values: dict[str, Any] = {}
    header, rows = read_csv_table(path)
    missing = {"data", "n"} - set(header)
    if missing:
        raise RecordParseError(
            f"not a PRISMA2020 template: no {', '.join(sorted(missing))} column", path=path, line=1
        )
    for line, row in rows:
        key = row.get("data", "").strip()
        if key in known:
            values[key] = _value(key, row.get("n", "").strip(), path, line)
    if not any(key in values for key in ("database_results", "register_results", "records_screened")):
        raise RecordParseError("not a PRISMA2020 template: no database_results, register_results or "
                               "records_screened row", path=path)  # fmt: skip
    return {key: values.get(key, {} if key in LISTS else 0) for key in known}


def _value(key: str, text: str, path: Path, line: int) -> Any:
    if text.lower() in _BLANK:
        return {} if key in LISTS else 0
    if text.isdigit():
        return int(text)  # a list row may give just its total
    if key not in LISTS:
        raise RecordParseError(f"{key}: n {text!r} is not a count", path=path, line=line)
    out: dict[str, int] = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        name, _, count = part.rpartition(",")
        if not name.strip() or not count.strip().isdigit():
            raise RecordParseError(f"{key}: {part.strip()!r} is not 'Name, n'", path=path, line=line)
        out[name.strip()] = out.get(name.strip(), 0) + int(count)
    return out


def _total(value: int | dict[str, int]) -> int:
    return sum(value.values()) if isinstance(value, dict) else value


def _parts(value: int | dict[str, int]) -> dict[str, int]:
    return value if isinstance(value, dict) else {}


def flow_from_template(values: dict[str, Any], where: str) -> dict[str, Any]:
    """The flow ``diagram.draw`` takes, from checked template values."""
    try:
        check_template({k: _total(v) for k, v in values.items()})
    except AssertionError as exc:
        raise ConfigError(f"{where}: {exc}; nothing drawn") from exc
    databases = _parts(values["database_specific_results"]) or (
        {"Databases": values["database_results"]} if values["database_results"] else {}
    )
    registers = _parts(values["register_specific_results"]) or (
        {"Registers": values["register_results"]} if values["register_results"] else {}
    )
    other = {name: values[key] for name, key in (("Websites", "website_results"),
             ("Organisations", "organisation_results"), ("Citation searching", "citations_results")) if values[key]}  # fmt: skip

    def reports(prefix: str, excluded: int | dict[str, int]) -> dict[str, Any]:
        sought, missing = values[f"{prefix}_sought_reports"], values[f"{prefix}_notretrieved_reports"]
        return {
            "reports_sought": sought,
            "reports_not_retrieved": missing,
            "reports_assessed": values[f"{prefix}_assessed"],
            "reports_awaiting_assessment": 0,
            "reports_excluded": _total(excluded),
            "reports_excluded_by_reason": _parts(excluded),
        }

    return {
        "identification": {
            "databases": {"total": values["database_results"], "by_source": databases},
            "registers": {"total": values["register_results"], "by_source": registers},
            "other": {"total": sum(other.values()), "by_source": other},
        },
        "duplicates_removed": {"total": values["duplicates"], "by_group": {"other": 0}},
        "databases_and_registers": {
            "removed_before_screening": {"automation": values["excluded_automatic"],
                                         "other": values["excluded_other"]},
            "records_screened": values["records_screened"],
            "records_excluded": values["records_excluded"],
            "records_excluded_by_reason": {},
            "records_awaiting_screening": 0,
            **reports("dbr", values["dbr_excluded"]),
        },
        "other_methods": reports("other", values["other_excluded"]),
        "previous": {"studies": values["previous_studies"], "reports": values["previous_reports"]},
        "new_studies": values["new_studies"],
        "new_reports": values["new_reports"],
        "total_studies": values["total_studies"],
        "total_reports": values["total_reports"],
    }  # fmt: skip
