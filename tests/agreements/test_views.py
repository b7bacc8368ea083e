"""Agreement pages: the role matrix editor, signing with the password, scans, PDFs, the public pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import Agreement, Seal, Signature
from agreements.services import amendments, drafts, sending
from planning.selectors import kit_of
from tests.agreements.conftest import Slot, sign, stub_pdf_bytes
from tests.conftest import project_page_html
from tests.factories import TEST_PASSWORD, MunicipalityFactory

pytestmark = pytest.mark.django_db


def url(name, agreement, **kwargs):
    return reverse(f"agreements:{name}", kwargs={"pk": agreement.pk, **kwargs})


@pytest.fixture
def stub_preview(monkeypatch):
    monkeypatch.setattr("agreements.views.render_agreement_pdf", lambda **kwargs: b"%PDF-1.7 preview")


# ---------------------------------------------------------------- drafting


def test_staff_draft_from_the_participant_page(client, county_staff, participant, signatories):
    client.force_login(county_staff)
    page = client.get(participant.get_absolute_url()).content.decode()
    create = reverse(
        "agreements:agreement-create", kwargs={"pk": participant.project_id, "participant_pk": participant.pk}
    )
    assert f'action="{create}"' in page and "Lag avtaleutkast" in page
    response = client.post(create)
    agreement = Agreement.objects.get()
    assert response.status_code == 302 and response.url == agreement.get_absolute_url()
    page = client.get(participant.get_absolute_url()).content.decode()
    assert agreement.get_absolute_url() in page and "Lag avtaleutkast" not in page
    project_page = project_page_html(client, participant.project)
    assert agreement.get_absolute_url() in project_page and "Utkast" in project_page


def test_the_agreement_page_shows_text_matrix_signatories_and_legal_level(client, county_staff, draft):
    client.force_login(county_staff)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "Troms fylkesbibliotek og Tromsø samarbeider" in page
    assert "<caption>Rollematrise: hvem gjør hva</caption>" in page and "Godkjenne romplanen" in page
    assert "Ingrid Sjef" in page and "Per Rådmann" in page
    assert "enkle elektroniske signaturer (eIDAS)" in page and "BankID" in page
    assert url("agreement-send", draft) in page


def test_editing_an_agreement_out_for_signature_asks_why(client, county_staff, sent):
    client.force_login(county_staff)
    data = {
        "title": sent.title,
        "purpose": "Endret formål",
        "county_representative": county_staff.pk,
        "library_head_contact": sent.library_head_contact_id,
        "chief_executive_contact": sent.chief_executive_contact_id,
    }
    response = client.post(url("agreement-edit", sent), data)
    assert response.status_code == 200
    assert "Skriv hvorfor den endres" in response.content.decode()
    assert Agreement.objects.get(pk=sent.pk).status == Agreement.Status.SENT
    response = client.post(url("agreement-edit", sent), {**data, "withdraw_reason": "Feil i formålet"})
    assert response.status_code == 302
    stored = Agreement.objects.get(pk=sent.pk)
    assert stored.status == Agreement.Status.DRAFT and stored.purpose == "Endret formål"


# ----------------------------------------------------------- the role matrix


def _matrix_post(agreement, **changes):
    """The editor's fields as the browser would send them, with `changes` applied."""
    data = {}
    columns, rows = agreement.role_matrix["columns"], agreement.role_matrix["rows"]
    for i, column in enumerate(columns):
        data[f"col_{i}_label"] = column["label"]
    for j, row in enumerate(rows):
        data[f"row_{j}_task"] = row["task"]
        for i, column in enumerate(columns):
            data[f"cell_{j}_{i}"] = row["cells"].get(column["key"], "")
    data.update(changes)
    return data


def test_the_matrix_editor_is_a_labelled_table_of_selects(client, county_staff, draft):
    client.force_login(county_staff)
    page = client.get(url("agreement-matrix", draft)).content.decode()
    assert "<caption>Rollematrise</caption>" in page and "<script" not in page.split("<main")[1].split("</main>")[0]
    assert '<label class="visually-hidden" for="id_cell_0_0">Godkjenne romplanen: Troms fylkesbibliotek</label>' in page
    assert '<select name="cell_0_0" id="id_cell_0_0"' in page
    assert '<option value="C" selected>Rådføres</option>' in page
    assert 'for="id_row_6_task">Ny beslutning eller oppgave</label>' in page


