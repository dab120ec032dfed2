"""Renderings of one publication that exports write apart, and look-alikes that are two publications:
names near in spelling (a Japanese long vowel's "h", an umlaut's "e") that belong to two families, a
title's bracketed country or original-language title, two whole names in one author field, and a
preprint server's record beside the journal article. Records built for each class."""

from __future__ import annotations

import time
from dataclasses import replace

from tests.unit.test_dedup_variants import cite as record
from tests.unit.test_dedup_variants import linked as one_cluster

from litreview.dedup.blocking import blocking_keys
from litreview.dedup.prepare import _split_authors, normalise_authors, prepare, two_names_read
from litreview.dedup.rules import compare, same_first_author

# --- names near in spelling ------------------------------------------------------------------------

THESIS = "Essays on the economics of long-term care insurance"


def test_a_surname_spelt_with_and_without_h_is_two_families_unless_it_is_a_japanese_long_vowel():
    # "Johnson" / "Jonson", "Kohn" / "Kon", "Bohm" / "Bom", "Hohmann" / "Homann": the "h" is a letter of the name
    for with_h, without in (("Johnson", "Jonson"), ("Kohn", "Kon"), ("Bohm", "Bom"), ("Hohmann", "Homann")):
        assert normalise_authors([f"{with_h}, Erik"]) != normalise_authors([f"{without} E"]), with_h
    # a long "o" romanised with "h" before a syllable or at the end is one name ("Ohtsuka" / "Otsuka")
    for with_h, without in (("Ohtsuka", "Otsuka"), ("Itoh", "Ito"), ("Kohda", "Koda")):
        assert normalise_authors([f"{with_h}, Haruki"]) == normalise_authors([f"{without} H"]), with_h


def test_an_e_at_the_end_of_a_surname_is_no_umlaut():
    # Chinese "Xue" / "Xu", Korean "Chae" / "Cha", Scottish "Munroe" / "Munro": two surnames each
    for with_e, without in (("Xue", "Xu"), ("Chae", "Cha"), ("Munroe", "Munro")):
        assert normalise_authors([f"{with_e}, L."]) != normalise_authors([f"{without} L"]), with_e
    # inside the name it is still the umlaut: "Kuehne" / "Kühne"
    assert normalise_authors(["Kuehne, Stefan"]) == normalise_authors(["Kühne S"])


def test_namesakes_theses_of_a_common_title_stay_apart_when_the_surnames_differ_by_an_h():
    a = record("proquest", 1, THESIS, authors=("Johnson, Mark",), journal="University of York", year=2016,
               record_type="thesis")  # fmt: skip
    b = record("diva", 2, THESIS, authors=("Jonson, Mark",), journal="Lund University", year=2016,
               record_type="thesis")  # fmt: skip
    assert not same_first_author(prepare(a), prepare(b))
    assert compare(prepare(a), prepare(b))[0] != "duplicate"
    assert not one_cluster([a, b], "proquest:1", "diva:2")
    # the same author's thesis in two catalogues is still one
    c = record(
        "ethos", 3, THESIS, authors=("Johnson, M.",), journal="Univ. of York", year=2016, record_type="thesis"
    )
    assert one_cluster([a, c], "proquest:1", "ethos:3")


ORIGINAL = "Sobrecarga do cuidador e uso de cuidados de descanso em famílias de crianças com condições crônicas complexas"
ENGLISH = "Caregiver burden and respite care use in families of children with complex chronic conditions"


def test_a_double_surname_with_an_h_cut_to_its_first_part_is_one_first_author():
    # the first part of "Johnson-Whitfield" kept as the surname, the second moved among the initials: the
    # h must not be folded in the part and kept in the whole (it was: "jonson" against "johnsonwhitfield")
    place = dict(year=2020, volume="33", issue="2", pages="211-219")
    whole = record("scielo", 1, ORIGINAL, authors=("Johnson-Whitfield, Rebecca", "Prado, Lucas"),
                   journal="Revista Paulista de Pediatria", **place)  # fmt: skip
    cut = record("scholar", 2, ENGLISH, authors=("Johnson, R. W.", "Prado, L."),
                 journal="Sao Paulo Journal of Paediatrics", **place)  # fmt: skip
    assert same_first_author(prepare(whole), prepare(cut))
    assert compare(prepare(whole), prepare(cut))[0] == "duplicate"
    # another first author at that place is another article
    other = record("scholar", 3, ENGLISH, authors=("Jonson, R. W.", "Prado, L."),
                   journal="Sao Paulo Journal of Paediatrics", **place)  # fmt: skip
    assert compare(prepare(whole), prepare(other))[0] != "duplicate"


