"""A registry study becomes one row of the review's tables, in the review's vocabulary, with evidence.

The vocabulary (tables, drug lexicon, site, line and outcome patterns) is the review's own
``extraction.toml`` (:mod:`litreview.extract.spec`); this module knows only trials.

Every derived cell keeps where it came from: a JSON path of the study, or a quoted text span (of
the registry record or of a linked publication). Rules are general: nothing here names a trial.

- compound: drugs from the interventions (lexicon names, code names and regimens); if the registry
  lists none, from the titles, then from linked publications. A drug no list names ("XY-1234") is
  its code name as written, classed by the phrase its intervention is described with ("oral ATR
  inhibitor"), or by a class term among its names, or by the phrase set beside its code in a title or the
  summary ("XY-1234, a DLL3-targeting ADC"); a known drug beside it is not part of it. Randomised studies whose entries
  are each a regimen or a combination are shown as arms ("FOLFIRI or CAPTEM"). Lymphodepletion before a cell
  infusion and supportive care (renal protection, premedication, antiemetics, G-CSF) are no study compounds, and a
  description that names another intervention gives that one's class, not its own.
- category and table: from the drug classes (chemotherapy, targeted therapy incl. radioligands,
  immune checkpoint inhibitors) onto the paper's six tables; a bispecific the record describes by its targets is of
  their classes ("PD-1/VEGF bispecific antibody": a checkpoint inhibitor and a targeted agent).
- design: phases and allocation (and "phase IIa", basket, pilot wording); site of origin and line
  of treatment: from the eligibility bullets, conditions and titles, negated clauses ignored. The
  site is read from the criterion that names the disease (each cohort's on its own), else the cohorts labelled
  after it (an escalation's "any solid tumour" names none), else a later criterion that states the primary site
  apart ("Primary site: ..."), else the title and conditions; labels found together may be named otherwise
  (``[[sites.combined]]``); the line from the criteria (under cohort headers, each cohort's on its own) before the
  titles.
- results: suggestions from every linked publication's abstract (n, ORR, DCR, median PFS/OS, as
  the review's outcome patterns say), each value with its unit and, when the sentence names one,
  its arm (named right after the value, or before it but after the previous value's arm); the
  sentence is the evidence. The ends of a range ("95% CI 3.1 - 7.2 months") are not values. Two
  different values in one sentence with no arm of its own for each are left blank, and the evidence
  says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise

from litreview.extract.lexicon import Lexicon, Mention, isotope_first
from litreview.extract.links import TrialLink, link_trials, linked_to
from litreview.extract.spec import ExtractionSpec, Outcome, SiteRule
from litreview.extract.trials import location_words, status_words
from litreview.number_words import TENS as _TENS
from litreview.number_words import UNITS
from litreview.records import Citation, Trial
from litreview.sources.ctgov import get_path

# where the exclusion criteria start: the usual header, its other wordings ("Main criteria for exclusion",
# "Patients will be excluded in case of:") and the headers of records in other languages
_EXCLUSION = re.compile(
    r"exclusion criteria|criteria for (?:exclusion|non-?inclusion)|non-?inclusion criteria"
    r"|\b(?:excluded|not eligible) (?:in case of|if)\s*:"
    r"|crit[eè]res? de non[- ]inclusion|crit[eè]res? d'exclusion|criteri di (?:esclusione|non inclusione)"
    r"|criterios de exclusi[oó]n|crit[eé]rios de exclus[aã]o|ausschlusskriterien",
    re.IGNORECASE,
)
# a clause that excludes what it names ("lung primaries not allowed", "a pulmonary origin ruled out")
_NEGATED = re.compile(
    r"\b(?:excluded|not allowed|not eligible|not included|exclud\w*|except|ruled out)\b", re.IGNORECASE
)
# a phrase saying what is absent ("after exclusion of a lung primary" too), up to the end of its clause; one
# saying that no primary was found ("or with no primary identified after work-up") states an unknown primary,
# and stays
_ABSENT = re.compile(
    r"\b(?:with no|without|no evidence of|exclusion of)\b(?!\s+(?:evidence of\s+)?(?:an?\s+|any\s+)?"
    r"(?:identifiable\s+|identified\s+|detectable\s+|known\s+|obvious\s+|evident\s+|apparent\s+)?primary\b)"
    r"[^,;.()]*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Quote:
    """The text a rule matched in: what a person checking the cell reads, the match highlighted."""

    where: str
    text: str
    start: int
    end: int

    @property
    def label(self) -> str:
        return f'{self.where}[{self.start}:{self.end}] "{self.text[self.start : self.end]}"'


@dataclass
class Cell:
    value: str = ""
    evidence: list[str] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)  # the spans quoted in ``evidence``, with their text


@dataclass
class Row:
    cells: dict[str, Cell]
    warnings: list[str] = field(default_factory=list)

    def values(self) -> dict[str, str]:
        return {k: c.value for k, c in self.cells.items()}


def _span(text: str, match: re.Match[str] | Mention, where: str) -> Quote:
    start, end = (match.start, match.end) if isinstance(match, Mention) else match.span()
    return Quote(where, text, start, end)


def linked_publications(
    trial: Trial, publications: Iterable[Citation], links: Iterable[TrialLink] | None = None
) -> list[Citation]:
    """Publications that report the trial (:func:`litreview.extract.links.link_trials`: the registry's
    references, the NCT id in their metadata or text, or a distinctive acronym), in their order;
    ``links`` already made over the publications are used as they are, else the trial is linked."""
    publications = list(publications)
    ids = set(linked_to(trial, link_trials([trial], publications) if links is None else links))
    return [pub for pub in publications if pub.record_id in ids]


def derive_row(trial: Trial, spec: ExtractionSpec, linked: Iterable[Citation] = ()) -> Row:
    """The trial's row; ``linked`` are the publications that report it (:func:`linked_publications`,
    linked once by the caller for all trials), whose titles and abstracts fill what the registry
    does not say."""
    lexicon = spec.lexicon
    study = trial.study or {}
    protocol = study.get("protocolSection", {}) if isinstance(study, dict) else {}
    linked = list(linked)
    row = Row({})
    cells = row.cells
    cells["identifier"] = Cell(trial.nct_id, ["protocolSection.identificationModule.nctId"])
    cells["trial_name"] = Cell(
        trial.acronym, ["protocolSection.identificationModule.acronym"] if trial.acronym else []
    )
    cells["status"] = Cell(status_words(trial.status), ["protocolSection.statusModule.overallStatus"])
    cells["enrolment"] = Cell("" if trial.enrollment is None else str(trial.enrollment),
                              ["protocolSection.designModule.enrollmentInfo.count"] if trial.enrollment is not None else [])  # fmt: skip
    cells["enrolment_type"] = Cell(
        trial.enrollment_type.upper(),
        ["protocolSection.designModule.enrollmentInfo.type"] if trial.enrollment_type else [],
    )
    cells["location"] = Cell(
        location_words(trial.countries),
        ["protocolSection.contactsLocationsModule.locations[].country"] if trial.countries else [],
    )
    compound, drugs, described, targets = _compound(protocol, trial, linked, lexicon, row)
    cells["compound"] = compound
    kinds = [k for d in drugs for k in targets.get(d) or [described.get(d) or lexicon.drug_class(d)]]
    classes = {spec.class_aliases.get(kind, kind) for kind in kinds}
    classes.discard("other")
    table = spec.tables.get(frozenset(classes))
    if table is None:
        row.warnings.append(
            f"{trial.nct_id}: no therapy category (drugs found: {', '.join(drugs) or 'none'})"
        )
    cells["table"] = Cell(str(table[0]) if table else "", [f"classes of {', '.join(drugs)}"] if table else [])
    cells["category"] = Cell(table[1] if table else "", cells["table"].evidence)
    # read once: the design, the site and the line all read the criteria
    written, found_at = _eligibility(protocol)
    criteria = _criteria(written, found_at)
    cells["design"] = _design(protocol, trial, linked, criteria[0])
    cells["site"] = _site(trial, criteria, spec)
    cells["line"] = _line(protocol, trial, spec, (written, found_at), criteria)
    cells["results"] = _results(linked, spec)
    if not protocol:
        row.warnings.append(f"{trial.nct_id}: study JSON has no protocolSection: derived cells left blank")
    return row


# -- compound -----------------------------------------------------------------------------------


_PLACEBO = re.compile(r"\b(?:placebo|sham|vehicle|dummy)\b", re.IGNORECASE)


def _described_drug(
    item: dict,
    text: str,
    found: list[Mention],
    lexicon: Lexicon,
    where: str,
    told: Sequence[tuple[str, str]] = (),
    others: Sequence[str] = (),
) -> tuple[Mention, str, Quote] | None:
    """The drug of an intervention the lexicon does not name, its class and the phrase that gave it:
    the code name in its names ("QZ-0417 for injection": "QZ-0417"), or the name as written when it
    holds no code and no known drug (:func:`_own_name`); classed by a class term among its names ("QZ-0417;
    anti-PD-1 antibody") or else by the first class phrase of its names and description, or else by the phrase
    set beside its code in ``told`` (the titles and summary: "QZ-0417, an oral WEE1 inhibitor, in ..."). The
    ``others`` (the names of the record's other interventions) a description names are theirs: "infused before
    each 177Lu-XY dose" gives no class ("177Lu") to what is infused. None for a placebo, for known drugs alone,
    or when the class is one a known drug among its names already has (the phrase may be that drug's)."""
    if _PLACEBO.search(text):
        return None
    spans = [(m.start, m.end) for m in found]
    code = next(
        (c for c in lexicon.code_names(text) if all(c.end() <= a or c.start() >= b for a, b in spans)), None
    )
    if code is None and found:
        return None
    named = {lexicon.drug_class(m.drug) for m in found if m.drug not in lexicon.generic}
    term = next((m for m in found if m.drug in lexicon.generic), None)
    if term is not None:
        kind, quote = lexicon.drug_class(term.drug), _span(text, term, where)
    else:
        description = str(item.get("description") or "")
        for other in sorted({o.strip() for o in others if o.strip()}, key=len, reverse=True):
            description = re.sub(rf"(?<![\w-]){re.escape(other)}(?![\w-])", lambda m: " " * len(m[0]), description,
                                 flags=re.IGNORECASE)  # fmt: skip
        read = f"{text} ; {description}" if description else text
        said = lexicon.describe(read)
        cut = _NEXT_DRUG.search(text)
        head = text[: cut.start()] if cut else f"{text} ; {description[: _phrase_end(description)]}"
        word = lexicon.bispecific.search(head) if lexicon.bispecific is not None else None
        if said is None and word is not None and (both := lexicon.bispecific_classes(head)):
            # "PD-1 x VEGF bispecific antibody": the first class of what it blocks (:func:`_bispecifics` gives
            # the others)
            said = (both[0], word)
        apposed = _apposed_class(code.group(0), told, lexicon) if said is None and code is not None else None
        if said is None and apposed is None:
            return None
        if apposed is not None:
            kind, quote = apposed
        elif said[1].start() < len(text):
            kind = said[0]
            quote = _span(text, said[1], where)
        else:
            kind, at = said[0], len(read) - len(description)  # where the description starts in ``read``
            place = where.removesuffix(".name") + ".description"
            quote = Quote(place, description, said[1].start() - at, said[1].end() - at)
    if kind in named:
        return None
    if code is not None:
        return Mention(code.group(0), code.start(), code.end(), code.group(0)), kind, quote
    name = str(item.get("name", "")).strip()
    return Mention(_own_name(item), 0, len(name), name), kind, quote


# what a product's name may add to say what kind of product it is ("QZ7-CAR T cells", "QZ7 for injection"); not
# "CAR", which says what the product is ("DLL3 CAR T cells" is no product "DLL3")
_PRODUCT_KIND = re.compile(
    r"T[- ]cells?|cells?|(?:cell )?(?:injection|infusion|suspension)|for injection|tablets?|capsules?",
    re.IGNORECASE,
)


def _own_name(item: dict) -> str:
    """The drug an intervention names that holds no code and no known drug: its name as written, a radionuclide
    written isotope first ("[225Ac]Ac-DOTATATE": "225Ac-DOTATATE", as the lexicon reads known ones), and, where
    another of its names is the head of it and the rest only says what kind of product it is ("QZ7-CAR T cells"
    beside "QZ7-CAR"), that name (the longest that is: "DLL3 CAR" beside "DLL3")."""
    name = str(item.get("name", "")).strip()
    for other in sorted((str(o).strip() for o in item.get("otherNames") or []), key=len, reverse=True):
        rest = name[len(other) :].strip() if other and name.lower().startswith(other.lower()) else ""
        if rest and name[len(other)].isspace() and _PRODUCT_KIND.fullmatch(rest):
            name = other
            break
    return isotope_first(name)


# an intervention given against another's harm, as its own names or the opening words of its description say
# ("Amino acid infusion (renal protection)", "Renal protection, over 4 hours before each dose", "Antiemetic
# premedication", "G-CSF support"): supportive care, no compound the trial studies
_SUPPORTIVE = re.compile(
    r"\b(?:renal|kidney)[- ]protect\w*|\bnephro-?protect\w*|\bpre-?medicat\w*|\banti-?emetic\w*|\bprophyla\w*"
    r"|\bsupportive\b|\bG-?CSF\b|\bgranulocyte[- ]colony[- ]stimulating|\bhydration\b",
    re.IGNORECASE,
)
_OPENING = re.compile(r"\W*(?:(?:for|as|given as|used as|an?|the)\s+)?(?:[\w-]+\s+){0,2}?", re.IGNORECASE)


def _supportive(item: dict) -> str:
    """Where an intervention's own names, or the opening words of its description, say it is supportive care
    (:data:`_SUPPORTIVE`); "" if they do not ("7.4 GBq every 8 weeks, with amino acids for renal protection" is the
    radioligand's own description, not a supportive drug's). Read only for an intervention whose names name no drug
    (known, by code or by class): one that does is the drug under study."""
    names = " ; ".join([str(item.get("name", "")), *map(str, item.get("otherNames") or [])])
    if _SUPPORTIVE.search(names):
        return "its names"
    description = str(item.get("description") or "")
    opening = _OPENING.match(description)
    if opening and _SUPPORTIVE.match(description, opening.end()):
        return "its description"
    return ""


def _apposition(name: str) -> re.Pattern[str]:
    """A phrase set beside ``name`` in apposition, group 1: "QZ-0417, a DLL3-targeting ADC, in ...",
    "QZ-0417 (an oral WEE1 inhibitor)", "QZ-0417 is a PD-1 antibody"."""
    return re.compile(
        rf"(?<![\w-]){re.escape(name)}(?![\w-])(?:,\s*(?:an?|the)\s+|\s*\(\s*(?:an?\s+)?|\s+is\s+(?:an?|the)\s+)"
        r"([^,;.()]{1,80})",
        re.IGNORECASE,
    )


def _apposed_class(code: str, told: Sequence[tuple[str, str]], lexicon: Lexicon) -> tuple[str, Quote] | None:
    """The class a text gives a code name in apposition ("QZ-0417, a DLL3-targeting antibody-drug
    conjugate, in ...", "QZ-0417 (an oral WEE1 inhibitor)", "QZ-0417 is a PD-1 antibody"), with the
    phrase; None if none does ("QZ-0417 with an anti-PD-1 antibody" says another drug's class)."""
    apposed = _apposition(code)
    for where, text in told:
        for m in apposed.finditer(text or ""):
            said = lexicon.describe(m.group(1))
            if said is not None:
                return said[0], Quote(where, text, m.start(1) + said[1].start(), m.start(1) + said[1].end())
    return None


# where a phrase about one drug ends and the next drug's begins ("X, a PD-1/VEGF bispecific, combined with an anti-
# CTLA-4 antibody"): a phrase is read up to its first join
_NEXT_DRUG = re.compile(
    r"\b(?:with|plus|combined|in combination|followed by|then|versus|vs|or|and then|after|before)\b",
    re.IGNORECASE,
)
# where a phrase about a drug ends: where the next drug's begins, where it turns to the setting the drug is given in
# ("a DLL3 x CD3 bispecific antibody in anti-PD-L1-pretreated SCLC", "... among those who ..."), or at its sentence's
# end ("DLL3/CD3 bispecific antibody; patients given PD-1 blockade are eligible"): a checkpoint named there is not
# one the drug blocks
_PHRASE_END = re.compile(rf"{_NEXT_DRUG.pattern}|\b(?:in|among|who|whose)\b|[.;](?:\s|$)", re.IGNORECASE)


def _phrase_end(text: str, start: int = 0, stop: int | None = None) -> int:
    """Where the phrase about a drug that runs from ``start`` in ``text`` ends (:data:`_PHRASE_END`)."""
    stop = len(text) if stop is None else stop
    cut = _PHRASE_END.search(text, start, stop)
    return cut.start() if cut else stop


# a phrase set before a name ("the PD-1/TIGIT bispecific antibody QZ-0417"): from an article, in words that join no
# other drug, read in the stretch before each place the name is written (a pattern that tried every article of a long
# text took seconds)
_JOINED = re.compile(
    r"[,;.()]|\b(?:with|and|plus|or|versus|vs|combined|followed|then|after|of|in|for|to)\b", re.IGNORECASE
)
_ARTICLE = re.compile(r"\b(?:the|an?)\s+", re.IGNORECASE)


def _phrase_before(text: str, start: int) -> tuple[int, int] | None:
    """Where the phrase set before the name written at ``start`` runs (:data:`_JOINED`), None if there is none."""
    at = max(0, start - 100)
    joins = list(_JOINED.finditer(text, at, start))
    article = _ARTICLE.search(text, joins[-1].end() if joins else at, start)
    end = len(text[:start].rstrip())
    return (article.end(), end) if article is not None and article.end() < end else None


def _bispecific_targets(
    names: Iterable[str], texts: Sequence[tuple[str, str]], lexicon: Lexicon
) -> tuple[list[str], Quote] | None:
    """The classes of what a bispecific drug blocks (:meth:`Lexicon.bispecific_classes`), as a text calls the drug,
    by one of its ``names``, bispecific and names its targets in a phrase set beside or before the name ("QZ-0417
    (PD-1/VEGF bispecific antibody)", "QZ-0417, a bispecific antibody targeting PD-L1 and VEGF-A, with ...", "the
    PD-1/TIGIT bispecific antibody QZ-0417"), with the phrase; None if no text does."""
    for name in dict.fromkeys(n for n in names if n.strip()):
        beside = _apposition(name)
        written = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])", re.IGNORECASE)
        for where, text in texts:
            spans = [m.span(1) for m in beside.finditer(text or "")]
            spans += [s for m in written.finditer(text or "") if (s := _phrase_before(text, m.start()))]
            for start, stop in spans:
                end = _phrase_end(text, start, stop)
                classes = lexicon.bispecific_classes(text[start:end])
                if classes:
                    return classes, Quote(where, text, start, end)
    return None


def _compound(
    protocol: dict, trial: Trial, linked: list[Citation], lexicon: Lexicon, row: Row
) -> tuple[Cell, list[str], dict[str, str], dict[str, list[str]]]:
    """The compound cell, its drugs, the classes the descriptions give drugs the lexicon does not name, and the
    classes of the targets of the bispecifics among them (:func:`_bispecifics`)."""
    entries = []
    described: dict[str, str] = {}  # drugs the lexicon does not name -> the class their description gives
    phrases: list[Quote] = []
    told = [("protocolSection.identificationModule.briefTitle", trial.title),
            ("protocolSection.identificationModule.officialTitle", trial.official_title),
            ("protocolSection.descriptionModule.briefSummary",
             str(get_path(protocol, "descriptionModule", "briefSummary") or ""))]  # fmt: skip
    # the arms' descriptions and the interventions, each at its place in the record ("" and {} where not a table)
    arms = [str(arm.get("description") or "") if isinstance(arm, dict) else ""
            for arm in get_path(protocol, "armsInterventionsModule", "armGroups") or []]  # fmt: skip
    conditioning: list[tuple[list[Mention], str, str]] = []  # lymphodepletion before a cell infusion
    own: dict[str, tuple[str, str]] = {}  # a drug -> the description of the intervention that names it alone
    notes: list[str] = []
    items = get_path(protocol, "armsInterventionsModule", "interventions") or []
    items = [item if isinstance(item, dict) else {} for item in items]
    for i, item in enumerate(items):
        if not item:
            continue
        text = " ; ".join([str(item.get("name", "")), *map(str, item.get("otherNames") or [])])
        where = f"protocolSection.armsInterventionsModule.interventions[{i}].name"
        found = lexicon.find(text)
        # a code name or a class phrase among its names ("HPN-328 with dexamethasone premedication", "[212Pb]Pb-X")
        # names the drug under study, whatever supportive care its name or description mentions beside it
        own_drug = found or lexicon.code_names(text) or lexicon.describe(text)
        support = _supportive(item) if not own_drug else ""
        if support:  # nothing known among its names, and given as supportive care
            notes.append(f"{where.removesuffix('.name')}: supportive care ({support}), not a study compound")
            continue
        others = [n for j, other in enumerate(items) if j != i
                  for n in [str(other.get("name", "")), *map(str, other.get("otherNames") or [])]]  # fmt: skip
        unknown = _described_drug(item, text, found, lexicon, where, told, others)
        if unknown is not None:
            mention, kind, phrase = unknown
            described[mention.drug] = kind
            phrases.append(phrase)
            # a class term among its names is this drug, as "HLX10; anti-PD-1 antibody" is serplulimab
            found = sorted(
                [*(m for m in found if m.drug not in lexicon.generic), mention], key=lambda m: m.start
            )
        said = _conditioning(item, [m.drug for m in found], arms, lexicon) if found else None
        if said:
            conditioning.append((found, text, where))
            notes.append(f"{where.removesuffix('.name')}: lymphodepletion ({said}), not a study compound")
        elif found:
            entries.append((found, text, where))
            if len({m.drug for m in found}) == 1:  # one drug: the intervention's description is its
                place = where.removesuffix(".name") + ".description"
                own.setdefault(found[0].drug, (place, str(item.get("description") or "")))
    if not entries:  # nothing but the conditioning: it is what the record names
        entries, notes = conditioning, []
    if not entries:
        for where, text in (("protocolSection.identificationModule.briefTitle", trial.title),
                            ("protocolSection.identificationModule.officialTitle", trial.official_title)):  # fmt: skip
            found = lexicon.find(text or "")
            if found:
                entries = [(found, text, where)]
                break
    if not entries:
        for pub in linked:
            for part, text in (("title", pub.title), ("abstract", pub.abstract)):
                found = lexicon.find(text or "")
                if found:
                    entries = [(found, text, f"publication {pub.record_id} {part}")]
                    break
            if entries:
                break
    if not entries:
        row.warnings.append(f"{trial.nct_id}: no drug named in interventions, titles or linked publications")
        return Cell(), [], {}, {}
    # a class term among an intervention's names beside a named drug of its class ("HLX10; anti-PD-1
    # antibody") is that drug; in an intervention of its own it is another drug (the class is coarser
    # than the term: ipilimumab is no anti-PD-1 antibody)
    kept = [(found, text, where, set(lexicon.named([m.drug for m in found], described)))
            for found, text, where in entries]  # fmt: skip
    entries = [
        (f, text, where) for found, text, where, named in kept if (f := [m for m in found if m.drug in named])
    ]
    drugs: list[str] = []
    quotes: list[Quote] = list(phrases)
    for found, text, where in entries:
        quotes.extend(_span(text, m, where) for m in found)
        drugs.extend(m.drug for m in found if m.drug not in drugs)
    targets = _bispecifics(drugs, entries, [*told, *_described_texts(arms, items)], own, lexicon)
    quotes.extend(quote for _, quote in targets.values())
    randomised = (trial.allocation or "").upper() == "RANDOMIZED"
    shown = [_entry_label(found) for found, _, _ in entries]
    if randomised and len(entries) > 1 and all(len({m.drug for m in f}) > 1 for f, _, _ in entries):
        value = " or ".join(dict.fromkeys(shown))
    else:
        value = " + ".join(dict.fromkeys(drugs))
    cell = Cell(value[:1].upper() + value[1:], [*(q.label for q in quotes), *notes], quotes)
    return cell, drugs, described, {drug: classes for drug, (classes, _) in targets.items()}


def _described_texts(arms: list[str], items: list[dict]) -> list[tuple[str, str]]:
    """The arms' and the interventions' descriptions, each with where it is (``arms``, ``items``: at their places in
    the record)."""
    return [*((f"protocolSection.armsInterventionsModule.armGroups[{i}].description", arm) for i, arm in enumerate(arms)),
            *((f"protocolSection.armsInterventionsModule.interventions[{i}].description", str(item.get("description") or ""))
              for i, item in enumerate(items))]  # fmt: skip


def _bispecifics(
    drugs: list[str],
    entries: list[tuple[list[Mention], str, str]],
    texts: Sequence[tuple[str, str]],
    own: dict[str, tuple[str, str]],
    lexicon: Lexicon,
) -> dict[str, tuple[list[str], Quote]]:
    """The drugs the record calls bispecific with their targets named, each with the classes of its targets and
    the phrase: read in the description of an intervention that names the drug alone (``own``: "PD-1 x VEGF
    bispecific antibody, 20 mg/kg", up to where the phrase ends, :func:`_phrase_end`), else beside or before its name
    in ``texts`` (the titles, the summary and the arms' and the interventions' descriptions,
    :func:`_bispecific_targets`), by the names the interventions give it (all of an intervention's names when it
    names no other drug)."""
    out: dict[str, tuple[list[str], Quote]] = {}
    for drug in drugs:
        place, description = own.get(drug, ("", ""))
        end = _phrase_end(description)
        if classes := lexicon.bispecific_classes(description[:end]):
            out[drug] = (classes, Quote(place, description, 0, end))
            continue
        names = [drug]
        for found, text, _ in entries:
            mine = [m for m in found if m.drug == drug]
            names += [m.text for m in mine]
            if mine and all(m.drug == drug for m in found):  # "Ivonescimab ; AK112": both name it
                names += [n.strip() for n in text.split(" ; ")]
        said = _bispecific_targets(names, texts, lexicon)
        if said is not None:
            out[drug] = said
    return out


# chemotherapy that prepares the body for a cell infusion (CAR T, TIL or TCR T cells), said "lymphodepletion" or
# "lymphodepleting": conditioning for the cells, not a compound the trial studies
_LYMPHODEPLETION = re.compile(r"\blympho[- ]?deplet\w*", re.IGNORECASE)
# the steps of an arm's description ("leukapheresis; lymphodepletion with X and Y on days -5 to -3; cells on day 0",
# "X and Y for lymphodepletion, then cells on day 0")
_STEP = re.compile(r"[.;](?:\s|$)|\bthen\b|\bfollowed by\b", re.IGNORECASE)


def _conditioning(item: dict, drugs: list[str], arms: list[str], lexicon: Lexicon) -> str:
    """Where the record says an intervention (whose drugs are ``drugs``) is lymphodepletion before a cell
    infusion: its own names or description ("Fludarabine", described "Lymphodepletion"), or the arms'
    descriptions, when every step of them that names its drugs is a lymphodepletion step ("fludarabine and
    cyclophosphamide on days -5 to -3 for lymphodepletion, then CAR T cells on day 0"); "" if none says so."""
    own = [
        str(item.get("name", "")),
        *map(str, item.get("otherNames") or []),
        str(item.get("description") or ""),
    ]
    if _LYMPHODEPLETION.search(" ; ".join(own)):
        return "its names or description"
    steps = [step for arm in arms for step in _STEP.split(arm)]
    naming = [step for step in steps if {m.drug for m in lexicon.find(step)} & set(drugs)]
    if naming and all(_LYMPHODEPLETION.search(step) for step in naming):
        return "the arms' descriptions"
    return ""


def _entry_label(found: list[Mention]) -> str:
    regimens = list(dict.fromkeys(m.regimen for m in found if m.regimen))
    if regimens and all(m.regimen for m in found):
        return " + ".join(regimens)
    return " + ".join(dict.fromkeys(m.drug for m in found))


# -- design -------------------------------------------------------------------------------------

_PHASES = {"EARLY_PHASE1": "I", "PHASE1": "I", "PHASE2": "II", "PHASE3": "III", "PHASE4": "IV"}


def _design(protocol: dict, trial: Trial, linked: list[Citation], criteria: str) -> Cell:
    """``criteria``: the eligibility criteria as amended (:func:`_criteria`)."""
    phases = [p for p in (get_path(protocol, "designModule", "phases") or []) if p in _PHASES]
    text = " ".join([trial.title, trial.official_title, criteria])
    evidence = ["protocolSection.designModule.phases"] if phases else []
    quotes: list[Quote] = []
    randomised = (trial.allocation or "").upper() == "RANDOMIZED"
    if randomised:
        evidence.append("protocolSection.designModule.designInfo.allocation")
    if not phases:  # the registry is silent: a linked publication may say
        for pub in linked:
            m = re.search(r"\b(randomi[sz]ed)?[\s,]*(?:multicent\w*[\s,]*)?(?:[\w-]+[\s,]+){0,4}?phase\s+(I{1,3}|[123])(?:/(I{1,3}|[123]))?\b",
                          pub.title, re.IGNORECASE)  # fmt: skip
            if m:
                numerals = [_roman(g) for g in m.groups()[1:] if g]
                phases = [f"PHASE{len(n)}" for n in numerals]
                randomised = randomised or re.search(r"randomi[sz]ed", pub.title, re.IGNORECASE) is not None
                quotes.append(_span(pub.title, m, f"publication {pub.record_id} title"))
                evidence.append(quotes[-1].label)
                break
    # a pilot study the registry gives no phase of its own (NA, early phase 1), as it often does: its
    # official title may be the only place that says "pilot"
    pilot = re.search(r"\bpilot\b", f"{trial.title} {trial.official_title}", re.IGNORECASE)
    if pilot and all(p == "EARLY_PHASE1" for p in phases):
        return Cell("Pilot", [*evidence, "briefTitle or officialTitle: pilot"], quotes)
    if not phases:
        return Cell("", [])
    names = [_PHASES[p] for p in phases]
    label = "/".join(dict.fromkeys(names))
    # "phase IIa", and "phase 1/2a" where the registry lists phases 1 and 2
    if re.search(r"\bphase\s*(?:(?:1|I)\s*/\s*)?(?:2a|IIa)\b", text, re.IGNORECASE) and label.endswith("II"):
        label += "a"
        evidence.append("text: phase IIa")
    # "phase 1a/1b" (escalation then expansion) is the whole of phase I, not its Ib part
    elif (
        re.search(r"\bphase\s*(?:1b|Ib)\b", text, re.IGNORECASE)
        and not re.search(r"\bphase\s*(?:1a|Ia)\b", text, re.IGNORECASE)
        and label == "I"
    ):
        label += "b"
        evidence.append("text: phase Ib")
    if re.search(r"\bbasket\b", text, re.IGNORECASE):
        return Cell(f"Phase {label} Basket", [*evidence, "text: basket"], quotes)
    if re.search(r"\bpilot\b", trial.title or "", re.IGNORECASE):
        return Cell("Pilot", [*evidence, "briefTitle: pilot"], quotes)
    # a single-arm phase II whose title calls itself "a prospective phase II study", as the paper words it
    # ("a prospective, single-arm, phase II" is any phase II)
    titles = f"{trial.title} {trial.official_title}"
    if (
        label == "II"
        and not randomised
        and re.search(r"\bprospective phase (?:II|2)\b", titles, re.IGNORECASE)
    ):
        return Cell(
            "Prospective phase II", [*evidence, "briefTitle or officialTitle: prospective phase II"], quotes
        )
    return Cell(f"Randomised phase {label}" if randomised else f"Phase {label}", evidence, quotes)


def _roman(value: str) -> str:
    return {"1": "I", "2": "II", "3": "III"}.get(value, value.upper())


# -- eligibility criteria -----------------------------------------------------------------------

# a heading over the selection criteria a detailed description lists when the eligibility module holds none ("Main
# selection criteria (the full list is in the protocol):", "Key inclusion criteria:"), at the start of a line
_DESCRIBED_CRITERIA = re.compile(
    r"^[ \t]*(?:[\w-]+[ \t]+){0,3}?(?:selection|eligibility|inclusion|entry|enrol?ment)[ \t]+criteria\b[^\n]*\n",
    re.IGNORECASE | re.MULTILINE,
)
# where they end: a paragraph that is neither a criterion (a bullet or a number) nor another criteria heading
# ("Exclusion criteria:")
_DESCRIBED_END = re.compile(
    r"\n[ \t]*\n(?![ \t]*(?:[*\-•]|\d{1,2}[.)])[ \t])(?![^\n]*\bcriteria\b[^\n]*:[ \t]*(?:\n|$))"
)
# an amendment kept beside the wording it changes, in brackets ("[Amended 2021-03: age 18-75 years]", "(amendment 3:
# ...)"): its head, up to the first colon, says how ("replacing the preceding sentence"); its words after the colon
# are the new wording
_AMENDED = re.compile(
    r"(?:\[[ \t]*(?:amended|amendment|revised)\b(?P<head>[^\[\]:\n]*):(?P<words>[^\[\]\n]*)\]"
    r"|\([ \t]*(?:amended|amendment|revised)\b(?P<head2>[^():\n]*):(?P<words2>[^()\n]*)\))",
    re.IGNORECASE,
)
# wording an amendment struck and the registry kept ("More than one prior line [deleted in protocol version 4.0]",
# "(removed by amendment 2)", "[deleted]"; not "(removed or in place)")
_STRUCK = re.compile(
    r"[\[(][ \t]*(?:deleted|removed|struck(?: out)?)(?:[ \t]+(?:in|by|per|with|as of|since|from)\b"
    r"[^\[\]()\n]*?\b(?:amendment|protocol|version|revision)\b[^\[\]()\n]*)?[ \t]*[\])]",
    re.IGNORECASE,
)
# an amendment that admits more patients beside those the wording admits ("... can also be enrolled", "is also
# eligible"), unless it says it replaces the wording
_WIDENS = re.compile(r"\b(?:also|as well|in addition|additionally)\b", re.IGNORECASE)
_REPLACES = re.compile(r"\breplac\w*|\binstead\b|\bsupersed\w*", re.IGNORECASE)
# the start of a line, past its bullet or number, and the end of a sentence within it
_LINE_START = re.compile(r"[ \t]*(?:(?:[*\-•]|\d{1,2}[.)])[ \t]+)?")
_SENTENCE_STOP = re.compile(r"[.!?](?=\s)")


def _eligibility(protocol: dict) -> tuple[str, str]:
    """The eligibility criteria as the registry writes them and where: the eligibility module's, or, when it
    holds none, the selection criteria the detailed description lists under a heading of their own."""
    text = str(get_path(protocol, "eligibilityModule", "eligibilityCriteria") or "")
    if text.strip():
        return text, "protocolSection.eligibilityModule.eligibilityCriteria"
    description = str(get_path(protocol, "descriptionModule", "detailedDescription") or "")
    heading = _DESCRIBED_CRITERIA.search(description)
    if heading is None:
        return text, "protocolSection.eligibilityModule.eligibilityCriteria"
    end = _DESCRIBED_END.search(description, heading.end())
    block = description[heading.start() : end.start() if end else len(description)]
    return block, "protocolSection.descriptionModule.detailedDescription (selection criteria)"


def _criteria(text: str, where: str) -> tuple[str, str]:
    """The eligibility criteria ``text`` found at ``where`` (:func:`_eligibility`) as amended
    (:func:`_amended`), and where they are."""
    amended = _amended(text)
    return amended, where if amended == text else f"{where} (as amended)"


def _amendments(text: str) -> list[tuple[re.Match[str], str, bool]]:
    """Each amendment or struck mark in ``text``: the mark, its new wording ("" for a struck one) and whether it
    adds to the wording before it rather than replacing it."""
    marks: list[tuple[re.Match[str], str, bool]] = [(m, "", False) for m in _STRUCK.finditer(text)]
    for m in _AMENDED.finditer(text):
        head, words = m["head"] if m["head"] is not None else m["head2"], m["words"] or m["words2"] or ""
        widens = bool(_WIDENS.search(words)) and not _REPLACES.search(head)
        marks.append((m, words.strip(), widens))
    return sorted(marks, key=lambda mark: mark[0].start())


def _amended(text: str, additions: bool = True) -> str:
    """``text`` as amended: an amendment kept beside the wording it changes replaces the sentence before it
    ("Age 18-70 years [Amended 2021-03: age 18-75 years]": "age 18-75 years"), or, when it admits more patients
    ("[Amended: patients progressed after one line can also be enrolled]"), follows it as a clause of its own
    (dropped with ``additions`` false); a sentence marked struck ("[deleted in version 4.0]") is dropped."""
    out = text
    for m, words, widens in reversed(_amendments(text)):  # from the end, so the offsets before stay valid
        if widens:
            before = out[: m.start()].rstrip()
            joined = (" " if before.endswith((".", ";", ":")) else "; ") + words if additions else ""
            out = before + joined + out[m.end() :]
        else:
            out = out[: _sentence_start(out, m.start())] + words + out[m.end() :]
    return out


def _additions(text: str) -> list[str]:
    """The wording amendments add beside the criteria they amend (:func:`_amended`)."""
    return [words for _, words, widens in _amendments(text) if widens and words]


def _sentence_start(text: str, end: int) -> int:
    """Where the sentence that ends at ``end`` starts: after the last sentence end before it on its line, else at
    the line's start, past its bullet or number."""
    begin = _LINE_START.match(text, text.rfind("\n", 0, end) + 1).end()  # type: ignore[union-attr]
    body = text[begin:end].rstrip()
    stops = [s.end() for s in _SENTENCE_STOP.finditer(body[:-1])]  # the sentence's own full stop is not one
    if not stops:
        return begin
    return begin + stops[-1] + len(body[stops[-1] :]) - len(body[stops[-1] :].lstrip())


# -- site of origin -----------------------------------------------------------------------------


def _site(trial: Trial, criteria_at: tuple[str, str], spec: ExtractionSpec) -> Cell:
    """``criteria_at``: the eligibility criteria as amended, and where they are (:func:`_criteria`)."""
    criteria, source = criteria_at
    bullets = [_without_metastases(b, spec) for b in _bullets(criteria)]
    first = _site_criterion(bullets, spec) if bullets else 0
    # cohorts listed one criterion each ("Cohort 1: ..." then "Cohort 2: ..."): each gives its site
    last = first + 1
    while (
        _COHORT.match(bullets[first] if bullets else "")
        and last < len(bullets)
        and _COHORT.match(bullets[last])
    ):
        last += 1
    picked = list(range(first, last))
    # cohorts each labelled over criteria of their own, others between ("Cohort A (SCLC): Confirmed SCLC", ...,
    # "Cohort B (EP-NEC): NEC of extrapulmonary origin"): each cohort's label and its first criterion naming the
    # disease, read as one criterion listing the cohorts
    labelled = [i for i in range(first, len(bullets)) if _COHORT_LABEL.match(bullets[i])]
    if last == first + 1 and len(labelled) > 1 and labelled[0] == first:
        picked = _cohort_criteria(bullets, labelled, spec)
    where = f"{source} (first criterion naming the disease)"
    # the same criteria, each negated clause dropped
    parts = [_without_metastases(p, spec) for p in _bullets(criteria, _unnegated_clauses)]
    found, said, text = _criteria_sites(bullets, parts, picked, spec, where)
    if not found and not said and picked == [first] and len(labelled) > 1:
        # the disease's criterion names no organ ("Phase I: any solid tumour ...") and cohorts labelled over criteria
        # of their own follow it ("Phase II Cohort A: SCLC ...", "Phase II Cohort B: extrapulmonary NEC ..."): the
        # cohorts' sites are the trial's, as an escalation's any solid tumour is not
        at = f"{source} (cohorts after the criterion naming the disease)"
        read = _criteria_sites(bullets, parts, _cohort_criteria(bullets, labelled, spec), spec, at)
        if read[0] or read[1]:
            (found, said, text), where = read, at
    if not found and not said and spec.site_primary is not None:
        # the disease's criterion names no organ ("Histologically confirmed NEC, Ki-67 > 20%"): a later one
        # that states the primary site apart ("Primary tumour in the GI tract or pancreas") does
        later = (i for i in range(last, len(bullets)) if spec.site_primary.search(bullets[i]))
        for i in later:
            at = f"{source} (criterion {i + 1}: primary site)"
            read = _criteria_sites(bullets, parts, [i], spec, at)
            if read[0] or read[1]:
                (found, said, text), where = read, at
                break
    if said:  # "NEC of any primary site" and no organ: no restriction, whatever the title names
        quote = _span(text, said, where)
        return Cell(spec.site_fallback, [quote.label], [quote]) if spec.site_fallback else Cell()
    if not found:  # the criterion names no organ: the title and conditions may
        title = _without_metastases(" ".join([trial.title, *trial.conditions]), spec)
        where = "briefTitle and conditions"
        found = _site_labels(title, title, where, spec.sites)
    if not found:
        return Cell(spec.site_fallback, [f"{where}: no organ named"]) if spec.site_fallback else Cell()
    sites, quotes = found
    evidence = [q.label for q in quotes]
    for together, combined in spec.site_combined:  # labels found together that the review names otherwise
        if together <= set(sites):
            place = min(sites.index(label) for label in together)
            kept = [label for label in sites if label not in together]
            sites = [*kept[:place], *combined, *kept[place:]]
            evidence.append(f"{', '.join(sorted(together))} together: {', '.join(combined)}")
    return Cell(", ".join(dict.fromkeys(sites)), evidence, quotes)


def _cohort_criteria(bullets: list[str], labelled: list[int], spec: ExtractionSpec) -> list[int]:
    """The criteria that give the sites of cohorts labelled over criteria of their own (``labelled``: each
    cohort's label): each label and its cohort's first criterion naming the disease. ``bullets``: as
    :func:`_site_criterion` reads them."""
    picked = []
    for head, end in pairwise([*labelled, len(bullets)]):
        disease = head + _site_criterion(bullets[head:end], spec)
        picked += [head] if disease == head else [head, disease]
    return picked


def _criteria_sites(
    criteria: list[str], parts: list[str], picked: list[int], spec: ExtractionSpec, where: str
) -> tuple[tuple[list[str], list[Quote]] | None, re.Match[str] | None, str]:
    """The sites the inclusion criteria ``picked`` (their indexes in ``criteria``) give, negated clauses
    dropped; else the "any site" they say (with no organ); and the text read. ``parts``: the criteria read
    through ``_unnegated_clauses`` (a negated sub-bullet, "  * carcinoid tumours not eligible", drops itself,
    not the criterion above it, and a negated sentence of a sub-bullet only itself, "  * Cohort A: NEC of
    the bladder. NET G3 are not allowed.": its other sentences still name the cohort's site)."""
    # rules marked `whole` read the negated clauses too ("any site except lung")
    whole = "; ".join(criteria[i] for i in picked if i < len(criteria))
    scope = "; ".join(parts[i] for i in picked if i < len(parts))
    # "(lung excluded)" drops only the bracket; "lung primaries not allowed" drops its clause
    scope = _without_negated_brackets(scope)
    scope = _ABSENT.sub(" ", scope)  # "unknown primary with no evidence of a lung primary": not the lung
    clauses = [_unnegated(c) for c in re.split(r"[;.]|\bplus\b", scope)]
    text = "; ".join(c for c in clauses if c.strip())
    found = None
    if text.strip() or whole.strip():  # "NEC, any site except the lung": negated, yet the whole rules read it
        found = _site_labels(
            text, whole, where, spec.sites, spec.any_site, spec.site_fallback, spec.site_criterion
        )
    said = spec.any_site.search(text) if spec.any_site is not None and not found else None
    return found, said, text


# an exception names what follows it ("of extrapulmonary origin, excluding prostate"); the comma and space
# before it are stripped from the words kept, not matched (",?\s*" before the word rescanned a long run of
# spaces from each of its starts: 6 s on 20,000)
_EXCEPTION = re.compile(r"\b(?:excluding|except)\b", re.IGNORECASE)
# the clauses of a criterion: cut at each "." or ";" (the words kept are stripped, not matched)
_CLAUSE = re.compile(r"[.;]")


# a clause of its own joined by ", and the ..." ("NEC of the oesophagus, and the lung as primary is ruled out and
# excluded"), or subordinate to what it follows ("or unknown primary when a pulmonary origin has been excluded",
# "once a lung primary is ruled out"): its negation is its own
_COORDINATE = re.compile(
    r",\s*(?:and|but|while|whereas)\s+(?=(?:the|a|an|any|its|their|this|that)\s)"
    r"|,?\s+(?:when|once|if|provided(?: that)?|as long as)\s+(?=(?:the|a|an|any|its|their|this|that)\s)",
    re.IGNORECASE,
)
# an exception whose object is the neuroendocrine carcinoma itself ("of any histology except neuroendocrine
# carcinoma"), and a neuroendocrine word ("NEC of the stomach, excluding ..." is a neuroendocrine disease)
_EXCEPTED_NEC = re.compile(
    r"\s*(?:for\s+)?(?:neuroendocrine carcinomas?|NECs?)\b(?!\s+(?:of|from|in|arising)\b)"
)
_NEUROENDOCRINE = re.compile(r"neuroendocrine|\bNE[CN]s?\b|small[- ]cell|large[- ]cell|MiNEN", re.IGNORECASE)
# a neuroendocrine carcinoma named, not a well-differentiated tumour
_CARCINOMA = re.compile(
    r"neuroendocrine carcinoma|\bNECs?\b|small[- ]cell|large[- ]cell|MiNEN|poorly[- ]differentiated",
    re.IGNORECASE,
)


def _unnegated(clause: str) -> str:
    """``clause`` if it negates nothing; its words before an exception ("NEC of extrapulmonary origin,
    excluding prostate": the extrapulmonary origin stays) if only the exception negates, unless they name
    another disease than the one excepted ("salivary carcinoma of any subtype except neuroendocrine carcinoma":
    no neuroendocrine site); its words before a clause of its own that negates (", and the lung primary is
    excluded", "when a lung primary has been excluded"); else empty."""
    if not _NEGATED.search(clause):
        return clause
    cut = _EXCEPTION.search(clause)
    head = clause[: cut.start()].rstrip(", \t\n") if cut else ""
    if cut and _EXCEPTED_NEC.match(clause, cut.end()) and not _NEUROENDOCRINE.search(head):
        return ""
    if not head:
        negated = _NEGATED.search(clause)
        joined = [m for m in _COORDINATE.finditer(clause, 0, negated.start())] if negated else []
        head = clause[: joined[-1].start()] if joined else ""
    return "" if _NEGATED.search(head) else head


def _unnegated_clauses(text: str) -> str:
    """``text`` with each clause (cut at "." and ";") read through ``_unnegated``."""
    return "; ".join(_unnegated(clause) for clause in _CLAUSE.split(text))


def _without_negated_brackets(text: str) -> str:
    """``text`` without the brackets that negate ("(lung excluded)"), each read from a "(" to the next
    ")", in one pass: a regex for a bracket retries the rest of the text from every "(" that no ")"
    follows (seconds on a long hostile criterion)."""
    out, i = [], 0
    while (start := text.find("(", i)) >= 0 and (end := text.find(")", start)) >= 0:
        bracket = text[start : end + 1]
        out += [text[i:start], "" if _NEGATED.search(bracket) else bracket]
        i = end + 1
    return "".join([*out, text[i:]])


# "Cohort A: ...; Cohort B: ...": each cohort names its own site; so does each part of a phase ("Phase 1a: ...;
# Phase 1b Cohort 2: ...")
_COHORT = re.compile(
    r"\b(?:(?:cohort|arm|group|part)\s+(?:[A-Z]|\d{1,2}[A-Z]?)|phase\s+(?:[1-3]|I{1,3})[ab])\b", re.IGNORECASE
)
# a criterion opening with the cohort it is for ("Cohort B: ...", "Additional inclusion criteria, Cohort A (SCLC):
# ...", a heading of its own moved onto it by ``_bullets``)
_COHORT_LABEL = re.compile(rf"^[^:;.\n]{{0,150}}?(?:{_COHORT.pattern})[^:;.\n]*:", re.IGNORECASE)
# "one of: (a) small cell lung cancer; (b) extrapulmonary NEC": items of a list, read as cohorts are
_ITEM = re.compile(r"(?<![\w)])\((?:[a-h]|\d{1,2})\)(?=\s)")
# "small cell lung cancer, or NEC of any primary site": two diseases admitted side by side
_DISJUNCT = re.compile(r",\s*or\s+", re.IGNORECASE)
# "extrapulmonary NEC or large cell NEC of the lung": an "or" that may join two diseases (kept by ``split``)
_OR = re.compile(r"(,?\s+or\s+)", re.IGNORECASE)


def _site_labels(
    text: str,
    whole: str,
    where: str,
    rules: tuple[SiteRule, ...],
    any_site: re.Pattern[str] | None = None,
    any_label: str = "",
    disease: re.Pattern[str] | None = None,
) -> tuple[list[str], list[Quote]] | None:
    """The site labels the rules give ``text`` (``whole`` for rules that read negated clauses too), each
    cohort of a criterion that lists two or more read on its own; None if no rule matches. A part that
    says "any site" is read only by the `whole` rules: only what qualifies it ("any origin other than
    the lung") counts, and a cohort's "any site" does not silence the other cohorts. A part that
    admits another disease beside one of any site (", or ...") reads each on its own; the any-site one
    the whole rules leave unlabelled is ``any_label`` (the review's label for no site restriction), as is
    a cohort of neuroendocrine carcinoma of any site beside other cohorts ("Cohort B: NEC, any primary site"). A
    part a `stop` rule reads ("extrapulmonary NEC") that admits another ``disease`` beside it ("or
    large cell NEC of the lung") reads each disease on its own: the stop silences the organs that
    qualify its own disease, not a disease admitted next to it. Items of a list ("(a) ...; (b) ...") are
    read as cohorts are."""
    marks = [m.start() for m in _COHORT.finditer(text)]
    marks = marks if len(marks) > 1 else [m.start() for m in _ITEM.finditer(text)]
    bounds = [0, *marks[1:], len(text)] if len(marks) > 1 else [0, len(text)]
    whole_rules = tuple(r for r in rules if r.whole)
    found: dict[str, Quote] = {}
    given: dict[str, SiteRule] = {}  # the rule that gave each label: its `unless` is the label's
    unlabelled: Quote | None = None  # an any-site disjunct no whole rule labelled
    beside: set[str] = set()  # labels a part read apart beside a stop found within another of that part's
    alone: set[str] = set()  # labels some part found on their own
    for start, end in pairwise(bounds):
        part = text[start:end]
        apart = False  # diseases read apart beside a stop ("extrapulmonary NEC or SCLC")
        if any_site is None or not any_site.search(part):
            diseases = _diseases_beside_a_stop(part, rules, disease)
            if len(diseases) > 1:
                pieces, apart = [(d, d, rules) for d in diseases], True
            else:
                pieces = [(part, whole if len(bounds) == 2 else part, rules)]
        # one disease unless a disjunct says "any site" on its own: "lung, GI tract, or other sites" is one
        elif len(disjuncts := _DISJUNCT.split(part)) == 1 or not any(map(any_site.search, disjuncts)):
            pieces = [(part, whole if len(bounds) == 2 else part, whole_rules)]
        else:
            pieces = [(d, d, whole_rules if any_site.search(d) else rules) for d in disjuncts]
        in_part: dict[str, SiteRule] = {}
        for piece, piece_whole, read in pieces:
            labels = _segment_sites(piece, piece_whole, where, read)
            for label, quote, rule in labels:
                found.setdefault(label, quote)
                given.setdefault(label, rule)
                in_part.setdefault(label, rule)
            # an any-site disjunct beside others, or a cohort of NEC of any site beside other cohorts ("Cohort A: SCLC;
            # Cohort B: NEC, any primary site"), not one of well-differentiated tumours ("NET G3 of any site")
            apart_any = len(pieces) > 1 or (len(bounds) > 2 and _CARCINOMA.search(piece) is not None)
            said = any_site.search(piece) if any_site is not None and apart_any else None
            if said and not labels and unlabelled is None:
                unlabelled = _span(piece, said, where)
        # diseases read apart beside a stop: a site within another found beside it in this part (`unless`: prostate
        # within extrapulmonary) is not one of its own; in another cohort it still is ("Cohort 3: LCNEC of the lung"
        # beside "Cohort 1: SCLC or extrapulmonary NEC")
        inside = {s for s, rule in in_part.items() if apart and set(rule.unless) & in_part.keys()}
        beside |= inside
        alone |= in_part.keys() - inside
    found = {s: q for s, q in found.items() if s not in beside or s in alone}
    # cohorts under a criterion that names the site itself ("NEC of extrapulmonary origin: Cohort 1: GI
    # tract; Cohort 2: any other"): they divide that site, so a cohort's site within it is not beside it
    head = text[: marks[0]] if len(bounds) > 2 and marks[0] > 0 else ""
    if head.strip() and (any_site is None or not any_site.search(head)):
        within = {label for label, _, _ in _segment_sites(head, head, where, rules)}
        found = {s: q for s, q in found.items() if s in within or not set(given[s].unless) & within}
    # a rule whose `unless` reads the whole criterion: its label is within one found in another cohort or
    # piece ("Cohort 2: NEC arising outside the lung, ..., or of unknown primary": extrapulmonary)
    found = _without_sites_within(found, given, lambda rule: rule.unless_anywhere)
    if found and unlabelled is not None and any_label:
        found.setdefault(any_label, unlabelled)
        # a site within "any site" (a rule whose `unless` names the any-site label) is not listed beside it
        found = {s: q for s, q in found.items() if s not in given or any_label not in given[s].unless}
    # the rules' order, whatever the cohorts'; the any-site label last
    order = [*dict.fromkeys(rule.label for rule in rules), any_label]
    sites = sorted(found, key=order.index)
    return (sites, [found[s] for s in sites]) if sites else None


def _without_sites_within(
    found: dict[str, Quote], given: dict[str, SiteRule], applies: Callable[[SiteRule], bool]
) -> dict[str, Quote]:
    """``found`` without the labels whose rule ``applies`` and names, in its `unless`, a label found."""
    return {s: q for s, q in found.items() if not (applies(given[s]) and set(given[s].unless) & found.keys())}


# words that name a disease only in general: a clause on "tumour tissue" or "tumour lesions" is no disease of a list
_GENERIC_DISEASE = re.compile(r"tumou?rs?|cancers?|neoplasms?", re.IGNORECASE)


def _names_a_disease(item: str, disease: re.Pattern[str]) -> bool:
    """Whether ``item`` (a clause of a list after a colon) names a disease by more than a general word: a list of
    diseases ("SCLC; extrapulmonary NEC") is read item by item, a disease then sentences about its tumour ("NEC of
    extrapulmonary origin. Archival tumour tissue (lung or liver lesion) is required") are not."""
    return any(not _GENERIC_DISEASE.fullmatch(m.group()) for m in disease.finditer(item))


def _diseases_beside_a_stop(
    part: str, rules: tuple[SiteRule, ...], disease: re.Pattern[str] | None
) -> list[str]:
    """``part`` cut at each "or" that starts another disease ("... or small cell lung cancer"), and at each
    clause's end in a list of diseases after a colon, every item naming one ("one of the following: SCLC; LCNEC of
    the lung; extrapulmonary NEC", sub-bullets as registrants type them), when a `stop` rule reads one of the pieces
    and not all of them; else ``part`` whole. An "or" between organs ("of the bladder or prostate") joins no
    disease, so its organ stays with the piece before; a first piece naming no disease ("Multiple: GEP, lung or
    other NE primaries incl. ...") stays whole."""
    if disease is None or not any(r.stop and r.pattern.search(part) for r in rules):
        return [part]
    colon = part.find(":")
    items = part[colon + 1 :].split(";") if colon >= 0 else []
    listed = len(items) > 1 and all(_names_a_disease(item, disease) for item in items)
    segments = [part[: colon + 1] + items[0], *items[1:]] if listed else [part]
    # the pieces with the cuts (as written) between them: the list's clause ends, and the "or"s within each item
    cuts: list[str] = []
    for segment in segments:
        cuts += [";", *_OR.split(segment)] if cuts else _OR.split(segment)
    pieces: list[str] = []
    for piece, cut in zip(cuts[::2], ["", *cuts[1::2]], strict=True):
        # each piece names a disease: one that names none joins the piece before (or, first, the next)
        if pieces and not (disease.search(piece) and disease.search(pieces[-1])):
            pieces[-1] += cut + piece
        else:
            pieces.append(piece)
    stopped = [any(r.stop and r.pattern.search(p) for r in rules) for p in pieces]
    return pieces if len(pieces) > 1 and not all(stopped) else [part]


def _segment_sites(
    text: str, whole: str, where: str, rules: tuple[SiteRule, ...]
) -> list[tuple[str, Quote, SiteRule]]:
    found: list[tuple[str, Quote, SiteRule]] = []
    groups_done: set[str] = set()
    for rule in rules:
        labels = [label for label, _, _ in found]
        if rule.group in groups_done or any(label in labels for label in rule.unless):
            continue
        read = whole if rule.whole else text
        match = rule.pattern.search(read)
        if match is None or (rule.requires is not None and rule.requires.search(read) is None):
            continue
        if rule.group:
            groups_done.add(rule.group)
        if rule.label not in labels:
            found.append((rule.label, _span(read, match, where), rule))
        if rule.stop:
            break
    return found


def _without_metastases(text: str, spec: ExtractionSpec) -> str:
    """``text`` with the places the disease has spread to blanked (``[sites] metastatic``: "with lung metastases",
    "metastatic to the lung or liver"; offsets kept): a metastatic site is no primary site, whatever organ it names."""
    if spec.site_metastatic is None:
        return text
    return spec.site_metastatic.sub(lambda m: " " * len(m[0]), text)


def _site_criterion(bullets: list[str], spec: ExtractionSpec) -> int:
    """The inclusion criterion that states the disease: the first naming it or an organ (registries
    often open with age or consent), else the first. ``bullets``: the criteria with the places the disease spread to
    blanked (:func:`_without_metastases`), so an organ named only so names none."""
    for i, bullet in enumerate(bullets):
        if (spec.site_criterion is not None and spec.site_criterion.search(bullet)) or any(
            rule.pattern.search(bullet) for rule in spec.sites
        ):
            return i
    return 0


_BULLET = re.compile(r"\n([ \t]*)(?:[*\-•]|\d{1,2}[.)])[ \t]+")
# a heading of a cohort's own criteria, a line of its own after a blank one ("Additional inclusion criteria,
# Cohort B (EP-NEC) patients:"), and the mark of the criterion under it
_COHORT_HEADING = re.compile(
    r"\n[ \t]*\n[ \t]*(?P<head>(?![*\-•][ \t]|\d{1,2}[.)][ \t])[^\n]*?"
    rf"(?:{_COHORT.pattern})[^\n]*:)[ \t]*\n(?:[ \t]*\n)*(?P<mark>[ \t]*(?:[*\-•]|\d{{1,2}}[.)])[ \t]+)",
    re.IGNORECASE,
)


def _bullets(text: str, part: Callable[[str], str] = str) -> list[str]:
    """The inclusion criteria, one per bullet ("*", "-", "•") or number ("1.", "2)"); a criterion's
    indented sub-bullets ("one of:\n  * Cohort 1: ...\n  * Cohort 2: ...") stay part of it, each read
    through ``part`` first. A cohort's heading opens the criterion under it ("Cohort B (EP-NEC): NEC of
    extrapulmonary origin"), rather than closing the one above. ``text``: the eligibility criteria
    (:func:`_criteria`)."""
    inclusion = "\n" + _EXCLUSION.split(text, maxsplit=1)[0]
    inclusion = _COHORT_HEADING.sub(lambda m: f"\n{m['mark']}{m['head']} ", inclusion)
    marks = list(_BULLET.finditer(inclusion))
    if not marks:
        return [inclusion.strip()] if inclusion.strip() else []
    # the list's level is its first mark's: a mark indented deeper is a sub-bullet of the criterion above
    # it; one indented less ("1)" lines under an indented "*") starts a criterion of its own, so no
    # criterion before it is lost
    top = len(marks[0].group(1).expandtabs(4))
    starts = [m for m in marks if len(m.group(1).expandtabs(4)) <= top]
    ends = [m.start() for m in starts[1:]] + [len(inclusion)]
    pieces = [_BULLET.split(inclusion[m.end() : end])[::2] for m, end in zip(starts, ends, strict=True)]
    # a criterion is kept or dropped as written, so the lists ``part`` gives align with the plain one
    return [
        " ".join([head, *map(part, subs)]).strip(" *-\t\n")
        for head, *subs in pieces
        if " ".join([head, *subs]).strip(" *-\t\n")
    ]


# -- line of treatment --------------------------------------------------------------------------


def _line(protocol: dict, trial: Trial, spec: ExtractionSpec, eligibility: tuple[str, str],
          criteria_at: tuple[str, str]) -> Cell:  # fmt: skip
    """``eligibility``: the criteria as written and where (:func:`_eligibility`); ``criteria_at``: as amended
    (:func:`_criteria`)."""
    (written, found_at), (criteria, source) = eligibility, criteria_at
    cell = _stated_line(criteria, source, protocol, trial, spec)
    # an amendment that admits more patients beside those the criteria admitted ("No systemic treatment for
    # advanced disease [Amended: patients progressed after one line can also be enrolled]"): the set of the two
    # lines, as for cohorts (``[[lines.cohorts]]``)
    added = _additions(written)
    if added:
        before = _stated_line(_amended(written, additions=False), source, protocol, trial, spec)
        more = _first_line([(f"{found_at} (amendment)", " ; ".join(added))], spec)
        lines = frozenset(c.value for c in (before, more) if c is not None)
        label = spec.line_cohorts.get(lines) if len(lines) > 1 else None
        if label and before and more:
            cell = Cell(label, [*before.evidence, *more.evidence], [*before.quotes, *more.quotes])
    return _line_limited(
        cell or Cell(spec.line_unknown, ["no line-of-treatment wording found"]), criteria, source, spec
    )


def _stated_line(
    criteria: str, source: str, protocol: dict, trial: Trial, spec: ExtractionSpec
) -> Cell | None:
    """The line the record states, before any cap of the exclusions: the eligibility ``criteria`` (found at
    ``source``), then the titles, the arms and the summary; None if none does."""
    bullets = _bullets(criteria)
    # the criteria other than the one stating the disease (whose "recurrent" or "metastatic" describes
    # the disease, not prior therapy), then that one, then the titles; the rules marked `whole` read the titles and
    # the criteria together first (a progression stated with the disease or in a title, "EP-NEC progressing after
    # platinum", and a cap in a criterion, "no more than one prior line")
    disease = _site_criterion([_without_metastases(b, spec) for b in bullets], spec) if bullets else 0
    others = " ".join(b for i, b in enumerate(bullets) if i != disease)
    stated = [(source, others or " ".join(bullets)), (source, bullets[disease] if others else "")]
    together = [(f"briefTitle, officialTitle and {source}",
                 " ".join(t for t in (trial.title, trial.official_title, *bullets) if t))]  # fmt: skip
    titles = [("briefTitle", trial.title), ("officialTitle", trial.official_title)]
    summary = [("protocolSection.descriptionModule.briefSummary",
                str(get_path(protocol, "descriptionModule", "briefSummary") or ""))]  # fmt: skip
    # the criteria state the line more precisely than a title's word; the arms' descriptions (which
    # also tell the schedule: "then maintenance") when neither does; the summary, whose background may
    # name other settings, last. A title's or the summary's own schedule ("X plus chemotherapy followed by X
    # maintenance") states no line, as an arm's does not.
    return (
        _cohorts_line(criteria, source, spec)
        or _listed_line(criteria, source, spec)
        or _whole_line(stated, together, spec)
        or _first_line(stated, spec)
        or _first_line(titles, spec, _without_own_schedule)
        or _arms_line(protocol, spec)
        or _first_line(summary, spec, _without_own_schedule)
    )


def _whole_line(
    stated: list[tuple[str, str]], together: list[tuple[str, str]], spec: ExtractionSpec
) -> Cell | None:
    """The line a rule marked `whole` gives over the titles and the criteria ``together``, in the rules' order: none
    where a rule listed before it matches the criteria read as usual (``stated``), which then give the line as they
    would without it ("treatment-naive patients are eligible" ahead of a progression and a cap of one line: either
    line, not the second)."""
    for at in spec.lines_whole:
        cell = _first_line(together, spec, rules=spec.lines[at : at + 1])
        if cell and _first_line(stated, spec, rules=spec.lines[:at]):
            return None
        if cell:
            return cell
    return None


def _first_line(
    sources: list[tuple[str, str]],
    spec: ExtractionSpec,
    read: Callable[[str], str] = str,
    rules: Sequence[tuple[str, re.Pattern[str]]] | None = None,
) -> Cell | None:
    """The line the first source that states one gives (the first rule matching in it, of ``rules``, else the
    review's line rules, read through ``read``, which keeps offsets), else None; quoted in the text as written. A
    recurrence timed from the first line that the text refuses is read as blank (:func:`_without_refused_first_line`)."""
    rules = spec.lines if rules is None else rules
    for where, text in sources:
        read_text = read(_without_refused_first_line(text or ""))
        m = next(((label, m) for label, p in rules if (m := p.search(read_text))), None)
        if m:
            quote = _span(text, m[1], where)
            return Cell(m[0], [quote.label], [quote])
    return None


# where a list after a colon ends: its sentence's end ("... carboplatin/irinotecan. ECOG 0-1"), a full stop before a
# capital or at the criterion's end; not an abbreviation's ("; e.g. FOLFIRI", "Cisplatin vs. Carboplatin"), whose
# list runs on, so that `choice` reads it
_LIST_END = re.compile(
    r"(?<!\b(?i:e\.g))(?<!\b(?i:i\.e))(?<!\b(?i:vs))(?<!\b(?i:cf))(?<!\b(?i:viz))(?<!\b(?i:incl))(?<!\b(?i:approx))"
    r"\.(?=\s+[A-Z(]|\s*$)"
)


def _items(text: str) -> list[tuple[int, int]]:
    """Where the items of a list run in ``text``: cut at each ";" outside brackets ("cisplatin/etoposide;
    carboplatin (or cisplatin)/irinotecan": two)."""
    items, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += (char in "([") - (char in ")]")
        if char == ";" and depth <= 0:
            items.append((start, i))
            start = i + 1
    return [*items, (start, len(text))]


def _listed_line(criteria: str, source: str, spec: ExtractionSpec) -> Cell | None:
    """The line an inclusion criterion gives that lists after a colon the regimens the patients received ("Prior
    therapy: cisplatin/etoposide; carboplatin/irinotecan": two; ``[lines.listed]``), by their number (`counts`):
    each item (cut at a ";" or a sub-bullet) that names a drug is one regimen, whatever alternatives it names within
    ("cisplatin or carboplatin with etoposide"). None where the head or an item offers a choice or is no list of
    what was received (`choice`: "one of:", "e.g.", an item opened by "or", "allowed", "no"), in a cohort's own
    criterion (:func:`_cohorts_line` reads those), or where no criterion lists a regimen."""
    listed = spec.line_listed
    if listed is None:
        return None
    # a sub-bullet is an item of its own: closed with a ";"
    for criterion in _bullets(criteria, lambda sub: sub.rstrip(" ;") + ";"):
        head = listed.head.search(criterion)
        if head is None or _COHORT.search(criterion) or listed.choice.search(head.group(0)):
            continue
        end = _LIST_END.search(criterion, head.end())
        stop = end.start() if end else len(criterion)
        spans = [(head.end() + a, head.end() + b) for a, b in _items(criterion[head.end() : stop])]
        items = [(a, b) for a, b in spans if criterion[a:b].strip(" ;.")]
        if any(listed.choice.search(criterion[a:b].strip()) for a, b in items):
            continue
        regimens = [(a, b) for a, b in items if spec.lexicon.find(criterion[a:b])]
        label = listed.line(len(regimens)) if regimens else ""
        if label:
            quote = Quote(
                f"{source} (regimens listed: {len(regimens)})", criterion, head.start(), regimens[-1][1]
            )
            return Cell(label, [quote.label], [quote])
    return None


# a line of the criteria that heads a cohort's own criteria ("COHORT B", "Part 2 (pretreated):", "* Cohort 1: ...",
# "* Phase 1b: ...")
# cohorts named together ("Cohorts A and C"), a cohort's own criteria opened within a criterion after a ";" ("...;
# Cohort B: progression after at least one line"), or cohorts named together at a line's start, each with a colon
_COHORTS_NAMED = (
    r"\bcohorts?\s+(?:[A-Z]|\d{1,2}[A-Z]?)\b(?:\s*(?:,|and|or|&|/)\s*(?:[A-Z]|\d{1,2}[A-Z]?)\b)*[ \t]*:"
)
_COHORT_HEAD = re.compile(
    rf"^[ \t]*(?:[*\-•][ \t]*|\d{{1,2}}[.)][ \t]*)?(?:{_COHORT.pattern}|{_COHORTS_NAMED})|(?<=;)[ \t]*{_COHORTS_NAMED}",
    re.IGNORECASE | re.MULTILINE,
)


def _cohorts_line(text: str, source: str, spec: ExtractionSpec) -> Cell | None:
    """The line of inclusion criteria that fall into cohorts, each stating its own ("Cohort A" over "no prior
    systemic therapy", "Cohort B" over "progression on one prior line"): the review's label for the set of
    their lines (``[[lines.cohorts]]``); None if fewer than two cohorts state a line, they agree, or the set
    has no label (the criteria are then read whole, as usual). ``text``: the eligibility criteria, found at
    ``source``."""
    inclusion = _EXCLUSION.split(text, maxsplit=1)[0]
    read = _without_refused_first_line(inclusion)  # quoted as written
    starts = [m.start() for m in _COHORT_HEAD.finditer(inclusion)]
    where = f"{source} (cohorts)"
    found: list[tuple[str, Quote]] = []
    for start, end in pairwise([*starts, len(inclusion)] if len(starts) > 1 else []):
        # each cohort's criteria run from its header to the next one's (the last one's to the exclusions)
        m = next(((label, m) for label, p in spec.lines if (m := p.search(read, start, end))), None)
        found += [(m[0], _span(inclusion, m[1], where))] if m else []
    lines = frozenset(label for label, _ in found)
    label = spec.line_cohorts.get(lines) if len(lines) > 1 else None
    if not label:
        return None
    return Cell(label, [q.label for _, q in found], [q for _, q in found])


# a recurrence timed from the first line that the criteria refuse, negated ("no relapse within 6 months of first-line
# chemotherapy", "did not progress within 90 days of first-line platinum") or excluded ("patients who relapsed within 6
# months of completing first-line therapy are excluded"): its first line is a time reference, no line the patients
# are in (not an adjuvant one's: "no recurrence within 12 months of first-line adjuvant chemotherapy"); the rest of
# the record states the line. ``{0}`` names the first line's group (one per alternative).
_TIMED_FROM_FIRST_LINE = (
    r"(?:recurr\w*|relaps\w*|progress\w*)\b,?\s+(?:disease\s+)?(?:within|(?:more|less|later|earlier|longer|shorter)"
    r"\s+than|at\s+least|[≥><≤])\s?(?:\d+|one|two|three|four|five|six|nine|twelve)\s+(?:months?|weeks?|days?|mo)\b,?"
    r"\s+(?:of|after|following|from)\s+(?:the\s+)?(?:(?:start|end|completion|discontinuation|last\s+(?:dose|cycle|"
    r"administration))\s+of\s+|(?:completing|finishing|stopping|starting|discontinuing)\s+)?(?:the\s+|their\s+|a\s+)?"
    r"(?:prior\s+|previous\s+)?(?P<line{0}>(?:first|1st)[- ]line)\b"
    r"(?!\s+(?:adjuvant|neoadjuvant|perioperative)\b)"
)
_REFUSED_TIMED_FIRST_LINE = re.compile(
    rf"\b(?:no|not|without|never)\s+(?:(?:evidence\s+of|documented|disease|clinical|radiological)"
    rf"\s+){{0,3}}{_TIMED_FROM_FIRST_LINE.format(1)}"
    rf"|\b{_TIMED_FROM_FIRST_LINE.format(2)}"
    r"(?=[^.;\n]{0,80}?\b(?:excluded|exclusion|not\s+eligible|ineligible|not\s+allowed|not\s+permitted)\b)",
    re.IGNORECASE,
)


def _without_refused_first_line(text: str) -> str:
    """``text`` with the first line of each recurrence timed from it that the text negates or excludes blanked
    (offsets kept): the recurrence's own words still read as they would ("without progression within 3 months after
    first-line platinum": a progression after a treatment)."""

    def blanked(m: re.Match[str]) -> str:
        start, end = m.span("line1") if m["line1"] else m.span("line2")
        return m.string[m.start() : start] + " " * (end - start) + m.string[end : m.end()]

    return _REFUSED_TIMED_FIRST_LINE.sub(blanked, text)


# an arm's own schedule, its induction and then its maintenance ("2 induction cycles, then 2 cycles with
# radiotherapy, then atezolizumab maintenance"), or a regimen then its maintenance ("X plus carboplatin and
# etoposide followed by X maintenance", "for 4 cycles, then maintenance with X"; not "then, after response,
# maintenance"): the treatment the trial gives, no line before it
_OWN_SCHEDULE = re.compile(
    r"\binduction\b[^.;]{0,200}?\b(?:then|followed by)\b[^.;]{0,200}?\bmaintenance\b"
    r"|\b(?:then|followed by)\b(?:(?!\b(?:after|following|without|progress\w*|respon\w*|complet\w*)\b)[^.;]){0,60}?"
    r"\bmaintenance\b",
    re.IGNORECASE,
)
# an induction given before the arm ("after completing four cycles of induction", "responding to induction")
_INDUCTION_BEFORE = re.compile(
    r"\b(?:after|following|complet\w*|respon\w*|prior|previous|post)\b[^.;]{0,40}$", re.IGNORECASE
)


def _without_own_schedule(text: str) -> str:
    """``text`` with the arm's own induction-then-maintenance schedule blanked (offsets kept)."""
    for m in _OWN_SCHEDULE.finditer(text):
        if not _INDUCTION_BEFORE.search(text, 0, m.start()):
            text = text[: m.start()] + " " * (m.end() - m.start()) + text[m.end() :]
    return text


def _arms_line(protocol: dict, spec: ExtractionSpec) -> Cell | None:
    """The line the arms' labels and descriptions give ("Cohort 1: untreated patients", "Cohort 2:
    after first-line platinum"): one line if they agree, else the review's label for that set of lines
    (``[[lines.cohorts]]``); None if no arm states a line or the set has no label. An arm's own schedule
    ("four induction cycles, followed by X maintenance") states none."""
    found: list[tuple[str, Quote]] = []
    for i, arm in enumerate(get_path(protocol, "armsInterventionsModule", "armGroups") or []):
        if isinstance(arm, dict):  # the description, else the label ("Cohort 2" is no cohort rule's word)
            where = f"protocolSection.armsInterventionsModule.armGroups[{i}]"
            said = [(f"{where}.{part}", str(arm.get(part) or "")) for part in ("description", "label")]
            cell = _first_line(said, spec, _without_own_schedule)
            if cell:
                found.append((cell.value, cell.quotes[0]))
    lines = frozenset(label for label, _ in found)
    label = next(iter(lines)) if len(lines) == 1 else spec.line_cohorts.get(lines)
    if not label:
        return None
    return Cell(label, [q.label for _, q in found], [q for _, q in found])


# a limit the inclusion criteria state by negating it ("No more than one prior line of systemic therapy"): the cap
# the exclusions state as the limit itself
_NO_BEFORE = re.compile(r"\b(?:no|not)\s+$", re.IGNORECASE)


def _limit_in(pattern: re.Pattern[str], read: str, negated: bool) -> re.Match[str] | None:
    """The first match of the limit ``pattern`` in ``read``; with ``negated`` (``read``: the inclusion criteria),
    the first one "no" or "not" is written right before, ahead of any cohort's own criteria (a cap under "Cohort A"
    is that cohort's, which :func:`_cohorts_line` read)."""
    if not negated:
        return pattern.search(read)
    heads = [m.start() for m in _COHORT_HEAD.finditer(read)]
    end = heads[0] if len(heads) > 1 else len(read)
    return next((m for m in pattern.finditer(read, 0, end) if _NO_BEFORE.search(read, max(0, m.start() - 8),
                                                                                 m.start())), None)  # fmt: skip


def _line_limited(cell: Cell, text: str, source: str, spec: ExtractionSpec) -> Cell:
    """The line narrowed by the first limit the exclusion criteria state ("more than 2 prior regimens"
    caps "2nd Line or later" at "2nd or 3rd line"), or an inclusion criterion's clause that excludes
    ("...; more than one prior regimen is not allowed"), or one that negates the limit ("No more than one prior
    line (treatment-naive patients are eligible)": "Prior systemic therapy allowed", capped, is "1st or 2nd
    Line"). ``text``: the eligibility criteria, found at ``source``."""
    parts = _EXCLUSION.split(text, maxsplit=1)
    exclusion = parts[1] if len(parts) > 1 else ""
    refused = [c for c in re.split(r"[;.\n]", parts[0]) if _NEGATED.search(c)]
    sources = (("exclusion", exclusion, False), ("inclusion, excluded", " ; ".join(refused), False),
               ("inclusion, negated", parts[0], True))  # fmt: skip
    for pattern, narrows in spec.line_limits:
        for where, read, negated in sources:
            m = _limit_in(pattern, read, negated)
            if m is None:
                continue
            if cell.value not in narrows:
                return cell
            quote = _span(read, m, f"{source} ({where})")
            return Cell(narrows[cell.value], [*cell.evidence, quote.label], [*cell.quotes, quote])
    return cell


# -- results ------------------------------------------------------------------------------------


_SENTENCE_END = re.compile(r"(?<=[.!?;])(?<!\bvs\.)(?<!\bcf\.)\s+(?=[A-Z(\[])")


def _sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence ("vs. 8.1", "vs. CAPTEM", decimals and a semicolon within
    brackets, "(EP, n = 82; IP, n = 82)", do not end one). A "(" never closed (a typo) holds none: it
    would make the rest of the abstract one sentence."""
    unclosed: list[int] = []
    for i, char in enumerate(text):
        if char == "(":
            unclosed.append(i)
        elif char == ")" and unclosed:
            unclosed.pop()
    brackets = list(text)
    for i in unclosed:
        brackets[i] = " "
    counted = "".join(brackets)
    spans, start = [], 0
    for boundary in _SENTENCE_END.finditer(text):
        if counted.count("(", start, boundary.start()) > counted.count(")", start, boundary.start()):
            continue
        spans.append((start, boundary.start()))
        start = boundary.end()
    return [*spans, (start, len(text))]


@dataclass
class _Value:
    value: str
    unit: str
    start: int
    end: int
    arm: str = ""
    end_value: int = -1  # where the value's own text ends (``end``: the match's)
    written: bool = (
        True  # the unit is written after it (else the list's last value gives it: "5.5 and 11.0 mo")
    )
    scope: str = ""  # "population", "other" or "": whose value it is (its arm's or its sentence's group)
    subgroup: bool = False  # its sentence opens on a subgroup by a trait ("In patients with Ki-67 >55%, ...")


@dataclass(frozen=True)
class OutcomeRead:
    """One outcome as an abstract states it: the values (each with its unit and arm, as shown), or
    none and ``blank`` saying why a person must read it (several values and no arm for each)."""

    label: str
    values: tuple[tuple[str, str, str], ...]  # (value, unit, arm); arm "" when one value stands alone
    start: int  # the sentence it was read from
    end: int
    blank: str = ""


# a decimal comma ("4,5 months", "41,3%", "HR 1,14; 95% CI 0,79-1,64", as European authors write them): one
# or two digits after the comma, not a thousands separator ("1,250") nor a list of numbers ("1,2,3")
_DECIMAL_COMMA = re.compile(r"(?<=\d)(?<!,\d)(?<!,\d\d),(?=\d{1,2}(?![\d,]|\.\d))")


def abstract_outcomes(abstract: str, spec: ExtractionSpec) -> list[OutcomeRead]:
    """Each of the review's outcomes from the first sentence of ``abstract`` that states it, with the
    other arms' values of later sentences when that one names an arm ("In arm A, the ORR was 58%."
    then "In arm B, it was 52%.").

    Every sentence is read for every outcome first, so that a sentence's list of arms ("... in arms A
    and B, respectively", "... for FOLFIRI vs. CAPTEM") or of outcomes ("PFS and OS were 5.5 and 11.0
    months, respectively") can give values their arm or outcome. When the abstract reports the review's
    population apart from another group (``[results] population`` and ``others``: an NEC subgroup beside
    the NET G3 one or the whole trial's, named by a value's arm, the sentence's opening words or a cohort
    label the abstract glosses), only the population's values are read. Decimal commas are read as points."""
    abstract = _DECIMAL_COMMA.sub(".", abstract)  # same length: the spans stay the abstract's
    spans = _sentences(abstract)
    table = [[_outcome_values(abstract[s:e], o, spec) for s, e in spans] for o in spec.outcomes]
    previous: list[str] = []  # the arms of the last sentence that named two or more, in order
    for j, (start, end) in enumerate(spans):
        sentence, column = abstract[start:end], [row[j] for row in table]
        _outcome_list(sentence, column, spec)
        previous = _listed_arms(sentence, column, previous) or previous
        for row, values in zip(table, column, strict=True):
            row[j] = values
    scopes = _Scopes(abstract, spec)
    for j, (start, end) in enumerate(spans):
        for outcome, row in zip(spec.outcomes, table, strict=True):
            if given := row[j]:
                scopes.give(abstract[start:end], given, outcome.count)
    apart = _reported_apart(table, spec)
    found = []
    for outcome, row in zip(spec.outcomes, table, strict=True):
        own = apart
        if outcome.count:
            # the population's counts in brackets are read only where the values are the population's
            glossed = [
                _glossed_counts(abstract[s:e], values, scopes)
                for (s, e), values in zip(spans, row, strict=True)
            ]
            if apart or _counted_for_population(table, glossed, spec):
                own, row = True, glossed
        read = _first_read(outcome, row, abstract, spans, spec, own)
        if read is not None:
            found.append(read)
    return _every_arm(found)


