"""CSV files for spreadsheets: the one writer every CSV export of the app goes through.

Made for Excel as Norwegian users have it: UTF-8 with a byte order mark (or Excel guesses the
wrong encoding), semicolons between cells and a decimal comma. And safe to open: a text cell that
starts like a formula (= + - @, a tab or a carriage return) is prefixed with an apostrophe, so a
spreadsheet shows it instead of running it (CSV injection, OWASP). That holds for every text
cell, whatever column it is in: names of counties, themes, people and municipalities are all
written by someone. Numbers and dates are written as such, never escaped.
"""

import csv
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

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
