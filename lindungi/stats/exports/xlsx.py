"""A streaming XLSX writer of our own: a workbook is a zip of a few fixed XML parts and one
XML part per sheet, and a sheet's rows are written into the zip as they come, so a million
rows take no more memory than a hundred, and nothing is spooled to a temporary file (an
export with names may then be written straight into an encrypted zip). openpyxl's
write-only mode, which it replaces, built each cell as a Python object and spooled the sheet
through a temporary file: about 2,000 rows a second, where this writes about 80,000
(bench/RESULTS.md).

Every cell passes the formula guard (``cells``) first. Text is an inline string
(``t="inlineStr"``: no shared-strings table, which would have to be held until the end);
int, float and bool are numbers and booleans; a date is a serial day number in a date
format (its text before March 1900). Characters XML cannot carry (control characters other
than tab, line feed and carriage return; lone surrogates; U+FFFE, U+FFFF) become U+FFFD.
Rows and cells carry no reference (``r``: optional in ECMA-376, §18.3.1.73 and §18.3.1.4;
Excel, LibreOffice and openpyxl number them in order): about a fifth of the sheet saved.

Rows are written a batch at a time, a column at a time (``batches``): a column of text with
nothing to escape (the usual case: codes, dates, labels) is found so by one search over the
column joined, and its values are written as they are; a column of ints too; any other
column is written cell by cell.
"""

import math
import re
import zipfile
from datetime import date
from xml.sax.saxutils import escape, quoteattr

from isal import isal_zlib

from lindungi.stats.exports.batches import batched, formatted
from lindungi.stats.exports.behind import written_behind
from lindungi.stats.exports.cells import SEP

# Level 1 deflates a sheet's repetitive XML about 17 to 1 (the bench's million rows: 616 MB
# of XML, 36 MB written), at several times level 6's speed. ZIP_STORED would save that
# second of deflate, but a million rows would be a 600 MB download.
LEVEL = 1
# The sheet's deflate is ISA-L's (python-isal): its level 1 is about 3.5 times as quick as
# zlib's level 1 on a sheet's XML, and writes a little less (bench/RESULTS.md). The fixed
# parts, a few hundred bytes, keep zipfile's zlib.
SHEET_LEVEL = 1
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SPACE_AFTER, _SPACE_BEFORE = re.compile(re.escape(SEP + " ")), re.compile(re.escape(" " + SEP))
_CONTROL = bytes([*range(32), 127])  # what is not printable in ASCII
_EDGE_SPACE = re.compile("\\A[ \t\n\r]|[ \t\n\r]\\Z")
_EPOCH = date(1899, 12, 30).toordinal()
# Before this day a spreadsheet's day numbers are off by one (Lotus's 29 February 1900):
# an earlier date is written as its text.
_FIRST_DAY = date(1900, 3, 1)

_TEXT_OPEN, _TEXT_CLOSE = '<c t="inlineStr"><is><t>', "</t></is></c>"
_KEPT_OPEN = '<c t="inlineStr"><is><t xml:space="preserve">'
_EMPTY = "<c/>"
_FALSE, _TRUE = '<c t="b"><v>0</v></c>', '<c t="b"><v>1</v></c>'
_DATE_STYLE = 1

_TYPE = "application/vnd.openxmlformats-"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    f'<Default Extension="rels" ContentType="{_TYPE}package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    f'ContentType="{_TYPE}officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    f'ContentType="{_TYPE}officedocument.spreadsheetml.styles+xml"/>'
    "{sheets}</Types>"
)
_SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" '
    f'ContentType="{_TYPE}officedocument.spreadsheetml.worksheet+xml"/>'
)
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_RELS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    f'xmlns:r="{_RELS}"><sheets>{{sheets}}</sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId0" Type="{_RELS}/styles" Target="styles.xml"/>'
    "{sheets}</Relationships>"
)
# Two cell formats: the default, and a date (yyyy-mm-dd, shown so in every locale).
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
    "</cellStyles></styleSheet>"
)  # fmt: skip
_SHEET_OPEN = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_CLOSE = "</sheetData></worksheet>"


def _text(value):
    """A text cell, escaped: what XML cannot carry replaced, a carriage return kept as a
    reference (a reader would make it a line feed), edge whitespace marked as kept."""
    value = _ILLEGAL.sub("\ufffd", value)
    kept = _EDGE_SPACE.search(value) is not None
    value = escape(value).replace("\r", "&#13;")
    return (_KEPT_OPEN if kept else _TEXT_OPEN) + value + _TEXT_CLOSE


