"""Building a Noark 5 v5.0 extract (arkivuttrekk) of a project or of a county's period, as a .tar.

The extract holds, under one folder named by its UUID (the National Archives' convention):

- `arkivstruktur.xml`: arkiv → arkivdel → one mappe per project → one registrering per sealed
  agreement version and per monthly report → dokumentbeskrivelse → dokumentobjekt;
- `endringslogg.xml`: the changes to what the extract describes (case numbers and titles of
  projects, agreement versions superseded by an amendment);
- `arkivuttrekk.xml` (ADDML 8.3): what the extract is, who made it, the period, every file with
  its SHA-256, and that there are no journal files: Fremdrift keeps no registry journal;
- the schemas, unchanged, and `dokumenter/` with the documents: the stored sealed PDF byte for
  byte, the scanned paper signatures as they were uploaded, the stored report PDFs.

Every element's systemID comes from `SystemId` and never changes, so each extract is complete and
a second one describes the same things with the same ids and checksums.
"""

import hashlib
import io
import tarfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import pairwise
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from agreements.models import Agreement, Signature
from projects.models import Project
from reports.models import Report

from .formats import FileFormat, detect
from .models import SystemId

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas" / "noark5"
SCHEMAS = ["arkivstruktur.xsd", "metadatakatalog.xsd", "endringslogg.xsd", "addml.xsd"]
N5 = "http://www.arkivverket.no/standarder/noark5/arkivstruktur"
N5_LOG = "http://www.arkivverket.no/standarder/noark5/endringslogg"
ADDML = "http://www.arkivverket.no/standarder/addml"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
OURS = "urn:fremdrift:noark5"  # the namespace of our virksomhetsspesifikkeMetadata
SYSTEM = "Fremdrift"
NO_JOURNAL = (
    "Uttrekket har ingen journalrapporter (loependeJournal.xml, offentligJournal.xml): Fremdrift fører ingen "
    "journal. Avtalene og rapportene er registrert som registreringer uten journalføring; saks- og "
    "journalnummer i fylkets arkivsystem står i mappeID og i virksomhetsspesifikkeMetadata."
)


class ExtractError(Exception):
    """The extract cannot be made, for a reason its page says in words (a document that cannot be read)."""


# ------------------------------------------------------------------------ what goes in


@dataclass
class Document:
    key: str  # "agreement-pdf:12", "signature-scan:40", "report-pdf:7"
    title: str
    role: str  # tilknyttetRegistreringSom
    kind: str  # dokumenttype
    created_at: datetime
    created_by: str
    read: Callable[[], bytes]
    stem: str  # file name in dokumenter/ without extension


@dataclass
class Registration:
    key: str  # "agreement:12", "report:7"
    title: str
    description: str
    created_at: datetime
    created_by: str
    archived_at: datetime
    documents: list[Document]
    metadata: Callable[[dict], etree._Element]  # systemIDs -> virksomhetsspesifikkeMetadata


@dataclass
class Folder:
    key: str  # "project:3", "county-reports:1"
    folder_id: str  # mappeID
    title: str
    description: str
    created_at: datetime
    created_by: str
    registrations: list[Registration] = field(default_factory=list)
    project: Project | None = None


@dataclass
class Scope:
    county: object
    project: Project | None = None
    first_month: date | None = None
    last_month: date | None = None

    @property
    def last_day(self) -> date | None:
        months = self.month_range()
        return months[1] - timedelta(days=1) if months else None

    def month_range(self) -> tuple[date, date] | None:
        if self.project is not None:
            return None
        last = self.last_month
        after_last = date(last.year + (last.month == 12), last.month % 12 + 1, 1)
        return self.first_month, after_last

    @property
    def description(self) -> str:
        if self.project is not None:
            return f"Uttrekk av prosjektet «{self.project.title}» fra Fremdrift: alle forseglede avtaler og alle månedsrapporter."
        return (
            f"Uttrekk fra Fremdrift for {self.county.name}, {self.first_month:%Y-%m} til {self.last_month:%Y-%m}: "
            "avtaler forseglet og månedsrapporter for månedene i perioden."
        )


def _name(user) -> str:
    return (user.name or user.email) if user else SYSTEM


