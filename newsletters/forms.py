from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.models import Participant
from shell.forms import ModelForm, form_helper
from shell.validators import validate_header_value

from .images import MAX_BYTES, clean_image
from .models import Newsletter, Showcase

IMAGE_ACCEPT = "image/png,image/jpeg,image/gif,image/webp"


def one_line(value: str) -> str:
    if "\n" in value or "\r" in value:
        raise ValidationError(_("The subject must be on one line (no line breaks)."))
    return value


class NewsletterForm(ModelForm):
    # Not stripped before the check: a trailing line break is refused too, not silently dropped.
    subject = forms.CharField(label=_("Subject"), max_length=200, strip=False, validators=[validate_header_value])

    class Meta:
        model = Newsletter
        fields = ["subject", "body", "is_public"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}
        labels = {"body": _("Text")}
        help_texts = {
            "body": _(
                "Markdown: **bold**, *italic*, lists with “-”, links as [text](https://…). "
                "Scripts and other code are removed."
            ),
        }

    def __init__(self, *args, preview_url: str = "", submit_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if preview_url:
            # Live preview: htmx posts the form (with its CSRF token) and swaps in the sanitised HTML.
            self.fields["body"].widget.attrs.update(
                {
                    "data-hx-post": preview_url,
                    "data-hx-trigger": "input changed delay:400ms",
                    "data-hx-target": "#newsletter-preview",
                    "data-hx-include": "closest form",
                    "data-hx-swap": "innerHTML",
                }
            )
        self.helper = form_helper(submit_label or _("Save draft"))

    def clean_subject(self):
        return self.cleaned_data["subject"].strip()


class ImageForm(forms.Form):
    image = forms.FileField(label=_("Image"), help_text=_("PNG, JPEG, GIF or WebP, at most 5 MB."))
    alt_text = forms.CharField(
        label=_("Alt text"), max_length=300, help_text=_("What the image shows, for those who cannot see it.")
    )
    caption = forms.CharField(label=_("Caption"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["image"].widget.attrs["accept"] = IMAGE_ACCEPT
        self.helper = form_helper(_("Add image"))

    def clean_image(self):
        upload = self.cleaned_data["image"]
        if upload.size > MAX_BYTES:
            raise ValidationError(_("The image is larger than 5 MB."))
        clean_image(upload)  # raises with the message for the field
        upload.seek(0)
        return upload


class SendForm(forms.Form):
    WHEN = [("now", _("Send now")), ("later", _("Send at a chosen time"))]
    when = forms.ChoiceField(label=_("When"), choices=WHEN, initial="now", widget=forms.RadioSelect)
    scheduled_at = forms.DateTimeField(
        label=_("Send at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"],
    )

    def clean(self):
        data = super().clean()
        if data.get("when") == "later":
            at = data.get("scheduled_at")
            if at is None:
                self.add_error("scheduled_at", _("Choose when the infobrev is to be sent."))
            elif at <= timezone.now():
                self.add_error("scheduled_at", _("Choose a time in the future."))
        return data


class ListSettingsForm(forms.Form):
    is_public = forms.BooleanField(label=_("Open for public subscription"), required=False)


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("Your e-mail address"))
    name = forms.CharField(label=_("Your name (optional)"), max_length=150, required=False)
    lists = forms.MultipleChoiceField(label=_("Which infobrev?"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, lists=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lists = {str(mailing_list.pk): mailing_list for mailing_list in lists}
        self.fields["lists"].choices = [(key, mailing_list.name) for key, mailing_list in self.lists.items()]
        if len(self.lists) == 1:
            self.fields["lists"].initial = list(self.lists)

    def chosen_lists(self):
        return [self.lists[key] for key in self.cleaned_data["lists"]]


class PreferencesForm(forms.Form):
    lists = forms.MultipleChoiceField(label=_("Infobrev I want"), required=False, widget=forms.CheckboxSelectMultiple)
    nothing = forms.BooleanField(label=_("No infobrev at all from this county"), required=False)

    def __init__(self, *args, lists=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lists"].choices = [(str(mailing_list.pk), mailing_list.name) for mailing_list in lists]


class ShowcaseForm(ModelForm):
    class Meta:
        model = Showcase
        fields = ["title", "slug", "participant", "summary", "results"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 5}), "results": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["participant"].queryset = (
            Participant.objects.filter(project=project)
            .exclude(status=Participant.Status.WITHDRAWN)
            .select_related("municipality")
        )
        self.fields["participant"].label_from_instance = lambda participant: participant.municipality.name
        self.helper = form_helper(_("Save showcase"))

    def clean_title(self):
        return one_line(self.cleaned_data["title"])


class PhotoForm(forms.Form):
    image = forms.FileField(label=_("Photo"), help_text=_("PNG, JPEG, GIF or WebP, at most 5 MB."))
    alt_text = forms.CharField(
        label=_("Alt text"), max_length=300, help_text=_("What the photo shows, for those who cannot see it.")
    )
    caption = forms.CharField(label=_("Caption"), max_length=300, required=False)
    shows_people = forms.BooleanField(label=_("People can be recognised in the photo"), required=False)
    consent_note = forms.CharField(
        label=_("Consent"),
        max_length=500,
        required=False,
        help_text=_("Who gave their consent to publication, when and how (e.g. signed form kept at the library)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["image"].widget.attrs["accept"] = IMAGE_ACCEPT
        self.helper = form_helper(_("Add photo"))

    def clean_image(self):
        upload = self.cleaned_data["image"]
        clean_image(upload)
        upload.seek(0)
        return upload

    def clean(self):
        data = super().clean()
        if data.get("shows_people") and not (data.get("consent_note") or "").strip():
            self.add_error("consent_note", _("Record the consent of the people shown: who agreed, when and how."))
        return data
