"""Parse search strategies (PubMed, Ovid line-numbered, Embase.com, loose published style).

``parse_strategy`` reads every line and resolves line references (``1 or 2``, ``or/1-5``,
``#3 NOT #4``, ``limit 6 to english``) into one tree; problems are collected as diagnostics with
line and column. ``parse`` raises :class:`~litreview.errors.QueryError` on the first error.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field, replace

from litreview.errors import QueryError
from litreview.query.ast import Bool, Limit, Near, Node, Term
from litreview.query.dialects import EMBASE_CODES, OVID_CODES, PUBMED_TAGS

QUOTES = {'"': '"', "'": "'", "“": "”", "”": "”", "‘": "’", "’": "’", "„": "“"}

# Alternating groups nested deeper than this are refused with E008: every tree walk stays far from
# Python's recursion limit. Redundant parentheses and long AND/OR chains do not count.
MAX_DEPTH = 100
HEADING_FIELDS = {"mesh", "mesh_noexp", "majr", "emtree", "emtree_noexp"}
# Warnings about what the strategy as a whole means (a line left out, a number read as a line):
# shown wherever the strategy is translated or run, not only by lint.
STRUCTURE_WARNINGS = frozenset({"W107", "W108"})
_OP_WORDS = {"and": "AND", "or": "OR", "not": "NOT"}
_NEAR = re.compile(r"^(?:adj(\d*)|near/?(\d+)|next/(\d+)|w/(\d+)|pre/(\d+))$", re.IGNORECASE)
_OVID_FIELD = re.compile(r"\.((?:[a-z]{2})(?:,[a-z]{2,3})*)\.?(?=$|[\s)])", re.IGNORECASE)
_SPACED_FIELD = re.compile(r"\.\s+((?:[a-z]{2})(?:,[a-z]{2,3})*)\.(?=$|[\s)])", re.IGNORECASE)
_EMBASE_FIELD = re.compile(r":((?:[a-z]{2,3})(?:,[a-z]{2,3})*)(?=$|[\s)])", re.IGNORECASE)
_EMBASE_YEARS = re.compile(r"\[(\d{4})\s*-\s*(\d{4})\]/py\b", re.IGNORECASE)
_WORD_END = set(' \t()[]"“”')
_COMBINE = re.compile(r"^\s*(and|or)/\s*([\d,\s-]+)\s*$", re.IGNORECASE)
_LIMIT = re.compile(r"^\s*limit\s+#?(\d+)\s+to\s+(.+?)\s*$", re.IGNORECASE)
_HEADER = re.compile(r"^\s*(\d+[a-z]?\.?\s+[A-Z][\w ,/()-]*:.*|\d+[a-z]|#\s.*|//.*|--.*)\s*$")
# "4 Methodological filter (primary diagnostic studies)": a numbered section title in prose
_TITLE = re.compile(r"^\s*\d+[a-z]?\.?\s+[A-Z][a-z]+(?:\s+\(?[A-Za-z][a-z]*\)?){2,}\s*$")
# "Searches (combinations)": a prose title with a parenthetical, no query syntax
_PROSE_TITLE = re.compile(r"^\s*[A-Z][a-z]+(?:\s+[a-z]+)*\s+\((?:[a-z]+\s*)+\)\s*$")
_ANNOTATION = re.compile(r"(?:total references|results?|hits)\s*[:=]\s*\d+\s*$", re.IGNORECASE)
_NUMBERED = re.compile(r"^\s*(\d+)[.)]?\s+(.*)$")


@dataclass(frozen=True)
class Diagnostic:
    """One finding about a query, with a stable code and where it is."""

    severity: str  # error | warning | info
    code: str
    message: str
    line: int
    column: int
    excerpt: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "line": self.line,
            "column": self.column,
        }


@dataclass
class Token:
    kind: str  # LP RP WORD PHRASE OP NEAR FIELD SLASH
    value: str
    line: int
    column: int
    fields: tuple[str, ...] = ()
    distance: int = 0
    proximity: bool = False  # a PubMed [tiab:~N] tag (N may be 0)
    joined: bool = False  # no whitespace before this token


@dataclass
class LineRef:
    """A reference to an earlier line or labelled section (resolved before the tree is returned)."""

    number: str
    line: int
    column: int


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


def caret(source_line: str, column: int) -> str:
    return f"  {source_line}\n  {' ' * max(column - 1, 0)}^"


class _Lexer:
    def __init__(self, text: str, line: int, syntax: str, diags: list[Diagnostic], source: str):
        # ``text`` may have its line number or label blanked out; ``source`` is the line as written.
        self.text, self.line, self.syntax, self.diags, self.source = text, line, syntax, diags, source

    def diag(self, severity: str, code: str, message: str, column: int) -> None:
        self.diags.append(Diagnostic(severity, code, message, self.line, column, caret(self.source, column)))

    def tokens(self) -> list[Token]:
        text, out, i, n = self.text, [], 0, len(self.text)
        while i < n:
            ch = text[i]
            joined = i > 0 and not text[i - 1].isspace()
            col = i + 1
            if ch.isspace():
                i += 1
            elif ch in "()":
                out.append(Token("LP" if ch == "(" else "RP", ch, self.line, col, joined=joined))
                i += 1
            elif ch in QUOTES and (not joined or text[i - 1] in "(" or ch not in "'’"):
                close = QUOTES[ch]
                end = self._find_close(text, i + 1, ch, close)
                if end < 0 and joined:
                    self.diag("warning", "W002", f"stray quote {ch} after a word: no opening quote", col)
                    i += 1
                elif end < 0:
                    self.diag("error", "E002", f"unbalanced quote {ch}: no closing {close}", col)
                    out.append(Token("PHRASE", text[i + 1 :].strip(), self.line, col, joined=joined))
                    i = n
                else:
                    phrase = canonical_wildcards(text[i + 1 : end], self.syntax)
                    out.append(Token("PHRASE", phrase, self.line, col, joined=joined))
                    i = end + 1
            elif ch == "<" and (end := text.find(">", i)) > i:
                # Polyglot's "<RCT Filter>" templates stand for whole filters: not search syntax.
                self.diag("error", "E007", f"template {text[i : end + 1]} is not search syntax: "
                          "paste the filter's own lines", col)  # fmt: skip
                i = end + 1
            elif ch == "[" and (m := _EMBASE_YEARS.match(text, i)):  # Embase.com: [2007-3000]/py
                out.append(Token("WORD", f"{m.group(1)}:{m.group(2)}", self.line, col, joined=joined))
                out.append(Token("FIELD", "py", self.line, col, fields=("dp",), joined=True))
                i = m.end()
            elif ch == "[":
                end = text.find("]", i)
                if end < 0:
                    self.diag("error", "E006", "field tag opened with [ is never closed", col)
                    i = n
                    continue
                if out and out[-1].kind == "SLASH":  # "exp Dementia/bl, cf [Blood, ...]": a note
                    out.append(Token("COMMENT", text[i + 1 : end], self.line, col, joined=joined))
                else:
                    out.append(self._pubmed_tag(text[i + 1 : end].strip(), col, joined))
                i = end + 1
            elif ch == "/" and out and out[-1].kind in ("WORD", "PHRASE", "RP") and joined:
                match = re.match(r"/([a-z]{2,3}(?:,\s*[a-z]{2})*)?(?=$|[\s)\[])", text[i:], re.IGNORECASE)
                sub = re.sub(r"\s+", "", (match.group(1) or "")) if match else ""
                out.append(Token("SLASH", sub.lower(), self.line, col, joined=True))
                i += len(match.group(0)) if match else 1
            elif (ch == "." and out and out[-1].kind == "RP" and (m := _SPACED_FIELD.match(text, i))) or (
                ch == "."
                and (joined or (out and out[-1].kind in ("WORD", "PHRASE", "RP")))
                and (m := _OVID_FIELD.match(text, i))
            ):  # "term.tw.", "term .tw." and "(a or b). ti,ab."
                out.append(self._field(m.group(1), OVID_CODES, col, "ovid"))
                i = m.end()
            elif ch == ":" and joined and (m := _EMBASE_FIELD.match(text, i)):
                out.append(self._field(m.group(1), EMBASE_CODES, col, "embase"))
                i = m.end()
            else:
                j = i
                while j < n and text[j] not in _WORD_END:
                    if text[j] == "." and _OVID_FIELD.match(text, j):
                        break
                    if text[j] == ":" and _EMBASE_FIELD.match(text, j) and j > i:
                        break
                    if text[j] == "/" and j > i and not re.match(r"/\d", text[j:]):
                        break
                    j += 1
                word = text[i:j]
                if not word:
                    j = i + 1
                    word = text[i]
                out.append(self._word(word, col, joined))
                i = j
        return out

    @staticmethod
    def _find_close(text: str, start: int, opener: str, close: str) -> int:
        for k in range(start, len(text)):
            if text[k] == close or (opener in "“”" and text[k] == '"') or (opener == '"' and text[k] == "”"):
                return k
        return -1

    def _word(self, word: str, col: int, joined: bool) -> Token:
        low = word.lower()
        if low in _OP_WORDS:
            return Token("OP", _OP_WORDS[low], self.line, col, joined=joined)
        near = _NEAR.match(word)
        if near:
            # Canonical distance = most words allowed between: Ovid adjN allows N-1, the rest N.
            digits = next((g for g in near.groups() if g), "")
            distance = int(digits) if digits else 1
            if near.group(0).lower().startswith("adj"):
                distance = max(distance - 1, 0)
            return Token("NEAR", low, self.line, col, distance=distance, joined=joined)
        return Token("WORD", canonical_wildcards(word, self.syntax), self.line, col, joined=joined)

    def _pubmed_tag(self, raw: str, col: int, joined: bool) -> Token:
        tag = raw.lower().strip()
        prox = re.fullmatch(r"(tiab|ti|ab|title/abstract|title|abstract):~\s*(\d+)", tag)
        if prox:
            fields = PUBMED_TAGS.get(prox.group(1), ("tiab",))
            return Token(
                "FIELD",
                raw,
                self.line,
                col,
                fields=fields,
                distance=int(prox.group(2)),
                proximity=True,
                joined=joined,
            )
        if "=" in tag:  # Ovid's "[mp=title, abstract, ...]" annotation: a comment
            return Token("COMMENT", raw, self.line, col, joined=joined)
        if tag in PUBMED_TAGS:
            return Token("FIELD", raw, self.line, col, fields=PUBMED_TAGS[tag], joined=joined)
        self.diag("warning", "W101", f"unknown field tag [{raw}]; searched as all fields", col)
        return Token("FIELD", raw, self.line, col, fields=("all",), joined=joined)

    def _field(self, codes: str, table: Mapping[str, tuple[str, ...]], col: int, syntax: str) -> Token:
        low = codes.lower()
        parts = low.split(",")
        if set(parts) == {"ti", "ab"}:
            return Token("FIELD", codes, self.line, col, fields=("tiab",))
        fields: list[str] = []
        for part in parts:
            if part in table:
                fields.extend(f for f in table[part] if f not in fields)
            else:
                self.diag("warning", "W101", f"unknown {syntax} field code .{part}.", col)
                fields.append("all")
        if {"ti", "ab"} <= set(fields):
            fields = ["tiab", *[f for f in fields if f not in ("ti", "ab")]]
        return Token("FIELD", codes, self.line, col, fields=tuple(fields))


class _Parser:
    def __init__(
        self,
        tokens: list[Token],
        raw: dict[int, str],
        diags: list[Diagnostic],
        syntax: str,
        line_mode: bool,
        labels: frozenset[str] = frozenset(),
    ):
        self.toks, self.pos, self.raw, self.diags = tokens, 0, raw, diags
        self.syntax, self.line_mode = syntax, line_mode
        self.labels = labels  # lettered section labels defined so far ("1a"): "3d" is a term otherwise
        self.ops_seen: set[str] = set()

    def peek(self) -> Token | None:
        return self.toks[self.pos] if self.pos < len(self.toks) else None

    def take(self) -> Token:
        tok = self.toks[self.pos]
        self.pos += 1
        return tok

    def diag(self, severity: str, code: str, message: str, tok: Token) -> None:
        excerpt = caret(self.raw.get(tok.line, ""), tok.column)
        self.diags.append(Diagnostic(severity, code, message, tok.line, tok.column, excerpt))

    def parse(self) -> Node | LineRef | None:
        node = _run(self.expr())
        while self.peek() is not None:
            tok = self.take()
            if tok.kind == "RP":
                self.diag("error", "E001", "unbalanced parentheses: this ')' closes nothing", tok)
                node = _run(self.expr(left=node))  # keep reading; the lint says why
            else:
                self.diag("error", "E003", f"unexpected {tok.value!r}", tok)
        return node

    # expr, unary and primary are generators run by ``_run``: a nested group yields the generator
    # that parses it instead of calling it, so 400 levels of parentheses need no Python stack.
    def expr(self, left=None):
        if left is None:
            left = yield self.unary()
        run: list[Node] = []  # operands of the current run of one operator: a OR b OR c is one group
        run_tok: Token | None = None
        while (tok := self.peek()) is not None and tok.kind == "OP":
            self.take()
            self.ops_seen.add(tok.value)
            right = yield self.unary()
            if right is None:
                self.diag("error", "E003", f"dangling operator {tok.value}: nothing after it", tok)
                break
            if left is None:
                self.diag("error", "E003", f"dangling operator {tok.value}: nothing before it", tok)
                left = right
                continue
            if run_tok is not None and run_tok.value == tok.value:
                run.append(right)
                continue
            if run_tok is not None:
                left = _group(run_tok, run)
            # (a OR b) OR c is a OR b OR c; (a NOT b) NOT c is a NOT (b OR c): NOT children (a, b, c)
            run = (
                [*left.children, right] if isinstance(left, Bool) and left.op == tok.value else [left, right]
            )
            run_tok = tok
        if run_tok is not None:
            left = _group(run_tok, run)
        if (tok := self.peek()) is not None and tok.kind == "OP" and left is None:
            self.diag("error", "E003", f"dangling operator {tok.value}", tok)
        return left

    def unary(self):
        left = yield self.primary()
        while (tok := self.peek()) is not None and tok.kind == "NEAR":
            self.take()
            right = yield self.primary()
            if right is None or left is None:
                self.diag("error", "E003", f"proximity operator {tok.value} needs a term on each side", tok)
                return left or right
            kids = left.children if isinstance(left, Near) and left.distance == tok.distance else (left,)
            left = Near(
                tok.distance,
                (*kids, right),
                ordered=tok.value.startswith(("next", "pre", "w/")),
                line=tok.line,
                column=tok.column,
            )
        return left

    def primary(self):
        tok = self.peek()
        if tok is None:
            return None
        if tok.kind == "LP":
            self.take()
            inner = yield self.expr()
            close = self.peek()
            if close is None or close.kind != "RP":
                self.diag("error", "E001", "unbalanced parentheses: this '(' is never closed", tok)
            else:
                self.take()
            if inner is None:
                self.diag("error", "E004", "empty group ()", tok)
                return None
            return self.suffix(inner)
        if tok.kind in ("WORD", "PHRASE"):
            return self.suffix(self.term())
        return None

    def term(self):
        first = self.take()
        if first.kind == "PHRASE":
            return Term(" ".join(first.value.split()), quoted=True, line=first.line, column=first.column)
        nxt = self.peek()
        if first.value.lower() == "exp" and nxt is not None and nxt.kind == "PHRASE":
            phrase = self.take()
            return Term(
                "exp " + " ".join(phrase.value.split()), quoted=True, line=first.line, column=first.column
            )
        if first.value == "*" and nxt is not None and nxt.kind == "PHRASE" and nxt.joined:
            phrase = self.take()  # *"Wounds and Injuries"/: a focused heading written with quotes
            return Term(
                "*" + " ".join(phrase.value.split()), quoted=True, line=first.line, column=first.column
            )
        words = [first.value]
        while (tok := self.peek()) is not None and tok.kind == "WORD":
            words.append(self.take().value)
        if self.line_mode and len(words) == 1 and _is_line_ref(words[0], self.labels):
            nxt = self.peek()
            if nxt is None or nxt.kind in ("OP", "RP", "NEAR"):
                return LineRef(words[0].lstrip("#"), first.line, first.column)
        return Term(" ".join(words), line=first.line, column=first.column)

    def suffix(self, node):
        while (tok := self.peek()) is not None and tok.kind in ("FIELD", "SLASH", "COMMENT"):
            self.take()
            if tok.kind == "COMMENT":
                continue
            if tok.kind == "SLASH":
                node = _heading(node, tok, self.syntax)
            elif tok.proximity and isinstance(node, Term) and node.quoted:
                words = node.words
                node = Near(
                    tok.distance,
                    tuple(Term(w, fields=tok.fields, line=node.line, column=node.column) for w in words),
                    fields=tok.fields,
                    line=node.line,
                    column=node.column,
                )
            elif tree_depth(node) > MAX_DEPTH:
                self.diag("error", "E008", _too_deep(tree_depth(node)), tok)
            else:
                node = _with_fields(node, tok.fields)
        return node


def _is_line_ref(word: str, labels: frozenset[str]) -> bool:
    """``3``, ``#3`` and a defined section label (``1a``) refer to lines; a word that merely starts
    with digits (``3d``, ``2nd``, ``5-FU``) is a term."""
    return bool(re.fullmatch(r"#?\d+", word)) or (word in labels and not word.isdigit())


def _run(parsing: Generator) -> Node | LineRef | None:
    """Drive a parser generator and the ones it yields, with a list as the call stack."""
    stack, value = [parsing], None
    while stack:
        try:
            call = stack[-1].send(value)
        except StopIteration as done:
            stack.pop()
            value = done.value
        else:
            stack.append(call)
            value = None
    return value


def _group(tok: Token, operands: list[Node]) -> Bool:
    return Bool(tok.value, tuple(operands), line=tok.line, column=tok.column)


def _with_fields(node, fields: tuple[str, ...]):
    """Apply a field suffix to a term or distribute it over a group's untagged terms."""
    if isinstance(node, Term):
        if node.fields:
            return node
        if not set(fields) & HEADING_FIELDS:
            return replace(node, fields=fields)
        text = re.sub(r"^exp\s+", "", node.text, flags=re.IGNORECASE)  # "exp Child [mesh]"
        heading, slash, sub = text.rpartition("/")
        if slash and heading and sub:  # "Dementia/bl"[mh]
            return replace(node, text=heading.strip(), fields=fields, subheading=sub.strip().lower())
        return replace(node, text=text, fields=fields)
    if isinstance(node, Bool):
        return replace(node, children=tuple(_with_fields(c, fields) for c in node.children))
    if isinstance(node, Near):
        return replace(
            node, fields=node.fields or fields, children=tuple(_with_fields(c, fields) for c in node.children)
        )
    return node


