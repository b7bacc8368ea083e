"""The pages every installation starts with; administrators edit them afterwards.

The facts that must stay true (the known deviations, the date of the last check, the controller, the
kinds of personal data and their retention, the contacts) are not in this prose: shell.statements adds
them when the page is shown.
"""

ACCESSIBILITY = """\
Fremdrift skal kunne brukes av alle. Løsningen er laget for å oppfylle kravene til
universell utforming av IKT i forskrift om universell utforming av informasjons- og
kommunikasjonsteknologiske (IKT)-løsninger, som viser til WCAG 2.1 nivå A og AA.

## Slik har vi arbeidet

- Alle sider har overskrifter, landemerker og en lenke for å hoppe rett til hovedinnholdet.
- Alt kan brukes med tastatur, og elementet som har fokus, er tydelig markert.
- Skjemaer har ledetekster, og feilmeldinger vises ved feltet de gjelder.
- Farger har god nok kontrast, og informasjon gis aldri bare med farge.
- Diagrammer har en tabell med de samme tallene ved siden av.
- PDF-dokumenter lages som merkede (taggede) dokumenter med språk og tittel.
- Sidene testes automatisk med axe-core i en ekte nettleser.
"""

ACCESSIBILITY_NN = """\
Fremdrift skal kunne brukast av alle. Løysinga er laga for å oppfylle krava til
universell utforming av IKT i forskrift om universell utforming av informasjons- og
kommunikasjonsteknologiske (IKT-)løysingar, som viser til WCAG 2.1 nivå A og AA.

## Slik har vi arbeidd

- Alle sider har overskrifter, landemerke og ei lenkje for å hoppe rett til hovudinnhaldet.
- Alt kan brukast med tastatur, og elementet som har fokus, er tydeleg markert.
- Skjema har leietekstar, og feilmeldingar blir viste ved feltet dei gjeld.
- Fargar har god nok kontrast, og informasjon blir aldri gitt berre med farge.
- Diagram har ein tabell med dei same tala ved sida av.
- PDF-dokument blir laga som merkte (tagga) dokument med språk og tittel.
- Sidene blir testa automatisk med axe-core i ein ekte nettlesar.
"""

ACCESSIBILITY_EN = """\
Fremdrift is meant to be usable by everyone. It is built to meet the Norwegian
regulation on universal design of ICT solutions, which refers to WCAG 2.1 levels A and AA.

## How we work

- Every page has headings, landmarks and a link that skips straight to the main content.
- Everything works with a keyboard, and the element in focus is clearly marked.
- Forms have labels, and error messages appear at the field they concern.
- Colours have sufficient contrast, and colour is never the only carrier of information.
- Charts have a table with the same numbers next to them.
- PDF documents are tagged, with language and title.
- Pages are tested automatically with axe-core in a real browser.
"""

PRIVACY = """\
Fremdrift behandler personopplysninger for å planlegge og følge opp utviklingsprosjekter
mellom fylkesbiblioteket og folkebibliotekene i kommunene.

## Formål og grunnlag

Opplysningene brukes til å gjennomføre prosjektene fylkeskommunen har ansvar for
(personvernforordningen artikkel 6 nr. 1 bokstav e, utøvelse av offentlig myndighet og oppgaver
i allmennhetens interesse). Signerte avtaler arkiveres etter arkivloven.

## Hvem ser hva

Ansatte ved fylkesbiblioteket ser fylkets prosjekter. Brukere i en kommune ser bare sin egen kommune.
Opplysningene gis ikke videre til andre enn dem som deltar i prosjektene.

## Dine rettigheter

Du kan be om innsyn, retting og sletting, og du kan klage til Datatilsynet.
"""

PRIVACY_NN = """\
Fremdrift behandlar personopplysningar for å planleggje og følgje opp utviklingsprosjekt
mellom fylkesbiblioteket og folkebiblioteka i kommunane.

## Formål og grunnlag

Opplysningane blir brukte til å gjennomføre prosjekta fylkeskommunen har ansvar for
(personvernforordninga artikkel 6 nr. 1 bokstav e, utøving av offentleg styresmakt og oppgåver
i allmenta si interesse). Signerte avtalar blir arkiverte etter arkivlova.

## Kven ser kva

Tilsette ved fylkesbiblioteket ser prosjekta til fylket. Brukarar i ein kommune ser berre sin eigen
kommune. Opplysningane blir ikkje gitt vidare til andre enn dei som deltek i prosjekta.

## Rettane dine

Du kan be om innsyn, retting og sletting, og du kan klage til Datatilsynet.
"""

PRIVACY_EN = """\
Fremdrift processes personal data to plan and follow up development projects between the
county library and the municipal libraries.

## Purpose and legal basis

The data is used to carry out the county authority's projects (GDPR Article 6(1)(e)).
Signed agreements are archived according to the Norwegian Archives Act.

## Your rights

You may ask for access, correction and erasure, and you may complain to the Norwegian Data
Protection Authority.
"""


DEFAULT_PAGES = [
    {
        "slug": "tilgjengelighet",
        "title": "Tilgjengelighetserklæring",
        "body": ACCESSIBILITY,
        "title_nn": "Tilgjengelegheitserklæring",
        "body_nn": ACCESSIBILITY_NN,
        "title_en": "Accessibility statement",
        "body_en": ACCESSIBILITY_EN,
    },
    {
        "slug": "personvern",
        "title": "Personvernerklæring",
        "body": PRIVACY,
        "title_nn": "Personvernerklæring",
        "body_nn": PRIVACY_NN,
        "title_en": "Privacy notice",
        "body_en": PRIVACY_EN,
    },
]


def ensure_default_pages(page_model) -> None:
    """Creates the default pages that are missing; never overwrites an edited page. Only the fields the
    model has (a migration's historical model may predate the nynorsk ones)."""
    fields = {field.name for field in page_model._meta.get_fields()}
    for page in DEFAULT_PAGES:
        defaults = {k: v for k, v in page.items() if k != "slug" and k in fields}
        page_model.objects.get_or_create(slug=page["slug"], defaults=defaults)
