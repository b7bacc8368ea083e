"""The demo has agreements in every state; the benchmark data verifies."""

import pytest
from django.core.management import call_command

from agreements.models import Agreement, Seal
from agreements.selectors import unsigned_participant_ids

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("weasyprint")]


def test_seed_demo_makes_agreements_in_every_state_and_is_idempotent(capsys):
    call_command("seed_demo", "--i-know-this-is-demo")
    call_command("seed_demo", "--i-know-this-is-demo")
    agreements = {(a.municipality.number, a.version): a for a in Agreement.objects.with_supersession()}
    assert len(agreements) == 5
    tromso, tromso_amendment = agreements[("5501", 1)], agreements[("5501", 2)]
    assert tromso.status == "sealed" and not tromso.is_superseded and hasattr(tromso, "publication")
    signers = {s.slot: s.signed_by.email for s in tromso.signatures.all()}
    assert signers["chief_executive"] == "radmann.tromso@demo.fremdrift.no"
    assert signers["library_head"] == "biblioteksjef.tromso@demo.fremdrift.no"
    assert signers["county"] == "fylke@demo.fremdrift.no"
    assert tromso_amendment.status == "sent" and tromso_amendment.requires_mayor
    assert tromso_amendment.mayor_contact.user.email == "ordforer.tromso@demo.fremdrift.no"
    assert {s.slot for s in tromso_amendment.signatures.valid()} == {"county", "library_head", "chief_executive"}
    assert agreements[("5503", 1)].is_superseded and agreements[("5503", 2)].status == "sealed"
    assert agreements[("5524", 1)].status == "draft"
    assert unsigned_participant_ids([a.participant_id for a in agreements.values()]) == {
        tromso.participant_id, agreements[("5524", 1)].participant_id
    }
    call_command("verify_agreements")
    assert "3 sealed agreements verified: every hash and keyed seal matches." in capsys.readouterr().out
    assert not Seal.objects.filter(hmac_sha256="").exists()


def test_seed_demo_says_when_an_older_demo_has_seals_without_a_keyed_seal(capsys):
    from django.core.management import CommandError

    from tests.agreements.conftest import tamper

    call_command("seed_demo", "--i-know-this-is-demo")
    seal = Seal.objects.order_by("pk").first()
    tamper("UPDATE agreements_seal SET hmac_sha256 = '', hmac_key_id = '' WHERE id = %s", [seal.pk])
    capsys.readouterr()
    call_command("seed_demo", "--i-know-this-is-demo")
    assert "1 demo agreements were sealed by an older Fremdrift" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("verify_agreements")
    assert f"agreement {seal.agreement_id} ({seal.verification_code}): has no keyed seal" in capsys.readouterr().err


def test_benchmark_agreements_are_mostly_sealed_with_real_hashes(capsys):
    call_command("seed_demo", "--i-know-this-is-demo")
    demo_ids = list(Agreement.objects.values_list("pk", flat=True))
    call_command("generate_benchmark_data", "--scale", "county")  # the demo again (unchanged), then synthetic data
    synthetic = Agreement.objects.exclude(pk__in=demo_ids)
    count = synthetic.count()
    assert count == 800 * 2 // 3  # two thirds of the participants (8,000 of 12,000 at national scale)
    assert synthetic.filter(status="sealed").count() > count * 0.6
    assert Seal.objects.filter(agreement__in=synthetic).count() == synthetic.filter(status="sealed").count()
    call_command("verify_agreements")
    assert "sealed agreements verified" in capsys.readouterr().out
