import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from municipalities.models import Municipality
from municipalities.services import MunicipalityImportError, import_municipalities

pytestmark = pytest.mark.django_db

SSB_HEADER = '"code";"parentCode";"level";"name";"shortName";"validFrom";"validTo";"notes"\r\n'
SSB_ROWS = (
    '"5501";"";"";"Tromsø";"";"";"";""\r\n'
    '"5518";"";"";"Loabák - Lavangen";"";"";"";""\r\n'
    '"5540";"";"";"Gáivuotna - Kåfjord - Kaivuono";"";"";"";""\r\n'
)


def _names():
    return dict(Municipality.objects.values_list("number", "name"))


def test_imports_utf8_with_quotes(county):
    result = import_municipalities(county=county, data=(SSB_HEADER + SSB_ROWS).encode("utf-8"))
    assert len(result.created) == 3
    assert _names()["5540"] == "Gáivuotna - Kåfjord - Kaivuono"


def test_imports_utf8_with_bom(county):
    import_municipalities(county=county, data=b"\xef\xbb\xbf" + (SSB_HEADER + SSB_ROWS).encode("utf-8"))
    assert _names()["5518"] == "Loabák - Lavangen"


def test_imports_windows_1252(county):
    data = "code;name\n5501;Tromsø\n5524;Målselv\n5518;Loabák - Lavangen\n".encode("cp1252")
    import_municipalities(county=county, data=data)
    assert _names() == {"5501": "Tromsø", "5524": "Målselv", "5518": "Loabák - Lavangen"}


def test_reimport_updates_names_and_never_duplicates(county):
    import_municipalities(county=county, data="code;name\n5501;Tromsø\n5518;Lavangen\n".encode())
    result = import_municipalities(county=county, data=(SSB_HEADER + SSB_ROWS).encode())
    assert [m.number for m in result.updated] == ["5518"]
    assert [m.number for m in result.unchanged] == ["5501"]
    assert [m.number for m in result.created] == ["5540"]
    assert Municipality.objects.count() == 3
    again = import_municipalities(county=county, data=(SSB_HEADER + SSB_ROWS).encode())
    assert (len(again.created), len(again.updated), len(again.unchanged)) == (0, 0, 3)


def test_reimport_keeps_everything_but_the_name(county):
    Municipality.objects.create(number="5501", name="Tromsø kommune", county=county, population=78745, region="R")
    import_municipalities(county=county, data=b"code;name\n5501;Troms\xc3\xb8\n")
    municipality = Municipality.objects.get(number="5501")
    assert (municipality.name, municipality.population, municipality.region) == ("Tromsø", 78745, "R")


@pytest.mark.parametrize(
    "content, line, fragment",
    [
        ("code;name\n5501;Tromsø\n;Mangler\n", 3, "kommunenummeret mangler"),
        ("code;name\n5501;Tromsø\n551;Kort\n", 3, "ikke et firesifret kommunenummer"),
        ("code;name\n5501;Tromsø\nabcd;Bokstaver\n", 3, "ikke et firesifret kommunenummer"),
        ("code;name\n5501;Tromsø\n5501;Tromsø igjen\n", 3, "står to ganger"),
        ("code;name\n5501;Tromsø\n5503;\n", 3, "navnet på 5503 mangler"),
        ("kode;navn\n5501;Tromsø\n", 1, "mangler kolonnen(e): code, name"),
        ("", 1, "Filen er tom"),
    ],
)
def test_a_bad_row_is_reported_and_nothing_is_written(county, content, line, fragment):
    with pytest.raises(MunicipalityImportError) as error:
        import_municipalities(county=county, data=content.encode())
    assert error.value.errors[0].line == line
    assert fragment in str(error.value.errors[0])
    assert Municipality.objects.count() == 0


def test_every_bad_row_is_listed(county):
    with pytest.raises(MunicipalityImportError) as error:
        import_municipalities(county=county, data=b"code;name\n551;A\n55x1;B\n5501;C\n;D\n")
    assert [e.line for e in error.value.errors] == [2, 3, 5]


