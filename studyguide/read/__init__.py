"""Read: content files in, chapters and cards out, with every finding located by file and line."""

from __future__ import annotations

import dataclasses
import errno
import fnmatch
import hashlib
import os
import re
from collections import Counter
from pathlib import Path

from ..diagnostics import finding
from ..model import Card, Chapter, Diagnostic, Guide, Location, escaped
from .chapters import ChapterDraft, ChapterReader
from .rules.labels import MARKER_SECONDS, SlowMarker
from .text import is_question_line
from .settings import FORMATS, Markers, ReadSettings, matches_nothing, runaway
from .source import Source, parse, read_bytes

CONTENT_SUFFIXES = (".md", ".markdown")


def natural_key(path: Path) -> list:
    """`2-x.md` before `10-x.md`."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", str(path))]


def find_files(paths: list[Path]) -> tuple[list[Path], list[Diagnostic]]:
    """The content files named or found (recursively, *.md) under the given paths."""
    files: list[Path] = []
    problems: list[Diagnostic] = []
    for path in paths:
        if path.is_dir():
            root = _real(path)
            found = []
            for candidate in path.rglob("*"):
                if any(part.startswith(".") for part in candidate.relative_to(path).parts):
                    continue
                if candidate.is_symlink() and candidate.is_dir():
                    problems.append(finding(
                        "SG109", f"{shown_name(candidate)} is a link to the folder {_real(candidate)}; links to "
                        "folders are not followed, and nothing in it is read", Location(candidate, 0, 0),
                        "move the folder itself into the content folder instead of linking to it"))
                    continue
                if candidate.suffix.lower() not in CONTENT_SUFFIXES:
                    continue
                if any("\udc80" <= ch <= "\udcff" for ch in candidate.name):  # bytes os.fsdecode kept
                    problems.append(finding(
                        "SG101", "the file's name is not UTF-8 text, so it is not read",
                        Location(candidate, 0, 0), "rename the file"))
                elif candidate.is_symlink() and not candidate.exists():
                    problems.append(_broken_link(candidate))
                elif candidate.is_dir():
                    problems.append(finding(
                        "SG111", "a folder named like a Markdown file: the Markdown files inside it are read "
                        "as chapters, the folder itself is not a file", Location(candidate, 0, 0),
                        "rename the folder without .md"))
                elif not candidate.is_file():  # never opened: a FIFO would wait forever for a writer
                    problems.append(_not_a_file(candidate))
                elif not (real := _real(candidate)).is_relative_to(root):
                    # a link that leads out of the content folder is not followed: on a shared
                    # build machine it could read any file the builder can
                    problems.append(finding(
                        "SG109", f"{shown_name(candidate)} is a link to {real}, outside the content "
                        "folder; it is not read", Location(candidate),
                        "copy the file into the content folder instead of linking to it"))
                else:
                    found.append(candidate)
            if not found and not problems:
                problems.append(finding("SG107", "no Markdown (.md) files in this folder", Location(path, 0, 0),
                                        "put one Markdown file per chapter here, such as ch01.md"))
            files += sorted(found, key=natural_key)
        elif path.is_symlink() and not path.exists():
            problems.append(_broken_link(path))
        elif path.exists() and not path.is_file():
            problems.append(_not_a_file(path))
        elif path.exists():
            files.append(path)
        else:
            problems.append(finding("SG101", "no such file or folder", Location(path, 0, 0),
                                    "check the path"))
    return files, problems


def shown_name(path: Path) -> str:
    return escaped(path.name)


def _not_a_file(path: Path) -> Diagnostic:
    kind = "a named pipe (FIFO)" if path.is_fifo() else "a socket" if path.is_socket() else \
        "a device" if path.is_char_device() or path.is_block_device() else "not a regular file"
    return finding("SG101", f"{shown_name(path)} is {kind}, not a file; it is not read", Location(path, 0, 0),
                   "replace it with a Markdown file, or remove it")


def _real(path: Path) -> Path:
    """The path with every link followed; a link loop stays as it is (Path.resolve raises)."""
    return Path(os.path.realpath(path))


def _broken_link(path: Path) -> Diagnostic:
    why = "in a loop of links" if _loops(path) else f"to {os.readlink(path)}, which does not exist"
    return finding("SG101", f"cannot read the file: it is a link {why}", Location(path),
                   "point the link at an existing file, or replace it with the file itself")


def _loops(path: Path) -> bool:
    try:
        path.stat()
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def detect_language(text: str) -> str:
    """zh-CN, zh-TW, ja, ko or en, from the letters the text is written in.

    Kana make Japanese and Hangul Korean only when they are a good part of the text, so a
    Chinese guide quoting a Japanese word stays Chinese. Traditional and Simplified Chinese are
    told apart by the characters only one of GB 2312 and Big5 has (們 or 们).
    """
    return language_of_letters(letters(text))


@dataclasses.dataclass(frozen=True)
class Letters:
    """How many letters of each script a text has: a guide's are the sum of its files'."""

    han: Counter
    kana: int
    hangul: int
    latin: int

    @staticmethod
    def total(found: list["Letters"]) -> "Letters":
        han: Counter = Counter()
        for each in found:
            han.update(each.han)  # in place: `+` would copy the whole count at every file
        return Letters(han, sum(f.kana for f in found), sum(f.hangul for f in found), sum(f.latin for f in found))


def letters(text: str) -> Letters:
    # counted by the regular expression engine: a loop over a 1 MB file's characters takes seconds
    return Letters(Counter(_HAN.findall(text)), len(_KANA.findall(text)), len(_HANGUL.findall(text)),
                   len(_LATIN.findall(text)))


def language_of_letters(found: Letters) -> str:
    han, kana, hangul, latin = sum(found.han.values()), found.kana, found.hangul, found.latin
    if hangul and hangul * 3 >= latin and hangul >= han + kana:
        return "ko"
    if kana and kana * 3 >= latin and kana * 2 >= han:
        return "ja"
    if not han or han * 3 < latin:
        return "en"
    counts = found.han  # each character's encodings tried once, not at every use of it
    traditional = sum(n for ch, n in counts.items() if not _encodes(ch, "gb2312") and _encodes(ch, "big5"))
    simplified = sum(n for ch, n in counts.items() if _encodes(ch, "gb2312") and not _encodes(ch, "big5"))
    return "zh-TW" if traditional > simplified else "zh-CN"


_HAN, _KANA, _HANGUL = re.compile("[\u4e00-\u9fff]"), re.compile("[\u3041-\u30fa]"), re.compile("[\uac00-\ud7a3]")
_LATIN = re.compile("[A-Za-z]")  # the ASCII letters: what isascii() and isalpha() both accept


def _encodes(ch: str, codec: str) -> bool:
    try:
        ch.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def read_guide(paths: list[Path], base: Path | None = None, reading: ReadSettings | None = None) -> Guide:
    """Every chapter and card of the given files or folders, in order, with diagnostics.

    `reading` names the reader per file (`format`), else each section's shape chooses it.
    """
    files, diagnostics = find_files(paths)
    chapters: list[Chapter] = []
    sources: list[Path] = []
    found: list[Letters] = []
    read: list[tuple[ChapterDraft, Path, dict, Path]] = []
    kept: dict[tuple, _File] = {}
    for path in files:
        shown = _shown(path, base)
        data, problems = read_bytes(path, shown)
        diagnostics += problems
        if data is None:
            continue
        key = (str(path), str(shown), _relative(path, paths), reading or ReadSettings(),
               hashlib.sha256(data).digest())
        file = _READ.get(key) or _read_file(data, shown, key[2], reading or ReadSettings())
        if file.lasting:
            kept[key] = file
        diagnostics += file.diagnostics
        if file.source is None:
            continue
        sources.append(path)
        found.append(file.letters)
        read += [(draft, file.source.path, file.source.front_matter, path.resolve(), file.detected)
                 for draft in file.drafts]
    _READ.clear()
    _READ.update(kept)
    numbers = _chapter_numbers([draft.number for draft, *_ in read])
    for (draft, shown, front, absolute, detected), number in zip(read, numbers):
        chapter, more = _chapter(draft, number, len(chapters) + 1, shown, front, absolute, detected)
        chapters.append(chapter)
        diagnostics += more
    diagnostics += _duplicate_chapters(chapters)
    language = language_of_letters(Letters.total(found))
    return Guide(tuple(chapters), tuple(diagnostics), tuple(sources), language)


@dataclasses.dataclass(frozen=True)
class _File:
    """What one file gave, before chapter numbers across files are settled."""

    source: Source | None
    diagnostics: tuple[Diagnostic, ...]
    drafts: tuple[ChapterDraft, ...] = ()
    detected: str = ""
    letters: Letters | None = None
    lasting: bool = True  # False when a time limit decided it: the next read tries again


# What each file of the last read gave, by its path, its bytes and the settings that read it:
# `watch` reads the guide again after every save, and most files did not change. Kept in memory
# for this process only; what spans files (chapter numbers, the guide's language) is worked out
# again from all of them every time.
_READ: dict[tuple, _File] = {}


def _read_file(data: bytes, shown: Path, relative: str, reading: ReadSettings) -> _File:
    source, problems = parse(data, shown)
    if source is None:
        return _File(None, tuple(problems))
    format, markers, more = _declared(source, relative, reading)
    problems += more
    reader = ChapterReader(source, format, markers)
    try:
        drafts = reader.chapters()
    except SlowMarker as slow:  # not read, but its text still counts towards the guide's language
        return _File(source, (*problems, _slow(source, slow, markers, reading)), letters=letters(source.text),
                     lasting=False)
    found = letters(source.text)
    return _File(source, (*problems, *reader.diagnostics), tuple(drafts), language_of_letters(found), found)


def _relative(path: Path, roots: list[Path]) -> str:
    """The file's path relative to the content folder it was found in, as `[read]` patterns see it."""
    for root in roots:
        if root.is_dir() and path.is_relative_to(root):
            return path.relative_to(root).as_posix()
    return path.name


