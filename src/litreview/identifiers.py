"""Normalise identifiers so that the same DOI, PMID, PMCID, NCT id, trial registry id or database
accession number compares equal however written."""

from __future__ import annotations

import re
import urllib.parse

_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*|doi\s+)", re.IGNORECASE)
_DOI_BODY = re.compile(r"10\.\d{4,9}/\S+")  # "<" and ">" too: Wiley's SICI DOIs hold them
_DOI_TRAILING = ".,;:'\"]}>"
_NCT = re.compile(r"NCT\s*0*(\d{1,8})", re.IGNORECASE)
_PMCID = re.compile(r"^(?:pmcid\s*:?\s*)?(?:pmc)?\s*0*(\d{1,10})$", re.IGNORECASE)
# A trial registry's id in its real format, wherever a field holds it ("NCT01811703", a URL ending
# "TrialID=CTRI/2012/07/044851", ICTRP's "EUCTR2015-001234-56-DE", "JPRN-UMIN000012345"); not inside a
# longer run of letters or digits
_REGISTRY_ID = re.compile(
    r"""(?<![a-z0-9])(?:
      (?P<nct>NCT\s?\d{8})
     |(?P<isrctn>ISRCTN\s?\d{8})
     |(?P<actrn>ACTRN\s?\d{14})
     |(?P<ctri>CTRI/\d{4}/\d{2,3}/\d{6})
     |(?:EUCTR|EudraCT(?:\s+(?:number|no\.?))?\s*:?\s*)?(?P<eudract>\d{4}-\d{6}-\d{2})
     |(?P<drks>DRKS\s?\d{8})
     |(?P<chictr>ChiCTR(?:-[a-z]{2,4}-)?\d{8,10})
     |(?P<jrct>jRCT[a-z]?\d{9,10})
     |(?P<umin>UMIN\d{9})
     |(?P<kct>KCT\d{7})
     |(?P<irct>IRCT\d{8,14}N\d{1,3})
     |(?P<pactr>PACTR\d{15,16})
     |(?P<rbr>RBR-[0-9a-z]{6,8})
    )(?![0-9])""",
    re.IGNORECASE | re.VERBOSE,
)
# Embase: "L612345678" (Embase.com), "612345678" (Ovid), "EMBASE:L612345678"
_EMBASE = re.compile(r"^(?:embase\s*[:#]?\s*)?(l)?0*(\d{6,12})$", re.IGNORECASE)


def normalise_doi(value: str) -> str:
    """``https://doi.org/10.1002/CNCR.31124.`` → ``10.1002/cncr.31124``: the DOI found in the text, lower
    case, without resolver prefix or the sentence punctuation after it; '' when there is none."""
    if not value:
        return ""
    text = urllib.parse.unquote(value.strip())
    text = _DOI_PREFIX.sub("", text)
    match = _DOI_BODY.search(text)
    if not match:
        return ""
    doi = match.group(0).lower()
    # a closing parenthesis goes only when unbalanced: "(doi:10.1/x)" loses it; 10.1016/S1470-2045(19)30
    # and Wiley's SICI DOIs ending "...(199901)" keep their own
    while doi and (doi[-1] in _DOI_TRAILING or (doi[-1] == ")" and doi.count(")") > doi.count("("))):
        doi = doi[:-1]
    return doi


def normalise_pmid(value: str) -> str:
    """Digits only, no leading zeros; '' when not a PMID."""
    digits = re.sub(r"\D", "", value or "").lstrip("0")
    return digits if 0 < len(digits) <= 9 else ""


def normalise_nct(value: str) -> str:
    """``nct 2595424`` → ``NCT02595424``; '' when not an NCT id."""
    match = _NCT.search(value or "")
    return f"NCT{int(match.group(1)):08d}" if match else ""


def registry_ids(*texts: str) -> tuple[str, ...]:
    """The trial registry ids the texts hold, each as one spelling (``NCT 1811703``-style NCT ids as
    :func:`normalise_nct` writes them, others upper case without spaces, a EudraCT number as
    ``EUDRACT2015-001234-56`` whatever country ICTRP adds), sorted, no repeats."""
    found = set()
    for text in texts:
        if not text or not any(ch.isdigit() for ch in text):  # no id without digits: most fields
            continue
        for match in _REGISTRY_ID.finditer(text):
            kind, value = match.lastgroup, "".join(match.group(match.lastgroup or 0).split()).upper()
            if kind == "nct":
                value = normalise_nct(value)
            elif kind == "eudract":
                value = "EUDRACT" + value
            found.add(value)
    return tuple(sorted(found))


def normalise_pmcid(value: str) -> str:
    """``pmc 0012345`` / ``PMCID: PMC12345`` → ``PMC12345``; '' when not a PMCID."""
    match = _PMCID.match((value or "").strip())
    return f"PMC{match.group(1)}" if match else ""


def normalise_accession(value: str, source: str) -> str:
    """A database accession number with its database: ``WOS:000123`` → ``wos:000123``,
    ``2-s2.0-850123`` → ``scopus:850123``, ``L612345678`` or an Embase export's ``612345678`` →
    ``embase:612345678``; any other one is qualified by the record's source (``psycinfo:...``)
    so numbers from different databases never compare equal. '' when empty."""
    text = " ".join((value or "").split())
    if not text:
        return ""
    lowered = text.lower()
    if lowered.startswith("wos:"):
        return "wos:" + lowered[4:].strip()
    if lowered.startswith("2-s2.0-"):
        return "scopus:" + lowered[7:]
    embase = _EMBASE.match(text)
    if embase and (embase.group(1) or lowered.startswith("embase") or "embase" in source.lower()):
        return "embase:" + embase.group(2)
    return f"{source.lower()}:{lowered}"
