"""Subscribing (public), and the token links: confirming, unsubscribing, an address's preferences."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from municipalities.models import County
from shell.client import RateLimit

from .. import selectors, tokens
from ..forms import (
    PreferencesForm,
    SubscribeForm,
)
from ..models import MailingList
from ..services import subscriptions
from .base import _public_county

# Per client (shell.client): confirmation e-mails a visitor may ask for, and wrong bounce secrets.
SUBSCRIBE_LIMIT = RateLimit("newsletter-subscribe", limit=30, seconds=3600)


def subscribe(request, number):
    county = _public_county(number)
    lists = list(selectors.list_public_lists(county))
    if not lists:
        raise Http404
    form = SubscribeForm(request.POST or None, lists=lists)
    if request.method == "POST" and form.is_valid():
        if SUBSCRIBE_LIMIT.hit(request):
            return render(request, "429.html", status=429)
        for mailing_list in form.chosen_lists():
            subscriptions.request_subscription(
                mailing_list=mailing_list, email=form.cleaned_data["email"], name=form.cleaned_data["name"]
            )
        return render(
            request, "newsletters/public/subscribe_sent.html", {"county": county, "email": form.cleaned_data["email"]}
        )
    return render(request, "newsletters/public/subscribe.html", {"county": county, "form": form})


def _token_problem(request, exc, county=None, status=400):
    expired = isinstance(exc, tokens.TokenExpired)
    return render(
        request, "newsletters/public/token_invalid.html", {"expired": expired, "county": county}, status=status
    )


@never_cache
def subscribe_confirm(request, token):
    """Double opt-in, step two. The GET shows a button; the POST subscribes (link checkers
    and mail scanners open links, they do not press buttons)."""
    try:
        data = tokens.read_confirm_token(token)
    except (tokens.TokenInvalid, tokens.TokenExpired) as exc:
        return _token_problem(request, exc)
    mailing_list = MailingList.objects.select_related("county", "project").filter(pk=data.list_id).first()
    if mailing_list is None:
        return _token_problem(request, tokens.TokenInvalid(), status=404)
    if request.method == "POST":
        subscriptions.confirm_subscription(email=data.email, mailing_list=mailing_list)
        return render(
            request,
            "newsletters/public/subscription_done.html",
            {"county": mailing_list.county, "mailing_list": mailing_list, "subscribed": True},
        )
    return render(
        request,
        "newsletters/public/confirm.html",
        {"county": mailing_list.county, "mailing_list": mailing_list, "email": data.email},
    )


@csrf_exempt  # RFC 8058 one-click: the mail client POSTs without a form; the signed token is the proof
@never_cache
def unsubscribe(request, token):
    try:
        data = tokens.read_unsubscribe_token(token)
    except (tokens.TokenInvalid, tokens.TokenExpired) as exc:
        return _token_problem(request, exc)
    mailing_list = MailingList.objects.select_related("county", "project").filter(pk=data.list_id).first()
    if mailing_list is None:
        return _token_problem(request, tokens.TokenInvalid(), status=404)
    if request.method == "POST":
        subscriptions.unsubscribe(email=data.email, mailing_list=mailing_list)
        return render(
            request,
            "newsletters/public/subscription_done.html",
            {
                "county": mailing_list.county,
                "mailing_list": mailing_list,
                "subscribed": False,
                "preferences_url": reverse(
                    "newsletters:preferences",
                    kwargs={"token": tokens.make_preferences_token(data.email, mailing_list.county_id)},
                ),
            },
        )
    return render(
        request,
        "newsletters/public/unsubscribe.html",
        {"county": mailing_list.county, "mailing_list": mailing_list, "email": data.email},
    )


@never_cache
def preferences(request, token):
    try:
        data = tokens.read_preferences_token(token)
    except (tokens.TokenInvalid, tokens.TokenExpired) as exc:
        return _token_problem(request, exc)
    county = County.objects.filter(pk=data.county_id).first()
    if county is None:
        return _token_problem(request, tokens.TokenInvalid(), status=404)
    lists = subscriptions.lists_for_address(data.email, county)
    wanted = selectors.wanted_lists(data.email, county, lists)
    nothing = selectors.wants_nothing(data.email, county)
    form = PreferencesForm(
        request.POST if request.method == "POST" else None,
        lists=lists,
        initial={"lists": [str(pk) for pk in wanted], "nothing": nothing},
    )
    if request.method == "POST" and form.is_valid():
        subscriptions.set_address_preferences(
            email=data.email,
            county=county,
            wanted_list_ids={int(pk) for pk in form.cleaned_data["lists"]},
            nothing=form.cleaned_data["nothing"],
        )
        messages.success(request, _("Your choices were saved."))
        return redirect(request.path)
    return render(
        request,
        "newsletters/public/preferences.html",
        {"county": county, "form": form, "email": data.email, "lists": lists},
    )
