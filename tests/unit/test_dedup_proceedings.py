"""One paper or abstract of a meeting's proceedings as different exports give it: an SPIE paper's number
in the pages or in the volume field, a conference under its publisher's, its indexer's and Scholar's names,
a session-coded abstract in its society's program and in a database. Linked; the distinct items each could
be confused with (another paper of one volume, another abstract of one session) stay apart (records built
for each class, not copied from labelled sets).
"""

from __future__ import annotations

from litreview.dedup.cluster import link_fuzzy
from litreview.dedup.prepare import page_range, prepare
from litreview.dedup.rules import compare
from litreview.records import Citation


def cite(source, i, title, **kw):
    return Citation(record_id=f"{source}:{i}", source=source, native_id=str(i), title=title, **kw)


def linked(records, a, b):
    rep = {link.record_id: link.linked_to for link in link_fuzzy(records).links}
    return rep.get(a, a) == rep.get(b, b)


# -- SPIE: the paper's number (CID) in the pages or in the volume field ----------------------------

SPIE_TITLE = "Radiomics of breast tomosynthesis for predicting axillary node involvement"
SPIE_TEAM = ("Okafor, CN", "Lindqvist, E", "Barros, PH")


def test_an_spie_papers_number_is_kept_whole_as_its_page():
    assert page_range("1246528") == ("1246528", "1246528")
    assert page_range("124652X") == ("124652x", "124652x")


def test_an_spie_paper_with_its_number_in_the_volume_field_is_the_paper_with_it_as_its_page():
    wos = cite("wos", 1, SPIE_TITLE, authors=SPIE_TEAM, year=2023, journal="MEDICAL IMAGING 2023: COMPUTER-AIDED DIAGNOSIS",
               volume="12465", pages="124652X", record_type="conference-abstract")  # fmt: skip
    scholar = cite("scholar", 2, SPIE_TITLE, authors=("CN Okafor", "E Lindqvist", "PH Barros"), year=2023,
                   journal="Proc. SPIE", volume="124652X", record_type="conference-abstract")  # fmt: skip
    p = prepare(scholar)
    assert (p.volume, p.pages) == ("12465", ("124652x", "124652x"))
    assert compare(prepare(wos), p)[0] == "duplicate"


def test_two_spie_papers_of_one_volume_stay_apart_by_their_numbers():
    one = cite("scholar", 1, SPIE_TITLE, authors=SPIE_TEAM, year=2023, journal="Proc. SPIE", volume="124652X",
               record_type="conference-abstract")  # fmt: skip
    other = cite("wos", 2, SPIE_TITLE + " in dense breasts", authors=SPIE_TEAM, year=2023,
                 journal="MEDICAL IMAGING 2023: COMPUTER-AIDED DIAGNOSIS", volume="12465", pages="124653B",
                 record_type="conference-abstract")  # fmt: skip
    assert compare(prepare(one), prepare(other))[0] != "duplicate"
    # the same title at two numbers of one volume: two papers (a corrected resubmission is its own number)
    again = cite("wos", 3, SPIE_TITLE, authors=SPIE_TEAM, year=2023, journal="Proc. SPIE", volume="12465",
                 pages="124653B", record_type="conference-abstract")  # fmt: skip
    assert compare(prepare(one), prepare(again))[0] != "duplicate"
