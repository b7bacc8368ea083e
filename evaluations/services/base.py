"""The error evaluation services raise, and the closed-project check they share.

Errors the user can correct on a form field are `ValidationError({field: message})`;
a state that forbids the change is `EvaluationError`. Each service function is one transaction.
"""


class EvaluationError(Exception):
    """The change is not possible in the current state; the message is for the user."""
