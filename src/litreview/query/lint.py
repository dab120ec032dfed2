"""Lint a strategy: the parser's diagnostics plus checks a database would raise or hide.

Codes are stable: E001 unbalanced parentheses, E002 unbalanced quote, E003 dangling or unexpected
operator, E004 empty query/group, E005 undefined line reference, E006 unclosed field tag,
W002 stray quote, W101 unknown field, W102 truncation stem PubMed refuses (< 4 letters),
W103 OR mixed with AND/NOT without parentheses, W104 truncation inside a quoted phrase,
W105 single-quoted phrase (PubMed needs double quotes; not raised for Embase, whose phrases are
single-quoted), W106 CINAHL-style N3/W3 operator read as a word, W107 a line the final line never
reaches (its concept would be dropped), W108 a line that is only a number (reference or term?), E007 Polyglot template placeholder, I001 heading/comment line,
I002 result-count note, I003 operators written in mixed case.
"""

from __future__ import annotations

import re

from litreview.query.ast import Node, Term, walk
from litreview.query.parser import Diagnostic, ParseResult, caret, parse_strategy

_OPERATOR_CASE = re.compile(r"(?<![\w'\"])(and|or|not|AND|OR|NOT)(?![\w'\"])")


def lint(text: str, syntax: str = "auto") -> tuple[ParseResult, list[Diagnostic]]:
    """Parse ``text`` and return the parse result with every diagnostic, sorted by position."""
    result = parse_strategy(text, syntax)
    diags = list(result.diagnostics)
    lines = dict(enumerate(text.splitlines(), start=1))
    # Line references share subtrees between lines: check each written term once, by position.
    seen: set[tuple[int, int]] = set()
    trees = list(result.lines.values()) or ([result.tree] if result.tree is not None else [])
    for tree in trees:
        for node in walk(tree):
            if isinstance(node, Term) and (node.line, node.column) not in seen:
                seen.add((node.line, node.column))
                diags.extend(_term_checks(node, lines.get(node.line, ""), result.syntax))
    for number, line in lines.items():
        cases = {m.group(1).isupper() for m in _OPERATOR_CASE.finditer(_strip_quotes(line))}
        if len(cases) > 1:
            diags.append(Diagnostic("info", "I003", "boolean operators written in mixed case", number, 1))
    diags.sort(key=lambda d: (d.line, d.column, d.code))
    return result, diags


def target_diagnostics(tree: Node, target: str, source_lines: list[str]) -> list[Diagnostic]:
    """Translation warnings for ``target`` as lint warnings (same T-codes as ``query translate``)."""
    from litreview.query.translate import translate

    lines = dict(enumerate(source_lines, start=1))
    return [
        Diagnostic(
            "warning",
            n.code,
            f"{target}: {n.message}",
            n.line,
            n.column,
            caret(lines.get(n.line, ""), n.column),
        )
        for n in translate(tree, target).notes
    ]


def _strip_quotes(line: str) -> str:
    return re.sub(r"'[^']*'|\"[^\"]*\"|“[^”]*”", lambda m: " " * len(m.group(0)), line)


def _term_checks(term: Term, source: str, syntax: str) -> list[Diagnostic]:
    out: list[Diagnostic] = []

    def add(severity: str, code: str, message: str) -> None:
        out.append(Diagnostic(severity, code, message, term.line, term.column, caret(source, term.column)))

    for word in term.words:
        stem = re.split(r"[*$?#]", word, maxsplit=1)[0]
        if word != stem and len(re.sub(r"[^A-Za-z0-9]", "", stem)) < 4:
            add("warning", "W102", f"truncation stem {stem!r} is shorter than 4 letters: PubMed refuses it")
    for word in term.words:
        if not term.quoted and re.fullmatch(r"[NW]\d+", word):
            add("warning", "W106", f"{word!r} looks like a CINAHL/EBSCO proximity operator; litreview "
                "reads it as a word (write adjN or NEAR/N)")  # fmt: skip
    if term.quoted and term.truncated:
        add(
            "warning",
            "W104",
            f"truncation inside a quoted phrase {term.text!r}: databases differ "
            "(PubMed truncates the last word only; Ovid does not truncate in quotes)",
        )
    if syntax != "embase" and term.quoted and source[term.column - 1 : term.column] in ("'", "‘"):
        add("warning", "W105", f"phrase {term.text!r} in single quotes: PubMed needs double quotes")
    return out
