"""Documents read as OpenAPI tools read them: JSON, or YAML whose every value is a JSON value.

An OpenAPI document is a JSON document that may be written in YAML. PyYAML
reads YAML 1.1, where an unquoted ``2022-07-04`` is a date, ``on`` and ``no``
are booleans, ``0777`` is octal, ``1:30`` is 90 and ``200:`` an integer key,
none of which a JSON-based reader (or the schema engine) accepts: Togai's own
2023 document carries such an example date. Here a plain scalar is what YAML
1.2's JSON schema makes of it: ``null`` (also ``~`` and an empty value, as
every YAML 1.2 reader has it), ``true``/``false`` (also in the core schema's
``True``/``TRUE`` forms), a decimal integer or a decimal float as JSON writes
them, and any other text is the string as written. Mapping keys are the
strings as written; ``<<`` merges a mapping in, as PyYAML always did. A
value that JSON still cannot hold (an explicit
``!!timestamp``, ``!!binary``, ``!!float .inf``) is refused with its JSON
pointer.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import yaml

from harness import pointers

try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # PyYAML built without libyaml
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]


class DocumentError(ValueError):
    """A document that is not JSON or YAML, or holds a value JSON cannot: its JSON pointer and the reason."""

    def __init__(self, pointer: str, reason: str) -> None:
        super().__init__(reason)
        self.pointer, self.reason = pointer, reason


class _JsonValues(_SafeLoader):  # type: ignore[misc,valid-type]
    """YAML with the implicit types of YAML 1.2's JSON schema (the module's docstring says which)."""


_JsonValues.yaml_implicit_resolvers = {}  # none of YAML 1.1's: only those below
for _tag, _pattern, _first in (
        ("null", r"^(?:null|Null|NULL|~|)$", ["~", "n", "N", ""]),
        ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
        ("int", r"^-?(?:0|[1-9][0-9]*)$", list("-0123456789")),
        ("float", r"^-?(?:0|[1-9][0-9]*)(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?$", list("-0123456789")),
        ("merge", r"^(?:<<)$", ["<"])):  # YAML 1.1's merge key, which documents that share parts with anchors use
    _JsonValues.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(_pattern), _first)


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.Node, deep: bool = False) -> dict[str, Any]:
    """Keys as written (``200:`` is ``"200"``, ``on:`` is ``"on"``), values as this module reads them."""
    if not isinstance(node, yaml.MappingNode):
        raise yaml.constructor.ConstructorError(None, None, "expected a mapping", node.start_mark)
    loader.flatten_mapping(node)
    mapping: dict[str, Any] = {}
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            raise yaml.constructor.ConstructorError(None, None, "a mapping key that is not a scalar "
                                                    "(JSON keys are strings)", key.start_mark)
        name = loader.construct_object(key, deep) if key.tag == "tag:yaml.org,2002:str" else str(key.value)
        mapping[name] = loader.construct_object(value, deep)
    return mapping


_JsonValues.construct_mapping = _construct_mapping


def load_document(text: str, *, is_json: bool) -> Any:
    """The document as JSON values; a ``DocumentError`` says where it cannot be read, or what JSON cannot hold."""
    if is_json:
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise DocumentError("", f"line {error.lineno} column {error.colno}: {error.msg}") from None
    try:
        document = yaml.load(text, Loader=_JsonValues)  # a safe loader: no Python object is built
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1} column {mark.column + 1}: " if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise DocumentError("", f"{where}not valid YAML ({problem})") from None
    _refuse_non_json(document)
    return document


def _refuse_non_json(document: Any) -> None:
    """Every value a JSON type, found without recursion (a document may nest deeply)."""
    pending: list[tuple[str, Any]] = [("", document)]
    while pending:
        pointer, node = pending.pop()
        if isinstance(node, dict):
            pending.extend((pointers.join(pointer, key), value) for key, value in node.items())
        elif isinstance(node, list):
            pending.extend((pointers.join(pointer, str(index)), value) for index, value in enumerate(node))
        elif isinstance(node, float) and not math.isfinite(node):
            raise DocumentError(pointer, f"{node!r} is a YAML float that JSON cannot hold; write it as a string")
        elif node is not None and not isinstance(node, str | int | float | bool):
            raise DocumentError(pointer, f"a YAML {type(node).__name__} value (an explicit tag) that JSON cannot "
                                         "hold; write it as a string")
