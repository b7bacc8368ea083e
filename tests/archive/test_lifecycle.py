"""An extract's life as county staff see it: a task that dies, a failure in words, the archive fields' forms,
and who may see the pages at all."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from archive import extract, services
from archive.models import ArchiveExport
from archive.tasks import sweep_stale_exports_task
from tests.notifications.test_header_injection import _county_settings_data

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def words(response) -> str:
    """The page's text as read: tags left out."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def order(client, county, data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("archive:export-list", kwargs={"number": county.number}), data)


def test_an_extract_whose_task_died_is_failed_by_the_sweep_and_staff_make_a_new_one(
    archive_world, county, county_staff, client, django_capture_on_commit_callbacks
):
    project = archive_world["project"]
    now = timezone.now()
    died = ArchiveExport.objects.create(
        county=county,
        project=project,
        requested_by=county_staff,
        status=ArchiveExport.Status.RUNNING,
        progress=40,
        progress_at=now - timedelta(minutes=31),
    )
    never_started = ArchiveExport.objects.create(
        county=county, project=project, requested_by=county_staff, created_at=now - timedelta(minutes=45)
    )
    busy = ArchiveExport.objects.create(
        county=county,
        project=project,
        requested_by=county_staff,
        status=ArchiveExport.Status.RUNNING,
        progress=70,
        progress_at=now - timedelta(minutes=5),
    )
    client.force_login(county_staff)
    assert "Uttrekket lages … 40 %" in words(client.get(died.get_absolute_url()))

    # The sweep is a periodic task like the project's others.
    assert "archive.tasks.sweep_stale_exports_task" in {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert sweep_stale_exports_task() == 2
    assert sweep_stale_exports_task() == 0  # the second run finds nothing more
    statuses = dict(ArchiveExport.objects.values_list("pk", "status"))
    assert statuses == {died.pk: "failed", never_started.pk: "failed", busy.pk: "running"}

    page = text(client.get(died.get_absolute_url()))
    assert (
        "Uttrekket kunne ikke lages. Det stoppet før det ble ferdig: ingenting skjedde på 30 minutter, så prosessen "
        "som lagde det har trolig stoppet. Lag det på nytt." in page
    )
    assert 'data-hx-trigger="every' not in page  # a failed extract's page stops asking for news
    # "Lag uttrekket på nytt" orders the same extract again, and this time it is made.
    assert "Lag uttrekket på nytt" in page
    response = order(client, county, {"scope": "project", "project": project.pk}, django_capture_on_commit_callbacks)
    again = ArchiveExport.objects.latest("pk")
    assert response.url == again.get_absolute_url()
    again.refresh_from_db()
    assert again.status == ArchiveExport.Status.READY and again.project == project


def test_an_extract_the_sweep_gave_up_on_stays_failed_when_its_late_task_finishes(
    archive_world, county, county_staff, monkeypatch
):
    export = ArchiveExport.objects.create(county=county, project=archive_world["project"], requested_by=county_staff)
    real = extract.write_extract

    def slow(*args, **kwargs):
        built = real(*args, **kwargs)
        # Meanwhile the worker looked dead long enough for the sweep.
        ArchiveExport.objects.filter(pk=export.pk).update(progress_at=timezone.now() - timedelta(hours=1))
        assert services.sweep_stale_exports() == 1
        return built

    storage = ArchiveExport._meta.get_field("file").storage
    folder = f"archive/{export.created_at:%Y}"
    before = set(storage.listdir(folder)[1]) if storage.exists(folder) else set()
    monkeypatch.setattr(extract, "write_extract", slow)
    services.make_export(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == ArchiveExport.Status.FAILED and not export.file and not export.sha256
    assert set(storage.listdir(folder)[1]) == before  # the late file was thrown away


def test_progress_is_shown_while_the_extract_is_made(archive_world, county, county_staff, client, monkeypatch):
    """The task writes its progress as it goes (the page polls it); the list shows it too."""
    export = ArchiveExport.objects.create(county=county, project=archive_world["project"], requested_by=county_staff)
    client.force_login(county_staff)
    seen = []
    real = extract.write_extract

    def watched(scope, fileobj, *, root, progress):
        def report(percent):
            progress(percent)
            seen.append(words(client.get(export.get_absolute_url(), headers={"HX-Request": "true"})))

        return real(scope, fileobj, root=root, progress=report)

    monkeypatch.setattr(services, "PROGRESS_EVERY_SECONDS", 0)
    monkeypatch.setattr(extract, "write_extract", watched)
    services.make_export(export_id=export.pk)
    assert any("Uttrekket lages … 30 %" in page for page in seen), seen[:1]
    export.refresh_from_db()
    assert export.status == ArchiveExport.Status.READY and export.progress == 100 and export.progress_at


def test_a_failure_is_told_in_words_without_the_technical_text(
    archive_world, county, county_staff, client, django_capture_on_commit_callbacks, monkeypatch
):
    client.force_login(county_staff)
    project = archive_world["project"]

    def broken(scope):
        raise RuntimeError("database at /srv/secret/path went away")

    monkeypatch.setattr(extract, "collect", broken)
    response = order(client, county, {"scope": "project", "project": project.pk}, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    page = text(client.get(response.url))
    assert "En uventet feil stoppet det (feilen er logget)" in page
    assert "/srv/secret" not in page
    monkeypatch.undo()

    # A document whose file is gone is named.
    report = archive_world["report"]
    report.pdf.storage.delete(report.pdf.name)
    response = order(client, county, {"scope": "project", "project": project.pk}, django_capture_on_commit_callbacks)
    page = text(client.get(response.url))
    assert "Dokumentet «Prosjektrapport Nye bibliotekrom, 2026-10 (versjon 1)» kunne ikke leses" in page
    assert "test-media" not in page


def test_the_project_page_links_staff_to_its_extract(archive_world, county_staff, library_head, client):
    project = archive_world["project"]
    client.force_login(county_staff)
    page = client.get(project.get_absolute_url()).content.decode()
    link = re.search(r'href="([^"]+)">Arkivuttrekk av prosjektet \(Noark 5\)</a>', page)
    assert link
    form = client.get(link.group(1).replace("&amp;", "&")).content.decode()
    assert re.search(rf'<option value="{project.pk}" selected>Nye bibliotekrom</option>', form)
    client.force_login(library_head)
    assert "Arkivuttrekk av prosjektet" not in client.get(project.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "value, message",
    [
        ("817920633", "817920633 er ikke et organisasjonsnummer"),
        ("12345", "12345 er ikke et organisasjonsnummer"),
        ("Troms fylke", "uten mellomrom"),
    ],
)
def test_the_archive_creator_id_must_be_an_organisation_number_or_a_code(client, county, county_admin, value, message):
    client.force_login(county_admin)
    url = reverse("municipalities:county-settings", kwargs={"number": county.number})
    response = client.post(url, _county_settings_data(client, url, archive_creator_id=value))
    assert response.status_code == 400
    [error] = response.context["form"].errors["archive_creator_id"]
    assert message in error
    county.refresh_from_db()
    assert county.archive_creator_id == ""


def test_the_archive_creator_is_saved_as_written_by_the_archivist(client, county, county_admin):
    client.force_login(county_admin)
    url = reverse("municipalities:county-settings", kwargs={"number": county.number})
    response = client.post(
        url,
        _county_settings_data(
            client, url, archive_creator_id="817 920 632", archive_creator_name="Troms fylkeskommune"
        ),
    )
    assert response.status_code == 302
    county.refresh_from_db()
    assert (county.archive_creator_id, county.archive_creator_name) == ("817920632", "Troms fylkeskommune")
    page = text(client.get(reverse("archive:export-list", kwargs={"number": county.number})))
    assert "Arkivskaper: Troms fylkeskommune (817920632)." in page
    # A name on two lines is refused: it goes into the extract's XML as one line.
    response = client.post(url, _county_settings_data(client, url, archive_creator_name="Troms\nfylkeskommune"))
    assert response.status_code == 400
    assert "Skriv dette på én linje" in response.context["form"].errors["archive_creator_name"][0]


def _project_data(project, **changes) -> dict:
    return {
        "title": project.title,
        "case_number": project.case_number,
        "theme": project.theme_id,
        "leaders": [user.pk for user in project.leaders.all()],
        "purpose": project.purpose,
        "public_summary": project.public_summary,
        "start_on": f"{project.start_on:%Y-%m-%d}",
        "end_on": f"{project.end_on:%Y-%m-%d}",
        "follows": "",
    } | changes


def test_county_staff_give_the_project_a_case_number_of_the_archive_shape(client, project, county_staff, theme):
    from projects.models import Project

    client.force_login(county_staff)
    url = reverse("projects:project-edit", kwargs={"pk": project.pk})
    response = client.post(url, _project_data(project, case_number="2026/123-4"))
    assert "Skriv saksnummeret som år/nummer, f.eks. 2026/123 (uten dokumentnummeret)." in text(response)
    response = client.post(url, _project_data(project, case_number=" 2026 / 123 "))
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.case_number == "2026/123"
    other = Project.objects.create(
        county=project.county,
        title="Lesekampanje",
        theme=theme,
        purpose="Lese mer.",
        start_on=project.start_on,
        end_on=project.end_on,
    )
    other.leaders.add(county_staff)
    response = client.post(
        reverse("projects:project-edit", kwargs={"pk": other.pk}), _project_data(other, case_number="2026/123")
    )
    assert f"Prosjektet «{project.title}» har dette saksnummeret; hvert prosjekt har sin egen sak." in text(response)
    other.refresh_from_db()
    assert other.case_number == ""


def test_municipal_users_and_another_countys_staff_find_no_extract(
    archive_world, county, county_staff, library_head, leadership, outsider, client, django_capture_on_commit_callbacks
):
    client.force_login(county_staff)
    order(
        client, county, {"scope": "project", "project": archive_world["project"].pk}, django_capture_on_commit_callbacks
    )
    export = ArchiveExport.objects.get()
    urls = [
        reverse("archive:export-list", kwargs={"number": county.number}),
        export.get_absolute_url(),
        reverse("archive:export-download", kwargs={"pk": export.pk}),
    ]
    for user in (library_head, leadership, outsider):
        client.force_login(user)
        assert [client.get(url).status_code for url in urls] == [404, 404, 404], user
        response = client.post(urls[0], {"scope": "project", "project": archive_world["project"].pk})
        assert response.status_code == 404
    assert ArchiveExport.objects.count() == 1
