"""The county library's own lessons learned after the library room project (2019–2022), the text
Fremdrift was born from (`seed/erfaringer.txt`), and a parser that turns it into lessons.

The demo loads it as the lessons record of a finished project, and the tests check that every
item survives the Markdown export. The text is kept as written (non-breaking spaces escaped).
"""

import re

from evaluations.models import Lesson

SEED_TITLE = "Bibliotekromprosjektet 2019–2022"

SEED_TEXT = """Erfaringer

Hva tar vi med oss av erfaringer fra bibliotekromprosjektet i vårt videre arbeid?element-08

Viktigste lærdom: TING TAR TID

Dessuten: God planlegging og å vite hva vi ønsker å\u00a0oppnå er viktig i forhold til ALLE møter, seminarer og kurs vi arrangerer.

Om\u00a0samarbeid med kommunene og andre:

 • Biblioteksjefene ønsker vår tilstedeværelse og tydelighet.
 • Rådmann og øverste politiske ledelse må være med – gjerne begge to samtidig – fordi de påvirker hverandre.
 • Matchingsmidler fra oss utløser midler lokalt.
 • Vi må ha ordentlige skriftlige avtaler.
 • Særdeles viktig med rolleavklaring – hvem bestemmer hva?
 • Viktig å informere/involvere alle om det som skjer i prosjekter (f.eks. gjennom infobrev) – særlig hvis det er penger involvert.
 • Tenke to ganger igjennom hvem som bør involveres – har vi tenkt på alle?
 • Hvordan sikre fremdrift? Oppfølging krever mye tid. I hvor stor grad kan man presse på?
 • Realitetsorientering i begynnelsen av et prosjekt. Har vi egentlig kapasitet til dette nå? Gjelder både innad på fylkesbiblioteket og i bibliotekene ute i kommunene.
 • Når man henter inn fagkompetanse utenfra må de informeres om alt og følges opp veldig tett. Hva handler dette om og hvilke ressurser har vi tilgjengelig?
 • Vi må utnytte resultatene og selge inn metoden til flere kommuner.
 • Diskusjon: Hvordan involvere, eller skal man involvere, de som ikke «melder seg på»?
 • Mer fokus på samarbeid over kommunegrensene.
 • Teknisk avdeling må være involvert fra første stund.
 • Planlegge ut fra tilgjengelige ressurser

Ønsker fra bibliotekene:

 • Mer fokus på kassering og samlingsutvikling
 • Fylkesbiblioteket kan gjerne være mer direkte i forhold til kommunal ledelse
 • Lage «pakkeløsninger» – Ferdig opplegg\u00a0for hvordan gjennomføre et prosjekt, fremdriftsplan, prosjektplaner og ulike maler for brev, avtaler mm.
 • Klare retningslinjer og uttalte forventninger til deltakelse, hvordan følge opp, fremdrift og arbeidsmetoder. Kan aldri være tydelig nok. Er man med på prosjekt må man delta på minimum dette.
 • Strengere krav til fremdrift.
 • Flere besøk fra prosjektledelsen.

Ideer for hva vi kan gjøre videre:

 • Mer samarbeid med Universitetet i Tromsø/Dok-vit.
 • Utvikle samarbeidet med Tromsø bibliotek og byarkiv.
 • Lage kjøreregler for lyd-/bildeoverføringer.
 • Utarbeide veiledningsdokument
 • Mal for oppfølging av prosjekter –«prosjekthåndbok» – lage noen få sider med gode, generelle råd som vi legger på ressurssidene.
 • Bruke sosiale media i større grad for synliggjøring av prosjekter, møter og arrangementer.
 • TTT- måling i bibliotekene – nå i etterkant?
 • Overføre alt vi har lært til flere kommuner – vise fram «eksempelbibliotekene» i nye fora – (f.eks. regionrådene, ordførersamlinger, fylkestinget).

Andre tilbakemeldinger fra internt møte på fylkesbiblioteket:

 • Vi må jobbe videre med hvordan vi kommunisere med kommunene, forskjeller på liten og stor enhet – hvordan sørge for at de store enhetene trekker med seg sine små. For eksempel Tromsø bibliotek og byarkiv og\u00a0Vertskommuneprosjektet.\u00a0 Tydelighet i forhold til hvem vi forholder oss til, en mal for hvordan vi gjør det fra vår side.
 • Utfordrende utover i prosjekt, når enkelte faller av. Føler seg snytt fordi de ikke klarer å henge med og vi ikke har klart å gi like god oppfølging til alle. Bli-ny-prosjektene ble veldig positivt mottatt. De var små og overkommelige, en «siste sjanse» til å få gjennomført tenkte endringer.
 • Ikke så mye som skal til, Mette Milling sitt foredrag sitter enda som en god opplevelse for alle og har skapt mange endringer og entusiasme.
 • Må huske å ta vare på fellesskapet og det vi har klart å skape av samhandling.
 • Vi må kreve mer av deltakerne, de må vise at de har initiativ for å kunne være med. Må forpliktes mer til å følge hele løpet hvis man har sagt ja til å delta.
 • Kartlegginga viste seg å være meget nyttig for å finne ut hvilket potensiale som lå i hver enkel kommune, men var vi tydelig nok på at det var det vi var ute etter å finne? Skulle ha laget korte konklusjoner pr. kommune etterpå, som vi la ut «offentlig». Felles forståelse i forhold til «hvor landet ligger». Skriftlighet og tydeligere avtaler. Må være enda mer tydelig på hvilke forutsetninger som ligger til grunn for deltakelse.
 • Fylkets medvirkning har gitt bibliotekene i kommunene mer tyngde, synlighet i ledelsene lokalt, mer gjennomslagskraft og økte midler. De ønsker fylkesbiblioteket tett på.
 • Samarbeidet med eksterne og nye brukergrupper trekkes fram av veldig mange som en effekt av prosjektet. Positivt for videre samarbeid og utvikling lokalt.
 • Vi må være enda mer konkret, vi tror vi har skjønt hverandre og så viser det seg at vi\u00a0ikke har det likevel. Når skal kommuneadministrasjonen kobles inn? Når skal man stole på at biblioteksjefen gjør det og når skal vi gjøre det? Særlig hvis samhandlingen er dårlig er det viktig at vi er tilstede og ber om møter mm.
 • Å jobbe med workshops er en veldig god metode. De kan være store eller små alt etter hva saken gjelder. Viktig verktøy som vi kan og skal bruke i flere sammenhenger.
 • Viktig å evaluere mens man jobber, stoppe opp og gjøre nye veivalg. Bruke de erfaringene man får i de første rundene og vurdere om det kan gjøre annerledes når man er kommet «halvveis». Mellomevaluering og kursjustering når man har hentet inn noen erfaringer er viktig."""

