"""The one exception tree every litreview failure is raised through.

LitreviewError                 base; the CLI maps any of these to exit code 2 and one line
├── ConfigError                protocol (review.toml) or settings are missing or malformed
├── QueryError                 a search string cannot be parsed (line, column, caret excerpt)
├── OutputError                an output cannot be written where it was asked for (a symlink, ...)
├── SourceError                a database or registry could not be searched or read
│   ├── RetryableSourceError   a transient fault (429, 5xx, timeout) that a retry may cure
│   └── SourceResponseError    the service answered, but with something unusable
├── RecordParseError           a record file is malformed (file, record index, line)
├── ScreeningRuleError         a screening rule or a decisions file is invalid
├── FullTextError              a full-text file is refused (not a PDF, truncated, too large, ...)
├── WorkspaceError             the workspace is locked, corrupt or of another review
└── WorkbenchError             a request the screening workbench refuses (shown to the reviewer as it is)

Messages are written for the reviewer: they name the file and the position, and never contain
secrets such as the NCBI API key.
"""

from __future__ import annotations

from pathlib import Path


class LitreviewError(Exception):
    """Base class of every error litreview raises on purpose."""


def _where(path: str | None, line: int | None, key: str | None, rule_id: str | None) -> str:
    """``file:line: key (rule 'id'): `` — as much of the place as is known, in front of a message."""
    where = ""
    if path:
        where = path + (f":{line}" if line is not None else "") + ": "
    if key:
        where += key + (f" (rule {rule_id!r})" if rule_id else "") + ": "
    elif rule_id:
        where += f"rule {rule_id!r}: "
    return where


class _Located(LitreviewError):
    """An error in a protocol file: the file, the line, the key path and the rule, each a field."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        key: str | None = None,
        rule_id: str | None = None,
    ):
        self.path = str(path) if path is not None else None
        self.line = line
        self.key = key
        self.rule_id = rule_id
        self.problem = message
        super().__init__(_where(self.path, line, key, rule_id) + message)


class ConfigError(_Located):
    """The protocol or the settings cannot be used: the file, the line, the key path
    (``screening.rules[2].outcome``, tables counted from 1) and what is wrong, each a field."""


class QueryError(LitreviewError):
    """A search string could not be parsed; carries the position and a caret excerpt."""

    def __init__(self, message: str, *, line: int = 1, column: int = 1, excerpt: str = ""):
        self.line = line
        self.column = column
        self.excerpt = excerpt
        self.message = message
        text = f"line {line}, column {column}: {message}"
        if excerpt:
            text += "\n" + excerpt
        super().__init__(text)


class OutputError(LitreviewError):
    """An output cannot be written where it was asked for (a symlink, an unwritable folder)."""


class SourceError(LitreviewError):
    """A source (PubMed, ClinicalTrials.gov, a snapshot) could not be searched or read."""


class RetryableSourceError(SourceError):
    """A transient failure: rate limited, a server error, a timeout, a cut-off body."""

    def __init__(self, message: str, *, retry_after: float | None = None):
        self.retry_after = retry_after
        super().__init__(message)


class SourceResponseError(SourceError):
    """The source answered with an error or with content that cannot be used."""


class RecordParseError(LitreviewError):
    """A record file is malformed. Names the file and the record index (1-based) or line."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | str,
        index: int | None = None,
        line: int | None = None,
    ):
        self.path = str(path)
        self.index = index
        self.line = line
        where = self.path
        if line is not None:
            where += f":{line}"
        if index is not None:
            where += f" (record {index})"
        super().__init__(f"{where}: {message}")


class ScreeningRuleError(_Located):
    """A screening rule or a decisions file is invalid. Its fields say where, so no caller reads the
    message: ``rule_id`` and ``key`` (the key path in review.toml) for a rule, ``problems`` (one per
    row) for a decisions file, ``path`` and ``line`` where known."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        key: str | None = None,
        rule_id: str | None = None,
        problems: tuple[str, ...] = (),
    ):
        self.problems = problems
        super().__init__(message, path=path, line=line, key=key, rule_id=rule_id)


class FullTextError(LitreviewError):
    """A full-text file is refused: not a PDF, truncated, too large, encrypted, active content, a
    decompression bomb. ``file`` names it, ``reason`` says why in one line."""

    def __init__(self, file: Path | str, reason: str):
        self.file = str(file)
        self.reason = reason
        super().__init__(f"{self.file}: {reason}")


class WorkspaceError(LitreviewError):
    """The workspace cannot be used (locked by another run, corrupt, or of another review)."""


class WorkbenchError(LitreviewError):
    """A request the workbench refuses (shown to the reviewer as it is)."""
