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
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from litreview.query.ast import LANGUAGE_CODES, Bool, Limit, Near, Node, Term, flatten, limit_as_term, walk
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


class SearchableRecord:
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

Matcher = Callable[[SearchableRecord], bool]


@dataclass
class CompiledQuery:
    """A strategy compiled for repeated evaluation; ``notes`` say what local evaluation approximates."""

    tree: Node
    match: Matcher
    notes: list[str] = field(default_factory=list)

    def run(self, records: Iterable[Record]) -> list[str]:
        """Ids of the matching records, in input order."""
        return [r.record_id for r in records if self.match(SearchableRecord(r))]


def compile_query(tree: Node) -> CompiledQuery:
    notes: list[str] = []
    tree = flatten(tree)
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
            phrase = [word_test(w) for w in name.split()]
            return lambda view: any(
                len(words) == len(phrase) and phrase_starts(words, phrase, first_only=True)
                for words in (h.split() for h in view.headings())
            )
        return lambda view: name in view.headings()

    def date(self, term: Term) -> Matcher:
        low, _, high = term.text.partition(":")
        low_year = int(low[:4]) if low[:4].isdigit() else 0
        high_year = int(high[:4]) if high[:4].isdigit() else (low_year if not high else 9999)

        def year_of(view: SearchableRecord) -> int | None:
            record = view.record
            return record.year

        def match(view: SearchableRecord) -> bool:
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

        def match(view: SearchableRecord) -> bool:
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
    """A test on a normalised text for one term: substring for plain words, word by word otherwise."""
    words = _query_words(text)
    if not words:
        return lambda normalised: False
    if not any(_WILD.search(w) for w in words):
        needle = " " + " ".join(words) + " "
        return lambda normalised: needle in normalised
    if all(not _WILD.search(w) for w in words[:-1]) and re.fullmatch(r"[^*?#$]+\*", words[-1]):
        needle = " " + " ".join(words)[:-1]
        return lambda normalised: needle in normalised
    phrase = [word_test(w) for w in words]
    return lambda normalised: bool(phrase_starts(normalised.split(), phrase, first_only=True))


def _query_words(text: str) -> list[str]:
    """A term's words, split like record text but keeping its wildcards."""
    return [w for w in re.split(r"[^\w*?#$]+|_", text.lower()) if w]


def phrase_starts(
    words: list[str], phrase: list[Callable[[str], bool]], first_only: bool = False
) -> list[int]:
    """Where in ``words`` the phrase's word tests hold on consecutive words."""
    size, found = len(phrase), []
    first, rest = phrase[0], phrase[1:]
    for i in range(len(words) - size + 1):
        if first(words[i]) and all(test(words[i + 1 + j]) for j, test in enumerate(rest)):
            found.append(i)
            if first_only:
                break
    return found


# A truncation ``$N`` longer than this is an unlimited one: no real word differs from another by more.
_LONGEST_LIMITED = 64


def word_test(pattern: str) -> Callable[[str], bool]:
    """A test of one record word against one query word with wildcards.

    Wildcards are matched by simulating the pattern's automaton on the word (one set of states,
    held as the bits of an int, advanced once per letter), so ``a*a*a*a*b`` costs time linear in
    the word: a backtracking regex takes time exponential in the number of ``*``.
    """
    if not _WILD.search(pattern):
        return pattern.__eq__
    if re.fullmatch(r"[^*?#$]+\*", pattern):
        prefix = pattern[:-1]
        return lambda word: word.startswith(prefix)
    return _Automaton(pattern).matches


