"""The benchmark's evaluation step; the demo's evaluations are tested in tests/demo."""

import random
from types import SimpleNamespace

import pytest

from demo import benchmark_evaluations as benchmark
from evaluations import selectors
from evaluations.models import Answer, Response, Round
from projects import services as project_services
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def test_benchmark_step_makes_rounds_with_answers(county, county_staff, project, municipality, other_municipality):
    third = MunicipalityFactory(county=county, number="5503")
    project_services.invite_participants(
        project=project, municipalities=[municipality, other_municipality, third], by=county_staff
    )
    ctx = SimpleNamespace(
        rng=random.Random(7), size=SimpleNamespace(evaluation_rounds=5), counties=[county], projects=[project]
    )
    benchmark.generate(ctx)
    round_ = Round.objects.get()
    assert round_.responses.count() == 3
    answered = round_.responses.exclude(status=Response.Status.PENDING)
    assert Answer.objects.count() == answered.count() * 6
    results = selectors.round_results(round_)["results"]
    submitted = round_.responses.filter(status=Response.Status.SUBMITTED).count()
    assert all(r.answered == submitted for r in results)
