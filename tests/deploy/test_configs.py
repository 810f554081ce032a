"""The files in deploy/ stay true to the code: real settings and commands, body limits the app
can answer, the pinned uv, and configurations their own tools accept (PostgreSQL's server
binary for postgresql.conf.d, systemd-analyze for the units)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from backend.api.sync import MAX_BODY
from backend.cli import main
from backend.settings import setting_names
from tests.support.databases import POSTGRES_URL

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
FILES = sorted(path for path in DEPLOY.rglob("*") if path.is_file())
# Variables of the test suite and benchmarks that deploy/README.md mentions.
TEST_VARIABLES = {"SIDEWISE_TEST_POSTGRES_URL", "SIDEWISE_BENCH_POSTGRES_URL"}
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))


def test_every_sidewise_variable_named_in_deploy_is_a_setting() -> None:
    known = set(setting_names()) | TEST_VARIABLES
    for path in FILES:
        unknown = set(re.findall(r"\bSIDEWISE_[A-Z_]+\b", path.read_text())) - known
        assert not unknown, f"{path.relative_to(ROOT)} names {sorted(unknown)}"


def test_the_commands_units_and_containers_run_exist() -> None:
    commands = set()
    for unit in UNITS:
        commands |= set(re.findall(r"^ExecStart=\S+/sidewise (\w+)", unit.read_text(), re.M))
    for path in (DEPLOY / "compose.yaml", DEPLOY / "Dockerfile"):
        commands |= set(re.findall(r'"sidewise", "(\w+)"', path.read_text()))
    assert commands == {"serve", "migrate", "dispatch"}
    for command in commands:
        with pytest.raises(SystemExit) as exit_info:
            main([command, "--help"])
        assert exit_info.value.code == 0, f"sidewise {command} is not a command"


def size_in_bytes(text: str, units: dict[str, int]) -> int:
    match = re.fullmatch(r"(\d+)([A-Za-z]*)", text)
    assert match is not None, text
    return int(match[1]) * units[match[2].lower()]


def test_the_proxies_let_the_largest_sync_body_through() -> None:
    # Sidewise answers a body over its limit with a 413 problem the app shows; a proxy limit
    # below it would answer first, with an HTML page.
    nginx = re.search(r"client_max_body_size (\w+);", (DEPLOY / "nginx/sidewise.conf").read_text())
    caddy = re.search(r"max_size (\w+)", (DEPLOY / "Caddyfile").read_text())
    assert nginx is not None
    assert caddy is not None
    assert size_in_bytes(nginx[1], {"": 1, "k": 1024, "m": 1024**2}) > MAX_BODY
    assert size_in_bytes(caddy[1], {"b": 1, "kb": 1000, "mb": 1000**2}) > MAX_BODY


def test_the_image_uses_the_uv_the_makefile_pins() -> None:
    pinned = re.search(r"^UV_VERSION := (\S+)$", (ROOT / "Makefile").read_text(), re.M)
    assert pinned is not None
    assert f"uv=={pinned[1]}" in (DEPLOY / "Dockerfile").read_text()


def test_the_systemd_units_pass_systemd_analyze() -> None:
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze is not installed")
    result = subprocess.run(
        [tool, "verify", *(str(unit) for unit in UNITS)],
        capture_output=True,
        text=True,
        check=False,
    )
    # The units name the installed command, which a test machine does not have.
    missing_command = re.compile(r"Command /opt/sidewise/current/bin/sidewise is not executable")
    problems = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if line.strip() and not missing_command.search(line)
    ]
    assert problems == []


def postgres_binary() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"))
    return found[-1] if found else None


def test_postgresql_accepts_the_sidewise_configuration() -> None:
    if not POSTGRES_URL:
        pytest.skip("SIDEWISE_TEST_POSTGRES_URL is not set (CI sets it)")
    binary = postgres_binary()
    if binary is None:
        pytest.skip("no PostgreSQL server binary under /usr/lib/postgresql")
    conf = DEPLOY / "postgresql.conf.d" / "sidewise.conf"
    # `postgres -C` reads the configuration, rejects unknown names and bad values, and prints
    # one setting without starting a server. It refuses to run as root.
    runner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    with tempfile.TemporaryDirectory() as directory:
        data = Path(directory)
        shutil.copy(conf, data / "sidewise.conf")
        (data / "postgresql.conf").write_text("include 'sidewise.conf'\n")
        if runner:
            shutil.chown(data, "postgres")
        result = subprocess.run(
            [*runner, str(binary), "-D", str(data), "-C", "max_connections"],
            capture_output=True,
            text=True,
            check=False,
        )
    assert result.returncode == 0, result.stderr
    written = re.search(r"^max_connections = (\d+)", conf.read_text(), re.M)
    assert written is not None
    assert result.stdout.strip() == written[1]
