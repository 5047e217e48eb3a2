"""Every answer fits the run's cap (``--max-answer-bytes``, 1 MiB by default; docs/contract.md#bounds).

The largest documented answer is a 207 listing a full batch's errors, far
below the cap. Readers keep one byte past the cap and drop the connection
(``harness.bounded``), so a 300 MB body or a gzip bomb costs the harness at
most the cap and is reported here, wherever it was seen.
"""

from __future__ import annotations

from typing import Any

from harness.bounded import limits
from harness.contract.registry import Seen, judge
from harness.spec import Operation, Spec

ANSWER_SIZE = "answer_size"


@judge(ANSWER_SIZE)
def answer_size(spec: Spec, operation: Operation, request: Any, seen: Seen) -> list[str]:
    """An answer no larger than the cap, decompressed."""
    return [limits().too_large()] if limits().cut(seen.body) else []
