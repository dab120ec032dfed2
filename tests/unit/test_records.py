"""The record model's constructors: Citation and Provenance store their fields through the slot
descriptors (records._store_through_slots); they must behave as the dataclass-generated ones."""

import dataclasses
import inspect

import pytest

from litreview.records import Citation, Provenance


def generated(cls: type) -> type:
    """The same class as ``dataclasses`` alone would build it (fields, defaults, frozen, slots)."""
    spec = [(f.name, f.type, dataclasses.field(default=f.default)) for f in dataclasses.fields(cls)]
    return dataclasses.make_dataclass(cls.__name__, spec, frozen=True, slots=True)


@pytest.mark.parametrize("cls", [Citation, Provenance])
def test_signature_and_defaults_are_the_generated_ones(cls):
    assert str(inspect.signature(cls)) == str(inspect.signature(generated(cls)))


@pytest.mark.parametrize("cls", [Citation, Provenance])
def test_every_field_is_stored_by_keyword_and_by_position(cls):
    fields = dataclasses.fields(cls)
    values = {f.name: f"value of {f.name}" for f in fields}
    by_keyword, by_position = cls(**values), cls(*values.values())
    reference = generated(cls)(**values)
    for f in fields:
        assert getattr(by_keyword, f.name) == getattr(by_position, f.name) == getattr(reference, f.name)
    assert by_keyword == by_position and hash(by_keyword) == hash(by_position)


def test_defaults_missing_and_unknown_arguments():
    citation = Citation("pubmed:1", "pubmed", "1")
    assert citation.title == "" and citation.authors == () and citation.year is None
    assert citation.record_type == "journal-article" and citation.provenance is None
    with pytest.raises(TypeError):
        Citation("pubmed:1", "pubmed")  # native_id missing
    with pytest.raises(TypeError):
        Citation("pubmed:1", "pubmed", "1", colour="red")
    with pytest.raises(TypeError):
        Citation("pubmed:1", "pubmed", "1", record_id="again")


def test_records_stay_frozen():
    citation = Citation("pubmed:1", "pubmed", "1", provenance=Provenance("pubmed", "1"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        citation.title = "changed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        citation.provenance.index = 2  # type: ignore[union-attr,misc]
    assert dataclasses.replace(citation, title="new").title == "new" and citation.title == ""
