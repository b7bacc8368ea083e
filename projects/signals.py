"""What projects announce, for the apps that build on them (follow-up recomputes health on it).

`participants_changed`: sent with `participants` (a list) or `project`, after a participant was
added, changed status or the project changed status — in the same transaction.
"""

from django.dispatch import Signal

participants_changed = Signal()
