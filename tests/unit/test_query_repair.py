import pytest
from tests.conftest import REVIEW

from litreview.errors import QueryError
from litreview.query.lint import lint
from litreview.query.repair import apply_accepted, propose_repair


def errors(text):
    return [d for d in lint(text)[1] if d.severity == "error"]


def test_published_string_needs_one_deletion_at_169():
    text = (REVIEW / "medline.txt").read_text()
    repair = propose_repair(text)
    assert repair.describe() == ["delete ')' at 1:169"]
    assert len(repair.text) == len(text) - 1 and text[168] == ")"
    assert not errors(repair.text)


@pytest.mark.parametrize(
    ("text", "edits", "fixed"),
    [
        ("(a OR b", ["insert ')' at 1:8"], "(a OR b)"),
        ("a) OR (b", ["delete ')' at 1:2", "insert ')' at 1:8"], "a OR (b)"),
        ("((a  ", ["insert ')' at 1:4", "insert ')' at 1:5"], "((a))  "),
        ("'x)' OR (b", ["insert ')' at 1:11"], "'x)' OR (b)"),  # a quoted ')' is not a parenthesis
        (
            "1 (a or b\n2 c)\n3 1 or 2",
            ["insert ')' at 1:10", "delete ')' at 2:4"],
            "1 (a or b)\n2 c\n3 1 or 2",
        ),
        ("(a OR\nb", ["insert ')' at 2:2"], "(a OR\nb)"),  # a group may continue on the next line
        ("(a OR b)", [], "(a OR b)"),
    ],
)
def test_minimal_repairs(text, edits, fixed):
    repair = propose_repair(text)
    assert repair.describe() == edits
    assert repair.text == fixed
    assert not [e for e in errors(repair.text) if e.code == "E001"]


def test_accepted_repair_is_checked_against_the_file():
    text = (REVIEW / "medline.txt").read_text()
    repair = propose_repair(text)
    assert apply_accepted(text, repair.describe(), repair.sha256, "medline.txt").text == repair.text
    with pytest.raises(QueryError, match="changed since its repair was accepted"):
        apply_accepted(text + " OR x", repair.describe(), repair.sha256, "medline.txt")
    with pytest.raises(QueryError, match="differs from the repair"):
        apply_accepted(text, ["delete ')' at 1:1"], "", "medline.txt")
