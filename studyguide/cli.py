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
    (("--chunk-cards",), "build.chunk_cards", dict(type=int, metavar="N",
                                                   help="cards per separately rendered piece of a large output")),
    (("--edition",), "workbook.editions", dict(type=_list, metavar="NAME",
                                               help="build one workbook edition: handout, workbook or teacher")),
    (("--answer-space",), "workbook.answer_space", dict(metavar="KIND",
                                                        help="lines (default), box, grid or none")),
    (("--double-sided",), "workbook.duplex", dict(action="store_const", const=True,
                                                  help="workbook printed on both sides: binding margin alternates")),
    (("--booklet",), "workbook.booklet", dict(action="store_const", const=True,
                                              help="also write handout-booklet.pdf: A5 pages on A4 for saddle stitching")),
    (("--pdf-variant",), "workbook.pdf_variant", dict(metavar="NAME",
                                                      help="pdf/ua-1 (tagged, accessible) or pdf/a-3b (archival)")),
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
    build.add_argument("--force", action="store_true",
                       help="render everything again, even what the cache says is unchanged")
    check = commands.add_parser("check", help="read and check the content without rendering anything")
    common(check)
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
    return _build(settings, content, args.force)


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


def project_folder(settings: Settings) -> Path:
    """Where the guide lives: beside its settings file, or the current folder."""
    return settings.source.parent if settings.source else Path.cwd()


def _build(settings: Settings, content: list[Path], force: bool = False) -> int:
    from .cache import Manifest, fingerprint
    from .resources import FONTS, LAYOUTS

    project = project_folder(settings)
    out = Path(settings.build.out)
    if not out.is_absolute():
        out = project / out
    cache_dir = project / ".cache" / "studyguide"
    user_layouts = project / settings.build.layouts
    layouts = [LAYOUTS] + ([user_layouts] if user_layouts.is_dir() and user_layouts.resolve() != LAYOUTS else [])
    stamp = fingerprint(settings, content, layouts, FONTS)
    if not force and Manifest(cache_dir).up_to_date(stamp, out):
        print(f"{_shown(out)}: up to date")
        return EXIT_OK

    from .build import build

    result = build(settings, content, out, user_layouts if len(layouts) > 1 else None, cache_dir,
                   "" if force else stamp)
    print_diagnostics(result.diagnostics)
    guide = result.guide
    if result.failed:
        count = sum(1 for d in result.diagnostics if d.severity is Severity.ERROR)
        print(f"studyguide: {count} error{'s' * (count != 1)}; nothing was written.", file=sys.stderr)
        return EXIT_CONTENT
    for output in result.outputs:
        pages = f"{output.pages:4d} pages" if output.pages else "          "
        state = "" if output.written else "  (unchanged)"
        print(f"{_shown(output.path)}  {pages}  {output.cards} cards  {output.size_bytes / 1024:8.0f} KB  "
              f"{output.seconds:5.2f} s{state}")
    if guide is not None:
        print(summary_line(len(guide.chapters), len(guide.cards), result.diagnostics))
    return EXIT_OK


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
