from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from evaluations.models import Conclusion, CorrectionChange, CourseCorrection, Kind, Lesson, Response, Round
from evaluations.services import answers, conclusions, corrections, lessons, measurements, rounds
from followup.models import Milestone
from projects import services as project_services
from projects.models import Project
from tests.conftest import project_page_html
from tests.evaluations.conftest import make_questionnaire, response_of, values
from tests.factories import LibraryFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200
    return len(queries)


# ------------------------------------------------------------------- results


def _round_with_respondents(project, questionnaire, staff, county, count, start):
    """A round asked of `count` more participants, all submitted (written directly: the page is measured)."""
    municipalities = [
        MunicipalityFactory(county=county, number=f"5{start + i:03d}", name=f"Kommune {start + i}")
        for i in range(count)
    ]
    project_services.invite_participants(project=project, municipalities=municipalities, by=staff)
    return municipalities


def _submit_all(round_):
    from evaluations.models import Answer

    questions = list(round_.version.questions.all())
    for response in round_.responses.filter(status=Response.Status.PENDING):
        for question in questions:
            answer = Answer(response=response, question=question)
            answers._store(
                answer,
                question,
                answers._normalise(
                    question,
                    {
                        "scale": 4,
                        "single": "Ja",
                        "multiple": ["Besøk"],
                        "number": 3,
                        "yes_no": "yes",
                        "text": "Svar",
                    }[question.type],
                ),
            )
            answer.save()
    round_.responses.update(status=Response.Status.SUBMITTED, submitted_at=timezone.now())


def test_results_page_query_count_is_the_same_for_5_and_50_respondents(
    client, county, county_staff, project, questionnaire
):
    project = Project.objects.get(pk=project.pk)
    for i in range(2):
        goal = project_services.save_goal(project=project, by=county_staff, text=f"Mål {i}")
        indicator = project_services.save_indicator(
            project=project, goal=goal, by=county_staff, name="Besøk", baseline=100, target=150
        )
        project_services.record_measurement(
            indicator=indicator, by=county_staff, value=120, measured_on=timezone.localdate()
        )
    _round_with_respondents(project, questionnaire, county_staff, county, 5, start=100)
    small = rounds.open_round(
        project=project, by=county_staff, kind=Kind.MIDTERM, questionnaire=questionnaire, deadline=timezone.localdate()
    )
    _submit_all(small)
    client.force_login(county_staff)
    few = _queries(client, small.get_absolute_url())
    _round_with_respondents(project, questionnaire, county_staff, county, 45, start=200)
    large = rounds.open_round(
        project=project, by=county_staff, kind=Kind.FINAL, questionnaire=questionnaire, deadline=timezone.localdate()
    )
    _submit_all(large)
    assert large.responses.filter(status=Response.Status.SUBMITTED).count() == 50
    assert _queries(client, large.get_absolute_url()) == few


def test_results_page_shows_distribution_mean_texts_and_who_answered(
    client, midterm, county_staff, library_head, municipality, other_municipality, other_library_head
):
    tromso, kafjord = response_of(midterm, municipality), response_of(midterm, other_municipality)
    answers.save_response(
        response=tromso, by=library_head, values=values(tromso, 4, "Ja", [], None, "yes", "Flere besøk"), submit=True
    )
    answers.save_response(
        response=kafjord, by=other_library_head, values=values(kafjord, 1, "Nei", [], None, None, "Utkast")
    )
    client.force_login(county_staff)
    page = client.get(midterm.get_absolute_url()).content.decode()
    assert "1 av 2 har sendt inn." in page and "1 utkast telles ikke med" in page
    assert "Gjennomsnitt: 4.00" in page or "Gjennomsnitt: 4,00" in page
    assert "Flere besøk" in page and "Utkast" not in page.split('id="results"')[1].split("Mål: hvor står vi?")[0]
    assert 'role="img"' in page  # the distribution chart


def test_results_are_not_for_library_heads(client, midterm, library_head):
    client.force_login(library_head)
    assert client.get(midterm.get_absolute_url()).status_code == 404


# ------------------------------------------------------------------ answering


