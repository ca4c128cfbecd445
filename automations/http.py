"""The one HTTP client for every outgoing call the server makes (webhooks, and any later
integration). Use `request()`; never urllib, http.client or a third-party client directly.

It defends against server-side request forgery, where a URL a user typed makes the server call
something only the server can reach (the cloud metadata service, the database, the admin):

- The host is resolved once, every address is checked, and the connection goes to the checked
  address itself. A second look-up could answer differently (DNS rebinding), so there is none;
  the Host header, TLS SNI and certificate check still use the name from the URL.
- Loopback, private, link-local, CGNAT (100.64/10), multicast, reserved, unspecified and
  documentation addresses are refused, and so are IPv4 addresses dressed as IPv6 (mapped
  `::ffff:a.b.c.d`, compatible `::a.b.c.d`, and 6to4 or NAT64 forms that embed a refused one).
- Each redirect is a new request: parsed, resolved and checked again; at most `max_redirects`,
  and never from https down to http.
- `OUTGOING_HTTP_ALLOWLIST` (networks such as `10.0.0.0/8`, addresses, host names, or
  `.example.internal` for a domain and its subdomains) admits what would be refused:
  self-hosters reach internal services with it, and tests a local server.
- One deadline covers connecting, sending and reading; the body read is capped; proxy variables
  in the environment are ignored (http.client never reads them).
"""

from __future__ import annotations

import base64
import functools
import http.client
import ipaddress
import socket
import ssl
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urljoin, urlsplit

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_BYTES = 1024 * 1024
DEFAULT_MAX_REDIRECTS = 3
USER_AGENT = "WorkOS/1.0"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


class OutgoingRequestError(Exception):
    """The request was not made or did not complete; the message says why, for a person."""


class InvalidURL(OutgoingRequestError):
    pass


class AddressRefused(OutgoingRequestError):
    pass


class TooManyRedirects(OutgoingRequestError):
    pass


class ResponseTooLarge(OutgoingRequestError):
    pass


class RequestTimeout(OutgoingRequestError):
    pass


class ConnectionFailed(OutgoingRequestError):
    pass


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes
    url: str  # after redirects
    truncated: bool = False

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


# --- which addresses may be reached ------------------------------------------------------------


def address_refusal(ip: IPAddress) -> str | None:
    """Why `ip` may not be reached from the server, or None if it may."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return "an IPv4-mapped IPv6 address"
        if ip in _IPV4_COMPATIBLE and int(ip) > 1:
            return "an IPv4-compatible IPv6 address"
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            reason = address_refusal(embedded)
            if reason:
                return f"an IPv6 address embedding {embedded}, {reason}"
    checks = (
        (ip.is_unspecified, "an unspecified address"),
        (ip.is_loopback, "a loopback address"),
        (ip.is_link_local, "a link-local address"),
        (ip.is_multicast, "a multicast address"),
        (isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT, "a shared (CGNAT) address"),
        (ip.is_private, "a private address"),
        (ip.is_reserved, "a reserved address"),
        (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local, "a site-local address"),
        (not ip.is_global, "an address that is not publicly routable"),
    )
    return next((reason for refused, reason in checks if refused), None)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.sixtofour is not None:
        return ip.sixtofour
    if any(ip in net for net in _NAT64):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.teredo is not None:
        return ip.teredo[1]
    return None


@dataclass(frozen=True)
class Allowlist:
    networks: tuple[IPNetwork, ...] = ()
    hosts: frozenset[str] = frozenset()
    domains: tuple[str, ...] = ()  # ".example.internal": the domain and its subdomains

    def admits_host(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return host in self.hosts or any(
            host == domain[1:] or host.endswith(domain) for domain in self.domains
        )

    def admits_address(self, ip: IPAddress) -> bool:
        return any(ip.version == net.version and ip in net for net in self.networks)

    def admits_literal_or_name(self, host: str) -> bool:
        """Whether a URL's host, by name or as an address literal, is on the list."""
        try:
            return self.admits_address(ipaddress.ip_address(host.strip("[]")))
        except ValueError:
            return self.admits_host(host)


@functools.lru_cache(maxsize=8)
def _parse_allowlist(entries: tuple[str, ...]) -> Allowlist:
    networks: list[IPNetwork] = []
    hosts: set[str] = set()
    domains: list[str] = []
    for raw in entries:
        entry = raw.strip().lower()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
            continue
        except ValueError:
            pass
        if entry.startswith("*."):
            entry = entry[1:]
        if entry.startswith("."):
            domains.append(entry.rstrip("."))
        else:
            hosts.add(entry.rstrip("."))
    return Allowlist(tuple(networks), frozenset(hosts), tuple(domains))


def allowlist() -> Allowlist:
    configured = getattr(settings, "OUTGOING_HTTP_ALLOWLIST", ())
    if isinstance(configured, str):
        configured = configured.split(",")
    return _parse_allowlist(tuple(configured))


# --- one hop -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str  # as connected to by name: IDNA-encoded, no brackets
    port: int
    path: str  # path and query, percent-encoded
    authorization: str | None = field(default=None, repr=False)

    @classmethod
    def parse(cls, url: str) -> _Target:
        try:
            parts = urlsplit(url.strip())
            port = parts.port
        except ValueError as exc:
            raise InvalidURL(f"'{url}' is not a valid URL: {exc}.") from exc
        scheme = parts.scheme.lower()
        if scheme not in {"http", "https"}:
            raise InvalidURL(f"Only http and https URLs can be called, not '{scheme or url}'.")
        if not parts.hostname:
            raise InvalidURL(f"'{url}' has no host name.")
        try:
            host = parts.hostname.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise InvalidURL(f"'{parts.hostname}' is not a valid host name.") from exc
        path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
        if parts.query:
            path += "?" + quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
        authorization = None
        if parts.username is not None:
            pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
            authorization = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
        return cls(scheme, host, port or (443 if scheme == "https" else 80), path, authorization)


