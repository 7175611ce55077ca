"""The student image, tested by running real containers (as jupyter/docker-stacks does)."""
import os
import re
import tempfile
import time
import uuid
from pathlib import Path

import pytest
import requests

from .dockerutil import REPO, docker, free_port, wait_healthy

pytestmark = pytest.mark.docker

NOTEBOOKS = sorted(p.name for p in (REPO / "tutorial" / "notebooks").glob("*.ipynb"))


def sh(image: str, script: str, *opts: str, check: bool = True):
    """Run a shell snippet in a throwaway container (skipping the start script)."""
    return docker("run", "--rm", *opts, "--entrypoint", "bash", image, "-c", script, check=check)


@pytest.fixture
def container_name(request):
    """A unique container name; the container is removed after the test."""
    name = f"course-test-{uuid.uuid4().hex[:8]}"
    yield name
    docker("rm", "-f", "-v", name, check=False)


@pytest.fixture
def volume():
    name = f"course-test-home-{uuid.uuid4().hex[:8]}"
    yield name
    docker("volume", "rm", "-f", name, check=False)


def start(image: str, name: str, *opts: str) -> None:
    docker("run", "-d", "--name", name, *opts, image)


def home_listing(name: str) -> list[str]:
    out = docker("exec", name, "bash", "-c", "ls ~/tutorial").stdout.split()
    return sorted(f for f in out if f.endswith(".ipynb"))


def test_runs_as_unprivileged_uid_1000(images):
    assert sh(images["student"], "id -u; id -g").stdout.split() == ["1000", "100"]


def test_tini_is_pid_1(images, container_name):
    start(images["student"], container_name)
    cmdline = docker("exec", container_name, "cat", "/proc/1/cmdline").stdout
    assert cmdline.split("\0")[0].endswith("tini")


def test_healthcheck_turns_healthy(images, container_name):
    start(images["student"], container_name)
    wait_healthy(container_name, timeout=120)


def test_matplotlib_imports_and_plots_without_warnings(images):
    proc = sh(
        images["student"],
        "python3 -W error -c 'import matplotlib.pyplot as plt; plt.plot([1, 2]); plt.savefig(\"/tmp/p.png\")'",
        "-e", "DISPLAY=:0",  # a DISPLAY with no screen must not pick a GUI backend
    )
    assert proc.stderr.strip() == ""


def test_student_cannot_read_solutions(images):
    image = images["student"]
    for path in ["/opt/course/solutions", "/opt/course/solutions/tutorial/numpy_transformer/__init__.py"]:
        proc = sh(image, f"cat {path} || ls {path}", check=False)
        assert proc.returncode != 0 and "Permission denied" in proc.stderr, path
    proc = sh(image, "python3 -c 'import numpy_transformer'", check=False)
    assert proc.returncode != 0
    # ...while the checks and the corpus are readable.
    sh(image, "python3 -c 'import course, course.check, course.data; course.data.corpus()'")


def test_solution_tests_pass_inside_the_image_offline(images):
    """The solution tests (reference, checks, notebook execution) run in the image,
    as root (the only user that can read them), with no network at all."""
    proc = docker(
        "run", "--rm", "--network", "none", "--user", "root", "--entrypoint", "python3", images["student"],
        "-m", "pytest", "-q", "-m", "not docker", "-p", "no:cacheprovider", "/opt/course/solutions",
        timeout=1200,
    )
    assert re.search(r"\d+ passed", proc.stdout), proc.stdout[-2000:]


