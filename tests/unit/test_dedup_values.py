"""A guard fires only on two real values; agreement on missing fields is no evidence.

Records are built for each class the way exports carry it (an Embase volume holding the issue's
closing bracket, a spreadsheet that turned pages into dates, "Anonymous" authors, a journal column
printed in every issue without issue or pages), not copied from the labelled sets.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from litreview.dedup.cluster import link_fuzzy
from litreview.dedup.prepare import issue_value, page_range, prepare, real_year, volume_value
from litreview.dedup.rules import compare
from litreview.records import Citation

TITLE = "Remote ischaemic preconditioning before cardiac surgery in adults with chronic kidney disease"
DOI = "10.1016/j.athoracsur.2021.04.017"


def cite(source, i, title=TITLE, **kw):
    return Citation(record_id=f"{source}:{i}", source=source, native_id=str(i), title=title, **kw)


def linked(records, a, b):
    rep = {link.record_id: link.linked_to for link in link_fuzzy(records).links}
    return rep.get(a, a) == rep.get(b, b)


ARTICLE = dict(journal="Annals of Thoracic Surgery", year=2021, pages="1204-1211",
               authors=("Okafor, Chidi", "Lindqvist, Anna"))  # fmt: skip


@pytest.mark.parametrize("debris", ["1)", "2)", "(1)", "[Epub ahead of print]", "Vol."])
def test_a_volume_that_is_not_a_volume_neither_conflicts_nor_agrees(debris):
    medline = cite("medline", 1, volume="61", issue="1", doi=DOI, **ARTICLE)
    embase = cite("embase", 2, volume=debris, doi=DOI, **ARTICLE)
    assert compare(prepare(medline), prepare(embase))[0] == "duplicate"
    # without the DOI: title, first page, first author and year still link
    plain = [
        cite("medline", 3, volume="61", issue="1", **ARTICLE),
        cite("embase", 4, volume=debris, **ARTICLE),
    ]
    assert linked(plain, "medline:3", "embase:4")
    assert volume_value(debris) == ""


def test_two_real_volumes_still_conflict():
    a, b = cite("medline", 1, volume="61", **ARTICLE), cite("embase", 2, volume="62 (Pt 2)", **ARTICLE)
    assert compare(prepare(a), prepare(b))[2] == "different volumes"
    assert volume_value("61 (Pt 2)") == "61" and volume_value("Vol. 7") == "7" and volume_value("12a") == "12"


def test_pages_a_spreadsheet_turned_into_dates_are_no_pages():
    a = cite("scopus", 1, volume="61", **ARTICLE)
    b = cite("wos", 2, volume="61", **{**ARTICLE, "pages": "04-Dec"})
    assert compare(prepare(a), prepare(b))[0] == "duplicate"
    assert page_range("9-May") == ("", "") and page_range("01-Jun") == ("", "")
    assert page_range("Jun-12") == ("", "")
    assert page_range("1204-1211") == ("1204", "1211")  # real pages untouched


def test_issue_debris_is_no_issue_and_issue_spellings_compare_equal():
    # a generic title links on its place: one supplement issue however each export spells it
    place = dict(journal="Heart Lung and Circulation", year=2020, volume="29", pages="S1")
    a = cite("embase", 1, "Editorial", issue="Suppl. 2", **place)
    b = cite("wos", 2, "Editorial", issue="2 SUPPL", **place)
    assert compare(prepare(a), prepare(b))[0] == "duplicate"
    assert issue_value("var.pagings") == "" and issue_value("SUPPL") == "" and issue_value("1)") == ""
    assert issue_value("Suppl. 2") == issue_value("2 SUPPL") == issue_value("S2") == "s2"
    assert issue_value("4, Sp. Iss. SI") == issue_value("4") == "4"


def test_a_year_no_publication_bears_is_no_year():
    a = cite("medline", 1, volume="61", **ARTICLE)
    b = cite("embase", 2, volume="61", **{**ARTICLE, "year": 1})
    assert compare(prepare(a), prepare(b))[0] == "duplicate"
    assert real_year(0) is None and real_year(9999) is None and real_year(2021) == 2021


@pytest.mark.parametrize("nobody", ["Anonymous", "[No author name available]", "No authors listed"])
def test_an_author_field_naming_nobody_is_no_author(nobody):
    named = cite("medline", 1, volume="61", doi=DOI, **ARTICLE)
    unnamed = cite("embase", 2, volume="61", doi=DOI, **{**ARTICLE, "authors": (nobody,)})
    assert compare(prepare(named), prepare(unnamed))[:3:2] == ("duplicate", "exact-doi")
    assert prepare(unnamed).authors == ()
    # two of them agree on nothing: a title alone with "Anonymous" on both is not linked
    title = "Perioperative statins and acute kidney injury"
    a = cite("x", 3, title, authors=(nobody,))
    b = cite("y", 4, title, authors=(nobody,))
    assert compare(prepare(a), prepare(b))[0] == "maybe"


EDITOR = dict(journal="Information Systems Research", year=2019, volume="30", authors=("Brandt, Ines",))


def test_a_column_printed_in_every_issue_without_issue_or_pages_is_not_one_item():
    # one per issue, exported without issue or pages: nothing but the title (a kind, not an item) agrees
    columns = [cite("scopus", i, "Notes from the Editor - Editor's Remarks", **EDITOR) for i in range(4)]
    result = link_fuzzy(columns)
    assert result.links == []
    assert {(m.a, m.b) for m in result.maybes} >= {("scopus:0", "scopus:1")}
    # the same words in another order or separator are the same kind of title
    for title in ("Editor's Remarks: Notes from the Editors", "Editorial comments. From the editor"):
        assert prepare(cite("x", 9, title)).generic
    # a specific title is not generic for holding such words
    assert not prepare(cite("x", 9, "Editorial decisions and peer review bias in cardiology")).generic


def test_the_same_column_at_one_place_still_links():
    place = dict(issue="2", pages="231-232", **EDITOR)
    a = cite("scopus", 1, "Notes from the Editor - Editor's Remarks", **place)
    b = cite("wos", 2, "NOTES FROM THE EDITOR - EDITORS REMARKS", **place)
    assert linked([a, b], "scopus:1", "wos:2")


def test_a_title_with_nothing_else_agreeing_is_asked_about_not_linked():
    title = "Outcomes of extracorporeal membrane oxygenation in adults with influenza pneumonia"
    bare = cite("x", 1, title), cite("y", 2, title + ".")
    assert compare(prepare(bare[0]), prepare(bare[1]))[0] == "maybe"
    # one agreeing field (the year) is enough beside a specific title
    dated = cite("x", 3, title, year=2014), cite("y", 4, title, year=2014)
    assert compare(prepare(dated[0]), prepare(dated[1]))[0] == "duplicate"


def test_a_year_written_in_the_volume_field_is_no_other_volume():
    book = dict(journal="Hematology. American Society of Hematology Education Program", year=2016, pages="310-316",
                authors=("Nakamura, Rei",))  # fmt: skip
    title = "How I treat relapsed acute lymphoblastic leukaemia in adolescents and young adults"
    a, b = cite("medline", 1, title, volume="2016", **book), cite("embase", 2, title, volume="1", **book)
    assert compare(prepare(a), prepare(b))[0] == "duplicate"
    # two years in the volume field are two volumes
    c = cite("wos", 3, title, volume="2017", **{**book, "year": 2017})
    assert compare(prepare(a), prepare(c))[2] == "different volumes"


DEBRIS = {
    "volume": ["1)", "2)", "(3)", "[Epub ahead of print]"],
    "issue": ["var.pagings", "1)"],
    "pages": ["9-May", "01-Jun", "Dec-04"],
    "authors": [("Anonymous",), ("[No author name available]",)],
    "year": [0, 9999],
}
POOL = dict(
    title=[TITLE, TITLE + ": a randomised trial", "Remote ischaemic preconditioning before cardiac surgery in children"],
    year=[2020, 2021, None],
    volume=["", "61", "62"],
    issue=["", "1", "2"],
    pages=["", "1204-1211", "1300-1310"],
    authors=[(), ("Okafor, Chidi",), ("Chidi, Okafor",), ("Lindqvist, Anna",)],
    journal=["", "Annals of Thoracic Surgery", "Ann Thorac Surg"],
    doi=["", DOI],
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_debris_where_a_field_is_missing_never_changes_a_decision(data):
    """The class, not the examples: any pair of records, one lacking a field; debris in that field
    decides nothing that its absence did not."""
    a = {k: data.draw(st.sampled_from(v)) for k, v in POOL.items()}
    b = {k: data.draw(st.sampled_from(v)) for k, v in POOL.items()}
    field = data.draw(st.sampled_from(sorted(DEBRIS)))
    b[field] = None if field == "year" else POOL[field][0]
    dirty = {**b, field: data.draw(st.sampled_from(DEBRIS[field]))}
    first = prepare(cite("medline", 1, **a))
    assert compare(first, prepare(cite("embase", 2, **b))) == compare(
        first, prepare(cite("embase", 2, **dirty))
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("pages", "1" + " " * 50000 + "-2"),
        ("pages", "1" + " " * 50000 + "x"),
        ("journal", " " * 50000 + "(a) x"),
        # a title ending in many brackets, or holding many unclosed ones (15-60 s before)
        ("title", "A title " + "[a]" * 17000),
        ("title", "A title " + "(" * 50000),
        ("title", "A title " + "(x) " * 17000),
    ],
)
def test_a_long_whitespace_run_in_pages_or_journal_is_read_quickly(field, value):
    # exports are user input: a pattern that starts with \s* is retried at every space of a run, or a
    # bracket's from every "(" (seconds)
    start = time.perf_counter()
    prepare(Citation(record_id="x", source="s", native_id="1", **{"title": "A title", field: value}))
    assert time.perf_counter() - start < 1.0


def test_pages_and_journal_read_as_before_with_whitespace_runs():
    assert page_range("  233-8,   230-5  ") == ("230", "235")
    assert prepare(
        Citation(record_id="x", source="s", native_id="1", title="t", journal="BMJ  (Clinical research ed.)")
    ).journal == ("bmj",)
    assert prepare(
        Citation(record_id="x", source="s", native_id="1", title="t", journal=" (Lancet) ")
    ).journal == ("lancet",)


@pytest.mark.parametrize(
    "author",
    [
        "A" + " " * 50000 + "x",  # "\s+and" was retried from every space of the run (4 s)
        "x" + " " * 50000 + "and y",
        "AB" + " " * 50000 + ", C d",  # Google Scholar's "MJ Kim, ..." read from a long run
        "A b, " * 10000 + "\u2026",
    ],
)
def test_a_long_author_field_is_read_quickly(author):
    start = time.perf_counter()
    prepare(Citation(record_id="x", source="s", native_id="1", title="A title", authors=(author,)))
    assert time.perf_counter() - start < 1.0


def test_long_cut_titles_are_compared_quickly():
    # a cut title's opening and the whole titles it begins: each found by one scan, not by every pair
    words = "Caregiver strain " + " " * 50000 + "and respite " * 2000
    records = [
        Citation(record_id=f"x{i}", source="s", native_id=str(i), title=title, year=2019, journal="J",
                 authors=("A b, C d\u2026",))
        for i, title in enumerate([words + "\u2026", words + "in boys", words + "in girls", words + "\u2026 x"])
    ]  # fmt: skip
    start = time.perf_counter()
    link_fuzzy(records)
    assert time.perf_counter() - start < 2.0
