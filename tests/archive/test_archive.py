"""Noark 5 extracts: what an archive system (and the National Archives' schemas) would find in the .tar."""

import hashlib
import io
import re
import tarfile
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from lxml import etree

from archive.extract import ADDML, N5, N5_LOG, OURS, SCHEMA_DIR, SCHEMAS
from archive.models import ArchiveExport
from archive.services import order_export
from projects import services as project_services

from .conftest import SCAN, make_report

pytestmark = pytest.mark.django_db
NS = {"n5": N5, "f": OURS, "log": N5_LOG, "a": ADDML}


def read_tar(data: bytes) -> tuple[str, dict[str, bytes]]:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tar:
        members = tar.getmembers()
        root = members[0].name
        return root, {m.name.removeprefix(root + "/"): tar.extractfile(m).read() for m in members if m.isfile()}


def make_extract(county_staff, django_capture_on_commit_callbacks, **scope) -> tuple[ArchiveExport, dict[str, bytes]]:
    """An extract ordered as county staff do, made by its task (in-process here)."""
    with django_capture_on_commit_callbacks(execute=True):
        export = order_export(by=county_staff, **scope)
    export.refresh_from_db()
    assert export.status == ArchiveExport.Status.READY, export.error
    data = export.file.open("rb").read()
    assert hashlib.sha256(data).hexdigest() == export.sha256
    return export, read_tar(data)[1]


def structure(files) -> etree._Element:
    return etree.fromstring(files["arkivstruktur.xml"])


def objects(files) -> dict[str, dict]:
    """{referanseDokumentfil: the dokumentobjekt's fields}."""
    found = {}
    for obj in structure(files).iterfind(".//n5:dokumentobjekt", NS):
        fields = {etree.QName(child).localname: child.text for child in obj}
        found[fields["referanseDokumentfil"]] = fields
    return found


def system_ids(files) -> dict[str, str]:
    """{title or file of the element: systemID} for every element that has one."""
    ids = {}
    for element in structure(files).iter():
        system_id = element.find("n5:systemID", NS)
        if system_id is not None:
            label = element.findtext("n5:referanseDokumentfil", namespaces=NS) or element.findtext(
                "n5:tittel", namespaces=NS
            )
            ids[f"{etree.QName(element).localname}:{label}"] = system_id.text
    return ids


def test_every_xml_file_of_the_extract_is_valid_against_the_national_archives_schemas(
    archive_world, county, county_staff, django_capture_on_commit_callbacks
):
    export, files = make_extract(
        county_staff, django_capture_on_commit_callbacks, county=county, project=archive_world["project"]
    )
    for xml, xsd in [
        ("arkivstruktur.xml", "arkivstruktur.xsd"),
        ("endringslogg.xml", "endringslogg.xsd"),
        ("arkivuttrekk.xml", "addml.xsd"),
    ]:
        schema = etree.XMLSchema(etree.parse(str(SCHEMA_DIR / xsd)))
        document = etree.fromstring(files[xml])
        assert schema.validate(document), (xml, [str(error) for error in schema.error_log])
    # The schemas travel with the extract, unchanged; there are no journal files, and the description says why.
    for name in SCHEMAS:
        assert files[name] == (SCHEMA_DIR / name).read_bytes()
    assert not {"loependeJournal.xml", "offentligJournal.xml"} & set(files)
    description = etree.fromstring(files["arkivuttrekk.xml"]).findtext("a:dataset/a:description", namespaces=NS)
    assert "Fremdrift fører ingen journal" in description
    tree = structure(files)
    assert tree.findtext("n5:arkivskaper/n5:arkivskaperID", namespaces=NS) == "817920632"
    assert tree.findtext("n5:arkivskaper/n5:arkivskaperNavn", namespaces=NS) == "Troms fylkeskommune"
    folder = tree.find("n5:arkivdel/n5:mappe", NS)
    assert folder.findtext("n5:mappeID", namespaces=NS) == "2026/123"
    assert [r.findtext("n5:tittel", namespaces=NS) for r in folder.iterfind("n5:registrering", NS)] == [
        f"{archive_world['sealed'].title} (versjon 1)",
        "Prosjektrapport Nye bibliotekrom, 2026-10 (versjon 1)",
    ]
    assert export.counts == {"mappe": 1, "registrering": 2, "dokumentobjekt": 3}