def _first_read(outcome: Outcome, row: list[list[_Value] | None], abstract: str, spans: list[tuple[int, int]],
                spec: ExtractionSpec, apart: bool) -> OutcomeRead | None:  # fmt: skip
    """The outcome's values from the first sentence that gives any (of the population's, when it is
    reported apart; not an earlier analysis's nor a subgroup's when another sentence gives the whole's), and the other arms' from later
    sentences when that one named an arm."""
    # a later subgroup's value ("In patients with Ki-67 above 80%, median OS was ...") updates nothing
    updated = any(v.scope != "earlier" and not v.subgroup for values in row for v in values or ())
    for j, (start, end) in enumerate(spans):
        values = row[j]
        # none: every value a range's end; nor a subgroup's ("Patients with ECOG 0-1 had a median OS of ...")
        # when a sentence gives the whole's
        if not values or (updated and (values[0].scope == "earlier" or values[0].subgroup)):
            continue
        if apart:
            values = [v for v in values if v.scope == "population"]
        elif outcome.count:
            values = [v for v in values if v.scope != "other"]  # the dose escalation's or NET cohort's
        if not values:
            continue
        if outcome.count and not apart and not values[0].arm:
            values = values[:1]  # a total ("72 patients were randomised, 36 in each arm")
        arms = [v.arm for v in values]
        told = all(arms) and len({a.lower() for a in arms}) == len(arms)  # each value its own arm
        if told and not apart:
            for later in row[j + 1 :]:
                more = [v for v in later or [] if v.arm and _words(v.arm) not in map(_words, arms)]
                if more and len(more) == len(later or []) and len({_words(v.arm) for v in more}) == len(more):
                    values, arms = [*values, *more], [*arms, *(v.arm for v in more)]
        distinct = list(dict.fromkeys((v.value, v.unit) for v in values))
        if len(distinct) > 1 and not told:
            why = "no arm named for each" if not all(arms) else "the same arm named for two"
            listed = ", ".join(f"{v}{u}" for v, u in distinct)
            return OutcomeRead(
                outcome.label, (), start, end, f"{len(distinct)} values ({listed.strip()}) and {why}"
            )
        if len(values) == 1 and _COMPARED.match(abstract, start + values[0].end):
            return OutcomeRead(
                outcome.label, (), start, end, f"one value ({''.join(distinct[0])}) with a p-value"
            )
        if not told or len(values) == 1:  # one value, whichever arm: it is the outcome's
            every = values[0].arm if len(values) == 1 and _EVERY.match(values[0].arm) else ""
            return OutcomeRead(outcome.label, ((*distinct[0], every),), start, end)
        return OutcomeRead(outcome.label, tuple((v.value, v.unit, v.arm) for v in values), start, end)
    return None


