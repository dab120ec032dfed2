"""Evaluate a parsed strategy against records locally, and explain why a record matched.

Tokenisation follows PubMed: case-insensitive, any run of non-alphanumeric characters (hyphen,
slash, punctuation) separates words, a phrase matches its words in order with nothing between.
``*`` truncates, ``$N`` allows up to N letters, ``?`` zero or one letter, ``#`` exactly one.
A term with no field searches title, abstract, keywords, headings and publication types.

Subject headings match the heading itself, case-insensitively: explosion to narrower headings
needs the MeSH/Emtree tree, which records do not carry, so an exploded heading is reported once
as a note. Evaluation compiles the tree to closures over cached normalised field texts, so the
common case (plain words, phrases, trailing truncation) is a substring test.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from litreview.query.ast import LANGUAGE_CODES, Bool, Limit, Near, Node, Term, limit_as_term, normalize, walk
from litreview.records import Citation, Record, Trial

_SEPARATORS = re.compile(r"[\W_]+")
_WILD = re.compile(r"[*?#$]")
_TEXT_DEFAULT = ("title", "abstract", "keywords", "headings", "pub_types")
# Canonical field → the record texts it searches.
FIELD_TEXTS: dict[str, tuple[str, ...]] = {
    "": _TEXT_DEFAULT,
    "ti": ("title",),
    "ab": ("abstract",),
    "tiab": ("title", "abstract"),
    "tw": ("title", "abstract", "keywords", "headings"),
    "mp": ("title", "abstract", "keywords", "headings"),
    "kw": ("keywords",),
    "nm": ("headings", "keywords"),
    "pt": ("pub_types",),
    "au": ("authors",),
    "jn": ("journal",),
    "la": ("language",),
    "all": (*_TEXT_DEFAULT, "authors", "journal"),
    "sh": ("headings",),
}
_HEADINGS = {"mesh", "mesh_noexp", "majr", "emtree", "emtree_noexp"}


def normalise(text: str) -> str:
    """Lower-case words separated by single spaces, padded with a space on each side."""
    return " " + _SEPARATORS.sub(" ", text.lower()).strip() + " "


class RecordView:
    """Lazily prepared texts of one record, shared by every clause of a query.

    ``lower`` is the raw text lower-cased: a word can only be in the normalised text if it is a
    substring of this, so most terms are rejected by one fast ``in`` test before normalising.
    """

    __slots__ = ("_headings", "_lower", "_norm", "record")

    def __init__(self, record: Record):
        self.record = record
        self._lower: dict[tuple[str, ...], str] = {}
        self._norm: dict[tuple[str, ...], str] = {}
        self._headings: set[str] | None = None

    def raw(self, name: str) -> list[str]:
        return record_texts(self.record, name)

    def lower(self, parts: tuple[str, ...]) -> str:
        cached = self._lower.get(parts)
        if cached is None:
            cached = "\n".join(v for name in parts for v in self.raw(name)).lower()
            self._lower[parts] = cached
        return cached

    def text(self, parts: tuple[str, ...]) -> str:
        """Normalised words of each part; a NUL between values keeps phrases from spanning them."""
        cached = self._norm.get(parts)
        if cached is None:
            cached = "\x00".join(normalise(v) for name in parts for v in self.raw(name))
            self._norm[parts] = cached
        return cached

    def headings(self) -> set[str]:
        if self._headings is None:
            self._headings = {" ".join(h.lstrip("*").casefold().split()) for h in self.raw("headings")}
        return self._headings


def record_texts(record: Record, name: str) -> list[str]:
    """The raw strings of one searchable part of a citation or a trial."""
    if isinstance(record, Citation):
        attributes = _CITATION_PARTS.get(name, ())
        value = [v for a in attributes for v in _as_list(getattr(record, a))]
    else:
        value = _trial_texts(record, name)
    if isinstance(value, str):
        return [value] if value else []
    return [v for v in value if v]


# Searchable part → the Citation attributes that hold it (read only when a query asks for the part).
_CITATION_PARTS = {
    "title": ("title",), "abstract": ("abstract",), "keywords": ("keywords",), "headings": ("mesh",),
    "pub_types": ("pub_types",), "authors": ("authors",), "journal": ("journal", "journal_abbrev"),
    "language": ("language",),
}  # fmt: skip


def _as_list(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else value


def _trial_texts(trial: Trial, name: str):
    protocol = trial.study.get("protocolSection", {}) if trial.study else {}
    if name == "title":
        return (trial.title, trial.official_title, trial.acronym)
    if name == "abstract":
        description = protocol.get("descriptionModule", {})
        return (description.get("briefSummary", ""), description.get("detailedDescription", ""))
    if name == "keywords":
        return (*trial.keywords, *trial.conditions, *trial.interventions)
    if name == "headings":
        browse = trial.study.get("derivedSection", {}) if trial.study else {}
        return tuple(
            m.get("term", "")
            for module in ("conditionBrowseModule", "interventionBrowseModule")
            for m in browse.get(module, {}).get("meshes", [])
        )
    if name == "pub_types":
        return (trial.study_type,)
    if name == "authors":
        return (trial.sponsor,)
    return ""


# --------------------------------------------------------------------------- compiling

Matcher = Callable[[RecordView], bool]


@dataclass
class CompiledQuery:
    """A strategy compiled for repeated evaluation; ``notes`` say what local evaluation approximates."""

    tree: Node
    match: Matcher
    notes: list[str] = field(default_factory=list)

    def run(self, records: Iterable[Record]) -> list[str]:
        """Ids of the matching records, in input order."""
        return [r.record_id for r in records if self.match(RecordView(r))]


def compile_query(tree: Node) -> CompiledQuery:
    notes: list[str] = []
    tree = normalize(tree)
    matcher = _Compiler(notes).node(tree)
    return CompiledQuery(tree, matcher, list(dict.fromkeys(notes)))


class _Compiler:
    def __init__(self, notes: list[str]):
        self.notes = notes

    def node(self, node: Node) -> Matcher:
        if isinstance(node, Term):
            return self.term(node)
        if isinstance(node, Bool):
            kids = [self.node(c) for c in node.children]
            if node.op == "AND":
                return lambda view: all(k(view) for k in kids)
            if node.op == "OR":
                return lambda view: any(k(view) for k in kids)
            head, rest = kids[0], kids[1:]
            return lambda view: head(view) and not any(k(view) for k in rest)
        if isinstance(node, Near):
            return self.near(node)
        return self.limit(node)

    def term(self, term: Term) -> Matcher:
        fields = term.fields or ("",)
        parts = [self.term_in(term, f) for f in fields]
        return parts[0] if len(parts) == 1 else (lambda view: any(p(view) for p in parts))

    def term_in(self, term: Term, field_name: str) -> Matcher:
        if field_name in _HEADINGS:
            return self.heading(term, field_name)
        if field_name == "dp":
            return self.date(term)
        if field_name == "la":
            code = LANGUAGE_CODES.get(term.text.lower(), term.text.lower())
            return lambda view: f" {code} " in view.text(("language",))
        if field_name == "sh":
            self.notes.append(
                f"subheading search {term.text!r}: records carry no subheadings; matched in headings"
            )
        if field_name not in FIELD_TEXTS:
            self.notes.append(f"field {field_name!r} is not held locally: {term.text!r} searched in all text")
        parts = FIELD_TEXTS.get(field_name, FIELD_TEXTS["all"])
        found, chunk = word_matcher(term.text), literal_chunk(term.text)
        return lambda view: chunk in view.lower(parts) and found(view.text(parts))

    def heading(self, term: Term, field_name: str) -> Matcher:
        name = " ".join(term.text.casefold().split())
        if field_name in ("mesh", "emtree", "majr"):
            self.notes.append(
                "exploded headings match the heading itself: narrower headings need the MeSH/Emtree tree"
            )
        if term.subheading:
            self.notes.append(
                f"subheading /{term.subheading} of {term.text!r} not held locally: heading matched alone"
            )
        if _WILD.search(name):
            pattern = re.compile(_wild_regex(name.split()), re.IGNORECASE)
            return lambda view: any(pattern.fullmatch(" " + h + " ") for h in view.headings())
        return lambda view: name in view.headings()

    def date(self, term: Term) -> Matcher:
        low, _, high = term.text.partition(":")
        low_year = int(low[:4]) if low[:4].isdigit() else 0
        high_year = int(high[:4]) if high[:4].isdigit() else (low_year if not high else 9999)

        def year_of(view: RecordView) -> int | None:
            record = view.record
            return record.year

        def match(view: RecordView) -> bool:
            year = year_of(view)
            return year is not None and low_year <= year <= high_year

        return match

    def near(self, node: Near) -> Matcher:
        parts = tuple(
            dict.fromkeys(t for f in (node.fields or ("",)) for t in FIELD_TEXTS.get(f, _TEXT_DEFAULT))
        )
        finders = [self.spans(c) for c in node.children]
        chunks = [[literal_chunk(t.text) for t in walk(c) if isinstance(t, Term)] for c in node.children]
        distance, ordered = node.distance, node.ordered

        def match(view: RecordView) -> bool:
            lower = view.lower(parts)
            if not all(any(c in lower for c in options) for options in chunks):
                return False
            return any(
                _within(distance, [f(words) for f in finders], ordered)
                for words in (value.split() for value in view.text(parts).split("\x00"))
                if words
            )

        return match

    def spans(self, node: Node) -> Callable[[list[str]], list[tuple[int, int]]]:
        if isinstance(node, Term):
            return span_finder(node.text)
        if isinstance(node, Bool) and node.op == "OR":
            kids = [self.spans(c) for c in node.children]
            return lambda words: [s for k in kids for s in k(words)]
        self.notes.append("proximity over a group other than OR: its terms are treated as alternatives")
        kids = [self.spans(t) for t in walk(node) if isinstance(t, Term)]
        return lambda words: [s for k in kids for s in k(words)]

    def limit(self, node: Limit) -> Matcher:
        restriction = limit_as_term(node)
        if restriction is None:
            self.notes.append(f"limit {node.limit!r} is not evaluated locally (no restriction applied)")
            return self.node(node.child)
        return self.node(Bool("AND", (node.child, restriction)))


def literal_chunk(text: str) -> str:
    """The longest run of letters and digits in a term: it must occur in any text the term matches."""
    runs = re.findall(r"[^\W_]+", text.lower())
    return max(runs, key=len) if runs else ""


def word_matcher(text: str) -> Callable[[str], bool]:
    """A test on a normalised text for one term: substring for plain words, regex for wildcards."""
    words = _query_words(text)
    if not words:
        return lambda normalised: False
    if not any(_WILD.search(w) for w in words):
        needle = " " + " ".join(words) + " "
        return lambda normalised: needle in normalised
    if all(not _WILD.search(w) for w in words[:-1]) and re.fullmatch(r"[^*?#$]+\*", words[-1]):
        needle = " " + " ".join(words)[:-1]
        return lambda normalised: needle in normalised
    pattern = re.compile(_wild_regex(words))
    return lambda normalised: pattern.search(normalised) is not None


def _query_words(text: str) -> list[str]:
    """A term's words, split like record text but keeping its wildcards."""
    return [w for w in re.split(r"[^\w*?#$]+|_", text.lower()) if w]


