"""What the screening page marks in a record's text: the review's search terms, the screening rules'
terms (by the way they point: towards inclusion or exclusion) and highlight words.

The terms come from the protocol, never from the record's source: the search queries as every run
uses them (the accepted repair applied, :meth:`Protocol.query_as_run`) and every rule's query, so a
record from an export file (Embase RIS, a CSV) is marked exactly like one PubMed returned.
Pure: spans over the raw text, which the page escapes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from litreview.config import Protocol
from litreview.errors import LitreviewError
from litreview.query.ast import Bool, Limit, Near, Node, Term
from litreview.query.evaluate import CompiledQuery, SearchableRecord, compile_query, record_texts, term_hits
from litreview.query.parser import parse_strategy
from litreview.records import Record
from litreview.screen.rules import load_rules

TEXT_PARTS = ("title", "abstract", "keywords", "headings", "pub_types")
WORD_KINDS = ("include", "exclude")


@dataclass
class Segment:
    text: str
    mark: str = ""  # "" | query | query-not | rule-include | rule-exclude | include | exclude
    why: str = ""  # where the mark comes from (a rule id, "search", "your words"), shown on hover


@dataclass(frozen=True)
class Source:
    """One query whose terms are marked: ``sign`` +1 when its matching points to inclusion."""

    query: CompiledQuery
    sign: int
    label: str
    search: bool  # a search strategy (marks query / query-not) rather than a rule


def protocol_sources(protocol: Protocol) -> tuple[list[Source], list[str]]:
    """Every query of the protocol to mark, and what could not be used (said, not hidden)."""
    found, problems = [], []
    for spec in protocol.sources:
        if spec.query_file is None:
            continue
        try:
            text, _ = protocol.query_as_run(spec)
        except LitreviewError as exc:
            problems.append(f"{spec.name}: {exc}")
            continue
        parsed = parse_strategy(text)
        if parsed.tree is None or parsed.errors:
            problems.append(
                f"{spec.name}: the query does not parse ({parsed.errors[0].message if parsed.errors else 'empty'})"
            )
            continue
        found.append(Source(compile_query(parsed.tree), 1, f"search ({spec.name})", True))
    try:
        rules = load_rules(protocol.screening, str(protocol.path)).rules
    except LitreviewError as exc:
        return found, [*problems, str(exc)]
    for rule in rules:
        if rule.query is None or rule.outcome == "maybe":
            continue
        sign = (1 if rule.outcome == "include" else -1) * (-1 if rule.negate else 1)
        found.append(Source(rule.query, sign, f"rule {rule.id}", False))
    return found, problems


def signed_terms(node: Node, sign: int = 1) -> Iterator[tuple[Term, int]]:
    """Each term with the way its presence points: the children of NOT after the first point back."""
    if isinstance(node, Term):
        yield node, sign
    elif isinstance(node, Bool):
        for index, child in enumerate(node.children):
            yield from signed_terms(child, -sign if node.op == "NOT" and index > 0 else sign)
    elif isinstance(node, Near):
        for child in node.children:
            yield from signed_terms(child, sign)
    elif isinstance(node, Limit):
        yield from signed_terms(node.child, sign)


def clean_words(words: Iterable[str]) -> list[str]:
    return sorted({w.strip().lower() for w in words if w.strip()})[:200]


def word_pattern(words: list[str]) -> re.Pattern[str] | None:
    # a word matches at a word start; a trailing * is a truncation, as in the query language
    parts = [
        re.escape(w.rstrip("*")) + (r"\w*" if w.endswith("*") else r"\b") for w in words if w.rstrip("*")
    ]
    return re.compile(r"\b(?:" + "|".join(parts) + ")", re.IGNORECASE) if parts else None


@dataclass(frozen=True)
class WordList:
    """Highlight words of one owner (the review's shared ones, or one reviewer's own)."""

    label: str
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


def marked_parts(
    record: Record, sources: list[Source], word_lists: Iterable[WordList]
) -> dict[str, list[list[Segment]]]:
    """Each text part of the record in segments. Where marks overlap the first wins: the search's
    terms, then the highlight words (the reviewer's own, then the review's), then the rules' terms."""
    view = SearchableRecord(record)
    spans: dict[tuple[str, int], list[tuple[int, int, str, str]]] = {}
    texts = {name: record_texts(record, name) for name in TEXT_PARTS}

    def add_terms(source: Source) -> None:
        for term, sign in signed_terms(source.query.tree, source.sign):
            if source.search:
                mark = "query" if sign > 0 else "query-not"
            else:
                mark = "rule-include" if sign > 0 else "rule-exclude"
            for hit in term_hits(term, view):
                for index, raw in enumerate(texts.get(hit.field, ())):
                    if raw[hit.start : hit.end] == hit.text:
                        spans.setdefault((hit.field, index), []).append(
                            (hit.start, hit.end, mark, source.label)
                        )

    for source in sources:
        if source.search:
            add_terms(source)
    for words in word_lists:
        for kind in WORD_KINDS:
            pattern = word_pattern(list(getattr(words, kind)))
            if pattern is None:
                continue
            for name, values in texts.items():
                for index, raw in enumerate(values):
                    spans.setdefault((name, index), []).extend(
                        (m.start(), m.end(), kind, words.label) for m in pattern.finditer(raw)
                    )
    for source in sources:
        if not source.search:
            add_terms(source)
    out = {}
    for name, values in texts.items():
        if values:
            out[name] = [segments(raw, spans.get((name, index), [])) for index, raw in enumerate(values)]
    return out


def segments(text: str, spans: list[tuple[int, int, str, str]]) -> list[Segment]:
    """``text`` cut at the marked spans (an earlier span wins where two overlap)."""
    taken: list[tuple[int, int, str, str]] = []
    for start, end, kind, why in spans:
        if start < end and all(end <= a or start >= b for a, b, _, _ in taken):
            taken.append((start, end, kind, why))
    out, at = [], 0
    for start, end, kind, why in sorted(taken):
        if start > at:
            out.append(Segment(text[at:start]))
        out.append(Segment(text[start:end], kind, why))
        at = end
    if at < len(text) or not out:
        out.append(Segment(text[at:]))
    return out
