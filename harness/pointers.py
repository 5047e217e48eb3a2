"""JSON pointers (RFC 6901): every message about a spec names the place it is about."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def escape(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def join(base: str, *tokens: str | int) -> str:
    return base + "".join("/" + escape(token) for token in tokens)


def split(pointer: str) -> list[str]:
    if pointer in ("", "#"):
        return []
    pointer = pointer.removeprefix("#")
    if not pointer.startswith("/"):
        raise ValueError(f"not a JSON pointer: {pointer!r}")
    return [part.replace("~1", "/").replace("~0", "~") for part in pointer[1:].split("/")]


def resolve(document: Any, pointer: str) -> Any:
    """The node at ``pointer``; raises ``LookupError`` naming the missing token."""
    node = document
    for token in split(pointer):
        if isinstance(node, dict):
            key: Any = token
            if key not in node:  # YAML may have read an unquoted status code as an int
                key = int(token) if token.isdigit() and int(token) in node else token
            if key not in node:
                raise LookupError(f"no {token!r} under {pointer!r}")
            node = node[key]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            raise LookupError(f"no {token!r} under {pointer!r}")
    return node


def walk(node: Any, pointer: str = "") -> Iterable[tuple[str, Any]]:
    """Every (pointer, node) pair of a JSON document, the root first."""
    yield pointer, node
    if isinstance(node, dict):
        for key, child in node.items():
            yield from walk(child, join(pointer, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from walk(child, join(pointer, index))
