"""Every catalogued wrong implementation fails its check with the intended hint;
every reference implementation passes."""
import pytest

from course.checking import REGISTRY, run
from wrong_implementations import load_all

CATALOGUE, REFERENCES = load_all()


@pytest.mark.parametrize("entry", CATALOGUE, ids=str)
def test_wrong_implementation_fails_with_hint(entry):
    result = run(entry.check, entry.impl)
    assert result.status == "failed", f"{entry} was not caught:\n{result.summary()}"
    assert entry.hint in result.hint, f"{entry}: wrong hint\n{result.summary()}"


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_reference_passes(name):
    result = run(name, REFERENCES[name])
    assert result.ok, result.summary()


def test_every_check_has_reference_and_wrong_entries():
    checks = set(REGISTRY)
    assert checks == set(REFERENCES), "register a reference for every check in tests/wrong_implementations/"
    covered = {entry.check for entry in CATALOGUE}
    assert checks <= covered, f"checks without wrong implementations: {sorted(checks - covered)}"