def _agreement_registration(agreement: Agreement) -> Registration:
    seal = agreement.seal
    documents = [
        Document(
            key=f"agreement-pdf:{agreement.pk}",
            title=f"{agreement.title}, versjon {agreement.version} (signert og forseglet)",
            role="Hoveddokument",
            kind="Avtale",
            created_at=seal.sealed_at,
            created_by=SYSTEM,
            read=lambda seal=seal: bytes(seal.pdf),
            stem=f"avtale-{agreement.pk}-v{agreement.version}",
        )
    ]
    signatures = [s for s in agreement.signatures.all() if s.discarded_at is None]
    for signature in signatures:
        if signature.method == Signature.Method.WET_INK and signature.scan:
            documents.append(
                Document(
                    key=f"signature-scan:{signature.pk}",
                    title=f"Skannet signatur på papir: {signature.signer_name} ({signature.get_slot_display()})",
                    role="Vedlegg",
                    kind="Signatur",
                    created_at=signature.signed_at,
                    created_by=_name(signature.recorded_by),
                    read=lambda s=signature: _read_file(s.scan),
                    stem=f"avtale-{agreement.pk}-v{agreement.version}-signatur-{signature.slot}",
                )
            )

    def metadata(ids, agreement=agreement, seal=seal, signatures=signatures):
        root = etree.Element(f"{{{N5}}}virksomhetsspesifikkeMetadata", nsmap={"f": OURS})
        sealed = _sub(root, "segl", ns=OURS)
        _ours(
            sealed,
            [
                ("avtaleId", agreement.pk),
                ("versjon", agreement.version),
                ("forseglet", _dt(seal.sealed_at)),
                ("verifikasjonskode", seal.verification_code),
                ("innholdSha256", agreement.content_sha256),
                ("oeyeblikksbildeSha256", seal.snapshot_sha256),
                ("pdfSha256", seal.pdf_sha256),
                ("hmacSha256", seal.hmac_sha256),
                ("hmacAlgoritme", "HMAC-SHA256"),
                ("hmacNoekkelId", seal.hmac_key_id),
                ("saksnummerFylket", agreement.county_case_number),
                ("saksnummerKommunen", agreement.municipality_case_number),
                ("kommune", f"{agreement.municipality.number} {agreement.municipality.name}"),
            ],
        )
        if agreement.amends_id:
            _sub(sealed, "erstatter", ids.get(f"registrering:agreement:{agreement.amends_id}", ""), ns=OURS)
        signed = _sub(sealed, "signaturer", ns=OURS)
        for signature in signatures:
            one = _sub(signed, "signatur", ns=OURS)
            _ours(
                one,
                [
                    ("rolle", signature.get_slot_display()),
                    ("navn", signature.signer_name),
                    ("metode", signature.method),
                    ("metodeBeskrivelse", signature.method_label),
                    ("signert", _dt(signature.signed_at)),
                    ("innholdSha256", signature.content_sha256),
                    ("skannSha256", signature.scan_sha256),
                ],
            )
        return root

    return Registration(
        key=f"agreement:{agreement.pk}",
        title=f"{agreement.title} (versjon {agreement.version})",
        description=f"Avtale med {agreement.municipality.name}, signert og forseglet {timezone.localtime(seal.sealed_at):%d.%m.%Y}.",
        created_at=agreement.created_at,
        created_by=_name(agreement.created_by),
        archived_at=seal.sealed_at,
        documents=documents,
        metadata=metadata,
    )


