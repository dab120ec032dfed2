"""Parse search strategies (PubMed, Ovid line-numbered, Embase.com, loose published style).

``parse_strategy`` reads every line and resolves line references (``1 or 2``, ``or/1-5``,
``#3 NOT #4``, ``limit 6 to english``) into one tree; problems are collected as diagnostics with
line and column. ``parse`` raises :class:`~litreview.errors.QueryError` on the first error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from litreview.errors import QueryError
from litreview.query.ast import Bool, Limit, Near, Node
from litreview.query.grammar import MAX_DEPTH, LineParser, LineRef, too_deep_message, tree_depth
from litreview.query.lexer import OP_WORDS, Diagnostic, Lexer, Token, caret

# Warnings about what the strategy as a whole means (a line left out, a number read as a line):
# shown wherever the strategy is translated or run, not only by lint.
STRUCTURE_WARNINGS = frozenset({"W107", "W108"})
_COMBINE = re.compile(r"^\s*(and|or)/\s*([\d,\s-]+)\s*$", re.IGNORECASE)
_LIMIT = re.compile(r"^\s*limit\s+#?(\d+)\s+to\s+(.+?)\s*$", re.IGNORECASE)
_HEADER = re.compile(r"^\s*(\d+[a-z]?\.?\s+[A-Z][\w ,/()-]*:.*|\d+[a-z]|#\s.*|//.*|--.*)\s*$")
# "4 Methodological filter (primary diagnostic studies)": a numbered section title in prose
_TITLE = re.compile(r"^\s*\d+[a-z]?\.?\s+[A-Z][a-z]+(?:\s+\(?[A-Za-z][a-z]*\)?){2,}\s*$")
# "Searches (combinations)": a prose title with a parenthetical, no query syntax
_PROSE_TITLE = re.compile(r"^\s*[A-Z][a-z]+(?:\s+[a-z]+)*\s+\((?:[a-z]+\s*)+\)\s*$")
_ANNOTATION = re.compile(r"(?:total references|results?|hits)\s*[:=]\s*\d+\s*$", re.IGNORECASE)
_NUMBERED = re.compile(r"^\s*(\d+)[.)]?\s+(.*)$")


@dataclass
class ParseResult:
    """The resolved tree of the final line, every line's tree, and the diagnostics."""

    tree: Node | None
    lines: dict[int, Node] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    syntax: str = "auto"
    source_lines: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]


def _looks_like_strategy_line(text: str) -> bool:
    if not text.strip() or _HEADER.match(text):
        return False
    if (_TITLE.match(text) or _PROSE_TITLE.match(text)) and not any(
        w.lower().strip("()") in OP_WORDS for w in text.split()
    ):
        return False
    return True


_EMBASE_MARKS = re.compile(r"'/(?:exp|de|mj)\b|:(?:ti|ab|de|kw)\b|\bnear/\d|\bnext/\d", re.IGNORECASE)
_OVID_MARKS = re.compile(
    r"\.(?:ti|ab|tw|mp|sh|fs|pt)\.|\badj\d*\b|^\s*exp\s|/\s*$|\$", re.IGNORECASE | re.MULTILINE
)


def detect_syntax(text: str) -> str:
    """Guess the strategy's syntax from its marks; only wildcards and headings depend on it."""
    if _EMBASE_MARKS.search(text):
        return "embase"
    if _OVID_MARKS.search(text):
        return "ovid"
    if "[" in text:
        return "pubmed"
    return "loose"


