"""A review's extraction knowledge as data: ``extraction.toml`` in the review folder (named by
``[tables] extraction`` in review.toml). The tables and their headers, which drug classes go to which
table, the drug lexicon, and the site, line-of-treatment and outcome vocabularies all come from
there; the engine (``extract.rows``) holds no disease- or paper-specific words. Every problem names
the file and the key."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litreview.errors import ConfigError
from litreview.extract.lexicon import Lexicon, load_lexicon
from litreview.extract.trials import TABLE_COLUMNS


@dataclass(frozen=True)
class SiteRule:
    label: str
    pattern: re.Pattern[str]
    requires: re.Pattern[str] | None = None
    group: str = ""
    unless: tuple[str, ...] = ()
    stop: bool = False


@dataclass(frozen=True)
class Outcome:
    label: str
    pattern: re.Pattern[str]
    unit: str = ""
    format: str = "{label}: {value}{unit}"


@dataclass(frozen=True)
class ExtractionSpec:
    path: Path
    lexicon: Lexicon
    class_aliases: dict[str, str]
    headers: tuple[tuple[str, str], ...]
    tables: dict[frozenset[str], tuple[str, str]]  # drug classes -> (table number, category)
    titles: dict[str, str]  # table number -> title
    sites: tuple[SiteRule, ...]
    any_site: re.Pattern[str] | None
    site_fallback: str
    lines: tuple[tuple[str, re.Pattern[str]], ...]
    line_unknown: str
    outcomes: tuple[Outcome, ...]


_KEYS = {"lexicon", "class_aliases", "headers", "tables", "sites", "lines", "outcomes"}


def load_spec(path: Path) -> ExtractionSpec:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror}", path=path) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", path=path) from exc
    fail = lambda key, what: ConfigError(f"{key}: {what}", path=path)  # noqa: E731
    unknown = set(data) - _KEYS
    if unknown:
        raise fail(sorted(unknown)[0], f"unknown key (known: {', '.join(sorted(_KEYS))})")
    lexicon_name = _text(data, "lexicon", fail)
    lexicon_path = (path.parent / lexicon_name).resolve()
    if path.parent.resolve() not in lexicon_path.parents:
        raise fail("lexicon", "must name a file inside the review folder")
    try:
        lexicon = load_lexicon(lexicon_path)
    except (OSError, ValueError, tomllib.TOMLDecodeError, KeyError) as exc:
        raise fail("lexicon", f"{lexicon_name}: {exc}") from exc
    aliases = data.get("class_aliases", {})
    if not isinstance(aliases, dict) or not all(isinstance(v, str) for v in aliases.values()):
        raise fail("class_aliases", "expected a table of class = class")
    headers = data.get("headers")
    if not isinstance(headers, list) or not all(
        isinstance(h, list) and len(h) == 2 and all(isinstance(x, str) for x in h) for h in headers
    ):
        raise fail("headers", 'expected a list of ["column", "Header"] pairs')
    for column, _ in headers:
        if column not in TABLE_COLUMNS:
            raise fail("headers", f"unknown column {column!r} (one of {', '.join(TABLE_COLUMNS)})")
    tables, titles = {}, {}
    for i, table in enumerate(_tables(data, "tables", fail), start=1):
        key = f"tables #{i}"
        classes = table.get("classes")
        if not isinstance(classes, list) or not classes or not all(isinstance(c, str) for c in classes):
            raise fail(f"{key}.classes", "expected a non-empty list of drug classes")
        number, category = _text(table, "number", fail, key), _text(table, "category", fail, key)
        tables[frozenset(classes)] = (number, category)
        titles[number] = _text(table, "title", fail, key)
    sites = data.get("sites", {})
    rules = []
    for i, rule in enumerate(_tables(sites, "rules", fail, "sites"), start=1):
        key = f"sites.rules #{i}"
        unless = rule.get("unless", [])
        if not isinstance(unless, list):
            raise fail(key, "unless: expected a list of labels")
        rules.append(SiteRule(_text(rule, "label", fail, key), _regex(rule, "pattern", fail, key),
                              _regex(rule, "requires", fail, key) if "requires" in rule else None,
                              str(rule.get("group", "")), tuple(map(str, unless)), bool(rule.get("stop", False))))  # fmt: skip
    lines = data.get("lines", {})
    line_rules = tuple(
        (_text(r, "label", fail, f"lines.rules #{i}"), _regex(r, "pattern", fail, f"lines.rules #{i}"))
        for i, r in enumerate(_tables(lines, "rules", fail, "lines"), start=1)
    )
    outcomes = tuple(
        Outcome(
            _text(o, "label", fail, f"outcomes #{i}"),
            _regex(o, "pattern", fail, f"outcomes #{i}", 0),
            str(o.get("unit", "")),
            str(o.get("format", "{label}: {value}{unit}")),
        )
        for i, o in enumerate(_tables(data, "outcomes", fail), start=1)
    )
    return ExtractionSpec(
        path, lexicon, {str(k): str(v) for k, v in aliases.items()}, tuple((c, h) for c, h in headers), tables,
        titles, tuple(rules), _regex(sites, "any_site", fail, "sites") if "any_site" in sites else None,
        str(sites.get("fallback", "")), line_rules, str(lines.get("unknown", "Unknown")), outcomes,
    )  # fmt: skip


def _tables(data: Any, key: str, fail, where: str = "") -> list[dict[str, Any]]:
    value = data.get(key, []) if isinstance(data, dict) else []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise fail(f"{where}.{key}" if where else key, "expected [[tables]] of that name")
    return value


def _text(table: dict[str, Any], key: str, fail, where: str = "") -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise fail(f"{where}.{key}" if where else key, "expected a non-empty string")
    return value


def _regex(table: dict[str, Any], key: str, fail, where: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    text = _text(table, key, fail, where)
    try:
        return re.compile(text, flags)
    except re.error as exc:
        raise fail(f"{where}.{key}", f"not a regular expression ({exc})") from exc
