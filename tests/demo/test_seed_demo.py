"""The demo (`seed_demo`) and the benchmark data built on it.

The demo is loaded once for all of these tests (`demo`, module-scoped, in a transaction
rolled back at the end; the module is one xdist group, so one worker loads it once).
Each test runs in a savepoint of its own inside it, so a test that loads the demo
again, tampers with a seal or adds benchmark data leaves the demo as it was.
"""

import html
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, User
from agreements.models import Agreement, Seal
from agreements.selectors import unsigned_participant_ids
from demo.accounts import DEMO_LOGINS
from demo.seed_lessons import SEED_TITLE, parse
from evaluations import selectors as evaluation_selectors
from evaluations.models import Answer, Conclusion, CorrectionChange, Kind, Lesson, Response, Round
from followup.models import Meeting, Milestone
from municipalities.models import Contact, County, Library, Municipality
from newsletters.models import Newsletter, Showcase, Subscriber
from notifications.models import OutboxMessage
from projects.models import Measurement, Project
from tests.conftest import skip_or_fail

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> str:
    """Loads the demo once for the module and returns what seed_demo printed."""
    try:
        import weasyprint  # noqa: F401  (the demo's agreements and reports are PDFs)
    except (ImportError, OSError) as exc:
        skip_or_fail(f"WeasyPrint cannot be imported here, so the demo's PDFs cannot be rendered ({exc})")
    with (
        django_db_blocker.unblock(),
        # As tests/conftest.py's `_mail_through_the_outbox` does for each test.
        override_settings(EMAIL_BACKEND="notifications.backends.OutboxBackend"),
        transaction.atomic(),
    ):
        output = io.StringIO()
        call_command("seed_demo", "--i-know-this-is-demo", stdout=output)
        yield output.getvalue()
        transaction.set_rollback(True)


def _counts() -> dict[str, int]:
    models = [
        County,
        Municipality,
        Library,
        Contact,
        User,
        Membership,
        Project,
        Agreement,
        Seal,
        Newsletter,
        Subscriber,
        Showcase,
        OutboxMessage,
        Round,
        Response,
        Answer,
        Conclusion,
        Lesson,
        Measurement,
        CorrectionChange,
    ]
    return {model._meta.label: model.objects.count() for model in models}


def test_seed_demo_is_idempotent(demo):
    before = _counts()
    call_command("seed_demo", "--i-know-this-is-demo", stdout=io.StringIO())
    assert _counts() == before
    assert sorted(Agreement.objects.values_list("status", flat=True)) == ["draft", "sealed", "sealed", "sealed", "sent"]


# ---------------------------------------------------------------------- places and logins


def test_seed_demo_creates_troms_and_the_logins(demo):
    assert Municipality.objects.filter(county__number="55").count() == 21
    assert Municipality.objects.get(number="5538").name == "Storfjord - Omasvuotna - Omasvuono"
    for email, *_ in DEMO_LOGINS:
        assert email in demo
        assert User.objects.get(email=email).check_password("fremdrift-demo")
    assert "FREMDRIFTDEMOKEY" in demo


def test_seed_demo_creates_vestland_writing_nynorsk(demo, client):
    """A reviewer sees nynorsk on the first `make run`: Vestland's staff and library head log in to a
    county writing nynorsk, with official municipalities and a project; Troms stays bokmål."""
    from demo.vestland import PROJECT, VESTLAND_LOGINS

    vestland, troms = County.objects.get(number="46"), County.objects.get(number="55")
    assert (vestland.name, vestland.written_standard, troms.written_standard) == ("Vestland", "nn", "nb")
    assert {m.number: m.name for m in vestland.municipalities.all()} == {
        "4601": "Bergen",
        "4621": "Voss",
        "4631": "Alver",
        "4640": "Sogndal",
    }
    for email, *_ in VESTLAND_LOGINS:
        assert email in demo and User.objects.get(email=email).check_password("fremdrift-demo")
    project = Project.objects.get(county=vestland, title=PROJECT)
    assert sorted(p.municipality.number for p in project.participants.all()) == ["4631", "4640"]
    client.force_login(User.objects.get(email="biblioteksjef.sogndal@demo.fremdrift.no"))
    page = client.get(project.get_absolute_url())
    assert page.status_code == 200 and page["Content-Language"] == "nn"
    text = html.unescape(page.content.decode())
    assert PROJECT in text and "Fremdrift" in text  # the product name stays
    assert "Prosjektleiarar" in text and "Deltakarar" in text and "Deltakere" not in text


