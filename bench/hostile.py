#!/usr/bin/env python3
"""Hostile bodies against a local server: how long a 1 MiB profile with ~100k unknown
sign ids takes to refuse, and how /healthz answers meanwhile (issue 10, point 1).

Starts `nextseat serve` (release build unless --binary) on 127.0.0.1 with a fresh SQLite
file and the rate limiter off, then for --rounds rounds sends --parallel such bodies to
POST /api/v1/assess at once while another thread asks /healthz every 20 ms. Prints the
median and worst times of both, the 422's size and the number of problems it lists.

  python3 bench/hostile.py                    # release build, 2 bodies at once, 5 rounds
  python3 bench/hostile.py --binary target/debug/nextseat --rounds 1

Exit 0 when it ran (figures are reported, not judged); 1 when the server failed.
"""

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent


def hostile_body(ids: int) -> bytes:
    body = {"company": {"employees": 10}, "situation": {"signs": [f"x{i}" for i in range(ids)]}}
    return json.dumps(body).encode()


def post(url: str, data: bytes) -> tuple[float, int, bytes]:
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            body, status = r.read(), r.status
    except urllib.error.HTTPError as e:
        body, status = e.read(), e.code
    return time.perf_counter() - start, status, body


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", type=pathlib.Path, help="nextseat binary (default: build release)")
    ap.add_argument("--parallel", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--ids", type=int, default=104_000, help="unknown sign ids per body (~1 MiB)")
    args = ap.parse_args()
    binary = args.binary
    if binary is None:
        subprocess.run(["cargo", "build", "--release", "--locked", "--quiet", "-p", "nextseat"],
                       cwd=ROOT, check=True)
        binary = ROOT / "target" / "release" / "nextseat"
    data = hostile_body(args.ids)
    with tempfile.TemporaryDirectory(prefix="nextseat-hostile-") as tmp:
        proc = subprocess.Popen(
            [str(binary), "serve", "--addr", "127.0.0.1:0", "--database",
             f"sqlite://{tmp}/h.db", "--rate-limit", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            env={**os.environ, "NEXTSEAT_READER": "phrases"})
        line = proc.stdout.readline() if proc.stdout else ""
        if "http://" not in line:
            print(f"the server did not start: {line!r}", file=sys.stderr)
            return 1
        base = "http://" + line.split("http://", 1)[1].split()[0]
        bodies, health = [], []
        done = threading.Event()

        def probe() -> None:
            while not done.is_set():
                start = time.perf_counter()
                try:
                    with urllib.request.urlopen(base + "/healthz", timeout=30) as r:
                        r.read()
                except (urllib.error.URLError, TimeoutError):
                    pass
                health.append(time.perf_counter() - start)
                done.wait(0.02)

        prober = threading.Thread(target=probe)
        prober.start()
        size = problems = status = 0
        try:
            for _ in range(args.rounds):
                results: list[tuple[float, int, bytes]] = []
                threads = [threading.Thread(target=lambda: results.append(post(base + "/api/v1/assess", data)))
                           for _ in range(args.parallel)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                for secs, status, body in results:
                    bodies.append(secs)
                    size = len(body)
                    try:
                        problems = len(json.loads(body).get("errors", []))
                    except ValueError:
                        problems = -1
        finally:
            done.set()
            prober.join()
            proc.terminate()
            proc.wait(timeout=10)
    ms = lambda xs: f"median {statistics.median(xs) * 1000:.0f} ms, worst {max(xs) * 1000:.0f} ms"
    print(f"body: {len(data):,} bytes, {args.ids:,} unknown sign ids; {args.parallel} at once, {args.rounds} rounds")
    print(f"answer: HTTP {status}, {size:,} bytes, {problems} problems listed")
    print(f"POST /api/v1/assess: {ms(bodies)} ({len(bodies)} requests)")
    print(f"GET /healthz meanwhile: {ms(health)} ({len(health)} probes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
