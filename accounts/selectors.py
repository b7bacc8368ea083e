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
