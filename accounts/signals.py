"""What accounts announce, for the apps that build on them.

`invitation_accepted`: sent with `user` and `invitation` after an invited user set their password and the
invitation was marked used — in the same transaction (evaluations mails a new library head the open rounds
their municipality has not answered yet).
"""

from django.dispatch import Signal

invitation_accepted = Signal()
