"""Benchmark: the screening workbench under two reviewers deciding at once, over real HTTP.

A 20,000-record workspace (real Cohen 2006 titles and abstracts, replicated with new ids), two
accounts, `litreview web` started as its own process with prioritised ordering on (it ranks at
start and retrains in the background). Two simulated reviewers each sign in and post decisions
concurrently, each post followed by loading the next record (the redirect), as a browser does.
Measured: first page after start, p50/p95 of decide-and-load-next, server RSS (peak), decisions
acknowledged vs stored (lost must be 0). Baseline in the same run: a bare Starlette app doing the
least the same work can do (one SQLite insert + commit and one indexed select per decision).
Goals (issue 16): p95 < 50 ms, first page < 1 s, RSS < 300 MB on this 2-core machine.
Usage: python benchmarks/workbench_latency.py [--records 20000] [--decisions 1000]
"""

from __future__ import annotations

import argparse
import contextlib
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from _common import ROOT, machine

from litreview.sources.importers import load_records
from litreview.store.workspace import Workspace
from litreview.testing.processes import free_port, wait_serving
from litreview.testing.workspaces import build_workspace, replicate
from litreview.web.accounts import add_user

DATA = ROOT / "tests" / "data" / "screening" / "Cohen_2006_Antihistamines.csv"
PASSWORD = "benchmark-password"
REVIEWERS = ("ana", "ben")

BARE_APP = r"""
import sqlite3, sys
from starlette.applications import Starlette
from starlette.responses import HTMLResponse, RedirectResponse
from starlette.routing import Route
import uvicorn
db = sqlite3.connect(sys.argv[1], isolation_level=None, check_same_thread=False)
db.execute("PRAGMA journal_mode=WAL"); db.execute("PRAGMA synchronous=FULL")
db.execute("CREATE TABLE IF NOT EXISTS d (record_id TEXT, reviewer TEXT, decision TEXT)")
async def screen(request):
    rid = request.query_params.get("record", "medline:1")
    row = db.execute("SELECT data FROM records WHERE record_id=?", (rid,)).fetchone()
    return HTMLResponse(f'<article data-record-id="{rid}">{row[0][:2000] if row else ""}</article>')
async def decide(request):
    form = await request.form()
    db.execute("BEGIN IMMEDIATE"); db.execute("INSERT INTO d VALUES (?, ?, ?)", (form["record_id"], form["reviewer"], form["decision"])); db.execute("COMMIT")
    return RedirectResponse(f"/screen?record=medline:{int(form['record_id'].split(':')[1]) + 2}", 303)
app = Starlette(routes=[Route("/screen", screen), Route("/decide", decide, methods=["POST"])])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


def wait_up(url: str, proc: subprocess.Popen, timeout: float = 120) -> float:
    try:
        return wait_serving(url, proc, timeout)
    except RuntimeError as exc:
        raise SystemExit(str(exc)) from None


def rss_mb(pid: int) -> tuple[float, float]:
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
    )
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def children_peak_mb(pid: int) -> float:
    """Peak RSS of the server's child processes (the ranking worker), summed."""
    total = 0.0
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            with contextlib.suppress(FileNotFoundError, ProcessLookupError):  # a worker that just ended
                total += rss_mb(int(child))[1]
    return total


def sign_in(c: httpx.Client, name: str) -> None:
    token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text).group(1)
    c.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": token})


def reviewer_loop(base: str, name: str, n: int, out: dict, bare: bool) -> None:
    times, acked = [], []
    with httpx.Client(base_url=base, follow_redirects=False, timeout=30) as c:
        if not bare:
            sign_in(c, name)
            page = c.get("/screen").text
        else:
            page = c.get(f"/screen?record=medline:{1 if name == 'ana' else 2}").text
        for k in range(n):
            record_id = re.search(r'data-record-id="([^"]+)"', page).group(1)
            data = {
                "record_id": record_id,
                "stage": "title_abstract",
                "decision": "include" if k % 7 == 0 else "exclude",
            }
            if bare:
                data["reviewer"] = name
            else:
                data["csrf_token"] = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            start = time.perf_counter()
            answer = c.post("/decide", data=data)
            assert answer.status_code == 303, answer.text[:300]
            page = c.get(answer.headers["location"]).text
            times.append(time.perf_counter() - start)
            acked.append(record_id)
    out[name] = (times, acked)