def _report_registration(report: Report) -> Registration:
    title = f"{report.get_kind_display()} {report.subject_name}, {report.month:%Y-%m} (versjon {report.version})"
    documents = [
        Document(
            key=f"report-pdf:{report.pk}",
            title=title,
            role="Hoveddokument",
            kind="Rapport",
            created_at=report.generated_at,
            created_by=SYSTEM,
            read=lambda r=report: _read_file(r.pdf),
            stem=f"rapport-{report.kind}-{report.subject_key.split(':')[1]}-{report.month:%Y-%m}-v{report.version}-{report.pk}",
        )
    ]

    def metadata(ids, report=report):
        root = etree.Element(f"{{{N5}}}virksomhetsspesifikkeMetadata", nsmap={"f": OURS})
        one = _sub(root, "rapport", ns=OURS)
        _ours(
            one,
            [
                ("rapportId", report.pk),
                ("type", report.kind),
                ("maaned", f"{report.month:%Y-%m}"),
                ("versjon", report.version),
                ("pdfSha256", report.sha256),
                ("saksnummer", report.archive_case_number),
            ],
        )
        return root

    return Registration(
        key=f"report:{report.pk}",
        title=title,
        description=f"Månedsrapport for {report.month:%m.%Y}, laget av Fremdrift.",
        created_at=report.created_at,
        created_by=SYSTEM,
        archived_at=report.generated_at,
        documents=documents,
        metadata=metadata,
    )


def _read(document: Document) -> bytes:
    try:
        return document.read()
    except (OSError, ValueError) as exc:  # a file missing from the store (ValueError: no file at all)
        raise ExtractError(
            _("The document “%(title)s” could not be read: its file is missing from the file store.")
            % {"title": document.title}
        ) from exc


def _read_file(fieldfile) -> bytes:
    with fieldfile.open("rb") as handle:
        return handle.read()


def collect(scope: Scope) -> list[Folder]:
    """The folders of the extract, each with its registrations, in a stable order."""
    agreements = (
        Agreement.objects.filter(county=scope.county, sealed_at__isnull=False)
        .select_related("seal", "municipality", "created_by", "project")
        .prefetch_related("signatures__recorded_by")
        .order_by("project_id", "participant_id", "version", "pk")
    )
    reports = (
        Report.objects.filter(county=scope.county, status=Report.Status.READY, requested_for__isnull=True)
        .select_related("project", "municipality", "county")
        .order_by("month", "kind", "subject_key", "version", "pk")
    )
    months = scope.month_range()
    if scope.project is not None:
        agreements = agreements.filter(project=scope.project)
        reports = reports.filter(project=scope.project)
    else:
        start = timezone.make_aware(datetime.combine(months[0], datetime.min.time()))
        end = timezone.make_aware(datetime.combine(months[1], datetime.min.time()))
        agreements = agreements.filter(sealed_at__gte=start, sealed_at__lt=end)
        reports = reports.filter(month__gte=months[0], month__lt=months[1])
    folders: dict[str, Folder] = {}

    def project_folder(project: Project) -> Folder:
        key = f"project:{project.pk}"
        if key not in folders:
            folders[key] = Folder(
                key=key,
                folder_id=project.case_number or f"FREMDRIFT-P{project.pk}",
                title=project.title,
                description=project.purpose,
                created_at=project.created_at,
                created_by=_name(project.created_by),
                project=project,
            )
        return folders[key]

    if scope.project is not None:
        project_folder(scope.project)
    for agreement in agreements:
        project_folder(agreement.project).registrations.append(_agreement_registration(agreement))
    for report in reports:
        if report.kind == Report.Kind.PROJECT and report.project_id:
            folder = project_folder(report.project)
        else:
            key = f"county-reports:{scope.county.pk}"
            folder = folders.get(key) or folders.setdefault(
                key,
                Folder(
                    key=key,
                    folder_id=f"FREMDRIFT-F{scope.county.number}-RAPPORTER",
                    title=f"Månedsrapporter for {scope.county.name} og kommunene",
                    description="Fylkes- og kommunerapporter.",
                    created_at=report.created_at,
                    created_by=SYSTEM,
                ),
            )
        folder.registrations.append(_report_registration(report))
    return sorted(folders.values(), key=lambda f: (f.project is None, f.project.pk if f.project else 0))


# --------------------------------------------------------------------------- ids


def system_ids(keys: list[str]) -> dict[str, str]:
    """{key: systemID}, making the missing ones (once: a concurrent extract gets the same)."""
    known = dict(SystemId.objects.filter(key__in=keys).values_list("key", "system_id"))
    missing = [key for key in keys if key not in known]
    if missing:
        SystemId.objects.bulk_create([SystemId(key=key) for key in missing], ignore_conflicts=True)
        known = dict(SystemId.objects.filter(key__in=keys).values_list("key", "system_id"))
    return {key: str(value) for key, value in known.items()}


