"""Values that become e-mail headers: every form refuses a line break with a message on the field,
and a bad value that got into the database anyway fails only its own message, never the batch.

Delivery runs against the real SMTP server on loopback (tests/smtp.py)."""

import pytest
from django.core.exceptions import ValidationError
from django.test.utils import override_settings
from django.urls import reverse

from followup.models import EscalationStep
from municipalities.models import County
from notifications import services
from notifications.models import OutboxMessage
from tests.conftest import project, theme  # noqa: F401
from tests.followup.helpers import active_project, late_milestone, participant  # noqa: F401

pytestmark = pytest.mark.django_db
Status = OutboxMessage.Status

ONE_LINE = "Skriv dette på én linje, uten linjeskift eller kontrolltegn: det blir en del av e-posthodet."
HOSTILE = [
    "Troms\r\nBcc: alle@example.no",
    "Troms\nBcc: alle@example.no",
    "Troms\rBcc: alle@example.no",
    "Troms\u2028Bcc: alle@example.no",
    "Troms\x00",
    "Troms\tfylke",
]


@pytest.fixture
def smtp_delivery(settings, smtp_server):
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    return smtp_server


def _arrived(server) -> dict[str, int]:
    """How many messages each recipient received."""
    counts: dict[str, int] = {}
    for received in server.messages:
        for address in received["to"]:
            counts[address] = counts.get(address, 0) + 1
    return counts


# ------------------------------------------------------------------ the forms


@pytest.mark.parametrize("value", HOSTILE)
def test_the_validator_refuses_line_breaks_and_control_characters(value):
    from shell.validators import validate_header_value

    with pytest.raises(ValidationError) as error:
        validate_header_value(value)
    assert error.value.code == "header_value"
    validate_header_value("Troms og Finnmark fylkesbibliotek – «Sámi»")  # ordinary text passes


def _county_settings_data(client, url, **changes):
    page = client.get(url).context
    data = {f"county-{name}": value for name, value in page["form"].initial.items() if name != "letterhead"}
    data |= {
        "positions-TOTAL_FORMS": "0",
        "positions-INITIAL_FORMS": "0",
        "themes-TOTAL_FORMS": "0",
        "themes-INITIAL_FORMS": "0",
    }
    return data | {f"county-{name}": value for name, value in changes.items()}


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("sender_name", "Troms\r\nBcc: alle@example.no", ONE_LINE),
        ("sender_name", "Troms\nfylkesbibliotek", ONE_LINE),
        ("sender_name", "Troms\u2028fylkesbibliotek", ONE_LINE),
        ("sender_email", "fylket@example.no\r\nBcc: alle@example.no", "Oppgi en gyldig e-postadresse"),
    ],
)
def test_county_settings_refuse_a_line_break_in_the_sender(client, county, county_admin, field, value, message):
    client.force_login(county_admin)
    url = reverse("municipalities:county-settings", kwargs={"number": county.number})
    data = _county_settings_data(client, url, sender_name="Troms fylkesbibliotek", sender_email="fylket@example.no")
    response = client.post(url, data | {f"county-{field}": value})
    assert response.status_code == 400  # the form again, with the message on the field
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    county.refresh_from_db()
    assert county.sender_name == "" and county.sender_email == ""


# The infobrev subject: tests/newsletters/test_views.py::test_a_subject_with_a_line_break_gets_a_message_on_the_field


@pytest.fixture
def proposed_step(active_project, participant, county_staff):  # noqa: F811
    milestone = late_milestone(active_project, participant, county_staff, days=50)
    return EscalationStep.objects.create(
        participant=participant,
        milestone=milestone,
        step=EscalationStep.Step.LEADERSHIP,
        due_on=milestone.planned_on,
        overdue_days=50,
        status=EscalationStep.Status.PROPOSED,
        recipients="radmann@tromso.example.no",
        subject="Bibliotekprosjektet",
        body="Hei.",
    )


