"""User administration for county administrators, accepting an invitation, and a user's own profile."""

from allauth.account.utils import perform_login
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from municipalities.selectors import get_county_for_staff
from shell.forms import apply_validation_error

from . import services
from .access import access_county_user, access_membership
from .forms import (
    AcceptInvitationForm,
    HandoverForm,
    IdentityProviderForm,
    InviteForm,
    ProfileForm,
    RoleForm,
    UserSearchForm,
)
from .models import IdentityProvider, Invitation, Membership
from .selectors import list_county_users


@login_required
def user_list(request, number):
    county = get_county_for_staff(request.user, number, admin=True)
    search = UserSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    page = Paginator(list_county_users(county=county, search=query), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/user_list.html",
        {"county": county, "page_obj": page, "search_form": search, "query": query},
    )


@login_required
def user_invite(request, number):
    county = get_county_for_staff(request.user, number, admin=True)
    form = InviteForm(request.POST or None, county=county)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invite_user(county=county, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if invitation:
                messages.success(request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]})
            else:
                messages.success(
                    request,
                    _("%(email)s already had an account and now has the role.") % {"email": form.cleaned_data["email"]},
                )
            return redirect("accounts:user-list", number=county.number)
    return render(request, "accounts/user_invite.html", {"county": county, "form": form})


@login_required
def user_detail(request, number, user_id):
    county, person = access_county_user(request.user, number, user_id)
    memberships = Membership.objects.filter(user=person, county=county).select_related("municipality")
    invitation = Invitation.objects.filter(user=person, county=county).first()
    return render(
        request,
        "accounts/user_detail.html",
        {
            "county": county,
            "person": person,
            "memberships": memberships,
            "invitation": invitation,
            "role_form": RoleForm(county=county, submit_label=_("Add role")),
            "is_self": person == request.user,
        },
    )


