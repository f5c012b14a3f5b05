"""Settings: every option, its type, default and meaning, in one place.

`studyguide.toml` (or `[tool.studyguide]` in `pyproject.toml`) and the command line fill the same
frozen dataclasses; the JSON Schema for editors is generated from them too.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, get_args, get_origin, get_type_hints

from .geometry.paper import parse_paper
from .geometry.sheets import Backs, Flip, StockError, stock_for

CONFIG_NAME = "studyguide.toml"


def _option(default, help: str, choices: tuple = (), minimum: float | None = None,
            maximum: float | None = None, pattern: str | None = None):
    meta = {"help": help, "choices": choices, "minimum": minimum, "maximum": maximum, "pattern": pattern}
    if isinstance(default, (list, dict)):
        return field(default_factory=lambda: type(default)(default), metadata=meta)
    if dataclasses.is_dataclass(default):  # a table inside a section, such as [read.markers]
        return field(default_factory=type(default), metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class GuideSettings:
    """What the guide is: shown on the title page and in the PDF metadata."""

    title: str = _option("", "title on the title page and in the PDF metadata (default: 复习题 / Study guide)")
    subtitle: str = _option("", "subtitle on the title page")
    course: str = _option("", "course name on the title page")
    author: str = _option("", "author, on the title page and in the PDF metadata")
    date: str = _option("", "date on the title page, as written (default: none)")
    keywords: list = _option([], "keywords for the PDF metadata")
    language: str = _option("auto", "language of the content (it picks the fonts) and of studyguide's own words",
                            choices=("auto", "zh-CN", "zh-TW", "zh-HK", "ja", "ko", "en"))


@dataclass(frozen=True)
class BuildSettings:
    """What to read, what to write, and where."""

    content: list = _option(["content"], "content files or folders, read in order")
    out: str = _option("out", "output folder")
    outputs: list = _option(["workbook", "flashcards", "html", "study"], "what to build",
                            choices=("workbook", "flashcards", "html", "study", "anki", "csv"))
    chapters: str = _option("", "chapters to include, such as `1-3,7` (default: all)",
                            pattern=r"^\s*(\d+(\s*-\s*\d+)?)(\s*,\s*\d+(\s*-\s*\d+)?)*\s*$|^$")
    shuffle: bool = _option(False, "put each chapter's questions in a random order (see seed)")
    seed: int = _option(0, "the seed for --shuffle and --quiz: the same seed gives the same order", minimum=0)
    quiz: int = _option(0, "draw this many questions into out/quiz.pdf and out/quiz-key.pdf, instead of "
                        "the other outputs (0: no quiz)", minimum=0, maximum=10000)
    fonts: str = _option("", "folder holding the fonts (default: the bundled ones)")
    layouts: str = _option("layouts", "folder whose templates and CSS override the built-in ones")
    jobs: int = _option(0, "worker processes for rendering (0: one per CPU core)", minimum=0, maximum=64)
    chunk_cards: int = _option(0, "cards per separately rendered piece of an output; a guide of at most "
                               "this many cards is rendered as one document (0: automatic)",
                               minimum=0, maximum=100000)
    line_breaks: str = _option("auto", "line breaks inside a paragraph: keep them, join them, "
                               "or auto (keep for Chinese and Japanese, join for others)", choices=("auto", "keep", "join"))


@dataclass(frozen=True)
class WorkbookSettings:
    """The PDF workbook, in its three editions."""

    editions: list = _option(["handout", "workbook", "teacher"],
                             "editions to build: handout (no answers), workbook (answer key at the end), "
                             "teacher (each answer under its question)", choices=("handout", "workbook", "teacher"))
    paper: str = _option("a4", "paper: a4, letter, a5, b5, or WxH in mm such as `180x250mm`",
                         pattern=r"^(a4|a5|b5|letter|\d+(\.\d+)?\s*x\s*\d+(\.\d+)?\s*mm)$")
    duplex: bool = _option(False, "printed on both sides: the wider binding margin alternates, and chapters "
                           "start on a right-hand page")
    answer_space: str = _option("lines", "space left for writing each answer: ruled lines, a blank box, a grid, "
                                "or none", choices=("lines", "box", "grid", "none"))
    answer_lines: int = _option(0, "a fixed number of answer lines (0: scale with the answer's length)",
                                minimum=0, maximum=60)
    answer_factor: float = _option(1.0, "answer lines per line the printed answer would take in handwriting",
                                   minimum=0.1, maximum=10)
    min_answer_lines: int = _option(2, "fewest answer lines", minimum=1, maximum=60)
    pdf_variant: str = _option("", "a PDF standard to follow: pdf/ua-1 (tagged, accessible) or pdf/a-3b "
                               "(archival); empty for plain PDF", choices=("", "pdf/ua-1", "pdf/a-3b"))
    booklet: bool = _option(False, "also impose the handout as an A5 booklet on A4 sheets "
                            "(handout-booklet.pdf), for saddle stitching")

    def check(self, path: Path | None = None, text: str = "") -> None:
        """Raise ConfigError when the paper has the right form but a size no page can have."""
        try:
            parse_paper(self.paper)
        except ValueError as exc:
            line = _line_of(text, "workbook", "paper") if text else 0
            raise ConfigError(path if line else None, "workbook.paper", str(exc),
                              "a paper's sides are 50 to 1000 mm, such as `180x250mm`", line) from None


@dataclass(frozen=True)
class CardSettings:
    """Flashcard sheets."""

    card: str = _option("a7", "card size: a7 (105 × 74 mm, 8 per A4), poker (63 × 88 mm, 9 per A4), "
                        "business (3.5 × 2 in, 10 per Letter), index (5 × 3 in, 3 per Letter), "
                        "or WxH in mm or inches such as `90x55mm` or `4x6in`",
                        pattern=r"^(a7|poker|business|index|\d+(\.\d+)?\s*x\s*\d+(\.\d+)?\s*(mm|in))$")
    paper: str = _option("auto", "paper the cards are printed on: auto (the card's own sheet: A4, or Letter "
                         "for business and index cards), a4, letter, a5, b5, or WxH in mm",
                         pattern=r"^(auto|a4|a5|b5|letter|\d+(\.\d+)?x\d+(\.\d+)?mm)$")
    grid: str = _option("auto", "columns x rows of cards on a sheet, such as `2x5`; auto: the card's own "
                        "grid, or as many as fit clear of the paper's unprintable edge",
                        pattern=r"^(auto|\d{1,2}\s*x\s*\d{1,2})$")
    gap_mm: float = _option(0.0, "space between neighbouring cards, in mm (0: one cut separates two cards)",
                            minimum=0, maximum=30)
    flip: Flip = _option("long", "how the printer turns the sheet for the back: about its long edge "
                         "(the usual duplex setting) or its short edge", choices=get_args(Flip))
    duplex: str = _option("printer", "printer: one PDF, fronts and backs alternating, for a duplex printer; "
                          "manual: flashcards-fronts.pdf and flashcards-backs.pdf, to turn the stack by hand",
                          choices=("printer", "manual"))
    fold: bool = _option(False, "print question and answer side by side on one side of the sheet, "
                         "with a fold line between them, instead of on two sides")
    back_offset_x_mm: float = _option(0.0, "move everything on the backs this far right (negative: left), "
                                      "to correct the printer; `python compile.py calibrate` finds it",
                                      minimum=-5, maximum=5)
    back_offset_y_mm: float = _option(0.0, "move everything on the backs this far down (negative: up)",
                                      minimum=-5, maximum=5)
    cut: str = _option("lines", "cut guides: dashed lines between the cards, crop marks outside the grid, "
                       "or none", choices=("lines", "marks", "none"))
    band: bool = _option(False, "a colour band in each card's head, one colour per chapter")
    question_on_back: bool = _option(False, "repeat the question in small grey type above the answer")
    overflow: str = _option("continue", "a side that does not fit even at the smallest size: continue it "
                            "on another card marked as continued, or stop the build with an error",
                            choices=("continue", "error"))
    base_size_pt: float = _option(14.0, "text size a card starts at", minimum=4, maximum=40)
    min_size_pt: float = _option(7.0, "smallest text size before a card continues on another", minimum=4, maximum=40)

    def check(self, path: Path | None = None, text: str = "") -> None:
        """Raise ConfigError when the cards cannot be laid out on the paper as asked."""
        if self.min_size_pt > self.base_size_pt:
            raise ConfigError(path, "cards.min_size_pt", f"{self.min_size_pt:g} pt is larger than "
                              f"cards.base_size_pt ({self.base_size_pt:g} pt)",
                              "the smallest size must not exceed the size cards start at",
                              _line_of(text, "cards", "min_size_pt") if text else 0)
        try:
            stock_for(self)
        except StockError as exc:
            name = exc.key.split(".", 1)[-1]
            line = _line_of(text, "cards", name) if text else 0
            raise ConfigError(path if line else None, exc.key, exc.message, exc.hint, line) from None

    @property
    def backs(self) -> Backs:
        return Backs(self.flip, (self.back_offset_x_mm, self.back_offset_y_mm))


# the readers a guide may name; the same as studyguide.read.settings.FORMATS (a test keeps them
# equal), written out here so that reading the settings does not load the Markdown reader
READ_FORMATS = ("auto", "numbered", "headings", "labels", "table", "details", "separator", "cloze",
                "truefalse", "choice")
_MARKER_LENGTH = 200


@dataclass(frozen=True)
class MarkerSettings:
    """What marks your questions and answers, for the `labels` reader: `[read.markers]`."""

    question: str = _option("", "what starts a question: text such as `**Q.**`, `**问题**：` or `【题目】`, "
                            "or a regular expression written between slashes, such as `/Q\\d+[.:]/`")
    answer: str = _option("", "what starts its answer: text such as `**A.**`, `**答案**：` or `【解析】`, "
                          "or a regular expression written between slashes")
    tag: str = _option("", "a tag such as `#card` that makes an outline item a question; its child items "
                       "are the answer", pattern=r"^(#[^\s#]+)?$")
    container: str = _option("", "a container such as `details`: the answer is inside `::: details` … `:::`",
                             pattern=r"^([a-z][\w-]*)?$")
    key: bool = _option(False, "the answers are gathered in a key at the end of each section, one per "
                        "question number")


@dataclass(frozen=True)
class ReadingSettings:
    """How the content is read: which reader, for which files, and your own question and answer markers."""

    format: str = _option("auto", "the reader for every file: auto (each section's shape chooses), numbered, "
                          "headings, labels (Q:/A: or the markers below), table, details, separator "
                          "(question::answer), cloze, truefalse, choice; a file's front matter `format:` "
                          "wins", choices=READ_FORMATS)
    files: dict = _option({}, "formats for some files: a table of glob patterns, relative to the content "
                          "folder, and the format for the files they match, such as "
                          "`{\"cards/*.md\" = \"separator\"}`; the first pattern that matches wins",
                          choices=READ_FORMATS)
    markers: MarkerSettings = _option(MarkerSettings(), "markers for the `labels` reader (question, answer, "
                                      "tag, container, key), as a table `[read.markers]`")

    def reading(self, source: Path | None = None):
        """These settings as the reader takes them (studyguide.read.settings.ReadSettings), with
        the `file:line` in `source`, the settings file, of each marker written as an expression."""
        from .read.settings import Markers, ReadSettings  # loaded only when reading

        markers = Markers(**{f.name: getattr(self.markers, f.name) for f in fields(MarkerSettings)})
        origin = []
        for name in ("question", "answer"):
            if source is not None and is_marker_pattern(getattr(markers, name)):
                try:
                    line = _line_of(source.read_text(encoding="utf-8"), "read.markers", name)
                except (OSError, UnicodeDecodeError):
                    line = 0
                shown = source  # as the user would type it, from where they are
                if source.is_absolute() and source.is_relative_to(Path.cwd()):
                    shown = source.relative_to(Path.cwd())
                origin.append((name, f"{shown}:{line}" if line else shown))
        return ReadSettings(self.format, tuple(self.files.items()), markers, tuple(origin))


@dataclass(frozen=True)
class Settings:
    guide: GuideSettings = field(default_factory=GuideSettings)
    build: BuildSettings = field(default_factory=BuildSettings)
    workbook: WorkbookSettings = field(default_factory=WorkbookSettings)
    cards: CardSettings = field(default_factory=CardSettings)
    read: ReadingSettings = field(default_factory=ReadingSettings)
    source: Path | None = None  # the file the settings came from, if any

    @property
    def fonts_folder(self) -> Path | None:
        """build.fonts, relative to the settings file's folder; None for the bundled fonts."""
        if not self.build.fonts:
            return None
        folder = Path(self.build.fonts)
        return folder if folder.is_absolute() or self.source is None else self.source.parent / folder


