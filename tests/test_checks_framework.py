"""The course.check framework: messages, stubs, crashes, speed, isolation from the reference."""
import ast
import time
from pathlib import Path

import numpy as np
import pytest

import course
from course import check, needs
from course.checking import REGISTRY, run

COURSE_DIR = Path(course.__file__).parent


def stub(*args, **kwargs):
    raise NotImplementedError("not implemented yet")


def test_success_is_one_line(capsys):
    check.normalise_rows(lambda x: x / x.sum(axis=-1, keepdims=True))
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.startswith("✔ normalise_rows: all ") and "checks passed" in out


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_stub_prints_not_implemented_and_does_not_raise(name, capsys):
    class StubClass:  # class-based exercises call classmethods
        from_corpus = train = staticmethod(stub)

    target = StubClass if name in {"word_tokenizer", "bpe_tokenizer"} else stub
    getattr(check, name)(target)
    assert capsys.readouterr().out.strip().startswith(f"… {name}: not implemented yet")


def test_a_check_names_the_earlier_exercises_its_function_uses(capsys):
    check.attention(stub)
    assert capsys.readouterr().out.strip() == "… attention: not implemented yet (it, or softmax it uses)"
    check.multi_head_attention(lambda *args, **kwargs: None)
    out = capsys.readouterr().out
    assert "✘ multi_head_attention" in out and "this uses your split_heads and merge_heads" in out


def test_other_exceptions_are_failures_with_type_and_message(capsys):
    def broken(T, d_model):
        return np.zeros(T) + np.zeros(d_model)  # ValueError in the student's code

    check.positional_encoding(broken)
    out = capsys.readouterr().out
    assert out.startswith("✘ positional_encoding: raised an exception")
    assert "ValueError" in out and "input:    positional_encoding(T=9, d_model=8)" in out
    assert "np.zeros(T) + np.zeros(d_model)" in out  # the student's line


def test_returning_none_is_reported_not_raised():
    result = run("embed", lambda ids, W_E: None)
    assert result.status == "failed" and "shape" in result.prop


def test_failure_report_shows_shapes_before_values():
    result = run("positional_encoding", lambda T, d: np.zeros((T, d)) + np.arange(d) % 2 * 0.5)
    text = result.summary()
    assert result.status == "failed" and "expected:" in text and "actual:" in text and "hint:" in text
    assert text.index("[0., 1.") < text.index("hint:")


def test_checks_are_fast():
    from wrong_implementations import load_all

    _, references = load_all()
    for name, impl in references.items():
        start = time.perf_counter()
        assert run(name, impl).ok
        assert time.perf_counter() - start < 1.0, name


def test_needs_swallows_only_not_implemented(capsys):
    with needs(stub):
        stub()
    assert capsys.readouterr().out.strip() == "skipped: implement stub above first"
    with pytest.raises(ZeroDivisionError):
        with needs(stub):
            1 / 0


def test_course_never_imports_reference():
    for path in COURSE_DIR.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(n.split(".")[0] == "numpy_transformer" for n in names), path
        assert "numpy_transformer" not in path.read_text(encoding="utf-8").replace(
            "# never imports numpy_transformer", ""), f"{path} mentions the reference package"


def test_every_public_check_is_registered():
    public = {n for n in dir(check) if not n.startswith("_") and callable(getattr(check, n))} - {"run"}
    assert public == set(REGISTRY)