def _heading(node, tok: Token, syntax: str):
    """``X/`` (Ovid heading), ``exp X/`` (exploded), ``X/di`` (subheading), ``'x'/exp`` (Emtree)."""
    if not isinstance(node, Term):
        return node
    text, explode = node.text, False
    if text.lower().startswith("exp "):
        text, explode = text[4:].strip(), True
    major = text.startswith("*")
    text = text.lstrip("*").strip()
    sub = tok.value
    emtree = syntax == "embase" or sub in ("exp", "de", "mj")
    if sub == "exp":
        explode, sub = True, ""
    elif sub in ("de", "mj"):
        sub = "" if sub == "de" else "major"
    family = "emtree" if emtree else "mesh"
    fields = (family,) if explode else (f"{family}_noexp",)
    if sub == "major" or major:
        fields, sub = ("majr",), "" if sub == "major" else sub
    return replace(node, text=text, fields=fields, subheading=sub)


def _looks_like_strategy_line(text: str) -> bool:
    if not text.strip() or _HEADER.match(text):
        return False
    if (_TITLE.match(text) or _PROSE_TITLE.match(text)) and not any(
        w.lower().strip("()") in _OP_WORDS for w in text.split()
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


def canonical_wildcards(word: str, syntax: str) -> str:
    """Write wildcards in one notation: ``*`` any ending, ``$N`` up to N letters, ``?`` zero or one
    letter, ``#`` exactly one letter (Ovid's, except that Ovid's bare ``$`` becomes ``*``).

    Embase.com writes one letter as ``?`` and zero-or-one as ``$``.
    """
    if syntax == "embase":
        return word.translate({ord("?"): "#", ord("$"): "?"})
    return re.sub(r"\$(?!\d)", "*", word)


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
            first_word in _OP_WORDS
            or _open_parens(entries[-1]) > 0
            or _ends_with_operator(entries[-1][-1][1])
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
    return bool(words) and words[-1].lower() in _OP_WORDS


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
    blocks = any(text.strip().lower() in _OP_WORDS for _, text in parts)
    for line_number, text in parts:
        lexed = _Lexer(text, line_number, syntax, diags, raw[line_number]).tokens()
        if blocks and not (len(lexed) == 1 and lexed[0].kind == "OP"):
            # Blocks between lines holding only AND/OR/NOT are groups, as a reader sees them.
            lexed = [Token("LP", "(", line_number, 1), *lexed, Token("RP", ")", line_number, len(text) + 1)]
        tokens.extend(lexed)
    sections = frozenset(label for label in resolved if not label.isdigit())
    parser = _Parser(tokens, raw, diags, syntax, line_mode, sections)
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
        diags.append(Diagnostic("error", "E008", _too_deep(depth), number, 1, caret(raw.get(number, ""), 1)))
        raise _Refused


class _Refused(Exception):
    """A line that was reported and left out: lines referring to it add no error of their own."""


def tree_depth(node) -> int:
    """Levels of groups in a tree (a term is 1), counted without recursion."""
    deepest, todo = 0, [(node, 1)]
    while todo:
        item, depth = todo.pop()
        deepest = max(deepest, depth)
        if isinstance(item, Bool | Near):
            todo.extend((child, depth + 1) for child in item.children)
        elif isinstance(item, Limit):
            todo.append((item.child, depth + 1))
    return deepest


def _too_deep(depth: int) -> str:
    return (
        f"groups nested {depth} levels deep (AND inside OR inside AND ...): litreview reads up to "
        f"{MAX_DEPTH} levels"
    )


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
    """Children of a group with same-operator subgroups spliced in (what ``normalize`` does)."""
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