@login_required
@require_POST
def membership_add(request, number, user_id):
    county, person = access_county_user(request.user, number, user_id)
    form = RoleForm(request.POST, county=county, submit_label=_("Add role"))
    if form.is_valid():
        try:
            services.grant_role(user=person, county=county, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The role was added."))
            return redirect("accounts:user-detail", number=number, user_id=person.pk)
    memberships = Membership.objects.filter(user=person, county=county).select_related("municipality")
    return render(
        request,
        "accounts/user_detail.html",
        {
            "county": county,
            "person": person,
            "memberships": memberships,
            "role_form": form,
            "invitation": Invitation.objects.filter(user=person, county=county).first(),
        },
        status=400,
    )


@login_required
def membership_change(request, number, user_id, membership_id):
    county, membership = access_membership(request.user, number, user_id, membership_id)
    initial = {"role": membership.role, "municipality": membership.municipality}
    form = RoleForm(request.POST or None, county=county, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_role(membership=membership, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The role was changed."))
            return redirect("accounts:user-detail", number=number, user_id=user_id)
    return render(
        request, "accounts/membership_change.html", {"county": county, "membership": membership, "form": form}
    )


@login_required
@require_POST
def membership_revoke(request, number, user_id, membership_id):
    county, membership = access_membership(request.user, number, user_id, membership_id)
    services.revoke_membership(membership=membership, by=request.user)
    messages.success(request, _("The role was removed. It no longer gives access."))
    if Membership.objects.filter(user_id=user_id, county=county).exists():
        return redirect("accounts:user-detail", number=number, user_id=user_id)
    return redirect("accounts:user-list", number=number)


@login_required
def membership_handover(request, number, user_id, membership_id):
    county, membership = access_membership(request.user, number, user_id, membership_id)
    form = HandoverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.hand_over_membership(membership=membership, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("The role was handed over to %(name)s. %(old)s no longer has it.")
                % {"name": new.user, "old": membership.user},
            )
            return redirect("accounts:user-detail", number=number, user_id=new.user_id)
    return render(
        request, "accounts/membership_handover.html", {"county": county, "membership": membership, "form": form}
    )


@login_required
@require_POST
def user_deactivate(request, number, user_id):
    county, person = access_county_user(request.user, number, user_id)
    try:
        services.deactivate_user(user=person, county=county, by=request.user)
    except services.AccessError as exc:
        messages.error(request, str(exc))
        return redirect("accounts:user-detail", number=number, user_id=user_id)
    messages.success(
        request, _("%(user)s no longer has access to %(county)s.") % {"user": person, "county": county.name}
    )
    return redirect("accounts:user-list", number=number)


@login_required
@require_POST
def invitation_resend(request, number, user_id):
    county, person = access_county_user(request.user, number, user_id)
    invitation = Invitation.objects.filter(user=person, county=county).first()
    if invitation is None:
        raise Http404
    try:
        services.resend_invitation(invitation=invitation, by=request.user)
    except services.AccessError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("A new invitation was sent to %(email)s.") % {"email": person.email})
    return redirect("accounts:user-detail", number=number, user_id=user_id)


def invitation_accept(request, key):
    """The invitee chooses a password and is logged in."""
    invitation = get_object_or_404(Invitation.objects.select_related("user", "county"), key=key)
    if not invitation.is_usable:
        return render(request, "accounts/invitation_invalid.html", {"invitation": invitation}, status=410)
    form = AcceptInvitationForm(invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.accept_invitation(invitation=invitation, password=form.cleaned_data["new_password1"])
        messages.success(request, _("Welcome to Fremdrift. Your password is set."))
        return perform_login(request, user, redirect_url=reverse("shell:home"))
    return render(request, "accounts/invitation_accept.html", {"invitation": invitation, "form": form})


@login_required
def profile(request):
    """The signed-in user's own name and language."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = services.update_profile(
            user=request.user, name=form.cleaned_data["name"], language=form.cleaned_data["language"]
        )
        translation.activate(user.preferred_language)
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


def set_language(request):
    """Django's language switch; for a signed-in user the choice is also stored in their profile,
    so that it follows them to other browsers and to the e-mails they receive."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.update_profile(user=request.user, name=request.user.name, language=language)
    return response


def _callback_url(provider: IdentityProvider) -> str:
    return settings.SITE_URL + reverse("openid_connect_callback", kwargs={"provider_id": provider.sso_provider_id})


@login_required
def identity_provider_list(request, number):
    """The county's single sign-on providers, with the redirect URI each must be registered with."""
    from .sso import client_secret

    county = get_county_for_staff(request.user, number, admin=True)
    providers = [
        {"provider": p, "callback_url": _callback_url(p), "secret_is_set": bool(client_secret(p))}
        for p in IdentityProvider.objects.filter(county=county).prefetch_related("domains")
    ]
    return render(request, "accounts/identityprovider_list.html", {"county": county, "providers": providers})


@login_required
def identity_provider_edit(request, number, pk=None):
    county = get_county_for_staff(request.user, number, admin=True)
    provider = get_object_or_404(IdentityProvider, pk=pk, county=county) if pk is not None else None
    form = IdentityProviderForm(request.POST or None, instance=provider)
    if request.method == "POST" and form.is_valid():
        try:
            provider = services.save_identity_provider(
                county=county, provider=provider, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("The identity provider %(name)s was saved. Register this redirect URI with it: %(url)s")
                % {"name": provider.name, "url": _callback_url(provider)},
            )
            return redirect("accounts:identity-provider-list", number=county.number)
    return render(
        request,
        "accounts/identityprovider_form.html",
        {"county": county, "provider": provider, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def identity_provider_delete(request, number, pk):
    county = get_county_for_staff(request.user, number, admin=True)
    provider = get_object_or_404(IdentityProvider, pk=pk, county=county)
    services.delete_identity_provider(provider=provider, by=request.user)
    messages.success(request, _("The identity provider %(name)s was removed.") % {"name": provider.name})
    return redirect("accounts:identity-provider-list", number=county.number)


@require_GET
def sso_hint(request):
    """The login page's hint (htmx): for an address of a domain with single sign-on, its provider's button.
    It tells only what the domain uses, never whether the address has an account."""
    from .sso import provider_for_email

    login = request.GET.get("login", "")[:254]
    provider = provider_for_email(login) if "@" in login else None
    return render(
        request,
        "accounts/partials/_sso_hint.html",
        {"provider": provider, "domain": login.rpartition("@")[2].lower(), "next": request.GET.get("next", "")},
    )


@require_POST
def sso_login(request, provider_id):
    """Starts a single sign-on ("Log in with …"): allauth's login view makes the state, the PKCE pair and the
    authorization URL; the browser is then sent there by a page of ours, not by a redirect of the form's
    POST, because the Content-Security-Policy (`form-action 'self'`) stops a form whose answer redirects to
    another origin, and the providers' origins are not known when the login page is made."""
    from allauth.socialaccount.providers.openid_connect.views import login as allauth_login
    from django.utils.http import url_has_allowed_host_and_scheme
    from requests import RequestException

    try:
        response = allauth_login(request, provider_id)
    except RequestException:
        return render(
            request,
            "accounts/sso_refused.html",
            {"message": _("The identity provider could not be reached. Try again in a while.")},
            status=502,
        )
    location = response.get("Location", "") if response.status_code in (301, 302) else ""
    if not location or url_has_allowed_host_and_scheme(location, allowed_hosts={request.get_host()}):
        return response
    return render(request, "accounts/sso_redirect.html", {"redirect_url": location})


@login_required
@require_POST
def sso_reauthenticate(request):
    """Asks the signed-in user's identity provider to log them in again (prompt=login, max_age=0), e.g. to sign
    an agreement; back at Fremdrift, the session records what the provider confirmed (accounts.sso) and the
    browser returns to `next`. Sent on by a page of ours, as `sso_login` is."""
    import time as _time

    from allauth.socialaccount.adapter import get_adapter as get_social_adapter
    from allauth.socialaccount.providers.base import AuthProcess
    from django.utils.http import url_has_allowed_host_and_scheme
    from requests import RequestException

    from . import sso

    provider = sso.provider_of_user(request.user)
    if provider is None:
        raise Http404
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("shell:home")
    request.session.pop(sso.REAUTH_SESSION_KEY, None)
    app_provider = get_social_adapter(request).get_provider(request, provider.sso_provider_id)
    try:
        response = app_provider.redirect(
            request,
            AuthProcess.REDIRECT,
            next_url=next_url,
            data={"purpose": sso.REAUTH_PURPOSE, "started_at": _time.time()},
            auth_params={"prompt": "login", "max_age": "0"},
        )
    except RequestException:
        return render(
            request,
            "accounts/sso_refused.html",
            {"message": _("The identity provider could not be reached. Try again in a while.")},
            status=502,
        )
    location = response.get("Location", "") if response.status_code in (301, 302) else ""
    if not location:
        return response
    return render(request, "accounts/sso_redirect.html", {"redirect_url": location})


def not_offered(request, *args, **kwargs):
    """A page of allauth's that Fremdrift does not offer."""
    raise Http404