def _wild_regex(words: list[str]) -> str:
    parts = []
    for word in words:
        out = ""
        for piece in re.split(r"(\*|\?|#|\$\d*)", word):
            if piece == "*":
                out += "[^ ]*"
            elif piece == "?":
                out += "[^ ]?"
            elif piece == "#":
                out += "[^ ]"
            elif piece.startswith("$"):
                out += "[^ ]{0,%s}" % (piece[1:] or "")
            else:
                out += re.escape(piece)
        parts.append(out)
    return " " + " ".join(parts) + " "


def span_finder(text: str) -> Callable[[list[str]], list[tuple[int, int]]]:
    """Token spans (first, last) where a term occurs in a list of normalised words."""
    matcher = word_matcher(text)
    size = max(len(_query_words(text)), 1)

    def spans(words: list[str]) -> list[tuple[int, int]]:
        return [
            (i, i + size - 1)
            for i in range(len(words) - size + 1)
            if matcher(" " + " ".join(words[i : i + size]) + " ")
        ]

    return spans


def _within(distance: int, candidates: list[list[tuple[int, int]]], ordered: bool) -> bool:
    """Some choice of one span per child, each next to the previous within ``distance`` words."""
    if any(not c for c in candidates):
        return False

    def extend(index: int, previous: tuple[int, int]) -> bool:
        if index == len(candidates):
            return True
        for span in candidates[index]:
            if span[0] > previous[1]:
                gap = span[0] - previous[1] - 1
            elif not ordered and span[1] < previous[0]:
                gap = previous[0] - span[1] - 1
            else:
                continue
            if gap <= distance and extend(index + 1, span):
                return True
        return False

    return any(extend(1, first) for first in candidates[0])


