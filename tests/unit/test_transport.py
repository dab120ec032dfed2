import pytest

from litreview.errors import SourceError, SourceResponseError
from litreview.sources.transport import ReplayTransport, Request, Snapshot


def test_key_ignores_caller_identity():
    a = Request.make("pubmed", "esearch.fcgi", {"term": "x", "api_key": "K1", "email": "a@b"})
    b = Request.make("pubmed", "esearch.fcgi", {"term": "x"})
    assert a.key() == b.key()
    assert "K1" not in a.describe()


def test_record_then_replay(tmp_path):
    snap = Snapshot(tmp_path)
    req = Request.make("ctgov", "studies", {"query.cond": "nec", "api_key": "SECRET"})
    snap.add(req, b'{"studies": []}', ".json")
    snap.save()
    assert "SECRET" not in (tmp_path / "index.json").read_text()
    assert ReplayTransport(tmp_path).fetch(req).body == b'{"studies": []}'


def test_unrecorded_request_is_a_clear_error(tmp_path):
    snap = Snapshot(tmp_path)
    snap.save()
    with pytest.raises(SourceError, match="no recorded response"):
        ReplayTransport(tmp_path).fetch(Request.make("pubmed", "esearch.fcgi", {"term": "y"}))


def test_damaged_payload_is_detected(tmp_path):
    snap = Snapshot(tmp_path)
    req = Request.make("ctgov", "studies", {"query.cond": "nec"})
    path = snap.add(req, b'{"studies": []}', ".json")
    snap.save()
    path.write_bytes(b'{"studies": [')
    with pytest.raises(SourceResponseError, match="checksum"):
        ReplayTransport(tmp_path).fetch(req)


def test_missing_index(tmp_path):
    with pytest.raises(SourceError, match="index not found"):
        ReplayTransport(tmp_path)
