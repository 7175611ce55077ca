"""Helpers for demo cells in exercise notebooks."""
from contextlib import contextmanager


@contextmanager
def needs(*functions):
    """Run a demo block only once the student functions it uses are implemented.

    ``with needs(positional_encoding): ...`` prints one "skipped" line instead of a
    traceback while a stub still raises NotImplementedError, so an exercise notebook
    runs top to bottom. Every other exception propagates as usual.
    """
    try:
        yield
    except NotImplementedError:
        names = ", ".join(getattr(f, "__name__", str(f)) for f in functions) or "the exercise"
        print(f"skipped: implement {names} above first")
