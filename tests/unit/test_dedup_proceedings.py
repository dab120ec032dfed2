"""One paper or abstract of a meeting's proceedings as different exports give it: an SPIE paper's number
in the pages or in the volume field, a conference under its publisher's, its indexer's and Scholar's names,
a session-coded abstract in its society's program and in a database. Linked; the distinct items each could
be confused with (another paper of one volume, another abstract of one session) stay apart (records built
for each class, not copied from labelled sets).
"""

from __future__ import annotations

from dataclasses import replace

from tests.unit.test_dedup_variants import cite, linked

from litreview.dedup.prepare import _split_authors, normalise_authors, page_range, prepare
from litreview.dedup.rules import compare

# -- SPIE: the paper's number (CID) in the pages or in the volume field ----------------------------

SPIE_TITLE = "Radiomics of breast tomosynthesis for predicting axillary node involvement"
SPIE_TEAM = ("Okafor, CN", "Lindqvist, E", "Barros, PH")


def test_an_spie_papers_number_is_kept_whole_as_its_page():
    assert page_range("1246528") == ("1246528", "1246528")
    assert page_range("124652X") == ("124652x", "124652x")


def test_an_spie_paper_with_its_number_in_the_volume_field_is_the_paper_with_it_as_its_page():
    wos = cite("wos", 1, SPIE_TITLE, authors=SPIE_TEAM, year=2023, journal="MEDICAL IMAGING 2023: COMPUTER-AIDED DIAGNOSIS",
               volume="12465", pages="124652X", record_type="conference-abstract")  # fmt: skip
    scholar = cite("scholar", 2, SPIE_TITLE, authors=("CN Okafor", "E Lindqvist", "PH Barros"), year=2023,
                   journal="Proc. SPIE", volume="124652X", record_type="conference-abstract")  # fmt: skip
    p = prepare(scholar)
    assert (p.volume, p.pages) == ("12465", ("124652x", "124652x"))
    assert compare(prepare(wos), p)[0] == "duplicate"


def test_two_spie_papers_of_one_volume_stay_apart_by_their_numbers():
    one = cite("scholar", 1, SPIE_TITLE, authors=SPIE_TEAM, year=2023, journal="Proc. SPIE", volume="124652X",
               record_type="conference-abstract")  # fmt: skip
    other = cite("wos", 2, SPIE_TITLE + " in dense breasts", authors=SPIE_TEAM, year=2023,
                 journal="MEDICAL IMAGING 2023: COMPUTER-AIDED DIAGNOSIS", volume="12465", pages="124653B",
                 record_type="conference-abstract")  # fmt: skip
    assert compare(prepare(one), prepare(other))[0] != "duplicate"
    # the same title at two numbers of one volume: two papers (a corrected resubmission is its own number)
    again = cite("wos", 3, SPIE_TITLE, authors=SPIE_TEAM, year=2023, journal="Proc. SPIE", volume="12465",
                 pages="124653B", record_type="conference-abstract")  # fmt: skip
    assert compare(prepare(one), prepare(again))[0] != "duplicate"


# -- one conference under its publisher's book title and Scholar's "International Conference on ..." -------

IPMI_TITLE = "Diffeomorphic shape priors for fetal brain segmentation in motion-corrupted MRI"
IPMI_TEAM = ("Haddad, Leila", "Nowak, Piotr", "Albrecht, Sven")


def ipmi_book(i, title=IPMI_TITLE, pages="412-424"):
    return cite("springer", i, title, authors=IPMI_TEAM, year=2021, volume="12729", pages=pages,
                journal="Information Processing in Medical Imaging – IPMI 2021", record_type="conference-abstract")  # fmt: skip


def ipmi_scholar(i, title=IPMI_TITLE, pages="412--424"):
    return cite("scholar", i, title, authors=("L Haddad", "P Nowak", "S Albrecht"), year=2021, pages=pages,
                journal="International Conference on Information Processing in Medical Imaging",
                record_type="conference-abstract")  # fmt: skip


def test_a_conference_paper_under_scholars_international_conference_name_is_the_publishers_paper():
    assert compare(prepare(ipmi_book(1)), prepare(ipmi_scholar(2)))[0] == "duplicate"


def test_two_papers_of_one_conference_stay_apart():
    other = "Diffeomorphic shape priors for neonatal brain segmentation in motion-corrupted MRI"
    assert compare(prepare(ipmi_book(1)), prepare(ipmi_scholar(2, other, "425--437")))[0] != "duplicate"