@pytest.mark.parametrize("subject", ["Hei\r\nBcc: alle@example.no", "Hei\nBcc: alle@example.no", "Hei\u2029du"])
def test_escalation_review_refuses_a_line_break_in_the_subject(client, county_staff, proposed_step, subject):
    client.force_login(county_staff)
    url = reverse(
        "followup:escalation-review", kwargs={"pk": proposed_step.milestone.project_id, "step_pk": proposed_step.pk}
    )
    response = client.post(
        url, {"to": "radmann@tromso.example.no", "subject": subject, "body": "Hei.", "action": "send"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["subject"] == [ONE_LINE]
    proposed_step.refresh_from_db()
    assert proposed_step.status == EscalationStep.Status.PROPOSED
    assert not OutboxMessage.objects.filter(kind="escalation", recipient="radmann@tromso.example.no").exists()


def test_an_escalation_proposed_from_a_title_with_a_line_break_is_corrected_on_the_form(
    client, county_staff, proposed_step, smtp_delivery, django_capture_on_commit_callbacks
):
    """The proposed subject is made from the project's title: a bad one shows on the field, is corrected, and goes."""
    EscalationStep.objects.filter(pk=proposed_step.pk).update(subject="Bibliotek\r\nBcc: alle@example.no")
    client.force_login(county_staff)
    url = reverse(
        "followup:escalation-review", kwargs={"pk": proposed_step.milestone.project_id, "step_pk": proposed_step.pk}
    )
    assert client.get(url).status_code == 200
    data = {
        "to": "radmann@tromso.example.no",
        "subject": "Bibliotek\r\nBcc: alle@example.no",
        "body": "Hei.",
        "action": "send",
    }
    assert client.post(url, data).context["form"].errors["subject"] == [ONE_LINE]
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data | {"subject": "Bibliotekprosjektet"}).status_code == 302
    assert _arrived(smtp_delivery) == {"radmann@tromso.example.no": 1}
    assert smtp_delivery.messages[0]["message"]["Subject"] == "Bibliotekprosjektet"


# ------------------------------------------------------------------ the outbox


def _queue(to, **kwargs):
    return services.queue_email(
        to=to, subject=kwargs.pop("subject", f"Til {to}"), body_text="Hei!", kind="reminder", **kwargs
    )


def test_a_county_sender_with_a_line_break_fails_only_that_countys_messages(county, other_county, smtp_delivery):
    """Written past the form (an old row, the shell): the county's own messages fail with the reason,
    nothing is raised to the caller, and everyone else's mail is delivered."""
    County.objects.filter(pk=county.pk).update(
        sender_name="Troms\r\nBcc: alle@example.no", sender_email="fylket@example.no"
    )
    county.refresh_from_db()
    bad = _queue("bad@example.no", county=county)
    good = [_queue(f"god{i}@example.no", county=other_county) for i in range(3)]
    plain = _queue("uten-fylke@example.no")
    assert bad.status == Status.FAILED
    assert "From" in bad.last_error
    services.send_batch()
    assert _arrived(smtp_delivery) == {
        "god0@example.no": 1,
        "god1@example.no": 1,
        "god2@example.no": 1,
        "uten-fylke@example.no": 1,
    }
    assert set(
        OutboxMessage.objects.filter(pk__in=[m.pk for m in [*good, plain]]).values_list("status", flat=True)
    ) == {Status.SENT}
    bad.refresh_from_db()
    assert bad.status == Status.FAILED


@pytest.mark.parametrize(
    "field, value",
    [
        ("subject", "Hei\r\nBcc: alle@example.no"),
        ("subject", "Hei\nBcc: alle@example.no"),
        ("subject", "Hei\u2028Bcc: alle@example.no"),
        ("from_email", "Troms\r\nBcc: alle@example.no <fylket@example.no>"),
        ("from_email", "ikke en adresse@@"),
        ("recipient", "mottaker@example.no\r\nBcc: alle@example.no"),
        ("recipient", "æøå@bad@example.no"),
        ("headers", {"Reply-To": "svar@example.no\r\nBcc: alle@example.no"}),
        ("headers", {"Bcc: alle@example.no\r\nX-Tag": "x"}),
        (
            "attachments",
            [
                {
                    "filename": "invitasjon.ics\r\nBcc: alle@example.no",
                    "content": "BEGIN:VCALENDAR",
                    "mimetype": "text/calendar",
                }
            ],
        ),
        (
            "attachments",
            [{"filename": "invitasjon.ics", "content": "x", "mimetype": "text/calendar\r\nBcc: alle@example.no"}],
        ),
        ("attachments", [{"content": "no file name"}]),
        ("attachments", "not a list of attachments"),
    ],
)
def test_a_bad_row_in_the_outbox_fails_alone_and_the_batch_goes_on(smtp_delivery, field, value):
    """A row changed in the database after it was queued: building or sending it raises, so it is
    marked failed with the reason, and the messages before and after it in the same batch arrive."""
    before = _queue("forst@example.no")
    bad = _queue("mottaker@example.no")
    after = [_queue(f"etter{i}@example.no") for i in range(2)]
    OutboxMessage.objects.filter(pk=bad.pk).update(**{field: value})
    sent, _more = services.send_batch()
    assert sent == 3
    assert _arrived(smtp_delivery) == {"forst@example.no": 1, "etter0@example.no": 1, "etter1@example.no": 1}
    for message in [before, *after]:
        message.refresh_from_db()
        assert message.status == Status.SENT
    bad.refresh_from_db()
    assert bad.status == Status.FAILED and bad.attempts == 1 and bad.last_error
    assert not any("alle@example.no" in str(m["message"]) for m in smtp_delivery.messages)
    # Failed for good: a second batch does not pick it up again, and nothing else is sent.
    assert services.send_batch() == (0, False)
    assert smtp_delivery.recorder.count() == 3


def test_a_refused_recipient_fails_alone_in_the_batch(smtp_delivery):
    smtp_delivery.recorder.reject["borte@example.no"] = (550, "5.1.1 No such user here")
    messages = [_queue(address) for address in ["a@example.no", "borte@example.no", "b@example.no"]]
    services.send_batch()
    assert _arrived(smtp_delivery) == {"a@example.no": 1, "b@example.no": 1}
    statuses = {
        m.recipient: (m.status, m.last_error) for m in OutboxMessage.objects.filter(pk__in=[m.pk for m in messages])
    }
    assert statuses["borte@example.no"] == (Status.FAILED, "550 5.1.1 No such user here")


@pytest.mark.parametrize("header", ["subject", "to", "from_email"])
def test_queueing_a_header_with_a_line_break_writes_a_failed_row_instead_of_raising(header):
    kwargs = {
        "to": "a@example.no",
        "subject": "Emne",
        "from_email": "fylket@example.no",
        header: {
            "to": "a@example.no\r\nBcc: b@example.no",
            "subject": "Hei\nBcc: alle@example.no",
            "from_email": "X\n<x@example.no>",
        }[header],
    }
    message = services.queue_email(body_text="Tekst", kind="reminder", **kwargs)
    assert message.status == Status.FAILED and message.last_error
    assert OutboxMessage.objects.get().pk == message.pk


# ------------------------------------------------------------------ pages that send mail


def test_county_pages_that_send_mail_answer_with_a_bad_sender_in_the_database(
    client, county, county_admin, municipality, smtp_delivery, django_capture_on_commit_callbacks
):
    """The county's sender was broken past the form: inviting a user still works (the invitation
    e-mail fails with the reason, visible in the outbox), and nothing answers 500."""
    County.objects.filter(pk=county.pk).update(
        sender_name="Troms\r\nBcc: alle@example.no", sender_email="fylket@example.no"
    )
    client.force_login(county_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:user-invite", kwargs={"number": county.number}),
            {
                "name": "Ny Sjef",
                "email": "ny@example.no",
                "role": "library_head",
                "municipality": municipality.pk,
            },
        )
    assert response.status_code == 302
    message = OutboxMessage.objects.get(recipient="ny@example.no")
    assert message.status == Status.FAILED
    assert smtp_delivery.recorder.count() == 0
    outbox = client.get(reverse("notifications:outbox", kwargs={"number": county.number}), {"status": "failed"})
    assert outbox.status_code == 200 and "ny@example.no" in outbox.content.decode()
    assert client.get(reverse("municipalities:county-settings", kwargs={"number": county.number})).status_code == 200


def test_the_escalation_goes_out_even_when_the_county_sender_is_broken_for_the_others(
    client, county, county_staff, proposed_step, smtp_delivery, django_capture_on_commit_callbacks
):
    """The send of the reviewed message answers (no 500); its e-mail fails with the reason."""
    County.objects.filter(pk=county.pk).update(
        sender_name="Troms\nBcc: alle@example.no", sender_email="fylket@example.no"
    )
    client.force_login(county_staff)
    url = reverse(
        "followup:escalation-review", kwargs={"pk": proposed_step.milestone.project_id, "step_pk": proposed_step.pk}
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"to": "radmann@tromso.example.no", "subject": "Prosjektet", "body": "Hei.", "action": "send"}
        )
    assert response.status_code == 302
    message = OutboxMessage.objects.get(recipient="radmann@tromso.example.no")
    assert message.status == Status.FAILED and "From" in message.last_error
    assert smtp_delivery.recorder.count() == 0


