"""Load a review's protocol (``review.toml``) and the run settings (environment variables).

The protocol is data a reviewer writes; every problem with it is reported as a
:class:`~litreview.errors.ConfigError` naming the file and, where it can be found, the line.
"""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from litreview.errors import ConfigError, LitreviewError, QueryError
from litreview.query.repair import apply_accepted

SOURCE_KINDS = ("pubmed", "ctgov", "file")
# The file formats a source may name; importers.READERS has one reader for each, checked on import.
FILE_FORMATS = ("ris", "nbib", "pubmed-xml", "endnote-xml", "wos-text", "ctgov-json", "csv", "jsonl")
DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")

DEFAULT_EUTILS_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
DEFAULT_CTGOV_URL = "https://clinicaltrials.gov/api/v2/"


@dataclass(frozen=True)
class SourceSpec:
    """One source of the protocol: a database searched live, a registry, or an export file."""

    name: str
    kind: str
    label: str
    platform: str = ""
    query_file: Path | None = None
    file: Path | None = None
    format: str = "ris"
    field: str = "cond"  # CT.gov: which query parameter the query text goes to
    mindate: str = ""
    maxdate: str = ""
    datetype: str = "edat"
    searched: str = ""
    group: str = "databases"  # PRISMA column: databases | registers | other

    def query_text(self) -> str:
        """The query exactly as written in its file (never rewritten)."""
        if self.query_file is None:
            return ""
        try:
            return self.query_file.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot read query file: {exc.strerror}", path=self.query_file) from exc


@dataclass(frozen=True)
class Protocol:
    """A review's protocol as loaded from its folder."""

    review_id: str
    title: str
    path: Path
    folder: Path
    sources: tuple[SourceSpec, ...]
    snapshot_dir: Path
    citation: str = ""
    doi: str = ""
    reported: dict[str, Any] = field(default_factory=dict)
    criteria: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, Any] = field(default_factory=dict)
    repairs: dict[str, Any] = field(default_factory=dict)
    screening: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)
    sha256: str = ""

    def query_as_run(self, spec: SourceSpec) -> tuple[str, tuple[str, ...]]:
        """A source's query as every run uses it: the file as written with the repair this protocol
        accepted (``[repairs.<source>]``, checked against the file's sha256) applied in memory, and
        the edits applied (as "delete ')' at 1:169")."""
        written = spec.query_text()
        accepted = self.repairs.get(spec.name)
        if accepted is None:
            return written, ()
        if not isinstance(accepted, dict) or not isinstance(accepted.get("edits"), list):
            raise ConfigError(f'[repairs.{spec.name}] needs edits = ["..."] and sha256', path=self.path)
        try:
            repair = apply_accepted(
                written, accepted["edits"], str(accepted.get("sha256", "")), str(spec.query_file)
            )
        except QueryError as exc:
            raise ConfigError(str(exc), path=self.path) from exc
        return repair.text, tuple(repair.describe())

    def source(self, name: str) -> SourceSpec:
        for spec in self.sources:
            if spec.name == name:
                return spec
        raise ConfigError(f"no source named {name!r}", path=self.path)


@dataclass(frozen=True)
class Settings:
    """Run settings from the environment. The API key is kept out of ``repr``."""

    ncbi_email: str = ""
    ncbi_api_key: str = field(default="", repr=False)
    ncbi_tool: str = "litreview"
    eutils_url: str = DEFAULT_EUTILS_URL
    ctgov_url: str = DEFAULT_CTGOV_URL
    http_tries: int = 5  # attempts per request (429, 5xx, resets, timeouts, cut-off bodies)
    http_backoff: float = 1.0  # first retry delay in seconds, doubled each time (Retry-After wins)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ) if env is None else env
        return cls(
            ncbi_email=env.get("LITREVIEW_NCBI_EMAIL", ""),
            ncbi_api_key=env.get("LITREVIEW_NCBI_API_KEY", ""),
            ncbi_tool=env.get("LITREVIEW_NCBI_TOOL", "litreview"),
            eutils_url=_with_slash(env.get("LITREVIEW_EUTILS_URL", DEFAULT_EUTILS_URL)),
            ctgov_url=_with_slash(env.get("LITREVIEW_CTGOV_URL", DEFAULT_CTGOV_URL)),
            http_tries=_number(env, "LITREVIEW_HTTP_TRIES", 5, int),
            http_backoff=_number(env, "LITREVIEW_HTTP_BACKOFF", 1.0, float),
        )


