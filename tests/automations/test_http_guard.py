"""The outgoing HTTP client refuses internal addresses, by literal and by name, and connects only
to the address it checked."""

import socket
import ssl

import pytest

from automations import http

REFUSED = [
    "127.0.0.1",          # loopback
    "127.1.2.3",
    "10.1.2.3",           # private
    "172.16.5.4",
    "192.168.1.10",
    "169.254.169.254",    # link-local: the cloud metadata service
    "100.64.0.1",         # CGNAT
    "100.127.255.254",
    "0.0.0.0",            # unspecified  # noqa: S104
    "224.0.0.1",          # multicast
    "240.0.0.1",          # reserved
    "255.255.255.255",
    "198.18.0.1",         # benchmarking
    "192.0.2.1",          # documentation
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd12:3456::1",
    "ff02::1",
    "2001:db8::1",
    "::ffff:127.0.0.1",   # IPv4-mapped
    "::ffff:10.0.0.1",
    "::ffff:8.8.8.8",     # mapped is never a real destination, even of a public address
    "::127.0.0.1",        # IPv4-compatible
    "2002:7f00:1::1",     # 6to4 of 127.0.0.1
    "2002:a9fe:a9fe::1",  # 6to4 of 169.254.169.254
    "64:ff9b::7f00:1",    # NAT64 of 127.0.0.1
    "64:ff9b::a00:1",     # NAT64 of 10.0.0.1
]


def _literal_url(address: str) -> str:
    host = f"[{address}]" if ":" in address else address
    return f"http://{host}:8080/hook"


def _fake_dns(monkeypatch, *answers: str) -> list[str]:
    """Answer every look-up with `answers`; returns the list of names looked up."""
    asked: list[str] = []

    def getaddrinfo(host, port, *args, **kwargs):
        asked.append(host)
        out = []
        for address in answers:
            if ":" in address:
                out.append((socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port, 0, 0)))
            else:
                out.append((socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)))
        return out

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


def _record_connects(monkeypatch) -> list[tuple]:
    connected: list[tuple] = []

    def create_connection(address, timeout=None, *args, **kwargs):
        connected.append(address)
        raise ConnectionRefusedError("test: nothing listens")

    monkeypatch.setattr(socket, "create_connection", create_connection)
    return connected


@pytest.mark.parametrize("address", REFUSED)
def test_an_internal_address_literal_is_refused_before_connecting(address, monkeypatch):
    connected = _record_connects(monkeypatch)
    with pytest.raises(http.AddressRefused, match="OUTGOING_HTTP_ALLOWLIST"):
        http.request("POST", _literal_url(address), body=b"{}")
    assert connected == []


@pytest.mark.parametrize("address", REFUSED)
def test_a_name_that_resolves_to_an_internal_address_is_refused(address, monkeypatch):
    _fake_dns(monkeypatch, address)
    connected = _record_connects(monkeypatch)
    with pytest.raises(http.AddressRefused, match=r"hooks\.example\.com"):
        http.request("GET", "https://hooks.example.com/in")
    assert connected == []


@pytest.mark.parametrize("url", [
    "http://2130706433/",          # 127.0.0.1 as one decimal number
    "http://0x7f.0.0.1/",          # hexadecimal
    "http://0177.0.0.1/",          # octal
    "http://127.1/",               # short form
    "http://localhost/",
])
def test_odd_spellings_of_loopback_are_refused(url, monkeypatch):
    connected = _record_connects(monkeypatch)
    with pytest.raises((http.AddressRefused, http.ConnectionFailed)):
        http.request("GET", url)
    assert connected == []


def test_a_public_address_is_called(monkeypatch):
    _fake_dns(monkeypatch, "93.184.216.34")
    connected = _record_connects(monkeypatch)
    with pytest.raises(http.ConnectionFailed, match="Could not reach"):
        http.request("GET", "http://hooks.example.com/in")
    assert connected == [("93.184.216.34", 80)]


