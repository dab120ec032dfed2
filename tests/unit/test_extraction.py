"""Extraction: the drug lexicon, each derivation rule, overrides and the table outputs."""

import json
import re
import time

import pytest
from tests.conftest import DATA, REVIEW

from litreview.errors import RecordParseError
from litreview.extract.rows import derive_row as derive
from litreview.extract.rows import linked_publications
from litreview.extract.spec import load_spec
from litreview.extract.tables import build_tables, read_overrides, write_tables
from litreview.records import Citation
from litreview.sources.ctgov import load_ctgov_json, study_to_trial

NOT_DRUGS = r"treatment|assessment|procedure|surgery|radiotherapy|observation"
SPEC = load_spec(REVIEW / "extraction.toml")  # the EP-PD-NEC review's extraction knowledge


def load_lexicon():
    return SPEC.lexicon


def derive_row(trial, publications=()):
    return derive(trial, SPEC, publications)


def shared_trials():
    return [t for p in sorted((DATA / "ctgov").glob("NCT*.json")) for t in load_ctgov_json(p)]


def test_every_shared_intervention_resolves():
    import re

    lexicon = load_lexicon()
    for trial in shared_trials():
        for item in (
            trial.study["protocolSection"].get("armsInterventionsModule", {}).get("interventions", [])
        ):
            name = item["name"]
            assert lexicon.find(name) or re.search(NOT_DRUGS, name, re.I), (trial.nct_id, name)


@pytest.mark.parametrize(
    ("text", "drugs"),
    [
        ("CAPTEM", ["capecitabine", "temozolomide"]),
        ("mFOLFIRINOX", ["5-FU", "folinic acid", "irinotecan", "oxaliplatin"]),
        ("EP-NEC after platinum-etoposide", ["etoposide"]),  # "EP" inside EP-NEC is not a regimen
        ("EP or EC", ["etoposide", "cisplatin", "etoposide", "carboplatin"]),
        ("nal-IRI + 5FU/LV", ["liposomal irinotecan", "5-FU"]),
        ("JS001, IBI308, PDR001, AK104", ["toripalimab", "sintilimab", "spartalizumab", "cadonilimab"]),
        ("BAY2757556 and MLN8237", ["larotrectinib", "alisertib"]),
        ("NKTR-102 after Rova-T", ["etirinotecan pegol", "rovalpituzumab tesirine"]),
        (
            "Zaltrap (VEGF Trap) with FOLFIRI",
            ["aflibercept", "aflibercept", "5-FU", "folinic acid", "irinotecan"],
        ),
        ("mFOLFOX6", ["5-FU", "folinic acid", "oxaliplatin"]),
        # one fixed-dose tablet, written as two drugs joined as a cell joins drugs
        ("Trifluridine + tipiracil, then trifluridine plus tipiracil", ["TAS-102", "TAS-102"]),
        # the oxazaphosphorines by name, brand and (newer ones) INN stem "-fosfamide"; a radioligand's
        # INN and its isotope spelt out
        (
            "Holoxan then Endoxan; evofosfamide; Lutetium-177 dotatate or lutetium (177Lu) edotreotide",
            ["ifosfamide", "cyclophosphamide", "evofosfamide", "177Lu-DOTATATE", "177Lu-edotreotide"],
        ),
        # NCIt's preferred name of nab-paclitaxel holds "paclitaxel": the longer name is the drug
        (
            "Abraxane; paclitaxel albumin-stabilized nanoparticle formulation",
            ["nab-paclitaxel", "nab-paclitaxel"],
        ),
        # microtubule agents of other families, by brand and code too; a word holding a name is none
        ("Halaven (E7389) or Ixempra; UTD1", ["eribulin", "eribulin", "ixabepilone", "utidelone"]),
        ("eribulinoid analogue", []),
    ],
)
def test_lexicon_names_codes_and_regimens(text, drugs):
    assert [m.drug for m in load_lexicon().find(text)] == drugs


def study(nct="NCT00000001", **modules):
    protocol = {"identificationModule": {"nctId": nct, **modules.pop("ident", {})}}
    protocol.update(modules)
    return study_to_trial({"protocolSection": protocol})


def test_design_rules():
    def design(**kw):
        return derive_row(study(**kw)).cells["design"].value

    assert design(designModule={"phases": ["PHASE2"]}) == "Phase II"
    assert (
        design(designModule={"phases": ["PHASE2"], "designInfo": {"allocation": "RANDOMIZED"}})
        == "Randomised phase II"
    )
    assert design(designModule={"phases": ["PHASE1", "PHASE2"]}) == "Phase I/II"
    assert design(designModule={"phases": ["PHASE1", "PHASE2"]},
                  eligibilityModule={"eligibilityCriteria": "* phase 2a expansion cohort"}) == "Phase I/IIa"  # fmt: skip
    assert design(designModule={"phases": ["PHASE1", "PHASE2"]},
                  ident={"officialTitle": "An Open-label Phase I / IIa Trial of X"}) == "Phase I/IIa"  # fmt: skip
    assert (
        design(designModule={"phases": ["PHASE1"]}, ident={"briefTitle": "A Phase 1b Study of X + Y"})
        == "Phase Ib"
    )
    assert (
        design(designModule={"phases": ["PHASE2"]}, ident={"briefTitle": "A Phase 1b/2 Study"}) == "Phase II"
    )
    assert (
        design(designModule={"phases": ["PHASE2"]}, ident={"briefTitle": "A basket trial of X"})
        == "Phase II Basket"
    )
    # the title's own "prospective phase II", the paper's word; not when other words come between
    prospective = {"officialTitle": "A Multicentre Prospective Phase 2 Trial of X in High-grade NEC"}
    assert design(designModule={"phases": ["PHASE2"]}, ident=prospective) == "Prospective phase II"
    assert (
        design(
            designModule={"phases": ["PHASE2"]},
            ident={"briefTitle": "A Prospective, Open-label, Phase 2 Trial"},
        )
        == "Phase II"
    )
    trial = study(ident={"acronym": "NET-02"})
    pub = Citation(
        record_id="e:1",
        source="e",
        native_id="1",
        title="NET-02: a multicentre, randomised, phase II trial of X",
    )
    assert derive_row(trial, [pub]).cells["design"].value == "Randomised phase II"


def site_cell(criterion: str):
    """The site cell of a trial whose first inclusion criterion is ``criterion``."""
    trial = study(eligibilityModule={"eligibilityCriteria": f"Inclusion Criteria:\n\n* {criterion}\n* G3."})
    return derive_row(trial).cells["site"]


def line_cell(criterion: str):
    """The line-of-treatment cell of a trial with ``criterion`` among its other inclusion criteria."""
    trial = study(
        eligibilityModule={"eligibilityCriteria": f"Inclusion Criteria:\n\n* Any site.\n* G3.\n* {criterion}"}
    )
    return derive_row(trial).cells["line"]


@pytest.mark.parametrize(
    ("criterion", "site"),
    [
        ("Extra-pulmonary primary (lung excluded).", "EP-NEC"),
        ("Gastroenteropancreatic origin.", "GEP-NEC"),
        ("GEP or unknown primary; locally advanced.", "GEP-NEC, UNK"),
        ("GEP-NEC of GI tract or pancreas, or other known/unknown primary; lung primary excluded.", "EP-NEC"),
        ("Prostate only (metastatic neuroendocrine prostate cancer).", "Prostate-NEC"),
        ("Uterine cervix only.", "Cervical-NEC"),
        ("Locally advanced GEP-NEC; lung, gynaecological and prostate primaries not allowed.", "GEP-NEC"),
        ("No primary-site restriction in visible criteria.", "NEC"),
    ],
)
def test_site_rules(criterion, site):
    assert site_cell(criterion).value == site


@pytest.mark.parametrize(
    ("criterion", "line"),
    [
        ("Treatment-naive: no prior systemic therapy of any kind.", "1st Line"),
        ("Second line: progression after first-line platinum-based chemotherapy.", "2nd Line"),
        ("Maintenance after first line: stable disease after 6 cycles.", "2nd Line"),
        ("Pretreated: after at least one chemotherapy line.", "2nd Line or later"),
        ("0, 1 or 2 prior systemic lines allowed.", "1st-3rd Lines"),
        (
            "States no prior-line condition (neither requires nor excludes previous systemic therapy).",
            "Prior systemic therapy allowed",
        ),
        ("Measurable disease.", "Unknown"),
    ],
)
def test_line_rules(criterion, line):
    assert line_cell(criterion).value == line


def test_compound_category_and_arms():
    def row(interventions, allocation=""):
        return derive_row(study(armsInterventionsModule={"interventions": [{"name": n} for n in interventions]},
                                designModule={"designInfo": {"allocation": allocation}})).values()  # fmt: skip

    seneca = row(["FOLFIRI", "CAPTEM"], "RANDOMIZED")
    assert seneca["compound"] == "FOLFIRI or CAPTEM" and seneca["table"] == "1"
    assert row(["cisplatinum and everolimus"])["category"] == "Combination chemotherapy and targeted therapy"
    assert row(["Nivolumab", "Ipilimumab"])["category"] == "ICI"
    assert row(["Atezolizumab", "Carboplatin", "Etoposide"])["table"] == "5"
    assert row(["177Lu-DOTATATE", "Nivolumab"])["table"] == "6"  # radioligands count as targeted therapy
    assert (
        row(["Camrelizumab", "Etoposide", "Apatinib"])["category"]
        == "Combination ICI, targeted therapy and chemotherapy"
    )


def test_results_and_links_from_publications():
    trial = study(nct="NCT03079440")
    pub = Citation(record_id="pubmed:1", source="pubmed", native_id="1", pmid="34567890", title="TEMCAP in G3 NET",
                   abstract="Registered as NCT03079440. n = 7 NEC patients; ORR was 14.3% and DCR 42.9%; "
                            "median PFS was 3.5 months and median OS 8.2 months.")  # fmt: skip
    other = Citation(record_id="pubmed:2", source="pubmed", native_id="2", title="Unrelated NEC series")
    assert linked_publications(trial, [pub, other]) == [pub]
    results = derive_row(trial, [pub]).cells["results"]
    assert (
        results.value
        == "n = 7, ORR: 14.3%, DCR: 42.9%, median PFS: 3.5 months, median OS: 8.2 months (PMID 34567890)"
    )
    assert all('"' in e for e in results.evidence)


def test_missing_modules_give_blanks_and_a_warning_never_a_crash():
    bare = study_to_trial({"protocolSection": {"identificationModule": {"nctId": "NCT09999999"}}})
    row = derive_row(bare)
    assert row.cells["compound"].value == "" and row.cells["category"].value == ""
    assert row.warnings and "NCT09999999" in row.warnings[0]


def test_overrides_are_applied_last_and_reported(tmp_path):
    trials = shared_trials()[:3]
    path = tmp_path / "overrides.csv"
    path.write_text(
        f"identifier,column,value,reason,who\n{trials[0].nct_id},design,Pilot,registry wrong,ana\n"
    )
    overrides = read_overrides(path, {t.nct_id for t in trials})
    tables = build_tables(trials, SPEC, overrides=overrides)
    row = next(r for r in tables.rows if r.cells["identifier"].value == trials[0].nct_id)
    assert row.cells["design"].value == "Pilot" and "override by ana" in row.cells["design"].evidence[0]
    files = write_tables(tmp_path / "out", tables)
    assert "Curation overrides" in files["tables.md"].read_text()
    evidence = json.loads(files["tables_evidence.json"].read_text())
    assert evidence["overrides"][0]["to"] == "Pilot"
    from openpyxl import load_workbook

    book = load_workbook(files["tables.xlsx"])
    assert "Overrides" in book.sheetnames
    first = book[book.sheetnames[0]]
    assert [c.value for c in first[2]][:2] == ["Investigational compound", "Trial name"]


def test_bad_overrides_name_their_rows(tmp_path):
    path = tmp_path / "overrides.csv"
    path.write_text("identifier,column,value,reason,who\nNCT1,design,x,r,a\nNCT2,colour,x,,\n")
    with pytest.raises(
        RecordParseError, match=r"row 2: unknown trial.*row 3: unknown column.*row 3: every override"
    ):
        read_overrides(path, {"NCT2"})


OTHER_REVIEW = """
lexicon = "lexicon.toml"
headers = [["compound", "Drug"], ["site", "Primary"], ["line", "Setting"], ["identifier", "Registry id"]]
[[tables]]
number = "A"
category = "Immunotherapy"
title = "Table A. Immunotherapy"
classes = ["immune checkpoint inhibitor"]
[sites]
fallback = "Any solid tumour"
[[sites.rules]]
label = "HCC"
pattern = 'hepatocellular|\\\\bHCC\\\\b'
[lines]
unknown = "Not stated"
[[lines.rules]]
label = "Adjuvant"
pattern = 'adjuvant|after resection'
"""
OTHER_LEXICON = """
[drugs.atezolizumab]
class = "immune checkpoint inhibitor"
synonyms = ["atezolizumab", "Tecentriq"]
"""


def test_another_review_brings_its_own_tables_and_vocabulary(tmp_path):
    (tmp_path / "extraction.toml").write_text(OTHER_REVIEW)
    (tmp_path / "lexicon.toml").write_text(OTHER_LEXICON)
    spec = load_spec(tmp_path / "extraction.toml")
    trial = study(
        armsInterventionsModule={"interventions": [{"name": "Tecentriq"}]},
        eligibilityModule={"eligibilityCriteria": "Inclusion Criteria:\n* Resected hepatocellular carcinoma\n* Adjuvant setting"},
    )  # fmt: skip
    row = derive(trial, spec).values()
    assert (row["compound"], row["category"], row["table"]) == ("Atezolizumab", "Immunotherapy", "A")
    assert (row["site"], row["line"]) == ("HCC", "Adjuvant")
    files = write_tables(tmp_path / "out", build_tables([trial], spec))
    assert "| Drug | Primary | Setting | Registry id |" in files["tables.md"].read_text()
    assert "Table A. Immunotherapy" in files["tables.md"].read_text()
    bare = derive(
        study(eligibilityModule={"eligibilityCriteria": "Inclusion Criteria:\n* Adults"}), spec
    ).values()
    assert (bare["site"], bare["line"]) == ("Any solid tumour", "Not stated")


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (
            ("pattern = 'adjuvant|after resection'", "pattern = 'adjuvant|(after'"),
            ["lines.rules[1].pattern", "not a regular expression"],
        ),
        (
            ('lexicon = "lexicon.toml"', 'lexicon = "../elsewhere.toml"'),
            ["lexicon", "inside the review folder"],
        ),
        (
            ('lexicon = "lexicon.toml"', 'colour = 1\nlexicon = "lexicon.toml"'),
            ["colour", "unknown table or key", "known: "],
        ),
        (
            ('classes = ["immune checkpoint inhibitor"]', "classes = []"),
            ["tables[1].classes", "non-empty list"],
        ),
        (
            ('["identifier", "Registry id"]', '["sponsor", "Sponsor"]'),
            ["headers", "unknown column 'sponsor'"],
        ),
        (
            ('unknown = "Not stated"', "unknown = \"Not stated\"\nlisted = { head = 'prior:', choice = 'or', "
             "counts = { 0 = \"Adjuvant\" } }"),
            ["lines.listed.counts", "'0' is no count of regimens"],
        ),
    ],
)  # fmt: skip
def test_a_bad_extraction_file_names_itself_and_the_key(tmp_path, change, words):
    from litreview.errors import ConfigError

    (tmp_path / "extraction.toml").write_text(OTHER_REVIEW.replace(*change))
    (tmp_path / "lexicon.toml").write_text(OTHER_LEXICON)
    with pytest.raises(ConfigError) as info:
        load_spec(tmp_path / "extraction.toml")
    assert "extraction.toml" in str(info.value) and all(w in str(info.value) for w in words), str(info.value)


# Wording the line rules were not written from: how registry records of other trials state prior
# therapy (written for this test from common ClinicalTrials.gov phrasings, not from the shipped trials).
@pytest.mark.parametrize(
    ("criterion", "line"),
    [
        ("Disease progression during or after first-line platinum-based chemotherapy.", "2nd Line"),
        (
            "Documented radiological progression following treatment with etoposide and a platinum agent.",
            "2nd Line",
        ),
        ("Intolerant of, or progressed on, one prior platinum-containing regimen.", "2nd Line"),
        (
            "Must have received at least 1 prior line of systemic therapy for advanced disease.",
            "2nd Line or later",
        ),
        ("Progressed on or after at least one prior systemic regimen.", "2nd Line or later"),
        ("Patients must not have received prior chemotherapy for metastatic disease.", "1st Line"),
        (
            "No prior chemotherapy for advanced or metastatic NEC (adjuvant allowed if > 6 months ago).",
            "1st Line",
        ),
        ("Chemo-naïve patients with metastatic disease.", "1st Line"),
        ("Has not received any prior systemic anticancer therapy.", "1st Line"),
        ("No more than two prior lines of systemic therapy.", "1st-3rd Lines"),
        ("Previously received standard therapy appropriate to tumour type and stage.", "2nd Line or later"),
        (
            "Cohort A: treatment-naive; cohort B: progression after one prior platinum doublet.",
            "1st or 2nd Line",
        ),
        ("Prior therapy with a PD-1 inhibitor is not permitted. ECOG 0-1.", "Unknown"),
        ("Has had 1 to 2 prior regimens, one platinum-based.", "2nd or 3rd line"),
        ("Received 1–2 prior systemic therapies for metastatic disease.", "2nd or 3rd line"),
        ("Chemotherapy-naive or previously treated patients are eligible.", "Prior systemic therapy allowed"),
        ("Up to one prior line of systemic treatment is allowed.", "1st or 2nd Line"),
        ("Zero to two prior treatments for advanced disease.", "1st-3rd Lines"),
        ("Progression after platinum chemotherapy for recurrent/metastatic disease.", "2nd Line"),
        ("Recurrent or stage IVB disease. No previous chemotherapy for metastatic disease.", "1st Line"),
        ("Failed a platinum doublet; no more than four prior therapies in total.", "2nd Line or later"),
        ("Patients in the first-line or second-line setting may be enrolled.", "1st or 2nd Line"),
        ("Must have received one, and only one, prior platinum-containing regimen.", "2nd Line"),
        ("Exactly one prior line of chemotherapy for advanced disease.", "2nd Line"),
        (
            "Patients may have received any number of prior systemic therapies, or none.",
            "Prior systemic therapy allowed",
        ),
        ("Documented disease progression on CT or MRI within the last 12 months.", "Unknown"),
        ("Adequate bone marrow, liver and renal function.", "Unknown"),
    ],
)
def test_line_rules_on_wording_they_were_not_written_from(criterion, line):
    cell = line_cell(criterion)
    assert cell.value == line
    assert cell.evidence  # every cell says where it came from, "Unknown" included


