"""Forms of planning: hours, positions, budgets and grants, kits and handbook pages."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from municipalities.models import Municipality, Position
from projects.forms import DateInput
from shell.forms import ModelForm, ModelMultipleChoiceField, form_helper

from .models import HandbookPage, Letter


class CapacityNeedsForm(forms.Form):
    county_hours_per_month = forms.DecimalField(
        label=_("Hours per month needed from the county"), min_value=0, max_digits=7, decimal_places=1
    )
    participant_hours_per_month = forms.DecimalField(
        label=_("Hours per month needed from each participant"), min_value=0, max_digits=7, decimal_places=1
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_("Save"))


class HoursForm(forms.Form):
    hours_per_month = forms.DecimalField(
        label=_("Hours per month available for projects"), min_value=0, max_digits=7, decimal_places=1
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_("Save"))


class ParticipantHoursForm(forms.Form):
    hours_needed_per_month = forms.DecimalField(
        label=_("Hours per month needed from this participant"),
        required=False,
        min_value=0,
        max_digits=7,
        decimal_places=1,
        help_text=_("Empty: the project's figure."),
    )


class RequiredPositionsForm(forms.Form):
    positions = ModelMultipleChoiceField(
        label=_("Positions every participant must involve"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, county, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["positions"].queryset = Position.objects.filter(county=county, is_active=True)
        self.helper = form_helper(_("Save"))


class BudgetForm(forms.Form):
    county_grant = forms.DecimalField(label=_("County grant (NOK)"), min_value=0, max_digits=14, decimal_places=2)
    required_local_share = forms.DecimalField(
        label=_("Required local share (%)"), min_value=0, max_value=100, max_digits=5, decimal_places=2
    )
    local_cash = forms.DecimalField(
        label=_("Local funds committed, cash (NOK)"), min_value=0, max_digits=14, decimal_places=2
    )
    local_inkind_hours = forms.DecimalField(label=_("Local in-kind hours"), min_value=0, max_digits=7, decimal_places=1)
    hourly_rate = forms.DecimalField(
        label=_("Value of an in-kind hour (NOK)"), min_value=0, max_digits=14, decimal_places=2
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_("Save budget"))


class ReleaseForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount (NOK)"), min_value=Decimal("0.01"), max_digits=14, decimal_places=2)
    released_on = forms.DateField(label=_("Date"), widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_("Release"))


class FinalAccountForm(forms.Form):
    spent_county = forms.DecimalField(label=_("County money spent (NOK)"), min_value=0, max_digits=14, decimal_places=2)
    spent_local = forms.DecimalField(label=_("Local money spent (NOK)"), min_value=0, max_digits=14, decimal_places=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_("Close the grant"))


class KitProjectForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    start_on = forms.DateField(label=_("Start"), widget=DateInput())
    municipalities = ModelMultipleChoiceField(
        label=_("Invite municipalities"),
        queryset=Municipality.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, county, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipalities"].queryset = Municipality.objects.filter(county=county)
        self.helper = form_helper(_("Create the project"))


class SaveAsKitForm(forms.Form):
    name = forms.CharField(label=_("Name of the kit"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_("Save as kit"))


class HandbookPageForm(ModelForm):
    class Meta:
        model = HandbookPage
        fields = ["title", "slug", "body", "is_public", "order"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_("Save page"))

    def validate_unique(self):
        super().validate_unique()
        slug = self.cleaned_data.get("slug")
        others = HandbookPage.objects.filter(county_id=self.instance.county_id, slug=slug).exclude(pk=self.instance.pk)
        if slug and others.exists():
            self.add_error("slug", _("Another page of the county has this address."))


# ------------------------------------------------------------------ letters


class LetterDraftForm(forms.Form):
    template = forms.ChoiceField(label=_("Letter template"))
    participants = ModelMultipleChoiceField(
        label=_("To the participants"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, templates: list[str], participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [(title, title) for title in templates]
        self.fields["participants"].queryset = participants
        self.fields["participants"].label_from_instance = lambda participant: participant.municipality.name
        self.helper = form_helper(_("Draft the letters"))


class LetterForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("Markdown: a blank line between paragraphs, “- ” for a list, **bold**."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_("Save the letter"))


class LetterSendForm(forms.Form):
    delivery = forms.ChoiceField(label=_("How is it sent?"), widget=forms.RadioSelect)
    contacts = ModelMultipleChoiceField(
        label=_("E-mail it to"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, contacts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delivery"].choices = Letter.Delivery.choices
        self.fields["delivery"].initial = Letter.Delivery.EMAIL
        self.fields["contacts"].queryset = contacts
        self.fields["contacts"].label_from_instance = lambda c: f"{c.name} ({c.position.name}) <{c.email}>"
        self.helper = form_helper(_("Send the letter"))

    def clean(self):
        data = super().clean()
        if data.get("delivery") == Letter.Delivery.EMAIL and not data.get("contacts"):
            self.add_error("contacts", _("Choose at least one contact to e-mail the letter to."))
        return data


class KitDocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_(
            "Markdown with placeholders such as {{ municipality }} (the list is below). Saving makes a new "
            "version of the kit; projects made from the kit so far keep the version they were made from."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_("Save as a new version of the kit"))
