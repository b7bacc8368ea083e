"""Journey of issue 8: the library head logs progress on a late milestone with a photo, county
staff see the participant turn green, then schedule a workshop with objectives and record its outcome."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from demo.accounts import DEMO_PASSWORD, seed_logins
from demo.municipalities import seed_places
from followup.models import Attachment, Meeting, MeetingObjective, ProgressEntry
from followup.services import milestones
from municipalities.models import Municipality
from notifications.models import OutboxMessage
from planning.standard_kits import install_standard_kits
from projects import services
from projects.models import Project
from tests.followup.helpers import jpeg_with_gps

OSLO = ZoneInfo("Europe/Oslo")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def late_project(transactional_db, tmp_path):
    county = seed_places()
    users = seed_logins(county)
    install_standard_kits(county)
    staff = users["fylke@demo.fremdrift.no"]
    project = services.create_project(
        county=county,
        by=staff,
        title="Bibliotekrom i Tromsø",
        theme=county.themes.get(code="library_rooms"),
        purpose="Et bedre rom.",
        start_on=timezone.localdate() - timedelta(days=30),
        end_on=timezone.localdate() + timedelta(days=300),
    )
    Project.objects.filter(pk=project.pk).update(status=Project.Status.ACTIVE)
    (participant,) = services.invite_participants(
        project=project, municipalities=[Municipality.objects.get(number="5501")], by=staff
    )
    milestone = milestones.save_milestone(
        project=project,
        by=staff,
        name="Romplan med tegninger",
        participant=participant,
        planned_on=timezone.localdate() - timedelta(days=12),
    )
    participant.refresh_from_db()
    assert participant.health == "yellow"
    photo = tmp_path / "hyller.jpg"
    photo.write_bytes(jpeg_with_gps().read())
    return project, participant, milestone, photo


def _submit(page, name):
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()


def test_progress_with_a_photo_turns_the_participant_green_and_staff_run_a_workshop(journey, late_project):
    project, participant, milestone, photo = late_project
    page = journey.page

    # The library head logs progress on the late milestone without leaving "my milestones".
    journey.login("biblioteksjef.tromso@demo.fremdrift.no", DEMO_PASSWORD)
    journey.scan("head-start")
    page.get_by_role("link", name="Mine milepæler").first.click()
    page.wait_for_load_state()
    card = page.locator(f"#milestone-{milestone.pk}")
    assert card.get_by_text(re.compile(r"Forsinket \d+ dag(er)?: frist")).is_visible()
    journey.scan("my-milestones")
    card.get_by_label("Status").select_option(label="Ferdig")
    card.get_by_label("Hva har skjedd?").fill("Romplanen er ferdig og godkjent. Bilde av de nye hyllene.")
    card.get_by_label("Filer eller bilder").set_input_files(str(photo))
    url_before = page.url
    card.get_by_role("button", name=re.compile("Logg fremdrift")).click()
    page.locator(f"#milestone-{milestone.pk}").get_by_text("Fremdriften din er logget.").wait_for()
    assert page.url == url_before  # htmx swapped the card; the page stayed
    assert page.locator(f"#milestone-{milestone.pk}").get_by_text("Denne milepælen er avsluttet.").is_visible()
    journey.scan("my-milestones-logged")
    entry = ProgressEntry.objects.get()
    attachment = Attachment.objects.get(progress_entry=entry)
    with attachment.file.open("rb") as handle:
        assert b"GPS" not in handle.read()  # the photo's location is gone
    journey.logout()

    # County staff see Tromsø green on the follow-up dashboard.
    journey.login("fylke@demo.fremdrift.no", DEMO_PASSWORD)
    journey.scan("staff-start")
    page.get_by_role("link", name="Oppfølging: deltakere i faresonen").first.click()
    page.wait_for_load_state()
    row = page.get_by_role("row").filter(has_text="Bibliotekrom i Tromsø")
    assert row.get_by_text("Grønn").is_visible()
    page.get_by_text("Hvordan bestemmes helsen?").click()
    assert page.get_by_role("listitem").filter(has_text=re.compile("Forsinkede milepæler")).first.is_visible()
    journey.scan("dashboard")

    # Staff schedule a workshop: refused without objectives, then scheduled with them.
    journey.goto(project.get_absolute_url())
    page.get_by_role("link", name="Møter, seminarer og kurs").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Nytt møte").click()
    page.wait_for_load_state()
    journey.scan("meeting-form")
    started = timezone.localtime() - timedelta(hours=3)
    page.get_by_label("Type").select_option(label="Verksted")
    page.get_by_label("Tittel").fill("Verksted 2: Erfaringsdeling")
    page.get_by_label("Starter").fill(started.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Slutter").fill((started + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Sted").fill("Tromsø bibliotek og byarkiv")
    _submit(page, "Lagre møtet")
    assert page.get_by_text("Ingen mål ennå").is_visible()
    _submit(page, "Planlegg og send invitasjoner")
    assert page.get_by_text("Skriv minst ett mål før møtet planlegges.").is_visible()
    meeting = Meeting.objects.get()
    assert meeting.status == Meeting.Status.DRAFT
    page.get_by_role("link", name="Rediger eller flytt").click()
    page.wait_for_load_state()
    page.get_by_label("Mål", exact=True).fill("Hver kommune deler én erfaring\nVi blir enige om neste steg")
    _submit(page, "Lagre møtet")
    page.get_by_role("link", name="Inviterte").click()
    page.wait_for_load_state()
    journey.scan("invitees")
    page.get_by_label(re.compile("Per Mathisen")).check()
    page.get_by_label(re.compile("Kari Nilsen")).check()
    _submit(page, "Lagre inviterte")
    _submit(page, "Planlegg og send invitasjoner")
    assert page.get_by_text("Møtet er planlagt, og invitasjonene er sendt.").is_visible()
    journey.scan("meeting-scheduled")
    assert OutboxMessage.objects.filter(kind="meeting").count() == 2
    # Each invitation carries the meeting at the Oslo time typed into the form, for its own address.
    for message in OutboxMessage.objects.filter(kind="meeting"):
        (attachment,) = message.attachments
        assert attachment["mimetype"] == "text/calendar; method=REQUEST"
        calendar = Calendar.from_ical(attachment["content"])
        (event,) = calendar.events
        assert calendar.method == "REQUEST" and event.summary == "Verksted 2: Erfaringsdeling"
        assert event.start.astimezone(OSLO).replace(tzinfo=None) == started.replace(
            second=0, microsecond=0, tzinfo=None
        )
        assert f"mailto:{message.recipient}" in {str(a) for a in event.attendees}
        assert "– Hver kommune deler én erfaring" in event.description

    # Afterwards: attendance (chief executive and mayor together) and the outcome per objective.
    page.get_by_role("link", name="Registrer oppmøte").click()
    page.wait_for_load_state()
    page.get_by_label(re.compile("Per Mathisen")).check()
    page.get_by_label(re.compile("Kari Nilsen")).check()
    _submit(page, "Lagre oppmøtet")
    assert page.get_by_text("Kommunedirektøren og ordføreren i Tromsø deltok begge.").is_visible()
    page.get_by_role("link", name="Registrer resultat").click()
    page.wait_for_load_state()
    journey.scan("outcome-form")
    page.get_by_label("Hver kommune deler én erfaring", exact=True).select_option(label="Oppnådd")
    page.get_by_label("Vi blir enige om neste steg", exact=True).select_option(label="Delvis oppnådd")
    page.get_by_label("Merknad til «Vi blir enige om neste steg»").fill("Teknisk avdeling må med neste gang.")
    page.get_by_label("Notater fra møtet").fill("God stemning.")
    _submit(page, "Lagre resultatet")
    assert page.get_by_text("Resultatet er lagret.").is_visible()
    assert page.get_by_role("cell", name="Delvis oppnådd").is_visible()
    journey.scan("meeting-with-outcome")
    assert sorted(MeetingObjective.objects.values_list("outcome", flat=True)) == ["achieved", "partly"]


@pytest.fixture
def demo(transactional_db):
    from demo.projects import seed_projects

    county = seed_places()
    seed_logins(county)
    return seed_projects(county)["room"]


def test_follow_up_pages_of_the_demo_are_accessible(journey, demo):
    """Every follow-up page, filled with the demo's green, yellow and red participants, passes axe."""
    from followup.models import EscalationStep, Meeting, Milestone

    page = journey.page
    room = demo
    harstad = room.participants.get(municipality__number="5503")
    late = Milestone.objects.filter(
        participant=harstad, status="not_started", planned_on__lt=timezone.localdate()
    ).first()
    step = EscalationStep.objects.create(
        participant=harstad,
        milestone=late,
        step="leadership",
        due_on=late.planned_on,
        overdue_days=45,
        status="proposed",
        recipients="radmann.harstad@demo.fremdrift.no",
        subject="Bibliotekprosjektet",
        body="Hei.",
    )
    journey.login("fylke@demo.fremdrift.no", DEMO_PASSWORD)
    journey.goto("/fylker/55/oppfolging/")
    assert page.get_by_role("row").filter(has_text="Målselv").get_by_text("Rød").is_visible()
    assert page.get_by_role("row").filter(has_text="Harstad").get_by_text("Gul").is_visible()
    assert page.get_by_role("row").filter(has_text="Tromsø").get_by_text("Grønn").is_visible()
    for path in [
        room.get_absolute_url(),
        f"/prosjekter/{room.pk}/milepaeler/",
        f"/prosjekter/{room.pk}/milepaeler/{late.pk}/",
        harstad.get_absolute_url(),
        f"/prosjekter/{room.pk}/fremdrift/",
        "/kommuner/5501/fremdrift/",
        f"/prosjekter/{room.pk}/moter/",
        Meeting.objects.get(project=room, kind="digital").get_absolute_url(),
        Meeting.objects.get(project=room, title="Oppstartsmøte").get_absolute_url(),
        f"/prosjekter/{room.pk}/eskalering/{step.pk}/",
        f"/prosjekter/{room.pk}/besok/nytt/",
        "/kalender/",
    ]:
        journey.goto(path)
        journey.scan(path.strip("/").replace("/", "-"))
    page.get_by_role("button", name="Lag kalenderadressen min").click()
    page.wait_for_load_state()
    journey.scan("calendar-made")
    feed = page.get_by_label("Kalenderadressen din").input_value()
    assert feed.endswith(".ics")
    # The address shown serves the feed a calendar subscribes to: the meetings to come and the visits.
    response = page.request.get(feed)
    assert response.status == 200 and response.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.text())
    events = {str(event.summary): event for event in calendar.events}
    workshop = events["Verksted 3: Åpning og bruk av rommet"]
    assert workshop.uid == Meeting.objects.get(project=room, title="Verksted 3: Åpning og bruk av rommet").uid
    assert isinstance(workshop.start, datetime) and workshop.location == "Tromsø bibliotek og byarkiv"
    visit = events["Besøk: Harstad"]
    assert type(visit.start) is date and visit.start == timezone.localdate() + timedelta(days=10)
    journey.goto(f"/prosjekter/{room.pk}/eskalering/{step.pk}/")
    page.get_by_role("button", name="Send meldingen").click()
    page.wait_for_load_state()
    assert OutboxMessage.objects.filter(recipient="radmann.harstad@demo.fremdrift.no", kind="escalation").exists()
    journey.logout()
    journey.login("biblioteksjef.tromso@demo.fremdrift.no", DEMO_PASSWORD)
    tromso_milestone = Milestone.objects.filter(participant__municipality__number="5501").first()
    journey.goto(f"/prosjekter/{room.pk}/milepaeler/{tromso_milestone.pk}/")
    journey.scan("head-milestone")
    journey.goto("/mine-milepaeler/")
    journey.scan("head-my-milestones")