# Organ wording the site rules were not written from (common ClinicalTrials.gov phrasings).
@pytest.mark.parametrize(
    ("criterion", "site"),
    [
        ("Histologically confirmed poorly differentiated NEC of the stomach, colon or rectum.", "GEP-NEC"),
        ("High-grade neuroendocrine carcinoma arising in the oesophagus or small bowel.", "GEP-NEC"),
        ("Poorly differentiated neuroendocrine carcinoma of the gallbladder or biliary tract.", "GEP-NEC"),
        ("Pancreatic neuroendocrine carcinoma, Ki-67 > 20%.", "Panc-NEC"),
        ("Small cell carcinoma of the urinary bladder.", "Bladder-NEC"),
        ("Sinonasal neuroendocrine carcinoma, unresectable.", "H&N-NEC"),
        ("Neuroendocrine carcinoma of unknown primary origin.", "UNK"),
        ("Large cell neuroendocrine carcinoma of the lung.", "Lung-NEC"),
        ("Poorly differentiated NEC with liver metastases, measurable by RECIST 1.1.", "NEC"),
        (
            "High-grade neuroendocrine carcinoma, small or large cell type, arising outside the lung.",
            "EP-NEC",
        ),
        ("NEC of GEP origin, or of unknown primary site with no evidence of a lung primary.", "GEP-NEC, UNK"),
        ("Small cell carcinoma of the genitourinary tract.", "Genitourinary"),
        ("NEC of the kidney, ureter or other urogenital organs.", "Genitourinary"),
        # two diseases side by side: the any-site one is the review's NEC
        ("SCLC, or poorly differentiated NEC of any origin, metastatic.", "SCLC, NEC"),
        ("Neuroendocrine carcinoma of any primary site.", "NEC"),
        # the words of records written in another language
        ("Carcinoma neuroendocrino de alto grado de origen primario desconocido.", "UNK"),
        ("Carcinome neuroendocrine peu différencié de site primaire inconnu.", "UNK"),
        ("Extrapulmonales kleinzelliges neuroendokrines Karzinom, metastasiert.", "EP-NEC"),
        ("Carcinoma neuroendocrino extrapulmonar del tracto digestivo o del páncreas.", "EP-NEC"),
    ],
)
def test_site_rules_on_wording_they_were_not_written_from(criterion, site):
    cell = site_cell(criterion)
    assert cell.value == site
    assert cell.evidence


def test_a_drug_the_lexicon_does_not_name_is_found_by_its_inn_stem():
    """Agents newer than the lexicon: classed by stem, so the trial still reaches its table."""
    from litreview.extract.lexicon import load_lexicon

    lexicon = load_lexicon(REVIEW / "drug_lexicon.toml")
    found = lexicon.find("Retifanlimab plus the new agent zanzalintinib; no stem in: tablets, Jacob, Ahab")
    assert [(m.drug, lexicon.drug_class(m.drug)) for m in found] == [
        ("retifanlimab", "immune checkpoint inhibitor"),
        ("zanzalintinib", "targeted therapy"),
    ]
    # a VEGF receptor fusion protein ("-bercept") is targeted, as the antibody binding VEGF is
    fusion = lexicon.find("Conbercept every 2 weeks")
    assert [(m.drug, lexicon.drug_class(m.drug)) for m in fusion] == [("conbercept", "targeted therapy")]
    known = lexicon.find("nivolumab and everolimus")
    assert [m.drug for m in known] == ["nivolumab", "everolimus"]  # named entries win over stems
    trial = study(armsInterventionsModule={"interventions": [{"name": "Sacituzumab tirumotecan"}]})
    row = derive_row(trial)
    assert row.cells["compound"].value.lower().startswith("sacituzumab")


@pytest.mark.parametrize(
    ("stems", "said"),
    [('stems = ["nib"]', "[stems] must be a table"), ('[stems]\nnib = "kinase"', "stem 'nib' needs"),
     ('[stems]\nb = "chemotherapy"', "stem 'b' needs")],
)  # fmt: skip
def test_a_bad_stem_table_names_the_file(tmp_path, stems, said):
    from litreview.extract.lexicon import load_lexicon

    path = tmp_path / "lexicon.toml"
    path.write_text(stems + '\n\n[drugs.x]\nclass = "chemotherapy"\n', encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(said)):
        load_lexicon(path)


def test_an_edited_lexicon_is_read_anew_in_the_same_process(tmp_path):
    """A Prefect worker or a workbench outlives many runs: each must read the lexicon as it is now."""
    import os

    from litreview.extract.lexicon import load_lexicon

    path = tmp_path / "lexicon.toml"
    path.write_text('[drugs.cisplatin]\nclass = "chemotherapy"\n', encoding="utf-8")
    assert [m.drug for m in load_lexicon(path).find("cisplatin and durvalumab")] == ["cisplatin"]
    path.write_text('[drugs.cisplatin]\nclass = "chemotherapy"\n[drugs.durvalumab]\n'
                    'class = "immune checkpoint inhibitor"\n', encoding="utf-8")  # fmt: skip
    stamp = path.stat().st_mtime_ns + 1_000_000_000
    os.utime(path, ns=(stamp, stamp))  # a coarse clock cannot hide the edit from this test
    assert [m.drug for m in load_lexicon(path).find("cisplatin and durvalumab")] == [
        "cisplatin",
        "durvalumab",
    ]


# Fictional registry records built for testing the rules on wording they were not written from
# (tests/data/ctgov_built/README.md); their cells decided from each record's text by the review's
# conventions. Goals: the project owner's for trials the rules were not written from; a wrong value
# is worse than a blank (a reviewer fills a blank, but must first find a wrong value to undo it).
BUILT_GOALS = {"category": 0.90, "table": 0.90, "compound": 0.80, "design": 0.80, "site": 0.75, "line": 0.75}
BUILT_MOST_WRONG = 0.10
# the cells agreeing on a set scored after its rules were fixed: no fix may lose one of them
BUILT_FLOORS = {
    "ctgov_built23": {"category": 24, "table": 24, "compound": 24, "design": 23, "site": 23, "line": 23}
}


_drugs = SPEC.lexicon.drugs_named


def test_a_drug_the_lexicon_does_not_know_is_no_free_agreement():
    assert _drugs("Trabectedin + cisplatin") != _drugs("Cisplatin")
    compared = _drugs("ZX-0117 + etoposide versus placebo + etoposide")
    assert compared == _drugs("ZX-0117 + etoposide") == {"zx-0117", "etoposide"}
    # the schedule and the comparator around the drugs name none
    assert _drugs("Avelumab after response to 4-6 cycles of EP versus observation") == _drugs("Avelumab + EP")


def _canon(column: str, text: str):
    if column == "compound":  # the same set of drugs
        return _drugs(text)
    words = re.sub(r"\s*-\s*", "-", " ".join(text.lower().split()))
    return {s.strip() for s in words.split(",") if s.strip()} if column == "site" else words


# ctgov_built2 to ctgov_built5, ctgov_built7 to ctgov_built12, ctgov_built14 to ctgov_built17, ctgov_built19 and
# ctgov_built21: each written by another hand, before its author read the rules or the other sets (their READMEs);
# ctgov_built6 is kept out, held out, and ctgov_built18 and ctgov_built20 unseen. ctgov_built23 was scored once
# unseen (site 21/24, line 19/24) and then fixed from (BUILT_FLOORS).
@pytest.mark.parametrize(
    ("folder", "count"),
    [
        ("ctgov_built", 30),
        ("ctgov_built2", 24),
        ("ctgov_built3", 30),
        ("ctgov_built4", 30),
        ("ctgov_built5", 30),
        ("ctgov_built7", 30),
        ("ctgov_built8", 30),
        ("ctgov_built9", 30),
        ("ctgov_built10", 30),
        ("ctgov_built11", 24),
        ("ctgov_built12", 24),
        ("ctgov_built14", 20),
        ("ctgov_built15", 24),
        ("ctgov_built16", 24),
        ("ctgov_built17", 24),
        ("ctgov_built19", 24),
        ("ctgov_built21", 24),
        ("ctgov_built23", 24),
    ],
)
def test_the_rules_on_records_they_were_not_written_from(folder, count):
    import csv

    built = DATA / folder
    trials = {t.nct_id: t for p in sorted(built.glob("NCT*.json")) for t in load_ctgov_json(p)}
    with open(built / "labels.csv", encoding="utf-8") as handle:
        labels = list(csv.DictReader(handle))
    assert len(labels) == len(trials) == count
    derived = {nct: derive_row(t).values() for nct, t in trials.items()}
    for column, goal in BUILT_GOALS.items():
        agree = wrong = 0
        misses = []
        for expected in labels:
            got = derived[expected["identifier"]][column]
            if _canon(column, got) == _canon(column, expected[column]):
                agree += 1
                continue
            misses.append(f"{expected['identifier']}: {got!r} for {expected[column]!r}")
            wrong += got not in ("", SPEC.line_unknown)
        assert agree / len(labels) >= goal, (column, misses)
        assert agree >= BUILT_FLOORS.get(folder, {}).get(column, 0), (column, misses)
        assert wrong / len(labels) <= BUILT_MOST_WRONG, (column, misses)


@pytest.mark.parametrize(
    ("criteria", "site", "line"),
    [
        # the disease is stated after age and consent; the organ is named only in the title
        (["Age 18 years or older.", "Poorly differentiated neuroendocrine carcinoma."], "GEP-NEC", "Unknown"),
        # numbered criteria, the lung named as the exception
        (["1. NEC of any origin other than the lung.", "2. One or two prior lines of therapy."], "EP-NEC",
         "2nd or 3rd line"),
        (["Cohort A: extrapulmonary NEC; Cohort B: small cell lung cancer.", "At least one prior therapy."],
         "EP-NEC, SCLC", "2nd Line or later"),
        (["Extrapulmonary NEC.", "Recurrent or metastatic disease after platinum-based chemotherapy."],
         "EP-NEC", "2nd Line"),
        # the disease criterion is third and says "recurrent": the line is the other criteria's
        (["Age 18 or older.", "ECOG 0-2.", "Small cell carcinoma of the cervix, recurrent after primary therapy.",
          "No prior chemotherapy for recurrent or metastatic disease."], "Cervical-NEC", "1st Line"),
        # cohorts as indented sub-bullets of one criterion; one cohort's "any site" silences no other
        (["One of:\n  * Cohort 1: extrapulmonary NEC;\n  * Cohort 2: neuroendocrine prostate cancer;\n"
          "  * Cohort 3: NET G3 of any site.", "At least one prior line of therapy."],
         "EP-NEC, Prostate-NEC", "2nd Line or later"),
        # cohorts as criteria of their own, one after another: each gives its site
        (["Part B, Cohort 1: neuroendocrine prostate cancer.", "Part B, Cohort 2: small cell carcinoma of the "
          "bladder.", "At least one prior line of therapy."], "Prostate-NEC, Bladder-NEC", "2nd Line or later"),
        # an unknown primary beside "any primary site" is within it
        (["High-grade NEC of any primary site, or of unknown primary.", "ECOG 0-1."], "NEC", "Unknown"),
        (["Extrapulmonary NEC.", "Treatment naive or after one prior line of systemic therapy."], "EP-NEC",
         "1st or 2nd Line"),
        (["Extrapulmonary NEC.", "At least one, but no more than two, prior lines of therapy."], "EP-NEC",
         "2nd or 3rd line"),
        (["Extrapulmonary NEC.", "Failed standard first-line chemotherapy."], "EP-NEC", "2nd Line"),
        # a criterion whose one clause is negated still names the site; "any site" and no organ is no
        # restriction, whatever the title names; "any other primary site" beside a named disease
        (["Neuroendocrine carcinoma arising anywhere except the lungs.", "ECOG 0-1."], "EP-NEC", "Unknown"),
        (["Poorly differentiated NEC from any site.", "ECOG 0-1."], "NEC", "Unknown"),
        (["Neuroendocrine prostate cancer, or NEC of any other primary site.", "ECOG 0-1."], "Prostate-NEC, NEC",
         "Unknown"),
        # the organs in brackets after the system are its members
        (["Small cell carcinoma of the urogenital tract (bladder, ureter or prostate).", "ECOG 0-1."],
         "Genitourinary", "Unknown"),
        (["Extrapulmonary NEC.", "1 or 2 previous systemic regimens."], "EP-NEC", "2nd or 3rd line"),
        (["Extrapulmonary NEC.", "Chemotherapy-naive, or having had any number of previous regimens."], "EP-NEC",
         "Prior systemic therapy allowed"),
        # maintenance after a first line that worked; recurrence after the primary treatment
        (["Extrapulmonary NEC.", "Completed 6 cycles of first-line platinum-etoposide, without progression."],
         "EP-NEC", "2nd Line"),
        (["Extrapulmonary NEC.", "First-line etoposide-platinum with a partial or complete response."], "EP-NEC",
         "2nd Line"),
        (["Extrapulmonary NEC.", "Relapsed disease following definitive chemoradiotherapy."], "EP-NEC", "2nd Line"),
        # a disease admitted beside "extrapulmonary": the stop silences the organs of its own disease only
        (["Extrapulmonary high-grade neuroendocrine carcinoma or pulmonary large cell neuroendocrine "
          "carcinoma.", "ECOG 0-1."], "EP-NEC, Lung-NEC", "Unknown"),
        (["Locally advanced or metastatic SCLC, or extrapulmonary small cell carcinoma.", "ECOG 0-1."],
         "EP-NEC, SCLC", "Unknown"),
        (["Extrapulmonary NEC of the bladder or prostate.", "ECOG 0-1."], "EP-NEC", "Unknown"),
        # a site within extrapulmonary beside it adds nothing, nor does an unknown primary
        (["Extrapulmonary NEC or neuroendocrine prostate cancer.", "ECOG 0-1."], "EP-NEC", "Unknown"),
        (["Extrapulmonary NEC or NEC of unknown primary.", "ECOG 0-1."], "EP-NEC", "Unknown"),
        # "irrespective of the primary site": no restriction, whatever organs it lists as examples
        (["High-grade NEC irrespective of the primary tumour site (e.g. colon, lung, bladder).", "ECOG 0-1."],
         "NEC", "Unknown"),
        # a gloss in brackets after "failed"
        (["Extrapulmonary NEC.", "Failed (disease growth or unacceptable toxicity) first-line chemotherapy."],
         "EP-NEC", "2nd Line"),
    ],
)  # fmt: skip
def test_site_criterion_cohorts_and_lines(criteria, site, line):
    bullets = "\n".join(c if c[0].isdigit() else f"* {c}" for c in criteria)
    trial = study(
        ident={"briefTitle": "X in Advanced Neuroendocrine Carcinoma of the Colon"},
        eligibilityModule={"eligibilityCriteria": f"Inclusion Criteria:\n\n{bullets}"},
    )
    row = derive_row(trial).values()
    assert (row["site"], row["line"]) == (site, line)


@pytest.mark.parametrize(
    ("inclusion", "exclusion", "line"),
    [
        ("Progression after at least one platinum-based regimen.", "More than 2 prior regimens.", "2nd or 3rd line"),
        ("Progression after at least one platinum-based regimen.", "Prior PARP inhibitor.", "2nd Line or later"),
        ("Progression after at least one platinum-based regimen.", "More than one prior regimen.", "2nd Line"),
        # progression after a treatment requires one prior line; a cap of two admits a second one too
        ("Relapse following platinum doublet chemotherapy.", "More than 2 prior systemic lines for metastatic "
         "disease.", "2nd or 3rd line"),
        ("Relapse following platinum doublet chemotherapy.", "More than 1 prior line of therapy.", "2nd Line"),
        ("Prior chemotherapy is allowed but not required.", "More than one prior chemotherapy regimen.",
         "1st or 2nd Line"),
        ("ECOG 0-1.", "Prior systemic therapy for advanced disease.", "1st Line"),
        ("ECOG 0-1.", "Prior anti-PD-1 therapy for advanced disease.", "Unknown"),
        ("No prior chemotherapy.", "More than 2 prior regimens.", "1st Line"),  # a limit narrows, never widens
        # untreated admitted, not required: any prior therapy up to the cap
        ("Patients may be chemotherapy-naive if unfit for platinum.", "More than one previous systemic regimen.",
         "1st or 2nd Line"),
        ("Treatment-naive participants are also eligible.", "Prior PARP inhibitor.", "Prior systemic therapy allowed"),
        # prior chemotherapy itself excluded, alone or in a list, or for the cancer: the untreated only
        ("ECOG 0-1.", "Previous surgery, radiotherapy or chemotherapy.", "1st Line"),
        ("ECOG 0-1.", "Prior cytotoxic chemotherapy for this carcinoma (prior hormone therapy allowed).", "1st Line"),
        # prior chemotherapy excluded in a list of therapies, for the neoplasm: the untreated only
        ("ECOG 0-1.", "Previous chemotherapy, biological therapy, or anti-angiogenic targeted therapy for the "
         "neoplasm.", "1st Line"),
        ("ECOG 0-1.", "Any prior chemotherapy and immunotherapy for metastatic tumours.", "1st Line"),
        # a list whose therapies are then given a time is a washout
        ("ECOG 0-1.", "Prior chemotherapy, targeted therapy or immunotherapy within 21 days.", "Unknown"),
        # chemotherapy for another malignancy is no line of this one
        ("ECOG 0-1.", "Previous chemotherapy or targeted therapy for an earlier neoplasm.", "Unknown"),
        ("ECOG 0-1.", "Any prior systemic chemotherapy for another cancer.", "Unknown"),
        # a cap of lines of one kind of drug caps no line
        ("Progression after one or more previous systemic therapies.",
         "More than one prior line with an immune checkpoint inhibitor.", "2nd Line or later"),
        ("Progression after one or more previous systemic therapies.", "More than 2 prior PARP inhibitor regimens.",
         "2nd Line or later"),
        # a washout or one drug is no line
        ("ECOG 0-1.", "Previous chemotherapy within the last 3 weeks.", "Unknown"),
        ("ECOG 0-1.", "Prior chemotherapy (last dose less than 28 days before day 1).", "Unknown"),
        ("ECOG 0-1.", "Prior chemotherapy with irinotecan.", "Unknown"),
        # "No prior ..." under the exclusion header states eligibility (the untreated), never refuses them; it
        # does not outweigh a line the inclusion criteria state
        ("ECOG 0-1.", "No previous chemotherapy for advanced disease.", "1st Line"),
        ("Progression after at least one platinum-based regimen.", "No prior chemotherapy.", "2nd Line or later"),
    ],
)  # fmt: skip
def test_exclusion_criteria_that_cap_prior_therapy_narrow_the_line(inclusion, exclusion, line):
    criteria = (
        f"Inclusion Criteria:\n\n* Extrapulmonary NEC.\n* {inclusion}\n\nExclusion Criteria:\n\n* {exclusion}"
    )
    trial = study(ident={"briefTitle": "X in NEC"}, eligibilityModule={"eligibilityCriteria": criteria})
    assert derive_row(trial).values()["line"] == line


