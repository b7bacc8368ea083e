from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = _("Planning")

    def ready(self):
        from documents.exports import register_export_kind
        from followup import health
        from followup.services.meetings import register_meeting_links
        from municipalities.sections import Section as PlaceSection
        from municipalities.sections import register_county_section
        from projects.lifecycle import register_gate
        from projects.models import Project
        from projects.sections import Section, register_participant_section, register_project_section

        from . import exports, letter_views, stakeholders, views
        from .selectors import ground_rules_links
        from .services import capacity_gate

        # A project starts only after the reality check (or with a written reason to start anyway).
        register_gate(from_status=Project.Status.PLANNING, to_status=Project.Status.ACTIVE, gate=capacity_gate)
        health.register_input(stakeholders.health_input)
        register_export_kind("project-list", exports.project_list_export)
        register_export_kind("planning-budgets", exports.budget_export)
        register_meeting_links(ground_rules_links)
        register_project_section(
            Section(
                key="plan",
                label=_("Plan and money"),
                template="planning/partials/_project_plan.html",
                context=views.project_plan_section,
                staff_only=True,
                order=10,
            )
        )
        register_participant_section(
            Section(
                key="plan",
                label=_("Stakeholders and money"),
                template="planning/partials/_participant_plan.html",
                context=views.participant_plan_section,
                order=10,
            )
        )
        register_participant_section(
            Section(
                key="brev",
                label=_("Letters"),
                template="planning/partials/_participant_letters.html",
                context=letter_views.participant_letters_section,
                staff_only=True,
                order=45,
            )
        )
        register_county_section(
            PlaceSection(
                key="plan",
                template="planning/partials/_county_plan.html",
                context=views.county_plan_section,
                order=10,
            )
        )
