"""Candidate pairs without comparing all pairs: the blocking keys of a prepared record."""

from __future__ import annotations

from litreview.dedup.prepare import (
    _STOP,
    Prepared,
    two_names_read,
)


def blocking_keys(p: Prepared) -> list[tuple[str, str]]:
    keys = []
    if p.doi:
        keys.append(("doi", p.doi))
    words = p.title.split()
    if len(p.title) >= 12:
        keys.append(("title", p.title.replace(" ", "")[:24]))
        rare = sorted((w for w in words if len(w) > 3 and w not in _STOP), key=lambda w: (-len(w), w))[:3]
        if len(rare) >= 2:
            keys.append(("words", " ".join(sorted(rare))))
    if p.alt_title:  # the original title beside its translation: found under either
        keys.append(("title", p.alt_title.replace(" ", "")[:24]))
    if len(words) >= 6:  # word initials survive typos inside words ("eculizamab" / "eculizumab")
        keys.append(("initials", "".join(w[0] for w in words[:12])))
    if p.authors and p.year:
        keys.append(("author-year", f"{p.authors[0]}|{p.year}"))
        two = two_names_read(p).authors if p.two_names else ()
        if two:  # the field read as two names: found under that first author too
            keys.append(("author-year", f"{two[0]}|{p.year}"))
    if p.pages[0] and p.year:
        keys.append(("year-page", f"{p.year}|{p.pages[0]}"))
    return keys


# A DOI block larger than BLOCK_CAP (one DOI on a whole abstract book) is compared in a window
# of this many neighbours in title order: its cost grows linearly, not with the square.
DOI_WINDOW = 50
