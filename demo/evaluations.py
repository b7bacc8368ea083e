"""Demo evaluations for Troms: questionnaires, a finished mapping with published conclusions, an open
mid-term round with some answers, before/after measurements, a course correction, and the seed's
own lessons as the record of the finished library room project of 2019–2022. Safe to run again."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from accounts.models import User
from demo import seed_lessons
from evaluations.models import Answer, Conclusion, Kind, Lesson, Question, Questionnaire, Response, Round
from evaluations.services import answers as answers_services
from evaluations.services import conclusions as conclusions_services
from evaluations.services import corrections, lessons, measurements, rounds
from evaluations.services import questionnaires as questionnaires_services
from followup.models import Milestone
from municipalities.models import County, Library, Municipality, Theme
from notifications.models import OutboxMessage
from projects import services as project_services
from projects.models import Project

ROOM_PROJECT = "Bibliotekrom i Troms – fra samling til møteplass"
T = Question.Type

QUESTIONNAIRES = {
    Kind.MAPPING: (
        "Kartlegging av bibliotekets potensial",
        "Kartleggingen skal vise hvilket potensial som ligger i hvert bibliotek. Svar så konkret dere kan.",
        [
            (
                T.SCALE,
                "Hvor godt fungerer biblioteklokalet som møteplass i dag?",
                True,
                [],
                "Svært dårlig",
                "Svært godt",
            ),
            (
                T.MULTIPLE,
                "Hva brukes lokalet til i dag?",
                False,
                ["Utlån", "Arrangementer", "Studieplasser", "Møter for lag og foreninger", "Skolebesøk"],
                "",
                "",
            ),
            (T.NUMBER, "Hvor mange timer i uka er biblioteket bemannet?", True, [], "", ""),
            (T.YES_NO, "Er teknisk avdeling kjent med planene?", True, [], "", ""),
            (T.TEXT, "Hva er den største muligheten i lokalet?", False, [], "", ""),
        ],
    ),
    Kind.MIDTERM: (
        "Mellomevaluering",
        "Vi stopper opp halvveis: hva har fungert, og hva bør vi gjøre annerledes resten av prosjektet?",
        [
            (T.SCALE, "Hvor fornøyd er dere med fremdriften så langt?", True, [], "Ikke fornøyd", "Svært fornøyd"),
            (T.SCALE, "Hvor godt har fylkesbiblioteket fulgt dere opp?", True, [], "Dårlig", "Svært godt"),
            (
                T.SINGLE,
                "Har dere kapasitet til resten av prosjektet?",
                True,
                ["Ja, som planlagt", "Bare hvis planen strekkes ut", "Nei"],
                "",
                "",
            ),
            (T.YES_NO, "Deltar rådmann og ordfører slik det ble avtalt?", False, [], "", ""),
            (T.TEXT, "Hva bør vi gjøre annerledes resten av prosjektet?", False, [], "", ""),
        ],
    ),
    Kind.FINAL: (
        "Sluttevaluering",
        "Hva tar vi med oss av erfaringer fra prosjektet i vårt videre arbeid?",
        [
            (T.SCALE, "I hvilken grad nådde dere målene deres?", True, [], "Ikke i det hele tatt", "Fullt ut"),
            (T.TEXT, "Viktigste lærdom", True, [], "", ""),
            (T.TEXT, "Ønsker til fylkesbiblioteket for neste prosjekt", False, [], "", ""),
        ],
    ),
}


def _questionnaire(county, staff, kind) -> Questionnaire:
    title, description, questions = QUESTIONNAIRES[kind]
    existing = Questionnaire.objects.filter(county=county, title=title).first()
    if existing:
        return existing
    questionnaire = questionnaires_services.create_questionnaire(
        county=county, by=staff, title=title, kind=kind, description=description
    )
    for order, (kind_, text, required, options, low, high) in enumerate(questions, start=1):
        questionnaires_services.save_question(
            questionnaire=questionnaire,
            by=staff,
            type=kind_,
            text=text,
            is_required=required,
            options=options,
            low_label=low,
            high_label=high,
            order=order,
            help_text="",
        )
    return questionnaire


def _values(response: Response, answers: list) -> dict:
    return {question.pk: value for question, value in zip(response.version.questions.all(), answers, strict=False)}


def _answer_on_paper(response: Response, answers: list, on: date) -> None:
    """Municipalities without a login in the demo answered on paper; county staff typed it in."""
    for question, value in zip(response.version.questions.all(), answers, strict=False):
        if value in (None, ""):
            continue
        answer = Answer(response=response, question=question)
        answers_services._store(answer, question, answers_services._normalise(question, value))
        answer.save()
    moment = timezone.make_aware(datetime(on.year, on.month, on.day, 12))
    Response.objects.filter(pk=response.pk).update(
        status=Response.Status.SUBMITTED, saved_at=moment, submitted_at=moment
    )


def _mapping(project, questionnaire, staff, heads, today) -> None:
    if project.evaluation_rounds.filter(kind=Kind.MAPPING).exists():
        return
    round_ = rounds.open_round(
        project=project, by=staff, kind=Kind.MAPPING, questionnaire=questionnaire, deadline=today + timedelta(days=1)
    )
    answers = {
        "5501": (
            heads["5501"],
            [
                4,
                ["Utlån", "Arrangementer", "Studieplasser"],
                52,
                "yes",
                "Scenen i første etasje kan bli byens nye møteplass for unge.",
            ],
        ),
        "5503": (
            heads["5503"],
            [3, ["Utlån", "Skolebesøk"], 40, "no", "Et ubrukt magasin kan bli et rom for lag og foreninger."],
        ),
        "5524": (
            None,
            [2, ["Utlån"], 18, "no", "Biblioteket deler bygg med skolen: fellesarealene kan åpnes for alle."],
        ),
        "5540": (
            None,
            [
                2,
                ["Utlån", "Møter for lag og foreninger"],
                12,
                "yes",
                "Samisk språksenter i nabobygget vil samarbeide om arrangementer.",
            ],
        ),
    }
    mapped_on = project.start_on + timedelta(days=30)
    for response in round_.responses.select_related("participant__municipality"):
        head, values = answers[response.participant.municipality.number]
        if head is not None:
            answers_services.save_response(response=response, by=head, values=_values(response, values), submit=True)
        else:
            _answer_on_paper(response, values, mapped_on)
    rounds.close_round(round=round_, by=staff)
    # The mapping happened at the start of the project.
    opened = timezone.make_aware(datetime(project.start_on.year, project.start_on.month, project.start_on.day, 9))
    Round.objects.filter(pk=round_.pk).update(
        opened_at=opened, deadline=mapped_on, closed_at=opened + timedelta(days=45)
    )
    Response.objects.filter(round=round_).update(
        submitted_at=opened + timedelta(days=28), saved_at=opened + timedelta(days=28)
    )
    # Its invitations went out when it opened, not on the first `make run`: a closed round asks nobody now.
    OutboxMessage.objects.filter(
        content_type=ContentType.objects.get_for_model(Round), object_id=round_.pk, status=OutboxMessage.Status.PENDING
    ).update(status=OutboxMessage.Status.SENT, created_at=opened, next_attempt_at=opened, sent_at=opened)
    conclusions = {
        "5501": (
            "Tromsø har et stort, sentralt lokale med scene og lange åpningstider. Potensialet ligger i å "
            "åpne scenen for unge arrangører og gjøre første etasje til en møteplass hele dagen.",
            True,
        ),
        "5503": (
            "Harstad bibliotek har et ubrukt magasin som kan bli et møterom for lag og foreninger. "
            "Teknisk avdeling må kobles inn tidlig.",
            True,
        ),
        "5524": (
            "Målselv deler bygg med skolen. Fellesarealene kan åpnes for hele bygda på ettermiddagen, "
            "men biblioteket trenger flere bemannede timer først.",
            True,
        ),
        "5540": ("Gáivuotna - Kåfjord - Kaivuono har en sterk partner i språksenteret i nabobygget.", False),
    }
    for number, (text, publish) in conclusions.items():
        municipality = Municipality.objects.get(number=number)
        conclusion = conclusions_services.save_conclusion(round=round_, municipality=municipality, by=staff, text=text)
        if publish:
            conclusions_services.publish_conclusion(conclusion=conclusion, by=staff)
            Conclusion.objects.filter(pk=conclusion.pk).update(published_on=mapped_on + timedelta(days=20))


def _midterm(project, questionnaire, staff, heads, expert, today) -> Round:
    existing = project.evaluation_rounds.filter(kind=Kind.MIDTERM).first()
    if existing:
        return existing
    round_ = rounds.open_round(
        project=project,
        by=staff,
        kind=Kind.MIDTERM,
        questionnaire=questionnaire,
        deadline=today + timedelta(days=10),
        include_experts=True,
    )
    responses = {
        (r.participant.municipality.number if r.participant_id else "expert"): r
        for r in round_.responses.select_related("participant__municipality")
    }
    answers_services.save_response(
        response=responses["5501"],
        by=heads["5501"],
        submit=True,
        values=_values(
            responses["5501"],
            [4, 5, "Ja, som planlagt", "yes", "Flere felles verksteder, gjerne med teknisk avdeling."],
        ),
    )
    answers_services.save_response(
        response=responses["5503"],
        by=heads["5503"],
        submit=False,
        values=_values(
            responses["5503"], [3, None, "Bare hvis planen strekkes ut", None, "Vi trenger mer tid til ombyggingen."]
        ),
    )
    answers_services.save_response(
        response=responses["expert"],
        by=expert,
        submit=True,
        values=_values(
            responses["expert"],
            [3, 4, "Bare hvis planen strekkes ut", "no", "Målselv trenger en lengre frist for romplanen."],
        ),
    )
    return round_


def _measurements(project, staff, today) -> None:
    if project.indicators.filter(goal__isnull=True).exists():
        return
    measurements.set_measurement_periods(
        project=project,
        by=staff,
        before_starts_on=project.start_on - timedelta(days=21),
        before_ends_on=project.start_on - timedelta(days=1),
        after_starts_on=today - timedelta(days=28),
        after_ends_on=today + timedelta(days=60),
    )
    visits = measurements.save_ttt_indicator(
        project=project, by=staff, name="Besøk per uke (TTT-telling)", unit="besøk"
    )
    hours = measurements.save_ttt_indicator(
        project=project, by=staff, name="Timer rommet er i bruk per uke", unit="timer"
    )
    counts = {
        "Tromsø bibliotek og byarkiv, hovedbiblioteket": ((2100, 2240), (2650, 2710), (31, 34), (46, 48)),
        "Kroken bibliotek": ((310, 290), (355, 372), (8, 9), (14, 12)),
        "Harstad bibliotek": ((880, 905), (1010, 990), (20, 18), (29, 31)),
        "Målselv bibliotek": ((160, 150), (170, 175), (4, 5), (6, 6)),
    }
    for name, (visits_before, visits_after, hours_before, hours_after) in counts.items():
        library = Library.objects.get(name=name)
        for indicator, before, after in [(visits, visits_before, visits_after), (hours, hours_before, hours_after)]:
            for week, value in enumerate(before):
                measurements.record_library_measurement(
                    indicator=indicator,
                    library=library,
                    period="before",
                    by=staff,
                    measured_on=project.start_on - timedelta(days=14 - 7 * week),
                    value=Decimal(value),
                )
            for week, value in enumerate(after):
                measurements.record_library_measurement(
                    indicator=indicator,
                    library=library,
                    period="after",
                    by=staff,
                    measured_on=today - timedelta(days=21 - 7 * week),
                    value=Decimal(value),
                )


def _correction(project, round_, staff, today) -> None:
    if project.course_corrections.exists():
        return
    milestone = (
        Milestone.objects.filter(project=project, participant__municipality__number="5524")
        .exclude(status__in=[Milestone.Status.DONE, Milestone.Status.SKIPPED])
        .filter(planned_on__gte=today)
        .order_by("planned_on")
        .first()
    )
    correction = corrections.record_correction(
        project=project,
        by=staff,
        round=round_,
        decided_by="Styringsgruppen",
        decided_on=today - timedelta(days=2),
        decision="Målselv får tre måneder ekstra til romplanen.",
        rationale="Mellomevalueringen viser at Målselv mangler kapasitet nå; ekspertene anbefaler en lengre frist.",
    )
    if milestone is not None:
        corrections.move_milestone(
            correction=correction, milestone=milestone, planned_on=milestone.planned_on + timedelta(days=90), by=staff
        )


def _finished_project(county, staff, heads) -> Project:
    project = Project.objects.filter(county=county, title=seed_lessons.SEED_TITLE).first()
    if project is None:
        project = project_services.create_project(
            county=county,
            by=staff,
            title=seed_lessons.SEED_TITLE,
            theme=Theme.objects.get(county=county, code=Theme.Code.LIBRARY_ROOMS),
            purpose="Bibliotekrommet som møteplass: kommunene i Troms fornyet bibliotekrommene sine med "
            "matchingsmidler, verksteder og tett oppfølging fra fylkesbiblioteket.",
            public_summary="Et fireårig prosjekt om bibliotekrom – opphavet til Fremdrift.",
            start_on=date(2019, 1, 1),
            end_on=date(2022, 12, 31),
        )
        project_services.invite_participants(
            project=project,
            municipalities=list(Municipality.objects.filter(number__in=["5501", "5503", "5530"])),
            by=staff,
        )
        Project.objects.filter(pk=project.pk).update(
            status=Project.Status.CLOSED,
            # It had none, and that became one of its lessons.
            midterm_skip_reason="Prosjektet hadde ingen mellomevaluering – det ble en av lærdommene.",
            midterm_skip_by=staff,
            midterm_skip_at=timezone.make_aware(datetime(2022, 10, 1, 12)),
        )
        project.refresh_from_db()
    if not Lesson.objects.filter(project=project).exists():
        for section, text in seed_lessons.parse():
            lessons.save_lesson(
                project=project,
                by=staff,
                section=section,
                text=text,
                kind=seed_lessons.kind_of(text),
                theme=project.theme,
            )
    return project


def seed_evaluations(county: County) -> None:
    staff = User.objects.get(email="fylke@demo.fremdrift.no")
    expert = User.objects.get(email="ekspert@demo.fremdrift.no")
    heads = {
        "5501": User.objects.get(email="biblioteksjef.tromso@demo.fremdrift.no"),
        "5503": User.objects.get(email="biblioteksjef.harstad@demo.fremdrift.no"),
    }
    today = timezone.localdate()
    questionnaires = {kind: _questionnaire(county, staff, kind) for kind in QUESTIONNAIRES}
    room = Project.objects.filter(county=county, title=ROOM_PROJECT).first()
    if room is not None and not room.is_closed:
        _mapping(room, questionnaires[Kind.MAPPING], staff, heads, today)
        midterm = _midterm(room, questionnaires[Kind.MIDTERM], staff, heads, expert, today)
        _measurements(room, staff, today)
        _correction(room, midterm, staff, today)
    _finished_project(county, staff, heads)
