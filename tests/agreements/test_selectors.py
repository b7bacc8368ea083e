"""Who sees which agreement, and the contract the follow-up issue calls: unsigned_participant_ids."""

import pytest

from agreements import selectors
from agreements.models import Agreement
from agreements.services import amendments, drafts, sending
from tests.agreements.conftest import Slot, sign

pytestmark = pytest.mark.django_db


def _visible(user):
    return set(Agreement.objects.visible_to(user).values_list("pk", flat=True))


def test_unsigned_participant_ids_is_the_contract(
    participant,
    other_participant,
    county_staff,
    signatories,
    stub_pdf,
    library_head,
    leadership,
    django_assert_num_queries,
):
    assert (
        selectors.unsigned_participant_ids([participant.pk, other_participant.pk]) == set()
    )  # no agreement: not listed
    draft = drafts.create_agreement(participant=participant, by=county_staff)
    other = drafts.create_agreement(participant=other_participant, by=county_staff)
    ids = [participant.pk, other_participant.pk]
    with django_assert_num_queries(1):
        assert selectors.unsigned_participant_ids(ids) == set(ids)  # drafts
    sent = sending.send_for_signature(agreement=draft, by=county_staff)
    assert selectors.unsigned_participant_ids(ids) == set(ids)  # out for signature
    for slot, user in [
        (Slot.COUNTY, county_staff),
        (Slot.LIBRARY_HEAD, library_head),
        (Slot.CHIEF_EXECUTIVE, leadership),
    ]:
        sign(sent, slot, user)
    assert selectors.unsigned_participant_ids(ids) == {other.participant_id}  # sealed: signed
    amendments.create_amendment(agreement=Agreement.objects.get(pk=sent.pk), by=county_staff)
    assert selectors.unsigned_participant_ids(ids) == set(ids)  # the latest version is an amendment in draft
    assert selectors.unsigned_participant_ids([]) == set()
    assert selectors.unsigned_participant_ids(iter([other_participant.pk])) == {other_participant.pk}


def test_county_staff_see_all_of_their_county(draft, county_staff, county_admin, outsider, expert):
    assert _visible(county_staff) == _visible(county_admin) == {draft.pk}
    assert _visible(outsider) == _visible(expert) == set()


def test_library_heads_see_their_agreements_once_sent(draft, county_staff, library_head, other_library_head):
    assert _visible(library_head) == set()
    sending.send_for_signature(agreement=draft, by=county_staff)
    assert _visible(library_head) == {draft.pk}
    sending.withdraw_agreement(agreement=draft, by=county_staff, reason="Endring")
    assert _visible(library_head) == {draft.pk}  # a draft that was sent to them once
    assert _visible(other_library_head) == set()


def test_leadership_sees_only_what_awaits_them_and_sealed_ones(
    draft, county_staff, leadership, mayor, library_head, stub_pdf
):
    assert _visible(leadership) == _visible(mayor) == set()  # drafts: never
    draft = sending.send_for_signature(agreement=draft, by=county_staff)
    assert _visible(leadership) == {draft.pk}  # the chief executive signs it
    assert _visible(mayor) == set()  # the mayor does not sign this one
    assert list(selectors.awaiting_signature(leadership)) == [draft]
    sign(draft, Slot.CHIEF_EXECUTIVE, leadership)
    assert list(selectors.awaiting_signature(leadership)) == []
    sign(draft, Slot.COUNTY, county_staff)
    sign(draft, Slot.LIBRARY_HEAD, library_head)
    assert _visible(mayor) == {draft.pk}  # sealed: the municipality's leadership reads it


def test_leadership_of_another_municipality_sees_nothing(draft, county_staff, other_municipality, stub_pdf):
    from accounts.models import Membership
    from tests.factories import make_user

    stranger = make_user(Membership.Role.LEADERSHIP, municipality=other_municipality, email="annen@example.no")
    sending.send_for_signature(agreement=draft, by=county_staff)
    assert _visible(stranger) == set()


def test_deactivated_and_anonymous_see_nothing(draft, deactivated):
    from django.contrib.auth.models import AnonymousUser

    assert _visible(deactivated) == set()
    assert not Agreement.objects.visible_to(AnonymousUser()).exists()


def test_find_seal_by_code_or_hash(sealed):
    seal = sealed.seal
    assert selectors.find_seal(seal.verification_code) == seal
    assert selectors.find_seal(seal.verification_code.replace("-", "").lower()) == seal
    assert selectors.find_seal(f" {seal.verification_code} ") == seal
    assert selectors.find_seal(seal.pdf_sha256) == seal
    assert selectors.find_seal(seal.snapshot_sha256.upper()) == seal
    assert selectors.find_seal("0000-0000-0000-0000-0000") is None
    assert selectors.find_seal("abc") is None
