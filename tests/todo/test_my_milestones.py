""" "My milestones" shows the same late milestones as the participant pages: a closing project's and a
completed participant's open late milestones too (they used to be missing), a withdrawn participant's not."""

import re

import pytest
from django.urls import reverse

from projects.models import Participant, Project

pytestmark = pytest.mark.django_db


def _late_on_my_milestones(client, query="") -> set[int]:
    found, page = set(), 1
    while True:
        html = client.get(reverse("followup:my-milestones") + f"?page={page}{query}").content.decode()
        for pk, body in re.findall(r'<article class="card mb-3" id="milestone-(\d+)"(.*?)</article>', html, re.S):
            if "text-bg-danger" in body:
                found.add(int(pk))
        if "Neste" not in html:
            return found
        page += 1


def _late_on_participant_page(client, participant) -> set[int]:
    html = client.get(participant.get_absolute_url()).content.decode()
    return {
        int(pk)
        for pk, body in re.findall(r'<li><a href="[^"]*milepaeler/(\d+)/">(.*?)</li>', html, re.S)
        if "text-bg-danger" in body
    }


def test_my_milestones_and_the_participant_pages_agree_on_what_is_late(client, world):
    municipality = world["municipality"]
    ours = list(Participant.objects.filter(municipality=municipality).select_related("project"))
    closing, completed = ours[0], ours[1]
    Project.objects.filter(pk=closing.project_id).update(status=Project.Status.CLOSING)
    Participant.objects.filter(pk=completed.pk).update(status=Participant.Status.COMPLETED)
    client.force_login(world["head"])
    expected = set()
    for participant in ours:
        late = _late_on_participant_page(client, participant)
        assert late, f"{participant.project.title}: no late milestone to compare"
        expected |= late
    assert _late_on_my_milestones(client) == expected
    assert _late_on_my_milestones(client, "&vis=alle") == expected  # "vis alle" adds only coming ones
    # A withdrawn participant's milestones are no longer the library head's to do.
    Participant.objects.filter(pk=completed.pk).update(
        status=Participant.Status.WITHDRAWN, withdrawal_reason="Kommunen trakk seg."
    )
    assert _late_on_my_milestones(client) == expected - _late_on_participant_page(client, completed)
