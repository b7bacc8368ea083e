"""Demo infobrev for Troms: subscribers, two sent newsletters, a draft, and a published showcase of
Harstad's new library room (from the finished project of 2019–2022). Safe to run again."""

import io
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.models import User
from demo.projects import ROOM_PROJECT, WEEDING_PROJECT
from demo.seed_lessons import SEED_TITLE
from municipalities.models import County, Library
from newsletters.models import Newsletter, Showcase, Subscriber, Suppression
from newsletters.services import sending, showcases, subscriptions, writing
from newsletters.services.base import ensure_mailing_list
from projects.models import Indicator, Measurement, Participant, Project

COUNTY_NEWSLETTER = "Infobrev fra Troms fylkesbibliotek: våren i bibliotekene"
WEEDING_NEWSLETTER = "Oppstart: kassering og samlingsutvikling i Nord-Troms"
ROOM_DRAFT = "Status for bibliotekrommene"
SHOWCASE_SLUG = "harstad-bibliotekrom"


def seed_newsletters(county: County) -> None:
    staff = User.objects.get(email="fylke@demo.fremdrift.no")
    room = Project.objects.get(county=county, title=ROOM_PROJECT)
    weeding = Project.objects.get(county=county, title=WEEDING_PROJECT)
    _subscribers(county, room)
    if not Newsletter.objects.filter(county=county, subject=COUNTY_NEWSLETTER).exists():
        _send(
            writing.create_newsletter(
                county=county,
                by=staff,
                subject=COUNTY_NEWSLETTER,
                is_public=True,
                body=(
                    "Hei alle sammen!\n\n"
                    "Våren har vært travel i bibliotekene i Troms:\n\n"
                    f"- {_count_words(room)} fornyer **bibliotekrommene** sine sammen med oss.\n"
                    "- Nord-Troms har startet et prosjekt om **kassering og samlingsutvikling**.\n"
                    "- Harstad bibliotek fikk et nytt rom i forrige prosjekt (2019–2022) – se "
                    f"[eksempelsiden]({settings.SITE_URL}/offentlig/{county.number}/eksempler/{SHOWCASE_SLUG}/).\n\n"
                    "Ting tar tid, men det går framover. Takk for innsatsen!"
                ),
            ),
            staff,
        )
    if not Newsletter.objects.filter(county=county, subject=WEEDING_NEWSLETTER).exists():
        _send(
            writing.create_newsletter(
                county=county,
                project=weeding,
                by=staff,
                subject=WEEDING_NEWSLETTER,
                is_public=True,
                body=(
                    "Nå starter vi!\n\n"
                    "Nordreisa, Skjervøy og Kvænangen lager hver sin **samlingsplan** og rydder i samlingen.\n\n"
                    "Første verksted er i Storslett. Teknisk avdeling og biblioteksjefene inviteres."
                ),
            ),
            staff,
        )
    if not Newsletter.objects.filter(county=county, subject=ROOM_DRAFT).exists():
        writing.create_newsletter(
            county=county,
            project=room,
            by=staff,
            subject=ROOM_DRAFT,
            body="Tromsø og Harstad er godt i gang. Målselv venter på lokale midler.\n\n*Utkast – ikke sendt.*",
        )
    _showcase(county, room, staff)


def _count_words(project) -> str:
    """ "Tre kommuner": those taking part (committed, active or completed), not the invited or withdrawn."""
    taking_part = project.participants.filter(
        status__in=[Participant.Status.COMMITTED, Participant.Status.ACTIVE, Participant.Status.COMPLETED]
    ).count()
    words = {1: "Én kommune", 2: "To kommuner", 3: "Tre kommuner", 4: "Fire kommuner", 5: "Fem kommuner"}
    return words.get(taking_part, f"{taking_part} kommuner")


def _subscribers(county, room) -> None:
    county_list = ensure_mailing_list(county=county)
    room_list = ensure_mailing_list(county=county, project=room)
    if not room_list.is_public:
        subscriptions.set_list_public(mailing_list=room_list, by=None, is_public=True)
    now = timezone.now()
    rows = [
        (county_list, "lokalavisa@demo.fremdrift.no", "Lokalavisa", Subscriber.Status.CONFIRMED),
        (county_list, "bibliotekvenn@demo.fremdrift.no", "Venneforeningen", Subscriber.Status.CONFIRMED),
        (county_list, "skole.senja@demo.fremdrift.no", "Skolebiblioteket på Senja", Subscriber.Status.PENDING),
        (room_list, "arkitekt@demo.fremdrift.no", "Arkitektkontoret", Subscriber.Status.CONFIRMED),
        (room_list, "tidligere@demo.fremdrift.no", "", Subscriber.Status.UNSUBSCRIBED),
    ]
    for mailing_list, email, name, status in rows:
        Subscriber.objects.get_or_create(
            mailing_list=mailing_list,
            email=email,
            defaults={
                "name": name,
                "status": status,
                "confirmed_at": now if status != "pending" else None,
                "unsubscribed_at": now if status == "unsubscribed" else None,
            },
        )
    Suppression.objects.get_or_create(
        email="tidligere@demo.fremdrift.no", mailing_list=room_list, defaults={"county": county}
    )