def test_seed_demo_links_leadership_to_their_contacts(demo):
    radmann = User.objects.get(email="radmann.tromso@demo.fremdrift.no")
    contact = Contact.objects.get(user=radmann)
    assert contact.position.code == "chief_executive" and contact.municipality.number == "5501"
    assert Contact.objects.get(user__email="ordforer.tromso@demo.fremdrift.no").position.code == "mayor"
    positions = set(Contact.objects.filter(municipality__number="5503").values_list("position__code", flat=True))
    assert positions == {"library_head", "chief_executive", "mayor", "councillor", "technical", "other"}


def test_official_import_after_the_demo_keeps_its_names(demo, tmp_path):
    path = tmp_path / "ssb.csv"
    path.write_text("code;name\n5518;Loabák - Lavangen - Lávangen\n", encoding="utf-8")
    call_command("import_municipalities", str(path), "--county", "55")
    call_command("seed_demo", "--i-know-this-is-demo", stdout=io.StringIO())
    assert Municipality.objects.get(number="5518").name == "Loabák - Lavangen - Lávangen"


# ---------------------------------------------------------------------- agreements


def test_seed_demo_makes_agreements_in_every_state(demo, capsys):
    agreements = {(a.municipality.number, a.version): a for a in Agreement.objects.with_supersession()}
    assert len(agreements) == 5
    tromso, tromso_amendment = agreements[("5501", 1)], agreements[("5501", 2)]
    assert tromso.status == "sealed" and not tromso.is_superseded and hasattr(tromso, "publication")
    signers = {s.slot: s.signed_by.email for s in tromso.signatures.all()}
    assert signers["chief_executive"] == "radmann.tromso@demo.fremdrift.no"
    assert signers["library_head"] == "biblioteksjef.tromso@demo.fremdrift.no"
    assert signers["county"] == "fylke@demo.fremdrift.no"
    assert tromso_amendment.status == "sent" and tromso_amendment.requires_mayor
    assert tromso_amendment.mayor_contact.user.email == "ordforer.tromso@demo.fremdrift.no"
    assert {s.slot for s in tromso_amendment.signatures.valid()} == {"county", "library_head", "chief_executive"}
    assert agreements[("5503", 1)].is_superseded and agreements[("5503", 2)].status == "sealed"
    assert agreements[("5524", 1)].status == "draft"
    assert unsigned_participant_ids([a.participant_id for a in agreements.values()]) == {
        tromso.participant_id,
        agreements[("5524", 1)].participant_id,
    }
    call_command("verify_agreements")
    assert "3 sealed agreements verified: every hash and keyed seal matches." in capsys.readouterr().out
    assert not Seal.objects.filter(hmac_sha256="").exists()


def test_seed_demo_has_what_an_archive_extract_needs_and_the_extract_is_sound(demo, client, tmp_path, capsys):
    """On the first `make run` a reviewer can make an extract: the county's archive creator is set, the
    project with sealed agreements has its case number, and the extract of it passes verify_archive."""
    import tarfile

    from lxml import etree

    from archive.extract import N5
    from archive.extract import OURS as urn

    troms = County.objects.get(number="55")
    assert (troms.archive_creator_id, troms.archive_creator_name) == ("817920632", "Troms fylkeskommune")
    sealed_projects = Project.objects.filter(county=troms, agreements__sealed_at__isnull=False).distinct()
    assert [(p.title, p.case_number) for p in sealed_projects] == [
        ("Bibliotekrom i Troms – fra samling til møteplass", "2025/1187")
    ]
    client.force_login(User.objects.get(email="fylke@demo.fremdrift.no"))
    page = client.get(reverse("archive:export-list", kwargs={"number": "55"})).content.decode()
    assert "Arkivskaper: Troms fylkeskommune (817920632)." in page
    path = tmp_path / "demo.tar"
    call_command("export_archive", "--project", str(sealed_projects[0].pk), "--out", str(path))
    call_command("verify_archive", str(path))
    assert "the extract is sound" in capsys.readouterr().out
    with tarfile.open(path) as tar:
        [structure] = [m for m in tar.getmembers() if m.name.endswith("/arkivstruktur.xml")]
        tree = etree.fromstring(tar.extractfile(structure).read())
    assert tree.findtext(f"{{{N5}}}arkivdel/{{{N5}}}mappe/{{{N5}}}mappeID") == "2025/1187"
    # Tromsø's version 1 and Harstad's versions 1 and 2 (Tromsø's amendment awaits the mayor).
    agreements = [r for r in tree.iterfind(f".//{{{N5}}}registrering") if r.find(f".//{{{urn}}}segl") is not None]
    assert len(agreements) == 3


