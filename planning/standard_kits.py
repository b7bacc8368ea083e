"""The two kits Fremdrift ships, written from the county libraries' own lessons, and the
first handbook pages. `install_standard_kits(county)` is safe to run again."""

from django.db import transaction

from municipalities.models import Position, Theme

from .models import HandbookPage, Kit, KitDocument, KitMilestone, KitRequirement

P, E = KitMilestone.Scope.PROJECT, KitMilestone.Scope.PARTICIPANT
HEAD, CHIEF, MAYOR, TECH = (
    Position.Code.LIBRARY_HEAD,
    Position.Code.CHIEF_EXECUTIVE,
    Position.Code.MAYOR,
    Position.Code.TECHNICAL,
)

# The standard agreement, its title and text, of every standard kit and of a project made without a kit
# (agreements.drafting): the one copy.
AGREEMENT_TITLE = "Samarbeidsavtale"
AGREEMENT_TEXT = """\
## Formål
{{ county }} fylkesbibliotek og {{ municipality }} samarbeider om prosjektet «{{ project }}». \
Biblioteket som deltar, er {{ library }}.

## Partenes forpliktelser
Fylkesbiblioteket leder prosjektet, gir faglig støtte og følger opp fremdriften. \
Kommunen setter av tid til biblioteksjefen og sørger for at kommunens ledelse er informert og involvert.

## Finansiering
Fylkesbiblioteket gir et tilskudd på {{ county_grant }} kr. Kommunen stiller med en egenandel på minst \
{{ local_share }} % av de samlede kostnadene, i penger eller arbeidstimer. {{ payout_condition }}

## Deltakelseskrav
{{ requirements }}

## Fremdriftsplan
{{ milestones }}

## Rolleavklaring
Hvem som bestemmer hva, står i rollematrisen i avtalen.

## Varighet og oppsigelse
Avtalen gjelder fra {{ start_date }} til {{ end_date }}. Trekker kommunen seg, skal utbetalt tilskudd \
som ikke er brukt, betales tilbake.

## Annet
Kontaktpersoner: {{ contacts }}
"""

INVITATION_LETTER = """\
Til {{ municipality }} v/ biblioteksjef {{ library_head }}, rådmann {{ chief_executive }} og ordfører {{ mayor }}

{{ county }} fylkesbibliotek inviterer {{ municipality }} til å delta i prosjektet «{{ project }}» \
fra {{ start_date }} til {{ end_date }}.

Å delta krever dette av dere:

{{ requirements }}

Vi ber om svar innen fire uker.
"""

REMINDER_LETTER = """\
Til {{ municipality }} v/ biblioteksjef {{ library_head }}

Vi minner om det {{ municipality }} har forpliktet seg til i prosjektet «{{ project }}»:

{{ requirements }}

Fremdriftsplanen for dere:

{{ milestones }}

Ta kontakt med oss i {{ county }} fylkesbibliotek hvis noe står i veien.
"""

THANKS_LETTER = """\
Til {{ municipality }} v/ biblioteksjef {{ library_head }}, rådmann {{ chief_executive }} og ordfører {{ mayor }}

Prosjektet «{{ project }}» er avsluttet. {{ county }} fylkesbibliotek takker {{ library }} for innsatsen \
fra {{ start_date }} til {{ end_date }}.

Vi tar gjerne med erfaringene deres videre til andre kommuner.
"""

# The letters of every standard kit (title, text), and the letters a project made without a kit may use.
STANDARD_LETTERS = [
    ("Invitasjon til kommunen", INVITATION_LETTER),
    ("Påminnelse om forpliktelsene", REMINDER_LETTER),
    ("Takk etter avsluttet prosjekt", THANKS_LETTER),
]

