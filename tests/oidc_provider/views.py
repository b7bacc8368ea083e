"""Two endpoints for the tests only, guarded by the token the fixture gave the process: add (or change) a
user, and register a client with its redirect URIs."""

import hmac
import json

from allauth.account.models import EmailAddress
from allauth.idp.oidc.models import Client
from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpResponseForbidden, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import ExtraClaims


def _allowed(request) -> bool:
    token = request.headers.get("X-Test-Token", "")
    return bool(settings.OIDC_TEST_TOKEN) and hmac.compare_digest(token, settings.OIDC_TEST_TOKEN)


@csrf_exempt
@require_POST
def user(request):
    if not _allowed(request):
        return HttpResponseForbidden()
    data = json.loads(request.body)
    email = data["email"].lower()
    User = get_user_model()
    person, _created = User.objects.get_or_create(username=email, defaults={"email": email})
    person.email = email
    person.set_password(data["password"])
    person.save()
    EmailAddress.objects.filter(user=person).delete()
    EmailAddress.objects.create(user=person, email=email, primary=True, verified=bool(data.get("verified", True)))
    ExtraClaims.objects.update_or_create(
        user=person, defaults={"amr": data.get("amr") or [], "acr": data.get("acr") or ""}
    )
    return JsonResponse({"sub": str(person.pk)})


@csrf_exempt
@require_POST
def client(request):
    if not _allowed(request):
        return HttpResponseForbidden()
    data = json.loads(request.body)
    entry, _created = Client.objects.get_or_create(id=data["client_id"], defaults={"name": data["client_id"]})
    entry.set_secret(data["secret"])
    entry.type = Client.Type.CONFIDENTIAL
    entry.skip_consent = True
    entry.set_scopes(["openid", "email", "profile"])
    entry.set_grant_types([Client.GrantType.AUTHORIZATION_CODE])
    entry.set_response_types(["code"])
    entry.set_redirect_uris(sorted(set(entry.get_redirect_uris()) | set(data["redirect_uris"])))
    entry.save()
    return JsonResponse({"client_id": entry.id})