SECTIONS = {f.name: f.type for f in fields(Settings) if f.name != "source"}


class ConfigError(Exception):
    """A setting that cannot be used, with the file, the key and what was expected."""

    def __init__(self, path: Path | None, key: str, message: str, hint: str = "", line: int = 0,
                 column: int = 0) -> None:
        self.path, self.key, self.hint, self.line = path, key, hint, line
        if path is not None and path.is_absolute():  # shown as the user would type it, from where they are
            try:
                path = path.relative_to(Path.cwd())
            except ValueError:
                pass
        where = f"{path}:{line}:{column}: " if path and line and column else (
            f"{path}:{line}: " if path and line else (f"{path}: " if path else ""))
        what = f"`{key}`: " if key else ""  # a file that is not TOML at all has no key to name
        super().__init__(f"{where}{what}{message}" + (f" ({hint})" if hint else ""))


def _section_classes() -> dict[str, type]:
    hints = get_type_hints(Settings)
    return {name: hints[name] for name in SECTIONS}


def _line_of(text: str, section: str, key: str) -> int:
    """The line where a key is set in a TOML file, for messages (0 when it cannot tell)."""
    current = ""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = re.match(r"^\[+\s*([^\]]+?)\s*\]+", stripped)
        if header:
            current = header.group(1).removeprefix("tool.studyguide").strip(".")
            continue
        # a key may be quoted: `"cards/*.md" = "separator"`
        if current == section and re.match(rf"^([\"']?){re.escape(key)}\1\s*=", stripped):
            return number
        if not section and current == "" and re.match(rf"^{re.escape(key)}\s*=", stripped):
            return number
    return 0