# --------------------------------------------------------------------------- explaining


@dataclass(frozen=True)
class Hit:
    clause: str  # the term as written in the query, with its fields
    field: str  # the record part it matched in
    start: int  # character offsets in that part's raw text
    end: int
    text: str


@dataclass
class Explanation:
    record_id: str
    matched: bool
    clauses: list[tuple[str, bool]]  # each top-level clause and whether it matched
    hits: list[Hit]


def explain(query: CompiledQuery, record: Record) -> Explanation:
    """Whether the record matches, which top-level clauses held, and every term found in it."""
    view = RecordView(record)
    top = query.tree
    kids = top.children if isinstance(top, Bool) else (top,)
    clauses = []
    for index, kid in enumerate(kids):
        excluded = isinstance(top, Bool) and top.op == "NOT" and index > 0
        found = _Compiler([]).node(kid)(view)
        clauses.append((("NOT " if excluded else "") + show(kid), found != excluded))
    hits: list[Hit] = []
    for node in walk(top):
        if not isinstance(node, Term):
            continue
        clause = show(node)
        for field_name in node.fields or ("",):
            heading = field_name in _HEADINGS
            names = ("headings",) if heading else FIELD_TEXTS.get(field_name, ())
            pattern = _raw_pattern(node.text, whole=heading)
            for name in names:
                for raw in view.raw(name):
                    hits.extend(
                        Hit(clause, name, m.start(), m.end(), m.group(0)) for m in pattern.finditer(raw)
                    )
    return Explanation(record.record_id, query.match(view), clauses, list(dict.fromkeys(hits)))


