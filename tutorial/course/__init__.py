"""Course runtime for students: self-checks, the corpus, demo and plot helpers.

This package never imports the reference implementation; the checks compare against
values stored in course/data/expected/ by tutorial/build.py.
"""
from . import check, data, environment, plots
from .demo import needs

__all__ = ["check", "data", "environment", "plots", "needs"]
