"""Kit letters that are written and sent: an invitation, a reminder of commitments, a thank-you.

A letter is drafted for each chosen participant from one of the kit's letter templates (or, for a project
made without a kit, the standard letters), with the same whitelisted placeholders as agreements
(`kits.fill_placeholders` with `kits.placeholder_values`): values are filled in once, as plain text, and
whatever else the template holds — `{% include %}`, an unknown `{{ name }}` — stays as written. The county
staff then edit each letter and send it: by e-mail through the outbox to the municipality's contacts
they choose, with the letter as a PDF on the county's letterhead attached, or by their own mail after
downloading it (PDF or .docx). A sent letter keeps its text, PDF, recipients, date and sender.
"""

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from documents.pdf import image_data_url, render_pdf
from documents.word import render_docx
from municipalities.models import Contact
from notifications.services import binary_attachment, queue_email
from shell.history import records_by

from .kits import fill_placeholders, placeholder_values
from .models import KitDocument, Letter
from .selectors import kit_of
from .standard_kits import STANDARD_LETTERS


class LetterError(Exception):
    """A letter cannot be changed or sent like that. The message is fit to show."""


def letter_templates(project) -> list[tuple[str, str]]:
    """(title, text) of the letters of the project's kit; the standard letters for a project without one."""
    kit = kit_of(project)
    if kit is not None:
        documents = kit.documents.filter(kind=KitDocument.Kind.LETTER).order_by("title", "id")
        found = [(document.title, document.body) for document in documents]
        if found:
            return found
    return list(STANDARD_LETTERS)


@records_by
@transaction.atomic
def draft_letters(*, project, template: str, participants, by) -> list[Letter]:
    """One draft per participant from the template titled `template`, placeholders filled from each
    participant's own data (in Norwegian). Raises LetterError for a template the project does not have."""
    texts = dict(letter_templates(project))
    if template not in texts:
        raise LetterError(_("Choose one of the project's letter templates."))
    participants = list(participants)
    if not participants or any(participant.project_id != project.pk for participant in participants):
        raise LetterError(_("Choose at least one participant of the project."))
    letters = []
    with translation.override(project.county.written_standard):
        for participant in participants:
            participant.project = project
            body = fill_placeholders(texts[template], placeholder_values(participant)).strip()
            letters.append(
                Letter.objects.create(
                    participant=participant,
                    template=template,
                    subject=f"{template}: {project.title}"[:200],
                    body=body,
                    created_by=by,
                )
            )
    return letters


def _lock_draft(letter: Letter) -> Letter:
    locked = Letter.objects.select_for_update().get(pk=letter.pk)
    if locked.is_sent:
        raise LetterError(_("This letter was sent and can no longer be changed."))
    return locked


@records_by
@transaction.atomic
def update_letter(*, letter: Letter, subject: str, body: str, by) -> Letter:
    """Changes a draft's subject and text. Raises LetterError for a sent letter."""
    locked = _lock_draft(letter)
    locked.subject, locked.body = subject, body
    locked.save(update_fields=["subject", "body"])
    return locked


@records_by
@transaction.atomic
def delete_letter(*, letter: Letter, by) -> None:
    """Deletes a draft. Raises LetterError for a sent letter (it is kept)."""
    _lock_draft(letter).delete()


# ------------------------------------------------------------------ documents


def _context(letter: Letter, *, sender, on) -> dict:
    participant = letter.participant
    county = participant.project.county
    return {
        "letter": letter,
        "county": county,
        "municipality": participant.municipality,
        "library": participant.library,
        "project": participant.project,
        "on": on,
        "sender": sender,
        "letterhead_url": image_data_url(county.letterhead),
    }


def letter_pdf(letter: Letter, *, sender=None) -> bytes:
    """The letter as a PDF on the county's letterhead: as sent when it was sent, else as it stands today
    (signed with `sender`'s name). Raises documents.pdf.DocumentError."""
    if letter.is_sent and letter.pdf:
        return bytes(letter.pdf)
    return _render_pdf(letter, sender=sender, on=timezone.localdate())


