"""What projects announce, for the apps that build on them (follow-up recomputes health on it;
evaluations asks a newly attached expert in the open rounds).

`participants_changed`: sent with `participants` (a list) or `project`, after a participant was
added, changed status or the project changed status — in the same transaction.

`expert_attached`: sent with `assignment` (an ExpertAssignment) and `by` after an external expert was attached
to a project — in the same transaction, so whatever a receiver does is undone with the attachment.
"""

from django.dispatch import Signal

participants_changed = Signal()
expert_attached = Signal()
