"""The protocol files' typed models: every problem names the file, the key path and the line, as
fields of the error (nobody reads its message to find them)."""

import pytest
from tests.unit.test_cli import run_cli
from tests.unit.test_extraction import OTHER_LEXICON, OTHER_REVIEW

from litreview.config import load_protocol
from litreview.errors import ConfigError, ScreeningRuleError
from litreview.extract.spec import load_spec
from litreview.screen.rules import load_confirmations, load_reviewers_per_record, load_rules


def _damage(review_copy, old, new):
    """Replace ``old`` once in review.toml; return the 1-based line where ``new``'s first line lands."""
    path = review_copy / "review.toml"
    text = path.read_text()
    assert text.count(old) >= 1, old
    text = text.replace(old, new, 1)
    path.write_text(text)
    return text[: text.index(new)].count("\n") + 1


def _refused(review_copy):
    with pytest.raises(ConfigError) as info:
        load_protocol(review_copy)
    return info.value


def test_an_unknown_key_in_a_nested_table_is_named_by_key_path_and_line(review_copy):
    # in the second [[screening.rules]] table (EX-MERKEL), below its id
    line = _damage(review_copy, 'id = "EX-MERKEL"\n', 'id = "EX-MERKEL"\ncolour = "red"\n') + 1
    error = _refused(review_copy)
    assert (error.key, error.line, error.rule_id) == ("screening.rules[2].colour", line, "EX-MERKEL")
    assert error.path.endswith("review.toml") and "unknown key" in error.problem and "query" in error.problem
    assert f"review.toml:{line}: screening.rules[2].colour (rule 'EX-MERKEL'): unknown key" in str(error)


def test_an_unknown_key_in_a_source_names_the_source_by_position(review_copy):
    line = _damage(review_copy, 'label = "Embase"\n', 'label = "Embase"\nlabl = "typo"\n') + 1
    error = _refused(review_copy)
    assert (error.key, error.line) == ("sources[2].labl", line)


@pytest.mark.parametrize(
    ("setting", "key"),
    [
        ('reviewers_per_record = "2"\n', "screening.reviewers_per_record"),
        ("reviewers_per_record = 2.5\n", "screening.reviewers_per_record"),
        (
            "reviewers_per_record = { title_abstract = true }\n",
            "screening.reviewers_per_record.title_abstract",
        ),
        ("unblind = 3\n", "screening.unblind"),
    ],
)
def test_a_wrong_type_in_screening_names_the_key_and_line(review_copy, setting, key):
    line = _damage(review_copy, "[screening]\n", "[screening]\n" + setting) + 1
    error = _refused(review_copy)
    assert (error.key, error.line) == (key, line), str(error)


def test_votes_per_stage_written_as_a_table_point_at_the_stage(review_copy):
    table = "[screening.reviewers_per_record]\ntitle_abstract = 2\nfull_text = 0\n\n[screening]\n"
    line = _damage(review_copy, "[screening]\n", table) + 2
    error = _refused(review_copy)
    assert (error.key, error.line) == ("screening.reviewers_per_record.full_text", line)
    assert "whole number from 1" in error.problem and "got 0" in error.problem


def test_a_bad_rule_query_names_the_rule_id_and_its_line(review_copy):
    text = (review_copy / "review.toml").read_text()
    line = text[: text.index('query = \'("merkel cell"')].count("\n") + 1
    _damage(review_copy, 'query = \'("merkel cell"', 'query = \'(("merkel cell"')
    error = _refused(review_copy)
    assert (error.key, error.rule_id, error.line) == ("screening.rules[2].query", "EX-MERKEL", line)
    assert "EX-MERKEL" in str(error) and "column 1" in error.problem and "\n" not in str(error)


