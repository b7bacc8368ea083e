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