def test_an_antibody_drug_conjugate_is_one_targeted_drug():
    interventions = [{"name": "Datopotamab deruxtecan"}]  # not in the lexicon: known by antibody + payload
    row = derive_row(study(armsInterventionsModule={"interventions": interventions})).values()
    assert (row["compound"], row["table"]) == ("Datopotamab deruxtecan", "2")


def test_a_class_term_beside_a_named_drug_of_its_class_is_that_drug():
    interventions = [
        {"name": "HLX10", "otherNames": ["Anti-PD-1 monoclonal antibody"]},
        {"name": "Etoposide"},
    ]
    row = derive_row(study(armsInterventionsModule={"interventions": interventions})).values()
    assert (row["compound"], row["table"]) == ("Serplulimab + etoposide", "5")
    alone = derive_row(study(armsInterventionsModule={"interventions": [{"name": "anti-PD-1 antibody"}]}))
    assert alone.values()["compound"] == "Anti-PD-1 antibody"  # a class term alone still says what it is


def test_a_class_term_in_its_own_intervention_is_kept_beside_another_drug_of_its_class():
    # the class is coarser than the term: ipilimumab (anti-CTLA-4) is no anti-PD-1 antibody
    interventions = [{"name": "Anti-PD-1 antibody"}, {"name": "Ipilimumab"}]
    row = derive_row(study(armsInterventionsModule={"interventions": interventions})).values()
    assert row["compound"] == "Anti-PD-1 antibody + ipilimumab"


@pytest.mark.parametrize(
    "text",
    ["a " * 25000, "1, " * 20000, "prior " * 10000, "(" * 25000 + ")" * 25000, "cohort naive " * 4000,
     "other " * 8000, "genitourinary (x " * 3000, "more than 2 prior " * 3000, "progress " * 6000,
     "bispecific CD " * 4000, "AB-1" * 12000, "lung origin " * 4000, "pancreatic " * 5000,
     "cohort no prior " * 3000, "must have received first-line " * 2000, "may be naive " * 4000,
     "recurrent " * 5000, "with no primary " * 3000, "no primary tumour " * 3000, "lung, " * 8000,
     "naive for advanced disease or may have " * 1200, "any number of further " * 2500,
     "no prior therapy " * 4000, "no previous treatment for " * 2500, "\n* prior chemotherapy " * 2500,
     "\n* " + " " * 50000 + "x", "\n" * 50000, "\n* no prior chemotherapy for " * 1800,
     "prior chemotherapy (" * 2500, "progressed on " * 4000, "no more than two prior regimens " * 1600,
     "progressed after " + "x " * 25000, "bladder, " * 6000, "kidney ureter " * 4000,
     "adenocarcinoma of the " * 2500, "gastric " * 7000, "excluding SCLC and other " * 2000,
     "well-differentiated " * 2500, "net " * 12500, "grade " * 8000,
     "\n* prior chemotherapy, x immunotherapy, or immunotherapy" * 900, "zero, one, or two " * 2800,
     "0, 1 or 2 prior " * 3000, "more than one prior " + "x-y " * 12000, "prior chemotherapy for " + "another " * 6000,
     "naive, or patients who relapsed " * 2000, "untreated or relapse within 6 months of the end of " * 1200],
)  # fmt: skip
def test_no_rule_pattern_takes_long_on_long_hostile_criteria(text):
    # registry text is user input: a pattern that rescans the rest of the text from each of many starts
    # takes seconds on 50,000 characters (each was 5-11 s before it was bounded)
    patterns = [SPEC.any_site, SPEC.site_criterion, *(r.pattern for r in SPEC.sites)]
    patterns += [p for _, p in SPEC.lines] + [p for p, _ in SPEC.line_limits]
    patterns += [p for _, p in SPEC.lexicon.described] + [SPEC.lexicon.code_pattern, SPEC.site_metastatic]
    patterns += [SPEC.line_listed.head, SPEC.line_listed.choice] if SPEC.line_listed else []
    for pattern in filter(None, patterns):
        start = time.perf_counter()
        pattern.search(text)
        # 0.3-0.7 s for the slowest on a busy machine (once 1.8 s); those it guards against took 5-11 s
        assert time.perf_counter() - start < 2.0, pattern.pattern[:60]


@pytest.mark.parametrize(
    ("subs", "site"),
    [
        (["primary in the stomach or colon, or of unknown primary", "Merkel cell carcinoma is not eligible"],
         "GEP-NEC, UNK"),
        (["carcinoid tumours are excluded", "arising in the pancreas"], "Panc-NEC"),
    ],
)  # fmt: skip
def test_a_negated_sub_bullet_drops_itself_not_the_criterion_above_it(subs, site):
    # old PDQ records list the disease's parts as indented sub-bullets, one of them what is not eligible
    parts = "".join(f"\n  * {s}" for s in subs)
    criteria = f"Inclusion Criteria:\n\n* High-grade neuroendocrine carcinoma\n{parts}\n* ECOG 0-1"
    trial = study(ident={"briefTitle": "X in NEC"}, eligibilityModule={"eligibilityCriteria": criteria})
    assert derive_row(trial).values()["site"] == site


def test_a_negated_sentence_of_a_cohort_sub_bullet_drops_itself_not_the_cohort():
    # "Arm 1: NEC of the cervix. Carcinoid tumours are not eligible.": the arm still names its organ
    criteria = (
        "Inclusion Criteria:\n\n* Advanced high-grade neuroendocrine carcinoma in one of two arms:\n"
        "  * Arm 1: arising in the uterine cervix. Carcinoid tumours are not eligible.\n"
        "  * Arm 2: arising in the prostate\n* ECOG 0-1"
    )
    trial = study(ident={"briefTitle": "X in NEC"}, eligibilityModule={"eligibilityCriteria": criteria})
    assert derive_row(trial).values()["site"] == "Prostate-NEC, Cervical-NEC"


@pytest.mark.parametrize(
    ("criterion", "site"),
    [
        # the criterion names the site; its cohorts divide it ("outside the lung": the colon is within it)
        ("Small cell carcinoma arising outside the lung.\n  * Group 1: colon or rectum\n  * Group 2: all other "
         "sites", "EP-NEC"),
        ("Extrapulmonary poorly differentiated NEC\n  * Cohort A: pancreas\n  * Cohort B: bladder", "EP-NEC"),
        # a cohort of another disease beside the criterion's site is still listed
        ("Extrapulmonary NEC\n  * Cohort A: gastric primary\n  * Cohort B: small cell lung cancer",
         "EP-NEC, SCLC"),
        # no site in the criterion itself: the cohorts give theirs
        ("Poorly differentiated NEC\n  * Cohort A: stomach\n  * Cohort B: prostate", "GEP-NEC, Prostate-NEC"),
    ],
)  # fmt: skip
def test_cohorts_under_a_criterion_that_names_the_site_divide_it(criterion, site):
    assert site_cell(criterion).value == site


@pytest.mark.parametrize(
    ("criterion", "site"),
    [
        ("Cohort 1: extrapulmonary NEC; Cohort 2: adenocarcinoma of the stomach", "EP-NEC"),
        ("Cohort 1: NEC of the cervix; Cohort 2: colorectal adenocarcinoma", "Cervical-NEC"),
        ("Cohort 1: NEC of the cervix; Cohort 2: cholangiocarcinoma of the bile duct or biliary tree "
         "adenocarcinoma", "Cervical-NEC"),
        ("Neuroendocrine carcinoma of the colon", "GEP-NEC"),  # a NEC's organ still counts
        ("Cohort 1: NEC of the cervix; Cohort 2: pancreatic adenocarcinoma", "Cervical-NEC, Panc-Ca"),
    ],
)  # fmt: skip
def test_a_digestive_organ_named_as_an_adenocarcinomas_is_no_nec_site(criterion, site):
    assert site_cell(criterion).value == site


@pytest.mark.parametrize(
    ("criterion", "site"),
    [
        ("Small cell carcinoma of the urethra, bladder or prostate", "Genitourinary"),
        ("NEC arising in the kidney, ureter and bladder", "Genitourinary"),
        ("NEC of the renal pelvis, upper tract or bladder", "Genitourinary"),
        ("NEC of the bladder or prostate", "Prostate-NEC, Bladder-NEC"),  # two organs stay apart
        ("NEC of the gall bladder, kidney or ureter", "GEP-NEC"),  # the gall bladder is digestive
    ],
)  # fmt: skip
def test_three_genitourinary_organs_in_one_list_are_the_genitourinary_tract(criterion, site):
    assert site_cell(criterion).value == site


@pytest.mark.parametrize(
    ("criteria", "line"),
    [
        ("Documented disease progression during or following etoposide-platinum.\n"
         "* A maximum of 2 prior lines of treatment in the advanced setting.", "2nd or 3rd line"),
        ("Up to two prior chemotherapy regimens.\n* Radiological progression after the last regimen.",
         "2nd or 3rd line"),
        ("Up to two prior chemotherapy regimens.", "1st-3rd Lines"),  # no progression required: untreated too
        ("Progression on CT within 8 weeks.\n* Up to two prior chemotherapy regimens.", "1st-3rd Lines"),
    ],
)  # fmt: skip
def test_progression_required_and_a_cap_of_two_prior_lines_is_the_second_or_third_line(criteria, line):
    assert line_cell(criteria).value == line


def test_a_numbered_line_less_indented_than_the_bullets_before_it_drops_no_criterion():
    # the list's own level is its first mark's: "1)" lines under an indented "*" criterion are its parts,
    # and the criteria before them (here the one naming the disease) are still read
    criteria = (
        "Inclusion Criteria:\n\n  * Histologically confirmed neuroendocrine carcinoma of the pancreas.\n"
        "  * Measurable disease, defined as:\n1) at least one lesion by RECIST 1.1\n2) not irradiated\n"
        "  * Age 18 or older."
    )
    trial = study(ident={"briefTitle": "X in NEC"}, eligibilityModule={"eligibilityCriteria": criteria})
    assert derive_row(trial).values()["site"] == "Panc-NEC"


@pytest.mark.parametrize(
    "tail",
    [", lung excluded" + " " * 50000 + "x", ", lung excluded" + "\t " * 25000 + "x",
     "; excluded if" + " " * 50000, "; no evidence of" + " " * 50000 + "x", "," * 50000,
     "\n  * not eligible" * 5000, "\n  * excluding" + " " * 50000 + "x",
     "\n  * Cohort 1: NEC" + ". " * 25000 + "not eligible", "\n  * Cohort 1:" + " " * 50000 + "x",
     ", extrapulmonary, one of: " + "SCLC; " * 8000, ", extrapulmonary: NEC" + " or x" * 10000,
     ", extrapulmonary: NEC" + "; or x" * 8000, ". Not more than one prior regimen" * 1500,
     ". No relapse within 6 months of first-line x" * 1500, ". relapse within 6 months of " * 2000 + "excluded"],
)  # fmt: skip
def test_a_criterion_with_a_long_run_of_spaces_is_read_in_linear_time(tail):
    # registry text keeps its whitespace: a pattern that may start in a run of spaces and reads it to the
    # end from each start took 6 s on 20,000 spaces (the rows' own patterns, not only the review's)
    criteria = "Inclusion Criteria:\n* Poorly differentiated neuroendocrine carcinoma" + tail
    trial = study(ident={"briefTitle": "X in NEC"}, eligibilityModule={"eligibilityCriteria": criteria})
    start = time.perf_counter()
    derive_row(trial)
    assert time.perf_counter() - start < 1.5


@pytest.mark.parametrize("tail", ["(" * 100000, "(lung " * 20000])
def test_a_long_criterion_of_unclosed_brackets_is_read_in_linear_time(tail):
    # each "(" with no ")" after it was read to the end of the text again (6 s on 100,000 of them)
    criteria = "Inclusion Criteria:\n* Poorly differentiated neuroendocrine carcinoma " + tail
    trial = study(ident={"briefTitle": "X in NEC"}, eligibilityModule={"eligibilityCriteria": criteria})
    start = time.perf_counter()
    derive_row(trial)
    assert time.perf_counter() - start < 1.5


def test_a_negated_bracket_is_dropped_and_an_unclosed_one_kept():
    criteria = (
        "Inclusion Criteria:\n* Neuroendocrine carcinoma of any primary site (lung excluded) (or pancreas"
    )
    trial = study(ident={"briefTitle": "X in NEC"}, eligibilityModule={"eligibilityCriteria": criteria})
    assert "Lung" not in derive_row(trial).values()["site"]


@pytest.mark.parametrize(
    ("interventions", "compound", "table"),
    [
        # a code name no list can know, classed by how its intervention is described
        ([{"name": "TRV-0482 capsules", "description": "An orally bioavailable, selective WEE1 kinase inhibitor."},
          {"name": "Gemcitabine"}], "TRV-0482 + gemcitabine", "3"),
        ([{"name": "KL 88213", "description": "Trispecific antibody binding DLL3, CD3 and albumin."}], "KL 88213", "2"),
        ([{"name": "MDX-7731", "description": "B7-H3-directed ADC carrying a topoisomerase I inhibitor payload"}],
         "MDX-7731", "2"),
        ([{"name": "PQR-55", "description": "A novel camptothecin analogue (topoisomerase I inhibitor), IV"}],
         "PQR-55", "1"),
        ([{"name": "JX-118 injection", "description": "fully human PD-L1 blocking IgG1 antibody"},
          {"name": "Cisplatin"}, {"name": "Etoposide"}], "JX-118 + cisplatin + etoposide", "5"),
        # a class term among its names is the code name's class, as "HLX10; anti-PD-1 antibody" is serplulimab
        ([{"name": "RB-4410", "otherNames": ["anti-PD-1 monoclonal antibody"]}, {"name": "Lenvatinib"}],
         "RB-4410 + lenvatinib", "6"),
        # no code name: the intervention's name as written
        ([{"name": "Lutetium-labelled somatostatin receptor antagonist"}],
         "Lutetium-labelled somatostatin receptor antagonist", "2"),
        # the EANM way of writing a radionuclide is the lexicon's name
        ([{"name": "[177Lu]Lu-DOTATATE", "description": "7.4 GBq every 8 weeks"}], "177Lu-DOTATATE", "2"),
    ],
)  # fmt: skip
def test_a_code_name_is_classed_by_how_the_registry_describes_it(interventions, compound, table):
    row = derive_row(study(armsInterventionsModule={"interventions": interventions}))
    assert (row.values()["compound"], row.values()["table"]) == (compound, table)
    assert any("description" in e or "otherNames" in e or "name" in e for e in row.cells["compound"].evidence)


@pytest.mark.parametrize(
    ("interventions", "compound", "table"),
    [
        # a known drug is itself, whatever its description says; an unknown code beside it is not swallowed
        ([{"name": "Irinotecan", "otherNames": ["CPT-11", "ZX-90"], "description": "topoisomerase I inhibitor"}],
         "Irinotecan", "1"),
        ([{"name": "Everolimus", "otherNames": ["HX-4000"], "description": "mTOR kinase inhibitor"}],
         "Everolimus", "2"),
        # a placebo described by what it matches is no drug
        ([{"name": "Matching placebo", "description": "placebo for the PARP inhibitor"}, {"name": "Carboplatin"}],
         "Carboplatin", "1"),
        # an unknown name described by no class phrase stays unnamed
        ([{"name": "ZZ-1029", "description": "given every 3 weeks"}, {"name": "Etoposide"}], "Etoposide", "1"),
    ],
)  # fmt: skip
def test_a_description_adds_no_drug_a_known_name_already_is(interventions, compound, table):
    row = derive_row(study(armsInterventionsModule={"interventions": interventions})).values()
    assert (row["compound"], row["table"]) == (compound, table)


@pytest.mark.parametrize(
    ("described", "said"),
    [('[described]\ncode = "("', "[described] has a bad entry"),
     ('[[described.classes]]\nclass = "kinase"\npattern = "x"', "needs a known class")],
)  # fmt: skip
def test_a_bad_described_table_names_the_file(tmp_path, described, said):
    from litreview.extract.lexicon import load_lexicon

    path = tmp_path / "lexicon.toml"
    path.write_text('[drugs.x]\nclass = "chemotherapy"\n\n' + described + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(said)):
        load_lexicon(path)


def _line_of(criteria: list[str], disease: tuple[str, ...] = ("Extrapulmonary NEC.",)) -> str:
    """The line the rules give a trial whose inclusion criteria are ``disease`` (an extrapulmonary NEC) and
    ``criteria``."""
    bullets = "\n".join(f"* {c}" for c in [*disease, *criteria])
    eligibility = {"eligibilityCriteria": f"Inclusion Criteria:\n{bullets}"}
    return derive_row(study(ident={"briefTitle": "X in NEC"}, eligibilityModule=eligibility)).values()["line"]


