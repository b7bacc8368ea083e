from django import forms
from django.utils.translation import gettext_lazy as _

from projects.models import Project
from reports.forms import MonthField
from shell.forms import ModelChoiceField, form_helper


class ExportForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("What to export"),
        widget=forms.RadioSelect,
        choices=[
            ("project", _("One project: every sealed agreement and every monthly report")),
            ("period", _("The whole county for a period of months")),
        ],
    )
    project = ModelChoiceField(label=_("Project"), queryset=Project.objects.none(), required=False)
    period_from = MonthField(label=_("From month"), required=False, help_text=_("For the whole county only."))
    period_to = MonthField(label=_("To month"), required=False, help_text=_("For the whole county only."))

    def __init__(self, *args, county, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.filter(county=county).order_by("title")
        self.helper = form_helper(_("Make the extract"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("scope") == "project" and not cleaned.get("project"):
            self.add_error("project", _("Choose the project."))
        if cleaned.get("scope") == "period":
            for name in ("period_from", "period_to"):
                if not cleaned.get(name):
                    self.add_error(name, _("Give the month."))
        return cleaned