def _number(value):
    if type(value) is float and not math.isfinite(value):
        return _text(str(value))  # nan and infinity have no place in a number cell
    return f"<c><v>{value!r}</v></c>"


def _other(value):
    """A cell that is not text (``safe_row`` has made every other value text)."""
    if value is None:
        return _EMPTY
    if isinstance(value, bool):
        return _TRUE if value else _FALSE
    if isinstance(value, int):
        return f"<c><v>{int(value)}</v></c>"
    if isinstance(value, float):
        return _number(float(value))
    if isinstance(value, date) and value >= _FIRST_DAY:
        return f'<c s="{_DATE_STYLE}"><v>{value.toordinal() - _EPOCH}</v></c>'
    return _text(str(value))


def _cell(value):
    return _text(value) if type(value) is str else _other(value)


def _clean(joined):
    """Whether a column of text needs no escaping, from its texts ``joined``: printable
    (no control character, so no tab or line break an XML reader would change, nothing XML
    cannot carry), none of XML's specials, no text starting or ending with a space. The
    tests are the quickest found: a regular expression over a character class was 3×
    slower."""
    return (
        _printable(joined)
        and "&" not in joined
        and "<" not in joined
        and ">" not in joined
        and (" " not in joined or not _edge_space(joined))
    )


def _printable(joined):
    if joined.isascii():  # a flag the string keeps: then a byte table is 2.5× as quick
        return len(joined.encode().translate(None, _CONTROL)) == len(joined)
    return joined.isprintable()


def _edge_space(joined):
    return _SPACE_AFTER.search(joined) or _SPACE_BEFORE.search(joined)


def _column(values, joined):
    """A guarded column as (text before each cell, the cells' texts, text after each)."""
    if joined is not None and _clean(joined):
        return _TEXT_OPEN, values, _TEXT_CLOSE
    if set(map(type, values)) == {int}:
        return "<c><v>", map(str, values), "</v></c>"
    return "", [_cell(value) for value in values], ""


def _rows_xml(rows):
    return formatted(rows, _column, start="<row>", end="</row>")


def _deflated_by_isal(entry):
    """``entry`` (zipfile's writer of a deflated part) deflating with ISA-L. zipfile takes
    no compressor from its caller, so its writer's own (``_compressor``, a ``zlib``
    compressobj made when the part was opened, nothing written yet) is replaced by ISA-L's
    raw deflate, the same format; zipfile still computes the CRC and writes the headers. The
    tests read every file back (openpyxl, and zipfile's CRC check)."""
    entry._compressor = isal_zlib.compressobj(SHEET_LEVEL, isal_zlib.DEFLATED, -15)
    return entry


def _write_sheet(archive, n, header, rows):
    # The sheet's length is not known before it is written: zip64, so it may pass 4 GB.
    with (
        archive.open(f"xl/worksheets/sheet{n}.xml", "w", force_zip64=True) as deflated,
        written_behind(_deflated_by_isal(deflated)) as part,
    ):
        part.write((_SHEET_OPEN + _rows_xml([header])).encode())
        for batch in batched(rows):
            part.write(_rows_xml(batch).encode())
        part.write(_SHEET_CLOSE.encode())


def write_xlsx(out, sheets):
    """``sheets``: [(title, header, rows)], rows any iterable (read once, as written);
    ``out``: a path or a binary file (one that cannot seek is fine: an encrypted zip's
    entry)."""
    sheets = list(sheets)
    titles = [quoteattr(title[:31]) for title, _header, _rows in sheets]
    numbers = range(1, len(sheets) + 1)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=LEVEL) as archive:
        types = "".join(_SHEET_TYPE.format(n=n) for n in numbers)
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES.format(sheets=types))
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr(
            "xl/workbook.xml",
            _WORKBOOK.format(
                sheets="".join(
                    f'<sheet name={title} sheetId="{n}" r:id="rId{n}"/>'
                    for n, title in zip(numbers, titles, strict=True)
                )
            ),
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            _WORKBOOK_RELS.format(
                sheets="".join(
                    f'<Relationship Id="rId{n}" Type="{_RELS}/worksheet" '
                    f'Target="worksheets/sheet{n}.xml"/>'
                    for n in numbers
                )
            ),
        )
        archive.writestr("xl/styles.xml", _STYLES)
        for n, (_title, header, rows) in zip(numbers, sheets, strict=True):
            _write_sheet(archive, n, header, rows)
