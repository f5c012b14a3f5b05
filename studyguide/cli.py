"""The command line: parse options, call the pipeline, print what happened. No rendering logic here.

Exit codes: 0 when everything was built (or checked) without errors, 1 when the content has
errors, 2 when the command line or the configuration cannot be used, 3 for a fault in studyguide
itself, 4 when printing failed (the printer cannot be reached or refused the job), 130 when
interrupted.
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import signal
import sys
import tempfile
from pathlib import Path

from . import __version__
from .config import CONFIG_NAME, ConfigError, Settings, confine, find_guide, load, override
from .model import Severity
from .scaffold import LANGUAGES as SCAFFOLD_LANGUAGES

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_INTERNAL, EXIT_PRINT = 0, 1, 2, 3, 4
EXIT_INTERRUPTED = 130  # the shell's own code for a command stopped by Ctrl-C
RENDERED = {"workbook", "flashcards"}  # the outputs that render PDFs in worker processes (and --quiz)

EXAMPLES = """\
examples:
  studyguide                               build content/ into out/ (python compile.py does the same)
  studyguide notes/ --out handouts         build another folder into handouts/
  studyguide all-chapters.md               build from one file
  studyguide --chapters 1-3,7 --edition handout
                                           a student handout of chapters 1 to 3 and 7
  studyguide --quiz 10 --seed 4            ten questions drawn at random, and their answers
  studyguide check                         read and check the content without rendering
  studyguide check --strict                ... and fail on warnings too
  studyguide check --format json           the findings as JSON, for editors and CI
  studyguide check --cards                 every card on one line: how each file was split
  studyguide export anki                   write out/flashcards.apkg for Anki
  studyguide init mycourse                 start a new guide in mycourse/
  studyguide --card poker --cut marks      poker-size flashcards with crop marks
  studyguide --duplex manual               fronts and backs in two files, for printing by hand
  studyguide calibrate                     a test sheet that tells which --back-offset to use
  studyguide print flashcards              send the cards to the printer, duplex set from --flip

exit codes: 0 success, 1 errors in the content, 2 unusable command line or settings,
            3 a fault in studyguide itself, 4 printing failed, 130 interrupted
"""

EXPORT_EXAMPLES = """\
examples:
  studyguide export anki                   out/flashcards.apkg: one Anki subdeck per chapter
  studyguide export csv                    out/flashcards.tsv: question, answer, tags (Quizlet, Anki)
  studyguide export anki notes/ -o handouts

