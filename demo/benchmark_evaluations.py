"""Synthetic evaluations for benchmarks: a questionnaire per county and `size.evaluation_rounds`
rounds (1,500 at national scale), each with a response per participant and their answers."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from evaluations.models import Answer, Kind, Question, Questionnaire, QuestionnaireVersion, Response, Round
from projects.models import Participant

QUESTIONS = [
    (Question.Type.SCALE, "Hvor fornøyd er dere med fremdriften?", [], "Ikke fornøyd", "Svært fornøyd"),
    (Question.Type.SINGLE, "Har dere kapasitet til resten av prosjektet?", ["Ja", "Delvis", "Nei"], "", ""),
    (Question.Type.MULTIPLE, "Hva har fungert?", ["Verksteder", "Besøk", "Infobrev", "Matchingsmidler"], "", ""),
    (Question.Type.YES_NO, "Deltar ledelsen som avtalt?", [], "", ""),
    (Question.Type.NUMBER, "Timer brukt på prosjektet siste måned", [], "", ""),
    (Question.Type.TEXT, "Hva bør vi gjøre annerledes?", [], "", ""),
]
TEXTS = ["Flere besøk.", "Tydeligere frister.", "Mer tid til ombyggingen.", "Teknisk avdeling tidligere inn.", ""]


def _value(rng, question: Question, answer: Answer) -> None:
    kind = question.type
    if kind == Question.Type.SCALE:
        answer.number = Decimal(rng.randint(1, 5))
    elif kind == Question.Type.SINGLE:
        answer.choices = [rng.choice(question.options)]
    elif kind == Question.Type.MULTIPLE:
        answer.choices = [o for o in question.options if rng.random() < 0.5] or [question.options[0]]
    elif kind == Question.Type.YES_NO:
        answer.boolean = rng.random() < 0.6
    elif kind == Question.Type.NUMBER:
        answer.number = Decimal(rng.randint(0, 60))
    else:
        answer.text = rng.choice(TEXTS) or "Ingen kommentar."


def generate(ctx) -> None:
    rng, wanted = ctx.rng, ctx.size.evaluation_rounds
    projects = [p for p in getattr(ctx, "projects", []) if p.pk]
    if not wanted or not projects:
        return
    versions = {}
    for county in ctx.counties:
        questionnaire = Questionnaire.objects.create(
            county=county, title="Mellomevaluering (syntetisk)", kind=Kind.MIDTERM
        )
        version = QuestionnaireVersion.objects.create(questionnaire=questionnaire, number=1)
        Question.objects.bulk_create(
            [
                Question(
                    version=version,
                    order=n,
                    type=kind,
                    text=text,
                    options=options,
                    low_label=low,
                    high_label=high,
                    is_required=n == 0,
                )
                for n, (kind, text, options, low, high) in enumerate(QUESTIONS)
            ]
        )
        versions[county.pk] = (version, list(version.questions.all()))
    chosen = rng.sample(projects, min(wanted, len(projects)))
    now = timezone.now()
    rounds = []
    for project in chosen:
        kind = rng.choice([Kind.MAPPING, Kind.MIDTERM, Kind.MIDTERM, Kind.FINAL])
        deadline = project.start_on + timedelta(days=max(14, (project.end_on - project.start_on).days // 2))
        is_open = deadline >= now.date() and rng.random() < 0.5
        rounds.append(
            Round(
                project=project,
                kind=kind,
                title=f"{Kind(kind).label}: {project.title}",
                version=versions[project.county_id][0],
                deadline=deadline,
                status=Round.Status.OPEN if is_open else Round.Status.CLOSED,
                closed_at=None if is_open else now,
            )
        )
    Round.objects.bulk_create(rounds, batch_size=1000)
    by_project = {}
    for participant_id, project_id in (
        Participant.objects.filter(project__in=chosen)
        .exclude(status=Participant.Status.WITHDRAWN)
        .values_list("pk", "project_id")
    ):
        by_project.setdefault(project_id, []).append(participant_id)
    responses = []
    for round_ in rounds:
        for participant_id in by_project.get(round_.project_id, []):
            status = rng.choices(["submitted", "draft", "pending"], weights=[7, 1, 2])[0]
            responses.append(
                Response(
                    round=round_,
                    version=round_.version,
                    participant_id=participant_id,
                    status=status,
                    saved_at=None if status == "pending" else now,
                    submitted_at=now if status == "submitted" else None,
                )
            )
    Response.objects.bulk_create(responses, batch_size=2000)
    answers = []
    for response in responses:
        if response.status == "pending":
            continue
        for question in versions[response.round.project.county_id][1]:
            answer = Answer(response=response, question=question)
            _value(rng, question, answer)
            answers.append(answer)
        if len(answers) >= 10000:
            Answer.objects.bulk_create(answers, batch_size=5000)
            answers = []
    Answer.objects.bulk_create(answers, batch_size=5000)