def _check_value(path, text, section: str, name: str, value: Any, f: dataclasses.Field, hint_type) -> Any:
    key = f"{section}.{name}"
    line = _line_of(text, section, name) if text else 0
    expected = _plain_type(hint_type)
    meta = f.metadata
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if expected is list and isinstance(value, str):
        value = [value]
    if expected is dict and isinstance(value, dict):
        return _check_table(path, text, section, name, value, meta)
    if not isinstance(value, expected) or (expected is not bool and isinstance(value, bool)):
        raise ConfigError(path, key, f"expected {_type_name(expected)}, got {_type_name(type(value))} {value!r}",
                          line=line)
    choices = meta.get("choices") or ()
    items = value if isinstance(value, list) else [value]
    for item in items:
        if choices and item not in choices:
            close = difflib.get_close_matches(str(item), [str(c) for c in choices], n=1)
            hint = f"did you mean `{close[0]}`?" if close else "one of: " + ", ".join(map(str, choices))
            raise ConfigError(path, key, f"{item!r} is not one of {', '.join(map(str, choices))}", hint, line)
    if meta.get("pattern") and isinstance(value, str) and not re.match(meta["pattern"], value.strip().lower()):
        raise ConfigError(path, key, f"{value!r} is not in the expected form", meta["help"], line)
    if isinstance(value, float) and not math.isfinite(value):  # nan passes every comparison below
        raise ConfigError(path, key, f"{value} is not a number a setting can take", "give a number, such as 1.5",
                          line)
    if meta.get("minimum") is not None and value < meta["minimum"]:
        raise ConfigError(path, key, f"{value} is below the minimum {meta['minimum']}", line=line)
    if meta.get("maximum") is not None and value > meta["maximum"]:
        raise ConfigError(path, key, f"{value} is above the maximum {meta['maximum']}", line=line)
    return value


