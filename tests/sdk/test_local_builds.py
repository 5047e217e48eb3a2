"""``harness sdk --sdk-version PATH``: a local build (a wheel here) checked before it is released.

Two builds of the same version of a tiny SDK differ in one behaviour (what a
naive datetime becomes on the wire): each gets its own cached environment
(keyed by the wheel's content), its column names the version the package
reports, and the matrix shows the drift.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from harness.errors import ConfigError
from harness.sdk.envs import content_hash, install_for

ADAPTER = Path(__file__).resolve().parent / "fake_adapter.py"
SDK = '''
"""fakesdk: an ingestion client of a few lines."""
import json, urllib.error, urllib.request
from datetime import datetime

DEFAULT_HOST = "https://sandbox-api.togai.com"
STRICT = {strict}


def _plain(value):
    if isinstance(value, datetime):
        if value.tzinfo is None and STRICT:
            raise ValueError("a naive datetime has no offset")
        return value.isoformat()
    raise TypeError(type(value).__name__)


class ApiError(Exception):
    def __init__(self, status, body):
        super().__init__(f"{{status}}: {{body[:200]}}")
        self.status = status


class Client:
    def __init__(self, host, token):
        self.host, self.token = host or DEFAULT_HOST, token

    def post(self, path, body):
        request = urllib.request.Request(self.host + path, data=json.dumps(body, default=_plain).encode(),
                                         method="POST", headers={{"Authorization": "Bearer " + self.token,
                                                                 "Content-Type": "application/json",
                                                                 "User-Agent": "fakesdk/0.1.0"}})
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                text = answer.read().decode()
                return json.loads(text) if text else None
        except urllib.error.HTTPError as error:
            raise ApiError(error.code, error.read().decode(errors="replace")) from None
'''


def wheel(folder: Path, *, strict: bool) -> Path:
    """A pure-Python wheel of fakesdk 0.1.0, written by hand (no build backend, no network)."""
    folder.mkdir(parents=True, exist_ok=True)
    info = "fakesdk-0.1.0.dist-info"
    files = {"fakesdk/__init__.py": SDK.format(strict=strict).encode(),
             f"{info}/METADATA": b"Metadata-Version: 2.1\nName: fakesdk\nVersion: 0.1.0\n",
             f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
    record = [f"{name},sha256={base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()},"
              f"{len(data)}" for name, data in files.items()]
    files[f"{info}/RECORD"] = ("\n".join([*record, f"{info}/RECORD,,"]) + "\n").encode()
    path = folder / "fakesdk-0.1.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def test_a_version_is_a_release_number_or_a_path_and_a_build_is_keyed_by_its_content(tmp_path: Path) -> None:
    release = install_for("togai-client", "1.0.3", cache=tmp_path)
    assert release.requirement == "togai-client==1.0.3" and release.home.name == "togai-client-1.0.3"
    loose, strict = wheel(tmp_path / "a", strict=False), wheel(tmp_path / "b", strict=True)
    assert install_for("fakesdk", str(loose), cache=tmp_path).home != install_for("fakesdk", str(strict),
                                                                                   cache=tmp_path).home
    again = wheel(tmp_path / "c", strict=False)  # the same content rebuilt elsewhere: the same environment
    assert content_hash(again) == content_hash(loose)
    with pytest.raises(ConfigError, match="neither a release number"):
        install_for("fakesdk", "not-there.whl", cache=tmp_path)
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(ConfigError, match="not a wheel"):
        install_for("fakesdk", str(tmp_path / "notes.txt"), cache=tmp_path)


def test_two_local_builds_side_by_side_show_the_behaviour_that_drifted(tmp_path: Path) -> None:
    loose, strict = wheel(tmp_path / "loose", strict=False), wheel(tmp_path / "strict", strict=True)
    environment = {k: v for k, v in os.environ.items() if not k.startswith("HARNESS_")}
    result = subprocess.run([sys.executable, "-m", "harness", "sdk", "--adapter", f"{ADAPTER}:make",
                             "--package", "fakesdk", "--sdk-version", str(loose), "--sdk-version", str(strict),
                             "--report-dir", "out"], cwd=tmp_path, env=environment, capture_output=True,
                            text=True, timeout=600, check=False)
    assert result.returncode in (0, 1), result.stdout + result.stderr
    report = json.loads((tmp_path / "out" / "sdk.json").read_text())
    columns = report["columns"]
    assert len(columns) == 2 and all(column.startswith("fakesdk 0.1.0 (local fakesdk-0.1.0") for column in columns)
    assert report["default_hosts"][columns[0]] == "https://sandbox-api.togai.com"
    naive = {row["operation"]: row for row in report["matrix"] if row["row"] == "timestamp given as a naive datetime"}
    cells = naive["ingest"]["cells"]
    assert cells[columns[0]]["verdict"] == "breaks" and "without an offset" in cells[columns[0]]["reason"]
    assert cells[columns[1]]["verdict"] == "conforms" and "refuses" in cells[columns[1]]["reason"]
    assert naive["ingest"]["drift"] == "verdict"
    over = next(row for row in report["matrix"] if row["operation"] == "ingest"
                and row["row"].startswith("sends 51 characters where at most 50"))
    assert all(cell["verdict"] == "warns" for cell in over["cells"].values())  # no client-side checks: ⚠
    assert "changed from the previous" in (tmp_path / "out" / "sdk.md").read_text()
