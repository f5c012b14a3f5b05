"""The Jinja environment every template renders in: a guide's own layouts are written by strangers.

Jinja's immutable sandbox refuses Python internals (`__class__`, `__globals__`, …) and changes to
the values a template is given. On top of it, a template gets only the filters and globals the
layouts need, and its work is bounded: a value longer than LONGEST characters or items, output
longer than LONGEST_OUTPUT, a render taking longer than SECONDS and RENDER_CARD_SECONDS a card
of the build, or all of a build's renders taking longer than BUILD_SECONDS and CARD_SECONDS a card,
stops with a finding rather than filling the machine's memory or holding the build for ever.
Time is the process's CPU time, which a busy machine does not stretch. A filter, method or operator that can make its result much bigger
than what it is given (`join`, `replace`, `center`, `format`, `*`, `%`, `**` …) has the result's
size worked out first, so a value too big (or a whole number of more than DIGITS digits) is
refused before it is made.
"""

from __future__ import annotations

import functools
import math
import os
import re
import string
import time
from pathlib import Path

from jinja2 import FileSystemLoader, TemplateNotFound, TemplateSyntaxError
from jinja2.compiler import CodeGenerator
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..resources import LAYOUT_BYTES

LONGEST = 20_000_000  # characters (or items) in any one value a template makes
LONGEST_OUTPUT = 200_000_000  # characters a template may write; the seed's biggest page is about 3 million
SECONDS = 20.0  # per render, and RENDER_CARD_SECONDS more per card of the build: one page of all the
# cards renders once per build (answers.html for 11,300 cards takes about 20 s), the seed's
# slowest in well under one
RENDER_CARD_SECONDS = 0.025
# all renders of one build, plus a little per card, since a card's template renders once per card
# (the seed's layouts take about 7 ms per card in all)
BUILD_SECONDS = 10.0
CARD_SECONDS = 0.05
LONGEST_RANGE = 100_000
DIGITS = 4_000  # in any whole number a template makes: Python prints none longer than 4,300
_BITS = int(DIGITS * 3.32)  # bits in a number of DIGITS digits
NUMBER_WIDTH = 330  # characters at most in a printed number that is not whole (1e308 with its digits)
LONGEST_TEMPLATE = 1_000_000  # characters in one layout file; the built-in ones are under 20,000


def _deepest_line(source, depth: int = 100) -> int:
    """The first line where blocks and brackets nest `depth` deep (a rough count, for the finding)."""
    level = 0
    for number, line in enumerate(str(source).splitlines(), start=1):
        for token in _NESTING.finditer(line):
            level += -1 if token["close"] or token["close2"] else 1 if token["open"] or token["open2"] else 0
            if level >= depth:
                return number
    return 1


# a tag's own braces (`{%`, `}}`) are skipped; blocks (`{% if %}` … `{% endif %}`) and brackets count
_NESTING = re.compile(r"\{%-?\s*(?:(?P<close>end\w+)|(?P<open>if|for|macro|call|filter|block|with|raw)\b)?"
                      r"|\{\{|\}\}|%\}|\{#|#\}|(?P<open2>[([{])|(?P<close2>[)\]}])")

# filters whose output is bounded by their input (no width, count or fill argument), and that
# show nothing of Python itself (no pprint, no random)
FILTERS = ("abs", "capitalize", "count", "d", "default", "dictsort", "e", "escape", "first", "float",
           "forceescape", "groupby", "int", "items", "join", "last", "length", "list", "lower", "map", "max",
           "min", "reject", "rejectattr", "replace", "reverse", "round", "safe", "select", "selectattr",
           "sort", "string", "striptags", "sum", "title", "tojson", "trim", "unique", "upper", "urlencode",
           "wordcount", "xmlattr")


# a `%` conversion: its width and precision (a number, or `*`: taken from the values) and kind
_CONVERSION = re.compile(r"%(?:\([^)]*\))?[-+ #0]*(\*|\d*)(?:\.(\*|\d*))?[hlL]?(.)", re.DOTALL)


