"""The SDK driver protocol: how the harness talks to an SDK in any language (docs/sdk-driver-protocol.md).

A driver is a small program of the SDK's own language that wraps the SDK.
The harness starts it and talks to it over its standard input and output,
one JSON object per line (UTF-8, ``\\n``-terminated); the driver writes
nothing else on its standard output (logs go to standard error). The
harness speaks first, and each of its messages gets exactly one answer:

1. ``hello`` (the protocol version) -> ``hello`` (who the driver is, which
   version of the SDK, its language, the host it sends to when none is
   configured, and its capabilities);
2. ``configure`` (base URL and token) -> ``configured``;
3. for each case, ``call`` (an operation, events, the timestamp form to
   hand the SDK) -> ``result``: what the SDK returned or what it raised;
4. ``bye`` -> the driver exits 0.

A driver that cannot go on answers ``fatal`` with the reason. These structs
are the single source of the protocol: the JSON Schema in
``docs/sdk-driver-protocol.schema.json`` is generated from them (a test
keeps the two equal).
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

PROTOCOL_VERSION = 1
Operation = Literal["ingest", "ingestBatch"]
TimestampForm = Literal["utc", "offset", "naive", "z-string"]
CAPABILITIES = ("ingest", "ingestBatch", "timestamp:utc", "timestamp:offset", "timestamp:naive",
                "timestamp:z-string", "retries")


# -- the harness to the driver -------------------------------------------
class HelloRequest(msgspec.Struct, tag="hello", tag_field="type", frozen=True, forbid_unknown_fields=True):
    protocol: int = PROTOCOL_VERSION


class Configure(msgspec.Struct, tag="configure", tag_field="type", frozen=True, forbid_unknown_fields=True):
    base_url: str  # where the SDK must send (the harness's target)
    token: str  # the bearer token the SDK is configured with


class TimestampChoice(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    field: str  # the event field that holds the date-time
    form: TimestampForm  # how the caller holds it: an aware UTC value, one at +05:30, a naive one, a "...Z" string


class Call(msgspec.Struct, tag="call", tag_field="type", frozen=True, forbid_unknown_fields=True):
    id: str  # the case, echoed in the result
    operation: Operation
    events: list[dict[str, Any]]  # one event for ingest, the batch for ingestBatch, as JSON
    timestamp: TimestampChoice | None = None  # hand the SDK this field in this form (the same instant)


class Bye(msgspec.Struct, tag="bye", tag_field="type", frozen=True, forbid_unknown_fields=True):
    pass


# -- the driver to the harness -------------------------------------------
class Hello(msgspec.Struct, tag="hello", tag_field="type", frozen=True):
    protocol: int
    sdk: str  # the SDK's name, e.g. togai-client (Java)
    version: str  # the SDK's version
    language: str  # java, node, python, ...
    default_host: str | None = None  # where the SDK sends when no host is configured
    capabilities: list[str] = msgspec.field(default_factory=list)  # of CAPABILITIES


class Configured(msgspec.Struct, tag="configured", tag_field="type", frozen=True):
    pass


class Returned(msgspec.Struct, frozen=True):
    """The call returned: the value's type in the SDK's language, and its data as JSON text (cut at 1000)."""

    type: str
    data: str | None = None


class Raised(msgspec.Struct, frozen=True):
    """The call raised (threw, rejected): the error's type, the HTTP status and body it carries, its message, the
    types of its causes; ``network``: a transport failure (refused, reset, timed out); ``crash``: a programming
    error of the SDK (Python TypeError, Java NullPointerException, JavaScript TypeError), never a way to
    report an answer."""

    type: str
    message: str = ""
    status: int | None = None
    body: str | None = None
    causes: list[str] = msgspec.field(default_factory=list)
    network: bool = False
    crash: bool = False

    @property
    def short(self) -> str:
        status = f" {self.status}" if self.status is not None else ""
        return f"{self.type.rsplit('.', 1)[-1]}{status}"


class Result(msgspec.Struct, tag="result", tag_field="type", frozen=True):
    id: str
    returned: Returned | None = None
    raised: Raised | None = None
    seconds: float = 0.0  # how long the call took, as the driver measured it


class Fatal(msgspec.Struct, tag="fatal", tag_field="type", frozen=True):
    message: str


ToDriver = HelloRequest | Configure | Call | Bye
FromDriver = Hello | Configured | Result | Fatal

encode = msgspec.json.Encoder().encode
decode_from_driver = msgspec.json.Decoder(FromDriver).decode
decode_to_driver = msgspec.json.Decoder(ToDriver).decode


def json_schema() -> dict[str, Any]:
    """Every message both ways, as one JSON Schema document (docs/sdk-driver-protocol.schema.json)."""
    (to_driver, from_driver), components = msgspec.json.schema_components([ToDriver, FromDriver],
                                                                          ref_template="#/$defs/{name}")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": f"Togai ingestion harness: SDK driver protocol, version {PROTOCOL_VERSION}",
            "description": "One JSON object per line on the driver's standard input (toDriver) and standard "
                           "output (fromDriver). See docs/sdk-driver-protocol.md.",
            "$defs": {**components, "toDriver": to_driver, "fromDriver": from_driver},
            "oneOf": [{"$ref": "#/$defs/toDriver"}, {"$ref": "#/$defs/fromDriver"}]}
