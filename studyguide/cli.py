"""The command line: parse options, call the pipeline, print what happened. No rendering logic here.

Exit codes: 0 when everything was built (or checked) without errors, 1 when the content has
errors, 2 when the command line or the configuration cannot be used.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .config import CONFIG_NAME, ConfigError, Settings, find_config, load, override
from .model import Diagnostic, Severity

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2

EXAMPLES = """\
examples:
  python compile.py                        build content/ into out/
  python compile.py notes/ --out handouts  build another folder
  python compile.py seed.txt               build from one file
  python compile.py check                  check content/ without rendering
  python compile.py --card poker --cut marks
                                           poker-size flashcards with crop marks
  python compile.py --duplex manual        fronts and backs in two files, for printing by hand
  python compile.py calibrate              a test sheet that tells which --back-offset to use
"""


class UsageError(Exception):
    pass


def _list(value: str) -> list[str]:
    return [value]


def _offset(value: str) -> tuple[float, float]:
    """`X,Y` in mm, as two numbers for the two settings keys of --back-offset."""
    try:
        x, y = (float(part) for part in value.replace(" ", "").split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not X,Y in mm, such as 1.5,-0.5") from None
    return x, y


# Build options: (flags, settings key or keys, argparse keywords). The settings validate every
# value, so a flag and the same key in studyguide.toml behave alike; the command line wins.
BUILD_FLAGS: list[tuple[tuple[str, ...], str | tuple[str, ...], dict]] = [
    (("--out", "-o"), "build.out", dict(metavar="DIR", help="output folder (default: out)")),
    (("--jobs", "-j"), "build.jobs", dict(type=int, metavar="N", help="worker processes (default: one per core)")),
    (("--paper",), ("workbook.paper", "cards.paper"),
     dict(metavar="PAPER", help="paper for the workbook and the card sheets: a4, letter, a5, b5, or WxHmm "
                                "(default: A4; Letter for business and index cards)")),
    (("--card",), "cards.card",
     dict(metavar="SIZE", help="card size: a7 (default), poker, business, index, or WxH such as 90x55mm")),
    (("--grid",), "cards.grid",
     dict(metavar="CxR", help="cards per sheet, such as 2x5 (default: the card's own, or as many as fit)")),
    (("--gap",), "cards.gap_mm", dict(type=float, metavar="MM", help="space between cards in mm (default: 0)")),
    (("--flip",), "cards.flip",
     dict(metavar="{long,short}", help="the edge the duplex printer turns the sheet about (default: long)")),
    (("--duplex",), "cards.duplex",
     dict(metavar="{printer,manual}", help="manual: fronts and backs in two files, to re-feed the stack by hand")),
    (("--fold",), "cards.fold",
     dict(action=argparse.BooleanOptionalAction, help="question and answer side by side, with a fold line")),
    (("--back-offset",), ("cards.back_offset_x_mm", "cards.back_offset_y_mm"),
     dict(type=_offset, metavar="X,Y", help="move the backs X mm right and Y mm down, to correct the printer "
                                            "(`calibrate` finds X,Y)")),
    (("--cut",), "cards.cut",
     dict(metavar="{lines,marks,none}", help="cut guides: dashed lines, crop marks, or none (default: lines)")),
    (("--overflow",), "cards.overflow",
     dict(metavar="{continue,error}", help="a card too long even at the smallest size: continue it on "
                                           "another card (default), or stop with an error")),
    (("--band",), "cards.band",
     dict(action=argparse.BooleanOptionalAction, help="a colour band per chapter on the cards")),
    (("--question-on-back",), "cards.question_on_back",
     dict(action=argparse.BooleanOptionalAction, help="repeat the question in small grey type above the answer")),
]

# The flags `calibrate` takes: what decides where a printer puts the back of a sheet.
CALIBRATE_KEYS = {"build.out", "cards.paper", "cards.card", "cards.flip", "cards.back_offset_x_mm"}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse exits with 2 too, but we want our wording
        raise UsageError(message)


def _dest(keys: str | tuple[str, ...]) -> str:
    return keys if isinstance(keys, str) else keys[0]


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="studyguide", description="Compile question-and-answer Markdown into a PDF "
                     "workbook, duplex flashcards and HTML pages.", epilog=EXAMPLES,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"studyguide {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="command")

    def common(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                         help="content files or folders (default: content/, or build.content in the config)")
        sub.add_argument("--config", type=Path, metavar="FILE",
                         help=f"settings file (default: {CONFIG_NAME} in the current folder, if any)")

    build = commands.add_parser("build", help="build the workbook, flashcards and HTML (the default)",
                                epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    common(build)
    for flags, keys, options in BUILD_FLAGS:
        build.add_argument(*flags, dest=_dest(keys), default=None, **options)
    check = commands.add_parser("check", help="read and check the content without rendering anything")
    common(check)
    calibrate = commands.add_parser(
        "calibrate", help="write out/calibration.pdf, a duplex test sheet that tells which --back-offset to use")
    common(calibrate)
    for flags, keys, options in BUILD_FLAGS:
        if CALIBRATE_KEYS & set((keys,) if isinstance(keys, str) else keys):
            calibrate.add_argument(*flags, dest=_dest(keys), default=None, **options)
    return parser


def _commands() -> set[str]:
    for action in _parser()._subparsers._group_actions:  # type: ignore[union-attr]
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


def _settings(args: argparse.Namespace) -> Settings:
    path = args.config
    if path is not None and not path.is_file():
        raise ConfigError(path, "", "no such settings file")
    settings = load(path or find_config(Path.cwd()))
    changes = {}
    for _, keys, _ in BUILD_FLAGS:
        value = getattr(args, _dest(keys), None)
        if value is not None:
            names = (keys,) if isinstance(keys, str) else keys
            # a flag whose value is a tuple (such as --back-offset X,Y) gives one value per key
            values = value if isinstance(value, tuple) and len(value) == len(names) else (value,) * len(names)
            changes.update(dict(zip(names, values)))
    # paths on the command line are relative to where the command runs, not to the config file
    if "build.out" in changes:
        changes["build.out"] = str(Path(changes["build.out"]).absolute())
    if args.paths:
        changes["build.content"] = [str(p.absolute()) for p in args.paths]
    settings = override(settings, changes) if changes else settings
    if args.command == "calibrate" or (args.command == "build" and "flashcards" in settings.build.outputs):
        text = settings.source.read_text(encoding="utf-8-sig") if settings.source else ""
        settings.cards.check(settings.source, text)  # keys that are fine alone may not fit together
    return settings


def _content_paths(settings: Settings) -> list[Path]:
    base = settings.source.parent if settings.source else Path.cwd()
    return [Path(p) if Path(p).is_absolute() or not settings.source else base / p
            for p in settings.build.content]


def print_diagnostics(diagnostics: list[Diagnostic], stream=sys.stderr) -> None:
    for diagnostic in sorted(diagnostics, key=lambda d: (str(d.location.path) if d.location else "",
                                                         d.location.line if d.location else 0)):
        print(diagnostic, file=stream)


def summary_line(chapters: int, cards: int, diagnostics: list[Diagnostic]) -> str:
    errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR)
    warnings = sum(1 for d in diagnostics if d.severity is Severity.WARNING)
    return (f"{chapters} chapters, {cards} cards, {errors} error{'s' * (errors != 1)}, "
            f"{warnings} warning{'s' * (warnings != 1)}")


def _attach_negative_values(argv: list[str], flags: tuple[str, ...] = ("--back-offset",)) -> list[str]:
    """`--back-offset -1,0.5` as `--back-offset=-1,0.5`: argparse takes `-1,0.5` for an option."""
    joined: list[str] = []
    for arg in argv:
        if joined and joined[-1] in flags and arg.startswith("-") and arg[1:2].isdigit():
            joined[-1] = f"{joined[-1]}={arg}"
        else:
            joined.append(arg)
    return joined


def main(argv: list[str] | None = None) -> int:
    argv = _attach_negative_values(list(sys.argv[1:] if argv is None else argv))
    commands = _commands()
    if not argv or (argv[0] not in commands and argv[0] not in ("-h", "--help", "--version")):
        argv.insert(0, "build")
    try:
        args = _parser().parse_args(argv)
        settings = _settings(args)
    except UsageError as exc:
        print(f"studyguide: {exc}\nTry `python compile.py --help`.", file=sys.stderr)
        return EXIT_USAGE
    except ConfigError as exc:
        print(f"studyguide: {exc}", file=sys.stderr)
        return EXIT_USAGE
    content = _content_paths(settings)
    if args.command == "check":
        return _check(settings, content)
    if args.command == "calibrate":
        return _calibrate(settings, content)
    return _build(settings, content)


def _check(settings: Settings, content: list[Path]) -> int:
    from .check import check_guide
    from .fonts import font_dir
    from .read import read_guide

    guide = read_guide(content)
    roots = [p.resolve() if p.is_dir() else p.resolve().parent for p in content]
    diagnostics = list(guide.diagnostics) + check_guide(guide, font_dir(), roots)
    print_diagnostics(diagnostics, sys.stdout)
    print(summary_line(len(guide.chapters), len(guide.cards), diagnostics))
    return EXIT_CONTENT if any(d.severity is Severity.ERROR for d in diagnostics) else EXIT_OK


def _out_dir(settings: Settings) -> Path:
    out = Path(settings.build.out)
    if settings.source and not out.is_absolute():
        out = settings.source.parent / out
    return out


def _calibrate(settings: Settings, content: list[Path]) -> int:
    from .outputs.calibration import write_calibration

    language = settings.guide.language
    if language == "auto":  # the language of the content, when there is content to tell
        from .read import read_guide

        found = [p for p in content if p.exists()]
        language = read_guide(found).language if found else "en"
    path = write_calibration(settings, language, _out_dir(settings))
    cards = settings.cards
    print(f"{path}  print it on both sides of one sheet at 100 %, flipped on the {cards.flip} edge, "
          f"then follow the steps on it")
    return EXIT_OK


def _build(settings: Settings, content: list[Path]) -> int:
    from .build import build

    result = build(settings, content, _out_dir(settings))
    print_diagnostics(result.diagnostics)
    guide = result.guide
    if result.failed:
        count = sum(1 for d in result.diagnostics if d.severity is Severity.ERROR)
        print(f"studyguide: {count} error{'s' * (count != 1)}; nothing was written.", file=sys.stderr)
        return EXIT_CONTENT
    for output in result.outputs:
        pages = f"{output.pages:4d} pages" if output.pages else "          "
        print(f"{output.path}  {pages}  {output.cards} cards  {output.size_bytes / 1024:8.0f} KB  "
              f"{output.seconds:5.2f} s")
    if guide is not None:
        print(summary_line(len(guide.chapters), len(guide.cards), result.diagnostics))
    return EXIT_OK
