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


# ------------------------------------------------------------------ .xlsx: the same tables, typed

import zipfile  # noqa: E402

import openpyxl  # noqa: E402
from django.utils.translation import gettext_lazy  # noqa: E402

from documents.spreadsheet import Column, Kind, Table, sheet_name, write_csv, write_xlsx  # noqa: E402

HOSTILE = ["=1+1", '=HYPERLINK("http://angriper.example/";"Klikk")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"]
SAMI = "Gáivuotna – Kåfjord – Kaivuono"
COLUMNS = [
    Column("Navn"),
    Column("Dato", Kind.DATE),
    Column("Tilskudd", Kind.MONEY),
    Column("Andel", Kind.PERCENT),
    Column("Antall", Kind.INTEGER),
    Column("Timer", Kind.DECIMAL),
    Column("Sendt", Kind.DATETIME),
]


def _workbook(tables) -> openpyxl.Workbook:
    stream = io.BytesIO()
    write_xlsx(stream, tables)
    stream.seek(0)
    return openpyxl.load_workbook(stream)


def _rows():
    yield [SAMI, date(2026, 3, 4), Decimal("125000.50"), Decimal("0.405"), 7, Decimal("12.5"), None]
    yield [None, datetime(2026, 1, 4, 23, 30, tzinfo=ZoneInfo("UTC")), 0, 0, 0, None, None]
    for text in HOSTILE:
        yield [text, None, None, None, None, None, datetime(2026, 1, 4, 23, 30, tzinfo=ZoneInfo("UTC"))]


def test_an_xlsx_sheet_has_real_types_with_norwegian_formats():
    sheet = _workbook([Table("Prosjekter", COLUMNS, _rows())])["Prosjekter"]
    first = [cell for cell in sheet[2]]
    assert first[0].value == SAMI and first[0].data_type == "s"
    assert first[1].value == datetime(2026, 3, 4) and first[1].is_date and first[1].number_format == "dd.mm.yyyy"
    assert first[2].value == 125000.5 and first[2].number_format == '#,##0 "kr"'
    assert first[3].value == 0.405 and first[3].number_format == "0.0 %"
    assert first[4].value == 7 and first[4].data_type == "n"
    assert first[5].value == 12.5
    # An aware datetime is written in Norwegian time; as a date column, its local date.
    assert sheet["B3"].value == datetime(2026, 1, 5) and sheet["G4"].value == datetime(2026, 1, 5, 0, 30)
    assert sheet["A3"].value is None and sheet["C3"].value == 0


def test_the_header_is_bold_frozen_and_filtered_and_the_columns_fit():
    sheet = _workbook([Table("Prosjekter", COLUMNS, _rows())])["Prosjekter"]
    assert [cell.value for cell in sheet[1]] == [column.title for column in COLUMNS]
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:G{2 + 1 + len(HOSTILE)}"
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEFG"}
    assert widths["A"] >= len(HOSTILE[1]) and widths["A"] <= 60  # the longest text, within limits
    assert widths["B"] >= len("dd.mm.yyyy") and widths["C"] >= len("125 000 kr")


def test_no_text_becomes_a_formula_in_xlsx():
    stream = io.BytesIO()
    write_xlsx(stream, [Table("Ark", [Column("Tekst")], ([text] for text in HOSTILE))])
    stream.seek(0)
    with zipfile.ZipFile(stream) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml
    stream.seek(0)
    sheet = openpyxl.load_workbook(stream).active
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == HOSTILE
    assert {row[0].data_type for row in sheet.iter_rows(min_row=2)} == {"s"}


def test_sheet_names_are_translated_made_valid_and_unique():
    from django.utils import translation

    with translation.override("nb"):
        workbook = _workbook(
            [
                Table(gettext_lazy("Milestones"), [Column("A")], [["x"]]),
                Table("Svar: skala [1/5]?", [Column("A")], []),
                Table("Svar: skala [1/5]?", [Column("A")], []),
                Table("x" * 40, [Column("A")], []),
            ]
        )
    assert workbook.sheetnames == ["Milepæler", "Svar skala 1 5", "Svar skala 1 5 (2)", "x" * 31]
    assert sheet_name("Ark", {"ark"}) == "Ark (2)"


def test_control_characters_are_dropped_not_an_error():
    sheet = _workbook([Table("Ark", [Column("Tekst")], [["Linje\x00\x07 to"]])]).active
    assert sheet["A2"].value == "Linje to"


def test_the_csv_of_a_table_has_the_same_columns_escaped_with_percentages():
    stream = io.StringIO(newline="")
    write_csv(stream, Table("Prosjekter", COLUMNS, _rows()))
    rows = _read(stream.getvalue())
    assert rows[0] == [column.title for column in COLUMNS]
    assert rows[1][:6] == [SAMI, "04.03.2026", "125000,50", "40,5 %", "7", "12,5"]
    assert rows[2][1] == "05.01.2026"
    assert [row[0] for row in rows[3:]] == ["'" + text for text in HOSTILE]
