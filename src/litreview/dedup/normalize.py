"""Normalise identifiers so that the same DOI, PMID or NCT id compares equal however written."""

from __future__ import annotations

import re
import urllib.parse

_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*|doi\s+)", re.IGNORECASE)
_DOI_BODY = re.compile(r"10\.\d{4,9}/\S+")
_NCT = re.compile(r"NCT\s*0*(\d{1,8})", re.IGNORECASE)


def normalize_doi(value: str) -> str:
    """``https://doi.org/10.1002/CNCR.31124.`` → ``10.1002/cncr.31124``; '' when not a DOI."""
    if not value:
        return ""
    text = urllib.parse.unquote(value.strip())
    text = _DOI_PREFIX.sub("", text)
    match = _DOI_BODY.search(text)
    if not match:
        return ""
    return match.group(0).rstrip(".,;)]}>").lower()


def normalize_pmid(value: str) -> str:
    """Digits only, no leading zeros; '' when not a PMID."""
    digits = re.sub(r"\D", "", value or "").lstrip("0")
    return digits if 0 < len(digits) <= 9 else ""


def normalize_nct(value: str) -> str:
    """``nct 2595424`` → ``NCT02595424``; '' when not an NCT id."""
    match = _NCT.search(value or "")
    return f"NCT{int(match.group(1)):08d}" if match else ""