def test_library_head_saves_a_draft_then_submits_from_the_page(client, midterm, library_head, municipality):
    response = response_of(midterm, municipality)
    questions = list(response.version.questions.all())
    client.force_login(library_head)
    page = client.get(response.get_absolute_url())
    assert page.status_code == 200 and "Send inn svarene" in page.content.decode()
    scale, single, multiple, number = (f"q{q.pk}" for q in questions[:4])
    draft = client.post(response.get_absolute_url(), {single: "Ja", number: "12,5", "action": "draft"})
    assert draft.status_code == 302
    response.refresh_from_db()
    assert response.status == Response.Status.DRAFT

    missing = client.post(response.get_absolute_url(), {single: "Ja", "action": "submit"})
    assert missing.status_code == 400
    assert "Dette spørsmålet må besvares." in missing.content.decode()
    response.refresh_from_db()
    assert response.status == Response.Status.DRAFT

    bad = client.post(response.get_absolute_url(), {scale: "4", number: "mange", "action": "submit"})
    assert bad.status_code == 400
    submitted = client.post(
        response.get_absolute_url(),
        {scale: "4", single: "Ja", multiple: ["Besøk", "Infobrev"], number: "12,5", "action": "submit"},
    )
    assert submitted.status_code == 302
    response.refresh_from_db()
    assert response.status == Response.Status.SUBMITTED
    assert response.answers.get(question=questions[3]).number == Decimal("12.50")
    again = client.post(response.get_absolute_url(), {scale: "1", "action": "submit"}, follow=True)
    assert "Svarene er allerede sendt inn" in again.content.decode()
    assert response.answers.get(question=questions[0]).number == 4


def test_non_participant_gets_404_and_staff_cannot_answer(
    client, midterm, municipality, county, county_staff, leadership
):
    from accounts.models import Membership
    from tests.factories import make_user

    url = response_of(midterm, municipality).get_absolute_url()
    stranger = make_user(Membership.Role.LIBRARY_HEAD, municipality=MunicipalityFactory(county=county, number="5503"))
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    client.force_login(leadership)
    assert client.get(url).status_code == 404
    client.force_login(county_staff)
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "submit"}).status_code == 403


