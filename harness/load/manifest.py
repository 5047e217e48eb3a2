"""The manifest of a load run: every event id the run sent, by operation and tenant, with what became of it.

A shared staging keeps what a run sends; with this file its team can exclude
or purge exactly that. Each Locust process streams its acknowledged ids into
its own gzip part as answers arrive (memory stays flat however many millions
of events the run sends). A full batch from a template (``IdPattern``: the
same bases, a new number per batch) is one short line in its part, not a
thousand: the load generator's hot path stays as cheap as plain Locust's
(benchmarks/loadgen.py). After the run the harness expands the parts into one
``manifest.tsv.gz``, as a stream, and counts its lines per operation and
tenant on the way.

One line per event, tab-separated: ``operation``, ``tenant`` (``token`` or
``other``: never the token itself), ``id``, ``state``:

- ``acknowledged``: a 202, or a 207 that did not name it: stored;
- ``uncertain``: acknowledged by an answer that did not say which events it
  took (a 207 rejecting events without naming them, an acknowledgement whose
  body breaks the spec or the cap): may be stored;
- ``rejected``: a 207 named it, or a 4xx refused its request: not stored;
- ``throttled``: its request was answered 429: not stored;
- ``unanswered``: no complete answer (in flight at the stop, timed out,
  connection lost) or a server error: may be stored.

A staging team purges ``acknowledged``, ``uncertain`` and ``unanswered``.
"""

from __future__ import annotations

import gzip
import os
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

MANIFEST = "manifest.tsv.gz"
PART_GLOB = "manifest-part-*.tsv.gz"
ACKNOWLEDGED, UNCERTAIN = "acknowledged", "uncertain"
REJECTED, THROTTLED, UNANSWERED = "rejected", "throttled", "unanswered"
MAY_BE_STORED = (ACKNOWLEDGED, UNCERTAIN, UNANSWERED)  # the states a purge takes
# a part's records: a pattern's bases (once), a batch of a pattern, one event's id
PATTERN, BATCH, EVENT = "P", "B", "I"


@dataclass(frozen=True, eq=False)
class IdPattern:
    """The ids of a batch template: batch number ``n`` holds ``{base}-{n:010x}`` for each base, in order."""

    bases: tuple[str, ...]

    def ids(self, number: int) -> list[str]:
        return [f"{base}-{number:010x}" for base in self.bases]

    def id(self, index: int, number: int) -> str:
        """The id of event ``index`` of batch ``number``."""
        return f"{self.bases[index]}-{number:010x}"


@dataclass(frozen=True)
class PatternBatch:
    """The ids of one batch made from a pattern, told by its number."""

    pattern: IdPattern
    number: int


def part_path(directory: Path) -> Path:
    """This process's part of the manifest (one per Locust process: they never share a file)."""
    return directory / f"manifest-part-{os.getpid()}.tsv.gz"


FLUSH_SECONDS = 1.0  # a part is made readable this often: a process killed mid-run loses at most this much