def _number(env: dict[str, str], name: str, default, kind):
    try:
        value = kind(env[name]) if env.get(name) else default
    except ValueError:
        raise ConfigError(f"{name}={env[name]!r} is not a number") from None
    if value < 0 or (kind is int and value < 1):
        raise ConfigError(f"{name}={env[name]!r} is out of range")
    return value


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def _line_of(text: str, needle: str) -> int | None:
    """The first line on which ``needle`` appears, to point the reader at a bad key."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    return None


def resolve_protocol_path(review: Path) -> Path:
    """Accept either a review folder or its ``review.toml``."""
    path = review / "review.toml" if review.is_dir() else review
    if not path.exists():
        raise ConfigError("protocol not found (expected a folder holding review.toml)", path=path)
    return path


def load_protocol(review: Path | str) -> Protocol:
    """Read and validate ``review.toml``; raise ConfigError naming the file and line."""
    path = resolve_protocol_path(Path(review))
    try:
        blob = path.read_bytes()
        text = blob.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 text (byte {exc.start})", path=path) from exc
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror}", path=path) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise ConfigError(
            f"invalid TOML: {exc}", path=path, line=int(match.group(1)) if match else None
        ) from exc
    _check_shape(data, path, text)
    return _build_protocol(data, path, text, hashlib.sha256(blob).hexdigest())


# What review.toml may hold: a mistyped table or key is an error, never silently dropped (a
# "[[source]]" would otherwise drop that source and change the PRISMA counts without a word).
_TABLES: dict[str, tuple[type, frozenset[str] | None]] = {
    "review": (dict, frozenset({"id", "title", "citation", "doi", "files_outside_folder"})),
    "sources": (list, frozenset({"name", "kind", "label", "platform", "query_file", "file", "format", "field",
                                 "mindate", "maxdate", "datetype", "searched", "group"})),
    "snapshot": (dict, frozenset({"dir"})),
    "repairs": (dict, None),
    "reported": (dict, None),
    "criteria": (dict, frozenset({"include", "exclude", "citation_searching"})),
    "tables": (dict, frozenset({"extraction", "overrides"})),
    "screening": (dict, None),  # checked with its rules
}  # fmt: skip
_STRING_KEYS = {"name", "kind", "label", "platform", "format", "field", "mindate", "maxdate", "datetype",
                "searched", "group", "id", "title", "citation", "doi", "dir", "extraction", "overrides"}  # fmt: skip


def _check_shape(data: dict[str, Any], path: Path, text: str) -> None:
    """Every table and key of review.toml is known and of the right type: ``file: key: expected``."""
    for name, value in data.items():
        if name not in _TABLES:
            raise ConfigError(
                f"unknown table or key [{name}] (known: {', '.join(sorted(_TABLES))})",
                path=path,
                line=_line_of(text, name),
            )
        kind, keys = _TABLES[name]
        if not isinstance(value, kind):
            what = "[[" + name + "]] tables" if kind is list else "a [" + name + "] table"
            raise ConfigError(
                f"{name}: expected {what}, got {type(value).__name__}", path=path, line=_line_of(text, name)
            )
        entries = value if isinstance(value, list) else [value]
        for position, entry in enumerate(entries, start=1):
            where = f"{name} #{position}" if kind is list else name
            if not isinstance(entry, dict):
                raise ConfigError(f"{where}: expected a table, got {type(entry).__name__}", path=path)
            for key, item in entry.items():
                if keys is not None and key not in keys:
                    raise ConfigError(
                        f"{where}: unknown key {key!r} (known: {', '.join(sorted(keys))})",
                        path=path,
                        line=_line_of(text, key),
                    )
                if keys is not None and key in _STRING_KEYS and not isinstance(item, str):
                    raise ConfigError(f"{where}: {key}: expected a string, got {type(item).__name__}",
                                      path=path, line=_line_of(text, key))  # fmt: skip


def _require(table: dict[str, Any], key: str, where: str, path: Path, text: str) -> Any:
    if key not in table or table[key] in ("", None):
        raise ConfigError(
            f"missing required key {key!r} in [{where}]",
            path=path,
            line=_line_of(text, f"[{where}") or _line_of(text, where),
        )
    return table[key]


def _screening(data: dict[str, Any], path: Path, text: str) -> dict[str, Any]:
    """``[screening]`` as written, checked now so a bad rule stops a run before it starts."""
    from litreview.screen.rules import (
        load_confirmations,
        load_decision_files,
        load_reviewers_per_record,
        load_unblind,
    )

    screening = data.get("screening", {})
    if not isinstance(screening, dict):
        raise ConfigError("[screening] must be a table", path=path, line=_line_of(text, "[screening"))
    try:
        load_confirmations(screening, where=str(path))  # checks the rules too
        load_decision_files(screening, where=str(path))
        load_reviewers_per_record(screening, where=str(path))
        load_unblind(screening, where=str(path))
    except LitreviewError as exc:
        rule = re.search(r"screening rule '([^']+)'", str(exc))
        line = _line_of(text, f'id = "{rule.group(1)}"') if rule else _line_of(text, "[[screening.rules]]")
        for table, words in (("confirmations", "confirmation"), ("decision_files", "decision file")):
            if words in str(exc):
                line = _line_of(text, f"[[screening.{table}]]")
        for key in ("reviewers_per_record", "unblind"):
            if f"] {key}" in str(exc) or f"{key} must" in str(exc):
                line = _line_of(text, key)
        raise ConfigError(str(exc).removeprefix(f"{path}: "), path=path, line=line) from exc
    return screening


def inside_folder(
    folder: Path, value: Any, protocol_path: Path, what: str, allow_outside: bool = False
) -> Path:
    """``value`` as a path inside the review folder. A review folder may come from anyone: a path
    that is absolute, climbs out with ``..`` or leads out through a symlink is refused (never read,
    never echoed), unless the protocol opts in with ``[review] files_outside_folder = true``."""
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(
            f"{what}: expected a path (a string), got {type(value).__name__}", path=protocol_path
        )
    candidate = folder / value
    if allow_outside:
        return candidate
    try:
        candidate.resolve().relative_to(folder.resolve())
    except ValueError:
        raise ConfigError(
            f"{what}: {value!r} lies outside the review folder (set [review] files_outside_folder = true "
            "to allow it)",
            path=protocol_path,
        ) from None
    return candidate


def _build_protocol(data: dict[str, Any], path: Path, text: str, sha256: str) -> Protocol:
    folder = path.parent
    review = data.get("review")
    if not isinstance(review, dict):
        raise ConfigError("missing [review] table", path=path)
    review_id = str(_require(review, "id", "review", path, text))
    if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", review_id):
        raise ConfigError(
            f"review id {review_id!r} must be a plain folder name", path=path, line=_line_of(text, "id")
        )
    raw_sources = data.get("sources")
    if not isinstance(raw_sources, list) or not raw_sources:
        raise ConfigError("no [[sources]] defined", path=path)
    outside = review.get("files_outside_folder", False)
    if not isinstance(outside, bool):
        raise ConfigError("[review] files_outside_folder must be true or false", path=path)
    sources = tuple(_build_source(s, i, folder, path, text, outside) for i, s in enumerate(raw_sources, 1))
    names = [s.name for s in sources]
    if len(set(names)) != len(names):
        raise ConfigError(f"source names must be unique, got {names}", path=path)
    snapshot_table = data.get("snapshot", {})
    if not isinstance(snapshot_table, dict):
        raise ConfigError('[snapshot] must be a table (dir = "snapshot")', path=path)
    snapshot = inside_folder(folder, snapshot_table.get("dir", "snapshot"), path, "[snapshot] dir", outside)
    return Protocol(
        review_id=review_id,
        title=str(review.get("title", "")),
        citation=str(review.get("citation", "")),
        doi=str(review.get("doi", "")),
        path=path,
        folder=folder,
        sources=sources,
        snapshot_dir=snapshot.resolve(),
        reported=dict(data.get("reported", {})),
        criteria=dict(data.get("criteria", {})),
        tables=dict(data.get("tables", {})),
        repairs=dict(data.get("repairs", {})),
        screening=_screening(data, path, text),
        raw=data,
        sha256=sha256,
    )


def _build_source(
    raw: Any, index: int, folder: Path, path: Path, text: str, outside: bool = False
) -> SourceSpec:
    where = f"sources #{index}"
    if not isinstance(raw, dict):
        raise ConfigError(f"[[sources]] #{index} must be a table", path=path)
    name = str(_require(raw, "name", "sources", path, text))
    line = _line_of(text, f'"{name}"')
    kind = str(raw.get("kind", ""))
    if kind not in SOURCE_KINDS:
        raise ConfigError(
            f"{where} ({name}): kind must be one of {', '.join(SOURCE_KINDS)}, got {kind!r}",
            path=path,
            line=line,
        )
    for key in ("mindate", "maxdate", "searched"):
        value = str(raw.get(key, ""))
        if value and not DATE_RE.match(value.replace("/", "-")):
            raise ConfigError(
                f"{where} ({name}): {key} {value!r} is not a date (YYYY-MM-DD)",
                path=path,
                line=_line_of(text, value),
            )
    query_file = (
        inside_folder(folder, raw["query_file"], path, f"{where} ({name}): query_file", outside)
        if "query_file" in raw
        else None
    )
    file = (
        inside_folder(folder, raw["file"], path, f"{where} ({name}): file", outside)
        if "file" in raw
        else None
    )
    if kind in ("pubmed", "ctgov") and query_file is None:
        raise ConfigError(f"{where} ({name}): a {kind} source needs query_file", path=path, line=line)
    if kind == "file" and file is None:
        raise ConfigError(f"{where} ({name}): a file source needs file", path=path, line=line)
    for candidate in (query_file,):
        if candidate is not None and not candidate.exists():
            raise ConfigError(
                f"{where} ({name}): {candidate.name} does not exist",
                path=path,
                line=_line_of(text, candidate.name),
            )
    fmt = str(raw.get("format", "ris"))
    if kind == "file" and fmt not in FILE_FORMATS:
        raise ConfigError(
            f"{where} ({name}): format must be one of {', '.join(FILE_FORMATS)}", path=path, line=line
        )
    group = str(raw.get("group", "registers" if kind == "ctgov" else "databases"))
    if group not in ("databases", "registers", "other"):
        raise ConfigError(
            f"{where} ({name}): group must be databases, registers or other", path=path, line=line
        )
    return SourceSpec(
        name=name,
        kind=kind,
        label=str(raw.get("label", name)),
        platform=str(raw.get("platform", "")),
        query_file=query_file,
        file=file,
        format=fmt,
        field=str(raw.get("field", "cond")),
        mindate=str(raw.get("mindate", "")),
        maxdate=str(raw.get("maxdate", "")),
        datetype=str(raw.get("datetype", "edat")),
        searched=str(raw.get("searched", "")),
        group=group,
    )
