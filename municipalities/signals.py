"""What places and people announce, for the apps that build on them.

`contacts_changed`: sent with `municipality` when a contact of it was added, changed or removed —
who fills which position there (follow-up recomputes participant health on it).
"""

from django.dispatch import Signal

contacts_changed = Signal()
