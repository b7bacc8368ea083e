"""The error newsletter services raise, and the lock-and-check-editable helpers writing and sending share."""

from django.utils.translation import gettext as _

from ..models import MailingList, Newsletter


class NewsletterError(Exception):
    """A change the newsletter's state does not allow; the message is for the user."""


def _ensure_editable(newsletter: Newsletter) -> None:
    if not newsletter.is_editable:
        raise NewsletterError(_("This infobrev has been sent and can no longer change."))


def _lock(newsletter: Newsletter) -> Newsletter:
    # of=self: PostgreSQL cannot lock the nullable side of the project join.
    queryset = Newsletter.objects.select_for_update(of=("self",)).select_related("county", "project", "mailing_list")
    return queryset.get(pk=newsletter.pk)


def ensure_mailing_list(*, county, project=None) -> MailingList:
    """The county's list or the project's list, made the first time it is asked for."""
    if project is not None:
        mailing_list, _created = MailingList.objects.get_or_create(project=project, defaults={"county": county})
    else:
        mailing_list, _created = MailingList.objects.get_or_create(
            county=county, project__isnull=True, defaults={"is_public": True}
        )
    return mailing_list
