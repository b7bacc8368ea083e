from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from municipalities.models import County, Municipality
from municipalities.selectors import list_staff_counties
from projects.models import Project
from shell.forms import ModelChoiceField, form_helper

from .models import Report


class MonthField(forms.DateField):
    """A month as YYYY-MM (<input type="month">), cleaned to its first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m"]


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Report"), choices=Report.Kind.choices)
    county = ModelChoiceField(label=_("County"), queryset=County.objects.none(), required=False)
    project = ModelChoiceField(label=_("Project"), queryset=Project.objects.none(), required=False)
    municipality = ModelChoiceField(label=_("Municipality"), queryset=Municipality.objects.none(), required=False)
    month = MonthField(label=_("Month"))

    def __init__(self, *args, user, kinds, **kwargs):
        """`kinds`: the kinds the user may order (`reports.permissions.orderable_kinds`); the
        choices of each field are what the user may order a report about."""
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(value, label) for value, label in Report.Kind.choices if value in kinds]
        staff_counties = list_staff_counties(user)
        self.fields["county"].queryset = County.objects.filter(pk__in=[county.pk for county in staff_counties])
        self.fields["project"].queryset = Project.objects.filter(county__in=staff_counties).order_by("title")
        self.fields["municipality"].queryset = Municipality.objects.visible_to(user).order_by("number")
        only = list(self.fields["municipality"].queryset[:2])
        if len(only) == 1:  # a municipal user with one municipality: it is the one the report is about
            self.fields["municipality"].initial = only[0].pk
        for kind, name in ((Report.Kind.COUNTY, "county"), (Report.Kind.PROJECT, "project")):
            if kind not in kinds:
                del self.fields[name]
        self.helper = form_helper(_("Make the report"))

    def clean_month(self):
        month = self.cleaned_data["month"].replace(day=1)
        if month > date.today().replace(day=1):
            raise forms.ValidationError(_("Choose this month or an earlier one."))
        return month

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        needed = {
            Report.Kind.COUNTY: "county",
            Report.Kind.PROJECT: "project",
            Report.Kind.MUNICIPALITY: "municipality",
        }.get(kind)
        if needed and not cleaned.get(needed):
            self.add_error(needed, _("Choose what the report is about."))
        cleaned["subject"] = cleaned.get(needed) if needed else None
        return cleaned


class ArchiveFilterForm(forms.Form):
    month = MonthField(label=_("Month"), required=False)
    kind = forms.ChoiceField(label=_("Report"), required=False, choices=[("", _("All"))] + list(Report.Kind.choices))


class CaseNumberForm(forms.Form):
    archive_case_number = forms.CharField(label=_("Archive case number"), max_length=50, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_("Save"))
