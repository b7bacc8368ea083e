"""Changes to places: importing the official municipality list, setting up a county."""

import csv
import io
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from .models import County, Municipality, Position, Theme


@dataclass(frozen=True)
class RowError:
    line: int | None  # None: the whole file is wrong (not text, wrong separator), not one line
    message: str

    def __str__(self):
        if self.line is None:
            return self.message
        return _("Line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


class MunicipalityImportError(Exception):
    """The file cannot be imported; nothing was written. `errors` says why, line by line."""

    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors

    @property
    def whole_file(self) -> str | None:
        """The message when the file as a whole is wrong (it belongs on the file field), else None."""
        if len(self.errors) == 1 and self.errors[0].line is None:
            return self.errors[0].message
        return None


@dataclass(frozen=True)
class SkippedRow:
    """A row of another county (SSB's list for the whole country has them all), or another county's own row."""

    line: int
    code: str
    name: str

    def __str__(self):
        return f"{self.code} {self.name}"


@dataclass
class ImportResult:
    created: list[Municipality] = field(default_factory=list)
    updated: list[Municipality] = field(default_factory=list)
    unchanged: list[Municipality] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)


# Control characters other than tab and line breaks: a text file does not hold them, a zip, a PDF, a
# spreadsheet or a UTF-16 file (read as Windows-1252) does.
NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _not_text() -> MunicipalityImportError:
    return MunicipalityImportError([RowError(None, _(
        "The file is not a text file in UTF-8 or Windows-1252. Download the municipality list from "
        "Statistics Norway as CSV and try again."))])


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, the two encodings SSB's files come in.

    Raises MunicipalityImportError when the bytes are neither (a zip or a spreadsheet renamed .csv)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise _not_text() from None
    if NOT_TEXT.search(text):
        raise _not_text()
    return text


def _normalise_name(name: str) -> str:
    # Official names separate parallel forms with " - "; normalise stray spacing around the dash.
    return re.sub(r"\s+-\s+", " - ", " ".join(name.split()))


def _wrong_separator(first_line: str) -> MunicipalityImportError | None:
    if ";" in first_line:
        return None
    if "\t" in first_line:
        separator = _("tabs")
    elif "," in first_line:
        separator = _("commas")
    else:
        return None
    return MunicipalityImportError([RowError(None, _(
        "Wrong separator: the columns are separated by %(separator)s, but Statistics Norway's files use "
        "semicolons. Download the municipality list from Statistics Norway as CSV and try again.")
        % {"separator": separator})])


def _rows(reader):
    """(line, cells) for each row; (line, None) for a row the csv module cannot read, and then no more."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield reader.line_num, None
            return
        yield reader.line_num, row


def parse_municipality_csv(data: bytes, *, county: County) -> tuple[list[tuple[int, str, str]], list[SkippedRow]]:
    """Returns the county's (line, code, name) rows and the rows skipped as another county's, or raises
    MunicipalityImportError listing every bad row.

    SSB's list may cover the whole country and hold the counties' own rows (two-digit codes) besides
    the municipalities (four digits, the first two the county's number)."""
    text = decode_csv(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", quotechar='"')
    try:
        header = [column.strip().lower() for column in next(reader)]
    except StopIteration:
        raise MunicipalityImportError([RowError(1, _("The file is empty."))]) from None
    except csv.Error:
        header = []
    missing = [column for column in ("code", "name") if column not in header]
    if missing:
        raise _wrong_separator(text.split("\n", 1)[0]) or MunicipalityImportError(
            [RowError(1, _("The header lacks the column(s): %(columns)s.") % {"columns": ", ".join(missing)})]
        )
    code_at, name_at = header.index("code"), header.index("name")
    rows, skipped, errors, seen = [], [], [], {}
    for line, row in _rows(reader):
        if row is None:
            errors.append(RowError(line, _(
                "the line cannot be read: a quotation mark is not closed, or a field is far too long.")))
            break
        if not any(cell.strip() for cell in row):
            continue
        code = row[code_at].strip() if len(row) > code_at else ""
        name = _normalise_name(row[name_at]) if len(row) > name_at else ""
        if not code:
            errors.append(RowError(line, _("the municipality number is missing.")))
        elif re.fullmatch(r"\d{2}", code):  # a county's own row
            if code != county.number:
                skipped.append(SkippedRow(line, code, name))
        elif not re.fullmatch(r"\d{4}", code):
            errors.append(RowError(line, _("“%(code)s” is not a four-digit municipality number.") % {"code": code}))
        elif code[:2] != county.number:
            skipped.append(SkippedRow(line, code, name))
        elif code in seen:
            errors.append(
                RowError(line, _("%(code)s appears twice (also on line %(other)s).") % {"code": code, "other": seen[code]})
            )
        elif not name:
            errors.append(RowError(line, _("the name of %(code)s is missing.") % {"code": code}))
        else:
            seen[code] = line
            rows.append((line, code, name))
    if errors:
        raise MunicipalityImportError(errors)
    if not rows and skipped:
        raise MunicipalityImportError(
            [RowError(None, _("The file has no municipalities in %(county)s.") % {"county": county})]
        )
    if not rows:
        raise MunicipalityImportError([RowError(2, _("The file has no municipalities."))])
    return rows, skipped


@transaction.atomic
def import_municipalities(*, county: County, data: bytes) -> ImportResult:
    """Creates and renames the county's municipalities from SSB's CSV list.

    Existing municipalities keep everything but their name; re-importing the
    same file changes nothing. Rows of other counties are skipped (and reported).
    A bad row anywhere means nothing is written.
    """
    rows, skipped = parse_municipality_csv(data, county=county)
    existing = {m.number: m for m in Municipality.objects.filter(number__in=[code for _line, code, _name in rows])}
    result = ImportResult(skipped=skipped)
    for line, code, name in rows:
        municipality = existing.get(code)
        if municipality is None:
            result.created.append(Municipality.objects.create(number=code, name=name, county=county))
        elif municipality.county_id != county.pk:
            raise MunicipalityImportError(
                [RowError(line, _("%(code)s belongs to another county.") % {"code": code})]
            )
        elif municipality.name != name:
            municipality.name = name
            municipality.save(update_fields=["name"])
            result.updated.append(municipality)
        else:
            result.unchanged.append(municipality)
    return result


@transaction.atomic
def create_county(*, number: str, name: str) -> County:
    """A county with the default positions list."""
    county, _created = County.objects.get_or_create(number=number, defaults={"name": name})
    ensure_default_lists(county)
    return county


def ensure_default_lists(county: County) -> None:
    """The county's editable lists start with the positions and themes the application knows."""
    for order, (code, name) in enumerate(Position.DEFAULTS, start=1):
        Position.objects.get_or_create(county=county, code=code, defaults={"name": name, "order": order * 10})
    for order, (code, name) in enumerate(Theme.DEFAULTS, start=1):
        Theme.objects.get_or_create(county=county, code=code, defaults={"name": name, "order": order * 10})
