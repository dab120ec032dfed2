import json
from pathlib import Path

import pytest
from tests.conftest import REVIEW

from litreview.errors import QueryError
from litreview.query.ast import Bool, Limit, Near, Term, flatten
from litreview.query.lint import lint
from litreview.query.parser import parse, parse_strategy

CLEF = Path(__file__).parents[1] / "data" / "queries" / "clef_tar_2017_strategies.json"


def test_published_string_reports_stray_paren_at_169():
    _, diags = lint((REVIEW / "medline.txt").read_text())
    errors = [d for d in diags if d.severity == "error"]
    assert [(d.code, d.line, d.column) for d in errors] == [("E001", 1, 169)]
    codes = {d.code for d in diags}
    assert {"W104", "W105", "I003"} <= codes  # truncation in quotes, single quotes, mixed-case operators
    with pytest.raises(QueryError) as info:
        parse((REVIEW / "medline.txt").read_text())
    assert info.value.line == 1 and info.value.column == 169 and "^" in info.value.excerpt


def test_all_clef_strategies_parse_and_resolve():
    strategies = json.loads(CLEF.read_text())
    assert len(strategies) == 50
    for item in strategies:
        result = parse_strategy(item["query"])
        assert not result.errors, (item["topic"], result.errors[:2])
        assert result.tree is not None


def test_ovid_lines_fields_headings_and_limits():
    tree = parse("exp glaucoma/\nglaucoma$.tw.\n(OHT or IOP).ti,ab.\nor/1-3\nlimit 4 to english\n5 not 2")
    assert isinstance(tree, Bool) and tree.op == "NOT"
    limit, excluded = tree.children
    assert isinstance(limit, Limit) and limit.limit == "english"
    heading, tw, group = limit.child.children
    assert heading == Term("glaucoma", fields=("mesh",))
    assert tw == Term("glaucoma*", fields=("tiab",))  # Ovid $ = unlimited truncation; .tw. = ti,ab
    assert group.children == (Term("OHT", fields=("tiab",)), Term("IOP", fields=("tiab",)))
    assert excluded == tw


def test_pubmed_tags_and_proximity():
    tree = parse('"breast cancer"[tiab:~3] AND neoplasms[mh:noexp] AND review[pt]')
    near, mesh, pt = flatten(tree).children
    assert isinstance(near, Near) and near.distance == 3
    assert mesh.fields == ("mesh_noexp",) and pt.fields == ("pt",)


def test_embase_syntax():
    tree = parse("'lung cancer'/exp OR (tumour NEAR/3 lung):ti,ab", syntax="embase")
    heading, near = tree.children
    assert heading.fields == ("emtree",) and heading.quoted
    assert isinstance(near, Near) and near.distance == 3 and near.fields == ("tiab",)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("(a OR b", "E001"),
        ("a OR", "E003"),
        ('"open phrase', "E002"),
        ("1 or 7\nx\ny", "E005"),
        ("a AND ()", "E004"),
    ],
)
def test_errors_have_codes(text, code):
    result = parse_strategy(text)
    assert code in {d.code for d in result.errors}


def test_short_truncation_and_mixed_operators_warn():
    _, diags = lint("ca* OR tumor AND breast")
    assert {"W102", "W103"} <= {d.code for d in diags}
