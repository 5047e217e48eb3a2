"""The reference read-back (our admin API extension), used when a target offers it.

Targets that implement ``/_harness/stats`` and ``/_harness/events/{id}`` let
the suite prove that nothing acknowledged was lost and nothing was counted
twice. Targets without it (the live API) are checked black-box instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from harness.redaction import Secret


@dataclass(frozen=True)
class Counts:
    acknowledged: int
    stored: int
    retried: int
    rejected: int

    def __sub__(self, other: Counts) -> Counts:
        return Counts(self.acknowledged - other.acknowledged, self.stored - other.stored,
                      self.retried - other.retried, self.rejected - other.rejected)


class ReadBack:
    def __init__(self, base_url: str, token: Secret, admin_token: Secret, timeout: float = 10.0) -> None:
        self._http = httpx.Client(base_url=base_url, timeout=timeout, headers={
            "Authorization": f"Bearer {token.reveal()}", "X-Harness-Admin": admin_token.reveal()})

    @classmethod
    def offered(cls, base_url: str, token: Secret, admin_token: Secret | None) -> ReadBack | None:
        """A read-back when the target answers the stats route with this admin token, else None."""
        if admin_token is None:
            return None
        readback = cls(base_url, token, admin_token)
        try:
            readback.counts()
        except (httpx.HTTPError, KeyError, TypeError, ValueError):
            readback.close()
            return None
        return readback

    def counts(self) -> Counts:
        response = self._http.get("/_harness/stats")
        response.raise_for_status()
        data = response.json()
        return Counts(int(data["acknowledged"]), int(data["stored"]), int(data["retried"]), int(data["rejected"]))

    def lookup(self, event_id: str) -> Any | None:
        """The stored event with ``event_id``, or None when the target holds none."""
        response = self._http.get(f"/_harness/events/{quote(event_id, safe='')}")
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return response.json()["event"]

    def close(self) -> None:
        self._http.close()
