"""Benchmark: real builds through the command line, on decks made by repeating the seed's chapters.

    python bench/bench.py                       # all sizes (113 … 11,300 cards), median of 3 runs
    python bench/bench.py --sizes 113 1130 --runs 1
    python bench/bench.py --compare-sizes       # also the 11,300-card flashcards in one process

For each deck it times cases of `python compile.py` (every default output: the three workbook
editions, flashcards, HTML pages and the study page): a cold build (no cache), a build with
nothing changed, a build after editing one answer, the same edit saved while `watch` runs (from
the save to every output replaced), a build with a setting that only moves cards on the sheet
(`--flip short`, then `--cut marks` as well, then `--band` as well), and `check` and `export csv`
on a warm cache. The edits and settings are
reported as a share of the cold build in the same run, since absolute times drift from hour to
hour on a shared machine. `--before DIR` also times cold builds with the code in DIR (another
checkout), alternating with this one, to show the cold build before and after a change.

It also times peers on the same cards (see bench/peers.py): a minimal WeasyPrint document (the
engine's floor) and Typst, if its PyPI package is installed.

Wall time is measured around the whole process; memory is the peak resident set of the whole
process tree, sampled every 20 ms from /proc. Each output's own time comes from the build's
summary table. Results go to bench/RESULTS.md, beside the targets they are measured against.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import peers

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
SIZES = (113, 1130, 5650, 11300)
ENV = dict(os.environ, PYTHONUNBUFFERED="1")  # XDG_CACHE_HOME is set to the run's own folder in main()
NOTES = "## Where the time goes"


@dataclass
class Run:
    seconds: float
    peak_mib: int
    outputs: dict[str, float] = field(default_factory=dict)  # file → seconds, from the summary
    rendered: int = 0
    cached: int = 0
    cpu: float = 0.0  # user + system seconds of the whole process tree (its workers included)


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, in KiB."""
    total, pending = 0, [pid]
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


def _tree_cpu(pid: int) -> float:
    """User + system seconds of a running process and its descendants (those it waited for too)."""
    total, pending, tick = 0, [pid], os.sysconf("SC_CLK_TCK")
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
            with open(f"/proc/{current}/task/{current}/children") as children:
                pending += [int(c) for c in children.read().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError, IndexError, ValueError):
            continue
    return total / tick


def build(project: Path, *args: str, code: Path = ROOT) -> Run:
    return timed([sys.executable, str(code / "compile.py"), *args], project)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # processes waited for, and theirs
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], cwd: Path) -> Run:
    cpu = _children_cpu()
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_rss_kb(process.pid))
        time.sleep(0.02)
    seconds = time.perf_counter() - started
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"failed in {cwd}: {' '.join(command)}\n{stderr}")
    run = Run(seconds, peak // 1024, cpu=_children_cpu() - cpu)
    for line in stdout.splitlines():
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) >= 5 and cells[0].startswith("out/") and re.fullmatch(r"[\d.]+", cells[4]):
            run.outputs[cells[0].removeprefix("out/")] = float(cells[4])
        match = re.search(r"(\d+) pieces? rendered, (\d+) from cache", line)
        if match:
            run.rendered, run.cached = int(match[1]), int(match[2])
    return run


def make_deck(folder: Path, cards: int) -> None:
    """`cards` questions made by repeating the seed's chapters, each copy with its own text."""
    chapters = sorted((ROOT / "content").glob("*.md"))
    per_copy = sum(len(re.findall(r"(?m)^\d+\.\s", p.read_text(encoding="utf-8"))) for p in chapters)
    copies = max(1, round(cards / per_copy))
    content = folder / "content"
    content.mkdir(parents=True)
    for copy in range(1, copies + 1):
        for path in chapters:
            text = path.read_text(encoding="utf-8")
            if copies > 1:
                text = _copy(text, copy, len(chapters))
            (content / f"{copy:03d}-{path.name}").write_text(text, encoding="utf-8")
    (folder / "studyguide.toml").write_text('[guide]\ntitle = "基准测试"\n', encoding="utf-8")


def _copy(text: str, copy: int, per_copy: int) -> str:
    """The chapter as the copy-th copy: a chapter number of its own, and every answer marked."""
    lines = []
    for line in text.split("\n"):
        heading = re.match(r"^# 第\s*(\S+?)\s*章-(.*)$", line)
        if heading:
            lines.append(f"# {heading[2]}（{copy}）")  # numbered in order, after the copies before it
        elif line.strip() and not line.rstrip().endswith(("？", "?")):
            lines.append(f"{line}（第 {copy} 份）")
        else:
            lines.append(line)
    return "\n".join(lines)