def test_dns_rebinding_cannot_swap_the_checked_address(monkeypatch):
    # The first answer is public, every later one internal: a second look-up at connect time
    # would reach the internal one. The client looks up once and dials what it checked.
    answers = iter([["93.184.216.34"]] + [["127.0.0.1"]] * 5)
    asked = []

    def getaddrinfo(host, port, *args, **kwargs):
        asked.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in next(answers)]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    connected = _record_connects(monkeypatch)
    with pytest.raises(http.ConnectionFailed):
        http.request("POST", "http://rebind.example.com/hook", body=b"x")
    assert asked == ["rebind.example.com"]
    assert connected == [("93.184.216.34", 80)]


def test_a_name_with_internal_and_public_addresses_connects_only_to_a_public_one(monkeypatch):
    _fake_dns(monkeypatch, "10.0.0.5", "93.184.216.34")
    connected = _record_connects(monkeypatch)
    with pytest.raises(http.ConnectionFailed):
        http.request("GET", "http://mixed.example.com/")
    assert connected == [("93.184.216.34", 80)]


def test_https_dials_the_checked_address_but_verifies_the_name(monkeypatch):
    _fake_dns(monkeypatch, "93.184.216.34")
    dialled, names = [], []

    class FakeSocket:
        def close(self):
            pass

    def create_connection(address, timeout=None, *args, **kwargs):
        dialled.append(address)
        return FakeSocket()

    class FakeContext(ssl.SSLContext):
        def wrap_socket(self, sock, server_hostname=None, **kwargs):
            names.append(server_hostname)
            raise ssl.SSLError(1, "test: handshake stops here")

    monkeypatch.setattr(socket, "create_connection", create_connection)
    monkeypatch.setattr(http, "_tls_context", lambda: FakeContext(ssl.PROTOCOL_TLS_CLIENT))
    with pytest.raises(http.ConnectionFailed, match="TLS"):
        http.request("GET", "https://hooks.example.com/in")
    assert dialled == [("93.184.216.34", 443)]
    assert names == ["hooks.example.com"]


def test_the_allowlist_admits_a_network(settings, monkeypatch):
    settings.OUTGOING_HTTP_ALLOWLIST = ["10.20.0.0/16"]
    _fake_dns(monkeypatch, "10.20.30.40")
    connected = _record_connects(monkeypatch)
    with pytest.raises(http.ConnectionFailed):
        http.request("GET", "http://jira.internal/")
    assert connected == [("10.20.30.40", 80)]
    _fake_dns(monkeypatch, "10.21.0.1")
    with pytest.raises(http.AddressRefused):
        http.request("GET", "http://jira.internal/")


def test_the_allowlist_admits_a_host_name_and_a_domain(settings, monkeypatch):
    settings.OUTGOING_HTTP_ALLOWLIST = ["ci.corp.example", ".svc.cluster.local"]
    _fake_dns(monkeypatch, "10.0.0.7")
    connected = _record_connects(monkeypatch)
    for url in ("http://ci.corp.example/", "http://hooks.default.svc.cluster.local/",
                "http://svc.cluster.local/"):
        with pytest.raises(http.ConnectionFailed):
            http.request("GET", url)
    assert len(connected) == 3
    with pytest.raises(http.AddressRefused):
        http.request("GET", "http://other.corp.example/")


@pytest.mark.parametrize("url", [
    "ftp://example.com/file", "file:///etc/passwd", "gopher://example.com/", "http:///nohost",
    "http://example.com:99999/", "javascript:alert(1)",
])
def test_only_http_and_https_urls_with_a_host_are_called(url):
    with pytest.raises(http.InvalidURL):
        http.request("GET", url)
    with pytest.raises(http.InvalidURL):
        http.check_url(url)


def test_proxy_variables_in_the_environment_are_ignored(monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://93.184.216.99:3128")
    monkeypatch.setenv("http_proxy", "http://93.184.216.99:3128")
    _fake_dns(monkeypatch, "93.184.216.34")
    connected = _record_connects(monkeypatch)
    with pytest.raises(http.ConnectionFailed):
        http.request("GET", "http://hooks.example.com/")
    assert connected == [("93.184.216.34", 80)]
