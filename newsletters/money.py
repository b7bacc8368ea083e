"""What changed in a project's money since a moment: the draft an "infobrev suggested" project
is offered. Read from the budget, release and final-account history (django-simple-history),
one query per table."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from planning.models import Budget, FinalAccount, GrantRelease
from projects.models import Participant
from shell.templatetags.money import kr, percent


def _amount(value) -> str:
    return kr(value, 0)


BUDGET_FIELDS = [
    ("county_grant", lambda: _("county grant"), _amount),
    ("local_cash", lambda: _("local funds committed (cash)"), _amount),
    ("local_inkind_hours", lambda: _("local in-kind hours"), lambda value: f"{value:g}"),
    ("required_local_share", lambda: _("required local share"), percent),
]
BUDGET_FIELD_NAMES = [field for field, _label, _show in BUDGET_FIELDS]


@dataclass(frozen=True)
class MoneyChange:
    when: datetime
    municipality: str
    text: str


# The change that marks a project "infobrev suggested" is saved a moment before the mark
# (same transaction, planning.services): look back a few seconds so that it is listed too.
TRIGGER_SLACK = timedelta(seconds=5)


def money_changes(project, since: datetime) -> list[MoneyChange]:
    since = since - TRIGGER_SLACK
    names = dict(Participant.objects.filter(project=project).values_list("pk", "municipality__name"))
    budget_owner = dict(Budget.objects.filter(participant__project=project).values_list("pk", "participant_id"))
    changes: list[MoneyChange] = []

    history = Budget.history.filter(participant_id__in=names).order_by("id", "history_date", "history_id")
    previous = {}
    for record in history:
        before = previous.get(record.id)
        previous[record.id] = record
        if record.history_date < since:
            continue
        name = names.get(record.participant_id, "")
        if record.history_type == "+" or before is None:
            changes.append(
                MoneyChange(
                    record.history_date,
                    name,
                    _("A budget was set up: county grant %(grant)s, local funds committed %(local)s.")
                    % {"grant": _amount(record.county_grant), "local": _amount(record.local_cash)},
                )
            )
            continue
        if record.history_type != "~":
            continue
        delta = {
            change.field: change for change in record.diff_against(before, included_fields=BUDGET_FIELD_NAMES).changes
        }
        for field, label, show in BUDGET_FIELDS:
            if field in delta:
                changes.append(
                    MoneyChange(
                        record.history_date,
                        name,
                        _("%(what)s changed from %(old)s to %(new)s.")
                        % {"what": label().capitalize(), "old": show(delta[field].old), "new": show(delta[field].new)},
                    )
                )

    releases = GrantRelease.history.filter(budget_id__in=budget_owner, history_type="+", history_date__gte=since)
    for record in releases.order_by("history_date", "history_id"):
        name = names.get(budget_owner.get(record.budget_id), "")
        changes.append(
            MoneyChange(
                record.history_date,
                name,
                _("%(amount)s of the county grant was paid out on %(date)s.")
                % {"amount": _amount(record.amount), "date": date_format(record.released_on, "j. F Y")},
            )
        )

    accounts = FinalAccount.history.filter(budget_id__in=budget_owner, history_type="+", history_date__gte=since)
    for record in accounts.order_by("history_date", "history_id"):
        name = names.get(budget_owner.get(record.budget_id), "")
        text = _(
            "The grant was closed with final accounts: %(county)s of county money and %(local)s of local money spent."
        ) % {"county": _amount(record.spent_county), "local": _amount(record.spent_local)}
        if record.to_return:
            text += " " + _("%(amount)s is to be returned.") % {"amount": _amount(record.to_return)}
        changes.append(MoneyChange(record.history_date, name, text))
    changes.sort(key=lambda change: (change.when, change.municipality))
    return changes


def money_draft(project, since: datetime) -> tuple[str, str]:
    """Subject and Markdown body of an infobrev about the money changes since `since`."""
    subject = _("Infobrev: news about the money in %(project)s") % {"project": project.title}
    lines = [
        _("Dear all involved in %(project)s,") % {"project": project.title},
        "",
        _("Since %(date)s there have been changes to the project's money. We want everyone involved to know:")
        % {"date": date_format(since, "j. F Y")},
        "",
    ]
    changes = money_changes(project, since)
    for change in changes:
        lines.append(f"- **{_escape(change.municipality)}**: {_escape(change.text)}")
    if not changes:
        lines.append("- " + _("(No changes were found in the budget history.)"))
    lines += [
        "",
        _("Ask us if you have questions."),
        "",
        _("Best regards"),
        project.county.sender_name or project.county.name,
    ]
    return subject[:200], "\n".join(lines)


def _escape(text: str) -> str:
    """Names and amounts go into Markdown as text, not as formatting."""
    for char in "\\`*_[]<>#":
        text = text.replace(char, "\\" + char)
    return text