def _keys(scope: Scope, folders: list[Folder]) -> list[str]:
    keys = [f"arkiv:county:{scope.county.pk}", f"arkivdel:county:{scope.county.pk}"]
    for folder in folders:
        keys.append(f"mappe:{folder.key}")
        for registration in folder.registrations:
            keys.append(f"registrering:{registration.key}")
            for document in registration.documents:
                keys += [f"dokumentbeskrivelse:{document.key}", f"dokumentobjekt:{document.key}"]
    # An amendment names the version it replaced, which may lie outside the period.
    keys += [
        f"registrering:agreement:{pk}"
        for pk in Agreement.objects.filter(county=scope.county, amendments__sealed_at__isnull=False).values_list(
            "pk", flat=True
        )
    ]
    return keys


# ----------------------------------------------------------------------- XML helpers


def _dt(value) -> str:
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def _sub(parent, name, text=None, *, ns=N5, attrib=None):
    element = etree.SubElement(parent, f"{{{ns}}}{name}", attrib=attrib or {})
    if text is not None:
        element.text = str(text)
    return element


def _ours(parent, pairs) -> None:
    """Our own metadata: one element per (name, value), leaving out the empty ones."""
    for name, value in pairs:
        if value not in ("", None):
            _sub(parent, name, value, ns=OURS)


