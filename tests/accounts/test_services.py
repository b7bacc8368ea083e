from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts import services
from accounts.models import Invitation, Membership, User
from tests.factories import ContactFactory, position

pytestmark = pytest.mark.django_db
Role = Membership.Role


def _invite(county, by, email="ny@example.no", role=Role.COUNTY_STAFF, municipality=None):
    return services.invite_user(
        county=county, email=email, name="Ny Person", role=role, municipality=municipality, by=by
    )


def test_invite_user_creates_user_role_and_sends_link(county, county_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(county, county_admin, email="Ny@Example.no")
    user = User.objects.get(email="ny@example.no")
    assert not user.has_usable_password()
    assert user.memberships.get().role == Role.COUNTY_STAFF
    assert invitation.user == user and invitation.is_usable
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ny@example.no"]
    assert invitation.key in mail.outbox[0].body
    assert mail.outbox[0].subject == "Invitasjon til Fremdrift fra Troms"


def test_invite_existing_user_only_grants_the_role(
    county, county_admin, municipality, county_staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = _invite(
            county, county_admin, email=county_staff.email, role=Role.LIBRARY_HEAD, municipality=municipality
        )
    assert result is None
    assert mail.outbox == []
    assert set(county_staff.memberships.values_list("role", flat=True)) == {Role.COUNTY_STAFF, Role.LIBRARY_HEAD}


def test_invite_refuses_a_municipal_role_without_municipality(county, county_admin):
    with pytest.raises(ValidationError) as error:
        _invite(county, county_admin, role=Role.LIBRARY_HEAD)
    assert "municipality" in error.value.error_dict
    assert not User.objects.filter(email="ny@example.no").exists()


def test_invite_refuses_a_municipality_of_another_county(county, county_admin, foreign_municipality):
    with pytest.raises(ValidationError):
        _invite(county, county_admin, role=Role.LIBRARY_HEAD, municipality=foreign_municipality)


def test_resend_replaces_the_link(county, county_admin, django_capture_on_commit_callbacks):
    invitation = _invite(county, county_admin)
    old_key = invitation.key
    with django_capture_on_commit_callbacks(execute=True):
        services.resend_invitation(invitation=invitation, by=county_admin)
    invitation.refresh_from_db()
    assert invitation.key != old_key
    assert not Invitation.objects.filter(key=old_key).exists()
    assert invitation.key in mail.outbox[-1].body


def test_accept_invitation_sets_password_once(county, county_admin):
    invitation = _invite(county, county_admin)
    user = services.accept_invitation(invitation=invitation, password="Et-godt-passord-42")
    assert user.check_password("Et-godt-passord-42")
    with pytest.raises(services.AccessError):
        services.accept_invitation(invitation=invitation, password="Et-annet-passord-42")


def test_expired_invitation_is_refused(county, county_admin):
    invitation = _invite(county, county_admin)
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now() - timedelta(days=15))
    invitation.refresh_from_db()
    with pytest.raises(services.AccessError):
        services.accept_invitation(invitation=invitation, password="Et-godt-passord-42")


def test_hand_over_moves_role_and_contacts(county, county_admin, municipality, library_head):
    contact = ContactFactory(municipality=municipality, user=library_head, position=position(county, "library_head"))
    membership = library_head.memberships.get()
    new = services.hand_over_membership(
        membership=membership, email="ny.sjef@example.no", name="Ny Sjef", by=county_admin
    )
    assert new.user.email == "ny.sjef@example.no" and new.role == Role.LIBRARY_HEAD and new.municipality == municipality
    assert not library_head.memberships.exists()
    contact.refresh_from_db()
    assert contact.user == new.user and contact.name == "Ny Sjef" and contact.email == "ny.sjef@example.no"
    assert Invitation.objects.filter(user=new.user).exists()


def test_hand_over_to_the_same_person_is_refused(county_admin, library_head):
    with pytest.raises(ValidationError):
        services.hand_over_membership(
            membership=library_head.memberships.get(), email=library_head.email, name="x", by=county_admin
        )


def test_change_role_replaces_the_membership(county_admin, county_staff, municipality):
    membership = county_staff.memberships.get()
    new = services.change_role(
        membership=membership, role=Role.LIBRARY_HEAD, municipality=municipality, by=county_admin
    )
    assert list(county_staff.memberships.all()) == [new]


def test_deactivate_removes_roles_and_closes_account(county, county_admin, county_staff):
    services.deactivate_user(user=county_staff, county=county, by=county_admin)
    county_staff.refresh_from_db()
    assert not county_staff.is_active and not county_staff.memberships.exists()


def test_deactivate_keeps_the_account_with_roles_elsewhere(county, other_county, county_admin, county_staff):
    Membership.objects.create(user=county_staff, role=Role.COUNTY_STAFF, county=other_county)
    services.deactivate_user(user=county_staff, county=county, by=county_admin)
    county_staff.refresh_from_db()
    assert county_staff.is_active and county_staff.memberships.get().county == other_county


def test_deactivate_refuses_yourself(county, county_admin):
    with pytest.raises(services.AccessError):
        services.deactivate_user(user=county_admin, county=county, by=county_admin)


def test_revocation_is_kept_in_history(county_admin, library_head):
    membership = library_head.memberships.get()
    membership_id = membership.pk
    services.revoke_membership(membership=membership, by=county_admin)
    deleted = Membership.history.filter(id=membership_id, history_type="-").get()
    assert deleted.history_user == county_admin
