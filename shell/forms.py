from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models

from .ids import fits


def form_helper(submit_label) -> FormHelper:
    """The crispy helper every form of the page shell uses.

    `novalidate` leaves validation to the server, whose messages are in the
    user's language and stand at the field, instead of the browser's bubbles
    (in the browser's language, gone on the next click).
    """
    helper = FormHelper()
    helper.attrs = {"novalidate": ""}
    helper.add_input(Submit("submit", submit_label))
    return helper


def apply_validation_error(form, exc) -> None:
    """Shows a service's ValidationError on the form fields it names (else on the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def run_service(request, form, action, success_message, *, errors=()) -> bool:
    """Calls a service for a view; returns True when it succeeded.

    A ValidationError lands on the form fields it names (as messages when there is no
    form), one of `errors` (the app's own refusals) becomes an error message, and the
    success message, if any, is shown after it went through."""
    try:
        action()
    except ValidationError as exc:
        if form is None:
            for message in exc.messages:
                messages.error(request, message)
        else:
            apply_validation_error(form, exc)
        return False
    except errors as exc:
        messages.error(request, str(exc))
        return False
    if success_message:
        messages.success(request, success_message)
    return True


# --------------------------------------------------------------- choices of model rows
#
# Every form of the app picks rows through these two fields (its ModelForms too, through
# `ModelForm` below): a posted id that cannot be one (past 64 bits) gets the field's usual
# "Select a valid choice" before it reaches the database (see shell.ids).


class _FittingIdsMixin:
    def _cannot_be_a_key(self, value) -> bool:
        model = self.queryset.model
        key = model._meta.get_field(self.to_field_name) if self.to_field_name else model._meta.pk
        while key.is_relation:
            key = key.target_field
        if isinstance(value, model) or not isinstance(key, models.IntegerField):
            return False
        try:
            number = int(str(value).strip())
        except ValueError:
            return False  # not a number at all: Django's own check answers
        return not fits(number)


class ModelChoiceField(_FittingIdsMixin, forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and self._cannot_be_a_key(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})
        return super().to_python(value)


class ModelMultipleChoiceField(_FittingIdsMixin, forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for item in value:
            if isinstance(item, (str, int)) and self._cannot_be_a_key(item):
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                )
        return super()._check_values(value)


def _formfield(db_field, **kwargs):
    if isinstance(db_field, models.ManyToManyField):
        kwargs.setdefault("form_class", ModelMultipleChoiceField)
    elif isinstance(db_field, models.ForeignKey):
        kwargs.setdefault("form_class", ModelChoiceField)
    return db_field.formfield(**kwargs)


class _ModelFormMetaclass(forms.models.ModelFormMetaclass):
    def __new__(mcs, name, bases, attrs):
        meta = attrs.get("Meta")
        if meta is not None and not hasattr(meta, "formfield_callback"):
            meta.formfield_callback = staticmethod(_formfield)
        return super().__new__(mcs, name, bases, attrs)


class ModelForm(forms.ModelForm, metaclass=_ModelFormMetaclass):
    """Django's ModelForm, with the choice fields above for foreign keys and many-to-many fields."""
