"""Changes to places and people: importing the official municipality list, setting up a county and its
settings and lists, editing municipalities, libraries, contacts and partner organisations.

Each change is one transaction and saves only the fields it changes (simple-history records who, from
the request). A change to who fills a position in a municipality (a contact added, removed or moved to
another position) sends `municipalities.signals.contacts_changed`, and changed county settings send
`county_settings_changed`, in the same transaction, so that participant health (followup) is right
when the change is saved."""

import csv
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from .models import Contact, County, Library, Municipality, Organisation, Position, Theme
from .signals import contacts_changed, county_settings_changed


class MunicipalityError(Exception):
    """The change is not possible in the current state; the message is for the user."""


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
    return MunicipalityImportError(
        [
            RowError(
                None,
                _(
                    "The file is not a text file in UTF-8 or Windows-1252. Download the municipality list from "
                    "Statistics Norway as CSV and try again."
                ),
            )
        ]
    )


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
    return MunicipalityImportError(
        [
            RowError(
                None,
                _(
                    "Wrong separator: the columns are separated by %(separator)s, but Statistics Norway's files use "
                    "semicolons. Download the municipality list from Statistics Norway as CSV and try again."
                )
                % {"separator": separator},
            )
        ]
    )


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
            errors.append(
                RowError(
                    line, _("the line cannot be read: a quotation mark is not closed, or a field is far too long.")
                )
            )
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
                RowError(
                    line, _("%(code)s appears twice (also on line %(other)s).") % {"code": code, "other": seen[code]}
                )
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
            raise MunicipalityImportError([RowError(line, _("%(code)s belongs to another county.") % {"code": code})])
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


# ------------------------------------------------------------------ shared


def _apply(instance: models.Model, fields: dict) -> list[str]:
    """Sets the fields whose value differs (file fields through their form handling, so that a cleared
    file becomes empty and an unchanged one stays); returns the names changed, for `update_fields`."""
    changed = []
    for name, value in fields.items():
        field = instance._meta.get_field(name)
        if isinstance(field, models.FileField):
            if value is None or value == getattr(instance, name):
                continue
            field.save_form_data(instance, value)
        elif getattr(instance, name) == value:
            continue
        else:
            setattr(instance, name, value)
        changed.append(name)
    return changed


def _locked(instance: models.Model) -> models.Model:
    return type(instance).objects.select_for_update().get(pk=instance.pk)


# ------------------------------------------------------------- county settings

COUNTY_SETTINGS = (
    "name",
    "written_standard",
    "sender_name",
    "sender_email",
    "letterhead",
    "default_local_share",
    "default_hourly_rate",
    "escalation_reminder_days",
    "escalation_alert_days",
    "escalation_leadership_days",
    "health_overdue_yellow",
    "health_overdue_red",
    "health_silence_yellow_days",
    "health_silence_red_days",
    "health_visit_yellow_days",
    "health_visit_red_days",
    "health_missed_meetings_yellow",
    "health_missed_meetings_red",
    "agreement_reminder_days",
    "evaluation_reminder_days",
    "archive_creator_id",
    "archive_creator_name",
)
LIST_ITEM_FIELDS = ("name", "order", "is_active")


def _save_list_items(model, *, county: County, items) -> bool:
    """Saves the list's new and changed items; returns whether any was."""
    saved = False
    for item, fields in items:
        fields = {name: value for name, value in fields.items() if name in LIST_ITEM_FIELDS}
        if item is None:
            model.objects.create(county=county, **fields)
            saved = True
            continue
        item = model.objects.select_for_update().get(pk=item.pk, county=county)
        changed = _apply(item, fields)
        if changed:
            item.save(update_fields=changed)
            saved = True
    return saved


@transaction.atomic
def update_county_settings(*, county: County, settings: dict, positions=(), themes=()) -> County:
    """The county's name, written standard, sender, logo, defaults and thresholds, and its lists of
    positions and themes.

    `positions` and `themes` are (item, fields) pairs, item None for a new one; only the given fields
    change. Sends `county_settings_changed` with the names of the settings changed ("positions" and
    "themes" for the lists: a position's name is part of a stakeholder gap's reason)."""
    county = _locked(county)
    changed = _apply(county, {name: value for name, value in settings.items() if name in COUNTY_SETTINGS})
    if changed:
        county.save(update_fields=changed)
    if _save_list_items(Position, county=county, items=positions):
        changed.append("positions")
    if _save_list_items(Theme, county=county, items=themes):
        changed.append("themes")
    if changed:
        county_settings_changed.send(sender=County, county=county, fields=changed)
    return county


# -------------------------------------------------------------- municipalities

MUNICIPALITY_FIELDS = ("name", "population", "region", "host_municipality")


