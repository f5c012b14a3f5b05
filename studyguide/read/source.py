"""Loading one content file: bytes to text with known line numbers, front matter split off."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..diagnostics import finding
from ..model import Diagnostic, Location, Severity
from .symbols import symbol_characters, symbol_notes

_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
FRONT_MATTER_KEYS = {"title": str, "chapter": int, "language": str, "lang": str, "tags": list,
                     "format": str, "markers": dict}


@dataclass(frozen=True)
class Source:
    """A file's text, normalised to LF line endings; line numbers match the file's own."""

    path: Path  # as shown in messages (relative to where the user ran the command)
    text: str
    front_matter: dict = field(default_factory=dict)
    body_start: int = 0  # 0-based line where the Markdown starts (after front matter)
    diagnostics: tuple[Diagnostic, ...] = ()

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


_WIDE_BOMS = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"), (b"\xff\xfe", "UTF-16"),
              (b"\xfe\xff", "UTF-16"))


def decode(data: bytes, path: Path) -> tuple[str | None, list[Diagnostic]]:
    """UTF-8 (with or without BOM), else GB 18030 with a warning, else an error."""
    wide = next((name for bom, name in _WIDE_BOMS if data.startswith(bom)), None)
    if wide:  # Windows Notepad's "Unicode": its byte-order mark says so
        return None, [finding(
            "SG103", f"the file is {wide} text, not UTF-8", Location(path, 1),
            "save it as UTF-8 text; in Notepad: Save As, Encoding: UTF-8")]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None, [finding(
            "SG103", "the file is not UTF-8 text (nor GBK)", Location(path, line),
            "save it as UTF-8 text; in most editors: Save As, Encoding: UTF-8")]
    return text, [finding(
        "SG102", "the file is not UTF-8; it was read as GBK (GB 18030)", Location(path, line),
        "re-save it as UTF-8 so every tool reads it the same way")]


def normalise_newlines(text: str, path: Path) -> tuple[str, list[Diagnostic]]:
    if "\r" not in text:
        return text, []
    line = text[: text.index("\r")].count("\n") + 1
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, [finding("SG104", "CRLF or CR line endings were read as LF", Location(path, line))]


FRONT_MATTER_LIMIT = 10_000  # characters: a title, a language and some tags need a few hundred
_ALIAS = "an alias (`*name`) is not allowed in front matter"


_TWICE = "is given twice"


class _NoAliases(yaml.SafeLoader):
    """YAML without aliases (`*name`): front matter never needs them, and a few hundred bytes of
    aliases to aliases expand to billions of values (the "billion laughs"). A key given twice is
    an error too: YAML would keep the last one without a word."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(None, None, _ALIAS, self.peek_event().start_mark)
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is not None and key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"`{key}` {_TWICE}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


# what front matter may say: a chapter number, and the languages the settings file offers
CHAPTERS = range(0, 10_000)
FRONT_MATTER_LANGUAGES = ("zh-CN", "zh-TW", "zh-HK", "ja", "ko", "en")
_EXAMPLES = {"title": "title: 神经网络", "chapter": "chapter: 3", "language": "language: zh-CN",
             "lang": "lang: en", "tags": "tags: [复习, 期中]", "format": "format: numbered",
             "markers": 'markers: {question: "Q:", answer: "A:"}'}
_KINDS = {str: "text", int: "a whole number", list: "a list", dict: "a table of names and values"}


