"""Spreadsheets: the one writer every CSV and .xlsx export of the app goes through.

An export declares a `Table` (a sheet name, typed `Column`s, rows); `write_xlsx` makes sheets of it with
real types (dates, kroner and percentages as numbers with a format), a frozen bold header with filters
and fitted widths, and `write_csv` the same columns as CSV. In .xlsx every text cell is stored as a
string (data type "s"), so no text a user wrote can become a formula, whatever it starts with.

CSV files:

Made for Excel as Norwegian users have it: UTF-8 with a byte order mark (or Excel guesses the
wrong encoding), semicolons between cells and a decimal comma. And safe to open: a text cell that
starts like a formula (= + - @, a tab or a carriage return) is prefixed with an apostrophe, so a
spreadsheet shows it instead of running it (CSV injection, OWASP). That holds for every text
cell, whatever column it is in: names of counties, themes, people and municipalities are all
written by someone. Numbers and dates are written as such, never escaped.
"""

import csv
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import chain, islice

from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def cell(value) -> str:
    """One value as the text of a cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        value = str(value)
    elif isinstance(value, int):
        return str(value)
    elif isinstance(value, (Decimal, float)):
        return f"{Decimal(repr(value)) if isinstance(value, float) else value:f}".replace(".", ",")
    elif isinstance(value, datetime):
        return (
            timezone.localtime(value).strftime("%d.%m.%Y %H:%M")
            if timezone.is_aware(value)
            else value.strftime("%d.%m.%Y %H:%M")
        )
    elif isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class SpreadsheetWriter:
    """Writes rows to a text stream; every value goes through `cell`."""

    def __init__(self, stream):
        stream.write(BOM)
        self._writer = csv.writer(stream, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")

    def writerow(self, values: Iterable) -> None:
        self._writer.writerow([cell(value) for value in values])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


def csv_response(*, filename: str, header: Iterable, rows: Iterable[Iterable]) -> HttpResponse:
    """A CSV download: the header row, then the rows."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    writer = SpreadsheetWriter(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


# ------------------------------------------------------------------- tables: one definition, .xlsx or .csv


class Kind:
    """What a column holds, and so how Excel shows it. Money and dates are numbers, not text."""

    TEXT = "text"
    DATE = "date"  # a date (or an aware datetime, shown as its local date)
    DATETIME = "datetime"
    INTEGER = "integer"
    DECIMAL = "decimal"  # hours, ratios
    MONEY = "money"  # kroner
    PERCENT = "percent"  # a fraction: 0.25 is shown as 25,0 %


# Excel's number formats are written in its own (US) notation: "," is the thousands separator and "."
# the decimal point; Excel shows them as the reader's locale has them (a space and a comma in Norway).
NUMBER_FORMATS = {
    Kind.DATE: "dd.mm.yyyy",
    Kind.DATETIME: "dd.mm.yyyy hh:mm",
    Kind.INTEGER: "0",
    Kind.DECIMAL: "#,##0.00",
    Kind.MONEY: '#,##0 "kr"',
    Kind.PERCENT: "0.0 %",
}
WIDTHS = {Kind.DATE: 11, Kind.DATETIME: 16, Kind.INTEGER: 8, Kind.DECIMAL: 10, Kind.MONEY: 14, Kind.PERCENT: 8}
MIN_WIDTH, MAX_WIDTH = 6, 60
WIDTH_SAMPLE = 200  # column widths fit the header and the first rows (a stream cannot look ahead further)
SHEET_NAME_MAX = 31  # Excel's limit
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Column:
    title: str  # translated when the table is written (gettext_lazy is fine)
    kind: str = Kind.TEXT
    width: int | None = None  # None: fitted to the header and the first rows


@dataclass
class Table:
    """One sheet (or one CSV file): a name, its columns and its rows (any iterable, read once)."""

    name: str
    columns: list[Column]
    rows: Iterable[Iterable] = ()


def _local(value):
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def xlsx_value(value, kind: str):
    """One value as openpyxl should store it for a column of `kind` (None stays an empty cell)."""
    if value is None or value == "":
        return None
    if kind == Kind.TEXT:
        return ILLEGAL_CHARACTERS_RE.sub("", str(value))
    if kind == Kind.DATE:
        value = _local(value)
        return value.date() if isinstance(value, datetime) else value
    if kind == Kind.DATETIME:
        return _local(value)
    if kind == Kind.INTEGER:
        return int(value)
    if isinstance(value, Decimal):
        return float(value)  # Excel has doubles only; kroner with øre and percentages fit
    return value