def test_after_the_deadline_the_form_is_gone(client, midterm, library_head, municipality):
    Round.objects.filter(pk=midterm.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    client.force_login(library_head)
    page = client.get(response_of(midterm, municipality).get_absolute_url()).content.decode()
    assert "Fristen er ute" in page and "Send inn svarene" not in page


def test_project_page_lists_the_library_heads_open_evaluation(client, midterm, library_head):
    client.force_login(library_head)
    page = project_page_html(client, midterm.project)
    assert f"{midterm.title}: svar for Tromsø" in page


# --------------------------------------------------------- proposal and the gate


def test_project_page_proposes_a_midterm_once_half_the_period_has_passed(client, active_project, county_staff):
    client.force_login(county_staff)
    assert "Halve prosjektperioden er gått" in project_page_html(client, active_project)
    today = timezone.localdate()
    Project.objects.filter(pk=active_project.pk).update(
        start_on=today - timedelta(days=10), end_on=today + timedelta(days=30)
    )
    assert "Halve prosjektperioden er gått" not in project_page_html(client, active_project)


def test_project_page_stops_proposing_once_a_midterm_exists(client, midterm, county_staff):
    client.force_login(county_staff)
    page = project_page_html(client, midterm.project)
    assert "Halve prosjektperioden er gått" not in page and midterm.title in page


def test_status_change_to_closing_is_refused_without_midterm(client, active_project, county_staff):
    client.force_login(county_staff)
    response = client.post(
        reverse("projects:project-status", kwargs={"pk": active_project.pk}), {"to": "closing"}, follow=True
    )
    assert "Prosjektet har ikke hatt noen mellomevaluering" in response.content.decode()
    assert Project.objects.get(pk=active_project.pk).status == Project.Status.ACTIVE


def test_skip_reason_is_recorded_and_opens_the_gate(client, active_project, county_staff):
    client.force_login(county_staff)
    url = reverse("evaluations:midterm-skip", kwargs={"pk": active_project.pk})
    assert client.post(url, {"reason": ""}).status_code == 200
    assert client.post(url, {"reason": "Prosjektet varer bare tre måneder."}).status_code == 302
    page = project_page_html(client, active_project)
    assert "Prosjektet varer bare tre måneder." in page
    client.post(reverse("projects:project-status", kwargs={"pk": active_project.pk}), {"to": "closing"})
    assert Project.objects.get(pk=active_project.pk).status == Project.Status.CLOSING


# ------------------------------------------------------------ course corrections


def test_course_correction_from_the_pages_moves_a_milestone_and_links_both_ways(client, midterm, county_staff):
    project = midterm.project
    planned = timezone.localdate() + timedelta(days=40)
    milestone = Milestone.objects.create(
        project=project, name="Romplan vedtatt", planned_on=planned, original_planned_on=planned
    )
    client.force_login(county_staff)
    created = client.post(
        f"{reverse('evaluations:correction-create', kwargs={'pk': project.pk})}?runde={midterm.pk}",
        {
            "decision": "Romplanen får en måned ekstra.",
            "rationale": "Teknisk avdeling trenger mer tid.",
            "decided_by": "Styringsgruppen",
            "decided_on": timezone.localdate().isoformat(),
        },
    )
    correction = CourseCorrection.objects.get()
    assert created.url == correction.get_absolute_url() and correction.round == midterm
    url = reverse("evaluations:correction-milestone", kwargs={"pk": correction.pk})
    same = client.post(url, {"milestone": milestone.pk, "planned_on": planned.isoformat()})
    assert same.status_code == 200 and "Velg en annen dato enn den planlagte." in same.content.decode()
    moved = client.post(url, {"milestone": milestone.pk, "planned_on": (planned + timedelta(days=30)).isoformat()})
    assert moved.status_code == 302
    milestone.refresh_from_db()
    assert milestone.planned_on == planned + timedelta(days=30) and milestone.original_planned_on == planned
    change = CorrectionChange.objects.get()

    decision_page = client.get(correction.get_absolute_url()).content.decode()
    assert "Romplan vedtatt" in decision_page and f"#change-{change.pk}" in decision_page
    assert f"{planned.day}.{planned.month}.{planned.year}" in decision_page
    project_page = project_page_html(client, project)
    assert f'id="change-{change.pk}"' in project_page and correction.get_absolute_url() in project_page
    results_page = client.get(midterm.get_absolute_url()).content.decode()
    assert correction.get_absolute_url() in results_page


def test_municipal_users_read_the_decision_but_cannot_change(client, midterm, county_staff, library_head):
    correction = corrections.record_correction(
        project=midterm.project,
        by=county_staff,
        decision="Mer tid.",
        rationale="r",
        decided_by="Styringsgruppen",
        decided_on=timezone.localdate(),
    )
    client.force_login(library_head)
    assert client.get(correction.get_absolute_url()).status_code == 200
    assert client.get(reverse("evaluations:correction-milestone", kwargs={"pk": correction.pk})).status_code == 403


# ---------------------------------------------------------------- conclusions


@pytest.fixture
def mapping(active_project, county, county_staff, library_head, municipality):
    questionnaire = make_questionnaire(county, county_staff, title="Kartlegging", kind=Kind.MAPPING)
    round_ = rounds.open_round(
        project=active_project,
        by=county_staff,
        kind=Kind.MAPPING,
        questionnaire=questionnaire,
        deadline=timezone.localdate(),
    )
    return round_


def test_public_conclusion_pages_show_only_published_conclusions(
    client, mapping, county_staff, municipality, other_municipality
):
    published = conclusions.save_conclusion(
        round=mapping, municipality=municipality, by=county_staff, text="Tromsø har **stort** potensial."
    )
    hidden = conclusions.save_conclusion(
        round=mapping, municipality=other_municipality, by=county_staff, text="Kåfjord: hemmelig utkast."
    )
    assert client.get(published.get_absolute_url()).status_code == 404
    conclusions.publish_conclusion(conclusion=published, by=county_staff)

    page = client.get(reverse("evaluations:public-conclusions", kwargs={"number": "5501"}))
    assert page.status_code == 200
    text = page.content.decode()
    assert "<strong>stort</strong>" in text and timezone.localdate().strftime("%Y") in text
    assert client.get(published.get_absolute_url()).status_code == 200
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get(reverse("evaluations:public-conclusions", kwargs={"number": "5540"})).status_code == 404
    # The public pages never list an unpublished one, even for the same municipality in another round.
    assert "hemmelig" not in text
    conclusions.publish_conclusion(conclusion=published, by=county_staff, publish=False)
    assert client.get(published.get_absolute_url()).status_code == 404


def test_published_conclusions_contract_is_newest_first_and_county_bound(
    mapping, county_staff, municipality, other_municipality, county
):
    from evaluations.selectors import published_conclusions

    first = conclusions.save_conclusion(round=mapping, municipality=municipality, by=county_staff, text="A")
    second = conclusions.save_conclusion(round=mapping, municipality=other_municipality, by=county_staff, text="B")
    conclusions.publish_conclusion(conclusion=first, by=county_staff)
    conclusions.publish_conclusion(conclusion=second, by=county_staff)
    Conclusion.objects.filter(pk=first.pk).update(published_on=timezone.localdate() - timedelta(days=3))
    assert list(published_conclusions(county)) == [second, first]
    conclusions.publish_conclusion(conclusion=second, by=county_staff, publish=False)
    assert list(published_conclusions(county)) == [first]


def test_staff_write_and_publish_from_the_mapping_page(client, mapping, county_staff, municipality):
    client.force_login(county_staff)
    url = reverse("evaluations:conclusion-edit", kwargs={"pk": mapping.pk, "number": "5501"})
    assert client.post(url, {"text": ""}).status_code == 200
    assert client.post(url, {"text": "Stort potensial i første etasje."}).status_code == 302
    client.post(
        reverse("evaluations:conclusion-publish", kwargs={"pk": mapping.pk, "number": "5501"}), {"publish": "1"}
    )
    conclusion = Conclusion.objects.get()
    assert conclusion.published_on == timezone.localdate() and conclusion.published_by == county_staff
    assert conclusion.get_absolute_url() in client.get(mapping.get_absolute_url()).content.decode()


# ------------------------------------------------------- measurements (TTT)


def test_ttt_page_shows_a_before_after_chart_with_its_table(
    client, active_project, county_staff, library_head, municipality
):
    today = timezone.localdate()
    measurements.set_measurement_periods(
        project=active_project,
        by=county_staff,
        before_starts_on=today - timedelta(days=60),
        before_ends_on=today - timedelta(days=40),
        after_starts_on=today - timedelta(days=10),
        after_ends_on=today,
    )
    indicator = measurements.save_ttt_indicator(
        project=active_project, by=county_staff, name="Besøk per uke", unit="besøk"
    )
    library = municipality.libraries.get()
    for period, day, value in [("before", 50, 100), ("before", 45, 120), ("after", 5, 150)]:
        measurements.record_library_measurement(
            indicator=indicator,
            library=library,
            period=period,
            measured_on=today - timedelta(days=day),
            value=Decimal(value),
            by=library_head,
        )
    client.force_login(library_head)
    page = client.get(reverse("evaluations:ttt", kwargs={"pk": active_project.pk})).content.decode()
    assert 'role="img"' in page and "fd-chart-table" in page
    assert "110,0" in page and "150,0" in page  # the averages, before and after


def test_library_head_records_only_for_own_libraries(
    client, active_project, county_staff, library_head, other_municipality
):
    today = timezone.localdate()
    measurements.set_measurement_periods(
        project=active_project,
        by=county_staff,
        before_starts_on=today - timedelta(days=9),
        before_ends_on=today - timedelta(days=5),
        after_starts_on=today - timedelta(days=1),
        after_ends_on=today,
    )
    indicator = measurements.save_ttt_indicator(project=active_project, by=county_staff, name="Utlån")
    theirs = LibraryFactory(municipality=other_municipality)
    client.force_login(library_head)
    url = reverse("evaluations:ttt-record", kwargs={"pk": active_project.pk})
    refused = client.post(
        url,
        {
            "indicator": indicator.pk,
            "library": theirs.pk,
            "period": "after",
            "measured_on": today.isoformat(),
            "value": "3",
        },
    )
    assert refused.status_code == 200 and not indicator.measurements.exists()
    own = active_project.participants.get(municipality__number="5501").municipality.libraries.get()
    assert (
        client.post(
            url,
            {
                "indicator": indicator.pk,
                "library": own.pk,
                "period": "after",
                "measured_on": today.isoformat(),
                "value": "3",
            },
        ).status_code
        == 302
    )
    assert indicator.measurements.get().library == own


def test_ttt_page_shows_a_municipality_only_its_own_libraries_values(
    client, active_project, county_staff, library_head, leadership, other_library_head, municipality, other_municipality
):
    """Counts and who entered them belong to each municipality: a neighbour in the project sees neither."""
    today = timezone.localdate()
    measurements.set_measurement_periods(
        project=active_project,
        by=county_staff,
        before_starts_on=today - timedelta(days=60),
        before_ends_on=today - timedelta(days=40),
        after_starts_on=today - timedelta(days=10),
        after_ends_on=today,
    )
    indicator = measurements.save_ttt_indicator(project=active_project, by=county_staff, name="Besøk per uke")
    theirs = LibraryFactory(municipality=other_municipality, name="Gáivuotna girjerádju")
    ours = municipality.libraries.get()
    measurements.record_library_measurement(
        indicator=indicator,
        library=ours,
        period="before",
        measured_on=today - timedelta(days=50),
        value=Decimal(111),
        by=library_head,
    )
    measurements.record_library_measurement(
        indicator=indicator,
        library=theirs,
        period="before",
        measured_on=today - timedelta(days=50),
        value=Decimal(777),
        by=other_library_head,
    )
    url = reverse("evaluations:ttt", kwargs={"pk": active_project.pk})
    for user in (library_head, leadership):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert ours.name in page and "111" in page
        assert "Gáivuotna girjerádju" not in page and "777" not in page and other_library_head.name not in page
    client.force_login(county_staff)
    page = client.get(url).content.decode()
    assert "Gáivuotna girjerádju" in page and "777" in page and other_library_head.name in page


# -------------------------------------------------------------------- lessons


@pytest.fixture
def seed_project(county, county_staff, theme):
    from demo import seed_lessons

    project = project_services.create_project(
        county=county,
        by=county_staff,
        title=seed_lessons.SEED_TITLE,
        theme=theme,
        purpose="p",
        start_on=timezone.datetime(2019, 1, 1).date(),
        end_on=timezone.datetime(2022, 12, 31).date(),
    )
    for section, text in seed_lessons.parse():
        lessons.save_lesson(
            project=project, by=county_staff, section=section, text=text, kind=seed_lessons.kind_of(text), theme=theme
        )
    return project


def test_seed_lessons_export_to_markdown_with_all_five_sections_and_every_item(client, seed_project, county_staff):
    from demo import seed_lessons

    items = seed_lessons.parse()
    assert len(items) == 42 and items[0] == ("most_important", "TING TAR TID")
    client.force_login(county_staff)
    response = client.get(reverse("evaluations:lessons-markdown", kwargs={"number": "55"}))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/markdown")
    assert response["Content-Disposition"].startswith('attachment; filename="erfaringer-55-')
    markdown = response.content.decode()
    headings = [line for line in markdown.splitlines() if line.startswith("## ")]
    assert headings == [
        "## Viktigste lærdom",
        "## Samarbeid med kommunene og andre",
        "## Ønsker fra bibliotekene",
        "## Ideer til videre arbeid",
        "## Interne tilbakemeldinger",
    ]
    sections = markdown.split("\n## ")[1:]
    for section, text in items:
        index = [s.value for s in Lesson.Section].index(section)
        assert f"- {text}" in sections[index], text
    assert sum(1 for line in markdown.splitlines() if line.startswith("- ")) == 42
    assert "- Kartlegginga viste seg å være meget nyttig" in markdown
    assert "«melder seg på»" in markdown


def test_selected_lessons_export_as_pdf(client, seed_project, county_staff, weasyprint):
    from tests.documents.conftest import pdf_text

    chosen = list(seed_project.lessons.filter(section="wishes")[:2]) + [seed_project.lessons.get(text="TING TAR TID")]
    client.force_login(county_staff)
    response = client.get(
        reverse("evaluations:lessons-pdf", kwargs={"number": "55"}), {"id": [lesson.pk for lesson in chosen]}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Erfaringer – Troms" in text and "TING TAR TID" in text
    assert "Mer fokus på kassering og samlingsutvikling" in text
    assert "Strengere krav til fremdrift" not in text  # not selected
    for heading in (
        "Viktigste lærdom",
        "Samarbeid med kommunene og andre",
        "Ønsker fra bibliotekene",
        "Ideer til videre arbeid",
        "Interne tilbakemeldinger",
    ):
        assert heading in text


def test_lessons_log_search_filters_and_pagination(client, seed_project, county_staff):
    client.force_login(county_staff)
    url = reverse("evaluations:lessons-log", kwargs={"number": "55"})
    page = client.get(url).content.decode()
    assert "<caption>42 erfaringer</caption>" in page and "Side 1 av 2" in page
    assert (
        "<caption>3 erfaringer</caption>" in client.get(url, {"q": "fremdrift", "section": "wishes"}).content.decode()
    )
    agreements = client.get(url, {"kind": "agreements"}).content.decode()
    assert "<caption>2 erfaringer</caption>" in agreements and "rolleavklaring" in agreements
    assert "<caption>42 erfaringer</caption>" in client.get(url, {"project": seed_project.pk}).content.decode()
    markdown = client.get(
        reverse("evaluations:lessons-markdown", kwargs={"number": "55"}), {"kind": "money"}
    ).content.decode()
    assert "Matchingsmidler fra oss utløser midler lokalt." in markdown and "TING TAR TID" not in markdown
    assert markdown.count("\n## ") == 5


def test_lessons_log_query_count_is_flat(client, seed_project, county_staff, county, theme):
    client.force_login(county_staff)
    url = reverse("evaluations:lessons-log", kwargs={"number": "55"})
    few = _queries(client, url)
    other = project_services.create_project(
        county=county,
        by=county_staff,
        title="Annet",
        theme=theme,
        purpose="p",
        start_on=timezone.localdate(),
        end_on=timezone.localdate(),
    )
    for i in range(30):
        lessons.save_lesson(project=other, by=county_staff, section="ideas", text=f"Ide {i}", kind="other", theme=theme)
    assert _queries(client, url) == few


def test_lessons_are_the_county_staffs(client, seed_project, library_head, outsider):
    for user in (library_head, outsider):
        client.force_login(user)
        assert client.get(reverse("evaluations:lessons-log", kwargs={"number": "55"})).status_code == 404
        assert client.get(reverse("evaluations:project-lessons", kwargs={"pk": seed_project.pk})).status_code == 404


def test_lessons_can_be_written_for_a_closed_project(client, seed_project, county_staff):
    Project.objects.filter(pk=seed_project.pk).update(status=Project.Status.CLOSED)
    client.force_login(county_staff)
    url = reverse("evaluations:project-lessons", kwargs={"pk": seed_project.pk})
    assert client.post(url, {"section": "ideas", "text": "", "kind": "other"}).status_code == 400
    assert (
        client.post(url, {"section": "ideas", "text": "Mer samarbeid med skolene.", "kind": "cooperation"}).status_code
        == 302
    )
    assert seed_project.lessons.filter(text="Mer samarbeid med skolene.").exists()


def test_results_page_offers_to_ask_participants_who_joined_later(client, midterm, county, county_staff):
    harstad = MunicipalityFactory(county=county, number="5503", name="Harstad")
    project_services.invite_participants(project=midterm.project, municipalities=[harstad], by=county_staff)
    client.force_login(county_staff)
    assert (
        "Ble med etter at evalueringen ble åpnet: Harstad." in client.get(midterm.get_absolute_url()).content.decode()
    )
    response = client.post(reverse("evaluations:round-ask-new", kwargs={"pk": midterm.pk}), follow=True)
    assert "Evalueringen er sendt til 1 ny mottaker." in response.content.decode()
    assert midterm.responses.count() == 3


def test_attached_expert_answers_their_own_response(client, active_project, questionnaire, county_staff, expert):
    project_services.attach_expert(project=active_project, user=expert, role="Arkitekt", by=county_staff)
    round_ = rounds.open_round(
        project=active_project,
        by=county_staff,
        kind=Kind.MIDTERM,
        questionnaire=questionnaire,
        deadline=timezone.localdate(),
        include_experts=True,
    )
    own = round_.responses.get(user=expert)
    client.force_login(expert)
    page = project_page_html(client, active_project)
    assert own.get_absolute_url() in page and f"{round_.title}: svar for {expert.name}" in page
    question = own.version.questions.first()
    assert client.post(own.get_absolute_url(), {f"q{question.pk}": "3", "action": "submit"}).status_code == 302
    assert round_.responses.get(user=expert).is_submitted
    other = round_.responses.exclude(user=expert).first()
    assert client.get(other.get_absolute_url()).status_code == 404


def test_a_course_correction_cannot_move_a_milestone_into_the_past(client, midterm, county_staff):
    project = midterm.project
    planned = timezone.localdate() + timedelta(days=10)
    milestone = Milestone.objects.create(
        project=project, name="Romplan vedtatt", planned_on=planned, original_planned_on=planned
    )
    client.force_login(county_staff)
    client.post(
        f"{reverse('evaluations:correction-create', kwargs={'pk': project.pk})}?runde={midterm.pk}",
        {
            "decision": "Romplanen flyttes.",
            "rationale": "Feil dato.",
            "decided_by": "Styringsgruppen",
            "decided_on": timezone.localdate().isoformat(),
        },
    )
    url = reverse("evaluations:correction-milestone", kwargs={"pk": CourseCorrection.objects.get().pk})
    refused = client.post(
        url, {"milestone": milestone.pk, "planned_on": (timezone.localdate() - timedelta(days=1)).isoformat()}
    )
    assert refused.status_code == 200
    assert "en kursjustering kan ikke flytte en milepæl bakover i tid" in " ".join(
        refused.context["form"].errors["planned_on"]
    )
    milestone.refresh_from_db()
    assert milestone.planned_on == planned
    today = client.post(url, {"milestone": milestone.pk, "planned_on": timezone.localdate().isoformat()})
    assert today.status_code == 302


def test_opening_a_round_says_who_got_it_and_who_could_not_be_reached(
    client, active_project, questionnaire, county_staff, library_head, mailoutbox, django_capture_on_commit_callbacks
):
    """Tromsø has a library head with an e-mail address, Gáivuotna has nobody: the page says so before
    the round is opened, and the message afterwards does not claim that everyone was e-mailed."""
    client.force_login(county_staff)
    url = reverse("evaluations:round-create", kwargs={"pk": active_project.pk})
    form_page = client.get(f"{url}?art=mapping").content.decode()
    assert "Evalueringen går til 2 som skal svare." in form_page
    assert "Ingen kan nås i disse kommunene" in form_page and "Gáivuotna - Kåfjord - Kaivuono</a>" in form_page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "kind": "mapping",
                "questionnaire": questionnaire.pk,
                "deadline": (timezone.localdate() + timedelta(days=14)).isoformat(),
            },
            follow=True,
        )
    page = response.content.decode()
    assert "Evalueringen er åpnet. Sendt til 1 av 2;" in page
    assert "Gáivuotna - Kåfjord - Kaivuono</a> har ingen biblioteksjef med e-post" in page
    assert "har fått e-post" not in page
    assert [message.to for message in mailoutbox] == [["head@example.no"]]


def test_opening_a_round_everyone_can_get_says_so(
    client,
    active_project,
    questionnaire,
    county_staff,
    library_head,
    other_library_head,
    django_capture_on_commit_callbacks,
):
    client.force_login(county_staff)
    url = reverse("evaluations:round-create", kwargs={"pk": active_project.pk})
    assert "Ingen kan nås" not in client.get(f"{url}?art=mapping").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "kind": "mapping",
                "questionnaire": questionnaire.pk,
                "deadline": (timezone.localdate() + timedelta(days=14)).isoformat(),
            },
            follow=True,
        )
    assert "Evalueringen er åpnet og sendt på e-post til alle 2 som skal svare." in response.content.decode()


def test_the_question_form_calls_the_order_field_order_not_position(client, questionnaire, county_staff):
    client.force_login(county_staff)
    html = client.get(reverse("evaluations:question-create", kwargs={"pk": questionnaire.pk})).content.decode()
    assert "Rekkefølge" in html
    assert "Stilling" not in html