def test_seed_demo_says_when_an_older_demo_has_seals_without_a_keyed_seal(demo, capsys):
    from tests.agreements.conftest import tamper

    seal = Seal.objects.order_by("pk").first()
    tamper("UPDATE agreements_seal SET hmac_sha256 = '', hmac_key_id = '' WHERE id = %s", [seal.pk])
    capsys.readouterr()
    call_command("seed_demo", "--i-know-this-is-demo")
    assert "1 demo agreements were sealed by an older Fremdrift" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("verify_agreements")
    assert f"agreement {seal.agreement_id} ({seal.verification_code}): has no keyed seal" in capsys.readouterr().err


# ---------------------------------------------------------------------- evaluations


def test_seed_demo_loads_the_evaluations(demo):
    mapping = Round.objects.get(kind=Kind.MAPPING)
    assert mapping.status == Round.Status.CLOSED
    assert mapping.responses.filter(status=Response.Status.SUBMITTED).count() == mapping.responses.count() == 4
    assert Conclusion.objects.filter(published_on__isnull=False).count() == 3
    assert evaluation_selectors.published_conclusions(mapping.project.county).count() == 3

    midterm = Round.objects.get(kind=Kind.MIDTERM)
    assert midterm.is_open and not midterm.is_past_deadline
    statuses = sorted(midterm.responses.values_list("status", flat=True))
    assert statuses.count("submitted") == 2 and "draft" in statuses and "pending" in statuses
    assert CorrectionChange.objects.get().correction.round == midterm

    ttt = Measurement.objects.filter(library__isnull=False)
    assert ttt.filter(period="before").exists() and ttt.filter(period="after").exists()

    finished = Project.objects.get(title=SEED_TITLE)
    assert finished.status == Project.Status.CLOSED and finished.midterm_skip_reason
    assert [(lesson.section, lesson.text) for lesson in finished.lessons.order_by("order")] == parse()


# ---------------------------------------------------------------------- infobrev


def test_seed_demo_has_sent_and_draft_infobrev_subscribers_and_a_public_showcase(demo, client):
    assert Newsletter.objects.filter(status="sent", is_public=True).count() == 2
    assert Newsletter.objects.filter(status="draft").exists()
    assert Subscriber.objects.filter(status="confirmed").count() >= 3
    assert OutboxMessage.objects.filter(kind="newsletter").count() > 10
    showcase = Showcase.objects.get()
    assert showcase.is_published and showcase.photos.count() == 1
    page = client.get(showcase.get_public_url()).content.decode()
    assert "Harstad bibliotek" in page and '<figure class="fd-chart"' in page
    county_page = client.get(reverse("newsletters:public-county", kwargs={"number": "55"})).content.decode()
    assert showcase.get_public_url() in county_page
    # The room project's money changes still wait for an infobrev, for staff to try the draft.
    assert Project.objects.get(title__startswith="Bibliotekrom i Troms").infobrev_suggested_at is not None


# ---------------------------------------------------------------------- the benchmark data (the demo, then synthetic)


