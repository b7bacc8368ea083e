from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = _("Agreements")

    def ready(self):
        from followup import health
        from projects.sections import Section, register_participant_section, register_project_section

        from . import checks  # noqa: F401  (registers the seal key's system checks)
        from .selectors import health_input

        health.register_input(health_input)
        register_project_section(
            Section(
                key="avtaler",
                label=_("Agreements"),
                template="agreements/partials/_project_agreements.html",
                context=lambda request, project: {
                    "participants": list(project.participants.select_related("municipality"))
                },
                order=40,
            )
        )
        register_participant_section(
            Section(
                key="avtaler",
                label=_("Agreements"),
                template="agreements/partials/_participant_agreements.html",
                context=lambda request, participant: {},
                order=30,
            )
        )
