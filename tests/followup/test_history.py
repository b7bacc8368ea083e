"""The audit trail of the follow-up: a meeting, a visit or a progress entry changed on a page names
who changed it (the history middleware), and a service told who acts names that user outside a page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from followup.models import Meeting, ProgressEntry, Visit
from followup.services import visits
from tests.followup.helpers import active_project, late_milestone, participant  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_meeting_saved_and_edited_on_the_page_records_who_did_it(client, active_project, county_staff, county_admin):
    start = timezone.localtime() + timedelta(days=14)
    form = {
        "kind": "workshop",
        "title": "Verksted om rom",
        "starts_at": start.strftime("%Y-%m-%dT10:00"),
        "ends_at": start.strftime("%Y-%m-%dT12:00"),
        "place": "Biblioteket",
        "objectives": "Skisse av rommet",
    }
    client.force_login(county_staff)
    response = client.post(reverse("followup:meeting-create", kwargs={"pk": active_project.pk}), form)
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    client.force_login(county_admin)
    client.post(
        reverse("followup:meeting-edit", kwargs={"pk": active_project.pk, "meeting_pk": meeting.pk}),
        {**form, "title": "Verksted om nye rom"},
    )
    created, edited = meeting.history.order_by("history_id")
    assert (created.history_type, created.history_user, created.title) == ("+", county_staff, "Verksted om rom")
    assert (edited.history_type, edited.history_user, edited.title) == ("~", county_admin, "Verksted om nye rom")


def test_a_visit_edited_on_the_page_records_who_did_it(client, active_project, participant, county_staff, county_admin):
    visit = visits.save_visit(
        participant=participant,
        by=county_staff,
        planned_on=timezone.localdate(),
        purpose="Se på rommet",
        visitors=[county_staff],
    )
    # A service outside a page names its `by` (the visitors, saved after the visit, make a second record).
    assert {record.history_user for record in visit.history.all()} == {county_staff}
    client.force_login(county_admin)
    response = client.post(
        reverse("followup:visit-edit", kwargs={"pk": active_project.pk, "visit_pk": visit.pk}),
        {
            "participant": participant.pk,
            "planned_on": timezone.localdate().isoformat(),
            "status": "done",
            "visitors": [county_staff.pk],
            "purpose": "Se på rommet",
            "notes": "Godt møte",
            "follow_up_points": "",
        },
    )
    assert response.status_code == 302
    latest = Visit.objects.get().history.latest()
    assert (latest.history_user, latest.status, latest.notes) == (county_admin, "done", "Godt møte")


def test_progress_logged_on_the_page_records_who_wrote_it(
    client, active_project, participant, county_staff, library_head
):
    milestone = late_milestone(active_project, participant, county_staff)
    client.force_login(library_head)
    client.post(
        reverse("followup:progress-create", kwargs={"pk": active_project.pk, "milestone_pk": milestone.pk}),
        {"status": "in_progress", "text": "Vi har bestilt møbler."},
    )
    entry = ProgressEntry.objects.get()
    assert entry.history.get().history_user == library_head
    assert milestone.history.latest().history_user == library_head