def _send(newsletter, staff) -> None:
    sending.send_newsletter(newsletter=newsletter, by=staff)
    # Queued at once, whether or not a worker runs: the demo shows a sent infobrev right away.
    sending.queue_recipients(newsletter_id=newsletter.pk)


def _showcase(county, room, staff) -> None:
    """Harstad's room from the finished project of 2019–2022: finished work, while Harstad's part in
    today's room project is still under way (its weeding is late)."""
    if Showcase.objects.filter(county=county, slug=SHOWCASE_SLUG).exists():
        return
    finished = Project.objects.get(county=county, title=SEED_TITLE)
    harstad = Participant.objects.select_related("municipality").get(project=finished, municipality__number="5503")
    # The project closed in 2022 with Harstad's part done (the project is closed: no service changes it now).
    Participant.objects.filter(pk=harstad.pk).update(status=Participant.Status.COMPLETED)
    harstad.refresh_from_db()
    _measurements(finished, harstad, staff)
    showcase = showcases.create_showcase(
        project=finished,
        participant=harstad,
        by=staff,
        slug=SHOWCASE_SLUG,
        title="Harstad bibliotek: fra samling til møteplass",
        summary=(
            "I bibliotekromprosjektet 2019–2022 ryddet Harstad bibliotek samlingen, flyttet hyllene inn mot veggene "
            "og fikk plass til en **scene**, en sofakrok og et verksted. Teknisk avdeling var med fra første dag, "
            "og rådmann og ordfører deltok på oppstartsmøtet."
        ),
        results=(
            "- Besøket økte fra 310 til 420 i uka.\n"
            "- Biblioteket har nå fem arrangementer i måneden.\n"
            "- Kommunen la 64 000 kroner av egne midler til fylkets tilskudd."
        ),
    )
    photo = ContentFile(_room_sketch(), name="rom.png")
    showcases.add_showcase_photo(
        showcase=showcase,
        by=staff,
        upload=photo,
        alt_text="Skisse av det nye biblioteket i Harstad: bokhyller langs veggene, en sofakrok og en liten scene i midten.",
        caption="Slik ble rommet i Harstad bibliotek.",
    )
    showcases.publish_showcase(showcase=showcase, by=staff)


def _measurements(project, participant, staff) -> None:
    """Before and after values for Harstad's two libraries (the TTT measurement), at the start and the end
    of the finished project (its indicators are made here: the project is closed)."""
    values = {("Besøk per uke", "besøk"): [(310, 420), (45, 60)], ("Arrangementer per måned", ""): [(1, 5), (0, 2)]}
    libraries = list(Library.objects.filter(municipality=participant.municipality).order_by("-is_main", "name"))
    for (name, unit), pairs in values.items():
        indicator, _ = Indicator.objects.get_or_create(project=project, name=name, defaults={"unit": unit})
        if Measurement.objects.filter(indicator=indicator, library__in=libraries).exists():
            continue
        for library, (before, after) in zip(libraries, pairs, strict=False):
            for value, period, measured_on in [
                (before, Measurement.Period.BEFORE, project.start_on + timedelta(days=30)),
                (after, Measurement.Period.AFTER, project.end_on - timedelta(days=30)),
            ]:
                Measurement.objects.create(
                    indicator=indicator,
                    library=library,
                    value=value,
                    period=period,
                    measured_on=measured_on,
                    recorded_by=staff,
                )


def _room_sketch() -> bytes:
    """A simple drawing of a library room (no people in it), made here so the demo needs no files."""
    image = Image.new("RGB", (640, 400), (245, 241, 232))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 300, 640, 400), fill=(196, 164, 122))  # floor
    for x in range(20, 620, 60):  # shelves along the back wall
        draw.rectangle((x, 60, x + 50, 280), fill=(120, 84, 52))
        for y in range(75, 270, 40):
            for book in range(x + 4, x + 46, 7):
                draw.rectangle((book, y, book + 5, y + 30), fill=((book * 37) % 200, (y * 13) % 180, 110))
    draw.rectangle((250, 290, 390, 330), fill=(18, 55, 94))  # the stage
    draw.rounded_rectangle((60, 320, 200, 370), radius=12, fill=(180, 83, 9))  # the sofa
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
