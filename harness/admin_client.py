"""The one client of the reference target's admin API (``/_harness/``), an extension outside the contract.

The contract run reads back what was stored, the load run balances its
accounting, the SDK check scripts answers and reads what the SDK sent, and
the tests set faults: all through :class:`AdminClient`. The tenant is named
by the ordinary bearer token; the admin token goes in ``X-Harness-Admin``.
Neither is ever shown (``repr`` included).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from types import TracebackType
from typing import Any, Self
from urllib.parse import quote

import httpx

from harness.bounded import BoundedClient, limits
from harness.errors import AdminError
from harness.limits import MiB
from harness.redaction import Secret

ADMIN_HEADER = "X-Harness-Admin"
PREFIX = "/_harness"


@dataclass(frozen=True)
class Counts:
    """A tenant's event counts as the reference target keeps them."""

    acknowledged: int
    stored: int
    retried: int
    rejected: int

    def __sub__(self, other: Counts) -> Counts:
        return Counts(self.acknowledged - other.acknowledged, self.stored - other.stored,
                      self.retried - other.retried, self.rejected - other.rejected)


class AdminClient:
    """``with AdminClient(url, token, admin_token) as admin: admin.counts()``."""

    def __init__(self, base_url: str, token: Secret, admin_token: Secret, timeout: float = 10.0) -> None:
        self.base_url = base_url
        # read-backs list recorded requests, so they may be longer than any answer of the contract
        bounds = replace(limits(), request_seconds=timeout, max_answer_bytes=max(limits().max_answer_bytes, 16 * MiB))
        self._http = BoundedClient(bounds, base_url=base_url, headers={
            "Authorization": f"Bearer {token.reveal()}", ADMIN_HEADER: admin_token.reveal()})

    @classmethod
    def offered(cls, base_url: str, token: Secret, admin_token: Secret | None) -> AdminClient | None:
        """A client when the target answers the admin API with this admin token, else ``None``."""
        if admin_token is None:
            return None
        admin = cls(base_url, token, admin_token)
        try:
            admin.counts()
        except (httpx.HTTPError, AdminError):
            admin.close()
            return None
        return admin

    def __repr__(self) -> str:
        return f"AdminClient({self.base_url!r})"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # -- read-back ----------------------------------------------------------
    def counts(self) -> Counts:
        data = self._json("GET", "/stats")
        try:
            return Counts(int(data["acknowledged"]), int(data["stored"]), int(data["retried"]),
                          int(data["rejected"]))
        except (KeyError, TypeError, ValueError):
            raise AdminError(f"{self.base_url}{PREFIX}/stats answered no event counts") from None

    def lookup(self, event_id: str) -> Any | None:
        """The stored event with ``event_id``, or ``None`` when the target holds none."""
        response = self._send("GET", f"/events/{quote(event_id, safe='')}")
        if response.status_code == 404:
            return None
        return self._checked(response)["event"]

    # -- faults and scenario mode ---------------------------------------------
    def faults(self) -> dict[str, Any]:
        return self._json("GET", "/faults")

    def set_faults(self, **settings: Any) -> dict[str, Any]:
        return self._json("PUT", "/faults", json=settings)

    def set_scenario(self, label: str, answers: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
        return self._json("PUT", "/scenario", json={"label": label, "answers": answers})

    def clear_scenario(self) -> None:
        self._json("DELETE", "/scenario")

    def requests(self, label: str | None = None) -> list[dict[str, Any]]:
        """The requests recorded while a scenario was set (all, or those of ``label``)."""
        params = {"label": label} if label is not None else None
        return list(self._json("GET", "/requests", params=params)["requests"])

    # -- plumbing ----------------------------------------------------------------
    def _json(self, method: str, path: str, **options: Any) -> Any:
        return self._checked(self._send(method, path, **options))

    def _send(self, method: str, path: str, **options: Any) -> httpx.Response:
        try:
            return self._http.request(method, f"{PREFIX}{path}", **options)
        except httpx.HTTPError as error:
            raise AdminError(f"{method} {PREFIX}{path} at {self.base_url} failed: "
                             f"{str(error) or type(error).__name__}") from None

    def _checked(self, response: httpx.Response) -> Any:
        if response.status_code >= 300:
            raise AdminError(f"{response.request.method} {response.request.url.path} answered "
                             f"{response.status_code}: is --admin-token the target's admin token?")
        try:
            return response.json() if response.content else {}
        except ValueError:
            raise AdminError(f"{response.request.url.path} answered a body that is not JSON") from None