def test_every_sjekksum_matches_its_file_and_the_addml_checksums_match_the_xml_files(
    archive_world, county, county_staff, django_capture_on_commit_callbacks
):
    _export, files = make_extract(
        county_staff, django_capture_on_commit_callbacks, county=county, project=archive_world["project"]
    )
    described = objects(files)
    assert set(described) == {name for name in files if name.startswith("dokumenter/")}
    for name, fields in described.items():
        assert fields["sjekksumAlgoritme"] == "SHA-256"
        assert fields["sjekksum"] == hashlib.sha256(files[name]).hexdigest(), name
        assert int(fields["filstoerrelse"]) == len(files[name])
    addml = etree.fromstring(files["arkivuttrekk.xml"])
    named = {}
    for prop in addml.iterfind(".//a:property[@name='file']", NS):
        named[prop.findtext("a:properties/a:property[@name='name']/a:value", namespaces=NS)] = prop.findtext(
            "a:properties/a:property[@name='checksum']/a:properties/a:property[@name='value']/a:value", namespaces=NS
        )
    assert named["arkivstruktur.xml"] == hashlib.sha256(files["arkivstruktur.xml"]).hexdigest()
    assert named["endringslogg.xml"] == hashlib.sha256(files["endringslogg.xml"]).hexdigest()


def test_the_stored_sealed_pdf_is_in_the_extract_byte_for_byte_and_declared_pdfa_2a(
    rendered_world, county, county_staff, django_capture_on_commit_callbacks
):
    sealed = rendered_world["sealed"]
    _export, files = make_extract(
        county_staff, django_capture_on_commit_callbacks, county=county, project=rendered_world["project"]
    )
    pdf = files[f"dokumenter/avtale-{sealed.pk}-v1.pdf"]
    assert pdf == bytes(sealed.seal.pdf)
    assert hashlib.sha256(pdf).hexdigest() == sealed.seal.pdf_sha256
    declared = objects(files)[f"dokumenter/avtale-{sealed.pk}-v1.pdf"]
    assert (declared["format"], declared["formatDetaljer"], declared["variantformat"]) == (
        "fmt/476",
        "PDF/A-2a",
        "Arkivformat",
    )
    # The paper signature as it was scanned, declared as what it is (a plain PDF 1.4, not an archival format).
    scan_name = f"dokumenter/avtale-{sealed.pk}-v1-signatur-chief_executive.pdf"
    assert files[scan_name] == SCAN
    scan = objects(files)[scan_name]
    assert (scan["format"], scan["formatDetaljer"], scan["variantformat"]) == ("fmt/18", "PDF 1.4", "Produksjonsformat")


def test_each_agreement_registrering_records_the_seal(
    archive_world, county, county_staff, django_capture_on_commit_callbacks
):
    sealed = archive_world["sealed"]
    _export, files = make_extract(
        county_staff, django_capture_on_commit_callbacks, county=county, project=archive_world["project"]
    )
    seal = structure(files).find(".//n5:registrering/n5:virksomhetsspesifikkeMetadata/f:segl", NS)
    assert seal.findtext("f:hmacNoekkelId", namespaces=NS) == sealed.seal.hmac_key_id
    assert seal.findtext("f:hmacSha256", namespaces=NS) == sealed.seal.hmac_sha256
    assert seal.findtext("f:pdfSha256", namespaces=NS) == sealed.seal.pdf_sha256
    assert seal.findtext("f:oeyeblikksbildeSha256", namespaces=NS) == sealed.seal.snapshot_sha256
    assert seal.findtext("f:verifikasjonskode", namespaces=NS) == sealed.seal.verification_code
    signatures = [
        (s.findtext("f:navn", namespaces=NS), s.findtext("f:metode", namespaces=NS))
        for s in seal.iterfind("f:signaturer/f:signatur", NS)
    ]
    assert signatures == [("Fredrik Fylke", "password"), ("Ingrid Sjef", "password"), ("Per Rådmann", "wet_ink")]
    assert (
        seal.findtext("f:signaturer/f:signatur[f:metode='wet_ink']/f:skannSha256", namespaces=NS)
        == hashlib.sha256(SCAN).hexdigest()
    )


