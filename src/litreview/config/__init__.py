"""Load a review's protocol (``review.toml``) and the run settings (environment variables).

The protocol is data a reviewer writes: :mod:`litreview.config.models` types every table and key of
it, and every problem is reported as one :class:`~litreview.errors.ConfigError` naming the file,
the key path and, where it can be found, the line.
"""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from litreview.config.models import (
    DATE_RE,
    FILE_FORMATS,
    SOURCE_KINDS,
    ReviewFile,
    ScreeningTable,
    SourceTable,
)
from litreview.config.typed import Loc, key_path, line_of, located_error
from litreview.errors import ConfigError, QueryError
from litreview.query.repair import apply_accepted

__all__ = [
    "DATE_RE",
    "FILE_FORMATS",
    "SOURCE_KINDS",
    "Protocol",
    "Settings",
    "SourceSpec",
    "inside_folder",
    "load_protocol",
    "resolve_protocol_path",
    "screening_table",
]

DEFAULT_EUTILS_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
DEFAULT_CTGOV_URL = "https://clinicaltrials.gov/api/v2/"
DEFAULT_EUROPEPMC_URL = "https://www.ebi.ac.uk/europepmc/webservices/rest/"


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
    europepmc_url: str = DEFAULT_EUROPEPMC_URL  # open-access full texts (Europe PMC's REST search)
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
            europepmc_url=_with_slash(env.get("LITREVIEW_EUROPEPMC_URL", DEFAULT_EUROPEPMC_URL)),
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


def resolve_protocol_path(review: Path) -> Path:
    """Accept either a review folder or its ``review.toml``."""
    path = review / "review.toml" if review.is_dir() else review
    if not path.exists():
        raise ConfigError("protocol not found (expected a folder holding review.toml)", path=path)
    return path


def load_protocol(review: Path | str) -> Protocol:
    """Read and validate ``review.toml``, all of it (``[screening]`` too, so a bad rule stops a run
    before it starts); raise one ConfigError naming the file, the key path and the line."""
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
        # tomllib states the position in its message only (Python 3.14 adds fields)
        match = re.search(r"line (\d+)", str(exc))
        raise ConfigError(
            f"invalid TOML: {exc}", path=path, line=int(match.group(1)) if match else None
        ) from exc
    try:
        model = ReviewFile.model_validate(data)
    except ValidationError as exc:
        raise located_error(exc, ReviewFile, path, text, lambda loc: _rule_id(data, loc)) from None
    return _build_protocol(model, data, path, text, hashlib.sha256(blob).hexdigest())


def _rule_id(data: Mapping[str, Any], loc: Loc) -> str | None:
    """The id of the screening rule a location lies in, as written, to name the rule in errors."""
    if len(loc) < 3 or loc[:2] != ("screening", "rules") or not isinstance(loc[2], int):
        return None
    rules = data.get("screening", {}).get("rules") if isinstance(data.get("screening"), dict) else None
    if not isinstance(rules, list) or not 0 <= loc[2] < len(rules) or not isinstance(rules[loc[2]], dict):
        return None
    rule_id = rules[loc[2]].get("id")
    return rule_id.strip() or None if isinstance(rule_id, str) else None


def screening_table(
    screening: Mapping[str, Any] | ScreeningTable, where: str = "review.toml"
) -> ScreeningTable:
    """``[screening]`` as written, validated on its own (without the file's text, so without lines):
    what screen.rules builds its rules from."""
    if isinstance(screening, ScreeningTable):
        return screening
    try:
        return ScreeningTable.model_validate(screening)
    except ValidationError as exc:
        error = located_error(
            exc,
            ScreeningTable,
            where,
            None,
            lambda loc: _rule_id({"screening": screening}, ("screening", *loc)),
        )
        key = f"screening.{error.key}" if error.key else "screening"
        raise ConfigError(error.problem, path=where, key=key, rule_id=error.rule_id) from None


def inside_folder(
    folder: Path,
    value: Any,
    protocol_path: Path,
    what: str,
    allow_outside: bool = False,
) -> Path:
    """``value`` as a path inside the review folder. A review folder may come from anyone: a path
    that is absolute, climbs out with ``..`` or leads out through a symlink is refused (never read,
    never echoed), unless the protocol opts in with ``[review] files_outside_folder = true``."""
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(
            f"expected a path (a string), got {type(value).__name__}", path=protocol_path, key=what
        )
    candidate = folder / value
    if allow_outside:
        return candidate
    try:
        candidate.resolve().relative_to(folder.resolve())
    except ValueError:
        raise ConfigError(
            f"{value!r} lies outside the review folder (set [review] files_outside_folder = true to allow it)",
            path=protocol_path,
            key=what,
        ) from None
    return candidate


def _inside(folder: Path, value: str, path: Path, text: str, loc: Loc, outside: bool) -> Path:
    """inside_folder for a key of review.toml; its line is looked up only when it is refused."""
    try:
        return inside_folder(folder, value, path, key_path(loc), outside)
    except ConfigError as exc:
        raise ConfigError(exc.problem, path=path, line=line_of(text, loc), key=exc.key) from None


def _build_protocol(model: ReviewFile, data: dict[str, Any], path: Path, text: str, sha256: str) -> Protocol:
    """The validated protocol with its paths resolved inside the review folder."""
    folder = path.parent
    outside = model.review.files_outside_folder
    sources = tuple(
        _build_source(source, index, folder, path, text, outside)
        for index, source in enumerate(model.sources)
    )
    snapshot = _inside(folder, model.snapshot.dir, path, text, ("snapshot", "dir"), outside)
    return Protocol(
        review_id=model.review.id,
        title=model.review.title,
        citation=model.review.citation,
        doi=model.review.doi,
        path=path,
        folder=folder,
        sources=sources,
        snapshot_dir=snapshot.resolve(),
        reported=dict(data.get("reported", {})),
        criteria=dict(data.get("criteria", {})),
        tables=dict(data.get("tables", {})),
        repairs=dict(data.get("repairs", {})),
        screening=dict(data.get("screening", {})),
        raw=data,
        sha256=sha256,
    )


def _build_source(
    source: SourceTable, index: int, folder: Path, path: Path, text: str, outside: bool = False
) -> SourceSpec:
    def resolved(key: str, value: str | None) -> Path | None:
        if value is None:
            return None
        loc = ("sources", index, key)
        candidate = _inside(folder, value, path, text, loc, outside)
        if key == "query_file" and not candidate.exists():
            raise ConfigError(
                f"{candidate.name} does not exist", path=path, line=line_of(text, loc), key=key_path(loc)
            )
        return candidate

    query_file, file = resolved("query_file", source.query_file), resolved("file", source.file)
    return SourceSpec(
        name=source.name,
        kind=source.kind,
        label=source.label if source.label is not None else source.name,
        platform=source.platform,
        query_file=query_file,
        file=file,
        format=source.format,
        field=source.field,
        mindate=source.mindate,
        maxdate=source.maxdate,
        datetype=source.datetype,
        searched=source.searched,
        group=source.group or ("registers" if source.kind == "ctgov" else "databases"),
    )
