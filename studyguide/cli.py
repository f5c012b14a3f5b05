"""The command line: parse options, call the pipeline, print what happened. No rendering logic here.

Exit codes: 0 when everything was built (or checked) without errors, 1 when the content has
errors, 2 when the command line or the configuration cannot be used.
"""

from __future__ import annotations

import argparse
import json
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
  python compile.py check --strict         ... and fail on warnings too
  python compile.py check --format json    findings as JSON, for editors and CI
"""


class UsageError(Exception):
    pass


def _list(value: str) -> list[str]:
    return [value]


# Build options: (flags, settings key or keys, argparse keywords). The settings validate every
# value, so a flag and the same key in studyguide.toml behave alike; the command line wins.
BUILD_FLAGS: list[tuple[tuple[str, ...], str | tuple[str, ...], dict]] = [
    (("--out", "-o"), "build.out", dict(metavar="DIR", help="output folder (default: out)")),
    (("--jobs", "-j"), "build.jobs", dict(type=int, metavar="N", help="worker processes (default: one per core)")),
]


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
    check = commands.add_parser("check", help="read and check the content without rendering anything",
                                epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    common(check)
    check.add_argument("--format", choices=("text", "json"), default="text",
                       help="text: one line per finding and a summary (default); json: the same as JSON")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors (exit 1 on any)")
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
            changes.update({key: value for key in ((keys,) if isinstance(keys, str) else keys)})
    # paths on the command line are relative to where the command runs, not to the config file
    if "build.out" in changes:
        changes["build.out"] = str(Path(changes["build.out"]).absolute())
    if args.paths:
        changes["build.content"] = [str(p.absolute()) for p in args.paths]
    return override(settings, changes) if changes else settings


def _content_paths(settings: Settings) -> list[Path]:
    base = settings.source.parent if settings.source else Path.cwd()
    return [Path(p) if Path(p).is_absolute() or not settings.source else base / p
            for p in settings.build.content]


def print_diagnostics(diagnostics: list[Diagnostic], stream=sys.stderr) -> None:
    for diagnostic in sorted(diagnostics, key=lambda d: (str(d.location.path) if d.location else "",
                                                         d.location.line if d.location else 0)):
        print(diagnostic, file=stream)


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'s' * (number != 1)}"


def summary_line(chapters: int, cards: int, diagnostics: list[Diagnostic]) -> str:
    """`15 chapters, 113 cards, 0 errors, 1 warning`."""
    errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR)
    warnings = sum(1 for d in diagnostics if d.severity is Severity.WARNING)
    return ", ".join([_count(chapters, "chapter"), _count(cards, "card"), _count(errors, "error"),
                      _count(warnings, "warning")])


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
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
        return _check(settings, content, args.format, args.strict)
    return _build(settings, content)


def _check(settings: Settings, content: list[Path], output: str = "text", strict: bool = False) -> int:
    """Read and check without rendering; exit 1 when there are errors (or, if strict, warnings)."""
    from .check import check_guide, check_report, sort_key, strictly
    from .fonts import font_dir
    from .read import read_guide

    guide = read_guide(content)
    roots = [p.resolve() if p.is_dir() else p.resolve().parent for p in content]
    diagnostics = sorted(list(guide.diagnostics) + check_guide(guide, font_dir(), roots), key=sort_key)
    if strict:
        diagnostics = strictly(diagnostics)
    summary = summary_line(len(guide.chapters), len(guide.cards), diagnostics)
    if output == "json":
        print(json.dumps(check_report(guide, diagnostics, summary), ensure_ascii=False, indent=1))
    else:
        print_diagnostics(diagnostics, sys.stdout)
        print(summary)
    return EXIT_CONTENT if any(d.severity is Severity.ERROR for d in diagnostics) else EXIT_OK


def _build(settings: Settings, content: list[Path]) -> int:
    from .build import build

    out = Path(settings.build.out)
    if settings.source and not out.is_absolute():
        out = settings.source.parent / out
    result = build(settings, content, out)
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
