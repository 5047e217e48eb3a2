"""Which target a command talks to: a URL given by the user, or the embedded reference target.

Shared by every command so that the same rules hold everywhere: a URL must
be http(s) with a host; Togai's production host is refused unless allowed
explicitly (the harness sends real, billable events); on Togai's hosts the
unauthenticated budget never exceeds the documented quota (5 per 30 minutes).
"""

from __future__ import annotations

import contextlib
import sqlite3
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx
import idna

from harness.bounded import BoundedClient, limits
from harness.errors import ConfigError, TargetError
from harness.facts import PRODUCTION_HOSTS, TOGAI_HOSTS, UNAUTH_QUOTA
from harness.redaction import SCRUBBER, Secret, refusal, warning
from harness.reference import TargetConfig, running_target
from harness.spec import Spec

EMBEDDED_TOKEN = "harness-embedded-token"
EMBEDDED_OTHER_TOKEN = "harness-embedded-second-tenant"


@dataclass(frozen=True)
class Target:
    base_url: str
    token: Secret
    admin_token: Secret | None = None
    max_body_bytes: int | None = None
    other_token: Secret | None = None  # a second tenant's (--other-token): ids and quotas are per tenant
    embedded: bool = False
    cautions: tuple[str, ...] = ()  # said once before the run (a token that may look like a word)

    @property
    def label(self) -> str:
        return f"embedded reference target ({self.base_url})" if self.embedded else self.base_url


_FULL_STOPS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})  # what IDNA (UTS-46) reads as dots


def host_of(url: str) -> str:
    """The host a client connects to for ``url``, normalised as HTTP clients do before they resolve it.

    Percent-escapes decoded, compatibility forms folded (NFKC: full-width letters), every dot IDNA
    accepts read as a dot, case folded, IDNA (UTS-46) applied, the trailing dot of a fully qualified name
    dropped; port and userinfo are not part of it. ``https://api。togai。com.`` is ``api.togai.com``.
    """
    try:
        host = unquote(urlsplit(url).hostname or "")
    except ValueError:
        return ""
    host = unicodedata.normalize("NFKC", host).translate(_FULL_STOPS).lower().rstrip(".")
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError):
        return host  # an IP address, or a name no client could resolve: compared as it is


def validate_url(url: str, *, allow_production: bool = False) -> str:
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:
        parts, hostname = None, None
    if parts is None or parts.scheme not in ("http", "https") or not hostname:
        raise TargetError(f"base URL {url!r} is not usable: give http(s)://host[:port], e.g. http://127.0.0.1:8080")
    if parts.username is not None or parts.password is not None:
        raise TargetError("the base URL carries credentials (user:password@): they would be printed with the "
                          "target; give the token with --token or HARNESS_TOKEN")
    host = host_of(url)
    if host in PRODUCTION_HOSTS and not allow_production:
        raise TargetError(f"{host} is Togai's production API and the harness sends real events: "
                          "use https://sandbox-api.togai.com, or pass --allow-production if you mean it")
    return url.rstrip("/")


def unauth_budget(url: str, requested: int | None) -> int:
    """The requests without valid credentials a run may send to ``url``.

    By default the documented quota (5 per 30 minutes per IP, docs/contract.md#quotas) on every host, so a
    staging server that enforces it is never tripped; more only when asked for, and never on Togai's hosts.
    """
    budget = UNAUTH_QUOTA if requested is None else requested
    return min(budget, UNAUTH_QUOTA) if host_of(url) in TOGAI_HOSTS else budget


@contextlib.contextmanager
def resolve(base_url: str | None, token: str | None, *, admin_token: str | None = None,
            other_token: str | None = None, max_body_bytes: int | None = None, allow_production: bool = False,
            embedded: TargetConfig | None = None, second_tenant: bool = False,
            spec: Path | None = None) -> Iterator[Target]:
    """The user's target, or the embedded reference target (started here, stopped on exit).

    The tokens are registered with the process's scrubber (``harness.redaction``), so no output of the run
    shows them; a token too short to scrub safely is refused. ``second_tenant``: the embedded target gets a
    second tenant of its own when none is given (the contract's tenants check then runs against it).
    ``spec``: the document the embedded target serves (its limits and bodies), the bundled one when unset.
    """
    url = validate_url(base_url, allow_production=allow_production) if base_url else None
    cautions = secrets_checked(("--token / HARNESS_TOKEN", token), ("--admin-token", admin_token),
                               ("--other-token / HARNESS_OTHER_TOKEN", other_token))
    other = Secret(other_token) if other_token else None
    if url:
        if not token:
            raise TargetError(f"no token for {url}: pass --token or set HARNESS_TOKEN")
        yield Target(url, Secret(token), Secret(admin_token) if admin_token else None, max_body_bytes, other,
                     cautions=cautions)
        return
    if not other_token and second_tenant and embedded is None:
        other_token = EMBEDDED_OTHER_TOKEN
        other = Secret(other_token)
    config = embedded or TargetConfig(tokens=(token or EMBEDDED_TOKEN, *((other_token,) if other_token else ())),
                                      spec_path=spec)
    with contextlib.ExitStack() as stack:
        try:
            running = stack.enter_context(running_target(config))
        except (OSError, RuntimeError, ValueError, sqlite3.Error) as error:
            raise TargetError(f"the embedded reference target could not start: {error}; give --base-url to "
                              "test a target of your own") from None
        cautions += secrets_checked(("the embedded target's token", running.token),
                                    ("the embedded target's admin token", config.admin_token),
                                    ("the embedded target's second tenant", other_token))
        yield Target(running.base_url, Secret(running.token), Secret(config.admin_token or ""),
                     config.max_body_bytes, other, embedded=True, cautions=cautions)


def secrets_checked(*secrets: tuple[str, str | None]) -> tuple[str, ...]:
    """Refuse a secret too short to scrub; register the others with the scrubber; the cautions to say."""
    cautions = []
    for option, value in secrets:
        if not value:
            continue
        reason = refusal(value, option)
        if reason:
            raise ConfigError(reason)
        caution = warning(value, option)
        if caution:
            cautions.append(caution)
        SCRUBBER.add(value)
    return tuple(cautions)


def preflight(spec: Spec, target: Target, timeout: float) -> None:
    """One authenticated, invalid request (nothing is stored): is the target there, and is the token taken?"""
    operation = spec.single
    try:
        with BoundedClient(replace(limits(), request_seconds=timeout)) as http:
            response = http.post(f"{target.base_url}{operation.path}", content=b"{}", headers={
                "Authorization": f"Bearer {target.token.reveal()}", "Content-Type": "application/json"})
    except httpx.ConnectError as error:
        raise TargetError(f"target unreachable at {target.base_url}: {error}; is it running?") from None
    except httpx.TimeoutException:
        raise TargetError(f"target at {target.base_url} sent no complete answer within {timeout:g}s "
                          "(headers and body; --timeout)") from None
    except httpx.HTTPError as error:
        reason = str(error) or type(error).__name__
        raise TargetError(f"cannot talk to {target.base_url}: {reason}") from None
    if response.status_code in (401, 403):
        raise TargetError(f"the target refused the token ({response.status_code}): check --token / HARNESS_TOKEN")
