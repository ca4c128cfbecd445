"""The public form page /f/<token>/ and the requester's status page /f/<token>/s/<secret>/.

Server-rendered and complete without JavaScript. A form with pages is walked by posting each
page: the answers of the other pages ride along in hidden inputs, and every page up to the one
posted is checked again on each post, since hidden inputs can be edited. A question that shows
only for some answers is sent hidden and disabled; the page script shows it as soon as the
answer it waits for is given, and without the script the next post shows it. Hidden questions
take their values from the link's query string, which the page posts back to. A public link
reaches its own form only, and the pages show nothing of the workspace but the form's name and
description.
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from automations.intake.answers import answers_clean
from automations.intake.questions import form_questions
from automations.intake.spam import render_stamp, spam_check
from automations.models import Form, FormAccess
from automations.selectors.intake import (
    form_access_check,
    submission_by_status_token,
    submission_status,
    submitter_for,
)
from automations.selectors.intake_public import public_form
from automations.services.intake import submission_create
from automations.views_intake_form import FormStep, render_step
from automations.views_intake_uploads import uploads_discard, uploads_keep
from workos.api.throttling import AnonThrottle
from workos.errors import Conflict, NotFound, PermissionDenied, Throttled, ValidationFailed

STATES = {
    "received": "Received: it is waiting to be picked up.",
    "in_progress": "In progress.",
    "done": "Done.",
    "closed": "Closed.",
}
APPROVAL_STATES = {"pending": "Waiting for approval", "approved": "Approved",
                   "rejected": "Not approved", "cancelled": "Withdrawn"}


def _message(request: HttpRequest, heading: str, *lines: str, status: int = 200) -> HttpResponse:
    response = render(request, "intake/message.html", {"heading": heading, "lines": lines},
                      status=status)
    response["Cache-Control"] = "no-store"
    return response


def _not_found(request: HttpRequest) -> HttpResponse:
    return _message(request, "Form not found",
                    "This link does not lead to a form, or the form is no longer available. "
                    "Check the link you were given.", status=404)


def _prefill(form: Form, query: Any) -> dict[str, str]:
    """Hidden questions' values from the link; nothing else of the query string counts."""
    return {q.key: query[q.key] for q in form_questions(form) if q.hidden and q.key in query}


@require_http_methods(["GET", "HEAD", "POST"])
def form_page(request: HttpRequest, token: str) -> HttpResponse:
    try:
        form = public_form(token)
    except NotFound:
        return _not_found(request)
    submitter = submitter_for(form=form, user=request.user)
    if form.access != FormAccess.PUBLIC and submitter is None:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return _not_found(request)
    try:
        form_access_check(form=form, submitter=submitter)
    except PermissionDenied as exc:
        return _message(request, form.name, exc.message, status=403)
    if not form.is_open:
        return _message(request, f"{form.name} is closed",
                        "This form no longer takes requests. If you still need something, "
                        "contact the people who shared the link with you.",
                        status=409 if request.method == "POST" else 200)
    if request.method == "POST" and _too_large(form, request):
        return _message(request, "The files are too large",
                        "Together, the files sent are larger than this form accepts. Go back, "
                        "and attach smaller files.", status=413)
    step = FormStep.start(form, request, submitter=submitter, prefill=_prefill(form, request.GET))
    if request.method != "POST":
        step.stamp = render_stamp()
        return render_step(request, step)
    try:
        return _post(request, step)
    finally:
        step.close_files()


def _too_large(form: Form, request: HttpRequest) -> bool:
    """Refuse before reading a body larger than every file the form takes at its largest, and
    the text around them (Django itself limits the text alone)."""
    files = [q.spec for q in form_questions(form) if q.type == "file"]
    room = sum((f.get("max_bytes") or settings.ATTACHMENT_MAX_BYTES) * (f.get("max_files") or 1)
               for f in files) + (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0) + 64 * 1024
    declared = request.META.get("CONTENT_LENGTH") or "0"
    return not declared.isdigit() or int(declared) > room


