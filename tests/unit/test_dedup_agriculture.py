"""One item as the agriculture, ecology and veterinary databases render it: AGRICOLA's "v. 12" volume,
a Brazilian double surname cut to its last part with the first as an initial, an agency's report under its
name and under AGRIS's acronym with its place (and typed a book there), a thesis catalogued under its
original title and under its English one, an article whose title and journal's name a national database
gives in the original language. Linked; the look-alike each could be confused with (another volume,
another person, the report's next edition, another organisation's report, two people whose names read as an
acronym and its organisation's name, the master's thesis and a namesake's, the article from the thesis,
another team at one place) stays apart. Records written for
each class, not copied from labelled sets.
"""

from __future__ import annotations

import pytest

from litreview.dedup.cluster import link_fuzzy
from litreview.dedup.prepare import prepare, volume_value
from litreview.dedup.rules import _acronym_of, compare, same_first_author
from litreview.records import Citation


def cite(source, i, title, kind="journal-article", **kw):
    return Citation(
        record_id=f"{source}:{i}", source=source, native_id=str(i), title=title, record_type=kind, **kw
    )


def same(a, b):
    return compare(prepare(a), prepare(b))[0] == "duplicate"


# -- AGRICOLA's volume and a double surname cut ------------------------------------------------------

SORGHUM = "Nitrogen leaching under sorghum and millet intercrops on sandy soils of the Sahel"


def test_agricolas_v_before_the_volume_is_the_volume():
    assert volume_value("v. 12") == "12"
    assert volume_value("v.12") == "12"


def test_an_agricola_record_a_year_off_is_the_article_in_its_volume():
    agricola = cite("agricola", 1, SORGHUM, authors=("Moussa, H.", "Keita, S."), journal="Field Crops Sahel",
                    year=2019, volume="v. 12", issue="3", pages="p. 214-229")  # fmt: skip
    wos = cite("wos", 2, SORGHUM, authors=("Moussa, H", "Keita, S"), journal="FIELD CROPS SAHEL", year=2018,
               volume="12", issue="3", pages="214-229")  # fmt: skip
    assert same(agricola, wos)
    # the team's paper of one title in the next volume is another paper (a continuation, a reprint)
    assert not same(cite("agricola", 3, SORGHUM, authors=("Moussa, H.", "Keita, S."), journal="Field Crops Sahel",
                         year=2019, volume="v. 13", issue="3", pages="p. 214-229"), wos)  # fmt: skip


def test_a_double_surname_cut_to_its_last_part_with_the_first_as_an_initial_is_one_person():
    whole = prepare(cite("wos", 1, "x", authors=("Carvalho Mendes, T.", "Lopes, A.")))
    cut = prepare(cite("agricola", 2, "x", authors=("Mendes, T.C.", "Lopes, A.")))
    assert same_first_author(whole, cut)
    # another given name, or an initial that is no part of the surname, is another person
    assert not same_first_author(whole, prepare(cite("agricola", 3, "x", authors=("Mendes, R.C.",))))
    assert not same_first_author(whole, prepare(cite("agricola", 4, "x", authors=("Mendes, T.R.",))))


# -- an agency's report: its name, AGRIS's acronym, a book -------------------------------------------

REPORT = "Rangeland condition and livestock carrying capacity in the arid counties: 2018 assessment"


def test_an_organisations_name_split_at_its_and_is_one_author():
    split = prepare(cite("csv", 1, "x", "report", authors=("Soil", "Water Conservation Service of Lesotho")))
    assert len(split.authors) == 1
    braced = prepare(
        cite("bibtex", 2, "x", "report", authors=("{Grassland Monitoring", "Restoration Trust}"))
    )
    assert len(braced.authors) == 1
    # two people, and two bodies, stay two authors
    assert len(prepare(cite("csv", 3, "x", authors=("Maria Lopes", "Tomas Berg"))).authors) == 2
    assert len(prepare(cite("csv", 4, "x", authors=("Ministry of Livestock", "UNDP"))).authors) == 2


def test_an_agency_report_is_agris_book_under_the_agencys_acronym_and_place():
    agency = cite("handsearch", 1, REPORT, "report", authors=("Forest and Rangeland Research Institute",),
                  year=2018)  # fmt: skip
    agris = cite("agris", 2, REPORT, "book", authors=("FRRI, Muguga (Kenya)",), year=2018)
    assert same(agency, agris)
    # the next edition, and the same title from another organisation, are other reports
    later = REPORT.replace("2018", "2019")
    assert not same(cite("agris", 3, later, "book", authors=("FRRI, Muguga (Kenya)",), year=2019), agency)
    assert not same(cite("agris", 4, REPORT, "book", authors=("UNEP, Nairobi (Kenya)",), year=2018), agency)