def _deepest_line(text: str, depth: int = 100) -> int:
    """The first line where brackets and braces nest `depth` deep (strings aside: a rough count)."""
    level = 0
    for number, line in enumerate(text.splitlines(), start=1):
        for ch in line:
            level += (ch in "[{") - (ch in "]}")
            if level >= depth:
                return number
    return 1


def _syntax_error(path: Path, text: str, exc: tomllib.TOMLDecodeError) -> ConfigError:
    """`file:line:column: not valid TOML: …`, with the line and a caret under the place."""
    found = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
    what = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(exc))
    line, column = (int(found[1]), int(found[2])) if found else (len(text.splitlines()) or 1, 1)
    lines = text.splitlines()
    shown = lines[line - 1] if 0 < line <= len(lines) else ""
    if what == "Illegal character '\\n'":
        what = "the line ends inside a string: close the quotes"
    elif what == "Invalid value":
        what = "invalid value: text goes in quotes, such as \"long\""
    error = ConfigError(path, "", f"not valid TOML: {what}", line=line, column=column)
    error.args = (f"{error}\n    {shown}\n    {' ' * (column - 1)}^",) if shown.strip() else error.args
    return error


def _plain_type(hint) -> type:
    """The type a TOML value must have: `list` for list[str], `str` for a Literal of strings (its
    values are the option's choices)."""
    if get_origin(hint) is Literal:
        return type(get_args(hint)[0])
    return get_origin(hint) or hint


