import io

import pytest
import rispy
from hypothesis import example, given, settings
from hypothesis import strategies as st

from litreview.errors import RecordParseError
from litreview.sources import ris
from litreview.sources.ris import load_ris, parse_ris

EMBASE = """TY  - JOUR
A1  - Walter T
A1  - Lievre A
T1  - Bevacizumab plus FOLFIRI after failure
Y1  - 2017//
JF  - Annals of Oncology
JA  - Ann Oncol
VL  - 28
SP  - 1
EP  - 9
M3  - Conference Abstract
DO  - https://doi.org/10.1093/ANNONC/MDX368.
AN  - 619050123
DB  - Embase
UR  - https://www.embase.com/search/results?id=619050123
Link to the Ovid Full Text or citation:
ER  - 

TY  - JOUR
AU  - Smith, J.
TI  - Second record
PY  - 2020
ER  - 
"""


def test_embase_quirks():
    first, second = list(parse_ris(io.StringIO(EMBASE), source="embase", payload="e.ris"))
    assert first.record_id == "embase:619050123" and first.accession == "619050123"
    assert first.authors == ("Walter T", "Lievre A")
    assert first.journal == "Annals of Oncology" and first.journal_abbrev == "Ann Oncol"
    assert first.doi == "10.1093/ANNONC/MDX368" and first.pages == "1-9"
    assert first.record_type == "conference-abstract" and first.year == 2017
    assert second.authors == ("Smith, J.",) and second.title == "Second record"
    assert second.record_id.startswith("embase:h")


def test_bom_and_crlf(tmp_path):
    path = tmp_path / "x.ris"
    path.write_bytes(b"\xef\xbb\xbf" + EMBASE.replace("\n", "\r\n").encode())
    assert len(list(load_ris(path, source="embase"))) == 2


def test_truncated_export_is_an_error_with_line(tmp_path):
    path = tmp_path / "cut.ris"
    path.write_text(EMBASE.rsplit("ER  -", 1)[0])
    with pytest.raises(RecordParseError) as info:
        list(load_ris(path))
    assert "cut.ris:19" in str(info.value) and "truncated" in str(info.value)


def test_empty_file_is_an_error(tmp_path):
    path = tmp_path / "empty.ris"
    path.write_text("")
    with pytest.raises(RecordParseError, match="no RIS records"):
        list(load_ris(path))


def test_wrong_encoding_is_an_error(tmp_path):
    path = tmp_path / "latin.ris"
    path.write_bytes("TY  - JOUR\nT1  - Caf\xe9\nER  - \n".encode("latin-1"))
    with pytest.raises(RecordParseError, match="latin.ris"):
        list(load_ris(path))


def test_same_id_twice_is_kept_twice():
    text = "TY  - JOUR\nAN  - 1\nT1  - A\nER  - \nTY  - JOUR\nAN  - 1\nT1  - A\nER  - \n"
    ids = [c.record_id for c in parse_ris(io.StringIO(text), source="embase")]
    assert ids == ["embase:1", "embase:1-2"]


def test_snapshot_export_reads_every_reference(data_dir):
    import json

    refs = json.loads((data_dir / "review/references.json").read_text())
    from tests.conftest import REVIEW

    records = list(load_ris(REVIEW / "snapshot/embase/embase_export.ris", source="embase"))
    assert len(records) == sum(1 for r in refs if r["journal"])
    assert sum(r.record_type == "conference-abstract" for r in records) == sum(
        1 for r in refs if r["is_conference_abstract"]
    )


def with_repair(chunk: list[str]) -> list[str]:
    """The reader's one departure from rispy, stated on the lines: a wrapped line after a repeated
    single-value tag joins that tag's last line (see the test at the end)."""
    parser, seen, out = rispy.RisParser(), [], []
    for line in chunk:
        tag, content = parser.parse_line(line)
        last = seen[-1] if seen else None
        repeated = last in parser.mapping and last not in parser.list_tags and seen.count(last) > 1
        if tag is None and repeated and last not in parser.delimiter_map:
            out[-1] = f"{out[-1]} {content}"
            continue
        if tag is not None:
            seen.append(tag)
        out.append(line)
    return out


