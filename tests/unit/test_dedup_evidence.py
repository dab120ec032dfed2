"""A DOI is evidence, not proof; generic titles and supplement pages identify nothing by themselves.

Records are built the way real exports carry them (Embase/Web of Science conference abstracts in an
ESMO/EASD supplement that has one DOI, journal columns that recur every issue), not copied from the
labelled sets, so the rules are tested on what other reviews' data will bring.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from litreview.dedup.cluster import link_fuzzy
from litreview.dedup.prepare import SHARED_DOI, prepare
from litreview.dedup.rules import compare
from litreview.records import Citation

SUPPLEMENT_DOI = "10.1093/annonc/mdz247"


def cite(i, title, **kw):
    kw.setdefault("source", "embase")
    return Citation(record_id=f"{kw['source']}:{i}", native_id=str(i), title=title, **kw)


def abstract(i, title, authors, pages, **kw):
    base = dict(doi=SUPPLEMENT_DOI, journal="Annals of Oncology", year=2019, volume="30", issue="Suppl 5",
                record_type="conference-abstract")  # fmt: skip
    return cite(i, title, authors=authors, pages=pages, **{**base, **kw})


ABSTRACTS = [
    abstract(1, "Nivolumab plus ipilimumab in poorly differentiated neuroendocrine carcinoma: a phase II basket trial",
             ("Klein, O", "Kee, D"), "v564"),
    abstract(2, "Circulating tumour DNA predicts relapse after adjuvant chemotherapy in stage III colon cancer",
             ("Tie, J", "Cohen, JD"), "v565"),
    abstract(3, "Temozolomide and capecitabine in pancreatic neuroendocrine tumours: real world outcomes",
             ("Rogers, JE",), "v566"),
    abstract(4, "Quality of life in older patients receiving immunotherapy for melanoma",
             ("Smith, A", "Jones, B"), "v567"),
]  # fmt: skip


def clusters(result):
    rep = {link.record_id: link.linked_to for link in result.links}
    return {r: rep.get(r, r) for r in rep} | {link.linked_to: link.linked_to for link in result.links}


def same_cluster(result, a, b):
    rep = {link.record_id: link.linked_to for link in result.links}
    return rep.get(a, a) == rep.get(b, b)


def test_abstracts_sharing_a_supplement_doi_are_kept_apart_and_listed():
    result = link_fuzzy(ABSTRACTS)
    assert result.links == []
    listed = {m.a for m in result.shared_doi} | {m.b for m in result.shared_doi}
    assert listed == {r.record_id for r in ABSTRACTS}
    assert all(m.reason.startswith("shared DOI") for m in result.shared_doi)
    assert len(result.shared_doi) <= len(ABSTRACTS)  # one pair a record, not every pair of a big supplement


def test_the_same_abstract_from_two_databases_still_links_on_its_doi():
    wos = cite(9, ABSTRACTS[0].title.upper(), source="wos", doi=SUPPLEMENT_DOI, year=2019, volume="30",
               pages="v564", authors=("Klein, Oliver",), journal="ANN ONCOL")  # fmt: skip
    result = link_fuzzy([*ABSTRACTS, wos])
    assert [(link.record_id, link.linked_to, link.rule) for link in result.links] in (
        [("wos:9", "embase:1", "exact-doi")],
        [("embase:1", "wos:9", "exact-doi")],
    )


def test_letter_page_abstract_numbers_conflict():
    a = abstract(
        1, "Outcomes of platinum etoposide in extrapulmonary neuroendocrine carcinoma", ("Lee, K",), "A128"
    )
    b = abstract(
        2, "Outcomes of platinum etoposide in extrapulmonary neuroendocrine carcinoma", ("Lee, K",), "A129"
    )
    kind, _, reason = compare(prepare(a), prepare(b))
    assert kind == "maybe" and "first pages differ" in reason  # same title on another page: a human decides


def test_no_chain_joins_abstracts_that_share_only_a_doi():
    # A record without DOI resembling abstract 1 closely and abstract 3 somewhat; and a copy of 3.
    bridge = cite(7, ABSTRACTS[0].title, source="scopus", year=2019, volume="30", pages="v564",
                  authors=("Klein, O",), journal="Ann Oncol", record_type="conference-abstract")  # fmt: skip
    copy3 = cite(8, ABSTRACTS[2].title, source="scopus", year=2019, volume="30", pages="v566",
                 authors=("Rogers, J",), journal="Ann Oncol", doi=SUPPLEMENT_DOI, record_type="conference-abstract")  # fmt: skip
    result = link_fuzzy([*ABSTRACTS, bridge, copy3])
    assert same_cluster(result, "embase:1", "scopus:7")
    assert same_cluster(result, "embase:3", "scopus:8")
    for i, a in enumerate(ABSTRACTS):
        for b in ABSTRACTS[i + 1 :]:
            assert not same_cluster(result, a.record_id, b.record_id)


def test_place_rules_never_join_supplement_abstracts_whose_titles_differ():
    place = dict(journal="Diabetologia", year=2020, volume="63", issue="Suppl 1", pages="S45-S46",
                 authors=("Müller, T", "Weber, K"))  # fmt: skip
    a = cite(1, "Glucagon response to hypoglycaemia in type 1 diabetes after islet transplantation", **place)
    b = cite(2, "Glucagon response to exercise in type 2 diabetes after bariatric surgery", **place)
    assert compare(prepare(a), prepare(b))[0] != "duplicate"
    assert link_fuzzy([a, b]).links == []
    # the same abstract twice (typo, other case) still links
    c = cite(3, "GLUCAGON RESPONSE TO HYPOGLYCEMIA IN TYPE 1 DIABETES AFTER ISLET TRANSPLANTATION", source="wos",
             **place)  # fmt: skip
    assert same_cluster(link_fuzzy([a, b, c]), "embase:1", "wos:3")


EDITORIAL = dict(journal="Journal of Thoracic Oncology", authors=("Mok, TS",), year=2018, volume="13")


def test_listed_generic_titles_link_only_on_volume_issue_and_pages():
    a = cite(1, "Editor's Comments", issue="4", pages="455", **EDITORIAL)
    b = cite(2, "Editors' comments.", source="medline", issue="6", pages="", **EDITORIAL)
    c = cite(3, "Editor's comments", source="medline", issue="4", pages="455", **EDITORIAL)
    d = cite(4, "Editor's Comments", source="wos", issue="", pages="", **EDITORIAL)
    result = link_fuzzy([a, b, c, d])
    assert same_cluster(result, "embase:1", "medline:3")  # same volume, issue and page: one item
    assert not same_cluster(result, "embase:1", "medline:2")
    assert not same_cluster(result, "embase:1", "wos:4")  # place unknown: a reviewer decides
    pairs = {frozenset((m.a, m.b)) for m in result.maybes}
    assert frozenset(("embase:1", "wos:4")) in pairs or frozenset(("medline:3", "wos:4")) in pairs


def test_titles_recurring_in_one_journal_are_generic_even_when_not_listed():
    column = "Remarks from the president of the society"  # in no list: found because it recurs
    issues = [
        cite(k, column, source=f"db{k}", issue=str(k), pages=str(100 * k), **EDITORIAL) for k in (1, 2, 3)
    ]
    undated = cite(9, column, source="wos", issue="", pages="", **EDITORIAL)
    result = link_fuzzy([*issues, undated])
    assert result.links == []
    assert {frozenset((m.a, m.b)) for m in result.maybes} >= {frozenset(("db1:1", "wos:9"))}
    # a short title at two places recurs too
    short = [cite(k, "Message from the chair", source=f"db{k}", issue=str(k), pages=str(9 * k), **EDITORIAL)
             for k in (1, 2)]  # fmt: skip
    assert link_fuzzy([*short, cite(9, "Message from the chair", source="wos", **EDITORIAL)]).links == []
    # without the recurrence the same title is an ordinary, identifying one
    assert same_cluster(link_fuzzy([issues[0], undated]), "db1:1", "wos:9")


def test_errata_replies_and_in_this_issue_with_other_pages_do_not_link():
    for title in ("Erratum", "In this issue", "Reply", "Correction"):
        a = cite(1, title, issue="3", pages="12", **EDITORIAL)
        b = cite(2, title, source="medline", issue="3", pages="88", **EDITORIAL)
        c = cite(3, title, source="wos", issue="3", **{**EDITORIAL, "volume": ""})
        assert link_fuzzy([a, b, c]).links == [], title


# ------------------------------------------------------------------------------- properties

CONTENT = ["glucagon", "insulin", "melanoma", "platinum", "etoposide", "islet", "transplant", "survival",
           "carcinoma", "pancreas", "immunotherapy", "diabetes", "exercise", "relapse", "adjuvant", "biopsy"]  # fmt: skip


@st.composite
def disjoint_titles(draw):
    words = draw(st.permutations(CONTENT))
    k = draw(st.integers(3, 6))
    m = draw(st.integers(3, 6))
    return " ".join(words[:k]), " ".join(words[k : k + m])


@settings(max_examples=150, deadline=None)
@given(disjoint_titles(), st.lists(st.sampled_from(["", "v12", "12-13", "A1"]), min_size=2, max_size=2),
       st.lists(st.sampled_from(["Lee, K", "Ng, P", ""]), min_size=2, max_size=2), st.data())  # fmt: skip
def test_same_doi_with_disjoint_content_words_is_never_one_cluster(titles, pages, authors, data):
    common = dict(doi=SUPPLEMENT_DOI, journal="Diabetes", year=2021, volume="70")
    x = cite(1, titles[0], pages=pages[0], authors=(authors[0],) if authors[0] else (), **common)
    y = cite(2, titles[1], pages=pages[1], authors=(authors[1],) if authors[1] else (), **common)
    # bridges: records without a DOI that copy either title, with or without the same place
    bridges = [
        cite(10 + k, (titles[0] if data.draw(st.booleans()) else titles[1]).upper(), source="wos",
             pages=data.draw(st.sampled_from(pages)), journal="Diabetes", year=2021, volume="70",
             authors=(data.draw(st.sampled_from(["Lee, K", "Ng, P"])),))
        for k in range(data.draw(st.integers(0, 4)))
    ]  # fmt: skip
    result = link_fuzzy([x, y, *bridges])
    assert not same_cluster(result, "embase:1", "embase:2")


UNRELATED = ["zebrafish", "hydrology", "volcanic", "linguistics", "orchestra", "glacier", "astronomy",
             "medieval", "seismic", "pottery", "algebra", "wetland"]  # fmt: skip


@settings(max_examples=100, deadline=None)
@given(st.lists(st.permutations(UNRELATED).map(lambda w: " ".join(w[:5])), min_size=1, max_size=6, unique=True),
       st.integers(1950, 1970))  # fmt: skip
def test_adding_unrelated_records_never_changes_existing_links(titles, year):
    base = [*ABSTRACTS, cite(20, ABSTRACTS[0].title, source="wos", doi=SUPPLEMENT_DOI, year=2019, volume="30",
                             pages="v564", authors=("Klein, O",))]  # fmt: skip
    base += [cite(30, "Editor's Comments", issue="4", pages="455", **EDITORIAL),
             cite(31, "Editor's Comments", source="medline", issue="4", pages="455", **EDITORIAL)]  # fmt: skip
    before = link_fuzzy(base)
    extra = [cite(100 + k, t, source="other", year=year + k, authors=(f"Author{k}, Q",), journal="Geology Today",
                  pages=f"{900 + k}-{910 + k}", volume=str(200 + k)) for k, t in enumerate(titles)]  # fmt: skip
    after = link_fuzzy([*base, *extra])
    assert after.links == before.links
    assert after.shared_doi == before.shared_doi
    assert [
        m for m in after.maybes if not m.a.startswith("other:") and not m.b.startswith("other:")
    ] == before.maybes


def test_shared_doi_kind_is_named():
    a, b = ABSTRACTS[0], ABSTRACTS[1]
    assert compare(prepare(a), prepare(b))[0] == SHARED_DOI


def test_a_record_without_title_is_not_linked_by_a_doi_known_to_be_shared():
    bare = cite(9, "", source="wos", doi=SUPPLEMENT_DOI, year=2019)
    result = link_fuzzy([*ABSTRACTS, bare])
    assert result.links == []
    assert any("wos:9" in (m.a, m.b) for m in result.maybes)
    # with a DOI that identifies one article the same bare record links
    article = cite(1, "Everolimus in neuroendocrine carcinoma", doi="10.1000/xyz", year=2019, volume="30")
    assert link_fuzzy([article, cite(9, "", source="wos", doi="10.1000/xyz", year=2019)]).links != []


def test_same_doi_and_title_in_other_volumes_or_years_is_not_linked():
    title = "Immunotherapy of established lesions caused by high-risk HPV"
    a = cite(1, title, doi="10.1000/shared", journal="Clinical Cancer Research", year=2010, volume="16")
    b = cite(2, title, source="wos", doi="10.1000/shared", journal="Cancer Prevention Research", year=2010,
             volume="3")  # fmt: skip
    c = cite(3, title, source="psyc", doi="10.1000/shared", year=2014)
    result = link_fuzzy([a, b, c])
    assert result.links == [] and len(result.maybes) >= 2
    # a short title found inside a long one is no agreement
    d = cite(4, "Atypical hemolytic uremic syndrome", doi="10.1000/s2", year=2012)
    e = cite(5, "An open-label trial of eculizumab in adult patients with atypical hemolytic uremic syndrome",
             source="wos", doi="10.1000/s2", year=2012)  # fmt: skip
    assert compare(prepare(d), prepare(e))[0] != "duplicate"


def test_a_doi_on_different_items_links_no_title_in_other_letters_by_itself():
    # the supplement's DOI on its abstracts and on a Japanese society's abstract (title in kana and kanji):
    # no title to compare with the others', no page, no name in Latin letters: nothing disagrees, but the DOI,
    # shown to name several items, links it to none
    japanese = cite(10, "切除不能膵神経内分泌腫瘍に対するエベロリムスの長期成績", doi=SUPPLEMENT_DOI,
                    journal="Annals of Oncology", year=2019, volume="30", issue="Suppl 5",
                    authors=("田中 健", "佐藤 亮"), record_type="conference-abstract")  # fmt: skip
    result = link_fuzzy([*ABSTRACTS, japanese])
    assert not any("embase:10" in (link.record_id, link.linked_to) for link in result.links)
    # where the DOI names one item only, it links a title in other letters at the item's page by its author
    translated = cite(11, "低分化型神経内分泌癌に対するニボルマブ+イピリムマブ：第II相バスケット試験", doi=SUPPLEMENT_DOI,
                      journal="Annals of Oncology", year=2019, volume="30", issue="Suppl 5", pages="v564",
                      authors=("Klein, O",), record_type="conference-abstract")  # fmt: skip
    assert link_fuzzy([ABSTRACTS[0], translated]).links
