"""Registered trials linked to the publications that report them (each kind of evidence, near misses,
common-word acronyms), the registry's references on the Trial record (stored forms and hashes kept),
and results suggested from every linked abstract (units, arms, ambiguity left blank)."""

from __future__ import annotations

import json
import re

from tests.conftest import REVIEW

from litreview.extract import links as links_module
from litreview.extract import rows as rows_module
from litreview.extract import tables as tables_module
from litreview.extract.links import (
    ACRONYM,
    DATABANK,
    MAX_ACRONYM_PUBLICATIONS,
    REGISTRY,
    SECONDARY_ID,
    TEXT,
    link_trials,
    linked_to,
    normal_nct,
)
from litreview.extract.rows import derive_row, linked_publications
from litreview.extract.spec import load_spec
from litreview.extract.tables import build_tables
from litreview.records import Citation, Provenance, content_hash, from_dict, stored_form, to_dict
from litreview.sources.ctgov import study_to_trial
from litreview.store.workspace import Workspace

SPEC = load_spec(REVIEW / "extraction.toml")


def trial(nct: str, acronym: str = "", references: list[dict] | None = None):
    """A CT.gov API v2 study as the registry sends it, flattened by the real parser."""
    protocol = {
        "identificationModule": {"nctId": nct, "briefTitle": f"Chemotherapy in neuroendocrine carcinoma ({nct})",
                                 **({"acronym": acronym} if acronym else {})},
        "statusModule": {"overallStatus": "COMPLETED"},
        "designModule": {"phases": ["PHASE2"], "studyType": "INTERVENTIONAL"},
    }  # fmt: skip
    if references is not None:
        protocol["referencesModule"] = {"references": references}
    return study_to_trial({"protocolSection": protocol, "hasResults": False})


def pub(native: str, title: str = "", abstract: str = "", *, pmid: str = "", doi: str = "",
        nct_ids: tuple[str, ...] = (), payload: str = "efetch.xml") -> Citation:  # fmt: skip
    return Citation(record_id=f"pubmed:{native}", source="pubmed", native_id=native, title=title,
                    abstract=abstract, pmid=pmid, doi=doi, nct_ids=nct_ids,
                    provenance=Provenance("pubmed", native, "r1", payload, 1))  # fmt: skip


def kinds(links, trial_obj, publication):
    return [
        k.kind for k in links if k.trial == trial_obj.record_id and k.publication == publication.record_id
    ]


# -- links ----------------------------------------------------------------------------------------


def test_registry_references_by_pmid_and_doi_link_and_say_so():
    t = trial("NCT03387592", references=[
        {"pmid": "33171253", "type": "RESULT", "citation": "Frizziero M, et al. Second-line FOLFIRI or CAPTEM. Eur J Cancer. 2021."},
        {"type": "DERIVED", "citation": "Walter T, et al. Lancet Oncol. 2017. doi: 10.1016/S1470-2045(17)30079-6."},
    ])  # fmt: skip
    by_pmid = pub(
        "33171253", "Second-line therapy in extrapulmonary neuroendocrine carcinoma", pmid="33171253"
    )
    by_doi = pub("2", "Platinum resistance in NEC", doi="10.1016/s1470-2045(17)30079-6")
    other = pub("3", "Another study", pmid="33171254")
    links = link_trials([t], [by_pmid, by_doi, other])
    assert kinds(links, t, by_pmid) == [REGISTRY] and "33171253" in links[0].evidence
    assert kinds(links, t, by_doi) == [REGISTRY] and "doi" in links[1].evidence
    assert kinds(links, t, other) == []


