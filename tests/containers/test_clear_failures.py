"""When something is missing, the hub or scripts/start-hub says so in one clear line
with what to do (and changes nothing)."""
import socket

import pytest

from .dockerutil import docker, run

pytestmark = pytest.mark.docker


def hub_fails(images, *opts: str) -> str:
    proc = docker("run", "--rm", *opts, images["hub"], check=False, timeout=120)
    assert proc.returncode != 0
    lines = [line for line in proc.stderr.splitlines() if "*** course hub:" in line]
    assert len(lines) == 1, proc.stderr[-2000:]
    return lines[0]


def test_hub_without_the_docker_socket(images):
    line = hub_fails(images)
    assert "cannot reach the Docker engine" in line and "docker.sock" in line


def test_hub_with_the_student_image_not_built(images):
    line = hub_fails(images, "-v", "/var/run/docker.sock:/var/run/docker.sock",
                     "-e", "STUDENT_IMAGE=transformer-course-student:never-built")
    assert "does not exist" in line and "docker compose build" in line


@pytest.mark.parametrize("setting, words", [
    ("COURSE_STUDENT_PASSWORD=short", ["COURSE_STUDENT_PASSWORD", "at least 8"]),
    ("COURSE_MEM_LIMIT=lots", ["COURSE_MEM_LIMIT", "512M or 2G"]),
    ("COURSE_NAME=My Course", ["COURSE_NAME", "lower-case"]),
])
def test_hub_with_a_bad_setting(images, setting, words):
    line = hub_fails(images, "-v", "/var/run/docker.sock:/var/run/docker.sock", "-e", setting)
    assert all(word in line for word in words), line


def test_start_hub_with_the_port_taken(images):
    with socket.socket() as busy:
        busy.bind(("0.0.0.0", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = run("scripts/start-hub", check=False, timeout=120,
                   env={"COURSE_PORT": str(port), "COMPOSE_PROJECT_NAME": "tc-port-test"})
    assert proc.returncode == 1
    assert f"port {port} is already in use" in proc.stderr and "COURSE_PORT" in proc.stderr
    assert not docker("ps", "-aq", "--filter", "name=tc-port-test").stdout.strip()


def test_start_hub_without_an_engine():
    proc = run("scripts/start-hub", check=False, timeout=60, env={"DOCKER_HOST": "unix:///nonexistent.sock"})
    assert proc.returncode == 1 and "cannot reach the Docker engine" in proc.stderr


def test_start_hub_with_a_port_that_is_not_a_number():
    proc = run("scripts/start-hub", check=False, timeout=60, env={"COURSE_PORT": "80oo"})
    assert proc.returncode == 1 and "is not a port number" in proc.stderr
