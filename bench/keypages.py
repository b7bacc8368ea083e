"""The key pages of the benchmark (and of the query-budget tests), found in the current database."""

from django.urls import reverse

from agreements.models import Agreement
from demo.projects import ROOM_PROJECT
from municipalities.models import County, Municipality
from projects.models import Project

STAFF = "fylke@demo.fremdrift.no"
HEAD = "biblioteksjef.tromso@demo.fremdrift.no"


def pages() -> list[tuple[str, str, str]]:
    """(name, user e-mail, path) of every key page, for county staff or a library head."""
    county = County.objects.get(number="55")
    project = Project.objects.get(county=county, title=ROOM_PROJECT)
    agreement = Agreement.objects.filter(participant__project=project, participant__municipality__number="5501").first()
    return [
        ("county start page", STAFF, reverse("shell:home")),
        ("follow-up dashboard", STAFF, reverse("followup:followup-dashboard", kwargs={"number": county.number})),
        ("project list", STAFF, reverse("projects:project-list")),
        ("project page", STAFF, project.get_absolute_url()),
        ("municipality page", STAFF, Municipality.objects.get(number="5501").get_absolute_url()),
        ("agreement page", STAFF, agreement.get_absolute_url()),
        ("lessons log", STAFF, reverse("evaluations:lessons-log", kwargs={"number": county.number})),
        ("reports archive", STAFF, reverse("reports:archive")),
        ("my milestones (library head)", HEAD, reverse("followup:my-milestones")),
        ("library head start page", HEAD, reverse("shell:home")),
        ("county page", STAFF, county.get_absolute_url()),
    ]


def print_pages() -> None:
    for name, user, path in pages():
        print(f"{name}\t{user}\t{path}")
