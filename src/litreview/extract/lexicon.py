"""A review's drug lexicon (a TOML file in its folder, named by ``extraction.toml``): names, classes,
regimens, and a finder.

``find_drugs`` returns every drug named in a text, in order of appearance, with the span that
named it; regimen acronyms (FOLFIRI, CAPTEM, SOX...) expand to their components. Short all-capital
names (EP, SOX, STZ) match only as written, and never inside hyphenated words such as "EP-NEC".
A class term (``generic = true``: "anti-PD-1 antibody") names no drug of its own where a named drug
of its class stands beside it (:meth:`Lexicon.named`). A drug the list does not name is still found by its INN stem where the file gives stems
(``[stems]``: ending → class, e.g. "nib" → targeted therapy): a trial the lexicon was not written
from names agents that did not exist when it was. An antibody-drug conjugate's two-word INN (an antibody
"-mab", or a suffix of the 2022 scheme, "-tug", "-bart", "-ment", "-mig", and its payload, ``[conjugates]
payloads``: "sacituzumab govitecan", "raludotatug deruxtecan") is one drug of the
conjugates' class, not an antibody plus a cytotoxic. A radionuclide's isotope written in brackets
("[177Lu]Lu-DOTATATE", the EANM/IUPAC way) is the name written "177Lu-DOTATATE".
A drug known by a code name only ("XY-1234", which no list can know) is classed by how the registry
describes it (``[described]``: a code-name pattern and, in order, class phrases such as "ATR
inhibitor" or "antibody-drug conjugate"; :meth:`Lexicon.describe`, :meth:`Lexicon.code_names`).
A bispecific antibody is of the classes of the targets its description names beside the word
(``[bispecifics]``: "PD-1/VEGF bispecific antibody" is a checkpoint inhibitor and a targeted agent;
:meth:`Lexicon.bispecific_classes`).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

CLASSES = ("chemotherapy", "targeted therapy", "immune checkpoint inhibitor", "radioligand", "other")


# what joins the drugs of a compound cell, and the words around them that name no drug (the schedule, the
# comparator: "Everolimus after partial or complete response to 4-6 cycles of ... versus observation")
_JOIN = re.compile(r"[+/,;()]|\b(?:or|and|versus|vs|then|followed by|after|with|plus)\b", re.IGNORECASE)
_NOT_A_DRUG = re.compile(
    r"\b(?:placebo|observation|alternative|partial|complete|response|cycles?|disease|control|supportive care"
    r"|surveillance|standard|choice|progression|completion)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Mention:
    drug: str  # canonical name
    start: int
    end: int
    text: str  # as written
    regimen: str = ""  # the regimen acronym this came from, if any


@dataclass(frozen=True)
class Lexicon:
    classes: dict[str, str]  # canonical → class
    sources: dict[str, str]
    regimens: dict[str, tuple[str, ...]]
    pattern: re.Pattern[str]
    short_pattern: re.Pattern[str]
    names: dict[str, str]  # lower-cased synonym → canonical (or "regimen:<name>")
    stems: tuple[tuple[str, str], ...] = ()  # (INN stem, class), longest first
    stem_pattern: re.Pattern[str] | None = None
    generic: frozenset[str] = frozenset()  # class terms ("anti-PD-1 antibody"), not drugs of their own
    conjugate_pattern: re.Pattern[str] | None = None  # "<antibody>mab <payload>" (or -tug ...): one conjugate
    conjugate_class: str = ""
    described: tuple[tuple[str, re.Pattern[str]], ...] = ()  # (class, phrase pattern), first match wins
    code_pattern: re.Pattern[str] | None = None  # a code name as registries write one ("XY-1234")
    bispecific: re.Pattern[str] | None = None  # the word that calls a drug bi- or multispecific
    targets: tuple[tuple[str, re.Pattern[str]], ...] = ()  # (class, pattern of the targets that give it)

    def describe(self, text: str) -> tuple[str, re.Match[str]] | None:
        """The class the first class phrase found in ``text`` names ("oral ATR inhibitor": targeted
        therapy), with the phrase; None if the text names no class."""
        for cls, pattern in self.described:
            if found := pattern.search(text or ""):
                return cls, found
        return None

    def bispecific_classes(self, text: str) -> list[str]:
        """The classes of the targets ``text`` names for a drug it calls bispecific ("PD-1/VEGF bispecific
        antibody": immune checkpoint inhibitor and targeted therapy), in the file's order; [] if it calls
        the drug no bispecific or names none of the targets."""
        if self.bispecific is None or not self.bispecific.search(text or ""):
            return []
        return [cls for cls, pattern in self.targets if pattern.search(text)]

    def code_names(self, text: str) -> list[re.Match[str]]:
        """The code names written in ``text`` ("QZ-0417 for injection": "QZ-0417")."""
        return list(self.code_pattern.finditer(text or "")) if self.code_pattern is not None else []

    def drugs_named(self, text: str) -> set[str]:
        """The drugs a compound cell names: the lexicon's, and each other name between the joins as
        written ("Ifosfamide", "QX-2203"), so two cells are compared by the drugs they name, and a drug
        the lexicon does not know counts for both instead of dropping out of both. The schedule and the
        comparator around the drugs ("after response to 4-6 cycles of ... versus observation") name none."""
        found = self.find(text)
        named = {m.drug for m in found}
        rest = list(text)
        for m in found:
            rest[m.start : m.end] = " " * (m.end - m.start)
        for piece in _JOIN.split("".join(rest)):
            piece = " ".join(piece.split())
            if re.search(r"[A-Za-z]", piece) and not _NOT_A_DRUG.search(piece):
                # "S-1" after a "/" is no short name as written: looked up again on its own
                named |= {m.drug for m in self.find(piece)} or {isotope_first(piece).lower()}
        return named

    def find(self, text: str) -> list[Mention]:
        hits: list[tuple[int, int, str]] = []
        for pattern in (self.pattern, self.short_pattern, self.stem_pattern, self.conjugate_pattern):
            if pattern is not None:
                hits.extend((m.start(), m.end(), m.group(0)) for m in pattern.finditer(text or ""))
        hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
        out: list[Mention] = []
        last_end = -1
        for start, end, written in hits:
            if start < last_end:  # overlapped by a longer, earlier name
                continue
            last_end = end
            target = self.names.get(_key(written)) or self.names.get(written)
            if target is None and self.is_conjugate(written):
                target = " ".join(written.lower().split())  # an unlisted antibody-drug conjugate
            if target is None and self.stem_class(written):
                target = written.lower()  # a drug known by its stem only: named as written
            if target is None:
                continue
            if target.startswith("regimen:"):
                name = target.removeprefix("regimen:")
                out.extend(Mention(d, start, end, written, name) for d in self.regimens[name])
            else:
                out.append(Mention(target, start, end, written))
        return out

    def named(self, drugs: list[str], described: dict[str, str] | None = None) -> list[str]:
        """``drugs`` without the class terms whose class a named drug among them already has
        ("HLX10; anti-PD-1 monoclonal antibody": serplulimab only); ``described`` gives the class of
        drugs the list does not name (code names classed by their description)."""
        described = described or {}
        named = {described.get(d) or self.drug_class(d) for d in drugs if d not in self.generic}
        return [d for d in drugs if d not in self.generic or self.drug_class(d) not in named]

    def drug_class(self, drug: str) -> str:
        found = self.classes.get(drug) or (self.conjugate_class if self.is_conjugate(drug) else "")
        found = found or self.stem_class(drug)
        if not found:
            raise KeyError(drug)
        return found

    def is_conjugate(self, name: str) -> bool:
        return self.conjugate_pattern is not None and self.conjugate_pattern.fullmatch(name) is not None

    def stem_class(self, name: str) -> str:
        lowered = name.lower()
        return next((cls for stem, cls in self.stems if lowered.endswith(stem)), "")


_ISOTOPE_FIRST = re.compile(r"(\d{2,3})([A-Z][a-z]?)-(\S.*)")
_ISOTOPE_BRACKETED = re.compile(r"\[(\d{2,3})([A-Z][a-z]?)\]\2-(?=\S)")


def isotope_first(name: str) -> str:
    """A radionuclide's name written the EANM/IUPAC way, isotope in brackets, as it is written isotope first
    ("[225Ac]Ac-DOTATATE" -> "225Ac-DOTATATE"): a name no list knows reads the same either way."""
    return _ISOTOPE_BRACKETED.sub(lambda m: f"{m[1]}{m[2]}-", name)


def _bracketed(synonym: str) -> list[str]:
    """The EANM/IUPAC spelling of a radionuclide-first name: "177Lu-DOTATATE" -> "[177Lu]Lu-DOTATATE"."""
    found = _ISOTOPE_FIRST.fullmatch(synonym)
    return [f"[{found[1]}{found[2]}]{found[2]}-{found[3]}"] if found else []


def _key(name: str) -> str:
    return re.sub(r"[\s\-]+", "", name.lower())


def _alternation(names: list[str]) -> str:
    parts = []
    for name in sorted(names, key=len, reverse=True):
        # spaces and hyphens are interchangeable (and optional): "5-FU" = "5 FU" = "5FU"
        parts.append(r"[\s\-]*".join(re.escape(piece) for piece in re.split(r"[\s\-]+", name) if piece))
    return "|".join(parts)


def load_lexicon(path: Path) -> Lexicon:
    """The lexicon in ``path``, compiled once per version of the file: an edited file is read anew
    (a Prefect worker or a workbench outlives many runs, and each run reads the file as it is)."""
    found = Path(path).stat()
    return _compiled(Path(path), found.st_mtime_ns, found.st_size)


@lru_cache(maxsize=8)
def _compiled(path: Path, _mtime_ns: int, _size: int) -> Lexicon:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    classes, sources, names, generic = {}, {}, {}, set()
    for canonical, entry in data["drugs"].items():
        if entry["class"] not in CLASSES:
            raise ValueError(f"drug lexicon: {canonical} has unknown class {entry['class']!r}")
        classes[canonical] = entry["class"]
        sources[canonical] = entry.get("source", "")
        if entry.get("generic", False) is True:
            generic.add(canonical)
        entry["synonyms"] = [*entry.get("synonyms", [])]
        entry["synonyms"] += [b for s in {canonical, *entry["synonyms"]} for b in _bracketed(s)]
        for synonym in {canonical, *entry["synonyms"]}:
            names[_key(synonym)] = canonical
    regimens = {name: tuple(parts) for name, parts in data.get("regimens", {}).items()}
    for name, parts in regimens.items():
        unknown = [p for p in parts if p not in classes]
        if unknown:
            raise ValueError(f"drug lexicon: regimen {name} names unknown drugs {unknown}")
    short = [n for n in regimens if len(n) <= 4 and n.isupper()]
    short += [s for e in data["drugs"].values() for s in e.get("synonyms", []) if len(s) <= 4 and s.isupper()]
    for name in regimens:  # short acronyms (EP, SOX) are looked up as written, the rest by key
        names[name if name in short else _key(name)] = f"regimen:{name}"
    long_names = [n for n in {*(s for e in data["drugs"].values() for s in e.get("synonyms", [])), *classes, *regimens}
                  if n not in short]  # fmt: skip
    pattern = re.compile(
        r"(?<![A-Za-z0-9])(?:" + _alternation(long_names) + r")(?![A-Za-z0-9])", re.IGNORECASE
    )
    short_pattern = re.compile(r"(?<![\w\-/])(?:" + "|".join(map(re.escape, sorted(set(short), key=len, reverse=True)))
                               + r")(?![\w\-])")  # fmt: skip
    stems = data.get("stems", {})
    if not isinstance(stems, dict):
        raise ValueError("drug lexicon: [stems] must be a table of ending = class")
    for stem, cls in stems.items():
        if cls not in CLASSES or not re.fullmatch(r"[a-z]{3,}", stem):
            raise ValueError(
                f"drug lexicon: stem {stem!r} needs 3+ lower-case letters and a known class, not {cls!r}"
            )
    ordered = tuple(sorted(stems.items(), key=lambda item: -len(item[0])))
    stem_pattern = (
        re.compile(
            r"(?<![A-Za-z0-9\-])[A-Za-z]{2,}(?:" + "|".join(s for s, _ in ordered) + r")(?![A-Za-z0-9])", re.I
        )
        if ordered
        else None
    )
    conjugates = data.get("conjugates", {})
    payloads, conjugate_class = conjugates.get("payloads", []), conjugates.get("class", "")
    if payloads and conjugate_class not in CLASSES:
        raise ValueError(f"drug lexicon: [conjugates] class must be a known class, not {conjugate_class!r}")
    conjugate_pattern = (
        re.compile(
            # the antibody by its INN suffix, "-mab" or one of the 2022 scheme's ("raludotatug deruxtecan")
            rf"(?<![A-Za-z0-9\-])[A-Za-z]{{2,}}(?:mab|tug|bart|ment|mig)[\s\-]+(?:{_alternation(payloads)})(?![A-Za-z0-9])",
            re.I,
        )
        if payloads
        else None
    )
    # [described]: a code name (matched as written) and the class phrases that class it; [bispecifics]: the
    # word that calls a drug bispecific and the targets whose classes it takes
    described, code_pattern = _classed_patterns(data.get("described", {}), "described", "classes", "code", 0)
    targets, bispecific = _classed_patterns(
        data.get("bispecifics", {}), "bispecifics", "targets", "pattern", re.I
    )
    return Lexicon(
        classes, sources, regimens, pattern, short_pattern, names, ordered, stem_pattern, frozenset(generic),
        conjugate_pattern, conjugate_class, described, code_pattern, bispecific, targets,
    )  # fmt: skip


def _classed_patterns(
    data: object, table: str, entries: str, word: str, word_flags: int
) -> tuple[tuple[tuple[str, re.Pattern[str]], ...], re.Pattern[str] | None]:
    """A table of ``[[<table>.<entries>]]`` (a class and a pattern that gives it, case-insensitive, in the
    file's order) beside one pattern ``<word>`` (compiled with ``word_flags``): ``[described]`` and
    ``[bispecifics]``."""
    if not isinstance(data, dict):
        raise ValueError(f"drug lexicon: [{table}] must be a table")
    classed = []
    try:
        for entry in data.get(entries, []):
            if entry.get("class") not in CLASSES:
                raise ValueError(
                    f"drug lexicon: [[{table}.{entries}]] needs a known class, not {entry.get('class')!r}"
                )
            classed.append((entry["class"], re.compile(entry["pattern"], re.IGNORECASE)))
        one = re.compile(data[word], word_flags) if word in data else None
    except (re.error, KeyError, AttributeError) as exc:
        raise ValueError(f"drug lexicon: [{table}] has a bad entry ({exc})") from None
    return tuple(classed), one
