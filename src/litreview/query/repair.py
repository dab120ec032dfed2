"""Propose the minimal fix for unbalanced parentheses, and apply an accepted one in memory.

The fix deletes every ``)`` that closes nothing and closes every ``(`` left open at the end of its
line; each edit is stated with its line and column. The query file is never rewritten: a protocol
records the accepted edits with the file's sha256, and runs apply them to the text they read.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from litreview.errors import QueryError

_QUOTE_PAIRS = {'"': '"', "“": "”"}


@dataclass(frozen=True)
class Edit:
    action: str  # delete | insert
    char: str
    line: int
    column: int  # 1-based; for an insert, the column the character will occupy

    def describe(self) -> str:
        return f"{self.action} {self.char!r} at {self.line}:{self.column}"


@dataclass(frozen=True)
class Repair:
    original: str
    text: str
    edits: tuple[Edit, ...]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.original.encode("utf-8")).hexdigest()

    def describe(self) -> list[str]:
        return [e.describe() for e in self.edits]


def propose_repair(text: str) -> Repair:
    """The fewest single-character edits that balance the parentheses (no edits if balanced)."""
    lines = text.split("\n")
    # A group may run over several lines, so an unclosed '(' is closed where the query ends;
    # in a numbered (Ovid) strategy every line is its own query and is closed on its own line.
    numbered = sum(bool(re.match(r"\s*\d+[.)]?\s+\S", line)) for line in lines) > 1
    last = max([row for row, line in enumerate(lines) if line.strip()] or [0])
    deletes: set[tuple[int, int]] = set()
    closers: dict[int, int] = {}
    open_count = 0
    for row, line in enumerate(lines):
        for col, ch in _paren_positions(line):
            if ch == "(":
                open_count += 1
            elif open_count:
                open_count -= 1
            else:
                deletes.add((row, col))
        if open_count and (numbered or row == last):
            closers[row] = open_count
            open_count = 0
    edits: list[Edit] = []
    new_lines = []
    for row, line in enumerate(lines):
        kept = []
        for col, ch in enumerate(line):
            if (row, col) in deletes:
                edits.append(Edit("delete", ch, row + 1, col + 1))
            else:
                kept.append(ch)
        new_line = "".join(kept)
        add = closers.get(row, 0)
        if add:
            body = new_line.rstrip()
            for k in range(add):
                edits.append(Edit("insert", ")", row + 1, len(body) + k + 1))
            new_line = body + ")" * add + new_line[len(body) :]
        new_lines.append(new_line)
    return Repair(text, "\n".join(new_lines), tuple(edits))


def apply_accepted(text: str, accepted: list[str], sha256: str, where: str) -> Repair:
    """Re-derive the repair for ``text`` and check it is exactly the one a protocol accepted."""
    repair = propose_repair(text)
    if sha256 and sha256 != repair.sha256:
        raise QueryError(
            f"{where}: the query file changed since its repair was accepted "
            f"(sha256 {repair.sha256[:12]}…, accepted for {sha256[:12]}…); review it with "
            "`litreview query translate --repair` and record the new repair"
        )
    if list(accepted) != repair.describe():
        raise QueryError(
            f"{where}: accepted repair {accepted} differs from the repair this text needs {repair.describe()}"
        )
    return repair


def _paren_positions(line: str):
    """(column, char) of each parenthesis outside quoted phrases."""
    closing = ""
    for col, ch in enumerate(line):
        if closing:
            if ch == closing:
                closing = ""
            continue
        if ch in _QUOTE_PAIRS:
            closing = _QUOTE_PAIRS[ch]
        elif ch == "'" and (col == 0 or not line[col - 1].isalnum()) and "'" in line[col + 1 :]:
            closing = "'"  # a single-quoted phrase, not an apostrophe
        elif ch in "()":
            yield col, ch
