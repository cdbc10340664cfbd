"""The export writers (issue 16): our streaming XLSX writer's workbooks open in openpyxl
with every value as it was given (after the formula guard), and the CSV writer writes
exactly what the standard library's csv.writer would. No database: the writers take rows."""

import csv
import io
import zipfile
from datetime import date, datetime

import pytest
import pyzipper
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from lindungi.stats.exports import batches, behind
from lindungi.stats.exports.cells import safe_row
from lindungi.stats.exports.files import BOM, csv_bytes, write_csv, xlsx_bytes
from lindungi.stats.exports.xlsx import write_xlsx

HEADER = ["Kode", "=Nama", "Jumlah"]
# Every kind of cell: unicode, empty text and no value, numbers, a boolean, a date, what a
# spreadsheet would run, XML's specials, whitespace a reader would lose, characters XML
# cannot carry.
ROWS = [
    ["S-0001/1", "Siti Ümit 日本 🙂", 3, -2, 1.5, True, date(2024, 2, 29), ""],
    ["S-0002/1", None, 0, 10**12, -0.25, False, date(1999, 12, 31), "a&b<c>d\"e'f"],
    ["=SUM(A1:A9)", "+62 812", "-1", "@here", "\tx", "\rx", " lead", "trail "],
    ["x\ry", "t\tz", "n\nl", "bad\x01\x1f\ufffe", "_x0041_", float("nan"), float("inf"), "%s %d"],
]
# What reading the workbook gives: the guard's apostrophe; a date at midnight; what XML
# cannot carry as U+FFFD; nan and infinity as text.
READ = [
    ["S-0001/1", "Siti Ümit 日本 🙂", 3, -2, 1.5, True, datetime(2024, 2, 29), ""],
    ["S-0002/1", None, 0, 10**12, -0.25, False, datetime(1999, 12, 31), "a&b<c>d\"e'f"],
    ["'=SUM(A1:A9)", "'+62 812", "'-1", "'@here", "'\tx", "'\rx", " lead", "trail "],
    ["x\ry", "t\tz", "n\nl", "bad\ufffd\ufffd\ufffd", "_x0041_", "nan", "inf", "%s %d"],
]


def _read(body):
    book = load_workbook(io.BytesIO(body))
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in book.worksheets
    }


def test_a_workbook_reads_back_exactly_in_openpyxl(monkeypatch):
    monkeypatch.setattr(batches, "BATCH", 3)  # rows that need escaping in some batches only
    plain = [[f"S-{n:04}/1", "perempuan", n, date(2020, 1, 1 + n % 28)] for n in range(7)]
    body = xlsx_bytes(
        [
            ("Data & <more>", HEADER, iter(ROWS + ROWS)),
            ("Plain", ["a", "b", "c", "d"], iter(plain)),
            ("Uneven", ["a"], [["x", 1], [], ["y"]]),
        ]
    )
    sheets = _read(body)
    assert list(sheets) == ["Data & <more>", "Plain", "Uneven"]
    header, *rows = sheets["Data & <more>"]
    assert header == ["Kode", "'=Nama", "Jumlah", None, None, None, None, None]
    assert rows == READ + READ
    expected = [[*row[:3], datetime(2020, 1, 1 + n % 28)] for n, row in enumerate(plain)]
    assert sheets["Plain"][1:] == expected
    assert sheets["Uneven"] == [["a", None], ["x", 1], [None, None], ["y", None]]
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        types = archive.read("[Content_Types].xml").decode()
        sheet_parts = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert len(sheet_parts) == 3
        assert all(f'PartName="/{part}"' in types for part in sheet_parts)
        assert archive.getinfo(sheet_parts[0]).compress_type == zipfile.ZIP_DEFLATED
        assert archive.testzip() is None  # every part's CRC, the sheets deflated by ISA-L


