"""Schemathesis, every check, against a real `sidewise serve` on a temporary SQLite file.

One account is signed up before the run; `schemathesis_hooks` puts its session cookie, the CSRF
cookie and the `x-csrftoken` header on every generated request, so the operations behind sign-in
are exercised, not only refused with 401. CI replays one seed; elsewhere each run explores a new
one, and SIDEWISE_SCHEMATHESIS_SEED replays the seed a failing report prints.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from bench.devices import PASSWORD
from bench.server import sidewise_command
from tests.browser.support import AppServer
from tests.support.databases import SqliteTemplate

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = 60  # per operation and phase: about 2,000 requests, under a minute here
TIMEOUT_S = 180
# Checks left out, each with its reason.
EXCLUDED_CHECKS: dict[str, str] = {}
# Operations left out, each with its reason.
EXCLUDED_OPERATIONS: dict[str, str] = {
    "DELETE /api/me": "needs the account's password: a generated one is always 403 "
    "bad_password, the right one would erase the run's account (tests/contract/test_openapi.py "
    "and tests/api/test_account_deletion.py cover it)",
}
# Schemathesis's own list of answers that do not refuse schema-valid data, and ours on top.
POSITIVE_ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]
ALSO_ACCEPTED: dict[int, str] = {
    422: "rules JSON Schema does not state: an e-mail address, an IANA zone, an exercise that is "
    "a catalogue id or record id, a server-issued pull cursor, and each op of a push judged "
    "on its own (422 ops_rejected is the partial-acceptance answer)",
}


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: SqliteTemplate
) -> Iterator[AppServer]:
    running = AppServer(tmp_path_factory.mktemp("schemathesis") / "data")
    sqlite_template.fresh(running.data_dir)
    # With a VAPID key, so push subscriptions are exercised rather than refused with 503.
    subprocess.run(
        [*sidewise_command(), "vapid"], env=running.env(), check=True, capture_output=True
    )
    running.start()
    yield running
    running.close()


def _new_account(server: AppServer, email: str) -> tuple[str, str]:
    """A new account's session and CSRF token (read after signing up: both may be new)."""
    with httpx.Client(base_url=server.base_url, timeout=30) as client:
        client.get("/api/catalogue")
        answer = client.post(
            "/api/auth/signup",
            json={"email": email, "password": PASSWORD},
            headers={"x-csrftoken": client.cookies["csrftoken"]},
        )
        assert answer.status_code == 201, answer.text
        return client.cookies["sidewise_session"], client.cookies["csrftoken"]


def sign_up(server: AppServer) -> dict[str, str]:
    """The run's credentials, as the hooks read them from the environment."""
    session, csrf = _new_account(server, "schemathesis@example.com")
    spare, _ = _new_account(server, "spare@example.com")
    return {
        "ST_SESSION_COOKIE": "sidewise_session",
        "ST_SESSION": session,
        "ST_SPARE_SESSION": spare,
        "ST_CSRF": csrf,
    }


def test_every_check_passes_against_the_running_server(server: AppServer, tmp_path: Path) -> None:
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        server.base_url + "/schema/openapi.json",
        "--checks=all",
        f"--max-examples={EXAMPLES}",
        "--workers=1",
        "--request-timeout=20",
        "--suppress-health-check=all",
        f"--report-dir={tmp_path}",
        "--report=junit,har",
    ]
    seed = os.environ.get("SIDEWISE_SCHEMATHESIS_SEED")
    if seed is None and os.environ.get("HYPOTHESIS_PROFILE") == "ci":
        seed = "20261205"
    if seed is not None:
        command.append(f"--seed={seed}")
    if EXCLUDED_CHECKS:
        command.append("--exclude-checks=" + ",".join(EXCLUDED_CHECKS))
    command += [f"--exclude-name={name}" for name in EXCLUDED_OPERATIONS]
    config = tmp_path / "schemathesis.toml"
    accepted = [*POSITIVE_ACCEPTED, *map(str, ALSO_ACCEPTED)]
    config.write_text(
        f"[checks.positive_data_acceptance]\nexpected-statuses = {json.dumps(accepted)}\n"
    )
    command.insert(1, f"--config-file={config}")
    env = {
        **os.environ,
        **sign_up(server),
        "SCHEMATHESIS_HOOKS": "tests.contract.schemathesis_hooks",
        "PYTHONPATH": str(ROOT),
        "NO_COLOR": "1",
    }
    run = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=TIMEOUT_S
    )
    report = run.stdout[-20000:] + run.stderr[-5000:]
    assert run.returncode == 0, report
    paths = httpx.get(server.base_url + "/schema/openapi.json").json()["paths"]
    tested = sum(map(len, paths.values())) - len(EXCLUDED_OPERATIONS)
    assert f"Tested: {tested}\n" in report, report
    # Every operation got past its credentials at least once. Read from the recorded exchanges,
    # not from Schemathesis's own "Authentication failed" warning: that one only counts cases it
    # generated as valid, and for an operation without parameters some seeds generate none, so
    # it fired on runs where the operation answered 200 with the run's session.
    answered = statuses_by_operation(paths, next(tmp_path.glob("har-*.json")))
    refused = sorted(label for label, codes in answered.items() if codes <= {401})
    assert not refused, f"answered only 401: {refused}\n{report}"


def statuses_by_operation(paths: dict[str, Any], har: Path) -> dict[str, set[int]]:
    """Each tested operation's answers in a HAR report ("GET /api/me": {200, 401})."""
    templates = [
        (method.upper(), template, re.compile(re.sub(r"\{[^}]+\}", "[^/]*", template) + "$"))
        for template, operations in paths.items()
        for method in operations
        if f"{method.upper()} {template}" not in EXCLUDED_OPERATIONS
    ]
    answered: dict[str, set[int]] = {f"{m} {t}": set() for m, t, _ in templates}
    for entry in json.loads(har.read_text())["log"]["entries"]:
        method, path = entry["request"]["method"], urlsplit(entry["request"]["url"]).path
        for template_method, template, pattern in templates:
            if method == template_method and pattern.match(path):
                answered[f"{method} {template}"].add(entry["response"]["status"])
                break
    return answered
