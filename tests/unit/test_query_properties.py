"""Property tests: the parser never fails with anything but QueryError, and translating the
supported constructs to a syntax and parsing that text back gives the same tree."""

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from litreview.errors import QueryError
from litreview.query.ast import Bool, Near, Term, equivalent
from litreview.query.evaluate import SearchableRecord, compile_query
from litreview.query.lint import lint
from litreview.query.parser import parse, parse_strategy
from litreview.query.translate import TARGETS, translate
from litreview.records import Citation

QUERY_ALPHABET = st.sampled_from(
    [
        *list("abcxyz019 ()[]\"'“”*$?#./:,-~\n"),
        "AND",
        " OR ",
        "NOT",
        "adj3",
        "NEAR/2",
        "exp ",
        "[tiab]",
        ".ti,ab.",
        "/exp",
        "or/1-3",
        "limit 1 to english",
    ]
)
RECORD = Citation("r:1", "r", "1", title="Alpha beta gamma", abstract="delta alpha-beta epsilon")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(QUERY_ALPHABET, max_size=40).map("".join))
def test_any_text_parses_lints_translates_and_evaluates_or_raises_query_error(text):
    result = parse_strategy(text)  # never raises for query problems
    lint(text)
    if result.tree is not None and not result.errors:
        for target in TARGETS:
            translate(result.tree, target)
        compile_query(result.tree).match(SearchableRecord(RECORD))
    try:
        parse(text)
    except QueryError as exc:
        assert exc.line >= 1 and exc.column >= 1


OPERATOR_LIKE = re.compile(r"^(and|or|not|adj\d*|near\d*|next|exp|limit|to)$")
WORD = st.from_regex(r"[a-z]{4,9}", fullmatch=True).filter(lambda w: not OPERATOR_LIKE.match(w))
TRUNCATED = st.tuples(WORD, st.booleans()).map(lambda p: p[0] + ("*" if p[1] else ""))
# Fields every target can say exactly, per target.
FIELDS = {
    # PubMed has no abstract-only field: [ab] input is searched as [tiab] with a warning.
    "pubmed": [(), ("tiab",), ("ti",), ("pt",), ("au",), ("mesh",), ("mesh_noexp",)],
    "ovid": [(), ("tiab",), ("ti",), ("ab",), ("pt",), ("au",), ("mesh",), ("mesh_noexp",), ("tiab", "kw")],
    "embase": [(), ("tiab",), ("ti",), ("ab",), ("au",), ("emtree",), ("emtree_noexp",), ("tiab", "kw")],
}


def terms(target):
    def build(words, fields, quoted):
        words = [w.rstrip("*") for w in words[:-1]] + words[-1:]  # PubMed truncates a phrase's last word only
        if fields and fields[0] in ("mesh", "mesh_noexp", "emtree", "emtree_noexp"):
            words = [w.rstrip("*") for w in words]  # headings are names, not truncated words
        return Term(" ".join(words), quoted=quoted or len(words) > 1, fields=fields)

    return st.builds(
        build, st.lists(TRUNCATED, min_size=1, max_size=3), st.sampled_from(FIELDS[target]), st.booleans()
    )


def nears(target):
    fields = ("tiab",)
    word = WORD.map(lambda w: Term(w, fields=fields))
    return st.builds(
        lambda kids, distance: Near(distance, tuple(kids), fields=fields),
        st.lists(word, min_size=2, max_size=2),
        st.integers(min_value=0, max_value=5),
    )


def trees(target):
    leaves = terms(target) | nears(target)
    return st.recursive(
        leaves,
        lambda kids: st.builds(
            lambda op, children: Bool(op, tuple(children)),
            st.sampled_from(["AND", "OR", "NOT"]),
            st.lists(kids, min_size=2, max_size=3),
        ),
        max_leaves=8,
    )


def _round_trip(tree, target):
    result = translate(tree, target)
    assert not result.notes, result.notes
    back = parse_strategy(result.text, target)
    assert not back.errors, (result.text, back.errors[:1])
    assert equivalent(back.tree, tree), result.text


@settings(max_examples=150, deadline=None)
@given(trees("pubmed"))
def test_pubmed_round_trip(tree):
    _round_trip(tree, "pubmed")


@settings(max_examples=150, deadline=None)
@given(trees("ovid"))
def test_ovid_round_trip(tree):
    _round_trip(tree, "ovid")


@settings(max_examples=150, deadline=None)
@given(trees("embase"))
def test_embase_round_trip(tree):
    _round_trip(tree, "embase")
