"""`web` and `users add | passwd | remove | list`: the screening workbench and its accounts."""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Annotated

import typer

from litreview.cli.app import (
    DEFAULT_REVIEW,
    OutOption,
    ReviewWorkspaceOption,
    WorkspaceOption,
    app,
    console,
    shown,
)

users_app = typer.Typer(no_args_is_help=True, help="Reviewers' accounts for the screening workbench.")
app.add_typer(users_app, name="users")

SECRET_ENV = "LITREVIEW_SECRET_KEY"  # shared by several server processes; never written by litreview
PROXIES_ENV = "LITREVIEW_FORWARDED_ALLOW_IPS"


@app.command()
def web(
    review_dir: Annotated[
        Path | None, typer.Argument(help="Review folder (for query highlighting and the default workspace).")
    ] = None,
    workspace: ReviewWorkspaceOption = None,
    out: OutOption = None,
    host: Annotated[
        str, typer.Option(help="Address to listen on (loopback unless the workspace has accounts).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8765,
    forwarded_allow_ips: Annotated[
        str,
        typer.Option(
            envvar=PROXIES_ENV,
            help="The reverse proxies (addresses or networks, comma-separated) whose X-Forwarded-For and "
            "X-Forwarded-Proto are believed; default none: the client is whoever connects.",
        ),
    ] = "",
    https_only: Annotated[
        bool,
        typer.Option(
            "--https-only",
            help="Served only over TLS (a proxy in front): Secure cookies and HSTS on every answer.",
        ),
    ] = False,
) -> None:
    """Serve the screening workbench over the workspace (screen, conflicts, duplicates, dashboard)."""
    import uvicorn

    from litreview.config import load_protocol
    from litreview.errors import ConfigError
    from litreview.store.workspace import resolve
    from litreview.web.app import create_app, is_loopback
    from litreview.web.edge import trusted_proxies
    from litreview.web.listen import check_port, listening_socket
    from litreview.web.workbench import Workbench

    check_port(port)  # before the workspace is opened: a wrong port is the whole message
    proxies = trusted_proxies(forwarded_allow_ips)  # a bad address refused before anything starts
    review = review_dir
    if workspace is None:  # the review's own workspace, as `litreview run` makes it
        review = review_dir or DEFAULT_REVIEW
        location, folder = resolve(None, load_protocol(review / "review.toml").review_id, out)
        bench = Workbench(location, review, out=folder)
    else:
        bench = Workbench(workspace, review, out=out)
    accounts = bench.accounts()
    if not accounts and not is_loopback(host):
        raise ConfigError(
            f"refusing to serve {bench.workspace.where} on {host} without accounts: anyone who reaches it could read "
            f"and change the screening. Add accounts first (`litreview users add NAME --role lead "
            f"--workspace {shown(workspace or bench.location)}`), or listen on 127.0.0.1"
        )
    sock = listening_socket(host, port)  # a port in use is one line, before the banner
    local_user = None if accounts else getpass.getuser()
    application = create_app(bench, local_user=local_user, secret_key=os.environ.get(SECRET_ENV), host=host,
                             proxies=proxies, https_only=https_only)  # fmt: skip
    who = f"{len(accounts)} account(s)" if accounts else f"no accounts: loopback only, you are {local_user!r}"
    console.print(
        f"litreview workbench for {bench.review_id} on http://{host}:{port}/ ({who}); Ctrl-C stops it"
    )
    for problem in bench.highlight_problems:  # a query that cannot be marked is said, not skipped silently
        console.print(f"warning: not marked on records: {problem}")
    if not is_loopback(host):
        console.print("warning: plain HTTP; put it behind a TLS proxy before reviewers use it over a network, "
                      "and name the proxy (--forwarded-allow-ips) so sign-ins are throttled per client")  # fmt: skip
    # uvicorn's own proxy handling trusts 127.0.0.1 by default: off; create_app trusts only --forwarded-allow-ips
    config = uvicorn.Config(application, host=host, port=port, log_level="warning", server_header=False,
                            proxy_headers=False)  # fmt: skip
    uvicorn.Server(config).run(sockets=[sock])


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="The reviewer's sign-in name.")],
    workspace: WorkspaceOption,
    role: Annotated[str, typer.Option(help="reviewer | lead (a lead resolves conflicts)")] = "reviewer",
    password_file: Annotated[
        Path | None, typer.Option(help="Read the password from this file's first line.")
    ] = None,
) -> None:
    """Add an account (or reset its role and password); the password is stored only as a scrypt hash."""
    from litreview.web.accounts import add_user

    password = _new_password(name, password_file)
    new = add_user(workspace, name, role, password)
    console.print(
        f"{'added' if new else 'updated (its sessions ended)'} {name} ({role}) in {shown(workspace)}"
    )


def _new_password(name: str, password_file: Path | None) -> str:
    from litreview.errors import ConfigError

    if password_file is not None:
        from litreview.web.accounts import read_password_file

        return read_password_file(password_file)
    password = getpass.getpass(f"password for {name}: ")
    if password != getpass.getpass("again: "):
        raise ConfigError("the two passwords differ; nothing stored")
    return password


@users_app.command("passwd")
def users_passwd(
    name: Annotated[str, typer.Argument(help="The reviewer's sign-in name.")],
    workspace: WorkspaceOption,
    password_file: Annotated[
        Path | None, typer.Option(help="Read the password from this file's first line.")
    ] = None,
) -> None:
    """Give an account a new password: every session it had ends at once, on every server."""
    from litreview.web.accounts import set_password

    set_password(workspace, name, _new_password(name, password_file))
    console.print(f"new password for {name} in {shown(workspace)}; its sessions ended")


@users_app.command("remove")
def users_remove(
    name: Annotated[str, typer.Argument(help="The reviewer's sign-in name.")], workspace: WorkspaceOption
) -> None:
    """Remove an account: its sessions end at once; its decisions and notes stay, under its name."""
    from litreview.web.accounts import remove_user

    remove_user(workspace, name)
    console.print(f"removed {name} from {shown(workspace)}; its sessions ended")


@users_app.command("list")
def users_list(workspace: WorkspaceOption) -> None:
    """The workspace's accounts and their roles (never a password or hash)."""
    from litreview.store.workspace import Workspace

    with Workspace.existing(workspace) as store:
        for name, role in store.users().items():
            print(f"{name}\t{role}")