@pytest.mark.parametrize(
    ("criteria", "line"),
    [
        # "at least one" prior chemotherapy is open-ended, however the progression after it is worded
        (["Extrapulmonary NEC.", "Documented progression during at least one earlier chemotherapy."],
         "2nd Line or later"),
        # "inoperable or recurrent" says what the disease is, not that it was treated
        (["Extrapulmonary NEC.", "Inoperable or recurrent disease."], "Unknown"),
        (["Extrapulmonary NEC.", "Patients must never have received cytotoxic chemotherapy."], "1st Line"),
        (["Extrapulmonary NEC.", "Chemotherapy-naive, or had one prior platinum-based regimen."], "1st or 2nd Line"),
        # a cap stated inside an inclusion criterion as not allowed narrows the line as an exclusion does
        (["Extrapulmonary NEC.", "Prior systemic therapy is permitted; more than one previous line of therapy "
          "is not allowed."], "1st or 2nd Line"),
        (["Extrapulmonary NEC.", "Prior systemic therapy is permitted; more than one previous line of therapy "
          "is allowed."], "Prior systemic therapy allowed"),
        # cohorts, one without prior therapy, one after progression
        (["Extrapulmonary NEC.", "Cohort 1: without previous systemic therapy for metastatic disease.",
          "Cohort 2: disease progression on or after platinum-doublet chemotherapy."], "1st or 2nd Line"),
        (["Extrapulmonary NEC.", "Dose-expansion cohort: no prior systemic therapy for advanced disease."], "1st Line"),
        # a first line required and a cap of one is that first line only; a first line allowed is not required
        (["Extrapulmonary NEC.", "Participants must have had first-line platinum-etoposide and progressed on it; "
          "at most one prior line of systemic therapy is permitted."], "2nd Line"),
        (["Extrapulmonary NEC.", "Participants may have received first-line chemotherapy; at most one prior line "
          "of systemic therapy."], "1st or 2nd Line"),
        # "recurrent" beside the disease's extent, or with no prior systemic therapy, says what the disease is
        (["Extrapulmonary NEC.", "Extensive-stage or recurrent disease.", "ECOG 0-2."], "Unknown"),
        (["Extrapulmonary NEC.", "Recurrent disease following local treatment only, with no prior systemic therapy "
          "for the recurrence."], "1st Line"),
        # untreated admitted beside a count of prior regimens: the count's line
        (["Extrapulmonary NEC.", "Participants may be untreated or may have had no more than 2 prior lines of "
          "systemic therapy."], "1st-3rd Lines"),
        (["Extrapulmonary NEC.", "Patients may be chemotherapy-naive or may have received a single previous "
          "regimen."], "1st or 2nd Line"),
        # naive in a setting, or one prior line after a verb: either
        (["Extrapulmonary NEC.", "Participants can be untreated in the metastatic setting or may have relapsed "
          "after only one previous regimen."], "1st or 2nd Line"),
        # prior therapy neither required nor refused, said as "irrespective of" it
        (["Extrapulmonary NEC.", "Eligible irrespective of previous systemic treatment (both untreated and "
          "pretreated patients may enrol)."], "Prior systemic therapy allowed"),
        # a first line required, then any number of further lines: open-ended
        (["Extrapulmonary NEC.", "Progression on a first platinum doublet is required; any number of additional "
          "lines of therapy may have followed."], "2nd Line or later"),
        # "recurrent" closing a list of the disease's extents (a comma before "or") says what the disease is
        (["Extrapulmonary NEC.", "Disease that is inoperable, or recurrent following surgery.",
          "Chemotherapy-naive."], "1st Line"),
    ],
)  # fmt: skip
def test_line_wording_of_prior_chemotherapy_and_of_caps(criteria, line):
    assert _line_of(criteria, disease=()) == line


@pytest.mark.parametrize(
    ("criterion", "line"),
    [
        # untreated said as "no prior therapy/treatment" (for the cancer, or alone) outweighs a title's "maintenance"
        ("No prior anticancer therapy for this carcinoma.", "1st Line"),
        ("Participants must have had no previous treatment.", "1st Line"),
        # no prior treatment of one kind, or of something other than the cancer, says nothing of the line
        ("No prior treatment with an anti-PD-1 antibody.", "2nd Line"),
        ("No prior treatment for brain metastases.", "2nd Line"),
    ],
)  # fmt: skip
def test_no_prior_treatment_for_the_cancer_is_the_first_line(criterion, line):
    criteria = f"Inclusion Criteria:\n* Extrapulmonary NEC.\n* {criterion}"
    trial = study(
        # a maintenance trial's title (a regimen's own "then X maintenance" states no line)
        ident={"briefTitle": "X Maintenance After Chemotherapy in NEC"},
        eligibilityModule={"eligibilityCriteria": criteria},
    )
    assert derive_row(trial).values()["line"] == line


def _arms(*descriptions):
    return {"armGroups": [{"label": f"Cohort {i}", "description": d} for i, d in enumerate(descriptions, 1)]}


@pytest.mark.parametrize(
    ("title", "arms", "summary", "line"),
    [
        # cohorts in two settings, said only in the arms
        ("X in NEC", _arms("Participants who had no previous systemic treatment",
                           "Participants progressing after first-line platinum-based chemotherapy"), "", "1st or 2nd Line"),
        ("X in NEC", _arms("Without prior chemotherapy: X every 3 weeks", "Without prior chemotherapy: X weekly"), "",
         "1st Line"),
        # an arm's schedule ("then maintenance") does not outweigh a title's line
        ("X as First-line Therapy in NEC", _arms("X with cisplatin and etoposide, then X maintenance"), "", "1st Line"),
        # the summary is read last: here it alone states the line
        ("X in NEC", _arms("X 200 mg daily"), "This trial evaluates X as second-line therapy for patients whose "
         "disease progressed on platinum.", "2nd Line"),
    ],
)  # fmt: skip
def test_arms_then_the_summary_state_the_line_the_criteria_do_not(title, arms, summary, line):
    trial = study(
        ident={"briefTitle": title},
        eligibilityModule={"eligibilityCriteria": "Inclusion Criteria:\n* Extrapulmonary NEC.\n* ECOG 0-1."},
        armsInterventionsModule=arms,
        descriptionModule={"briefSummary": summary},
    )
    assert derive_row(trial).values()["line"] == line


def _site_of(criteria: list[str]) -> str:
    """The site the rules give a trial whose inclusion criteria are ``criteria`` (and an ECOG one)."""
    bullets = "\n".join(f"* {c}" for c in [*criteria, "ECOG 0-1."])
    eligibility = {"eligibilityCriteria": f"Inclusion Criteria:\n{bullets}"}
    return derive_row(study(ident={"briefTitle": "X in NEC"}, eligibilityModule=eligibility)).values()["site"]


@pytest.mark.parametrize(
    ("criteria", "site"),
    [
        # a site said to be unrestricted is no restriction, whatever organ it allows by name
        (["Poorly differentiated NEC with tumour site not limited, including pulmonary large cell carcinoma."],
         "NEC"),
        # the lung named as what the disease is not, or refused in a clause of its own
        (["Poorly differentiated carcinoma with neuroendocrine features, not of pulmonary primary."], "EP-NEC"),
        (["High-grade NEC. Carcinomas of lung origin are not eligible."], "EP-NEC"),
        (["High-grade NEC of the stomach or colon; lung primaries excluded."], "GEP-NEC"),  # organs named: theirs
        (["High-grade NEC; small cell lung cancer is excluded."], "NEC"),  # SCLC refused, the lung is not
        # a basket's pancreatic adenocarcinoma cohort is no neuroendocrine pancreas
        (["Cohort 1: adenocarcinoma of the pancreas; Cohort 2: NEC of the pancreas."], "Panc-NEC, Panc-Ca"),
        (["Part 2A: NEC outside the lung.", "Part 2B: PDAC, metastatic."], "EP-NEC, Panc-Ca"),
        # items of a list are read as cohorts: a stop in one silences no other
        (["Advanced disease, either: (a) SCLC, extensive stage; (b) extrapulmonary high-grade NEC."],
         "EP-NEC, SCLC"),
        # an unknown primary said as a primary not found
        (["Poorly differentiated NEC of the stomach, colon or rectum, or without an identifiable primary despite "
          "complete staging."], "GEP-NEC, UNK"),
        (["High-grade NEC of the urinary bladder, or NEC in which no primary tumour was found on PET-CT."],
         "Bladder-NEC, UNK"),
        (["Large cell NEC of the cervix with no evidence of a lung primary."], "Cervical-NEC"),  # an organ absent
        # an unknown primary beside extrapulmonary sites, in another cohort or piece, is within them
        (["Arm A: extensive-stage SCLC; Arm B: neuroendocrine carcinoma of extrapulmonary origin; Arm C: NEC of "
          "unknown primary site."], "EP-NEC, SCLC"),
        (["Group 1: high-grade NEC arising outside the lung, including GI and GU primaries, or of "
          "unknown primary; Group 2: small cell lung cancer."], "EP-NEC, SCLC"),
        (["Part 1: relapsed small cell lung cancer. Part 2: high-grade NEC from any primary site outside the lung, or "
          "NEC of unknown origin."], "EP-NEC, SCLC"),
        (["Cohort A: gastric or colorectal NEC; Cohort B: NEC of unknown primary."], "GEP-NEC, UNK"),
        # the lung named beside other organs and then "or other organs": every site
        (["Large cell neuroendocrine carcinoma arising in the lung, pancreas or other organs."], "NEC"),
        (["High-grade NEC with its primary in the lungs, the GI tract, or in other sites (SCLC not eligible)."],
         "NEC"),
        (["High-grade NEC of the colon or other organs."], "GEP-NEC"),  # no lung: the organs named
    ],
)  # fmt: skip
def test_site_wording_of_unrestricted_sites_refused_lungs_and_other_cohorts(criteria, site):
    assert _site_of(criteria) == site


@pytest.mark.parametrize(
    ("criteria", "site", "line"),
    [
        # the exclusions in running text after a phrase of their own, read neither for the site nor the line
        ("Eligible: adults with high-grade neuroendocrine carcinoma of the stomach or duodenum; ECOG 0-1. "
         "Subjects are not eligible if: previously treated with a PD-1 antibody; interstitial lung disease.",
         "GEP-NEC", "Unknown"),
        # headed "Criteria for exclusion", the criteria numbered in brackets
        ("Criteria for inclusion\n(1) Neuroendocrine carcinoma of the hypopharynx or larynx.\n(2) ECOG 0-2.\n\n"
         "Criteria for exclusion\n(1) Pulmonary fibrosis.\n(2) Prior treatment with more than 2 regimens.",
         "H&N-NEC", "Unknown"),
        # the headers of a record in another language, the criteria in English
        ("Critères d'inclusion :\n- Small cell carcinoma of the rectum or anal canal\n- ECOG 0-1\n\n"
         "Critères de non-inclusion :\n- Previously treated with platinum-based chemotherapy",
         "GEP-NEC", "Unknown"),
        ("Einschlusskriterien:\n- Neuroendocrine carcinoma of the urinary bladder\n- ECOG 0-1\n\n"
         "Ausschlusskriterien:\n- Refractory to prior immunotherapy",
         "Bladder-NEC", "Unknown"),
    ],
)  # fmt: skip
def test_exclusions_under_other_headers_are_not_read_as_inclusion(criteria, site, line):
    trial = study(ident={"briefTitle": "X in NEC"}, eligibilityModule={"eligibilityCriteria": criteria})
    row = derive_row(trial).values()
    assert (row["site"], row["line"]) == (site, line)


@pytest.mark.parametrize(
    ("criteria", "site"),
    [
        # an exception cuts its clause there: what it qualifies stays
        (["High-grade NEC of the stomach or pancreas, excluding well-differentiated G3 tumours."], "GEP-NEC"),
        (["Cohort A: small cell carcinoma of extrapulmonary origin, except the prostate; Cohort B: neuroendocrine "
          "prostate cancer after abiraterone or enzalutamide."], "EP-NEC, Prostate-NEC"),
        # the lung named as what was ruled out is absent
        (["Large cell NEC of the bladder, or of unknown primary after exclusion of a pulmonary origin by CT."],
         "Bladder-NEC, UNK"),
        # digestive and other extrapulmonary organs in one list: mixed extrapulmonary sites
        (["Small cell carcinoma of the oesophagus, rectum, urinary bladder or uterine cervix."], "EP-NEC"),
        (["Poorly differentiated NEC of the prostate, bladder or colon, metastatic."], "EP-NEC"),
        (["Cohort 1: NEC of the stomach; Cohort 2: NEC of the bladder."], "GEP-NEC, Bladder-NEC"),  # cohorts apart
        # the female genital organs with no label of their own
        (["Small cell neuroendocrine carcinoma of the ovary or endometrium."], "EP-NEC"),
        (["High-grade NEC of the vulva, vagina or cervix."], "EP-NEC"),
        (["Large cell NEC of the uterine cervix, FIGO stage IB3 or higher."], "Cervical-NEC"),  # the cervix alone
    ],
)  # fmt: skip
def test_site_wording_of_exceptions_ruled_out_primaries_and_mixed_organ_lists(criteria, site):
    assert _site_of(criteria) == site


@pytest.mark.parametrize(
    ("criterion", "line"),
    [
        # no prior therapy, or one prior line: both settings
        ("Either no previous chemotherapy for metastatic disease, or relapse after one prior platinum-based "
         "regimen.", "1st or 2nd Line"),
        # "recurrent" beside a stage says what the disease is: the response to first-line therapy gives the line
        ("Stage IV or recurrent disease with a partial response or stable disease after first-line carboplatin "
         "and etoposide.", "2nd Line"),
        ("Stage 3 or recurrent disease, in partial or complete response after first-line chemotherapy.", "2nd Line"),
        # any number of prior lines, none among them
        ("Eligible irrespective of how many prior lines of therapy were given, including none.",
         "Prior systemic therapy allowed"),
    ],
)  # fmt: skip
def test_line_wording_of_both_settings_staged_recurrence_and_none_included(criterion, line):
    assert line_cell(criterion).value == line


@pytest.mark.parametrize(
    ("criteria", "site"),
    [
        # organ systems, not organs, listed across the digestive tract and another extrapulmonary system
        (["High-grade NEC of gastrointestinal, urogenital or gynecologic primary; pulmonary primaries not allowed."],
         "EP-NEC"),
        (["Poorly differentiated neuroendocrine carcinoma of GI or GU origin, or of unknown primary."], "EP-NEC"),
        # one system alone, or its organs in a bracket apart from the digestive tract, stay theirs
        (["Poorly differentiated NEC of the digestive system, metastatic."], "GEP-NEC"),
        (["Neuroendocrine carcinoma of the urogenital tract, any stage."], "Genitourinary"),
    ],
)  # fmt: skip
def test_site_wording_of_organ_systems_listed_across_the_digestive_tract_and_another(criteria, site):
    assert _site_of(criteria) == site


@pytest.mark.parametrize(
    ("criteria", "line"),
    [
        # prior treatment negated ("not been previously treated", "never pretreated"): the untreated
        (["Extrapulmonary NEC.", "Patients must not have been previously treated with systemic anticancer therapy "
          "in the metastatic setting."], "1st Line"),
        (["Extrapulmonary NEC.", "Advanced disease, never pretreated with cytotoxic agents."], "1st Line"),
        (["Extrapulmonary NEC.", "Metastatic disease previously treated with platinum-etoposide."], "2nd Line"),
        # progression on or failure of a treatment required, and a cap of one prior line: that one line only
        (["Extrapulmonary NEC.", "Disease progression during or after a platinum-based regimen for metastatic "
          "disease; a maximum of one prior line of systemic therapy is allowed."], "2nd Line"),
        (["Extrapulmonary NEC.", "Documented failure of first-line cisplatin or carboplatin with etoposide.",
          "Up to 1 prior systemic regimen in total."], "2nd Line"),
        # untreated beside it, or the cap alone: either line
        (["Extrapulmonary NEC.", "Untreated, or progression after one platinum doublet; no more than one prior "
          "regimen in total."], "1st or 2nd Line"),
        (["Extrapulmonary NEC.", "At most one prior line of therapy for advanced disease."], "1st or 2nd Line"),
    ],
)  # fmt: skip
def test_line_wording_of_negated_prior_treatment_and_a_required_failure_capped_at_one(criteria, line):
    assert _line_of(criteria, disease=()) == line


@pytest.mark.parametrize(
    ("criteria", "line"),
    [
        # cohort headers on lines of their own, each over its own criteria: the set of their lines
        ("Inclusion Criteria:\n* Extrapulmonary NEC.\n* ECOG 0-1.\n\nPart A\n* No prior chemotherapy for "
         "advanced disease.\n\nPart B\n* Relapsed after first-line platinum-based chemotherapy.\n\n"
         "Exclusion Criteria:\n* Brain metastases.", "1st or 2nd Line"),
        ("Inclusion Criteria\n1. Extrapulmonary NEC.\nArm 1 (expansion):\n2. Chemotherapy-naive patients.\n"
         "Arm 2 (expansion):\n3. At least one prior systemic regimen, no upper limit.", "1st and 2nd Line or later"),
        # cohorts that agree, or only one stating a line: the criteria read as usual
        ("Inclusion Criteria:\n* Extrapulmonary NEC.\nGroup 1\n* Progression after platinum-etoposide.\nGroup 2\n"
         "* Progression after platinum-etoposide and a PD-1 antibody.", "2nd Line"),
        ("Inclusion Criteria:\n* Extrapulmonary NEC.\nCohort 1\n* Small cell carcinoma of the bladder.\nCohort 2\n"
         "* Small cell carcinoma of the prostate.\n* Progression after platinum-based chemotherapy.", "2nd Line"),
    ],
)  # fmt: skip
def test_cohort_headers_each_over_their_own_criteria_give_the_set_of_their_lines(criteria, line):
    trial = study(ident={"briefTitle": "X in NEC"}, eligibilityModule={"eligibilityCriteria": criteria})
    assert derive_row(trial).values()["line"] == line


