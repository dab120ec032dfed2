"""One item as the psychology, education and nursing databases render it: PsycINFO's Dissertation
Abstracts record of a thesis, ERIC's reports and conference papers as EBSCO, ProQuest and Google Scholar
give them, BibTeX's page dashes and "and others", a comma list cut with "et al.", Scholar's initials
before a short surname, an article number against the article's own pages, a title in Korean or Chinese
letters. Linked; the look-alike each could be confused with (the article from the thesis, the journal
article beside the report, the paper beside its abstract, the team's companion paper) stays apart.
Records written for each class, not copied from labelled sets.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from litreview.dedup.cluster import link_fuzzy
from litreview.dedup.prepare import normalise_authors, page_range, pages_conflict, prepare
from litreview.dedup.rules import compare
from litreview.records import Citation


def cite(source, i, title, kind="journal-article", **kw):
    return Citation(
        record_id=f"{source}:{i}", source=source, native_id=str(i), title=title, record_type=kind, **kw
    )


def linked(records, a, b):
    rep = {link.record_id: link.linked_to for link in link_fuzzy(records).links}
    return rep.get(a, a) == rep.get(b, b)


def same(a, b):
    return compare(prepare(a), prepare(b))[0] == "duplicate"


# -- pages ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pages", "span"),
    [
        ("233--241", ("233", "241")),  # BibTeX's (Google Scholar's) double hyphen
        ("1402\u201011", ("1402", "1411")),  # CENTRAL's U+2010 hyphen, the last page abbreviated
        ("88 \u2014 97", ("88", "97")),  # an em dash between spaces
        ("S12--S14", ("12", "14")),
    ],
)
def test_a_page_range_with_bibtexs_double_hyphen_or_a_unicode_dash_is_read(pages, span):
    assert page_range(pages) == span


def test_a_chapter_scholar_paginates_with_a_double_hyphen_is_the_chapter_under_the_series_name():
    title = "Peer-assisted learning in inclusive primary classrooms"
    scholar = cite(
        "scholar",
        1,
        title,
        "book-chapter",
        authors=("M Achebe", "L Sorensen"),
        year=2019,
        pages="221--240",
        journal="APA handbook of inclusive education",
    )
    scopus = cite(
        "scopus",
        2,
        title.title(),
        "book-chapter",
        authors=("Achebe, M.", "Sørensen, L."),
        year=2019,
        pages="221-240",
        journal="APA handbooks in psychology",
        doi="10.5555/0000199-011",
    )
    assert same(scholar, scopus)
    # the authors' chapter of one title in another book: its own pages
    other_book = replace(scopus, record_id="scopus:3", pages="305-322", journal="Inclusive schooling", doi="")
    assert not same(scholar, other_book)


def test_a_unicode_hyphen_range_is_another_articles_pages_where_they_differ():
    # read as no pages at all before, the range agreed with any page
    assert pages_conflict(page_range("1402\u201011"), page_range("1412-1425"))
    title = "Ward nurses' sleep after rotating night shifts: a prospective cohort study"
    team = ("Oyelaran, Bisi", "Hartmann, Jonas", "Vidal, Carmen")
    central = cite(
        "central",
        1,
        title.replace("-", "\u2010"),
        journal="Journal of Clinical Nursing Studies",
        year=2021,
        volume="30",
        issue="9",
        pages="1402\u201011",
        authors=team,
    )
    # the team's second paper on the cohort in the same issue, one phrase changed
    companion = cite(
        "wos",
        2,
        title.replace("sleep", "sleep and fatigue"),
        journal="J CLIN NURS STUD",
        year=2021,
        volume="30",
        issue="9",
        pages="1412-1425",
        authors=team,
    )
    assert not linked([central, companion], "central:1", "wos:2")


def test_an_article_number_and_the_articles_own_pages_from_one_are_one_article():
    title = "Twelve-hour shifts and medication errors on acute medical wards: a prospective cohort study"
    team = ("Lindahl, Petra K", "Osei, Kwame", "Nakamura, Yui")
    place = dict(journal="Nursing Research Open", year=2023, volume="22")
    publisher = cite("publisher", 1, title, authors=team, pages="743", doi="10.5555/nro.2023.00743", **place)
    cinahl = cite("cinahl", 2, title, authors=team, pages="1-9", **place)
    assert same(publisher, cinahl)
    assert same(publisher, replace(cinahl, doi="10.5555/nro.2023.00743"))  # one DOI too
    # the team's other paper on the cohort in the volume, one phrase changed, also paginated from 1
    companion = cite(
        "cinahl",
        3,
        title.replace("medication errors", "missed nursing care"),
        authors=team,
        pages="1-10",
        **place,
    )
    assert not same(publisher, companion)
    # a page inside the other's pages, or the article a volume on, is no article number of it
    assert not same(replace(publisher, pages="7", doi=""), cinahl)
    assert not same(publisher, replace(cinahl, volume="23", year=2024))


# -- authors ----------------------------------------------------------------------------------------

CUT = "Classroom breathing exercises and test anxiety in lower secondary school ..."
WHOLE = "Classroom breathing exercises and test anxiety in lower secondary school: a cluster randomised trial"
SCHOOL = dict(journal="School Psychology Practice", year=2021)


def test_bibtexs_and_others_is_no_co_author():
    # Google Scholar's BibTeX cuts a long list with "and others": the first author is all it names
    assert normalise_authors(["R Adebayo", "others"]) == ("adebayo",)
    whole = cite(
        "psycinfo",
        1,
        WHOLE,
        volume="14",
        issue="2",
        pages="201-219",
        authors=("Adebayo, Rotimi", "Kowalczyk, Anna", "Fontaine, Léa"),
        **SCHOOL,
    )
    scholar = cite("scholar", 2, CUT, pages="201--219", authors=("R Adebayo", "others"), **SCHOOL)
    # the team's abstract of the title in the journal's supplement that year: an abstract, not the article
    abstract = cite(
        "embase",
        3,
        WHOLE,
        volume="14",
        issue="Supplement 1",
        pages="S88",
        authors=("Adebayo R.", "Kowalczyk A."),
        **SCHOOL,
    )
    records = [whole, scholar, abstract]
    assert linked(records, "psycinfo:1", "scholar:2")
    assert not linked(records, "scholar:2", "embase:3")


def test_a_comma_list_cut_with_et_al_is_read_name_by_name():
    central = cite(
        "central",
        1,
        WHOLE,
        volume="14",
        issue="2",
        pages="201\u201019",
        authors=("Quispe Mamani RA, Horvath E, Lindqvist J, et al.",),
        **SCHOOL,
    )
    assert prepare(central).authors == ("quispemamani", "horvath", "lindqvist")
    assert prepare(replace(central, authors=("Horvath E, et al.",))).authors == ("horvath",)
    scholar = cite(
        "scholar",
        2,
        WHOLE,
        pages="201--219",
        **SCHOOL,
        authors=("RA Mamani", "E Horvath", "J Lindqvist", "K Osei"),
    )
    assert same(central, scholar)
    # another team's replication under the original's title, the same year in another journal
    replication = cite(
        "scopus",
        3,
        WHOLE,
        journal="Journal of School Mental Health",
        year=2021,
        volume="9",
        issue="4",
        pages="340-356",
        authors=("Nakamura Y.", "Brennan C.", "Petit A."),
    )
    assert not linked([central, scholar, replication], "central:1", "scopus:3")


@pytest.mark.parametrize(
    ("scholar", "other"),
    [("Z Li", "Li, Zhiwei"), ("HJ Ng", "Ng HJ"), ("DH Yu", "Yu, Da-hye"), ("P van Dam", "van Dam, P.")],
)
def test_scholars_initials_before_a_short_surname_leave_the_surname(scholar, other):
    assert normalise_authors([scholar]) == normalise_authors([other])
    assert normalise_authors(["Li Bo"]) == normalise_authors(["Li Z"]) == ("li",)  # MEDLINE: initials after


def test_a_thesis_scholar_credits_to_initials_and_a_short_surname_is_the_thesis():
    title = "Morphological awareness and spelling in bilingual children with dyslexia"
    pqdt = cite(
        "pqdt",
        1,
        title,
        "thesis",
        authors=("Yu, Haoran",),
        year=2018,
        pages="231",
        issue="10793410",
        journal="ProQuest Dissertations and Theses Global",
    )
    scholar = cite("scholar", 2, title, "thesis", authors=("H Yu",), year=2018, journal="Eastvale University")
    assert same(pqdt, scholar)
    # a namesake's thesis of one title (another given name)
    assert not same(pqdt, replace(scholar, authors=("W Yu",)))


# -- PsycINFO's Dissertation Abstracts -------------------------------------------------------------

DAI = "Dissertation Abstracts International: Section B: The Sciences and Engineering"
DISSERTATION = "Self-compassion and secondary traumatic stress among hospice social workers"


def test_a_dissertation_abstracts_record_is_the_thesis_whatever_its_type():
    ovid = cite(
        "psycinfo",
        1,
        DISSERTATION,
        authors=("Okonkwo, Adaeze N.",),
        year=2021,
        volume="82",
        issue="7-B",
        pages="No Pagination Specified",
        journal=DAI,
    )
    pqdt = cite(
        "pqdt",
        2,
        DISSERTATION.title(),
        "thesis",
        authors=("Okonkwo, Adaeze N.",),
        year=2020,
        pages="214",
        issue="28145567",
        journal="ProQuest Dissertations & Theses Global",
    )
    ebsco = cite(
        "psycinfo-ebsco",
        3,
        DISSERTATION,
        "thesis",
        authors=("Okonkwo, Adaeze N",),
        year=2021,
        volume="82",
        issue="7-B",
        journal=DAI.replace(":", ""),
    )
    # the article published from it: its title, the student and her advisers, in a journal
    article = cite(
        "wos",
        4,
        DISSERTATION,
        authors=("Okonkwo, AN", "Reyes, M", "Abbott, L"),
        year=2021,
        volume="47",
        issue="1",
        pages="33-48",
        journal="Journal of Social Work in Palliative Care",
    )
    scholar_article = cite(
        "scholar",
        5,
        DISSERTATION,
        authors=("AN Okonkwo", "M Reyes", "L Abbott"),
        year=2021,
        journal="Journal of Social Work in Palliative Care",
    )
    records = [ovid, pqdt, ebsco, article, scholar_article]
    assert same(ovid, pqdt)
    assert linked(records, "psycinfo:1", "pqdt:2") and linked(records, "psycinfo:1", "psycinfo-ebsco:3")
    assert not linked(records, "psycinfo:1", "wos:4")
    assert not linked(records, "psycinfo:1", "scholar:5")


# -- ERIC: reports and papers given at meetings ------------------------------------------------------

REPORT = "Summer Reading Camps and Oral Reading Fluency in Grades 2 and 3: Findings from a Randomized Trial"
TEAM = ("Abernathy, Joan L.", "Quist, Daniel", "Mbatha, Lindiwe", "Harcourt, Simon")
LAB = "Regional Educational Laboratory Great Lakes"


def test_scholars_eric_record_of_a_report_is_the_report():
    ebsco = cite(
        "eric", 1, REPORT, "report", authors=TEAM, year=2021, pages="52", issue="ED612345", journal=LAB
    )
    proquest = cite(
        "eric-pq",
        2,
        REPORT,
        "report",
        authors=TEAM,
        year=2021,
        pages="52 pp.",
        issue="REL 2021-088",
        journal=LAB,
    )
    cut = cite(
        "scholar",
        3,
        REPORT[:78] + "…",
        authors=("JL Abernathy", "D Quist", "others"),
        year=2021,
        journal="Online Submission",
    )
    whole = cite(
        "scholar",
        4,
        REPORT,
        authors=("J Abernathy", "D Quist", "L Mbatha", "S Harcourt"),
        year=2021,
        journal="ERIC",
    )
    # the journal article from the trial the next year, the report's main title, the team and one more
    article = cite(
        "wos",
        5,
        REPORT.split(":")[0] + ": A Randomized Trial",
        authors=(*TEAM, "Osei, Kwame"),
        year=2022,
        volume="14",
        issue="3",
        pages="455-480",
        journal="Journal of Research on Educational Effectiveness",
    )
    records = [ebsco, proquest, cut, whole, article]
    assert same(ebsco, cut) and same(proquest, whole)
    assert all(linked(records, "eric:1", other) for other in ("eric-pq:2", "scholar:3", "scholar:4"))
    assert not linked(records, "eric:1", "wos:5")
    # the next edition of the report: its own page count
    assert not same(ebsco, replace(proquest, pages="61 pp."))


def test_a_paper_scholar_files_under_the_meeting_is_the_paper_given_there():
    title = "Teacher-Led Breathing Breaks and Attention in Grade 3: Preliminary Results"
    meeting = "Annual Meeting of the Society for School Psychology Research"
    team = ("Kowalczyk, Anna M.", "Fontaine, Léa", "Adebayo, Rotimi")
    ebsco = cite(
        "eric",
        1,
        title,
        "conference-abstract",
        authors=team,
        year=2022,
        pages="28",
        issue="ED623456",
        journal="Paper presented at the " + meeting,
    )
    scholar = cite(
        "scholar", 2, title, authors=("AM Kowalczyk", "L Fontaine", "R Adebayo"), year=2022, journal=meeting
    )
    assert prepare(ebsco).issue == ""  # ERIC's accession number is no issue
    # the full paper a year on, in a journal; and the abstract of a meeting printed in a journal's
    # supplement, which Embase files under the journal without its volume
    article = cite(
        "scopus",
        3,
        title.split(":")[0],
        authors=team,
        year=2023,
        volume="61",
        issue="2",
        pages="117-134",
        journal="Journal of School Psychology Research",
    )
    records = [ebsco, scholar, article]
    assert same(ebsco, scholar)
    assert not linked(records, "scholar:2", "scopus:3")
    supplement = dict(title="Breathing breaks in grade 3 classrooms", year=2022, authors=team)
    embase = cite("embase", 4, journal="Child Development Research.Conference: " + meeting, **supplement)
    placed = cite(
        "embase",
        5,
        journal="Child Development Research",
        volume="93",
        issue="Suppl 2",
        pages="S41",
        **supplement,
    )
    assert not prepare(embase).conference
    assert linked([embase, placed], "embase:4", "embase:5")


# -- original titles in other letters ----------------------------------------------------------------


def test_a_title_in_korean_or_chinese_letters_is_the_article_at_its_place_by_its_team():
    place = dict(year=2022, volume="28", issue="3", pages="301-312")
    english = cite(
        "scopus",
        1,
        "Emotional labour and turnover intention among home-care nurses",
        journal="Korean Journal of Home Care Nursing",
        doi="10.5555/kjhcn.2022.28.3.301",
        authors=("Han, S.-Y.", "Baek, M.-J.", "Adeyemi, T."),
        **place,
    )
    korean = cite(
        "scholar",
        2,
        "가정간호사의 감정노동과 이직의도",
        journal="Korean Journal of Home Care Nursing",
        authors=("Seo-yeon Han", "Min-ji Baek", "Tunde Adeyemi"),
        **place,
    )
    chinese = cite(
        "cnki",
        3,
        "家庭护士的情绪劳动与离职意向",
        journal="韩国家庭护理杂志",
        authors=("SY Han", "MJ Baek", "T Adeyemi"),
        **place,
    )
    assert prepare(korean).script and not prepare(english).script
    assert same(english, korean) and same(english, chinese)
    # another team's article on the same pages of another volume, and the team's next article in the issue
    assert not same(korean, replace(english, authors=("Kim, H.", "Park, J."), volume="27", doi=""))
    assert not same(korean, replace(english, pages="313-325", doi=""))
    # a record without a title is still no article by its place
    assert not same(replace(korean, title=""), english)


def test_a_supplements_one_page_abstract_is_no_article_number_against_the_papers_own_pages():
    # a meeting's abstract printed in the volume's supplement keeps the full paper's title; its page is no
    # article number, so its page and the paper's "1-9" are two places
    title = "Screen time and sleep onset among primary school pupils in rural Uganda"
    team = ("Nakato, Ruth", "Ssempala, Ivan", "Okello, David")
    abstract = cite(
        "scopus", 1, title, journal="BMC Public Health", year=2020, volume="20", issue="Suppl 1", pages="1154",
        authors=team,
    )  # fmt: skip
    paper = cite(
        "cinahl", 2, title, journal="BMC Public Health", year=2020, volume="20", pages="1-9", authors=team
    )
    assert not linked([abstract, paper], "scopus:1", "cinahl:2")
    # the paper's own article number in a regular issue against those pages is still the paper
    numbered = replace(abstract, record_id="scopus:3", issue="1", pages="1154")
    assert linked([numbered, paper], "scopus:3", "cinahl:2")
