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
    data = 'code;name\n5501;Tromsø\n5524;Målselv\n5518;Loabák - Lavangen\n'.encode("cp1252")
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
        ("code;name\n5501;Tromsø\n5601;Alta\n", 3, "ligger ikke i fylke 55 Troms"),
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
        import_municipalities(county=county, data=b"code;name\n12;A\n5601;B\n5501;C\n;D\n")
    assert [e.line for e in error.value.errors] == [2, 3, 5]


def test_command_imports_and_reports(county, tmp_path, capsys):
    path = tmp_path / "kommuner.csv"
    path.write_bytes((SSB_HEADER + SSB_ROWS).encode())
    call_command("import_municipalities", str(path), "--county", "55")
    assert "3 created, 0 updated, 0 unchanged" in capsys.readouterr().out


def test_command_refuses_a_bad_file_with_line_numbers(county, tmp_path, capsys):
    path = tmp_path / "kommuner.csv"
    path.write_bytes(b"code;name\n5501;Troms\xc3\xb8\n99;X\n")
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
    upload = SimpleUploadedFile("kommuner.csv", b"code;name\n5501;Troms\xc3\xb8\n5601;Alta\n", content_type="text/csv")
    response = client.post(reverse("municipalities:municipality-import", kwargs={"number": "55"}), {"file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Linje 3: 5601 ligger ikke i fylke 55 Troms." in html
    assert response.context["form"].errors["file"]
    assert Municipality.objects.count() == 0
