"""Which publications report which registered trial, and why: one link per trial, publication and kind
of evidence, each with the snippet it rests on.

Evidence kinds, strongest first:

- ``registry reference``: the trial's registry record lists the publication (CT.gov's
  ``referencesModule``: its PMID, or a DOI written in the citation);
- ``databank`` / ``secondary id``: the publication's own metadata names the trial's NCT id (PubMed
  XML's DataBankList; MEDLINE's ``SI`` field or an import's notes) but its title and abstract do not;
- ``text``: the NCT id is written in the title or abstract ("NCT 01234567" and "nct01234567" count);
- ``acronym``: the trial's acronym, only when it is distinctive: it has a digit or a hyphen
  ("NET-02") or it is an upper-case word of five letters or more; the publications never use it as
  an ordinary word ("impact", "Impact", "Covid-19"); at most a few of them write it (``COVID-19`` in
  every abstract of the pandemic names no trial); and it stands out of mixed-case text (an
  all-capitals title says nothing by its capitals).

Pure: records in, links out; nothing here names a trial or a disease.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from litreview.records import Citation, Trial
from litreview.sources.ctgov import study_references

REGISTRY = "registry reference"
DATABANK = "databank"
SECONDARY_ID = "secondary id"
TEXT = "text"
ACRONYM = "acronym"
KINDS = (REGISTRY, DATABANK, SECONDARY_ID, TEXT, ACRONYM)  # strongest first

_NCT = re.compile(r"\bNCT[ \t#:-]?(\d{8})(?!\d)", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-Z(\[])")


@dataclass(frozen=True, slots=True)
class TrialLink:
    """``publication`` reports ``trial`` (record ids), by evidence of ``kind``, shown in ``evidence``."""

    trial: str
    nct_id: str
    publication: str
    kind: str
    evidence: str


def normal_nct(text: str) -> str:
    """An NCT id as the registry writes it ("nct 01234567" -> "NCT01234567"); "" if it is not one."""
    match = _NCT.fullmatch(text.strip())
    return f"NCT{match.group(1)}" if match else ""


def registry_references(trial: Trial) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(PMIDs, DOIs) of the publications the trial's registry record lists as reporting it, read
    from its study JSON (the stored fields may predate the rule that drops BACKGROUND references);
    a record without its study has only the stored fields."""
    if trial.study:
        return study_references(trial.study)
    return trial.reference_pmids, trial.reference_dois


# An acronym written in more publications than this is the field's vocabulary ("COVID-19") or a
# trial the field cites, not a name that marks the few papers reporting a trial (its protocol,
# results, secondary analyses, a conference abstract or two): it links nothing, and those papers
# still link by NCT id or by the registry's references.
MAX_ACRONYM_PUBLICATIONS = 5


def distinctive_acronym(acronym: str) -> bool:
    """Whether an acronym may name its trial on its own (a common word still needs the corpus check)."""
    acronym = acronym.strip()
    return bool(acronym) and (
        re.search(r"\d|-", acronym) is not None or (len(acronym) >= 5 and acronym.isupper())
    )


