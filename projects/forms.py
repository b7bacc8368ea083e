from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, User
from municipalities.models import Library, Municipality, Organisation, Theme
from shell.forms import ModelChoiceField, ModelForm, ModelMultipleChoiceField, form_helper

from . import selectors
from .models import Indicator, Project, RequirementStatus


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def county_staff(county):
    return User.objects.filter(
        is_active=True,
        memberships__county=county,
        memberships__role__in=[Membership.Role.COUNTY_ADMIN, Membership.Role.COUNTY_STAFF],
    ).distinct()


class ProjectForm(ModelForm):
    leaders = ModelMultipleChoiceField(
        label=_("Project leaders"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Project
        fields = [
            "title",
            "case_number",
            "theme",
            "leaders",
            "purpose",
            "public_summary",
            "start_on",
            "end_on",
            "follows",
        ]
        widgets = {
            "start_on": DateInput(),
            "end_on": DateInput(),
            "purpose": forms.Textarea(attrs={"rows": 4}),
            "public_summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, county, **kwargs):
        super().__init__(*args, **kwargs)
        self.county = county
        self.fields["theme"].queryset = Theme.objects.filter(county=county, is_active=True)
        self.fields["leaders"].queryset = county_staff(county)
        follows = Project.objects.filter(county=county)
        if self.instance.pk:
            follows = follows.exclude(pk=self.instance.pk)
        self.fields["follows"].queryset = follows
        self.helper = form_helper(_("Save"))

    def clean_case_number(self):
        """One case, one project: the case number is the project's folder id (mappeID) in the archive extract."""
        value = "".join(self.cleaned_data.get("case_number", "").split())
        if value:
            other = (
                Project.objects.filter(county_id=self.county.pk, case_number=value).exclude(pk=self.instance.pk).first()
            )
            if other is not None:
                raise forms.ValidationError(
                    _("The project “%(title)s” has this case number; each project has a case of its own."),
                    code="case_number_taken",
                    params={"title": other.title},
                )
        return value

    def clean(self):
        cleaned = super().clean()
        start_on, end_on = cleaned.get("start_on"), cleaned.get("end_on")
        if start_on and end_on and end_on < start_on:
            self.add_error("end_on", _("The project must end after it starts."))
        return cleaned


class ProjectFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All"))] + Project.Status.choices)
    theme = ModelChoiceField(label=_("Theme"), required=False, queryset=Theme.objects.none(), empty_label=_("All"))
    municipality = ModelChoiceField(
        label=_("Municipality"), required=False, queryset=Municipality.objects.none(), empty_label=_("All")
    )
    leader = ModelChoiceField(
        label=_("Project leader"), required=False, queryset=User.objects.none(), empty_label=_("All")
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("-start", _("Newest first")),
            ("start", _("Oldest first")),
            ("title", _("Title A–Å")),
            ("-title", _("Title Å–A")),
            ("status", _("Status")),
        ],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = Theme.objects.visible_to(user)
        self.fields["municipality"].queryset = Municipality.objects.visible_to(user)
        self.fields["leader"].queryset = selectors.list_leaders_visible_to(user)

    def read_choices(self) -> None:
        """For a page that shows the filter: each select's choices read in one plain query (the fields' own
        choices ask the database for a count first, then open a cursor). Exports filter without it."""
        for name in ("theme", "municipality", "leader"):
            field = self.fields[name]
            field.choices = [
                ("", field.empty_label),
                *((obj.pk, field.label_from_instance(obj)) for obj in field.queryset),
            ]


class GoalForm(forms.Form):
    text = forms.CharField(label=_("Goal"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_("Save goal"))


class IndicatorForm(ModelForm):
    class Meta:
        model = Indicator
        fields = ["name", "unit", "baseline", "target"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_("Save indicator"))


class MeasurementForm(forms.Form):
    value = forms.DecimalField(label=_("Value"), max_digits=14, decimal_places=2)
    measured_on = forms.DateField(label=_("Measured on"), widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_("Save measurement"))


class InviteParticipantsForm(forms.Form):
    municipalities = ModelMultipleChoiceField(
        label=_("Municipalities"), queryset=Municipality.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipalities"].queryset = Municipality.objects.filter(county=project.county).exclude(
            participations__project=project
        )
        self.helper = form_helper(_("Invite"))


class ParticipantForm(forms.Form):
    library = ModelChoiceField(label=_("Library"), queryset=Library.objects.none(), required=False)
    mentor = ModelChoiceField(
        label=_("Mentor / host municipality"), queryset=Municipality.objects.none(), required=False
    )

    def __init__(self, *args, participant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["library"].queryset = Library.objects.filter(municipality=participant.municipality)
        self.fields["mentor"].queryset = Municipality.objects.filter(county=participant.project.county).exclude(
            pk=participant.municipality_id
        )
        self.helper = form_helper(_("Save"))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    on = forms.DateField(label=_("Date"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_("Register withdrawal"))


class RequirementForm(forms.Form):
    text = forms.CharField(label=_("Requirement"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_("Save requirement"))


class ComplianceForm(forms.Form):
    compliance = forms.ChoiceField(
        label=_("Compliance"), choices=RequirementStatus.Compliance.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_("Record compliance"))


class PartnerForm(forms.Form):
    organisation = ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    role = forms.CharField(label=_("Role in the project"), max_length=200)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(county=project.county).exclude(
            project_roles__project=project
        )
        self.helper = form_helper(_("Add partner"))


class ExpertForm(forms.Form):
    user = ModelChoiceField(label=_("External expert"), queryset=User.objects.none())
    role = forms.CharField(label=_("What they help with"), max_length=200)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            User.objects.filter(
                is_active=True, memberships__role=Membership.Role.EXPERT, memberships__county=project.county
            )
            .exclude(expert_assignments__project=project)
            .distinct()
        )
        self.helper = form_helper(_("Attach expert"))


class ExpertNoteForm(forms.Form):
    happened_on = forms.DateField(label=_("Date"), widget=DateInput())
    text = forms.CharField(label=_("What was discussed"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_("Add to the log"))


class BliNyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    start_on = forms.DateField(label=_("Start"), widget=DateInput())
    end_on = forms.DateField(label=_("End"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_("Create Bli-ny project"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start_on") and cleaned.get("end_on") and cleaned["end_on"] < cleaned["start_on"]:
            self.add_error("end_on", _("The project must end after it starts."))
        return cleaned
