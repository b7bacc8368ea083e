"""A second demo county that writes nynorsk: Vestland (46), with a few municipalities, a county staff
login, a library head login and one project, so that a reviewer sees nynorsk on the first `make run`."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import Membership, User
from followup.services.milestones import save_milestone
from followup.services.progress import log_progress
from municipalities.models import Contact, County, Library, Municipality, Position, Theme
from municipalities.services import create_county
from projects import services
from projects.models import Participant, Project

from .accounts import DEMO_PASSWORD

Role = Membership.Role

# Number, official name, population 1 January 2024 (Statistics Norway, rounded for the demo), regional council.
VESTLAND_MUNICIPALITIES = [
    ("4601", "Bergen", 291940, "Bergensregionen"),
    ("4631", "Alver", 30090, "Nordhordland"),
    ("4640", "Sogndal", 12350, "Sogn regionråd"),
    ("4621", "Voss", 16260, "Hardanger og Voss"),
]
LIBRARIES = {
    "4601": [("Bergen offentlege bibliotek, hovudbiblioteket", True, "Strømgaten 6, 5015 Bergen")],
    "4631": [("Alver bibliotek, Knarvik", True, "Kvassnesvegen 2, 5914 Isdalstø")],
    "4640": [("Sogndal bibliotek", True, "Hovevegen 2, 6856 Sogndal")],
    "4621": [("Voss bibliotek", True, "Uttrågata 17, 5700 Voss")],
}
# The positions list of a nynorsk county, in its own words.
POSITION_NAMES = {
    Position.Code.LIBRARY_HEAD: "Biblioteksjef",
    Position.Code.CHIEF_EXECUTIVE: "Kommunedirektør",
    Position.Code.MAYOR: "Ordførar",
    Position.Code.COUNCILLOR: "Kommunestyrerepresentant",
    Position.Code.TECHNICAL: "Teknisk eining",
    Position.Code.OTHER: "Anna",
}
THEME_NAMES = {
    Theme.Code.LIBRARY_ROOMS: "Biblioteklokale",
    Theme.Code.WEEDING: "Kassering og samlingsutvikling",
    Theme.Code.READING: "Leselyst",
    Theme.Code.DIGITAL: "Digitale tenester",
    Theme.Code.OTHER: "Anna",
}
CONTACTS = [
    ("4640", Position.Code.LIBRARY_HEAD, "Solveig Hauge", "biblioteksjef.sogndal@demo.fremdrift.no"),
    ("4640", Position.Code.CHIEF_EXECUTIVE, "Bjørn Vikøren", "kommunedirektor.sogndal@demo.fremdrift.no"),
    ("4631", Position.Code.LIBRARY_HEAD, "Ragnhild Tveit", "biblioteksjef.alver@demo.fremdrift.no"),
]
# e-mail, name, role, municipality number (None for county roles)
VESTLAND_LOGINS = [
    ("fylke.vestland@demo.fremdrift.no", "Kjersti Rådgjevar", Role.COUNTY_STAFF, None),
    ("biblioteksjef.sogndal@demo.fremdrift.no", "Solveig Hauge", Role.LIBRARY_HEAD, "4640"),
]
PROJECT = "Leselyst i Vestland – eit lesande fylke"


def seed_vestland() -> County:
    """Vestland with its places, logins and project; safe to run again."""
    county = create_county(number="46", name="Vestland")
    if county.written_standard != "nn" and not county.sender_email:  # first run: a nynorsk county
        county.written_standard = "nn"
        county.sender_name, county.sender_email = (
            "Vestland fylkesbibliotek",
            "fylkesbiblioteket.vestland@demo.fremdrift.no",
        )
        county.save(update_fields=["written_standard", "sender_name", "sender_email"])
    for code, name in POSITION_NAMES.items():
        Position.objects.filter(county=county, code=code).update(name=name)
    for code, name in THEME_NAMES.items():
        Theme.objects.filter(county=county, code=code).update(name=name)
    by_number = {}
    for number, name, population, region in VESTLAND_MUNICIPALITIES:
        by_number[number], _created = Municipality.objects.get_or_create(
            number=number, defaults={"name": name, "county": county, "population": population, "region": region}
        )
    for number, libraries in LIBRARIES.items():
        for name, is_main, address in libraries:
            Library.objects.get_or_create(
                municipality=by_number[number], name=name, defaults={"is_main": is_main, "address": address}
            )
    positions = {p.code: p for p in Position.objects.filter(county=county).exclude(code="")}
    for number, code, name, email in CONTACTS:
        Contact.objects.get_or_create(
            county=county,
            municipality=by_number[number],
            position=positions[code],
            email=email,
            defaults={"name": name},
        )
    users = _seed_logins(county)
    _seed_project(county, users, by_number)
    return county


def _seed_logins(county: County) -> dict[str, User]:
    users = {}
    for email, name, role, number in VESTLAND_LOGINS:
        user, created = User.objects.get_or_create(email=email, defaults={"name": name})
        if created or not user.has_usable_password():
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        municipality = Municipality.objects.get(number=number) if number else None
        Membership.objects.get_or_create(user=user, role=role, county=county, municipality=municipality)
        Contact.objects.filter(email=email, user__isnull=True).update(user=user)
        users[email] = user
    return users


def _seed_project(county: County, users: dict[str, User], by_number: dict[str, Municipality]) -> Project:
    existing = Project.objects.filter(county=county, title=PROJECT).first()
    if existing:
        return existing
    staff = users["fylke.vestland@demo.fremdrift.no"]
    head = users["biblioteksjef.sogndal@demo.fremdrift.no"]
    today = timezone.localdate()
    project = services.create_project(
        county=county,
        by=staff,
        title=PROJECT,
        theme=Theme.objects.get(county=county, code=Theme.Code.READING),
        purpose="Fleire barn og unge skal lese meir. Vi veit kva vi vil oppnå: fleire utlån, fleire lesarar "
        "i lesekampanjen og ein lesestund i veka på kvart bibliotek.\n\n**Ting tek tid** – planen har "
        "romslege fristar.",
        public_summary="Sogndal og Alver styrkjer leselysta hos barn og unge saman med fylkesbiblioteket.",
        start_on=today - timedelta(days=120),
        end_on=today + timedelta(days=365),
    )
    Project.objects.filter(pk=project.pk).update(status=Project.Status.ACTIVE)
    project.status = Project.Status.ACTIVE
    goal = services.save_goal(project=project, by=staff, text="Fleire barn og unge låner bøker")
    services.save_indicator(
        project=project, goal=goal, by=staff, name="Utlån til barn per månad", unit="utlån", baseline=800, target=1100
    )
    services.save_requirement(project=project, by=staff, text="Logg framdrift kvar månad")
    sogndal, alver = services.invite_participants(
        project=project, municipalities=[by_number["4640"], by_number["4631"]], by=staff
    )
    for participant in (sogndal, alver):
        services.change_participant_status(participant=participant, to=Participant.Status.COMMITTED, by=staff)
        services.change_participant_status(participant=participant, to=Participant.Status.ACTIVE, by=staff)
    plan = save_milestone(
        project=project,
        by=staff,
        name="Leseplan for barn og unge",
        planned_on=today - timedelta(days=60),
        participant=sogndal,
    )
    save_milestone(
        project=project,
        by=staff,
        name="Lesekampanje i sommarferien",
        planned_on=today + timedelta(days=40),
        participant=sogndal,
    )
    save_milestone(
        project=project,
        by=staff,
        name="Leseplan for barn og unge",
        planned_on=today + timedelta(days=20),
        participant=alver,
    )
    log_progress(
        milestone=plan,
        by=head,
        status="done",
        text="Leseplanen er vedteken i kommunestyret. Skulane og barnehagane er med.",
        completed_on=today - timedelta(days=55),
    )
    return project
