"""Bounded load against the running cluster (scripts/cluster start): concurrent mid-term replacements.

Each lane is one stream of work by the demo users: the unit's HR submits a replacement for one of
its cadres, then the township, the county and the Organization Department / Rural Revitalization
Bureau approve it, each completing the task the previous step returned. Lanes spread their requests
over the web ports. The run stops by itself after --duration seconds or --max-steps approval steps,
whichever comes first, and prints approval steps per second, latency percentiles, errors and the
resident memory of every gunicorn worker at start and end.

    scripts/cluster start
    .venv/bin/python bench/load.py --duration 60 --lanes 16
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import psutil
from load_prepare import LoadCadre, post_cadres  # bench/ is sys.path[0] when run as a script

ROOT = Path(__file__).resolve().parent.parent

CLUSTER_DIR = ROOT / "var" / "cluster"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
MAX_DURATION = 600.0  # the machine is shared: no run longer than ten minutes
# The user who acts on a task of this role (and township scope) among the demo users.
COUNTY_USERS = {"county": "county", "org_dept": "orgdept", "rrb": "rrb"}


def user_for(task: dict) -> str:
    if task["role"] == "township":
        return "tw_" + task["scope_id"].removeprefix("tw-")
    return COUNTY_USERS[task["role"]]


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    complete_ms: list[float] = field(default_factory=list)
    submit_ms: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    steps: int = 0
    processes_done: int = 0

    def record(self, kind: str, ms: float, status: int, detail: str = "") -> None:
        with self.lock:
            (self.complete_ms if kind == "complete" else self.submit_ms).append(ms)
            if kind == "complete" and status == 200:
                self.steps += 1
            if status not in (200, 201):
                self.errors[f"{kind} {status} {detail}".strip()] += 1


class Client:
    """One HTTP request per call on a fresh connection (gunicorn's sync workers close them anyway)."""

    def __init__(self, bases: list[str], tokens: dict[str, str], timeout: float) -> None:
        self.targets = [(urlsplit(b).hostname or "", urlsplit(b).port or 80) for b in bases]
        self.tokens, self.timeout = tokens, timeout

    def post(self, target: int, login: str, path: str, body: dict) -> tuple[int, dict, float]:
        host, port = self.targets[target % len(self.targets)]
        started = time.perf_counter()
        conn = http.client.HTTPConnection(host, port, timeout=self.timeout)
        try:
            conn.request("POST", f"/api/v1{path}", body=json.dumps(body).encode(), headers={
                "Authorization": f"Bearer {self.tokens[login]}", "Content-Type": "application/json"})
            response = conn.getresponse()
            raw = response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as exc:
            return 0, {"title": type(exc).__name__}, (time.perf_counter() - started) * 1000
        finally:
            conn.close()
        elapsed = (time.perf_counter() - started) * 1000
        try:
            return status, json.loads(raw), elapsed
        except ValueError:
            return status, {}, elapsed


def run_lane(lane: int, cadres: list[LoadCadre], client: Client, stats: Stats, stop: threading.Event,
             max_steps: int, effective_date: str) -> None:
    turn = lane
    for cadre in cadres:
        if stop.is_set():
            return
        status, body, ms = client.post(turn, cadre.hr_login, "/adjustments", {
            "cadre_id": cadre.cadre_id, "village_id": cadre.village_id, "role": cadre.role,
            "reason": "health", "justification": "", "nominee_id": cadre.nominee_id,
            "effective_date": effective_date, "evidence": ["体检报告"]})
        turn += 1
        stats.record("submit", ms, status, str(body.get("title", "")) if status != 201 else "")
        tasks = body.get("open_tasks", []) if status == 201 else []
        while tasks and not stop.is_set():
            task = tasks[0]
            status, body, ms = client.post(turn, user_for(task), f"/tasks/{task['id']}/complete",
                                           {"decision": "approve", "comment": "同意", "data": {}})
            turn += 1
            stats.record("complete", ms, status, str(body.get("title", "")) if status != 200 else "")
            if status != 200:
                break
            if stats.steps >= max_steps:
                stop.set()
            # The handover that follows an approval is another instance: not part of this lane.
            tasks = [t for t in body.get("open_tasks", []) if t["role"] in ("township", *COUNTY_USERS)]
        else:
            if status == 200:
                with stats.lock:
                    stats.processes_done += 1


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def web_workers(cluster_dir: Path) -> dict[int, str]:
    """{pid: "web:PORT"} of the gunicorn workers scripts/cluster started."""
    workers: dict[int, str] = {}
    for pidfile in sorted(cluster_dir.glob("web-*.pid")):
        try:
            master = psutil.Process(int(pidfile.read_text()))
            for child in master.children():
                workers[child.pid] = pidfile.stem.replace("web-", "web:")
        except (psutil.Error, ValueError, OSError):
            continue
    return workers


def database_backends(database_url: str) -> dict[int, str]:
    """{pid: "postgres"} of the local PostgreSQL backends connected to the cluster's database
    (their process titles name it)."""
    name = database_url.rsplit("/", 1)[-1].split("?")[0]
    out: dict[int, str] = {}
    for proc in psutil.process_iter(["name", "cmdline"]):
        try:
            title = " ".join(proc.info["cmdline"] or ())
        except psutil.Error:
            continue
        if proc.info["name"] == "postgres" and f" {name} " in f" {title} ":
            out[proc.pid] = "postgres"
    return out


def cpu_seconds(pids: dict[int, str]) -> dict[int, float]:
    """User + system CPU seconds each process has used so far (children not included)."""
    out = {}
    for pid in pids:
        try:
            times = psutil.Process(pid).cpu_times()
            out[pid] = times.user + times.system
        except psutil.Error:
            continue
    return out


def cpu_used(start: dict[int, float], end: dict[int, float]) -> float:
    """CPU seconds used between two samples; a process that appeared in between counts from 0,
    one that exited in between is lost (sync workers and pooled backends live through a run)."""
    return sum(value - start.get(pid, 0.0) for pid, value in end.items())


def rss_mb(pids: dict[int, str]) -> dict[int, float]:
    out = {}
    for pid in pids:
        try:
            out[pid] = psutil.Process(pid).memory_info().rss / 2**20
        except psutil.Error:
            continue
    return out


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", action="append", help="web base URL (repeatable; loopback only); "
                        "default http://127.0.0.1:5101 and :5102")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds (at most 600)")
    parser.add_argument("--max-steps", type=int, default=100_000, help="stop after this many approvals")
    parser.add_argument("--lanes", type=int, default=16, help="concurrent streams of users")
    parser.add_argument("--cadres-per-lane", type=int, default=40,
                        help="fresh posted cadres per lane (one replacement per cadre)")
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/cadreflow_cluster")
    parser.add_argument("--cluster-dir", type=Path, default=CLUSTER_DIR,
                        help="scripts/cluster's CLUSTER_DIR (pid files of the web processes, tokens.json)")
    parser.add_argument("--tokens", type=Path, help="default: tokens.json in --cluster-dir")
    parser.add_argument("--timeout", type=float, default=10.0, help="per request, seconds")
    args = parser.parse_args(argv)
    args.tokens = args.tokens or args.cluster_dir / "tokens.json"
    args.base = args.base or ["http://127.0.0.1:5101", "http://127.0.0.1:5102"]
    for base in args.base:
        if urlsplit(base).hostname not in LOOPBACK:
            parser.error(f"只允许回环地址：{base}")
    if not 0 < args.duration <= MAX_DURATION:
        parser.error(f"--duration 须在 0 到 {MAX_DURATION:.0f} 秒之间")
    if args.lanes < 1 or args.cadres_per_lane < 1 or args.max_steps < 1:
        parser.error("--lanes、--cadres-per-lane、--max-steps 须为正整数")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    tokens = json.loads(args.tokens.read_text(encoding="utf-8"))
    run_id = uuid.uuid4().hex[:6]
    cadres = post_cadres(args.database_url, run_id, args.lanes * args.cadres_per_lane)
    effective_date = (date.today() + timedelta(days=30)).isoformat()
    client = Client(args.base, tokens, args.timeout)
    stats, stop = Stats(), threading.Event()

    workers = web_workers(args.cluster_dir)
    rss_start = rss_mb(workers)
    backends = database_backends(args.database_url)
    cpu_start = (cpu_seconds(workers), cpu_seconds(backends))
    lanes = [threading.Thread(target=run_lane, daemon=True, args=(
        n, cadres[n::args.lanes], client, stats, stop, args.max_steps, effective_date))
        for n in range(args.lanes)]
    print(f"运行 {run_id}：{args.lanes} 条并发通道，{len(cadres)} 名新任职干部，目标 {', '.join(args.base)}，"
          f"最长 {args.duration:.0f} 秒", flush=True)
    started = time.perf_counter()
    for thread in lanes:
        thread.start()
    deadline = started + args.duration
    while time.perf_counter() < deadline and any(t.is_alive() for t in lanes) and not stop.is_set():
        stop.wait(0.2)
    stop.set()
    elapsed = time.perf_counter() - started
    for thread in lanes:
        thread.join(timeout=args.timeout + 5)
    rss_end = rss_mb(workers)
    backends.update(database_backends(args.database_url))
    web_cpu = cpu_used(cpu_start[0], cpu_seconds(workers))
    db_cpu = cpu_used(cpu_start[1], cpu_seconds(backends))

    with stats.lock:
        print(f"用时 {elapsed:.1f} 秒；完成审批步骤 {stats.steps} 个，{stats.steps / elapsed:.1f} 个/秒；"
              f"走完审批的申请 {stats.processes_done} 件；提交 {len(stats.submit_ms)} 次")
        print(f"办理任务延迟（毫秒）：p50 {percentile(stats.complete_ms, 0.5):.1f}  "
              f"p90 {percentile(stats.complete_ms, 0.9):.1f}  p99 {percentile(stats.complete_ms, 0.99):.1f}  "
              f"最大 {max(stats.complete_ms, default=float('nan')):.1f}")
        print(f"提交申请延迟（毫秒）：p50 {percentile(stats.submit_ms, 0.5):.1f}  "
              f"p99 {percentile(stats.submit_ms, 0.99):.1f}")
        print(f"错误 {sum(stats.errors.values())} 个" + "".join(
            f"\n  {count} × {kind}" for kind, count in stats.errors.most_common()))
        requests = len(stats.complete_ms) + len(stats.submit_ms)
        if requests:
            print(f"CPU per request ({requests} requests): web workers {web_cpu / requests * 1000:.1f} ms, "
                  f"PostgreSQL backends of the database {db_cpu / requests * 1000:.1f} ms "
                  f"(web {web_cpu:.1f} s, PostgreSQL {db_cpu:.1f} s over {elapsed:.1f} s)")
    print("Web worker 常驻内存（MB，开始 → 结束）：")
    for pid, name in sorted(workers.items(), key=lambda item: (item[1], item[0])):
        end = f"{rss_end[pid]:.1f}" if pid in rss_end else "已退出"
        print(f"  {name} pid {pid}: {rss_start.get(pid, float('nan')):.1f} → {end}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