def _post(request: HttpRequest, step: FormStep) -> HttpResponse:
    form = step.form
    if step.page not in step.path():
        # A page these answers do not lead to (an old tab, an edited input): start again.
        return render_step(request, step)
    if step.action == "back":
        _keep_files_going_back(step)
        step.go_back()
        return render_step(request, step)
    posted = step.page
    newly_shown = step.newly_shown()
    failing = _check_pages_up_to(step)
    if newly_shown and failing in (None, posted):
        # Questions the answers just brought up (no script showed them): ask them before going
        # on, without calling them missing.
        step.drop_errors(newly_shown)
        step.notice = "More questions apply to your answers; they are now shown below."
        return render_step(request, step, status=400 if step.errors else 200)
    if failing is not None:
        return render_step(request, step, status=400)
    if not step.is_last():
        step.go_next()
        return render_step(request, step)
    try:
        # As in the API: the defences are for visitors nobody vouches for; colleagues behind
        # one office address sending a members' form must not share one per-address limit.
        # Counted per address as the API counts it, so both ways in share one limit.
        if step.submitter is None:
            spam_check(form, honeypot=request.POST.get("intake-website", ""),
                       stamp=request.POST.get("intake-stamp"),
                       ip=AnonThrottle().get_ident(request) or "")
    except Throttled as exc:
        response = _message(
            request, "Too many requests",
            "We received many requests from your network in a short time. "
            f"Wait {math.ceil(exc.wait or 60)} seconds, then send the form again.", status=429)
        response["Retry-After"] = str(math.ceil(exc.wait or 60))
        return response
    except ValidationFailed as exc:
        step.problems.append(exc.message)
        step.stamp = render_stamp()
        return render_step(request, step, status=400)
    try:
        _, status_token = submission_create(
            form=form, answers=step.answers_without_files(), files=step.files(),
            submitter=step.submitter, email=step.email, prefill=step.prefill)
    except ValidationFailed as exc:
        step.take_errors(exc)
        return render_step(request, step, status=400)
    except Conflict:
        return _message(request, f"{form.name} is closed",
                        "This form stopped taking requests while you filled it in.", status=409)
    except NotFound:
        return _not_found(request)  # archived while it was being filled in
    except PermissionDenied as exc:
        return _message(request, form.name, exc.message, status=403)
    uploads_discard(form, list(step.kept.values()))
    url = f"/f/{form.token}/s/{status_token}/?sent=1"
    return redirect(url, permanent=False)


def _check_pages_up_to(step: FormStep) -> str | None:
    """Check each page from the first to the one posted; the first failing is shown again."""
    path = step.path()
    for page in path[: path.index(step.page) + 1] if step.page in path else path[:1]:
        try:
            answers_clean(step.form, step.raw, page=page, prefill=step.prefill)
        except ValidationFailed as exc:
            step.show_page(page)
            step.take_errors(exc)
            step.keep_valid_uploads(uploads_keep)
            return page
    step.keep_valid_uploads(uploads_keep)
    return None


def _keep_files_going_back(step: FormStep) -> None:
    """Files chosen on a page left with "Back" are kept too, when they pass their checks."""
    try:
        answers_clean(step.form, step.raw, page=step.page, prefill=step.prefill)
    except ValidationFailed as exc:
        step.errors = {key: ["not kept"] for key in exc.fields or {}}
    step.keep_valid_uploads(uploads_keep)
    step.errors = {}


@require_http_methods(["GET", "HEAD"])
def status_page(request: HttpRequest, token: str, status_token: str) -> HttpResponse:
    try:
        form = public_form(token)
        submission = submission_by_status_token(form, status_token)
    except NotFound:
        return _message(request, "Request not found",
                        "This status link is not valid. Check that you copied all of it.",
                        status=404)
    status = submission_status(submission)
    context = {
        "form": form,
        "status": status,
        "state_text": STATES.get(status["state"], status["state"]),
        "approval_text": APPROVAL_STATES.get((status["approval"] or {}).get("status", ""), ""),
        "sent": request.GET.get("sent") == "1",
        "status_url": request.build_absolute_uri(request.path),
        "email": _masked(submission.submitter_email),
    }
    response = render(request, "intake/status.html", context)
    # The link is the key to this page: keep it out of caches and other sites' logs.
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _masked(address: str) -> str:
    """Enough of the address for its owner to know it: anyone holding the link may add
    `?sent=1`, and the page should not hand them the address whole."""
    local, at, domain = address.partition("@")
    if not at:
        return ""
    return f"{local[:2]}{'…' if len(local) > 2 else ''}@{domain}"
