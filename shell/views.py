import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

from .models import Page
from .start import start_body, start_context
from .statements import accessibility_facts, controllers, privacy_facts

logger = logging.getLogger(__name__)


def home(request):
    """The start page: what the apps registered (one section per membership), or a welcome to visitors."""
    if request.user.is_authenticated:
        return render(request, "shell/home.html", {"start_body": start_body(request)})
    return render(request, "shell/home.html", start_context(request.user))


def page_detail(request, slug):
    page = get_object_or_404(Page, slug=slug)
    context = {"page": page}
    if page.slug == Page.ACCESSIBILITY:
        context.update(facts=accessibility_facts(), controllers=controllers(), mail_subject=page.localized_title)
    elif page.slug == Page.PRIVACY:
        context.update(privacy_facts())
    return render(request, "shell/page_detail.html", context)


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_cache() -> str:
    cache.set("healthz", "ok", 10)
    if cache.get("healthz") != "ok":
        raise RuntimeError("cache did not return what was stored")
    return "ok"


def _check_broker() -> str:
    if not settings.CELERY_BROKER_URL:
        return "in-process"
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


@never_cache
@require_GET
def healthz(request):
    """Reports database, cache and broker; 503 when one of them fails."""
    report, healthy = {}, True
    for name, check in (("database", _check_database), ("cache", _check_cache), ("broker", _check_broker)):
        try:
            report[name] = check()
        except Exception as exc:  # a health check reports every failure, whatever its kind
            logger.warning("healthz: %s failed: %s", name, exc)
            report[name] = "error"
            healthy = False
    report["status"] = "ok" if healthy else "error"
    return JsonResponse(report, status=200 if healthy else 503)