@pytest.mark.parametrize(
    ("criteria", "site"),
    [
        # the disease's criterion names no organ; a later one states the primary site apart
        (["Poorly differentiated neuroendocrine carcinoma confirmed by central review",
          "Site of the primary tumour: oesophagus, stomach or colon"], "GEP-NEC"),
        (["High-grade NEC, Ki-67 of at least 55%", "Measurable disease",
          "Tumour of extrapulmonary origin, or primary not identified"], "EP-NEC"),
        (["Small cell carcinoma, histologically confirmed", "Primary localisation: urinary bladder"], "Bladder-NEC"),
        # no such criterion: one naming an organ but no primary, or opening with what is absent, says nothing
        (["Histologically confirmed NEC", "Adequate renal and pulmonary function"], "NEC"),
        (["Histologically confirmed NEC", "No lung primary on CT of the chest"], "NEC"),
        # the disease's criterion names the organ itself: a later primary criterion is not read
        (["NEC of the pancreas", "Primary tumour resected or in place; liver metastases allowed"], "Panc-NEC"),
    ],
)  # fmt: skip
def test_a_later_criterion_states_the_primary_site_the_diseases_criterion_does_not(criteria, site):
    assert _site_of(criteria) == site


@pytest.mark.parametrize(
    ("criterion", "site"),
    [
        # CUP, cancer of unknown primary, beside a digestive organ
        ("Poorly differentiated NEC of the colon or rectum, or CUP with nodal disease only", "GEP-NEC, UNK"),
        ("Gastric NEC, cup-shaped ulcerating lesion allowed", "GEP-NEC"),  # the word, not the acronym
        # a list of three genitourinary organs with an organ's gloss in brackets within it
        ("Small cell carcinoma of the kidney (renal pelvis included), ureter or bladder", "Genitourinary"),
        ("NEC of the bladder (mixed urothelial histology allowed) or prostate", "Prostate-NEC, Bladder-NEC"),
    ],
)
def test_site_wording_of_cup_and_a_bracketed_gloss_in_a_genitourinary_list(criterion, site):
    assert site_cell(criterion).value == site


@pytest.mark.parametrize(
    ("criteria", "line"),
    [
        # a cap written without its article
        (["Progressed on first-line cisplatin-etoposide", "Maximum of 2 prior systemic regimens in total"],
         "2nd or 3rd line"),
        (["Maximum of two prior regimens for advanced disease"], "1st-3rd Lines"),
        (["Disease progression after first-line platinum", "Maximum of two weeks since the last scan"], "2nd Line"),
        # progression or refractoriness required, the count of prior lines left open
        (["Refractory to platinum-based therapy", "Any number of previous systemic regimens"], "2nd Line or later"),
        (["Progressed on or after platinum-containing chemotherapy",
          "Number of prior treatment lines is not limited"], "2nd Line or later"),
        (["Any number of prior systemic therapies"], "Prior systemic therapy allowed"),  # none required
        # untreated for the disease named, or one line after: both settings
        (["No prior systemic therapy for extrapulmonary NEC, or relapse after a single platinum-containing "
          "regimen"], "1st or 2nd Line"),
        (["No previous chemotherapy for NEC, or prior radiotherapy to one lesion"], "1st Line"),
        # any number including none, whatever the gloss on the untreated says
        (["Any number of previous regimens, including none; treatment-naive patients may take part"],
         "Prior systemic therapy allowed"),
        (["Any number of prior cycles of somatostatin analogue, including none", "Chemotherapy-naive"],
         "1st Line"),
    ],
)  # fmt: skip
def test_line_wording_of_bare_caps_open_counts_after_progression_and_both_settings(criteria, line):
    assert _line_of(criteria) == line


@pytest.mark.parametrize(
    ("interventions", "compound", "table"),
    [
        # a drug's earlier INN and code, and the English of Chinese registrations for nab-paclitaxel
        ([{"name": "Lambrolizumab", "otherNames": ["SCH 900475"]}, {"name": "Carboplatin"}],
         "Pembrolizumab + carboplatin", "5"),
        ([{"name": "Paclitaxel Albumin for Injection"}, {"name": "Cisplatin"}], "Nab-paclitaxel + cisplatin", "1"),
        ([{"name": "Albumin paclitaxel", "otherNames": ["Abraxane"]}], "Nab-paclitaxel", "1"),
        # albumin given beside paclitaxel is no nab-paclitaxel
        ([{"name": "Paclitaxel"}, {"name": "Human albumin 20% infusion"}], "Paclitaxel", "1"),
    ],
)  # fmt: skip
def test_former_names_and_translated_names_of_known_drugs(interventions, compound, table):
    row = derive_row(study(armsInterventionsModule={"interventions": interventions})).values()
    assert (row["compound"], row["table"]) == (compound, table)


@pytest.mark.parametrize(
    ("ident", "summary", "interventions", "compound", "table"),
    [
        # a code name its intervention does not class, classed by the phrase set beside it in a title or summary
        ({"officialTitle": "A First-in-Human Study of QX-2207, an Antibody-Drug Conjugate Targeting B7-H3, in "
          "Advanced Neuroendocrine Carcinoma"}, "", [{"name": "QX-2207", "description": "IV every 3 weeks"}],
         "QX-2207", "2"),
        ({"briefTitle": "RT-5512 (a Selective ATR Inhibitor) With Irinotecan in Extrapulmonary NEC"}, "",
         [{"name": "RT-5512"}, {"name": "Irinotecan"}], "RT-5512 + irinotecan", "3"),
        ({"briefTitle": "HB-0931 in Small Cell Carcinoma of the Bladder"},
         "HB-0931 is a fully human PD-L1 blocking antibody given every 3 weeks.", [{"name": "HB-0931 injection"}],
         "HB-0931", "4"),
        # a class said of another drug beside the code is not the code's
        ({"briefTitle": "ZZ-1029 in Combination With an Anti-PD-1 Antibody and Etoposide"}, "",
         [{"name": "ZZ-1029"}, {"name": "Etoposide"}], "Etoposide", "1"),
    ],
)  # fmt: skip
def test_a_code_name_is_classed_by_the_phrase_beside_it_in_a_title(
    ident, summary, interventions, compound, table
):
    trial = study(
        ident=ident,
        descriptionModule={"briefSummary": summary},
        armsInterventionsModule={"interventions": interventions},
    )
    row = derive_row(trial)
    assert (row.values()["compound"], row.values()["table"]) == (compound, table)
    assert any(("Title" in e or "briefSummary" in e) for e in row.cells["compound"].evidence) == (
        table != "1"
    )


@pytest.mark.parametrize(
    ("title", "criteria", "design"),
    [
        # escalation and expansion named as phase Ia and Ib: the whole of phase I
        ("A Phase Ia/Ib Dose-Escalation and Expansion Study of ZX-1 in NEC", "* NEC.", "Phase I"),
        (
            "A Study of ZX-1 in NEC",
            "* Phase 1a part: any solid tumour.\n* Phase 1b part: extrapulmonary NEC.",
            "Phase I",
        ),
        # phase Ib alone is phase Ib
        ("A Phase Ib Study of ZX-1 Plus Etoposide in NEC", "* NEC.", "Phase Ib"),
    ],
)
def test_phase_ia_and_ib_together_are_phase_i(title, criteria, design):
    trial = study(
        ident={"briefTitle": title},
        designModule={"phases": ["PHASE1"]},
        eligibilityModule={"eligibilityCriteria": f"Inclusion Criteria:\n{criteria}"},
    )
    assert derive_row(trial).values()["design"] == design


@pytest.mark.parametrize(
    ("criteria", "site", "line"),
    [
        # criteria opening with the part of the phase they admit to, each its own cohort
        (["Phase Ia: small cell lung cancer after at least one platinum doublet",
          "Phase Ib: poorly differentiated NEC of extrapulmonary origin, after one or two prior systemic regimens",
          "ECOG 0-1"], "EP-NEC, SCLC", "2nd Line or later"),
        (["Phase 2a: gastric or colorectal NEC, untreated for advanced disease",
          "Phase 2b: small cell carcinoma of the bladder, progression after one prior platinum regimen"],
         "GEP-NEC, Bladder-NEC", "1st or 2nd Line"),
        # one criterion so headed is one disease
        (["Phase 1b expansion: NEC of the stomach or colon, refractory to platinum", "ECOG 0-1"], "GEP-NEC",
         "2nd Line"),
    ],
)  # fmt: skip
def test_criteria_headed_by_the_part_of_the_phase_are_cohorts(criteria, site, line):
    bullets = "\n".join(f"* {c}" for c in criteria)
    trial = study(ident={"briefTitle": "ZX-1 in NEC"}, eligibilityModule={"eligibilityCriteria": f"Inclusion "
                                                                            f"Criteria:\n{bullets}"})  # fmt: skip
    assert (derive_row(trial).values()["site"], derive_row(trial).values()["line"]) == (site, line)


@pytest.mark.parametrize(
    ("criterion", "site"),
    [
        # a clause of its own (", and a ...") negates only itself
        ("Poorly differentiated NEC of the stomach confirmed by biopsy, and a primary lung tumour is excluded by "
         "chest CT", "GEP-NEC"),
        ("NEC of the rectum, colon, and lung excluded", "NEC"),  # a list, no clause of its own: as before
        # a cohort of another disease that excepts neuroendocrine carcinoma names no neuroendocrine site
        ("Advanced disease in one of these cohorts: Cohort 1: penile squamous cell carcinoma; Cohort 2: head and "
         "neck carcinoma of any histology except neuroendocrine carcinoma; Cohort 3: extrapulmonary NEC", "EP-NEC"),
        # a neuroendocrine cohort excepting one of its types keeps its site
        ("Cohort 1: extrapulmonary NEC; Cohort 2: laryngeal NEC, except small cell carcinoma", "EP-NEC, H&N-NEC"),
        ("Cohort 1: extrapulmonary NEC; Cohort 2: sinonasal carcinoma with neuroendocrine features, except NEC of "
         "the lung", "EP-NEC, H&N-NEC"),
    ],
)  # fmt: skip
def test_site_wording_of_a_clause_negating_itself_and_a_cohort_excepting_nec(criterion, site):
    assert site_cell(criterion).value == site


@pytest.mark.parametrize(
    ("criteria", "line"),
    [
        # "second line and beyond": an open count
        (["Second-line or beyond; ECOG 0-1"], "2nd Line or later"),
        (["Candidates for second-line treatment after first-line platinum"], "2nd Line"),
        # relapsed or refractory, no treatment it follows, no count: an open count
        (["Relapsed/refractory disease not suitable for local therapy"], "2nd Line or later"),
        (["Relapsed or refractory to first-line platinum-etoposide"], "2nd Line"),
        # a required progression, no limit on the count
        (["Progression on platinum-based chemotherapy; no limit on the number of previous regimens"],
         "2nd Line or later"),
        (["No restriction on the number of prior regimens"], "Unknown"),  # no progression required
        # untreated, or after one or two prior lines, side by side
        (["Either chemotherapy-naive if unfit for platinum, or relapsed after up to two previous regimens"],
         "1st-3rd Lines"),
        (["Chemotherapy-naive, or up to two prior cycles of somatostatin analogue allowed"], "1st Line"),
        # a recurrence after surgery is no prior line
        (["Locally recurrent after surgery with curative intent is allowed", "Untreated for metastatic disease"],
         "1st Line"),
        (["Recurrent after first-line platinum-etoposide"], "2nd Line or later"),
    ],
)  # fmt: skip
def test_line_wording_of_open_counts_both_settings_and_recurrence_after_surgery(criteria, line):
    assert _line_of(criteria) == line


@pytest.mark.parametrize(
    ("criteria", "site"),
    [
        # a subordinate clause ("if ...", "once ...", "provided that ...") negates only itself: the organs and the
        # unknown primary the criterion admits before it stay
        (["High-grade neuroendocrine carcinoma, Ki-67 above 20%.", "Primary in the oesophagus, stomach or colon, "
          "or unknown primary if a pulmonary primary has been excluded on chest CT."], "GEP-NEC, UNK"),
        (["Poorly differentiated NEC of the pancreas or of unknown primary once a lung origin has been excluded by "
          "imaging."], "Panc-NEC, UNK"),
        # the negation before the joint is the clause's own: dropped whole, as before
        (["Large cell carcinoma of the lung is excluded if a gastric primary cannot be ruled out."], "NEC"),
    ],
)  # fmt: skip
def test_site_wording_of_a_subordinate_clause_that_negates_only_itself(criteria, site):
    assert _site_of(criteria) == site


@pytest.mark.parametrize(
    ("criterion", "site"),
    [
        # any site except both lung carcinomas (SCLC and pulmonary LCNEC), in either order: every site but the lung
        ("High-grade NEC from any organ, except SCLC and pulmonary LCNEC", "EP-NEC"),
        ("Neuroendocrine carcinoma of any site other than large cell neuroendocrine carcinoma of the lung or small "
         "cell lung carcinoma", "EP-NEC"),
        # SCLC alone refused, or pulmonary LCNEC admitted in a clause of its own: the lung is not excluded
        ("Neuroendocrine carcinoma of any primary site, except small cell lung cancer", "NEC"),
        ("NEC of any primary site, excluding SCLC; pulmonary LCNEC is eligible", "NEC"),
    ],
)  # fmt: skip
def test_site_wording_of_any_site_except_both_lung_carcinomas(criterion, site):
    assert site_cell(criterion).value == site


def _headed(*blocks: str) -> str:
    """Inclusion criteria: two general ones, then ``blocks`` (each a heading over its own criteria)."""
    general = "Inclusion Criteria:\n\n* Age 18 years or over\n* Adequate organ function\n\n"
    return general + "\n\n".join(blocks)


@pytest.mark.parametrize(
    ("criteria", "site"),
    [
        # cohorts under headings of their own, each over its criteria: each cohort's disease gives its site
        (_headed("Part A participants:\n\n- Small cell carcinoma of the urinary bladder, muscle-invasive or metastatic"
                 "\n- Cisplatin-eligible",
                 "Part B participants:\n\n- Neuroendocrine carcinoma of the stomach, small bowel or colon\n"
                 "- Measurable disease"), "GEP-NEC, Bladder-NEC"),
        # one headed cohort, or headings that name no cohort: the first criterion naming the disease, as before
        (_headed("Part A participants:\n\n- Small cell carcinoma of the urinary bladder\n- Cisplatin-eligible\n"
                 "- Neuroendocrine carcinoma of the stomach allowed after review"), "Bladder-NEC"),
        (_headed("Disease characteristics:\n\n- Small cell carcinoma of the urinary bladder\n- Cisplatin-eligible",
                 "Prior therapy:\n\n- Neuroendocrine carcinoma of the colon treated by surgery only"), "Bladder-NEC"),
    ],
)  # fmt: skip
def test_cohorts_under_headings_of_their_own_each_give_their_site(criteria, site):
    trial = study(ident={"briefTitle": "X in NEC"}, eligibilityModule={"eligibilityCriteria": criteria})
    assert derive_row(trial).values()["site"] == site


@pytest.mark.parametrize(
    ("criteria", "line"),
    [
        # untreated (with a bracketed aside) or after exactly one prior regimen: either
        (["Participants may be chemotherapy-naive for advanced disease (for instance, unfit for cisplatin) or may "
          "have relapsed after a single prior regimen."], "1st or 2nd Line"),
        (["Untreated (declined platinum-based chemotherapy), or progressed on one prior line of therapy."],
         "1st or 2nd Line"),
        # the aside does not make a cap of two a single prior line
        (["Patients may be chemotherapy-naive (for instance, unfit for cisplatin) or may have had up to two prior "
          "regimens."], "1st-3rd Lines"),
        # no prior platinum chemotherapy (the first line of the disease) is the first line; no prior drug of another
        # kind says nothing of it
        (["No prior platinum-based chemotherapy for this cancer."], "1st Line"),
        (["No previous platinum chemotherapy."], "1st Line"),
        (["No prior irinotecan-based chemotherapy."], "Unknown"),
    ],
)  # fmt: skip
def test_line_wording_of_an_aside_beside_the_untreated_and_no_prior_platinum(criteria, line):
    assert _line_of(criteria) == line


@pytest.mark.parametrize(
    ("arm", "exclusion", "line"),
    [
        # the arm's own schedule (induction, then maintenance) is no prior line
        ("Carboplatin, etoposide and X for four induction cycles, followed by X maintenance every 3 weeks",
         "Brain metastases.", "Unknown"),
        # prior chemotherapy and immunotherapy for the cancer refused in the exclusions: the untreated
        ("Carboplatin, etoposide and X for four induction cycles, followed by X maintenance every 3 weeks",
         "Any previous cytotoxic chemotherapy or immunotherapy for this carcinoma.", "1st Line"),
        ("Carboplatin, etoposide and X for four induction cycles, followed by X maintenance every 3 weeks",
         "Any prior chemotherapy or immunotherapy within 28 days of day 1.", "Unknown"),
        # maintenance after an induction given before the trial: the paper's second line
        ("X maintenance for patients without progression after four cycles of induction chemotherapy",
         "Brain metastases.", "2nd Line"),
        ("After completing four cycles of induction chemotherapy, responders then receive X maintenance",
         "Brain metastases.", "2nd Line"),
    ],
)  # fmt: skip
def test_an_arms_own_induction_then_maintenance_is_no_prior_line(arm, exclusion, line):
    inclusion = "Inclusion Criteria:\n* Extrapulmonary NEC.\n* ECOG 0-1."
    criteria = f"{inclusion}\n\nExclusion Criteria:\n* {exclusion}"
    trial = study(
        ident={"briefTitle": "X in NEC"},
        eligibilityModule={"eligibilityCriteria": criteria},
        armsInterventionsModule=_arms(arm),
    )
    assert derive_row(trial).values()["line"] == line


# -- ctgov_built19 mechanisms, each in wording of other organs and drugs than the set's records -----------------


_CAR_T = {"type": "GENETIC", "name": "LX-3310",
          "description": "autologous T cells expressing a DLL3-directed chimeric antigen receptor"}  # fmt: skip


