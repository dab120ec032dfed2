"""One item written differently by two exports: a first author's name in the other order, a subtitle
dropped, a translated title with the original in brackets. Linked as bib-dedupe links them, and
nothing else linked by the same rules (records built for each class, not copied from labelled sets).
"""

from __future__ import annotations

from litreview.dedup.cluster import link_fuzzy
from litreview.dedup.prepare import prepare
from litreview.dedup.rules import compare
from litreview.records import Citation


def cite(source, i, title, **kw):
    return Citation(record_id=f"{source}:{i}", source=source, native_id=str(i), title=title, **kw)


def linked(records, a, b):
    rep = {link.record_id: link.linked_to for link in link_fuzzy(records).links}
    return rep.get(a, a) == rep.get(b, b)


ESSAY = "Couriers on the clock: algorithmic management in food delivery work"
BOOK = dict(journal="New Technology, Work and Employment", year=2022)


def test_a_first_author_name_given_in_the_other_order_is_one_author():
    a = cite("scopus", 1, ESSAY, authors=("Brennecke, Jonas",), **BOOK)
    b = cite("wos", 2, ESSAY, authors=("Jonas, Brennecke",), **BOOK)
    assert compare(prepare(a), prepare(b))[0] == "duplicate"
    # with one DOI, the flipped name is no conflicting first author
    doi = dict(doi="10.1111/ntwe.12231", pages="201-219")
    assert compare(prepare(cite("scopus", 3, ESSAY, authors=a.authors, **doi, **BOOK)),
                   prepare(cite("wos", 4, ESSAY, authors=b.authors, **doi, **BOOK)))[:3:2] == ("duplicate", "exact-doi")  # fmt: skip


def test_a_shared_word_is_not_a_flipped_name():
    # "Jonas, Anna" is not "Brennecke, Jonas" in the other order
    a = cite("scopus", 1, ESSAY, authors=("Brennecke, Jonas",), **BOOK)
    b = cite("wos", 2, ESSAY, authors=("Jonas, Anna",), **BOOK)
    assert compare(prepare(a), prepare(b))[0] != "duplicate"


LONG = (
    "Couriers on the clock: algorithmic management, piece rates and the politics of waiting time "
    "among food delivery riders in three European cities"
)
PAPER = dict(doi="10.1177/0950017021999999", year=2021, authors=("Okoro, Ada", "Lindgren, Per"))


def test_a_dropped_subtitle_links_on_one_doi_and_first_page():
    full = cite("scopus", 1, LONG, pages="355-372", journal="Work, Employment and Society", **PAPER)
    short = cite("crossref", 2, "Couriers on the clock", pages="355-372", **PAPER)
    assert compare(prepare(full), prepare(short))[0] == "duplicate"
    assert linked([full, short], "scopus:1", "crossref:2")


def test_a_dropped_subtitle_without_the_same_page_is_asked_about():
    full = cite("scopus", 1, LONG, pages="355-372", **PAPER)
    short = cite("crossref", 2, "Couriers on the clock", **PAPER)
    assert compare(prepare(full), prepare(short))[0] == "maybe"
    other_page = cite("crossref", 3, "Couriers on the clock", pages="12-13", **PAPER)
    assert compare(prepare(full), prepare(other_page))[0] != "duplicate"


ORIGINAL = "Lebensqualität nach Hüftendoprothetik bei älteren Erwachsenen: eine Kohortenstudie"
TRANSLATED = "Quality of life after hip replacement in older adults: a cohort study"
PLACE = dict(journal="Der Orthopäde", year=2018, volume="47", pages="512-519", authors=("Maier, Klaus",))


def test_a_translated_title_links_to_its_original_given_in_brackets():
    both = cite("embase", 1, f"{TRANSLATED} [{ORIGINAL}]", **PLACE)
    original = cite("ssci", 2, ORIGINAL, **{**PLACE, "pages": ""})
    assert prepare(both).alt_title and compare(prepare(both), prepare(original))[0] == "duplicate"
    assert linked([both, original], "embase:1", "ssci:2")
    # or in parentheses at the end
    paren = cite("cinahl", 4, f"{TRANSLATED} ({ORIGINAL})", **PLACE)
    assert linked([paren, original], "cinahl:4", "ssci:2")
    # the translation alone (a bracketed translation, as MEDLINE gives it) links as before
    medline = cite("medline", 3, f"[{TRANSLATED}].", **PLACE)
    assert linked([both, medline], "embase:1", "medline:3")


def test_a_bracketed_note_is_no_second_title():
    assert prepare(cite("x", 1, f"{TRANSLATED} (Orthopade 2018; 47 (6): 512)")).alt_title == ""
    for note in ("[Review] [42 refs]", "[Erratum appears in Orthopade. 2019;48(2):180-181]",
                 "[Comment in: Orthopade 2018 Jun;47(6):450-451]", "[Article in German, English]"):  # fmt: skip
        assert prepare(cite("x", 1, f"{TRANSLATED} {note}")).alt_title == ""
    # another article's original title does not link it
    other = cite("ssci", 2, "Sturzprävention nach Hüftendoprothetik bei älteren Erwachsenen: eine Kohortenstudie",
                 **{**PLACE, "pages": "", "year": 2019})  # fmt: skip
    both = cite("embase", 1, f"{TRANSLATED} [{ORIGINAL}]", **PLACE)
    assert compare(prepare(both), prepare(other))[0] != "duplicate"


ABSTRACT = "Serum calprotectin predicts relapse after anti-TNF withdrawal in Crohn's disease"
MEETING = dict(journal="Journal of Crohn's and Colitis", year=2020, volume="14", issue="Suppl 1",
               authors=("Varga, Eszter",))  # fmt: skip


def test_a_record_type_one_export_left_out_does_not_part_one_abstract():
    # Embase types the abstract; another export calls everything an article
    typed = cite("embase", 1, ABSTRACT, pages="S412", record_type="conference-abstract", **MEETING)
    untyped = cite("wos", 2, ABSTRACT.upper(), pages="S412", **MEETING)
    assert compare(prepare(typed), prepare(untyped))[0] == "duplicate"
    # the abstract and a paper with its title elsewhere are still only asked about
    paper = cite("scopus", 3, ABSTRACT, pages="1012-1020", **{**MEETING, "volume": "15", "year": 2021})
    assert compare(prepare(typed), prepare(paper))[0] != "duplicate"
    # two abstracts on one page of the supplement stay apart
    other = cite("wos", 4, "Serum calprotectin predicts response to ustekinumab in Crohn's disease",
                 pages="S412", **MEETING)  # fmt: skip
    assert compare(prepare(typed), prepare(other))[0] != "duplicate"
