"""The one place the load users reach past Locust's public API into geventhttpclient, and why.

Locust gives a public way for some of what the users need: ``stream=True``
with ``response.iter_content`` to read the body ourselves. Three things have
none that holds, so they live here, each with a test that fails when the
library changes them (``tests/load/test_library_reach.py``):

- ``UserAgent.redirect_response_codes``: Locust's ``allow_redirects=False``
  empties this set for the time of one request and then puts back what it
  found, on the agent every request of the user shares; with the paced
  requests in flight at once, one request puts the redirects back while
  another is on its way. Emptied once, for good, nothing follows a redirect
  (credentials never travel to another host).

- ``UserAgent.valid_response_codes``: geventhttpclient reads an answer whose
  status it calls invalid *whole*, for a debug log, before Locust sees it (a
  300 MB error body, all of it); every status is declared valid so that each
  is read within the answer cap, here.
- ``FastResponse._response.release()``: an answer cut at the cap must give
  its connection back closed, not left half-read in the pool.
"""

from __future__ import annotations

from typing import Any

EVERY_STATUS = frozenset(range(100, 600))


def answers_as_they_come(agent: Any) -> None:
    """``agent``: a FastHttpUser's ``client.client`` (geventhttpclient's UserAgent): never follow a redirect,
    and hand every status over unread."""
    agent.redirect_response_codes = frozenset()
    agent.valid_response_codes = EVERY_STATUS


def release(response: Any) -> None:
    """Give a streamed answer's connection back: to the pool when read whole, closed when cut short."""
    raw = getattr(response, "_response", None)
    if raw is not None:
        raw.release()
