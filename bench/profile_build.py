"""Where a build's time goes: a cProfile of one whole build in one process, by stage.

    python bench/profile_build.py [--cards 113] [--flashcards] [--top 15]

Builds a deck of the given size (made as bench/bench.py makes them) with `--jobs 1 --force`, so
rendering happens in the profiled process too, and prints the CPU time of each stage: reading,
templates, WeasyPrint's HTML parsing, style cascade, layout and PDF drawing, font subsetting,
joining, and imports. A function's own time counts for the stage of the code it is in; time in
C functions (Pango, HarfBuzz, zlib) counts for the stage of whoever called them.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

# (stage, path fragments), the first match wins
STAGES = [
    ("imports", ("<frozen importlib", "importlib/")),
    ("WeasyPrint: style cascade and selectors", ("weasyprint/css", "cssselect2", "tinycss2")),
    ("WeasyPrint: HTML parsing and boxes", ("html5lib", "weasyprint/html", "weasyprint/formatting_structure",
                                            "webencodings", "xml/etree")),
    ("WeasyPrint: layout and line breaking (Pango)", ("weasyprint/layout", "weasyprint/text")),
    ("font subsetting", ("fontTools", "uharfbuzz", "weasyprint/pdf/fonts")),
    ("WeasyPrint: drawing and writing the PDF", ("weasyprint/draw", "weasyprint/pdf", "weasyprint/stacking",
                                                 "weasyprint/document", "pydyf", "weasyprint/matrix",
                                                 "weasyprint/images", "weasyprint/svg")),
    ("joining pieces (pikepdf)", ("pikepdf", "studyguide/printing/assemble")),
    ("reading and checking the content", ("studyguide/read", "studyguide/check", "studyguide/fonts",
                                          "markdown_it", "mdit_py_plugins")),
    ("Markdown to HTML and templates", ("studyguide/markdown", "studyguide/layout", "jinja2", "markupsafe",
                                        "pygments")),
    ("studyguide: the rest (planning, cache, writing)", ("studyguide",)),
]


def stage_of(filename: str) -> str | None:
    for stage, fragments in STAGES:
        if any(fragment in filename for fragment in fragments):
            return stage
    return None


def by_stage(stats: pstats.Stats) -> dict[str, float]:
    """Self time per stage; C functions and other unplaced code take their main caller's stage."""
    entries = stats.stats  # func -> (cc, nc, tt, ct, callers)
    placed: dict[tuple, str] = {}

    def place(func, seen=()) -> str:
        if func in placed:
            return placed[func]
        stage = stage_of(func[0])
        if stage is None:
            callers = entries.get(func, (0, 0, 0, 0, {}))[4]
            heaviest = max(callers.items(), key=lambda item: item[1][3], default=None)
            stage = place(heaviest[0], seen + (func,)) if heaviest and heaviest[0] not in seen else "other"
        placed[func] = stage
        return stage

    totals: dict[str, float] = defaultdict(float)
    for func, (_, _, self_time, _, _) in entries.items():
        totals[place(func)] += self_time
    return dict(totals)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=113)
    parser.add_argument("--top", type=int, default=12, help="also list the functions with the most own time")
    parser.add_argument("--flashcards", action="store_true", help="build flashcards.pdf alone")
    args = parser.parse_args()
    from bench import make_deck

    with tempfile.TemporaryDirectory(prefix="studyguide-profile-") as tmp:
        project = Path(tmp)
        make_deck(project, args.cards)
        if args.flashcards:
            (project / "studyguide.toml").write_text('[build]\noutputs = ["flashcards"]\n', encoding="utf-8")
        os.chdir(project)
        from studyguide.cli import main as studyguide

        profile = cProfile.Profile()
        profile.enable()
        code = studyguide(["build", "--jobs", "1", "--force", "--quiet"])
        profile.disable()
        if code != 0:
            sys.exit(f"the build failed with exit code {code}")
    stats = pstats.Stats(profile)
    totals = by_stage(stats)
    whole = sum(totals.values())
    print(f"{args.cards:,} cards, one process: {whole:.1f} s of profiled time\n")
    print("| stage | seconds | share |\n| --- | ---: | ---: |")
    for stage, seconds in sorted(totals.items(), key=lambda item: -item[1]):
        print(f"| {stage} | {seconds:.2f} | {seconds / whole:.0%} |")
    if args.top:
        print(f"\nThe {args.top} functions with the most own time:\n")
        print("| function | own seconds |\n| --- | ---: |")
        rows = sorted(stats.stats.items(), key=lambda item: -item[1][2])[:args.top]
        for (filename, line, name), (_, _, self_time, _, _) in rows:
            where = filename.split("site-packages/")[-1].split(f"{ROOT}/")[-1] if filename != "~" else "C"
            print(f"| `{name}` ({where}:{line}) | {self_time:.2f} |")


if __name__ == "__main__":
    main()
