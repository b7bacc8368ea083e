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
