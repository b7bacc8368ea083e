"""Synthetic places and people for benchmarks (`manage.py generate_benchmark_data`)."""

from municipalities.models import Contact, County, Library, Municipality, Position
from municipalities.services import ensure_default_lists

# The 15 counties of 2024; Troms (55) comes from the demo.
COUNTIES = [
    ("03", "Oslo"),
    ("11", "Rogaland"),
    ("15", "Møre og Romsdal"),
    ("18", "Nordland"),
    ("31", "Østfold"),
    ("32", "Akershus"),
    ("33", "Buskerud"),
    ("34", "Innlandet"),
    ("39", "Vestfold"),
    ("40", "Telemark"),
    ("42", "Agder"),
    ("46", "Vestland"),
    ("50", "Trøndelag"),
    ("55", "Troms"),
    ("56", "Finnmark"),
]

_FIRST = ["Nord", "Sør", "Øst", "Vest", "Øvre", "Nedre", "Store", "Lille", "Gamle", "Ny"]
_STEM = ["fjord", "dal", "vik", "nes", "øy", "berg", "haug", "strand", "mark", "sund", "heim", "våg"]
_GIVEN = ["Anne", "Ola", "Kari", "Per", "Ingrid", "Nils", "Siri", "Jon", "Áile", "Mikkel", "Ragnhild", "Ánde"]
_FAMILY = ["Hansen", "Johansen", "Olsen", "Larsen", "Nilsen", "Berg", "Haugen", "Sara", "Eira", "Bongo"]


def _name(rng) -> str:
    return rng.choice(_FIRST) + rng.choice(_STEM)


def person_name(rng) -> str:
    return f"{rng.choice(_GIVEN)} {rng.choice(_FAMILY)}"


def generate(ctx) -> None:
    """Counties up to `ctx.size.counties`, municipalities, libraries and contacts, in bulk."""
    rng, size = ctx.rng, ctx.size
    # The demo's other counties (Vestland) count among them and get synthetic municipalities too.
    demo_others = list(County.objects.exclude(pk=ctx.demo_county.pk).order_by("number"))
    taken = {ctx.demo_county.number} | {county.number for county in demo_others}
    others = [(number, name) for number, name in COUNTIES if number not in taken]
    wanted = max(0, size.counties - 1 - len(demo_others))
    counties = [ctx.demo_county, *demo_others] + [
        County.objects.create(number=number, name=name) for number, name in others[:wanted]
    ]
    for county in counties:
        ensure_default_lists(county)
    existing = Municipality.objects.count()
    new_municipalities = []
    per_county = max(0, size.municipalities - existing) // max(1, len(counties) - 1 or 1)
    for county in counties[1:] or counties:
        used = set(Municipality.objects.filter(county=county).values_list("number", flat=True))
        serial = 1
        for _ in range(per_county):
            while f"{county.number}{serial:02d}" in used:
                serial += 1
            used.add(f"{county.number}{serial:02d}")
            new_municipalities.append(
                Municipality(
                    number=f"{county.number}{serial:02d}",
                    name=f"{_name(rng)} {serial}",
                    county=county,
                    population=rng.randint(800, 60000),
                    region=f"Region {county.name} {rng.randint(1, 4)}",
                )
            )
    Municipality.objects.bulk_create(new_municipalities[: max(0, size.municipalities - existing)])
    municipalities = list(Municipality.objects.all())
    with_library = set(Library.objects.values_list("municipality_id", flat=True))
    libraries = [
        Library(municipality=m, name=f"{m.name} bibliotek", is_main=True)
        for m in municipalities
        if m.pk not in with_library
    ]
    branches = max(0, size.libraries - Library.objects.count() - len(libraries))
    libraries += [
        Library(municipality=rng.choice(municipalities), name=f"Filial {i + 1}", is_main=False) for i in range(branches)
    ]
    Library.objects.bulk_create(libraries)
    positions = {(p.county_id, p.code): p for p in Position.objects.exclude(code="")}
    codes = [code for code, _name_ in Position.DEFAULTS]
    contacts = []
    for i in range(max(0, size.contacts - Contact.objects.count())):
        municipality = municipalities[i % len(municipalities)]
        code = codes[(i // len(municipalities)) % len(codes)]
        contacts.append(
            Contact(
                county_id=municipality.county_id,
                municipality=municipality,
                name=person_name(rng),
                email=f"kontakt{i}@bench.fremdrift.no",
                position=positions[(municipality.county_id, code)],
            )
        )
    Contact.objects.bulk_create(contacts, batch_size=2000)
    ctx.counties = counties
    ctx.municipalities = municipalities