def split_front_matter(text: str, path: Path) -> tuple[dict, int, list[Diagnostic]]:
    """YAML between a first line `---` and the next `---` line; returns (data, body start line)."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return {}, 0, []
    for end in range(1, len(lines)):
        if lines[end].rstrip() in ("---", "..."):
            break
    else:
        return {}, 0, [finding("SG105", "front matter starts with `---` but never ends",
                               Location(path, 1), "close it with a line holding only `---`")]
    front = "\n".join(lines[1:end])
    if len(front) > FRONT_MATTER_LIMIT:
        # YAML is read in pure Python, about a second for 20,000 characters on a busy machine
        return {}, end + 1, [finding(
            "SG105", f"front matter is {len(front):,} characters long, more than the {FRONT_MATTER_LIMIT:,} "
            "it may be", Location(path, 2), "keep the title, language and tags short; put text in the chapter")]
    try:
        data = yaml.load(front, Loader=_NoAliases) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = 2 + (mark.line if mark else 0)
        problem = getattr(exc, "problem", None) or str(exc)
        hint = "write the value out in full" if problem == _ALIAS else \
            "keep one of the two" if problem.endswith(_TWICE) else "check the indentation and quoting"
        return {}, end + 1, [finding("SG105", f"front matter is not valid YAML: {problem}", Location(path, line), hint)]
    except ValueError:  # a number of more than 4,300 digits, which Python will not convert
        line = next((i + 1 for i in range(1, end) if re.search(r"\d{1000}", lines[i])), 2)
        return {}, end + 1, [finding("SG105", "front matter holds a number thousands of digits long",
                                     Location(path, line), "write a short number, such as `chapter: 3`")]
    if not isinstance(data, dict):
        return {}, end + 1, [finding("SG105", "front matter must be key: value pairs",
                                     Location(path, 2), "for example `title: 神经网络`")]
    problems = []
    clean = {}
    for key, value in data.items():
        expected = FRONT_MATTER_KEYS.get(key)
        line = next((i + 1 for i in range(1, end) if lines[i].startswith(f"{key}:")), 2)
        if expected is None:
            problems.append(finding(
                "SG105", f"unknown front matter key `{key}`", Location(path, line),
                "known keys: " + ", ".join(sorted(FRONT_MATTER_KEYS)), severity=Severity.WARNING))
            continue
        if expected is list and isinstance(value, str):
            value = [value]
        if not isinstance(value, expected) or isinstance(value, bool):
            shown = str(value) if isinstance(value, (str, int, float)) else type(value).__name__
            shown = shown if len(shown) <= 40 else shown[:40] + "…"
            problems.append(finding(
                "SG105", f"front matter `{key}` should be {_KINDS[expected]}, not `{shown}`",
                Location(path, line), f"for example `{_EXAMPLES[key]}`"))
            continue
        if key == "chapter" and value not in CHAPTERS:
            problems.append(finding(
                "SG105", f"front matter `chapter` is {value if abs(value) < 10 ** 12 else 'a huge number'}; a chapter "
                f"number is {CHAPTERS.start} to {CHAPTERS.stop - 1}", Location(path, line), "for example `chapter: 3`"))
            continue
        if key in ("language", "lang") and value not in FRONT_MATTER_LANGUAGES:
            shown = value if len(value) <= 40 else value[:40] + "…"
            problems.append(finding(
                "SG105", f"front matter `{key}: {shown}` is not a language studyguide knows",
                Location(path, line), "one of: " + ", ".join(FRONT_MATTER_LANGUAGES)))
            continue
        clean[key] = value
    return clean, end + 1, problems


# bytes: about 50 times the text of a 15-chapter course. Reading is linear but not fast (3 MB of
# link reference definitions took a minute), so a bigger file is refused rather than read slowly.
FILE_LIMIT = 1 << 20


def load(path: Path, shown_as: Path | None = None) -> tuple[Source | None, list[Diagnostic]]:
    """Read a content file; None (with an error) when it cannot be read as text at all."""
    shown = shown_as or path
    data, problems = read_bytes(path, shown)
    if data is None:
        return None, problems
    return parse(data, shown)


def read_bytes(path: Path, shown: Path) -> tuple[bytes | None, list[Diagnostic]]:
    """A content file's bytes; None (with an error) when it is too big or cannot be read."""
    try:
        size = path.stat().st_size
        if size > FILE_LIMIT:
            return None, [finding(
                "SG101", f"the file is {size / (1 << 20):,.1f} MB, more than the {FILE_LIMIT >> 20} MB a content "
                "file may be", Location(shown, 1), "split it into several files, one or a few chapters each")]
        return path.read_bytes(), []
    except OSError as exc:
        return None, [finding("SG101", f"cannot read the file: {exc.strerror or exc}",
                              Location(shown, 1), "check that it exists and is readable")]


def parse(data: bytes, shown: Path) -> tuple[Source | None, list[Diagnostic]]:
    """A content file's bytes as text, its front matter split off."""
    text, problems = decode(data, shown)
    if text is None:
        return None, problems
    text, more = normalise_newlines(text, shown)
    problems += more
    # control characters print as nothing, and some (BEL, ESC) spoil the text layer of a whole
    # PDF page for copying and searching; SG402 tells the author where each one is
    text = _CONTROLS.sub("", text)
    problems += symbol_notes(text, shown)
    text = symbol_characters(text)
    front, body_start, more = split_front_matter(text, shown)
    problems += more
    if not text.strip():
        problems.append(finding("SG106", "the file is empty", Location(shown, 1),
                                "add a chapter heading and numbered questions, or remove the file"))
    return Source(shown, text, front, body_start, tuple(problems)), problems