def drive(base: str, decisions: int, bare: bool) -> tuple[list[float], dict[str, list[str]]]:
    out: dict = {}
    threads = [
        threading.Thread(target=reviewer_loop, args=(base, name, decisions // 2, out, bare))
        for name in REVIEWERS
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    times = [t for name in REVIEWERS for t in out[name][0]]
    return times, {name: out[name][1] for name in REVIEWERS}


def pct(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--decisions", type=int, default=1000)
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ws"
        started = time.perf_counter()
        base = list(load_records(DATA, "csv", source="medline"))
        build_workspace(root, replicate(base, args.records), review_id="workbench_bench")
        for name in REVIEWERS:
            add_user(root, name, "reviewer", PASSWORD)
        add_user(root, "lea", "lead", PASSWORD)
        print(f"workspace: {args.records} records built in {time.perf_counter() - started:.1f} s")

        results = {}
        for label in ("bare starlette + sqlite", "litreview web"):
            port = free_port()
            bare = label.startswith("bare")
            if bare:
                db = Path(tmp) / "bare.sqlite"
                src = sqlite3.connect(root / "workspace.sqlite")
                src.backup(sqlite3.connect(db))
                cmd = [sys.executable, "-c", BARE_APP, str(db), str(port)]
            else:
                cmd = [
                    sys.executable,
                    "-m",
                    "litreview.cli",
                    "web",
                    "--workspace",
                    str(root),
                    "--port",
                    str(port),
                ]
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            try:
                url = f"http://127.0.0.1:{port}"
                up = wait_up(f"{url}/login" if not bare else f"{url}/screen", proc)
                first = None
                if not bare:
                    with httpx.Client(base_url=url, timeout=30) as c:
                        sign_in(c, "ana")
                        t0 = time.perf_counter()
                        c.get("/screen")
                        first = time.perf_counter() - t0
                times, acked = drive(url, args.decisions, bare)
                if not bare:  # the lead's dashboard after the decisions: PRISMA counts, kappa, stopping rule
                    with httpx.Client(base_url=url, timeout=30) as c:
                        sign_in(c, "lea")
                        loads = []
                        for _ in range(5):
                            t0 = time.perf_counter()
                            c.get("/dashboard").raise_for_status()
                            loads.append(time.perf_counter() - t0)
                    print(
                        f"lead's /dashboard after the decisions: median {statistics.median(loads) * 1000:.0f} ms of 5"
                    )
                now, peak = rss_mb(proc.pid)
                workers = children_peak_mb(proc.pid)
            finally:
                proc.terminate()
                proc.wait(10)
            if bare:
                with sqlite3.connect(db) as conn:
                    stored = conn.execute("SELECT COUNT(*) FROM d").fetchone()[0]
                expected = sum(len(v) for v in acked.values())
            else:
                with Workspace.reading(root) as ws:
                    human = {(d.reviewer, d.record_id) for d in ws.decisions() if d.origin == "human"}
                wanted = {(name, r) for name, ids in acked.items() for r in ids}
                stored, expected = len(human & wanted), len(wanted)
            results[label] = (times, first, up, now, peak, expected - stored)
            print(
                f"{label}: {len(times)} decide+next in 2 threads; p50 {pct(times, 0.5):.1f} ms, p95 {pct(times, 0.95):.1f} ms, "
                f"max {max(times) * 1000:.0f} ms; server up in {up:.2f} s"
                + (f", first /screen {first * 1000:.0f} ms" if first is not None else "")
                + f"; RSS {now:.0f} MB (peak {peak:.0f} MB"
                + (f"; its ranking worker process: peak {workers:.0f} MB" if workers else "")
                + f"); lost {expected - stored} of {expected}"
            )
        times, first, _, _, peak, lost = results["litreview web"]
        bare_p95 = pct(results["bare starlette + sqlite"][0], 0.95)
        p95 = pct(times, 0.95)
        print(f"ratio p95 litreview/bare: {p95 / bare_p95:.2f}x; mean {statistics.mean(times) * 1000:.1f} ms")
        print(
            f"goals: p95 < 50 ms: {'met' if p95 < 50 else 'NOT met'} ({p95:.1f}); first page < 1 s: "
            f"{'met' if first < 1 else 'NOT met'} ({first:.2f}); RSS < 300 MB: {'met' if peak < 300 else 'NOT met'} "
            f"({peak:.0f}); lost 0: {'met' if lost == 0 else 'NOT met'} ({lost})"
        )


if __name__ == "__main__":
    main()
