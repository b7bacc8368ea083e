from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "followup"
    verbose_name = _("Follow-up")

    def ready(self):
        from documents.exports import register_export_kind
        from municipalities.sections import Section as PlaceSection
        from municipalities.sections import register_municipality_section
        from municipalities.signals import contacts_changed, county_settings_changed
        from projects.sections import Section, register_participant_section, register_project_section
        from projects.signals import participants_changed
        from shell.start import register_start_provider

        from . import exports, health
        from .selectors import start_page_provider
        from .views.sections import (
            municipality_timeline_link,
            participant_section,
            project_section,
            project_timeline_section,
        )

        participants_changed.connect(health.on_participants_changed, dispatch_uid="followup-health-participants")
        contacts_changed.connect(health.on_contacts_changed, dispatch_uid="followup-health-contacts")
        county_settings_changed.connect(health.on_county_settings_changed, dispatch_uid="followup-health-county")
        register_project_section(
            Section(
                key="oppfolging",
                label=_("Progress and follow-up"),
                template="followup/partials/_project_followup.html",
                context=project_section,
                order=20,
            )
        )
        register_project_section(
            Section(
                key="tidslinje",
                label=_("Timeline"),
                template="followup/partials/_project_timeline.html",
                context=project_timeline_section,
                order=15,
            )
        )
        register_participant_section(
            Section(
                key="oppfolging",
                label=_("Progress and follow-up"),
                template="followup/partials/_participant_followup.html",
                context=participant_section,
                order=20,
            )
        )
        register_municipality_section(
            PlaceSection(
                key="tidslinje",
                template="projects/partials/_lazy_section.html",
                context=municipality_timeline_link,
                order=60,
            )
        )
        register_start_provider(start_page_provider)
        register_export_kind("milestones", exports.milestone_export)