def size(value, limit: int = LONGEST) -> int:
    """About how many characters a value prints as; counting stops once it passes `limit`."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, int):
        return value.bit_length() // 3 + 2  # digits and sign, a little over
    if isinstance(value, (list, tuple, set, frozenset, dict)):
        total = 2
        for item in value.items() if isinstance(value, dict) else value:
            total += 2 + size(item, limit - total)
            if total > limit:
                break
        return total
    return 8  # a number, or an object that prints as its name


def _widened(obj, args: tuple) -> str:
    """What is too big about a string method's result, worked out before it is made, or ""."""
    text, name = getattr(obj, "__self__", None), getattr(obj, "__name__", "")
    if not isinstance(text, str):
        return ""
    if name in ("center", "ljust", "rjust", "zfill") and args and isinstance(args[0], int) and args[0] > LONGEST:
        return f"`.{name}({args[0]})` makes a value of more than {LONGEST:,} characters"
    if name == "expandtabs" and len(text) * (args[0] if args and isinstance(args[0], int) else 8) > LONGEST:
        return f"`.expandtabs()` makes a value of more than {LONGEST:,} characters"
    if name == "replace" and len(args) >= 2 and _replaced(text, *args[:3]) > LONGEST:
        return f"`.replace()` makes a value of more than {LONGEST:,} characters"
    return ""


def _replaced(text, old, new, count=None) -> int:
    """The length `text.replace(old, new, count)` would have."""
    text, old, new = str(text), str(old), str(new)
    found = text.count(old) if old else len(text) + 1
    if isinstance(count, int) and count >= 0:
        found = min(found, count)
    return len(text) + found * (len(new) - len(old))


def _percent(text: str, values) -> int:
    """About how long `text % values` would be, a little over: what the format writes, its widths
    and precisions, and the values it prints (one named in a mapping may be printed many times)."""
    conversions = _CONVERSION.findall(text)
    if any("*" in (width, precision) for width, precision, _ in conversions):
        raise TooMuchWork("a `%` format takes its width from a value (`*`); write the width as a number")
    wider = 10 if any(kind in "ra" for _, _, kind in conversions) else 1  # repr() of odd characters
    total = len(text) + sum(int(width or 0) + int(precision or 0) + NUMBER_WIDTH for width, precision, _ in conversions)
    if isinstance(values, dict):
        largest = max((size(value) for value in values.values()), default=0)
        return total + len(conversions) * largest * wider
    return total + size(values) * wider  # each value is printed once


def _braced(text: str, args: tuple, kwargs: dict) -> int:
    """About how long `text.format(*args, **kwargs)` would be, a little over."""
    largest = max((size(value) for value in (*args, *kwargs.values())), default=0)
    total = 0
    for literal, field, spec, conversion in string.Formatter().parse(text):
        total += len(literal)
        if field is None:
            continue
        if "{" in (spec or ""):
            raise TooMuchWork("a `.format()` takes a field's width from a value (`{:{}}`); write the width as a number")
        widths = sum(int(number) for number in re.findall(r"\d+", spec or ""))
        total += widths + NUMBER_WIDTH + largest * (10 if conversion in ("r", "a") else 1)
        if total > LONGEST:
            break
    return total


def _joined(items: list, separator) -> int:
    total = len(str(separator)) * max(len(items) - 1, 0)
    for item in items:
        total += size(item, LONGEST - total)
        if total > LONGEST:
            break
    return total


def _bits(operator: str, left: int, right: int) -> float:
    """About how many bits the whole number `left operator right` would have, worked out without
    making it: `*` adds its numbers' lengths, `**` multiplies one by the power."""
    if operator == "*":
        return left.bit_length() + right.bit_length()
    if operator == "**" and right > 0 and abs(left) > 1:
        return right * math.log2(abs(left))
    return max(left.bit_length(), right.bit_length()) + 1


def _excerpt(value) -> str:
    """A number as a template shows it in a finding: short."""
    if isinstance(value, int) and value.bit_length() > 64:
        return f"(a number of {len(str(value))} digits)" if value.bit_length() < _BITS else "(a huge number)"
    return repr(value)[:40]


class TooMuchWork(SecurityError):
    """A template that makes too big a value, writes too much, or runs too long."""


