"""Who may administer a county's people (see README: the authorization matrix).

The role functions every app builds on (`is_staff_of` and the rest) live with the county and the
municipality they are about: `municipalities.permissions`.
"""

import rules

from municipalities.permissions import is_county_admin

can_manage_users = rules.is_active & is_county_admin


@rules.predicate
def must_use_totp(user) -> bool:
    """Superusers (the Django admin) and county administrators (who decide who sees what) may use
    nothing but the two-factor setup until they have TOTP: a password alone is not enough for them."""
    return user.is_authenticated and user.is_active and (user.is_superuser or bool(user.access.admin_county_ids))