def _type_name(t) -> str:
    return {str: "a string", int: "an integer", float: "a number", bool: "true or false",
            list: "a list", dict: "a table"}.get(t, t.__name__)


def from_mapping(data: dict, path: Path | None = None, text: str = "", base: Settings | None = None) -> Settings:
    """Settings from a parsed TOML table, over `base` (default: the defaults)."""
    base = base or Settings()
    classes = _section_classes()
    sections = {}
    for section, value in data.items():
        if section not in classes:
            close = difflib.get_close_matches(section, list(classes), n=1)
            raise ConfigError(path, section, "unknown section",
                              f"did you mean `[{close[0]}]`?" if close else "sections: " + ", ".join(classes),
                              _line_of(text, "", section) or _section_line(text, section))
        if not isinstance(value, dict):
            raise ConfigError(path, section, "expected a table such as `[" + section + "]`",
                              line=_line_of(text, "", section))
        sections[section] = _section(path, text, section, value, getattr(base, section))
    return dataclasses.replace(base, **sections, source=path or base.source)


def _section(path, text, section: str, value: dict, base):
    """One section's dataclass from its TOML table, over `base`; a table inside it (such as
    [read.markers]) is a section of its own, named `read.markers`."""
    cls = type(base)
    hints = get_type_hints(cls)
    known = {f.name: f for f in fields(cls)}
    changes = {}
    for name, item in value.items():
        if name not in known:
            close = difflib.get_close_matches(name, list(known), n=1)
            hint = f"did you mean `{section}.{close[0]}`?" if close else "keys: " + ", ".join(known)
            raise ConfigError(path, f"{section}.{name}", "unknown key", hint,
                              _line_of(text, section, name) or _section_line(text, section))
        if dataclasses.is_dataclass(hints[name]):
            if not isinstance(item, dict):
                raise ConfigError(path, f"{section}.{name}", f"expected a table such as `[{section}.{name}]`",
                                  line=_line_of(text, section, name))
            changes[name] = _section(path, text, f"{section}.{name}", item, getattr(base, name))
        else:
            changes[name] = _check_value(path, text, section, name, item, known[name], hints[name])
    result = dataclasses.replace(base, **changes)
    if isinstance(result, MarkerSettings):
        _check_markers(path, text, section, result)
    return result


