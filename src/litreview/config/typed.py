"""Typed TOML tables: the strict base model every protocol file is validated with, and its errors
located by file, key path and line.

A reviewer writes these files by hand, so a mistyped key is refused (never silently dropped) and
every problem says where it is: ``review.toml:57: screening.rules[2].outcome: must be one of ...``.
The key path comes from pydantic's structured error location, never from message text; tables in
an array are counted from 1, as a reader counts them; the line is found by the TOML parser itself.
"""

from __future__ import annotations

import tomllib
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from litreview.errors import ConfigError

Loc = tuple[str | int, ...]


class Table(BaseModel):
    """A table of a protocol file: known keys only, values of the written type (no coercion)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Problem(ValueError):
    """A validation problem in the reader's words; ``at`` points below the field (a list item, a
    key of a table) so the key path and the line name exactly the value at fault."""

    def __init__(self, message: str, at: Loc = ()):
        super().__init__(message)
        self.message = message
        self.at = at


def problem(message: str, at: Loc = ()) -> Problem:
    """A Problem to raise from a validator (pydantic reports it with its structured location)."""
    return Problem(message, at)


def key_path(loc: Loc) -> str:
    """``("screening", "rules", 1, "outcome")`` as ``screening.rules[2].outcome``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            bare = part.replace("_", "").replace("-", "").isalnum()
            name = part if bare else f'"{part}"'
            out += f".{name}" if out else name
    return out


def _found(data: Any, loc: Loc) -> int:
    """How many leading parts of ``loc`` exist in ``data``."""
    depth = 0
    for part in loc:
        in_table = isinstance(data, Mapping) and isinstance(part, str) and part in data
        in_list = isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)
        if not (in_table or in_list):
            break
        data = data[part]
        depth += 1
    return depth


def line_of(text: str, loc: Loc) -> int | None:
    """The line where the value at ``loc`` is written (or, if it is missing, the nearest table that
    holds it): the first prefix of the file in which the TOML parser finds it, moved back to where
    a value spread over several lines (a multi-line array or string) begins."""
    lines = text.splitlines()
    first: dict[int, int] = {}  # depth found -> first line
    last_parsed = 0
    start_after: dict[int, int] = {}
    for n in range(1, len(lines) + 1):
        try:
            data = tomllib.loads("\n".join(lines[:n]))
        except tomllib.TOMLDecodeError:
            continue
        depth = _found(data, loc)
        for d in range(1, depth + 1):
            if d not in first:
                first[d], start_after[d] = n, last_parsed
        last_parsed = n
        if depth == len(loc):
            break
    if not first:
        return None
    deepest = max(first)
    number = first[deepest]
    if start_after[deepest] < number - 1:  # the value began after the last prefix that parsed
        number = start_after[deepest] + 1
        while number < first[deepest] and lines[number - 1].strip()[:1] in ("", "#"):
            number += 1
    return number


def _annotation_at(model: type[BaseModel], loc: Loc) -> Any:
    """The model class (or type) that validates the value at ``loc``: to list the keys it knows."""
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel) and isinstance(part, str):
            field = current.model_fields.get(part)
            if field is None:
                return None
            current = field.annotation
        elif typing.get_origin(current) in (list, tuple, dict):
            current = typing.get_args(current)[-1]
        else:
            return None
    return _unwrap(current)


def _unwrap(annotation: Any) -> Any:
    """``Annotated[X, ...]`` and ``X | None`` as X (a model among a union's members first)."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        models = [a for a in members if isinstance(a, type) and issubclass(a, BaseModel)]
        return _unwrap((models or members)[0])
    return annotation


_EXPECTED = {
    "string_type": "a string",
    "int_type": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "a list",
    "tuple_type": "a list",
    "dict_type": "a table",
    "model_type": "a table",
}


def describe(error: Mapping[str, Any], model: type[BaseModel]) -> tuple[Loc, str]:
    """One pydantic error as (location, what is wrong), in a reviewer's words."""
    loc: Loc = tuple(error["loc"])
    kind, value = error["type"], error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "value_error" and isinstance(ctx.get("error"), Problem):
        return loc + ctx["error"].at, ctx["error"].message
    if kind == "extra_forbidden":
        owner = _annotation_at(model, loc[:-1])
        known = sorted(owner.model_fields) if isinstance(owner, type) and issubclass(owner, BaseModel) else []
        what = "unknown table or key" if len(loc) == 1 else "unknown key"
        return loc, what + (f" (known: {', '.join(known)})" if known else "")
    if kind == "missing":
        return loc, "missing (a required key)"
    if kind in _EXPECTED:
        return loc, f"expected {_EXPECTED[kind]}, got {type(value).__name__}"
    if kind == "literal_error":
        return loc, f"must be one of {ctx.get('expected', '')}, got {value!r}"
    return loc, str(error["msg"])


def located_error(
    exc: ValidationError,
    model: type[BaseModel],
    path: Path | str,
    text: str | None = None,
    rule_id_of: Callable[[Loc], str | None] = lambda loc: None,
) -> ConfigError:
    """The first problem (in file order when the text is known) as one ConfigError: the file, the
    line, the key path and what is wrong, each also a field of the error."""
    found = []
    for position, error in enumerate(exc.errors()):
        loc, what = describe(error, model)
        line = line_of(text, loc) if text is not None else None
        found.append((line is None, line or 0, position, loc, what, line))
    _, _, _, loc, what, line = min(found)
    return ConfigError(what, path=path, line=line, key=key_path(loc), rule_id=rule_id_of(loc))


def names(value: Any, allowed: Sequence[str]) -> tuple[str, ...]:
    """A name or a list of names, each drawn from ``allowed``."""
    values = [value] if isinstance(value, str) else list(value) if isinstance(value, list) else None
    if not values or any(v not in allowed for v in values):
        raise problem(f"must be a list drawn from {', '.join(allowed)}")
    return tuple(values)


def nonblank(value: str) -> str:
    """A string with something in it (surrounding spaces are no content)."""
    if not value.strip():
        raise problem("expected a non-empty string")
    return value
