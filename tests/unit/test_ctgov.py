import json

import pytest

from litreview.errors import RecordParseError
from litreview.sources.ctgov import build_studies, load_ctgov_json, parse_page, study_to_trial


def test_shared_studies_parse(data_dir):
    trials = [t for p in sorted((data_dir / "ctgov").glob("*.json")) for t in load_ctgov_json(p)]
    assert len(trials) == 36 and len({t.nct_id for t in trials}) == 36
    ecog = next(t for t in trials if t.nct_id == "NCT02595424")
    assert ecog.phases == ("PHASE2",) and ecog.allocation == "RANDOMIZED"
    assert ecog.countries == ("United States",) and "Cisplatin" in ecog.interventions


def test_complete_real_record(data_dir):
    (trial,) = load_ctgov_json(data_dir / "ctgov_reference/NCT02513394.json")
    assert trial.nct_id == "NCT02513394" and trial.has_results
    assert trial.enrollment and trial.enrollment_type in {"ACTUAL", "ESTIMATED"}
    assert trial.first_posted and trial.countries


def test_missing_modules_give_blanks():
    trial = study_to_trial({"protocolSection": {"identificationModule": {"nctId": "NCT00000001"}}})
    assert trial.status == "" and trial.enrollment is None and trial.countries == ()


def test_study_without_id_names_position():
    with pytest.raises(RecordParseError, match="record 3"):
        study_to_trial({"protocolSection": {}}, payload="p.json", index=3)


def test_page_and_list_forms(tmp_path, data_dir):
    study = json.loads((data_dir / "ctgov/NCT02595424.json").read_text())
    (tmp_path / "page.json").write_text(json.dumps({"studies": [study], "totalCount": 1}))
    (tmp_path / "list.json").write_text(json.dumps([study, study]))
    assert len(list(load_ctgov_json(tmp_path / "page.json"))) == 1
    assert len(list(load_ctgov_json(tmp_path / "list.json"))) == 2


def test_truncated_page_is_an_error():
    with pytest.raises(RecordParseError, match="p.json"):
        parse_page(b'{"studies": [{"protocolSection": ', "p.json")


def test_as_of_filter():
    params = dict(build_studies(cond="neuroendocrine carcinoma", first_posted_max="2022-08-02").params)
    assert params["filter.advanced"] == "AREA[StudyFirstPostDate]RANGE[MIN,2022-08-02]"
    assert params["pageSize"] == "1000" and params["countTotal"] == "true"
