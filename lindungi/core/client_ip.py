"""The client's address, decided in one place for throttling, rate limits and the audit.

Behind the TLS proxy the README asks for, the peer (REMOTE_ADDR) is the proxy and the
client's address is the last entry the proxy appended to X-Forwarded-For; only that entry
cannot be forged by the client. ``LINDUNGI_PROXY_HOPS`` says how many proxies stand in
front (default: 1 outside debug, 0 in development, where nothing is in front).
"""

import ipaddress

from django.conf import settings


def client_ip(request):
    """The client's address as a normalised string, or ``None`` when it cannot be told."""
    if request is None:
        return None
    hops = settings.PROXY_HOPS
    if hops:
        entries = [e.strip() for e in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        entries = [e for e in entries if e]
        if len(entries) >= hops:
            forwarded = _address(entries[-hops])
            if forwarded is not None:
                return forwarded
    # No proxy, or a header that is not an address: the peer is the best we know.
    return _address(request.META.get("REMOTE_ADDR"))


def _address(text):
    try:
        return ipaddress.ip_address(text).compressed if text else None
    except ValueError:
        return None
