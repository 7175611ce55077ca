"""End to end: `docker compose up`, a student logs in through the login form, starts a
server, finds the tutorial, runs a notebook in a kernel through the hub's proxy, saves
an edit; the project goes down (volumes kept) and up again, and the edit is there.

Real everything: Docker engine, Compose, JupyterHub, DockerSpawner containers,
kernels. The project gets its own name, network, port and volumes, and is removed
afterwards, volumes included."""
import json
import os
import re
import time
import uuid

import pytest
import requests

from .dockerutil import REPO, docker, free_port, run
from .hubclient import HubUser

pytestmark = [pytest.mark.docker, pytest.mark.e2e]

NOTEBOOKS = sorted(p.name for p in (REPO / "tutorial" / "notebooks").glob("*.ipynb"))
SOLUTION = REPO / "tutorial" / "solutions" / "02_embeddings.ipynb"


class Course:
    """One compose project of the course, isolated from any other on this machine."""

    def __init__(self, **settings: str):
        self.name = f"tc-e2e-{uuid.uuid4().hex[:6]}"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {"COMPOSE_PROJECT_NAME": self.name, "COURSE_NAME": self.name, "COURSE_PORT": str(self.port),
                    **settings}

    def compose(self, *args, **kw):
        return run("docker", "compose", *args, env=self.env, **kw)

    def up(self) -> float:
        t0 = time.monotonic()
        self.compose("up", "-d", timeout=900)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/hub/health", timeout=2).status_code == 200:
                    return time.monotonic() - t0
            except requests.ConnectionError:
                pass
            time.sleep(1)
        raise AssertionError("the hub did not answer:\n" + self.compose("logs", "hub", check=False).stdout[-4000:])

    def hub_logs(self) -> str:
        return self.compose("logs", "--no-log-prefix", "hub").stdout

    def remove(self) -> None:
        self.compose("down", "--volumes", "--remove-orphans", check=False, timeout=300)
        ids = docker("ps", "-aq", "--filter", f"name=^{self.name}-", check=False).stdout.split()
        if ids:
            docker("rm", "-f", "-v", *ids, check=False)
        vols = docker("volume", "ls", "-q", "--filter", f"name=^{self.name}-home-", check=False).stdout.split()
        if vols:
            docker("volume", "rm", "-f", *vols, check=False)
        docker("network", "rm", self.name, check=False)


@pytest.fixture
def course(images, request):
    course = Course(**getattr(request, "param", {}))
    try:
        yield course
    finally:
        course.remove()
        leftovers = docker("ps", "-aq", "--filter", f"name={course.name}").stdout.split()
        assert not leftovers, f"containers left running: {leftovers}"


def read_passwords(logs: str) -> tuple[str, str]:
    student = re.search(r"student password: (\S+)", logs)
    admin = re.search(r"admin password:\s+(\S+)", logs)
    assert student and admin, logs[-3000:]
    return student.group(1), admin.group(1)


def solution_cells() -> list[str]:
    nb = json.loads(SOLUTION.read_text())
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def test_compose_up_serves_the_course_and_keeps_edits_across_restarts(course, images, figures):
    figures["hub up (compose up -d to /hub/health), s"] = round(course.up(), 1)

    # Passwords were generated and printed once, clearly.
    student_pw, admin_pw = read_passwords(course.hub_logs())
    assert len(student_pw) >= 8 and len(admin_pw) >= 32

    ada = HubUser(course.url, "ada")
    ada.login(student_pw)
    figures["login to ready server (first start, new volume), s"] = round(ada.start_server(), 1)
    assert "JupyterLab" in ada.open_lab()
    # Pinned by image ID: a rebuild does not change what the hub gives new logins.
    image_id = docker("image", "inspect", "-f", "{{.Id}}", images["student"]).stdout.strip()
    assert docker("inspect", "-f", "{{.Image}}", f"{course.name}-ada").stdout.strip() == image_id

    listing = ada.api("GET", "/contents/tutorial").json()
    assert sorted(c["name"] for c in listing["content"] if c["name"].endswith(".ipynb")) == NOTEBOOKS

    # Run a whole solution notebook in the student's kernel, through the proxy.
    t0 = time.monotonic()
    outputs = ada.run_cells(solution_cells())
    figures["run 02_embeddings solution in the hub, s"] = round(time.monotonic() - t0, 1)
    flat = [o for cell in outputs for o in cell]
    errors = [o for o in flat if o["output_type"] == "error"]
    assert not errors, errors[0]["traceback"][-3:]
    assert any("image/png" in o.get("data", {}) for o in flat), "no plot came back"
    text = "".join(o.get("text", "") for o in flat)
    assert "not implemented" not in text and "✘" not in text

    # Save an edit, as the notebook's Save does.
    path = f"/contents/tutorial/{NOTEBOOKS[1]}"
    nb = ada.api("GET", path).json()["content"]
    nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": "my notes: attention is all you need"})
    assert ada.api("PUT", path, json={"type": "notebook", "content": nb}).status_code == 200

    # The admin logs in with the admin password and sees the class.
    admin = HubUser(course.url, "admin")
    admin.login(admin_pw)
    users = admin.hub_api("GET", "/users").json()
    assert {"ada", "admin"} <= {u["name"] for u in users}

    # Down (volumes kept) with ada's server running, then up again.
    course.compose("down", timeout=300)
    assert not docker("ps", "-aq", "--filter", f"name=^{course.name}-").stdout.split(), "servers left behind"
    course.up()
    # The passwords are printed once, when generated; not at every start.
    logs = course.hub_logs()
    assert student_pw not in logs and admin_pw not in logs and "course-logins" in logs
    assert read_passwords(course.compose("exec", "-T", "hub", "course-logins").stdout) == (student_pw, admin_pw)

    # Still logged in: the cookie secret and database live on the state volume.
    still = ada.hub_api("GET", f"/users/{ada.name}")
    assert still.status_code == 200, "the hub restart logged the student out"
    again = HubUser(course.url, "ada")
    again.login(student_pw)
    figures["login to ready server (restart, existing volume), s"] = round(again.start_server(), 1)
    again.open_lab()
    cells = again.api("GET", path).json()["content"]["cells"]
    assert cells[-1]["source"] == "my notes: attention is all you need"


@pytest.mark.parametrize("course", [{"COURSE_STUDENT_PASSWORD": "orion-nebula-m42", "COURSE_ADMIN_USERS": "hypatia"}],
                         indirect=True)
def test_passwords_from_the_shell_and_wrong_passwords(course):
    """Settings given in the shell (or .env) reach the hub; wrong passwords are refused."""
    course.up()
    logs = course.hub_logs()
    assert "orion-nebula-m42" not in logs, "a password the organiser set must not be printed"
    HubUser(course.url, "grace").login("orion-nebula-m42")
    with pytest.raises(AssertionError, match="login as mallory failed"):
        HubUser(course.url, "mallory").login("not-the-password")
    # The admin's name cannot be taken with the student password.
    with pytest.raises(AssertionError, match="login as hypatia failed"):
        HubUser(course.url, "hypatia").login("orion-nebula-m42")