@pytest.mark.parametrize(
    ("interventions", "arm", "compound", "table"),
    [
        # chemotherapy the interventions describe as lymphodepletion prepares the cells: no compound under study
        ([_CAR_T, {"name": "Fludara", "description": "30 mg/m2 IV, lymphodepleting regimen"},
          {"name": "Cytoxan", "description": "500 mg/m2 IV, lymphodepleting regimen"}], "", "LX-3310", "2"),
        # so too when only the arm says so, in the step that names the drugs
        ([_CAR_T, {"name": "Fludarabine phosphate", "description": "Given IV"},
          {"name": "Cyclophosphamide", "description": "Given IV"}],
         "Patients receive fludarabine phosphate IV and cyclophosphamide IV on days -6 to -4 for lympho-depletion, "
         "then a single LX-3310 infusion on day 0.", "LX-3310", "2"),
        # chemotherapy given as treatment beside the cells, or also after them, is a compound
        ([_CAR_T, {"name": "Cyclophosphamide", "description": "Given PO"}],
         "Metronomic cyclophosphamide orally daily, then LX-3310 IV on day 0.", "LX-3310 + cyclophosphamide", "3"),
        ([_CAR_T, {"name": "Cyclophosphamide", "description": "Given IV"}],
         "Cyclophosphamide IV on day -3 for lymphodepletion, then LX-3310 on day 0; oral cyclophosphamide daily from "
         "day 28 as maintenance.", "LX-3310 + cyclophosphamide", "3"),
        # nothing but the conditioning named: it is what the record gives
        ([{"name": "Fludarabine", "description": "lymphodepletion"}], "", "Fludarabine", "1"),
    ],
)  # fmt: skip
def test_lymphodepletion_before_a_cell_infusion_is_no_study_compound(interventions, arm, compound, table):
    arms = {
        "interventions": interventions,
        "armGroups": [{"label": "CAR T", "description": arm}] if arm else [],
    }
    row = derive_row(study(armsInterventionsModule=arms))
    assert (row.values()["compound"], row.values()["table"]) == (compound, table)
    assert [m.drug for m in load_lexicon().find("Fludara; fludarabine phosphate")] == ["fludarabine"] * 2


def _described(description: str, criteria: str = "") -> dict[str, str]:
    trial = study(
        ident={"briefTitle": "Nab-paclitaxel in Neuroendocrine Carcinoma"},
        descriptionModule={"detailedDescription": description},
        eligibilityModule={"eligibilityCriteria": criteria, "sex": "ALL"},
    )
    return {k: v for k, v in derive_row(trial).values().items() if k in ("site", "line")}


_BACKGROUND = (
    "Background: small cell carcinoma of the bladder responds to platinum in previously untreated patients."
)


@pytest.mark.parametrize(
    ("description", "criteria", "cells"),
    [
        # the eligibility module holds no criteria: those the description lists under a heading of their own count,
        # up to the next paragraph ("previously untreated" in the statistics is no criterion)
        (f"{_BACKGROUND}\n\nKey eligibility criteria:\n* Adults with ECOG 0-1\n* Small cell carcinoma of the "
         "urinary bladder, metastatic\n* Relapse after exactly one prior cisplatin-containing regimen\n\n"
         "Statistics: 30 previously untreated patients in the reference series.", "",
         {"site": "Bladder-NEC", "line": "2nd Line"}),
        # numbered, with the exclusions under a heading of their own (the exclusions are not inclusion criteria)
        ("Eligibility criteria\n1. Neuroendocrine carcinoma of the stomach\n2. No prior chemotherapy\n\nExclusion "
         "criteria:\n1. Lung metastases only", "", {"site": "GEP-NEC", "line": "1st Line"}),
        # a description with no criteria heading is no criteria; nor is it read beside criteria the module holds
        (_BACKGROUND, "", {"site": "NEC", "line": "Unknown"}),
        (f"Inclusion criteria:\n- Small cell carcinoma of the bladder\n\n{_BACKGROUND}",
         "Inclusion Criteria:\n* Small cell carcinoma of the prostate", {"site": "Prostate-NEC", "line": "Unknown"}),
    ],
)  # fmt: skip
def test_the_selection_criteria_of_a_description_stand_in_for_an_empty_eligibility_module(
    description, criteria, cells
):
    assert _described(description, criteria) == cells


@pytest.mark.parametrize(
    ("criteria", "exclusion", "line"),
    [
        # an amendment kept beside the sentence it replaces is read in its place
        (["One or two prior lines of chemotherapy. [Amended 2020, replacing the preceding sentence: exactly one "
          "prior line of chemotherapy.]"], "Brain metastases.", "2nd Line"),
        (["Age 20-70 years (amendment 2: age 20 years or older).", "One or two prior lines of chemotherapy."],
         "Brain metastases.", "2nd or 3rd line"),
        # an amendment that admits more patients beside those admitted: the set of the two lines
        (["No prior systemic therapy for metastatic disease (Revised in amendment 3: participants relapsing after "
          "one prior chemotherapy regimen may also enrol)"], "Brain metastases.", "1st or 2nd Line"),
        # a cap the amendment struck no longer narrows the line; one not struck still does
        (["Progression after at least one prior platinum regimen."],
         "More than one prior regimen [deleted by protocol amendment 2]", "2nd Line or later"),
        (["Progression after at least one prior platinum regimen."], "More than one prior regimen.", "2nd Line"),
        (["Progression after at least one prior platinum regimen."],
         "More than one prior regimen (removed or not, whatever the surgery).", "2nd Line"),
    ],
)  # fmt: skip
def test_criteria_amended_beside_their_old_wording_are_read_as_amended(criteria, exclusion, line):
    bullets = "\n".join(f"* {c}" for c in ["Small cell carcinoma of the oesophagus.", *criteria])
    text = f"Inclusion Criteria:\n{bullets}\n\nExclusion Criteria:\n* {exclusion}"
    trial = study(ident={"briefTitle": "X in NEC"}, eligibilityModule={"eligibilityCriteria": text})
    assert derive_row(trial).values()["line"] == line


@pytest.mark.parametrize(
    ("title", "summary", "line"),
    [
        # a regimen then its maintenance, in a title or the summary, is the trial's own schedule: no line
        ("Tislelizumab Plus Cisplatin and Irinotecan Followed by Tislelizumab Maintenance in Cervical Small Cell "
         "Carcinoma", "For women with chemotherapy-naive disease.", "1st Line"),
        ("X in Cervical NEC", "Participants receive X with cisplatin and irinotecan for six cycles, then maintenance "
         "with X, in previously untreated disease.", "1st Line"),
        # maintenance after a treatment given before the trial is the second line
        ("X Maintenance Following Response to First-line Chemotherapy in Cervical NEC", "", "2nd Line"),
        ("X in Cervical NEC", "Women whose disease is controlled after induction chemotherapy then receive X "
         "maintenance.", "2nd Line"),
    ],
)  # fmt: skip
def test_a_regimens_own_maintenance_in_a_title_or_the_summary_is_no_prior_line(title, summary, line):
    criteria = "Inclusion Criteria:\n* Small cell carcinoma of the cervix.\n* ECOG 0-1."
    trial = study(
        ident={"briefTitle": title},
        eligibilityModule={"eligibilityCriteria": criteria},
        descriptionModule={"briefSummary": summary},
    )
    assert derive_row(trial).values()["line"] == line


@pytest.mark.parametrize(
    ("criteria", "line"),
    [
        # cohorts named together at a criterion's start and another after a ";": each cohort's own line
        (["Cohorts 1 and 3: no prior systemic therapy for metastatic disease; Cohort 2: progression after at least "
          "one prior platinum regimen, with no limit on the number of prior regimens."], "1st and 2nd Line or later"),
        (["Cohort X: relapse after exactly one prior regimen; Cohorts Y and Z: at least one prior line of "
          "therapy."], "2nd Line or later"),
        # one cohort named in passing states no line of its own
        (["Progression after at least one prior platinum regimen (Cohort 2 patients must be cisplatin-ineligible)."],
         "2nd Line or later"),
    ],
)  # fmt: skip
def test_cohorts_named_within_one_criterion_each_give_their_line(criteria, line):
    assert (
        _line_of(criteria, disease=("Small cell carcinoma of the bladder (Cohorts 1 and 2) or prostate.",))
        == line
    )


@pytest.mark.parametrize(
    ("criteria", "site"),
    [
        # the lung named as where the primary is not: every other site
        (["High-grade neuroendocrine carcinoma whose primary tumour is not located within the lungs, or of unknown "
          "primary."], "EP-NEC"),
        (["Large cell neuroendocrine carcinoma not originating in the lung."], "EP-NEC"),
        # a digestive cohort beside an extrapulmonary one is within it
        (["Cohort A: gastric or small bowel primary; Cohort B: extrapulmonary primary of any other organ."],
         "EP-NEC"),
        (["Cohort 1: pancreatic primary; Cohort 2: any extrapulmonary primary outside the pancreas."], "EP-NEC"),
        # beside an unknown primary, or an extrapulmonary cohort beside a distinct disease, each stays
        (["Cohort A: gastric or small bowel primary; Cohort B: unknown primary."], "GEP-NEC, UNK"),
        (["Cohort 1: extrapulmonary NEC; Cohort 2: neuroendocrine prostate cancer."], "EP-NEC, Prostate-NEC"),
    ],
)  # fmt: skip
def test_site_wording_of_a_primary_not_in_the_lung_and_a_digestive_cohort_beside_an_extrapulmonary_one(
    criteria, site
):
    assert _site_of(criteria) == site


@pytest.mark.parametrize(
    ("criteria", "line"),
    [
        # prior treatment negated after the verb ("not treated before"), and no systemic treatment for the cancer
        (["Disease not treated before with cytotoxic or targeted agents."], "1st Line"),
        (["No systemic anticancer therapy for recurrent or metastatic disease."], "1st Line"),
        # no systemic treatment in a washout says nothing of the line
        (["No systemic therapy within 21 days of enrolment."], "Unknown"),
    ],
)  # fmt: skip
def test_line_wording_of_treatment_not_given_before_and_no_systemic_treatment(criteria, line):
    assert _line_of(criteria) == line


def test_an_antibody_named_by_the_2022_inn_scheme_is_classed_by_its_target_infix():
    """The suffixes -tug, -bart, -mig and -ment replace "-mab" for new antibodies; the target infix before them
    gives the class: "-sto-" (immunostimulating) a checkpoint inhibitor, "-ta-" (tumour) a targeted agent."""
    lexicon = load_lexicon()
    found = lexicon.find("Volrustomig, then lozarestobart or pemvistotug; vexitatug and cobratabart; an Fab, "
                         "odrastoment")  # fmt: skip
    assert [(m.drug, lexicon.drug_class(m.drug)) for m in found] == [
        ("volrustomig", "immune checkpoint inhibitor"),
        ("lozarestobart", "immune checkpoint inhibitor"),
        ("pemvistotug", "immune checkpoint inhibitor"),
        ("vexitatug", "targeted therapy"),
        ("cobratabart", "targeted therapy"),
        ("odrastoment", "immune checkpoint inhibitor"),
    ]
    # a suffix alone, or a word that happens to end like one, names no drug
    assert lexicon.find("Treatment management; the last testament of Stobart, at Hobart; a tug") == []
    interventions = [{"name": "Volrustomig"}, {"name": "Carboplatin"}, {"name": "Etoposide"}]
    row = derive_row(study(armsInterventionsModule={"interventions": interventions})).values()
    assert (row["compound"], row["table"]) == ("Volrustomig + carboplatin + etoposide", "5")


@pytest.mark.parametrize(
    ("interventions", "summary", "compound", "category"),
    [
        # one arm on a checkpoint and one on a pathway the review counts as targeted: both classes, however the
        # name reads ("-tamig": tumour), said beside the name in the summary ...
        ([{"name": "Pumitamig", "otherNames": ["XB-327"]}, {"name": "Paclitaxel"}],
         "This study tests pumitamig, a bispecific antibody that binds PD-L1 and VEGF-A, plus weekly paclitaxel.",
         "Pumitamig + paclitaxel", "Combination ICI, targeted therapy and chemotherapy"),
        # ... or by the intervention's own description, for a code name no list knows
        ([{"name": "QL-1706X", "description": "PD-1 x VEGF bispecific antibody, 20 mg/kg IV on day 1"}], "",
         "QL-1706X", "Combination ICI and targeted therapy"),
        # two checkpoints: an ICI only, whatever the lexicon's antibody stem says
        ([{"name": "Erfonrilimab", "otherNames": ["KN-046"]}, {"name": "Nab-paclitaxel"}],
         "Erfonrilimab (a PD-L1/CTLA-4 bispecific antibody) with nab-paclitaxel.", "Erfonrilimab + nab-paclitaxel",
         "Combination chemotherapy and ICI"),
        # a T-cell engager's phrase ends where the next drug or setting begins: no checkpoint read into it
        ([{"name": "Obrixtamig"}], "Obrixtamig, a bispecific T-cell engager against DLL3 and CD3 after prior "
         "PD-1 blockade, is given every week.", "Obrixtamig", "Targeted therapy"),
    ],
)  # fmt: skip
def test_a_bispecific_against_a_checkpoint_and_a_targeted_pathway_is_of_both_classes(
    interventions, summary, compound, category
):
    modules = {"armsInterventionsModule": {"interventions": interventions}}
    if summary:
        modules["descriptionModule"] = {"briefSummary": summary}
    row = derive_row(study(**modules)).values()
    assert (row["compound"], row["category"]) == (compound, category)


@pytest.mark.parametrize(
    ("interventions", "compound", "table"),
    [
        # supportive care its names or its description's opening words say it is: no compound under study
        ([{"name": "ZX-4410", "description": "DLL3-directed ADC, IV every 3 weeks"},
          {"name": "Dexamethasone premedication", "description": "8 mg IV before each ADC infusion"}],
         "ZX-4410", "2"),
        ([{"name": "[177Lu]Lu-NeoB", "description": "7.4 GBq IV every 8 weeks"},
          {"name": "Arginine-lysine", "description": "Nephroprotection over 4 hours with each 177Lu dose"}],
         "177Lu-NeoB", "2"),
        # a description that names another intervention (a radioligand) gives no class of its own
        ([{"name": "[161Tb]Tb-DOTA-LM3", "type": "RADIATION", "description": "IV every 6 weeks, 4 cycles"},
          {"name": "Lysine and arginine solution", "description": "2.5% each, infused over 4 hours from 30 minutes "
                                                                  "before each [161Tb]Tb-DOTA-LM3 dose"}],
         "161Tb-DOTA-LM3", "2"),
        # a radioligand's own description naming the renal protection given with it is still the radioligand's
        ([{"name": "[212Pb]Pb-VMT-a-NET", "description": "alpha emitter IV every 8 weeks, with an amino acid infusion "
                                                         "for renal protection"}], "212Pb-VMT-a-NET", "2"),
    ],
)  # fmt: skip
def test_supportive_care_and_a_description_naming_another_intervention_are_no_study_compound(
    interventions, compound, table
):
    row = derive_row(study(armsInterventionsModule={"interventions": interventions})).values()
    assert (row["compound"], row["table"]) == (compound, table)


def test_a_name_no_list_knows_reads_as_its_product_not_its_notation_or_kind():
    # a radionuclide in brackets is the same name written isotope first, in a cell compared with another
    assert _drugs("[161Tb]Tb-DOTA-LM3 + capecitabine") == _drugs("161Tb-DOTA-LM3 + capecitabine")
    # the name another of its names heads, the rest saying only what kind of product it is
    cells = {"name": "KD7-CAR T cells", "otherNames": ["KD7-CAR", "DLL3 CAR-T"],
             "description": "Autologous T cells with a DLL3-directed chimeric antigen receptor"}  # fmt: skip
    row = derive_row(study(armsInterventionsModule={"interventions": [cells]})).values()
    assert (row["compound"], row["table"]) == ("KD7-CAR", "2")
    # no such name among the others: the name as written
    written = {**cells, "name": "Anti-DLL3 CAR T cells", "otherNames": ["DLL3 CAR-T"]}
    row = derive_row(study(armsInterventionsModule={"interventions": [written]})).values()
    assert (row["compound"], row["table"]) == ("Anti-DLL3 CAR T cells", "2")


@pytest.mark.parametrize(
    ("criteria", "line"),
    [
        # a first line the cohorts had is no untreated cohort
        (["Cohorts: (1) gastric NEC and (2) colorectal NEC, each having progressed after first-line "
          "platinum-etoposide."], "2nd Line"),
        # "at least one and no more than two" lines or regimens, the word "prior" left out
        (["Received at least one and no more than two regimens of systemic therapy for metastatic disease."],
         "2nd or 3rd line"),
        # a cap of two said "previous", beside a required progression
        (["Progressed on or after platinum-etoposide.", "No more than two previous regimens for metastatic disease."],
         "2nd or 3rd line"),
        # exactly one previous line
        (["Exactly one previous systemic regimen for advanced disease."], "2nd Line"),
        # systemic treatment not received for the cancer (a criterion's verb negated)
        (["Patients must not have received systemic treatment for metastatic disease."], "1st Line"),
        # any number of prior lines, and those never treated admitted beside them on a condition
        (["Any number of previous lines of therapy; participants who have never received systemic treatment are "
          "eligible if they decline chemotherapy."], "Prior systemic therapy allowed"),
        # ... not patients spared one drug
        (["Progression after platinum; any number of prior lines.",
          "Patients who have not received prior treatment with a PARP inhibitor are eligible."], "2nd Line or later"),
    ],
)  # fmt: skip
def test_line_wording_of_a_first_line_had_caps_and_the_untreated_beside_any_number(criteria, line):
    assert _line_of(criteria) == line