class TestBenchmarkData:
    """The demo, then county-scale synthetic data: generated once for these tests, undone after them."""

    @pytest.fixture(scope="class")
    def benchmark(self, demo, django_db_blocker) -> dict[str, list[int]]:
        """The demo's ids of what the synthetic data adds to (to tell the two apart)."""
        with django_db_blocker.unblock():
            savepoint = transaction.savepoint()
            before = {
                "agreements": list(Agreement.objects.values_list("pk", flat=True)),
                "newsletters": list(Newsletter.objects.values_list("pk", flat=True)),
                "outbox": list(OutboxMessage.objects.values_list("pk", flat=True)),
                "subscribers": list(Subscriber.objects.values_list("pk", flat=True)),
            }
            try:
                call_command("generate_benchmark_data", "--scale", "county")  # the demo again, then synthetic
                yield before
            finally:  # also when the generation fails: the module's later tests see the demo as it was
                transaction.savepoint_rollback(savepoint)

    def test_generate_benchmark_data_at_county_scale(self, benchmark):
        assert County.objects.count() == 2
        assert Municipality.objects.count() == 45
        assert Library.objects.count() == 100
        assert Contact.objects.count() == 400
        assert User.objects.count() == 200
        from followup.models import EscalationStep, Meeting, ProgressEntry, Visit

        assert (
            ProgressEntry.objects.count() >= 16000 and Visit.objects.count() >= 1300 and Meeting.objects.count() >= 1300
        )
        # The ladder is as the daily job left it yesterday: today's run only climbs what falls due today.
        from followup.services.escalation import run_reminders

        history = EscalationStep.objects.count()
        today = run_reminders()
        assert history > 1000 and today.overdue > 500
        assert today.steps < today.overdue / 10
        with pytest.raises(CommandError, match="already present"):
            call_command("generate_benchmark_data", "--scale", "county")

    def test_benchmark_agreements_are_mostly_sealed_with_real_hashes(self, benchmark, capsys):
        synthetic = Agreement.objects.exclude(pk__in=benchmark["agreements"])
        count = synthetic.count()
        assert count == 800 * 2 // 3  # two thirds of the participants (8,000 of 12,000 at national scale)
        assert synthetic.filter(status="sealed").count() > count * 0.6
        assert Seal.objects.filter(agreement__in=synthetic).count() == synthetic.filter(status="sealed").count()
        call_command("verify_agreements")
        assert "sealed agreements verified" in capsys.readouterr().out

    def test_benchmark_data_has_newsletters_with_outbox_rows(self, benchmark):
        synthetic = Newsletter.objects.exclude(pk__in=benchmark["newsletters"])
        assert synthetic.count() == 200
        sent = synthetic.filter(status="sent")
        outbox = OutboxMessage.objects.exclude(pk__in=benchmark["outbox"]).filter(kind="newsletter")
        assert outbox.count() == sent.count() * 25
        assert Subscriber.objects.exclude(pk__in=benchmark["subscribers"]).count() == 2 * 150


# ------------------------------------------------------ what a reviewer sees on the first `make run` (issue 17)


def _staff_reads(client, url) -> str:
    """The page's text as the county's staff member reads it."""
    client.force_login(User.objects.get(email="fylke@demo.fremdrift.no"))
    response = client.get(url)
    assert response.status_code == 200
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def test_the_demo_shows_a_municipality_nobody_can_be_reached_in_as_a_gap(demo, client):
    text = _staff_reads(client, reverse("followup:followup-dashboard", kwargs={"number": "55"}))
    assert "Påminnelser ingen kunne få" in text
    assert "Målselv har ingen biblioteksjef med innlogging — legg til en kontakt eller inviter" in text


def test_the_demo_shows_an_overdue_milestone_with_its_real_delay(demo, client):
    room = Project.objects.get(title__startswith="Bibliotekrom i Troms")
    weeding = Milestone.objects.get(
        participant__project=room, participant__municipality__name="Harstad", name__startswith="Kassering"
    )
    days = (timezone.localdate() - weeding.planned_on).days
    assert weeding.status in Milestone.OPEN and days > 1
    text = _staff_reads(client, reverse("followup:milestone-list", kwargs={"pk": room.pk}))
    assert (
        f"Forsinket {days} dager: frist {weeding.planned_on.day}.{weeding.planned_on.month}.{weeding.planned_on.year}"
        in text
    )
    assert "Forsinkelse 0 dager" not in text


def test_the_demo_shows_an_invitee_taken_off_a_coming_meeting(demo, client):
    workshop = Meeting.objects.get(title__startswith="Verksted 3")
    text = _staff_reads(client, reverse("notifications:outbox", kwargs={"number": "55"}))
    assert "terje.lund@demo.fremdrift.no" in text and "Tatt av invitasjonslisten: Verksted 3" in text
    cancel = OutboxMessage.objects.get(recipient="terje.lund@demo.fremdrift.no", subject__startswith="Tatt av")
    assert "Du er tatt av invitasjonslisten" in cancel.body_text
    assert cancel.attachments[0]["mimetype"] == "text/calendar; method=CANCEL"
    meeting_page = _staff_reads(
        client, reverse("followup:meeting-detail", kwargs={"pk": workshop.project_id, "meeting_pk": workshop.pk})
    )
    assert "Terje Lund" not in meeting_page and "Anne Berg" in meeting_page