# --- two whole names with a comma between ------------------------------------------------------------

PT = "Adesão à higiene das mãos entre profissionais de unidades de terapia intensiva neonatal"
EN = "Hand hygiene adherence among professionals of neonatal intensive care units"
ISSUE = dict(year=2019, volume="27", issue="3", pages="145-156")


def test_surnames_and_initials_in_turn_with_commas_are_a_list():
    assert normalise_authors(_split_authors(("Ribeiro, A., Moura, T.",))) == ("ribeiro", "moura")
    assert normalise_authors(_split_authors(("Ribeiro, A. C., Moura, T., Lopes, F. R.",))) == (
        "ribeiro", "moura", "lopes",
    )  # fmt: skip
    # one name, with its initials or its given names, stays one
    assert normalise_authors(_split_authors(("Ribeiro, A. C.",))) == ("ribeiro",)
    assert normalise_authors(_split_authors(("Ribeiro, Ana",))) == ("ribeiro",)
    # a suffix inside the list leaves the names in turn
    assert normalise_authors(_split_authors(("Ribeiro, A., Jr., Moura, T.",))) == ("ribeiro", "moura")


def test_a_suffix_or_degree_after_a_name_is_no_author():
    # a reference list's "Surname, I., Jr., MD": the suffix and the degree belong to the name before
    for field in ("Okafor, C., Jr., MD", "Okafor, C. N., III", "Okafor, C., PhD, MPH"):
        assert normalise_authors(_split_authors((field,))) == ("okafor",), field
    assert normalise_authors(_split_authors(("Okafor, C., Sr., RN, Lindqvist, E., PhD",))) == (
        "okafor", "lindqvist",
    )  # fmt: skip
    assert normalise_authors(_split_authors(("Okafor CN Jr, Lindqvist E",))) == ("okafor", "lindqvist")
    # initials that spell a suffix after a surname are initials ("Ivanov, I. V." run together)
    assert normalise_authors(_split_authors(("Ivanov, IV, Petrova, MD",))) == ("ivanov", "petrova")
    assert normalise_authors(_split_authors(("Nguyen, A., Ii, B.",)))[:1] == ("nguyen",)
    dated = dict(journal="Journal of Wound Care", year=2020, volume="29", pages="412-420")
    title = "Negative pressure dressings after caesarean section in obese women: a cohort study"
    a = record("crossref", 1, title, authors=("Okafor, C., Jr., MD",), **dated)
    b = record("medline", 2, title, authors=("Okafor CN Jr",), **dated)
    assert prepare(a).authors == prepare(b).authors == ("okafor",)
    assert one_cluster([a, b], "crossref:1", "medline:2")


def test_two_whole_names_with_a_comma_are_read_as_the_other_record_reads_them():
    # a national database gives "Given Surname, Given Surname"; Web of Science the names surname first
    both = cite_pt("Ana Ribeiro, Tiago Moura")
    listed = record(
        "wos", 2, EN, authors=("Ribeiro, A.", "Moura, T."), journal="Gaucha Nursing Journal", **ISSUE
    )
    assert compare(prepare(both), prepare(listed))[0] == "duplicate"
    assert one_cluster([both, listed], "scielo:1", "wos:2")
    # another team at that place (one name in common) is no rendering of it
    other = record(
        "wos", 3, EN, authors=("Ribeiro, A.", "Carvalho, J."), journal="Gaucha Nursing Journal", **ISSUE
    )
    assert compare(prepare(both), prepare(other))[0] != "duplicate"
    assert not one_cluster([both, other], "scielo:1", "wos:3")


