"""What a run sends to a database for a query source: the file as written, the protocol's
accepted repair applied in memory, and the translation to the database's syntax."""

from __future__ import annotations

from dataclasses import dataclass, field

from litreview.config import Protocol, SourceSpec
from litreview.errors import ConfigError
from litreview.query.parser import STRUCTURE_WARNINGS, parse_strategy
from litreview.query.translate import translate


@dataclass(frozen=True)
class QueryPlan:
    written: str
    repair: tuple[str, ...]  # the accepted edits applied, as "delete ')' at 1:169"
    term: str  # the query as run
    warnings: tuple[str, ...] = field(default=())

    def evidence(self) -> dict[str, object]:
        return {
            "query_as_written": self.written,
            "repair_applied": list(self.repair) or None,
            "query_as_run": self.term,
            "translation_warnings": list(self.warnings),
        }


def plan_query(protocol: Protocol, spec: SourceSpec, target: str) -> QueryPlan:
    """Read, repair (only as the protocol accepted) and translate one source's query."""
    written = spec.query_text()
    text, edits = protocol.query_as_run(spec)
    result = parse_strategy(text)
    if result.errors or result.tree is None:
        first = result.errors[0] if result.errors else None
        what = f"{first.code} {first.message} (column {first.column})" if first else "empty query"
        raise ConfigError(
            what + f"; see `litreview query lint`, and record an accepted fix under [repairs.{spec.name}] "
            "(`litreview query translate --repair` proposes one)",
            path=spec.query_file,
            line=first.line if first else None,
        )
    translation = translate(result.tree, target)
    structure = [d for d in result.diagnostics if d.code in STRUCTURE_WARNINGS]  # concepts that drop out
    warnings = tuple(f"{d.code} line {d.line}:{d.column} {d.message}" for d in structure) + tuple(
        f"{n.code} line {n.line}:{n.column} {n.message}" for n in translation.notes
    )
    return QueryPlan(written, edits, translation.text, warnings)