class _Automaton:
    __slots__ = ("accept", "any_letter", "etc", "letters", "prefix", "repeat", "required", "start")

    def __init__(self, pattern: str):
        steps: list[str] = []  # a letter, or "one" (#), "opt" (? and each letter of $N), "star"
        for piece in re.split(r"(\*|\?|#|\$\d*)", pattern):
            if piece in ("*", "$") or (piece.startswith("$") and int(piece[1:]) > _LONGEST_LIMITED):
                steps.append("star")
            elif piece == "?":
                steps.append("opt")
            elif piece == "#":
                steps.append("one")
            elif piece.startswith("$"):
                steps.extend(["opt"] * int(piece[1:]))
            else:
                steps.extend(piece)
        self.letters: dict[str, int] = {}
        self.any_letter = self.repeat = skip = 0
        for i, step in enumerate(steps):
            bit = 1 << i
            if step == "star":
                self.repeat |= bit
                skip |= bit
            elif step in ("one", "opt"):
                self.any_letter |= bit
                skip |= bit if step == "opt" else 0
            else:
                self.letters[step] = self.letters.get(step, 0) | bit
        self.etc = skip  # states that may move on without reading a letter
        self.start = self._closure(1)
        self.accept = 1 << len(steps)
        # Cheap rejections first: the literal text before the first wildcard, and every literal run.
        pieces = re.split(r"[*?#$]\d*", pattern)
        self.prefix = pieces[0]
        self.required = [p for p in pieces[1:] if p]

    def _closure(self, states: int) -> int:
        while True:
            wider = states | ((states & self.etc) << 1)
            if wider == states:
                return states
            states = wider

    def matches(self, word: str) -> bool:
        if not word.startswith(self.prefix) or not all(p in word for p in self.required):
            return False
        if "\x00" in word:  # the mark between two values of a field is not a word
            return False
        states, letters, any_letter, repeat = self.start, self.letters, self.any_letter, self.repeat
        for letter in word:
            states = ((states & (letters.get(letter, 0) | any_letter)) << 1) | (states & repeat)
            if not states:
                return False
            states = self._closure(states)
        return bool(states & self.accept)


def span_finder(text: str) -> Callable[[list[str]], list[tuple[int, int]]]:
    """Token spans (first, last) where a term occurs in a list of normalised words."""
    phrase = [word_test(w) for w in _query_words(text)]
    if not phrase:
        return lambda words: []
    size = len(phrase)
    return lambda words: [(i, i + size - 1) for i in phrase_starts(words, phrase)]


def _within(distance: int, candidates: list[list[tuple[int, int]]], ordered: bool) -> bool:
    """Some choice of one span per child, each next to the previous within ``distance`` words.

    Dynamic programming over position lists: the spans of each child that some chain reaches,
    found by binary search among the previous child's reached spans, so the time grows with
    n log n in the occurrences, whatever the number of children (a search over every choice grows
    exponentially with them).
    """
    if any(not c for c in candidates):
        return False
    reached = sorted(set(candidates[0]))
    for spans in candidates[1:]:
        ends = sorted(end for _, end in reached)
        starts = sorted(start for start, _ in reached)
        reached = sorted(
            {
                (first, last)
                for first, last in spans
                # a previous span ending before this one starts, at most ``distance`` words before it
                if _any_between(ends, first - distance - 1, first - 1)
                # or, unordered, one starting after this one ends, at most ``distance`` words after it
                or (not ordered and _any_between(starts, last + 1, last + distance + 1))
            }
        )
        if not reached:
            return False
    return True


def _any_between(sorted_values: list[int], low: int, high: int) -> bool:
    index = bisect_left(sorted_values, low)
    return index < len(sorted_values) and sorted_values[index] <= high


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
    view = SearchableRecord(record)
    top = query.tree
    kids = top.children if isinstance(top, Bool) else (top,)
    clauses = []
    for index, kid in enumerate(kids):
        excluded = isinstance(top, Bool) and top.op == "NOT" and index > 0
        found = _Compiler([]).node(kid)(view)
        clauses.append((("NOT " if excluded else "") + show(kid), found != excluded))
    hits = [h for node in walk(top) if isinstance(node, Term) for h in term_hits(node, view)]
    return Explanation(record.record_id, query.match(view), clauses, list(dict.fromkeys(hits)))


def term_hits(node: Term, view: SearchableRecord) -> list[Hit]:
    """Where one term of a query occurs in the record, in the fields the term searches."""
    clause = show(node)
    phrase = [word_test(w) for w in _query_words(node.text)]
    if not phrase:
        return []
    hits: list[Hit] = []
    for field_name in node.fields or ("",):
        heading = field_name in _HEADINGS
        names = ("headings",) if heading else FIELD_TEXTS.get(field_name, ())
        for name in names:
            for raw in view.raw(name):
                hits.extend(Hit(clause, name, a, b, raw[a:b]) for a, b in _raw_hits(raw, phrase, heading))
    return hits


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


def _raw_hits(raw: str, phrase: list[Callable[[str], bool]], whole: bool) -> list[tuple[int, int]]:
    """Character spans of the raw text where the phrase occurs, word by word (``whole``: the text
    is the phrase and nothing more, as a heading must be)."""
    spans = [(m.start(), m.end()) for m in _RAW_WORD.finditer(raw)]
    if whole and len(spans) != len(phrase):
        return []
    words = [raw[a:b].lower() for a, b in spans]
    return [(spans[i][0], spans[i + len(phrase) - 1][1]) for i in phrase_starts(words, phrase)]


_RAW_WORD = re.compile(r"[^\W_]+")
