"""One AST for every supported syntax (PubMed, Ovid, Embase.com, the loose published style).

Positions (line, column; 1-based) are kept for messages but excluded from equality, so a
translated query that re-parses to the same meaning compares equal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Canonical field names. Each syntax maps its own tags onto these.
FIELDS = {
    "all": "all fields",
    "ti": "title",
    "ab": "abstract",
    "tiab": "title/abstract",
    "tw": "text word (title, abstract, keywords, headings)",
    "mp": "Ovid multi-purpose (title, abstract, headings, keywords, ...)",
    "kw": "author keywords",
    "mesh": "MeSH heading, exploded",
    "mesh_noexp": "MeSH heading, not exploded",
    "majr": "MeSH major topic",
    "sh": "MeSH subheading",
    "emtree": "Emtree heading, exploded",
    "emtree_noexp": "Emtree heading, not exploded",
    "pt": "publication type",
    "nm": "substance name",
    "dp": "publication date",
    "la": "language",
    "au": "author",
    "jn": "journal",
}


@dataclass(frozen=True)
class Term:
    """A word, an unquoted multi-word term, or a quoted phrase, with the fields it searches."""

    text: str
    quoted: bool = False
    fields: tuple[str, ...] = ()
    subheading: str = ""
    line: int = field(default=1, compare=False)
    column: int = field(default=1, compare=False)

    @property
    def truncated(self) -> bool:
        return any(ch in self.text for ch in "*$")

    @property
    def words(self) -> list[str]:
        return self.text.split()


@dataclass(frozen=True)
class Bool:
    """AND / OR / NOT over two or more children (NOT: first child minus the rest)."""

    op: str
    children: tuple[Node, ...]
    line: int = field(default=1, compare=False)
    column: int = field(default=1, compare=False)


@dataclass(frozen=True)
class Near:
    """Proximity: children within ``distance`` words (Ovid adjN, Embase NEAR/N, PubMed ~N)."""

    distance: int
    children: tuple[Node, ...]
    ordered: bool = False
    fields: tuple[str, ...] = ()
    line: int = field(default=1, compare=False)
    column: int = field(default=1, compare=False)


@dataclass(frozen=True)
class Limit:
    """An Ovid ``limit N to X`` line: the child, restricted by a database limit."""

    child: Node
    limit: str
    line: int = field(default=1, compare=False)
    column: int = field(default=1, compare=False)


Node = Term | Bool | Near | Limit


def walk(node: Node):
    """Every node of a tree, parents before children (iterative: safe on any depth)."""
    todo = [node]
    while todo:
        item = todo.pop()
        yield item
        if isinstance(item, Bool | Near):
            todo.extend(reversed(item.children))
        elif isinstance(item, Limit):
            todo.append(item.child)


def flatten(node: Node) -> Node:
    """Flatten nested same-operator AND/OR groups (a OR (b OR c) == a OR b OR c)."""
    if isinstance(node, Bool):
        kids: list[Node] = []
        for child in (flatten(c) for c in node.children):
            if isinstance(child, Bool) and child.op == node.op and node.op in ("AND", "OR"):
                kids.extend(child.children)
            else:
                kids.append(child)
        if node.op == "NOT" and isinstance(kids[0], Bool) and kids[0].op == "NOT":
            kids = list(kids[0].children) + kids[1:]
        return Bool(node.op, tuple(kids))
    if isinstance(node, Near):
        return Near(node.distance, tuple(flatten(c) for c in node.children), node.ordered, node.fields)
    if isinstance(node, Limit):
        return Limit(flatten(node.child), node.limit)
    return node


def canonical(node: Node) -> Node:
    """The meaning of a tree in one spelling, so equivalent strategies compare equal.

    Quoting, letter case and whitespace are spelling; a term searched in several fields is the OR
    of one term per field; a field on a proximity group is a field on each of its terms; AND/OR
    are commutative and idempotent; proximity over an OR group is the OR of proximities.
    """
    if isinstance(node, Term):
        text = " ".join(node.text.casefold().split())
        if len(node.fields) > 1:
            return canonical(Bool("OR", tuple(_with_field(node, (f,)) for f in node.fields)))
        return Term(text, False, node.fields, node.subheading.casefold())
    if isinstance(node, Limit):
        restriction = limit_as_term(node)
        if restriction is not None:
            return canonical(Bool("AND", (node.child, restriction)))
        return Limit(canonical(node.child), " ".join(node.limit.casefold().split()))
    if isinstance(node, Near):
        kids = [canonical(_with_near_fields(c, node.fields)) for c in node.children]
        for i, kid in enumerate(kids):  # distribute over OR: (a OR b) NEAR c = (a NEAR c) OR (b NEAR c)
            if isinstance(kid, Bool) and kid.op == "OR":
                alternatives = [
                    Near(node.distance, (*kids[:i], alt, *kids[i + 1 :]), node.ordered)
                    for alt in kid.children
                ]
                return canonical(Bool("OR", tuple(alternatives)))
        ordered = tuple(kids) if node.ordered else tuple(sorted(kids, key=repr))
        return Near(node.distance, ordered, node.ordered)
    kids = [canonical(c) for c in node.children]
    flat: list[Node] = []
    for kid in kids:
        if isinstance(kid, Bool) and kid.op == node.op and node.op in ("AND", "OR"):
            flat.extend(kid.children)
        else:
            flat.append(kid)
    if node.op == "NOT":
        head, rest = flat[0], flat[1:]
        if isinstance(head, Bool) and head.op == "NOT":  # (a NOT b) NOT c = a NOT (b OR c)
            rest = [*head.children[1:], *rest]
            head = head.children[0]
        excluded = rest[0] if len(rest) == 1 else canonical(Bool("OR", tuple(rest)))
        return Bool("NOT", (head, excluded))
    unique = sorted({repr(k): k for k in flat}.items())
    if len(unique) == 1:
        return unique[0][1]
    return Bool(node.op, tuple(k for _, k in unique))


# Language limits a strategy may name, with the MEDLINE language codes records carry.
LANGUAGE_CODES = {
    "english": "eng", "french": "fre", "german": "ger", "spanish": "spa", "italian": "ita",
    "japanese": "jpn", "chinese": "chi", "dutch": "dut", "portuguese": "por", "russian": "rus",
    "korean": "kor", "polish": "pol", "swedish": "swe", "danish": "dan", "norwegian": "nor",
}  # fmt: skip
_YEARS = re.compile(r'^yr\s*=\s*"?\s*(\d{4})\s*(?:-\s*(\d{4}|current))?\s*"?$', re.IGNORECASE)


def limit_as_term(node: Limit) -> Term | None:
    """The field search an Ovid limit means (language, humans, publication years), if it has one."""
    line, column = node.line, node.column
    words = node.limit.strip("() ").lower()
    if words in LANGUAGE_CODES:
        return Term(words, fields=("la",), line=line, column=column)
    if words == "humans":
        return Term("humans", fields=("mesh",), line=line, column=column)
    years = _YEARS.match(node.limit.strip())
    if years:
        end = years.group(2) if years.group(2) and years.group(2).isdigit() else "3000"
        return Term(f"{years.group(1)}:{end}", fields=("dp",), line=line, column=column)
    return None


def equivalent(a: Node | None, b: Node | None) -> bool:
    if a is None or b is None:
        return a is b
    return canonical(a) == canonical(b)


def _with_field(term: Term, fields: tuple[str, ...]) -> Term:
    return Term(term.text, term.quoted, fields, term.subheading, term.line, term.column)


def _with_near_fields(node: Node, fields: tuple[str, ...]) -> Node:
    if not fields:
        return node
    if isinstance(node, Term):
        return node if node.fields else _with_field(node, fields)
    if isinstance(node, Bool):
        return Bool(node.op, tuple(_with_near_fields(c, fields) for c in node.children))
    return node
