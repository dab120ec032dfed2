"""The command-line application, its global options, and what its commands share."""

from __future__ import annotations

import os
from collections.abc import Iterable, MutableMapping
from importlib import import_module
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.main
from rich.console import Console
from typer.core import TyperGroup

# Each command's module, in the order `litreview --help` lists them. A module registers its commands
# on `app` when it is imported, which happens only when one of them is looked up.
COMMAND_MODULES = {
    "run": "review", "update": "review", "serve": "review", "new": "review",
    "prisma": "report", "tables": "report",
    "dedup": "dedup",
    "import": "search",
    "web": "web",
    "query": "query",
    "search": "search",
    "screen": "screen",
    "links": "links",
    "fulltext": "fulltext",
    "users": "web",
    "workspace": "workspace",
}  # fmt: skip


class LazyCommands(TyperGroup):
    """The top-level group, importing a command's module only when that command is looked up: a
    process runs one command, and `litreview dedup` on a small export need not import and build the
    fifteen others. The help, and ``commands`` (which a mistyped command's suggestions read), load
    them all."""

    def __init__(self, **attrs: Any) -> None:
        self._built = (0, 0)  # how many of app's commands and groups (registered in order) are built
        super().__init__(**attrs)

    @property
    def commands(self) -> MutableMapping[str, Any]:
        self._load(COMMAND_MODULES)
        return self._commands

    @commands.setter
    def commands(self, value: MutableMapping[str, Any]) -> None:
        self._commands = value

    def list_commands(self, ctx: Any) -> list[str]:
        self._load(COMMAND_MODULES)
        return list(COMMAND_MODULES)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name in COMMAND_MODULES:
            self._load([cmd_name])
        return self._commands.get(cmd_name)

    def _load(self, names: Iterable[str]) -> None:
        for name in names:
            import_module(f"{__package__}.{COMMAND_MODULES[name]}")
        # build what was registered since the last call, as typer.main.get_group builds all
        short, markup = app.pretty_exceptions_short, app.rich_markup_mode
        commands, groups = self._built
        for info in app.registered_commands[commands:]:
            command = typer.main.get_command_from_info(
                info, pretty_exceptions_short=short, rich_markup_mode=markup
            )
            self._commands.setdefault(command.name or "", command)
        for group in app.registered_groups[groups:]:
            self._commands.setdefault(group.name or "", typer.main.get_group_from_info(
                group, pretty_exceptions_short=short, rich_markup_mode=markup, suggest_commands=app.suggest_commands
            ))  # fmt: skip
        self._built = (len(app.registered_commands), len(app.registered_groups))


app = typer.Typer(
    cls=LazyCommands,
    add_completion=False,
    no_args_is_help=True,
    help="Run a systematic review's search method end to end.",
)
console = Console()
state = {"debug": False}

DEFAULT_REVIEW = Path("search_strings/ep_pd_nec")
ReviewDirArgument = Annotated[Path, typer.Argument(help="Review folder holding review.toml.")]


def workspace_location(value: str) -> Any:
    """A ``--workspace`` value: a PostgreSQL URL stays a string, anything else is a folder."""
    from litreview.store.database import is_database_url

    return value if is_database_url(value) else Path(value)


# litreview.store.workspace.WORKSPACE_URL_ENV (not imported here: the CLI starts without SQLAlchemy)
WORKSPACE_URL_ENV = "LITREVIEW_WORKSPACE_URL"

ReviewWorkspaceOption = Annotated[
    Path | None,
    typer.Option(
        parser=workspace_location,
        help="Workspace: a folder (SQLite) or postgresql://user@host/db (default $LITREVIEW_WORKSPACE_URL, "
        "then outputs/<review id>).",
    ),
]
OutOption = Annotated[
    Path | None,
    typer.Option(
        "--out", help="Where outputs go (default: the workspace folder; outputs/<review id> for a URL)."
    ),
]


def _version(value: bool) -> None:
    if value:
        from litreview import __version__

        print(f"litreview {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks and Prefect logs.")] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print litreview's version and exit.", is_eager=True, callback=_version
        ),
    ] = False,
) -> None:
    state["debug"] = debug


def quiet_prefect() -> None:
    # Prefect logs every failure with a traceback; the CLI prints one line instead.
    if not state["debug"]:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "CRITICAL")
        os.environ.setdefault("PREFECT_LOGGING_SERVER_LEVEL", "CRITICAL")


def check_date(value: str, option: str) -> None:
    from datetime import date

    from litreview.errors import ConfigError

    try:
        date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"{option} {value!r} is not a date (YYYY-MM-DD)") from None


def offline_prefect() -> None:
    """Offline means offline: no anonymous usage reports from Prefect's client or its ephemeral
    server (whose heartbeat also printed a 'database is locked' traceback above the summary).
    A user may still opt in by setting these variables themselves."""
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # Prefect's client talks to its own server on loopback: never through a proxy set for the internet
    for name in ("NO_PROXY", "no_proxy"):
        kept = [h for h in os.environ.get(name, "").split(",") if h.strip()]
        os.environ[name] = ",".join(dict.fromkeys([*kept, "127.0.0.1", "localhost", "::1"]))


# Every command that works on a workspace takes it this way: --workspace, else $LITREVIEW_WORKSPACE_URL
# (so a URL need not be typed on a command line, where other users can read it)
WORKSPACE_HELP = "The review's workspace: a folder or a postgresql:// URL (default $LITREVIEW_WORKSPACE_URL)."
WorkspaceOption = Annotated[
    Path,
    typer.Option("--workspace", parser=workspace_location, envvar=WORKSPACE_URL_ENV, help=WORKSPACE_HELP),
]
OptionalWorkspaceOption = Annotated[
    Path | None,
    typer.Option("--workspace", parser=workspace_location, envvar=WORKSPACE_URL_ENV, help=WORKSPACE_HELP),
]
WorkspaceArgument = Annotated[
    Path, typer.Argument(parser=workspace_location, envvar=WORKSPACE_URL_ENV, help=WORKSPACE_HELP)
]


def shown(location: object) -> str:
    """A workspace as output may name it: a URL never with its password."""
    from litreview.store.database import shown_location

    return shown_location(location)


def secret_free(location: object) -> str | None:
    """A workspace as a Prefect flow parameter: never a password (see workspace.secret_free)."""
    if location is None or str(location) == "":
        return None
    from litreview.store.workspace import secret_free as keep_secret

    return keep_secret(str(location))


def run_mode(live: bool, replay: Path | None, record: Path | None, default: str) -> tuple[str, str | None]:
    """live | replay | record from the three exclusive options, and the snapshot folder if any."""
    from litreview.errors import ConfigError

    if sum([live, replay is not None, record is not None]) > 1:
        raise ConfigError("choose one of --live, --replay DIR and --record DIR")
    if live:
        return "live", None
    if replay is not None:
        return "replay", str(replay)
    if record is not None:
        return "record", str(record)
    return default, None


def progress_bar(label: str):
    """A progress bar on stderr for long fetches; returns (callback, context manager)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=Console(stderr=True), transient=True,
    )  # fmt: skip
    task = progress.add_task(label, total=None)
    return (lambda done, total: progress.update(task, completed=done, total=total)), progress


RecordsArgument = Annotated[
    Path, typer.Argument(help="Records: PubMed XML (.xml/.xml.gz), RIS or CT.gov JSON.")
]


def read_records(path: Path):
    from litreview.sources.importers import detect_format, load_records, source_name

    fmt = detect_format(path)
    return list(load_records(path, fmt, source=source_name(fmt, path)))