def test_background_references_are_other_trials_papers_and_do_not_link():
    """Trial A's registry cites trial B's paper as BACKGROUND: that paper reports B, not A, and B's
    results must not reach A's row."""
    b_paper = pub("29456789", "FOLFIRI in extrapulmonary NEC: the NET-02 trial", pmid="29456789",
                  abstract="Median OS was 6.4 months.", doi="10.1016/j.annonc.2018.01.001")  # fmt: skip
    a = trial("NCT04042714", references=[
        {"pmid": "29456789", "type": "BACKGROUND", "citation": "NET-02 investigators. Ann Oncol. 2018."},
        {"type": "BACKGROUND", "citation": "Same paper. doi: 10.1016/j.annonc.2018.01.001"},
        {"pmid": "31234567", "type": "RESULT", "citation": "A's own results. 2020."},
    ])  # fmt: skip
    assert a.reference_pmids == ("31234567",) and a.reference_dois == ()
    own = pub("31234567", "Results of trial A", pmid="31234567", abstract="Median OS was 9.9 months.")
    links = link_trials([a], [b_paper, own])
    assert kinds(links, a, b_paper) == [] and kinds(links, a, own) == [REGISTRY]
    assert derive_row(a, SPEC, linked_publications(a, [b_paper, own])).cells["results"].value == (
        "median OS: 9.9 months (PMID 31234567)"
    )
    # a record stored with the old reading (BACKGROUND kept in its fields) is read again from its study
    stored = from_dict({**to_dict(a), "reference_pmids": ["29456789", "31234567"]})
    assert kinds(link_trials([stored], [b_paper]), stored, b_paper) == []


def test_metadata_ids_are_databank_from_pubmed_xml_and_secondary_ids_from_medline_text():
    t = trial("NCT03837977")
    xml = pub("1", "Liposomal irinotecan in NEC", nct_ids=("NCT03837977",), payload="snapshot/efetch-1.xml")
    medline = pub("2", "Liposomal irinotecan in NEC", nct_ids=("NCT03837977",), payload="export.nbib")
    links = link_trials([t], [xml, medline])
    assert kinds(links, t, xml) == [DATABANK] and kinds(links, t, medline) == [SECONDARY_ID]
    assert all("NCT03837977" in k.evidence for k in links)


def test_nct_ids_in_text_are_normalised_and_a_near_miss_does_not_link():
    t = trial("NCT03079440")
    spaced = pub("1", "Temozolomide and capecitabine in G3 NEN",
                 "Methods: single-arm phase II (ClinicalTrials.gov nct 03079440). Results: ...")  # fmt: skip
    near = pub("2", "A trial registered as NCT03079441", "Registered at ClinicalTrials.gov (NCT03079441).")
    longer = pub("3", "", "Registered as NCT030794401.")
    links = link_trials([t], [spaced, near, longer])
    assert (
        kinds(links, t, spaced) == [TEXT] and '"' in links[0].evidence and "nct 03079440" in links[0].evidence
    )
    assert kinds(links, t, near) == [] and kinds(links, t, longer) == []
    assert normal_nct("nct 03079440") == "NCT03079440" and normal_nct("NCT0307944") == ""


def test_a_publication_naming_two_trials_links_to_both():
    a, b = trial("NCT03278405", acronym="NET-001"), trial("NCT03352934")
    both = pub("1", "Avelumab in G2-3 neuroendocrine neoplasms: combined results from two trials",
               "Patients were enrolled in NET-001 and in NCT03352934; we pooled both cohorts.")  # fmt: skip
    links = link_trials([a, b], [both])
    assert kinds(links, a, both) == [ACRONYM] and kinds(links, b, both) == [TEXT]
    assert linked_to(a, links) == linked_to(b, links) == [both.record_id]


def test_acronyms_link_only_when_distinctive():
    seneca = trial("NCT03387592", acronym="SENECA")
    impact = trial("NCT09999991", acronym="IMPACT")  # a common word: trials and titles use it alike
    dune = trial("NCT03095274", acronym="DUNE")  # four letters: too short to name a trial alone
    papers = [
        pub("1", "Second-line FOLFIRI or CAPTEM in EP-NEC (SENECA trial): a study protocol"),
        pub("2", "Impact of second-line chemotherapy on survival in extrapulmonary NEC"),
        pub("3", "THE IMPACT OF PLATINUM RESISTANCE IN EXTRAPULMONARY NEUROENDOCRINE CARCINOMA"),
        pub("4", "Results of the IMPACT registry in neuroendocrine carcinoma"),
        pub("5", "Durvalumab plus tremelimumab in NEC: the DUNE trial"),
    ]
    links = link_trials([seneca, impact, dune], papers)
    assert [(k.trial, k.publication) for k in links] == [(seneca.record_id, "pubmed:1")]
    # "impact" as an ordinary word is what keeps it out: without it, the upper-case IMPACT names the trial
    alone = link_trials([impact], [papers[2], papers[3]])
    assert [k.publication for k in alone] == ["pubmed:4"]  # the all-capitals title says nothing


