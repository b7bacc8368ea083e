"""Demo logins. The password and the administrator's TOTP secret are public: demo only."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

from accounts.models import Membership, User
from municipalities.models import Contact, County, Municipality

DEMO_PASSWORD = "fremdrift-demo"
DEMO_ADMIN_TOTP_SECRET = "FREMDRIFTDEMOKEY"

Role = Membership.Role

# e-mail, name, role, municipality number (None for county roles)
DEMO_LOGINS = [
    ("admin@demo.fremdrift.no", "Astrid Fylkesadmin", Role.COUNTY_ADMIN, None),
    ("fylke@demo.fremdrift.no", "Fredrik Rådgiver", Role.COUNTY_STAFF, None),
    ("biblioteksjef.tromso@demo.fremdrift.no", "Ingrid Johansen", Role.LIBRARY_HEAD, "5501"),
    ("biblioteksjef.harstad@demo.fremdrift.no", "Marit Hansen", Role.LIBRARY_HEAD, "5503"),
    ("radmann.tromso@demo.fremdrift.no", "Per Mathisen", Role.LEADERSHIP, "5501"),
    ("ordforer.tromso@demo.fremdrift.no", "Kari Nilsen", Role.LEADERSHIP, "5501"),
    ("ekspert@demo.fremdrift.no", "Eirik Rom-Ekspert", Role.EXPERT, None),
]


def seed_logins(county: County) -> dict[str, User]:
    """Creates the demo users with their roles; contacts with the same e-mail are linked."""
    users = {}
    for email, name, role, number in DEMO_LOGINS:
        user, created = User.objects.get_or_create(email=email, defaults={"name": name})
        if created or not user.has_usable_password():
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        municipality = Municipality.objects.get(number=number) if number else None
        Membership.objects.get_or_create(user=user, role=role, county=county, municipality=municipality)
        Contact.objects.filter(email=email, user__isnull=True).update(user=user)
        users[email] = user
    admin = users["admin@demo.fremdrift.no"]
    if not Authenticator.objects.filter(user=admin, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(admin, DEMO_ADMIN_TOTP_SECRET)
    return users


def describe_logins() -> str:
    lines = [f"Demo logins (password: {DEMO_PASSWORD}):"]
    for email, _name, role, number in DEMO_LOGINS:
        scope = f" {number}" if number else ""
        lines.append(f"  {email:45} {Role(role).label}{scope}")
    from demo.vestland import VESTLAND_LOGINS

    for email, _name, role, number in VESTLAND_LOGINS:
        scope = f" {number}" if number else " Vestland"
        lines.append(f"  {email:45} {Role(role).label}{scope} (nynorsk)")
    lines.append(f"  The administrator's TOTP secret: {DEMO_ADMIN_TOTP_SECRET} (add it to an authenticator app)")
    return "\n".join(lines)