@pytest.mark.parametrize(
    ("criteria", "site"),
    [
        # an escalation of any solid tumour, then expansion cohorts each labelled over its own criterion: the
        # cohorts' sites
        (["Dose escalation: histologically confirmed advanced solid tumour refractory to standard therapy.",
          "Expansion cohort 1: small cell carcinoma of the urinary bladder after platinum.",
          "Expansion cohort 2: neuroendocrine carcinoma of the uterine cervix after platinum."],
         "Cervical-NEC, Bladder-NEC"),
        (["Phase 1: metastatic solid tumours for which no standard therapy exists.",
          "Phase 2, cohort A: extensive-stage small cell lung cancer relapsed after platinum.",
          "Phase 2, cohort B: poorly differentiated extrapulmonary neuroendocrine carcinoma after platinum."],
         "EP-NEC, SCLC"),
        # cohorts that name no organ leave the later criterion stating the primary site to say it
        (["Escalation: advanced solid tumours.", "Cohort 1: 100 mg daily.", "Cohort 2: 200 mg daily.",
          "Primary tumour in the stomach or colon."], "GEP-NEC"),
    ],
)  # fmt: skip
def test_cohorts_after_an_escalation_of_any_solid_tumour_give_the_site(criteria, site):
    assert _site_of(criteria) == site


@pytest.mark.parametrize(
    ("criteria", "site"),
    [
        # SCLC, the lung's large cell NEC and extrapulmonary NEC side by side: NEC of every site, SCLC apart
        (["Cohort A: small cell lung cancer after one platinum doublet.",
          "Cohort B: large cell neuroendocrine carcinoma of the lung after platinum.",
          "Cohort C: neuroendocrine carcinoma of extrapulmonary origin after platinum."], "SCLC, NEC"),
        (["Part A: SCLC or extrapulmonary NEC, relapsed after platinum; Part B: pulmonary LCNEC after platinum."],
         "SCLC, NEC"),
        # two of the three stay as found
        (["Cohort A: large cell neuroendocrine carcinoma of the lung.", "Cohort B: extrapulmonary NEC."],
         "EP-NEC, Lung-NEC"),
        (["Cohort A: small cell lung cancer.", "Cohort B: extrapulmonary NEC."], "EP-NEC, SCLC"),
        # a site within another read beside it in one cohort is within it there only, not in another cohort
        (["Cohort 1: extrapulmonary NEC or neuroendocrine prostate cancer; Cohort 2: small cell carcinoma of the "
          "prostate after androgen receptor pathway inhibitors."], "EP-NEC, Prostate-NEC"),
        (["Extrapulmonary NEC or neuroendocrine prostate cancer, after platinum."], "EP-NEC"),
    ],
)  # fmt: skip
def test_sclc_lung_lcnec_and_extrapulmonary_nec_together_are_sclc_and_nec_of_every_site(criteria, site):
    assert _site_of(criteria) == site


@pytest.mark.parametrize(
    ("bispecifics", "said"),
    [('[bispecifics]\npattern = "("', "[bispecifics] has a bad entry"),
     ('[[bispecifics.targets]]\nclass = "kinase"\npattern = "x"', "needs a known class"),
     ('bispecifics = 1', "[bispecifics] must be a table")],
)  # fmt: skip
def test_a_bad_bispecifics_table_names_the_file(tmp_path, bispecifics, said):
    from litreview.extract.lexicon import load_lexicon

    path = tmp_path / "lexicon.toml"
    path.write_text(bispecifics + '\n\n[drugs.x]\nclass = "chemotherapy"\n', encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(said)):
        load_lexicon(path)


@pytest.mark.parametrize("summary", ["a " * 25000, "the x " * 15000, "ivonescimab, a " * 5000, "(" * 50000])
def test_a_bispecifics_targets_are_read_in_linear_time(summary):
    # the phrase set before a drug's name was first read by a pattern that tried every article of the text: 8 s on
    # 50,000 characters
    interventions = [{"name": "Ivonescimab", "description": summary}, {"name": "Etoposide"}]
    trial = study(
        descriptionModule={"briefSummary": summary}, armsInterventionsModule={"interventions": interventions}
    )
    start = time.perf_counter()
    derive_row(trial)
    assert time.perf_counter() - start < 1.5


@pytest.mark.parametrize(
    ("interventions", "compound", "table"),
    [
        # a code name among its names is the drug under study, whatever aside on supportive care its name carries
        ([{"name": "HPN-328 with dexamethasone premedication", "description": "DLL3-targeting T-cell engager, IV "
                                                                               "every 2 weeks"}], "HPN-328", "2"),
        # ... or whatever its description opens with (the premedication given before it)
        ([{"name": "ABBV-706", "description": "Premedication with an antihistamine and acetaminophen; SEZ6-directed "
                                              "antibody-drug conjugate, IV every 3 weeks"},
          {"name": "Carboplatin"}], "ABBV-706 + carboplatin", "3"),
        # a radionuclide among its names is the radioligand under study, its description opening on the renal
        # protection given with it
        ([{"name": "[212Pb]Pb-DOTAMTATE", "type": "RADIATION",
           "description": "Renal protection with a lysine-arginine infusion, then 2.5 MBq/kg IV every 8 weeks"}],
         "212Pb-DOTAMTATE", "2"),
    ],
)  # fmt: skip
def test_a_study_drug_named_by_code_or_radionuclide_is_no_supportive_care(interventions, compound, table):
    row = derive_row(study(armsInterventionsModule={"interventions": interventions})).values()
    assert (row["compound"], row["table"]) == (compound, table)


@pytest.mark.parametrize(
    ("interventions", "summary"),
    [
        # the setting a T-cell engager is studied in names a checkpoint the drug does not block
        ([{"name": "BI 764532"}], "BI 764532 is a DLL3 x CD3 bispecific antibody under investigation in anti-PD-L1-"
                                  "pretreated small cell lung cancer and extrapulmonary neuroendocrine carcinoma."),
        # a sentence of its description after the phrase is no more of it
        ([{"name": "Gocatamig", "otherNames": ["MK-6070"], "description": "Trispecific T-cell engager (DLL3, CD3, "
                                                                           "albumin), IV weekly. PD-L1 testing is "
                                                                           "not required."}], ""),
        ([{"name": "QX-2204", "description": "DLL3/CD3 bispecific antibody; patients previously given PD-1 blockade "
                                             "are eligible"}], ""),
    ],
)  # fmt: skip
def test_a_bispecifics_phrase_ends_at_its_sentence_and_the_setting_it_is_given_in(interventions, summary):
    modules = {"armsInterventionsModule": {"interventions": interventions}}
    if summary:
        modules["descriptionModule"] = {"briefSummary": summary}
    assert derive_row(study(**modules)).values()["category"] == "Targeted therapy"


def test_a_cell_products_name_keeps_what_makes_it_a_chimeric_antigen_receptor_product():
    # another name that is only the antigen ("DLL3") heads the product's name and is no name of the product: the
    # longest such name is taken, and "CAR" is what the product is, not a word for its kind
    cells = {"name": "DLL3 CAR T cells", "otherNames": ["DLL3", "DLL3 CAR"],
             "description": "DLL3-directed autologous chimeric antigen receptor T cells, one infusion on day 0"}  # fmt: skip
    row = derive_row(study(armsInterventionsModule={"interventions": [cells]})).values()
    assert (row["compound"], row["table"]) == ("DLL3 CAR", "2")
    row = derive_row(
        study(armsInterventionsModule={"interventions": [{**cells, "otherNames": ["DLL3"]}]})
    ).values()
    assert (row["compound"], row["table"]) == ("DLL3 CAR T cells", "2")


@pytest.mark.parametrize(
    ("criteria", "line"),
    [
        # a count of lines of one kind of drug (immunotherapy, a checkpoint inhibitor) is no count of all lines
        (["Received at least one platinum-based regimen and no more than two lines of immune checkpoint "
          "inhibitors."], "2nd Line or later"),
        (["Progression after at least 2 prior lines of systemic therapy.",
          "At most two previous regimens containing a PD-1 or PD-L1 inhibitor."], "2nd Line or later"),
        (["Disease progression after at least 2 prior regimens; only one previous regimen with an immunotherapy "
          "agent is allowed."], "2nd Line or later"),
        # ... while a count of lines of systemic therapy still is one
        (["Progressed on platinum-etoposide.", "At most two previous lines of systemic therapy."], "2nd or 3rd line"),
        (["Relapsed after platinum-based chemotherapy; only one prior line of treatment, which may have included "
          "immunotherapy."], "2nd Line"),
    ],
)  # fmt: skip
def test_line_counts_of_one_kind_of_drug_are_no_counts_of_lines(criteria, line):
    assert _line_of(criteria) == line


@pytest.mark.parametrize(
    ("criteria", "site"),
    [
        # non-small cell lung cancer is no small cell lung cancer, in an expansion cohort after an escalation ...
        (["Part 1: advanced solid tumours with no standard option.",
          "Part 2, cohort 1: non-small-cell lung cancer with EGFR mutation after osimertinib.",
          "Part 2, cohort 2: poorly differentiated neuroendocrine carcinoma of the GI tract after platinum."],
         "GEP-NEC"),
        # ... or named beside the disease
        (["Small cell carcinoma of the urinary bladder, or non small cell lung cancer with a KRAS G12C mutation, "
          "after platinum."], "Bladder-NEC"),
        # small cell lung cancer still is
        (["Cohort A: small cell lung cancer transformed from EGFR-mutant non-small cell lung cancer.",
          "Cohort B: extrapulmonary NEC."], "EP-NEC, SCLC"),
    ],
)  # fmt: skip
def test_non_small_cell_lung_cancer_is_no_small_cell_lung_cancer(criteria, site):
    assert _site_of(criteria) == site


@pytest.mark.parametrize(
    ("criteria", "site"),
    [
        # a cohort of neuroendocrine carcinoma of any site beside a cohort of an organ: that organ and every other
        # site, as the same two diseases admitted side by side in one sentence are, after an escalation or not
        (["Phase 1a: advanced solid tumours expressing DLL3.",
          "Phase 1b cohort A: extensive-stage SCLC after platinum and a PD-L1 inhibitor.",
          "Phase 1b cohort B: poorly differentiated neuroendocrine carcinoma, any primary site, after platinum."],
         "SCLC, NEC"),
        (["Cohort 1: small cell carcinoma of the bladder.", "Cohort 2: NEC of any origin other than the bladder."],
         "Bladder-NEC, NEC"),
        # a cohort of well-differentiated tumours of any site is no NEC
        (["Cohort 1: extrapulmonary NEC.", "Cohort 2: well-differentiated NET G3 of any primary site."], "EP-NEC"),
    ],
)  # fmt: skip
def test_a_cohort_of_nec_of_any_site_beside_an_organs_is_every_site(criteria, site):
    assert _site_of(criteria) == site


@pytest.mark.parametrize(
    ("criteria", "site"),
    [
        # the three listed in one sentence, as cohorts list them: NEC of every site, SCLC apart
        (["Histologically confirmed small cell lung cancer, lung large-cell neuroendocrine carcinoma, or "
          "neuroendocrine carcinoma of extrapulmonary origin, progressing after platinum."], "SCLC, NEC"),
        (["Relapsed SCLC, LCNEC of the lung, or extrapulmonary NEC (any primary outside the lung)."], "SCLC, NEC"),
        # the lung's large cell NEC named beside SCLC is its own site; the lung word of SCLC is not
        (["SCLC or large cell neuroendocrine carcinoma of the lung after one platinum doublet."], "SCLC, Lung-NEC"),
        (["Extensive-stage small cell lung cancer after platinum."], "SCLC"),
    ],
)  # fmt: skip
def test_the_lungs_large_cell_nec_listed_beside_sclc_is_its_own_site(criteria, site):
    assert _site_of(criteria) == site


def test_an_antibody_drug_conjugate_named_by_the_2022_inn_scheme_is_one_targeted_drug():
    # the antibody's new suffix ("-tug", "-bart") before its payload's name, as "-mab" before it: one conjugate, not
    # an antibody beside a camptothecin ("-tecan": chemotherapy on its own)
    lexicon = load_lexicon()
    found = lexicon.find("Zocilurtatug deruxtecan; sibrotabart-ozogamicin; trastuzumab rezetecan")
    assert [(m.drug, lexicon.drug_class(m.drug)) for m in found] == [
        ("zocilurtatug deruxtecan", "targeted therapy"),
        ("sibrotabart-ozogamicin", "targeted therapy"),
        ("trastuzumab rezetecan", "targeted therapy"),
    ]
    adc = {"name": "Zocilurtatug pelitecan", "otherNames": ["ZL-1310"]}
    row = derive_row(study(armsInterventionsModule={"interventions": [adc]})).values()
    assert (row["compound"], row["table"]) == ("Zocilurtatug pelitecan", "2")
    # a chemotherapy the lexicon names after an antibody is still that chemotherapy
    assert [m.drug for m in lexicon.find("Panitumumab irinotecan")] == ["panitumumab", "irinotecan"]


@pytest.mark.parametrize(
    ("criteria", "line"),
    [
        # a wash-out before the first dose is no first line
        (["Measurable disease per RECIST 1.1.",
          "Must not have received systemic anticancer therapy for advanced disease within 28 days of the first "
          "dose."], "Unknown"),
        (["No systemic treatment for metastatic disease in the last 3 weeks."], "Unknown"),
    ],
)  # fmt: skip
def test_line_wording_of_a_wash_out_is_no_first_line(criteria, line):
    assert _line_of(criteria) == line


@pytest.mark.parametrize(
    ("criterion", "site"),
    [
        # SCLC excepted with the lung's other carcinomas: every site but the lung
        ("Poorly differentiated NEC arising in any organ except SCLC and any other lung primary", "EP-NEC"),
        ("High-grade neuroendocrine carcinoma, any origin, excluding small-cell lung carcinoma as well as all other "
         "carcinomas from a pulmonary primary", "EP-NEC"),
        # another site of "other" after SCLC excepted is no lung: the lung's LCNEC stays in
        ("Neuroendocrine carcinoma of any site except small cell lung cancer; other histologies are not eligible",
         "NEC"),
        ("Poorly differentiated NEC from any primary apart from SCLC and the other pulmonary carcinomas", "EP-NEC"),
        # "other" before a word that is no lung tumour, the lung named later: the lung's LCNEC stays in
        ("High-grade NEC of any origin, except small cell lung carcinoma and other histologic variants such as "
         "non-small cell lung cancer", "NEC"),
        ("Neuroendocrine carcinoma of any primary site, excluding SCLC and other subjects treated on a lung trial",
         "NEC"),
    ],
)  # fmt: skip
def test_site_wording_of_sclc_excepted_with_the_lungs_other_carcinomas(criterion, site):
    assert site_cell(criterion).value == site


@pytest.mark.parametrize(
    ("criteria", "site"),
    [
        # the diseases admitted listed after a colon, one sub-bullet each: each item read on its own, the stop of one
        # (extrapulmonary) silencing no other
        (["Confirmed diagnosis of any of these:\n  * small-cell lung carcinoma;\n  * poorly differentiated "
          "neuroendocrine carcinoma arising outside the lungs."], "EP-NEC, SCLC"),
        (["Tumour types: pulmonary large cell neuroendocrine carcinoma; extra-pulmonary high-grade NEC"],
         "EP-NEC, Lung-NEC"),
        # a list whose items do not each name a disease says more of the one disease: its lung is no site
        (["Extrapulmonary NEC as follows: Ki-67 above 20%; tumour measurable in the lung or liver."], "EP-NEC"),
        # a disease then sentences about its tumour, none naming another disease: one disease, its lung no site
        (["Disease: high-grade neuroendocrine carcinoma outside the lungs. A tumour sample (pulmonary or hepatic "
          "deposit) must be sent for central review."], "EP-NEC"),
        # an item whose lung primary is ruled out names no lung site; nor does a clause that rules it out
        (["Histology, one of: extra-pulmonary high-grade NEC; neuroendocrine carcinoma of unknown primary (pulmonary "
          "origin ruled out on imaging)."], "EP-NEC"),
        (["NEC of the bladder; a pulmonary primary must be ruled out."], "Bladder-NEC"),
    ],
)  # fmt: skip
def test_diseases_listed_after_a_colon_are_each_read_on_their_own(criteria, site):
    assert _site_of(criteria) == site


@pytest.mark.parametrize(
    ("criteria", "site"),
    [
        # a cohort of well-differentiated tumours beside the carcinomas': NET, its organ the tumour's, no NEC site
        (["Arm A: typical or atypical carcinoid of the bronchus after somatostatin analogues; Arm B: small cell "
          "carcinoma of the urinary bladder."], "NET, Bladder-NEC"),
        (["Group 1: low-grade neuroendocrine tumour (G1) of the small intestine.",
          "Group 2: extrapulmonary neuroendocrine carcinoma, Ki-67 above 55%."], "NET, EP-NEC"),
        # well-differentiated G3 tumours beside the carcinomas, or in one population with them, add nothing
        (["Cohort 1: well-differentiated NET grade 3 of the stomach; Cohort 2: poorly differentiated NEC of the "
          "colon."], "GEP-NEC"),
        (["Well-differentiated G3 tumour or poorly differentiated carcinoma of the rectum, Ki-67 over 20%."],
         "GEP-NEC"),
        # a grade-3 proliferation is grade 3 however written
        (["Cohort 1: well-differentiated NET of the small bowel with a Ki-67 index > 25%.",
          "Cohort 2: poorly differentiated NEC of the stomach."], "GEP-NEC"),
        (["Arm 1: well-differentiated duodenal NET, Ki-67 30-50%; Arm 2: duodenal NEC."], "GEP-NEC"),
        # a grade or a carcinoid word that names no tumour (a toxicity, a syndrome) is no NET
        (["Adverse events of earlier therapy recovered to grade 2 or better.",
          "Poorly differentiated NEC of the urinary bladder."], "Bladder-NEC"),
        (["Confirmed NEC, Ki-67 over 20%.",
          "Primary site: small intestine; carcinoid syndrome symptoms controlled on octreotide."], "GEP-NEC"),
        # a well-differentiated cohort with a low proliferation stays NET
        (["Cohort 1: well-differentiated NET of the ileum, Ki-67 5-20%.", "Cohort 2: NEC of the colon."],
         "NET, GEP-NEC"),
    ],
)  # fmt: skip
def test_a_cohort_of_well_differentiated_tumours_beside_the_carcinomas_is_net(criteria, site):
    assert _site_of(criteria) == site


