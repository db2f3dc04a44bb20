#!/usr/bin/env python3
"""Batch throughput and memory, measured side by side in one run.

On the same generated CSV (every contract column filled, up to five signs a row, a
one- or two-sentence narrative), this times:

  python   bench/csv_copy.py      the standard library's csv read-and-write
  floor    csv-passthrough        a Rust ByteRecord read-and-write (moving the bytes)
  nextseat nextseat batch         the real thing, every row assessed

in interleaved rounds (python, floor, nextseat, python, ...) so that a noisy machine
slows all three alike, and reports the median of each. It then times nextseat on 4x the
rows (the scaling check) and measures the peak memory of a 1M-row batch.

Usage:
  python3 bench/batch.py                 # 400k rows, 5 rounds, 1.6M scaling, 1M memory
  python3 bench/batch.py --smoke         # tiny inputs, one round: checks the script runs
  python3 bench/batch.py --reader auto   # narratives read by meaning (needs the model)

Targets (issue 5): nextseat <= 0.35x python and <= 2x the floor; 4x the rows costs
3-5x the time; a 1M-row batch peaks under 100 MiB. The script prints each figure
beside its target and exits 0 either way: it reports, it does not judge a machine.
"""
import argparse
import os
import pathlib
import statistics
import subprocess
import sys
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
# How nextseat reads the narratives (--reader): by phrase unless asked, so the figures
# compare like with like across versions; `auto` with the text model reads by meaning.
READER = "phrases"


def build(profile: str) -> tuple[pathlib.Path, pathlib.Path]:
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    subprocess.run(
        ["cargo", "build", "--profile", profile, "--locked", "--quiet", "-p", "nextseat",
         "--bin", "nextseat", "--example", "csv-passthrough"],
        cwd=ROOT, check=True)
    out = target / ("debug" if profile == "dev" else profile)
    return out / "nextseat", out / "examples" / "csv-passthrough"


def generate(rows: int, path: pathlib.Path) -> None:
    if path.exists():
        return
    tmp = path.with_suffix(".tmp")
    subprocess.run([sys.executable, str(ROOT / "bench/gen_batch.py"), str(rows), str(tmp)],
                   check=True)
    tmp.rename(path)


def peak_rss_mib(pid: int) -> float | None:
    """The process's resident high-water mark (VmHWM), or None once it has exited."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def run(cmd: list[str]) -> dict:
    """Runs cmd; returns wall seconds, CPU seconds and peak RSS in MiB of that process.

    The peak is the kernel's high-water mark for the program itself, read from /proc
    while it runs (wait4's ru_maxrss would include the Python process it was forked
    from). The mark only grows, so the last reading before exit is the peak up to then.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, "NEXTSEAT_READER": READER})
    peak = [0.0]
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.005):
            hwm = peak_rss_mib(proc.pid)
            if hwm is not None:
                peak[0] = max(peak[0], hwm)

    watcher = threading.Thread(target=watch)
    watcher.start()
    err = proc.stderr.read().decode() if proc.stderr else ""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    watcher.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed with exit {proc.returncode}:\n{err}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mib": peak[0]}


def median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=400_000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--memory-rows", type=int, default=1_000_000)
    ap.add_argument("--work", default=os.environ.get("NEXTSEAT_BENCH_DIR", "/tmp/nextseat-bench"),
                    help="where generated inputs are kept between runs")
    ap.add_argument("--profile", default="release",
                    help="cargo profile to build and measure (default release)")
    ap.add_argument("--smoke", action="store_true",
                    help="tiny inputs, one round, the debug build: checks that the script runs")
    ap.add_argument("--reader", default="phrases", choices=["phrases", "auto", "meaning"],
                    help="how nextseat reads the narratives (default phrases)")
    a = ap.parse_args()
    global READER
    READER = a.reader
    if a.smoke:
        a.rows, a.rounds, a.memory_rows, a.profile = 2_000, 1, 4_000, "dev"
    work = pathlib.Path(a.work)
    work.mkdir(parents=True, exist_ok=True)

    nextseat, floor = build(a.profile)
    base = work / f"batch-{a.rows}.csv"
    big = work / f"batch-{4 * a.rows}.csv"
    mem = work / f"batch-{a.memory_rows}.csv"
    for rows, path in [(a.rows, base), (4 * a.rows, big), (a.memory_rows, mem)]:
        generate(rows, path)
    out = work / "out.csv"
    commands = {
        "python": [sys.executable, str(ROOT / "bench/csv_copy.py"), str(base), str(out)],
        "floor": [str(floor), str(base), str(out)],
        "nextseat": [str(nextseat), "batch", str(base), "-o", str(out), "--quiet"],
    }
    results: dict[str, list[dict]] = {k: [] for k in commands}
    for _ in range(a.rounds):
        for name, cmd in commands.items():
            results[name].append(run(cmd))
    scaled = [run([str(nextseat), "batch", str(big), "-o", str(out), "--quiet"])
              for _ in range(a.rounds)]
    memory = run([str(nextseat), "batch", str(mem), "-o", str(out), "--quiet"])
    out.unlink(missing_ok=True)

    py, fl, ns = (median(results[k], "wall") for k in ("python", "floor", "nextseat"))
    big_wall = median(scaled, "wall")
    print(f"machine: {os.cpu_count()} cores; profile {a.profile}; "
          f"{a.rounds} interleaved round(s); medians")
    print(f"{'command':<34}{'rows':>10}{'wall s':>9}{'cpu s':>9}{'rows/s':>12}{'peak MiB':>10}")
    for name, runs in results.items():
        w = median(runs, "wall")
        print(f"{name:<34}{a.rows:>10}{w:>9.3f}{median(runs, 'cpu'):>9.3f}"
              f"{a.rows / w:>12,.0f}{median(runs, 'rss_mib'):>10.1f}")
    print(f"{'nextseat (4x rows)':<34}{4 * a.rows:>10}{big_wall:>9.3f}"
          f"{median(scaled, 'cpu'):>9.3f}{4 * a.rows / big_wall:>12,.0f}"
          f"{median(scaled, 'rss_mib'):>10.1f}")
    print(f"{'nextseat (memory run)':<34}{a.memory_rows:>10}{memory['wall']:>9.3f}"
          f"{memory['cpu']:>9.3f}{a.memory_rows / memory['wall']:>12,.0f}"
          f"{memory['rss_mib']:>10.1f}")
    print()
    def spread(other: str) -> str:
        """The ratio within each round (the contenders ran back to back), lowest-highest."""
        r = [n["wall"] / o["wall"] for n, o in zip(results["nextseat"], results[other])]
        return f"{min(r):.2f}-{max(r):.2f}"

    if a.smoke:
        # Tiny inputs measure start-up, not throughput: no ratios, no targets.
        print("smoke run: the script and the three commands ran; the figures above mean nothing")
        return 0
    print(f"nextseat / python copy : {ns / py:.2f}x   (target <= 0.35x; rounds {spread('python')})")
    print(f"nextseat / floor       : {ns / fl:.2f}x   (target <= 2x; rounds {spread('floor')})")
    print(f"4x rows / 1x rows      : {big_wall / ns:.2f}x   (target 3-5x)")
    print(f"peak memory, {a.memory_rows} rows: {memory['rss_mib']:.1f} MiB   (target < 100 MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