def _declared(source, relative: str, settings: ReadSettings) -> tuple[str, Markers, list[Diagnostic]]:
    """The format and markers a file asks for: its front matter, else the first matching pattern
    of the settings, else the settings' own."""
    front = source.front_matter
    format = next((f for pattern, f in settings.files if fnmatch.fnmatch(relative, pattern)), settings.format)
    problems = []
    if "format" in front:
        if front["format"] in FORMATS:
            format = front["format"]
        else:
            problems.append(finding("SG105", f"front matter `format: {front['format']}` is not a format this "
                                    "reader knows", Location(source.path, _key_line(source, "format")),
                                    "use one of: " + ", ".join(FORMATS)))
    markers = settings.markers
    given = front.get("markers") or {}
    known = {f.name for f in dataclasses.fields(Markers)}
    for key in given:
        if key not in known:
            problems.append(finding("SG105", f"unknown marker `{key}` in the front matter",
                                    Location(source.path, _key_line(source, "markers")),
                                    "known markers: " + ", ".join(sorted(known))))
    values = {k: (bool(v) if k == "key" else str(v)) for k, v in given.items() if k in known}
    markers = dataclasses.replace(markers, **values)
    for name in ("question", "answer"):
        value = getattr(markers, name)
        if len(value) > 2 and value.startswith("/") and value.endswith("/"):
            try:
                re.compile(value[1:-1])
                # a guide is untrusted: `(a+)+` or `(x|x)*` can take hours on one line, so such
                # repetitions, and very long expressions, are refused
                why = runaway(value[1:-1]) or ("is longer than 200 characters" if len(value) > 200 else "")
                empty = not why and matches_nothing(value[1:-1])
            except re.error as exc:
                why, empty = f"is not a regular expression: {exc}", ""
            if why or empty:
                problems.append(finding("SG105", f"the {name} marker `{value}` {why or empty}",
                                        Location(source.path, _key_line(source, "markers")),
                                        "make it need at least one character: `Q\\d+:` rather than `Q?\\d*`"
                                        if empty else "write it as text, or repeat only letters and classes: "
                                        "`[QA]+:` rather than `(Q|A)+:`"))
                markers = dataclasses.replace(markers, **{name: ""})
    return format, markers, problems


