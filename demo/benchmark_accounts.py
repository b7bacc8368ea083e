"""Synthetic users for benchmarks; the shared password is hashed once."""

from django.contrib.auth.hashers import make_password

from accounts.models import Membership, User
from demo.accounts import DEMO_PASSWORD


def generate(ctx) -> None:
    size = ctx.size
    password = make_password(DEMO_PASSWORD)
    wanted = max(0, size.users - User.objects.count())
    users = User.objects.bulk_create(
        [User(email=f"bruker{i}@bench.fremdrift.no", name=f"Bruker {i}", password=password) for i in range(wanted)],
        batch_size=2000,
    )
    memberships = []
    municipalities = ctx.municipalities
    counties = ctx.counties
    for i, user in enumerate(users):
        slot = i % 10
        if slot < 6 and municipalities:
            municipality = municipalities[i % len(municipalities)]
            role = Membership.Role.LIBRARY_HEAD if slot < 2 else Membership.Role.LEADERSHIP
            memberships.append(
                Membership(user=user, role=role, county_id=municipality.county_id, municipality=municipality)
            )
        else:
            county = counties[i % len(counties)]
            role = Membership.Role.EXPERT if slot == 9 else Membership.Role.COUNTY_STAFF
            memberships.append(Membership(user=user, role=role, county=county))
    Membership.objects.bulk_create(memberships, batch_size=2000, ignore_conflicts=True)
    ctx.users = users
