import random
from types import SimpleNamespace

import pytest
from django.core.management import call_command

from demo import benchmark_evaluations as benchmark
from evaluations import selectors
from evaluations.models import Answer, Conclusion, CorrectionChange, Kind, Lesson, Response, Round
from demo.seed_lessons import SEED_TITLE, parse
from projects import services as project_services
from projects.models import Measurement, Project
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def _counts():
    return (Round.objects.count(), Response.objects.count(), Answer.objects.count(), Conclusion.objects.count(),
            Lesson.objects.count(), Measurement.objects.count(), CorrectionChange.objects.count())


def test_seed_demo_loads_the_evaluations_once():
    call_command("seed_demo", "--i-know-this-is-demo")
    counts = _counts()
    call_command("seed_demo", "--i-know-this-is-demo")
    assert _counts() == counts

    mapping = Round.objects.get(kind=Kind.MAPPING)
    assert mapping.status == Round.Status.CLOSED
    assert mapping.responses.filter(status=Response.Status.SUBMITTED).count() == mapping.responses.count() == 4
    assert Conclusion.objects.filter(published_on__isnull=False).count() == 3
    assert selectors.published_conclusions(mapping.project.county).count() == 3

    midterm = Round.objects.get(kind=Kind.MIDTERM)
    assert midterm.is_open and not midterm.is_past_deadline
    statuses = sorted(midterm.responses.values_list("status", flat=True))
    assert statuses.count("submitted") == 2 and "draft" in statuses and "pending" in statuses
    assert CorrectionChange.objects.get().correction.round == midterm

    ttt = Measurement.objects.filter(library__isnull=False)
    assert ttt.filter(period="before").exists() and ttt.filter(period="after").exists()

    finished = Project.objects.get(title=SEED_TITLE)
    assert finished.status == Project.Status.CLOSED and finished.midterm_skip_reason
    assert [(lesson.section, lesson.text) for lesson in finished.lessons.order_by("order")] == parse()


def test_benchmark_step_makes_rounds_with_answers(county, county_staff, project, municipality, other_municipality):
    third = MunicipalityFactory(county=county, number="5503")
    project_services.invite_participants(project=project, municipalities=[municipality, other_municipality, third], by=county_staff)
    ctx = SimpleNamespace(rng=random.Random(7), size=SimpleNamespace(evaluation_rounds=5), counties=[county], projects=[project])
    benchmark.generate(ctx)
    round_ = Round.objects.get()
    assert round_.responses.count() == 3
    answered = round_.responses.exclude(status=Response.Status.PENDING)
    assert Answer.objects.count() == answered.count() * 6
    results = selectors.round_results(round_)["results"]
    submitted = round_.responses.filter(status=Response.Status.SUBMITTED).count()
    assert all(r.answered == submitted for r in results)