def test_two_extracts_give_the_same_ids_and_checksums_and_a_new_report_adds_a_registrering(
    archive_world, county, county_staff, django_capture_on_commit_callbacks
):
    project = archive_world["project"]
    _first, before = make_extract(county_staff, django_capture_on_commit_callbacks, county=county, project=project)
    _second, again = make_extract(county_staff, django_capture_on_commit_callbacks, county=county, project=project)
    assert system_ids(again) == system_ids(before)
    assert {name: fields["sjekksum"] for name, fields in objects(again).items()} == {
        name: fields["sjekksum"] for name, fields in objects(before).items()
    }
    assert len(set(system_ids(before).values())) == len(system_ids(before))  # every element its own id

    make_report(project, date(2026, 11, 1))
    _third, after = make_extract(county_staff, django_capture_on_commit_callbacks, county=county, project=project)
    new = {key: value for key, value in system_ids(after).items() if key not in system_ids(before)}
    assert set(system_ids(before).items()) <= set(system_ids(after).items())  # nothing already there changed id
    assert sorted(key.split(":")[0] for key in new) == ["dokumentbeskrivelse", "dokumentobjekt", "registrering"]
    assert len(structure(after).findall(".//n5:registrering", NS)) == 3


def test_the_change_log_records_a_new_case_number(
    archive_world, county, county_staff, django_capture_on_commit_callbacks
):
    project = archive_world["project"]
    project_services.update_project(project=project, by=county_staff, case_number="2026/456")
    _export, files = make_extract(county_staff, django_capture_on_commit_callbacks, county=county, project=project)
    log = etree.fromstring(files["endringslogg.xml"])
    changes = [
        (
            e.findtext("log:referanseMetadata", namespaces=NS),
            e.findtext("log:tidligereVerdi", namespaces=NS),
            e.findtext("log:nyVerdi", namespaces=NS),
            e.findtext("log:referanseArkivenhet", namespaces=NS),
        )
        for e in log.iterfind("log:endring", NS)
    ]
    folder_id = structure(files).findtext("n5:arkivdel/n5:mappe/n5:systemID", namespaces=NS)
    assert ("M003 mappeID", "2026/123", "2026/456", folder_id) in changes