def show(node: Node) -> str:
    """A compact, field-annotated rendering of a clause for explanations."""
    if isinstance(node, Term):
        text = f'"{node.text}"' if len(node.words) > 1 else node.text
        return text + (f"[{','.join(node.fields)}]" if node.fields else "")
    if isinstance(node, Bool):
        return "(" + f" {node.op} ".join(show(c) for c in node.children) + ")"
    if isinstance(node, Near):
        return "(" + f" NEAR/{node.distance} ".join(show(c) for c in node.children) + ")"
    return f"({show(node.child)} LIMIT {node.limit})"


def _raw_pattern(text: str, whole: bool = False) -> re.Pattern[str]:
    """The term as a regex over raw text: separators between words, word boundaries outside."""
    words = _query_words(text)
    body = r"[\W_]+".join("".join(_raw_piece(p) for p in re.split(r"(\*|\?|#|\$\d*)", w) if p) for w in words)
    if whole:
        return re.compile(r"^\W*" + body + r"\W*$", re.IGNORECASE)
    return re.compile(r"(?<![^\W_])" + body + r"(?![^\W_])", re.IGNORECASE)


def _raw_piece(piece: str) -> str:
    if piece in ("*", "$"):
        return r"\w*"
    if piece == "?":
        return r"\w?"
    if piece == "#":
        return r"\w"
    if piece.startswith("$"):
        return r"\w{0,%s}" % piece[1:]  # noqa: UP031
    return re.escape(piece)