def parse_strategy(text: str, syntax: str = "auto") -> ParseResult:
    """Parse a whole strategy (one or many lines); never raises for query problems."""
    if syntax not in ("auto", "pubmed", "ovid", "embase", "loose"):
        raise QueryError(f"unknown syntax {syntax!r}")
    if syntax == "auto":
        syntax = detect_syntax(text)
    diags: list[Diagnostic] = []
    raw_lines = text.splitlines() or [""]
    raw = dict(enumerate(raw_lines, start=1))
    entries: list[list[tuple[int, str]]] = []  # logical lines: [(physical line, text)]
    labels: dict[int, str] = {}  # entry index -> section label ("1a", "3", "A")
    pending = ""
    for number, line in raw.items():
        if not _looks_like_strategy_line(line):
            label = re.match(r"^\s*(\d+[a-z]?)\b", line)
            if label:
                pending = label.group(1)
            if line.strip():
                diags.append(
                    Diagnostic(
                        "info", "I001", "treated as a heading or comment, not a search line", number, 1
                    )
                )
            continue
        note = _ANNOTATION.search(line)
        if note:
            diags.append(
                Diagnostic(
                    "info",
                    "I002",
                    f"result-count note {note.group(0).strip()!r} ignored",
                    number,
                    note.start() + 1,
                )
            )
            line = line[: note.start()]
        first_word = line.split()[0].lower() if line.split() else ""
        continues = entries and (
            first_word in OP_WORDS or _open_parens(entries[-1]) > 0 or _ends_with_operator(entries[-1][-1][1])
        )
        if continues:
            entries[-1].append((number, line))
            continue
        lettered = re.match(r"^\s*([A-Z])\.\s+", line)
        if lettered:
            pending = lettered.group(1)
            line = " " * lettered.end() + line[lettered.end() :]
        entries.append([(number, line)])
        if pending:
            labels[len(entries)] = pending
            pending = ""
    if not entries:
        diags.append(Diagnostic("error", "E004", "empty query", 1, 1))
        return ParseResult(None, {}, diags, syntax, raw_lines)
    numbered = len(entries) > 1 and all(
        (m := _NUMBERED.match(e[0][1])) and int(m.group(1)) == k for k, e in enumerate(entries, 1)
    )
    line_mode = len(entries) > 1
    resolved: dict[str, Node | None] = {}  # None: a line refused with an error
    uses: dict[str, set[str]] = {}  # label -> the labels its line refers to
    first_line: dict[str, int] = {}
    last: Node | None = None
    last_label = ""
    for k, entry in enumerate(entries, start=1):
        parts = list(entry)
        if numbered:
            m = _NUMBERED.match(parts[0][1])
            assert m is not None
            parts[0] = (parts[0][0], " " * m.start(2) + m.group(2))
        used: set[str] = set()
        try:
            node = _parse_entry(parts, resolved, diags, syntax, line_mode, raw, used)
        except _Refused:
            resolved[labels.get(k, str(k))] = None
            continue
        if node is not None:
            # Labelled strategies refer to their labels ("1a and 2 not 5"); others to positions.
            key = labels.get(k, str(k))
            resolved[key], uses[key], first_line[key] = node, used, parts[0][0]
            last, last_label = node, key
    if line_mode and last is not None:
        diags.extend(_unreached_lines(last_label, uses, first_line, raw))
    lines = {int(k): v for k, v in resolved.items() if k.isdigit() and v is not None}
    return ParseResult(last, lines, diags, syntax, raw_lines)


def _unreached_lines(
    final: str, uses: dict[str, set[str]], first_line: dict[str, int], raw: dict[int, str]
) -> list[Diagnostic]:
    """W107 for every line the final line never reaches: its concept would vanish from the search."""
    reached, todo = {final}, [final]
    while todo:
        for ref in uses.get(todo.pop(), ()):
            if ref not in reached:
                reached.add(ref)
                todo.append(ref)
    return [
        Diagnostic(
            "warning",
            "W107",
            f"line {label} is never used by the final line ({final}): its terms are not part of the search",
            first_line[label],
            1,
            caret(raw.get(first_line[label], ""), 1),
        )
        for label in uses
        if label not in reached
    ]


def _open_parens(entry: list[tuple[int, str]]) -> int:
    text = " ".join(t for _, t in entry)
    text = re.sub(r'"[^"]*"|“[^”]*”', "", text)
    return text.count("(") - text.count(")")


def _ends_with_operator(text: str) -> bool:
    words = text.split()
    return bool(words) and words[-1].lower() in OP_WORDS


def _parse_entry(
    parts: list[tuple[int, str]],
    resolved: dict[str, Node | None],
    diags: list[Diagnostic],
    syntax: str,
    line_mode: bool,
    raw: dict[int, str],
    used: set[str],
) -> Node | None:
    number, body = parts[0]
    stripped = body.strip()
    offset = len(body) - len(body.lstrip())
    combine = _COMBINE.match(stripped) if line_mode and len(parts) == 1 else None
    if combine:
        refs = _expand_refs(combine.group(2))
        kids = [
            k
            for k in (_resolve(r, resolved, diags, number, offset + 1, raw, used) for r in refs)
            if k is not None
        ]
        if len(kids) > 1:
            return Bool(combine.group(1).upper(), tuple(kids), line=number)
        return kids[0] if kids else None
    limit = _LIMIT.match(stripped) if line_mode and len(parts) == 1 else None
    if limit:
        child = _resolve(limit.group(1), resolved, diags, number, offset + 1, raw, used)
        return Limit(child, limit.group(2), line=number) if child is not None else None
    tokens: list[Token] = []
    blocks = any(text.strip().lower() in OP_WORDS for _, text in parts)
    for line_number, text in parts:
        lexed = Lexer(text, line_number, syntax, diags, raw[line_number]).tokens()
        if blocks and not (len(lexed) == 1 and lexed[0].kind == "OP"):
            # Blocks between lines holding only AND/OR/NOT are groups, as a reader sees them.
            lexed = [Token("LP", "(", line_number, 1), *lexed, Token("RP", ")", line_number, len(text) + 1)]
        tokens.extend(lexed)
    sections = frozenset(label for label in resolved if not label.isdigit())
    parser = LineParser(tokens, raw, diags, syntax, line_mode, sections)
    node = parser.parse()
    if "OR" in parser.ops_seen and len(parser.ops_seen) > 1:
        _check_mixed(tokens, diags, raw)
    if isinstance(node, LineRef):  # "2 1": the number 1, or line 1? Read as line 1, but say so.
        diags.append(Diagnostic("warning", "W108", f"a line that is only the number {node.number} is "
                                f"ambiguous: read as a reference to line {node.number} (quote it to search "
                                "the number)", node.line, node.column, caret(raw.get(node.line, ""), node.column)))  # fmt: skip
    _refuse_if_too_deep(node, number, diags, raw)
    whole = _substitute(node, resolved, diags, raw, used)
    _refuse_if_too_deep(whole, number, diags, raw)  # with the lines it refers to
    return whole


