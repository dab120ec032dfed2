"""Trial registry entries as bibliographic databases render them (CENTRAL's copy of a ClinicalTrials.gov
record, WHO ICTRP's of an ANZCTR one, the registry's own export): whether a citation is one, and the
registry ids that name it.

A registry entry is one item by its registry id, whatever title (brief, official, scientific) or year
(registration, last update) each rendering gives; two entries with no id in common are two items (a
team's second trial, one trial registered in two registries: two reports of it). A publication that
merely names a registry id reports the trial: it is never the entry itself."""

from __future__ import annotations

import re
from functools import lru_cache

from litreview.identifiers import registry_ids
from litreview.records import REGISTRY_RECORD, Citation

# A journal or source field that names a registry, or a registry's web address, in place of a journal:
# "ClinicalTrials.gov", "https://clinicaltrials.gov/show/NCT0...", "WHO ICTRP", "http://www.who.int/
# trialsearch/Trial2.aspx?TrialID=...", "ISRCTN registry", "Australian New Zealand Clinical Trials
# Registry", "Clinical Trials Registry - India", "EU Clinical Trials Register", "German Clinical Trials
# Register"; not a journal about trials ("Trials", "Contemporary Clinical Trials", "Clinical Trials")
_REGISTRY_SOURCE = re.compile(
    r"clinicaltrials\.gov|trialsearch|\bictrp\b|clinical\s+trials?\s+regist(?:ry|er)\b|\btrials?\s+regist(?:ry|er)\b"
    r"|registry\s+of\s+clinical\s+trials|registry\s+platform|\bisrctn\b|controlled-trials\.com|\banzctr\b"
    r"|\bctri\b|ctri\.nic\.in|\beudract\b|clinicaltrialsregister\.eu|euclinicaltrials\.eu|\bdrks\b"
    r"|register\s+klinischer\s+studien|\bchictr\b|\bjrct\b|\bjprn\b|\bumin[-\s]?ctr\b|rctportal|\bpactr\b"
    r"|\birct\b|\brebec\b|ensaiosclinicos|clinical\s+research\s+information\s+service",
    re.IGNORECASE,
)


def is_registry_entry(record: Citation) -> bool:
    """The citation is a registry entry: typed so, or its journal field names a registry (or its URL)."""
    if record.record_type == REGISTRY_RECORD:
        return True
    return _names_registry(record.journal) or _names_registry(record.journal_abbrev)


@lru_cache(maxsize=4096)  # a journal's name recurs on many records: each is searched once
def _names_registry(name: str) -> bool:
    return bool(name) and _REGISTRY_SOURCE.search(name) is not None


def entry_ids(record: Citation) -> tuple[str, ...] | None:
    """The registry ids of a registry entry, read from the fields that name the entry (the journal
    field's URL, the number or issue field, the accession number, the title); None for any other
    citation: an id an article or abstract gives is the trial it reports, not itself. The abstract is
    not read: a registry's record lists the trial's other registrations there (secondary ids)."""
    if not is_registry_entry(record):
        return None
    return registry_ids(record.journal, record.journal_abbrev, record.issue, record.accession, record.title)
