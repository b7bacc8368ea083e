"""One short date format (2.11.2026) and one long one (2. november 2026) wherever a date is shown:
no 02.11.2026 beside 2.11.2026, no "2. nov. 2026" beside "2. november 2026"."""

from datetime import date

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from evaluations.forms import MilestoneChoiceField
from evaluations.models import CorrectionChange
from followup.models import Milestone

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 2)


def test_a_milestone_choice_shows_the_short_date():
    with translation.override("nb"):
        label = MilestoneChoiceField(queryset=Milestone.objects.none()).label_from_instance(
            Milestone(name="Romplan vedtatt", planned_on=DAY)
        )
    assert label == "Romplan vedtatt (2.11.2026)"


def test_a_moved_milestone_in_a_course_correction_shows_the_short_date():
    change = CorrectionChange(type=CorrectionChange.Type.MILESTONE_DATE, old_value="2026-11-02", new_value="")
    with translation.override("nb"):
        assert change.old_display == "2.11.2026"


def test_the_digest_subject_shows_the_short_date():
    with translation.override("nb"):
        subject = render_to_string("notifications/email/digest_subject.txt", {"date": DAY}).strip()
    assert subject.endswith(" 2.11.2026"), subject


def test_the_user_page_shows_membership_dates_in_the_long_format(client, county_admin, county_staff, county):
    client.force_login(county_admin)
    page = client.get(reverse("accounts:user-detail", kwargs={"number": county.number, "user_id": county_staff.pk}))
    # The page shows the day in Norway: a membership made at 23:30 UTC was made the next day here.
    created = timezone.localtime(county_staff.memberships.get().created_at)
    with translation.override("nb"):
        assert date_format(created, "j. F Y") in page.content.decode()


def test_a_visit_is_named_with_the_short_date():
    from followup.models import Visit
    from municipalities.models import Municipality
    from projects.models import Participant

    visit = Visit(planned_on=DAY, participant=Participant(municipality=Municipality(name="Tromsø")))
    with translation.override("nb"):
        assert str(visit) == "Tromsø 2.11.2026"


def test_the_lessons_export_is_dated_with_the_short_date(monkeypatch):
    from evaluations.export import lessons_markdown

    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: DAY)
    assert lessons_markdown([], title="Erfaringer").splitlines()[-1].endswith(" 2.11.2026.")


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_bokmal_and_nynorsk_write_the_same_short_date(language):
    from django.utils.formats import date_format

    with translation.override(language):
        assert date_format(DAY, "SHORT_DATE_FORMAT") == "2.11.2026"
        assert date_format(DAY, "j. F Y") == "2. november 2026"
