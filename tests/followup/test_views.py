"""Follow-up pages: the dashboard and "my milestones" (flat query counts), logging progress
through htmx, slippage, learned durations, the start page and the calendar feed."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from followup.models import EscalationStep, Milestone, ProgressEntry
from followup.services import escalation, meetings, milestones, progress, visits
from municipalities.models import Theme
from planning import kits
from planning.models import Kit, KitMilestone, KitUse
from planning.selectors import learned_durations
from projects import services
from projects.models import Participant, Project
from tests.conftest import make_active
from tests.factories import ContactFactory, MunicipalityFactory
from tests.followup.helpers import active_project, jpeg_with_gps, late_milestone, other_participant, participant  # noqa: F401

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200
    return len(queries)


def _bulk_participants(county, by, theme, municipality, n, *, start=0, with_milestones=True):
    """n active projects in which `municipality` (and n other municipalities) take part, each with
    a late and a coming milestone and a progress entry, as the follow-up pages would find them."""
    today = timezone.localdate()
    projects = Project.objects.bulk_create(
        [
            Project(
                county=county,
                title=f"Prosjekt {i}",
                theme=theme,
                purpose="p",
                start_on=date(2026, 1, 1),
                end_on=date(2027, 12, 31),
                status=Project.Status.ACTIVE,
            )
            for i in range(start, start + n)
        ]
    )
    others = [MunicipalityFactory(county=county, number=f"{5600 + start + i}") for i in range(n)]
    participants = Participant.objects.bulk_create(
        [
            Participant(
                project=p,
                municipality=municipality,
                status="active",
                health=["red", "yellow", "green"][i % 3],
                health_reasons=[{"code": "overdue", "level": "red", "count": 2}],
            )
            for i, p in enumerate(projects)
        ]
        + [Participant(project=p, municipality=m, status="active") for p, m in zip(projects, others, strict=True)]
    )
    if with_milestones:
        milestones = Milestone.objects.bulk_create(
            [
                Milestone(
                    project_id=p.project_id,
                    participant=p,
                    name="Sent",
                    planned_on=today - timedelta(days=5),
                    original_planned_on=today - timedelta(days=20),
                )
                for p in participants
            ]
            + [
                Milestone(
                    project_id=p.project_id,
                    participant=p,
                    name="Snart",
                    planned_on=today + timedelta(days=5),
                    original_planned_on=today + timedelta(days=5),
                )
                for p in participants
            ]
        )
        ProgressEntry.objects.bulk_create(
            [
                ProgressEntry(
                    project_id=m.project_id,
                    participant=m.participant,
                    milestone=m,
                    status="in_progress",
                    text="Litt",
                    written_by=by,
                )
                for m in milestones
            ]
        )
    return participants


def test_dashboard_query_count_is_the_same_for_10_and_100_participants(
    client, county, county_staff, theme, municipality
):
    client.force_login(county_staff)
    _bulk_participants(county, county_staff, theme, municipality, 5)
    url = reverse("followup:followup-dashboard", kwargs={"number": county.number})
    small = _queries(client, url)
    _bulk_participants(county, county_staff, theme, municipality, 45, start=5)
    assert _queries(client, url) == small
    page = client.get(url).content.decode()
    assert page.index("■") < page.index("▲")  # red before yellow: at risk first


def test_my_milestones_query_count_is_the_same_for_10_and_100_participants(
    client, county, county_staff, theme, municipality, library_head
):
    client.force_login(library_head)
    _bulk_participants(county, county_staff, theme, municipality, 10)
    url = reverse("followup:my-milestones")
    small = _queries(client, url)
    _bulk_participants(county, county_staff, theme, municipality, 90, start=10)
    assert _queries(client, url) == small


def test_dashboard_pages_through_every_participant_and_the_health_filter(
    client, county, county_staff, theme, municipality
):
    client.force_login(county_staff)
    participants = _bulk_participants(county, county_staff, theme, municipality, 30, with_milestones=False)
    Participant.objects.filter(pk__in=[p.pk for p in participants[30:]]).update(health="green")
    url = reverse("followup:followup-dashboard", kwargs={"number": county.number})
    first = client.get(url).content.decode()
    assert "Red: 10 · Yellow: 10 · Green: 40" in first or "Rød: 10 · Gul: 10 · Grønn: 40" in first
    assert "Side 1 av 3" in first  # 60 participants, 25 to a page
    last = client.get(url, {"page": 3}).content.decode()
    assert last.count("<tr>") - 1 == 10  # the header row, then the last ten participants
    red = client.get(url, {"health": "red"}).content.decode()
    assert red.count("■") == 10 and "Side 1 av" not in red  # ten red: one page, no paging
    one_project = client.get(url, {"project": participants[0].project_id}).content.decode()
    assert one_project.count("<tr>") - 1 == 2  # the two municipalities of that project


def test_dashboard_lists_messages_awaiting_review_in_flat_queries(client, county, county_staff, theme, municipality):
    client.force_login(county_staff)
    participants = _bulk_participants(county, county_staff, theme, municipality, 3)
    url = reverse("followup:followup-dashboard", kwargs={"number": county.number})

    def propose(participant):
        late = participant.milestones.get(name="Sent")
        return EscalationStep.objects.create(
            participant=participant,
            milestone=late,
            step="leadership",
            due_on=late.planned_on,
            overdue_days=45,
            status="proposed",
            subject="Prosjektet",
            body="Hei.",
        )

    step = propose(participants[0])
    one = _queries(client, url)
    page = client.get(url).content.decode()
    review = reverse("followup:escalation-review", kwargs={"pk": step.milestone.project_id, "step_pk": step.pk})
    assert f'href="{review}"' in page
    assert f"{municipality.name}: Sent</a> ({participants[0].project.title}, 45 dager forsinket)" in page
    for other in participants[1:]:
        propose(other)
    assert _queries(client, url) == one


def test_my_milestones_come_ten_to_a_page(client, county, county_staff, theme, municipality, library_head):
    client.force_login(library_head)
    _bulk_participants(county, county_staff, theme, municipality, 6)  # 12 open milestones for the library head
    url = reverse("followup:my-milestones")
    first = client.get(url).content.decode()
    assert first.count('<article class="card') == 10 and "Side 1 av 2" in first
    assert first.index("Sent") < first.index("Snart")  # late first
    second = client.get(url, {"page": 2}).content.decode()
    assert second.count('<article class="card') == 2


def test_start_page_query_count_is_flat_and_shows_the_follow_up(
    client, county, county_staff, theme, municipality, library_head
):
    _bulk_participants(county, county_staff, theme, municipality, 3)
    client.force_login(county_staff)
    small = _queries(client, reverse("shell:home"))
    _bulk_participants(county, county_staff, theme, municipality, 30, start=3)
    assert _queries(client, reverse("shell:home")) == small
    page = client.get(reverse("shell:home")).content.decode()
    assert reverse("followup:followup-dashboard", kwargs={"number": county.number}) in page
    assert "Prosjekt 0" in page and municipality.name in page
    client.force_login(library_head)
    page = client.get(reverse("shell:home")).content.decode()
    assert "Sent" in page and reverse("followup:my-milestones") in page


def test_library_head_logs_progress_with_a_photo_through_htmx(
    client, active_project, participant, county_staff, library_head
):
    milestone = late_milestone(active_project, participant, county_staff, days=60)
    client.force_login(library_head)
    page = client.get(reverse("followup:my-milestones")).content.decode()
    assert f'id="milestone-{milestone.pk}"' in page and 'data-hx-encoding="multipart/form-data"' in page
    url = reverse("followup:progress-create", kwargs={"pk": active_project.pk, "milestone_pk": milestone.pk})
    refused = client.post(url, {"status": "done", "text": ""}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 200 and f'id="milestone-{milestone.pk}"' in refused.content.decode()
    assert "Skriv hva som har skjedd." in refused.content.decode()
    assert not ProgressEntry.objects.exists()
    assert "<html" not in refused.content.decode()
    response = client.post(
        url, {"status": "done", "text": "Rommet er ferdig!", "files": [jpeg_with_gps()]}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body and f'id="milestone-{milestone.pk}"' in body
    milestone.refresh_from_db()
    assert milestone.status == "done" and milestone.completed_on == timezone.localdate()
    entry = ProgressEntry.objects.get()
    assert entry.written_by == library_head and entry.attachments.count() == 1
    participant.refresh_from_db()
    assert participant.health_computed_at is not None


def test_leadership_reads_but_may_not_log(client, active_project, participant, county_staff, leadership):
    milestone = late_milestone(active_project, participant, county_staff)
    client.force_login(leadership)
    assert (
        client.get(
            reverse("followup:milestone-detail", kwargs={"pk": active_project.pk, "milestone_pk": milestone.pk})
        ).status_code
        == 200
    )
    response = client.post(
        reverse("followup:progress-create", kwargs={"pk": active_project.pk, "milestone_pk": milestone.pk}),
        {"status": "done", "text": "x"},
    )
    assert response.status_code == 403 and not ProgressEntry.objects.exists()


def test_moving_a_milestone_shows_slippage_per_milestone_participant_and_project(
    client, active_project, participant, county_staff
):
    milestone = milestones.save_milestone(
        project=active_project, by=county_staff, name="Åpning", participant=participant, planned_on=date(2026, 9, 1)
    )
    milestones.save_milestone(
        project=active_project,
        by=county_staff,
        milestone=milestone,
        name="Åpning",
        participant=participant,
        planned_on=date(2026, 10, 15),
    )
    milestone.refresh_from_db()
    assert (milestone.original_planned_on, milestone.planned_on, milestone.slippage_days) == (
        date(2026, 9, 1),
        date(2026, 10, 15),
        44,
    )
    milestones.set_milestone_status(
        milestone=milestone, by=county_staff, status="done", completed_on=date(2026, 10, 25)
    )
    milestone.refresh_from_db()
    assert milestone.slippage_days == 44  # the plan moved; done ten days after the current date is lateness
    client.force_login(county_staff)
    page = client.get(reverse("followup:milestone-list", kwargs={"pk": active_project.pk})).content.decode()
    assert "1.9.2026" in page and "15.10.2026" in page and '<td class="text-end">10</td>' in page and ">44<" in page


def test_skipping_needs_a_reason_and_done_cannot_be_in_the_future(active_project, participant, county_staff):
    from django.core.exceptions import ValidationError

    milestone = late_milestone(active_project, participant, county_staff)
    with pytest.raises(ValidationError):
        milestones.set_milestone_status(milestone=milestone, by=county_staff, status="skipped")
    with pytest.raises(ValidationError):
        milestones.set_milestone_status(
            milestone=milestone, by=county_staff, status="done", completed_on=timezone.localdate() + timedelta(days=1)
        )
    milestones.set_milestone_status(milestone=milestone, by=county_staff, status="skipped", skip_reason="Ikke aktuelt")
    milestone.refresh_from_db()
    assert milestone.status == "skipped" and milestone.skip_reason == "Ikke aktuelt"


# ------------------------------------------------------------- learned durations


@pytest.fixture
def kit(county):
    kit = Kit.objects.create(county=county, name="Rompakke")
    KitMilestone.objects.create(kit=kit, name="Oppstart", offset_days=30, scope="project")
    KitMilestone.objects.create(kit=kit, name="Åpning", offset_days=200, scope="project")
    return kit


def _finished(kit, county, by, days_to_done: list, *, status=Project.Status.CLOSED, milestone_status="done"):
    theme = Theme.objects.get(county=county, code="library_rooms")
    project = services.create_project(
        county=county,
        by=by,
        title=f"Ferdig {days_to_done}",
        theme=theme,
        purpose="p",
        start_on=date(2024, 1, 1),
        end_on=date(2025, 6, 30),
    )
    Project.objects.filter(pk=project.pk).update(status=status)
    KitUse.objects.create(project=project, kit=kit)
    project.refresh_from_db()
    kits.plan_milestones(project=project, participants=[])
    for kit_milestone, days in zip(kit.milestones.all(), days_to_done, strict=False):
        if days is not None:
            Milestone.objects.filter(project=project, origin__kit_milestone=kit_milestone).update(
                status=milestone_status,
                completed_on=project.start_on + timedelta(days=days),
                skip_reason="Ikke aktuelt" if milestone_status == "skipped" else "",
            )
    return project


def test_learned_durations_at_their_edges(kit, county, county_staff, other_county, outsider):
    first, second = kit.milestones.all()
    assert learned_durations(kit) == {}  # no finished projects yet
    _finished(kit, county, county_staff, [40, None])
    assert learned_durations(kit) == {first.pk: 40}  # a milestone never done is absent
    _finished(kit, county, county_staff, [50, 300])
    assert learned_durations(kit) == {first.pk: 45, second.pk: 300}  # the median of two is their middle
    _finished(kit, county, county_staff, [1000, 1000], status=Project.Status.ACTIVE)  # still running: not learned from
    _finished(kit, county, county_staff, [900, 900], milestone_status="skipped")  # skipped: not a duration
    assert learned_durations(kit) == {first.pk: 45, second.pk: 300}
    _finished(kit, county, county_staff, [41, 100])
    assert learned_durations(kit) == {first.pk: 41, second.pk: 200}
    # The kit page shows it next to the planned offset.
    from django.test import Client

    client = Client()
    client.force_login(county_staff)
    page = client.get(kit.get_absolute_url()).content.decode()
    assert ">41" in page and ">200" in page


# ------------------------------------------------------------------ calendar feed


def test_calendar_feed_with_secret_token_and_revocation(
    client, active_project, participant, county_staff, library_head
):
    milestone = late_milestone(active_project, participant, county_staff, days=3, name="Romplan, fase 1; Gáivuotna ŋ")
    starts = timezone.now().replace(microsecond=0) + timedelta(days=3)
    meeting = meetings.save_meeting(
        project=active_project,
        by=county_staff,
        objectives=["Mål"],
        kind="startup",
        title="Oppstart",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        place="Rådhuset, sal 2",
    )
    meetings.set_invitees(
        meeting=meeting, by=county_staff, contacts=[ContactFactory(municipality=participant.municipality)]
    )
    meetings.schedule_meeting(meeting=meeting, by=county_staff)
    called_off = meetings.save_meeting(
        project=active_project,
        by=county_staff,
        objectives=["Mål"],
        kind="workshop",
        title="Verksted",
        starts_at=starts + timedelta(days=7),
        ends_at=starts + timedelta(days=7, hours=2),
        place="Biblioteket",
    )
    meetings.set_invitees(
        meeting=called_off, by=county_staff, contacts=[ContactFactory(municipality=participant.municipality)]
    )
    meetings.schedule_meeting(meeting=called_off, by=county_staff)
    meetings.cancel_meeting(meeting=called_off, by=county_staff)
    visit = visits.save_visit(
        participant=participant,
        by=county_staff,
        planned_on=timezone.localdate() + timedelta(days=9),
        purpose="Befaring\nav rommet, med kaffe",
        visitors=[county_staff],
    )
    client.force_login(library_head)
    client.post(reverse("followup:calendar-settings"), {"action": "create"})
    feed_url = library_head.calendar_feed.get_absolute_url()
    client.logout()
    response = client.get(feed_url)  # no login: the token is the key
    assert response.status_code == 200 and response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content.decode())
    assert calendar.calendar_name == "Fremdrift" and "METHOD" not in calendar  # a published feed, not an iTIP message
    assert calendar.get_missing_tzids() == set()
    events = {str(event.uid): event for event in calendar.events}
    assert set(events) == {
        f"milestone-{milestone.pk}@fremdrift",
        meeting.uid,
        called_off.uid,
        f"visit-{visit.pk}@fremdrift",
    }

    due = events[f"milestone-{milestone.pk}@fremdrift"]  # all day: DTSTART a date, DTEND the (exclusive) next day
    assert (
        type(due.start) is date
        and due.start == milestone.planned_on
        and due.end == milestone.planned_on + timedelta(days=1)
    )
    assert due["DTSTART"].params["VALUE"] == "DATE"
    assert due.summary == "Romplan, fase 1; Gáivuotna ŋ (Tromsø)" and due.description == active_project.title
    assert due.url == "http://testserver" + reverse(
        "followup:milestone-detail", kwargs={"pk": active_project.pk, "milestone_pk": milestone.pk}
    )

    held = events[meeting.uid]  # timed, in UTC
    assert held.start == starts and held.end == starts + timedelta(hours=1) and held.start.utcoffset() == timedelta(0)
    assert held.status == "CONFIRMED" and held.location == "Rådhuset, sal 2" and held.sequence == 0
    assert "– Mål" in held.description and held.url == "http://testserver" + meeting.get_absolute_url()
    assert held.organizer is None and held.attendees == []  # the feed publishes; the e-mail invites
    assert events[called_off.uid].status == "CANCELLED" and events[called_off.uid].sequence == 1

    trip = events[f"visit-{visit.pk}@fremdrift"]
    assert trip.summary == "Besøk: Tromsø" and trip.description == "Befaring\nav rommet, med kaffe"
    assert type(trip.start) is date and trip.start == visit.planned_on
    assert trip.url == "http://testserver" + participant.get_absolute_url()

    client.force_login(library_head)
    client.post(reverse("followup:calendar-settings"), {"action": "revoke"})
    client.logout()
    assert client.get(feed_url).status_code == 404
    library_head.calendar_feed.refresh_from_db()
    assert client.get(library_head.calendar_feed.get_absolute_url()).status_code == 200
    library_head.is_active = False
    library_head.save()
    assert client.get(library_head.calendar_feed.get_absolute_url()).status_code == 404


def test_calendar_feed_speaks_the_language_of_its_owner_not_of_the_fetcher(
    client, participant, county_staff, library_head
):
    visits.save_visit(
        participant=participant,
        by=county_staff,
        planned_on=timezone.localdate() + timedelta(days=9),
        purpose="Befaring",
        visitors=[county_staff],
    )
    client.force_login(library_head)
    client.post(reverse("followup:calendar-settings"), {"action": "create"})  # made in Norwegian
    feed_url = library_head.calendar_feed.get_absolute_url()
    client.logout()
    for accept in ("en-GB,en;q=0.9", "nb"):
        summaries = {
            str(event.summary)
            for event in Calendar.from_ical(client.get(feed_url, HTTP_ACCEPT_LANGUAGE=accept).content.decode()).events
        }
        assert summaries == {"Besøk: Tromsø"}, accept

    client.force_login(library_head)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    client.post(reverse("followup:calendar-settings"), {"action": "revoke"})  # a new address, made in English
    library_head.calendar_feed.refresh_from_db()
    client.logout()
    response = client.get(library_head.calendar_feed.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="nb")
    assert {str(event.summary) for event in Calendar.from_ical(response.content.decode()).events} == {"Visit: Tromsø"}


def test_project_feed_and_municipality_feed_for_staff(client, active_project, participant, county_staff, library_head):
    milestone = late_milestone(active_project, participant, county_staff)
    progress.log_progress(milestone=milestone, by=library_head, status="in_progress", text="Vi har startet ryddingen.")
    client.force_login(county_staff)
    for url in (
        reverse("followup:project-progress", kwargs={"pk": active_project.pk}),
        reverse("followup:municipality-progress", kwargs={"number": participant.municipality.number}),
    ):
        assert "Vi har startet ryddingen." in client.get(url).content.decode()
    client.force_login(library_head)
    assert client.get(reverse("followup:project-progress", kwargs={"pk": active_project.pk})).status_code == 404


def test_a_new_project_from_a_kit_gets_milestones_that_reminders_see(county, county_staff, municipality, library_head):
    from planning.standard_kits import install_standard_kits

    room_kit, _weeding = install_standard_kits(county)
    project = kits.create_project_from_kit(
        kit=room_kit,
        county=county,
        by=county_staff,
        title="Fra pakke",
        start_on=timezone.localdate() - timedelta(days=400),
        municipalities=[municipality],
    )
    make_active(project)
    project.participants.update(status=Participant.Status.ACTIVE)  # Tromsø said yes
    run = escalation.run_reminders()
    assert run.overdue > 0 and run.steps > 0


def test_the_dashboard_says_when_each_participant_was_last_visited_wrote_and_how_late_it_is(
    client, county, county_staff, active_project, participant, other_participant
):
    from followup.models import Visit

    today = timezone.localdate()
    Project.objects.filter(pk=active_project.pk).update(start_on=today - timedelta(days=200))
    Participant.objects.filter(pk__in=[participant.pk, other_participant.pk]).update(
        invited_on=today - timedelta(days=200)
    )
    late_milestone(active_project, participant, county_staff, days=37)
    late_milestone(active_project, participant, county_staff, days=5, name="Møbler bestilt")
    visits.save_visit(
        by=county_staff,
        participant=participant,
        planned_on=today - timedelta(days=12),
        status=Visit.Status.DONE,
        purpose="Oppstart",
    )
    client.force_login(county_staff)
    page = client.get(reverse("followup:followup-dashboard", kwargs={"number": county.number})).content.decode()
    tromso = page[page.index(participant.municipality.name) :][:3000]
    assert "12 dager siden" in tromso  # the visit
    assert "2, den eldste 37 dager for sent" in tromso
    assert "2 milepæler er forsinket (den eldste med 37 dager)" in tromso
    other = page[page.index(other_participant.municipality.name) :][:3000]
    assert other.count("Aldri") == 2  # never visited, never wrote


def test_the_dashboard_says_today_for_a_visit_and_a_progress_entry_of_today(
    client, county, county_staff, active_project, participant
):
    """ "0 dager siden" is what a person would never write: today's visit and today's entry say "I dag"."""
    from followup.models import Visit

    milestone = late_milestone(active_project, participant, county_staff, days=3)
    progress.log_progress(milestone=milestone, by=county_staff, status="in_progress", text="Hyllene er på plass.")
    visits.save_visit(
        by=county_staff,
        participant=participant,
        planned_on=timezone.localdate(),
        status=Visit.Status.DONE,
        purpose="Befaring",
    )
    client.force_login(county_staff)
    page = client.get(reverse("followup:followup-dashboard", kwargs={"number": county.number})).content.decode()
    row = page[page.index(participant.municipality.name) :][:3000]
    assert "0 dager" not in row
    assert row.count("I dag") == 2  # the visit and the progress entry


def test_a_filter_value_the_dashboard_cannot_use_is_said_on_its_field(client, county, county_staff, participant):
    """An address with a project that is not the county's (an old bookmark) shows everyone, and says why."""
    client.force_login(county_staff)
    url = reverse("followup:followup-dashboard", kwargs={"number": county.number})
    page = client.get(url, {"project": "999999"}).content.decode()
    select = page[page.index('<select name="project"') :].split(">", 1)[0]
    assert "is-invalid" in select and 'aria-describedby="id_project_error"' in select
    error = page[page.index('id="id_project_error"') :][:400]
    assert "Velg et gyldig valg" in error
    assert participant.municipality.name in page  # the unfiltered list