def test_two_names_in_two_scripts_are_read_as_one_name_and_the_run_completes():
    # a conference database's "Given Surname, Given Surname" with the surnames in Cyrillic: folded to ASCII
    # the surnames are gone, so the field has no two-name reading; one name ("Olga", a given name) it stays
    title = "Seasonal variation of vitamin D status in adolescents of the Arkhangelsk region"
    held = dict(journal="Ekologiya cheloveka", year=2017, volume="24", pages="33-39")
    fields = ("Olga Смирнова, Pavel Кузнецов", "Olga Smirnova, Pavel Кузнецов")
    records = [record("elibrary", n, title, authors=(f,), **held) for n, f in enumerate(fields, 1)]
    records.append(record("cyberleninka", 3, title, authors=(fields[0],), **held))
    records.append(record("elibrary", 4, "Iodine deficiency in schoolchildren of the Arkhangelsk region",
                          authors=(fields[0],), **held))  # fmt: skip
    assert one_cluster(records, "elibrary:1", "cyberleninka:3")  # raised IndexError in blocking
    assert not one_cluster(records, "elibrary:1", "elibrary:4")
    assert all(not p.two_names or len(two_names_read(p).authors) == 2 for p in map(prepare, records))
    # a reading with no authors, however it came, gives no blocking key
    empty = replace(prepare(records[0]), two_names=("Смирнова, Olga", "Кузнецов, Pavel"))
    assert ("author-year", "olga|2017") in blocking_keys(empty)


def test_one_name_written_surname_first_with_two_given_names_stays_one_author():
    # "Castro Lima, Ana Paula" is one person: beside "Castro-Lima AP" it is one name, and read as two names
    # ("Lima, Castro" and "Paula, Ana") it is no rendering of Beatriz Lima's record of the title
    one = record("lilacs", 1, EN, authors=("Castro Lima, Ana Paula",), journal="Rev Gaucha Enferm", year=2019)
    same = record(
        "medline", 2, EN, authors=("Castro-Lima AP",), journal="Revista gaucha de enfermagem", year=2019
    )
    assert same_first_author(prepare(one), prepare(same))
    assert one_cluster([one, same], "lilacs:1", "medline:2")
    two = record("wos", 3, EN, authors=("Lima, Beatriz",), journal="Rev Gaucha Enferm", year=2019)
    assert not one_cluster([one, two], "lilacs:1", "wos:3")


def cite_pt(authors):
    return record("scielo", 1, PT, authors=(authors,), journal="Revista Gaúcha de Enfermagem", **ISSUE)


# --- a bracketed country or original-language title ----------------------------------------------------

CARIES = "Dental caries and sugar intake among riverside schoolchildren in the Amazon"
PLACE = dict(
    journal="Cadernos de Saude Publica", year=2021, volume="37", authors=("Ferraz, Helena", "Lobo, Rui")
)


def test_a_country_in_brackets_spelt_as_another_language_spells_it_is_one_name():
    # SciELO's English title keeps the Portuguese "(Brasil)"; PubMed's has "(Brazil)"; only one gives the pages
    scielo = record("scielo", 1, f"{CARIES} (Brasil)", **PLACE)
    pubmed = record("pubmed", 2, f"{CARIES} (Brazil).", pages="e00123420", **PLACE)
    assert compare(prepare(scielo), prepare(pubmed))[0] == "duplicate"
    spaced = record("who", 3, "Hand hygiene compliance in district hospitals (Viet Nam)", **PLACE)
    joined = record("cinahl", 4, "Hand hygiene compliance in district hospitals (Vietnam)", **PLACE)
    assert compare(prepare(spaced), prepare(joined))[0] == "duplicate"


def test_two_countries_in_brackets_near_in_spelling_stay_two_reports():
    # one survey's template, one report a country: a letter apart is another country
    survey = dict(journal="Demographic and Health Surveys Further Analysis", year=2018, authors=("ICF",))
    for one, other in (("Gambia", "Zambia"), ("Iran", "Iraq"), ("Brazil", "Bolivia")):
        a = record("dhs", 1, f"Childhood anaemia and household food security ({one})", **survey)
        b = record("dhs", 2, f"Childhood anaemia and household food security ({other})", **survey)
        assert compare(prepare(a), prepare(b))[0] != "duplicate", one
        assert not one_cluster([a, b], "dhs:1", "dhs:2"), one