def _bytes(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# --------------------------------------------------------------------- the extract


@dataclass
class Built:
    files: dict[str, bytes]  # path inside the extract -> bytes, in writing order
    counts: dict[str, int]


def build(
    scope: Scope,
    *,
    progress: Callable[[int], None] = lambda percent: None,
    sink: Callable[[str, bytes], None] | None = None,
) -> Built:
    """Every file of the extract (names relative to its folder). Reads each document once and hands it
    to `sink` as soon as it is described (so a county's year is never all in memory), or keeps it in
    the result when there is no sink."""
    now = timezone.now()
    folders = collect(scope)
    ids = system_ids(_keys(scope, folders))
    total_documents = sum(len(r.documents) for f in folders for r in f.registrations) or 1
    done = 0
    files: dict[str, bytes] = {}
    document_files: dict[str, bytes] = {}
    documents_written = 0
    county = scope.county
    creator_id = county.archive_creator_id or f"fylke-{county.number}"
    creator_name = county.archive_creator_name or county.name

    arkiv = etree.Element(f"{{{N5}}}arkiv", nsmap={None: N5, "xsi": XSI})
    arkiv.set(f"{{{XSI}}}schemaLocation", f"{N5} arkivstruktur.xsd")
    _sub(arkiv, "systemID", ids[f"arkiv:county:{county.pk}"])
    _sub(arkiv, "tittel", f"Fremdrift: utviklingsprosjekter, {county.name}")
    _sub(arkiv, "beskrivelse", scope.description + " " + NO_JOURNAL)
    _sub(arkiv, "arkivstatus", "Avsluttet")
    _sub(arkiv, "dokumentmedium", "Elektronisk arkiv")
    _sub(arkiv, "opprettetDato", _dt(now))
    _sub(arkiv, "opprettetAv", SYSTEM)
    _sub(arkiv, "avsluttetDato", _dt(now))
    _sub(arkiv, "avsluttetAv", SYSTEM)
    creator = _sub(arkiv, "arkivskaper")
    _sub(creator, "arkivskaperID", creator_id)
    _sub(creator, "arkivskaperNavn", creator_name)
    part = _sub(arkiv, "arkivdel")
    _sub(part, "systemID", ids[f"arkivdel:county:{county.pk}"])
    _sub(part, "tittel", "Utviklingsprosjekter med kommunene")
    _sub(part, "beskrivelse", "Avtaler og månedsrapporter fra Fremdrift.")
    _sub(part, "arkivdelstatus", "Avsluttet periode")
    _sub(part, "dokumentmedium", "Elektronisk arkiv")
    _sub(part, "opprettetDato", _dt(now))
    _sub(part, "opprettetAv", SYSTEM)
    _sub(part, "avsluttetDato", _dt(now))
    _sub(part, "avsluttetAv", SYSTEM)
    if scope.project is None:
        _sub(part, "arkivperiodeStartDato", _dt(scope.first_month))
        _sub(part, "arkivperiodeSluttDato", _dt(scope.last_day))
    registrations = 0
    for folder in folders:
        mappe = _sub(part, "mappe")
        _sub(mappe, "systemID", ids[f"mappe:{folder.key}"])
        _sub(mappe, "mappeID", folder.folder_id)
        _sub(mappe, "tittel", folder.title)
        if folder.description:
            _sub(mappe, "beskrivelse", folder.description)
        _sub(mappe, "dokumentmedium", "Elektronisk arkiv")
        _sub(mappe, "opprettetDato", _dt(folder.created_at))
        _sub(mappe, "opprettetAv", folder.created_by)
        _sub(mappe, "avsluttetDato", _dt(now))
        _sub(mappe, "avsluttetAv", SYSTEM)
        if folder.project is not None:
            project = folder.project
            extra = _sub(mappe, "virksomhetsspesifikkeMetadata")
            info = etree.SubElement(extra, f"{{{OURS}}}prosjekt", nsmap={"f": OURS})
            _ours(
                info,
                [
                    ("prosjektId", project.pk),
                    ("saksnummer", project.case_number),
                    ("status", project.status),
                    ("start", _dt(project.start_on)),
                    ("slutt", _dt(project.end_on)),
                ],
            )
        for registration in folder.registrations:
            registrations += 1
            element = _sub(mappe, "registrering")
            _sub(element, "systemID", ids[f"registrering:{registration.key}"])
            _sub(element, "opprettetDato", _dt(registration.created_at))
            _sub(element, "opprettetAv", registration.created_by)
            _sub(element, "arkivertDato", _dt(registration.archived_at))
            _sub(element, "arkivertAv", SYSTEM)
            for number, document in enumerate(registration.documents, start=1):
                data = _read(document)
                kind: FileFormat = detect(data)
                path = f"dokumenter/{document.stem}.{kind.extension}"
                if sink is None:
                    document_files[path] = data
                else:
                    sink(path, data)
                documents_written += 1
                description = _sub(element, "dokumentbeskrivelse")
                _sub(description, "systemID", ids[f"dokumentbeskrivelse:{document.key}"])
                _sub(description, "dokumenttype", document.kind)
                _sub(description, "dokumentstatus", "Dokumentet er ferdigstilt")
                _sub(description, "tittel", document.title)
                _sub(description, "opprettetDato", _dt(document.created_at))
                _sub(description, "opprettetAv", document.created_by)
                _sub(description, "dokumentmedium", "Elektronisk arkiv")
                _sub(description, "tilknyttetRegistreringSom", document.role)
                _sub(description, "dokumentnummer", number)
                _sub(description, "tilknyttetDato", _dt(registration.archived_at))
                _sub(description, "tilknyttetAv", SYSTEM)
                obj = _sub(description, "dokumentobjekt")
                _sub(obj, "systemID", ids[f"dokumentobjekt:{document.key}"])
                _sub(obj, "versjonsnummer", 1)
                _sub(obj, "variantformat", "Arkivformat" if kind.is_archival else "Produksjonsformat")
                _sub(obj, "format", kind.pronom)
                _sub(obj, "formatDetaljer", kind.details)
                _sub(obj, "opprettetDato", _dt(document.created_at))
                _sub(obj, "opprettetAv", document.created_by)
                _sub(obj, "referanseDokumentfil", path)
                _sub(obj, "sjekksum", hashlib.sha256(data).hexdigest())
                _sub(obj, "sjekksumAlgoritme", "SHA-256")
                _sub(obj, "filstoerrelse", len(data))
                done += 1
                progress(int(90 * done / total_documents))
            _sub(element, "tittel", registration.title)
            _sub(element, "beskrivelse", registration.description)
            _sub(element, "forfatter", creator_name)
            _sub(element, "dokumentmedium", "Elektronisk arkiv")
            element.append(registration.metadata(ids))

    files["arkivstruktur.xml"] = _bytes(arkiv)
    files["endringslogg.xml"] = _bytes(_change_log(scope, folders, ids, now))
    for name in SCHEMAS:
        files[name] = (SCHEMA_DIR / name).read_bytes()
    counts = {"mappe": len(folders), "registrering": registrations, "dokumentobjekt": documents_written}
    files["arkivuttrekk.xml"] = _bytes(_addml(scope, files, counts, creator_name, now))
    files.update(document_files)
    progress(95)
    return Built(files=files, counts=counts)


def _change_log(scope: Scope, folders: list[Folder], ids: dict, now) -> etree._Element:
    """What changed in what the extract describes: a project's case number (mappeID) and title, an
    agreement version superseded by a sealed amendment. Never empty (the schema wants one endring):
    the extract itself closes the archive, so its status change is the first entry."""
    root = etree.Element(f"{{{N5_LOG}}}endringslogg", nsmap={None: N5_LOG, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{N5_LOG} endringslogg.xsd")

    def change(system_id, metadata, at, by, before, after):
        entry = _sub(root, "endring", ns=N5_LOG)
        for name, value in [
            ("referanseArkivenhet", system_id),
            ("referanseMetadata", metadata),
            ("endretDato", _dt(at)),
            ("endretAv", by),
            ("tidligereVerdi", before or "(tom)"),
            ("nyVerdi", after or "(tom)"),
        ]:
            _sub(entry, name, value, ns=N5_LOG)

    change(ids[f"arkiv:county:{scope.county.pk}"], "M050 arkivstatus", now, SYSTEM, "Opprettet", "Avsluttet")
    for folder in folders:
        if folder.project is None:
            continue
        records = list(folder.project.history.order_by("history_date", "history_id").select_related("history_user"))
        for before, after in pairwise(records):
            by = _name(after.history_user)
            if before.case_number != after.case_number:
                change(
                    ids[f"mappe:{folder.key}"],
                    "M003 mappeID",
                    after.history_date,
                    by,
                    before.case_number or f"FREMDRIFT-P{folder.project.pk}",
                    after.case_number or f"FREMDRIFT-P{folder.project.pk}",
                )
            if before.title != after.title:
                change(ids[f"mappe:{folder.key}"], "M020 tittel", after.history_date, by, before.title, after.title)
        agreements = [int(r.key.split(":")[1]) for r in folder.registrations if r.key.startswith("agreement:")]
        replaced = {}
        for amendment in (
            Agreement.objects.filter(amends_id__in=agreements, sealed_at__isnull=False)
            .select_related("created_by")
            .order_by("-sealed_at")
        ):
            replaced[amendment.amends_id] = amendment  # the first sealed amendment wins
        for registration in folder.registrations:
            amendment = (
                replaced.get(int(registration.key.split(":")[1])) if registration.key.startswith("agreement:") else None
            )
            if amendment is not None:
                change(
                    ids[f"registrering:{registration.key}"],
                    "virksomhetsspesifikkeMetadata/gjeldende",
                    amendment.sealed_at,
                    _name(amendment.created_by),
                    "Gjeldende",
                    f"Erstattet av versjon {amendment.version}",
                )
    return root


def _addml(scope: Scope, files: dict, counts: dict, creator_name: str, now) -> etree._Element:
    """arkivuttrekk.xml: the description of the extract (ADDML 8.3, as Arkade reads a Noark 5 extract)."""
    root = etree.Element(f"{{{ADDML}}}addml", nsmap={None: ADDML, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{ADDML} addml.xsd")
    dataset = _sub(root, "dataset", ns=ADDML)
    _sub(dataset, "description", scope.description + " " + NO_JOURNAL, ns=ADDML)
    reference = _sub(dataset, "reference", ns=ADDML)

    def elements(parent, items):
        container = _sub(parent, "additionalElements", ns=ADDML)
        for name, value in items:
            element = _sub(container, "additionalElement", ns=ADDML, attrib={"name": name})
            if isinstance(value, list):
                elements(element, value)
            else:
                _sub(element, "value", value, ns=ADDML)
        return container

    context = _sub(reference, "context", ns=ADDML)
    elements(
        context,
        [
            ("recordCreators", [("recordCreator", creator_name)]),
            ("archivist", SYSTEM),
            ("systemName", SYSTEM),
            ("systemType", "Noark5"),
            ("deliveryDate", _dt(now)),
        ],
    )
    content = _sub(reference, "content", ns=ADDML)
    months = scope.month_range()
    period = [("startDate", _dt(months[0])), ("endDate", _dt(scope.last_day))] if months else []
    elements(
        content,
        [
            ("archivalPeriod", period or "Hele prosjektet"),
            (
                "journal",
                "Ingen: Fremdrift fører ingen journal, så uttrekket har ikke loependeJournal.xml eller offentligJournal.xml.",
            ),
        ],
    )

    def prop(parent, name, value=None, children=()):
        element = _sub(parent, "property", ns=ADDML, attrib={"name": name})
        if value is not None:
            _sub(element, "value", value, ns=ADDML)
        if children:
            holder = _sub(element, "properties", ns=ADDML)
            for child in children:
                prop(holder, *child)
        return element

    def checksum(data):
        return ("checksum", None, [("algorithm", "SHA-256"), ("value", hashlib.sha256(data).hexdigest())])

    objects = _sub(dataset, "dataObjects", ns=ADDML)
    extract = _sub(objects, "dataObject", ns=ADDML, attrib={"name": "Noark 5 arkivuttrekk"})
    properties = _sub(extract, "properties", ns=ADDML)
    prop(properties, "info", children=[("type", "Noark5"), ("version", "v5.0"), ("additionalInfo", NO_JOURNAL)])
    inner = _sub(extract, "dataObjects", ns=ADDML)
    for name, schema, occurrences in [
        (
            "arkivstruktur",
            "arkivstruktur.xsd",
            [
                ("mappe", counts["mappe"]),
                ("registrering", counts["registrering"]),
                ("dokumentobjekt", counts["dokumentobjekt"]),
            ],
        ),
        ("endringslogg", "endringslogg.xsd", []),
    ]:
        data_object = _sub(inner, "dataObject", ns=ADDML, attrib={"name": name})
        holder = _sub(data_object, "properties", ns=ADDML)
        prop(
            holder,
            "file",
            children=[
                ("name", f"{name}.xml"),
                ("type", "XML"),
                checksum(files[f"{name}.xml"]),
                ("schema", None, [("name", schema), ("type", "XSD"), checksum(files[schema])]),
            ],
        )
        for element, count in occurrences:
            prop(holder, "numberOfOccurrences", None, [("elementName", element), ("value", count)])
    documents = _sub(inner, "dataObject", ns=ADDML, attrib={"name": "dokumenter"})
    holder = _sub(documents, "properties", ns=ADDML)
    prop(holder, "numberOfDocuments", counts["dokumentobjekt"])
    for schema in ["metadatakatalog.xsd", "addml.xsd"]:
        data_object = _sub(inner, "dataObject", ns=ADDML, attrib={"name": schema.removesuffix(".xsd")})
        holder = _sub(data_object, "properties", ns=ADDML)
        prop(holder, "file", children=[("name", schema), ("type", "XSD"), checksum(files[schema])])
    return root


def _add(tar, name: str, data: bytes | None, mtime: int) -> None:
    info = tarfile.TarInfo(name)
    info.mtime = mtime
    if data is None:
        info.type, info.mode = tarfile.DIRTYPE, 0o755
        tar.addfile(info)
    else:
        info.size, info.mode = len(data), 0o644
        tar.addfile(info, io.BytesIO(data))


def write_extract(scope: Scope, fileobj, *, root: str, progress: Callable[[int], None] = lambda percent: None) -> Built:
    """The extract as an uncompressed tar with everything under `root/` (the extract's UUID): each
    document as it is read, then the XML files and the schemas."""
    mtime = int(time.time())
    with tarfile.open(fileobj=fileobj, mode="w", format=tarfile.PAX_FORMAT) as tar:
        _add(tar, root, None, mtime)
        _add(tar, f"{root}/dokumenter", None, mtime)
        built = build(scope, progress=progress, sink=lambda path, data: _add(tar, f"{root}/{path}", data, mtime))
        for name, data in built.files.items():
            _add(tar, f"{root}/{name}", data, mtime)
    return built