def check_url(url: str) -> None:
    """Raise InvalidURL if `url` could never be called (scheme, host, port). Reachability is
    checked when it is called: addresses change, so checking them now would prove nothing."""
    _Target.parse(url)


def _resolve(target: _Target) -> str:
    """The one address this hop connects to, after every address of the host was checked."""
    rules = allowlist()
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ConnectionFailed(f"Cannot resolve the host name '{target.host}'.") from exc
    by_name = rules.admits_host(target.host)
    refusals: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        reason = None if by_name or rules.admits_address(ip) else address_refusal(ip)
        if reason is None:
            return str(ip)
        refusals.append(f"{ip} is {reason}")
    raise AddressRefused(
        f"'{target.host}' was refused: {'; '.join(refusals) or 'it has no address'}. The "
        "server does not call internal addresses; an administrator can admit one with "
        "OUTGOING_HTTP_ALLOWLIST."
    )


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(
        self, host: str, port: int, *, address: str, timeout: float, context: ssl.SSLContext
    ) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        try:
            # The name, not the address: SNI and the certificate check are for the URL's host.
            self.sock = self._context.wrap_socket(raw, server_hostname=self.host)
        except BaseException:
            raw.close()
            raise


def _tls_context() -> ssl.SSLContext:
    return ssl.create_default_context()


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise RequestTimeout("The request took too long and was abandoned.")
    return left


def _send_once(
    target: _Target, *, method: str, headers: Mapping[str, str], body: bytes | None,
    deadline: float, max_bytes: int, truncate: bool, url: str,
) -> Response:
    address = _resolve(target)
    if target.scheme == "https":
        conn: http.client.HTTPConnection = _PinnedHTTPSConnection(
            target.host, target.port, address=address, timeout=_remaining(deadline),
            context=_tls_context(),
        )
    else:
        conn = _PinnedHTTPConnection(target.host, target.port, address=address,
                                     timeout=_remaining(deadline))
    sent = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity", "Connection": "close",
            **headers}
    if target.authorization and "Authorization" not in sent:
        sent["Authorization"] = target.authorization
    try:
        conn.request(method, target.path, body=body, headers=sent)
        sock = conn.sock
        if sock is not None:
            sock.settimeout(_remaining(deadline))
        answer = conn.getresponse()
        chunks: list[bytes] = []
        size, truncated = 0, False
        while not answer.isclosed():
            # The socket outlives the connection object (the answer reads from it) until the
            # answer is read through; each read may wait only as long as the deadline allows.
            if sock is not None:
                sock.settimeout(_remaining(deadline))
            chunk = answer.read1(min(64 * 1024, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > max_bytes:
                if not truncate:
                    raise ResponseTooLarge(
                        f"The answer from {target.host} is larger than {max_bytes} bytes."
                    )
                truncated = True
                break
        body_read = b"".join(chunks)[:max_bytes]
        names = {name.lower(): value for name, value in answer.getheaders()}
        return Response(answer.status, names, body_read, url, truncated)
    except TimeoutError as exc:
        raise RequestTimeout(f"{target.host} did not answer in time.") from exc
    except ssl.SSLError as exc:
        reason = getattr(exc, "reason", None) or exc
        raise ConnectionFailed(f"TLS with {target.host} failed: {reason}.") from exc
    except (OSError, http.client.HTTPException) as exc:
        raise ConnectionFailed(
            f"Could not reach {target.host}:{target.port}: {exc or type(exc).__name__}."
        ) from exc
    finally:
        conn.close()


def request(
    method: str,
    url: str,
    *,
    headers: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
    body: bytes | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_redirects: int = DEFAULT_MAX_REDIRECTS,
    truncate: bool = False,
) -> Response:
    """Make one request, following up to `max_redirects` redirects, each checked anew.

    `timeout` bounds the whole exchange, redirects included. A body larger than `max_bytes` is
    an error, or with `truncate=True` cut to `max_bytes` and flagged. Raises
    OutgoingRequestError (or a subclass) for anything but an HTTP answer; any status code,
    4xx and 5xx included, is returned as a Response.
    """
    deadline = time.monotonic() + timeout
    method = method.upper()
    sent_headers = dict(headers or {})
    current = url
    origin: tuple[str, str, int] | None = None
    for hop in range(max_redirects + 1):
        target = _Target.parse(current)
        here = (target.scheme, target.host, target.port)
        if origin is not None and here != origin:
            # Credentials the caller meant for one origin don't travel to another.
            sent_headers = {k: v for k, v in sent_headers.items()
                            if k.lower() not in {"authorization", "cookie"}}
        origin = origin or here
        answer = _send_once(target, method=method, headers=sent_headers, body=body,
                            deadline=deadline, max_bytes=max_bytes, truncate=truncate,
                            url=current)
        location = answer.headers.get("location")
        if answer.status not in REDIRECT_STATUSES or not location:
            return answer
        if hop == max_redirects:
            raise TooManyRedirects(f"{url} redirected more than {max_redirects} times.")
        following = urljoin(current, location)
        if target.scheme == "https" and urlsplit(following).scheme.lower() == "http":
            raise InvalidURL(f"{current} redirected from https to plain http ({following}).")
        if answer.status == 303 or (answer.status in {301, 302} and method == "POST"):
            method, body = "GET", None
            sent_headers = {k: v for k, v in sent_headers.items()
                            if k.lower() not in {"content-type", "content-length"}}
        current = following
    raise TooManyRedirects(f"{url} redirected more than {max_redirects} times.")  # unreachable
