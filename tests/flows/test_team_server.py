"""A real team deployment on one machine: `prefect server` on PostgreSQL, a process work pool, two
workers, `prefect deploy --all` of the project's prefect.yaml, and runs triggered with
`prefect deployment run`, each writing into its own PostgreSQL workspace. The commands are the
README's "Team server" section. Checked: two reviews' runs and an update run at once on the workers
and their outputs equal the same runs on SQLite; nothing is stored twice; a flow run killed mid-run
is marked crashed, its workspace is unchanged, and a rerun completes."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import yaml

from litreview.pipeline.tasks import review_flow, update_flow
from litreview.store.copy import copy_workspace, table_columns, table_digest
from litreview.store.workspace import Workspace
from litreview.testing.processes import free_port, wait_serving

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
COMPARED = ("prisma.json", "records.csv", "screening.csv", "tables.csv", "prisma2020.csv")
DEMO = ROOT / "search_strings" / "ep_pd_nec" / "update_demo"


@pytest.fixture
def team(cluster, tmp_path):
    """The Prefect server on PostgreSQL, the work pool, two workers and the deployments."""
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(tmp_path / "prefect"), PREFECT_API_URL=api, DO_NOT_TRACK="1",
               PREFECT_SERVER_ANALYTICS_ENABLED="false", PREFECT_LOGGING_LEVEL="WARNING",
               PREFECT_API_DATABASE_CONNECTION_URL=cluster.create("prefect").replace("+psycopg", "+asyncpg"),
               PREFECT_WORKER_QUERY_SECONDS="1")  # a worker asks for runs each second, not each ten  # fmt: skip
    logs = tmp_path / "logs"
    logs.mkdir()
    processes: list[subprocess.Popen] = []

    def start(name: str, *args: str, cwd: Path = ROOT) -> subprocess.Popen:
        proc = subprocess.Popen([str(BIN / "prefect"), *args], env=env, cwd=cwd, start_new_session=True,
                                stdout=(logs / f"{name}.log").open("w"), stderr=subprocess.STDOUT)  # fmt: skip
        processes.append(proc)
        return proc

    def prefect(*args: str) -> str:
        done = subprocess.run(
            [str(BIN / "prefect"), *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=180
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    server = start("server", "server", "start", "--host", "127.0.0.1", "--port", str(port))
    try:
        wait_serving(f"{api}/health", server, timeout=120)
    except RuntimeError as exc:
        raise AssertionError((logs / "server.log").read_text()[-3000:]) from exc
    prefect("work-pool", "create", "default", "--type", "process")
    workers = [start(f"worker{k}", "worker", "start", "--pool", "default", "--name", f"w{k}") for k in (1, 2)]
    prefect("--no-prompt", "deploy", "--all")
    # "another machine": a worker of its own pool, in a folder holding no project, whose runs get the
    # code by the README's `pull` step (git_clone, here from this checkout by a file:// URL)
    elsewhere = tmp_path / "machine2"
    elsewhere.mkdir()
    prefect("work-pool", "create", "machine2", "--type", "process")
    start("worker3", "worker", "start", "--pool", "machine2", "--name", "w3", cwd=elsewhere)
    config = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    cohen = next(d for d in config["deployments"] if d["name"] == "cohen-estrogens-review")
    config["deployments"] = [
        {
            **cohen,
            "name": "cohen-from-git",
            "work_pool": {"name": "machine2", "job_variables": {"working_dir": str(elsewhere)}},
        }
    ]
    config["pull"] = [{"prefect.deployments.steps.git_clone": {"repository": ROOT.as_uri()}}]
    (tmp_path / "prefect-pull.yaml").write_text(yaml.safe_dump(config))
    prefect("--no-prompt", "deploy", "--all", "--prefect-file", str(tmp_path / "prefect-pull.yaml"))
    try:
        yield prefect, api, workers, logs
    finally:
        for proc in processes:
            with __import__("contextlib").suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in processes:
            # on a busy machine a worker may still be shutting down: that must not fail the test
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                with __import__("contextlib").suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(30)


def trigger(prefect, deployment: str, **params: str) -> str:
    args = [arg for key, value in params.items() for arg in ("--param", f"{key}={value}")]
    said = prefect("deployment", "run", deployment, *args)
    return re.search(r"UUID:\s*([0-9a-f-]{36})", said).group(1)


def state(api: str, run_id: str) -> str:
    return httpx.get(f"{api}/flow_runs/{run_id}", timeout=10).json()["state"]["type"]


def wait(api: str, run_ids: list[str], timeout: float = 300) -> dict[str, str]:
    deadline = time.monotonic() + timeout
    while True:
        states = {r: state(api, r) for r in run_ids}
        if all(s in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") for s in states.values()):
            return states
        assert time.monotonic() < deadline, states
        time.sleep(0.2)


def tasks_done(api: str, run_id: str) -> int:
    found = httpx.post(f"{api}/task_runs/filter", json={"flow_runs": {"id": {"any_": [run_id]}}}, timeout=10)
    return sum(t["state"]["type"] == "COMPLETED" for t in found.json() if t.get("state"))


def flow_run_process(run_id: str) -> int | None:
    """The pid of the process a worker started for this flow run (its environment names the run)."""
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if f"PREFECT__FLOW_RUN_ID={run_id}".encode() in (proc / "environ").read_bytes():
                    return int(proc.name)
            except OSError:
                continue
    return None


def digests(url: str) -> dict[str, tuple[int, str]]:
    with Workspace.reading(url) as ws:
        return {t: table_digest(ws, t, c) for t, c in table_columns().items()}


def test_workers_run_two_reviews_and_an_update_on_postgresql_like_sqlite(team, cluster, tmp_path):
    prefect, api, workers, logs = team
    ep, cohen = str(ROOT / "search_strings" / "ep_pd_nec"), str(ROOT / "search_strings" / "cohen_estrogens")
    # the same runs on SQLite, in this process
    review_flow(review_dir=ep, workspace=str(tmp_path / "s_ep"), mode="replay", run_id="r1")
    review_flow(review_dir=cohen, workspace=str(tmp_path / "s_cohen"), mode="replay", run_id="r1")
    shutil.copytree(tmp_path / "s_ep", tmp_path / "s_upd")
    update_flow(review_dir=ep, workspace=str(tmp_path / "s_upd"), mode="replay", snapshot=str(DEMO),
                asof="2023-06-30", run_id="u1")  # fmt: skip
    # on PostgreSQL: the update's workspace starts as a copy of the first run's
    urls = {name: cluster.create(f"team_{name}") for name in ("ep", "cohen", "upd", "git")}
    copy_workspace(tmp_path / "s_ep", urls["upd"])
    runs = [
        trigger(prefect, "litreview-review/ep-pd-nec-review", review_dir=ep, workspace=urls["ep"],
                out=str(tmp_path / "p_ep"), run_id="r1"),
        trigger(prefect, "litreview-review/cohen-estrogens-review", review_dir=cohen, workspace=urls["cohen"],
                out=str(tmp_path / "p_cohen"), run_id="r1"),
        trigger(prefect, "litreview-update/ep-pd-nec-update", review_dir=ep, workspace=urls["upd"],
                out=str(tmp_path / "p_upd"), mode="replay", snapshot=str(DEMO), asof="2023-06-30", run_id="u1"),
        # on "another machine", the review folder too comes from the clone (a path relative to it)
        trigger(prefect, "litreview-review/cohen-from-git", review_dir="search_strings/cohen_estrogens",
                workspace=urls["git"], out=str(tmp_path / "p_git"), run_id="r1"),
    ]  # fmt: skip
    states = wait(api, runs)
    assert set(states.values()) == {"COMPLETED"}, {
        w: (logs / f"{w}.log").read_text()[-3000:] for w in ("worker1", "worker2", "worker3")
    }
    assert any((tmp_path / "machine2").rglob("flows/review.py")), "the run from git ran from no clone"
    for name, same in (("ep", "ep"), ("cohen", "cohen"), ("upd", "upd"), ("git", "cohen")):
        for output in COMPARED:
            mine, theirs = tmp_path / f"p_{name}" / output, tmp_path / f"s_{same}" / output
            if theirs.exists():
                assert mine.read_bytes() == theirs.read_bytes(), (name, output)
        with Workspace.reading(urls[name]) as pg, Workspace.reading(tmp_path / f"s_{same}") as lite:
            assert pg.count("records") == lite.count("records") and pg.count("run_records") == lite.count(
                "run_records"
            )

    # a flow run killed mid-run: crashed, the workspace unchanged, and a rerun completes
    before = digests(urls["ep"])
    killed = trigger(prefect, "litreview-review/ep-pd-nec-review", review_dir=ep, workspace=urls["ep"],
                     out=str(tmp_path / "p_ep"), run_id="r2")  # fmt: skip
    deadline = time.monotonic() + 120
    while (pid := flow_run_process(killed)) is None or state(api, killed) != "RUNNING":
        assert time.monotonic() < deadline, state(api, killed)
        time.sleep(0.2)
    while not tasks_done(api, killed):  # well into the run: a task of it finished
        assert time.monotonic() < deadline and state(api, killed) == "RUNNING", state(api, killed)
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    assert wait(api, [killed])[killed] == "CRASHED"
    assert digests(urls["ep"]) == before
    again = trigger(prefect, "litreview-review/ep-pd-nec-review", review_dir=ep, workspace=urls["ep"],
                    out=str(tmp_path / "p_ep"), run_id="r2")  # fmt: skip
    assert wait(api, [again])[again] == "COMPLETED"
    with Workspace.reading(urls["ep"]) as ws:
        assert [r["status"] for r in ws.runs()] == ["finished", "finished"]
