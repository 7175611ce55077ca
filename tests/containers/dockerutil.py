"""Small helpers for tests that drive a real Docker engine and Compose."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
STUDENT_IMAGE = os.environ.get("STUDENT_IMAGE", "transformer-course-student:latest")
HUB_IMAGE = os.environ.get("HUB_IMAGE", "transformer-course-hub:latest")


def run(*args: str, check: bool = True, timeout: float = 600, env: dict | None = None,
        input: str | None = None) -> subprocess.CompletedProcess:
    """Run a command; on failure the assertion shows its output."""
    proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout, cwd=REPO,
                          env={**os.environ, **(env or {})}, input=input)
    if check and proc.returncode != 0:
        raise AssertionError(
            f"{' '.join(args)} exited {proc.returncode}\n--- stdout\n{proc.stdout[-4000:]}\n--- stderr\n{proc.stderr[-4000:]}"
        )
    return proc


def docker(*args: str, **kw) -> subprocess.CompletedProcess:
    return run("docker", *args, **kw)


def engine_available() -> bool:
    try:
        return run("docker", "info", check=False, timeout=30).returncode == 0
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(container: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    status = ""
    while time.monotonic() < deadline:
        status = docker("inspect", "-f", "{{.State.Health.Status}} {{.State.Status}}", container).stdout.split()[0]
        if status == "healthy":
            return
        time.sleep(1)
    logs = docker("logs", container, check=False)
    raise AssertionError(f"{container} not healthy after {timeout}s (status {status})\n{logs.stdout[-3000:]}\n{logs.stderr[-3000:]}")


def inspect(obj: str) -> dict:
    return json.loads(docker("inspect", obj).stdout)[0]