def test_a_preprint_under_its_papers_title_does_not_make_the_title_recur():
    # the arXiv record bears the paper's title; the paper in Scopus's series name, the publisher's book and
    # Scholar: one paper, the preprint apart
    preprint = cite("arxiv", 1, IPMI_TITLE, authors=("Leila Haddad", "Piotr Nowak", "Sven Albrecht"), year=2021,
                    journal="arXiv", doi="10.48550/arXiv.2103.01234")  # fmt: skip
    series = cite("scopus", 2, IPMI_TITLE, authors=("Haddad L.", "Nowak P.", "Albrecht S."), year=2021,
                  volume="12729 LNCS", pages="412-424", doi="10.1007/978-3-030-78191-0_32",
                  journal="Lecture Notes in Computer Science", record_type="conference-abstract")  # fmt: skip
    book = replace(ipmi_book(3), doi="10.1007/978-3-030-78191-0_32")
    records = [preprint, series, book, ipmi_scholar(4)]
    assert linked(records, "springer:3", "scholar:4") and linked(records, "scopus:2", "scholar:4")
    assert not linked(records, "arxiv:1", "scholar:4")


# -- a meeting abstract by its number there: the society's program and a database's record ---------------


def test_whole_names_given_first_with_commas_between_are_a_list():
    assert normalise_authors(_split_authors(("Helena Duarte, Tomás R. Ibarra, Wen-Li Chu, Ruairí McGrath",))) == (
        "duarte", "ibarra", "chu", "mcgrath")  # fmt: skip
    assert normalise_authors(_split_authors(("Ortega Ruiz, Ines Maria",))) == ("ortegaruiz",)  # one name


def test_a_meetings_abstract_number_is_kept_whole():
    assert page_range("PS14-03") == ("ps14-03", "ps14-03")  # a session and its talk, not pages 14-3
    assert page_range("D-2215") == ("d2215", "d2215")
    assert page_range("S12-14") == ("12", "14")  # a supplement's pages


SAR_TITLE = "Dual-energy CT iodine maps for grading pancreatic neuroendocrine tumours"


def sar_program(i, title=SAR_TITLE, code="PS14-03"):
    return cite("program", i, title.title(), authors=("Ingrid Solberg, Kwame Mensah, Yusuf Demir",), year=2022,
                pages=code, journal="SAR 2022 Annual Scientific Meeting Program", record_type="conference-abstract")  # fmt: skip


def sar_embase(i, title=SAR_TITLE, code="PS14-03"):
    return cite("embase", i, title, authors=("Solberg I.", "Mensah K.", "Demir Y."), year=2022, pages=code,
                journal="Society of Abdominal Radiology 45th Annual Scientific Meeting and Educational Course",
                record_type="conference-abstract")  # fmt: skip


def test_a_meeting_abstract_in_its_program_and_in_a_database_is_one_by_its_number():
    assert compare(prepare(sar_program(1)), prepare(sar_embase(2)))[0] == "duplicate"


def test_an_abstract_in_a_journal_supplement_and_in_the_congress_book_is_one_by_its_number():
    supplement = cite("wos", 1, SAR_TITLE, authors=("Solberg, I", "Mensah, K", "Demir, Y"), year=2022,
                      journal="CARDIOVASCULAR AND INTERVENTIONAL RADIOLOGY", volume="45", issue="SUPPL 2",
                      pages="D-2215")  # fmt: skip
    book = cite("cirse", 2, SAR_TITLE, authors=("Ingrid Solberg, Kwame Mensah, Yusuf Demir",), year=2022,
                journal="CIRSE 2022 Book of Abstracts", pages="D-2215", record_type="conference-abstract")  # fmt: skip
    assert compare(prepare(supplement), prepare(book))[0] == "duplicate"


def test_two_abstracts_of_one_meeting_stay_apart_by_their_numbers():
    other = "Dual-energy CT iodine maps for grading pancreatic ductal adenocarcinoma"
    assert compare(prepare(sar_program(1)), prepare(sar_embase(2, other, "PS14-04")))[0] != "duplicate"
    # one title given at two sessions (a talk and a poster): two numbers, two abstracts
    assert compare(prepare(sar_program(1)), prepare(sar_embase(2, code="EP07-11")))[0] != "duplicate"
    # another team's abstract under one title and number at another meeting is no match either
    namesake = replace(sar_embase(3), authors=("Haugen T.", "Mensah K."))
    assert compare(prepare(sar_program(1)), prepare(namesake))[0] != "duplicate"


def test_a_session_coded_abstract_typed_an_article_is_still_an_abstract():
    article = cite("embase", 4, SAR_TITLE, authors=("Solberg I.", "Mensah K.", "Demir Y."), year=2022,
                   journal="Abdominal Radiology", volume="47", issue="Suppl 1", pages="PS14-03")  # fmt: skip
    assert prepare(article).supplement
    assert compare(prepare(sar_program(1)), prepare(article))[0] == "duplicate"