def _language(letter: Letter) -> str:
    """A letter goes to a municipality, not to a user: it is in the county's written standard."""
    return letter.participant.project.county.written_standard


def _render_pdf(letter: Letter, *, sender, on) -> bytes:
    language = _language(letter)
    with translation.override(language):
        context = _context(letter, sender=sender, on=on)
        return render_pdf("pdf/letter.html", context, title=letter.subject, lang=language)


def letter_docx(letter: Letter, *, sender=None) -> bytes:
    """The same letter as .docx, for the county's own case handling and mail."""
    if letter.is_sent:
        sender, on = letter.sent_by, timezone.localdate(letter.sent_at)
    else:
        on = timezone.localdate()
    language = _language(letter)
    with translation.override(language):
        context = _context(letter, sender=sender, on=on)
        return render_docx("pdf/letter.html", context, title=letter.subject, lang=language)


def letter_filename(letter: Letter, extension: str) -> str:
    """`brev-5501-12.pdf`: plain ASCII whatever the municipality's name."""
    return f"brev-{letter.participant.municipality.number}-{letter.pk}.{extension}"


# ------------------------------------------------------------------ sending


def _mail_text(letter: Letter, *, sender) -> str:
    county = letter.participant.project.county
    return (
        "\n\n".join(
            [
                letter.body.strip(),
                _("With kind regards"),
                "\n".join(
                    part
                    for part in [
                        str(sender) if sender else "",
                        _("%(county)s county library") % {"county": county.name},
                    ]
                    if part
                ),
                _("The letter is attached as a PDF."),
            ]
        )
        + "\n"
    )


@records_by
@transaction.atomic
def send_letter(*, letter: Letter, by, delivery: str, contacts=()) -> Letter:
    """DRAFT → SENT. By e-mail: one message through the outbox to each chosen contact of the municipality,
    with the PDF attached. By own mail: recorded as sent, nothing is e-mailed. Either way the PDF as sent,
    the recipients, the date and the sender are kept. Raises LetterError, documents.pdf.DocumentError."""
    letter = _lock_draft(letter)
    participant = letter.participant
    county = participant.project.county
    contacts = list(contacts)
    if delivery == Letter.Delivery.EMAIL:
        if not contacts:
            raise LetterError(_("Choose at least one contact to e-mail the letter to."))
        if any(c.municipality_id != participant.municipality_id or not c.email for c in contacts):
            raise LetterError(_("The letter can only be e-mailed to the municipality's contacts with an address."))
    elif delivery != Letter.Delivery.OWN_MAIL:
        raise LetterError(_("Choose how the letter is sent."))
    now = timezone.now()
    pdf = _render_pdf(letter, sender=by, on=timezone.localdate(now))
    recipients = []
    if delivery == Letter.Delivery.EMAIL:
        with translation.override(_language(letter)):
            text = _mail_text(letter, sender=by)
        attachment = binary_attachment(filename=letter_filename(letter, "pdf"), content=pdf, mimetype="application/pdf")
        for contact in sorted(contacts, key=lambda c: (c.name, c.pk)):
            queue_email(
                to=contact.email,
                subject=" ".join(letter.subject.split()),
                body_text=text,
                kind="letter",
                user=contact.user,
                county=county,
                about=letter,
                idempotency_key=f"letter:{letter.pk}:{contact.pk}",
                headers={"Reply-To": by.email} if by.email else None,
                attachments=[attachment],
            )
            recipients.append({"name": contact.name, "email": contact.email})
    letter.status, letter.delivery, letter.recipients = Letter.Status.SENT, delivery, recipients
    letter.pdf, letter.sent_at, letter.sent_by = pdf, now, by
    letter.save(update_fields=["status", "delivery", "recipients", "pdf", "sent_at", "sent_by"])
    return letter


def mail_contacts(participant):
    """The municipality's contacts a letter can be e-mailed to."""
    return (
        Contact.objects.filter(municipality=participant.municipality)
        .exclude(email="")
        .select_related("position")
        .order_by("position__order", "name")
    )