def _refuse_if_too_deep(node, number: int, diags: list[Diagnostic], raw: dict[int, str]) -> None:
    depth = tree_depth(node)
    if depth > MAX_DEPTH:
        diags.append(
            Diagnostic("error", "E008", too_deep_message(depth), number, 1, caret(raw.get(number, ""), 1))
        )
        raise _Refused


class _Refused(Exception):
    """A line that was reported and left out: lines referring to it add no error of their own."""


def _check_mixed(tokens: list[Token], diags: list[Diagnostic], raw: dict[int, str]) -> None:
    """Warn where different operators meet at the same parenthesis depth."""
    depth = 0
    seen: dict[int, str] = {}
    for tok in tokens:
        if tok.kind == "LP":
            depth += 1
        elif tok.kind == "RP":
            seen.pop(depth, None)
            depth = max(depth - 1, 0)
        elif tok.kind == "OP":
            prev = seen.setdefault(depth, tok.value)
            # AND and NOT associate (x AND y) NOT z == x AND (y NOT z); only OR beside them is ambiguous.
            if prev != tok.value and "OR" in (prev, tok.value):
                diags.append(
                    Diagnostic(
                        "warning",
                        "W103",
                        f"{prev} and {tok.value} mixed without parentheses: databases differ in precedence; "
                        "litreview reads left to right (as PubMed does)",
                        tok.line,
                        tok.column,
                        caret(raw.get(tok.line, ""), tok.column),
                    )
                )
                seen[depth] = tok.value


def _expand_refs(spec: str) -> list[str]:
    refs: list[str] = []
    for part in re.split(r"[,\s]+", spec.strip()):
        if "-" in part:
            lo, _, hi = part.partition("-")
            if lo.isdigit() and hi.isdigit():
                refs.extend(str(n) for n in range(int(lo), int(hi) + 1))
        elif part.isdigit():
            refs.append(part)
    return refs


def _resolve(
    ref: str,
    resolved: dict[str, Node | None],
    diags: list[Diagnostic],
    line: int,
    column: int,
    raw: dict[int, str],
    used: set[str],
) -> Node | None:
    used.add(ref)
    if ref not in resolved:
        diags.append(
            Diagnostic(
                "error",
                "E005",
                f"line reference {ref} is not defined before this line",
                line,
                column,
                caret(raw.get(line, ""), column),
            )
        )
        return None
    return resolved[ref]


def _flatten(op: str, kids: tuple[Node, ...]) -> tuple[Node, ...]:
    """Children of a group with same-operator subgroups spliced in (what ``ast.flatten`` does)."""
    if op == "NOT":
        head = kids[0]
        if isinstance(head, Bool) and head.op == "NOT":
            return (*head.children, *kids[1:])
        return kids
    return tuple(
        grandchild
        for kid in kids
        for grandchild in (kid.children if isinstance(kid, Bool) and kid.op == op else (kid,))
    )


def _substitute(
    node, resolved: dict[str, Node | None], diags: list[Diagnostic], raw: dict[int, str], used: set[str]
):
    if isinstance(node, LineRef):
        return _resolve(node.number, resolved, diags, node.line, node.column, raw, used)
    if isinstance(node, Bool | Near):
        kids = tuple(
            k for k in (_substitute(c, resolved, diags, raw, used) for c in node.children) if k is not None
        )
        if not kids:
            return None
        if len(kids) == 1:
            return kids[0]
        if isinstance(node, Bool):  # "12 or/1-11" then "13 12 or 5": one group, not a chain of pairs
            kids = _flatten(node.op, kids)
        return replace(node, children=kids)
    if isinstance(node, Limit):
        return replace(node, child=_substitute(node.child, resolved, diags, raw, used))
    return node


def parse(text: str, syntax: str = "auto") -> Node:
    """Parse and resolve a strategy; raise QueryError (line, column, caret) on the first error."""
    result = parse_strategy(text, syntax)
    if result.errors:
        first = result.errors[0]
        raise QueryError(
            f"{first.code} {first.message}", line=first.line, column=first.column, excerpt=first.excerpt
        )
    assert result.tree is not None
    return result.tree