def _check_table(path, text, section: str, name: str, value: dict, meta) -> dict:
    """A table of glob patterns and formats, such as [read.files]."""
    for pattern, chosen in value.items():
        key = f"{section}.{name}"
        line = _line_of(text, key, pattern) or _line_of(text, section, name)
        where = f"`{pattern}`"
        if not pattern.strip() or Path(pattern).is_absolute() or ".." in Path(pattern).parts:
            raise ConfigError(path, key, f"{where} is not a pattern inside the content folder",
                              "write a glob relative to the content folder, such as `cards/*.md`", line)
        if not isinstance(chosen, str):
            raise ConfigError(path, key, f"{where}: expected a string, got {_type_name(type(chosen))} {chosen!r}",
                              "one of: " + ", ".join(meta["choices"]), line)
        if chosen not in meta["choices"]:
            close = difflib.get_close_matches(chosen, meta["choices"], n=1)
            hint = f"did you mean `{close[0]}`?" if close else "one of: " + ", ".join(meta["choices"])
            raise ConfigError(path, key, f"{where}: {chosen!r} is not one of {', '.join(meta['choices'])}",
                              hint, line)
    return value


def _check_markers(path, text, section: str, markers: MarkerSettings) -> None:
    """A marker written as /…/ must be a regular expression that compiles and cannot run away."""
    for name in ("question", "answer"):
        value = getattr(markers, name)
        key, line = f"{section}.{name}", _line_of(text, section, name) or _section_line(text, section)
        if len(value) > _MARKER_LENGTH:
            raise ConfigError(path, key, f"the marker is {len(value)} characters long",
                              f"a marker is at most {_MARKER_LENGTH} characters", line)
        if not is_marker_pattern(value):
            continue
        try:
            re.compile(value[1:-1])
        except re.error as exc:
            raise ConfigError(path, key, f"{value} is not a valid regular expression: {exc}",
                              "fix the expression (Python's syntax), or write the marker as plain text "
                              "without the slashes", line) from None
        from .read.settings import matches_nothing, runaway  # loaded only when a marker is an expression

        if why := runaway(value[1:-1]):
            raise ConfigError(path, key, f"{value} {why}, which can take hours on a long line",
                              "repeat only letters and classes, such as `/Q\\d+:/` rather than `/(Q\\d+)+:/` "
                              "or `/[QA]+:/` rather than `/(Q|A)+:/`", line)
        if why := matches_nothing(value[1:-1]):
            raise ConfigError(path, key, f"{value} {why}",
                              "make it need at least one character, such as `/Q\\d+:/` rather than `/Q?\\d*/`", line)


def is_marker_pattern(marker: str) -> bool:
    """A marker written as /…/ is a regular expression; any other is plain text."""
    return len(marker) >= 2 and marker.startswith("/") and marker.endswith("/")


def _section_line(text: str, section: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"^\s*\[\s*(tool\.studyguide\.)?{re.escape(section)}\s*\]", line):
            return number
    if "." in section:  # a table written inline, `markers = {…}`, under its parent section
        parent, name = section.rsplit(".", 1)
        return _line_of(text, parent, name) or _section_line(text, parent)
    return 0


# the settings that name a place, and how a user names one of their own instead
_PLACES = {
    "content": "move it into the guide's folder, or name it on the command line: `studyguide build PATH`",
    "out": "choose a folder inside the guide, or give your own with --out",
    "layouts": "move the folder into the guide's folder",
    "fonts": "move the folder into the guide's folder",
}


