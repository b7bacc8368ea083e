from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils.translation import ngettext

from shell.start import Task, TaskSource

from .models import Invitation, Membership, User


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


def reachable_head_memberships():
    """Library-head roles through which someone can be reached by e-mail: an active user with an address."""
    return Membership.objects.filter(role=Membership.Role.LIBRARY_HEAD, user__is_active=True).exclude(user__email="")


def reachable_library_heads(municipality_ids) -> dict[int, list[User]]:
    """Who can be reached by e-mail as each municipality's library head (`reachable_head_memberships`).
    A municipality missing from the answer has nobody."""
    found: dict[int, list[User]] = {}
    rows = (
        reachable_head_memberships()
        .filter(municipality_id__in=list(municipality_ids))
        .select_related("user")
        .order_by("user__name", "user_id")
    )
    for membership in rows:
        heads = found.setdefault(membership.municipality_id, [])
        if membership.user not in heads:
            heads.append(membership.user)
    return found


# -------------------------------------------------------------- the to-do list


def _county_users(county):
    return User.objects.filter(is_active=True, pk__in=Membership.objects.filter(county=county).values("user_id"))


def invitation_source(county) -> TaskSource:
    """Users of the county invited and not yet in: one task for the county administrator."""

    def tasks(rows, total):
        return [
            Task(
                text=ngettext("%(count)s invitation not accepted yet", "%(count)s invitations not accepted yet", total)
                % {"count": total},
                url=reverse("accounts:user-list", kwargs={"number": county.number}),
                detail=county.name,
            )
        ]

    rows = _county_users(county).filter(
        Exists(Invitation.objects.filter(user=OuterRef("pk"), county=county, accepted_at__isnull=True)),
        ~Exists(Invitation.objects.filter(user=OuterRef("pk"), accepted_at__isnull=False)),
    )
    return TaskSource(
        key=f"invitations-{county.pk}",
        rows=rows,
        tasks=tasks,
        listed=lambda rows: rows.only("pk"),
        limit=1,
        single=True,
    )


def no_two_factor_source(county) -> TaskSource:
    """Active users of the county without an authenticator app (TOTP): one task for the county administrator."""

    def tasks(rows, total):
        return [
            Task(
                text=ngettext(
                    "%(count)s user without two-factor authentication",
                    "%(count)s users without two-factor authentication",
                    total,
                )
                % {"count": total},
                url=reverse("accounts:user-list", kwargs={"number": county.number}),
                detail=county.name,
            )
        ]

    rows = _county_users(county).filter(
        ~Exists(Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP))
    )
    return TaskSource(
        key=f"no-two-factor-{county.pk}",
        rows=rows,
        tasks=tasks,
        listed=lambda rows: rows.only("pk"),
        limit=1,
        single=True,
    )
