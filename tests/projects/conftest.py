from datetime import date

import pytest

from municipalities.models import Theme
from projects import services
from projects.models import Project


@pytest.fixture
def theme(county):
    return Theme.objects.get(county=county, code=Theme.Code.LIBRARY_ROOMS)


@pytest.fixture
def project(county, county_staff, theme):
    return services.create_project(
        county=county,
        by=county_staff,
        title="Bibliotekrommet",
        theme=theme,
        purpose="Et bedre bibliotekrom.",
        start_on=date(2026, 1, 1),
        end_on=date(2027, 6, 30),
    )


def make_active(project):
    Project.objects.filter(pk=project.pk).update(status=Project.Status.ACTIVE)
    project.refresh_from_db()
    return project