# a group's count in a bracket after its name ("extrapulmonary NEC (n = 11)", "In the cohort of EP-NEC (n = 32), the
# ORR was ..."); the rule's own n pattern leaves a bracket's count, most often an arm's or a subgroup's
_BRACKET_COUNT = re.compile(r"\(\s*[Nn]\s*=\s*(\d+)\s*\)")


def _glossed_counts(sentence: str, values: list[_Value] | None, scopes: _Scopes) -> list[_Value] | None:
    """The count's values of a sentence with each bracketed count glossing the review's population by the
    words of its clause before it ("..., carcinoma of unknown primary (n = 25) and extrapulmonary
    neuroendocrine carcinoma (n = 11)": the 11), scoped the population's."""
    out = list(values or ())
    for found in _BRACKET_COUNT.finditer(sentence):
        before = sentence[max(0, found.start() - _GLOSS_REACH) : found.start()]
        clause = _CLAUSE_START.match(before)
        if scopes.of(before[clause.end() if clause else 0 :]) == "population" and all(
            v.start != found.start(1) for v in out
        ):
            out.append(
                _Value(found[1], "", found.start(1), found.end(), end_value=found.end(1), scope="population")
            )
    return sorted(out, key=lambda v: v.start) if out else values


def _counted_for_population(table: list[list[list[_Value] | None]], counts: list[list[_Value] | None],
                            spec: ExtractionSpec) -> bool:  # fmt: skip
    """Whether the count is the population's: every other outcome's value is said of the review's population
    ("In the EP-NEC cohort, the ORR was ...") and one population's count is stated ("137 patients were
    included, 49 with EP-NEC and 88 with ES-SCLC", "In the cohort of EP-NEC (n = 32), ..."), so the total
    holds another group's patients too. Two population counts ("32 with GEP-NEC and 8 with CUP-NEC") are a
    breakdown of the total, which stays."""
    scopes = _outcome_scopes(table, spec)
    ours = {v.value for values in counts for v in values or () if v.scope == "population"}
    return scopes == {"population"} and len(ours) == 1