@pytest.mark.parametrize(
    ("criteria", "line"),
    [
        # a cap the inclusion states by negating it narrows the line as the exclusions' limit does
        (["Not more than one previous chemotherapy regimen for metastatic disease; chemotherapy-naive participants "
          "are allowed."], "1st or 2nd Line"),
        # a cap not negated is no cap; one under a cohort's own header is that cohort's, read with its line
        (["Prior systemic therapy is permitted; patients with more than one prior chemotherapy regimen form the "
          "expansion group."], "Prior systemic therapy allowed"),
        (["Cohort A: progression after one platinum line, with no more than one prior regimen.",
          "Cohort B: at least one prior line of therapy."], "2nd Line or later"),
        # a cap of lines of one kind of drug, negated, caps no line
        (["Disease progression on at least one prior systemic regimen.",
          "Not more than one previous line including an anti-PD-L1 antibody."], "2nd Line or later"),
    ],
)  # fmt: skip
def test_a_cap_the_inclusion_states_by_negating_it_narrows_the_line(criteria, line):
    assert _line_of(criteria) == line


@pytest.mark.parametrize(
    ("criteria", "line"),
    [
        # recurrent disease beyond local treatment says what the disease is, not that a line was given
        (["Recurrent tumour unsuitable for radical surgery.", "ECOG 0-2."], "Unknown"),
        (["Recurrent carcinoma which is not amenable to local therapy.",
          "No previous chemotherapy for metastatic disease."], "1st Line"),
        # beyond further systemic treatment, recurrence is still after a line
        (["Recurrent disease not amenable to further chemotherapy."], "2nd Line or later"),
    ],
)  # fmt: skip
def test_line_wording_of_recurrent_disease_beyond_local_treatment(criteria, line):
    assert _line_of(criteria) == line


@pytest.mark.parametrize(
    ("criteria", "line"),
    [
        # none, one or two prior lines, in figures or words, of regimens, therapies or lines
        (["Participants with zero, one, or two previous cytotoxic regimens for unresectable disease."],
         "1st-3rd Lines"),
        (["Has had 0, 1 or 2 prior treatments in the metastatic setting."], "1st-3rd Lines"),
        # one or two, with no zero before it, is after a line
        (["Has had 1 or 2 prior regimens in the metastatic setting."], "2nd or 3rd line"),
        # a performance status before treatment, or a count of one kind of drug, is no count of lines
        (["Performance status (WHO) zero, one, or two prior to study therapy."], "Unknown"),
        (["ECOG 0-2 prior to therapy."], "Unknown"),
        (["At least one prior line of chemotherapy; 0, 1 or 2 previous PARP inhibitor lines are permitted."],
         "2nd Line or later"),
    ],
)  # fmt: skip
def test_line_wording_of_none_one_or_two_prior_regimens(criteria, line):
    assert _line_of(criteria) == line


def _line_titled(criteria: list[str], title: str = "X in NEC", exclusion: tuple[str, ...] = ()) -> str:
    """The line of a trial titled ``title`` whose inclusion criteria are ``criteria`` (the disease's first)."""
    text = "Inclusion Criteria:\n" + "\n".join(f"* {c}" for c in criteria)
    text += "\n\nExclusion Criteria:\n" + "\n".join(f"* {c}" for c in exclusion) if exclusion else ""
    trial = study(ident={"briefTitle": title}, eligibilityModule={"eligibilityCriteria": text})
    return derive_row(trial).values()["line"]


@pytest.mark.parametrize(
    ("criteria", "title", "line"),
    [
        # progression required where the disease is stated, the cap of one prior line in another criterion
        (["Unresectable extrapulmonary NEC with radiological progression following platinum-based chemotherapy.",
          "No more than one prior line of systemic treatment for metastatic disease."], "X in NEC", "2nd Line"),
        # the cap written before the progression
        (["Extrapulmonary NEC.", "A maximum of one prior regimen for advanced disease; documented progression "
          "during or after cisplatin or carboplatin plus etoposide."], "X in NEC", "2nd Line"),
        (["Extrapulmonary NEC.", "Participants must not have received more than one previous systemic regimen.",
          "Disease progression on or after a platinum doublet."], "X in NEC", "2nd Line"),
        # the progression in the title
        (["Extrapulmonary NEC.", "No more than one prior line of systemic therapy."],
         "Study of Z in Extrapulmonary NEC Progressing After Platinum", "2nd Line"),
        # the cap alone, or beside untreated patients, a condition, or a progression that is allowed, after local
        # treatment, or not required: either line
        (["Extrapulmonary NEC.", "No more than one prior line of systemic therapy."],
         "Z in Untreated or Pretreated EP-NEC", "1st or 2nd Line"),
        (["Extrapulmonary NEC.", "Up to one prior regimen; chemotherapy-naive patients, or those with progression "
          "after first-line platinum, may enrol."], "X in NEC", "1st or 2nd Line"),
        (["Extrapulmonary NEC.", "At most one prior line; if progression on prior therapy, at least 4 weeks must "
          "have passed."], "X in NEC", "1st or 2nd Line"),
        (["Extrapulmonary NEC.", "No more than 1 prior regimen; progression after surgery or radiotherapy alone is "
          "acceptable."], "X in NEC", "1st or 2nd Line"),
        (["Extrapulmonary NEC that progressed after surgical resection.", "No more than one prior line of "
          "systemic therapy."], "X in NEC", "1st or 2nd Line"),
        (["Extrapulmonary NEC.", "Maximum of one prior regimen (progression on it is not required)."], "X in NEC",
         "1st or 2nd Line"),
        (["Extrapulmonary NEC.", "No more than one prior systemic line. Relapse after adjuvant chemotherapy counts "
          "as a line."], "X in NEC", "1st or 2nd Line"),
    ],
)  # fmt: skip
def test_a_progression_and_a_cap_of_one_prior_line_in_any_order_or_criterion_is_the_second_line(criteria, title,
                                                                                                line):  # fmt: skip
    assert _line_titled(criteria, title) == line


@pytest.mark.parametrize(
    ("criteria", "exclusion", "line"),
    [
        # untreated patients admitted, by a rule listed before the one reading the criteria whole, in a criterion of
        # their own: that rule's reading stands (narrowed by the cap), not the second line
        (["Extrapulmonary NEC.", "Untreated participants are also permitted.", "Disease progression during "
          "platinum-etoposide; no more than one previous regimen."], (), "1st or 2nd Line"),
        (["Extrapulmonary NEC.", "Treatment-naive subjects are allowed.", "Progression following platinum."],
         ("More than one prior line of systemic therapy.",), "1st or 2nd Line"),
        # untreated patients, or a condition, between the progression and the cap: either line
        (["High-grade EP-NEC refractory to platinum-etoposide, or untreated if unfit for platinum.",
          "Not more than one prior systemic line."], (), "1st or 2nd Line"),
        (["Extrapulmonary NEC relapsing after cisplatin and etoposide; chemotherapy-naive patients may also be "
          "enrolled if platinum is contraindicated.", "Up to one prior line."], (), "1st or 2nd Line"),
        (["Extrapulmonary NEC.", "Failure of first-line platinum, or no prior therapy if unfit; a maximum of one "
          "prior regimen."], (), "1st or 2nd Line"),
        (["Extrapulmonary NEC.", "Progression on platinum-based therapy (if given) is documented; at most 1 prior "
          "line."], (), "1st or 2nd Line"),
        # the progression required, the cap in the exclusions: the second line
        (["Extrapulmonary NEC.", "Progression following platinum."], ("More than one prior line of systemic therapy.",),
         "2nd Line"),
    ],
)  # fmt: skip
def test_untreated_patients_admitted_before_a_progression_and_a_cap_are_either_line(
    criteria, exclusion, line
):
    assert _line_titled(criteria, exclusion=exclusion) == line


@pytest.mark.parametrize(
    ("criteria", "line"),
    [
        # a recurrence timed after the first line is after one prior line, not before it, nor open-ended
        (["Progressive disease within 3 months of the last dose of first-line cisplatin-etoposide."], "2nd Line"),
        (["Platinum-sensitive disease: relapse more than 90 days after the end of first-line treatment."],
         "2nd Line"),
        (["Recurrence < 6 months from completion of first line chemotherapy.", "ECOG 0-1."], "2nd Line"),
        (["Tumour recurrent within six months of first-line carboplatin and etoposide."], "2nd Line"),
        # a recurrence timed after another treatment, or after diagnosis, says nothing of the first line
        (["Recurrence within 6 months of adjuvant chemotherapy."], "Unknown"),
        (["Relapse within 12 months of surgery."], "Unknown"),
        (["Recurrent or metastatic disease within 6 months of diagnosis."], "Unknown"),
    ],
)  # fmt: skip
def test_a_recurrence_timed_after_the_first_line_is_the_second_line(criteria, line):
    assert _line_of(criteria) == line


@pytest.mark.parametrize(
    ("criteria", "line"),
    [
        # a range from none, written with "previous", "between" or the lines first, is of all lines
        (["Between zero and two previous systemic regimens for advanced disease."], "1st-3rd Lines"),
        (["0-2 lines of prior anticancer therapy in the metastatic setting."], "1st-3rd Lines"),
        (["Participants may have had 0 or 1 previous chemotherapy regimens."], "1st or 2nd Line"),
        # a drug refused beside the count is not what it counts
        (["Has received 0-2 prior regimens; prior topotecan is not allowed."], "1st-3rd Lines"),
        # a drug's or a class's count is no count of lines
        (["Zero to two prior oxaliplatin-based regimens are permitted."], "Unknown"),
        (["0-2 previous lines of everolimus or sunitinib."], "Unknown"),
        (["0-1 prior regimens containing a fluoropyrimidine."], "Unknown"),
        (["Up to 2 prior lines of temozolomide."], "Unknown"),
        # a grade or a performance status before treatment counts no lines
        (["Toxicities of grade 0-1 prior treatment-related."], "Unknown"),
        (["WHO performance status between 0 and 2 prior to enrolment."], "Unknown"),
    ],
)  # fmt: skip
def test_a_count_from_none_is_of_all_lines_unless_a_drug_qualifies_it(criteria, line):
    assert _line_of(criteria) == line


@pytest.mark.parametrize(
    ("criteria", "line"),
    [
        # the regimens received, listed after a colon (items cut at ";" or sub-bullets, each naming a drug), counted
        (["Previous systemic treatments received: carboplatin plus etoposide; FOLFOX; capecitabine with "
          "temozolomide."], "2nd Line or later"),
        (["Prior chemotherapy regimens:\n  * cisplatin and etoposide\n  * irinotecan with 5-FU"], "2nd Line or later"),
        (["Prior therapy: carboplatin (or cisplatin) with etoposide, 4-6 cycles.", "ECOG 0-1."], "2nd Line"),
        # alternatives, examples, what is allowed, a count, or what each group had: no count of regimens received
        (["Prior therapy, one of: cisplatin/etoposide; carboplatin/etoposide."], "Unknown"),
        (["Prior lines: cisplatin/etoposide; everolimus; or sunitinib."], "Unknown"),
        (["Prior treatment (for example): FOLFIRI; CAPTEM."], "Unknown"),
        (["Prior systemic therapy: cisplatin/etoposide; FOLFIRI (optional)."], "Unknown"),
        (["Previous lines of therapy: 1 or 2 (cisplatin/etoposide; FOLFIRI)."], "Unknown"),
        (["Prior systemic therapy: carboplatin-etoposide for NEC; everolimus or sunitinib for NET G3."], "Unknown"),
        # no drug named: no regimen counted
        (["Prior therapy: surgery; radiotherapy to the primary."], "Unknown"),
    ],
)  # fmt: skip
def test_regimens_listed_as_received_are_counted(criteria, line):
    assert _line_of(criteria) == line


@pytest.mark.parametrize(
    ("criteria", "line"),
    [
        # an abbreviation's full stop before a capital ends no list: the examples or the gloss after it are read
        (["Previous regimens received: carboplatin plus etoposide; i.e. Platinum-based doublet; temozolomide."],
         "Unknown"),
        (["Prior treatments: cisplatin/etoposide; E.g. CAPTEM where given."], "Unknown"),
        (["Prior lines of therapy: carboplatin with etoposide; incl. Temozolomide-based regimens."], "Unknown"),
        # nor are the regimens after it lost
        (["Prior chemotherapy: Cisplatin vs. Carboplatin, each with etoposide; FOLFIRI."], "2nd Line or later"),
        (["Prior systemic therapy: cisplatin/etoposide (cf. Appendix B); FOLFOX."], "2nd Line or later"),
        # a sentence's full stop still ends it
        (["Previous chemotherapy received: carboplatin/etoposide. Measurable disease per RECIST; at least one "
          "lesion."], "2nd Line"),
    ],
)  # fmt: skip
def test_a_listed_regimen_list_runs_past_an_abbreviation(criteria, line):
    assert _line_of(criteria) == line


@pytest.mark.parametrize(
    ("criterion", "site"),
    [
        # where the disease has spread is no primary site: no lung beside an extrapulmonary disease
        ("Poorly differentiated NEC of the stomach or colon with pulmonary and hepatic metastases.", "GEP-NEC"),
        ("Neuroendocrine carcinoma of the urinary bladder, metastasized to the lung and liver.", "Bladder-NEC"),
        ("NEC of the uterine cervix with spread to the lung.", "Cervical-NEC"),
        ("High-grade NEC of unknown primary with lung/bone metastases.", "UNK"),
        ("Pancreatic neuroendocrine carcinoma; the lung as the only site of metastasis is acceptable.", "Panc-NEC"),
        # the lung's own carcinoma, however its spread is written, is still the lung's
        ("Metastatic large cell neuroendocrine carcinoma of the lung with liver metastases.", "Lung-NEC"),
        ("Brain metastases from small cell lung cancer.", "SCLC"),
        ("Pulmonary NEC, metastatic to the bone or liver.", "Lung-NEC"),
    ],
)  # fmt: skip
def test_a_metastatic_site_is_no_primary_site(criterion, site):
    assert site_cell(criterion).value == site


def test_an_organ_named_only_as_where_the_disease_spread_is_no_criterion_naming_the_disease():
    trial = study(
        ident={"briefTitle": "Z in NEC With Lung Metastases"},
        eligibilityModule={"eligibilityCriteria": "Inclusion Criteria:\n* Measurable lung metastasis.\n"
                                                  "* NEC of the oesophagus or rectum.\n* ECOG 0-1."},
    )  # fmt: skip
    assert derive_row(trial).values()["site"] == "GEP-NEC"


@pytest.mark.parametrize(
    ("criteria", "line"),
    [
        # the untreated or a recurrence after the first line, timed or not, side by side: either line
        (["Untreated, or recurrence at least 3 months after completion of first-line chemotherapy."],
         "1st or 2nd Line"),
        (["Chemotherapy-naive patients, or patients who relapsed more than 90 days after first-line platinum."],
         "1st or 2nd Line"),
        (["No prior systemic therapy, or relapse > 6 months from the end of first-line therapy."], "1st or 2nd Line"),
        (["Systemic treatment-naive for metastatic disease or with disease progression within 12 weeks of the last "
          "dose of first-line chemotherapy."], "1st or 2nd Line"),
        (["Naive or progressed after first line platinum-etoposide chemotherapy."], "1st or 2nd Line"),
        # a recurrence alone, after another treatment, beside later lines, or refused: as before
        (["Relapsed more than 90 days after the end of first-line etoposide-carboplatin."], "2nd Line"),
        (["Treatment-naive, or relapsed more than 6 months after adjuvant chemotherapy."], "1st Line"),
        (["Untreated patients, or patients whose disease recurred after first-line surgery."], "1st Line"),
        (["Treatment-naive or progressed on first-line, second-line or later therapy."], "2nd Line or later"),
        (["Treatment-naive patients, or patients who relapsed within 3 months of first-line platinum, are excluded."],
         "1st Line"),
        (["Untreated brain metastases or progression after first-line platinum."], "2nd Line"),
        (["Chemotherapy-naive or relapse after first-line therapy, with at least one further line."],
         "2nd Line or later"),
        (["Progression on first-line chemotherapy; treatment-naive patients are not eligible."], "2nd Line"),
        (["Untreated, or recurrence > 3 months after first-line therapy, and at most two prior regimens in all."],
         "1st-3rd Lines"),
    ],
)  # fmt: skip
def test_the_untreated_or_a_recurrence_after_the_first_line_are_either_line(criteria, line):
    assert _line_of(criteria) == line


@pytest.mark.parametrize(
    ("criteria", "line"),
    [
        # a first line named only as the time a refused recurrence is counted from states no line by itself
        (["Without recurrence within 3 months from the end of first-line platinum-etoposide."], "Unknown"),
        (["Did not relapse < 90 days after completing first-line chemotherapy.", "ECOG 0-2."], "Unknown"),
        (["Participants whose disease progressed within 6 months of first-line treatment are not eligible."],
         "Unknown"),
        # the rest of the record then states the line
        (["No progression within 6 months of the last cycle of first-line chemotherapy.",
          "No prior systemic therapy for metastatic disease."], "1st Line"),
        (["Subjects who relapsed within 12 weeks of first-line platinum are excluded.",
          "Progression after exactly one prior regimen."], "2nd Line"),
        # a recurrence timed from the first line that is required or admitted, or a first line that is no time
        # reference, or a refused recurrence after another treatment: as before
        (["Relapse within 6 months of completing first-line therapy."], "2nd Line"),
        (["Patients who progressed within 3 months of first-line platinum are eligible."], "2nd Line"),
        (["First-line treatment of metastatic disease; no relapse within 6 months of adjuvant therapy."], "1st Line"),
        (["Candidates for first-line chemotherapy; relapse within 6 months of surgery is not allowed."], "1st Line"),
        (["No progression during first-line chemotherapy (stable disease after 4 cycles)."], "2nd Line"),
        (["Without disease progression within 3 months after completion of first-line chemotherapy."], "2nd Line"),
        (["No relapse within 6 months of first-line therapy; at least one prior line required."], "2nd Line or later"),
        (["Relapse more than 6 months after first-line platinum; untreated brain metastases are excluded."],
         "2nd Line"),
        (["No relapse within 6 months of first-line adjuvant cisplatin-etoposide."], "1st Line"),
    ],
)  # fmt: skip
def test_a_refused_recurrence_timed_from_the_first_line_is_no_first_line(criteria, line):
    assert _line_of(criteria) == line
