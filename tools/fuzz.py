"""The long fuzz run: the property tests of hostile and real-world content, with many more examples.

    python tools/fuzz.py [--minutes 20] [--scale 20] [--report tools/FUZZ.md]

Rounds of the property tests (tests/test_hostile_property.py, tests/test_read_property.py) run
one after another, each with a new Hypothesis seed and `--scale` times the examples the test
suite uses, until the time is up. Every round's seed, examples and outcome are printed and
written to the report, with the falsifying example of any failure (re-run it with
`pytest --hypothesis-seed=SEED`).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HISTORY = "## Earlier runs"
TESTS = ["tests/test_hostile_property.py", "tests/test_read_property.py"]
# examples per round at scale 1, as the tests set them
BASE = {"test_markdown_special_characters_never_crash_and_lose_nothing_in_reading": 300,
        "test_no_character_of_the_source_is_lost_on_the_way_to_the_pdf": 6,
        "test_every_card_is_found_exactly": 150, "test_no_text_is_ever_lost": 150,
        "test_no_text_is_lost_from_any_text_at_all": 150}


def run_round(seed: int, scale: int) -> tuple[bool, float, str]:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--hypothesis-seed={seed}", *TESTS],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, "STUDYGUIDE_FUZZ_SCALE": str(scale)})
    return result.returncode == 0, time.perf_counter() - started, result.stdout + result.stderr


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=20)
    parser.add_argument("--scale", type=int, default=20)
    parser.add_argument("--report", type=Path, default=ROOT / "tools" / "FUZZ.md")
    args = parser.parse_args()

    started, deadline = time.perf_counter(), time.perf_counter() + args.minutes * 60
    rounds: list[tuple[int, bool, float]] = []
    failures: list[tuple[int, str]] = []
    seed = int(time.time()) % 1_000_000
    while time.perf_counter() < deadline:
        ok, seconds, output = run_round(seed, args.scale)
        rounds.append((seed, ok, seconds))
        summary = output.strip().splitlines()[-1] if output.strip() else ""
        print(f"round {len(rounds)}: seed {seed}, {seconds:.0f} s, {'passed' if ok else 'FAILED'} ({summary})",
              flush=True)
        if not ok:
            failures.append((seed, _falsifying(output)))
        seed += 1
    total = time.perf_counter() - started
    examples = sum(BASE.values()) * args.scale * len(rounds)
    print(f"{len(rounds)} rounds, about {examples:,} examples, {total / 60:.1f} minutes, "
          f"{len(failures)} failing round(s)")
    _report(args, rounds, failures, total, examples)
    return 1 if failures else 0


def _falsifying(output: str) -> str:
    found = re.findall(r"(Falsifying example:.*?)(?:\n\n|\Z)", output, re.S)
    errors = re.findall(r"^E .*$", output, re.M)
    return "\n".join(found[:3] + errors[:20]) or output[-3000:]


def _report(args, rounds, failures, total: float, examples: int) -> None:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    lines = [
        "# Fuzz run",
        "",
        f"Written by `python tools/fuzz.py --minutes {args.minutes:g} --scale {args.scale}` on "
        f"{datetime.date.today().isoformat()}; {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}.",
        "",
        f"- ran for **{total / 60:.1f} minutes**: {len(rounds)} rounds of {', '.join(f'`{t}`' for t in TESTS)}, "
        f"each with its own seed and {args.scale}× the suite's examples (about **{examples:,} examples** in all);",
        f"- found **{len(failures)} failing round(s)**.",
        "",
        "| round | seed | seconds | outcome |",
        "| ---: | ---: | ---: | --- |",
    ]
    lines += [f"| {n} | {seed} | {seconds:.0f} | {'passed' if ok else 'failed'} |"
              for n, (seed, ok, seconds) in enumerate(rounds, start=1)]
    for seed, detail in failures:
        lines += ["", f"## Seed {seed}", "", "```text", detail, "```"]
    text = "\n".join(lines) + "\n"
    old = args.report.read_text(encoding="utf-8") if args.report.exists() else ""
    if HISTORY in old:  # what earlier runs found, kept by hand below the latest run
        text += "\n" + old[old.index(HISTORY):]
    args.report.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