# a p-value in the bracket right after a value ("Median OS was 11.4 mo (p = 0.62)"): groups compared and
# one value stated, which group's a person must tell
_COMPARED = re.compile(r"\s*\((?:[^()]*[;,]\s*)?p\s*[=<>≤]", re.IGNORECASE)


_WORDS = re.compile(r"[a-z0-9]+(?:[+/][a-z0-9]+)*")


def _words(arm: str) -> frozenset[str]:
    """An arm's name as its words, without the nouns and articles ("the EP arm" and "EP" are one)."""
    ignored = {"arm", "arms", "group", "groups", "cohort", "cohorts", "the", "in", "for", "with", "of"}
    return frozenset(w for w in _WORDS.findall(arm.lower()) if w not in ignored)


_GROUP_LABEL = re.compile(r"\b(?i:cohort|arm|group|stratum|part)\s+[A-Z0-9]{1,2}\b")
_GLOSS_REACH = 150  # characters: a bracket and the clause before it
_GLOSS_AFTER = re.compile(r"\s*\(([^()]*)\)")
_CLAUSE_START = re.compile(r"(?s:.*)(?:[(),;:]|\s(?:or|and)\s)")
_BRACKETED = re.compile(r"\([^()]*\)")


class _Scopes:
    """Whose values a sentence gives: the review's population (``[results] population``), another group
    (``others``: NET G3, SCLC, the whole of a mixed trial, a dose escalation) or neither. A group label
    ("cohort 2", "arm B", "stratum 1") is the group the abstract glosses it with: in a bracket after it
    ("cohort B (EP-NEC)") or as the bracket it stands in and the words before ("high-grade EP-NEC after
    one prior line (cohort 2)", "small-cell lung cancer (SCLC; cohort A)")."""

    def __init__(self, abstract: str, spec: ExtractionSpec):
        self.spec, self.labels, self.named = spec, {}, None
        glossed: dict[str, set[str]] = {}
        for found in _GROUP_LABEL.finditer(abstract):
            after = _GLOSS_AFTER.match(abstract, found.end())
            # the bracket it stands in, looked for nearby only (a pasted table stays linear)
            near = max(0, found.start() - _GLOSS_REACH)
            opened, closed = (
                abstract.rfind("(", near, found.start()),
                abstract.rfind(")", near, found.start()),
            )
            if after:
                gloss = after[1]
            elif (
                opened > closed and (shut := abstract.find(")", found.end(), found.end() + _GLOSS_REACH)) >= 0
            ):
                before = abstract[max(closed + 1, opened - _GLOSS_REACH) : opened]
                clause = _CLAUSE_START.match(before)
                gloss = f"{before[clause.end() if clause else 0 :]} {abstract[opened + 1 : shut]}"
            else:
                continue
            glossed.setdefault(" ".join(found[0].lower().split()), set()).add(self.of(gloss))
        self.labels = {label: next(iter(s)) for label, s in glossed.items() if len(s) == 1 and "" not in s}
        if self.labels:
            alternatives = "|".join(re.escape(label).replace(r"\ ", r"\s+") for label in self.labels)
            self.named = re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)

    def of(self, text: str) -> str:
        spec = self.spec
        if not text or spec.population is None or spec.others is None:
            return ""
        named = (
            {self.labels[" ".join(m[0].lower().split())] for m in self.named.finditer(text)}
            if self.named
            else set()
        )
        ours = bool(spec.population.search(text)) or "population" in named
        theirs = bool(spec.others.search(text)) or "other" in named
        return "population" if ours and not theirs else "other" if theirs and not ours else ""

    def give(self, sentence: str, values: list[_Value], count: bool) -> None:
        """Each value's scope: "earlier" when the sentence opens with an analysis a later one updates (``[results]
        earlier``: "At the primary analysis, ..."), else its arm's, else the group the sentence names before its values ("In the NEC
        stratum, ...", "In patients with NEC, median PFS was 2.3 months in arm A and 3.4 months in arm B"); a count also another group's when the sentence names only that one ("15 patients
        were treated in dose escalation", a bracket's breakdown aside)."""
        if self.spec.earlier is not None and self.spec.earlier.search(sentence, 0, values[0].start):
            for value in values:
                value.scope = "earlier"
            return
        lead = self.of(_BRACKETED.sub(" ", sentence[: values[0].start]))
        if lead != "population" and _SUBGROUP.search(sentence, 0, values[0].start):
            for value in values:
                value.subgroup = True
        whole = self.of(_BRACKETED.sub(" ", sentence)) if count else ""
        for i, value in enumerate(values):
            # a later value with no arm of its own is no longer the lead's ("In the NEC subgroup, mOS was
            # 10.9 mo, compared with 22.6 mo in NET G3")
            value.scope = self.of(value.arm) or (
                "other" if whole == "other" else lead if i == 0 or value.arm else ""
            )