def test_linked_publications_uses_the_links_in_the_publications_order():
    t = trial("NCT03837977", acronym="NET-02")
    papers = [
        pub("1", "NET-02 trial protocol"),
        pub("2", "Unrelated"),
        pub("3", "", "Registered: NCT03837977."),
    ]
    assert [p.record_id for p in linked_publications(t, papers)] == ["pubmed:1", "pubmed:3"]


# -- the Trial record keeps the registry's references, without changing stored forms --------------


def test_references_parsed_round_tripped_and_kept_out_of_the_hash(tmp_path):
    refs = [{"pmid": "33171253", "type": "RESULT", "citation": "x. doi:10.1016/j.ejca.2020.11.008."}]
    t = trial("NCT03387592", references=refs)
    assert t.reference_pmids == ("33171253",) and t.reference_dois == ("10.1016/j.ejca.2020.11.008",)
    assert from_dict(to_dict(t)) == t and from_dict(json.loads(stored_form(t)[0])) == t
    without = trial("NCT03387592")
    assert "reference_pmids" not in to_dict(without)  # records without references: JSON as before
    # the same study stored before the fields existed: same hash, so an update sees no change
    old = {k: v for k, v in to_dict(t).items() if k not in ("reference_pmids", "reference_dois")}
    assert content_hash(from_dict(old)) == content_hash(t) == stored_form(t)[1]
    with Workspace(tmp_path / "ws", "t") as ws, ws.transaction():
        ws.start_run("r1")
        ws.store_records("r1", [from_dict(old)])
        stats = ws.store_records("r2", [t])
    assert (stats.new, stats.changed, stats.unchanged) == (0, 0, 1)
    # and such a stored record still links by its registry references (read from its study)
    links = link_trials([from_dict(old)], [pub("33171253", "FOLFIRI or CAPTEM", pmid="33171253")])
    assert [k.kind for k in links] == [REGISTRY]


# -- results from the linked abstracts ------------------------------------------------------------


def results(*abstracts: str):
    t = trial("NCT03387592")
    papers = [
        pub(str(i), "", f"Registered as NCT03387592. {a}", pmid=str(1000 + i))
        for i, a in enumerate(abstracts)
    ]
    return derive_row(t, SPEC, papers).cells["results"]


def test_median_os_per_arm_with_the_sentence_as_evidence():
    sentence = "Median OS was 11.2 months in arm A and 8.1 months in arm B (HR 0.71)."
    cell = results(sentence)
    assert cell.value == "median OS: 11.2 months (arm A), 8.1 months (arm B) (PMID 1000)"
    [evidence] = cell.evidence
    start, end = map(int, re.search(r"abstract\[(\d+):(\d+)\]", evidence).groups())
    abstract = f"Registered as NCT03387592. {sentence}"
    assert abstract[start:end] == sentence and evidence.endswith(f'"{sentence}"')


def test_weeks_orr_and_every_linked_abstract():
    cell = results(
        "Median PFS was 12 weeks (95% CI, 8-16 weeks) in the FOLFIRI arm and 9 weeks in the CAPTEM arm.",
        "The objective response rate was 18.5% (95% CI 7-35%).",
    )
    assert cell.value == ("median PFS: 12 weeks (FOLFIRI arm), 9 weeks (CAPTEM arm) (PMID 1000); "
                          "ORR: 18.5% (PMID 1001)")  # fmt: skip
    assert len(cell.evidence) == 2 and "objective response rate was 18.5%" in cell.evidence[1]


