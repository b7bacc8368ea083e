from dataclasses import dataclass

from django.db.models import Prefetch, Q

from .models import Membership, User


@dataclass(frozen=True)
class StartSection:
    """One part of a user's start page: what one membership gives them."""

    membership: Membership

    @property
    def template_name(self) -> str:
        return f"accounts/partials/_start_{self.membership.role}.html"


def list_start_sections(user: User) -> list[StartSection]:
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("county", "municipality")
        .order_by("county__number", "role", "municipality__number")
    )
    return [StartSection(membership=m) for m in memberships]


def start_page_provider(user, context: dict) -> None:
    """The start page's sections: one per membership (registered with `shell.start`)."""
    context["sections"] = list_start_sections(user)


def list_county_users(*, county, search: str = ""):
    """Users with a membership in `county`, each with only that county's memberships."""
    memberships = Membership.objects.filter(county=county).select_related("municipality")
    users = (
        User.objects.filter(memberships__county=county)
        .distinct()
        .prefetch_related(Prefetch("memberships", queryset=memberships, to_attr="county_memberships"))
        .order_by("name", "email")
    )
    if search:
        users = users.filter(Q(name__icontains=search) | Q(email__icontains=search))
    return users


def reachable_library_heads(municipality_ids) -> dict[int, list[User]]:
    """Who can be reached by e-mail as each municipality's library head: active users with the
    library-head role there and an e-mail address. A municipality missing from the answer has nobody."""
    found: dict[int, list[User]] = {}
    rows = (
        Membership.objects.filter(
            role=Membership.Role.LIBRARY_HEAD, municipality_id__in=list(municipality_ids), user__is_active=True
        )
        .exclude(user__email="")
        .select_related("user")
        .order_by("user__name", "user_id")
    )
    for membership in rows:
        heads = found.setdefault(membership.municipality_id, [])
        if membership.user not in heads:
            heads.append(membership.user)
    return found