# a sentence's lead naming a subgroup by a trait or an exploratory analysis: no update of the whole's values
_SUBGROUP = re.compile(
    r"\b(?:patients|pts|those|subjects)\s+(?:with|whose|who|aged|harbou?ring)\b|\bsub(?:group|set)s?\b|\bexploratory\b",
    re.IGNORECASE,
)


def _reported_apart(table: list[list[list[_Value] | None]], spec: ExtractionSpec) -> bool:
    """Whether some outcome (not a count) is given for the review's population and some for another
    group: a subgroup or cohort report, where only the population's values are the review's."""
    return {"population", "other"} <= _outcome_scopes(table, spec)


def _outcome_scopes(table: list[list[list[_Value] | None]], spec: ExtractionSpec) -> set[str]:
    """Whose values the outcomes other than the count are (their values' scopes, see :class:`_Scopes`)."""
    return {v.scope for o, row in zip(spec.outcomes, table, strict=True) if not o.count
            for values in row for v in values or ()}  # fmt: skip


# a word of an arm's name: not a number, nor a cut-off ("<55%", "≥ 1": a subgroup by a marker's level, no arm)
_NAME = r"(?:(?!\d+(?:\.\d+)?%?(?![^\s,;()])|[<>≤≥=])[^\s,;()]+)"
# at most nine names (a sentence's values of one outcome: MAX_VALUES after the first); unbounded, each "in"
# or "for" of a long comma list read the list to its end (quadratic: 16 s on 50,000 characters)
_LIST = re.compile(
    r"(?:\b(?:in|for|with|among|of)\s+(?:the\s+)?|\(\s*)(?:(?P<noun>arms|groups|cohorts)\s+)?"
    rf"(?P<list>{_NAME}(?:\s+{_NAME}){{0,2}}?(?:\s*,\s*{_NAME}(?:\s+{_NAME}){{0,2}}?){{0,7}},?"
    rf"\s+(?:and|vs\.?|versus)\s+{_NAME}(?:\s+{_NAME}){{0,2}}?)"
    r"(?P<tail>\s+(?:arms?|groups?|cohorts?))?(?P<end>,?\s+respectively\b|\s*[.;]?\s*$|\s*[;)])"
)
_SPLIT = re.compile(r"\s*,\s*(?:and\s+|vs\.?\s+|versus\s+)?|\s+(?:and|vs\.?|versus)\s+")


