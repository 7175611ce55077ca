"""Shared pytest setup.

The course package (`course`) and the reference implementation (`numpy_transformer`)
live in tutorial/; tests import them from there, exactly as the image puts them on the
path.
"""
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TUTORIAL = REPO / "tutorial"

if str(TUTORIAL) not in sys.path:
    sys.path.insert(0, str(TUTORIAL))


def pytest_collection_modifyitems(items):
    """Fast first: pure tests, then image tests, then the compose end-to-end tests,
    so that a plain mistake fails in seconds, not after an image build."""
    def stage(item):
        return 2 if item.get_closest_marker("e2e") else 1 if item.get_closest_marker("docker") else 0

    items.sort(key=stage)  # stable: keeps the file order within each stage