KITS = [
    {
        "name": "Bibliotekrom – fra samling til møteplass",
        "theme": Theme.Code.LIBRARY_ROOMS,
        "description": "Ferdig opplegg for å fornye bibliotekrommet: kartlegging, verksteder, romplan med "
        "interiørarkitekt, ombygging, åpning og måling før og etter. Teknisk avdeling er med fra starten.",
        "duration_days": 480,
        "local_share": 40,
        "county_hours": 20,
        "participant_hours": 8,
        "positions": [HEAD, CHIEF, MAYOR, TECH],
        "milestones": [
            (
                "Oppstartsmøte med rådmann, ordfører, biblioteksjef og teknisk avdeling",
                14,
                E,
                HEAD,
                "Alle fire møtes samtidig: rådmann og politisk ledelse påvirker hverandre.",
            ),
            ("Kartlegging av dagens bibliotekrom og bruk", 45, E, HEAD, "Hvilket potensial ligger i rommet?"),
            (
                "Verksted 1: Hva skal rommet brukes til?",
                60,
                P,
                None,
                "Mål og forventninger for verkstedet sendes ut på forhånd.",
            ),
            ("Mål og behov for rommet vedtatt", 90, E, CHIEF, ""),
            ("Romplan med tegninger fra interiørarkitekt", 150, E, HEAD, ""),
            ("Romplanen godkjent av kommunen", 180, E, CHIEF, ""),
            ("Verksted 2: Erfaringsdeling halvveis", 240, P, None, "Mellomevaluering og kursjustering."),
            ("Kostnadsoverslag og bestilling av inventar", 210, E, TECH, ""),
            ("Kassering og rydding før ombygging", 270, E, HEAD, ""),
            ("Ombygging og montering", 330, E, TECH, ""),
            ("Åpning av det nye rommet", 365, E, HEAD, "Inviter ordfører, lokalavis og naboer."),
            ("TTT-måling etter åpning", 420, E, HEAD, "Samme telling som før ombyggingen."),
            ("Sluttrapport og erfaringer", 460, P, None, ""),
        ],
        "requirements": [
            "Delta på alle verksteder",
            "Logge fremdrift i Fremdrift minst én gang i måneden",
            "Teknisk avdeling deltar på oppstartsmøtet",
            "Rådmann og ordfører deltar på oppstartsmøtet",
            "Sette av minst åtte timer i måneden til prosjektet",
            "Gjennomføre måling før og etter (TTT)",
        ],
    },
    {
        "name": "Kassering og samlingsutvikling",
        "theme": Theme.Code.WEEDING,
        "description": "Ferdig opplegg for å rydde samlingen og lage en plan for samlingsutvikling: analyse, "
        "felles kriterier, kassering i to runder og en plan for de neste fire årene.",
        "duration_days": 365,
        "local_share": 40,
        "county_hours": 10,
        "participant_hours": 6,
        "positions": [HEAD, CHIEF],
        "milestones": [
            ("Oppstartsmøte med biblioteksjef og rådmann", 14, E, HEAD, ""),
            ("Samlingsanalyse: alder, utlån og tilstand", 45, E, HEAD, ""),
            ("Verksted: felles kasseringskriterier", 60, P, None, ""),
            ("Kasseringsplan vedtatt", 90, E, HEAD, ""),
            ("Kassering av faglitteratur", 150, E, HEAD, ""),
            ("Mellomevaluering", 180, P, None, "Hva har vi lært i første runde? Skal noe gjøres annerledes?"),
            ("Kassering av skjønnlitteratur og tidsskrifter", 210, E, HEAD, ""),
            ("Plan for samlingsutvikling de neste fire årene", 270, E, CHIEF, ""),
            ("Sluttrapport og erfaringer", 330, P, None, ""),
        ],
        "requirements": [
            "Delta på verkstedet om kasseringskriterier",
            "Logge fremdrift i Fremdrift minst én gang i måneden",
            "Sette av minst seks timer i måneden til prosjektet",
        ],
    },
]