# Section headings of the seed, in the order of Lesson.Section.
HEADINGS = [
    (re.compile(r"^Viktigste lærdom:\s*(?P<rest>.*)$"), Lesson.Section.MOST_IMPORTANT),
    (re.compile(r"^Om samarbeid med kommunene og andre:?\s*$"), Lesson.Section.COOPERATION),
    (re.compile(r"^Ønsker fra bibliotekene:?\s*$"), Lesson.Section.WISHES),
    (re.compile(r"^Ideer for hva vi kan gjøre videre:?\s*$"), Lesson.Section.IDEAS),
    (re.compile(r"^Andre tilbakemeldinger fra internt møte.*$"), Lesson.Section.INTERNAL),
]
BULLET = re.compile(r"^[•\-*]\s*")
ASIDE = re.compile(r"^Dessuten:\s*")

# Tags by what a lesson is about: the first rule with a word that begins a word of the lesson wins.
KIND_RULES = [
    (("matchingsmidler", "midler lokalt", "økte midler"), Lesson.LessonKind.MONEY),
    (("fagkompetanse", "foredrag"), Lesson.LessonKind.EXPERTISE),
    (
        (
            "workshops",
            "kartlegging",
            "pakkeløsninger",
            "mal for",
            "veiledningsdokument",
            "kjøreregler",
            "evaluere",
            "ttt",
            "kassering",
        ),
        Lesson.LessonKind.METHOD,
    ),
    (("avtale", "rolleavklaring", "hvem bestemmer"), Lesson.LessonKind.AGREEMENTS),
    (("kapasitet", "ressurser"), Lesson.LessonKind.CAPACITY),
    (("fremdrift", "oppfølging", "følge opp", "besøk", "faller av", "kreve mer"), Lesson.LessonKind.FOLLOW_UP),
    (
        ("informere", "infobrev", "sosiale media", "kommunisere", "vise fram", "selge inn", "offentlig"),
        Lesson.LessonKind.COMMUNICATION,
    ),
    (("tid", "planlegging"), Lesson.LessonKind.PLANNING),
    (
        (
            "samarbeid",
            "involvere",
            "ledelse",
            "teknisk avdeling",
            "fellesskapet",
            "tilstedeværelse",
            "tett på",
            "kommunegrensene",
            "rådmann",
            "eksterne",
            "konkret",
        ),
        Lesson.LessonKind.COOPERATION,
    ),
]


def _clean(line: str) -> str:
    return re.sub(r"\s+", " ", line.replace("\u00a0", " ")).strip()


def kind_of(text: str) -> str:
    lowered = text.lower()
    for words, kind in KIND_RULES:
        if any(re.search(rf"(?<!\w){re.escape(word)}", lowered) for word in words):
            return kind
    return Lesson.LessonKind.OTHER


def parse(text: str = SEED_TEXT) -> list[tuple[str, str]]:
    """(section, text) for every lesson of the seed, in the document's order.

    The first section's lessons are the text after "Viktigste lærdom:" and the paragraph that
    follows it ("Dessuten: ..."); the other sections' lessons are their bullet points."""
    items: list[tuple[str, str]] = []
    section = None
    for raw in text.splitlines():
        line = _clean(raw)
        if not line:
            continue
        heading = next(((pattern.match(line), value) for pattern, value in HEADINGS if pattern.match(line)), None)
        if heading:
            match, section = heading
            rest = match.groupdict().get("rest")
            if rest:
                items.append((section, rest))
            continue
        if section is None:
            continue  # the document's title and question
        if section == Lesson.Section.MOST_IMPORTANT:
            items.append((section, ASIDE.sub("", line)))
        elif BULLET.match(line):
            items.append((section, BULLET.sub("", line)))
    return items
