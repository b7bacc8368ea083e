from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects")

    def ready(self):
        from municipalities.sections import (
            Section,
            register_county_section,
            register_list_filter,
            register_municipality_section,
        )

        from . import selectors

        register_county_section(
            Section(
                key="not-taking-part",
                template="projects/partials/_county_not_taking_part.html",
                context=lambda request, county: {"not_taking_part": selectors.municipalities_not_taking_part(county)},
                order=90,
            )
        )
        register_municipality_section(
            Section(
                key="projects",
                template="projects/partials/_municipality_projects.html",
                context=lambda request, municipality: {
                    "projects": selectors.list_municipality_projects(request.user, municipality)
                },
                order=10,
            )
        )
        register_list_filter("takes_part", selectors.takes_part_filter)
