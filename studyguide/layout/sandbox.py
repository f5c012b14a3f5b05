"""The Jinja environment every template renders in: a guide's own layouts are written by strangers.

Jinja's immutable sandbox refuses Python internals (`__class__`, `__globals__`, …) and changes to
the values a template is given. On top of it, a template gets only the filters and globals the
layouts need, and its work is bounded: a value longer than LONGEST characters or items, output
longer than LONGEST_OUTPUT, or a render taking longer than SECONDS stops with a finding rather
than filling the machine's memory or holding the build for ever.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from jinja2 import FileSystemLoader, TemplateNotFound
from jinja2.compiler import CodeGenerator
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

LONGEST = 20_000_000  # characters (or items) in any one value a template makes
LONGEST_OUTPUT = 200_000_000  # characters a template may write; the seed's biggest page is about 3 million
SECONDS = 20.0  # per render; the seed's slowest takes well under one
LONGEST_RANGE = 100_000

# filters whose output is bounded by their input (no width, count or fill argument), and that
# show nothing of Python itself (no pprint, no random)
FILTERS = ("abs", "capitalize", "count", "d", "default", "dictsort", "e", "escape", "first", "float",
           "forceescape", "groupby", "int", "items", "join", "last", "length", "list", "lower", "map", "max",
           "min", "reject", "rejectattr", "replace", "reverse", "round", "safe", "select", "selectattr",
           "sort", "string", "striptags", "sum", "title", "tojson", "trim", "unique", "upper", "urlencode",
           "wordcount", "xmlattr")


_WIDE = re.compile(r"%[-+ #0]*(\d{7,}|\*|\d*\.(\d{7,}|\*))")  # a field a million characters wide, or `*`


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
        self.filters = {name: self.filters[name] for name in FILTERS}
        self.globals = {"range": self.range, "dict": dict}
        self.deadline = float("inf")

    def start(self) -> None:
        self.deadline = time.monotonic() + SECONDS

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise TooMuchWork(f"the template ran for more than {SECONDS:.0f} s")

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
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context, operator, left, right):
        if operator == "**" and isinstance(right, int) and isinstance(left, int) and (
                abs(right) > 64 or left.bit_length() * right > 100_000):
            raise TooMuchWork(f"`** {right}` is too big a power")
        if operator == "*":
            for times, value in ((left, right), (right, left)):
                if isinstance(times, int) and hasattr(value, "__len__") and times * len(value) > LONGEST:
                    raise TooMuchWork(f"`* {times}` makes a value of more than {LONGEST:,} characters")
        if operator == "%" and isinstance(left, str) and _WIDE.search(left):
            raise TooMuchWork("a `%` format asks for too wide a field")
        return self.bounded(super().call_binop(context, operator, left, right))

    def render(self, template, context: dict) -> str:
        """The template's output, checked as it grows."""
        self.start()
        parts, size = [], 0
        for part in template.generate(**context):
            size += len(part)
            if size > LONGEST_OUTPUT:
                raise TooMuchWork(f"the template wrote more than {LONGEST_OUTPUT:,} characters")
            self.tick()
            parts.append(part)
        return "".join(parts)


class LayoutsLoader(FileSystemLoader):
    """Templates from the search path, but never a file that a link in a layouts folder leads out
    of it to: a guide's `layouts/evil.html.j2 -> /etc/passwd` is missing, not read."""

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        real = Path(os.path.realpath(filename))
        if not any(real.is_relative_to(os.path.realpath(folder)) for folder in self.searchpath):
            raise TemplateNotFound(template, "it is a link to a file outside the layouts folder")
        return source, filename, uptodate
