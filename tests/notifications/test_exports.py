"""The outbox as .xlsx: when, to whom, what and how it went; never a message body or a personal link."""

import io

import openpyxl
import pytest
from django.urls import reverse

from notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db
URL = reverse("notifications:outbox-export-xlsx", kwargs={"number": "55"})


def _message(county, n, status=OutboxMessage.Status.SENT, **fields):
    return OutboxMessage.objects.create(
        recipient=f"m{n}@example.no",
        from_email="f@example.no",
        subject=fields.pop("subject", f"Emne {n}"),
        body_text=f"Hemmelig lenke https://fremdrift.example/evalueringer/lenke/TOKEN{n}/",
        body_html=f"<a href='https://fremdrift.example/lenke/HTML{n}'>svar</a>",
        headers={"X-Personal": f"HEADER{n}"},
        kind="reminder",
        county=county,
        message_id=f"<{n}@t>",
        status=status,
        **fields,
    )


def _sheet(response):
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Utgående e-post"]


def test_the_outbox_export_holds_no_bodies_or_links(client, county, other_county, county_staff):
    _message(county, 1, subject="=cmd|' /C calc'!A0")
    _message(county, 2, OutboxMessage.Status.FAILED, last_error="550 No such user")
    _message(other_county, 3, subject="Finnmarks")
    client.force_login(county_staff)
    sheet = _sheet(client.get(URL))
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Opprettet", "Sendt", "Status", "Type", "Mottaker", "Emne", "Forsøk", "Siste feil"]
    assert {row[4] for row in rows[1:]} == {"m1@example.no", "m2@example.no"}
    everything = str(rows)
    assert "TOKEN" not in everything and "HTML" not in everything and "HEADER" not in everything
    assert "lenke" not in everything and "Finnmarks" not in everything
    assert "550 No such user" in everything
    hostile = next(row for row in sheet.iter_rows(min_row=2) if row[4].value == "m1@example.no")
    assert hostile[5].data_type == "s" and hostile[0].is_date and hostile[0].number_format == "dd.mm.yyyy hh:mm"


def test_the_filter_of_the_page_is_the_exports(client, county, county_staff):
    _message(county, 1)
    _message(county, 2, OutboxMessage.Status.FAILED)
    client.force_login(county_staff)
    rows = list(_sheet(client.get(URL, {"status": "failed"})).iter_rows(min_row=2, values_only=True))
    assert [row[4] for row in rows] == ["m2@example.no"]
    page = client.get(reverse("notifications:outbox", kwargs={"number": "55"}), {"status": "failed"}).content.decode()
    assert f"{URL}?status=failed" in page


def test_only_the_countys_staff_export_the_outbox(client, library_head, outsider):
    for user in (library_head, outsider):
        client.force_login(user)
        assert client.get(URL).status_code == 404