def test_one_doi_under_the_agencys_name_and_its_acronym_is_one_report():
    agency = cite("handsearch", 1, REPORT, "report", authors=("Forest and Rangeland Research Institute",),
                  year=2018, doi="https://doi.org/10.99999/frri.2018.4")  # fmt: skip
    agris = cite("agris", 2, REPORT, "book", authors=("FRRI, Muguga (Kenya)",), year=2018,
                 doi="doi:10.99999/frri.2018.4")  # fmt: skip
    assert same(agency, agris)


# -- an acronym names a body, never a person ---------------------------------------------------------

# Two people, one named with initials, whose surname's letters begin the other's name's words (i, t, o:
# "Ibrahim Tahir, O."; t, a, n: "Tran Anh, N."): letters and words alone would read an acronym and its body
PEOPLE = [
    (("Ito, K.",), ("Ibrahim Tahir, O.",)),
    (("Tan, W.",), ("Tran Anh, N.",)),
    (("Rao, P.",), ("Rodrigues Alves, O.",)),
    (("KIM SH",), ("Kowalski, Ilse M.",)),
]
SURVEY = "Household water use and sanitation in peri-urban settlements: baseline survey"


def only_author(source, i, authors, title="x", **kw):
    return cite(source, i, title, "report", authors=authors, **kw)


@pytest.mark.parametrize(("short", "long"), PEOPLE)
def test_two_peoples_names_are_no_acronym_and_its_organisation(short, long):
    assert not _acronym_of(prepare(only_author("agris", 1, short)), prepare(only_author("cab", 2, long)))


@pytest.mark.parametrize(("short", "long"), PEOPLE)
def test_two_peoples_reports_of_one_title_and_year_are_two_reports(short, long):
    # no venue, no DOI, no number: the authors are all that tell two reports of a common title apart
    one = only_author("repository", 1, short, SURVEY, year=2017)
    other = only_author("catalogue", 2, long, SURVEY, year=2017)
    assert link_fuzzy([one, other]).links == []


@pytest.mark.parametrize(("short", "long"), PEOPLE[:2])
def test_one_doi_on_two_peoples_records_is_for_a_reviewer(short, long):
    doi = "10.99999/wrc.2017.12"
    one = only_author("repository", 1, short, SURVEY, year=2017, doi=doi)
    other = only_author("catalogue", 2, long, SURVEY, year=2017, doi=doi)
    verdict, _, reason = compare(prepare(one), prepare(other))
    assert verdict == "maybe" and "first authors differ" in reason


def test_a_persons_name_with_initials_is_no_acronym_of_a_body():
    # a person's surname whose letters begin a body's words: "Ali, K." against the institute
    person = prepare(only_author("agris", 1, ("Ali, K.",)))
    assert not _acronym_of(person, prepare(only_author("cab", 2, ("Agricultural Livestock Institute",))))


def test_an_acronym_is_no_acronym_of_a_persons_name():
    # an acronym whose letters begin a person's name's words: f, a, o
    acronym = prepare(only_author("agris", 1, ("FAO, Rome (Italy)",)))
    assert not _acronym_of(acronym, prepare(only_author("cab", 2, ("Fernandes Alves, O.",))))


@pytest.mark.parametrize(
    ("short", "long"),
    [
        ("UNEP, Nairobi (Kenya)", "United Nations Environment Programme"),
        ("WHO", "World Health Organization"),
        ("IUCN, Gland (Switzerland)", "International Union for Conservation of Nature"),
        ("CGIAR, Washington, DC (USA)", "Consultative Group on International Agricultural Research"),
        ("IFAD, Rome (Italy)", "International Fund for Agricultural Development"),
        ("ODI (UK)", "Overseas Development Institute"),
    ],
)
def test_an_organisations_acronym_with_or_without_its_place_is_the_organisation(short, long):
    acronym = only_author("agris", 1, (short,), SURVEY, year=2017)
    body = only_author("web", 2, (long,), SURVEY, year=2017)
    assert _acronym_of(prepare(acronym), prepare(body))
    assert [(link.record_id, link.linked_to) for link in link_fuzzy([acronym, body]).links] in (
        [("agris:1", "web:2")],
        [("web:2", "agris:1")],
    )


# -- a thesis under its original and its English title -----------------------------------------------

THESE = "Dinâmica do carbono orgânico do solo sob plantas de cobertura no Cerrado goiano"
THESIS = "Soil organic carbon dynamics under cover crops in the Cerrado of Goiás"


def test_a_thesis_under_its_original_and_its_english_title_is_one_thesis():
    original = cite("repository", 1, THESE, "thesis", authors=("Ferreira Lima, Joana",), year=2019,
                    journal="Universidade Federal do Planalto Central", pages="212")  # fmt: skip
    english = cite("cab", 2, THESIS, "thesis", authors=("Ferreira Lima, J.",), year=2019,
                   journal="Universidade Federal do Planalto Central, Brasília, Brazil", pages="212 pp.")  # fmt: skip
    assert same(original, english)
    # another count (the master's thesis of that year), a namesake, the article from it: others
    assert not same(original, cite("cab", 3, THESIS, "thesis", authors=("Ferreira Lima, J.",), year=2019,
                                   journal="Universidade Federal do Planalto Central", pages="118 pp."))  # fmt: skip
    assert not same(original, cite("cab", 4, THESIS, "thesis", authors=("Ferreira Lima, M.",), year=2019,
                                   journal="Universidade Federal do Planalto Central", pages="212 pp."))  # fmt: skip
    assert not same(original, cite("wos", 5, THESIS, authors=("Ferreira Lima, J.",), year=2019,
                                   journal="Revista Brasileira de Solos", volume="43", pages="212"))  # fmt: skip