@override_settings(LANGUAGE_CODE="nb")
def test_the_outbox_page_shows_why_a_message_was_refused(client, county, county_staff):
    County.objects.filter(pk=county.pk).update(
        sender_name="Troms\nBcc: alle@example.no", sender_email="fylket@example.no"
    )
    county.refresh_from_db()
    _queue("bad@example.no", county=county)
    client.force_login(county_staff)
    html = client.get(
        reverse("notifications:outbox", kwargs={"number": county.number}), {"status": "failed"}
    ).content.decode()
    assert "bad@example.no" in html and "linjeskift" in html


def test_a_message_refused_for_the_county_sender_goes_with_the_corrected_sender_when_sent_again(
    client, county, county_staff, smtp_delivery, django_capture_on_commit_callbacks
):
    County.objects.filter(pk=county.pk).update(
        sender_name="Troms\nBcc: alle@example.no", sender_email="fylket@example.no"
    )
    county.refresh_from_db()
    refused = _queue("mottaker@example.no", county=county)
    County.objects.filter(pk=county.pk).update(sender_name="Troms fylkesbibliotek")
    client.force_login(county_staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("notifications:outbox-retry", kwargs={"number": county.number, "pk": refused.pk}))
    refused.refresh_from_db()
    assert refused.status == Status.SENT
    (received,) = smtp_delivery.messages
    assert received["to"] == ["mottaker@example.no"]
    assert received["message"]["From"] == "Troms fylkesbibliotek <fylket@example.no>"


def test_a_templated_subject_made_from_a_title_with_a_line_break_becomes_one_line(smtp_delivery):
    message = services.queue_templated_email(
        template="followup/email/meeting_cancelled",
        context={"meeting": {"title": "Møte\r\nBcc: alle@example.no\x07"}},
        to="mottaker@example.no",
        kind="meeting",
    )
    assert message.status == Status.PENDING and message.subject == "Avlyst: Møte Bcc: alle@example.no,"
    services.send_batch()
    (received,) = smtp_delivery.messages
    assert received["to"] == ["mottaker@example.no"] and received["message"]["Bcc"] is None
