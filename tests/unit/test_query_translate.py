import json
from pathlib import Path

import pytest
from tests.conftest import REVIEW

from litreview.errors import QueryError
from litreview.query.ast import Bool, Near, Term, equivalent
from litreview.query.parser import parse, parse_strategy
from litreview.query.repair import propose_repair
from litreview.query.translate import TARGETS, translate

CLEF = Path(__file__).parents[1] / "data" / "queries" / "clef_tar_2017_strategies.json"
PARSEABLE_TARGETS = ("pubmed", "ovid", "embase")  # Essie output is for CT.gov, not read back


@pytest.mark.parametrize("target", PARSEABLE_TARGETS)
def test_clef_strategies_translate_and_reparse_to_what_was_meant(target):
    lossless = 0
    for item in json.loads(CLEF.read_text()):
        original = parse(item["query"])
        result = translate(original, target)
        again = parse_strategy(result.text, target)
        assert not again.errors, (item["topic"], again.errors[:1])
        # The text means exactly the lowered tree ...
        assert equivalent(again.tree, result.tree), item["topic"]
        # ... and the lowered tree is the original unless a warning says what changed.
        if not result.notes:
            lossless += 1
            assert equivalent(result.tree, original), item["topic"]
    print(f"{target}: {lossless} of 50 CLEF strategies translated without any approximation")
    assert lossless >= 1


def test_published_string_translates_to_pubmed_after_repair():
    text = (REVIEW / "medline.txt").read_text()
    with pytest.raises(QueryError):
        parse(text)
    repaired = propose_repair(text)
    result = translate(parse(repaired.text), "pubmed")
    assert "'" not in result.text  # PubMed needs double quotes
    assert '"neuro-endocrine carcinoma"' in result.text and '"Therap*"' in result.text
    assert result.text.count("(") == result.text.count(")")
    assert equivalent(parse(result.text, "pubmed"), parse(repaired.text))
    assert not result.notes


@pytest.mark.parametrize(
    ("query", "target", "expected", "codes"),
    [
        ("(breast adj3 cancer).ti,ab.", "pubmed", '"breast cancer"[tiab:~2]', set()),
        ("(breast adj3 cancer*).ti,ab.", "pubmed", "breast[tiab] AND cancer*[tiab]", {"T105"}),
        ("exp Neoplasms/", "embase", "'Neoplasms'/exp", {"T101"}),
        ("wom#n.ti.", "pubmed", "wom*[ti]", {"T102"}),
        ("wom#n.ti.", "embase", "wom?n:ti", set()),
        ("colo?r.ti.", "embase", "colo$r:ti", set()),
        ("'lung cancer'/exp", "pubmed", '"lung cancer"[mh]', {"T101"}),
        ("tumour NEAR/3 lung", "ovid", "tumour adj4 lung", set()),
        ('"hip pain"[tiab:~2]', "ovid", "(hip adj3 pain).ti,ab.", set()),
        ("Dementia/bl", "pubmed", '"Dementia/bl"[mh:noexp]', set()),
        ("Dementia/bl", "embase", "'Dementia'/de", {"T101", "T106"}),
        ("cancer[tiab] NOT mice[mh]", "ctgov", "AREA[BriefTitle]cancer", set()),
        ("cancer[tiab] AND review[pt]", "ctgov", "AREA[BriefTitle]cancer", {"T108"}),
        ("cancer.ab.", "pubmed", "cancer[tiab]", {"T101"}),
        ("therap*", "ctgov", "therap", {"T103"}),
        ("a1c.ti,ab,kf.", "pubmed", "a1c[tiab] OR a1c[ot]", set()),
    ],
)
def test_constructs_translate_to_their_closest_form(query, target, expected, codes):
    result = translate(parse(query), target)
    assert expected in result.text
    assert {n.code for n in result.notes} == codes


def test_every_warning_has_a_position_and_says_what_was_searched_instead():
    result = translate(parse("1 (cancer* adj3 breast).ti,ab.\n2 limit 1 to editorial"), "pubmed")
    codes = {n.code: n for n in result.notes}
    assert {"T105", "T108"} <= set(codes)
    assert codes["T105"].line == 1 and "AND" in codes["T105"].message
    assert "editorial" in codes["T108"].message


def test_limits_become_fields_or_numbered_ovid_lines():
    tree = parse("1 exp glaucoma/\n2 glaucoma$.tw.\n3 or/1-2\n4 limit 3 to english")
    pubmed = translate(tree, "pubmed")
    assert pubmed.text.endswith("AND english[la]")
    ovid = translate(tree, "ovid")
    assert ovid.text.splitlines()[-1] == "2 limit 1 to english"
    assert equivalent(parse(ovid.text, "ovid"), tree)


def test_ctgov_essie_makes_not_unary_and_groups_explicit():
    result = translate(parse('("neuroendocrine carcinoma" OR NEC) NOT lung'), "ctgov")
    assert result.text == '("neuroendocrine carcinoma" OR NEC) AND NOT lung'


def test_grouping_is_explicit_in_every_target():
    tree = parse("a OR b AND c")
    for target in TARGETS:
        text = translate(tree, target).text
        assert text.startswith("(a ") and ") " in text, (target, text)


def test_unknown_target_is_a_query_error():
    with pytest.raises(QueryError):
        translate(Bool("OR", (Term("a"), Near(1, (Term("b"), Term("c"))))), "scopus")
