"""Benchmark: flashcards.pdf alone, for the seed's content repeated 1, 5 and 10 times.

    python bench/flashcards.py             # 113, 565 and 1,130 cards, median of 3 runs each
    python bench/flashcards.py --runs 5 --times 1 10

Each deck is content/ copied N times with the chapters renumbered, in a temporary folder, built
through the command line with `outputs = ["flashcards"]`. Reported per deck: wall time of the
whole `python compile.py` process, and the CPU time of it and its workers (user + system), which
says more than wall time on a machine shared with other work.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"


def make_deck(folder: Path, times: int) -> Path:
    """content/ repeated `times` times, chapter numbers made unique (copy k adds 20 × k)."""
    (folder / "content").mkdir(parents=True)
    for copy in range(times):
        for source in sorted(CONTENT.glob("*.md")):
            lines = source.read_text(encoding="utf-8").split("\n")
            title = re.sub(r"^#\s*第\s*\S+?\s*章[-\s]*", "", lines[0])
            lines[0] = f"# 第 {copy * 20 + int(source.stem[2:])} 章-{title}"
            (folder / "content" / f"r{copy:02d}_{source.name}").write_text("\n".join(lines), encoding="utf-8")
    (folder / "studyguide.toml").write_text('[build]\noutputs = ["flashcards"]\n', encoding="utf-8")
    return folder


def run(folder: Path) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the process tree, the summary line) of one build."""
    before = os.times()
    started = time.perf_counter()
    result = subprocess.run([sys.executable, str(ROOT / "compile.py"), "--out", str(folder / "out")], cwd=folder,
                            capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = os.times()
    if result.returncode != 0:
        raise SystemExit(f"build failed in {folder}\n{result.stderr}")
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, cpu, result.stdout.strip().splitlines()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per deck; the median is reported")
    parser.add_argument("--times", type=int, nargs="+", default=[1, 5, 10], help="copies of content/ per deck")
    args = parser.parse_args()
    print(f"{'cards':>6}  {'wall (median)':>13}  {'CPU (median)':>12}  {'wall per 1,000 cards':>20}")
    with tempfile.TemporaryDirectory() as tmp:
        for times in args.times:
            folder = make_deck(Path(tmp) / f"deck{times}", times)
            samples = [run(folder) for _ in range(args.runs)]
            wall = statistics.median(s[0] for s in samples)
            cpu = statistics.median(s[1] for s in samples)
            cards = int(re.search(r"(\d+) cards", samples[0][2]).group(1))
            print(f"{cards:>6}  {wall:>11.2f} s  {cpu:>10.2f} s  {wall / cards * 1000:>18.2f} s", flush=True)


if __name__ == "__main__":
    main()
