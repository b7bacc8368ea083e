from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from documents import uploads
from shell.forms import ModelForm, form_helper

from .models import Contact, County, Library, Municipality, Organisation, Position, Theme

LETTERHEAD_MAX_BYTES = 1024 * 1024
LETTERHEAD_RULES = uploads.UploadRules(
    kinds=frozenset({"png", "jpg"}),
    max_bytes=LETTERHEAD_MAX_BYTES,
    too_large=_("The logo is larger than 1 MB."),
    wrong_kind=_("The logo must be a PNG or JPEG image."),
)


class CountySettingsForm(ModelForm):
    class Meta:
        model = County
        fields = [
            "name",
            "written_standard",
            "sender_name",
            "sender_email",
            "letterhead",
            "default_local_share",
            "default_hourly_rate",
            "escalation_reminder_days",
            "escalation_alert_days",
            "escalation_leadership_days",
            "health_overdue_yellow",
            "health_overdue_red",
            "health_silence_yellow_days",
            "health_silence_red_days",
            "health_visit_yellow_days",
            "health_visit_red_days",
            "health_missed_meetings_yellow",
            "health_missed_meetings_red",
            "agreement_reminder_days",
            "agreement_signing_days",
            "evaluation_reminder_days",
            "archive_creator_id",
            "archive_creator_name",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["letterhead"].widget.attrs["accept"] = "image/png,image/jpeg"
        self.helper = form_helper(_("Save settings"))

    # (lower, higher): the lower step must come first; 0 turns a step off, so it is not compared.
    ORDERED = [
        ("escalation_reminder_days", "escalation_alert_days"),
        ("escalation_alert_days", "escalation_leadership_days"),
        ("escalation_reminder_days", "escalation_leadership_days"),
        ("health_overdue_yellow", "health_overdue_red"),
        ("health_silence_yellow_days", "health_silence_red_days"),
        ("health_visit_yellow_days", "health_visit_red_days"),
        ("health_missed_meetings_yellow", "health_missed_meetings_red"),
        ("agreement_reminder_days", "agreement_signing_days"),
    ]

    def clean(self):
        cleaned = super().clean()
        for lower, higher in self.ORDERED:
            low, high = cleaned.get(lower), cleaned.get(higher)
            if low and high and low >= high and lower not in self.errors:
                self.add_error(
                    lower,
                    _("Must be less than “%(other)s” (%(value)s): the steps come in that order.")
                    % {"other": self.fields[higher].label, "value": high},
                )
        return cleaned

    def clean_archive_creator_id(self):
        """An organisation number as it is often written (817 920 632) is kept as its nine digits."""
        value = self.cleaned_data.get("archive_creator_id", "")
        digits = value.replace(" ", "")
        return digits if digits.isdigit() else value

    def clean_letterhead(self):
        image = self.cleaned_data.get("letterhead")
        if not image or image == self.initial.get("letterhead"):
            return image
        # What is stored is the checked copy: pixels and colour profile only (the logo ends up in PDFs).
        checked = uploads.check_upload(image, LETTERHEAD_RULES)
        return ContentFile(checked.data, name=f"logo.{checked.kind}")


class PositionForm(ModelForm):
    class Meta:
        model = Position
        fields = ["name", "order", "is_active"]


PositionFormSet = forms.modelformset_factory(Position, form=PositionForm, extra=1, can_delete=False)


class ThemeForm(ModelForm):
    class Meta:
        model = Theme
        fields = ["name", "order", "is_active"]


ThemeFormSet = forms.modelformset_factory(Theme, form=ThemeForm, extra=1, can_delete=False)


class MunicipalityForm(ModelForm):
    class Meta:
        model = Municipality
        fields = ["name", "population", "region", "host_municipality"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host_municipality"].queryset = Municipality.objects.filter(
            county_id=self.instance.county_id
        ).exclude(pk=self.instance.pk)
        self.helper = form_helper(_("Save"))


class LibraryForm(ModelForm):
    class Meta:
        model = Library
        fields = ["name", "is_main", "address", "email", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_("Save"))


class ContactForm(ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "position", "title", "email", "phone", "user"]

    def __init__(self, *args, county, can_link_user: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].queryset = Position.objects.filter(county=county, is_active=True)
        if can_link_user:
            self.fields["user"].queryset = (
                get_user_model().objects.filter(memberships__county=county, is_active=True).distinct()
            )
            self.fields["user"].help_text = _("Link the contact to a user so that they can sign in their own name.")
        else:
            del self.fields["user"]
        self.helper = form_helper(_("Save"))


class OrganisationForm(ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = ["name", "kind", "website", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_("Save"))


class MunicipalityFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by name or number"), required=False, max_length=100)
    region = forms.ChoiceField(label=_("Regional council"), required=False)
    takes_part = forms.ChoiceField(
        label=_("Takes part in an active project"),
        required=False,
        choices=[("", _("All")), ("yes", _("Takes part")), ("no", _("Does not take part"))],
    )
    county = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("All"))] + [(r, r) for r in regions]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Municipality list (CSV)"),
        help_text=_("Statistics Norway's format: semicolon-separated, with the columns code and name."),
    )

    MAX_BYTES = 2 * 1024 * 1024

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".csv,text/csv"
        self.helper = form_helper(_("Import"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise ValidationError(_("The file is larger than 2 MB."))
        return upload