def link_trials(trials: Iterable[Trial], publications: Iterable[Citation]) -> list[TrialLink]:
    """Every (trial, publication, kind) link, in the trials' order, then the publications', then by
    strength of evidence."""
    trials, publications = list(trials), list(publications)
    by_nct = {normal_nct(t.nct_id) or t.nct_id: t for t in trials}
    by_pmid: dict[str, list[Trial]] = {}
    by_doi: dict[str, list[Trial]] = {}
    for trial in trials:
        pmids, dois = registry_references(trial)
        for pmid in pmids:
            by_pmid.setdefault(pmid, []).append(trial)
        for doi in dois:
            by_doi.setdefault(doi.lower(), []).append(trial)
    acronyms = _acronyms(trials, publications)
    found: dict[tuple[str, str, str], TrialLink] = {}

    def add(trial: Trial, pub: Citation, kind: str, evidence: str) -> None:
        found.setdefault((trial.record_id, pub.record_id, kind),
                         TrialLink(trial.record_id, trial.nct_id, pub.record_id, kind, evidence))  # fmt: skip

    for pub in publications:
        for trial in by_pmid.get(pub.pmid, []) if pub.pmid else []:
            add(trial, pub, REGISTRY, f"protocolSection.referencesModule.references[].pmid {pub.pmid}")
        for trial in by_doi.get(pub.doi.lower(), []) if pub.doi else []:
            add(trial, pub, REGISTRY, f"protocolSection.referencesModule.references[].citation doi {pub.doi}")
        in_text: set[str] = set()
        for part, text in (("title", pub.title), ("abstract", pub.abstract)):
            if "nct" not in text.lower():  # the regex only where it can match
                continue
            for match in _NCT.finditer(text):
                nct = f"NCT{match.group(1)}"
                in_text.add(nct)
                if nct in by_nct:
                    add(by_nct[nct], pub, TEXT, _snippet(pub, part, text, match.start(), match.end()))
        metadata = (
            DATABANK if pub.provenance and pub.provenance.payload.lower().endswith(".xml") else SECONDARY_ID
        )
        for value in pub.nct_ids:
            nct = normal_nct(value)
            if nct in by_nct and nct not in in_text:
                where = "PubMed DataBankList" if metadata == DATABANK else "secondary source id"
                add(by_nct[nct], pub, metadata, f"publication {pub.record_id} {where}: {nct}")
        if acronyms:
            for part, text in (("title", pub.title), ("abstract", pub.abstract)):
                for match in acronyms.pattern.finditer(text):
                    if _all_capitals(text, match.start(), match.end()):
                        continue
                    for trial in acronyms.trials[match.group(0)]:
                        add(trial, pub, ACRONYM, _snippet(pub, part, text, match.start(), match.end()))
    order = {t.record_id: i for i, t in enumerate(trials)}
    pub_order = {p.record_id: i for i, p in enumerate(publications)}
    return sorted(found.values(),
                  key=lambda k: (order[k.trial], pub_order[k.publication], KINDS.index(k.kind)))  # fmt: skip


def linked_to(trial: Trial, links: Iterable[TrialLink]) -> list[str]:
    """The publications (record ids) linked to ``trial``, each once, in the links' order."""
    return list(dict.fromkeys(k.publication for k in links if k.trial == trial.record_id))


@dataclass(frozen=True)
class _Acronyms:
    pattern: re.Pattern[str]
    trials: dict[str, list[Trial]]


def _acronyms(trials: list[Trial], publications: list[Citation]) -> _Acronyms | None:
    """The distinctive acronyms, less those the publications use as ordinary words and those written
    in more than :data:`MAX_ACRONYM_PUBLICATIONS` of them."""
    named: dict[str, list[Trial]] = {}
    for trial in trials:
        acronym = (trial.acronym or "").strip()
        if distinctive_acronym(acronym):
            named.setdefault(acronym, []).append(trial)
    # "impact", "Impact" or "Covid-19" anywhere in the corpus: a word, not a name
    ordinary = {form: a for a in named for form in (a.lower(), a.capitalize()) if form != a}
    if ordinary:  # a hyphen does not join here: "high-impact" uses the word
        alternatives = "|".join(re.escape(w) for w in sorted(ordinary, key=len, reverse=True))
        pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
        for pub in publications:
            for text in (pub.title, pub.abstract):
                for match in pattern.finditer(text):
                    named.pop(ordinary[match.group(0)], None)
    if named:
        pattern = _whole(named)
        seen: dict[str, int] = dict.fromkeys(named, 0)
        for pub in publications:
            for acronym in {m.group(0) for text in (pub.title, pub.abstract) for m in pattern.finditer(text)}:
                seen[acronym] += 1
        for acronym, count in seen.items():
            if count > MAX_ACRONYM_PUBLICATIONS:
                del named[acronym]
    if not named:
        return None
    return _Acronyms(_whole(named), named)


def _whole(words: Iterable[str]) -> re.Pattern[str]:
    """Any of ``words`` as a whole word (a hyphen joins words: "NET-02" is not in "NET-02b" or "pre-NET")."""
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


def _all_capitals(text: str, start: int, end: int) -> bool:
    """Whether the words around a match are in capitals too (a shouted title, not a name in it)."""
    around = text[max(0, start - 30) : start] + text[end : end + 30]
    letters = [c for c in around if c.isalpha()]
    return len(letters) >= 6 and not any(c.islower() for c in letters)


def _snippet(pub: Citation, part: str, text: str, start: int, end: int) -> str:
    """The sentence holding ``text[start:end]``, with its span (at most 240 characters)."""
    left = 0
    for boundary in _SENTENCE_END.finditer(text, 0, start):
        left = boundary.end()
    following = _SENTENCE_END.search(text, end)
    right = following.start() if following else len(text)
    left, right = max(left, start - 120), min(right, end + 120)
    return f'publication {pub.record_id} {part}[{left}:{right}] "{text[left:right]}"'
