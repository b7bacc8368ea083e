"""The kinds of e-mail Fremdrift sends, and which of them a user may take as a daily digest.

Messages that must arrive on their own (an invitation, a password reset, a
signature request with a deadline) are not digestible. A user may turn a kind off (`optional`), except
signature requests, security mail (account messages) and the escalation ladder's alerts and letters: those
are the project's, not the user's. A reminder e-mail that carries a step of the ladder is sent even when
the user turned reminders off (`queue_email(required=True)`).

Mail that software writes by itself (a reminder, a report, a digest) is `automatic`: it carries
`Auto-Submitted: auto-generated` (RFC 3834) so that out-of-office robots do not answer it. A meeting
invitation comes from the person who called the meeting, and the infobrev is list mail (its own
headers, see newsletters.rendering.list_headers).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    digestible: bool
    automatic: bool = True
    optional: bool = False  # the user may turn it off


KINDS = {
    kind.key: kind
    for kind in [
        Kind("account", _("Account messages (invitation, password reset)"), digestible=False),
        Kind("digest", _("Daily digest"), digestible=False),
        Kind("reminder", _("Reminders about milestones and deadlines"), digestible=True, optional=True),
        Kind("escalation", _("Alerts about late milestones"), digestible=True),
        Kind("progress", _("New progress entries"), digestible=True, optional=True),
        Kind("meeting", _("Meeting invitations and changes"), digestible=False, automatic=False, optional=True),
        Kind("agreement", _("Agreements awaiting signature"), digestible=False),
        Kind("evaluation", _("Evaluations to answer"), digestible=True, optional=True),
        Kind("report", _("Monthly reports"), digestible=True, optional=True),
        Kind("newsletter", _("Infobrev newsletters"), digestible=False, automatic=False),
        # A letter a person at the county wrote and sent (a kit letter): neither automatic nor to be turned off.
        Kind("letter", _("Letters from the county library"), digestible=False, automatic=False),
    ]
}

KIND_CHOICES = [(kind.key, kind.label) for kind in KINDS.values()]


def digestible_kinds() -> list[Kind]:
    return [kind for kind in KINDS.values() if kind.digestible]


def chosen_kinds() -> list[Kind]:
    """The kinds the notification settings offer a choice for: digestible ones, and those that can be off."""
    return [kind for kind in KINDS.values() if kind.digestible or kind.optional]
