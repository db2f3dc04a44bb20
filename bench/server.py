#!/usr/bin/env python3
"""Server throughput and latency, measured side by side in one run with wrk.

Builds `nextseat`, starts `nextseat serve` on a fresh SQLite file in a temporary
directory (rate limiter off: all load comes from one IP), waits until GET /healthz
answers, then loads, one after the other with the same connections and threads:

  healthz      GET  /healthz               the HTTP stack plus one SQLite read (the floor)
  assess       POST /api/v1/assess         parse, validate and assess the example profile
  assessments  POST /api/v1/assessments    the same, stored durably (WAL, synchronous=FULL)

The body is examples/acme-logistics.toml as JSON. For each it reports requests/s,
p50 and p99 latency (wrk --latency), errors (non-2xx responses counted by a Lua
`response` hook, plus wrk's socket errors and timeouts) and the CPU the server and wrk
used, then the targets of issue 5 beside the figures:

  assess:      >= half the healthz requests/s, p99 < 20 ms, no errors
  assessments: >= 2,000 stored assessments/s, p99 < 50 ms, no errors

After the server stops it counts the rows in the database: fewer rows than 201s
acknowledged would be lost writes.

Usage:
  python3 bench/server.py                  # release build, 64 connections, 2 threads, 15 s each
  python3 bench/server.py --duration 30
  python3 bench/server.py --smoke          # debug build, 4 connections, 1 s: checks the script runs
  python3 bench/server.py --connections 16 --narrative "Orders keep going out late."
                                           # the profile with a narrative (read by meaning
                                           # when the server finds the text model)

Exit status: 0 when every request was answered 2xx, whether or not a target was met (it
reports, it does not judge a machine); 1 when the server failed to start or died, any
request failed (non-2xx, socket error, timeout) or an acknowledged assessment is not in
the database; 2 when wrk is missing (`apt-get install wrk` on Debian/Ubuntu). The same
holds in --smoke mode, so CI notices a broken server or script but never a slow machine.
"""
import argparse
import json
import os
import pathlib
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.error
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent

