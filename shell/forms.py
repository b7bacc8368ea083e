from django.contrib import messages
from django.core.exceptions import ValidationError

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit


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
