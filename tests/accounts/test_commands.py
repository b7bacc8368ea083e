import pytest
from django.core.management import CommandError, call_command

from demo.accounts import DEMO_LOGINS
from accounts.models import Membership, User
from municipalities.models import Contact, County, Library, Municipality

pytestmark = pytest.mark.django_db


def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--i-know-this-is-demo"):
        call_command("seed_demo")
    assert not County.objects.exists()


def test_seed_demo_creates_troms_and_the_logins_and_is_idempotent(capsys):
    call_command("seed_demo", "--i-know-this-is-demo")
    counts = (County.objects.count(), Municipality.objects.count(), Library.objects.count(),
              Contact.objects.count(), User.objects.count(), Membership.objects.count())
    call_command("seed_demo", "--i-know-this-is-demo")
    assert counts == (County.objects.count(), Municipality.objects.count(), Library.objects.count(),
                      Contact.objects.count(), User.objects.count(), Membership.objects.count())
    assert Municipality.objects.count() == 21
    assert Municipality.objects.get(number="5538").name == "Storfjord - Omasvuotna - Omasvuono"
    output = capsys.readouterr().out
    for email, *_ in DEMO_LOGINS:
        assert email in output
        assert User.objects.get(email=email).check_password("fremdrift-demo")
    assert "FREMDRIFTDEMOKEY" in output


def test_seed_demo_links_leadership_to_their_contacts():
    call_command("seed_demo", "--i-know-this-is-demo")
    radmann = User.objects.get(email="radmann.tromso@demo.fremdrift.no")
    contact = Contact.objects.get(user=radmann)
    assert contact.position.code == "chief_executive" and contact.municipality.number == "5501"
    assert Contact.objects.get(user__email="ordforer.tromso@demo.fremdrift.no").position.code == "mayor"
    positions = set(Contact.objects.filter(municipality__number="5503").values_list("position__code", flat=True))
    assert positions == {"library_head", "chief_executive", "mayor", "councillor", "technical", "other"}


def test_official_import_after_the_demo_keeps_its_names(tmp_path):
    call_command("seed_demo", "--i-know-this-is-demo")
    path = tmp_path / "ssb.csv"
    path.write_text("code;name\n5518;Loabák - Lavangen - Lávangen\n", encoding="utf-8")
    call_command("import_municipalities", str(path), "--county", "55")
    call_command("seed_demo", "--i-know-this-is-demo")
    assert Municipality.objects.get(number="5518").name == "Loabák - Lavangen - Lávangen"


def test_generate_benchmark_data_at_county_scale():
    call_command("generate_benchmark_data", "--scale", "county")
    assert County.objects.count() == 2
    assert Municipality.objects.count() == 45
    assert Library.objects.count() == 100
    assert Contact.objects.count() == 400
    assert User.objects.count() == 200
    from followup.models import Meeting, ProgressEntry, Visit

    assert ProgressEntry.objects.count() >= 16000 and Visit.objects.count() >= 1300 and Meeting.objects.count() >= 1300
    # The ladder is as the daily job left it yesterday: today's run only climbs what falls due today.
    from followup.services.escalation import run_reminders
    from followup.models import EscalationStep

    history = EscalationStep.objects.count()
    today = run_reminders()
    assert history > 1000 and today.overdue > 500
    assert today.steps < today.overdue / 10
    with pytest.raises(CommandError, match="already present"):
        call_command("generate_benchmark_data", "--scale", "county")
