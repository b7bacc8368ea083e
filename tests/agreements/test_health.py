"""An unsigned agreement makes the participant's health yellow; sealing it clears that reason."""

import pytest

from projects.models import Project

pytestmark = pytest.mark.django_db


def _codes(participant):
    participant.refresh_from_db()
    return {reason["code"] for reason in participant.health_reasons}


def test_draft_and_sent_agreements_count_as_unsigned_and_sealing_clears_it(sealed, participant):
    assert "agreement" not in _codes(participant)
    assert participant.project.status == Project.Status.ACTIVE


def test_a_draft_marks_the_participant(draft, participant):
    assert "agreement" in _codes(participant)
    assert participant.health in ("yellow", "red")


def test_out_for_signature_still_marks_the_participant(sent, participant):
    assert "agreement" in _codes(participant)