def _listed_arms(sentence: str, readings: list[list[_Value] | None], previous: list[str]) -> list[str]:
    """Give each value of a list its arm from the sentence's list of arms in the same order ("42% and
    16% ... in NET G3 and NEC, respectively", "20% vs. 8% for FOLFIRI vs. CAPTEM", "14.8 vs 12.1
    months (arm A vs arm B"), or, with no such list ("respectively" written or not), from the arms
    another outcome's values of the sentence have, or the last sentence that named two or more ("ORR was
    4.8% in arm N and 11.9% in arm N+I. Disease control rates were 21.4% and 31.0%."). Returns the arms
    the sentence names, in order."""
    listed: list[str] = []
    explicit = False  # the list says it is one of arms: a noun, a bracket or "respectively" closes it
    for found in _LIST.finditer(sentence):
        names = [n for n in _SPLIT.split(found["list"]) if n]
        if found["noun"]:
            names = [f"{found['noun'][:-1]} {n}" for n in names]
        if len(names) >= 2:
            listed = names
            explicit = bool(found["noun"] or found["tail"] or re.search(r"respectively|\)", found["end"]))
    if not any(readings) and not explicit:
        # a sentence of no values ending in a pair of words ("in the Netherlands and Belgium.", "with
        # cisplatin and etoposide in EPSCC.") names no arms for a later list
        return []
    told = [[v.arm for v in vs] for vs in readings if vs and len(vs) >= 2 and _each_own_arm(vs)]
    for values in readings:
        if not values or len(values) < 2 or _each_own_arm(values):
            continue
        same = next((arms for arms in told if len(arms) == len(values)), None)
        if listed and len(listed) == len(values):
            arms = listed
        elif same is not None:
            arms = same
        elif len(previous) == len(values):
            arms = previous
        else:
            continue
        for value, arm in zip(values, arms, strict=True):
            value.arm = arm
    named = [[v.arm for v in vs] for vs in readings if vs and len(vs) >= 2 and _each_own_arm(vs)]
    return named[0] if named else listed


