"""Informational answers (1xx) skipped as HTTP says, in the ``requests`` sessions schemathesis sends with.

RFC 9110 §15.2: a client must be able to parse one or more 1xx answers
before the final one, even when it did not expect them; a server may send
``103 Early Hints`` (RFC 8297) before every answer. ``http.client``, under
``urllib3`` and ``requests``, skips only ``100 Continue`` and takes any
other 1xx as the final answer, leaving the real one on the connection for
the next request to read. httpx (httpcore) and geventhttpclient (Locust's
users) skip them already. Here the connection's ``response_class`` (the
attribute ``http.client`` documents for it) reads past each 1xx but
``101 Switching Protocols``, through pools ``urllib3`` builds from
``ConnectionCls`` and a ``requests`` adapter that uses them, mounted on
every session the guard bounds.
"""

from __future__ import annotations

import http.client
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.poolmanager import PoolManager

MAX_INTERIM = 20  # informational answers read before one request's final answer; more is a broken server


class InterimSkippingResponse(http.client.HTTPResponse):
    """An answer read past any informational answers before it (``101`` aside: it is final for its request)."""

    def begin(self) -> None:
        for _ in range(MAX_INTERIM):
            super().begin()
            if not 100 <= self.status < 200 or self.status == 101:
                return
            self.headers = self.msg = None  # type: ignore[assignment]  # begin() reads anew when none are held
        raise http.client.HTTPException(f"more than {MAX_INTERIM} informational answers before the final one")


class _Connection(HTTPConnection):
    response_class = InterimSkippingResponse


class _TlsConnection(HTTPSConnection):
    response_class = InterimSkippingResponse


class _Pool(HTTPConnectionPool):
    ConnectionCls = _Connection


class _TlsPool(HTTPSConnectionPool):
    ConnectionCls = _TlsConnection


def _skipping(manager: PoolManager) -> PoolManager:
    manager.pool_classes_by_scheme = {"http": _Pool, "https": _TlsPool}
    return manager


class InterimSkippingAdapter(HTTPAdapter):
    """``requests``' own adapter whose pools (direct or through a proxy) read past informational answers."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        _skipping(self.poolmanager)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> PoolManager:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        # a SOCKS proxy's pools are its own (they make the tunnel): left as they are
        return manager if proxy.lower().startswith("socks") else _skipping(manager)


def skip_interim(session: requests.Session) -> requests.Session:
    """``session`` with every http and https request sent through :class:`InterimSkippingAdapter`."""
    adapter = InterimSkippingAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
