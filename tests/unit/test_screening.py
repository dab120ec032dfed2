"""Screening rules, decision precedence, decision files, agreement."""

import pytest

from litreview.errors import ScreeningRuleError
from litreview.records import Citation, Trial
from litreview.screen.decisions import (
    Decision,
    Policy,
    SheetRow,
    agreement,
    cohen_kappa,
    conflicts,
    effective,
    in_conflict,
    published_agreement,
    validate_rows,
)
from litreview.screen.rules import load_reviewers_per_record, load_rules

RULES = {
    "rules": [
        {"id": "EX-OFFTOPIC", "outcome": "exclude", "reason": "Irrelevant", "negate": True,
         "query": "neuroendocrine OR NEC"},
        {"id": "EX-MERKEL", "outcome": "exclude", "reason": "Merkel cell carcinoma", "query": '"merkel cell"[tiab]'},
        {"id": "EX-OLD", "outcome": "exclude", "reason": "Before 1990", "years": [1800, 1989]},
        {"id": "IN-TREAT", "outcome": "include", "reason": "Treatment of NEC",
         "query": "(neuroendocrine OR NEC) AND (therapy OR chemotherapy OR trial)"},
        {"id": "IN-TRIAL", "outcome": "include", "reason": "Registered trial", "kinds": ["trial"],
         "stages": ["title_abstract", "full_text"], "query": "neuroendocrine"},
    ]
}  # fmt: skip


def cite(title, abstract="", year=2020, **kw):
    return Citation(record_id=f"t:{abs(hash(title)) % 10**6}", source="t", native_id="1", title=title,
                    abstract=abstract, year=year, **kw)  # fmt: skip


@pytest.mark.parametrize(
    ("record", "decision", "rule"),
    [
        (cite("Bevacizumab in colorectal cancer"), "exclude", "EX-OFFTOPIC"),
        (cite("Merkel cell carcinoma: a neuroendocrine tumour of skin"), "exclude", "EX-MERKEL"),
        (cite("Chemotherapy for neuroendocrine carcinoma", year=1985), "exclude", "EX-OLD"),
        (cite("Chemotherapy for neuroendocrine carcinoma"), "include", "IN-TREAT"),
        (cite("Neuroendocrine carcinoma: pathology review"), "maybe", ""),
    ],
)
def test_first_exclude_then_include_then_maybe(record, decision, rule):
    verdict = load_rules(RULES).decide(record)
    assert (verdict.decision, verdict.rule_id) == (decision, rule)
    assert verdict.reason


def test_kinds_and_stages():
    rules = load_rules(RULES)
    trial = Trial(record_id="ctgov:NCT1", source="ctgov", native_id="NCT1", nct_id="NCT1",
                  title="Study in neuroendocrine neoplasms")  # fmt: skip
    assert rules.decide(trial).rule_id == "IN-TRIAL"
    assert rules.decide(trial, "full_text").rule_id == "IN-TRIAL"
    assert rules.decide(cite("Chemotherapy for NEC"), "full_text").decision == "maybe"  # no rule at full text
    assert rules.applies_to(trial, "full_text") and not rules.applies_to(cite("x"), "full_text")


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"id": "X", "outcome": "exclude", "reason": "r", "query": "31649320"}, "names a specific record"),
        (
            {"id": "X", "outcome": "exclude", "reason": "r", "query": "NCT02113800 OR x"},
            "names a specific record",
        ),
        ({"id": "X", "outcome": "drop", "reason": "r"}, r"outcome \(rule 'X'\): must be one of"),
        ({"id": "X", "outcome": "exclude"}, "has no reason"),
        ({"id": "X", "outcome": "exclude", "reason": "r", "query": "(a OR b"}, "query"),
        ({"id": "X", "outcome": "exclude", "reason": "r", "stages": ["abstract"]}, "stages"),
        (
            {"id": "X", "outcome": "exclude", "reason": "r", "colour": "red"},
            r"colour \(rule 'X'\): unknown key \(known: ",
        ),
        ({"id": "X", "outcome": "exclude", "reason": "r", "negate": True}, "negate needs a query"),
    ],
)
def test_bad_rules_are_refused(rule, message):
    with pytest.raises(ScreeningRuleError, match=message):
        load_rules({"rules": [rule]})


