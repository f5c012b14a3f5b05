"""Benchmark: time real builds through the command line and record the figures in bench/RESULTS.md.

    python bench/bench.py            # the seed's content: a cold build, then a second build
    python bench/bench.py --runs 5   # median of 5 runs per case

Wall time is measured around the whole process; peak memory is the largest resident set of the
process tree, sampled every 20 ms from /proc.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, in KiB."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            with open(f"/proc/{current}/task/{current}/children") as children:
                pending += [int(c) for c in children.read().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def run(args: list[str], cwd: Path) -> tuple[float, int]:
    """(seconds, peak RSS in MiB) of `python compile.py args`."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, str(ROOT / "compile.py"), *args], cwd=cwd,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_rss_kb(process.pid))
        time.sleep(0.02)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"build failed: {' '.join(args)}\n{process.stderr.read()}")
    return seconds, peak // 1024


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, {platform.system()}"


def versions() -> str:
    from importlib.metadata import version

    names = ["weasyprint", "pypdf", "markdown-it-py", "jinja2", "fonttools", "uharfbuzz"]
    return ", ".join(f"{name} {version(name)}" for name in names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per case; the median is reported")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        cold, second = [], []
        for _ in range(args.runs):
            shutil.rmtree(out, ignore_errors=True)
            cold.append(run(["--out", str(out)], ROOT))
            second.append(run(["--out", str(out)], ROOT))
        for name, samples in (("seed (113 cards), first build", cold), ("seed (113 cards), second build", second)):
            seconds = statistics.median(s for s, _ in samples)
            memory = max(m for _, m in samples)
            rows.append((name, seconds, memory))
            print(f"{name:40s} {seconds:6.2f} s  {memory:5d} MiB")
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmark results",
        "",
        f"Measured {stamp} by `python bench/bench.py --runs {args.runs}` (median wall time of the whole "
        "`python compile.py` process; peak RSS of its process tree).",
        "",
        f"- Machine: {machine()}",
        f"- Versions: {versions()}",
        "",
        "| case | wall time | peak RSS |",
        "| --- | ---: | ---: |",
    ]
    lines += [f"| {name} | {seconds:.2f} s | {memory} MiB |" for name, seconds, memory in rows]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