def confine(settings: Settings, folder: Path, given: set[str]) -> None:
    """Raise ConfigError when a place the guide names (or a default one, such as an `out` that
    is a link the guide ships) leads outside the guide's folder, links followed. A guide comes
    from anyone: it must not read, nor write, anywhere else. What the command line gives
    (`given`, such as build.out) is the user's own choice and not checked."""
    import os

    home = Path(os.path.realpath(folder))
    text = ""
    if settings.source is not None:
        try:
            text = settings.source.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            pass
    for name, hint in _PLACES.items():
        if f"build.{name}" in given:
            continue
        value = getattr(settings.build, name)
        for item in value if isinstance(value, list) else [value]:
            if not item:  # fonts = "": the bundled fonts
                continue
            path = folder / item  # an absolute item stays as it is
            real = Path(os.path.realpath(path))
            if real == home or real.is_relative_to(home):
                continue
            line = _line_of(text, "build", name) if text else 0
            what = f"`{item}` leads to {real}" if line else f"is a link to {real}"
            raise ConfigError(settings.source if line else path, f"build.{name}",
                              f"{what}, outside the guide's folder", hint, line)


def find_config(start: Path) -> Path | None:
    """studyguide.toml in the folder, or a pyproject.toml there with [tool.studyguide]."""
    candidate = start / CONFIG_NAME
    if candidate.is_file():
        return candidate
    pyproject = start / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError):
            return None
        except RecursionError:  # too deep to read: load() says so at its line
            return pyproject
        if "studyguide" in data.get("tool", {}):
            return pyproject
    return None


def find_guide(start: Path) -> Path | None:
    """The settings file of the guide `start` is in: the nearest one in `start` or a folder above
    it, as git, ruff and pytest find theirs."""
    start = start.absolute()
    for folder in (start, *start.parents):
        found = find_config(folder)
        if found:
            return found
    return None


def load(path: Path | None) -> Settings:
    """Settings from a file (studyguide.toml or pyproject.toml), or the defaults for None."""
    if path is None:
        return Settings()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(path, "", f"cannot read the file: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(path, text, exc) from None
    except RecursionError:  # Python's TOML reader recurses once per level of `[[[…` or `{a = {…`
        raise ConfigError(path, "", "not valid TOML for studyguide: arrays or tables nest too deeply",
                          "no setting nests more than two levels; write the value flat",
                          line=_deepest_line(text)) from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("studyguide", {})
    return from_mapping(data, path, text)


def override(settings: Settings, changes: dict[str, Any]) -> Settings:
    """Settings with `section.key` values from the command line, validated like the file's."""
    nested: dict[str, dict] = {}
    for dotted, value in changes.items():
        section, key = dotted.split(".", 1)
        nested.setdefault(section, {})[key] = value
    try:
        return from_mapping(nested, None, "", settings)
    except ConfigError as exc:
        raise ConfigError(None, exc.key, str(exc).split(": ", 1)[-1].split(" (")[0], exc.hint) from None


def json_schema() -> dict:
    """A JSON Schema of studyguide.toml, for editor completion and checking."""
    properties = {section: _table_schema(cls) for section, cls in _section_classes().items()}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "studyguide.toml", "type": "object", "properties": properties,
            "additionalProperties": False}


def _table_schema(cls) -> dict:
    hints = get_type_hints(cls)
    props = {}
    for f in fields(cls):
        if dataclasses.is_dataclass(hints[f.name]):  # a table inside the section: [read.markers]
            props[f.name] = _table_schema(hints[f.name])
            continue
        expected = _plain_type(hints[f.name])
        entry: dict[str, Any] = {"description": f.metadata["help"]}
        kind = {str: "string", int: "integer", float: "number", bool: "boolean", list: "array",
                dict: "object"}[expected]
        entry["type"] = kind
        default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
        entry["default"] = default
        choices = list(f.metadata["choices"])
        if kind == "object":  # a table of names to values, such as [read.files]
            entry["additionalProperties"] = {"enum": choices} if choices else {"type": "string"}
        elif choices:
            if kind == "array":
                entry["items"] = {"enum": choices}
            else:
                entry["enum"] = choices
        elif kind == "array":
            entry["items"] = {"type": "string"}
        if f.metadata["minimum"] is not None:
            entry["minimum"] = f.metadata["minimum"]
        if f.metadata["maximum"] is not None:
            entry["maximum"] = f.metadata["maximum"]
        props[f.name] = entry
    return {"type": "object", "description": (cls.__doc__ or "").strip(), "properties": props,
            "additionalProperties": False}
