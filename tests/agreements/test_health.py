"""An unsigned agreement makes the participant's health yellow as soon as it is drafted or sent;
sealing it clears that reason at once (no recomputation in between)."""

import pytest

from followup.health import describe_reason
from projects.models import Participant, Project

pytestmark = pytest.mark.django_db


def _reasons(participant):
    participant.refresh_from_db()
    return {reason["code"]: describe_reason(reason) for reason in participant.health_reasons}


def test_draft_and_sent_agreements_count_as_unsigned_and_sealing_clears_it(sealed, participant):
    assert "agreement" not in _reasons(participant)
    assert participant.project.status == Project.Status.ACTIVE


def test_a_draft_marks_the_participant(draft, participant):
    assert _reasons(participant)["agreement"] == "Avtalen er ikke signert"
    assert participant.health in (Participant.Health.YELLOW, Participant.Health.RED)


def test_out_for_signature_still_marks_the_participant(sent, participant):
    assert _reasons(participant)["agreement"] == "Avtalen er ikke signert"