def test_a_completed_participant_with_late_work_stays_on_the_dashboard(
    client, county, county_staff, active_project, participant
):
    late_milestone(active_project, participant, county_staff, days=20)
    Participant.objects.filter(pk=participant.pk).update(status=Participant.Status.ACTIVE)
    services.change_participant_status(participant=participant, to=Participant.Status.COMPLETED, by=county_staff)
    participant.refresh_from_db()
    assert participant.health == Participant.Health.YELLOW
    client.force_login(county_staff)
    page = client.get(reverse("followup:followup-dashboard", kwargs={"number": county.number})).content.decode()
    assert participant.municipality.name in page and "Fullført" in page
    assert "1 milepæl er forsinket (den eldste med 20 dager)" in page


def test_each_label_on_the_milestone_page_points_to_a_field_of_its_own_form(
    client, active_project, participant, county_staff
):
    """The status form and the progress form both have a "Status" field: with the same id, clicking the second
    form's label focused the first form's select (and the second had no label at all)."""
    from lxml import html as lxml_html

    milestone = late_milestone(active_project, participant, county_staff)
    client.force_login(county_staff)
    url = reverse("followup:milestone-detail", kwargs={"pk": active_project.pk, "milestone_pk": milestone.pk})
    tree = lxml_html.fromstring(client.get(url).content)
    ids = [element.get("id") for element in tree.iter() if element.get("id")]
    assert sorted({i for i in ids if ids.count(i) > 1}) == []
    forms = tree.findall(".//form")
    assert len([f for f in forms if f.xpath(".//select[contains(@name, 'status')]")]) == 2
    for form in forms:
        for label in form.xpath(".//label[@for]"):
            assert form.xpath(f".//*[@id='{label.get('for')}']"), (
                f"label {label.text_content().strip()!r} points outside its form"
            )
    status_url = reverse("followup:milestone-status", kwargs={"pk": active_project.pk, "milestone_pk": milestone.pk})
    client.post(status_url, {"milestone-status": "skipped", "milestone-skip_reason": "Ikke aktuelt lenger"})
    milestone.refresh_from_db()
    assert (milestone.status, milestone.skip_reason) == ("skipped", "Ikke aktuelt lenger")