Importing the .apkg again after editing the guide updates its cards in Anki, keeping their
progress: a card is known by its chapter and question number (and the guide's title).
"""

PRINT_EXAMPLES = """\
examples:
  studyguide print                         the flashcards, on the default printer
  studyguide print handout --copies 30     30 handouts
  studyguide print flashcards --printer Office --dry-run
                                           show the lp command, print nothing
  studyguide print --list                  the printers, and which can print on both sides

The file is built first if it is out of date. lp is told the duplex flip (from --flip; one-sided
for --fold and --duplex manual), the paper, and to print at 100 %. On a printer without duplex
the flashcards are printed by hand: the fronts, then the backs once you press Enter.
"""

INIT_EXAMPLES = """\
examples:
  studyguide init mycourse                 mycourse/: studyguide.toml, content/ch01.md, .gitignore
  studyguide init --lang en notes          the sample chapter in English
  studyguide init --layouts                copy the built-in templates and CSS into ./layouts to edit
"""


class UsageError(Exception):
    pass


# the file each export writes (each output module's FILE_NAME; a test keeps them the same)
EXPORT_FILES = {"anki": "flashcards.apkg", "csv": "flashcards.tsv"}
# `studyguide export FORMAT` → the output (in build.outputs) that writes it
EXPORTS = {"anki": "anki", "csv": "csv"}
# the exports every build keeps a record to write from (`build._keep_exports`)
RECORDED_EXPORTS = {"csv"}


def export_settings(settings: Settings, format: str) -> Settings:
    """The settings of a build that writes only the given export."""
    return dataclasses.replace(settings, build=dataclasses.replace(settings.build, outputs=[EXPORTS[format]]))


def _list(value: str) -> list[str]:
    return [value]


def _names(value: str) -> list[str]:
    return [name.strip() for name in value.split(",") if name.strip()]


def _flag(**options) -> dict:
    return dict(action="store_const", const=True, **options)


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
    (("--chapters",), "build.chapters", dict(metavar="LIST", help="only these chapters, such as 1-3,7")),
    (("--lang",), "guide.language", dict(metavar="LANG", help="zh-CN, zh-TW, zh-HK, ja, ko or en (default: detected)")),
    (("--shuffle",), "build.shuffle", _flag(help="put each chapter's questions in a random order")),
    (("--quiz",), "build.quiz", dict(type=int, metavar="N",
                                     help="draw N questions into quiz.pdf and quiz-key.pdf")),
    (("--seed",), "build.seed", dict(type=int, metavar="N", help="seed for --shuffle and --quiz (default: 0)")),
    (("--jobs", "-j"), "build.jobs", dict(type=int, metavar="N", help="worker processes (default: one per core)")),
    (("--chunk-cards",), "build.chunk_cards", dict(type=int, metavar="N",
                                                   help="cards per separately rendered piece (a guide of at most N "
                                                        "cards: one document)")),
    (("--only",), "build.outputs", dict(type=_names, metavar="LIST",
                                        help="build only these: workbook, flashcards, html, study, anki, csv "
                                             "(such as flashcards,study)")),
    (("--edition",), "workbook.editions", dict(type=_list, metavar="NAME",
                                               help="build only this workbook edition: handout, workbook or "
                                                    "teacher")),
    (("--answer-space",), "workbook.answer_space", dict(metavar="KIND",
                                                        help="lines (default), box, grid or none")),
    (("--double-sided",), "workbook.duplex", _flag(help="workbook printed on both sides: binding margin alternates")),
    (("--booklet",), "workbook.booklet", _flag(help="also write handout-booklet.pdf: A5 pages on A4 for "
                                                    "saddle stitching")),
    (("--pdf-variant",), "workbook.pdf_variant", dict(metavar="NAME",
                                                      help="pdf/ua-1 (tagged, accessible) or pdf/a-3b (archival)")),
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

# The flags `export` takes: what decides which cards are exported and how they read.
EXPORT_KEYS = {"build.out", "build.chapters", "guide.language", "build.shuffle", "build.seed"}
# The flags `calibrate` takes: what decides where a printer puts the back of a sheet.
CALIBRATE_KEYS = {"build.out", "cards.paper", "cards.card", "cards.flip", "cards.back_offset_x_mm"}
# The flags `print` takes: what decides which file is printed and how, and what is in it.
PRINT_KEYS = CALIBRATE_KEYS | {"build.chapters", "guide.language", "workbook.paper", "workbook.duplex",
                               "workbook.answer_space", "cards.grid", "cards.gap_mm", "cards.duplex",
                               "cards.fold", "cards.cut", "cards.band", "cards.question_on_back"}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse exits with 2 too, but we want our wording
        raise UsageError(message)


def _dest(keys: str | tuple[str, ...]) -> str:
    return keys if isinstance(keys, str) else keys[0]


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="studyguide", description="Compile question-and-answer Markdown into PDF "
                     "workbooks, duplex flashcards and HTML pages.", epilog=EXAMPLES,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"studyguide {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="command")

    def common(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                         help="content files or folders (default: content/, or build.content in the settings)")
        sub.add_argument("--config", type=Path, metavar="FILE",
                         help=f"settings file (default: {CONFIG_NAME}, or [tool.studyguide] in pyproject.toml)")
        sub.add_argument("--quiet", "-q", action="store_true", help="print errors only")
        sub.add_argument("--verbose", "-v", action="store_true", help="print notes and what each step did")

    build = commands.add_parser("build", help="build the workbooks, flashcards and HTML pages (the default)",
                                epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    common(build)
    for flags, keys, options in BUILD_FLAGS:
        build.add_argument(*flags, dest=_dest(keys), default=None, **options)
    build.add_argument("--force", action="store_true",
                       help="render everything again, even what the cache says is unchanged")
    watch = commands.add_parser("watch", help="build, then build again whenever content, layouts, fonts or "
                                "settings change", epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    common(watch)
    for flags, keys, options in BUILD_FLAGS:
        watch.add_argument(*flags, dest=_dest(keys), default=None, **options)
    check = commands.add_parser("check", help="read and check the content without rendering anything",
                                epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    common(check)
    check.add_argument("--format", choices=("text", "json"), default="text",
                       help="text: one line per finding and a summary (default); json: the same as JSON")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors (exit 1 on any)")
    check.add_argument("--cards", action="store_true",
                       help="list every card: its label and line, the first line of each side, and the rule "
                       "that read it (with --format json: the full texts)")
    export = commands.add_parser("export", help="export the cards for Anki (.apkg) or Quizlet and Anki (.tsv)",
                                 epilog=EXPORT_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    # optional for argparse, so that a missing format gets our message rather than its own
    export.add_argument("format", nargs="?", choices=sorted(EXPORTS),
                        help="anki: an .apkg package; csv: a tab-separated file")
    common(export)
    for flags, keys, options in BUILD_FLAGS:
        if keys in EXPORT_KEYS:
            export.add_argument(*flags, dest=_dest(keys), default=None, **options)
    init = commands.add_parser("init", help="start a new guide folder, or copy the layouts to edit",
                               epilog=INIT_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    init.add_argument("folder", nargs="?", type=Path, default=Path("."), metavar="FOLDER",
                      help="the guide's folder, made if missing (default: the current folder)")
    init.add_argument("--layouts", action="store_true",
                      help="only copy the built-in templates and CSS into the guide's layouts/ folder")
    init.add_argument("--lang", choices=SCAFFOLD_LANGUAGES, default=SCAFFOLD_LANGUAGES[0],
                      help=f"language of the sample chapter (default: {SCAFFOLD_LANGUAGES[0]})")
    calibrate = commands.add_parser(
        "calibrate", help="write out/calibration.pdf, a duplex test sheet that tells which --back-offset to use")
    common(calibrate)
    for flags, keys, options in BUILD_FLAGS:
        if CALIBRATE_KEYS & set((keys,) if isinstance(keys, str) else keys):
            calibrate.add_argument(*flags, dest=_dest(keys), default=None, **options)
    from .printer import WHAT

    send = commands.add_parser("print", help="send the flashcards or a workbook edition to a CUPS printer, "
                               "with the right duplex, paper and scaling", epilog=PRINT_EXAMPLES,
                               formatter_class=argparse.RawDescriptionHelpFormatter)
    send.add_argument("what", nargs="?", choices=WHAT, default="flashcards", metavar="WHAT",
                      help=f"{', '.join(WHAT)} (default: flashcards)")
    send.add_argument("--printer", "-P", metavar="NAME", default="", help="the CUPS printer (default: the default "
                      "printer)")
    send.add_argument("--copies", "-n", type=int, default=1, metavar="N", help="copies (default: 1)")
    send.add_argument("--dry-run", action="store_true", help="show the lp command, print nothing")
    send.add_argument("--list", action="store_true", help="list the printers and whether each prints duplex")
    common(send)
    for flags, keys, options in BUILD_FLAGS:
        if PRINT_KEYS & set((keys,) if isinstance(keys, str) else keys):
            send.add_argument(*flags, dest=_dest(keys), default=None, **options)
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
    # the guide the content is in, as git, ruff and pytest find theirs: from the first content
    # path (or the current folder) upwards
    start = args.paths[0] if args.paths else Path.cwd()
    settings = load(path or find_guide(start if start.is_dir() else start.parent))
    changes = {}
    for _, keys, _ in BUILD_FLAGS:
        value = getattr(args, _dest(keys), None)
        if value is not None:
            names = (keys,) if isinstance(keys, str) else keys
            # a flag whose value is a tuple (such as --back-offset X,Y) gives one value per key
            values = value if isinstance(value, tuple) and len(value) == len(names) else (value,) * len(names)
            changes.update(dict(zip(names, values)))
    # paths on the command line are relative to where the command runs, not to the settings file
    if "build.out" in changes:
        changes["build.out"] = str(Path(changes["build.out"]).absolute())
    if args.paths:
        changes["build.content"] = [str(p.absolute()) for p in args.paths]
    if "workbook.editions" in changes and "build.outputs" not in changes and args.command in ("build", "watch"):
        changes["build.outputs"] = ["workbook"]  # asked for one edition: that is all to build
    confine(settings, project_folder(settings), set(changes))
    settings = override(settings, changes) if changes else settings
    text = settings.source.read_text(encoding="utf-8-sig") if settings.source else ""
    if args.command in ("calibrate", "print") or (args.command in ("build", "watch")
                                                  and "flashcards" in settings.build.outputs):
        settings.cards.check(settings.source, text)  # keys that are fine alone may not fit together
    if args.command in ("build", "watch", "check", "print"):
        settings.workbook.check(settings.source, text)  # `1x1mm` has the form of a paper, not its size
    return settings


def project_folder(settings: Settings) -> Path:
    """Where the guide lives: beside its settings file, or the current folder."""
    return settings.source.parent if settings.source else Path.cwd()


def _content_paths(settings: Settings) -> list[Path]:
    base = project_folder(settings)
    return [Path(p) if Path(p).is_absolute() else base / p for p in settings.build.content]


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
    """Run a command. An interrupt (Ctrl-C, SIGTERM) stops it cleanly; any other failure is said in
    one line, with the details kept in a file, never as a traceback on the screen."""
    previous = signal.signal(signal.SIGTERM, _terminated) if _main_thread() else None
    try:
        return _main(argv)
    except KeyboardInterrupt as exc:
        from .write import InterruptedAfterWriting

        if isinstance(exc, InterruptedAfterWriting):
            print("studyguide: interrupted once every new output was in place.", file=sys.stderr)
        else:
            print("studyguide: interrupted; the previous outputs are as they were.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `check --cards | head` closed the pipe: what was asked for was read
        import os
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - the last resort: a short message instead of a traceback
        return _internal_error(exc)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _main_thread() -> bool:
    import threading
    return threading.current_thread() is threading.main_thread()


def _terminated(signum, frame) -> None:
    raise KeyboardInterrupt  # unwinds like Ctrl-C: workers stop, temporary files go


def _internal_error(exc: Exception) -> int:
    import os
    import tempfile
    import traceback

    if os.environ.get("STUDYGUIDE_DEBUG"):
        traceback.print_exc()
        return EXIT_INTERNAL
    try:  # a file of its own: on a shared machine another user's report may hold the plain name
        handle, report = tempfile.mkstemp(prefix="studyguide-error-", suffix=".txt")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write("".join(traceback.format_exception(exc)))
        where = f"; the details are in {report}"
    except OSError:
        where = ""
    print(f"studyguide: internal error ({type(exc).__name__}: {exc}){where}. This is a fault in studyguide, "
          "not in your content: please report it with that file.", file=sys.stderr)
    return EXIT_INTERNAL


def _main(argv: list[str] | None = None) -> int:
    argv = _attach_negative_values(list(sys.argv[1:] if argv is None else argv))
    commands = _commands()
    if argv and argv[0] not in commands and not argv[0].startswith("-") and not Path(argv[0]).exists():
        close = difflib.get_close_matches(argv[0], sorted(commands), n=1, cutoff=0.6)
        if close:  # `biuld` is a misspelt command, not a file that happens to be missing
            print(f"studyguide: unknown command `{argv[0]}`: did you mean `{close[0]}`?\n"
                  f"Try `{program()} --help`.", file=sys.stderr)
            return EXIT_USAGE
    if not argv or (argv[0] not in commands and argv[0] not in ("-h", "--help", "--version")):
        argv.insert(0, "build")
    from .report import Reporter

    try:
        args = _parse(argv)
        if args.command == "init":
            return _init(args.folder, args.lang, args.layouts)
        if args.command == "export" and args.format is None:
            raise UsageError(f"export needs a format: {' or '.join(sorted(EXPORTS))}, "
                             "as in `export anki`")
        settings = _settings(args)
    except UsageError as exc:
        print(f"studyguide: {exc}\nTry `{program()} --help`.", file=sys.stderr)
        return EXIT_USAGE
    except ConfigError as exc:
        print(f"studyguide: {exc}", file=sys.stderr)
        return EXIT_USAGE
    reporter = Reporter(quiet=args.quiet, verbose=args.verbose)
    content = _content_paths(settings)
    if (settings.source is None and not args.paths and not any(p.exists() for p in content)
            and args.command != "calibrate" and not getattr(args, "list", False)):
        print(f"studyguide: no guide here: run `{program()} init`, or cd into a guide "
              f"(a folder with {CONFIG_NAME} or content/)", file=sys.stderr)
        return EXIT_USAGE
    if args.command in ("build", "watch", "check", "export", "print"):
        _recover(settings, reporter)
    if args.command == "watch":
        return _watch(args, settings, reporter)
    if args.command == "check":
        return _check(settings, content, reporter, args.format, args.strict, args.cards)
    if args.command == "calibrate":
        return _calibrate(settings, content)
    if args.command == "print":
        return _print(args, settings, content, reporter)
    if args.command == "export":
        return _build(export_settings(settings, args.format), content, reporter)
    return _build(settings, content, reporter, args.force)


def program() -> str:
    """How studyguide was started, for hints to name the same command: `python compile.py` from a
    checkout, `studyguide` when installed."""
    return "python compile.py" if Path(sys.argv[0]).name == "compile.py" else "studyguide"


def _parse(argv: list[str]) -> argparse.Namespace:
    """Parse, suggesting the closest flag for a misspelt one, as wrong values get the closest value."""
    parser = _parser()
    try:
        return parser.parse_args(argv)
    except UsageError as exc:
        message = str(exc)
        if not message.startswith("unrecognized arguments:"):
            raise
        sub = parser._subparsers._group_actions[0].choices.get(argv[0])  # type: ignore[union-attr]
        known = sorted(flag for flag in (sub or parser)._option_string_actions if flag.startswith("--"))
        hints = []
        for word in message.split(":", 1)[1].split():
            flag = word.split("=", 1)[0]
            close = difflib.get_close_matches(flag, known, n=1, cutoff=0.6) if flag.startswith("--") else []
            if close:
                hints.append(f"did you mean `{close[0]}` for `{flag}`?")
        raise UsageError(f"{message}" + (f" ({'; '.join(hints)})" if hints else "")) from None


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
        print(f"{where} `{program()} build` to build the guide into out/.")
    return EXIT_OK


def _check(settings: Settings, content: list[Path], reporter, form: str, strict: bool, cards: bool = False) -> int:
    """Read and check without rendering; exit 1 when there are errors (or, if strict, warnings).
    `cards` lists every card first; verbose says which reader read each chapter."""
    import json

    from .check import (card_lines, card_report, chapter_language, check_report, language_of, read_and_check,
                        reader_lines, strictly)
    from .model import Guide
    from .report import sort_key, summary_line

    guide, fonts, diagnostics = read_and_check(settings, content, _user_layouts(settings))
    guide = guide or Guide((), (), (), "en")
    languages = [language_of(settings, guide)] + [chapter_language(settings, guide, c) for c in guide.chapters]
    sources = fonts.sources(languages) if fonts else []
    diagnostics = sorted(diagnostics, key=sort_key)
    if strict:
        diagnostics = strictly(diagnostics)
    failed = any(d.severity is Severity.ERROR for d in diagnostics)
    summary = summary_line(len(guide.chapters), len(guide.cards), diagnostics)
    if form == "json":
        report = check_report(guide, diagnostics, summary)
        report["fonts"] = [{"text": text, "font": font} for text, font in sources]
        if cards:
            report["card_list"] = card_report(guide)
        if reporter.verbose:
            report["readers"] = [{"file": str(c.location.path), "line": c.location.line, "chapter": c.number,
                                  "readers": list(c.readers)} for c in guide.chapters]
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        for line in (card_lines(guide) if cards else []) + (reader_lines(guide) if reporter.verbose else []):
            reporter.line(line)
        reporter.diagnostics(diagnostics, to_stdout=True, notes=True)
        if reporter.verbose:  # the findings and the summary stay the plain output a script reads
            for text, font in sources:
                reporter.line(f"font: {text} from {font}")
        reporter.line(summary)
    return EXIT_CONTENT if failed else EXIT_OK


def _recover(settings: Settings, reporter) -> None:
    """Before anything reads or writes the outputs: a build killed while it replaced them left a
    journal, and the set is made whole again (all old or all new)."""
    from .diagnostics import finding
    from .model import Location
    from .write import JOURNAL, recover

    out = project_folder(settings) / settings.build.out
    try:
        done = recover(out)
    except OSError as exc:
        reporter.diagnostics([finding("SG701", f"cannot finish the switch of outputs that {JOURNAL} records: {exc}",
                                      Location(out / JOURNAL), "make the folder writable and run again")])
        return
    if done:
        reporter.diagnostics([finding("SG702", done, Location(out / JOURNAL))], notes=True)


def _out_dir(settings: Settings) -> Path:
    out = Path(settings.build.out)
    if settings.source and not out.is_absolute():
        out = settings.source.parent / out
    return out


def _calibrate(settings: Settings, content: list[Path], quiet: bool = False) -> int:
    from .outputs.calibration import write_calibration

    language = settings.guide.language
    if language == "auto":  # the language of the content, when there is content to tell
        from .read import read_guide

        found = [p for p in content if p.exists()]
        language = read_guide(found, reading=settings.read.reading(settings.source)).language if found else "en"
    path = write_calibration(settings, language, _out_dir(settings))
    if quiet:
        return EXIT_OK
    cards = settings.cards
    print(f"{path}  print it on both sides of one sheet at 100 %, flipped on the {cards.flip} edge, "
          f"then follow the steps on it")
    return EXIT_OK


def _print(args: argparse.Namespace, settings: Settings, content: list[Path], reporter) -> int:
    """Send a built file to a CUPS printer with `lp`, building it first when it is out of date."""
    from . import printer as cups

    if args.copies < 1:
        reporter.error("studyguide: --copies must be 1 or more")
        return EXIT_USAGE
    if args.list:
        return _list_printers(reporter)
    out = _out_dir(settings)
    jobs = cups.jobs_for(args.what, settings, out)
    if args.dry_run:  # the exact commands, and nothing built or sent
        for number, job in enumerate(jobs):
            if number:
                print("# turn the printed stack over as --flip says, put it back in the tray, then:")
            print(cups.shown(job.command(args.printer, args.copies)))
        return EXIT_OK
    if not cups.lp_installed():
        reporter.error(f"studyguide: {cups.INSTALL_CUPS}")
        return EXIT_USAGE
    try:
        name = args.printer or cups.default_printer()
        if not name:
            raise cups.PrintError("there is no default printer: choose one with --printer NAME "
                                  "(`studyguide print --list` shows them)")
        code = _print_build(args.what, settings, content, reporter)
        if code != EXIT_OK:
            return code
        missing = [job.file for job in jobs if not job.file.is_file()]
        if missing:
            raise cups.PrintError(f"{missing[0]} was not built")
        with tempfile.TemporaryDirectory(prefix="studyguide-print-") as folder:
            if len(jobs) == 1 and jobs[0].sides.startswith("two-sided") and cups.duplex(name) is False:
                reporter.line(f"{name} prints on one side only: printing by hand instead, the fronts first.")
                jobs = cups.by_hand(jobs[0], Path(folder))
            for number, job in enumerate(jobs):
                if number:
                    reporter.line("When the fronts are out, take the stack as it lies, turn it over about its "
                                  f"{settings.cards.flip} edge and put it back in the paper tray.")
                    _wait("Press Enter to print the backs (Ctrl-C to stop): ")
                answer = cups.send(job, name, args.copies)
                reporter.line(f"{job.title} ({job.sides}, {job.media}) sent to {name}: {answer}")
    except cups.PrintError as exc:
        reporter.error(f"studyguide: {exc}")
        return EXIT_PRINT
    return EXIT_OK


def _wait(prompt: str) -> None:
    try:
        input(prompt)
    except EOFError:  # no one to press Enter: stop rather than print backs onto an unturned stack
        raise KeyboardInterrupt from None


def _print_build(what: str, settings: Settings, content: list[Path], reporter) -> int:
    """Build what `print` sends, and only that, if it is out of date."""
    if what == "calibration":
        return _calibrate(settings, content, quiet=True)
    if what == "flashcards":
        changes = {"build.outputs": ["flashcards"]}
    else:
        changes = {"build.outputs": ["workbook"], "workbook.booklet": what == "booklet",
                   "workbook.editions": ["handout" if what == "booklet" else what]}
    return _build(override(settings, {**changes, "build.quiz": 0}), content, reporter)


def _list_printers(reporter) -> int:
    from . import printer as cups

    if not cups.lp_installed():
        reporter.error(f"studyguide: {cups.INSTALL_CUPS}")
        return EXIT_USAGE
    try:
        found = cups.printers()
    except cups.PrintError as exc:
        reporter.error(f"studyguide: {exc}")
        return EXIT_PRINT
    if not found:
        reporter.line("no printers: add one in your system's printer settings (or with lpadmin)")
        return EXIT_OK
    width = max(len(p.name) for p in found)
    for p in found:
        both = {True: "duplex", False: "one side only", None: "duplex unknown"}[p.duplex]
        reporter.line(f"{p.name:<{width}}  {both:<14}  {p.state}{'  (default)' if p.default else ''}")
    return EXIT_OK


def _watch(args: argparse.Namespace, settings: Settings, reporter) -> int:
    """Build now, then again after each change, until interrupted. A broken file or setting is
    reported and waited out; the worker processes stay up between builds."""
    from watchfiles import watch

    from .printing.pool import Pool
    from .resources import FONTS, LAYOUTS

    project = project_folder(settings)
    out = (project / settings.build.out).resolve()
    watched = {p.resolve() for p in _content_paths(settings) if p.exists()}
    watched |= {LAYOUTS, FONTS} | {p for p in (project / settings.build.layouts,) if p.is_dir()}
    if settings.fonts_folder and settings.fonts_folder.is_dir():  # build.fonts: a face replaced there counts too
        watched.add(settings.fonts_folder.resolve())
    if settings.source:
        watched.add(settings.source.resolve())
    ignored = (out, (project / ".cache").resolve())
    # a file (the settings, a chapter named on the command line) is watched through its folder: an
    # editor that saves by writing a new file and moving it over the old one replaces the file a
    # watch on it follows, and every later save would go unseen
    files = {p for p in watched if p.is_file()}
    folders = watched - files

    def relevant(change, path: str) -> bool:
        target = Path(path)
        if any(target.is_relative_to(folder) for folder in ignored) or target.name.startswith("."):
            return False
        return target in files or any(target.is_relative_to(folder) for folder in folders)

    with Pool(settings.build.jobs or None).warm() as pool:
        _guarded_build(settings, reporter, pool, warm=True)
        reporter.line(f"watching {len(watched)} places for changes (Ctrl-C to stop)")
        try:
            # raise_interrupt: Ctrl-C comes to us, rather than watchfiles logging a line of its own.
            # A save is built once no further change came for `step` ms (an editor's write and
            # rename come within a millisecond; the default 50 ms waited up to two such steps);
            # `debounce` only caps how long a stream of changes, a checkout, is gathered.
            roots = sorted(folders | {p.parent for p in files})
            for changes in watch(*roots, watch_filter=relevant, debounce=300, step=20, raise_interrupt=True):
                names = sorted({Path(path).name for _, path in changes})
                reporter.line(f"changed: {', '.join(names)}")
                try:
                    settings = _settings(args)
                except ConfigError as exc:
                    reporter.error(f"studyguide: {exc}")
                    continue
                _guarded_build(settings, reporter, pool)
        except KeyboardInterrupt:
            reporter.line("stopped watching")
            return EXIT_INTERRUPTED  # as the README's table says, and as shells expect after Ctrl-C
    return EXIT_OK


def _guarded_build(settings: Settings, reporter, pool, warm: bool = False) -> int:
    try:
        return _build(settings, _content_paths(settings), reporter, pool=pool, warm=warm)
    except Exception as exc:  # noqa: BLE001 - a watcher reports a failed build and keeps watching
        reporter.error(f"studyguide: the build failed: {type(exc).__name__}: {exc}")
        return EXIT_CONTENT


def _user_layouts(settings: Settings) -> Path | None:
    """The guide's own layouts folder, if it has one."""
    from .resources import LAYOUTS

    folder = project_folder(settings) / settings.build.layouts
    return folder if folder.is_dir() and folder.resolve() != LAYOUTS else None


def _build(settings: Settings, content: list[Path], reporter, force: bool = False, pool=None,
           warm: bool = False) -> int:
    """Build what is out of date. `warm` (watch's first build, with its `pool`): outputs found up
    to date are built all the same, from the cache and silently, so that the guide is read, the
    layouts compiled and the workers' fonts loaded before the first save, not after it."""
    from .cache import Manifest, cache_folder, fingerprint
    from .resources import FONTS, LAYOUTS

    project = project_folder(settings)
    out = Path(settings.build.out)
    if not out.is_absolute():
        out = project / out
    cache_dir = cache_folder(project)  # never inside the guide, which anyone may have written
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # $XDG_CACHE_HOME is a file, or cannot be written: build without a cache
        from .report import shown_path
        if pool is None:  # said once, not again when called back with the workers
            reporter.line(f"studyguide: the cache folder {shown_path(cache_dir)} cannot be made "
                          f"({exc.strerror or exc}); building without a cache")
        cache_dir, force = None, True
    user_layouts = _user_layouts(settings)
    layouts = [LAYOUTS] + ([user_layouts] if user_layouts else [])
    stamp = fingerprint(settings, content, layouts, settings.fonts_folder or FONTS)
    manifest = Manifest(cache_dir) if cache_dir is not None else None  # none: force is set
    if not force and manifest.up_to_date(stamp, out):
        from .report import Reporter, shown_path
        reporter.line(f"{shown_path(out)}: up to date")
        if warm and pool is not None:
            return _run(settings, content, Reporter(quiet=True), out, user_layouts, cache_dir, stamp, pool,
                        prime=True)
        return EXIT_OK
    wanted = settings.build.outputs
    if not force and len(wanted) == 1 and wanted[0] in RECORDED_EXPORTS and not settings.build.quiz \
            and (done := _exported_again(settings, reporter, out, manifest, stamp)) is not None:
        return done

    from .printing.pool import Pool

    if pool is None:  # start the workers before importing the rest, so both happen at once
        if not settings.build.quiz and not RENDERED & set(settings.build.outputs):
            # HTML pages and exports render nothing: workers would only load WeasyPrint for nothing
            return _build(settings, content, reporter, force, Pool(1))
        if not force and user_layouts is None and manifest.only_placement_changed(stamp, out) \
                and manifest.intact(out):
            return _placed_again(settings, content, reporter, out, manifest, stamp)
        # after an edit a few pieces render, most often more than one: one worker starts now
        # and a second when two jobs wait, rather than two loading WeasyPrint while this
        # process is still reading, on a machine that may have only two cores
        few = not force and manifest.built_before()
        with Pool(settings.build.jobs or None).warm(1 if few else None) as own:
            return _build(settings, content, reporter, force, own)
    return _run(settings, content, reporter, out, user_layouts, cache_dir, "" if force else stamp, pool)


PLACED = {"flashcards"}  # the outputs in which where cards sit on a sheet (flip, back offset, cut guides) shows


def _placed_again(settings: Settings, content: list[Path], reporter, out: Path, manifest, stamp: str) -> int:
    """Only the flip, the back offset or the cut guides changed since the last build into this
    folder, whose outputs are as it wrote them: the flashcards are made again, by moving the cards
    on their sheets and drawing the guides over them rather than laying them out (a back that cannot be moved renders in this process, so
    no worker loads WeasyPrint for nothing), and every other output, laid out the same, is left
    as it is."""
    import dataclasses

    from .printing.pool import Pool

    last = manifest.load().get("outputs", {})
    placed = [] if settings.build.quiz else [name for name in settings.build.outputs if name in PLACED]
    if not placed:  # nothing shows where cards sit: the outputs are as they were
        manifest.save(stamp, out, last)
        return _build(settings, content, reporter)
    only = dataclasses.replace(settings, build=dataclasses.replace(settings.build, outputs=placed))
    moved = _moved_again(only, reporter, out, manifest, stamp, last)
    if moved is not None:
        return moved
    # the record of what was written covers the outputs left as they are, in the one save
    return _run(only, content, reporter, out, None, manifest.path.parent, stamp, Pool(1), kept=last)


def _moved_again(settings: Settings, reporter, out: Path, manifest, stamp: str, last: dict[str, str]) -> int | None:
    """The placed outputs made from what the last build of the same guide kept for this (see
    `placed.placed_again`): without reading the guide or laying anything out, and with
    the findings of that build. None when there is no such record, or it does not serve."""
    import time

    from .cache import JobCache, placement_key
    from .outcome import Made, Result, write_outputs
    from .plain import found_again, plain_int, plain_list

    work_dir = manifest.path.parent
    cache = JobCache(work_dir)
    record = cache.record(placement_key(cache, stamp))
    try:
        kept = {name: record["outputs"][name] for name in settings.build.outputs}
        checked = [found_again(row) for row in plain_list(record["checked"])]
        chapters, cards = plain_int(record["chapters"]), plain_int(record["cards"])
    except (TypeError, ValueError, KeyError):  # none, or not what this version writes
        return None
    from .placed import placed_again

    made, found = Made({}, {}, {}, {}), list(checked)
    with reporter:
        for name, data in kept.items():
            started = time.perf_counter()
            again = placed_again(data, settings, cache) if name == "flashcards" else None
            if again is None:
                return None
            files, pages, findings = again
            for file, content in files.items():
                made.files[out / file] = content
                made.seconds[file] = (time.perf_counter() - started) / len(files)
            made.pages.update(pages)
            found += findings
        result = write_outputs(made, Result(diagnostics=found), out, cards, cache, work_dir, stamp, reporter, last)
    return _outcome(result, reporter, chapters, cards)


def _exported_again(settings: Settings, reporter, out: Path, manifest, stamp: str) -> int | None:
    """An export written from the record an earlier build of the same guide and settings kept
    (whichever outputs it made; see `build._keep_exports`): the same bytes,
    with the findings of that build's reading and checking, and without reading the guide. None
    when there is no such record, or it does not serve."""
    import time

    from .cache import JobCache, export_key
    from .outcome import Made, Result, write_outputs
    from .plain import found_again, plain_int, plain_list, plain_str

    started = time.perf_counter()
    work_dir = manifest.path.parent
    cache = JobCache(work_dir)
    record = cache.record(export_key(cache, stamp))
    try:
        [(name, text)] = record["files"].items()
        data = plain_str(text).encode("utf-8")  # a lone surrogate, which JSON can hold, is refused here
        checked = [found_again(row) for row in plain_list(record["checked"])]
        chapters, cards = plain_int(record["chapters"]), plain_int(record["cards"])
    except (TypeError, ValueError, KeyError, AttributeError):  # none, or not what this version writes
        return None
    if name != EXPORT_FILES[settings.build.outputs[0]] or any(d.severity is Severity.ERROR for d in checked):
        return None  # a planted name; a guide with errors is read again, to say them where they are
    made = Made({out / name: data}, {}, {}, {name: time.perf_counter() - started})
    with reporter:
        result = write_outputs(made, Result(diagnostics=checked), out, cards, cache, work_dir, stamp, reporter, {})
    return _outcome(result, reporter, chapters, cards)


def _run(settings: Settings, content: list[Path], reporter, out: Path, user_layouts: Path | None,
         cache_dir: Path | None, stamp: str, pool, kept: dict[str, str] | None = None, prime: bool = False) -> int:
    """Build, with the record of what was written kept under `stamp` (none: keep nothing), and
    report the outcome (`prime`: see `build`)."""
    from .build import build
    from .select import SelectionError

    try:
        with reporter:
            result = build(settings, content, out, user_layouts, cache_dir, stamp, progress=reporter, pool=pool,
                           kept=kept, prime=prime)
    except SelectionError as exc:
        reporter.error(f"studyguide: {exc}")
        return EXIT_USAGE
    guide = result.guide
    return _outcome(result, reporter, len(guide.chapters) if guide else 0, len(guide.cards) if guide else 0)


def _outcome(result, reporter, chapters: int, cards: int) -> int:
    """A build's findings and summary said, and its exit status."""
    reporter.diagnostics(result.diagnostics)
    if result.failed:
        count = sum(1 for d in result.diagnostics if d.severity is Severity.ERROR)
        reporter.error(f"studyguide: {count} error{'s' * (count != 1)}; nothing was written.")
        return EXIT_CONTENT
    reporter.summary(result.outputs, chapters, cards, result.diagnostics)
    return EXIT_OK
