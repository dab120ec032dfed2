"""A review's extraction knowledge as data: ``extraction.toml`` in the review folder (named by
``[tables] extraction`` in review.toml). The tables and their headers, which drug classes go to which
table, the drug lexicon, and the site, line-of-treatment and outcome vocabularies all come from
there; the engine (``extract.rows``) holds no disease- or paper-specific words. Every problem names
the file and the key."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, Field, ValidationError

from litreview.config.typed import Table, line_of, located_error, nonblank, problem
from litreview.errors import ConfigError
from litreview.extract.lexicon import Lexicon, load_lexicon
from litreview.extract.trials import TABLE_COLUMNS

Text = Annotated[str, AfterValidator(nonblank)]


def _regex(flags: int):
    def compiles(value: str) -> str:
        nonblank(value)
        try:
            re.compile(value, flags)
        except re.error as exc:
            raise problem(f"not a regular expression ({exc})") from None
        return value

    return compiles


def _groups(*names: str):
    """A pattern must capture: the named group(s), or for ``"value"`` a named or a first group."""

    def captures(value: str) -> str:
        compiled = re.compile(value)
        for name in names:
            if name not in compiled.groupindex and not (name == "value" and compiled.groups):
                raise problem(f"the pattern must capture a group named {name!r}")
        return value

    return captures


Pattern = Annotated[str, AfterValidator(_regex(re.IGNORECASE))]
CaseSensitivePattern = Annotated[str, AfterValidator(_regex(0))]  # outcomes read abstracts as written
ValuePattern = Annotated[str, AfterValidator(_regex(0)), AfterValidator(_groups("value"))]
ArmPattern = Annotated[str, AfterValidator(_regex(re.IGNORECASE)), AfterValidator(_groups("arm"))]


def _header(pair: list[str]) -> list[str]:
    if len(pair) != 2:
        raise problem('expected a ["column", "Header"] pair')
    if pair[0] not in TABLE_COLUMNS:
        raise problem(f"unknown column {pair[0]!r} (one of {', '.join(TABLE_COLUMNS)})", (0,))
    return pair


def _classes(classes: list[str]) -> list[str]:
    if not classes:
        raise problem("expected a non-empty list of drug classes")
    return classes


class TableEntry(Table):
    number: Text
    category: Text
    title: Text
    classes: Annotated[list[str], AfterValidator(_classes)]


class SiteRuleEntry(Table):
    label: Text
    pattern: Pattern
    requires: Pattern | None = None
    group: str = ""
    unless: list[str] = Field(default_factory=list)
    stop: bool = False
    whole: bool = False  # read the criterion with its negated clauses ("any site except lung")
    unless_anywhere: bool = False  # `unless` reads every cohort and piece of the criterion, not its own only


class SiteCombinedEntry(Table):
    labels: list[Text] = Field(min_length=2)  # site labels found together
    sites: list[Text] = Field(min_length=1)  # what the trial's site is then, in their place


class SitesTable(Table):
    fallback: str = ""
    any_site: Pattern | None = None
    criterion: Pattern | None = None  # how the inclusion criterion that states the disease names it
    primary: Pattern | None = None  # how a later criterion states the primary site apart from the disease
    # where the disease has spread ("with lung metastases"): no primary site
    metastatic: Pattern | None = None
    rules: list[SiteRuleEntry] = Field(default_factory=list)
    combined: list[SiteCombinedEntry] = Field(default_factory=list)


class LineRuleEntry(Table):
    label: Text
    pattern: Pattern
    # read first over the inclusion criteria together, the disease's too (a progression stated with the disease,
    # a cap of prior lines in another criterion), then apart with the other rules
    whole: bool = False


class LineLimitEntry(Table):
    pattern: Pattern  # read in the exclusion criteria
    narrows: dict[str, str]  # line label -> the narrower label the limit makes it


class LineCohortsEntry(Table):
    lines: list[Text] = Field(min_length=2)  # the lines the arms give, one each
    label: Text  # the trial's line


def _counts(counts: dict[str, str]) -> dict[str, str]:
    if not counts:
        raise problem("expected at least one count")
    for count in counts:
        if not count.isdigit() or int(count) < 1:
            raise problem(f"{count!r} is no count of regimens (1, 2, ...)")
    return counts


class LineListedEntry(Table):
    head: Pattern  # what opens a list of the regimens received, up to its colon ("Prior therapy:")
    choice: Pattern  # in the head or an item: the list offers a choice, or is no list of regimens received
    counts: Annotated[
        dict[str, str], AfterValidator(_counts)
    ]  # regimens listed -> the line (the largest: and more)


class LinesTable(Table):
    unknown: str = "Unknown"
    rules: list[LineRuleEntry] = Field(default_factory=list)
    limits: list[LineLimitEntry] = Field(default_factory=list)
    cohorts: list[LineCohortsEntry] = Field(default_factory=list)
    listed: LineListedEntry | None = None


def _value_words(words: dict[str, str]) -> dict[str, str]:
    for written in words:
        _regex(re.IGNORECASE)(written)
    return words


class OutcomeEntry(Table):
    label: Text
    # group "value" (or the first group that takes part) is the value; group "unit" as written; group
    # "arm" names the value's arm
    pattern: ValuePattern
    unit: str = ""  # shown after the value when the pattern captures no unit
    units: dict[str, str] = Field(default_factory=dict)  # unit as written (lower case) -> as shown
    also: ValuePattern | None = None  # more values of the outcome in the same sentence (other arms)
    format: str = "{label}: {value}{unit}"
    # a value written in words -> as shown ("not reached" -> "NR"), the key a pattern matching it whole
    values: Annotated[dict[str, str], AfterValidator(_value_words)] = Field(default_factory=dict)
    count: bool = False  # the number of patients the results are for: one total, not one per arm
    name: CaseSensitivePattern | None = None  # the outcome named without its value ("median PFS and OS were")


class ResultsTable(Table):
    arm: ArmPattern | None = None  # how a sentence names the arm a value belongs to (group "arm")
    population: Pattern | None = None  # an arm or group that is the review's population
    others: Pattern | None = None  # a group that is not: another population, or the whole of a mixed trial
    stop: Pattern | None = None  # what ends a sentence's values of an outcome (follow-up, a rate at a time)
    earlier: Pattern | None = None  # a sentence's lead naming an analysis a later one updates


class ExtractionFile(Table):
    """The whole of ``extraction.toml``."""

    lexicon: Text
    class_aliases: dict[str, str] = Field(default_factory=dict)
    headers: list[Annotated[list[str], AfterValidator(_header)]]
    tables: list[TableEntry] = Field(default_factory=list)
    sites: SitesTable = SitesTable()
    lines: LinesTable = LinesTable()
    outcomes: list[OutcomeEntry] = Field(default_factory=list)
    results: ResultsTable = ResultsTable()


@dataclass(frozen=True)
class SiteRule:
    label: str
    pattern: re.Pattern[str]
    requires: re.Pattern[str] | None = None
    group: str = ""
    unless: tuple[str, ...] = ()
    stop: bool = False
    whole: bool = False
    unless_anywhere: bool = False


@dataclass(frozen=True)
class ListedLines:
    """``[lines.listed]``: a list of the regimens the patients received, and the line their number gives."""

    head: re.Pattern[str]
    choice: re.Pattern[str]
    counts: dict[int, str]

    def line(self, regimens: int) -> str:
        """The line ``regimens`` listed give (a number above the largest count: the largest's line)."""
        return self.counts[max(self.counts)] if regimens > max(self.counts) else self.counts.get(regimens, "")


@dataclass(frozen=True)
class Outcome:
    label: str
    pattern: re.Pattern[str]
    unit: str = ""
    format: str = "{label}: {value}{unit}"
    units: dict[str, str] = field(default_factory=dict)
    also: re.Pattern[str] | None = None
    values: tuple[tuple[re.Pattern[str], str], ...] = ()
    count: bool = False
    name: re.Pattern[str] | None = None


@dataclass(frozen=True)
class ExtractionSpec:
    path: Path
    lexicon: Lexicon
    class_aliases: dict[str, str]
    headers: tuple[tuple[str, str], ...]
    tables: dict[frozenset[str], tuple[str, str]]  # drug classes -> (table number, category)
    titles: dict[str, str]  # table number -> title
    sites: tuple[SiteRule, ...]
    any_site: re.Pattern[str] | None
    site_fallback: str
    site_criterion: re.Pattern[str] | None
    site_primary: re.Pattern[str] | None
    site_metastatic: re.Pattern[str] | None
    lines: tuple[tuple[str, re.Pattern[str]], ...]
    line_unknown: str
    outcomes: tuple[Outcome, ...]
    arm: re.Pattern[str] | None = None
    population: re.Pattern[str] | None = None
    others: re.Pattern[str] | None = None
    stop: re.Pattern[str] | None = None
    earlier: re.Pattern[str] | None = None
    line_limits: tuple[tuple[re.Pattern[str], dict[str, str]], ...] = ()
    line_cohorts: dict[frozenset[str], str] = field(default_factory=dict)  # arms' lines -> the trial's
    # labels found together -> the sites they are
    site_combined: tuple[tuple[frozenset[str], tuple[str, ...]], ...] = ()
    # where the line rules marked `whole` stand in ``lines``: read over the titles and the criteria together
    lines_whole: tuple[int, ...] = ()
    line_listed: ListedLines | None = None


def _compiled(pattern: str | None) -> re.Pattern[str] | None:
    return re.compile(pattern, re.IGNORECASE) if pattern is not None else None


def load_spec(path: Path) -> ExtractionSpec:
    """Read and validate ``extraction.toml``; raise one ConfigError naming the file, the key path
    and the line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror}", path=path) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", path=path) from exc
    try:
        spec = ExtractionFile.model_validate(data)
    except ValidationError as exc:
        raise located_error(exc, ExtractionFile, path, text) from None
    lexicon_path = (path.parent / spec.lexicon).resolve()
    line = line_of(text, ("lexicon",))
    if path.parent.resolve() not in lexicon_path.parents:
        raise ConfigError("must name a file inside the review folder", path=path, line=line, key="lexicon")
    try:
        lexicon = load_lexicon(lexicon_path)
    except (OSError, ValueError, tomllib.TOMLDecodeError, KeyError) as exc:
        raise ConfigError(f"{spec.lexicon}: {exc}", path=path, line=line, key="lexicon") from exc
    sites, lines = spec.sites, spec.lines
    return ExtractionSpec(
        path=path,
        lexicon=lexicon,
        class_aliases=dict(spec.class_aliases),
        headers=tuple((column, header) for column, header in spec.headers),
        tables={frozenset(t.classes): (t.number, t.category) for t in spec.tables},
        titles={t.number: t.title for t in spec.tables},
        sites=tuple(
            SiteRule(
                r.label,
                re.compile(r.pattern, re.IGNORECASE),
                re.compile(r.requires, re.IGNORECASE) if r.requires is not None else None,
                r.group,
                tuple(r.unless),
                r.stop,
                r.whole,
                r.unless_anywhere,
            )
            for r in sites.rules
        ),
        any_site=re.compile(sites.any_site, re.IGNORECASE) if sites.any_site is not None else None,
        site_fallback=sites.fallback,
        site_criterion=re.compile(sites.criterion, re.IGNORECASE) if sites.criterion is not None else None,
        site_primary=re.compile(sites.primary, re.IGNORECASE) if sites.primary is not None else None,
        site_metastatic=_compiled(sites.metastatic),
        lines=tuple((r.label, re.compile(r.pattern, re.IGNORECASE)) for r in lines.rules),
        line_unknown=lines.unknown,
        outcomes=tuple(
            Outcome(
                o.label,
                re.compile(o.pattern),
                o.unit,
                o.format,
                dict(o.units),
                re.compile(o.also) if o.also is not None else None,
                tuple((re.compile(k, re.IGNORECASE), v) for k, v in o.values.items()),
                o.count,
                re.compile(o.name) if o.name is not None else None,
            )
            for o in spec.outcomes
        ),
        arm=re.compile(spec.results.arm, re.IGNORECASE) if spec.results.arm is not None else None,
        population=_compiled(spec.results.population),
        others=_compiled(spec.results.others),
        stop=_compiled(spec.results.stop),
        earlier=_compiled(spec.results.earlier),
        line_limits=tuple((re.compile(m.pattern, re.IGNORECASE), dict(m.narrows)) for m in lines.limits),
        line_cohorts={frozenset(c.lines): c.label for c in lines.cohorts},
        lines_whole=tuple(i for i, r in enumerate(lines.rules) if r.whole),
        line_listed=ListedLines(
            re.compile(lines.listed.head, re.IGNORECASE),
            re.compile(lines.listed.choice, re.IGNORECASE),
            {int(n): label for n, label in lines.listed.counts.items()},
        )
        if lines.listed is not None
        else None,
        site_combined=tuple((frozenset(c.labels), tuple(c.sites)) for c in sites.combined),
    )
