from django.test import RequestFactory

from lindungi.core.client_ip import client_ip


def request(remote="10.0.0.1", forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


def test_behind_one_proxy_the_last_forwarded_entry_counts(settings):
    settings.PROXY_HOPS = 1
    assert client_ip(request(forwarded="6.6.6.6, 203.0.113.9")) == "203.0.113.9"


def test_a_forged_first_entry_is_ignored(settings):
    settings.PROXY_HOPS = 1
    assert client_ip(request(forwarded="1.2.3.4")) == "1.2.3.4"
    assert client_ip(request(forwarded="1.2.3.4, 198.51.100.7")) == "198.51.100.7"


def test_without_a_proxy_the_peer_counts_and_the_header_is_ignored(settings):
    settings.PROXY_HOPS = 0
    assert client_ip(request(remote="192.0.2.5", forwarded="1.2.3.4")) == "192.0.2.5"


def test_garbage_is_not_an_address(settings):
    settings.PROXY_HOPS = 1
    assert client_ip(request(remote="192.0.2.5", forwarded="evil")) == "192.0.2.5"
    assert client_ip(request(remote="not-an-ip", forwarded="evil")) is None
    assert client_ip(request(forwarded="2001:db8:0:0::1")) == "2001:db8::1"