def csv_value(value, kind: str):
    """One value as the CSV writer gets it: percentages as "25,0 %", the rest as `cell` writes them."""
    if kind == Kind.PERCENT and value is not None:
        return f"{Decimal(str(value)) * 100:.1f} %".replace(".", ",")
    if kind == Kind.DATE and isinstance(value, datetime):
        return _local(value).date()
    return value


def sheet_name(name, taken: set[str]) -> str:
    """A name Excel accepts: no [ ] : * ? / \\, at most 31 characters, unique in the workbook."""
    base = " ".join(SHEET_NAME_FORBIDDEN.sub(" ", str(name)).split()).strip("'") or "Ark"
    base = base[:SHEET_NAME_MAX]
    candidate, n = base, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate, n = base[: SHEET_NAME_MAX - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


def _text_width(value) -> int:
    return max((len(line) for line in str(value).splitlines()), default=0)


def _write_sheet(workbook, table: Table, taken: set[str], on_row: Callable | None) -> int:
    sheet = workbook.create_sheet(sheet_name(table.name, taken))
    columns = table.columns
    kinds = [column.kind for column in columns]
    rows = iter(table.rows)
    sample = list(islice(rows, WIDTH_SAMPLE))
    for index, column in enumerate(columns, start=1):
        width = column.width
        if width is None:
            width = _text_width(column.title) + 3  # room for the filter's arrow
            if column.kind == Kind.TEXT:
                width = max([width] + [_text_width(row[index - 1] or "") + 1 for row in sample])
            else:
                width = max(width, WIDTHS[column.kind])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width, MIN_WIDTH), MAX_WIDTH)
    sheet.freeze_panes = "A2"

    bold = Font(bold=True)
    header = []
    for column in columns:
        title = WriteOnlyCell(sheet, value=xlsx_value(str(column.title), Kind.TEXT))
        title.data_type = "s"
        title.font = bold
        header.append(title)
    sheet.append(header)

    count = 0
    for row in chain(sample, rows):
        cells = []
        for value, kind in zip(row, kinds, strict=True):
            value = xlsx_value(value, kind)
            written = WriteOnlyCell(sheet, value=value)
            if kind == Kind.TEXT and value is not None:
                written.data_type = "s"  # never a formula, whatever the text starts with
            elif kind in NUMBER_FORMATS and value is not None:
                written.number_format = NUMBER_FORMATS[kind]
            cells.append(written)
        sheet.append(cells)
        count += 1
        if on_row is not None:
            on_row()
    last = get_column_letter(max(len(columns), 1))
    sheet.auto_filter.ref = f"A1:{last}{count + 1}"
    return count


def write_xlsx(stream, tables: Iterable[Table], *, on_row: Callable | None = None) -> int:
    """Writes the tables as sheets of one workbook to a binary stream, streaming (openpyxl's write-only
    mode keeps no rows in memory); returns the number of rows written. `on_row` is called after each."""
    workbook = Workbook(write_only=True)
    taken: set[str] = set()
    count = 0
    for table in tables:
        count += _write_sheet(workbook, table, taken, on_row)
    if not taken:
        workbook.create_sheet("Ark")
    workbook.save(stream)
    return count


def write_csv(stream, table: Table) -> int:
    """One table as CSV (the same columns and rows as its sheet) to a text stream; returns the row count."""
    writer = SpreadsheetWriter(stream)
    writer.writerow([str(column.title) for column in table.columns])
    kinds = [column.kind for column in table.columns]
    count = 0
    for row in table.rows:
        writer.writerow([csv_value(value, kind) for value, kind in zip(row, kinds, strict=True)])
        count += 1
    return count


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(*, filename: str, tables: Iterable[Table]) -> HttpResponse:
    """An .xlsx download, built in a temporary file (spilled to disk past a few MB, never all in memory twice)."""
    buffer = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    write_xlsx(buffer, tables)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


def table_csv_response(*, filename: str, table: Table) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    write_csv(response, table)
    return response
