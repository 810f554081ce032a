"""Named ``sidewise`` processes started the way the systemd units start them, each logging to its
own file, stopped the way ``systemctl stop`` stops them.

    with Fleet(log_dir, env) as fleet:
        out = fleet.once("vapid", "vapid", "--private")    # a one-shot command's stdout
        fleet.start("app-a", "serve", "--port", "8001")     # a long-running one
        fleet.wait_healthy("app-a", "http://127.0.0.1:8001", deadline)
        exits = fleet.stop_all()                            # name -> exit code after SIGTERM
        fleet.report()                                      # every log, for failure messages

Each process leads its own process group. ``stop_all`` sends SIGTERM to each main process only
(the units' ``KillMode=mixed``: uvicorn's supervisor stops its workers itself), waits, and
SIGKILLs a group still alive after ``STOP_TIMEOUT_S``; ``leftovers`` names groups whose main
process exited but left children behind. Leaving the ``with`` block kills whatever still runs.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from contextlib import suppress
from pathlib import Path
from typing import IO

import httpx

from bench.server import sidewise_command

STOP_TIMEOUT_S = 20.0
KILLED = -9


class Fleet:
    def __init__(self, log_dir: Path, env: dict[str, str]) -> None:
        self.log_dir = log_dir
        self.env = env
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self._logs: dict[str, IO[bytes]] = {}

    def log_path(self, name: str) -> Path:
        return self.log_dir / f"{name}.log"

    def once(self, name: str, *args: str, env: dict[str, str] | None = None) -> str:
        """Run a one-shot command to completion; its stdout, or an error carrying its output."""
        result = subprocess.run(
            [*sidewise_command(), *args],
            env=env or self.env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        self.log_path(name).write_text(result.stdout + result.stderr)
        if result.returncode != 0:
            raise AssertionError(f"sidewise {' '.join(args)} exited {result.returncode}")
        return result.stdout

    def start(self, name: str, *args: str) -> None:
        log = self._logs[name] = self.log_path(name).open("wb")
        self.procs[name] = subprocess.Popen(
            [*sidewise_command(), *args],
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_healthy(self, name: str, base_url: str, deadline: float) -> dict[str, str]:
        """Poll ``/healthz`` until it answers 200 (its JSON) or the monotonic ``deadline``."""
        with httpx.Client(base_url=base_url, timeout=2.0) as client:
            while time.monotonic() < deadline:
                self.assert_running(name)
                with suppress(httpx.HTTPError):
                    response = client.get("/healthz")
                    if response.status_code == 200:
                        return dict(response.json())
                time.sleep(0.1)
        raise AssertionError(f"{name}: /healthz did not answer 200 in time")

    def assert_running(self, *names: str) -> None:
        for name in names or tuple(self.procs):
            code = self.procs[name].poll()
            if code is not None:
                raise AssertionError(f"{name} exited early with {code}")

    def stop_all(self) -> dict[str, int]:
        """SIGTERM every main process at once; each one's exit code (``KILLED`` if it hung)."""
        for proc in self.procs.values():
            with suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        exits: dict[str, int] = {}
        for name, proc in self.procs.items():
            try:
                exits[name] = proc.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self._kill_group(proc)
                exits[name] = KILLED
        return exits

    def leftovers(self, grace_s: float = 5.0) -> list[str]:
        """Names whose process group still has members ``grace_s`` after ``stop_all``."""
        deadline = time.monotonic() + grace_s
        alive = list(self.procs)
        while alive and time.monotonic() < deadline:
            alive = [name for name in alive if self._group_alive(self.procs[name])]
            time.sleep(0.05)
        return alive

    @staticmethod
    def _group_alive(proc: subprocess.Popen[bytes]) -> bool:
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            return False
        return True

    def report(self, lines: int = 80) -> str:
        parts = []
        for path in sorted(self.log_dir.glob("*.log")):
            text = path.read_text(errors="replace").splitlines()
            parts.append(f"----- {path.stem} (last {lines} lines) -----")
            parts.extend(text[-lines:])
        return "\n".join(parts)

    def __enter__(self) -> Fleet:
        return self

    def __exit__(self, *_exc: object) -> None:
        for proc in self.procs.values():
            self._kill_group(proc)
        for log in self._logs.values():
            log.close()

    @staticmethod
    def _kill_group(proc: subprocess.Popen[bytes]) -> None:
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