def _each_own_arm(values: list[_Value]) -> bool:
    return all(v.arm for v in values) and len({_words(v.arm) for v in values}) == len(values)


def _outcome_list(sentence: str, readings: list[list[_Value] | None], spec: ExtractionSpec) -> None:
    """ "Median PFS and OS were 5.5 and 11.0 months, respectively", "the median PFS and median OS were 3.0
    months and 6.7 months": the first outcome read the whole list; give the k-th value to the k-th outcome
    of the list of names joined right before it (by the outcomes' ``name``)."""
    for i, values in enumerate(readings):
        if not values or len(values) < 2:
            continue
        order = _named_outcomes(sentence, values[0].start, spec)
        if len(order) == len(values) and order[0] == i and len(set(order)) == len(order):
            for k, value in zip(order, values, strict=True):
                readings[k] = [
                    replace(value, unit=value.unit if spec.outcomes[k].units else spec.outcomes[k].unit)
                ]
            return


_JOINED_NAMES = re.compile(r"[\s,]*(?:and|&)?\s*(?:the\s+)?")


def _named_outcomes(sentence: str, first: int, spec: ExtractionSpec) -> list[int]:
    """The outcomes (their indexes) named last before ``first`` in a list joined by "and" or commas
    ("median PFS and OS", "ORR, DCR and median PFS"), in order; an outcome named earlier in the sentence
    with its own value ("ORR 19.0% ...; median PFS and OS were") is not in the list."""
    names = sorted((m.start(), m.end(), k) for k, o in enumerate(spec.outcomes) if o.name is not None
                   for m in o.name.finditer(sentence, 0, first))  # fmt: skip
    chain: list[tuple[int, int, int]] = []
    for start, end, k in reversed(names):
        if chain and not _JOINED_NAMES.fullmatch(sentence, end, chain[0][0]):
            break
        chain.insert(0, (start, end, k))
    return [k for _, _, k in chain]