# One wrk script for every endpoint. Each wrk thread has its own Lua state, so the
# non-2xx count is kept per thread and summed in `done` through the thread handles
# collected in `setup`. `done` prints one JSON line for this script to read.
LUA = r"""
local threads = {}
local body_file = %(body_file)s
wrk.method = %(method)s
if body_file then
  local f = assert(io.open(body_file, "rb"))
  wrk.body = f:read("*a")
  f:close()
  wrk.headers["Content-Type"] = "application/json"
end

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do
    bad = bad + t:get("non2xx")
  end
  local e = summary.errors
  io.write(string.format(
    'NEXTSEAT_RESULT {"requests": %%d, "duration_us": %%d, "non2xx": %%d, ' ..
    '"connect": %%d, "read": %%d, "write": %%d, "timeout": %%d, ' ..
    '"p50_us": %%d, "p99_us": %%d, "max_us": %%d}\n',
    summary.requests, summary.duration, bad, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""

ENDPOINTS = [
    ("healthz", "GET", "/healthz"),
    ("assess", "POST", "/api/v1/assess"),
    ("assessments", "POST", "/api/v1/assessments"),
]


def build(profile: str) -> pathlib.Path:
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    cmd = ["cargo", "build", "--locked", "--quiet", "-p", "nextseat", "--bin", "nextseat"]
    if profile == "release":
        cmd.append("--release")
    subprocess.run(cmd, cwd=ROOT, check=True)
    return target / ("release" if profile == "release" else "debug") / "nextseat"


def cpu_seconds(pid: int) -> float:
    """User + system CPU the process has used so far (/proc/PID/stat, in clock ticks)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Server:
    def __init__(self, binary: pathlib.Path, work: pathlib.Path, reader: str = "phrases"):
        self.reader = reader
        self.db = work / "bench.db"
        self.log = open(work / "server.log", "w+")
        self.proc = subprocess.Popen(
            [str(binary), "serve", "--addr", "127.0.0.1:0",
             "--database", f"sqlite://{self.db}", "--rate-limit", "0"],
            stdout=subprocess.PIPE, stderr=self.log, text=True,
            # By default the load is read by phrase; --reader auto reads by meaning.
            env={**os.environ, "NEXTSEAT_READER": self.reader})
        # The first line names the bound address (port 0: the kernel picks a free one).
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if "http://" not in line:
            self.fail(f"the server did not start (first line {line!r})")
        self.base = "http://" + line.split("http://", 1)[1].split()[0]
        self.wait_healthy()

    def wait_healthy(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.fail(f"the server exited with status {self.proc.returncode}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=1) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.05)
        self.fail(f"GET /healthz did not answer 200 within {timeout:.0f} s")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def fail(self, why: str) -> None:
        if self.alive():
            self.proc.kill()
            self.proc.wait()
        self.log.seek(0)
        tail = "".join(self.log.readlines()[-20:])
        raise SystemExit(f"error: {why}\nserver log (last lines):\n{tail}")


def load(server: Server, work: pathlib.Path, name: str, method: str, path: str,
         body: pathlib.Path, a: argparse.Namespace, seconds: int) -> dict:
    script = work / f"{name}.lua"
    script.write_text(LUA % {
        "body_file": json.dumps(str(body)) if method == "POST" else "nil",
        "method": json.dumps(method),
    })
    cmd = ["wrk", "--latency", "-t", str(a.threads), "-c", str(a.connections),
           "-d", f"{seconds}s", "--timeout", "5s", "-s", str(script), server.base + path]
    cpu_before = cpu_seconds(server.proc.pid)
    wrk_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate()
    wrk_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if not server.alive():
        server.fail(f"the server died during the {name} run")
    cpu_after = cpu_seconds(server.proc.pid)
    line = next((l for l in out.splitlines() if l.startswith("NEXTSEAT_RESULT ")), None)
    if proc.returncode != 0 or line is None:
        server.fail(f"wrk failed on {name} (exit {proc.returncode}):\n{out}\n{err}")
    r = json.loads(line.split(" ", 1)[1])
    wall = r["duration_us"] / 1e6
    r["name"], r["method"], r["path"] = name, method, path
    r["rps"] = r["requests"] / wall
    r["errors"] = r["non2xx"] + r["connect"] + r["read"] + r["write"] + r["timeout"]
    r["server_cores"] = (cpu_after - cpu_before) / wall
    r["wrk_cores"] = (wrk_after.ru_utime + wrk_after.ru_stime
                      - wrk_before.ru_utime - wrk_before.ru_stime) / wall
    r["wrk_output"] = out
    return r


def stored_rows(db: pathlib.Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM assessments").fetchone()[0]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=int, default=15, help="seconds per endpoint")
    ap.add_argument("--warmup", type=int, default=2, help="seconds of load before each run")
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--profile", choices=["release", "dev"], default=None,
                    help="cargo profile to build (default release; dev with --smoke)")
    ap.add_argument("--binary", type=pathlib.Path,
                    help="use this nextseat binary instead of building one")
    ap.add_argument("--show-wrk", action="store_true", help="print wrk's own reports too")
    ap.add_argument("--narrative", help="add this narrative to the example profile")
    ap.add_argument("--reader", choices=["phrases", "auto"], default="phrases",
                    help="the server's reader (default phrases; auto reads by meaning when "
                         "it finds the text model)")
    ap.add_argument("--smoke", action="store_true",
                    help="debug build, 4 connections, 1 s, no warm-up: checks the script runs")
    a = ap.parse_args()
    if a.smoke:
        a.duration, a.warmup, a.connections, a.threads = 1, 0, 4, 1
        a.profile = a.profile or "dev"
    a.profile = a.profile or "release"
    if shutil.which("wrk") is None:
        print("error: wrk is not installed; on Debian or Ubuntu: "
              "apt-get update && apt-get install -y wrk", file=sys.stderr)
        return 2

    binary = a.binary or build(a.profile)
    profile = json.loads(json.dumps(
        tomllib.loads((ROOT / "examples/acme-logistics.toml").read_text())))
    if a.narrative:
        profile["situation"]["narrative"] = a.narrative
    results = []
    with tempfile.TemporaryDirectory(prefix="nextseat-server-bench-") as tmp:
        work = pathlib.Path(tmp)
        body = work / "profile.json"
        body.write_text(json.dumps(profile))
        server = Server(binary, work, a.reader)
        acknowledged = 0
        try:
            for name, method, path in ENDPOINTS:
                runs = [load(server, work, name, method, path, body, a, a.warmup)
                        ] if a.warmup > 0 else []
                runs.append(load(server, work, name, method, path, body, a, a.duration))
                if name == "assessments":
                    acknowledged = sum(r["requests"] - r["non2xx"] for r in runs)
                results.append(runs[-1])
        finally:
            server.stop()
        rows = stored_rows(server.db)

    built = f"binary {binary}" if a.binary else f"{a.profile} build"
    print(f"machine: {os.cpu_count()} cores, wrk and server on the same machine; "
          f"{built}; wrk -t{a.threads} -c{a.connections}, "
          f"{a.duration:g} s per endpoint after {a.warmup:g} s of warm-up"
          + (f"; narrative of {len(a.narrative.split())} words" if a.narrative else "")
          + f"; reader {a.reader}")
    print(f"{'endpoint':<34}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}"
          f"{'non-2xx':>9}{'socket':>8}{'server CPU':>12}{'wrk CPU':>9}")
    for r in results:
        print(f"{r['method'] + ' ' + r['path']:<34}{r['rps']:>10,.0f}{r['p50_us'] / 1e3:>9.2f}"
              f"{r['p99_us'] / 1e3:>9.2f}{r['max_us'] / 1e3:>9.1f}{r['non2xx']:>9}"
              f"{r['errors'] - r['non2xx']:>8}{r['server_cores']:>12.2f}{r['wrk_cores']:>9.2f}")
        if a.show_wrk:
            print(r["wrk_output"])
    health, assess, durable = results
    print("(CPU in cores: 1.00 = one core busy for the whole run)")
    if a.smoke:
        print("(smoke run: a debug build for a second; the figures measure nothing)")
    print(f"\nrows stored: {rows:,}; 201s acknowledged (warm-up and measured runs): "
          f"{acknowledged:,}; the difference is saves in flight when each wrk run "
          f"stopped (at most one a connection a run)")

    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    if a.smoke:
        # A debug build for a second measures nothing: only the errors count.
        errors = sum(r["errors"] for r in results)
        print(f"smoke run: {errors} failed request(s); targets are not judged on a smoke run")
        if errors or rows < acknowledged:
            print("error: requests failed or acknowledged rows are missing", file=sys.stderr)
            return 1
        return 0

    print()
    print(f"assess / healthz throughput : {assess['rps'] / health['rps']:.2f}x"
          f"   (target >= 0.5x)    {verdict(assess['rps'] >= 0.5 * health['rps'])}")
    print(f"assess p99                  : {assess['p99_us'] / 1e3:.2f} ms"
          f"   (target < 20 ms)    {verdict(assess['p99_us'] < 20_000)}")
    print(f"assessments stored/s        : {durable['rps']:,.0f}"
          f"   (target >= 2,000)   {verdict(durable['rps'] >= 2000)}")
    print(f"assessments p99             : {durable['p99_us'] / 1e3:.2f} ms"
          f"   (target < 50 ms)    {verdict(durable['p99_us'] < 50_000)}")
    errors = sum(r["errors"] for r in results)
    print(f"errors, all endpoints       : {errors}"
          f"   (target 0)          {verdict(errors == 0)}")

    failed = False
    if errors:
        print(f"error: {errors} request(s) failed; see the table above", file=sys.stderr)
        failed = True
    if rows < acknowledged:
        print(f"error: {rows} rows stored but more 201s were acknowledged", file=sys.stderr)
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