def test_the_matrix_editor_refuses_two_accountables_with_a_clear_message(client, county_staff, draft):
    client.force_login(county_staff)
    response = client.post(url("agreement-matrix", draft), _matrix_post(draft, cell_0_0="A"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Rollematrisen ble ikke lagret:" in page
    assert "«Godkjenne romplanen»: velg nøyaktig én part som Godkjenner; nå er det 2." in page
    assert '<option value="A" selected>Godkjenner</option>' in page  # what the user chose is kept
    assert Agreement.objects.get(pk=draft.pk).role_matrix == draft.role_matrix


def test_the_matrix_editor_adds_and_removes_rows_and_parties(client, county_staff, draft):
    client.force_login(county_staff)
    data = _matrix_post(
        draft,
        row_0_remove="on",
        col_5_remove="on",
        new_column="Skolen",
        row_6_task="Åpningsarrangement",
        cell_6_1="R",
        cell_6_2="A",
    )
    response = client.post(url("agreement-matrix", draft), data)
    assert response.status_code == 302
    matrix = Agreement.objects.get(pk=draft.pk).role_matrix
    assert [c["label"] for c in matrix["columns"]][-2:] == ["Teknisk avdeling", "Skolen"]
    assert "Ekstern fagperson" not in [c["label"] for c in matrix["columns"]]
    assert [r["task"] for r in matrix["rows"]][0] == "Bestille inventar"
    assert matrix["rows"][-1] == {"task": "Åpningsarrangement", "cells": {"library_head": "R", "chief_executive": "A"}}


# -------------------------------------------------------------------- signing


def test_sending_mails_each_signatory_through_the_outbox_and_smtp(
    client, county_staff, draft, settings, smtp_server, django_capture_on_commit_callbacks
):
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    client.force_login(county_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("agreement-send", draft), {"confirm": "yes"})
    assert response.status_code == 302
    received = {m["to"][0]: m["message"] for m in smtp_server.messages}
    assert set(received) == {"staff@example.no", "head@example.no", "radmann@example.no"}
    message = received["radmann@example.no"]
    assert str(message["Subject"]).strip() == f"Venter på din signatur: {draft.title}"  # long: folded, encoded
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "venter på din signatur som kommunedirektør / rådmann" in body and draft.get_absolute_url() in body


def test_the_chief_executive_signs_with_the_password(client, leadership, sent):
    client.force_login(leadership)
    page = client.get(sent.get_absolute_url()).content.decode()
    sign_url = url("agreement-sign", sent, slot="chief_executive")
    assert f'href="{sign_url}"' in page
    form = client.get(sign_url).content.decode()
    assert sent.content_sha256 in form and 'autocomplete="current-password"' in form
    response = client.post(sign_url, {"content_sha256": sent.content_sha256, "confirm": "on", "password": "feil"})
    assert response.status_code == 200 and "Passordet er ikke riktig." in response.content.decode()
    assert not Signature.objects.exists()
    response = client.post(
        sign_url, {"content_sha256": sent.content_sha256, "confirm": "on", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    signature = Signature.objects.get()
    assert signature.signed_by == leadership and signature.ip_address == "127.0.0.1"


def test_a_stale_page_cannot_sign(client, leadership, sent):
    client.force_login(leadership)
    response = client.post(
        url("agreement-sign", sent, slot="chief_executive"),
        {"content_sha256": "0" * 64, "confirm": "on", "password": TEST_PASSWORD},
        follow=True,
    )
    assert "Avtalen er endret siden du åpnet den" in response.content.decode()
    assert not Signature.objects.exists()


def test_nobody_signs_someone_elses_slot(client, leadership, library_head, county_staff, sent):
    for user, slot in [(leadership, "library_head"), (library_head, "chief_executive"), (county_staff, "mayor")]:
        client.force_login(user)
        assert client.get(url("agreement-sign", sent, slot=slot)).status_code == 403
    client.force_login(leadership)
    assert client.get(url("agreement-sign", sent, slot="nobody")).status_code == 404


def test_a_scanned_signature_must_be_a_pdf(client, county_staff, sent, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(county_staff)
    scan_url = url("agreement-scan", sent, slot="chief_executive")
    page = client.get(scan_url).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'accept="application/pdf"' in page
    fake = SimpleUploadedFile("signert.pdf", b"GIF89a...", content_type="application/pdf")
    response = client.post(scan_url, {"content_sha256": sent.content_sha256, "scan": fake})
    assert response.status_code == 200
    assert "Filen er ikke en PDF" in response.content.decode()
    real = SimpleUploadedFile("signert.pdf", b"%PDF-1.4 signert", content_type="application/pdf")
    assert client.post(scan_url, {"content_sha256": sent.content_sha256, "scan": real}).status_code == 302
    signature = Signature.objects.get()
    response = client.get(url("signature-scan", sent, signature_pk=signature.pk))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 signert"


# --------------------------------------------------------------- PDFs, public


def test_the_sealed_pdf_is_the_stored_bytes(client, leadership, sealed):
    client.force_login(leadership)
    response = client.get(url("agreement-pdf", sealed))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert (
        response.content
        == bytes(Seal.objects.get(agreement=sealed).pdf)
        == stub_pdf_bytes(sealed.seal.verification_code)
    )
    assert response["Content-Disposition"] == 'attachment; filename="avtale-5501-v1.pdf"'
    assert "no-store" in response["Cache-Control"]


def test_a_draft_pdf_is_a_preview(client, county_staff, draft, stub_preview):
    client.force_login(county_staff)
    response = client.get(url("agreement-pdf", draft))
    assert response.content == b"%PDF-1.7 preview"
    assert response["Content-Disposition"] == 'attachment; filename="utkast-avtale-5501-v1.pdf"'


def test_the_verification_page_says_only_whether_and_when(client, sealed):
    seal = sealed.seal
    page = client.get(reverse("agreements:verify"), {"code": seal.verification_code.lower()}).content.decode()
    assert "Funnet:" in page and "signert av alle" in page
    for secret in ("Tromsø", "Ingrid", sealed.title, "Nye bibliotekrom"):
        assert secret not in page.split("<main")[1]
    page = client.get(reverse("agreements:verify"), {"code": seal.pdf_sha256}).content.decode()
    assert "Funnet:" in page
    page = client.get(reverse("agreements:verify"), {"code": "AAAA-BBBB-CCCC-DDDD-EEEE"}).content.decode()
    assert "Ikke funnet:" in page


def test_the_verification_page_speaks_the_written_standard_of_the_agreements_county(client, sealed):
    """A public page: what it says about a Vestland agreement is in nynorsk, whatever the visitor's browser asks."""
    sealed.county.written_standard = "nn"
    sealed.county.save(update_fields=["written_standard"])
    page = client.get(reverse("agreements:verify"), {"code": sealed.seal.verification_code}).content.decode()
    assert 'lang="nn"' in page
    assert "Funne:" in page and "Funnet:" not in page
    page = client.get(reverse("agreements:verify"), {"code": "AAAA-BBBB-CCCC-DDDD-EEEE"}).content.decode()
    assert "Ikke funnet:" in page  # a code of no agreement belongs to no county: the visitor's language


def test_a_published_agreement_is_public(client, county_staff, sealed):
    public = reverse("agreements:published-pdf", kwargs={"pk": sealed.pk})
    assert client.get(public).status_code == 404
    client.force_login(county_staff)
    assert client.post(url("agreement-publish", sealed), {"publish": "1"}).status_code == 302
    client.logout()
    response = client.get(public)
    assert response.status_code == 200 and response.content == bytes(sealed.seal.pdf)
    assert response["Content-Disposition"].startswith("inline")


def test_the_list_query_count_is_flat(client, county, county_staff, kit_project, signatories):
    from planning.kits import create_project_from_kit

    def make(n, start):
        municipalities = [MunicipalityFactory(county=county, number=f"55{i:02d}") for i in range(start, start + n)]
        project = create_project_from_kit(
            kit=kit_of(kit_project),
            county=county,
            by=county_staff,
            title=f"P{start}",
            start_on=kit_project.start_on,
            municipalities=municipalities,
        )
        for participant in project.participants.all():
            drafts.create_agreement(participant=participant, by=county_staff)

    client.force_login(county_staff)
    make(3, 60)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("agreements:agreement-list")).status_code == 200
        return len(queries)

    small = count()
    make(20, 70)
    assert count() == small


def test_municipal_users_reach_no_draft(client, leadership, library_head, draft, stub_preview):
    """Municipal leadership never sees a draft; the library head not before it was sent to them."""
    pages = [
        url(name, draft)
        for name in ("agreement-detail", "agreement-edit", "agreement-matrix", "agreement-pdf", "agreement-withdraw")
    ]
    for user in (leadership, library_head):
        client.force_login(user)
        for page in pages:
            assert client.get(page).status_code == 404, (user, page)
        assert draft.get_absolute_url() not in client.get(reverse("agreements:agreement-list")).content.decode()


def test_what_municipal_users_read_once_sent_and_sealed(
    client, leadership, library_head, mayor, sent, county_staff, stub_pdf
):
    client.force_login(library_head)
    assert client.get(sent.get_absolute_url()).status_code == 200
    client.force_login(mayor)
    assert client.get(sent.get_absolute_url()).status_code == 404  # not addressed to the mayor
    for slot, user in [
        (Slot.COUNTY, county_staff),
        (Slot.LIBRARY_HEAD, library_head),
        (Slot.CHIEF_EXECUTIVE, leadership),
    ]:
        sign(sent, slot, user)
    page = client.get(sent.get_absolute_url()).content.decode()  # sealed: the mayor reads it
    assert "Signert og forseglet" in page and "Rediger" not in page and "Lag en endringsavtale" not in page
    assert client.post(url("agreement-amend", sent)).status_code == 403


def test_a_contact_named_in_an_agreement_is_not_removed(client, library_head, draft, signatories, municipality):
    client.force_login(library_head)
    response = client.post(
        reverse("municipalities:contact-delete", kwargs={"number": municipality.number, "pk": signatories.head.pk}),
        follow=True,
    )
    assert response.status_code == 200
    assert "Ingrid Sjef er nevnt i en avtale og kan ikke fjernes." in response.content.decode()
    assert type(signatories.head).objects.filter(pk=signatories.head.pk).exists()


# ------------------------------------------------------------- the client's address


@pytest.mark.parametrize(
    "proxies, forwarded_for, recorded",
    [
        (0, "203.0.113.9", "10.0.0.2"),  # nothing trusted: a header the client wrote changes nothing
        (1, "203.0.113.9, 198.51.100.23", "198.51.100.23"),  # the address the proxy appended
    ],
)
def test_the_signature_records_the_client_not_the_proxy(
    client, leadership, sent, settings, proxies, forwarded_for, recorded
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = proxies
    client.force_login(leadership)
    response = client.post(
        url("agreement-sign", sent, slot="chief_executive"),
        {"content_sha256": sent.content_sha256, "confirm": "on", "password": TEST_PASSWORD},
        HTTP_X_FORWARDED_FOR=forwarded_for,
        REMOTE_ADDR="10.0.0.2",
    )
    assert response.status_code == 302
    assert Signature.objects.get().ip_address == recorded


def test_the_verification_page_limits_each_client_behind_the_proxy(client, sealed, settings, one_rate_window):
    from django.core.cache import cache

    from agreements.views import VERIFY_LIMIT

    cache.clear()
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    code = sealed.seal.verification_code
    for _ in range(VERIFY_LIMIT.limit):
        page = client.get(reverse("agreements:verify"), {"code": code}, HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy)
        assert page.status_code == 200
    page = client.get(reverse("agreements:verify"), {"code": code}, HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy)
    assert page.status_code == 429 and "For mange forsøk" in page.content.decode()
    page = client.get(reverse("agreements:verify"), {"code": code}, HTTP_X_FORWARDED_FOR="198.51.100.2", **proxy)
    assert page.status_code == 200 and "Funnet:" in page.content.decode()
    # Without trusted proxies the proxy is the client, and a header written by the client counts for nothing.
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    page = client.get(
        reverse("agreements:verify"), {"code": code}, HTTP_X_FORWARDED_FOR="198.51.100.3", REMOTE_ADDR="198.51.100.1"
    )
    assert page.status_code == 429
    cache.clear()


# ------------------------------------------------------------- the public verification page and versions


@pytest.fixture
def superseded(sealed, county_staff, library_head, leadership):
    """Version 1 sealed, then version 2 sealed: version 1 is superseded."""
    amendment = amendments.create_amendment(agreement=sealed, by=county_staff)
    amendment = sending.send_for_signature(agreement=amendment, by=county_staff)
    sign(amendment, Slot.COUNTY, county_staff)
    sign(amendment, Slot.LIBRARY_HEAD, library_head)
    sign(amendment, Slot.CHIEF_EXECUTIVE, leadership)
    amendment.refresh_from_db()
    assert amendment.is_sealed and amendment.version == 2
    return sealed, amendment


def test_the_verification_page_says_which_version_superseded_a_version(client, superseded):
    old, new = superseded
    page = client.get(reverse("agreements:verify"), {"code": old.seal.verification_code}).content.decode()
    assert "Funnet:" in page and "erstattet av versjon 2" in page
    page = client.get(reverse("agreements:verify"), {"code": Seal.objects.get(agreement=new).verification_code})
    assert "Funnet:" in page.content.decode() and "erstattet av versjon" not in page.content.decode()


def test_the_verification_page_does_not_vouch_for_a_rewritten_seal(client, sealed):
    from agreements.canonical import text_sha256, verification_code
    from tests.agreements.conftest import tamper

    seal = sealed.seal
    snapshot = seal.snapshot.replace("Tromsø", "Tromsa")
    digest = text_sha256(snapshot)
    tamper(
        "UPDATE agreements_seal SET snapshot = %s, snapshot_sha256 = %s, verification_code = %s WHERE id = %s",
        [snapshot, digest, verification_code(digest), seal.pk],
    )
    page = client.get(reverse("agreements:verify"), {"code": verification_code(digest)}).content.decode()
    assert "Funnet:" not in page and "Forseglingen stemmer ikke" in page