def test_an_empty_stages_list_is_refused_not_read_as_the_rules_stages(review_copy):
    path = review_copy / "review.toml"
    text = path.read_text()
    confirmation = (
        '\n[[screening.confirmations]]\nrule = "IN-REGISTERED-TRIAL"\nreviewer = "ann"\nprovenance = "p"\n'
    )
    path.write_text(text + confirmation + "stages = []\n")
    line = len((text + confirmation).splitlines()) + 1
    error = _refused(review_copy)
    assert (error.key, error.line) == ("screening.confirmations[1].stages", line)
    # written without stages, it takes the rule's
    path.write_text(text + confirmation)
    protocol = load_protocol(review_copy)
    [rule] = [r for r in load_rules(protocol.screening).rules if r.id == "IN-REGISTERED-TRIAL"]
    [standing] = load_confirmations(protocol.screening)
    assert standing.stages == rule.stages and standing.stages
    # and the same list given to load_confirmations itself (no protocol file) names the key too
    with pytest.raises(ScreeningRuleError) as info:
        load_confirmations({**protocol.screening, "confirmations": [
            {"rule": "IN-REGISTERED-TRIAL", "reviewer": "ann", "provenance": "p", "stages": []}]})  # fmt: skip
    assert info.value.key == "screening.confirmations[1].stages"


def test_a_rule_error_outside_a_protocol_carries_its_fields():
    rules = {"rules": [{"id": "A", "outcome": "exclude", "reason": "r"},
                       {"id": " B ", "outcome": "exclude", "reason": "r", "query": "(x"}]}  # fmt: skip
    with pytest.raises(ScreeningRuleError) as info:
        load_rules(rules, where="mine.toml")
    error = info.value
    assert (error.path, error.key, error.rule_id, error.line) == (
        "mine.toml",
        "screening.rules[2].query",
        "B",
        None,
    )
    with pytest.raises(ScreeningRuleError) as info:
        load_reviewers_per_record({"reviewers_per_record": {"full_text": "2"}})
    assert (info.value.key, info.value.rule_id) == ("screening.reviewers_per_record.full_text", None)


def test_a_value_in_a_multi_line_array_points_at_where_the_array_begins(review_copy):
    text = (review_copy / "review.toml").read_text()
    line = text[: text.index("exclude = [\n")].count("\n") + 1
    _damage(review_copy, '  "Merkel cell carcinoma",\n', "  3,\n")
    error = _refused(review_copy)
    assert (error.key, error.line) == ("criteria.exclude[3]", line)
    assert error.problem == "expected a string, got int"


def test_a_bad_protocol_stops_the_run_with_one_line_and_exit_2(review_copy, tmp_path, monkeypatch, capsys):
    _damage(review_copy, 'outcome = "include"', 'outcome = "includes"')
    code, out = run_cli(monkeypatch, capsys, "run", str(review_copy), "--workspace", str(tmp_path / "w"))
    lines = out.err.strip().splitlines()
    assert code == 2 and len(lines) == 1, out.err
    assert "screening.rules[7].outcome (rule 'IN-TREATMENT-EP-NEC'): must be one of" in lines[0]
    assert not (tmp_path / "w").exists()  # nothing started


def _spec(tmp_path, old, new):
    assert old in OTHER_REVIEW
    text = OTHER_REVIEW.replace(old, new, 1)
    (tmp_path / "extraction.toml").write_text(text)
    (tmp_path / "lexicon.toml").write_text(OTHER_LEXICON)
    with pytest.raises(ConfigError) as info:
        load_spec(tmp_path / "extraction.toml")
    return text, info.value


def test_an_unknown_key_in_an_extraction_rule_is_named_by_key_path_and_line(tmp_path):
    text, error = _spec(tmp_path, 'label = "HCC"\n', 'label = "HCC"\ncolumn = "site"\n')
    line = text.splitlines().index('column = "site"') + 1
    assert (error.key, error.line) == ("sites.rules[1].column", line)
    assert (
        error.path.endswith("extraction.toml")
        and "unknown key (known: group, label, pattern" in error.problem
    )


def test_an_unknown_extraction_column_is_named_by_key_path_and_line(tmp_path):
    text, error = _spec(tmp_path, '["line", "Setting"]', '["stage", "Setting"]')
    line = text.splitlines().index(next(x for x in text.splitlines() if x.startswith("headers"))) + 1
    assert (error.key, error.line) == ("headers[3][1]", line)
    assert "unknown column 'stage'" in error.problem
