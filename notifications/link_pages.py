"""The pages every personal link shows before its own: what is wrong with a link, and the one-time code.

Each owner of a link (agreements, evaluations) has its own view; it calls `problem_page` when the link
no longer works and `code_step` until the visitor has proven the address in this session. Asking
for a code is a button, not the opening of the link: mail scanners open links by themselves.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shell.client import RateLimit

from . import links
from .forms import LinkCodeForm
from .models import PersonalLink

# Per client, on top of each link's own limits (links.CODE_TRIES, links.CODES_PER_LINK).
CODE_SEND_LIMIT = RateLimit("personal-link-code-send", limit=5, seconds=600)
CODE_CHECK_LIMIT = RateLimit("personal-link-code-check", limit=20, seconds=600)


def problem_page(request, message: str, *, status: int, heading: str = ""):
    return render(
        request,
        "notifications/link_problem.html",
        {"message": message, "heading": heading or _("The link cannot be used")},
        status=status,
    )


def code_step(request, link: PersonalLink, *, what: str):
    """The page that sends and checks the one-time code; after the right code, back to the link (now in
    the visitor's session). `what` says in a line what the link is for."""
    form = LinkCodeForm(request.POST if request.POST.get("action") == "code" else None)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "send":
            if CODE_SEND_LIMIT.hit(request):
                return problem_page(
                    request,
                    _("Too many attempts. Wait a few minutes and try again."),
                    status=429,
                    heading=_("Too many attempts"),
                )
            try:
                links.send_code(link=link)
            except links.LinkError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("We have sent a code to %(email)s.") % {"email": link.email})
            return redirect(request.path)
        if action == "code":
            if CODE_CHECK_LIMIT.hit(request):
                return problem_page(
                    request,
                    _("Too many attempts. Wait a few minutes and try again."),
                    status=429,
                    heading=_("Too many attempts"),
                )
            if form.is_valid():
                try:
                    links.check_code(link=link, code=form.cleaned_data["code"], session=request.session)
                except links.LinkError as exc:
                    form.add_error("code", str(exc))
                else:
                    return redirect(request.path)
            status = 400
        link.refresh_from_db()
    return render(
        request,
        "notifications/link_code.html",
        {"link": link, "form": form, "what": what, "code_sent": bool(link.code_hash)},
        status=status,
    )