def test_a_workbook_streams_into_an_encrypted_zip(tmp_path):
    """A stream that cannot seek (an AES zip's entry), and no file written beside it."""
    target = tmp_path / "out.zip"
    with pyzipper.AESZipFile(target, "w", encryption=pyzipper.WZ_AES) as archive:
        archive.setpassword(b"secret")
        with archive.open("data.xlsx", "w") as entry:
            write_xlsx(entry, [("Data", HEADER, iter(ROWS))])
    assert [p.name for p in tmp_path.iterdir()] == ["out.zip"]
    with pyzipper.AESZipFile(target) as archive:
        archive.setpassword(b"secret")
        assert _read(archive.read("data.xlsx"))["Data"][1:] == READ


def _csv_module(header, rows):
    out = io.StringIO(newline="")
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow(safe_row(header))
    writer.writerows(safe_row(row) for row in rows)
    return out.getvalue().encode()


def test_the_csv_is_what_csv_writer_writes(monkeypatch):
    monkeypatch.setattr(batches, "BATCH", 3)
    rows = [*ROWS, ["a,b", 'q"x', "l\nm"], [""], [None], [5], ["=1"], [], *ROWS]
    assert csv_bytes(HEADER, iter(rows)) == _csv_module(HEADER, rows)
    parsed = list(csv.reader(io.StringIO(csv_bytes(HEADER, ROWS).decode().removeprefix(BOM))))
    assert parsed[3][:4] == ["'=SUM(A1:A9)", "'+62 812", "'-1", "'@here"]


CELLS = st.one_of(
    st.text(max_size=8),
    st.sampled_from(["=1", "-", "+x", "@", " ", "a,b", '"', "&", "<", "\r\n", "|", "a|=b", "x| y"]),
    st.none(),
    st.integers(-(2**40), 2**40),
    st.dates(),
)
TABLES = st.integers(2, 4).flatmap(
    lambda width: st.lists(st.lists(CELLS, min_size=width, max_size=width), max_size=6)
)


@settings(max_examples=40, deadline=None)
@given(TABLES)
def test_any_table_is_written_as_csv_writer_would_and_reads_back_from_xlsx(rows):
    header = [f"c{n}" for n in range(len(rows[0]) if rows else 2)]
    assert csv_bytes(header, rows) == _csv_module(header, rows)
    read = _read(xlsx_bytes([("Data", header, rows)]))["Data"][1:]
    legal = str.maketrans({c: "\ufffd" for c in map(chr, range(32)) if c not in "\t\n\r"})
    expected = [
        [
            (datetime(v.year, v.month, v.day) if v >= date(1900, 3, 1) else v.isoformat())
            if type(v) is date
            else v.translate(legal).translate({0xFFFE: 0xFFFD, 0xFFFF: 0xFFFD})
            if isinstance(v, str)
            else v
            for v in safe_row(row)
        ]
        for row in rows
    ]
    assert read == expected


def test_the_writers_take_any_iterable_once(tmp_path):
    rows = ([n, str(n)] for n in range(5))
    with open(tmp_path / "x.csv", "w", encoding="utf-8", newline="") as out:
        write_csv(out, ["n", "s"], rows)
    assert (tmp_path / "x.csv").read_text(encoding="utf-8").count("\n") == 6


class _Failing(io.BytesIO):
    def write(self, data):
        raise OSError("disk full")


def test_writes_made_behind_arrive_in_order_and_their_error_is_raised(monkeypatch):
    monkeypatch.setattr(behind, "CHUNK", 5)  # a hand-over every few writes
    out = io.BytesIO()
    with behind.written_behind(out) as stream:
        for n in range(100):
            stream.write(b"%d," % n)
    assert out.getvalue() == b"".join(b"%d," % n for n in range(100))
    with pytest.raises(OSError, match="disk full"), behind.written_behind(_Failing()) as stream:
        for n in range(100):
            stream.write(b"%d," % n)
    with pytest.raises(ValueError, match="rows"), behind.written_behind(io.BytesIO()) as stream:
        stream.write(b"x" * 10)
        raise ValueError("rows")  # a reader's error stops the thread and is raised as it is
