"""Demo places and people: Troms county with its 21 municipalities (2024)."""

from municipalities.models import Contact, County, Library, Municipality, Position
from municipalities.services import create_county

# The county as the creator of its archive (arkivskaper): an organisation number with a valid check digit.
DEMO_ARCHIVE_CREATOR = ("817920632", "Troms fylkeskommune")

# Number, official name, population 1 January 2024 (Statistics Norway, rounded
# for the demo) and regional council.
TROMS_MUNICIPALITIES = [
    ("5501", "Tromsø", 78745, "Tromsø-områdets regionråd"),
    ("5503", "Harstad", 25042, "Sør-Troms regionråd"),
    ("5510", "Kvæfjord", 2852, "Sør-Troms regionråd"),
    ("5512", "Tjeldsund", 4188, "Sør-Troms regionråd"),
    ("5514", "Ibestad", 1327, "Sør-Troms regionråd"),
    ("5516", "Gratangen", 1075, "Midt-Troms regionråd"),
    ("5518", "Loabák - Lavangen", 1034, "Midt-Troms regionråd"),
    ("5520", "Bardu", 4033, "Midt-Troms regionråd"),
    ("5522", "Salangen", 2171, "Midt-Troms regionråd"),
    ("5524", "Målselv", 6728, "Midt-Troms regionråd"),
    ("5526", "Sørreisa", 3445, "Midt-Troms regionråd"),
    ("5528", "Dyrøy", 1073, "Midt-Troms regionråd"),
    ("5530", "Senja", 14825, "Midt-Troms regionråd"),
    ("5532", "Balsfjord", 5612, "Tromsø-områdets regionråd"),
    ("5534", "Karlsøy", 2090, "Tromsø-områdets regionråd"),
    ("5536", "Lyngen", 2803, "Nord-Troms regionråd"),
    ("5538", "Storfjord - Omasvuotna - Omasvuono", 1828, "Nord-Troms regionråd"),
    ("5540", "Gáivuotna - Kåfjord - Kaivuono", 2033, "Nord-Troms regionråd"),
    ("5542", "Skjervøy", 2900, "Nord-Troms regionråd"),
    ("5544", "Nordreisa", 4867, "Nord-Troms regionråd"),
    ("5546", "Kvænangen", 1183, "Nord-Troms regionråd"),
]

LIBRARIES = {
    "5501": [
        ("Tromsø bibliotek og byarkiv, hovedbiblioteket", True, "Grønnegata 94, 9008 Tromsø"),
        ("Kroken bibliotek", False, "Krokenveien 9, 9020 Tromsdalen"),
        ("Tromsdalen bibliotek", False, "Tromsdalen kulturhus, 9020 Tromsdalen"),
        ("Kvaløysletta bibliotek", False, "Kvaløysletta, 9100 Kvaløysletta"),
    ],
    "5503": [
        ("Harstad bibliotek", True, "Rikard Kaarbøs plass 1, 9405 Harstad"),
        ("Kanebogen bibliotek", False, "Kanebogen, 9404 Harstad"),
    ],
    "5530": [("Senja bibliotek, Finnsnes", True, "Storgata 10, 9300 Finnsnes")],
}

# Contacts in Tromsø and Harstad for every position: (municipality, position code, name, e-mail).
CONTACTS = [
    ("5501", Position.Code.LIBRARY_HEAD, "Ingrid Johansen", "biblioteksjef.tromso@demo.fremdrift.no"),
    ("5501", Position.Code.CHIEF_EXECUTIVE, "Per Mathisen", "radmann.tromso@demo.fremdrift.no"),
    ("5501", Position.Code.MAYOR, "Kari Nilsen", "ordforer.tromso@demo.fremdrift.no"),
    ("5501", Position.Code.COUNCILLOR, "Ánte Somby", "ante.somby@demo.fremdrift.no"),
    ("5501", Position.Code.TECHNICAL, "Ole Pedersen", "teknisk.tromso@demo.fremdrift.no"),
    ("5501", Position.Code.OTHER, "Siri Eriksen", "siri.eriksen@demo.fremdrift.no"),
    ("5503", Position.Code.LIBRARY_HEAD, "Marit Hansen", "biblioteksjef.harstad@demo.fremdrift.no"),
    ("5503", Position.Code.CHIEF_EXECUTIVE, "Jon Olsen", "radmann.harstad@demo.fremdrift.no"),
    ("5503", Position.Code.MAYOR, "Anne Berg", "ordforer.harstad@demo.fremdrift.no"),
    ("5503", Position.Code.COUNCILLOR, "Terje Lund", "terje.lund@demo.fremdrift.no"),
    ("5503", Position.Code.TECHNICAL, "Eva Karlsen", "teknisk.harstad@demo.fremdrift.no"),
    ("5503", Position.Code.OTHER, "Lars Strand", "lars.strand@demo.fremdrift.no"),
]


def seed_places() -> County:
    """Troms with its municipalities, libraries and contacts; safe to run again.

    Existing municipalities keep their names, so an imported official list wins.
    """
    county = create_county(number="55", name="Troms")
    if not county.sender_email:
        county.sender_name, county.sender_email = "Troms fylkesbibliotek", "fylkesbiblioteket@demo.fremdrift.no"
        county.save(update_fields=["sender_name", "sender_email"])
    if not county.archive_creator_id:  # so that an archive extract can be made on the first `make run`
        county.archive_creator_id, county.archive_creator_name = DEMO_ARCHIVE_CREATOR
        county.save(update_fields=["archive_creator_id", "archive_creator_name"])
    by_number = {}
    for number, name, population, region in TROMS_MUNICIPALITIES:
        municipality, _created = Municipality.objects.get_or_create(
            number=number,
            defaults={"name": name, "county": county, "population": population, "region": region},
        )
        by_number[number] = municipality
    for number, municipality in by_number.items():
        libraries = LIBRARIES.get(number, [(f"{municipality.name.split(' - ')[0]} bibliotek", True, "")])
        for name, is_main, address in libraries:
            Library.objects.get_or_create(
                municipality=municipality, name=name, defaults={"is_main": is_main, "address": address}
            )
    positions = {p.code: p for p in Position.objects.filter(county=county).exclude(code="")}
    for number, code, name, email in CONTACTS:
        Contact.objects.get_or_create(
            county=county,
            municipality=by_number[number],
            position=positions[code],
            email=email,
            defaults={"name": name},
        )
    return county
