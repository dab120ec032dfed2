"""Prefect tasks and flows: the only module of litreview that imports Prefect.

Each task is a thin wrapper over a step in :mod:`litreview.pipeline.collect` or :mod:`litreview.pipeline.render`; the flows only
order them. ``flows/review.py`` re-exports :func:`review_flow` for deployments.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime

from prefect import flow, task
from prefect.runtime import flow_run

from litreview.config import Protocol, load_protocol
from litreview.pipeline import collect, render
from litreview.pipeline.server_process import can_tether, tethered_server
from litreview.pipeline.update_plan import UpdatePlan, Window, plan_update
from litreview.store.workspace import resolve, secret_free


@contextlib.contextmanager
def prefect_api() -> Iterator[None]:
    """Flows report to the configured Prefect server; with none configured, to a private one that
    dies with this process (Prefect's own temporary server outlived a CLI killed with -9)."""
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    settings = get_current_settings()
    if settings.api.url or not can_tether():
        yield
        return
    with (
        tethered_server(settings.to_environment_variables(exclude_unset=True)) as url,
        temporary_settings(updates={PREFECT_API_URL: url}),
    ):
        yield


def workspace_of(workspace: str | None, review_id: str, out: str | None) -> tuple[str, str]:
    """(the workspace as tasks may be given it, the outputs folder). A password never travels as a
    parameter: Prefect stores parameters in its database, readable by any local user."""
    from litreview.errors import ConfigError
    from litreview.store.database import has_password, is_database_url

    if workspace and is_database_url(workspace) and has_password(workspace):
        raise ConfigError(
            "the workspace parameter holds a database password, which Prefect has now stored with this flow "
            "run: change that password, then pass env:NAME (an environment variable on the worker holding "
            "the URL) or a URL without password (~/.pgpass, PGPASSWORD)"
        )
    location, folder = resolve(workspace, review_id, out)
    return secret_free(location), str(folder)


@task(name="load protocol")
def load_protocol_task(review_dir: str) -> Protocol:
    return load_protocol(review_dir)


@task(name="collect source", task_run_name="collect {source_name}")
def collect_source_task(protocol: Protocol, source_name: str, mode: str, snapshot: str | None, run_id: str,
                        folder: str, window: Window | None = None) -> collect.SourceBatch:  # fmt: skip
    return collect.collect(protocol, source_name, mode, snapshot, run_id, folder, window)


@task(name="store, link and report")
def store_and_report_task(protocol: Protocol, location: str, folder: str, run_id: str, batches: list[collect.SourceBatch],
                          mode: str, started: str, update: UpdatePlan | None = None) -> render.RunResult:  # fmt: skip
    return render.store_and_report(protocol, location, folder, run_id, batches, mode=mode, started=started,
                                  flow_run_id=flow_run.get_id(), update=update)  # fmt: skip


@task(name="plan update")
def plan_update_task(protocol: Protocol, location: str, run_id: str, asof: str | None) -> UpdatePlan:
    return plan_update(protocol, location, run_id, asof)


@flow(name="litreview-review", log_prints=True)
def review_flow(
    review_dir: str = "search_strings/ep_pd_nec",
    workspace: str | None = None,
    mode: str = "replay",
    snapshot: str | None = None,
    run_id: str | None = None,
    out: str | None = None,
) -> render.RunResult:
    """Run a review end to end: collect every source, store, link duplicates, write outputs.
    ``workspace``: a folder (SQLite), a PostgreSQL URL without password, or ``env:NAME`` (the URL in
    that environment variable); ``out``: where outputs go."""
    started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    protocol = load_protocol_task(review_dir)
    run_id = run_id or collect.new_run_id()
    location, folder = workspace_of(workspace, protocol.review_id, out)
    batches = [
        collect_source_task(protocol, spec.name, mode, snapshot, run_id, folder) for spec in protocol.sources
    ]
    return store_and_report_task(protocol, location, folder, run_id, batches, mode, started)


@flow(name="litreview-update", log_prints=True)
def update_flow(
    review_dir: str = "search_strings/ep_pd_nec",
    workspace: str | None = None,
    mode: str = "live",
    snapshot: str | None = None,
    run_id: str | None = None,
    asof: str | None = None,
    out: str | None = None,
) -> render.RunResult:
    """A living-review update: search only what is new since the last run, keep every decision,
    screen new and changed records, write a change report and an updated PRISMA diagram."""
    started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    protocol = load_protocol_task(review_dir)
    run_id = run_id or collect.new_run_id()
    location, folder = workspace_of(workspace, protocol.review_id, out)
    plan = plan_update_task(protocol, location, run_id, asof)
    batches = [
        collect_source_task(protocol, spec.name, mode, snapshot, run_id, folder, plan.windows[spec.name])
        for spec in protocol.sources
    ]
    return store_and_report_task(protocol, location, folder, run_id, batches, mode, started, plan)
