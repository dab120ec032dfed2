"""Parse the tokens of one strategy line into a query tree (operators, proximity, fields,
headings, references to other lines), diagnostics collected on the way."""

from __future__ import annotations

import re
from collections.abc import Generator
from dataclasses import dataclass, replace

from litreview.query.ast import Bool, Limit, Near, Node, Term
from litreview.query.lexer import Diagnostic, Token, caret

# Alternating groups nested deeper than this are refused with E008: every tree walk stays far from
# Python's recursion limit. Redundant parentheses and long AND/OR chains do not count.
MAX_DEPTH = 100
HEADING_FIELDS = {"mesh", "mesh_noexp", "majr", "emtree", "emtree_noexp"}


@dataclass
class LineRef:
    """A reference to an earlier line or labelled section (resolved before the tree is returned)."""

    number: str
    line: int
    column: int


class LineParser:
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
                self.diag("error", "E008", too_deep_message(tree_depth(node)), tok)
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


def too_deep_message(depth: int) -> str:
    return (
        f"groups nested {depth} levels deep (AND inside OR inside AND ...): litreview reads up to "
        f"{MAX_DEPTH} levels"
    )