# -- an article and its journal in the original language ---------------------------------------------

ORIGINAL = "Utilisation des antibiotiques dans les élevages porcins périurbains de Bobo-Dioulasso"
ENGLISH = "Antibiotic use in peri-urban pig farms of Bobo-Dioulasso"
TEAM = ("Ouédraogo, Awa", "Sawadogo, Issa", "Zongo, Pauline")


def test_an_article_whose_title_and_journal_are_in_the_original_language_is_one_at_its_issue():
    original = cite("national", 1, ORIGINAL, authors=TEAM, journal="Revue Sahélienne de Médecine Vétérinaire",
                    year=2021, volume="14", issue="2", pages="101-112")  # fmt: skip
    english = cite("cab", 2, ENGLISH, authors=("Ouedraogo, A.", "Sawadogo, I.", "Zongo, P."),
                   journal="Sahelian Journal of Veterinary Medicine", year=2021, volume="14", issue="2",
                   pages="101-112")  # fmt: skip
    assert same(original, english)
    # a namesake's article at that place in another journal has another team; the team's other article in
    # the issue another span
    namesake = cite("cab", 3, "Tick burden on zebu cattle at watering points", authors=("Ouedraogo, A.",
                    "Kabore, S.", "Traore, M."), journal="West African Livestock Research", year=2021, volume="14",
                    issue="2", pages="101-112")  # fmt: skip
    assert not same(original, namesake)
    other = cite("cab", 4, "Tetracycline residues in pork sold at Bobo-Dioulasso markets", authors=(
                 "Ouedraogo, A.", "Sawadogo, I.", "Zongo, P."), journal="Sahelian Journal of Veterinary Medicine",
                 year=2021, volume="14", issue="2", pages="113-121")  # fmt: skip
    assert not same(original, other)


# -- what the page count and the issue do not tell apart ----------------------------------------------

UFV = "Universidade Federal de Viçosa"


def test_two_theses_titled_in_one_language_are_two_whatever_their_count():
    # two students of one surname and initial finish at one university in one year on as many pages
    beans = cite("repository", 1, "Produtividade do feijoeiro sob doses de fósforo em solo de cerrado", "thesis",
                 authors=("Souza, R.",), year=2019, journal=UFV, pages="98")  # fmt: skip
    coffee = cite("repository", 2, "Controle biológico da ferrugem do cafeeiro com Bacillus spp.", "thesis",
                  authors=("Souza, R.",), year=2019, journal=UFV, pages="98 p.")  # fmt: skip
    assert not same(beans, coffee)


def test_an_english_title_that_is_no_translation_of_the_other_is_another_thesis():
    maize = cite("cab", 1, "Nitrogen fertilization of second-crop maize in the Cerrado", "thesis",
                 authors=("Souza, R.",), year=2019, journal=f"{UFV}, Viçosa, Brazil", pages="98 pp.")  # fmt: skip
    beans = cite("repository", 2, "Adubação fosfatada do feijoeiro no Cerrado mineiro", "thesis",
                 authors=("Souza, R.",), year=2019, journal=UFV, pages="98")  # fmt: skip
    assert not same(maize, beans)
    # its own original shares the technical words' stems, a spelling apart ("glyphosate" / "glifosato")
    original = cite("repository", 3, "Resistência de plantas daninhas ao glifosato em lavouras de soja", "thesis",
                    authors=("Souza, Rita Maria",), year=2019, journal=UFV, pages="98")  # fmt: skip
    english = cite("cab", 4, "Weed resistance to glyphosate in soybean fields", "thesis", authors=("Souza, R.M.",),
                   year=2019, journal=f"{UFV}, Viçosa, Brazil", pages="98 pp.")  # fmt: skip
    assert same(original, english)


def test_one_teams_articles_paginated_from_one_in_two_journals_are_two():
    # online journals number each article's pages from 1: "1-9" in volume 12, issue 1 is no place
    team = ("Pereira, L.", "Gomes, F.")
    mastitis = cite("national", 1, "Prevalência de mastite subclínica em rebanhos leiteiros", authors=team,
                    journal="Revista Brasileira de Saúde e Produção Animal", year=2020, volume="12", issue="1",
                    pages="1-9")  # fmt: skip
    resistance = cite("cab", 2, "Antimicrobial resistance of Staphylococcus aureus from bovine milk", authors=team,
                      journal="Veterinary Sciences", year=2020, volume="12", issue="1", pages="1-9")  # fmt: skip
    assert not same(mastitis, resistance)