HANDBOOK = [
    (
        "prosjekthandbok",
        "Prosjekthåndbok",
        True,
        """\
Noen få sider med gode, generelle råd for prosjekter mellom fylkesbiblioteket og kommunene.

## Ting tar tid
Legg inn romslige frister. Fremdrift viser hvor lang tid hver milepæl faktisk tok i tidligere prosjekter.

## Vit hva dere vil oppnå
Skriv målene ned, med indikatorer. Gjelder også hvert møte, seminar og kurs: mål før, resultat etter.

## Realitetsorientering i starten
Har vi egentlig kapasitet til dette nå – både på fylkesbiblioteket og i bibliotekene? Planlegg ut fra
tilgjengelige ressurser. Fremdrift sjekker timer før prosjektet settes i gang.

## Har vi tenkt på alle?
Rådmann og øverste politiske ledelse må være med – gjerne begge samtidig. Teknisk avdeling må være
involvert fra første stund.

## Skriftlige avtaler og rolleavklaring
Lag ordentlige skriftlige avtaler. Avklar hvem som bestemmer hva.

## Informer alle
Send infobrev – særlig når det er penger involvert.
""",
    ),
    (
        "veiledning",
        "Veiledningsdokument for deltakere",
        True,
        """\
Klare retningslinjer og uttalte forventninger til deltakelse. Kan aldri være tydelig nok.

- Er man med på prosjekt, må man delta på minimum dette: alle verksteder og oppstartsmøtet.
- Logg fremdrift minst én gang i måneden.
- Si fra tidlig hvis dere ikke henger med – det finnes Bli-ny-prosjekter for en siste sjanse.
- Fylkesbiblioteket kommer på besøk og ber om møter når samhandlingen trenger det.
""",
    ),
    (
        "kjoreregler-lyd-og-bilde",
        "Kjøreregler for lyd- og bildeoverføring",
        True,
        """\
- Logg på fem minutter før møtet og test lyd og bilde.
- Slå av mikrofonen når du ikke snakker.
- Ha kamera på når det er mulig – det gir bedre samtaler.
- Bruk «rekk opp hånden» for å be om ordet.
- Møtelederen sender agenda og mål for møtet på forhånd, og oppsummerer til slutt.
""",
    ),
]


@transaction.atomic
def install_standard_kits(county) -> list[Kit]:
    positions = {p.code: p for p in Position.objects.filter(county=county).exclude(code="")}
    pages = []
    for order, (slug, title, is_public, body) in enumerate(HANDBOOK, start=1):
        page, _created = HandbookPage.objects.get_or_create(
            county=county,
            slug=slug,
            defaults={"title": title, "body": body, "is_public": is_public, "order": order * 10},
        )
        pages.append(page)
    kits = []
    for data in KITS:
        kit, created = Kit.objects.get_or_create(
            county=county,
            name=data["name"],
            is_current=True,
            defaults={
                "description": data["description"],
                "theme": county.themes.filter(code=data["theme"]).first(),
                "duration_days": data["duration_days"],
                "default_local_share": data["local_share"],
                "county_hours_per_month": data["county_hours"],
                "participant_hours_per_month": data["participant_hours"],
            },
        )
        kits.append(kit)
        if not created:
            continue
        kit.required_positions.set([positions[code] for code in data["positions"]])
        kit.handbook_pages.set(pages)
        KitMilestone.objects.bulk_create(
            [
                KitMilestone(
                    kit=kit,
                    name=name,
                    offset_days=offset,
                    scope=scope,
                    description=description,
                    responsible_position=positions.get(code),
                    order=order,
                )
                for order, (name, offset, scope, code, description) in enumerate(data["milestones"])
            ]
        )
        KitRequirement.objects.bulk_create(
            [KitRequirement(kit=kit, text=text, order=order) for order, text in enumerate(data["requirements"])]
        )
        KitDocument.objects.create(kit=kit, kind=KitDocument.Kind.AGREEMENT, title=AGREEMENT_TITLE, body=AGREEMENT_TEXT)
        KitDocument.objects.bulk_create(
            [
                KitDocument(kit=kit, kind=KitDocument.Kind.LETTER, title=title, body=body)
                for title, body in STANDARD_LETTERS
            ]
        )
    return kits
