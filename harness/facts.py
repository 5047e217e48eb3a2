"""The contract's facts that are not in the spec, named once (see ``docs/contract.md``).

Limits that the spec states (batch size, field lengths, patterns) are read
from the spec, never from here. What lives here is what a schema cannot
say: quotas, the idempotency key's name, Togai's hosts, which statuses
count as acknowledged or throttled.
"""

from __future__ import annotations

# docs/contract.md#quotas: requests per second per tenant and operation; adjustable per customer.
DOCUMENTED_QUOTA = 50.0
# docs/contract.md#quotas: requests without valid credentials per client IP, per window; not adjustable.
UNAUTH_QUOTA = 5
UNAUTH_WINDOW_SECONDS = 1800.0
# A shared staging is loaded politely: throughput scenarios offer at most this share of the quota per operation
# unless told otherwise (--rate, --unthrottled); a run with more than QUOTA_BOUND_SHARE of its requests throttled
# measured the quota, not the system, and says so.
POLITE_SHARE = 0.9
QUOTA_BOUND_SHARE = 0.10

# docs/contract.md#operations
PRODUCTION_HOSTS = frozenset({"api.togai.com"})
TOGAI_HOSTS = PRODUCTION_HOSTS | {"sandbox-api.togai.com"}

# A document that names the two operations otherwise: "ingest=postEvent,ingestBatch=postEvents" (the global
# --operations option sets it, so Locust's and the SDK's child processes read the same; harness.spec reads it).
OPERATIONS_ENV = "HARNESS_OPERATIONS"

# docs/contract.md#idempotent-retry: the event field that is the idempotency key.
ID_FIELD = "id"

# docs/contract.md#operations: what acknowledges events, and what throttles.
ACKNOWLEDGED = (202, 207)
THROTTLED = 429
UNAVAILABLE = 503  # documented: the service is briefly unavailable; come back later
TRANSIENT = (THROTTLED, UNAVAILABLE)  # answers that say "not now", never "no": waited out and asked again
TRANSIENT_WAIT = 1.0  # seconds waited after a 429 or 503 that names no usable Retry-After

# docs/contract.md#choices-left-open: every status a correct server may choose, written down once.
REJECTED = (400,)  # a body that breaks the request schema, malformed JSON, a conflict
OVER_BATCH_LIMIT = (400, 422)  # more events than the batch limit
OVER_BYTE_LIMIT = (422,)  # a body over the byte limit
WRONG_CONTENT_TYPE = (400, 415)  # a body sent as something other than application/json
