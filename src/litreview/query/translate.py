"""Translate a parsed strategy to PubMed, Ovid, Embase.com or ClinicalTrials.gov (Essie).

Two steps: ``lower`` rewrites what the target cannot express into its closest faithful form and
records a warning for each change (never a silent drop); ``render`` prints the lowered tree with
every group parenthesised. The lowered tree is returned too, so a test can check that the printed
text re-parses to exactly what was meant.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace

from litreview.errors import QueryError
from litreview.query.ast import Bool, Limit, Near, Node, Term, flatten, limit_as_term
from litreview.query.dialects import (
    CTGOV_AREAS,
    EMBASE_FIELD_CODES,
    EMBASE_WRITE,
    OVID_FIELD_CODES,
    OVID_WRITE,
    PUBMED_TAG_FIELDS,
    PUBMED_WRITE,
)

TARGETS = ("pubmed", "ovid", "embase", "ctgov")

# What each writer prints for each canonical field comes from dialects.toml. Every tag the PubMed
# writer may print maps to the field of PubMed's own list (einfo db=pubmed) it searches
# (PUBMED_TAG_FIELDS); nothing else is printed (render_pubmed refuses), and a test holds that table to
# the real einfo response. The other writers print only their documented codes (*_FIELD_CODES).
# Target field sets each canonical field becomes when the target lacks it (with a warning).
_NEAREST: dict[str, dict[str, tuple[str, ...]]] = {
    "pubmed": {"mp": ("tw",), "ab": ("tiab",), "emtree": ("mesh",), "emtree_noexp": ("mesh_noexp",)},
    "ovid": {"tw": ("mp",), "emtree": ("mesh",), "emtree_noexp": ("mesh_noexp",)},
    "embase": {
        "mesh": ("emtree",), "mesh_noexp": ("emtree_noexp",), "tw": ("tiab", "emtree_noexp", "nm", "kw"),
        "mp": ("tiab", "emtree_noexp", "nm", "kw"), "all": (),
    },
    "ctgov": {"tw": (), "mp": (), "all": (), "emtree": ("mesh",), "emtree_noexp": ("mesh_noexp",)},
}  # fmt: skip
_CTGOV_NO_LIMIT = {"dp", "la", "pt", "au", "jn"}  # bibliographic restrictions a registry lacks
_WHY = {("pubmed", "ab"): " (PubMed has no abstract-only field; [tiab] searches titles too: broader)"}
_HEADINGS = {"mesh", "mesh_noexp", "majr", "emtree", "emtree_noexp"}
_YEAR_RANGE = re.compile(r"(\d{4}):(\d{4})")
_OPERATOR_WORDS = re.compile(r"\b(?:and|or|not|adj\d*|near/\d+|next/\d+)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Note:
    """A translation warning: what could not be said exactly, and what was said instead."""

    code: str
    message: str
    line: int
    column: int

    def as_dict(self) -> dict[str, object]:
        return {"severity": "warning", "code": self.code, "message": self.message,
                "line": self.line, "column": self.column}  # fmt: skip


@dataclass
class Translation:
    target: str
    text: str
    tree: Node  # the meaning of ``text``: the source tree after lowering
    notes: list[Note] = field(default_factory=list)


def translate(tree: Node, target: str) -> Translation:
    """Translate a parsed tree; raise QueryError only for an unknown target."""
    if target not in TARGETS:
        raise QueryError(f"unknown target {target!r}: choose one of {', '.join(TARGETS)}")
    lowering = _Lowering(target)
    kept = lowering.node(tree)
    if kept is None:
        raise QueryError(
            f"nothing of this query can be searched on {target}: every part was a limit it lacks"
        )
    lowered = flatten(kept)  # flat groups print without needless parentheses
    text = {"pubmed": render_pubmed, "ovid": render_ovid, "embase": render_embase, "ctgov": render_ctgov}[
        target
    ](lowered)
    unique = list(dict.fromkeys(lowering.notes))
    return Translation(target, text, lowered, unique)


# --------------------------------------------------------------------------- lowering


class _Lowering:
    def __init__(self, target: str):
        self.target = target
        self.notes: list[Note] = []

    def warn(self, code: str, message: str, node: Node) -> None:
        self.notes.append(Note(code, message, node.line, node.column))

    def node(self, node: Node) -> Node | None:
        """The lowered node; None for a restriction the target cannot apply (dropped, with a warning)."""
        if isinstance(node, Term):
            if self.target == "ctgov" and node.fields and set(node.fields) <= _CTGOV_NO_LIMIT:
                self.warn("T108", f"{'/'.join(node.fields)} restriction {node.text!r} has no ClinicalTrials.gov "
                          "equivalent: not applied (broader)", node)  # fmt: skip
                return None
            return self.term(node)
        if isinstance(node, Bool):
            kids = [self.node(c) for c in node.children]
            if node.op == "NOT" and kids[0] is None:
                return None  # nothing left to subtract from
            kept = tuple(k for k in kids if k is not None)
            if len(kept) <= 1:
                return kept[0] if kept else None
            return replace(node, children=kept)
        if isinstance(node, Near):
            return self.near(node)
        return self.limit(node)

    # Terms ----------------------------------------------------------------------------
    def term(self, term: Term) -> Node:
        term = replace(term, text=self.wildcards(term))
        fields = self.fields(term)
        if term.subheading and self.target in ("embase", "ctgov") and set(fields) & _HEADINGS:
            self.warn("T106", f"subheading /{term.subheading} of {term.text!r} dropped: "
                      f"{self.target} has no MeSH subheadings (results broader)", term)  # fmt: skip
            term = replace(term, subheading="")
        # Embase.com can also search its index terms as a field code (:de) beside other codes.
        as_code = {"emtree_noexp"} if self.target == "embase" and len(fields) > 1 else set()
        headings = [f for f in fields if f in _HEADINGS and f not in as_code]
        codes = tuple(f for f in fields if f not in _HEADINGS or f in as_code)
        combined = self.target in ("ovid", "embase")  # one suffix names several fields: x.ti,ab,kf.
        if len(fields) <= 1 or (combined and not headings):
            return replace(term, fields=fields)
        parts = [replace(term, fields=(f,)) for f in headings]
        if codes:
            parts += (
                [replace(term, fields=codes)] if combined else [replace(term, fields=(f,)) for f in codes]
            )
        return Bool("OR", tuple(parts), line=term.line, column=term.column)

    def fields(self, term: Term) -> tuple[str, ...]:
        out: list[str] = []
        nearest = _NEAREST[self.target]
        for f in term.fields:
            if f in nearest:
                mapped = nearest[f]
                shown = ", ".join(mapped) if mapped else "no field (the target's default search)"
                why = _WHY.get((self.target, f), "")
                self.warn("T101", f"field {f!r} of {term.text!r} has no {self.target} equivalent: "
                          f"searched as {shown}{why}", term)  # fmt: skip
                out.extend(m for m in mapped if m not in out)
            elif self.target == "ctgov" and f not in CTGOV_AREAS:
                self.warn("T101", f"field {f!r} of {term.text!r} has no ClinicalTrials.gov area: "
                          "searched in all study fields", term)  # fmt: skip
            elif f not in out:
                out.append(f)
        return tuple(out)

    def wildcards(self, term: Term) -> str:
        words = []
        for word in term.text.split():
            if self.target == "ovid" or not re.search(r"[*$?#]", word):
                words.append(word)
                continue
            stem = re.split(r"[*$?#]", word, maxsplit=1)[0]
            if self.target == "ctgov":
                self.warn("T103", f"ClinicalTrials.gov has no truncation: {word!r} searched as {stem!r} "
                          "(Essie adds only its own word variants)", term)  # fmt: skip
                words.append(stem)
            elif self.target == "embase" and not re.search(r"\$\d", word):
                words.append(word)  # Embase has *, ? (one letter) and $ (zero or one letter)
            elif re.fullmatch(r"[^*$?#]+\*", word):
                words.append(word)
            else:
                self.warn("T102", f"{self.target} cannot express the wildcard in {word!r}: "
                          f"searched as {stem + '*'!r} (broader)", term)  # fmt: skip
                words.append(stem + "*")
        if self.target == "pubmed" and term.quoted and any("*" in w for w in words[:-1]):
            self.warn("T104", f"PubMed truncates only the last word of a phrase: {term.text!r}", term)
        return " ".join(words)

    # Proximity -------------------------------------------------------------------------
    def required(self, node: Node) -> Node:
        """A part that cannot be dropped (inside proximity or under a limit)."""
        kept = self.node(node)
        if kept is None:
            raise QueryError(
                f"this part cannot be searched on {self.target}", line=node.line, column=node.column
            )
        return kept

    def near(self, node: Near) -> Node | None:
        # Lower the group's fields once, then give every term exactly those fields.
        fields = self.fields(Term("proximity group", fields=node.fields, line=node.line, column=node.column))
        if any(f in _HEADINGS for f in fields):
            self.warn("T107", "proximity cannot search subject headings: searched in text fields only", node)
            fields = tuple(f for f in fields if f not in _HEADINGS)
        kids = tuple(
            _apply_fields(self.required(_strip_fields(c, node.fields)), fields) for c in node.children
        )
        if self.target in ("ovid", "embase"):
            if node.ordered and self.target == "ovid":
                self.warn("T105", "Ovid adjacency is unordered; the ordered proximity is searched in any order",
                          node)  # fmt: skip
            return replace(
                node, children=kids, fields=fields, ordered=node.ordered and self.target == "embase"
            )
        if self.target == "pubmed":
            native = self.pubmed_near(node, kids, fields)
            if native is not None:
                return native
        how = (
            "PubMed proximity takes plain words in [ti] or [tiab] only"
            if self.target == "pubmed"
            else ("ClinicalTrials.gov has no proximity operator")
        )
        self.warn("T105", f"{how}: proximity within {node.distance} words searched as AND (broader)", node)
        kids = tuple(_apply_fields(_strip_fields(c, node.fields), fields) for c in node.children)
        return self.node(Bool("AND", kids, line=node.line, column=node.column))

    def pubmed_near(self, node: Near, kids: tuple[Node, ...], fields: tuple[str, ...]) -> Node | None:
        if fields not in ((), ("ti",), ("tiab",), ("ab",)):
            return None
        options: list[list[Term]] = []
        for kid in kids:
            alts = kid.children if isinstance(kid, Bool) and kid.op == "OR" else (kid,)
            if not all(isinstance(a, Term) and _plain_word(a) and a.fields in ((), fields) for a in alts):
                return None
            options.append([a for a in alts if isinstance(a, Term)])
        combos = list(itertools.product(*options))
        if len(combos) > 64:
            return None
        if fields in ((), ("ab",)):
            self.warn("T107", f"PubMed proximity works in [ti] and [tiab] only: searched in [tiab] "
                      f"(was {fields[0] if fields else 'no field'})", node)  # fmt: skip
            fields = ("tiab",)
        if node.ordered:
            self.warn("T105", "PubMed proximity is unordered; searched in any order", node)
        nears = tuple(
            Near(node.distance, tuple(replace(t, fields=fields) for t in combo), False, fields,
                 line=node.line, column=node.column)
            for combo in combos
        )  # fmt: skip
        return nears[0] if len(nears) == 1 else Bool("OR", nears, line=node.line, column=node.column)

    # Limits ------------------------------------------------------------------------------
    def limit(self, node: Limit) -> Node:
        child = self.required(node.child)
        if self.target == "ovid":
            return replace(node, child=child)
        restriction = limit_as_term(node) if self.target != "ctgov" else None
        if restriction is None:
            self.warn("T108", f"limit {node.limit!r} has no {self.target} equivalent: not applied (broader)",
                      node)  # fmt: skip
            return child
        return Bool("AND", (child, self.term(restriction)), line=node.line, column=node.column)


def _plain_word(term: Term) -> bool:
    return len(term.words) == 1 and not re.search(r"[*$?#]", term.text) and not term.subheading


def _strip_fields(node: Node, fields: tuple[str, ...]) -> Node:
    if isinstance(node, Term):
        return replace(node, fields=()) if node.fields == fields else node
    if isinstance(node, Bool | Near):
        return replace(node, children=tuple(_strip_fields(c, fields) for c in node.children))
    return node


def _apply_fields(node: Node, fields: tuple[str, ...]) -> Node:
    if not fields:
        return node
    if isinstance(node, Term):
        return node if node.fields else replace(node, fields=fields)
    if isinstance(node, Bool | Near):
        return replace(node, children=tuple(_apply_fields(c, fields) for c in node.children))
    return node


# --------------------------------------------------------------------------- rendering


def _group(text: str, node: Node) -> str:
    return f"({text})" if isinstance(node, Bool | Limit | Near) else text


def _join(node: Bool, render, op_words: dict[str, str]) -> str:
    parts = [_group(render(c), c) for c in node.children]
    return f" {op_words[node.op]} ".join(parts)


def _pubmed_tag(field_name: str) -> str:
    tag = PUBMED_WRITE[field_name]
    if tag not in PUBMED_TAG_FIELDS:  # a tag PubMed does not have would fail on the target
        raise QueryError(f"internal: PubMed has no field tag [{tag}]")
    return tag


def render_pubmed(node: Node) -> str:
    if isinstance(node, Term):
        text = f"{node.text}/{node.subheading}" if node.subheading else node.text
        tag = f"[{_pubmed_tag(node.fields[0])}]" if node.fields else ""
        if node.fields == ("dp",) and _YEAR_RANGE.fullmatch(text):
            return text + tag  # a date range is unquoted: 2007:3000[dp]
        quote = node.quoted or (tag and len(node.words) > 1) or node.subheading or _needs_quotes(text)
        return (f'"{text}"' if quote else text) + tag
    if isinstance(node, Near):
        words = " ".join(t.text for t in node.children if isinstance(t, Term))
        tag = _pubmed_tag(node.fields[0]) if node.fields else "tiab"
        return f'"{words}"[{tag}:~{node.distance}]'
    if isinstance(node, Bool):
        return _join(node, render_pubmed, {"AND": "AND", "OR": "OR", "NOT": "NOT"})
    raise AssertionError("limits are lowered before PubMed rendering")


def _needs_quotes(text: str) -> bool:
    return bool(_OPERATOR_WORDS.search(text) or re.search(r"[()\[\]:\"/]", text) or text.isdigit())


def render_ovid(node: Node) -> str:
    """One line, or numbered lines when the strategy has ``limit`` lines."""
    lines: list[str] = []
    final = _OvidPrinter(lines).node(node)
    if not lines:
        return final
    if final != str(len(lines)):  # the last line is not already the answer
        lines.append(final)
    return "\n".join(f"{k} {text}" for k, text in enumerate(lines, start=1))


class _OvidPrinter:
    def __init__(self, lines: list[str]):
        self.lines = lines

    def node(self, node: Node, inherited: tuple[str, ...] = ()) -> str:
        if isinstance(node, Term):
            return self.term(node, inherited)
        if isinstance(node, Near):
            op = f" adj{node.distance + 1} "
            inner = op.join(_group(self.node(c, node.fields), c) for c in node.children)
            suffix = _ovid_suffix(node.fields) if node.fields != inherited else ""
            return f"({inner}){suffix}" if suffix else inner
        if isinstance(node, Bool):
            return _join(node, lambda c: self.node(c, inherited), {"AND": "and", "OR": "or", "NOT": "not"})
        self.lines.append(self.node(node.child))
        self.lines.append(f"limit {len(self.lines)} to {node.limit}")
        return str(len(self.lines))

    def term(self, term: Term, inherited: tuple[str, ...]) -> str:
        text = term.text
        heading = term.fields and term.fields[0] in _HEADINGS
        if heading:
            field_name = term.fields[0]
            star = "*" if field_name == "majr" else ""
            exp = "exp " if field_name in ("mesh", "emtree", "majr") else ""
            shown = f'"{text}"' if _needs_quotes(text) else text  # exp "Sensitivity and Specificity"/
            return f"{exp}{star}{shown}/{term.subheading}"
        # Ovid searches an unquoted multi-word term as a phrase, and does not truncate inside quotes.
        shown = f'"{text}"' if _needs_quotes(text) else text
        if not term.fields or term.fields == inherited:
            return shown
        return shown + _ovid_suffix(term.fields)


def _ovid_suffix(fields: tuple[str, ...]) -> str:
    return (
        "." + ",".join(_code(OVID_WRITE, OVID_FIELD_CODES, f, "Ovid") for f in fields) + "." if fields else ""
    )


def _code(table: dict[str, str], allowed: frozenset[str], field_name: str, target: str) -> str:
    code = table[field_name]
    if not set(code.split(",")) <= allowed:
        raise QueryError(f"internal: {target} has no field code {code}")
    return code


def _embase_codes(fields: tuple[str, ...]) -> str:
    return ",".join(_code(EMBASE_WRITE, EMBASE_FIELD_CODES, f, "Embase.com") for f in fields)


_EMBASE_WILDCARDS = {ord("?"): "$", ord("#"): "?"}  # canonical (Ovid) letters → Embase.com's


def render_embase(node: Node, inherited: tuple[str, ...] = ()) -> str:
    if isinstance(node, Term):
        if len(node.fields) == 1 and node.fields[0] in _HEADINGS:
            kind = {"emtree": "exp", "emtree_noexp": "de", "majr": "mj"}[node.fields[0]]
            text = node.text.translate(_EMBASE_WILDCARDS)
            quote = '"' if "'" in text else "'"
            return f"{quote}{text}{quote}/{kind}"
        text = node.text.translate(_EMBASE_WILDCARDS)
        years = _YEAR_RANGE.fullmatch(text) if node.fields == ("dp",) else None
        if years:  # Embase.com writes a year range as [2007-3000]/py
            return f"[{years.group(1)}-{years.group(2)}]/py"
        quoted = node.quoted or len(node.words) > 1 or _needs_quotes(text)
        shown = f'"{text}"' if quoted else text
        if not node.fields or node.fields == inherited:
            return shown
        return shown + ":" + _embase_codes(node.fields)
    if isinstance(node, Near):
        op = f" {'NEXT' if node.ordered else 'NEAR'}/{node.distance} "
        inner = op.join(_group(render_embase(c, node.fields), c) for c in node.children)
        return f"({inner}):" + _embase_codes(node.fields) if node.fields else inner
    if isinstance(node, Bool):
        return _join(node, lambda c: render_embase(c, inherited), {"AND": "AND", "OR": "OR", "NOT": "NOT"})
    raise AssertionError("limits are lowered before Embase rendering")


def render_ctgov(node: Node) -> str:
    """Essie: NOT is unary (``a AND NOT b``), a quoted phrase is a phrase, AREA[...] names a field."""
    if isinstance(node, Term):
        shown = f'"{node.text}"' if len(node.words) > 1 or node.quoted else node.text
        areas = [a for f in node.fields for a in CTGOV_AREAS.get(f, ())]
        areas = list(dict.fromkeys(areas))
        if not areas:
            return shown
        return " OR ".join(f"AREA[{a}]{shown}" for a in areas)
    if isinstance(node, Bool):
        parts = [f"({render_ctgov(c)})" if not isinstance(c, Term) or " OR " in render_ctgov(c)
                 else render_ctgov(c) for c in node.children]  # fmt: skip
        if node.op == "NOT":
            return " AND NOT ".join(parts)
        return f" {node.op} ".join(parts)
    raise AssertionError("proximity and limits are lowered before Essie rendering")
