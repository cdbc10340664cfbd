"""Writing tables as CSV or XLSX, every cell through ``cells.safe``. The writers stream:
rows are written as they come, so a file of a million rows takes no more memory than one of
a hundred (openpyxl's write-only mode for XLSX)."""

import csv
import io

from openpyxl import Workbook

from lindungi.stats.exports.cells import safe_row

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# With a byte order mark, so that a spreadsheet opens Indonesian text as UTF-8.
BOM = "\ufeff"


def write_csv(out, header, rows):
    """Write to ``out`` (a text stream opened with ``newline=""``)."""
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow(safe_row(header))
    writer.writerows(safe_row(row) for row in rows)


def write_xlsx(out, sheets):
    """``sheets``: [(title, header, rows)]; ``out``: a path or a binary file."""
    book = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title=title[:31])
        sheet.append(safe_row(header))
        for row in rows:
            sheet.append(safe_row(row))
    book.save(out)


def csv_bytes(header, rows):
    out = io.StringIO(newline="")
    write_csv(out, header, rows)
    return out.getvalue().encode()


def xlsx_bytes(sheets):
    out = io.BytesIO()
    write_xlsx(out, sheets)
    return out.getvalue()
