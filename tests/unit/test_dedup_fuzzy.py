"""Fuzzy deduplication: normalisation, guards, the labelled sets' hardest cases, and properties."""

from hypothesis import given, settings
from hypothesis import strategies as st

from litreview.dedup.cluster import link_fuzzy, link_registrations
from litreview.dedup.prepare import (
    REGISTRATION,
    normalise_authors,
    normalise_title,
    page_range,
    pages_conflict,
    prepare,
)
from litreview.dedup.rules import compare
from litreview.records import Citation, Trial


def cite(i, title, **kw):
    return Citation(record_id=f"x:{i}", source="x", native_id=str(i), title=title, **kw)


def test_normalisation():
    assert (
        normalise_title("[The role of complement in physiology]. [Polish]")
        == "the role of complement in physiology"
    )
    assert (
        normalise_title("Dynamics of <i>HPV16</i> load.[Erratum appears in J Clin Virol. 2006;37(1):1]")
        == "dynamics of hpv16 load"
    )
    assert normalise_title("β-Catenin in NEC") == "beta catenin in nec"
    # a surname's particle left out: "Le Quintrec, M" (Scopus) = "Le Quintrec M" (MEDLINE) = "Quintrec, M. Le"
    assert normalise_authors(["Zuber, J.", "Le Quintrec, M", "et al."]) == ("zuber", "quintrec")
    assert normalise_authors(["Le Quintrec M"]) == normalise_authors(["Quintrec, M. Le"]) == ("quintrec",)
    assert page_range("S417-S429") == ("417", "429") and page_range("123-9") == ("123", "129")
    assert page_range("Suppl-29") == ("", "29") and page_range("e12724") == ("e12724", "e12724")
    assert not pages_conflict(page_range("487-488"), page_range("488"))
    assert not pages_conflict(page_range("2665-2668"), page_range("t-8"))
    assert pages_conflict(page_range("23-35"), page_range("36-40"))


TITLE = "Everolimus and temozolomide in advanced gastroenteropancreatic neuroendocrine carcinoma"


def test_guards_keep_distinct_things_apart():
    base = dict(year=2017, pages="10-20", volume="5", authors=("Smith, J",), journal="Ann Oncol")
    a = prepare(cite(1, TITLE, **base))
    assert (
        compare(
            prepare(cite(1, TITLE, doi="10.1000/a", **base)), prepare(cite(2, TITLE, doi="10.1000/b", **base))
        )[0]
        == ""
    )
    assert compare(a, prepare(cite(2, TITLE, **{**base, "year": 2020})))[2] == "years more than one apart"
    # same title on other pages, or an erratum: never linked, asked about
    assert compare(a, prepare(cite(2, TITLE, **{**base, "pages": "30-40"})))[:3:2] == (
        "maybe",
        "same title, different pages",
    )
    assert compare(a, prepare(cite(2, "Erratum: " + TITLE, **base)))[0] == "maybe"
    assert compare(a, prepare(cite(2, "Erratum: the dosing table of another trial", **base)))[0] == ""
    part_one = prepare(cite(1, TITLE + " part 1", **base))
    assert compare(part_one, prepare(cite(2, TITLE + " part 2", **base)))[0] != "duplicate"
    registration = dict(year=2011, authors=("Alexion Pharmaceuticals",))  # trial records: no pages
    adult = prepare(
        cite(3, "Eculizumab in adult patients with atypical haemolytic uraemic syndrome", **registration)
    )
    child = prepare(
        cite(4, "Eculizumab in pediatric patients with atypical haemolytic uraemic syndrome", **registration)
    )
    assert compare(adult, child)[0] != "duplicate"
    abstract = prepare(cite(5, TITLE, record_type="conference-abstract", **base))
    assert compare(a, abstract)[0] == "maybe"


