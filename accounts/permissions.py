"""Who may administer a county's people (see README: the authorization matrix).

The role functions every app builds on (`is_staff_of` and the rest) live with the county and the
municipality they are about: `municipalities.permissions`.
"""

import rules

from municipalities.permissions import is_county_admin

can_manage_users = rules.is_active & is_county_admin
