"""The outgoing HTTP client against a real local server, admitted through the allowlist."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from automations import http


class _Handler(BaseHTTPRequestHandler):
    seen: list[dict]

    def log_message(self, *args):
        pass

    def _answer(self, status: int, body: bytes = b"", headers: dict | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.seen.append({"method": self.command, "path": self.path,
                                 "host": self.headers.get("Host"), "body": body,
                                 "auth": self.headers.get("Authorization")})
        port = self.server.server_address[1]
        routes = {
            "/ok": lambda: self._answer(200, b"hello"),
            "/big": lambda: self._answer(200, b"x" * 300_000),
            "/slow": lambda: (time.sleep(1.5), self._answer(200, b"late")),
            "/to-ok": lambda: self._answer(302, headers={"Location": "/ok"}),
            "/keep-post": lambda: self._answer(307, headers={"Location": "/ok"}),
            "/loop": lambda: self._answer(302, headers={"Location": "/loop"}),
            "/to-metadata": lambda: self._answer(
                302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}),
            "/to-other-origin": lambda: self._answer(
                307, headers={"Location": f"http://localhost:{port}/ok"}),
            "/error": lambda: self._answer(503, b"down"),
        }
        routes.get(self.path, lambda: self._answer(404))()

    do_GET = do_POST = _handle


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client that gave up (the timeout test) breaks the pipe; that is expected


@pytest.fixture
def server(settings):
    settings.OUTGOING_HTTP_ALLOWLIST = ["127.0.0.1/32"]
    httpd = _QuietServer(("127.0.0.1", 0), _Handler)
    httpd.seen = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _url(server, path: str) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}{path}"


def test_a_local_server_is_refused_without_the_allowlist(server, settings):
    settings.OUTGOING_HTTP_ALLOWLIST = []
    with pytest.raises(http.AddressRefused):
        http.request("GET", _url(server, "/ok"))
    assert server.seen == []


def test_a_local_server_is_reached_through_the_allowlist(server):
    answer = http.request("POST", _url(server, "/ok"), body=b'{"a": 1}',
                          headers={"Content-Type": "application/json"})
    assert answer.status == 200 and answer.ok
    assert answer.body == b"hello"
    assert server.seen[0]["body"] == b'{"a": 1}'
    assert server.seen[0]["host"] == f"127.0.0.1:{server.server_address[1]}"


def test_error_statuses_are_answers_not_exceptions(server):
    answer = http.request("GET", _url(server, "/error"))
    assert answer.status == 503 and not answer.ok


def test_a_redirect_is_followed_and_a_post_becomes_a_get_on_302(server):
    answer = http.request("POST", _url(server, "/to-ok"), body=b"payload")
    assert answer.status == 200
    assert answer.url.endswith("/ok")
    assert [(s["method"], s["path"]) for s in server.seen] == [("POST", "/to-ok"), ("GET", "/ok")]


def test_a_307_redirect_keeps_the_method_and_body(server):
    http.request("POST", _url(server, "/keep-post"), body=b"payload")
    assert [(s["method"], s["body"]) for s in server.seen] == [
        ("POST", b"payload"), ("POST", b"payload")]


def test_a_redirect_to_an_internal_address_is_refused(server):
    with pytest.raises(http.AddressRefused, match=r"169\.254\.169\.254"):
        http.request("GET", _url(server, "/to-metadata"))


def test_redirects_stop_after_the_limit(server):
    with pytest.raises(http.TooManyRedirects):
        http.request("GET", _url(server, "/loop"), max_redirects=2)
    assert len(server.seen) == 3


def test_credentials_do_not_follow_a_redirect_to_another_origin(server, settings):
    settings.OUTGOING_HTTP_ALLOWLIST = ["127.0.0.1/32", "::1/128", "localhost"]
    http.request("POST", _url(server, "/to-other-origin").replace("http://", "http://u:p@"),
                 body=b"x")
    assert server.seen[0]["auth"] == "Basic dTpw"
    assert server.seen[1]["auth"] is None


def test_the_host_header_names_the_host_of_the_url_not_the_address(server, settings):
    settings.OUTGOING_HTTP_ALLOWLIST = ["localhost"]
    port = server.server_address[1]
    try:
        http.request("GET", f"http://localhost:{port}/ok")
    except http.ConnectionFailed:
        pytest.skip("localhost resolves to ::1 first here, where nothing listens")
    assert server.seen[0]["host"] == f"localhost:{port}"


def test_a_body_over_the_cap_is_refused_or_truncated(server):
    with pytest.raises(http.ResponseTooLarge):
        http.request("GET", _url(server, "/big"), max_bytes=100_000)
    answer = http.request("GET", _url(server, "/big"), max_bytes=100_000, truncate=True)
    assert answer.truncated and len(answer.body) == 100_000


def test_a_slow_server_times_out(server):
    started = time.monotonic()
    with pytest.raises(http.RequestTimeout):
        http.request("GET", _url(server, "/slow"), timeout=0.5)
    assert time.monotonic() - started < 1.4
