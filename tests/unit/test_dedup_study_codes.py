"""A study's or trial's code in a title ("KEYNOTE-189", "CheckMate 227", "NCT03215706", "(JCOG1205)"): two
numbers of one code name two trials or two reports of a series, whatever else the titles share; one code
written two ways, or given by one export only, is one publication. Records built for each class."""

from __future__ import annotations

from tests.unit.test_dedup_variants import cite as record
from tests.unit.test_dedup_variants import linked as one_cluster

from litreview.dedup.prepare import prepare, title_codes
from litreview.dedup.rules import compare

TEAM = dict(authors=("Haraldsen, Tove", "Mbeki, Sipho"), year=2023, journal="Lancet Oncol", volume="24")


def test_a_code_is_read_however_an_export_writes_it():
    for text in ("(TORCH-04)", "TORCH 04 trial", "TORCH04", "TORCH-4", "TORCH\u20134"):
        assert title_codes(f"Adjuvant pembrolizumab in resected melanoma {text}") == (("torch", 4),), text
    assert title_codes("Five-year outcomes of CheckMate 227 part 1") == (("checkmate", 227),)
    assert title_codes("Results of the Keynote-671 study") == (("keynote", 671),)
    # words that number a part, a phase or a molecule name no study; a note about the record is no title
    assert title_codes("A phase 2 trial, part 3: interleukin-6 in type 2 diabetes") == ()
    assert title_codes("Gefitinib in lung cancer [Erratum appears in NCT00322452 record]") == ()


def test_two_numbers_of_one_code_are_two_trials_wherever_the_code_stands():
    pairs = (
        ("Sintilimab plus chemotherapy in oesophageal squamous cell carcinoma (ORIENT-15)",
         "Sintilimab plus chemotherapy in oesophageal squamous cell carcinoma (ORIENT-16)"),
        ("Health-related quality of life in CheckMate 227 with nivolumab plus ipilimumab",
         "Health-related quality of life in CheckMate 817 with nivolumab plus ipilimumab"),
        ("Surgery with or without adjuvant chemotherapy in stage II gastric cancer: JCOG1104",
         "Surgery with or without adjuvant chemotherapy in stage II gastric cancer: JCOG1105"),
        ("Protocol of a randomised trial of early mobilisation after hip fracture (NCT04215706)",
         "Protocol of a randomised trial of early mobilisation after hip fracture (NCT04215760)"),
    )  # fmt: skip
    for one, other in pairs:
        a, b = record("pubmed", 1, one, **TEAM), record("embase", 2, other, **TEAM)
        assert compare(prepare(a), prepare(b))[0] not in ("duplicate", "maybe"), one
        assert not one_cluster([a, b], "pubmed:1", "embase:2"), one
    # with the same pages and first author too: a series' two reports, not a mistyped digit
    a = record("pubmed", 1, pairs[2][0], pages="233-241", **TEAM)
    b = record("embase", 2, pairs[2][1], pages="233-241", **TEAM)
    assert compare(prepare(a), prepare(b))[0] != "duplicate"


def test_one_code_written_two_ways_or_left_out_by_one_export_is_one_publication():
    title = "Durvalumab after chemoradiation in limited-stage small-cell lung cancer"
    other_journal = {**TEAM, "journal": "The Lancet Oncology"}
    a = record("pubmed", 1, f"{title} (ADRIATIC-03)", **TEAM)
    for i, written in enumerate((f"{title} (ADRIATIC 03).", f"{title} (ADRIATIC-3)", f"{title} (ADRIATIC03)",
                                 f"{title}"), start=2):  # fmt: skip
        b = record("embase", i, written, **other_journal)
        assert compare(prepare(a), prepare(b))[0] == "duplicate", written
        assert one_cluster([a, b], "pubmed:1", f"embase:{i}"), written
    # in the words of the title too: one export writes the number without its leading zero
    a = record("pubmed", 1, "Long-term follow-up of the HOVON-08 trial in myeloma", **TEAM)
    b = record("scopus", 2, "Long-term follow-up of the HOVON 8 trial in myeloma", **other_journal)
    assert compare(prepare(a), prepare(b))[0] == "duplicate"


def test_one_doi_links_two_renderings_whose_codes_an_export_mistyped():
    doi = dict(doi="10.1016/S1470-2045(23)00112-4", pages="512-523", **TEAM)
    a = record("pubmed", 1, "Tislelizumab in nasopharyngeal carcinoma (RATIONALE-309)", **doi)
    b = record("wos", 2, "Tislelizumab in nasopharyngeal carcinoma (RATIONALE-390)", **doi)
    assert compare(prepare(a), prepare(b))[0] == "duplicate"