def test_a_document_changed_by_one_byte_fails_verify_archive_naming_it(archive_world, county, tmp_path, capsys):
    path = tmp_path / "prosjekt.tar"
    call_command("export_archive", "--project", str(archive_world["project"].pk), "--out", str(path))
    call_command("verify_archive", str(path))
    assert "the extract is sound" in capsys.readouterr().out

    root, files = read_tar(path.read_bytes())
    name = next(name for name in files if name.startswith("dokumenter/rapport-"))
    files[name] = files[name][:-2] + bytes([files[name][-2] ^ 1]) + files[name][-1:]
    tampered = tmp_path / "endret.tar"
    with tarfile.open(tampered, "w") as tar:
        for member, data in files.items():
            info = tarfile.TarInfo(f"{root}/{member}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    with pytest.raises(CommandError) as failure:
        call_command("verify_archive", str(tampered))
    assert failure.value.returncode == 1
    assert f"{name}: its SHA-256 is not the sjekksum in arkivstruktur.xml" in capsys.readouterr().err


def test_the_county_period_extract_holds_what_was_sealed_or_reported_in_those_months(archive_world, county, tmp_path):
    sealed_month = archive_world["sealed"].sealed_at.date().replace(day=1)
    first = min(sealed_month, date(2026, 10, 1))
    path = tmp_path / "fylke.tar"
    call_command(
        "export_archive",
        "--county",
        "55",
        "--from",
        f"{first:%Y-%m}",
        "--to",
        f"{max(sealed_month, first):%Y-%m}",
        "--out",
        str(path),
    )
    call_command("verify_archive", str(path))
    files = read_tar(path.read_bytes())[1]
    assert len(structure(files).findall(".//n5:registrering", NS)) == 2
    assert structure(files).findtext("n5:arkivdel/n5:arkivperiodeStartDato", namespaces=NS) == f"{first:%Y-%m}-01"
    # A period before anything was sealed or reported: a valid extract with no registrering.
    empty = tmp_path / "tomt.tar"
    call_command("export_archive", "--county", "55", "--from", "2020-01", "--to", "2020-12", "--out", str(empty))
    call_command("verify_archive", str(empty))
    assert structure(read_tar(empty.read_bytes())[1]).findall(".//n5:registrering", NS) == []


def test_county_staff_order_follow_and_download_an_extract(
    archive_world, county, county_staff, client, django_capture_on_commit_callbacks
):
    client.force_login(county_staff)
    url = reverse("archive:export-list", kwargs={"number": county.number})
    page = client.get(url).content.decode()
    assert "Nye bibliotekrom" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"scope": "project", "project": archive_world["project"].pk})
    export = ArchiveExport.objects.get()
    assert response.status_code == 302 and response.url == export.get_absolute_url()
    page = client.get(export.get_absolute_url()).content.decode()
    export.refresh_from_db()
    assert "1 mappe, 2 registreringer, 3 dokumenter" in re.sub(r"\s+", " ", page)
    assert export.sha256 in page
    download = client.get(reverse("archive:export-download", kwargs={"pk": export.pk}))
    data = b"".join(download.streaming_content)
    assert hashlib.sha256(data).hexdigest() == export.sha256
    assert download["Content-Disposition"].startswith('attachment; filename="noark5-prosjekt-')
    # A period with the last month before the first is refused on the form, and nothing is ordered.
    response = client.post(url, {"scope": "period", "period_from": "2026-05", "period_to": "2026-01"})
    assert response.status_code == 400
    assert ArchiveExport.objects.count() == 1


def test_the_case_number_and_the_archive_creator_are_in_their_forms(archive_world, county, county_admin, client):
    client.force_login(county_admin)
    project_form = client.get(
        reverse("projects:project-edit", kwargs={"pk": archive_world["project"].pk})
    ).content.decode()
    assert 'name="case_number"' in project_form and 'value="2026/123"' in project_form
    project_page = client.get(archive_world["project"].get_absolute_url()).content.decode()
    assert re.search(r"Saksnummer</dt>\s*<dd[^>]*>2026/123</dd>", project_page)
    settings_page = client.get(
        reverse("municipalities:county-settings", kwargs={"number": county.number})
    ).content.decode()
    assert 'value="817920632"' in settings_page and 'value="Troms fylkeskommune"' in settings_page


def test_making_an_extract_twice_makes_it_once_and_a_missing_document_fails_it_on_its_page(
    archive_world, county, county_staff, client, django_capture_on_commit_callbacks
):
    from archive.services import make_export

    export, _files = make_extract(
        county_staff, django_capture_on_commit_callbacks, county=county, project=archive_world["project"]
    )
    name, sha256 = export.file.name, export.sha256
    make_export(export_id=export.pk)  # a redelivered task
    export.refresh_from_db()
    assert (export.file.name, export.sha256) == (name, sha256)

    archive_world["report"].pdf.storage.delete(archive_world["report"].pdf.name)
    with django_capture_on_commit_callbacks(execute=True):
        broken = order_export(by=county_staff, county=county, project=archive_world["project"])
    broken.refresh_from_db()
    assert broken.status == ArchiveExport.Status.FAILED and not broken.file
    client.force_login(county_staff)
    assert "Uttrekket kunne ikke lages." in client.get(broken.get_absolute_url()).content.decode()