def d(record, decision, reviewer="", origin="human", stage="title_abstract", reason="", rule=""):
    return Decision(record, stage, decision, reason, reviewer, origin, rule)


def test_humans_override_rules_and_disagreement_waits_for_consensus():
    log = [
        d("r1", "exclude", origin="auto", rule="EX", reason="rule"), d("r1", "include", "ana"),
        d("r2", "include", origin="auto", rule="IN"),
        d("r3", "include", "ana"), d("r3", "exclude", "ben", reason="prognosis"),
        d("r4", "include", "ana"), d("r4", "exclude", "ben"), d("r4", "exclude", "consensus", reason="agreed"),
        d("r5", "exclude", origin="auto", rule="EX"), d("r5", "maybe", "ana"),
    ]  # fmt: skip
    eff = effective(log)
    assert (
        eff[("r1", "title_abstract")].decision == "include" and "ana" in eff[("r1", "title_abstract")].source
    )
    # rules may exclude, never include: a rule's inclusion waits for a reviewer
    assert eff[("r2", "title_abstract")].decision == "undecided"
    assert eff[("r2", "title_abstract")].source == "rule IN (suggestion)"
    assert eff[("r3", "title_abstract")].decision == "conflict"
    assert (
        eff[("r4", "title_abstract")].decision == "exclude"
        and eff[("r4", "title_abstract")].reason == "agreed"
    )
    assert eff[("r5", "title_abstract")].decision == "maybe"  # a human's doubt beats the rule
    assert [c[0] for c in conflicts(log)] == ["r3"]


def test_cohen_kappa_matches_the_textbook_example():
    # 50 items: both yes 20, both no 15, rater A yes/B no 5, A no/B yes 10 -> kappa = 0.4
    pairs = [("y", "y")] * 20 + [("n", "n")] * 15 + [("y", "n")] * 5 + [("n", "y")] * 10
    assert cohen_kappa(pairs) == pytest.approx(0.4)
    assert cohen_kappa([]) is None and cohen_kappa([("y", "y")]) is None
    log = [d(f"r{i}", a, "ana") for i, (a, _) in enumerate(pairs)] + [
        d(f"r{i}", b, "ben") for i, (_, b) in enumerate(pairs)
    ]
    (pair,) = agreement(log, "title_abstract")["pairs"]
    assert pair["kappa"] == pytest.approx(0.4) and pair["records"] == 50 and pair["agreement"] == 0.7


def test_malformed_decisions_are_rejected_with_every_row_number():
    rows = [
        SheetRow(2, "r1", "title_abstract", "include", "", "ana"),
        SheetRow(3, "nope", "title_abstract", "include", "", "ana"),
        SheetRow(4, "r2", "title_abstract", "perhaps", "", "ana"),
        SheetRow(5, "r1", "title_abstract", "exclude", "", "ana"),
        SheetRow(6, "r3", "title_abstract", "", "", ""),  # blank: not yet screened, skipped
        SheetRow(7, "r3", "title_abstract", "not retrieved", "", "ana"),
        SheetRow(8, "r3", "title_abstract", "include", "", ""),
    ]
    with pytest.raises(ScreeningRuleError) as info:
        validate_rows(rows, {"r1", "r2", "r3"}, "sheet.csv")
    message = str(info.value)
    for fragment in ("row 3: unknown record id", "row 4: unknown decision", "row 5: duplicates row 2",
                     "row 7: 'not retrieved' is a full-text decision", "row 8: no reviewer"):  # fmt: skip
        assert fragment in message
    assert "row 6" not in message and "nothing imported" in message


def test_a_control_character_in_a_reason_or_reviewer_is_refused_with_its_row():
    """PostgreSQL cannot store a NUL; the web refuses one too, so the CLI's import must."""
    rows = [SheetRow(2, "r1", "title_abstract", "exclude", "wrong\x00design", "ana"),
            SheetRow(3, "r2", "title_abstract", "include", "", "b\x07en")]  # fmt: skip
    with pytest.raises(ScreeningRuleError) as info:
        validate_rows(rows, {"r1", "r2"}, "sheet.csv")
    assert [p.split(":")[0] for p in info.value.problems] == ["row 2", "row 3"]


