"""Plain data read back from a record (the cache's, a build's): each value as it was written, or
TypeError or ValueError where a damaged or planted record holds something else."""

from __future__ import annotations

import math
from pathlib import Path

from .model import Diagnostic, Location, Severity


def plain_int(value) -> int:
    """Read-back checks for plain-data records: the value as stored, or TypeError (a damaged entry)."""
    if type(value) is not int:
        raise TypeError("not an integer")
    return value


def plain_float(value) -> float:
    if type(value) not in (int, float):
        raise TypeError("not a number")
    try:
        number = float(value)
    except OverflowError:  # an integer past any float
        raise ValueError("not a finite number") from None
    if not math.isfinite(number):  # JSON as Python reads it has NaN and Infinity
        raise ValueError("not a finite number")
    return number


def plain_str(value) -> str:
    if type(value) is not str:
        raise TypeError("not text")
    return value


def plain_list(value) -> list:
    if type(value) is not list:
        raise TypeError("not a list")
    return value


def plain_finding(diagnostic: Diagnostic) -> list:
    """A finding as plain data, for a record (`found_again` reads it back)."""
    where = diagnostic.location
    return [int(diagnostic.severity), diagnostic.code, diagnostic.message,
            None if where is None else str(where.path), 0 if where is None else where.line,
            0 if where is None else where.column, diagnostic.hint]


def found_again(row) -> Diagnostic:
    """A finding from `plain_finding`'s data; ValueError when it is not such data."""
    severity, code, message, path, line, column, hint = plain_list(row)
    where = None if path is None else Location(Path(plain_str(path)), plain_int(line), plain_int(column))
    return Diagnostic(Severity(plain_int(severity)), plain_str(code), plain_str(message), where, plain_str(hint))
