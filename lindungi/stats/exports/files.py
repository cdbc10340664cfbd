"""Writing tables as CSV or XLSX, every cell through ``cells.safe``."""

import csv
import io

from openpyxl import Workbook

from lindungi.stats.exports.cells import safe_row

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_bytes(header, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(safe_row(header))
    for row in rows:
        writer.writerow(safe_row(row))
    # With a byte order mark, so that a spreadsheet opens Indonesian text as UTF-8.
    return ("\ufeff" + out.getvalue()).encode()


def xlsx_bytes(sheets):
    """``sheets``: [(title, header, rows)], written in openpyxl's streaming mode."""
    book = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title=title[:31])
        sheet.append(safe_row(header))
        for row in rows:
            sheet.append(safe_row(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
