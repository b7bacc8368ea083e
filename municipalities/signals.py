"""What places and people announce, for the apps that build on them. Both are sent inside the change's
transaction, so what the receivers write commits with the change.

`contacts_changed`: sent with `municipality` when a contact of it was added, changed position or removed —
who fills which position there (follow-up recomputes participant health on it).

`county_settings_changed`: sent with `county` and `fields` (the names of the settings that changed, with
"positions" and "themes" for the lists) when the county's settings were saved (follow-up recomputes
participant health when a threshold or a position changed).
"""

from django.dispatch import Signal

contacts_changed = Signal()
county_settings_changed = Signal()
