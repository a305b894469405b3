"""CSV that a spreadsheet opens as data: no cell of it is ever run as a formula.

Excel, LibreOffice Calc and Google Sheets read a cell that starts with ``=``, ``+``, ``-`` or ``@``
as a formula (``=HYPERLINK(...)`` sends a click elsewhere, ``=cmd|' /C calc'!A0`` asks to run a
program), and some look past a leading tab, carriage return or space first. The grader's CSVs hold
text students chose: folder names, notes, the names an LMS roster carries. Every such cell is made
inert as OWASP's "CSV Injection" page advises: a single quote in front of it (spreadsheets show
the text and hide the quote) and the field quoted. A plain number (``-0.5``, ``40``) is left as it
is, so that scores stay numbers. Python's ``csv`` module reads the text back unchanged but for that
quote.
"""

import re
from collections.abc import Iterable, Sequence

FORMULA_STARTS = "=+-@\uff1d\uff0b\uff0d\uff20"
"""The characters that start a formula (and their full-width forms, which some spreadsheets also take)."""

NUMBER = re.compile(r"[+-]?\d+(\.\d+)?([eE][+-]?\d+)?")
"""A plain decimal number: data, never a formula."""


def formula_like(text: str) -> bool:
    """True when a spreadsheet could take ``text`` for a formula (whitespace and control characters before it included)."""
    if NUMBER.fullmatch(text):
        return False
    if text[:1] in ("\t", "\r"):
        return True
    start = text.lstrip(" \t\r\n\x0b\x0c\u00a0\u3000")[:1]
    return start != "" and start in FORMULA_STARTS


def csv_field(value: object) -> str:
    """One field of a CSV line: a formula-like text with a quote in front and quoted, other text quoted when it must be."""
    text = "" if value is None else str(value)
    if formula_like(text):
        return '"' + ("'" + text).replace('"', '""') + '"'
    if any(character in text for character in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_text(rows: Iterable[Sequence[object]]) -> str:
    """The rows as CSV text, one line each (``\\n``), every field safe in a spreadsheet."""
    lines = []
    for row in rows:
        fields = [csv_field(value) for value in row]
        lines.append('""' if fields == [""] else ",".join(fields))
    return "".join(line + "\n" for line in lines)