def edit_one_answer(project: Path, round_: int) -> None:
    path = sorted((project / "content").glob("*.md"))[len(list((project / "content").glob("*.md"))) // 2]
    lines = path.read_text(encoding="utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith("    ") and line.strip())
    lines[index] += f"（修订 {round_}）"
    path.write_text("\n".join(lines), encoding="utf-8")


def clear_cache() -> None:
    shutil.rmtree(ENV["XDG_CACHE_HOME"], ignore_errors=True)


def watched_edit(project: Path, round_: int) -> Run:
    """`watch` running and warm: the time from saving an edited answer to the end of the build
    it sets off (the summary is printed once every output is replaced)."""
    process = subprocess.Popen([sys.executable, str(ROOT / "compile.py"), "watch"], cwd=project, env=ENV,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    try:
        for line in process.stdout:
            if line.startswith("watching"):
                break
        else:
            raise SystemExit(f"watch ended early in {project}")
        time.sleep(1.0)  # let the watcher settle on its folders
        cpu = _tree_cpu(process.pid)
        started = time.perf_counter()
        edit_one_answer(project, round_)
        changed = False
        peak = 0
        for line in process.stdout:
            peak = max(peak, _tree_rss_kb(process.pid))
            changed = changed or line.startswith("changed:")
            if changed and re.search(r"\d+ chapters?, \d+ cards?", line):
                return Run(time.perf_counter() - started, peak // 1024, cpu=_tree_cpu(process.pid) - cpu)
        raise SystemExit(f"watch ended before rebuilding in {project}")
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def measure(size: int, runs: int, work: Path, before: Path | None = None) -> dict[str, list[Run]]:
    results: dict[str, list[Run]] = {case: [] for case in CASES + PEERS}
    if before is not None:
        results["cold (before)"] = []
    project = work / f"deck-{size}"
    make_deck(project, size)
    for round_ in range(runs):
        if before is not None:
            shutil.rmtree(project / "out", ignore_errors=True)
            shutil.rmtree(project / ".cache", ignore_errors=True)  # where older versions kept it
            clear_cache()
            _add(results, size, "cold (before)", build(project, code=before))
        shutil.rmtree(project / "out", ignore_errors=True)
        clear_cache()
        _add(results, size, "cold", build(project))
        _add(results, size, "no-op", build(project))
        edit_one_answer(project, 2 * round_)
        _add(results, size, "edit", build(project))
        _add(results, size, "watch edit", watched_edit(project, 2 * round_ + 1))
        _add(results, size, "flip", build(project, "--flip", "short"))
        _add(results, size, "cut marks", build(project, "--flip", "short", "--cut", "marks"))
        _add(results, size, "band", build(project, "--flip", "short", "--cut", "marks", "--band"))
        _add(results, size, "check", build(project, "check"))
        _add(results, size, "export csv", build(project, "export", "csv"))
    cards = work / f"cards-{size}"
    make_deck(cards, size)
    (cards / "studyguide.toml").write_text('[build]\noutputs = ["flashcards"]\n', encoding="utf-8")
    page, source = peers.write_inputs(cards / "content", work / f"peers-{size}")
    for _ in range(runs):
        clear_cache()
        _add(results, size, "flashcards cold", build(cards, "--force"))
        peer = [sys.executable, str(ROOT / "bench" / "peers.py")]
        _add(results, size, "peer: WeasyPrint, minimal", timed(peer + ["weasyprint", str(page), "peer.pdf"], cards))
        if _has("typst"):
            _add(results, size, "peer: Typst", timed(peer + ["typst", str(source), "peer.pdf"], cards))
    shutil.rmtree(project)
    shutil.rmtree(cards)
    return {case: samples for case, samples in results.items() if samples}


def _add(results: dict[str, list[Run]], size: int, case: str, run: Run) -> None:
    results[case].append(run)
    print(f"{size:>6} cards  {case:26s} {run.seconds:7.2f} s  {run.peak_mib:6d} MiB", flush=True)


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def compare_sizes(work: Path) -> tuple[int, int]:
    """(bytes of the 11,300-card flashcards.pdf as built, bytes when rendered in one process)."""
    project = work / "compare"
    make_deck(project, 11300)
    (project / "studyguide.toml").write_text('[build]\noutputs = ["flashcards"]\n', encoding="utf-8")
    build(project, "--force")
    pieces = (project / "out" / "flashcards.pdf").stat().st_size
    build(project, "--force", "--jobs", "1", "--chunk-cards", "100000", "--out", "whole")
    whole = (project / "whole" / "flashcards.pdf").stat().st_size
    shutil.rmtree(project)
    return pieces, whole


def machine() -> str:
    cpu = "unknown CPU"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def versions() -> str:
    from importlib.metadata import version

    names = ["weasyprint", "pypdf", "markdown-it-py", "jinja2", "fonttools", "uharfbuzz"]
    found = ", ".join(f"{name} {version(name)}" for name in names)
    pango = subprocess.run(["pkg-config", "--modversion", "pango"], capture_output=True, text=True).stdout.strip()
    return found + (f", Pango {pango}" if pango else "")


CASES = ("cold", "no-op", "edit", "watch edit", "flip", "cut marks", "band", "check", "export csv", "flashcards cold")
PEERS = ("peer: WeasyPrint, minimal", "peer: Typst")
# (deck, case) → the largest share of the same run's cold build, as the issues set them
SHARES = {(113, "edit"): 0.25, (113, "watch edit"): 0.15, (11300, "edit"): 0.05}
SHARES_ANY = {"flip": 0.15, "cut marks": 0.15, "band": 0.15, "check": 0.10, "export csv": 0.10}
TARGETS = {  # (deck, case) → (target seconds, or None), as the issues set them
    (113, "cold"): 2.5, (113, "no-op"): 0.5, (113, "edit"): 1.2,
    (1130, "flashcards cold"): 6.0, (11300, "cold"): 90.0,
}


def report(all_results: dict[int, dict[str, list[Run]]], command: str, sizes_check: tuple[int, int] | None) -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = ["# Benchmark results", "",
             f"Measured {stamp} with `{command}`: the median wall time of the whole "
             "`python compile.py` process over the runs, and the peak resident memory of its process tree "
             "(the main process and its rendering workers). Every build makes all default outputs.", "",
             f"- Machine: {machine()}", f"- Versions: {versions()}", "",
             "| cards | case | runs | wall time | share of cold | target | peak RSS | pieces rendered / from cache |",
             "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    medians = {}
    for size, results in all_results.items():
        cold = statistics.median(s.seconds for s in results["cold"])
        for case, samples in results.items():
            seconds = statistics.median(s.seconds for s in samples)
            medians[(size, case)] = seconds
            share = seconds / cold
            target, mark = "", ""
            limit = SHARES.get((size, case), SHARES_ANY.get(case))
            if limit is not None:
                target, mark = f"≤ {limit:.0%}", " ✓" if share <= limit else " ✗"
            elif TARGETS.get((size, case)) is not None:
                limit = TARGETS[(size, case)]
                target, mark = f"≤ {limit} s", " ✓" if seconds <= limit else " ✗"
            peak = max(s.peak_mib for s in samples)
            pieces = f"{samples[-1].rendered} / {samples[-1].cached}" if not case.startswith("peer") else ""
            lines.append(f"| {size:,} | {case} | {len(samples)} | {seconds:.2f} s | {share:.0%} | {target}{mark} | "
                         f"{peak:,} MiB | {pieces} |")
    lines += ["", "Each row's share is its median over the median cold build of the same deck in the same run; "
              "`watch edit` is timed from saving the file to the end of the build it sets off.", ""]
    peer_lines = []
    for size, results in all_results.items():
        ours = medians.get((size, "flashcards cold"))
        ratios = [f"{ours / medians[(size, case)]:.1f}× {case.removeprefix('peer: ')}"
                  for case in ("peer: WeasyPrint, minimal", "peer: Typst") if (size, case) in medians]
        if ours and ratios:
            peer_lines.append(f"| {size:,} | {ours:.2f} s | " + " | ".join(
                f"{medians[(size, case)]:.2f} s" if (size, case) in medians else "" for case in
                ("peer: WeasyPrint, minimal", "peer: Typst")) + " | " + ", ".join(ratios) + " |")
    if peer_lines:
        lines += ["Our flashcards (cold, flashcards only) against the peers on the same cards, whole processes, "
                  "medians:", "", "| cards | studyguide | WeasyPrint, minimal | Typst | studyguide is |",
                  "| ---: | ---: | ---: | ---: | --- |"] + peer_lines + [""]
    befores = [size for size in all_results if (size, "cold (before)") in medians]
    if befores:
        lines += ["Cold builds before and after, alternating in the same run, medians: " + "; ".join(
            f"{size:,} cards {medians[(size, 'cold (before)')]:.2f} s before, {medians[(size, 'cold')]:.2f} s after"
            for size in befores) + ".", ""]

        def cpu(size: int, case: str) -> float:
            return statistics.median(run.cpu for run in all_results[size][case])

        lines += ["CPU time (user + system of the whole process tree) of the same cold builds, medians, which "
                  "a busy machine moves far less than wall time: " + "; ".join(
                      f"{size:,} cards {cpu(size, 'cold (before)'):.2f} s before, {cpu(size, 'cold'):.2f} s after "
                      f"({cpu(size, 'cold') / cpu(size, 'cold (before)') - 1:+.0%})" for size in befores) + ".", ""]
    cpu_rows = []
    for size, results in all_results.items():
        cold_cpu = statistics.median(run.cpu for run in results["cold"])
        for case, samples in results.items():
            if not case.startswith("peer"):
                spent = statistics.median(run.cpu for run in samples)
                cpu_rows.append(f"| {size:,} | {case} | {spent:.2f} s | {spent / cold_cpu:.0%} |")
    if cpu_rows:
        lines += ["CPU time of each case (user + system of the whole process tree; for `watch edit`, what the "
                  "watching process and its workers spent from the save to the end of the build), median, and "
                  "its share of the cold build's:", "",
                  "| cards | case | CPU time | share of cold |", "| ---: | --- | ---: | ---: |"] + cpu_rows + [""]
    lines += ["Peak RSS target for 11,300 cards, cold: ≤ 2,048 MiB.", ""]
    if (11300, "cold") in medians and (1130, "cold") in medians:
        ratio = medians[(11300, "cold")] / medians[(1130, "cold")]
        lines.append(f"t(11,300) / t(1,130), cold full builds: **{ratio:.1f}** (target ≤ 11)")
    if (11300, "flashcards cold") in medians and (1130, "flashcards cold") in medians:
        ratio = medians[(11300, "flashcards cold")] / medians[(1130, "flashcards cold")]
        lines.append(f"t(11,300) / t(1,130), flashcards only: **{ratio:.1f}**; 1,130 flashcards: "
                     f"{medians[(1130, 'flashcards cold')]:.2f} s (target ≤ 6 s)")
    if sizes_check:
        pieces, whole = sizes_check
        lines.append(f"11,300-card flashcards.pdf: {pieces / 1e6:.1f} MB rendered in pieces, {whole / 1e6:.1f} MB "
                     f"in one process: **{pieces / whole:.2f}×** (limit 1.2×)")
    lines += ["", "Time per output in the cold builds (seconds the workers spent on its pieces, plus its "
              "finishing), median:", "", "| cards | " + " | ".join(_output_names(all_results)) + " |",
              "| ---: |" + " ---: |" * len(_output_names(all_results))]
    for size, results in all_results.items():
        cells = []
        for name in _output_names(all_results):
            values = [s.outputs[name] for s in results["cold"] if name in s.outputs]
            cells.append(f"{statistics.median(values):.2f}" if values else "")
        lines.append(f"| {size:,} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _output_names(all_results) -> list[str]:
    names: list[str] = []
    for results in all_results.values():
        for run in results["cold"]:
            names += [name for name in run.outputs if name not in names]
    return names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="deck sizes, in cards")
    parser.add_argument("--runs", type=int, default=3, help="runs per case; the median is reported")
    parser.add_argument("--large-runs", type=int, default=None,
                        help="runs per case for decks of 5,000 cards or more (default: --runs)")
    parser.add_argument("--compare-sizes", action="store_true",
                        help="also render the 11,300-card flashcards in one process, to compare file sizes")
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/RESULTS.md alone")
    parser.add_argument("--before", type=Path, metavar="DIR",
                        help="a checkout of the code before a change: its cold builds are timed too, alternating")
    args = parser.parse_args()
    all_results = {}
    with tempfile.TemporaryDirectory(prefix="studyguide-bench-") as tmp:
        ENV["XDG_CACHE_HOME"] = str(Path(tmp) / "cache")  # the builds' caches, cleared for each cold build
        for size in args.sizes:
            runs = args.runs if size < 5000 or args.large_runs is None else args.large_runs
            all_results[size] = measure(size, runs, Path(tmp), args.before and args.before.resolve())
        sizes_check = compare_sizes(Path(tmp)) if args.compare_sizes else None
    command = " ".join(["python bench/bench.py"] + sys.argv[1:])
    text = report(all_results, command, sizes_check)
    print(text)
    if not args.no_write:
        # the analysis written by hand below the figures (where the time goes) stays
        old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
        if NOTES in old:
            text += "\n" + old[old.index(NOTES):]
        RESULTS.write_text(text, encoding="utf-8")
        print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
