import factory
from allauth.mfa.totp.internal.auth import TOTP

from accounts.models import Membership, User
from municipalities.models import Contact, County, Library, Municipality, Position
from municipalities.services import ensure_default_lists

TEST_PASSWORD = "Fremdrift-test-passord-1"
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXP"


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = County
        django_get_or_create = ["number"]
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: f"{(n % 80) + 10:02d}")
    name = factory.Sequence(lambda n: f"Fylke {n}")

    @factory.post_generation
    def positions(obj, create, extracted, **kwargs):
        if create:
            ensure_default_lists(obj)


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ["number"]

    county = factory.SubFactory(CountyFactory)
    number = factory.LazyAttributeSequence(lambda o, n: f"{o.county.number}{(n % 99) + 1:02d}")
    name = factory.Sequence(lambda n: f"Kommune {n}")
    population = 5000


class LibraryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Library

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.LazyAttribute(lambda o: f"{o.municipality.name} bibliotek")
    is_main = True


def position(county, code) -> Position:
    return Position.objects.get(county=county, code=code)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    municipality = factory.SubFactory(MunicipalityFactory)
    county = factory.LazyAttribute(lambda o: o.municipality.county)
    name = factory.Sequence(lambda n: f"Kontakt {n}")
    email = factory.Sequence(lambda n: f"kontakt{n}@example.no")
    position = factory.LazyAttribute(lambda o: position(o.county, Position.Code.LIBRARY_HEAD))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"bruker{n}@example.no")
    name = factory.Sequence(lambda n: f"Bruker {n}")
    password = factory.django.Password(TEST_PASSWORD)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Membership.Role.COUNTY_STAFF
    county = factory.SubFactory(CountyFactory)
    municipality = None


def make_superuser(**kwargs) -> User:
    """An installation superuser with TOTP, as the app demands of everyone who reaches the admin."""
    user = UserFactory(is_superuser=True, is_staff=True, **kwargs)
    TOTP.activate(user, TEST_TOTP_SECRET)
    return user


def make_user(role: str, *, county=None, municipality=None, **kwargs) -> User:
    """A user with one membership; administrators get TOTP, as the app demands."""
    user = UserFactory(**kwargs)
    county = county or municipality.county
    MembershipFactory(user=user, role=role, county=county, municipality=municipality)
    if role == Membership.Role.COUNTY_ADMIN:
        TOTP.activate(user, TEST_TOTP_SECRET)
    return user
