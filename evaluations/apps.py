from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = _("Evaluations")

    def ready(self):
        from accounts.signals import invitation_accepted
        from documents.exports import register_export_kind
        from projects.lifecycle import register_gate
        from projects.models import Project
        from projects.sections import Section, register_project_section
        from projects.signals import expert_attached

        from . import exports
        from .services.midterm import midterm_gate
        from .services.rounds import on_expert_attached, on_invitation_accepted

        # No project closes without a mid-term evaluation or a recorded reason for skipping it.
        register_gate(from_status=Project.Status.ACTIVE, to_status=Project.Status.CLOSING, gate=midterm_gate)
        # An expert attached after a round opened is asked in it too (if it asks experts).
        expert_attached.connect(on_expert_attached, dispatch_uid="evaluations-ask-attached-expert")
        # A library head invited after a round opened is told of it by e-mail when they accept.
        invitation_accepted.connect(on_invitation_accepted, dispatch_uid="evaluations-mail-new-library-head")
        register_export_kind("evaluation-round", exports.round_export)
        register_export_kind("ttt-measurements", exports.ttt_export)
        register_export_kind("lessons", exports.lessons_export)
        register_project_section(
            Section(
                key="evaluering",
                label=_("Evaluations"),
                template="evaluations/partials/_project_evaluations.html",
                context=lambda request, project: {},
                order=30,
            )
        )