def test_one_place_identifies_a_notice_or_an_article():
    notice = dict(
        year=2003, pages="616", volume="142", issue="6", authors=("Veyradier, A",), journal="J Pediatr"
    )
    labelled = prepare(cite(1, "Erratum: " + TITLE, **notice))
    # one correction notice, labelled "Erratum:" by one database only: same volume, issue and page
    assert compare(labelled, prepare(cite(2, TITLE, **notice)))[0] == "duplicate"
    # an article and its correction in another issue stay apart; so does a letter on the same page
    assert compare(labelled, prepare(cite(2, TITLE, **{**notice, "issue": "9"})))[0] != "duplicate"
    letter = prepare(cite(1, "Comment on: " + TITLE, **notice))
    assert compare(letter, prepare(cite(2, TITLE, **notice)))[0] != "duplicate"
    # a retracted article, its title marked "RETRACTED:" by one database, on the article's own pages; its
    # retraction notice, in a later issue on a page of its own, stays apart
    article = dict(year=2019, pages="211-219", volume="48", issue="3", authors=("Okafor, C",), journal="Gut")
    marked = prepare(cite(5, "RETRACTED: " + TITLE, **article))
    assert compare(marked, prepare(cite(6, TITLE, **article)))[0] == "duplicate"
    retraction = prepare(cite(7, "Retraction: " + TITLE, **{**article, "issue": "7", "pages": "1102"}))
    assert compare(retraction, prepare(cite(6, TITLE, **article)))[0] != "duplicate"
    assert compare(marked, prepare(cite(6, TITLE, **{**article, "issue": "4"})))[0] != "duplicate"
    # a translated title at the same place by the same first author: the article's own span identifies it
    place = dict(year=2010, pages="30-38", volume="30", authors=("Andres, A.",), journal="Nefrologia")
    english = prepare(cite(3, "Indications and contraindications for living kidney donations", **place))
    translated = "[Indications and contraindications of living-donor kidney transplantation]. [Spanish]"
    assert compare(english, prepare(cite(4, translated, **place)))[:3:2] == ("duplicate", "same-place+author")
    assert (
        compare(english, prepare(cite(4, translated, **{**place, "authors": ("Lopez, B.",)})))[0]
        != "duplicate"
    )
    english_title = "Indications and contraindications for living kidney donations"

    def linked(**kw):
        return (
            compare(prepare(cite(3, english_title, **kw)), prepare(cite(4, translated, **kw)))[0]
            == "duplicate"
        )

    assert linked(**place)
    assert not linked(**{**place, "pages": "1-250"})  # a whole supplement's span: every abstract carries it
    assert not linked(record_type="conference-abstract", **place)


def test_database_corruption_still_links():
    a = prepare(cite(1, TITLE + ". [Review] [33 refs]", year=2011, pages="S417-S429", volume="45",
                     authors=("Meijer, C.J.L.M.",), journal="Journal of Clinical Virology"))  # fmt: skip
    b = prepare(cite(2, TITLE.upper(), year=2011, pages="Suppl-29", volume="45", authors=("Meijer, C J",),
                     journal="J Clin Virol"))  # fmt: skip
    assert compare(a, b)[0] == "duplicate"


def test_links_never_join_two_dois_even_through_a_chain():
    records = [
        cite(1, TITLE, doi="10.1000/a", year=2017),
        cite(2, TITLE, year=2017),
        cite(3, TITLE, doi="10.1000/b", year=2017),
    ]
    links, maybes, _ = link_fuzzy(records)
    clusters = {}
    for link in links:
        clusters.setdefault(link.linked_to, {link.linked_to}).add(link.record_id)
    for members in clusters.values():
        assert len({r.doi for r in records if r.record_id in members and r.doi}) <= 1
    assert maybes


def test_trial_publication_links_are_not_duplicates():
    trial = Trial(
        record_id="ctgov:NCT02113800", source="ctgov", native_id="NCT02113800", nct_id="NCT02113800"
    )
    paper = cite(1, "EVINEC results", nct_ids=("NCT02113800",))
    (link,) = link_registrations([trial, paper])
    assert link.link_type == REGISTRATION and link.record_id == "x:1"
    assert link_fuzzy([trial, paper])[0] == []


def test_a_registry_record_and_a_publication_with_its_title_are_no_maybe_pair():
    # a reviewer may only call them distinct (relink refuses "same"): the publication is linked to the
    # trial as a registration, by its NCT id, and a pair to check would be noise in the queue
    title = (
        "Durvalumab plus tremelimumab in advanced, refractory gastroenteropancreatic neuroendocrine carcinoma"
    )
    trial = Trial(record_id="ctgov:NCT09999991", source="ctgov", native_id="NCT09999991", nct_id="NCT09999991",
                  title=title, start_date="2019-01")  # fmt: skip
    abstract = cite(1, "LBA12 - " + title + " (DUNE-NEC)", journal="Ann Oncol", year=2019, volume="30",
                    pages="v912")  # fmt: skip
    copy = Trial(record_id="import:NCT09999991", source="import", native_id="y", nct_id="", title=title)
    linkage = link_fuzzy([trial, abstract, copy])
    assert not [m for m in linkage.maybes if "x:1" in (m.a, m.b)]
    assert all("x:1" not in (link.record_id, link.linked_to) for link in linkage.links)