class _Bounded(CodeGenerator):
    """Joining strings (`a ~ b`, `{% set %}…{% endset %}`) goes through the environment, which
    checks the size of the result, so doubling a string in a loop stops early."""

    def visit_Concat(self, node, frame) -> None:
        self.write("environment.bounded(")
        super().visit_Concat(node, frame)
        self.write(")")


class Sandbox(ImmutableSandboxedEnvironment):
    code_generator_class = _Bounded
    intercepted_binops = frozenset({"+", "*", "**", "%", "//"})

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self.filters = {name: self._guarded(name, self.filters[name]) for name in FILTERS}
        self.globals = {"range": self.range, "dict": dict}
        self.deadline = float("inf")
        self.spent = 0.0  # seconds all renders took so far
        self.started = 0.0
        self.allowed = BUILD_SECONDS  # seconds all renders may take
        self.longest = SECONDS  # seconds one render may take

    def compile(self, source, name=None, filename=None, raw=False, defer_init=False):
        """A template's code, refused at its own file rather than where it is included: one over
        LONGEST_TEMPLATE characters (300,000 `{{ 1 }}` took minutes to compile, in every
        worker), or nested more deeply than Python's stack lets Jinja read (`{% if %}` in
        `{% if %}` three thousand times)."""
        if isinstance(source, str) and len(source) > LONGEST_TEMPLATE:
            raise TemplateSyntaxError(f"the template is {len(source):,} characters long, more than the "
                                      f"{LONGEST_TEMPLATE:,} a layout may be", 1, name, filename)
        try:
            return super().compile(source, name, filename, raw, defer_init)
        except RecursionError:
            raise TemplateSyntaxError("the template nests blocks or brackets too deeply to be read",
                                      _deepest_line(source), name, filename) from None

    def allow_for(self, cards: int) -> None:
        """The time all renders of a build of so many cards may take, and any one of them: a page
        of every card renders once, and takes longer the more cards there are."""
        self.allowed = BUILD_SECONDS + CARD_SECONDS * cards
        self.longest = SECONDS + RENDER_CARD_SECONDS * cards

    def start(self) -> None:
        self.started = time.process_time()
        self.deadline = self.started + min(self.longest, self.allowed - self.spent)

    def stop(self) -> None:
        self.spent += time.process_time() - self.started
        self.deadline = float("inf")

    def tick(self) -> None:
        if time.process_time() > self.deadline:
            if self.spent + self.longest > self.allowed:
                raise TooMuchWork(f"the layouts' templates ran for more than {self.allowed:.0f} s in all; "
                                  "this one may render once for every card")
            raise TooMuchWork(f"the template ran for more than {self.longest:.0f} s")

    def _guarded(self, name: str, function):
        """A filter that keeps the clock, refuses to make too big a value, and checks what it made."""
        value_at = 1 if getattr(function, "jinja_pass_arg", None) else 0  # after the context it is passed

        @functools.wraps(function)
        def guarded(*args, **kwargs):
            self.tick()
            args = list(args)
            value = args[value_at] if len(args) > value_at else None
            given = args[value_at + 1:]
            if name == "join":
                args[value_at] = value = list(value)
                separator = given[0] if given else kwargs.get("d", "")
                if _joined(value, separator) > LONGEST:
                    raise TooMuchWork(f"`join` makes a value of more than {LONGEST:,} characters")
            elif name == "sum" and not isinstance(given[1] if len(given) > 1 else kwargs.get("start", 0),
                                                  (int, float)):
                raise TooMuchWork("`sum` adds numbers only; to put lists together, use `+` or a loop")
            elif name == "replace" and len(given) >= 2 and _replaced(value, *given[:3]) > LONGEST:
                raise TooMuchWork(f"`replace` makes a value of more than {LONGEST:,} characters")
            elif size(value) > LONGEST:  # `string`, `list`, `tojson` … print their value whole
                raise TooMuchWork(f"`{name}` is given a value of more than {LONGEST:,} characters")
            return self.bounded(function(*args, **kwargs))
        return guarded

    def bounded(self, value):
        self.tick()
        if hasattr(value, "__len__") and len(value) > LONGEST:
            raise TooMuchWork(f"the template made a value of more than {LONGEST:,} characters")
        return value

    def range(self, *args: int):
        numbers = range(*args)
        if len(numbers) > LONGEST_RANGE:
            raise TooMuchWork(f"range() of {len(numbers):,} numbers; at most {LONGEST_RANGE:,}")
        for number in numbers:  # a generator, so loops over it keep checking the clock
            if number % 1024 == 0:
                self.tick()
            yield number

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
        __self.tick()
        if getattr(__obj, "__name__", "") == "join" and isinstance(getattr(__obj, "__self__", None), str) and args:
            args = (list(args[0]), *args[1:])
            if _joined(args[0], __obj.__self__) > LONGEST:
                raise TooMuchWork(f"`.join()` makes a value of more than {LONGEST:,} characters")
        if why := _widened(__obj, args):
            raise TooMuchWork(why)
        return __self.bounded(super().call(__context, __obj, *args, **kwargs))

    def wrap_str_format(self, value):
        """`str.format`, which Jinja sandboxes when it is looked up, refused when its result would be too big."""
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None

        @functools.wraps(wrapped)
        def bounded(*args, **kwargs):
            given = (args, kwargs) if value.__name__ == "format" else ((), dict(args[0]) if args else {})
            if _braced(value.__self__, *given) > LONGEST:
                raise TooMuchWork(f"`.format()` makes a value of more than {LONGEST:,} characters")
            return wrapped(*args, **kwargs)
        return bounded

    def call_binop(self, context, operator, left, right):
        self.tick()
        if isinstance(left, int) and isinstance(right, int) and _bits(operator, left, right) > _BITS:
            raise TooMuchWork(f"`{operator} {_excerpt(right)}` makes a number of more than {DIGITS:,} digits")
        if operator == "*":
            for times, value in ((left, right), (right, left)):
                if isinstance(times, int) and hasattr(value, "__len__") and times > 0 and \
                        times * size(value, LONGEST // times + 1) > LONGEST:
                    raise TooMuchWork(f"`* {times}` makes a value of more than {LONGEST:,} characters")
        if operator == "%" and isinstance(left, str) and _percent(left, right) > LONGEST:
            raise TooMuchWork(f"a `%` format makes a value of more than {LONGEST:,} characters")
        try:
            return self.bounded(super().call_binop(context, operator, left, right))
        except OverflowError:  # a power of a fraction, say, too big for any number to hold
            raise TooMuchWork(f"`{operator} {_excerpt(right)}` makes a number too big to hold") from None

    def render(self, template, context: dict) -> str:
        """The template's output, checked as it grows."""
        self.start()
        parts, written = [], 0
        try:
            for part in template.generate(**context):
                written += len(part)
                if written > LONGEST_OUTPUT:
                    raise TooMuchWork(f"the template wrote more than {LONGEST_OUTPUT:,} characters")
                self.tick()
                parts.append(part)
        except TooMuchWork as exc:
            # stopped between two of its parts (the build's time ran out as it began): no frame of
            # the template is on the stack then, and the finding must still name its file
            exc.template_file = template.filename
            raise
        finally:
            self.stop()
        return "".join(parts)


class LayoutsLoader(FileSystemLoader):
    """Templates from the search path, but never a file that a link in a layouts folder leads out
    of it to (a guide's `layouts/evil.html.j2 -> /etc/passwd` is missing, not read), nor one over
    LAYOUT_BYTES, which is refused by its size rather than read whole."""

    def get_source(self, environment, template):
        for folder in self.searchpath:  # the file Jinja would read, looked at before it reads it
            path = Path(folder, *template.split("/"))
            if path.is_file():
                real = Path(os.path.realpath(path))
                if not any(real.is_relative_to(os.path.realpath(root)) for root in self.searchpath):
                    raise TemplateNotFound(template, "it is a link to a file outside the layouts folder")
                if real.stat().st_size > LAYOUT_BYTES:
                    raise TemplateNotFound(template, f"it is more than {LAYOUT_BYTES >> 20} MB")
                break
        return super().get_source(environment, template)
