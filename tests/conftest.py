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
