"""The driver protocol's page is enough to write a driver: its schema is the one the harness speaks, and every
example on the page is a message the harness accepts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema_rs
import pytest

from harness.sdk.protocol import decode_from_driver, decode_to_driver, json_schema

DOCS = Path(__file__).resolve().parent.parent.parent / "docs"
PAGE = (DOCS / "sdk-driver-protocol.md").read_text(encoding="utf-8")
EXAMPLES = [json.loads(block) for block in re.findall(r"```json\n(.*?)```", PAGE, re.S)]
INLINE = [json.loads(text) for text in re.findall(r"`(\{\"type\": .*?\})`", PAGE)]


def test_the_published_schema_is_the_one_the_harness_speaks() -> None:
    published = json.loads((DOCS / "sdk-driver-protocol.schema.json").read_text(encoding="utf-8"))
    assert published == json.loads(json.dumps(json_schema())), "regenerate docs/sdk-driver-protocol.schema.json"


@pytest.mark.parametrize("message", EXAMPLES + INLINE, ids=lambda m: str(m.get("type")))
def test_every_example_on_the_page_is_a_valid_message(message: dict[str, object]) -> None:
    validator = jsonschema_rs.Draft202012Validator(json_schema())
    assert validator.is_valid(message), list(validator.iter_errors(message))[:3]
    encoded = json.dumps(message).encode()
    decode = decode_from_driver if message["type"] in ("result", "configured", "fatal") or "sdk" in message \
        else decode_to_driver
    decode(encoded)


def test_the_page_shows_each_message_both_ways() -> None:
    shown = {str(m["type"]) for m in EXAMPLES + INLINE}
    assert shown >= {"hello", "configure", "call", "result", "bye", "configured", "fatal"}


def test_a_message_the_schema_refuses_is_refused() -> None:
    validator = jsonschema_rs.Draft202012Validator(json_schema())
    assert not validator.is_valid({"type": "call", "id": "x", "operation": "ingestMany", "events": []})