def test_two_medians_without_arms_are_left_blank_and_the_evidence_says_so():
    cell = results("Median OS was 11.2 months and 8.1 months, respectively. Median PFS was 3.5 mo.")
    assert cell.value == "median PFS: 3.5 months (PMID 1000)"
    note = next(e for e in cell.evidence if e.startswith("median OS"))
    assert "left blank" in note and "11.2 months, 8.1 months" in note and "no arm" in note


def test_each_value_takes_only_the_arm_named_in_its_own_place():
    # the arm after the first value is the first's: the second, "in the remaining participants", has none
    # ("in the control patients" names a group: patients after a preposition are one)
    cell = results("Median PFS was 11.2 months in arm A and 8.1 months in the remaining participants.")
    assert cell.value == ""
    [note] = cell.evidence
    assert "left blank" in note and "11.2 months, 8.1 months" in note and "no arm" in note
    # an arm named before the second value, after the first one's, is the second's
    cell = results("Median PFS was 11.2 months in arm A, while in arm B it was 8.1 months.")
    assert cell.value == "median PFS: 11.2 months (arm A), 8.1 months (arm B) (PMID 1000)"
    # the same value in both: the outcome's value, whichever arm
    cell = results("Median PFS was 8.1 months in arm A and 8.1 months in the remaining participants.")
    assert cell.value == "median PFS: 8.1 months (PMID 1000)"


def test_a_confidence_interval_is_not_a_second_value():
    for sentence in (
        "Median PFS was 5.0 months (95% CI 3.1 - 7.2 months).",
        "Median PFS was 5.0 months (95% CI, 3.1 to 7.2 months).",
        "Median PFS was 5.0 months (95% CI 3.1 months – 7.2 months).",
    ):
        cell = results(sentence)
        assert cell.value == "median PFS: 5.0 months (PMID 1000)", sentence
    cell = results("The ORR was 20% (95% CI 9 - 35%) in arm A and 10% in arm B.")
    assert cell.value == "ORR: 20% (arm A), 10% (arm B) (PMID 1000)"


def test_an_acronym_the_corpus_uses_widely_or_as_a_word_does_not_link():
    covid = trial("NCT04400000", acronym="COVID-19")
    net02 = trial("NCT03837977", acronym="NET-02")
    pandemic = [
        pub(str(i), f"Cancer care during the COVID-19 pandemic ({i})", "Delays in NEC treatment.")
        for i in range(MAX_ACRONYM_PUBLICATIONS + 1)
    ]
    own = pub("net", "NET-02: liposomal irinotecan in extrapulmonary NEC")
    links = link_trials([covid, net02], [*pandemic, own])
    assert [(k.trial, k.publication) for k in links] == [(net02.record_id, own.record_id)]
    # a few mentions are distinctive enough: the cap is what keeps COVID-19 out
    few = link_trials([covid], pandemic[:MAX_ACRONYM_PUBLICATIONS])
    assert len(few) == MAX_ACRONYM_PUBLICATIONS
    # an acronym with a digit the corpus writes as an ordinary word ("Covid-19") names nothing either
    word = pub("w", "Covid-19 and neuroendocrine carcinoma", "Outcomes of Covid-19 in NEC.")
    assert link_trials([covid], [pandemic[0], word]) == []


def test_derive_row_uses_the_callers_links_and_build_tables_links_once(monkeypatch):
    t = trial("NCT03387592")
    # linked by the caller (say, by a DOI the registry lists): derive_row does not link again
    by_caller = pub("7", "SENECA results", "Median OS was 7.4 months.", pmid="34000000")
    assert derive_row(t, SPEC, [by_caller]).cells["results"].value == "median OS: 7.4 months (PMID 34000000)"
    calls = []
    real = links_module.link_trials

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(links_module, "link_trials", counting)
    monkeypatch.setattr(rows_module, "link_trials", counting)
    monkeypatch.setattr(tables_module, "link_trials", counting)
    papers = [pub(str(i), "", f"Registered as NCT03387592. Median OS was {i}.5 months.") for i in range(3)]
    tables = build_tables([t, trial("NCT03837977")], SPEC, papers)
    assert len(calls) == 1 and "median OS: 0.5 months" in tables.rows[0].cells["results"].value
