"""People and their access.

A `User` logs in by e-mail. What a user may see and do comes only from their
`Membership` rows: a role in a county or in one municipality. Rights are the
union of all memberships; `User.access` reads them once per request.
"""

import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra_fields)


@dataclass(frozen=True)
class Access:
    """What one user's memberships allow, as sets of ids (see `User.access`)."""

    admin_county_ids: frozenset = field(default_factory=frozenset)
    staff_county_ids: frozenset = field(default_factory=frozenset)  # includes administrators
    expert_county_ids: frozenset = field(default_factory=frozenset)
    head_municipality_ids: frozenset = field(default_factory=frozenset)
    leadership_municipality_ids: frozenset = field(default_factory=frozenset)
    # (number, name) of the counties the user is staff of, for the main menu (no query of its own).
    staff_counties: tuple = ()
    # (id, number, name) of the same counties, for the start page's to-do list (no query of its own).
    staff_county_rows: tuple = ()
    # The written standards (nb, nn) of the counties the user has a role in (no query of its own).
    written_standards: frozenset = field(default_factory=frozenset)

    @property
    def municipality_ids(self) -> frozenset:
        """Municipalities the user belongs to as library head or leadership."""
        return self.head_municipality_ids | self.leadership_municipality_ids

    @property
    def county_ids(self) -> frozenset:
        return self.staff_county_ids | self.expert_county_ids

    @property
    def is_county_staff(self) -> bool:
        return bool(self.staff_county_ids)


NO_ACCESS = Access()


class User(AbstractUser):
    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language of the pages and of the e-mails you receive. Empty: your county's written standard."),
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["name", "email"]

    def __str__(self):
        return self.name or self.email

    def get_full_name(self):
        return self.name or self.email

    def get_short_name(self):
        return (self.name.split() or [self.email])[0]

    @cached_property
    def access(self) -> Access:
        """The user's rights, read once per request (a revoked role is gone next request)."""
        if not self.is_active:
            return NO_ACCESS
        admin, staff, expert, head, leadership = set(), set(), set(), set(), set()
        staff_counties, county_rows, standards = {}, {}, set()
        role = Membership.Role
        rows = self.memberships.values(
            "role", "county_id", "municipality_id", "county__number", "county__name", "county__written_standard"
        )
        for row in rows:
            standards.add(row["county__written_standard"])
            if row["role"] in (role.COUNTY_ADMIN, role.COUNTY_STAFF):
                staff.add(row["county_id"])
                staff_counties[row["county__number"]] = row["county__name"]
                county_rows[row["county_id"]] = (row["county__number"], row["county__name"])
            if row["role"] == role.COUNTY_ADMIN:
                admin.add(row["county_id"])
            elif row["role"] == role.EXPERT:
                expert.add(row["county_id"])
            elif row["role"] == role.LIBRARY_HEAD:
                head.add(row["municipality_id"])
            elif row["role"] == role.LEADERSHIP:
                leadership.add(row["municipality_id"])
        return Access(
            admin_county_ids=frozenset(admin),
            staff_county_ids=frozenset(staff),
            expert_county_ids=frozenset(expert),
            head_municipality_ids=frozenset(head),
            leadership_municipality_ids=frozenset(leadership),
            staff_counties=tuple(sorted(staff_counties.items())),
            staff_county_rows=tuple(sorted((pk, number, name) for pk, (number, name) in county_rows.items())),
            written_standards=frozenset(standards),
        )

    @property
    def preferred_language(self) -> str:
        """The language pages and e-mails use for this user: their own choice, else the written
        standard of their county (of all their counties, if these agree), else Norwegian bokmål."""
        if self.language:
            return self.language
        standards = self.access.written_standards
        return next(iter(standards)) if len(standards) == 1 else settings.LANGUAGE_CODE


class MembershipQuerySet(models.QuerySet):
    def in_county(self, county):
        return self.filter(county=county)