# -- one rule for what counts: votes per stage, conflicts, published decisions -------------------
def _votes(*votes, stage="title_abstract"):
    return [Decision("r:1", stage, word, "", who, "human") for who, word in votes]


TWO = Policy(required=(("title_abstract", 2), ("full_text", 2)))


@pytest.mark.parametrize(
    ("votes", "policy", "expected"),
    [
        ((("ana", "exclude"),), Policy(), "exclude"),
        ((("ana", "exclude"),), TWO, "awaiting"),
        ((("ana", "maybe"),), TWO, "awaiting"),
        ((("ana", "exclude"), ("ben", "exclude")), TWO, "exclude"),
        ((("ana", "maybe"), ("ben", "exclude")), Policy(), "conflict"),
        ((("ana", "maybe"), ("ben", "include")), TWO, "conflict"),
        ((("ana", "include"), ("ben", "exclude")), TWO, "conflict"),
        ((("ana", "include"), ("ben", "exclude"), ("consensus", "include")), TWO, "include"),
        ((("ana", "maybe"),), Policy(), "maybe"),
        ((("ana", "maybe"), ("ben", "maybe")), TWO, "conflict"),  # nobody decided: the lead does
        ((("ana", "maybe"), ("ben", "maybe")), Policy(), "conflict"),
        ((("ana", "maybe"), ("ben", "maybe"), ("consensus", "exclude")), TWO, "exclude"),
    ],
)
def test_one_rule_decides_final_awaiting_or_conflict(votes, policy, expected):
    decided = effective(_votes(*votes), policy)
    assert decided[("r:1", "title_abstract")].decision == expected
    listed = [(r, s) for r, s, _ in conflicts(_votes(*votes), policy)]
    assert (listed == [("r:1", "title_abstract")]) == (expected == "conflict")
    assert in_conflict(_votes(*votes), "r:1", "title_abstract", policy) == (expected == "conflict")


def test_a_rule_exclusion_stands_until_a_reviewer_votes():
    rule = Decision("r:1", "title_abstract", "exclude", "Irrelevant", rule_id="EX-OFF")
    assert effective([rule], TWO)[("r:1", "title_abstract")].source == "rule EX-OFF"
    one = effective([rule, *_votes(("ana", "include"))], TWO)[("r:1", "title_abstract")]
    assert one.decision == "awaiting"


def test_published_decisions_count_alone_and_never_in_conflicts_or_kappa():
    policy = Policy(published=(("Smith 2020", "Table 2 of the paper"),))
    published = Decision("r:1", "title_abstract", "include", "published", "Smith 2020", "human")
    other = Decision("r:2", "title_abstract", "exclude", "published", "Smith 2020", "human")
    assert effective([published], policy)[("r:1", "title_abstract")].source == "published Smith 2020"
    ana = [Decision("r:1", "title_abstract", "exclude", "", "ana", "human"),
           Decision("r:2", "title_abstract", "exclude", "", "ana", "human")]  # fmt: skip
    everything = [published, other, *ana]
    assert conflicts(everything, policy) == []
    assert effective(everything, policy)[("r:1", "title_abstract")].source == "reviewer ana"
    assert agreement(everything, "title_abstract", policy)["pairs"] == []
    against = published_agreement(everything, "title_abstract", policy)
    assert [(row["reviewers"], row["records"], row["agreement"]) for row in against] == [
        (["ana", "Smith 2020"], 2, 0.5)
    ]
    # without the policy the published authors would be a reviewer in conflict with ana
    assert conflicts(everything) != []


@pytest.mark.parametrize(
    ("value", "message"),
    [(0, "whole number from 1"), ("2", "whole number"), (True, "whole number"),
     ({"abstract": 2}, "unknown stage")],
)  # fmt: skip
def test_reviewers_per_record_is_validated(value, message):
    with pytest.raises(ScreeningRuleError, match=message):
        load_reviewers_per_record({"reviewers_per_record": value})
    assert load_reviewers_per_record({"reviewers_per_record": {"title_abstract": 2}}) == {
        "title_abstract": 2, "full_text": 1
    }  # fmt: skip