def _room():
    return Project.objects.get(title__startswith="Bibliotekrom i Troms")


def test_the_demo_shows_indicator_values_as_numbers_people_write(demo, client):
    room = _room()
    page = _staff_reads(client, reverse("projects:project-detail", kwargs={"pk": room.pk}))
    assert "Besøk per uke (besøk) 420 600" in page  # baseline and target, not "420,00" / "600.00"
    assert not re.search(r"\d[.,]00\b", page), re.findall(r".{40}\d[.,]00\b.{10}", page)
    midterm = Round.objects.get(kind=Kind.MIDTERM)
    round_page = _staff_reads(client, reverse("evaluations:round-detail", kwargs={"pk": midterm.pk}))
    assert not re.search(r"\d[.,]00\b", round_page), re.findall(r".{40}\d[.,]00\b.{10}", round_page)


def test_the_demo_shows_money_in_whole_kroner_and_shares_with_one_decimal(demo, client):
    room = _room()
    harstad = room.participants.get(municipality__number="5503")
    page = _staff_reads(
        client, reverse("projects:participant-detail", kwargs={"pk": room.pk, "participant_pk": harstad.pk})
    )
    # (the page's text with its spaces, no-break ones too, read as single spaces)
    assert "Tilskudd fra fylket 80 000 kr" in page and "80 000,00" not in page
    assert "42,9 %" in page and "42,86" not in page


def test_the_demo_is_late_only_where_its_story_says(demo):
    """Tromsø is on time, Harstad is late with its weeding, Målselv has done nothing; the project's own
    steps (workshops) that are past were held. Invited municipalities are not late: they never said yes."""
    from followup.models import Milestone as M

    late = M.objects.filter(project=_room(), status__in=M.OPEN, planned_on__lt=timezone.localdate())
    assert not late.filter(participant__isnull=True).exists(), list(late.filter(participant__isnull=True))
    assert set(late.values_list("participant__municipality__number", flat=True)) <= {"5503", "5524", "5540"}
    assert [m.name for m in late.filter(participant__municipality__number="5503")] == [
        "Kassering og rydding før ombygging"
    ]
    assert late.filter(participant__municipality__number="5524").count() > 3


def test_the_demo_has_no_pending_request_to_answer_a_closed_round(demo):
    mapping = Round.objects.get(kind=Kind.MAPPING)
    assert mapping.deadline < timezone.localdate()
    asked = OutboxMessage.objects.filter(subject__contains="Kartlegging", kind="evaluation")
    assert asked.exists()  # the invitation went out when the round was open …
    assert not asked.filter(status__in=["pending", "held", "sending"]).exists()  # … and is not waiting to go now
    assert all(m.created_at.date() <= mapping.deadline for m in asked)


def test_the_demo_does_not_call_harstad_finished_while_its_work_is_open(demo, client):
    from followup.models import Milestone as M
    from projects.models import Participant

    harstad = _room().participants.get(municipality__number="5503")
    open_work = M.objects.filter(participant=harstad, status__in=M.OPEN).exists()
    assert not (harstad.status == Participant.Status.COMPLETED and open_work)
    # The infobrev about the spring does not say Harstad's room project is done while its weeding is late.
    spring = Newsletter.objects.get(subject__startswith="Infobrev fra Troms fylkesbibliotek")
    if open_work:
        assert "Harstad bibliotek har åpnet sitt nye rom" not in spring.body
    showcase = Showcase.objects.get()
    assert showcase.is_published and showcase.participant.municipality.number == "5503"
    assert showcase.participant.status == Participant.Status.COMPLETED or showcase.project.is_closed


def test_the_demo_counts_only_the_municipalities_taking_part(demo):
    from projects.models import Participant

    room = _room()
    taking_part = room.participants.exclude(
        status__in=[Participant.Status.INVITED, Participant.Status.WITHDRAWN]
    ).count()
    words = {2: "To", 3: "Tre", 4: "Fire", 5: "Fem"}
    spring = Newsletter.objects.get(subject__startswith="Infobrev fra Troms fylkesbibliotek")
    for text in (room.public_summary, spring.body):
        assert "Fem kommuner" not in text or taking_part == 5
        assert words[taking_part].lower() + " kommuner" in text.lower(), text
