from litreview.dedup.cluster import link_fuzzy
from litreview.identifiers import (
    normalise_accession,
    normalise_doi,
    normalise_nct,
    normalise_pmcid,
    normalise_pmid,
)
from litreview.records import Citation, Trial


def test_normalisers():
    assert normalise_doi("https://doi.org/10.1002/CNCR.31124.") == "10.1002/cncr.31124"
    assert normalise_doi("doi: 10.1159/000338794") == "10.1159/000338794"
    assert normalise_doi("not a doi") == ""
    assert normalise_pmid("PMID: 0031649320") == "31649320"
    assert normalise_nct("nct 2595424") == "NCT02595424"
    assert normalise_pmcid("PMCID: PMC0012345") == normalise_pmcid("pmc 12345") == "PMC12345"
    assert normalise_pmcid("10.1000/x") == ""
    assert normalise_accession("L612345678", "embase-update") == "embase:612345678"
    assert normalise_accession("612345678", "embase") == normalise_accession("EMBASE:L0612345678", "x")
    assert normalise_accession("WOS:000123456700001", "wos") == "wos:000123456700001"
    assert normalise_accession("2-s2.0-85012345678", "scopus") == "scopus:85012345678"
    # a bare number from another database is never taken for an Embase one
    assert normalise_accession("612345678", "psycinfo") == "psycinfo:612345678"


def c(rid, **kw):
    source, native = rid.split(":")
    return Citation(record_id=rid, source=source, native_id=native, **kw)


def test_doi_and_pmid_links_with_most_complete_representative():
    # identifiers link first, whatever the titles say (the fuzzy stage adds nothing here)
    records = [
        c("embase:h1", doi="10.1000/ABC", title="x"),
        c("pubmed:5", doi="10.1000/abc", pmid="5", title="x", journal="J", year=2020),
        c("other:9", pmid="5"),
        c("embase:h2", doi="10.1000/zzz"),
    ]
    links = {(link.record_id, link.linked_to, link.rule) for link in link_fuzzy(records)[0]}
    assert links == {("embase:h1", "pubmed:5", "exact-doi"), ("other:9", "pubmed:5", "exact-pmid")}


def test_different_dois_are_never_joined_by_pmid():
    records = [c("a:1", doi="10.1000/a", pmid="7"), c("b:1", doi="10.1000/b", pmid="7")]
    assert link_fuzzy(records)[0] == []


def test_trials_link_by_nct_only():
    t1 = Trial(record_id="ctgov:NCT00000001", source="ctgov", native_id="NCT00000001", nct_id="NCT00000001")
    t2 = Trial(record_id="import:NCT00000001", source="import", native_id="x", nct_id="nct00000001")
    pub = c("pubmed:1", nct_ids=("NCT00000001",))
    links = link_fuzzy([t1, t2, pub])[0]
    assert [(link.record_id, link.linked_to) for link in links] == [
        ("import:NCT00000001", "ctgov:NCT00000001")
    ]


def test_pmcid_and_accession_link_exactly():
    records = [
        c("embase:L612345678", accession="L612345678", title="Everolimus in NEC"),
        c("embaseupdate:612345678", accession="612345678", title="Everolimus in NEC: erratum corrected"),
        c("psycinfo:612345678", accession="612345678", title="Something else"),
        c("pubmed:5", pmcid="PMC77", title="A"),
        c("europepmc:9", pmcid="pmc77", title="B"),
    ]
    links = {(link.record_id, link.linked_to, link.rule) for link in link_fuzzy(records)[0]}
    assert ("embaseupdate:612345678", "embase:L612345678", "exact-accession") in links or (
        "embase:L612345678", "embaseupdate:612345678", "exact-accession") in links  # fmt: skip
    assert {rule for *_, rule in links} == {"exact-accession", "exact-pmcid"} and len(links) == 2
