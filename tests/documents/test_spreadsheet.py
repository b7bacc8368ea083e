"""The one CSV writer: formula-safe cells, Excel's Norwegian format, and no CSV written anywhere else."""

import csv
import io
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from documents.spreadsheet import SpreadsheetWriter, cell, csv_response


def _read(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=";"))


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_text_cell_that_starts_like_a_formula_gets_an_apostrophe(start):
    assert cell(f"{start}1+1") == f"'{start}1+1"


@pytest.mark.parametrize("text", ["Tromsø", "1+1", "a=b", "", " =1+1", "'=1+1", "Gáivuotna - Kåfjord - Kaivuono"])
def test_other_text_is_written_as_it_is(text):
    assert cell(text) == text


def test_numbers_and_dates_are_written_as_numbers_and_dates_never_escaped():
    assert cell(-5) == "-5" and cell(0) == "0"
    assert cell(Decimal("-12.5")) == "-12,5" and cell(Decimal("100.0")) == "100,0" and cell(2.25) == "2,25"
    assert cell(date(2026, 1, 4)) == "04.01.2026"
    assert cell(datetime(2026, 1, 4, 23, 30, tzinfo=ZoneInfo("UTC"))) == "05.01.2026 00:30"  # Oslo time
    assert cell(None) == ""


def test_every_cell_of_every_row_is_escaped_and_reads_back_with_the_csv_module():
    stream = io.StringIO(newline="")
    writer = SpreadsheetWriter(stream)
    writer.writerow(["=Overskrift", "B"])
    writer.writerows([['Tittel; med «semikolon» og "anførsel"', "@SUM(A1)", 3], ["+1\n2", "\r=1", Decimal("1.5")]])
    assert stream.getvalue().endswith("\r\n")
    assert _read(stream.getvalue()) == [
        ["'=Overskrift", "B"],
        ['Tittel; med «semikolon» og "anførsel"', "'@SUM(A1)", "3"],
        ["'+1\n2", "'\r=1", "1,5"],
    ]


def test_the_download_is_an_attachment_with_a_byte_order_mark():
    response = csv_response(filename="prosjekter-2026-01-04.csv", header=["Tittel"], rows=[["-x"]])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="prosjekter-2026-01-04.csv"'
    assert _read(response.content.decode("utf-8")) == [["Tittel"], ["'-x"]]


def test_no_csv_is_written_outside_the_one_writer():
    """A new export that writes CSV itself would skip the formula escaping: use documents.spreadsheet."""
    root = Path(settings.BASE_DIR)
    writer = root / "documents" / "spreadsheet.py"
    skip = {".venv", "node_modules", "tests", "bench", "var", ".git"}
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if not skip & set(path.relative_to(root).parts)
        and path != writer
        and re.search(r"csv\.(writer|DictWriter)\b", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
