"""The manifest of a load run: every event id the target acknowledged, by operation and tenant.

A shared staging keeps what a run sends; with this file its team can exclude
or purge exactly that. Each Locust process streams its acknowledged ids into
its own gzip file as answers arrive (memory stays flat however many millions
of events the run sends); after the run the harness joins the parts into one
``manifest.tsv.gz`` (gzip members concatenate into one valid file) and
counts its lines per operation and tenant, reading it as a stream.

One line per event, tab-separated: ``operation``, ``tenant`` (``token`` or
``other``: never the token itself), ``id``, ``state``: ``acknowledged``, or
``uncertain`` when a 207 rejected events without naming them (each event of
that batch it did not name may or may not be stored).
"""

from __future__ import annotations

import gzip
import os
import shutil
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

MANIFEST = "manifest.tsv.gz"
PART_GLOB = "manifest-part-*.tsv.gz"
ACKNOWLEDGED, UNCERTAIN = "acknowledged", "uncertain"


def part_path(directory: Path) -> Path:
    """This process's part of the manifest (one per Locust process: they never share a file)."""
    return directory / f"manifest-part-{os.getpid()}.tsv.gz"


class ManifestWriter:
    """Opened on the first acknowledged event, so a process that sends nothing (the master) writes nothing."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: TextIO | None = None

    def add(self, operation: str, tenant: str, ids: Iterable[str], state: str = ACKNOWLEDGED) -> None:
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # held open for the whole run (closed on Locust's quit): one stream, flat memory
            self._file = gzip.open(self.path, "wt", compresslevel=1, encoding="utf-8", newline="\n")  # noqa: SIM115
        prefix, suffix = f"{operation}\t{tenant}\t", f"\t{state}\n"
        self._file.write("".join(prefix + event_id + suffix for event_id in ids))

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def join_parts(directory: Path) -> dict[str, int]:
    """Join the processes' parts into ``manifest.tsv.gz``; the count of lines per ``operation/tenant/state``."""
    parts = sorted(directory.glob(PART_GLOB))
    target = directory / MANIFEST
    with target.open("wb") as joined:
        for part in parts:
            with part.open("rb") as source:
                shutil.copyfileobj(source, joined)
    for part in parts:
        part.unlink()
    return count(target)


def count(path: Path) -> dict[str, int]:
    counts: Counter[str] = Counter()
    try:
        with gzip.open(path, "rt", encoding="utf-8", newline="\n") as lines:
            for line in lines:
                operation, tenant, _, state = line.rstrip("\n").split("\t")
                counts[f"{operation}/{tenant}/{state}"] += 1
    except (OSError, EOFError, ValueError):  # a part cut short by a killed process: counted up to the cut
        pass
    return dict(sorted(counts.items()))


def ids(path: Path) -> Iterable[tuple[str, str, str, str]]:
    """Every line as ``(operation, tenant, id, state)``, streamed (for tests and cleanup scripts)."""
    with gzip.open(path, "rt", encoding="utf-8", newline="\n") as lines:
        for line in lines:
            operation, tenant, event_id, state = line.rstrip("\n").split("\t")
            yield operation, tenant, event_id, state
