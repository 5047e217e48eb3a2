"""Adapter for Togai's ``togai-client`` from PyPI, every release (1.0.0 to 1.0.3).

It runs inside the SDK's own virtualenv, so it imports nothing of the
harness. It only turns the contract's event into the SDK's models and calls
the SDK's two ingestion methods; what the SDK then sends, and what it makes
of each answer, is the SDK's own doing, observed by the harness.

Releases were generated from different revisions of Togai's spec: 1.0.0 to
1.0.2 (OpenAPI Generator's ``model_utils`` models) name some fields
differently (``eventName``, ``eventTimestamp``, ``eventAttributes``,
``attributeName``...); 1.0.3 (pydantic models) uses the contract's names. A
field is renamed only when the SDK's model lacks the contract's name and has
the older one, so a release is always asked to send the contract's event in
its own vocabulary.
"""

from __future__ import annotations

from importlib.metadata import version
from typing import Any

import togai_client
import togai_client.models
from togai_client.api.event_ingestion_api import EventIngestionApi

OLDER_NAMES = {"schemaName": "eventName", "timestamp": "eventTimestamp", "attributes": "eventAttributes",
               "name": "attributeName", "value": "attributeValue", "unit": "attributeValueUnit"}


def _model(*names: str) -> Any:
    """The first of ``names`` that the release's models define (the attribute model was renamed)."""
    for name in names:
        if hasattr(togai_client.models, name):
            return getattr(togai_client.models, name)
    raise ImportError(f"togai_client.models defines none of {', '.join(names)}")


def _wire_names(model: Any) -> set[str]:
    if hasattr(model, "model_fields"):  # pydantic (1.0.3)
        return {field.alias or key for key, field in model.model_fields.items()}
    return set(model.attribute_map.values())  # model_utils (1.0.0 to 1.0.2)


def _renamed(data: dict[str, Any], names: set[str]) -> dict[str, Any]:
    return {(OLDER_NAMES[key] if key not in names and OLDER_NAMES.get(key) in names else key): value
            for key, value in data.items()}


class TogaiClientAdapter:
    def __init__(self, base_url: str, token: str) -> None:
        self.configuration = togai_client.Configuration(host=base_url, access_token=token)
        self.client = togai_client.ApiClient(self.configuration)
        self.api = EventIngestionApi(self.client)
        self.version = version("togai-client")
        self.default_host = togai_client.Configuration().host  # where the SDK goes when no host is given
        self.event_names = _wire_names(_model("Event"))
        self.attribute_names = _wire_names(_model("Attribute", "EventAttribute"))

    def _event(self, event: dict[str, Any]) -> dict[str, Any]:
        translated = _renamed(event, self.event_names)
        for key, value in translated.items():
            if isinstance(value, list) and all(isinstance(item, dict) for item in value):
                translated[key] = [_renamed(item, self.attribute_names) for item in value]
        return translated

    def _build(self, model_name: str, data: dict[str, Any]) -> Any:
        model = _model(model_name)
        if hasattr(model, "from_dict"):  # pydantic: validates on construction
            return model.from_dict(data)
        from togai_client.model_utils import validate_and_convert_types  # noqa: PLC0415  (older releases only)
        return validate_and_convert_types(data, (model,), ["request"], True, True, self.configuration)

    def send_event(self, event: dict[str, Any]) -> Any:
        return self.api.ingest(self._build("IngestEventRequest", {"event": self._event(event)}))

    def send_batch(self, events: list[dict[str, Any]]) -> Any:
        return self.api.ingest_batch(self._build("IngestBatchEventRequest",
                                                 {"events": [self._event(e) for e in events]}))


def make(base_url: str, token: str) -> TogaiClientAdapter:
    return TogaiClientAdapter(base_url, token)
