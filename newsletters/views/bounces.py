"""The bounce endpoint the mail provider calls, guarded by a shared secret and a rate limit for wrong secrets."""

import hmac
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from shell.client import RateLimit

from ..services import bounces as bounces_services

BOUNCE_FAILURE_LIMIT = RateLimit("newsletter-bounce-secret", limit=10, seconds=3600)


@csrf_exempt
@require_POST
def bounce(request):
    """For the mail server (or its bounce processor): POST JSON {"email": …, "reason": …} or
    {"bounces": [{"email": …, "reason": …}, …]} with `Authorization: Bearer <NEWSLETTER_BOUNCE_SECRET>`."""
    secret = settings.NEWSLETTER_BOUNCE_SECRET
    if not secret:
        raise Http404  # not configured: the endpoint does not exist
    if BOUNCE_FAILURE_LIMIT.exceeded(request):
        return JsonResponse({"error": "too many wrong secrets; try again later"}, status=429)
    given = request.headers.get("Authorization", "")
    given = given[7:].strip() if given.lower().startswith("bearer ") else request.headers.get("X-Bounce-Secret", "")
    if not hmac.compare_digest(given.encode(), secret.encode()):
        BOUNCE_FAILURE_LIMIT.hit(request)
        return JsonResponse({"error": "forbidden"}, status=403)
    try:
        payload = json.loads(request.body or b"{}")
        items = payload["bounces"] if "bounces" in payload else [payload]
        bounces = [(str(item["email"]), str(item.get("reason", ""))) for item in items]
    except (ValueError, TypeError, KeyError, AttributeError):
        return JsonResponse({"error": 'expected JSON {"email": ..., "reason": ...}'}, status=400)
    recorded = []
    for email, reason in bounces:
        try:
            recorded.append(bounces_services.record_bounce(email=email, reason=reason, source="endpoint").email)
        except ValidationError:
            return JsonResponse({"error": f"not an e-mail address: {email[:100]}"}, status=400)
    return JsonResponse({"recorded": len(recorded)})
