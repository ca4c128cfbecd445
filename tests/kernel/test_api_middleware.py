"""The message and CSP middleware answer as Django's and django-csp's do, doing less work."""

from __future__ import annotations

from csp.constants import HEADER, NONCE, SELF
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.functional import empty

from workos.api.middleware import CSPMiddleware, MessageMiddleware


def _directives(header: str) -> set[str]:
    return {part.strip() for part in header.split(";")}


def _through(middleware_class, response: HttpResponse, path: str = "/api/v1/me/"):
    request = RequestFactory().get(path)
    middleware = middleware_class(lambda request: response)
    return middleware(request)


def test_the_policy_is_the_one_django_csp_builds():
    ours = _through(CSPMiddleware, HttpResponse())[HEADER]
    theirs = _through(DjangoCSPMiddleware, HttpResponse())[HEADER]
    assert _directives(ours) == _directives(theirs)
    assert "frame-ancestors 'none'" in _directives(ours)


def test_a_changed_setting_changes_the_policy(settings):
    _through(CSPMiddleware, HttpResponse())
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    assert _through(CSPMiddleware, HttpResponse())[HEADER] == "default-src 'none'"


def test_a_views_own_policy_header_or_exemption_is_kept():
    own = HttpResponse()
    own[HEADER] = "default-src 'none'; sandbox"
    assert _through(CSPMiddleware, own)[HEADER] == "default-src 'none'; sandbox"
    exempt = HttpResponse()
    exempt._csp_exempt = True
    assert HEADER not in _through(CSPMiddleware, exempt)


def test_a_view_that_updates_the_policy_gets_it_built_for_it():
    response = HttpResponse()
    response._csp_update = {"img-src": ["https://img.example"]}
    header = _through(CSPMiddleware, response)[HEADER]
    assert "img-src 'self' data: https://img.example" in _directives(header)


def test_a_page_that_uses_a_nonce_gets_it_in_its_policy(settings):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"script-src": [SELF, NONCE]}}
    request = RequestFactory().get("/")

    def view(request):
        return HttpResponse(str(request.csp_nonce))

    response = CSPMiddleware(view)(request)
    assert f"'nonce-{response.content.decode()}'" in response[HEADER]


def _with_session(request):
    SessionMiddleware(lambda r: HttpResponse()).process_request(request)
    return request


def test_a_request_that_uses_no_message_makes_no_message_store():
    request = _with_session(RequestFactory().get("/api/v1/me/"))
    response = MessageMiddleware(lambda request: HttpResponse())(request)
    assert request._messages._wrapped is empty
    assert "messages" not in response.cookies


def test_a_message_written_is_stored_for_the_next_page():
    request = _with_session(RequestFactory().get("/w/acme/"))

    def view(request):
        messages.success(request, "Saved.")
        return HttpResponse()

    response = MessageMiddleware(view)(request)
    stored = CookieStorage(RequestFactory().get("/"))._decode(response.cookies["messages"].value)
    assert [m.message for m in stored] == ["Saved."]
