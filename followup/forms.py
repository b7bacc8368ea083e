"""Forms of the follow-up pages. They check the shape of the input and that dates make sense
(a milestone in the project's period, a visit that took place not in the future); rules live in the
services."""

from django import forms
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from municipalities.models import Contact, Position
from projects.forms import DateInput, county_staff
from projects.models import Participant, Project
from shell.forms import ModelChoiceField, ModelMultipleChoiceField, form_helper
from shell.validators import validate_header_value

from .models import Meeting, MeetingObjective, Milestone, Visit
from .services.files import ACCEPT


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def datetime_field(label):
    return forms.DateTimeField(label=label, widget=DateTimeInput(), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


FILES_HELP = _("PDF, images (PNG, JPEG, GIF, WebP) or office documents. Location data is removed from photos.")


class MilestoneForm(forms.Form):
    name = forms.CharField(label=_("Milestone"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    participant = ModelChoiceField(
        label=_("Applies to"), required=False, queryset=None, empty_label=_("The whole project")
    )
    planned_on = forms.DateField(label=_("Planned date"), widget=DateInput())
    responsible_position = ModelChoiceField(label=_("Responsible"), required=False, queryset=Position.objects.none())
    # Shown only when the date lies outside the project's period: a real case (a final report due
    # after the end) is accepted once the user says so.
    outside_period_confirmed = forms.BooleanField(
        label=_("Yes, this is right: the milestone lies outside the project's period"),
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["participant"].queryset = project.participants.select_related("municipality")
        self.fields["participant"].label_from_instance = lambda p: p.municipality.name
        self.fields["responsible_position"].queryset = Position.objects.filter(county=project.county, is_active=True)
        self.helper = form_helper(_("Save milestone"))

    def clean(self):
        cleaned = super().clean()
        planned_on, project = cleaned.get("planned_on"), self.project
        if planned_on and not cleaned.get("outside_period_confirmed"):
            if planned_on < project.start_on or planned_on > project.end_on:
                self.fields["outside_period_confirmed"].widget = forms.CheckboxInput()
                self.add_error(
                    "planned_on",
                    _(
                        "The project runs from %(start)s to %(end)s. Choose a date in that period, or tick "
                        "“Yes, this is right” below if the milestone really lies outside it."
                    )
                    % {
                        "start": date_format(project.start_on, "SHORT_DATE_FORMAT"),
                        "end": date_format(project.end_on, "SHORT_DATE_FORMAT"),
                    },
                )
        return cleaned


class MilestoneStatusForm(forms.Form):
    # It shares the milestone page with ProgressForm, which has fields of the same names: a prefix keeps ids apart.
    prefix = "milestone"

    status = forms.ChoiceField(label=_("Status"), choices=Milestone.Status.choices)
    completed_on = forms.DateField(
        label=_("Completed on"), required=False, widget=DateInput(), help_text=_("When done. Empty: today.")
    )
    skip_reason = forms.CharField(label=_("Reason for skipping"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_("Save status"))


class ProgressForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Milestone.Status.choices)
    text = forms.CharField(
        label=_("What has happened?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": _("Write what has happened.")},
    )
    completed_on = forms.DateField(
        label=_("Completed on"), required=False, widget=DateInput(), help_text=_("When done. Empty: today.")
    )
    files = MultipleFileField(label=_("Files or photos"), required=False, help_text=FILES_HELP)

    def __init__(self, *args, prefix_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        if prefix_id is not None:
            self.auto_id = f"id_m{prefix_id}_%s"


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File"), help_text=FILES_HELP, widget=forms.ClearableFileInput(attrs={"accept": ACCEPT})
    )


class VisitForm(forms.Form):
    participant = ModelChoiceField(label=_("Municipality"), queryset=None)
    planned_on = forms.DateField(label=_("Date"), widget=DateInput())
    status = forms.ChoiceField(label=_("Status"), choices=Visit.Status.choices)
    visitors = ModelMultipleChoiceField(
        label=_("Who visits"), required=False, queryset=None, widget=forms.CheckboxSelectMultiple
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    follow_up_points = forms.CharField(
        label=_("Follow-up points"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One point per line."),
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = project.participants.taking_part().select_related("municipality")
        self.fields["participant"].label_from_instance = lambda p: p.municipality.name
        self.fields["visitors"].queryset = county_staff(project.county)
        self.project = project
        self.helper = form_helper(_("Save visit"))

    def clean(self):
        cleaned = super().clean()
        planned_on = cleaned.get("planned_on")
        if planned_on and cleaned.get("status") == Visit.Status.DONE:
            if planned_on > timezone.localdate():
                self.add_error(
                    "planned_on",
                    _(
                        "A visit that has taken place cannot have a date in the future. "
                        "Choose “planned” as the status, or correct the date."
                    ),
                )
            elif planned_on < self.project.start_on:
                self.add_error(
                    "planned_on",
                    _("The project started %(start)s: a visit in it cannot have taken place before that.")
                    % {"start": date_format(self.project.start_on, "SHORT_DATE_FORMAT")},
                )
        return cleaned


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Meeting.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = datetime_field(_("Starts"))
    ends_at = datetime_field(_("Ends"))
    place = forms.CharField(label=_("Place"), required=False, max_length=300)
    video_link = forms.URLField(
        label=_("Video link"),
        required=False,
        assume_scheme="https",
        help_text=_("Digital meetings: the invitation links the ground rules for audio and video."),
    )
    objectives = forms.CharField(
        label=_("Objectives"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "What do we want to achieve? One objective per line. Required before the meeting can be scheduled."
        ),
    )
    agenda = forms.CharField(label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_("Save meeting"))

    def clean_objectives(self):
        return [line.strip() for line in self.cleaned_data["objectives"].splitlines() if line.strip()]


class InviteesForm(forms.Form):
    contacts = ModelMultipleChoiceField(
        label=_("Contacts in the participating municipalities"),
        required=False,
        queryset=Contact.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    users = ModelMultipleChoiceField(
        label=_("County staff"), required=False, queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        municipality_ids = project.participants.taking_part().values("municipality_id")
        contacts = Contact.objects.filter(municipality_id__in=municipality_ids).select_related(
            "municipality", "position"
        )
        self.fields["contacts"].queryset = contacts.order_by("municipality__number", "position__order", "name")
        self.fields["contacts"].label_from_instance = lambda c: f"{c.name} ({c.position.name}, {c.municipality.name})"
        self.fields["users"].queryset = county_staff(project.county)
        self.helper = form_helper(_("Save invitees"))


class AttendanceForm(forms.Form):
    attended = ModelMultipleChoiceField(
        label=_("Who attended?"), required=False, queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].queryset = meeting.invitees.select_related("municipality")
        self.fields["attended"].label_from_instance = lambda i: (
            f"{i.name}{f' ({i.municipality.name})' if i.municipality_id else ''}"
        )
        self.helper = form_helper(_("Save attendance"))


class OutcomeForm(forms.Form):
    notes = forms.CharField(label=_("Notes from the meeting"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, objectives: list[MeetingObjective], **kwargs):
        super().__init__(*args, **kwargs)
        self.objectives = objectives
        for objective in objectives:
            self.fields[f"outcome_{objective.pk}"] = forms.ChoiceField(
                label=objective.text,
                required=False,
                choices=[("", _("Not assessed"))] + MeetingObjective.Outcome.choices,
                initial=objective.outcome,
            )
            self.fields[f"note_{objective.pk}"] = forms.CharField(
                label=_("Note on “%(objective)s”") % {"objective": objective.text},
                required=False,
                max_length=500,
                initial=objective.outcome_note,
            )
        self.order_fields([name for o in objectives for name in (f"outcome_{o.pk}", f"note_{o.pk}")] + ["notes"])
        self.helper = form_helper(_("Save outcome"))

    def outcomes(self) -> dict:
        return {
            o.pk: (self.cleaned_data.get(f"outcome_{o.pk}", ""), self.cleaned_data.get(f"note_{o.pk}", ""))
            for o in self.objectives
        }


class LeadershipMessageForm(forms.Form):
    to = forms.CharField(label=_("To"), max_length=1000, help_text=_("E-mail addresses, separated by commas."))
    subject = forms.CharField(label=_("Subject"), max_length=300, strip=False, validators=[validate_header_value])
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 10}))

    def clean_to(self):
        addresses = [a.strip() for a in self.cleaned_data["to"].replace(";", ",").split(",") if a.strip()]
        if not addresses:
            raise forms.ValidationError(_("Give at least one e-mail address."))
        for address in addresses:
            try:
                validate_email(address)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("“%(address)s” is not an e-mail address.") % {"address": address}
                ) from None
        return addresses

    def clean_subject(self):
        return self.cleaned_data["subject"].strip()


class DashboardFilterForm(forms.Form):
    health = forms.ChoiceField(
        label=_("Health"),
        required=False,
        choices=[("", _("All")), *reversed(Participant.Health.choices)],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    project = ModelChoiceField(
        label=_("Project"),
        required=False,
        queryset=Project.objects.none(),
        empty_label=_("All"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, county, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = (
            Project.objects.active().filter(county=county).only("pk", "title").order_by("title")
        )

    def _post_clean(self):
        """A field with an error is marked for the eye and for screen readers; the template shows the error
        under it, with this id."""
        super()._post_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = "form-select is-invalid"
                attrs["aria-describedby"] = f"{self[name].auto_id}_error"
