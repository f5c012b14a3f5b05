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
from .export import EXPORTS, export_settings
from .model import Diagnostic, Severity
from .scaffold import LANGUAGES as SCAFFOLD_LANGUAGES

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2

EXAMPLES = """\
examples:
  python compile.py                        build content/ into out/
  python compile.py notes/ --out handouts  build another folder
  python compile.py seed.txt               build from one file
  python compile.py check                  check content/ without rendering
  python compile.py export anki            write out/flashcards.apkg for Anki
  python compile.py init mycourse          start a new guide in mycourse/
"""

EXPORT_EXAMPLES = """\
examples:
  python compile.py export anki            out/flashcards.apkg: one Anki subdeck per chapter
  python compile.py export csv             out/flashcards.tsv: question, answer, tags (Quizlet, Anki)
  python compile.py export anki notes/ -o handouts

Importing the .apkg again after editing the guide updates its cards in Anki, keeping their
progress: a card is known by its chapter and question number (and the guide's title).
"""

INIT_EXAMPLES = """\
examples:
  python compile.py init mycourse          mycourse/: studyguide.toml, content/ch01.md, .gitignore
  python compile.py init --lang en notes   the sample chapter in English
  python compile.py init --layouts         copy the built-in templates and CSS into ./layouts to edit
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
    check = commands.add_parser("check", help="read and check the content without rendering anything")
    common(check)
    export = commands.add_parser("export", help="export the cards for Anki (.apkg) or Quizlet and Anki (.tsv)",
                                 epilog=EXPORT_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    # optional for argparse, so that a missing format gets our message rather than its own
    export.add_argument("format", nargs="?", choices=sorted(EXPORTS),
                        help="anki: an .apkg package; csv: a tab-separated file")
    common(export)
    for flags, keys, options in BUILD_FLAGS:
        export.add_argument(*flags, dest=_dest(keys), default=None, **options)
    init = commands.add_parser("init", help="start a new guide folder, or copy the layouts to edit",
                               epilog=INIT_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    init.add_argument("folder", nargs="?", type=Path, default=Path("."), metavar="FOLDER",
                      help="the guide's folder, made if missing (default: the current folder)")
    init.add_argument("--layouts", action="store_true",
                      help="only copy the built-in templates and CSS into the guide's layouts/ folder")
    init.add_argument("--lang", choices=SCAFFOLD_LANGUAGES, default=SCAFFOLD_LANGUAGES[0],
                      help=f"language of the sample chapter (default: {SCAFFOLD_LANGUAGES[0]})")
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


def summary_line(chapters: int, cards: int, diagnostics: list[Diagnostic]) -> str:
    errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR)
    warnings = sum(1 for d in diagnostics if d.severity is Severity.WARNING)
    return (f"{chapters} chapters, {cards} cards, {errors} error{'s' * (errors != 1)}, "
            f"{warnings} warning{'s' * (warnings != 1)}")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = _commands()
    if not argv or (argv[0] not in commands and argv[0] not in ("-h", "--help", "--version")):
        argv.insert(0, "build")
    try:
        args = _parser().parse_args(argv)
        if args.command == "init":
            return _init(args.folder, args.lang, args.layouts)
        if args.command == "export" and args.format is None:
            raise UsageError(f"export needs a format: {' or '.join(sorted(EXPORTS))}, "
                             "as in `export anki`")
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
    if args.command == "export":
        return _build(export_settings(settings, args.format), content)
    return _build(settings, content)


def _init(folder: Path, language: str, layouts: bool) -> int:
    from .scaffold import ScaffoldError, copy_layouts, create_guide

    try:
        written = copy_layouts(folder) if layouts else create_guide(folder, language)
    except ScaffoldError as exc:
        print(f"studyguide: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for item in written:
        print(f"{item.what} {item.path}")
    if layouts:
        print("Edit the copies; delete those you leave unchanged, so they keep following studyguide's own.")
    else:
        where = f"cd {folder}, then run" if folder != Path(".") else "Run"
        print(f"{where} `studyguide build` (or `python compile.py`) to build the guide into out/.")
    return EXIT_OK


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
