"""Distinct records that the paths linking one article's renderings must not link: namesakes' articles
at one place in two journals, numbers side by side that are no lost superscript, a bracket two titles
share, journal names that only begin alike, a letter headed "Re:", companion reports that differ in one
letter or numeral ("hepatitis B" / "C", "factor VIII" / "IX") or in opposite words ("hypertension" /
"hypotension", "with" / "without"). Records built for each class, the
way real searches return them.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from litreview.dedup.cluster import link_fuzzy
from litreview.dedup.prepare import prepare
from litreview.dedup.rules import _journal_compatible, compare, same_first_author
from litreview.records import Citation

JOURNAL = dict(journal="British Journal of Haematology", year=2015, volume="170")
AUTHORS = ("Wang, L.", "Zhang, Y.")


def cite(i, title, **kw):
    return Citation(record_id=f"x:{i}", source="x", native_id=str(i), title=title, **kw)


def linked(a, b):
    rep = {link.record_id: link.linked_to for link in link_fuzzy([a, b]).links}
    return rep.get(a.record_id, a.record_id) == rep.get(b.record_id, b.record_id)


@pytest.mark.parametrize(
    ("one", "other", "first_authors"),
    [
        ("Prognostic value of the neutrophil to lymphocyte ratio in gastric cancer: a meta-analysis",
         "Prognostic value of the platelet to lymphocyte ratio in gastric cancer: a meta-analysis",
         ("Wang, X.", "Wang, Y.")),
        ("Efficacy and safety of rituximab in adults with immune thrombocytopenia",
         "Efficacy and safety of eltrombopag in adults with immune thrombocytopenia", ("Li, X.", "Li, Y.")),
        # particles left out of the surname key: namesakes too
        ("Rituximab in adults with refractory immune thrombocytopenia: a cohort study",
         "Rituximab in adults with refractory immune thrombocytopenia: a registry study",
         ("van der Berg, A.", "Berg, A.")),
    ],
)  # fmt: skip
def test_namesakes_articles_at_one_place_in_two_journals_stay_apart(one, other, first_authors):
    place = dict(year=2017, volume="38", pages="100-105")
    a = cite(1, one, journal="Oncotarget", authors=(first_authors[0],), **place)
    b = cite(2, other, journal="Zhonghua Nei Ke Za Zhi", authors=(first_authors[1],), **place)
    assert compare(prepare(a), prepare(b))[0] != "duplicate"
    assert not linked(a, b)
    # in journals that abbreviate each other the place still identifies a reworded title
    c = cite(3, other, journal="Oncotarget (Online)", authors=(first_authors[1],), **place)
    assert compare(prepare(a), prepare(c))[0] == "duplicate"


@pytest.mark.parametrize(
    ("medline", "journal", "other", "translated"),
    [
        ("[Clinical analysis of 56 patients with primary gastrointestinal diffuse large B-cell lymphoma]",
         "Zhonghua Xue Ye Xue Za Zhi",
         "Clinical characteristics of 56 patients with primary gastrointestinal diffuse large B-cell lymphoma",
         "Chinese Journal of Hematology"),
        ("[Decitabine in elderly patients with acute myeloid leukemia: a multicenter study]",
         "Zhonghua Xue Ye Xue Za Zhi",
         "Decitabine for older patients with acute myeloid leukaemia: results of a multicentre study",
         "Chinese Journal of Hematology"),
    ],
)  # fmt: skip
def test_one_team_at_one_place_is_one_article_however_title_and_journal_were_translated(
    medline, journal, other, translated
):
    # MEDLINE translates the title itself and keeps the journal's own name; another database gives the
    # authors' English title and the journal's English name: the place and the whole team identify it
    place = dict(year=2016, volume="37", issue="5", pages="401-405")
    a = cite(1, medline, journal=journal, authors=("Wang X", "Li Y", "Zhang H"), **place)
    b = cite(2, other, journal=translated, authors=("Wang, Xiaoming", "Li, Yan", "Zhang, Hong"), **place)
    assert compare(prepare(a), prepare(b))[0] == "duplicate"
    assert linked(a, b)
    # a namesake's study with other co-authors stays apart
    c = cite(3, other.replace("patients", "children"), journal=translated,
             authors=("Wang, Xiaoming", "Chen, Yan", "Liu, Hong"), **place)  # fmt: skip
    assert compare(prepare(a), prepare(c))[0] != "duplicate"
    assert not linked(a, c)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("outcomes at 1 and 2 years", "outcomes at 12 years"),
        ("outcomes 1-2 years", "outcomes 12 years"),
        ("survival at 1 and 5 years", "survival at 15 years"),
    ],
)
def test_numbers_side_by_side_are_not_one_number(one, other):
    title = "Rituximab in adults with refractory immune thrombocytopenia: {} after a randomised trial"
    a = cite(1, title.format(one), authors=AUTHORS, **JOURNAL)
    b = cite(2, title.format(other), authors=AUTHORS, **JOURNAL)
    assert compare(prepare(a), prepare(b))[2].startswith("different numbers")
    # a power of ten whose superscript an export lost is still one number
    c = cite(3, "Platelets below 30 x 10(9)/L: " + title.format(one), authors=AUTHORS, **JOURNAL)
    d = cite(
        4, "Platelets below 30 x 109/L: " + title.format(one), authors=AUTHORS, pages="345-352", **JOURNAL
    )
    assert compare(prepare(c), prepare(d))[0] == "duplicate"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Rituximab in refractory immune thrombocytopenia: 12-month results "
         "(a report from the Children's Oncology Group)",
         "Eltrombopag in newly diagnosed immune thrombocytopenia: 24-month results "
         "(a report from the Children's Oncology Group)"),
        ("Rituximab bei ITP: Ergebnisse nach 12 Monaten [Rituximab in ITP: results at 12 months]",
         "Rituximab bei ITP: Ergebnisse nach 24 Monaten [Rituximab in ITP: results at 12 months]"),
    ],
)  # fmt: skip
def test_two_titles_that_share_only_a_bracket_are_two_items(one, other):
    a = cite(1, one, authors=AUTHORS, **JOURNAL)
    b = cite(2, other, authors=AUTHORS, **JOURNAL)
    assert compare(prepare(a), prepare(b))[0] != "duplicate"
    assert not linked(a, b)


def test_a_translation_in_brackets_still_finds_the_record_that_gives_it_alone():
    original = cite(1, "Rituximab bei ITP: Ergebnisse nach 12 Monaten [Rituximab in ITP: results at 12 months]",
                    authors=AUTHORS, **JOURNAL)  # fmt: skip
    translation = cite(
        2, "[Rituximab in ITP: results at 12 months]", authors=AUTHORS, pages="345-352", **JOURNAL
    )
    assert compare(prepare(original), prepare(translation))[0] == "duplicate"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Oncogene", "Oncotarget"),
        ("Haematologica", "Hematology"),
        ("Oncologist", "Oncology Reports"),
        # a one-word name is no one-letter word of another name
        ("JNCI", "J Natl Compr Canc Netw"),
        ("JAMA", "J Am Med Inform Assoc"),
    ],
)
def test_journal_names_that_only_begin_alike_are_other_journals(one, other):
    assert not _journal_compatible(prepare(cite(1, "x", journal=one)).journal,
                                   prepare(cite(2, "x", journal=other)).journal)  # fmt: skip
    title = "Prognostic value of circulating tumour DNA in patients with advanced colorectal cancer"
    a = cite(1, title, journal=one, year=2020, authors=AUTHORS)
    b = cite(2, title, journal=other, year=2020, authors=AUTHORS)
    assert compare(prepare(a), prepare(b))[0] != "duplicate"


@pytest.mark.parametrize(
    ("one", "other"),
    [("Tumour Biology", "Tumor Biology"), ("Haematologica", "Haematologica (Pavia)"),
     ("Eur J Haematol", "European Journal of Hematology"), ("Centre", "Center"),
     ("Rev Esp Cardiol", "Revista Española de Cardiología"), ("Z Gastroenterol", "Zeitschrift für Gastroenterologie"),
     ("J Natl Cancer Inst", "JNCI Journal of the National Cancer Institute"), ("JAMA", "J Am Med Assoc"),
     ("J Clin Oncol", "Journal of clinical oncology : official journal of the American Society of Clinical Oncology"),
     ("Japanese Journal of Cancer and Chemotherapy", "Gan to Kagaku Ryoho [Japanese Journal of Cancer & Chemotherapy]")],
)  # fmt: skip
def test_one_journal_spelt_two_ways_is_still_one_journal(one, other):
    assert _journal_compatible(prepare(cite(1, "x", journal=one)).journal,
                               prepare(cite(2, "x", journal=other)).journal)  # fmt: skip


def test_a_letter_headed_re_is_a_comment_on_its_article():
    title = "Rituximab in adults with refractory immune thrombocytopenia"
    letter = cite(1, "Re: " + title, authors=AUTHORS, **JOURNAL)
    article = cite(2, title, authors=AUTHORS, pages="345-352", **JOURNAL)
    assert prepare(letter).title_raw_kind == {"comment"}
    assert compare(prepare(letter), prepare(article))[0] != "duplicate"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Prevalence of hepatitis B virus infection among blood donors in Lagos, Nigeria",
         "Prevalence of hepatitis C virus infection among blood donors in Lagos, Nigeria"),
        ("Health-related quality of life in adults with haemophilia A: results of a national survey",
         "Health-related quality of life in adults with haemophilia B: results of a national survey"),
        ("Protein C deficiency and venous thromboembolism in pregnancy",
         "Protein S deficiency and venous thromboembolism in pregnancy"),
        ("Von Willebrand disease type 2A: a cohort study of 120 patients",
         "Von Willebrand disease type 2B: a cohort study of 120 patients"),
        # a Roman numeral after "factor" or "CIN" is a number
        ("Recombinant factor VIII prophylaxis in previously treated patients with severe haemophilia",
         "Recombinant factor IX prophylaxis in previously treated patients with severe haemophilia"),
        ("Outcome of untreated CIN II in women younger than 30 years: a cohort study",
         "Outcome of untreated CIN III in women younger than 30 years: a cohort study"),
    ],
)  # fmt: skip
def test_companion_reports_that_differ_in_one_letter_or_numeral_stay_apart(one, other):
    place = dict(journal="Haemophilia", year=2018, volume="24", authors=("Mahlangu, J.",))
    a, b = cite(1, one, **place), cite(2, other, **place)
    assert compare(prepare(a), prepare(b))[2].startswith("different")
    assert not linked(a, b)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Hodgkin's lymphoma in adults: a population-based cohort study",
         "Hodgkin lymphoma in adults: a population-based cohort study"),
        ("Factor V Leiden and venous thromboembolism in pregnancy",
         "Factor 5 Leiden and venous thromboembolism in pregnancy"),
        ("Outcome of untreated CIN II in women younger than 30 years",
         "Outcome of untreated CIN 2 in women younger than 30 years"),
    ],
)  # fmt: skip
def test_a_letter_or_numeral_written_another_way_is_still_one_report(one, other):
    place = dict(journal="Haemophilia", year=2018, volume="24", authors=("Mahlangu, J.",))
    a, b = cite(1, one, **place), cite(2, other, pages="345-352", **place)
    assert compare(prepare(a), prepare(b))[0] == "duplicate"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Interobserver variability in the interpretation of cervical cytology",
         "Intraobserver variability in the interpretation of cervical cytology"),
        ("Hypertension in pregnancy and the risk of preterm delivery",
         "Hypotension in pregnancy and the risk of preterm delivery"),
        ("HPV testing in premenopausal women with atypical squamous cells",
         "HPV testing in postmenopausal women with atypical squamous cells"),
        ("Outcome of untreated CIN2 in young women: a cohort study",
         "Outcome of treated CIN2 in young women: a cohort study"),
        ("Chemotherapy for small cell lung cancer in the elderly: a randomised trial",
         "Chemotherapy for non-small cell lung cancer in the elderly: a randomised trial"),
        ("Pre-operative chemotherapy for gastric cancer: a randomised trial",
         "Post-operative chemotherapy for gastric cancer: a randomised trial"),
        ("High-dose rituximab in adults with immune thrombocytopenia",
         "Low-dose rituximab in adults with immune thrombocytopenia"),
        ("Pulmonary embolism in patients with cancer: a cohort study",
         "Pulmonary embolism in patients without cancer: a cohort study"),
        ("Smoking is not associated with HPV persistence in young women",
         "Smoking is associated with HPV persistence in young women"),
        ("Chemotherapy with or without radiotherapy for stage III non-small cell lung cancer",
         "Chemotherapy with radiotherapy for stage III non-small cell lung cancer"),
        ("Not all women with ASC-US need colposcopy: a cohort study",
         "All women with ASC-US need colposcopy: a cohort study"),
    ],
)  # fmt: skip
def test_titles_with_opposite_words_are_two_studies(one, other):
    place = dict(journal="Cytopathology", year=2018, volume="29", authors=("Kim, J.",))
    a, b = cite(1, one, **place), cite(2, other, **place)
    assert compare(prepare(a), prepare(b))[2].startswith("opposite words")
    assert not linked(a, b)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Chemotherapy for non-small cell lung cancer in the elderly",
         "Chemotherapy for nonsmall cell lung cancer in the elderly"),
        ("Pre-operative chemotherapy for gastric cancer", "Preoperative chemotherapy for gastric cancer"),
        ("Inter-observer variability in cervical cytology", "Interobserver variability in cervical cytology"),
    ],
)  # fmt: skip
def test_a_prefix_written_apart_or_together_is_one_word(one, other):
    place = dict(journal="Cytopathology", year=2018, volume="29", authors=("Kim, J.",))
    a, b = cite(1, one, **place), cite(2, other, pages="345-352", **place)
    assert compare(prepare(a), prepare(b))[0] == "duplicate"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Hydroxyurea for children with sickle cell anaemia: why not?",
         "Hydroxyurea for children with sickle cell anaemia"),
        ("Rituximab in adults with refractory immune thrombocytopenia: with or without dexamethasone?",
         "Rituximab in adults with refractory immune thrombocytopenia"),
        ("Watchful waiting in follicular lymphoma: not a bad idea after all",
         "Watchful waiting in follicular lymphoma"),
        # a title field cut at its length limit
        ("Low-molecular-weight heparin for cancer-associated venous thromboembolism in patients who are not "
         "candidates for oral anticoagulants", "Low-molecular-weight heparin for cancer-associated venous "
         "thromboembolism in patients who are"),
    ],
)  # fmt: skip
def test_a_negation_in_a_subtitle_one_export_dropped_is_no_opposite(one, other):
    place = dict(journal="British Journal of Haematology", year=2018, volume="180", pages="345-352")
    a = cite(1, one, authors=("Kim, J.", "Park, S."), **place)
    b = cite(2, other, authors=("Kim J", "Park S"), **place)
    assert compare(prepare(a), prepare(b))[0] == "duplicate"
    assert linked(a, b)


@pytest.mark.parametrize(
    "part",
    ["Part 2: results", "Part II", "part two - costs"],
)
def test_a_numbered_part_of_a_series_is_not_its_unnumbered_first_report(part):
    title = "Community health worker home visits for the control of hypertension in adults in rural Ghana"
    place = dict(journal="Global Heart", year=2019, volume="14", issue="2")
    authors = ("Asante, K.", "Boakye, E.", "Nkansah, J.")
    first = cite(1, title, authors=authors, pages="e0123", doi="10.1016/j.gheart.2019.0123", **place)
    second = cite(2, f"{title}. {part}", authors=authors, pages="211-219", **place)
    assert not linked(first, second)
    # the part that names its number in both renderings is still one report
    again = cite(3, f"{title.upper()}, {part.upper()}", authors=("Asante, Kwabena",), pages="211-9", **place)
    assert linked(second, again)


def test_one_column_in_other_issues_of_a_volume_stays_apart():
    # a column whose title is a listed one with a word added ("From the editors" + "corner"), one editor,
    # one journal, year and volume: issues 3 and 9 are two columns however alike the records are
    column = dict(journal="Clinical Nursing Review", year=2021, volume="12", authors=("Achebe, N.",))
    march = cite(1, "From the editors' corner", issue="3", **column)
    march_wos = cite(2, "FROM THE EDITORS' CORNER.", issue="3", **column)
    september = cite(3, "From the editors' corner.", issue="9", pages="441", **column)
    records = [march, march_wos, september]
    rep = {link.record_id: link.linked_to for link in link_fuzzy(records).links}
    assert {rep.get(r.record_id, r.record_id) for r in (march, september)} == {"x:1", "x:3"}
    assert rep.get("x:2", "x:2") != "x:3"
    # a missing issue keeps nothing apart: a reviewer decides
    undated = cite(4, "From the editors' corner", **column)
    assert compare(prepare(undated), prepare(september))[0] == "maybe"


@pytest.mark.parametrize("note", ["[Erratum]", "[Corrigendum].", "(Correction)"])
def test_the_articles_title_with_a_bracketed_erratum_is_its_correction_not_the_article(note):
    title = "Home-based exercise after hip fracture surgery in older adults: a randomised trial"
    place = dict(journal="Age and Ageing", year=2020, volume="49")
    team = ("Okafor, C.", "Lindqvist, M.")
    article = cite(1, title, authors=("Chidi Okafor", "Maria Lindqvist"), pages="e20431", **place)
    notice = cite(2, f"{title} {note}", authors=team, pages="1187", issue="4", **place)
    assert prepare(notice).title_raw_kind == {"erratum"}
    assert compare(prepare(article), prepare(notice))[0] != "duplicate"
    assert not linked(article, notice)
    # a note that the article has a correction leaves it the article
    noted = cite(3, f"{title} [Erratum appears in Age Ageing. 2020;49(4):1187]", authors=team, **place)
    assert prepare(noted).title_raw_kind == frozenset()


@pytest.mark.parametrize(("one", "other"), [("Li, C.", "Chen, L."), ("Park, J.", "Jung, P.")])
def test_two_names_that_share_only_initials_are_no_swapped_name(one, other):
    # one DOI and title at two places: the authors are all that could say it is one article
    place = dict(journal="Journal of Rural Cardiology", year=2021, volume="14", doi="10.5555/jrc.2021.0311")
    title = "Community paramedic visits after discharge for heart failure in rural districts"
    a = cite(1, title, authors=(one,), pages="211-219", **place)
    b = cite(2, title, authors=(other,), pages="211-219", **place)
    assert compare(prepare(a), prepare(b))[0] != "duplicate"


def test_the_articles_title_in_another_issue_without_pages_is_another_item():
    # a notice printed under the article's own title (no "Retraction" or "Erratum" in it), three issues on
    title = (
        "Nurse-led telephone follow-up for medication adherence after myocardial infarction: a pilot study"
    )
    place = dict(journal="Clinical Pharmacy Review", year=2016, volume="22")
    article = cite(
        1, title, authors=("Haddad, Rania", "Kowalski, Piotr"), pages="1480-1489", issue="9", **place
    )
    notice = cite(2, f"{title}.", authors=("Haddad, R", "Kowalski, P"), issue="12", doi="10.5555/cpr.2016.1212",
                  **place)  # fmt: skip
    assert compare(prepare(article), prepare(notice))[0] == ""
    assert not linked(article, notice)
    # a missing issue is no conflict, and where the first pages agree the issue field may hold something
    # else (a reference manager's record numbers, "1112" / "1113"; "1" / "25"): linked as before
    for issue, other, pages in (("", "9", ""), ("1112", "1113", ""), ("1", "25", "1480")):
        a = cite(3, title, authors=("Haddad, R",), pages="1480-1489", issue=issue, **place)
        b = cite(4, f"{title}.", authors=("Haddad, R",), pages=pages, issue=other, **place)
        assert linked(a, b), (issue, other)


def test_an_export_that_numbers_its_records_in_the_issue_field_has_no_issues_to_conflict():
    # a reference manager's export of 30 records, each numbered in the issue field: "12" / "13" are the
    # records' numbers, not two issues, so one article's pageless MEDLINE record and its paged Embase
    # record link; with issues that recur, as a real export's do, the same two stay apart
    title = (
        "Nurse-led telephone follow-up for medication adherence after myocardial infarction: a pilot study"
    )
    place = dict(journal="Clinical Pharmacy Review", year=2016, volume="22", authors=("Haddad, R",))

    def export(issues: list[str]) -> tuple[list, Citation, Citation]:
        others = [cite(100 + n, f"Unrelated trial number {n} of inhaled therapy in adults", issue=issue,
                       year=2016, journal=f"Journal {n}", volume=str(n), pages=f"{n}0-{n}9")
                  for n, issue in enumerate(issues)]  # fmt: skip
        a = cite(12, title, pages="1480-1489", issue="12", **place)
        b = cite(13, f"{title}.", issue="13", **place)
        return [*others, a, b], a, b

    numbered, a, b = export([str(n) for n in range(14, 44)])
    rep = {link.record_id: link.linked_to for link in link_fuzzy(numbered).links}
    assert rep.get(b.record_id, b.record_id) == rep.get(a.record_id, a.record_id)
    real, a, b = export([str(1 + n % 6) for n in range(30)])
    rep = {link.record_id: link.linked_to for link in link_fuzzy(real).links}
    assert rep.get(b.record_id, b.record_id) != rep.get(a.record_id, a.record_id)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Nguyen, T. L.", "Tran, N. L."),  # Nguyen Thi Lan, Tran Ngoc Lan
        ("Wang, X. L.", "Li, X. W."),  # Wang Xiaoli, Li Xiaowei
        ("Kim MJ", "Jung MK"),  # MEDLINE's run-together initials
        ("Kim, Jung-Hoon", "Jung, H. K."),  # Kim Jung-Hoon, Jung Hye-Kyung
    ],
)
def test_namesakes_whose_initials_only_permute_are_no_swapped_name(one, other):
    # two letters on one article in one journal and year, one of them not yet paged: the first authors
    # are all that tell them apart, and each surname is only an initial of the other name
    place = dict(journal="Journal of Korean Medical Science", year=2020)
    title = "Comment on: Effect of intensive blood pressure lowering on stroke in older adults"
    a = cite(1, title, authors=(one,), volume="35", pages="e112", **place)
    b = cite(2, title, authors=(other,), **place)
    assert compare(prepare(a), prepare(b))[0] != "duplicate"
    assert compare(prepare(b), prepare(a))[0] != "duplicate"
    assert not linked(a, b)


def test_the_authors_replies_to_two_letters_in_one_issue_stay_apart():
    # an article draws two letters; its first author replies to each in the same issue. One database
    # gives a reply no page: it could be either reply, and must not join them through a chain
    issue = dict(journal="Journal of Urology", year=2019, volume="201", issue="4")
    first = cite(1, "Reply", authors=("Smith, J. A.",), pages="812", **issue)
    second = cite(2, "Reply", authors=("Smith, J. A.",), pages="814", **issue)
    pageless = cite(3, "Reply.", authors=("Smith, J",), **issue)
    assert compare(prepare(pageless), prepare(second))[0] != "duplicate"
    rep = {link.record_id: link.linked_to for link in link_fuzzy([first, second, pageless]).links}
    assert rep.get("x:1", "x:1") != rep.get("x:2", "x:2")
    # the same with two editorials: one record paged, the other not
    editorial = cite(4, "Editorial", authors=("Oyelaran, T",), pages="1-2", **issue)
    other = cite(5, "Editorial.", authors=("Oyelaran, T",), **issue)
    assert compare(prepare(editorial), prepare(other))[0] != "duplicate"
    # both replies unpaged in two databases: a reply is no column printed once an issue
    again = cite(6, "Reply", authors=("SMITH, J",), **issue)
    assert compare(prepare(again), prepare(pageless))[0] != "duplicate"


@pytest.mark.parametrize(("one", "other"), [("1-1", "115-122"), ("203117", "203118"), ("1-1", "2345")])
def test_page_one_or_an_article_number_against_a_real_other_page_is_another_place(one, other):
    # CINAHL's "1-1" is no value only against an article number: a page range, another article number or a
    # printed page (fewer than five digits) is still another place
    title = "Peer mentoring for newly qualified midwives in rural maternity units: a qualitative study"
    place = dict(journal="Journal of Rural Midwifery", year=2019, volume="12", authors=("Okonkwo, A",))
    a = cite(1, title, pages=one, **place)
    b = cite(2, title, pages=other, **place)
    assert compare(prepare(a), prepare(b))[0] != "duplicate"
    assert not linked(a, b)


CUT_WHOLE = (
    "Caregiver strain and unmet respite needs in families of children with Duchenne muscular dystrophy"
)
CUT = "Caregiver strain and unmet respite needs in families of children with Duche …"
CUT_PLACE = dict(journal="Child and Family Nursing Research", volume="27", issue="2",
                 authors=("Nyambura, W.", "Castellanos, R.", "Oyelaran, T."))  # fmt: skip


def test_a_cut_title_that_begins_two_titles_of_one_team_names_neither():
    # the cut falls before the words that tell two articles apart: linked to neither, a reviewer decides
    one = cite(1, CUT_WHOLE, year=2019, pages="118-127", **CUT_PLACE)
    other = cite(2, CUT_WHOLE.replace("Duchenne muscular dystrophy", "Duchenne or Becker dystrophy"), year=2019,
                 pages="128-135", **CUT_PLACE)  # fmt: skip
    scholar = cite(3, CUT, year=2019, journal="Child and Family Nursing …",
                   authors=("W Nyambura, R Castellanos, T Oyelaran…",))  # fmt: skip
    rep = {link.record_id: link.linked_to for link in link_fuzzy([one, other, scholar]).links}
    assert not rep
    # a whole title the cut could never be linked to (three years on) leaves it unambiguous
    later = cite(4, other.title, year=2022, pages="128-135", **CUT_PLACE)
    assert linked(one, scholar)
    rep = {link.record_id: link.linked_to for link in link_fuzzy([one, later, scholar]).links}
    assert rep == {"x:3": "x:1"} or rep == {"x:1": "x:3"}


@pytest.mark.parametrize(
    ("cut", "changes"),
    [
        (CUT, dict(authors=("W Okafor, R Castellanos, T Oyelaran…",))),  # another first author
        (CUT, dict(authors=("W Nyambura, P Lindgren, A Moreau…",))),  # another team, a namesake
        (CUT, dict(year=2021)),  # another year
        (CUT, dict(journal="Journal of Paediatric Surgery …")),  # another journal
        (CUT, dict(journal="")),  # no journal: too little beside an opening
        ("Caregiver strain and unmet respite n …", {}),  # an opening too short to name one item
    ],
)
def test_a_cut_title_with_too_little_else_agreeing_stays_apart(cut, changes):
    whole = cite(1, CUT_WHOLE, year=2019, pages="118-127", **CUT_PLACE)
    scholar = dict(
        year=2019, journal="Child and Family Nursing …", authors=("W Nyambura, R Castellanos, T Oyelaran…",)
    )
    scholar.update(changes)
    assert not linked(whole, cite(2, cut, **scholar))


@pytest.mark.parametrize(
    ("issue", "pages"),
    [("2", "S88"), ("1", "88"), ("1", "S89"), ("Suppl 2", "S88")],  # another supplement, a regular issue
)
def test_a_recurring_abstract_title_in_another_issue_or_on_another_page_is_not_linked(issue, pages):
    title = "Seroprevalence of Bartonella henselae in shelter cats in the Atlantic provinces"
    team = dict(
        journal="Companion Animal Medicine", year=2021, volume="18", authors=("Moreau, C.", "Abebe, S.")
    )
    a = prepare(cite(1, title, issue="SUPPL. 1", pages="S88-S89", **team))
    b = prepare(cite(2, title, issue=issue, pages=pages, **team))
    assert compare(a, b, generic={a.title})[0] != "duplicate"


@pytest.mark.parametrize(
    ("title", "year", "journal"),
    [
        (
            "Rabies post-exposure prophylaxis in the northern districts: annual monitoring report 2018",
            2019,
            None,
        ),
        (
            "Rabies post-exposure prophylaxis in the southern districts: annual monitoring report 2017",
            2018,
            None,
        ),
        (None, 2018, "Agency for Zoonosis Surveillance and Control"),  # another organisation's report
    ],
)
def test_an_organisations_other_report_stays_apart_from_the_named_authors_report(title, year, journal):
    # the next year's report, another region's, or one published by another body
    first = "Rabies post-exposure prophylaxis in the northern districts: annual monitoring report 2017"
    org = "Institute for Zoonosis Surveillance and Control"
    named = cite(1, first, year=2018, journal=org, authors=("Halvorsen, T.", "Amadi, C."))
    other = cite(2, title or first, year=year, journal=journal or org, authors=(journal or org,))
    assert not linked(named, other)


# -- conference papers ----------------------------------------------------------------------------

PAPER = "Nudging patients toward patient portals: a field experiment in rural primary care"
TEAM = ("Lindqvist, Petra", "Osei, Kwame")


def conference_paper(i, title=PAPER, **kw):
    fields = dict(year=2019, journal="NHIS 2019 Proceedings", authors=TEAM) | kw
    return Citation(record_id=f"x:{i}", source="x", native_id=str(i), title=title,
                    record_type="conference-abstract", **fields)  # fmt: skip


@pytest.mark.parametrize(
    ("other", "why"),
    [
        (dict(record_type="journal-article", year=2020, journal="Scandinavian Journal of Health Informatics",
              volume="31", issue="2", pages="201-219"), "the journal version a year later"),
        (dict(year=2020, journal="NHIS 2020 Proceedings"), "next year's paper of the same title"),
        (dict(journal="Proceedings of the 27th European Conference on Health Information Systems"),
         "the same title at another conference"),
        (dict(pages="413"), "another paper number in the same proceedings"),
    ],
)  # fmt: skip
def test_a_conference_paper_stays_apart_from_its_journal_version_and_other_papers(other, why):
    ais = conference_paper(1, pages="412")
    fields = {"year": 2019, "journal": "NHIS 2019 Proceedings", "authors": TEAM} | other
    kind = fields.pop("record_type", "conference-abstract")
    rendered = Citation(record_id="x:2", source="x", native_id="2", title=PAPER, record_type=kind, **fields)
    assert not linked(ais, rendered), why


@pytest.mark.parametrize(
    ("one", "other"),
    [("Program No. 118.12", "Program No. 118.13"), ("Program#/Poster#: 702.05", "702.06"),
     ("Presentation Number: 33.4", "33.5"), ("2041.1", "2041.10"), ("#61.02", "Program No. 61.03")],
)  # fmt: skip
def test_a_teams_two_abstracts_numbered_in_one_session_of_a_meeting_stay_apart(one, other):
    # a meeting's planner numbers abstracts "session.place"; two of one session by one team, titles one
    # word apart (a dose, a strain), are two abstracts whatever way each export writes the number
    title = "Intranasal oxytocin attenuates cue-induced cocaine seeking in Long-Evans rats"
    place = dict(
        year=2016, journal="Neuroscience Meeting Planner", authors=("Haddad, Rima", "Kowalczyk, Jan")
    )
    a = conference_paper(1, title, pages=one, **place)
    b = conference_paper(2, title.replace("Long-Evans", "Sprague-Dawley"), pages=other, **place)
    assert prepare(a).pages != prepare(b).pages
    assert not linked(a, b)
    # the one abstract as two databases give its number ("Program No." or the bare number) is one
    c = conference_paper(3, title, pages=other, **place)
    d = conference_paper(4, title.upper(), pages=f"Program No. {prepare(c).pages[0][1:]}", **place)
    assert prepare(c).pages == prepare(d).pages and linked(c, d)


@pytest.mark.parametrize(
    ("one", "other"),
    [("male", "female"), ("maternal", "paternal"), ("increasing", "decreasing"), ("wet", "dry")],
)
def test_one_teams_two_works_that_differ_in_who_was_studied_or_which_way_stay_apart(one, other):
    # one group's pair of abstracts at one meeting, or of articles in one volume, the second repeating the
    # first in the other sex, parent or season, or the other way: one word apart, near in spelling or short
    title = "Sleep restriction and ventricular remodelling after {} exposure to night shifts"
    place = dict(
        year=2021, journal="Circulation Research Abstracts", authors=("Ferreira, Ana", "Novak, Petr")
    )
    assert not linked(conference_paper(1, title.format(one), **place),
                      conference_paper(2, title.format(other), **place))  # fmt: skip
    volume = dict(
        journal="Cardiovascular Research", year=2021, volume="117", authors=("Ferreira, A.", "Novak, P.")
    )
    assert not linked(cite(1, title.format(one), **volume), cite(2, title.format(other), **volume))


def test_a_main_title_that_begins_two_papers_of_one_conference_names_neither():
    # one team's two papers at one conference share a main title; Scholar dropped the subtitle
    pilot = conference_paper(1, "Nudging patients toward patient portals: a pilot in two clinics")
    trial = conference_paper(2, PAPER, pages="415")
    scholar = conference_paper(
        3, "Nudging patients toward patient portals", authors=("P Lindqvist", "K Osei")
    )
    links = {link.record_id: link.linked_to for link in link_fuzzy([pilot, trial, scholar]).links}
    assert links == {}


# -- online first and issue versions --------------------------------------------------------------

ONLINE = "Teachers' continuance intention toward learning analytics dashboards: a longitudinal survey"
SCHOOL = dict(journal="Computers and Learning Research", authors=("Achterberg, Saskia", "Mbeki, Thandi"))


def test_a_correction_filed_under_its_articles_doi_is_no_online_first_version():
    # a database files the two-page correction notice, paginated from 1, under the article's DOI
    doi = "10.5555/clr.2022.0117"
    notice = cite(1, "Correction to: " + ONLINE, year=2022, pages="1-2", doi=doi, **SCHOOL)
    article = cite(2, ONLINE, year=2022, volume="14", issue="3", pages="305-331", doi=doi, **SCHOOL)
    assert compare(prepare(notice), prepare(article))[0] != "duplicate"
    assert not linked(notice, article)


@pytest.mark.parametrize(
    ("volume", "year", "why"),
    [("4", 2022, "a volume that is another issue's number"), ("3", 2021, "the previous year's volume 3")],
)
def test_a_volume_is_read_as_the_issue_only_where_it_is_that_issue_in_that_year(volume, year, why):
    # the same title in another place: a volume without an issue stays a volume unless it is the issue
    other = cite(1, ONLINE, year=year, volume=volume, **SCHOOL)
    issue = cite(2, ONLINE, year=2022, volume="14", issue="3", **SCHOOL)
    assert compare(prepare(other), prepare(issue))[0] != "duplicate", why


@pytest.mark.parametrize("pages", ["P12", "P12-P13"])
def test_a_poster_number_stays_an_abstract_number(pages):
    # "P12" numbers a poster among hundreds in a supplement: no page of an article
    poster = cite(1, ONLINE, year=2022, volume="14", issue="S1", pages=pages, **SCHOOL)
    assert prepare(poster).supplement


# -- theses and book chapters ---------------------------------------------------------------------


def work(i, kind, title, **kw):
    return Citation(record_id=f"x:{i}", source="x", native_id=str(i), title=title, record_type=kind, **kw)


def test_a_main_title_that_begins_one_authors_two_theses_names_neither():
    # one student's master's and doctoral theses share a main title; Scholar dropped the subtitle
    author = dict(authors=("Mwangi, Grace Wanjiru",), journal="ProQuest Dissertations and Theses Global")
    masters = work(
        1, "thesis", "Negotiating flexibility on delivery platforms: a pilot study", year=2018, **author
    )
    doctoral = work(
        2, "thesis", "Negotiating flexibility on delivery platforms: shift allocation", year=2019, **author
    )
    scholar = work(
        3,
        "thesis",
        "Negotiating flexibility on delivery platforms",
        year=2019,
        authors=("GW Mwangi",),
        journal="PhD thesis",
    )
    assert not link_fuzzy([masters, doctoral, scholar]).links


@pytest.mark.parametrize(("pages", "why"), [("45-63", "other pages"), ("", "no pages")])
def test_one_authors_chapters_of_one_title_in_two_books_stay_apart(pages, why):
    title = "Worker voice on delivery platforms: collective action without unions"
    one = work(1, "book-chapter", title, authors=("Rossi, F.",), year=2021, pages="112-131",
               journal="Research Handbook on Platform Labour")  # fmt: skip
    other = work(2, "book-chapter", title, authors=("Rossi, Federica",), year=2021, pages=pages,
                 journal="Digital Work in Southern Europe")  # fmt: skip
    assert not linked(one, other), why


def test_a_surname_inside_another_is_no_split_double_surname():
    # namesakes' articles at one place in two journals: "Berg" is no part of "Lindberg"
    place = dict(year=2017, volume="41", issue="2", pages="77-95")
    one = cite(1, "Teacher agency and learning analytics in rural schools", journal="Journal of Learning Technologies",
               authors=("Okonjo, A.", "Berg, M."), **place)  # fmt: skip
    other = cite(2, "Teacher agency and learning analytics in rural colleges", journal="Education and Society Review",
                 authors=("Okonjo, A.", "Lindberg, M."), **place)  # fmt: skip
    assert not linked(one, other)


def test_an_online_first_record_of_a_title_printed_twice_in_one_year_names_neither():
    # one team's two-part article under one title in two issues of one year, and a conference paper of the
    # title: an online-first record the year before cannot say which part it is
    journal = dict(journal="Scandinavian Journal of Health Informatics", authors=TEAM)
    first = cite(1, PAPER, year=2020, volume="31", issue="2", pages="201-219", **journal)
    second = cite(2, PAPER, year=2020, volume="31", issue="4", pages="455-471", **journal)
    conference = conference_paper(3, pages="412")
    early = cite(4, PAPER, year=2019, journal="Scand. J. Health Inform.", authors=("P Lindqvist", "K Osei"))
    links = {link.record_id: link.linked_to for link in link_fuzzy([first, second, conference, early]).links}
    assert links == {}


@pytest.mark.parametrize(
    ("one", "other", "why"),
    [
        ("Oliveira, M. S.", "Souza Oliveira, Fernanda", "another initial: another person"),
        ("Oliveira, F. S. R.", "Souza Oliveira, Fernanda", "an initial the whole name does not have"),
        ("Cruz, F.", "Vera Cruzado, Fernanda", "a surname that only begins a part of the other"),
        ("Berg, F.", "Lindberg, Fernanda", "a surname inside a single surname"),
    ],
)
def test_a_namesake_is_no_double_surname_cut_to_one_part(one, other, why):
    # one team's Spanish article and the English article a namesake wrote with them in another journal, at
    # the same volume, issue and pages: the first authors must be one person for the place to link them
    place = dict(year=2018, volume="12", issue="2", pages="88-97")
    spanish = cite(1, "Ejercicio domiciliario tras fractura de cadera en mujeres mayores de Valparaíso",
                   journal="Revista de Fisioterapia Comunitaria", authors=(other, "Tapia, Camila"), **place)  # fmt: skip
    english = cite(2, "Balance training after stroke among older men in Concepción: a cohort study",
                   journal="Rev Fisioter Comunitaria", authors=(one, "Tapia, C."), **place)  # fmt: skip
    assert not same_first_author(prepare(spanish), prepare(english)), why
    assert not linked(spanish, english), why


SERIES = "Rabies surveillance in the Americas: annual report"
OFFICE = "Pan American Zoonoses Office"


def grey(i, title=SERIES, kind="report", **kw):
    return Citation(record_id=f"x:{i}", source="x", native_id=str(i), title=title, record_type=kind, **kw)


def test_an_annual_reports_editions_under_one_title_stay_apart():
    # the repository numbers each edition; a catalogue dates the 2019 edition 2020, with its page count only
    first = grey(1, year=2019, journal=OFFICE, issue="PAZO/RAB/2019.1", authors=(OFFICE,))
    second = grey(2, year=2020, journal=OFFICE, issue="PAZO/RAB/2020.1", authors=(OFFICE,))
    late = grey(3, kind="journal-article", year=2020, journal=f"{OFFICE}, Buenos Aires", authors=("Anonymous",),
                pages="x + 96 pp.")  # fmt: skip
    again = grey(4, kind="journal-article", year=2020, journal=f"{OFFICE}, Buenos Aires", authors=("Anonymous",),
                 pages="x + 96 pp.")  # fmt: skip
    other = grey(5, kind="journal-article", year=2021, journal=f"{OFFICE}, Buenos Aires", authors=("Anonymous",),
                 pages="viii + 88 pp.")  # fmt: skip
    links = {link.record_id: link.linked_to for link in link_fuzzy([first, second, late, again, other]).links}
    assert links == {"x:4": "x:3"}  # one catalogue's record twice: one page count, one year


@pytest.mark.parametrize(
    ("other", "why"),
    [
        (grey(2, "Rabies post-exposure prophylaxis in the Caribbean: a situation analysis", year=2019,
              journal=OFFICE, authors=(OFFICE,)), "one template's report for another region"),
        (grey(2, year=2019, journal="Lima: Ministerio de Salud del Perú", authors=("Ministerio de Salud del Perú",)),
         "another issuer's report under the same title"),
        (grey(2, year=2019, journal="Ministerio de Salud del Perú, Lima", authors=("Anonymous",)),
         "a catalogue's record of another issuer's report"),
        (grey(2, kind="journal-article", year=2020, journal="Journal of Zoonotic Disease Control",
              authors=(OFFICE,), doi="10.5555/jzdc.2020.0141"),
         "the article derived from the report, online first with its DOI"),
        (grey(2, kind="journal-article", year=2020, journal="J Zoonotic Dis Control", volume="12", issue="3",
              pages="201-214", authors=(OFFICE,)), "the derived article in its issue, without a DOI"),
        (grey(2, year=2019, journal=OFFICE, issue="PAZO/RAB/2019.4", authors=(OFFICE,)),
         "a report of one title under another number"),
    ],
)  # fmt: skip
def test_reports_under_one_title_that_are_other_items_stay_apart(other, why):
    one = grey(1, year=2019, journal=OFFICE, issue="PAZO/RAB/2019.1", authors=(OFFICE,))
    assert compare(prepare(one), prepare(other))[0] != "duplicate", why
    assert not linked(one, other), why


@pytest.mark.parametrize(
    ("kind", "title", "one", "other", "held"),
    [
        ("thesis", "Essays on health economics", "Wang, Yan", "Wang, L.",
         ("University of Michigan", "ProQuest Dissertations and Theses Global")),
        ("thesis", "Three essays in development economics", "Kim, Min-jun", "Kim, Seo-yeon",
         ("Seoul National University", "Yonsei University")),
        ("book", "Public health nutrition", "Smith, John", "Smith, Rebecca", ("Routledge", "Springer")),
    ],
)  # fmt: skip
def test_namesakes_theses_or_books_of_a_common_title_stay_apart(kind, title, one, other, held):
    # a thesis or book has no issue or pages: a common title by two people of one surname, a year apart,
    # is two works; their given names tell them apart
    a = work(1, kind, title, authors=(one,), year=2018, journal=held[0])
    b = work(2, kind, title, authors=(other,), year=2019, journal=held[1])
    assert not linked(a, b)
    # the same person, an initial for the given name in one export, is one work
    surname, given = one.split(", ")
    c = work(3, kind, title, authors=(f"{surname} {given[0]}",), year=2019, journal=held[1])
    assert linked(a, c)


@pytest.mark.parametrize(
    "notice",
    ["Author Correction: {}", "Publisher Correction: {}", "Expression of Concern: {}", "Addendum: {}"],
)
def test_a_notice_filed_under_its_articles_doi_online_first_is_not_the_article(notice):
    # Springer Nature's notices name the article in their title; a database files one under the article's
    # DOI, online first in the article's year (paginated from 1, no volume yet): no online-first version of it
    title = "Vitamin D status of pregnant women in Stockholm: seasonal variation and determinants"
    doi = "10.1007/s00394-020-02345-6"
    team = ("Lindqvist, Ingrid", "Berg, Anders", "Holm, Karin")
    article = cite(1, title, journal="European Journal of Nutrition", year=2020, volume="59", issue="4",
                   pages="1200-1211", doi=doi, authors=team)  # fmt: skip
    note = cite(2, notice.format(title), journal="European Journal of Nutrition", year=2020, pages="1-2",
                doi=doi, authors=team)  # fmt: skip
    assert compare(prepare(article), prepare(note))[0] != "duplicate"
    assert not linked(article, note)


@pytest.mark.parametrize(
    "subtitle",
    ["rationale and design of a follow-up study", "secondary outcomes", "a cost-effectiveness analysis",
     "a replication in a second cohort", "sex differences"],
)  # fmt: skip
def test_a_companion_report_whose_title_goes_on_from_the_main_reports_stays_apart(subtitle):
    # one team's two papers in one issue, the companion's title the main report's and a subtitle; one
    # export gives no page (an article number left out): the subtitle names another paper, not one dropped
    main = "Household air pollution and childhood pneumonia in rural Uganda"
    issue = dict(
        journal="BMC Public Health", year=2019, volume="19", issue="7", authors=("Okafor, C.", "Eze, U.")
    )
    one = cite(1, main, pages="1034", **issue)
    companion = cite(2, f"{main}: {subtitle}", **issue)
    assert compare(prepare(one), prepare(companion))[0] != "duplicate"
    assert not linked(one, companion)
    # at one conference: a paper and the team's demonstration of its system
    paper = conference_paper(
        3, "Cough sound classification for tuberculosis triage in primary care", pages="212-217"
    )
    demo = conference_paper(
        4, "Cough sound classification for tuberculosis triage in primary care: a demonstration"
    )
    assert not linked(paper, demo)
    # a subtitle of the study's own design is one an export dropped: still one paper (Embase's "no
    # pagination" for the article number it left out; an empty field would say nothing)
    design = cite(5, f"{main}: a case-control study", pages="no pagination", **issue)
    assert linked(one, design)


@pytest.mark.parametrize(
    ("main", "beside"),
    [
        ("Medical Image Computing and Computer Assisted Intervention - MICCAI 2020",
         "Medical Image Computing and Computer Assisted Intervention - MICCAI 2020 Workshops"),
        ("Proceedings of the 2019 IEEE International Conference on Bioinformatics and Biomedicine (BIBM)",
         "2019 IEEE International Conference on Bioinformatics and Biomedicine Workshops"),
        ("Proceedings of the ACM Conference on Human Factors in Computing Systems",
         "Extended Abstracts of the ACM Conference on Human Factors in Computing Systems"),
    ],
)  # fmt: skip
def test_a_teams_papers_of_one_title_at_a_conference_and_its_workshop_stay_apart(main, beside):
    title = "Federated learning for chest radiograph triage across hospitals"
    paper = conference_paper(1, title, journal=main, year=2020, pages="312-321")
    workshop = conference_paper(2, title, journal=beside, year=2020)
    assert not linked(paper, workshop)
    # the main conference named another way is still one paper
    named = conference_paper(3, title, journal=main.replace("Proceedings of the ", ""), year=2020)
    assert linked(paper, named)


@pytest.mark.parametrize(
    ("one", "other"),
    [("Browning, C.", "Brown, C."), ("Greenberg, D.", "Green, D."), ("Costanzo, S.", "Costa, S."),
     ("Whitehead, M.", "White, M.")],
)  # fmt: skip
def test_a_surname_that_goes_on_into_another_is_no_split_double_surname(one, other):
    # namesakes' teams at one place in two journals, a co-author of each whose surname begins or ends the
    # other's: "Browning" is no "Brown" run together with another surname, so the teams are two
    place = dict(year=2017, volume="41", issue="2", pages="77-95")
    a = cite(1, "Teacher agency and learning analytics in rural schools", journal="Journal of Learning Technologies",
             authors=("Okonjo, A.", "Mensah, K.", one), **place)  # fmt: skip
    b = cite(2, "Teacher agency and learning analytics in rural colleges", journal="Education and Society Review",
             authors=("Okonjo, A.", "Mensah, K.", other), **place)  # fmt: skip
    assert not linked(a, b)


@pytest.mark.parametrize(
    ("one", "other"), [("P1-045", "P1-046"), ("PP2-110", "PP2-111"), ("P3-014", "P3-015")]
)
def test_a_teams_posters_numbered_in_one_session_are_not_on_one_page(one, other):
    # "P1-045" is poster 45 of session 1, not pages 1-45: two posters of one session share no first page
    title = "Vitamin D status of pregnant women in Stockholm"
    place = dict(journal="Annals of Nutrition and Metabolism", year=2019, volume="75", issue="Suppl 3",
                 authors=("Lindqvist, I.", "Berg, A."))  # fmt: skip
    a = cite(1, title, pages=one, **place)
    b = cite(2, f"{title}: seasonal variation and determinants", pages=other, **place)
    assert not linked(a, b)
    # EBSCO's "p1275-1283" is still a page range, its article's place
    c = cite(3, title, pages="p1275-1283", **place)
    d = cite(4, f"{title} (abstract)", pages="1275-83", **place)
    assert prepare(c).pages == prepare(d).pages == ("1275", "1283")


def test_an_online_record_of_a_yearly_report_is_not_next_years_print():
    # one team's yearly report under one title in one journal: a record with no place yet, dated 2019, may
    # be the 2019 report as well as the 2020 one online first; the journal printed the title twice
    title = "Notifiable infectious diseases in Ireland"
    team = dict(journal="Communicable Diseases Intelligence", authors=("Murphy, S.", "Walsh, A."))
    last = cite(1, title, year=2018, volume="42", pages="1-10", **team)
    online = cite(2, title, year=2019, **team)
    printed = cite(3, title, year=2020, volume="44", pages="1-12", **team)
    assert link_fuzzy([last, online, printed]).links == []


@pytest.mark.parametrize(
    ("kind", "first", "next_one"),
    [("thesis", "Household food insecurity and child growth in rural Malawi", "a mixed-methods study"),
     ("book", "Nutrition in the first 1000 days", "a practical guide")],
)  # fmt: skip
def test_one_authors_work_a_year_on_whose_title_goes_on_from_the_first_is_the_next_work(
    kind, first, next_one
):
    # a master's thesis, then the doctoral thesis a year on; a book, then its guide: the later title goes on
    # from the first one's with a subtitle of its own
    held = dict(authors=("Banda, Grace",), journal="University of Malawi")
    one = work(1, kind, first, year=2016, **held)
    later = work(2, kind, f"{first}: {next_one}", year=2017, **held)
    assert not linked(one, later)
    # the subtitle dropped by one export of the work, in its year: one work
    same = work(3, kind, f"{first}: {next_one}", year=2016, **held)
    assert linked(one, same)


@pytest.mark.parametrize("subtitle", ["a field study in two regions", "lessons learned", "the prototype"])
def test_a_pageless_record_whose_title_goes_on_is_not_the_numbered_paper_of_the_same_conference(subtitle):
    # the team's numbered paper and, at the same conference, its companion without a paper number: the
    # companion's subtitle is not one an export dropped
    main = "Voice assistants for medication reminders in community pharmacies"
    numbered = conference_paper(1, main, pages="88")
    companion = conference_paper(2, f"{main}: {subtitle}")
    assert not linked(numbered, companion)
    # both numbered alike, or both without numbers (an export that numbers no papers): one paper
    assert linked(numbered, conference_paper(3, f"{main}: {subtitle}", pages="88"))


# -- a trial's registry entry and its reports -------------------------------------------------------------

ENTRY = "Cold Water Immersion after Anterior Cruciate Ligament Reconstruction (COLD-ACL)"
CENTRAL_ENTRY = dict(journal="https://clinicaltrials.gov/show/NCT03918262", year=2019)


@pytest.mark.parametrize(
    ("report", "why"),
    [
        (cite(2, "Cold water immersion after anterior cruciate ligament reconstruction (COLD-ACL): protocol for a "
                 "randomised controlled trial", journal="BMJ Open Sport Exerc Med", year=2019, volume="5", issue="1",
              pages="e000612", authors=("Novak, T.", "Adeyemi, K."), abstract="Trial registration: NCT03918262.",
              nct_ids=("NCT03918262",)), "the protocol paper"),
        (cite(2, "Cold water immersion after anterior cruciate ligament reconstruction (COLD-ACL)",
              journal="Am J Sports Rehabil", year=2020, volume="12", issue="4", pages="233-241",
              authors=("Novak, T.", "Adeyemi, K.")), "the results paper under the brief title"),
        (cite(2, ENTRY, journal="Am J Sports Rehabil", year=2019, volume="11", issue="Suppl 1", pages="S48",
              authors=("Novak, T.",), record_type="conference-abstract"), "a conference abstract of the brief title"),
        (cite(2, ENTRY, journal="Am J Sports Rehabil", year=2019, volume="11", issue="Suppl 1", pages="S48",
              authors=("Novak, T.",), doi="10.5555/ajsr.2019.suppl1"), "an abstract under the entry's (made-up) DOI"),
    ],
)  # fmt: skip
def test_a_trials_registry_entry_is_none_of_its_reports(report, why):
    registry = cite(1, ENTRY, doi="10.5555/ajsr.2019.suppl1" if report.doi else "", **CENTRAL_ENTRY)
    assert compare(prepare(registry), prepare(report))[0] in ("", "shared-doi"), why
    assert not linked(registry, report), why


@pytest.mark.parametrize(
    ("other", "why"),
    [
        (cite(2, "Cold Water Immersion after Anterior Cruciate Ligament Reconstruction (COLD-ACL)",
              journal="ClinicalTrials.gov", issue="NCT04107333", year=2019), "the team's second trial, one title"),
        (cite(2, ENTRY, journal="ISRCTN registry", issue="ISRCTN61850127", year=2019),
         "one trial registered in a second registry: a second entry"),
        (cite(2, ENTRY, journal="http://www.who.int/trialsearch/Trial2.aspx?TrialID=ISRCTN61850127", year=2019),
         "CENTRAL's copy of the second registry's entry"),
    ],
)  # fmt: skip
def test_registry_entries_with_no_id_in_common_are_two_entries(other, why):
    registry = cite(1, ENTRY, journal="WHO ICTRP", issue="NCT03918262", year=2019)
    assert compare(prepare(registry), prepare(other))[0] == "", why
    assert not linked(registry, other), why


SCHOLAR_TRIAL = (
    "Rationale and design of the KORU-ASTHMA trial: tezepelumab versus usual care in severe asthma"
)
SCHOLAR_WHOLE = dict(journal="Respiratory Pharmacotherapy Research", year=2021, volume="13", issue="2",
                     pages="1435-1445", authors=("Ngata, H.", "Okonkwo, B.", "Lindqvist, E."))  # fmt: skip


@pytest.mark.parametrize(
    ("cut", "changes"),
    [
        # the year one off: the place must pin the article, the journal must be one
        ("Rationale and design of the KORU-ASTHMA trial: tezepelumab…",
         dict(year=2020, journal="Resp Pharmacother Res")),
        ("Rationale and design of the KORU-ASTHMA trial: tezepelumab…",
         dict(year=2020, journal="Thorax Research Letters", volume="13")),  # another journal's volume 13
        # no journal: one volume, but another year, or another first author
        ("Rationale and design of the KORU-ASTHMA trial: tezepelumab…", dict(year=2020, volume="13")),
        ("Rationale and design of the KORU-ASTHMA trial: tezepelumab…",
         dict(year=2021, volume="13", authors=("B Okonkwo, H Ngata, E Lindqvist…",))),
        # cut after a word the whole title does not have there: it does not count, the opening is short
        ("Rationale and design of the trial:…", dict(year=2021, journal="Resp Pharmacother Res")),
    ],
)  # fmt: skip
def test_a_terse_cut_record_with_nothing_pinning_the_place_stays_apart(cut, changes):
    scholar = dict(authors=("H Ngata, B Okonkwo, E Lindqvist…",))
    scholar.update(changes)
    assert not linked(cite(1, SCHOLAR_TRIAL, **SCHOLAR_WHOLE), cite(2, cut, **scholar))


def test_a_cut_scholar_record_a_year_off_is_no_supplement_abstract_of_that_volume():
    # the congress abstract under the paper's title, in the volume's supplement: a page-less Scholar record
    # of that volume may be the paper, printed in a regular issue of the same volume
    abstract = cite(1, SCHOLAR_TRIAL, journal="Respiratory Pharmacotherapy Research", year=2021, volume="13",
                    issue="Suppl 1", pages="A1435", authors=("Ngata, H.", "Okonkwo, B."))  # fmt: skip
    scholar = cite(2, "Rationale and design of the KORU-ASTHMA trial: tezepelumab…", year=2020,
                   journal="Resp Pharmacother Res", volume="13", authors=("H Ngata, B Okonkwo",))  # fmt: skip
    assert not linked(abstract, scholar)


def test_a_cut_title_without_a_journal_that_begins_two_titles_of_its_team_names_neither():
    # the team's design paper and its results paper in another journal: the cut record names no journal
    design = cite(1, SCHOLAR_TRIAL, **SCHOLAR_WHOLE)
    results = cite(2, SCHOLAR_TRIAL.split(":")[0] + " in severe asthma: a randomised trial", year=2022,
                   journal="European Respiratory Review", authors=SCHOLAR_WHOLE["authors"])  # fmt: skip
    scholar = cite(3, "Rationale and design of the KORU-ASTHMA trial…", year=2021, volume="13",
                   authors=("H Ngata, B Okonkwo, E Lindqvist…",))  # fmt: skip
    assert not link_fuzzy([design, results, scholar]).links


@pytest.mark.parametrize(
    "changes",
    [
        dict(pages="594-600"),  # the team's next article in the issue
        dict(year=2017),  # the same span the next year
        dict(journal="Thorax Research Letters"),  # another journal's span
        dict(journal=""),  # no journal: a span names no article
        dict(authors=("C Moreau, P Okafor, A Nowak",)),  # a namesake's team
        dict(pages="587"),  # one page: a letter's or an abstract's, not an article's span
    ],
)
def test_another_language_title_without_a_volume_stays_apart_unless_journal_year_span_and_team_agree(changes):
    english = cite(1, "Tiotropium in older adults with chronic obstructive pulmonary disease: a French "
                   "multicentre registry", journal="Revue des Maladies Respiratoires", year=2016, volume="33",
                   issue="7", pages="587-593",
                   authors=("Moreau C.", "Lindqvist E.", "Silva J.P."))  # fmt: skip
    scholar = dict(
        journal="Rev Mal Respir", year=2016, pages="587-593", authors=("C Moreau, E Lindqvist, JP Silva",)
    )
    scholar.update(changes)
    french = cite(
        2, "Le tiotropium chez le sujet âgé atteint de BPCO : registre multicentrique français", **scholar
    )
    assert not linked(english, french)


@pytest.mark.parametrize(
    "preprint",
    [
        dict(journal="arXiv preprint arXiv:2304.05512"),  # Google Scholar
        dict(journal="CoRR", volume="abs/2304.05512"),  # dblp
        dict(volume="abs/2304.05512"),  # dblp without its venue
        dict(doi="10.48550/arXiv.2304.05512"),  # arXiv's DOI
        dict(journal="medRxiv", doi="10.1101/2023.04.11.23288412"),
        dict(journal="SSRN Electronic Journal", doi="10.2139/ssrn.4412345"),
        dict(journal="Research Square", doi="10.21203/rs.3.rs-2790451/v1"),
    ],
)
def test_a_preprint_is_not_the_article_published_from_it(preprint):
    # one study's preprint and its article: same title, team and often year, two reports (a reviewer may
    # link them as one study); never one record
    title = "Flaky tests in continuous integration pipelines: prevalence and root causes"
    team = dict(authors=("Oyelaran, Tobi", "Lindahl, Maja", "Carvalho, Rui"), year=2023)
    article = cite(1, title, journal="Empirical Software Engineering", volume="28", issue="5", pages="112",
                   doi="10.1007/s10664-023-10345-6", **team)  # fmt: skip
    posted = cite(2, title, **preprint, **team)
    assert compare(prepare(article), prepare(posted))[0] != "duplicate"
    assert not linked(article, posted)
    # a record placed nowhere (no venue, volume, page or DOI) may be a rendering of either
    assert linked(posted, cite(3, title, **team))


def test_two_renderings_of_one_preprint_are_one_record():
    title = "Flaky tests in continuous integration pipelines: prevalence and root causes"
    team = dict(authors=("Oyelaran, Tobi", "Lindahl, Maja", "Carvalho, Rui"), year=2023)
    scholar = cite(1, title, journal="arXiv preprint arXiv:2304.05512", **team)
    dblp = cite(2, title, journal="CoRR", volume="abs/2304.05512", **team)
    assert linked(scholar, dblp)


# -- one template's reports: numbers with hyphens, a name in brackets after the title ----------------------

ENVIRONMENT = "Northern Environment Protection Directorate"


@pytest.mark.parametrize("numbers", [("EPD-2019-014", "EPD-2019-022"), ("NR-WQ-17", "NR-WQ-23")])
def test_report_numbers_written_with_hyphens_tell_a_series_reports_apart(numbers):
    # a directorate numbers its reports "EPD-2019-014" (letters, hyphens, a running number): two numbers
    # under one title and year are two reports; the same number on two renderings is one
    title = "Bathing water quality at coastal sites: assessment report"
    one, other = (grey(i, title, year=2019, journal=ENVIRONMENT, issue=n, authors=(ENVIRONMENT,))
                  for i, n in enumerate(numbers, start=1))  # fmt: skip
    assert prepare(one).report_number and prepare(one).report_number != prepare(other).report_number
    assert compare(prepare(one), prepare(other))[0] != "duplicate"
    assert not linked(one, other)
    again = grey(3, title, kind="journal-article", year=2019, journal="Catalogue of grey literature",
                 issue=numbers[0], authors=(ENVIRONMENT,))  # fmt: skip
    assert linked(one, again)


def test_a_report_number_of_hyphens_is_read_in_time_linear_in_its_length():
    # "-" parts a report number's pieces: allowed inside a piece as well, each "-A" of a long run could
    # end one piece or go on with it, and a field that failed to match tried every split (seconds at 40)
    import time

    hostile = grey(1, "Annual report", year=2019, issue="AB" + "-A" * 5000 + "!", authors=(ENVIRONMENT,))
    start = time.perf_counter()
    prepare(hostile)
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (
            "Household survey of drinking water access, 2018: key indicators (Malawi)",
            "Household survey of drinking water access, 2018: key indicators (Zambia)",
        ),
        (
            "Summary of product characteristics: amoxicillin 500 mg capsules (Amoxil)",
            "Summary of product characteristics: amoxicillin 500 mg capsules (Moxatag Forte)",
        ),
    ],
)
def test_one_templates_items_that_differ_only_by_a_name_in_brackets_stay_apart(one, other):
    # two countries' reports of one survey, two brands' product summaries: one issuer, year and title
    # but for the name in brackets at its end, which an export's title normalisation drops
    a = grey(1, one, year=2019, journal=ENVIRONMENT, authors=(ENVIRONMENT,))
    b = grey(2, other, year=2019, journal=ENVIRONMENT, authors=(ENVIRONMENT,))
    assert compare(prepare(a), prepare(b))[0] != "duplicate"
    assert not linked(a, b)
    # each is still its own renderings' item: a catalogue's record with the name, a page without it
    catalogue = grey(3, one, kind="journal-article", year=2019, journal=ENVIRONMENT, authors=(ENVIRONMENT,))
    assert linked(a, catalogue)
    bare = grey(4, one[: one.rindex(" (")], kind="journal-article", year=2019, journal=ENVIRONMENT,
                authors=(ENVIRONMENT,))  # fmt: skip
    assert compare(prepare(a), prepare(bare))[0] == "duplicate"


def test_a_name_in_brackets_written_two_ways_is_one_name():
    title = "Adherence to inhaled corticosteroids in adolescents with asthma: a cluster randomised trial"
    place = dict(
        journal="Thorax", year=2016, volume="71", issue="4", pages="322-329", authors=("Okafor, N.",)
    )
    a = cite(1, f"{title} (BREATHE-2)", **place)
    b = cite(2, f"{title} (the BREATHE-2 trial)", **place)
    assert compare(prepare(a), prepare(b))[0] == "duplicate"


# -- an online journal's pages from 1 beside a record without volume ----------------------------------------

TEAM = ("Haddad, Rania", "Khoury, Elie", "Mansour, Joelle")


@pytest.mark.parametrize(
    ("one", "other", "why"),
    [
        (
            dict(
                title="Inhaler technique in adults with asthma attending community pharmacies in Beirut",
                journal="BMC Pulmonary Medicine",
                volume="21",
            ),
            dict(
                title="Adherence to maintenance inhalers after hospital discharge for COPD in Lebanon",
                journal="BMC Pulmonary Medicine",
            ),
            "the team's other article in the journal that year",
        ),
        (
            dict(
                title="Management of acute asthma in adults: a national position statement",
                journal="Respiratory Research",
                volume="22",
            ),
            dict(
                title="Management of acute asthma in adults: a national position statement",
                journal="Lebanese Medical Journal",
            ),
            "the statement the team co-published in a second journal",
        ),
        (
            dict(
                title="Spirometry-guided step-down of inhaled corticosteroids in primary care",
                journal="Proceedings of the Lebanese Thoracic Society",
                volume="7",
            ),
            dict(
                title="Spirometry-guided step-down of inhaled corticosteroids in primary care",
                journal="npj Primary Care Respiratory Medicine",
            ),
            "the team's meeting paper and its journal article",
        ),
    ],
    ids=["same-journal", "co-published", "proceedings"],
)
def test_pages_from_1_place_no_article_beside_a_record_without_volume(one, other, why):
    # Scopus gives an online journal's article its own pages from 1 ("1-9"): every article of such a journal
    # (and of many others) has that span, so beside Google Scholar's record without volume it names none
    a = cite(1, pages="1-9", year=2021, authors=TEAM, **one)
    b = cite(2, pages="1-9", year=2021, authors=("R Haddad, E Khoury, J Mansour",), **other)
    assert compare(prepare(a), prepare(b))[0] != "duplicate", why
    assert not linked(a, b), why


def test_a_span_not_from_1_still_places_one_article_whatever_the_journal_is_called():
    # the same article under the journal's own name and under its English name, Scholar without volume
    title = "Inhaler technique in adults with asthma attending community pharmacies in Beirut"
    a = cite(1, title, journal="Journal Médical Libanais", volume="69", issue="2", pages="88-96", year=2021,
             authors=TEAM)  # fmt: skip
    b = cite(2, title, journal="Lebanese Medical Journal", pages="88-96", year=2021,
             authors=("R Haddad, E Khoury, J Mansour",))  # fmt: skip
    assert compare(prepare(a), prepare(b))[0] == "duplicate"
    # and in one journal, though the Scholar record words the title otherwise
    c = cite(3, "Asthma inhaler technique among community pharmacy clients in Beirut", journal="J Med Liban",
             pages="88-96", year=2021, authors=("R Haddad, E Khoury, J Mansour",))  # fmt: skip
    assert compare(prepare(replace(a, journal="J Med Liban")), prepare(c))[0] == "duplicate"


def test_a_title_in_japanese_on_its_own_pages_from_1_is_not_scholars_record_of_another_article():
    # J-STAGE numbers an online journal's articles each from page 1: beside Scholar's record without volume
    # of the team's English paper that year, also "1-7", the span names neither
    japanese = cite(1, "在宅療養患者における吸入指導の効果", journal="日本呼吸ケア・リハビリテーション学会誌",
                    volume="31", issue="2", pages="1-7", year=2022,
                    authors=("Akira NAKAMURA, Yui KOBAYASHI, Sho FUJITA",))  # fmt: skip
    english = cite(2, "Home oxygen therapy adherence among older adults with COPD in Japan",
                   journal="Respiratory Investigation", pages="1-7", year=2022,
                   authors=("A Nakamura, Y Kobayashi, S Fujita",))  # fmt: skip
    assert compare(prepare(japanese), prepare(english))[0] != "duplicate"
    # the same article's English rendering on a span in its volume is still the article
    placed = dict(pages="141-147")
    assert (
        compare(prepare(replace(japanese, **placed)), prepare(replace(english, **placed)))[0] == "duplicate"
    )


# -- titles in Chinese, Japanese or Korean letters: one character is a word ----------------------------------


@pytest.mark.parametrize(
    ("one", "other", "why"),
    [
        (
            "超声评估肺动脉高压患者左心室功能的临床研究",
            "超声评估肺动脉高压患者右心室功能的临床研究",
            "left / right",
        ),
        (
            "男性慢性阻塞性肺疾病患者骨质疏松的危险因素分析",
            "女性慢性阻塞性肺疾病患者骨质疏松的危险因素分析",
            "men / women",
        ),
        (
            "南方地区儿童哮喘控制水平及其影响因素调查",
            "北方地区儿童哮喘控制水平及其影响因素调查",
            "south / north",
        ),
        (
            "남성 흡연자의 폐기능 저하와 관련 요인 분석",
            "여성 흡연자의 폐기능 저하와 관련 요인 분석",
            "Korean men / women",
        ),
        (
            "在宅酸素療法導入患者の身体活動量に関する研究（Ⅰ）",
            "在宅酸素療法導入患者の身体活動量に関する研究（Ⅱ）",
            "part I / II",
        ),
        # a character added: non- ("非"), "not with" ("不"), a review of the research ("研究进展"), Korean's "비"
        (
            "非结核分枝杆菌肺病患者的临床特征及预后分析",
            "结核分枝杆菌肺病患者的临床特征及预后分析",
            "non-tuberculous",
        ),
        (
            "不合并糖尿病的肺结核患者痰菌阴转时间分析",
            "合并糖尿病的肺结核患者痰菌阴转时间分析",
            "without / with",
        ),
        (
            "支气管扩张症患者气道廓清技术的临床应用研究",
            "支气管扩张症患者气道廓清技术的临床应用研究进展",
            "a study / a review",
        ),
        (
            "비소세포폐암 환자의 호흡재활 프로그램 효과",
            "소세포폐암 환자의 호흡재활 프로그램 효과",
            "Korean non-small cell",
        ),
        (
            "非侵襲的陽圧換気療法を受けた高齢患者の転帰",
            "侵襲的陽圧換気療法を受けた高齢患者の転帰",
            "non-invasive",
        ),
    ],
    ids=[
        "left-right",
        "men-women",
        "south-north",
        "korean-men-women",
        "part-i-ii",
        "non-tuberculous",
        "without-with",
        "study-review",
        "korean-non-small-cell",
        "non-invasive",
    ],
)
def test_one_teams_titles_in_characters_that_differ_in_one_character_are_two_articles(one, other, why):
    # a team's two papers of a year in one journal, CNKI's record with its pages and issue, Scholar's without:
    # a character (a word) replaced or added, or a part's numeral, is another article, as "left" / "right" is
    team = ("Hiroshi TANAKA, Mei LIN, Jae-won PARK",)
    a = cite(1, one, journal="呼吸医学杂志", year=2021, issue="4", pages="301-306", authors=team)
    b = cite(2, other, journal="呼吸医学杂志", year=2021, authors=team)
    assert compare(prepare(a), prepare(b))[0] != "duplicate", why
    assert not linked(a, b), why
    # the same title from both databases is one article
    assert linked(a, cite(3, one, journal="呼吸医学杂志", year=2021, authors=team)), why


# -- an article number is one journal's count ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("one", "other", "number"),
    [
        (
            dict(
                title="Asthma control and inhaler adherence among adolescents in Recife",
                journal="Jornal Brasileiro de Pneumologia",
            ),
            dict(
                title="Allergic rhinitis control and nasal spray adherence among adolescents in Recife",
                journal="Revista Paulista de Pediatria",
            ),
            "e0312",
        ),
        (
            dict(
                title="Pulmonary rehabilitation uptake after COPD admissions in Wales",
                journal="Respiratory Medicine",
            ),
            dict(
                title="Pulmonary rehabilitation uptake after COVID-19 admissions in Wales",
                journal="Chronic Respiratory Disease",
            ),
            "107013",
        ),
    ],
    ids=["e-locator", "six-digit"],
)
def test_one_teams_articles_in_two_journals_under_one_article_number_stay_apart(one, other, number):
    # each journal counts its own articles: one team's two papers of a year, in one language, in two journals
    # whose volumes run alike, may carry one number (and one issue); a translation is in another language
    team = ("Albuquerque, Joana", "Vieira, Caio", "Moura, Livia")
    place = dict(year=2021, volume="47", issue="3", pages=number, authors=team)
    a, b = cite(1, **one, **place), cite(2, **other, **place)
    assert compare(prepare(a), prepare(b))[0] != "duplicate"
    assert not linked(a, b)


def test_an_article_number_still_places_a_translated_title_under_a_translated_journal_name():
    place = dict(year=2021, volume="47", issue="3", pages="e20200412")
    pt = cite(1, "Controle da asma e adesão ao inalador entre adolescentes do Recife",
              journal="Jornal Brasileiro de Pneumologia", authors=("Albuquerque, Joana", "Vieira, Caio"),
              **place)  # fmt: skip
    en = cite(2, "Asthma control and inhaler adherence among adolescents in Recife",
              journal="Brazilian Journal of Pulmonology", authors=("Albuquerque J", "Vieira C"), **place)  # fmt: skip
    assert compare(prepare(pt), prepare(en))[0] == "duplicate"
    # and the same title under the journal's two names
    again = cite(3, en.title, journal="Jornal Brasileiro de Pneumologia", authors=("Albuquerque J", "Vieira C"),
                 **place)  # fmt: skip
    assert compare(prepare(again), prepare(en))[0] == "duplicate"