def test_two_trials_named_by_a_code_or_an_acronym_in_brackets_stay_two_reports():
    # one sponsor's template of results reports, each its trial's code or acronym: a letter apart is another
    # trial (no spelling of one place name), and a shared number alone names nothing
    sponsor = dict(journal="Clinical Study Report Synopsis", year=2021, authors=("Vantrell Pharma",))
    text = "Long-term safety of subcutaneous dosing in adults with moderate plaque psoriasis"
    for one, other in (("ZX-12", "SX-12"), ("KALI", "CALI"), ("KY204", "CI204"), ("PHOENIX", "FOENIX")):
        a = record("sponsor", 1, f"{text} ({one})", **sponsor)
        b = record("sponsor", 2, f"{text} ({other})", **sponsor)
        assert compare(prepare(a), prepare(b))[0] != "duplicate", one
        assert not one_cluster([a, b], "sponsor:1", "sponsor:2"), one
    # one trial's acronym in a title all in capitals is the same acronym; a place name there is still folded
    a = record("sponsor", 1, f"{text} (KALI)", **sponsor)
    b = record("embase", 2, f"{text.upper()} (KALI)", **sponsor)
    assert compare(prepare(a), prepare(b))[0] == "duplicate"
    a = record("sponsor", 1, f"{text} (Kenia)", **sponsor)
    b = record("embase", 2, f"{text.upper()} (KENYA)", **sponsor)
    assert compare(prepare(a), prepare(b))[0] == "duplicate"


def test_a_translation_with_its_bracketed_original_links_to_the_original_whatever_the_country_is_called():
    original = "Cárie dentária e consumo de açúcar entre escolares ribeirinhos da Amazônia (Brasil)"
    lilacs = record("lilacs", 1, original, **PLACE)
    embase = record("embase", 2, f"{CARIES} (Brazil) [{original}]", **PLACE)
    assert prepare(embase).alt_title
    assert compare(prepare(embase), prepare(lilacs))[0] == "duplicate"
    # the original of a report on another country is another report
    other = record("lilacs", 3, original.replace("(Brasil)", "(Peru)"), **PLACE)
    assert compare(prepare(embase), prepare(other))[0] != "duplicate"


def test_one_article_at_one_place_is_one_whatever_language_names_the_country_in_brackets():
    title = "Occupational exposure to glyphosate among vineyard workers"
    place = dict(
        journal="Gesundheitswesen", year=2017, volume="79", pages="412-418", authors=("Brandt, Jonas",)
    )
    a = record("medline", 1, f"{title} (Germany)", **place)
    b = record("ssci", 2, f"{title} (Deutschland)", **place)
    assert compare(prepare(a), prepare(b))[0] == "duplicate"
    # the same template at other pages of the issue is another country's article
    c = record("ssci", 3, f"{title} (Österreich)", **{**place, "pages": "419-425"})
    assert compare(prepare(a), prepare(c))[0] != "duplicate"


# --- a record placed nowhere beside the published article ----------------------------------------------

PAPER = "Flaky test quarantine and release cadence in continuous integration pipelines"
TEAM = ("Osei, Kwame", "Lindahl, Frida", "Ruiz, Tomás")
ARTICLE = dict(
    journal="Empirical Software Research",
    volume="29",
    issue="2",
    pages="41-67",
    doi="10.1007/s10664-024-10458-1",
)


def test_a_record_placed_nowhere_is_a_rendering_of_the_article_and_a_named_preprint_is_not():
    # a terse export (title, authors, year: no venue, volume, page or DOI) says nothing that sets it apart
    # from the article, whatever its type, and most such records are the article's: linked. An arXiv
    # preprint that says nothing of its server is linked so too (dedup_built10's one wrong link): only
    # what the record names tells a preprint
    article = record("springer", 1, PAPER, authors=TEAM, year=2024, **ARTICLE)
    terse = record("scholar", 2, PAPER, authors=TEAM, year=2024)
    assert one_cluster([article, terse], "springer:1", "scholar:2")
    for named in (
        dict(journal="arXiv"),
        dict(doi="10.48550/arXiv.2403.01234"),
        dict(volume="abs/2403.01234"),
    ):
        preprint = record("arxiv", 3, PAPER, authors=TEAM, year=2024, **named)
        assert not one_cluster([article, preprint], "springer:1", "arxiv:3"), named


def test_a_long_name_of_syllables_that_is_no_chain_is_read_at_once():
    # a run-together field ("oh", then syllables, then a letter no syllable has): read in linear time
    started = time.perf_counter()
    assert normalise_authors(["Oh" + "ana" * 5000 + "l, K."]) == ("oh" + "ana" * 5000 + "l",)
    assert time.perf_counter() - started < 1
