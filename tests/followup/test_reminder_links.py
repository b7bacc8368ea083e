"""The reminder e-mail as its recipient reads it: each milestone links its own progress form ("Logg
fremdrift"), and a reminder that is a step of the ladder arrives even when reminders are turned off."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse

from followup.services import escalation, milestones
from notifications.models import NotificationPreference, OutboxMessage
from projects.models import Participant
from tests.followup.helpers import active_project, on, participant  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _said_yes(participant):  # noqa: F811
    Participant.objects.filter(pk=participant.pk).update(status=Participant.Status.ACTIVE)


def _milestone(project, participant, by, planned_on, name):  # noqa: F811
    return milestones.save_milestone(project=project, by=by, name=name, participant=participant, planned_on=planned_on)


def _progress_form(milestone) -> str:
    url = reverse("followup:milestone-detail", kwargs={"pk": milestone.project_id, "milestone_pk": milestone.pk})
    return f"{url}#log-progress"


def test_each_milestone_of_a_reminder_links_its_progress_form(
    client,
    active_project,
    participant,
    county_staff,
    library_head,  # noqa: F811
):
    today = active_project.start_on + timedelta(days=60)
    late = _milestone(active_project, participant, county_staff, today - timedelta(days=20), "Romplan ferdig")
    soon = _milestone(active_project, participant, county_staff, today + timedelta(days=5), "Møbler bestilt")
    escalation.run_reminders(now=on(today, 7, 0))
    message = OutboxMessage.objects.get(recipient=library_head.email)
    for milestone in (late, soon):
        assert f"Logg fremdrift: {settings.SITE_URL}{_progress_form(milestone)}" in message.body_text
        assert f'href="{settings.SITE_URL}{_progress_form(milestone)}"' in message.body_html
    assert message.body_html.count(">Logg fremdrift<") == 2
    # The link opens the form, with the milestone's status chosen, for the logged-in library head.
    client.force_login(library_head)
    page = client.get(_progress_form(late).split("#")[0]).content.decode()
    assert 'id="log-progress"' in page and "Logg fremdrift" in page
    assert '<option value="not_started" selected>' in page


def test_reminders_turned_off_stop_the_coming_up_mail_but_not_a_ladder_step(
    active_project,
    participant,
    county_staff,
    library_head,  # noqa: F811
):
    NotificationPreference.objects.create(user=library_head, kind="reminder", delivery="off")
    today = active_project.start_on + timedelta(days=60)
    _milestone(active_project, participant, county_staff, today + timedelta(days=5), "Møbler bestilt")
    escalation.run_reminders(now=on(today, 7, 0))
    skipped = OutboxMessage.objects.get(recipient=library_head.email)
    assert skipped.status == OutboxMessage.Status.SKIPPED  # kept, never sent
    late_day = today + timedelta(days=5 + 30)  # past the ladder's first step (the reminder)
    escalation.run_reminders(now=on(late_day, 7, 0))
    step = OutboxMessage.objects.filter(recipient=library_head.email).exclude(pk=skipped.pk).get()
    assert step.status == OutboxMessage.Status.PENDING
    assert "dager forsinket" in step.body_text
