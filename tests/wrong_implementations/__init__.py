"""Catalogue of typical wrong student implementations, one module per topic.

Each topic module registers:

    reference("positional_encoding", nt.positional_encoding)   # must PASS the check

    @wrong("positional_encoding", hint="concatenated")          # must FAIL with a hint
    def sin_cos_concatenated(T, d_model):                       # containing "concatenated"
        ...

The function name (or ``name=``) says what the mistake is. tests/test_wrong_implementations.py
runs every entry through ``course.checking.run`` and asserts on the hint text. Modules in
this folder are imported automatically.
"""
import importlib
import pkgutil
from dataclasses import dataclass


@dataclass(frozen=True)
class Wrong:
    check: str
    name: str
    impl: object
    hint: str

    def __str__(self):
        return f"{self.check}:{self.name}"


CATALOGUE = []
REFERENCES = {}


def wrong(check, hint, name=None):
    """Register the decorated function or class as a wrong implementation for ``check``."""

    def register(impl):
        CATALOGUE.append(Wrong(check, name or impl.__name__, impl, hint))
        return impl

    return register


def reference(check, impl):
    """Register the reference object that must pass ``check``."""
    REFERENCES[check] = impl


def load_all():
    """Import every topic module of this folder (idempotent)."""
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
    return CATALOGUE, REFERENCES
