"""Demo infobrev for Troms: subscribers, two sent newsletters, a draft, and a published showcase of
Harstad's new library room (the room project). Safe to run again."""

import io
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.models import User
from demo.projects import ROOM_PROJECT, WEEDING_PROJECT
from municipalities.models import County, Library
from newsletters.models import Newsletter, Showcase, Subscriber, Suppression
from newsletters.services import sending, showcases, subscriptions, writing
from newsletters.services.base import ensure_mailing_list
from projects import services as project_services
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
                    "- Fem kommuner fornyer **bibliotekrommene** sine sammen med oss.\n"
                    "- Nord-Troms har startet et prosjekt om **kassering og samlingsutvikling**.\n"
                    "- Harstad bibliotek har åpnet sitt nye rom – se "
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
    if Showcase.objects.filter(county=county, slug=SHOWCASE_SLUG).exists():
        return
    harstad = Participant.objects.select_related("municipality").get(project=room, municipality__number="5503")
    if harstad.status == Participant.Status.ACTIVE:
        project_services.change_participant_status(participant=harstad, to=Participant.Status.COMPLETED, by=staff)
        harstad.refresh_from_db()
    _measurements(room, harstad, staff)
    showcase = showcases.create_showcase(
        project=room,
        participant=harstad,
        by=staff,
        slug=SHOWCASE_SLUG,
        title="Harstad bibliotek: fra samling til møteplass",
        summary=(
            "Harstad bibliotek ryddet samlingen, flyttet hyllene inn mot veggene og fikk plass til en **scene**, "
            "en sofakrok og et verksted. Teknisk avdeling var med fra første dag, og rådmann og ordfører deltok "
            "på oppstartsmøtet."
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


def _measurements(room, participant, staff) -> None:
    """Before and after values for Harstad's two libraries (the TTT measurement)."""
    today = timezone.localdate()
    values = {"Besøk per uke": [(310, 420), (45, 60)], "Arrangementer per måned": [(1, 5), (0, 2)]}
    libraries = list(Library.objects.filter(municipality=participant.municipality).order_by("-is_main", "name"))
    for indicator in Indicator.objects.filter(project=room, name__in=values):
        if Measurement.objects.filter(indicator=indicator, library__in=libraries).exists():
            continue
        for library, (before, after) in zip(libraries, values[indicator.name], strict=False):
            project_services.record_measurement(
                indicator=indicator,
                by=staff,
                value=before,
                library=library,
                period=Measurement.Period.BEFORE,
                measured_on=today - timedelta(days=280),
            )
            project_services.record_measurement(
                indicator=indicator,
                by=staff,
                value=after,
                library=library,
                period=Measurement.Period.AFTER,
                measured_on=today - timedelta(days=20),
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
