"""One AST for every supported syntax (PubMed, Ovid, Embase.com, the loose published style).

Positions (line, column; 1-based) are kept for messages but excluded from equality, so a
translated query that re-parses to the same meaning compares equal.
"""

from __future__ import annotations

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
    """Every node of a tree, parents before children."""
    yield node
    if isinstance(node, Bool | Near):
        for child in node.children:
            yield from walk(child)
    elif isinstance(node, Limit):
        yield from walk(node.child)


def normalize(node: Node) -> Node:
    """Flatten nested same-operator AND/OR groups (a OR (b OR c) == a OR b OR c)."""
    if isinstance(node, Bool):
        kids: list[Node] = []
        for child in (normalize(c) for c in node.children):
            if isinstance(child, Bool) and child.op == node.op and node.op in ("AND", "OR"):
                kids.extend(child.children)
            else:
                kids.append(child)
        if node.op == "NOT" and isinstance(kids[0], Bool) and kids[0].op == "NOT":
            kids = list(kids[0].children) + kids[1:]
        return Bool(node.op, tuple(kids))
    if isinstance(node, Near):
        return Near(node.distance, tuple(normalize(c) for c in node.children), node.ordered, node.fields)
    if isinstance(node, Limit):
        return Limit(normalize(node.child), node.limit)
    return node
