"""The key pages of the benchmark (and of the query-budget tests), found in the current database."""

from django.urls import reverse

from municipalities.models import County, Municipality
from projects.demo import ROOM_PROJECT
from projects.models import Project

STAFF = "fylke@demo.fremdrift.no"
HEAD = "biblioteksjef.tromso@demo.fremdrift.no"


def pages() -> list[tuple[str, str, str]]:
    """(name, user e-mail, path) of every key page, for county staff or a library head."""
    county = County.objects.get(number="55")
    project = Project.objects.get(county=county, title=ROOM_PROJECT)
    return [
        ("county start page", STAFF, reverse("pages:home")),
        ("county page", STAFF, county.get_absolute_url()),
        ("project list", STAFF, reverse("projects:project-list")),
        ("project page", STAFF, project.get_absolute_url()),
        ("municipality page", STAFF, Municipality.objects.get(number="5501").get_absolute_url()),
        ("reports archive", STAFF, reverse("reports:archive")),
        ("library head start page", HEAD, reverse("pages:home")),
    ]


def print_pages() -> None:
    for name, user, path in pages():
        print(f"{name}\t{user}\t{path}")
