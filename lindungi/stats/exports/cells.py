"""Every cell of every file we write passes here: text that a spreadsheet would run as a
formula (= + - @, or a tab or carriage return before one) is made plain text with a
leading apostrophe. Numbers stay numbers."""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe(value):
    if value is None or isinstance(value, bool | int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def safe_row(row):
    return [safe(value) for value in row]
