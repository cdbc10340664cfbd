"""Every cell of every file we write passes here: text that a spreadsheet would run as a
formula (= + - @, or a tab or carriage return before one) is made plain text with a
leading apostrophe. Numbers stay numbers; dates and times, whose text starts with a digit,
stay as they are.

``safe_row`` is on the path of every cell of a million-row export, so it asks the cheap
questions first (a string's first character, a value's exact type)."""

from datetime import date

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FIRST = frozenset(FORMULA_START)
_AS_IS = frozenset({int, float, bool, type(None), date})  # a datetime: its text, by safe()


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