@transaction.atomic
def update_municipality(*, municipality: Municipality, **fields) -> Municipality:
    municipality = _locked(municipality)
    changed = _apply(municipality, {name: value for name, value in fields.items() if name in MUNICIPALITY_FIELDS})
    if changed:
        municipality.save(update_fields=changed)
    return municipality


# ------------------------------------------------------------------- libraries

LIBRARY_FIELDS = ("name", "is_main", "address", "email", "phone")


def _check_one_main(municipality_id: int, *, is_main: bool, library_pk=None) -> None:
    others = (
        Library.objects.select_for_update().filter(municipality_id=municipality_id, is_main=True).exclude(pk=library_pk)
    )
    if is_main and others.exists():
        raise ValidationError({"is_main": _("%(library)s is already the main library.") % {"library": others.first()}})


@transaction.atomic
def create_library(
    *, municipality: Municipality, name: str, is_main: bool = False, address: str = "", email: str = "", phone: str = ""
) -> Library:
    _check_one_main(municipality.pk, is_main=is_main)
    return Library.objects.create(
        municipality=municipality, name=name, is_main=is_main, address=address, email=email, phone=phone
    )


@transaction.atomic
def update_library(*, library: Library, **fields) -> Library:
    library = _locked(library)
    _check_one_main(library.municipality_id, is_main=fields.get("is_main", library.is_main), library_pk=library.pk)
    changed = _apply(library, {name: value for name, value in fields.items() if name in LIBRARY_FIELDS})
    if changed:
        library.save(update_fields=changed)
    return library


@transaction.atomic
def delete_library(*, library: Library) -> None:
    library.delete()


# -------------------------------------------------------------------- contacts

CONTACT_FIELDS = ("name", "position", "title", "email", "phone", "user")


def _check_position(county_id: int, position) -> None:
    if position is not None and position.county_id != county_id:
        raise ValidationError({"position": _("Choose a position from the county's list.")})


def _announce(municipality_id) -> None:
    """Who fills which position in the municipality changed: tell the apps that build on it."""
    if municipality_id:
        contacts_changed.send(sender=Contact, municipality=Municipality.objects.get(pk=municipality_id))


@transaction.atomic
def create_contact(
    *,
    county: County,
    municipality: Municipality | None = None,
    organisation: Organisation | None = None,
    name: str,
    position: Position,
    title: str = "",
    email: str = "",
    phone: str = "",
    user=None,
) -> Contact:
    """A person in a municipality, a partner organisation, or (neither) the county."""
    _check_position(county.pk, position)
    contact = Contact.objects.create(
        county=county,
        municipality=municipality,
        organisation=organisation,
        name=name,
        position=position,
        title=title,
        email=email,
        phone=phone,
        user=user,
    )
    _announce(contact.municipality_id)
    return contact


@transaction.atomic
def update_contact(*, contact: Contact, **fields) -> Contact:
    """Changes the given fields of a contact; fields not given (the user link, for someone who may not
    set it) stay as they are."""
    contact = _locked(contact)
    _check_position(contact.county_id, fields.get("position"))
    changed = _apply(contact, {name: value for name, value in fields.items() if name in CONTACT_FIELDS})
    if changed:
        contact.save(update_fields=changed)
    if "position" in changed:
        _announce(contact.municipality_id)
    return contact


@transaction.atomic
def delete_contact(*, contact: Contact) -> None:
    """Removes a contact; refused (MunicipalityError) while an agreement names them as a signatory."""
    municipality_id = contact.municipality_id
    try:
        with transaction.atomic():
            contact.delete()
    except ProtectedError:  # named as a signatory of an agreement, which keeps who signs
        raise MunicipalityError(
            _("%(name)s is named in an agreement and cannot be removed.") % {"name": contact.name}
        ) from None
    _announce(municipality_id)


# ------------------------------------------------------------ partner organisations

ORGANISATION_FIELDS = ("name", "kind", "website", "notes")


def _check_unique_name(county_id: int, name: str, *, organisation_pk=None) -> None:
    if Organisation.objects.filter(county_id=county_id, name__iexact=name).exclude(pk=organisation_pk).exists():
        raise ValidationError({"name": _("The county already has an organisation with this name.")})


@transaction.atomic
def create_organisation(
    *, county: County, name: str, kind: str = Organisation.Kind.OTHER, website: str = "", notes: str = ""
) -> Organisation:
    _check_unique_name(county.pk, name)
    return Organisation.objects.create(county=county, name=name, kind=kind, website=website, notes=notes)


@transaction.atomic
def update_organisation(*, organisation: Organisation, **fields) -> Organisation:
    organisation = _locked(organisation)
    _check_unique_name(organisation.county_id, fields.get("name", organisation.name), organisation_pk=organisation.pk)
    changed = _apply(organisation, {name: value for name, value in fields.items() if name in ORGANISATION_FIELDS})
    if changed:
        organisation.save(update_fields=changed)
    return organisation