def line_by_line_split(text: str) -> list:
    """The splitting rules read one line at a time, each record then parsed by rispy's own
    parse_lines: the specification the streaming reader must meet. Returns the (line, rispy dict)
    of each record, then the error (message, line) it stops with, if any."""
    out: list = []
    chunk: list[str] = []
    start = 0
    for number, raw in enumerate(io.StringIO(text), 1):
        line = raw.rstrip("\r\n").replace("\ufeff", "")
        if line.startswith("TY  -"):
            if chunk:
                return [*out, ("record starts", number)]
            chunk, start = [line], number
        elif line.startswith("ER  -"):
            if not chunk:
                return [*out, ("'ER  -' without", number)]
            try:
                parsed = rispy.RisParser(enforce_list_tags=False).parse_lines(
                    iter([*with_repair(chunk), line])
                )
            except Exception:
                return [*out, ("unreadable", len(out) + 1)]
            out.append((start, parsed[0]))
            chunk = []
        elif chunk:
            if line and not line.isspace():
                chunk.append(line)
        elif line.strip():
            return [*out, ("text outside", number)]
    return [*out, ("file ends", start)] if chunk else out


def streamed(text: str) -> list:
    out: list = []
    try:
        out.extend(ris.read_records(io.StringIO(text), "t.ris"))
    except RecordParseError as exc:
        if "unreadable" in str(exc):
            out.append(("unreadable", exc.index))
        else:
            message = next(
                m for m in ("record starts", "'ER  -' without", "text outside", "file ends") if m in str(exc)
            )
            out.append((message, exc.line))
    return out


RIS_LINES = st.sampled_from(
    ["TY  - JOUR", "ER  - ", "ER  -", "T1  - A title", "AU  - Smith J", "", "   ", "stray text",
     "\ufeffTY  - JOUR", "N2  - abstract", "  continued", "XTY  - JOUR", "ER", "AU  - Roe K", "UR  - a; b",
     "Q9  - unknown", "KW  - one", "KW  - two", "T1  - repeated title"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(
    lines=st.lists(RIS_LINES, max_size=30),
    ends=st.sampled_from(["\n", "\r\n"]),
    final=st.booleans(),
    block=st.integers(1, 40),
)
# a continuation line first in a record belongs to no tag of the record before it
@example(
    lines=["TY  - JOUR", "T1  - A title", "T1  - repeated title", "  continued", "ER  - "],
    ends="\n",
    final=True,
    block=40,
)
@example(
    lines=["TY  - JOUR", "AU  - Smith J", "ER  - ", "TY  - JOUR", "  continued", "ER  - "],
    ends="\n",
    final=True,
    block=40,
)
def test_streaming_reader_matches_rispy_and_the_line_by_line_rules(lines, ends, final, block):
    """Every record (as rispy parses it), its first line number and every error line agree with a
    one-line-at-a-time reading, whatever the block size (a block may end anywhere, even inside a
    CRLF)."""
    text = ends.join(lines) + (ends if final and lines else "")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ris, "_BLOCK", block)
        assert streamed(text) == line_by_line_split(text)


def test_streaming_reader_gives_what_rispy_load_gives_for_the_shipped_export():
    """The reader reuses rispy's line handling: this catches an upgrade that changes it."""
    from tests.conftest import REVIEW

    export = REVIEW / "snapshot/embase/embase_export.ris"
    with open(export, encoding="utf-8-sig") as handle:
        ours = [entry for _, entry in ris.read_records(handle, str(export))]
    with open(export, encoding="utf-8-sig") as handle:
        assert ours == rispy.load(handle) and len(ours) > 90


def test_a_wrapped_line_after_a_repeated_tag_continues_its_last_value():
    """rispy 0.10 raises a TypeError here (it joins a list to a string) and the file would be lost."""
    text = "TY  - JOUR\nT1  - First title\nT1  - Second title\n  wrapped on\nN2  - An abstract\nER  - \n"
    ((_, entry),) = ris.read_records(io.StringIO(text), "t.ris")
    assert entry["primary_title"] == ["First title", "Second title wrapped on"]
    with pytest.raises(TypeError):  # the day rispy handles it, this repair can go
        rispy.RisParser(enforce_list_tags=False).parse(text)
