"""Fixtures for the tests that need a Docker engine (marked `docker`).

They build the images exactly as organisers do (`docker compose build`; a build
behind a TLS-inspecting proxy takes EXTRA_CA_BUNDLE from the environment).
"""
import pytest

from .dockerutil import HUB_IMAGE, STUDENT_IMAGE, engine_available, run

_FIGURES: dict[str, float] = {}


@pytest.fixture(scope="session")
def images():
    if not engine_available():
        pytest.fail(
            "these tests need a running Docker engine (docker info failed); "
            "run `python -m pytest -m 'not docker'` to leave them out",
            pytrace=False,
        )
    run("docker", "compose", "build", timeout=3000)
    for kind, image in (("student", STUDENT_IMAGE), ("hub", HUB_IMAGE)):
        size = int(run("docker", "image", "inspect", "-f", "{{.Size}}", image).stdout)
        _FIGURES[f"{kind} image size, MB"] = round(size / 1e6)
    return {"student": STUDENT_IMAGE, "hub": HUB_IMAGE}


@pytest.fixture(scope="session")
def figures():
    """Figures a test measured on the way (not asserted); printed at the end of the run."""
    return _FIGURES


def pytest_terminal_summary(terminalreporter):
    if _FIGURES:
        terminalreporter.section("figures measured by the docker tests")
        for key, value in _FIGURES.items():
            terminalreporter.write_line(f"{key}: {value}")
