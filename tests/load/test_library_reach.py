"""What harness.load.reach relies on in geventhttpclient and Locust is still there and still means the same:
these fail when a new release changes it, before a load run silently follows a redirect or reads a 300 MB body.

Run in a child process: importing Locust patches the standard library (gevent), which this test process must
not see."""

from __future__ import annotations

import subprocess
import sys

CHECKS = '''
import inspect
from locust.contrib.fasthttp import FastResponse
from geventhttpclient.response import HTTPSocketPoolResponse
from geventhttpclient.useragent import UserAgent
from harness.load import reach

source = inspect.getsource(UserAgent)
assert "in self.redirect_response_codes" in source, "redirects are no longer decided by redirect_response_codes"
assert "not in self.valid_response_codes" in source, "statuses are no longer judged by valid_response_codes"
agent = UserAgent()
reach.answers_as_they_come(agent)
assert agent.redirect_response_codes == frozenset() and 599 in agent.valid_response_codes
assert "_response" in inspect.get_annotations(FastResponse), "FastResponse no longer holds _response"
assert callable(HTTPSocketPoolResponse.release), "geventhttpclient's response can no longer be released"
assert "self._response.read(" in inspect.getsource(FastResponse.iter_content), "iter_content no longer reads raw"
reach.release(object())
print("ok")
'''


def test_what_reach_relies_on_in_geventhttpclient_and_locust_holds() -> None:
    result = subprocess.run([sys.executable, "-c", CHECKS], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr[-2000:]


def test_the_check_can_fail() -> None:
    """As if a release renamed the set: the check says which reliance broke."""
    broken = CHECKS.replace('"in self.redirect_response_codes"', '"in self.renamed_response_codes"')
    result = subprocess.run([sys.executable, "-c", broken], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode != 0 and "redirects are no longer decided" in result.stderr
