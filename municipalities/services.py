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
    line: int
    message: str

    def __str__(self):
        return _("Line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


class MunicipalityImportError(Exception):
    """The file cannot be imported; nothing was written. `errors` says why, line by line."""

    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


@dataclass
class ImportResult:
    created: list[Municipality] = field(default_factory=list)
    updated: list[Municipality] = field(default_factory=list)
    unchanged: list[Municipality] = field(default_factory=list)


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, the two encodings SSB's files come in."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def _normalise_name(name: str) -> str:
    # Official names separate parallel forms with " - "; normalise stray spacing around the dash.
    return re.sub(r"\s+-\s+", " - ", " ".join(name.split()))


def parse_municipality_csv(data: bytes, *, county: County) -> list[tuple[int, str, str]]:
    """Returns (line, code, name) rows, or raises MunicipalityImportError listing every bad row."""
    text = decode_csv(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", quotechar='"')
    try:
        header = [column.strip().lower() for column in next(reader)]
    except StopIteration:
        raise MunicipalityImportError([RowError(1, _("The file is empty."))]) from None
    missing = [column for column in ("code", "name") if column not in header]
    if missing:
        raise MunicipalityImportError(
            [RowError(1, _("The header lacks the column(s): %(columns)s.") % {"columns": ", ".join(missing)})]
        )
    code_at, name_at = header.index("code"), header.index("name")
    rows, errors, seen = [], [], {}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        code = row[code_at].strip() if len(row) > code_at else ""
        name = _normalise_name(row[name_at]) if len(row) > name_at else ""
        if not code:
            errors.append(RowError(line, _("the municipality number is missing.")))
        elif not re.fullmatch(r"\d{4}", code):
            errors.append(RowError(line, _("“%(code)s” is not a four-digit municipality number.") % {"code": code}))
        elif code[:2] != county.number:
            errors.append(
                RowError(
                    line,
                    _("%(code)s is not in county %(county)s.") % {"code": code, "county": county},
                )
            )
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
    if not rows:
        raise MunicipalityImportError([RowError(2, _("The file has no municipalities."))])
    return rows


@transaction.atomic
def import_municipalities(*, county: County, data: bytes) -> ImportResult:
    """Creates and renames the county's municipalities from SSB's CSV list.

    Existing municipalities keep everything but their name; re-importing the
    same file changes nothing. A bad row anywhere means nothing is written.
    """
    rows = parse_municipality_csv(data, county=county)
    existing = {m.number: m for m in Municipality.objects.filter(number__in=[code for _line, code, _name in rows])}
    result = ImportResult()
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
