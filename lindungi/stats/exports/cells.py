"""Every cell of every file we write passes here: text that a spreadsheet would run as a
formula (= + - @, or a tab or carriage return before one) is made plain text with a
leading apostrophe. Numbers stay numbers; dates and times, whose text starts with a digit,
stay as they are.

A million-row export puts fourteen million cells through here, so the writers hand over
rows a batch at a time and ``safe_columns`` looks at a batch a column at a time: a column
of text is joined once and searched for a formula's first character after each separator
(in C, not per cell in Python); only a column where one is found, or one of mixed types,
is looked at cell by cell."""

import re
from datetime import date

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FIRST = frozenset(FORMULA_START)
_AS_IS = frozenset({int, float, bool, type(None), date})  # a datetime: its text, by safe()
# Between a column's texts joined (printable: a writer's test for what its format cannot
# carry may be ``isprintable``); one inside a text at worst sends its column cell by cell.
SEP = "|"
# A formula's first character after a separator: one regular expression whose literal
# first character the search skips to, several times faster than a substring test each.
_STARTS = re.compile(re.escape(SEP) + "[" + re.escape("".join(FORMULA_START)) + "]")


def safe(value):
    if value is None or isinstance(value, bool | int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def safe_row(row):
    return [
        ("'" + value if value[:1] in _FIRST else value)
        if type(value) is str
        else value
        if type(value) in _AS_IS
        else safe(value)
        for value in row
    ]


def _safe_column(column):
    try:  # the quickest test that every value is text: joining them
        joined = SEP + SEP.join(column) + SEP
    except TypeError:
        if set(map(type, column)) <= _AS_IS:
            return column, None
        return safe_row(column), None
    if _STARTS.search(joined):
        return safe_row(column), None
    return column, joined


def safe_columns(rows):
    """``rows`` (a list of rows of one length) made safe, as a list of columns: each
    (its values, and for a column of text the guard left as it was, its texts joined,
    ``SEP`` before and after each, for the writer's own tests; else None)."""
    return [_safe_column(column) for column in zip(*rows, strict=True)]


def safe_rows(rows):
    """``rows`` (a list) made safe, a column at a time when they are of one length."""
    if len(set(map(len, rows))) > 1:
        return map(safe_row, rows)
    return zip(*(values for values, _joined in safe_columns(rows)), strict=True)