def test_command_imports_and_reports(county, tmp_path, capsys):
    path = tmp_path / "kommuner.csv"
    path.write_bytes((SSB_HEADER + SSB_ROWS).encode())
    call_command("import_municipalities", str(path), "--county", "55")
    assert "3 created, 0 updated, 0 unchanged" in capsys.readouterr().out


def test_command_refuses_a_bad_file_with_line_numbers(county, tmp_path, capsys):
    path = tmp_path / "kommuner.csv"
    path.write_bytes(b"code;name\n5501;Troms\xc3\xb8\n551;X\n")
    with pytest.raises(CommandError):
        call_command("import_municipalities", str(path), "--county", "55")
    assert "Linje 3" in capsys.readouterr().err
    assert Municipality.objects.count() == 0


def test_upload_form_imports_for_the_county_administrator(client, county_admin):
    client.force_login(county_admin)
    upload = SimpleUploadedFile("kommuner.csv", (SSB_HEADER + SSB_ROWS).encode("utf-8-sig"), content_type="text/csv")
    response = client.post(reverse("municipalities:municipality-import", kwargs={"number": "55"}), {"file": upload})
    assert response.status_code == 200
    assert "Listen er importert" in response.content.decode()
    assert Municipality.objects.count() == 3


def test_upload_form_lists_bad_lines_and_writes_nothing(client, county_admin):
    client.force_login(county_admin)
    upload = SimpleUploadedFile("kommuner.csv", b"code;name\n5501;Troms\xc3\xb8\n551;Kort\n", content_type="text/csv")
    response = client.post(reverse("municipalities:municipality-import", kwargs={"number": "55"}), {"file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Linje 3: «551» er ikke et firesifret kommunenummer." in html
    assert response.context["form"].errors["file"]
    assert Municipality.objects.count() == 0


# ---------------------------------------------------------------- SSB's files as they come


def _ssb_row(code, name, parent="", level="2"):
    return f'"{code}";"{parent}";"{level}";"{name}";"";"2024-01-01";"";""\r\n'


COUNTRY = {  # county -> its municipalities (a few of each)
    ("03", "Oslo"): [("0301", "Oslo")],
    ("18", "Nordland"): [("1804", "Bodø"), ("1806", "Narvik")],
    ("55", "Troms"): [("5501", "Tromsø"), ("5518", "Loabák - Lavangen"), ("5540", "Gáivuotna - Kåfjord - Kaivuono")],
    ("56", "Finnmark"): [("5601", "Alta"), ("5603", "Hammerfest"), ("5636", "Unjárga - Nesseby")],
}


def _country_file(with_county_rows=True, counties=COUNTRY) -> bytes:
    """SSB's list of counties and municipalities for the whole country (level 1 counties, level 2
    municipalities under them), as the classification's CSV export writes it."""
    lines = [SSB_HEADER]
    for (county_code, county_name), municipalities in counties.items():
        if with_county_rows:
            lines.append(_ssb_row(county_code, county_name, level="1"))
        lines += [_ssb_row(code, name, parent=county_code) for code, name in municipalities]
    return "".join(lines).encode("utf-8")


@pytest.mark.parametrize("with_county_rows", [True, False])
def test_a_whole_country_file_imports_the_county_and_skips_the_rest(county, with_county_rows):
    result = import_municipalities(county=county, data=_country_file(with_county_rows))
    assert sorted(m.number for m in result.created) == ["5501", "5518", "5540"]
    assert _names() == {"5501": "Tromsø", "5518": "Loabák - Lavangen", "5540": "Gáivuotna - Kåfjord - Kaivuono"}
    skipped = [(row.code, row.name) for row in result.skipped]
    expected = [
        ("0301", "Oslo"),
        ("1804", "Bodø"),
        ("1806", "Narvik"),
        ("5601", "Alta"),
        ("5603", "Hammerfest"),
        ("5636", "Unjárga - Nesseby"),
    ]
    if with_county_rows:
        expected = sorted([*expected, ("03", "Oslo"), ("18", "Nordland"), ("56", "Finnmark")])
    assert sorted(skipped) == sorted(expected)


def test_a_file_with_the_countys_own_row_imports_its_municipalities(county):
    data = _country_file(counties={("55", "Troms"): COUNTRY[("55", "Troms")]})
    result = import_municipalities(county=county, data=data)
    assert len(result.created) == 3 and result.skipped == []


def test_a_file_with_only_other_counties_imports_nothing(county):
    data = _country_file(counties={("56", "Finnmark"): COUNTRY[("56", "Finnmark")]})
    with pytest.raises(MunicipalityImportError) as error:
        import_municipalities(county=county, data=data)
    assert str(error.value.errors[0]) == "Filen inneholder ingen kommuner i 55 Troms."
    assert Municipality.objects.count() == 0


def test_the_result_page_counts_and_lists_the_skipped_rows(client, county_admin):
    client.force_login(county_admin)
    upload = SimpleUploadedFile("kommuner.csv", _country_file(), content_type="text/csv")
    response = client.post(reverse("municipalities:municipality-import", kwargs={"number": "55"}), {"file": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Listen er importert." in html and "3 opprettet" in html
    assert "9 hoppet over (annet fylke)" in html
    assert "5601 Alta" in html and "56 Finnmark" in html and "0301 Oslo" in html
    assert Municipality.objects.count() == 3


def _post(client, data: bytes, name="kommuner.csv"):
    upload = SimpleUploadedFile(name, data, content_type="text/csv")
    return client.post(reverse("municipalities:municipality-import", kwargs={"number": "55"}), {"file": upload})


def _zip_of_the_list() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("kommuner.csv", _country_file() * 20)
    return buffer.getvalue()


NOT_TEXT = "Filen er ikke en tekstfil i UTF-8 eller Windows-1252. Last ned kommunelisten fra SSB som CSV og prøv igjen."


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(_zip_of_the_list(), id="a zip renamed .csv"),
        pytest.param(b"code;name\n5501;Troms\x81\x8d\n", id="bytes Windows-1252 does not have"),
        pytest.param(b"code;name\n5501;Troms\x00\n", id="a NUL byte"),
        pytest.param((SSB_HEADER + SSB_ROWS).encode("utf-16"), id="UTF-16"),
        pytest.param(
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nstream\n\x00\x01\x02\x1b\x7f\nendstream\n",
            id="a PDF",
        ),
    ],
)
def test_a_file_that_is_not_text_is_refused_on_the_file_field(client, county_admin, data):
    client.force_login(county_admin)
    response = _post(client, data)
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [NOT_TEXT]
    assert Municipality.objects.count() == 0


@pytest.mark.parametrize(
    "content, separator",
    [
        ('"code","parentCode","level","name"\r\n"5501","","","Tromsø"\r\n', "komma"),
        ("code,name\n5501,Tromsø\n5518,Loabák - Lavangen\n", "komma"),
        ("code\tname\n5501\tTromsø\n", "tabulator"),
    ],
)
def test_a_file_with_the_wrong_separator_is_refused_on_the_file_field(client, county_admin, content, separator):
    client.force_login(county_admin)
    response = _post(client, content.encode())
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        f"Feil skilletegn: kolonnene er skilt med {separator}, men SSBs filer bruker semikolon. "
        "Last ned kommunelisten fra SSB som CSV og prøv igjen."
    ]
    assert Municipality.objects.count() == 0


def test_a_quotation_mark_that_is_never_closed_is_reported_on_its_line(county):
    data = ('code;name\n5501;Tromsø\n"5518;Lavangen' + "x" * 200_000 + "\n").encode()
    with pytest.raises(MunicipalityImportError) as error:
        import_municipalities(county=county, data=data)
    assert [str(e) for e in error.value.errors] == [
        "Linje 3: linjen kan ikke leses: et anførselstegn er ikke lukket, eller et felt er altfor langt."
    ]
    assert Municipality.objects.count() == 0
