"""One article as different databases render it: surname particles and transliterations, comparison
signs and HTML entities in titles, numbers written as words, Roman numerals or with a superscript
lost, journal names as acronyms, contractions or without spaces, pages quoted or in several ranges,
the year off by one. Linked as bib-dedupe links them; the distinct records each rendering could be
confused with stay apart (records built for each class, not copied from labelled sets).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from litreview.dedup.cluster import link_fuzzy, link_registrations
from litreview.dedup.prepare import normalise_authors, normalise_journal, normalise_title, page_range, prepare
from litreview.dedup.rules import _journal_compatible, compare
from litreview.identifiers import registry_ids
from litreview.records import Citation, Trial

TITLE = "Rituximab in adults with refractory immune thrombocytopenia: a multicentre randomised trial"
ARTICLE = dict(journal="British Journal of Haematology", year=2015, volume="170", issue="3")


def cite(source, i, title=TITLE, **kw):
    return Citation(record_id=f"{source}:{i}", source=source, native_id=str(i), title=title, **kw)


def linked(records, a, b):
    rep = {link.record_id: link.linked_to for link in link_fuzzy(records).links}
    return rep.get(a, a) == rep.get(b, b)


# -- authors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("medline", "scopus"),
    [
        ("van der Berg A", "Van der Berg, A."),  # MEDLINE's "Surname Initials" with a particle
        ("da Silva JB", "Da Silva, J. B."),
        ("Berg AV", "van den Berg, A."),  # one database files the particle after the initials
        ("Sberro Soussan R", "Sberro-Soussan, R."),  # a compound surname without its hyphen
        ("Strauss J", "Strauß, J."),  # letters Unicode does not decompose
        ("Sorensen J", "Sørensen, J."),
        ("Mueller J", "Müller, J."),  # an umlaut transliterated
        ("Ahmed TL", "Ahmed T.L."),  # Scopus: "Surname Initials", the initials with dots
        ("Wang MJ", "Wang M.-J."),  # a hyphenated given name's initials
    ],
)
def test_one_first_author_however_a_database_writes_the_surname(medline, scopus):
    assert normalise_authors([medline]) == normalise_authors([scopus])
    # one author, no pages on one record: the first author is what agrees beside the title
    a = cite("medline", 1, authors=(medline,), **ARTICLE)
    b = cite("scopus", 2, authors=(scopus,), pages="345-352", **ARTICLE)
    assert compare(prepare(a), prepare(b))[0] == "duplicate"


def test_a_particle_or_short_name_is_not_taken_for_the_surname():
    # "Smith JA" and "Li Bo" keep their first word; different surnames stay different
    assert normalise_authors(["Smith JA"]) == ("smith",)
    assert normalise_authors(["Li Bo"]) == ("li",)
    assert normalise_authors(["van der Berg A"]) != normalise_authors(["van der Meer A"])
    a = cite("medline", 1, authors=("van der Berg A",), **ARTICLE)
    b = cite("scopus", 2, authors=("van der Meer, A.",), pages="345-352", **ARTICLE)
    assert compare(prepare(a), prepare(b))[0] != "duplicate"


# -- titles ---------------------------------------------------------------------------------------


def test_comparison_signs_are_no_markup_and_entities_are_their_characters():
    raw = "Platelet counts <30 and >100 x 10(9)/L in adults with immune thrombocytopenia"
    escaped = "Platelet counts &lt;30 and &gt;100 x 10(9)/L in adults with immune thrombocytopenia"
    assert normalise_title(raw) == normalise_title(escaped)
    assert "30" in normalise_title(raw)
    # real markup still goes
    assert normalise_title("TNF-<i>alpha</i> in <sup>18</sup>F-FDG") == "tnf alpha in 18 f fdg"
    a = cite("pubmed", 1, raw, authors=("Smith, J. A.",), **ARTICLE)
    b = cite("embase", 2, escaped, authors=("Smith, J. A.",), pages="345-352", **ARTICLE)
    assert compare(prepare(a), prepare(b))[0] == "duplicate"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Platelet count below 30 x 10(9)/L in 120 adults", "Platelet count below 30 x 109/L in 120 adults"),
        ("Three-year outcomes of rituximab in 120 adults", "3-year outcomes of rituximab in 120 adults"),
        ("Twenty-four-hour platelet counts after rituximab in 120 adults",
         "24-hour platelet counts after rituximab in 120 adults"),
        ("A phase II trial of rituximab in 120 adults", "A phase 2 trial of rituximab in 120 adults"),
        ("A phase I/II trial of rituximab in 120 adults", "A phase 1/2 trial of rituximab in 120 adults"),
    ],
)  # fmt: skip
def test_one_number_written_another_way_is_no_other_number(one, other):
    tail = " with refractory immune thrombocytopenia"
    a = cite("medline", 1, one + tail, authors=("Smith, J. A.",), **ARTICLE)
    b = cite("embase", 2, other + tail, authors=("Smith, J. A.",), pages="345-352", **ARTICLE)
    assert compare(prepare(a), prepare(b))[0] == "duplicate"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("One-year outcomes of rituximab in adults", "Two-year outcomes of rituximab in adults"),
        ("Rituximab in adults: part II", "Rituximab in adults: part III"),
        ("A phase I trial of rituximab in adults", "A phase II trial of rituximab in adults"),
        ("A phase I/II trial of rituximab in adults", "A phase 1/3 trial of rituximab in adults"),
    ],
)
def test_numbers_in_words_or_numerals_still_tell_reports_apart(one, other):
    tail = " with refractory immune thrombocytopenia"
    a = cite("medline", 1, one + tail, authors=("Smith, J. A.",), **ARTICLE)
    b = cite("embase", 2, other + tail, authors=("Smith, J. A.",), **ARTICLE)
    assert compare(prepare(a), prepare(b))[2].startswith("different numbers")


@pytest.mark.parametrize(
    ("unicode", "ascii"),
    [
        ("CIN 2\u20133 in women aged 25\u201329 years", "CIN 2-3 in women aged 25-29 years"),  # en dash
        ("A phase 1\u20132 trial of rituximab in 120 adults", "A phase 1-2 trial of rituximab in 120 adults"),
        ("Platelet count below 30 \u00d7 10\u2079/L in 120 adults", "Platelet count below 30 x 10(9)/L in 120 adults"),
        ("Platelet count below 30\u00d710\u2079/L in 120 adults", "Platelet count below 30 x 10(9)/L in 120 adults"),
        ("Platelet count below 1\u00b75 x 10(9)/L in 120 adults", "Platelet count below 1.5 x 10(9)/L in 120 adults"),
        ("PM2\u00b75 exposure and platelet counts in 120 adults", "PM2.5 exposure and platelet counts in 120 adults"),
    ],
)  # fmt: skip
def test_a_separator_one_export_writes_in_unicode_is_the_one_another_writes_in_ascii(unicode, ascii):
    # Scopus and Web of Science keep the publisher's en dash, middle dot and multiplication sign where
    # MEDLINE writes "-", "." and "x": folded away, "2\u20133" read as "23", one number against two
    tail = " with refractory immune thrombocytopenia"
    a = cite("scopus", 1, unicode + tail, authors=("Smith, J. A.",), **ARTICLE)
    b = cite("medline", 2, ascii + tail, authors=("Smith JA",), pages="345-352", **ARTICLE)
    assert compare(prepare(a), prepare(b))[0] == "duplicate"
    assert linked([a, b], a.record_id, b.record_id)


def test_a_roman_numeral_only_counts_after_a_word_that_numbers():
    # "IV iron" is intravenous, not four: it never keeps an article from its other rendering
    assert prepare(cite("x", 1, "IV iron in 120 adults")).numbers == {"120"}
    assert prepare(cite("x", 1, "Stage IV disease in 120 adults")).numbers == {"4", "120"}


# -- journals -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("short", "full"),
    [
        ("BMJ", "British Medical Journal"),
        ("BMJ (Clinical research ed.)", "British Medical Journal"),  # MEDLINE's qualifier
        ("ANN NY ACAD SCI", "Annals of the New York Academy of Sciences"),
        ("JAMA", "Journal of the American Medical Association"),
        ("Proc Natl Acad Sci U S A", "Proceedings of the National Academy of Sciences of the United States of America"),
        ("Jpn J Clin Oncol", "Japanese Journal of Clinical Oncology"),
        ("Dtsch Med Wochenschr", "Deutsche Medizinische Wochenschrift"),
        ("J Paediatr Haematol Oncol", "Journal of Pediatric Hematology/Oncology"),
        ("Euro Jour Gyna Onco", "European Journal of Gynaecological Oncology"),  # cut inside "ae"
        ("Jthoraccardiovascsurg", "Journal of Thoracic & Cardiovascular Surgery"),
        # ISO 4 writes a word's start out and contracts the rest ("Geneeskd" geneeskunde)
        ("Ned Tijdschr Geneeskd", "Nederlands Tijdschrift voor Geneeskunde"),
        ("Geburtshilfe Frauenheilkd", "Geburtshilfe und Frauenheilkunde"),
        ("Klin Monbl Augenheilkd", "Klinische Monatsblätter für Augenheilkunde"),
    ],
)  # fmt: skip
def test_a_journal_name_abbreviated_by_acronym_contraction_or_spelling_is_one_journal(short, full):
    a = cite("medline", 1, authors=("Smith, J. A.",), **{**ARTICLE, "journal": short})
    b = cite("embase", 2, authors=("Smith, J. A.",), pages="345-352", **{**ARTICLE, "journal": full})
    assert compare(prepare(a), prepare(b))[0] == "duplicate"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("BMJ", "Blood"),
        ("JAMA", "Journal of the American College of Cardiology"),
        ("Ann Hematol", "Annals of Neurology"),
        ("Natl Med J India", "Nature Medicine"),
        ("Jthoraconcol", "Journal of Thoracic and Cardiovascular Surgery"),
    ],
)
def test_other_journals_stay_other_journals(one, other):
    assert not _journal_compatible(prepare(cite("x", 1, journal=one)).journal,
                                   prepare(cite("x", 2, journal=other)).journal)  # fmt: skip


# -- the place ------------------------------------------------------------------------------------

PLACE = dict(year=1989, volume="37", pages="477-480", authors=("Regnard, J. F.", "Libert, J. M."))


def test_the_place_and_first_author_identify_an_article_whatever_its_journal_is_called():
    # a national journal under its own name and its English one, the title with a subtitle added
    national, english = "Revista Brasileira de Fisioterapia", "Brazilian Journal of Physical Therapy"
    a = cite("medline", 1, "Antibiotic prophylaxis in thoracic surgery", journal=national, **PLACE)
    b = cite("embase", 2, "Antibiotic prophylaxis in thoracic surgery: a controlled study", journal=english,
             **PLACE)  # fmt: skip
    assert compare(prepare(a), prepare(b))[0] == "duplicate"
    # the English title with the original appended ("...; Profilaxia antibiotica ...")
    appended = cite("lilacs", 5, a.title + "; Profilaxia antibiotica e antisseptica em cirurgia toracica: estudo",
                    journal=english, **PLACE)  # fmt: skip
    assert compare(prepare(a), prepare(appended))[0] == "duplicate"
    # another first page, or another first author, and the journal names keep them apart again
    moved = cite("embase", 3, b.title, journal=english, **{**PLACE, "pages": "481-484"})
    assert compare(prepare(a), prepare(moved))[0] != "duplicate"
    other = cite("embase", 4, b.title, journal=english, **{**PLACE, "authors": ("Libert, J. M.",)})
    assert compare(prepare(a), prepare(other))[0] != "duplicate"


def test_a_number_typo_in_the_title_at_one_place_is_one_article():
    place = dict(journal="International Journal of Gynecological Cancer", **PLACE)
    a = cite("embase", 1, "p6INK4a expression does not predict the outcome of CIN grade 2", **place)
    b = cite("medline", 2, "p16(INK4a) expression does not predict the outcome of CIN grade 2", **place)
    assert compare(prepare(a), prepare(b))[0] == "duplicate"
    # without the page span, a different number is another article
    c = cite("medline", 3, b.title, **{**place, "pages": ""})
    assert compare(prepare(a), prepare(c))[2].startswith("different numbers")


def test_an_epub_year_beside_the_print_year_links_on_the_same_page_span():
    a = cite("medline", 1, authors=("Smith, J. A.",), pages="345-352", journal="Br J Haematol", year=2014)
    b = cite("embase", 2, authors=("Smith, J. A.",), pages="345-352", journal="British Journal of Haematology",
             year=2015)  # fmt: skip
    assert compare(prepare(a), prepare(b))[0] == "duplicate"
    # a single page is no span: an abstract the year before at the same page number is asked about
    c = cite("embase", 3, authors=("Smith, J. A.",), pages="345", journal="British Journal of Haematology",
             year=2015)  # fmt: skip
    d = cite("medline", 4, authors=("Smith, J. A.",), pages="345", journal="Br J Haematol", year=2014)
    assert compare(prepare(c), prepare(d))[0] != "duplicate"


@pytest.mark.parametrize(
    ("pages", "span"),
    [
        ('"233-8, 230-5, 246-51"', ("230", "235")),  # quoted by the export, an article in three parts:
        ("233-238+230-235+246-251", ("230", "235")),  # the part that starts lowest, whatever the order
        ("230-5, 246-51, 233-8", ("230", "235")),
        ("1012-9; discussion 1020-1", ("1012", "1019")),
        ("[E1234]", ("e1234", "e1234")),
        ("A1234 [Poster #G123]", ("a1234", "a1234")),
        ("pp. 345-352", ("345", "352")),
        ("P12", ("p12", "p12")),  # an abstract's number, not "p." for page
    ],
)
def test_pages_an_export_quoted_annotated_or_gave_in_several_ranges(pages, span):
    assert page_range(pages) == span


def test_an_article_printed_in_parts_is_one_article_however_its_pages_are_listed():
    place = dict(
        journal="Arquivos Brasileiros de Cardiologia", year=2010, volume="94", authors=("Ferreira, G. M.",)
    )
    a = cite("embase", 1, "Incentive spirometry with expiratory positive airway pressure after revascularization",
             pages="233-238+230-235+246-251", **place)  # fmt: skip
    # the translated title in brackets, the original after it: the titles agree only in part
    b = cite("medline", 2, "[Incentive spirometry with expiratory positive airway pressure after revascularization] "
             "TO: Espirometria incentivada con presion positiva espiratoria despues de revascularizacion",
             pages='"233-8, 230-5, 246-51"', **place)  # fmt: skip
    assert linked([a, b], "embase:1", "medline:2")
    # another export lists the parts in another order: the same article
    c = cite("medline", 3, "[Incentive spirometry with expiratory positive airway pressure after revascularization]",
             pages='"230-5, 246-51, 233-8"', **place)  # fmt: skip
    assert linked([a, c], "embase:1", "medline:3")


def test_one_digit_more_is_a_typo_only_at_one_place_and_another_number_never():
    place = dict(journal="International Journal of Gynecological Cancer", **PLACE)
    a = cite("embase", 1, "Cytology and HPV testing at 3 years: part 1", **place)
    b = cite("medline", 2, "Cytology and HPV testing at 3 years: part 2", **place)
    assert compare(prepare(a), prepare(b))[2].startswith("different numbers")


def test_a_reworded_title_followed_by_its_original_links_at_one_place_by_one_first_author():
    english = "Antibiotic and antiseptic prophylaxis in thoracic surgery. Controlled study"
    both = ("Antibiotic and antiseptic prophylaxis in thoracic surgery. A randomized study. <ORIGINAL> "
            "PROPHYLAXIE ANTIBIOTIQUE ET ANTISEPTIQUE EN CHIRURGIE THORACIQUE. ETUDE CONTROLEE")  # fmt: skip
    a = cite("medline", 1, english, journal="Pathologie Biologie", **PLACE)
    b = cite("embase", 2, both, journal="Pathol Biol", **PLACE)
    assert compare(prepare(a), prepare(b))[0] == "duplicate"
    # the same opening elsewhere in the journal is another article
    c = cite("embase", 3, both, journal="Pathol Biol", **{**PLACE, "pages": "481-484"})
    assert compare(prepare(a), prepare(c))[0] != "duplicate"


def test_a_recurring_title_inside_a_longer_one_links_at_its_own_place():
    # a short review title borne by articles at other places names none of them; a rendering that puts
    # the journal's section in front ("MEDICAL PROGRESS") is still the article at the same place
    place = dict(journal="New England Journal of Medicine", year=2009, volume="361", issue="17",
                 pages="1676-1687", authors=("Noris, M.", "Remuzzi, G."))  # fmt: skip
    title = "Atypical hemolytic-uremic syndrome"
    others = [cite("wos", i, title, journal="Pediatr Nephrol", year=2000 + i, volume=str(i), pages=f"{i}1-{i}9",
                   authors=("Loirat, C.",)) for i in (1, 2)]  # fmt: skip
    article = cite("medline", 3, title, **place)
    section = cite("embase", 4, "MEDICAL PROGRESS " + title, **place)
    records = [*others, article, section]
    assert linked(records, article.record_id, section.record_id)
    assert not linked(records, others[0].record_id, section.record_id)


def test_a_number_word_in_a_translation_is_no_other_number():
    # MEDLINE gives the English translation, Embase the original with the translation in brackets:
    # "one" is a number in English only, the digits are the same in both languages
    english = "[One-year outcomes of rituximab in 120 adults with refractory immune thrombocytopenia]"
    original = (
        "Einjahresergebnisse von Rituximab bei 120 Erwachsenen mit refraktarer Immunthrombozytopenie "
        "[One-year outcomes of rituximab in 120 adults with refractory immune thrombocytopenia]"
    )
    place = dict(journal="Dtsch Med Wochenschr", year=2015, volume="140", authors=("Schmidt, K.",))
    a = cite("medline", 1, english, **place)
    b = cite("embase", 2, original, pages="345-352", **place)
    assert compare(prepare(a), prepare(b))[0] == "duplicate"


def test_an_ahead_of_print_record_a_year_before_its_print_is_one_article():
    # MEDLINE's epub-ahead-of-print record: the year it went online, no volume, issue or pages yet
    title = "Oral anticoagulation after intracranial haemorrhage in older adults: a registry-based cohort"
    team = ("Lindahl, K.", "Osei, B. A.", "Marchetti, F.", "Yoon, S.-H.")
    epub = cite("medline", 1, title + ".", authors=("Lindahl K", "Osei BA", "Marchetti F", "Yoon SH"),
                journal="Age Ageing", year=2021)  # fmt: skip
    printed = cite("embase", 2, title, authors=team, journal="Age and Ageing", year=2022, volume="51",
                   issue="2", pages="afab231")  # fmt: skip
    spanned = cite("wos", 3, title.upper(), authors=team[:2], journal="AGE AND AGEING", year=2022,
                   volume="51", issue="2", pages="112-120")  # fmt: skip
    assert compare(prepare(epub), prepare(printed))[0] == "duplicate"
    assert compare(prepare(epub), prepare(spanned))[0] == "duplicate"
    # the print's year before its online record is no epub year: asked about, not linked
    late = cite("medline", 4, title + ".", authors=epub.authors, journal="Age Ageing", year=2023)
    assert compare(prepare(late), prepare(printed))[0] != "duplicate"
    # the first author alone is no team: a namesake's record in the same journal is asked about
    alone = cite("medline", 5, title + ".", authors=("Lindahl K",), journal="Age Ageing", year=2021)
    assert compare(prepare(alone), prepare(printed))[0] != "duplicate"


def test_an_online_first_record_by_a_namesake_first_author_is_not_the_printed_article():
    # online first, then in print: with no place on one record, the title and the team are all the
    # evidence, so first authors whose given names disagree are two people (a cohort's second paper)
    title = "Sleep duration and blood pressure in adolescents: the Tromsø Fit Futures cohort"
    printed = cite("scopus", 1, title, authors=("Berntsen, Ingrid", "Haugen, Ola", "Mbeki, Thandiwe"),
                   journal="Journal of Hypertension", year=2020, volume="38", issue="6",
                   pages="1102-1110")  # fmt: skip
    same = cite("medline", 2, title + ".", authors=("Berntsen I", "Haugen O", "Mbeki T"),
                journal="J Hypertens", year=2019)  # fmt: skip
    assert compare(prepare(same), prepare(printed))[0] == "duplicate"
    namesake = cite("embase", 3, title, authors=("Berntsen, Magnus", "Haugen, Ola", "Mbeki, Thandiwe"),
                    journal="Journal of Hypertension", year=2019)  # fmt: skip
    assert compare(prepare(namesake), prepare(printed))[0] != "duplicate"


@pytest.mark.parametrize(
    ("iso", "full"),
    [
        ("Dtsch Arztebl Int", "DEUTSCHES ARZTEBLATT INTERNATIONAL"),  # as many words in both names
        ("Ned Tijdschr Geneeskd", "Nederlands Tijdschrift voor Geneeskunde"),
        ("Scand J Prim Health Care", "Scandinavian Journal of Primary Health Care"),
    ],
)
def test_a_journal_abbreviation_is_one_journal_whichever_record_comes_first(iso, full):
    assert _journal_compatible(normalise_journal(full), normalise_journal(iso))
    title = "Telephone triage of acute abdominal pain in out-of-hours general practice: a cohort study"
    team = ("Brandt, H.", "Okonkwo, C.", "Lefebvre, A.")
    printed = cite("wos", 1, title.upper(), authors=team, journal=full, year=2018, volume="115", issue="3",
                   pages="41")  # fmt: skip
    medline = cite("medline", 2, title + ".", authors=("Brandt H", "Okonkwo C", "Lefebvre A"), journal=iso,
                   year=2018)  # fmt: skip
    assert compare(prepare(printed), prepare(medline))[0] == "duplicate"
    assert compare(prepare(medline), prepare(printed))[0] == "duplicate"


def test_one_doi_at_one_place_by_one_team_is_one_article_in_either_language():
    # SciELO gives the Portuguese original alone, MEDLINE the bracketed English translation: the titles
    # share no words, but the DOI, year, volume, page span and team are one article's
    place = dict(journal="Revista de Saude Coletiva", year=2014, volume="48", pages="211-219",
                 doi="10.1590/S0034-8910.2014048004871")  # fmt: skip
    medline = cite("medline", 1, "[Prevalence of self-reported hypertension among quilombola adults in Bahia]",
                   authors=("Bezerra VM", "Andrade AC", "Cesar CC"), **place)  # fmt: skip
    scielo = cite("scielo", 2, "Prevalência de hipertensão autorreferida em adultos quilombolas na Bahia",
                  authors=("Bezerra, Vanessa Moraes", "Andrade, Amanda Cristina", "César, Cibele Comini"),
                  **place)  # fmt: skip
    assert compare(prepare(medline), prepare(scielo))[0] == "duplicate"
    # one DOI on two items of another team, or elsewhere in the volume: still not linked by the DOI
    other_team = cite("scielo", 3, scielo.title, authors=("Bezerra, V. M.", "Lima, R.", "Souza, T."), **place)
    assert compare(prepare(medline), prepare(other_team))[0] != "duplicate"
    elsewhere = cite("scielo", 4, scielo.title, authors=scielo.authors, **{**place, "pages": "301-309"})
    assert compare(prepare(medline), prepare(elsewhere))[0] != "duplicate"


def test_a_title_in_another_language_links_at_one_place_in_one_journal_by_one_team():
    # MEDLINE's bracketed English translation against LILACS's Spanish original, no DOI on either: the
    # titles share almost no words, the journal's issue, volume and page span and the team are one article's
    place = dict(year=2011, volume="139", issue="8", pages="1021-1028")
    medline = cite("medline", 1, "[Adherence to antihypertensive treatment among older adults in southern Chile]",
                   journal="Rev Med Chil", authors=("Varela LM", "Ortiz RA", "Pino P"), **place)  # fmt: skip
    lilacs = cite("lilacs", 2, "Adherencia al tratamiento antihipertensivo en adultos mayores del sur de Chile",
                  journal="Revista Médica de Chile", authors=("Varela, Luis M.", "Ortiz, Rocío A.", "Pino, Pedro"),
                  **place)  # fmt: skip
    assert compare(prepare(medline), prepare(lilacs))[0] == "duplicate"
    # the same place in another issue, or by a namesake with other co-authors, is another article
    other_issue = cite("lilacs", 3, lilacs.title, journal=lilacs.journal, authors=lilacs.authors,
                       **{**place, "issue": "9"})  # fmt: skip
    namesake = cite("lilacs", 4, "Calidad de vida en cuidadores de pacientes con demencia",
                    journal=lilacs.journal, authors=("Varela, L.", "Soto, M.", "Rojas, F."), **place)  # fmt: skip
    assert compare(prepare(medline), prepare(other_issue))[0] != "duplicate"
    assert compare(prepare(medline), prepare(namesake))[0] != "duplicate"


def test_a_review_title_its_update_shares_links_the_pageless_record_of_one_year_and_team():
    # the 2014 review and its 2019 update bear one short title, so the title names no single item; MEDLINE's
    # 2019 record without volume or page is still the update: same year, journal, first author and co-authors
    title = "Heat therapy for tendinopathy"
    team = ("Okonkwo, Adaeze", "Lindberg, Hanna", "Reyes, Tomas")
    first = cite("cdsr", 1, title, journal="Cochrane Database of Systematic Reviews", year=2014, volume="3",
                 pages="CD010987", authors=team[:2], doi="10.1002/14651858.CD010987")  # fmt: skip
    update = cite("cdsr", 2, title, journal="Cochrane Database of Systematic Reviews", year=2019, volume="7",
                  pages="CD010987", authors=team, doi="10.1002/14651858.CD010987.pub2")  # fmt: skip
    medline = cite("medline", 3, title + ".", journal="Cochrane Database Syst Rev", year=2019,
                   authors=("Okonkwo A", "Lindberg H", "Reyes T"))  # fmt: skip
    records = [first, update, medline]
    assert linked(records, "cdsr:2", "medline:3")
    assert not linked(records, "cdsr:1", "medline:3")
    # another team's review of that title in that year, or the same team's two items in one year: no link
    other = cite("medline", 4, title + ".", journal="Cochrane Database Syst Rev", year=2019,
                 authors=("Okonkwo A", "Mbeki S", "Harlow J"))  # fmt: skip
    assert not linked([*records, other], "cdsr:2", "medline:4")
    second = cite("cdsr", 5, title, journal="Cochrane Database of Systematic Reviews", year=2019, volume="11",
                  pages="CD010987", authors=team, doi="10.1002/14651858.CD010987.pub3")  # fmt: skip
    assert not linked([*records, second], "cdsr:2", "medline:3")
    assert not linked([*records, second], "cdsr:5", "medline:3")


# -- a journal column rendered twice ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "pages"),
    [
        ("In this issue", ("", "")),
        ("Acknowledgement of reviewers", ("iii", "iii")),  # a Roman page is no page to compare
        ("From the editors' corner", ("", "")),
    ],
)
def test_one_column_of_one_issue_links_by_its_journal_year_volume_issue_and_editor(title, pages):
    issue = dict(year=2022, volume="8", issue="2")
    medline = cite("medline", 1, f"{title}.", journal="J Rural Midwifery", authors=("Oyelaran, T",),
                   pages=pages[0], doi="10.5555/jrm.2022.0802", **issue)  # fmt: skip
    wos = cite("wos", 2, title.upper(), journal="JOURNAL OF RURAL MIDWIFERY", authors=("OYELARAN, T",),
               pages=pages[1], **issue)  # fmt: skip
    later = cite("wos", 3, title.upper(), journal="JOURNAL OF RURAL MIDWIFERY", authors=("OYELARAN, T",),
                 year=2022, volume="8", issue="5")  # fmt: skip
    records = [medline, wos, later]
    assert linked(records, "medline:1", "wos:2")
    assert not linked(records, "medline:1", "wos:3")
    # the same issue's column by no named editor, or another editor, is not known to be one item
    for authors in ((), ("Lindqvist, M",)):
        other = cite("scopus", 4, title, journal="J Rural Midwifery", authors=authors, **issue)
        assert compare(prepare(other), prepare(wos))[0] != "duplicate"


# -- names whose family and given parts an export swapped ----------------------------------------


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (("Ji-Woo, Park",), ("Park, Ji-Woo",)),  # a hyphenated given name taken for the surname
        (("Ji-Woo, Park",), ("Park JW",)),  # MEDLINE's initials run together
        (("Sofía, Herrera", "Tomasz, Nowak", "Amara, Diallo"), ("HERRERA, S", "NOWAK, T", "DIALLO, A")),
        (("Katsaros Eleni", "Ndlovu Sipho"), ("Katsaros, E.", "Ndlovu, S.")),  # Zotero, family name first
        (("Zhou, M",), ("Zhou Mingyu",)),  # an East Asian name, family name first, read given-first
        (("Pham, M. A.",), ("Minh Anh, P",)),  # a Vietnamese name swapped, the family name as an initial
        (("Pham, M. A.",), ("Minh Anh, Pham",)),
    ],
)
def test_one_first_author_whose_family_and_given_names_an_export_swapped(one, other):
    title = "Community paramedic visits after discharge for heart failure in rural districts: a cohort study"
    place = dict(journal="Journal of Rural Cardiology", year=2021, volume="14", issue="3", pages="211-219",
                 doi="10.5555/jrc.2021.0311")  # fmt: skip
    a = cite("scopus", 1, title, authors=one, **place)
    b = cite("medline", 2, title, authors=other, **place)
    assert compare(prepare(a), prepare(b))[0] == "duplicate"
    assert linked([a, b], "scopus:1", "medline:2")
    assert compare(prepare(b), prepare(a))[0] == "duplicate"  # whichever comes first


@pytest.mark.parametrize(
    ("cut", "whole"),
    [
        ("Salgado M.R.", "Rodríguez Salgado, María"),  # Embase: the second surname, the first an initial
        ("Salgado MR", "Rodríguez-Salgado, María"),  # MEDLINE, the LILACS name hyphenated
        ("Lopes, J. C. F.", "Ferreira Lopes, João Carlos"),  # a Portuguese name by its last surname
        ("Lopes JC", "Ferreira Lopes, João Carlos"),  # the first surname left out altogether
        ("Rodriguez, M. S.", "Rodríguez Salgado, María"),  # by the first surname, the second an initial
    ],
)
def test_a_double_surname_cut_to_one_part_is_still_the_first_author(cut, whole):
    # under one DOI, and at one place with the title in Spanish in one export and English in the other
    doi = dict(journal="Revista de Fisioterapia Comunitaria", year=2018, volume="12", issue="2", pages="88-97",
               doi="10.5555/rfc.2018.0088")  # fmt: skip
    title = "Home-based exercise after hip fracture among older women in Valparaíso: a cohort study"
    scopus = cite("scopus", 1, title, authors=(cut, "Tapia, C."), **doi)
    ebsco = cite("ebsco", 2, title, authors=(whole, "Tapia, Camila"), **doi)
    assert compare(prepare(scopus), prepare(ebsco)) == ("duplicate", 1.0, "exact-doi")
    place = {k: v for k, v in doi.items() if k != "doi"}
    spanish = (
        "Ejercicio domiciliario tras fractura de cadera en mujeres mayores de Valparaíso: estudio de cohorte"
    )
    medline = cite("medline", 3, f"[{title}].", authors=(cut, "Tapia C"), **place)
    lilacs = cite("lilacs", 4, spanish, authors=(whole, "Tapia, Camila"), **place)
    assert linked([medline, lilacs], "medline:3", "lilacs:4")


# -- a title cut short ---------------------------------------------------------------------------


@pytest.mark.parametrize("cut", ["Hand hygiene coaching for carers of children with type 1 d…",
                                 "Hand hygiene coaching for carers of children with type 1 diab...",
                                 "Hand hygiene coaching for carers of children with type 1 diabetes: a clus…"])  # fmt: skip
def test_a_title_cut_mid_word_with_an_ellipsis_links_by_its_place_and_article_number(cut):
    title = "Hand hygiene coaching for carers of children with type 1 diabetes: a cluster randomised trial"
    place = dict(year=2023, volume="31", issue="2", authors=("Mwangi, G",))
    scopus = cite("scopus", 1, cut, journal="PAEDIATRIC NURSING PRACTICE", pages="41172",
                  doi="10.5555/pnp.2023.41172", **place)  # fmt: skip
    medline = cite("medline", 2, title, journal="Paediatr Nurs Pract", pages="e41172", **place)
    assert compare(prepare(scopus), prepare(medline))[0] == "duplicate"
    assert linked([scopus, medline], "scopus:1", "medline:2")
    # another article number is another article
    other = cite("medline", 3, title, journal="Paediatr Nurs Pract", pages="e41178", **place)
    assert not linked([scopus, other], "scopus:1", "medline:3")


@pytest.mark.parametrize(
    ("cut", "sibling"),
    [
        ("Prevalence of anaemia among pregnant women attending antenatal care in the Amhara region: a "
         "cross-sectional study in Gondar…",
         "Prevalence of anaemia among pregnant women attending antenatal care in the Amhara region: a "
         "cross-sectional study in Bahir Dar"),
        ("Long-term outcomes of nucleos(t)ide analogue therapy in children with chronic hepatitis B...",
         "Long-term outcomes of nucleos(t)ide analogue therapy in children with chronic hepatitis C"),
        ("Effect of community health worker visits on blood pressure control: the HEART trial in women…",
         "Effect of community health worker visits on blood pressure control: the HEART trial in men"),
    ],
)  # fmt: skip
def test_a_title_cut_after_a_word_its_companion_does_not_go_on_with_is_another_article(cut, sibling):
    # one team's companion reports in one journal and year; the cut record has no place yet. The word
    # before the ellipsis may be cut, but it still begins the title's next word
    team = dict(journal="BMC Public Health", year=2021, volume="21", authors=("Tesfaye, G", "Alemu, K"))
    scopus = cite("scopus", 1, cut, **team)
    medline = cite("medline", 2, sibling, pages="1187", issue="3", **team)
    assert compare(prepare(scopus), prepare(medline))[0] != "duplicate"
    assert not linked([scopus, medline], "scopus:1", "medline:2")
    # the article itself, from a database that spells it otherwise, is still found
    whole = cut.rstrip(".…").replace("anaemia", "anemia")
    assert linked([scopus, cite("medline", 3, whole, pages="88", **team)], "scopus:1", "medline:3")


# -- an online-only article: CINAHL's "1-1" ---------------------------------------------------------


@pytest.mark.parametrize("number", ["203117", "Article number 203117", "e203117"])
def test_cinahls_page_one_placeholder_is_no_page_against_an_article_number(number):
    # CINAHL writes "1-1" for an article without pages; Scopus and Web of Science give its article number
    title = "Peer mentoring for newly qualified midwives in rural maternity units: a qualitative study"
    place = dict(journal="Journal of Rural Midwifery", year=2019, volume="12", issue="4",
                 authors=("Okonkwo, Adaeze", "Lindgren, Per"), doi="10.5555/jrm.2019.203117")  # fmt: skip
    cinahl = cite("cinahl", 1, title, pages="1-1", **place)
    scopus = cite("scopus", 2, title, pages=number, **place)
    assert compare(prepare(cinahl), prepare(scopus))[0] == "duplicate"
    assert linked([cinahl, scopus], "cinahl:1", "scopus:2")


# -- Google Scholar: title and journal cut with "…", authors initials first, no place -------------------


SCHOLAR_WHOLE = [
    ("Caregiver strain and unmet respite needs in families of children with Duchenne muscular dystrophy",
     "Caregiver strain and unmet respite needs in families of children with Duche …"),
    # a superscript written another way before the cut, a number after it
    ("TRPM7 drives Ca(2+)-dependent migration of glioma cells at 37 degrees C",
     "TRPM7 drives Ca²⁺-dependent migration of glioma ce …"),
    ("Trends in school meal salt content in Welsh local authorities, 2008-2019: a joinpoint analysis",
     "Trends in school meal salt content in Welsh local authorities, 200 …"),
]  # fmt: skip


@pytest.mark.parametrize(("whole", "cut"), SCHOLAR_WHOLE)
def test_a_google_scholar_record_cut_with_an_ellipsis_is_the_whole_articles(whole, cut):
    scopus = cite("scopus", 1, whole, journal="Child and Family Nursing Research", year=2019, volume="27",
                  issue="2", pages="118-127", doi="10.5555/cfnr.2019.118",
                  authors=("Nyambura, W.", "Castellanos, R.", "Oyelaran, T.", "Hakobyan, A."))  # fmt: skip
    scholar = cite("scholar", 2, cut, journal="Child and Family Nursing …", year=2019,
                   authors=("W Nyambura, R Castellanos, T Oyelaran…",))  # fmt: skip
    assert compare(prepare(scopus), prepare(scholar))[0] == "duplicate"
    assert linked([scopus, scholar], "scopus:1", "scholar:2")


def test_google_scholars_author_list_in_one_field_is_read_name_by_name():
    # "JH Lee" is Lee with initials JH, not a surname "JH"; the list's "…" is no letter of the last name
    record = cite("scholar", 1, TITLE, authors=("JH Lee, W Nyambura, R Castellanos…",))
    assert prepare(record).authors == ("lee", "nyambura", "castellanos")
    assert prepare(cite("wos", 2, TITLE, authors=("Lee, JH",))).authors == ("lee",)


# -- one abstract in a journal supplement: Scopus "SUPPL. 1", Web of Science's bare "1" -----------------


def test_one_supplement_abstract_whose_issue_web_of_science_gives_without_suppl():
    # the title recurs (the team's abstract at the next congress): the place must identify the abstract
    title = "Seroprevalence of Bartonella henselae in shelter cats in the Atlantic provinces"
    team = dict(journal="Companion Animal Medicine", year=2021, volume="18",
                authors=("Moreau, C.", "Abebe, S.", "Okafor, N."))  # fmt: skip
    scopus = cite("scopus", 1, title, issue="SUPPL. 1", pages="S88-S89", **team)
    wos = cite("wos", 2, title.upper(), issue="1", pages="S88", **team)
    a, b = prepare(scopus), prepare(wos)
    assert compare(a, b, generic={a.title})[0] == "duplicate"


# -- a report: the organisation as author in one export, its named authors in another -------------------


def test_a_report_with_its_organisation_as_author_is_the_report_with_named_authors():
    title = "Rabies post-exposure prophylaxis in the northern districts: annual monitoring report 2017"
    org = "Institute for Zoonosis Surveillance and Control"
    named = cite("catalogue", 1, title, year=2018, journal=org, authors=("Halvorsen, T.", "Amadi, C."))
    as_org = cite("repository", 2, title, year=2018, journal=org, authors=(org,))
    assert compare(prepare(named), prepare(as_org))[0] == "duplicate"
    assert linked([named, as_org], "catalogue:1", "repository:2")


GREY = "Rabies post-exposure prophylaxis in the Andean region: a situation analysis"
ZOONOSES = "Pan American Zoonoses Office"


def report(source, i, title=GREY, kind="report", **kw):
    return Citation(
        record_id=f"{source}:{i}", source=source, native_id=str(i), title=title, record_type=kind, **kw
    )


@pytest.mark.parametrize(
    ("other", "why"),
    [
        (dict(kind="journal-article", year=2019, journal=f"{ZOONOSES}, Buenos Aires", authors=("Anonymous",),
              pages="xii + 84 pp."), "a catalogue: the office and its city, no author, the page count"),
        (dict(year=2019, journal="Buenos Aires; PANAFTOSA; 2019. 84 p.", authors=(ZOONOSES,), pages="84 p."),
         "an index's imprint: place, acronym, year and pages"),
        (dict(kind="journal-article", year=2020, journal=f"{ZOONOSES}, Buenos Aires", authors=("Anonymous",),
              pages="84p."), "a catalogue dating it a year late, the page count another catalogue gives"),
        (dict(kind="journal-article", year=2019, journal=f"Buenos Aires: {ZOONOSES}", issue="PAZO/RAB/2019.3",
              authors=(f"{ZOONOSES} (PAZO)",)), "a web page: the office and its acronym as author, the number"),
    ],
)  # fmt: skip
def test_one_report_from_its_repository_a_catalogue_an_index_and_a_web_page(other, why):
    # the report's repository (typed a report, its number, the office as author and publisher) and a
    # catalogue (typed anything, the office and its city, no author, the page count); no DOI, no place
    repository = report("iris", 1, year=2019, journal=f"Pan American Health Organization. {ZOONOSES}",
                        issue="PAZO/RAB/2019.3", authors=(ZOONOSES,))  # fmt: skip
    catalogue = report("cabi", 2, kind="journal-article", year=2019, journal=f"{ZOONOSES}, Buenos Aires",
                       authors=("Anonymous",), pages="x + 84 pp.")  # fmt: skip
    kind = other.pop("kind", "report")
    record = report("other", 3, kind=kind, **other)
    assert linked([repository, catalogue, record], "iris:1", "other:3"), why


def test_one_report_by_its_team_or_its_ministry_however_each_export_orders_the_name():
    team = ("Quispe Huamán, Rosa", "Valdez, Jorge")
    title = "Rabies in dogs in Cusco: surveillance guidance"
    web = report("web", 1, title, kind="journal-article", year=2021, journal="New York: United Nations Children's Fund",
                 issue="UNICEF/ZOO/2021.2", authors=team)  # fmt: skip
    repository = report(
        "iris", 2, title, year=2021, journal="UNICEF", issue="UNICEF/ZOO/2021.2", authors=team
    )
    assert compare(prepare(web), prepare(repository))[0] == "duplicate"
    title = "Guía técnica para la vigilancia de la rabia canina"
    lilacs = report("lilacs", 3, title, year=2016, journal="Lima; MINSA; 2016. 62 p.",
                    authors=("Perú. Ministerio de Salud",), pages="62 p.")  # fmt: skip
    ministry = report("web", 4, title, kind="journal-article", year=2016, journal="Lima: Ministerio de Salud del Perú",
                      issue="MINSA/DGSP/2016.7", authors=("Ministerio de Salud del Perú",))  # fmt: skip
    assert compare(prepare(lilacs), prepare(ministry))[0] == "duplicate"


def test_pubmeds_csv_author_field_is_read_name_by_name():
    # PubMed's "Save as CSV" gives every author in one field, "Surname Initials" names between commas;
    # the same article from Scopus: one link, read as one first author (not "Liu B, Patel J, ..." whole)
    place = dict(year=2023, volume="33", issue="5", doi="10.5555/cmt.2023.73868", journal="Cancer Med Ther")
    pubmed = cite("pubmed", 1, authors=("Liu B, Patel J, Park E, O'Brien C",), pages="2143-", **place)
    scopus = cite("scopus", 2, authors=("Liu B.", "Patel J.", "Park E.", "O'Brien C."), pages="2143", **place)
    assert prepare(pubmed).authors[:2] == prepare(scopus).authors[:2] == ("liu", "patel")
    assert compare(prepare(pubmed), prepare(scopus))[0] == "duplicate"
    # one name with a comma stays one name
    assert prepare(cite("wos", 3, authors=("Kaya, Emre",), **place)).authors == ("kaya",)


def test_a_trial_group_credited_by_one_database_is_no_other_first_author_under_one_doi():
    # one database credits the article to the trial group, another names its writers: one DOI, one title
    place = dict(year=2017, volume="29", issue="6", doi="10.5555/gort.2017.14577", pages="351-362",
                 journal="Gynaecologic Oncology Reports and Trials")  # fmt: skip
    title = "Efficacy and safety of a new kinase inhibitor in HER2-positive early breast cancer"
    named = cite("medline", 1, title, authors=("Bianchi, R.", "Kim, J."), **place)
    for group in ("CASPIAN-11 Study Group", "ZENITH-05 Trial Investigators", "NOVA Collaborative Group"):
        credited = cite("embase", 2, title, authors=(group,), **place)
        assert compare(prepare(named), prepare(credited))[0] == "duplicate", group
    # two people under one DOI are still two first authors: a reviewer decides
    other = cite("embase", 3, title, authors=("Okafor, C.",), **place)
    assert compare(prepare(named), prepare(other))[0] != "duplicate"


MAIN = "Worker voice in app-based delivery platforms"
SUBTITLE = MAIN + ": evidence from a three-city survey of couriers"
TEAM = ("Okonkwo, Chidi", "Lindgren, Sofia", "Haddad, Rami")
ISSUE = dict(journal="New Technology, Work and Employment", volume="38", issue="2")


@pytest.mark.parametrize(
    ("one", "other"),
    [
        # no DOI on the record without a subtitle, the same pages
        (dict(year=2023, pages="211-229"), dict(year=2023, pages="211-29", doi="10.5555/ntwe.12261")),
        # CENTRAL's "no pagination" against the page span
        (dict(year=2023, pages="no pagination"), dict(year=2023, pages="211-229")),
        # online first dated the year before, on the same pages
        (dict(year=2022, pages="211-229"), dict(year=2023, pages="211-229", doi="10.5555/ntwe.12261")),
    ],
)
def test_a_subtitle_one_export_dropped_links_in_one_issue_by_one_team(one, other):
    short = cite("scopus", 1, MAIN, authors=TEAM, **ISSUE, **one)
    full = cite("wos", 2, SUBTITLE.upper(), authors=tuple(a.upper() for a in TEAM), **{**ISSUE, **other})
    assert compare(prepare(short), prepare(full))[0] == "duplicate"
    assert linked([short, full], "scopus:1", "wos:2")


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (dict(volume="40", year=2025), "the trial's follow-up two years on keeps its main title"),
        (dict(issue="4"), "another issue of the volume"),
        (dict(pages="no pagination", year=2022), "a year apart and no page to say one place"),
        (dict(pages="301-305"), "other pages in the issue"),
        (dict(pages=""), "an empty pages field says nothing: the team's companion paper in the issue"),
        (dict(authors=("Brennan, Aoife", "Lindgren, Sofia")), "another first author"),
        (dict(authors=(TEAM[0], "Moreau, Celine", "Vogel, Jonas")), "one name, another team"),
        (dict(journal="Work, Employment and Society"), "another journal"),
        (dict(title=MAIN + ": Part 2"), "the second part of a series"),
    ],
)
def test_a_title_that_goes_on_is_another_item_unless_issue_and_team_agree(change, why):
    short = cite("scopus", 1, MAIN, authors=TEAM, year=2023, pages="211-229", **ISSUE)
    fields = dict(title=SUBTITLE, authors=TEAM, year=2023, pages="no pagination", **ISSUE) | change
    other = cite("wos", 2, **fields)
    assert compare(prepare(short), prepare(other))[0] != "duplicate", why


def test_a_short_main_title_is_too_little_to_drop_a_subtitle_from():
    # "Editorial" / "Introduction": two words or fewer begin too many titles of one issue
    place = dict(authors=TEAM, year=2023, **ISSUE)
    intro = cite("scopus", 1, "Introduction", pages="1-3", **place)
    longer = cite("wos", 2, "Introduction: the special issue on platform unions", **place)
    assert compare(prepare(intro), prepare(longer))[0] != "duplicate"


@pytest.mark.parametrize(
    "notice", ["Retraction notice to: {}", "Erratum to: {}", "Correction: {}", "Notice of retraction: {}"]
)
def test_a_notice_filed_under_its_articles_doi_in_a_later_issue_is_not_the_article(notice):
    place = dict(journal="Journal of Cardiac Rehabilitation Research", year=2019, volume="12",
                 doi="10.5555/jcrr.2019.0412")  # fmt: skip
    title = "Home-based exercise after transcatheter aortic valve implantation: a randomised pilot study"
    article = cite(
        "scopus", 1, title, authors=("Farouk, N.", "Ishii, K."), issue="3", pages="140-149", **place
    )
    filed = cite("embase", 2, notice.format(title), issue="7", **place)  # no authors, no page
    assert compare(prepare(article), prepare(filed))[0] == "maybe"
    assert not linked([article, filed], "scopus:1", "embase:2")
    # a database that marks the article itself "RETRACTED:", in its own issue, is still the article
    marked = cite("wos", 3, "RETRACTED: " + title, issue="3", pages="140-149", **place)
    assert compare(prepare(article), prepare(marked))[0] == "duplicate"


THESIS = "Negotiating flexibility: shift allocation and worker autonomy in app-based food delivery"


def work(source, i, kind, title=THESIS, **kw):
    return replace(cite(source, i, title, **kw), record_type=kind)


def test_a_thesis_is_one_thesis_at_its_university_and_in_proquest():
    held = work("library", 1, "thesis", authors=("Mwangi, Grace Wanjiru",), year=2019,
                journal="University of Leeds")  # fmt: skip
    proquest = work("proquest", 2, "thesis", THESIS.upper(), authors=("G W Mwangi",), year=2019, pages="241",
                    journal="ProQuest Dissertations and Theses")  # fmt: skip
    cut = work(
        "scholar",
        3,
        "thesis",
        THESIS[:58] + " …",
        authors=("GW Mwangi",),
        year=2020,
        journal="etheses.whiterose.ac.uk",
    )
    assert compare(prepare(held), prepare(proquest))[0] == "duplicate"
    assert linked([held, proquest, cut], "library:1", "proquest:2") and linked(
        [held, proquest, cut], "library:1", "scholar:3"
    )


@pytest.mark.parametrize(
    ("other", "why"),
    [
        (dict(kind="journal-article", year=2020, journal="Work, Employment and Society", pages="890-907"),
         "the thesis's later article, typed an article"),
        (dict(kind="thesis", authors=("Lindqvist, Petra",)), "another student's thesis of one title"),
        (dict(kind="thesis", year=2023), "years apart"),
    ],
)  # fmt: skip
def test_a_thesis_title_names_one_thesis_only_by_one_author_in_one_year(other, why):
    held = work(
        "library", 1, "thesis", authors=("Mwangi, Grace Wanjiru",), year=2019, journal="University of Leeds"
    )
    fields = dict(authors=("Mwangi, G.",), year=2019, journal="ProQuest Dissertations and Theses") | other
    kind = fields.pop("kind")
    assert compare(prepare(held), prepare(work("proquest", 2, kind, **fields)))[0] != "duplicate", why


def test_a_book_is_one_book_by_its_publisher_and_its_series_but_not_its_next_edition():
    title = "Algorithmic Management: Control and Resistance in the Platform Economy"
    team = dict(authors=("Rossi, Federica", "Adeyemi, Tunde"))
    publisher = work("scopus", 1, "book", title, year=2021, journal="Edward Elgar Publishing", **team)
    series = work("wos", 2, "book", title, year=2021, journal="New Horizons in Management Series",
                  authors=("F Rossi", "T Adeyemi"))  # fmt: skip
    second = work("scopus", 3, "book", title, year=2025, journal="Edward Elgar Publishing", **team)
    chapter = work("scopus", 4, "book-chapter", title, year=2021, journal="Handbook of Platform Work", **team)
    records = [publisher, series, second, chapter]
    assert linked(records, "scopus:1", "wos:2")
    assert not linked(records, "scopus:1", "scopus:3")  # the second edition
    assert not linked(records, "scopus:1", "scopus:4")  # a chapter of the same name in a handbook


# -- conference papers ----------------------------------------------------------------------------

PAPER = "Nudging patients toward patient portals: a field experiment in rural primary care"


def paper(source, i, title=PAPER, **kw):
    return replace(cite(source, i, title, year=2019, **kw), record_type="conference-abstract")


def test_a_conference_paper_is_one_paper_however_each_database_names_its_proceedings():
    team = dict(authors=("Lindqvist, Petra", "Osei, Kwame"))
    records = [
        # AIS eLibrary: the acronym, the paper number as its page, no DOI
        paper("ais", 1, journal="NHIS 2019 Proceedings", pages="412", **team),
        # Scopus: "Proceedings of the 12th ..." and no page
        paper(
            "scopus",
            2,
            journal="Proceedings of the 12th Nordic Conference on Health Information Systems",
            authors=("Lindqvist P.", "Osei K."),
        ),
        # Web of Science: capitals, the acronym and the place after the name
        paper(
            "wos",
            3,
            PAPER.upper(),
            authors=("Lindqvist, P", "Osei, K"),
            journal="12TH NORDIC CONFERENCE ON HEALTH INFORMATION SYSTEMS (NHIS 2019), BERGEN, NORWAY",
        ),
        # Google Scholar: the subtitle dropped, the name without the edition
        paper(
            "scholar",
            4,
            "Nudging patients toward patient portals",
            authors=("P Lindqvist", "K Osei"),
            journal="Nordic Conference on Health Information Systems",
        ),
    ]
    for other in ("scopus:2", "wos:3", "scholar:4"):
        assert linked(records, "ais:1", other), other


def test_a_single_authors_conference_paper_is_one_paper_in_two_proceedings_records():
    ais = paper("ais", 1, journal="CHIS 2019 Proceedings", pages="88", authors=("Okafor, Ifeoma",))
    acm = paper("acm", 2, journal="Proceedings of the 2019 Conference on Health Information Collaboration",
                authors=("Ifeoma Okafor",))  # fmt: skip
    scholar = paper("scholar", 3, journal="CHIC 2019 Proceedings", authors=("I Okafor",))
    assert linked([acm, scholar], "acm:2", "scholar:3")
    assert not linked([ais, acm], "ais:1", "acm:2")  # "CHIS" is another conference


# -- online first, then in an issue ---------------------------------------------------------------

ONLINE = "Teachers' continuance intention toward learning analytics dashboards: a longitudinal survey"
SCHOOL = dict(journal="Computers and Learning Research", authors=("Achterberg, Saskia", "Mbeki, Thandi"))


def test_an_online_first_record_paginated_from_page_one_is_its_issue_version():
    # Scopus gives the online-first version a year early, paginated on its own ("1-27"), no volume yet
    early = cite("scopus", 1, ONLINE, year=2021, pages="1-27", doi="10.5555/clr.2022.0117", **SCHOOL)
    issue = cite("ebsco", 2, ONLINE, year=2022, volume="14", issue="3", pages="305-331",
                 doi="https://doi.org/10.5555/CLR.2022.0117", **SCHOOL)  # fmt: skip
    assert compare(prepare(early), prepare(issue))[0] == "duplicate"
    assert linked([early, issue], "scopus:1", "ebsco:2")


@pytest.mark.parametrize("doi", ["10.5555/clr.2022.0142", ""])
def test_web_of_sciences_issue_in_the_volume_field_is_no_other_volume(doi):
    # Web of Science: volume "3", no issue, where the journal gives volume 14, issue 3
    wos = cite("wos", 1, ONLINE.upper(), year=2022, volume="3", pages="412-430", doi="10.5555/clr.2022.0142",
               journal="COMPUTERS AND LEARNING RESEARCH", authors=("Achterberg, S", "Mbeki, T"))  # fmt: skip
    ebsco = cite("ebsco", 2, ONLINE, year=2022, volume="14", issue="3", pages="412-430", doi=doi, **SCHOOL)
    assert compare(prepare(wos), prepare(ebsco))[0] == "duplicate"


def test_ebscos_page_range_after_a_p_is_pages_not_an_abstract_number():
    # EBSCO writes "p305-331": the print version, whose online-first record Scholar dated a year early
    scholar = cite(
        "scholar", 1, ONLINE, year=2021, journal="Comput. Learn. Res.", authors=("S Achterberg", "T Mbeki")
    )
    ebsco = cite("ebsco", 2, ONLINE, year=2022, volume="14", issue="3", pages="p305-331", **SCHOOL)
    assert page_range("p305-331") == ("305", "331") and not prepare(ebsco).supplement
    assert linked([scholar, ebsco], "scholar:1", "ebsco:2")


def test_a_thesis_is_one_thesis_where_scholar_dropped_its_subtitle():
    title = "Negotiating flexibility on delivery platforms: shift allocation and worker autonomy"
    proquest = work("proquest", 1, "thesis", title, authors=("Mwangi, Grace Wanjiru",), year=2019,
                    journal="ProQuest Dissertations and Theses Global")  # fmt: skip
    scholar = work("scholar", 2, "thesis", "Negotiating flexibility on delivery platforms", authors=("GW Mwangi",),
                   year=2019, journal="Doctoral dissertation, University of Leeds")  # fmt: skip
    assert compare(prepare(proquest), prepare(scholar))[0] == "duplicate"


def test_a_book_chapter_is_one_chapter_where_scholar_names_the_publisher_for_the_book():
    title = "Worker voice on delivery platforms: collective action without unions"
    scopus = work("scopus", 1, "book-chapter", title, authors=("Rossi, F.",), year=2021, pages="112-131",
                  journal="Research Handbook on Platform Labour", doi="10.5555/9781800.2021.00012")  # fmt: skip
    scholar = work("scholar", 2, "book-chapter", title, authors=("F Rossi",), year=2021, pages="112–131",
                   journal="Edward Elgar Publishing")  # fmt: skip
    assert linked([scopus, scholar], "scopus:1", "scholar:2")


def test_one_article_where_an_export_split_a_co_authors_double_surname_and_dropped_the_subtitle():
    # Web of Science: "Rodríguez-Salgado" as "Salgado, MR"; EBSCO: the title without its subtitle
    place = dict(journal="Journal of Learning Technologies", year=2017, volume="41", issue="2", pages="77-95")
    wos = cite("wos", 1, "THE DIGITAL CLASSROOM: TEACHER AGENCY AND LEARNING ANALYTICS IN RURAL SCHOOLS",
               authors=("Okonjo, AB", "Salgado, MR"), doi="10.5555/jlt.2017.0077", **place)  # fmt: skip
    ebsco = cite("ebsco", 2, "The Digital Classroom", authors=("Okonjo, Adaeze B.", "Rodríguez-Salgado, María"),
                 **place)  # fmt: skip
    assert compare(prepare(wos), prepare(ebsco))[0] == "duplicate"


def test_an_online_first_record_finds_its_article_though_the_conference_paper_shares_the_title():
    # the team's conference paper (two renderings) and its journal version share one title: Scholar's
    # online-first record of the article, a year early with no place, is still the article's
    team = dict(authors=("Lindqvist, Petra", "Osei, Kwame"))
    records = [
        paper(
            "acm",
            1,
            journal="Proceedings of the 2019 Conference on Health Information Systems",
            pages="1-12",
            doi="10.5555/3301234.3305678",
            **team,
        ),
        paper("scholar", 2, journal="CHIS 2019 Proceedings", pages="1-12", authors=("P Lindqvist", "K Osei")),
        cite(
            "wos",
            3,
            year=2020,
            journal="Scandinavian Journal of Health Informatics",
            volume="31",
            issue="2",
            pages="201-219",
            doi="10.5555/sjhi.2020.0201",
            **team,
        ),
        cite("scholar", 4, year=2019, journal="Scand. J. Health Inform.", authors=("P Lindqvist", "K Osei")),
    ]
    records = [replace(r, title=PAPER) for r in records]
    assert linked(records, "acm:1", "scholar:2")
    assert linked(records, "wos:3", "scholar:4")
    assert not linked(records, "acm:1", "wos:3")


# -- trial registry entries as databases render them ----------------------------------------------------

ENTRY = "Prehabilitation before Colorectal Cancer Surgery in Older Adults (PREHAB-CRC)"
OFFICIAL = "A Randomised Controlled Trial of Multimodal Prehabilitation before Colorectal Cancer Surgery in Older Adults"


def entry(source, i, journal, year, title=ENTRY, **kw):
    return cite(source, i, title=title, journal=journal, year=year, **kw)


@pytest.mark.parametrize(
    ("texts", "ids"),
    [
        (("https://clinicaltrials.gov/show/NCT04561234",), ("NCT04561234",)),
        (("http://www.who.int/trialsearch/Trial2.aspx?TrialID=CTRI/2021/03/031457",), ("CTRI/2021/03/031457",)),
        (("ISRCTN 40712365",), ("ISRCTN40712365",)),
        (("ACTRN12620000312987",), ("ACTRN12620000312987",)),
        (("EUCTR2018-004512-33-NL",), ("EUDRACT2018-004512-33",)),  # ICTRP adds the country
        (("EudraCT number: 2018-004512-33",), ("EUDRACT2018-004512-33",)),
        (("DRKS00021843", "ChiCTR2000034567", "JPRN-jRCTs052190087"),
         ("CHICTR2000034567", "DRKS00021843", "JRCTS052190087")),
        (("NCT045612345", "XNCT04561234", "ISRCTN4071236"), ()),  # digits or letters run on: no id
    ],
)  # fmt: skip
def test_registry_ids_are_read_in_each_registrys_format(texts, ids):
    assert registry_ids(*texts) == ids


@pytest.mark.parametrize(
    ("other", "why"),
    [
        (entry("central", 2, "https://clinicaltrials.gov/show/NCT04561234", 2023),
         "CENTRAL: the number only in the journal URL, the last-update year"),
        (entry("central", 2, "https://trialsearch.who.int/Trial2.aspx?TrialID=NCT04561234", 2020),
         "CENTRAL's copy of ICTRP's rendering"),
        (entry("ictrp", 2, "International Clinical Trials Registry Platform (ICTRP)", 2022, issue="NCT04561234"),
         "ICTRP's record, its last-update year"),
        (entry("ctgov", 2, "ClinicalTrials.gov", 2020, title=OFFICIAL, issue="NCT04561234",
               authors=("Hospital Universitario Norte",)), "the registry's own record with the official title"),
    ],
)  # fmt: skip
def test_renderings_of_one_registry_entry_are_one_entry_by_its_id(other, why):
    one = entry("ictrp", 1, "WHO ICTRP", 2020, issue="NCT04561234")
    assert linked([one, other], one.record_id, other.record_id), why


def test_renderings_of_an_entry_of_another_registry_are_one_entry_whatever_their_titles():
    own = entry("ctri", 1, "Clinical Trials Registry - India", 2021, issue="CTRI/2021/03/031457",
                title="A CLINICAL TRIAL TO STUDY THE EFFECT OF YOGA ON GLYCAEMIC CONTROL IN TYPE 2 DIABETES")  # fmt: skip
    central = entry("central", 2, "http://www.who.int/trialsearch/Trial2.aspx?TrialID=CTRI/2021/03/031457", 2024,
                    title="Yoga for Glycaemic Control in Type 2 Diabetes (YOGA-DM)")  # fmt: skip
    assert linked([own, central], own.record_id, central.record_id)


def test_a_databases_copy_of_a_clinicaltrials_gov_record_keeps_its_registration_link_to_the_trial():
    # the copy may be stored and screened before the Trial arrives (a living review), and the Trial is the
    # tables' row: neither silently represents the other; the copy is linked to it as a registration
    trial = Trial(record_id="ctgov:NCT04561234", source="ctgov", native_id="NCT04561234", nct_id="NCT04561234",
                  title=ENTRY, first_posted="2020-09-24")  # fmt: skip
    central = entry("central", 2, "https://clinicaltrials.gov/show/NCT04561234", 2023,
                    abstract="NCT04561234. Older adults awaiting colorectal cancer surgery ...",
                    nct_ids=("NCT04561234",), issue="9", volume="1", pages="1-2", accession="CN-02184567",
                    keywords=("prehabilitation",), language="English", authors=("Anonymous",))  # fmt: skip
    assert link_fuzzy([central, trial]).links == []
    paper = cite("medline", 3, title="Multimodal prehabilitation in older adults: a randomised trial",
                 nct_ids=("NCT04561234",))  # fmt: skip
    registered = [(link.record_id, link.linked_to) for link in link_registrations([central, trial, paper])]
    assert registered == [("central:2", "ctgov:NCT04561234"), ("medline:3", "ctgov:NCT04561234")]
    # a second copy of the entry (WHO ICTRP's) is the first copy's duplicate, by the id
    ictrp = entry("ictrp", 4, "WHO ICTRP", 2020, issue="NCT04561234")
    assert linked([central, ictrp, trial], "central:2", "ictrp:4")


def test_one_abstract_in_a_supplement_with_its_page_and_without_pagination():
    title = "Yoga for glycaemic control in type 2 diabetes (YOGA-DM): a randomised controlled trial"
    team = ("Raghavan, P.", "Iyer, S.", "Okafor, C.")
    place = dict(journal="Diabetes Research and Practice", year=2021, volume="44", issue="Supplement 2")
    embase = cite("embase", 1, title=title, authors=team, pages="S118", **place)
    central = cite("central", 2, title=title, authors=team, pages="(no pagination)", **place)
    paper = cite("medline", 3, title=title, authors=team, journal="Diabetes Res Pract", year=2022, volume="45",
                 issue="3", pages="301-310")  # fmt: skip
    congress = cite("embase", 4, title=title, authors=team, journal="Asian Journal of Endocrinology", year=2022,
                    volume="12", issue="Suppl 1", pages="S77")  # fmt: skip
    records = [embase, central, paper, congress]
    assert linked(records, "embase:1", "central:2")  # the title recurs: the paper, the second congress
    assert not linked(records, "embase:1", "medline:3")
    assert not linked(records, "embase:1", "embase:4")


def test_an_online_first_record_is_the_terse_record_of_its_print_year():
    title = "Yoga and glycaemic control in type 2 diabetes: the YOGA-DM pilot randomised controlled trial"
    team = ("Raghavan P.", "Iyer S.", "Okafor C.", "Lindgren E.")
    early = cite("embase", 1, title=title, authors=team, journal="Journal of Lifestyle Medicine", year=2021,
                 doi="10.5555/jlm.2022.0417")  # fmt: skip
    terse = cite("pedro", 2, title=title, authors=("Raghavan P", "Iyer S", "Okafor C", "Lindgren E"),
                 journal="J Lifestyle Med", year=2022)  # fmt: skip
    assert linked([early, terse], "embase:1", "pedro:2")


# -- Google Scholar's terse record: an accented initial, a cut after a whole word, the year off, no journal --


SCHOLAR_TRIAL = (
    "Rationale and design of the KORU-ASTHMA trial: tezepelumab versus usual care in severe asthma"
)
SCHOLAR_TEAM = ("Ngata, H.", "Okonkwo, B.", "Lindqvist, E.", "Ferreira, P.")
SCHOLAR_AUTHORS = ("H Ngata, B Okonkwo, E Lindqvist…",)


def test_an_accented_initial_in_scholars_author_list_is_an_initial():
    # "É Dupont" is Dupont with the initial É: the list is read name by name, not as one name
    record = cite("scholar", 1, TITLE, authors=("É Dupont, Ø Lindqvist, S Reddy…",))
    assert prepare(record).authors == ("dupont", "lindqvist", "reddy")
    whole = cite("embase", 2, "Ivabradine in heart failure with preserved ejection fraction: a meta-analysis",
                 journal="Journal of Cardiac Rhythm Research", year=2017, volume="31", issue="6",
                 pages="2194-2206", authors=("Dupont E.", "Lindqvist O.", "Reddy S."))  # fmt: skip
    scholar = cite("scholar", 3, "Ivabradine in heart failure with preserved ejection…", year=2017,
                   journal="J Card Rhythm Res", pages="2194-2206",
                   authors=("É Dupont, Ø Lindqvist, S Reddy",))  # fmt: skip
    assert linked([whole, scholar], "embase:2", "scholar:3")


def test_a_title_scholar_cut_after_a_whole_word_counts_that_word():
    # "...KORU-ASTHMA trial:…": the cut falls after the colon, "trial" is whole and agrees too
    whole = cite("wos", 1, SCHOLAR_TRIAL, journal="Respiratory Pharmacotherapy Research", year=2014,
                 volume="13", issue="2", pages="1435-1445", authors=SCHOLAR_TEAM)  # fmt: skip
    scholar = cite("scholar", 2, "Rationale and design of the KORU-ASTHMA trial:…", year=2014,
                   journal="Respiratory Pharmacotherapy Research", authors=SCHOLAR_AUTHORS)  # fmt: skip
    assert linked([whole, scholar], "wos:1", "scholar:2")


@pytest.mark.parametrize(
    "place",
    [
        dict(year=2020, journal="Resp Pharmacother Res", volume="13"),  # Scholar's year one off, one volume
        dict(year=2020, journal="Resp Pharmacother Res", pages="1435-1445"),  # one off, one page span
        dict(year=2021, volume="13"),  # no journal, one year and volume
    ],
)
def test_a_cut_scholar_record_a_year_off_or_without_journal_links_at_one_place(place):
    whole = cite("scopus", 1, SCHOLAR_TRIAL, journal="Respiratory Pharmacotherapy Research", year=2021,
                 volume="13", issue="2", pages="1435-1445", authors=SCHOLAR_TEAM)  # fmt: skip
    scholar = cite("scholar", 2, "Rationale and design of the KORU-ASTHMA trial: tezepelumab…",
                   authors=SCHOLAR_AUTHORS, **place)  # fmt: skip
    assert linked([whole, scholar], "scopus:1", "scholar:2")


@pytest.mark.parametrize(
    "other",
    [
        # the team's results paper in another journal, the next year
        dict(title=SCHOLAR_TRIAL.split(":")[0] + " in severe asthma: a randomised trial", year=2022,
             journal="European Respiratory Review", authors=SCHOLAR_TEAM),
        # another team's updated version of the title, the next year (Scholar cut its journal too)
        dict(title=SCHOLAR_TRIAL + ": an update", year=2022, journal="Journal of the American Th…",
             authors=("A Nowak, P van der Berg, C Sanchez",)),
    ],
)  # fmt: skip
def test_a_cut_title_that_begins_another_teams_or_journals_title_still_names_its_own(other):
    whole = cite("wos", 1, SCHOLAR_TRIAL, journal="Respiratory Pharmacotherapy Research", year=2021,
                 volume="13", issue="2", pages="1435-1445", authors=SCHOLAR_TEAM)  # fmt: skip
    look_alike = cite("scopus", 2, **other)
    scholar = cite("scholar", 3, "Rationale and design of the KORU-ASTHMA trial…", year=2021,
                   journal="Resp Pharmacother Res", authors=SCHOLAR_AUTHORS)  # fmt: skip
    records = [whole, look_alike, scholar]
    assert linked(records, "wos:1", "scholar:3")
    assert not linked(records, "scopus:2", "scholar:3")


def test_scholars_original_language_title_without_a_volume_links_at_one_span_by_one_team():
    # Scholar gives the French title, no volume or DOI; the other database the English title, the volume
    english = cite("embase", 1, "Tiotropium in older adults with chronic obstructive pulmonary disease: a "
                   "French multicentre registry", journal="Revue des Maladies Respiratoires", year=2016,
                   volume="33", issue="7", pages="587-593", doi="10.5555/rmr.2016.587",
                   authors=("Moreau C.", "Lindqvist E.", "Silva J.P."))  # fmt: skip
    french = cite("scholar", 2, "Le tiotropium chez le sujet âgé atteint de BPCO : registre multicentrique "
                  "français", journal="Rev Mal Respir", year=2016, pages="587-593",
                  authors=("C Moreau, E Lindqvist, JP Silva",))  # fmt: skip
    assert compare(prepare(english), prepare(french))[0] == "duplicate"
    assert linked([english, french], "embase:1", "scholar:2")


# -- a report under its issuer's acronym as publisher, no author ---------------------------------------


def test_a_catalogues_report_under_the_issuers_acronym_is_the_issuers_report():
    # a library catalogue gives the report with the institute's acronym as publisher and no author (or the
    # acronym as author too), the institute's own page names it in full as author
    title = "Antibiotic use in long-term care facilities: point prevalence survey"
    institute = "National Institute of Public Health"
    page = report("web", 1, title, year=2020, journal="Helsinki", authors=(institute,), issue="NIPH-2020-07")
    for authors in ((), ("NIPH",)):
        catalogue = report("library", 2, title, kind="book", year=2020, journal="NIPH", authors=authors)
        assert compare(prepare(page), prepare(catalogue))[0] == "duplicate", authors
    # another issuer's acronym is another issuer's report
    other = report("library", 3, title, kind="book", year=2020, journal="ECDC", authors=())
    assert compare(prepare(page), prepare(other))[0] != "duplicate"


# -- names as national databases and publishers write them: the surname in capitals, dotted initials --------

SURVEY = "Oral health literacy and dental visits among adolescents in rural prefectures"


@pytest.mark.parametrize(
    ("field", "names"),
    [
        # J-STAGE's English pages and many publishers: given name, then the surname in capitals
        (("Haruka MORI, Kenta SHIMIZU, Daiki ABE",), ("mori", "shimizu", "abe")),
        # CNKI's and Wanfang's English pages: the surname in capitals first, a short one too in such a list
        (("CHEN Jia-wei, XU Li, ZHOU Xiaoming",), ("chen", "xu", "zhou")),
        (("ZHOU Xiaoming",), ("zhou",)),
        # Embase's and Scopus's list in one field, initials with dots, in any alphabet's capitals
        (("Öztürk A., Şimşek B.-Ç., Kılıç Ö.",), ("ozturk", "simsek", "kilic")),
    ],
)
def test_a_surname_in_capitals_or_before_dotted_initials_is_read_as_the_surname(field, names):
    assert prepare(cite("jstage", 1, SURVEY, authors=field)).authors == names
    # the same team from an index that writes "Surname, Initials": one team, so one article at one span in
    # one year and journal, though the index gives no volume
    place = dict(journal="Journal of Rural Dentistry", year=2019, pages="211-219")
    national = cite("jstage", 2, SURVEY, authors=field, volume="12", issue="3", **place)
    index = cite("scopus", 3, SURVEY, authors=tuple(f"{n.capitalize()}, K." for n in names), **place)
    assert compare(prepare(national), prepare(index))[0] == "duplicate"


def test_initials_and_groups_in_capitals_are_not_taken_for_a_surname():
    # Scholar's and PubMed's initials in capitals ("MJ Kim", "Kim MJ"), a trial group's acronym
    assert prepare(cite("scholar", 1, SURVEY, authors=("MJ Kim, JW Park",))).authors == ("kim", "park")
    assert prepare(cite("pubmed", 2, SURVEY, authors=("Kim MJ, Park JW",))).authors == ("kim", "park")
    assert prepare(cite("embase", 3, SURVEY, authors=("SUNRISE Trial Group",))).authors == ("group",)
    # another team under the same title, the surname in capitals read, is another team
    place = dict(journal="Journal of Rural Dentistry", year=2019, pages="211-219")
    a = cite("jstage", 4, SURVEY, authors=("Haruka MORI, Kenta SHIMIZU",), **place)
    b = cite("scopus", 5, SURVEY, authors=("Sato, H.", "Ikeda, K."), **place)
    assert compare(prepare(a), prepare(b))[0] != "duplicate"


# -- a title and its translation: a negation or a one-letter word in one language only ----------------------


@pytest.mark.parametrize(
    ("original", "english"),
    [
        (
            "Prise en charge de la douleur sans opioïdes après amygdalectomie chez l'enfant",
            "Pain management without opioids after tonsillectomy in children",
        ),
        (
            "Analgesia pós-operatória sem opioides após amigdalectomia em crianças",
            "Postoperative analgesia without opioids after tonsillectomy in children",
        ),
        (
            "Caries y fluorosis dental en escolares de la sierra ecuatoriana",
            "Dental caries and fluorosis in schoolchildren of the Ecuadorian highlands: a survey",
        ),
    ],
)
def test_a_translated_title_is_not_kept_apart_by_a_negation_or_letter_only_one_language_writes(
    original, english
):
    # the national database's original and an index's English at one journal's issue, span and team: the
    # English "without" or "a" has no word of its own in the original ("sans", "sem"; "y")
    place = dict(journal="Revista de Odontopediatria", year=2018, volume="27", issue="2", pages="88-95")
    national = cite("lilacs", 1, original, authors=("Moreno, Ana Lucía", "Paz, Diego"), **place)
    index = cite("wos", 2, english, authors=("Moreno, AL", "Paz, D"), **place)
    assert compare(prepare(national), prepare(index))[0] == "duplicate"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (
            "Postoperative analgesia with opioids after tonsillectomy in children",
            "Postoperative analgesia without opioids after tonsillectomy in children",
        ),
        (
            "Dental caries in children with type A haemophilia",
            "Dental caries in children with type B haemophilia",
        ),
    ],
)
def test_titles_in_one_language_still_differ_by_a_negation_or_a_letter(one, other):
    place = dict(journal="Revista de Odontopediatria", year=2018, volume="27", issue="2", pages="88-95")
    a = cite("lilacs", 1, one, authors=("Moreno, Ana Lucía", "Paz, Diego"), **place)
    b = cite("wos", 2, other, authors=("Moreno, AL", "Paz, D"), **place)
    assert compare(prepare(a), prepare(b))[2].startswith(("opposite", "different letters"))


# -- an online journal's article number as the article's place ------------------------------------------------


def test_an_article_number_at_one_volume_places_a_translated_title_by_one_team():
    # SciELO's Spanish original and Web of Science's English title, an e-locator for pages: the article
    # number in the volume is the article's place, as a page span is
    place = dict(journal="Revista Cubana de Estomatologia", year=2020, volume="57", issue="3", pages="e2871")
    scielo = cite("scielo", 1, "Ansiedad dental y conducta infantil durante la atención odontopediátrica",
                  authors=("Fernández Rojas, Yanet", "Ortega, Luis"), **place)  # fmt: skip
    wos = cite("wos", 2, "Dental anxiety and child behaviour during paediatric dental care",
               authors=("Fernandez Rojas, Y", "Ortega, L"), **place)  # fmt: skip
    assert compare(prepare(scielo), prepare(wos))[0] == "duplicate"
    # under one DOI the same: the number places the translation
    doi = "10.5555/rce.2020.2871"
    assert compare(prepare(replace(scielo, doi=doi)), prepare(replace(wos, doi=doi)))[0] == "duplicate"
    # a six-digit article number too
    six = dict(place, pages="103512")
    assert compare(prepare(replace(scielo, pages="103512")), prepare(cite("wos", 3, wos.title, authors=wos.authors,
                                                                          **six)))[0] == "duplicate"  # fmt: skip


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (dict(pages="e2872"), "the next article number"),
        (dict(volume="58", year=2021), "the number in the next volume"),
        (
            dict(authors=("Ortega, L", "Paz, M")),
            "another first author and team: no translation of this article",
        ),
    ],
)
def test_another_article_number_volume_or_team_is_another_article(change, why):
    place = dict(journal="Revista Cubana de Estomatologia", year=2020, volume="57", issue="3", pages="e2871")
    scielo = cite("scielo", 1, "Ansiedad dental y conducta infantil durante la atención odontopediátrica",
                  authors=("Fernández Rojas, Yanet", "Ortega, Luis"), **place)  # fmt: skip
    fields = {**place, "authors": ("Fernandez Rojas, Y", "Ortega, L"), **change}
    other = cite("wos", 2, "Dental anxiety and child behaviour during paediatric dental care", **fields)
    assert compare(prepare(scielo), prepare(other))[0] != "duplicate", why


# -- a title in letters ASCII folding drops (Chinese, Japanese, Korean, Cyrillic) ------------------------------


def test_two_records_of_one_title_in_korean_letters_are_compared_by_those_letters():
    # KMbase's record (title, names and journal in hangul) and KoreaMed's (the hangul title, names and journal in
    # Latin letters): one title, one place; before, folding left no title to compare, and no team on KMbase's
    title = "초등학생의 불소 도포 경험과 치아우식 경험의 관련성"
    place = dict(year=2017, volume="44", issue="2", pages="152-160")
    kmbase = cite("kmbase", 1, title, journal="대한소아치과학회지", authors=("박수진", "이현우"), **place)
    koreamed = cite("koreamed", 2, title, journal="J Korean Acad Pediatr Dent", authors=("Park SJ", "Lee HW"),
                    **place)  # fmt: skip
    assert prepare(kmbase).script and prepare(kmbase).title
    assert compare(prepare(kmbase), prepare(koreamed))[0] == "duplicate"
    # another hangul title at another place in the journal is another article
    other = cite("kmbase", 3, "청소년의 구강건강 인식과 치과 방문 행태", journal="대한소아치과학회지",
                 authors=("박수진", "이현우"), **{**place, "pages": "161-169"})  # fmt: skip
    assert compare(prepare(other), prepare(koreamed))[0] != "duplicate"


def test_titles_in_chinese_letters_that_fold_to_one_number_are_still_two_titles():
    # a CNKI article and Scholar's record of another team's in the journal that year: folding left "2" of both
    # titles ("2型糖尿病..."), and nothing else disagreed
    place = dict(journal="中华口腔医学杂志", year=2019)
    one = cite("cnki", 1, "2型糖尿病患者牙周炎的患病率及危险因素分析", authors=("王丽",), pages="381-386",
               volume="54", issue="6", **place)  # fmt: skip
    other = cite("scholar", 2, "2型糖尿病患者牙周基础治疗后血糖控制的变化", authors=("张伟",), **place)
    assert prepare(one).title != prepare(other).title
    assert compare(prepare(one), prepare(other))[0] != "duplicate"
    # the same title from Wanfang, its pages written otherwise: one article
    wanfang = cite("wanfang", 3, one.title, authors=("WANG Li",), pages="381-6", volume="54", **place)
    assert compare(prepare(one), prepare(wanfang))[0] == "duplicate"


def test_a_title_in_chinese_letters_and_its_english_under_one_doi_are_one_article():
    # CNKI's title keeps its digits ("3～5岁": "3 5" once folded), Embase gives the English: no words to compare,
    # the DOI, place and first author are one article's
    place = dict(year=2020, volume="38", issue="2", pages="141-147", doi="10.5555/cjsd.2020.02.011")
    cnki = cite("cnki", 1, "3～5岁儿童乳牙龋病与喂养方式的关系", journal="中国学校卫生", authors=("刘洋", "陈静"),
                **place)  # fmt: skip
    embase = cite("embase", 2, "Feeding practices and dental caries in primary teeth of children aged 3-5 years",
                  journal="Chinese Journal of School Health", authors=("Liu Y.", "Chen J."), **place)  # fmt: skip
    assert compare(prepare(cnki), prepare(embase))[0] == "duplicate"


def test_a_korean_title_links_where_the_journals_name_is_translated_or_scholar_gives_no_volume():
    team = ("Choi, Eun-ji", "Han, Seung-woo", "Yoon, Da-eun")
    english = cite("koreamed", 1, "Silver diamine fluoride application in kindergarten oral health programmes",
                   journal="Journal of Korean Academy of Oral Health", year=2021, volume="45", issue="3",
                   pages="117-124", authors=team)  # fmt: skip
    hangul = "유치원 구강보건사업에서의 은 디아민 불화물 도포"
    # KMbase: the journal under its romanised name, the issue on both records
    kmbase = cite("kmbase", 2, hangul, journal="Daehan Gugang Bogeon Hakhoeji", year=2021, volume="45", issue="3",
                  pages="117-124", authors=("Choi EJ", "Han SW", "Yoon DE"))  # fmt: skip
    assert compare(prepare(english), prepare(kmbase))[0] == "duplicate"
    # Google Scholar: no volume or issue, the journal in hangul; the year, the whole span and the team
    scholar = cite("scholar", 3, hangul, journal="대한구강보건학회지", year=2021, pages="117--124",
                   authors=("EJ Choi, SW Han, DE Yoon",))  # fmt: skip
    assert compare(prepare(english), prepare(scholar))[0] == "duplicate"
    # a record that names no venue either is placed by no span (as for a title in Latin letters)
    assert compare(prepare(english), prepare(replace(scholar, journal="")))[0] != "duplicate"


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (dict(issue="4"), "another issue of the journal under its other name"),
        (dict(pages="125-132"), "the team's next article in the issue"),
        (dict(authors=("Choi EJ", "Park HS", "Kang MJ")), "a namesake first author with another team"),
    ],
)
def test_a_korean_title_at_another_place_or_by_another_team_is_another_article(change, why):
    team = ("Choi, Eun-ji", "Han, Seung-woo", "Yoon, Da-eun")
    english = cite("koreamed", 1, "Silver diamine fluoride application in kindergarten oral health programmes",
                   journal="Journal of Korean Academy of Oral Health", year=2021, volume="45", issue="3",
                   pages="117-124", authors=team)  # fmt: skip
    fields = dict(journal="Daehan Gugang Bogeon Hakhoeji", year=2021, volume="45", issue="3", pages="117-124",
                  authors=("Choi EJ", "Han SW", "Yoon DE"))  # fmt: skip
    kmbase = cite("kmbase", 2, "유치원 구강보건사업에서의 은 디아민 불화물 도포", **{**fields, **change})
    assert compare(prepare(english), prepare(kmbase))[0] != "duplicate", why
    if "issue" not in change:  # Scholar's record without volume, the journal in hangul, the same change
        scholar_fields = {k: v for k, v in {**fields, **change}.items() if k in ("year", "pages", "authors")}
        scholar = cite("scholar", 3, kmbase.title, journal="대한구강보건학회지", **scholar_fields)
        assert compare(prepare(english), prepare(scholar))[0] != "duplicate", why


# -- one title at one span by one team, the journal named in two languages; Japanese long vowels ------------------

INHALER = "Community pharmacist follow-up calls and inhaler technique in older adults with asthma"


@pytest.mark.parametrize(
    ("national", "other"),
    [
        # J-STAGE: the journal's romanised name, the surnames with "oh"; Scholar: the English name, "o", no volume
        (dict(journal="Yakugaku Zasshi", volume="139", issue="7", authors=("Kohno T.", "Itoh M.", "Endoh S.")),
         dict(journal="Journal of the Pharmaceutical Society of Japan", authors=("T Kono, M Ito, S Endo",))),
        # SciELO's Portuguese journal name against Scholar's English one, an article number for pages
        (dict(journal="Revista Brasileira de Farmácia Hospitalar", volume="11", issue="2",
              authors=("Almeida, Rita de Cássia", "Nunes, Paulo"), pages="e2019041"),
         dict(journal="Brazilian Journal of Hospital Pharmacy", authors=("RC Almeida, P Nunes",), pages="e2019041")),
    ],
)  # fmt: skip
def test_one_title_at_one_span_by_one_team_is_one_article_whatever_each_names_the_journal(national, other):
    national.setdefault("pages", "1021-1029")
    other.setdefault("pages", "1021--1029")
    a = cite("jstage", 1, INHALER, year=2019, **national)
    b = cite("scholar", 2, INHALER, year=2019, **other)
    assert compare(prepare(a), prepare(b))[0] == "duplicate"


def test_japanese_long_vowels_written_with_h_or_doubled_are_one_name():
    for long, short in (("Satoh", "Sato"), ("Ohno", "Ono"), ("Kondoh", "Kondo"), ("Yuuki", "Yuki")):
        assert normalise_authors([f"{long}, K."]) == normalise_authors([f"{short} K"]), long
    # not "oh" before a vowel (O-hashi), nor the name "Oh" (Korean), nor other letters
    assert normalise_authors(["Ohashi, K."]) != normalise_authors(["Oashi K"])
    assert normalise_authors(["Oh, S."]) == ("oh",)
    assert normalise_authors(["Ota, K."]) != normalise_authors(["Oda K"])
    # nor a European name the fold would leave no Japanese or Korean syllables: two people, not one
    for long, short in (("Ohlsson", "Olsson"), ("Pohl", "Pol"), ("Mohr", "Mor"), ("Kohler", "Koler")):
        assert normalise_authors([f"{long}, A."]) != normalise_authors([f"{short} A"]), long


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (dict(pages="1030-1038"), "the team's other article that year"),
        (dict(pages=""), "a record with no place: Scholar's title and team alone"),
        (dict(year=2020), "another year: a dual publication"),
        (dict(authors=("T Kono, Y Mori, H Abe",)), "a namesake first author with another team"),
    ],
)
def test_one_title_by_one_team_in_two_journals_needs_one_span_and_year(change, why):
    a = cite("jstage", 1, INHALER, year=2019, journal="Yakugaku Zasshi", volume="139", issue="7",
             pages="1021-1029", authors=("Kohno T.", "Itoh M.", "Endoh S."))  # fmt: skip
    fields = dict(year=2019, journal="Journal of Pharmacy Practice in Asia", pages="1021-1029",
                  authors=("T Kono, M Ito, S Endo",))  # fmt: skip
    b = cite("scholar", 2, INHALER, **{**fields, **change})
    assert compare(prepare(a), prepare(b))[0] != "duplicate", why


# -- Google Scholar's terse record of a supplement's abstract: no volume -----------------------------------------


def test_a_supplements_abstract_in_scholar_without_volume_is_the_abstract_at_its_page():
    title = "Deprescribing proton pump inhibitors in care homes: a pharmacist-led audit"
    team = ("Whitfield, H.", "Osei, K.", "Laine, M.")
    embase = cite("embase", 1, title, authors=team, journal="Geriatric Pharmacotherapy", year=2023, volume="18",
                  issue="Suppl 1", pages="S62", record_type="conference-abstract")  # fmt: skip
    scholar = cite("scholar", 2, title, authors=("H Whitfield, K Osei, M Laine",), journal="Geriatric Pharmacotherapy",
                   year=2023, pages="S62")  # fmt: skip
    assert compare(prepare(embase), prepare(scholar))[0] == "duplicate"
    # another team's abstract of that title at that page, or the abstract at another page, is not the abstract
    other_team = replace(scholar, authors=("H Whitfield, P Mensah, J Reid",))
    assert compare(prepare(embase), prepare(other_team))[0] != "duplicate"
    assert compare(prepare(embase), prepare(replace(scholar, pages="S63")))[0] != "duplicate"
    # the paper of that title in a regular issue is not the abstract
    paper = replace(scholar, volume="18", issue="4", pages="233-241")
    assert compare(prepare(embase), prepare(paper))[0] != "duplicate"


# -- a title and its translation in one field, parted by " / " -------------------------------------------------

VARNISH = "Efeito do verniz fluoretado na remineralização de lesões de mancha branca: ensaio clínico"
VARNISH_EN = "Effect of fluoride varnish on the remineralisation of white spot lesions: a clinical trial"


def test_a_title_given_with_its_translation_after_a_slash_is_either_title():
    # LILACS's record of a thesis (its title, " / ", the English) beside the repository's Portuguese title and
    # ProQuest's English one: one thesis
    lilacs = work("lilacs", 1, "misc", f"{VARNISH} / {VARNISH_EN}", authors=("Teixeira, Helena Maria",),
                  year=2020, journal="Universidade Federal do Vale", pages="132 p.")  # fmt: skip
    repository = work("repository", 2, "thesis", VARNISH, authors=("Teixeira, Helena Maria",), year=2020,
                      journal="Universidade Federal do Vale")  # fmt: skip
    proquest = work("proquest", 3, "thesis", VARNISH_EN, authors=("Teixeira, H M",), year=2020,
                    journal="Universidade Federal do Vale")  # fmt: skip
    assert prepare(lilacs).title == prepare(repository).title
    assert compare(prepare(lilacs), prepare(repository))[0] == "duplicate"
    assert compare(prepare(lilacs), prepare(proquest))[0] == "duplicate"


@pytest.mark.parametrize(
    "title",
    [
        "A / B testing of reminder messages for fluoride varnish appointments",  # a slash inside one title
        "Caries risk in children: a cohort study / caries risk in adolescents: a cohort study",  # one language
    ],
)
def test_a_slash_inside_one_title_or_between_two_in_one_language_parts_no_translation(title):
    record = prepare(work("lilacs", 1, "misc", title, year=2020))
    assert record.alt_title == "" and record.title == normalise_title(title)


def test_a_thesis_given_with_its_translation_is_not_its_later_article():
    lilacs = work("lilacs", 1, "misc", f"{VARNISH} / {VARNISH_EN}", authors=("Teixeira, Helena Maria",),
                  year=2020, journal="Universidade Federal do Vale", pages="132 p.")  # fmt: skip
    article = cite("medline", 2, VARNISH_EN, authors=("Teixeira HM", "Lopes RF"), journal="Caries Res",
                   year=2021, volume="55", issue="2", pages="101-110")  # fmt: skip
    assert compare(prepare(lilacs), prepare(article))[0] != "duplicate"


def test_a_series_name_before_a_slash_is_no_translation_of_the_items_title():
    # a catalogue's record: the series' name in Spanish, " / ", then each item's English title; the halves share
    # no stem, so the field is one title: two items of the series are two reports, not one under its name
    series = "Cuadernos técnicos de la Organización Andina de Salud"
    one = work("catalogue", 1, "report", f"{series} / Evaluation of the asthma school programme in Quito",
               authors=("Organización Andina de Salud",), year=2019, journal="ORAS")  # fmt: skip
    other = work("catalogue", 2, "report", f"{series} / Evaluation of the tuberculosis contact tracing programme",
                 authors=("Organización Andina de Salud",), year=2019, journal="ORAS")  # fmt: skip
    assert prepare(one).alt_title == ""
    assert compare(prepare(one), prepare(other))[0] != "duplicate"