class Membership(models.Model):
    """A role held by a user in a county or in one of its municipalities."""

    class Role(models.TextChoices):
        COUNTY_ADMIN = "county_admin", _("County administrator")
        COUNTY_STAFF = "county_staff", _("County staff")
        LIBRARY_HEAD = "library_head", _("Library head")
        LEADERSHIP = "leadership", _("Municipal leadership")
        EXPERT = "expert", _("External expert")

    COUNTY_ROLES = (Role.COUNTY_ADMIN, Role.COUNTY_STAFF, Role.EXPERT)
    MUNICIPAL_ROLES = (Role.LIBRARY_HEAD, Role.LEADERSHIP)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    county = models.ForeignKey("municipalities.County", on_delete=models.CASCADE, related_name="memberships")
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.CASCADE,
        related_name="memberships",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["county_id", "role", "municipality_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "county"],
                condition=Q(municipality__isnull=True),
                name="membership_unique_county_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "municipality"],
                condition=Q(municipality__isnull=False),
                name="membership_unique_municipal_role",
            ),
            models.CheckConstraint(
                condition=(
                    Q(role__in=["library_head", "leadership"], municipality__isnull=False)
                    | Q(role__in=["county_admin", "county_staff", "expert"], municipality__isnull=True)
                ),
                name="membership_scope_matches_role",
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.scope}"

    @property
    def scope(self):
        return self.municipality or self.county

    @property
    def is_municipal(self) -> bool:
        return self.role in self.MUNICIPAL_ROLES


def _new_invitation_key() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """An e-mailed link that lets a new user set their password (no public sign-up)."""

    VALID_FOR = timedelta(days=14)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations")
    county = models.ForeignKey("municipalities.County", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64, unique=True, default=_new_invitation_key)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-sent_at"]

    def __str__(self):
        return f"{self.user.email} ({self.sent_at:%Y-%m-%d})"

    def get_absolute_url(self):
        return reverse("accounts:invitation-accept", kwargs={"key": self.key})

    @property
    def is_expired(self) -> bool:
        return timezone.now() > self.sent_at + self.VALID_FOR

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and not self.is_expired


class IdentityProviderQuerySet(models.QuerySet):
    def for_domain(self, domain: str):
        return self.filter(domains__domain=domain.strip().lower().lstrip("@"))


class IdentityProvider(models.Model):
    """An OpenID Connect provider (Entra ID, ID-porten ...) a county administrator set up for single sign-on.

    It serves the e-mail domains in `domains` (each domain belongs to one provider in the whole installation)
    and may log in only users whose memberships are all in its `county` (accounts.sso has the rules). The client
    secret is never stored: `secret_env` names the environment variable that holds it (README: Single sign-on).
    allauth sees each provider as an `openid_connect` app with the provider id `sso_provider_id`
    (accounts.adapters.SocialAccountAdapter.list_apps builds it from this row).
    """

    county = models.ForeignKey("municipalities.County", on_delete=models.CASCADE, related_name="identity_providers")
    name = models.CharField(_("name on the button"), max_length=80, help_text=_("Shown as “Log in with …”."))
    issuer = models.URLField(
        _("issuer URL"),
        max_length=300,
        help_text=_("Exactly as the provider states it, e.g. https://login.microsoftonline.com/TENANT-ID/v2.0."),
    )
    client_id = models.CharField(_("client ID"), max_length=255)
    secret_env = models.CharField(
        _("environment variable with the client secret"),
        max_length=100,
        help_text=_(
            "The name of the environment variable on the server that holds the client secret, e.g. "
            "FREMDRIFT_SSO_TROMSO_SECRET. The secret itself is never stored in Fremdrift."
        ),
    )
    require_sso = models.BooleanField(
        _("require single sign-on for these domains"),
        default=False,
        help_text=_("Users of these domains can no longer log in with a password."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = IdentityProviderQuerySet.as_manager()

    class Meta:
        verbose_name = _("identity provider")
        verbose_name_plural = _("identity providers")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    PROVIDER_ID_PREFIX = "fremdrift-"

    @property
    def sso_provider_id(self) -> str:
        """allauth's provider id, in the login and callback URLs (/konto/oidc/<id>/login/callback/)."""
        return f"{self.PROVIDER_ID_PREFIX}{self.pk}"

    @property
    def domain_list(self) -> list[str]:
        return [d.domain for d in self.domains.all()]


class IdentityProviderDomain(models.Model):
    """An e-mail domain (tromso.kommune.no) served by one identity provider: unique across the installation."""

    provider = models.ForeignKey(IdentityProvider, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(_("e-mail domain"), max_length=253, unique=True)

    class Meta:
        verbose_name = _("e-mail domain")
        verbose_name_plural = _("e-mail domains")
        ordering = ["domain"]

    def __str__(self):
        return self.domain
