"""The default accessibility statement and privacy notice lose the sections that shell.statements now
writes at request time (deviations, contact, controller, data and retention). Only pages nobody edited
are changed: a field still holding the text of 0002 gets the new default text."""

from django.db import migrations

from shell.defaults import DEFAULT_PAGES

PREVIOUS = {
    "tilgjengelighet": {
        "body": "Fremdrift skal kunne brukes av alle. Løsningen er laget for å oppfylle kravene til\nuniversell utforming av IKT i forskrift om universell utforming av informasjons- og\nkommunikasjonsteknologiske (IKT)-løsninger, som viser til WCAG 2.1 nivå A og AA.\n\n## Slik har vi arbeidet\n\n- Alle sider har overskrifter, landemerker og en lenke for å hoppe rett til hovedinnholdet.\n- Alt kan brukes med tastatur, og elementet som har fokus, er tydelig markert.\n- Skjemaer har ledetekster, og feilmeldinger vises ved feltet de gjelder.\n- Farger har god nok kontrast, og informasjon gis aldri bare med farge.\n- Diagrammer har en tabell med de samme tallene ved siden av.\n- PDF-dokumenter lages som merkede (taggede) dokumenter med språk og tittel.\n- Sidene testes automatisk med axe-core i en ekte nettleser.\n\n## Kjente mangler\n\nVi kjenner ikke til brudd på kravene nå. Finner du noe som ikke virker, vil vi gjerne høre det.\n\n## Tilbakemelding\n\nKontakt fylkesbiblioteket som har gitt deg tilgang. Du kan også melde fra til\nTilsynet for universell utforming av IKT (Digitaliseringsdirektoratet).\n",
        "body_en": "Fremdrift is meant to be usable by everyone. It is built to meet the Norwegian\nregulation on universal design of ICT solutions, which refers to WCAG 2.1 levels A and AA.\n\n## How we work\n\n- Every page has headings, landmarks and a link that skips straight to the main content.\n- Everything works with a keyboard, and the element in focus is clearly marked.\n- Forms have labels, and error messages appear at the field they concern.\n- Colours have sufficient contrast, and colour is never the only carrier of information.\n- Charts have a table with the same numbers next to them.\n- PDF documents are tagged, with language and title.\n- Pages are tested automatically with axe-core in a real browser.\n\n## Known issues\n\nWe know of no breaches at present. If something does not work for you, please tell us.\n\n## Feedback\n\nContact the county library that gave you access, or the Authority for Universal Design of ICT.\n",
    },
    "personvern": {
        "body": "Fremdrift behandler personopplysninger for å planlegge og følge opp utviklingsprosjekter\nmellom fylkesbiblioteket og folkebibliotekene i kommunene.\n\n## Hvilke opplysninger\n\n- Navn, e-postadresse, telefon og stilling for kontaktpersoner i kommuner, fylket og samarbeidspartnere.\n- Brukerkontoer: e-postadresse, navn, roller og tidspunkt for innlogging.\n- Det du selv skriver inn: fremdriftsrapporter, svar på evalueringer og signaturer på avtaler.\n\n## Formål og grunnlag\n\nOpplysningene brukes til å gjennomføre prosjektene fylkeskommunen har ansvar for\n(personvernforordningen artikkel 6 nr. 1 bokstav e, utøvelse av offentlig myndighet og oppgaver\ni allmennhetens interesse). Signerte avtaler arkiveres etter arkivloven.\n\n## Hvem ser hva\n\nAnsatte ved fylkesbiblioteket ser fylkets prosjekter. Brukere i en kommune ser bare sin egen kommune.\nOpplysningene gis ikke videre til andre enn dem som deltar i prosjektene.\n\n## Lagring og sletting\n\nOpplysningene lagres så lenge prosjektet pågår og deretter så lenge arkivregelverket krever.\n\n## Dine rettigheter\n\nDu kan be om innsyn, retting og sletting, og du kan klage til Datatilsynet.\nBehandlingsansvarlig er fylkeskommunen som driver fylkesbiblioteket; kontakt fylkesbiblioteket\neller fylkeskommunens personvernombud.\n",
        "body_en": "Fremdrift processes personal data to plan and follow up development projects between the\ncounty library and the municipal libraries.\n\n## What data\n\n- Name, e-mail address, phone and position of contacts in municipalities, the county and partners.\n- User accounts: e-mail address, name, roles and login times.\n- What you enter yourself: progress reports, evaluation answers and signatures on agreements.\n\n## Purpose and legal basis\n\nThe data is used to carry out the county authority's projects (GDPR Article 6(1)(e)).\nSigned agreements are archived according to the Norwegian Archives Act.\n\n## Your rights\n\nYou may ask for access, correction and erasure, and you may complain to the Norwegian Data\nProtection Authority. The controller is the county authority that runs the county library.\n",
    },
}


def update_unedited_pages(apps, schema_editor):
    page_model = apps.get_model("shell", "Page")
    for default in DEFAULT_PAGES:
        page = page_model.objects.filter(slug=default["slug"]).first()
        previous = PREVIOUS.get(default["slug"], {})
        if page is None:
            continue
        changed = [field for field, text in previous.items() if getattr(page, field) == text]
        for field in changed:
            setattr(page, field, default[field])
        if changed:
            page.save(update_fields=changed)


class Migration(migrations.Migration):
    dependencies = [("shell", "0002_default_pages")]

    operations = [migrations.RunPython(update_unedited_pages, migrations.RunPython.noop)]