def _slow(source, slow: SlowMarker, markers: Markers, settings: ReadSettings) -> Diagnostic:
    """A marker expression that ran out of time, at the line it ran on, saying where it is set."""
    name = "question" if slow.marker == markers.question else "answer"
    given = source.front_matter.get("markers") or {}
    where = (f"set in this file's front matter, line {_key_line(source, 'markers')}"
             if str(given.get(name, "")) == slow.marker else
             f"set in {dict(settings.origin).get(name, 'the settings')}" if getattr(settings.markers, name) == slow.marker
             else "guessed from the file")
    length = len(source.lines[slow.line])
    return finding("SG112", f"the {name} marker `{slow.marker}` ({where}) ran for more than {MARKER_SECONDS:.0f} s "
                   f"on this line of {length:,} characters, so the file is not read: two repeats in it can match "
                   "the same characters, and it tries every way of sharing them",
                   Location(source.path, slow.line + 1),
                   "let no two repeats take the same characters, such as `\\s*$` for `\\s*\\s*$` and `a+b` "
                   "for `a*a*b`, or write the marker as plain text")


def _key_line(source, key: str) -> int:
    return next((n + 1 for n, line in enumerate(source.lines[:source.body_start]) if line.startswith(f"{key}:")), 1)


def _chapter_numbers(written: list[int | None]) -> list[int]:
    """Numbers for every chapter: as written, or (for titles without one) the next free number.

    A chapter without a number follows the one before it, skipping numbers that other chapters
    use, so `Chapter 4` then `Summary questions` gives 4 and 5, never 4 twice.
    """
    used = {n for n in written if n is not None}
    numbers, last = [], 0
    for number in written:
        if number is None:
            number = last + 1
            while number in used:
                number += 1
            used.add(number)
        numbers.append(number)
        last = number
    return numbers