class ManifestWriter:
    """Opened on the first answered (or unanswered) event, so a process that sends nothing (the master) writes
    nothing.

    A compressor holds what it was given until its block is full, which for
    a part of one-line batches can be the whole run; so the part is flushed
    every ``FLUSH_SECONDS`` and when the run stops. A Locust worker its master
    interrupts on the way out never closes its part, and loses no more than
    that. An answer that arrives after the part was closed is appended in a
    member of its own, flushed at once (gzip members concatenate).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: TextIO | None = None
        self._flushed = time.monotonic()
        self._closed_once = False
        self._patterns: dict[IdPattern, int] = {}  # each pattern written to this member -> its key (by identity)

    def add(self, operation: str, tenant: str, ids: Iterable[str] | PatternBatch, state: str = ACKNOWLEDGED,
            excluded: frozenset[str] = frozenset()) -> None:
        """Ids in ``state``, but those in ``excluded`` (for an acknowledgement, a 207's named rejections)."""
        file = self._open()
        if isinstance(ids, PatternBatch):
            key = self._pattern_key(file, ids.pattern)
            # the batch's own ids among those a target named (what it named may be anything, tabs included)
            dropped = [event_id for event_id in ids.pattern.ids(ids.number) if event_id in excluded] if excluded else []
            file.write("\t".join((BATCH, operation, tenant, state, str(key), str(ids.number), *dropped)) + "\n")
        else:
            prefix, suffix = f"{EVENT}\t{operation}\t{tenant}\t{state}\t", "\n"
            file.write("".join(prefix + event_id + suffix for event_id in ids if event_id not in excluded))
        if self._closed_once or time.monotonic() - self._flushed >= FLUSH_SECONDS:
            self.flush()

    def _open(self) -> TextIO:
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # held open for the whole run (closed on Locust's quit): one stream, flat memory; appended to, never
            # truncated (the harness clears a previous run's parts before it starts)
            self._file = gzip.open(self.path, "at", compresslevel=1, encoding="utf-8", newline="\n")  # noqa: SIM115
            self._patterns.clear()  # a new member names its patterns again: each member reads on its own
        return self._file

    def flush(self) -> None:
        """What was written so far, readable from the part even if this process never closes it."""
        if self._file is not None:
            self._file.flush()
        self._flushed = time.monotonic()

    def _pattern_key(self, file: TextIO, pattern: IdPattern) -> int:
        """The pattern's key in this member, its bases written the first time (a later member's ``P`` line
        redefines a key it reuses)."""
        key = self._patterns.get(pattern)
        if key is None:
            key = self._patterns[pattern] = len(self._patterns)
            file.write("\t".join((PATTERN, str(key), *pattern.bases)) + "\n")
        return key

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
            self._closed_once = True


def expand(part: Path) -> Iterator[tuple[str, str, str, list[str]]]:
    """A part's records as ``(operation, tenant, state, ids)``, up to where a killed process cut it short."""
    patterns: dict[str, IdPattern] = {}
    try:
        with gzip.open(part, "rt", encoding="utf-8", newline="\n") as lines:
            for line in lines:
                if not line.endswith("\n"):
                    return  # the last line, half written
                kind, *fields = line[:-1].split("\t")
                if kind == PATTERN:
                    patterns[fields[0]] = IdPattern(tuple(fields[1:]))
                elif kind == BATCH:
                    operation, tenant, state, key, number, *excluded = fields
                    listed = patterns[key].ids(int(number))
                    if excluded:
                        dropped = set(excluded)
                        listed = [event_id for event_id in listed if event_id not in dropped]
                    yield operation, tenant, state, listed
                elif kind == EVENT:
                    operation, tenant, state, event_id = fields
                    yield operation, tenant, state, [event_id]
    except (OSError, EOFError, ValueError, KeyError):  # a part cut short by a killed process: up to the cut
        return


def join_parts(directory: Path) -> dict[str, int]:
    """Expand the processes' parts into ``manifest.tsv.gz``; the count of lines per ``operation/tenant/state``."""
    parts = sorted(directory.glob(PART_GLOB))
    counts: Counter[str] = Counter()
    with gzip.open(directory / MANIFEST, "wt", compresslevel=1, encoding="utf-8", newline="\n") as joined:
        for part in parts:
            for operation, tenant, state, listed in expand(part):
                joined.write("".join(f"{operation}\t{tenant}\t{event_id}\t{state}\n" for event_id in listed))
                counts[f"{operation}/{tenant}/{state}"] += len(listed)
    for part in parts:
        part.unlink()
    return dict(sorted(counts.items()))


def ids(path: Path) -> Iterable[tuple[str, str, str, str]]:
    """Every line as ``(operation, tenant, id, state)``, streamed (for tests and cleanup scripts)."""
    with gzip.open(path, "rt", encoding="utf-8", newline="\n") as lines:
        for line in lines:
            operation, tenant, event_id, state = line.rstrip("\n").split("\t")
            yield operation, tenant, event_id, state