WORDS = ["neuroendocrine", "carcinoma", "everolimus", "platinum", "etoposide", "survival", "phase", "trial",
         "gastric", "pancreatic", "response", "outcomes", "cohort", "registry", "temozolomide"]  # fmt: skip


@st.composite
def record_sets(draw):
    n = draw(st.integers(min_value=2, max_value=14))
    records = []
    for i in range(n):
        if records and draw(st.booleans()):
            src = draw(st.sampled_from(records))
            records.append(Citation(record_id=f"x:{i}", source="x", native_id=str(i), title=src.title.upper(),
                                    year=src.year, pages=src.pages, doi=src.doi, authors=src.authors))  # fmt: skip
        else:
            title = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=5, max_size=9)))
            doi = draw(st.sampled_from(["", "", "10.1000/a", "10.1000/b", "10.1000/c"]))
            records.append(Citation(record_id=f"x:{i}", source="x", native_id=str(i), title=title, doi=doi,
                                    year=draw(st.integers(2000, 2003)), pages=draw(st.sampled_from(["", "1-9", "10-19"])),
                                    authors=(draw(st.sampled_from(["Smith, J", "Chan, K"])),)))  # fmt: skip
    return records


@settings(max_examples=150, deadline=None)
@given(record_sets(), st.randoms())
def test_properties(records, rnd):
    result = link_fuzzy(records)
    links = result.links
    # independent of input order
    shuffled = list(records)
    rnd.shuffle(shuffled)
    assert link_fuzzy(shuffled) == result
    # idempotent: linking the same records again gives the same links
    assert link_fuzzy(records) == result
    by_id = {r.record_id: r for r in records}
    rep = {link.record_id: link.linked_to for link in links}
    # a record and its copy with the same DOI (content agrees) are always linked
    for a in records:
        for b in records:
            same = (a.title.lower(), a.year, a.pages, a.authors) == (
                b.title.lower(),
                b.year,
                b.pages,
                b.authors,
            )
            if a.record_id < b.record_id and a.doi and a.doi == b.doi and same:
                assert rep.get(a.record_id, a.record_id) == rep.get(b.record_id, b.record_id)
    # records with different DOIs are never in one cluster
    for link in links:
        x, y = by_id[link.record_id], by_id[link.linked_to]
        assert not (x.doi and y.doi and x.doi != y.doi)
    clusters = {}
    for r in records:
        clusters.setdefault(rep.get(r.record_id, r.record_id), set()).add(r.doi)
    assert all(len(dois - {""}) <= 1 for dois in clusters.values())


def test_reviewer_verdicts_overrule_every_rule():
    base = dict(year=2017, pages="10-20", volume="5", authors=("Smith, J",), journal="Ann Oncol")
    a = cite(1, TITLE, doi="10.1000/preprint", **base)
    b = cite(2, TITLE, doi="10.1000/paper", **base)  # a preprint and its paper: rules keep DOIs apart
    c = cite(3, TITLE, **base)
    links, maybes, _ = link_fuzzy([a, b, c])
    assert {(link.record_id, link.linked_to) for link in links} in ({("x:3", "x:1")}, {("x:3", "x:2")})
    # "same" joins what the DOI rule keeps apart; "distinct" splits even a chain through x:3
    links, maybes, _ = link_fuzzy([a, b, c], verdicts={("x:1", "x:2"): "same", ("x:1", "x:3"): "distinct"})
    clusters = {link.record_id: link.linked_to for link in links}
    assert len(clusters) == 1 and set(clusters.items()) <= {("x:2", "x:1"), ("x:1", "x:2")}
    assert all({m.a, m.b} != {"x:1", "x:2"} for m in maybes)
    links, _, _ = link_fuzzy([a, c], verdicts={("x:1", "x:3"): "distinct"})
    assert links == []