def _every_arm(found: list[OutcomeRead]) -> list[OutcomeRead]:
    """A value said of every arm ("not reached in both arms", "9.4% in each arm") is each arm's when
    another outcome names the arms (the first that names two or more), else left for a person."""
    arms = next((tuple(a for _, _, a in r.values) for r in found if len(r.values) >= 2), ())
    out = []
    for read in found:
        if len(read.values) == 1 and _EVERY.match(read.values[0][2] or ""):
            value, unit, _ = read.values[0]
            if arms:
                read = OutcomeRead(read.label, tuple((value, unit, a) for a in arms), read.start, read.end)
            else:
                read = OutcomeRead(
                    read.label, (), read.start, read.end, f"one value ({value}{unit}) for every arm"
                )
        out.append(read)
    return out


# "in each arm", "in both groups"; not "for all patients" (the arms pooled: one value, no arm's)
_EVERY = re.compile(
    r"(?:each|both|either|all|the two|two)\b(?!\s+(?:patients|pts|subjects)\b)", re.IGNORECASE
)


def _results(linked: list[Citation], spec: ExtractionSpec) -> Cell:
    """Each outcome from the first sentence of each linked abstract that states it."""
    shown, evidence, quotes = [], [], []
    formats = {outcome.label: outcome.format for outcome in spec.outcomes}
    for pub in linked:
        if not pub.abstract:
            continue
        parts = []
        for read in abstract_outcomes(pub.abstract, spec):
            sentence = pub.abstract[read.start : read.end]
            where = f'publication {pub.record_id} abstract[{read.start}:{read.end}] "{sentence}"'
            quotes.append(Quote(f"publication {pub.record_id} abstract", pub.abstract, read.start, read.end))
            if read.blank:
                evidence.append(f"{read.label}: left blank, {read.blank}: {where}")
                continue
            if len(read.values) == 1:
                value, unit, _ = read.values[0]
            else:
                value, unit = ", ".join(f"{v}{u} ({arm})" for v, u, arm in read.values), ""
            parts.append(formats[read.label].format(label=read.label, value=value, unit=unit))
            evidence.append(f"{read.label}: {where}")
        if parts:
            source = f"PMID {pub.pmid}" if pub.pmid else pub.record_id
            shown.append(f"{', '.join(parts)} ({source})")
    return Cell("; ".join(shown), evidence, quotes)


def _first_valued(sentence: str, outcome: Outcome, start: int = 0) -> re.Match[str] | None:
    """The first match of the outcome's pattern from ``start`` that reads a value (see :func:`_value`)."""
    return next(
        (m for m in outcome.pattern.finditer(sentence, start) if _value(m, outcome) is not None), None
    )


def _outcome_values(sentence: str, outcome: Outcome, spec: ExtractionSpec) -> list[_Value] | None:
    """The values the sentence gives for ``outcome`` (None if it names none): the pattern's, then
    the ``also`` pattern's up to where another outcome is named (or ``[results] stop``: a median
    follow-up, a rate at a time), each with its arm if named. The ends of a range ("ranged from 3.6
    to 5.7 months") are no values; a value written bare in a list takes the list's unit ("5.5 and
    11.0 months")."""
    match = _first_valued(sentence, outcome)
    if match is None:
        return None
    read: list[_Value | None] = [_value(match, outcome)]
    if outcome.also is not None:
        stop = len(sentence)
        for other in spec.outcomes:
            # another outcome named with a value of its own ("in pts treated" is no count's: "in" is no number)
            found = None if other is outcome else _first_valued(sentence, other, match.end())
            if found is not None:
                stop = min(stop, found.start())
        if spec.stop is not None and (halt := spec.stop.search(sentence, match.end(), stop)):
            stop = halt.start()
        # a sentence listing more values of one outcome than a trial has arms is a table, not a result a
        # rule reads; reading on would also try the list's rest from each value (quadratic in its length)
        at = match.end()
        for _ in range(MAX_VALUES):
            if (more := outcome.also.search(sentence, at, stop)) is None:
                break
            value = _value(more, outcome)
            # a group's number ("cohort 2") is no value, and what the match read after it may hold one
            at = value.end_value if value is not None and _a_label(sentence, value) else more.end()
            read.append(value)
    first = read[0]
    if first is not None and (
        spread := _SPREAD.search(sentence, max(0, first.start - _RANGE_REACH), first.start)
    ):
        # the ends of a spread over several groups ("to 23.1%" is no value already; "between"'s other end is)
        read = read[2:] if spread["between"] else read[1:]
    values = [v for v in read if v is not None and not _in_range(sentence, v) and not _a_label(sentence, v)]
    for i, value in enumerate(values):
        if not value.written:  # the unit of the list's next value that writes one
            value.unit = next((v.unit for v in values[i + 1 :] if v.written), value.unit)
    if spec.arm is not None:
        # Between two values, an arm right after the first is the first's; the second may take only
        # an arm named after that one ("11.2 months in arm A and 8.1 months in the controls": none).
        free = 0  # where the text the next value may take its arm from starts
        for i, value in enumerate(values):
            if value.arm:  # named by the outcome's own pattern
                free = value.end
                continue
            stop = values[i + 1].start if i + 1 < len(values) else len(sentence)
            # an arm after the match is the value's, but for a count's whose match runs past another
            # number ("142 patients were eligible, 57 of them were treated with CE": the CE is the 57's)
            between = sentence[value.end_value : value.end]
            end = value.end_value if outcome.count and any(c.isdigit() for c in between) else value.end
            arm, arm_end = _arm_after(sentence[end:stop], spec.arm)
            before, before_end = ("", 0) if arm else _arm_before(sentence[free : value.start], spec.arm)
            # a group with a count of its own ("(NET G3, n = 4; NEC, n = 26)", "with NET G3 (n = 12) and ...")
            # is a part of a total, not the group the total is of
            if outcome.count and (
                (arm and _OWN_COUNT.match(sentence, end + arm_end))
                or (before and _OWN_COUNT.match(sentence, free + before_end))
            ):
                arm, before = "", ""
            if not arm and not before and i and values[i - 1].arm:
                # "3.1 months with nal-IRI/5-FU and 2.1 months with docetaxel": a drug's name in lower case is
                # an arm where the value before took its arm after "with" too
                drug = _WITH_DRUG.match(sentence, end, stop)
                prior = re.escape(values[i - 1].arm)
                if drug and re.search(
                    rf"\bwith\s+(?:the\s+)?{prior}", sentence[values[i - 1].end_value : value.start]
                ):
                    arm, arm_end = drug["drug"], drug.end() - end
            value.arm = arm or before
            free = end + arm_end if arm else value.end
    return values


# a treatment named after "with" in lower case, stepping over the value's bracket ("2.1 months (1.6-2.9) with docetaxel")
_WITH_DRUG = re.compile(
    r"\s*(?:\([^()]*\)\s*)?with\s+(?P<drug>[a-z][\w+/-]*)(?=\s*(?:[,;.)]|$|\s(?:and|vs\.?|versus)\b))"
)


_OWN_COUNT = re.compile(r"\s*(?:,\s*|\(\s*)[Nn]\s*=\s*\d")


MAX_VALUES = 8  # values of one outcome read after its first in one sentence
_RANGE_REACH = 40  # characters: "12.5 months to " and more fit
_RANGE_END = re.compile(r"\d(?:\.\d+)?\s*(?:[^\W\d]{1,6}\s*|%\s*)?(?:[-–]|to)\s*$")
_RANGE_START = re.compile(r"\s*(?:[^\W\d]{1,6}\s*|%\s*)?(?:[-–]|to)\s*\d")


# a spread of several groups' values: "ORRs ranged from 0% in head and neck carcinoma to 23.1% in germ cell
# tumours", "varied between 4.2 months in ... and 14.0 months in ..."
_SPREAD = re.compile(
    r"\b(?:rang(?:e|es|ed|ing)|var(?:y|ied|ying))\s+(?:from|(?P<between>between))\s+$", re.IGNORECASE
)


def _in_range(sentence: str, value: _Value) -> bool:
    """Whether a value is an end of a range ("95% CI 3.1 - 7.2 months", "3.1 months to 7.2 months"),
    which bounds another value rather than being one."""
    # the range's other end is written just before: only the text right before is searched (the whole
    # sentence before each value made a long list's reading quadratic)
    before = max(0, value.start - _RANGE_REACH)
    return bool(
        _RANGE_END.search(sentence, before, value.start) or _RANGE_START.match(sentence, value.end_value)
    )


_LABEL_NOUN = re.compile(r"\b(?:cohorts?|arms?|groups?|strat(?:um|a)|parts?|levels?|grades?|cycles?|phases?)\s+$",
                         re.IGNORECASE)  # fmt: skip


def _a_label(sentence: str, value: _Value) -> bool:
    """Whether a number names a group rather than being a value ("18 weeks in cohort 1 and 11 weeks in
    cohort 2": the 1 is no value of a list)."""
    return bool(_LABEL_NOUN.search(sentence, max(0, value.start - 12), value.start))


_UNITS = {"zero": 0, **UNITS}  # "zero" is a count an abstract writes out


def _number(written: str) -> str | None:
    """A number as digits: "8.4" as is, "Forty-two" as "42"; None if it is no number."""
    if re.fullmatch(r"\d+(?:\.\d+)?", written):
        return written
    words = re.split(r"[-\s]+", written.lower().strip())
    if len(words) == 1 and words[0] in _UNITS | _TENS:
        return str((_UNITS | _TENS)[words[0]])
    if len(words) == 2 and words[0] in _TENS and words[1] in _UNITS and 0 < _UNITS[words[1]] < 10:
        return str(_TENS[words[0]] + _UNITS[words[1]])
    return None


def _value(match: re.Match[str], outcome: Outcome) -> _Value | None:
    """The match's value: group "value", else the first group that took part (a pattern's alternatives
    each capture their own); written in words as the outcome's ``values`` say ("not reached" as NR),
    or as a number in words; None if it is neither."""
    ignored = {match.re.groupindex[n] for n in ("unit", "arm") if n in match.re.groupindex}
    group = next(
        (g for g in range(1, match.re.groups + 1) if g not in ignored and match.group(g) is not None), 1
    )
    if "value" in match.re.groupindex and match.group("value") is not None:
        group = match.re.groupindex["value"]
    written = match.group(group)
    if written is None:
        return None
    unit_written = match.groupdict().get("unit") or ""
    shown = next((v for p, v in outcome.values if p.fullmatch(" ".join(written.split()))), None)
    value = shown if shown is not None else _number(written)
    if value is None:
        return None
    unit = outcome.units.get(unit_written.lower(), f" {unit_written}") if unit_written else outcome.unit
    if shown is not None and not shown[:1].isdigit():
        unit = ""  # "NR" has no unit
    bare = bool(outcome.units) and not unit_written and shown is None
    return _Value(value, unit, match.start(group), match.end(), (match.groupdict().get("arm") or "").strip(),
                  match.end(group), not bare)  # fmt: skip


def _arm_after(text: str, arm: re.Pattern[str]) -> tuple[str, int]:
    """The arm named right after a value ("11.2 months in arm A", "8.1 months (95% CI ...) in arm B", "(19%)
    in arm B"),
    and where in ``text`` its naming ends; ("", 0) if none is."""
    bracket = re.match(r"[\s,]*\([^()]*\)", text)
    for skip in (0, bracket.end()) if bracket else (0,):
        # the value's own bracket closing ("6 patients (19%) in arm B") is stepped over too
        start = skip + len(text[skip:]) - len(text[skip:].lstrip(" ,)"))
        found = arm.match(text, start)
        if found:
            return found.group("arm"), found.end()
    return "", 0


def _arm_before(text: str, arm: re.Pattern[str]) -> tuple[str, int]:
    """The arm named last before a value ("in arm B, 8.1 months") and where its name ends; ("", 0) if none is."""
    found = list(arm.finditer(text))
    return (found[-1].group("arm"), found[-1].end("arm")) if found else ("", 0)