def _shown(path: Path, base: Path | None) -> Path:
    try:
        return Path(os.path.relpath(path, base or Path.cwd()))
    except ValueError:
        return path


def _text(lines: list[tuple[int, str]]) -> str:
    return "\n".join(text for _, text in lines).strip("\n")


def _chapter(draft: ChapterDraft, number: int, index: int, path: Path, front: dict,
             absolute: Path, detected: str = "") -> tuple[Chapter, list[Diagnostic]]:
    problems: list[Diagnostic] = []
    cards = []
    for position, raw in enumerate(draft.cards, start=1):
        question, answer = _text(raw["question"]), _text(raw["answer"])
        answer_line = next((n + 1 for n, text in raw["answer"] if text.strip()), 0)
        location = Location(path, raw["line"] + 1)
        card = Card(number, index, position, raw["number"], question, answer, location, answer_line,
                    raw["section"], raw["rule"])
        cards.append(card)
        first_answer_line = answer.strip().split("\n", 1)[0]
        if not answer.strip():
            problems.append(finding(
                "SG301", f"question {card.label} has no answer", location,
                "write the answer below the question: indented under it, or as the next paragraph"))
        elif is_question_line(first_answer_line):
            problems.append(finding(
                "SG302", f"the answer of {card.label} looks like the next question: "
                f"`{_excerpt(first_answer_line)}`", Location(path, answer_line),
                "if it is a question of its own, number it and give it an answer"))
    problems += _numbering(cards, {raw["absorbed"] for raw in draft.cards if raw.get("absorbed")})
    notes = "\n".join(text for _, text in draft.notes)
    language = front.get("language") or front.get("lang") or ""
    tags = tuple(str(t) for t in front.get("tags", ()))
    chapter = Chapter(index, number, draft.title, Location(path, draft.line + 1), tuple(cards), notes,
                      language, tags, absolute, detected=detected, readers=tuple(draft.readers))
    return chapter, problems


def _excerpt(text: str, width: int = 30) -> str:
    text = text.strip()
    return text if len(text) <= width else text[:width - 1] + "…"


def _numbering(cards: list[Card], absorbed: set[str] = frozenset()) -> list[Diagnostic]:
    problems = []
    seen: dict[str, Card] = {}
    previous = None
    section = None
    for card in cards:
        if card.section != section:  # each part of a chapter may number its questions from 1
            seen, previous, section = {}, None, card.section
        if not card.number:
            # an unnumbered question in a numbered run takes the next number's place
            previous = previous + 1 if previous is not None else None
            continue
        if card.number in seen:
            problems.append(finding(
                "SG303", f"question number {card.number} is used twice in chapter {card.chapter} "
                f"(first at line {seen[card.number].location.line})", card.location,
                "renumber the questions"))
        seen.setdefault(card.number, card)
        value = int(card.number) if card.number.isdigit() else None
        if previous is not None and value is not None and value > previous + 1 and \
                not all(str(n) in absorbed for n in range(previous + 1, value)):
            missing = f"{previous + 1}" if value == previous + 2 else f"{previous + 1}–{value - 1}"
            problems.append(finding(
                "SG304", f"question numbers skip {missing} in chapter {card.chapter}", card.location,
                "renumber the questions, or add the missing ones"))
        previous = value if value is not None else previous
    return problems


def _duplicate_chapters(chapters: list[Chapter]) -> list[Diagnostic]:
    problems = []
    first: dict[int, Chapter] = {}
    for chapter in chapters:
        if chapter.number in first:
            earlier = first[chapter.number]
            problems.append(finding(
                "SG202", f"chapter number {chapter.number} is used twice (first at "
                f"{earlier.location.path}:{earlier.location.line})", chapter.location,
                "renumber one of the chapters"))
        first.setdefault(chapter.number, chapter)
    return problems
