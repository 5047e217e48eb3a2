"""The fixtures reach another project through the pytest11 entry point alone."""

import subprocess
import sys

import pytest

from harness.spec import bundled_spec_path

OTHER_PROJECTS_TEST = '''
import httpx
from harness.mock import Answer

def test_sdk_retries(togai_mock):
    togai_mock["ingest"].script(Answer(429, headers={"Retry-After": "1"}), 202)
    with httpx.Client(base_url="https://api.togai.com") as http:
        first = http.post("/ingest", json={}, headers={"Authorization": "Bearer t"})
        second = http.post("/ingest", json={}, headers={"Authorization": "Bearer t"})
    assert first.status_code == 429 and first.headers["Retry-After"] == "1"
    assert first.json() == {"message": "Request throttled."}
    assert second.status_code == 202 and second.content == b""
    assert len(togai_mock["ingest"].calls) == 2

def test_spec_fixture(togai_spec):
    assert togai_spec.batch_max_items == 1000
'''


def test_fixtures_are_available_to_another_project(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_other=OTHER_PROJECTS_TEST)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_togai_spec_option_swaps_the_spec(pytester: pytest.Pytester) -> None:
    spec = pytester.path / "small.yaml"
    spec.write_text(bundled_spec_path().read_text().replace("maxItems: 1000", "maxItems: 5"))
    pytester.makepyfile(test_small="def test_small(togai_spec):\n    assert togai_spec.batch_max_items == 5\n")
    result = pytester.runpytest_subprocess("--togai-spec", str(spec))
    result.assert_outcomes(passed=1)


def test_loading_the_plugin_imports_nothing_heavy() -> None:
    """Every pytest session of an environment with the harness installed loads the plugin: it must stay light."""
    heavy = ("respx", "httpx", "jsonschema", "yaml", "schemathesis", "locust", "msgspec", "harness.spec")
    code = (f"import sys, harness.pytest_plugin; print(','.join(m for m in {heavy!r} if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            timeout=60).stdout.strip()
    assert loaded == ""