def test_standalone_prints_a_url_that_works_from_the_host(images, container_name):
    port = free_port()
    # Offline: the server starts and serves with no network beyond the published port.
    start(images["student"], container_name, "-p", f"127.0.0.1:{port}:8888")
    wait_healthy(container_name)
    logs = docker("logs", container_name).stdout + docker("logs", container_name).stderr
    urls = re.findall(r"http://127\.0\.0\.1:8888/\S*token=\w+", logs)
    assert urls, logs
    url = urls[0].replace(":8888", f":{port}")
    page = requests.get(url, timeout=10)
    assert page.status_code == 200 and "JupyterLab" in page.text
    token = url.split("token=")[1]
    listing = requests.get(f"http://127.0.0.1:{port}/api/contents/tutorial",
                           headers={"Authorization": f"token {token}"}, timeout=10).json()
    assert sorted(c["name"] for c in listing["content"] if c["name"].endswith(".ipynb")) == NOTEBOOKS
    # No line of Jupyter's own points the host's browser at the container's hostname.
    hostname = docker("exec", container_name, "hostname").stdout.strip()
    assert f"http://{hostname}" not in logs


def test_starts_with_network_none(images, container_name):
    start(images["student"], container_name, "--network", "none")
    wait_healthy(container_name)
    assert home_listing(container_name) == NOTEBOOKS


def test_fresh_volume_gets_the_tutorial_and_edits_survive(images, volume):
    image = images["student"]
    first, second = f"{volume}-a", f"{volume}-b"
    try:
        start(image, first, "-v", f"{volume}:/home/jovyan")
        wait_healthy(first)
        assert home_listing(first) == NOTEBOOKS
        # The student edits one notebook and deletes another.
        docker("exec", first, "bash", "-c",
               f"echo '{{\"edited\": true}}' > ~/tutorial/{NOTEBOOKS[0]} && rm ~/tutorial/{NOTEBOOKS[-1]}")
        docker("rm", "-f", first)
        # Existing volume, new container: the edit is kept, the deleted one restored.
        start(image, second, "-v", f"{volume}:/home/jovyan")
        wait_healthy(second)
        assert home_listing(second) == NOTEBOOKS
        edited = docker("exec", second, "bash", "-c", f"cat ~/tutorial/{NOTEBOOKS[0]}").stdout
        assert '"edited": true' in edited
    finally:
        docker("rm", "-f", first, second, check=False)


def test_empty_bind_mount_gets_the_tutorial(images, container_name):
    with tempfile.TemporaryDirectory() as home:
        Path(home).chmod(0o755)
        docker("run", "--rm", "--user", "root", "-v", f"{home}:/mnt", "--entrypoint", "chown",
               images["student"], "1000:100", "/mnt")
        start(images["student"], container_name, "-v", f"{home}:/home/jovyan")
        wait_healthy(container_name)
        assert home_listing(container_name) == NOTEBOOKS
        docker("rm", "-f", container_name)
        # Files the container wrote belong to uid 1000: remove them and give the folder
        # back to whoever runs the tests, so that it can be deleted.
        docker("run", "--rm", "--user", "root", "-v", f"{home}:/mnt", "--entrypoint", "bash",
               images["student"], "-c", f"rm -rf /mnt/* /mnt/.[!.]* && chown {os.getuid()}:{os.getgid()} /mnt")


def test_unwritable_bind_mount_fails_with_a_clear_message(images, container_name):
    with tempfile.TemporaryDirectory() as home:
        Path(home).chmod(0o755)  # owned by root: uid 1000 cannot write
        start(images["student"], container_name, "-v", f"{home}:/home/jovyan")
        deadline = time.monotonic() + 30
        while docker("inspect", "-f", "{{.State.Running}}", container_name).stdout.strip() == "true":
            assert time.monotonic() < deadline
            time.sleep(0.5)
        logs = docker("logs", container_name).stderr
        assert "cannot write to /home/jovyan" in logs and "chown" in logs


def test_a_broken_tutorial_folder_never_blocks_the_server(images, volume):
    """A student who replaced ~/tutorial by a file still gets a server, and is told why."""
    image, name = images["student"], f"{volume}-c"
    docker("run", "--rm", "-v", f"{volume}:/home/jovyan", "--entrypoint", "bash", image,
           "-c", "echo oops > ~/tutorial")
    try:
        start(image, name, "-v", f"{volume}:/home/jovyan")
        wait_healthy(name)
        assert "is not a folder" in docker("logs", name).stderr
    finally:
        docker("rm", "-f", name, check=False)
