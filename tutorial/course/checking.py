"""The machinery behind ``course.check``: run a student's function, report in one place.

A topic module (course/topics/*.py) writes one function per exercise::

    @exercise("positional_encoding")
    def positional_encoding(c, student_fn):
        out = c.call(student_fn, 6, 5)             # "input" shown in reports
        c.shape(out, (6, 5), hint="rows are positions")
        c.close(out, expected, "values", hint="...")

and ``course.check`` re-exports it. Calling ``check.positional_encoding(fn)`` prints one
line on success, a short report on failure, "not implemented yet" for a stub, and never
raises. ``run(name, fn)`` returns the ``CheckResult`` without printing (used by tests).
Every ``c.*`` assertion counts as one check; the first failing one stops the run.
"""
import functools
import os
import traceback
from dataclasses import dataclass

import numpy as np

REGISTRY = {}
USES = {}  # exercise -> the earlier exercises a student's function calls
PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep

PASS, FAIL, TODO = "passed", "failed", "not implemented"


class CheckFailed(Exception):
    """Raised by a Checker assertion; carries everything the report shows."""

    def __init__(self, prop, expected=None, actual=None, hint=None, call=None):
        super().__init__(prop)
        self.prop, self.expected, self.actual, self.hint, self.call = prop, expected, actual, hint, call


@dataclass
class CheckResult:
    name: str
    status: str
    passed: int = 0
    prop: str = ""
    call: str = ""
    expected: str = ""
    actual: str = ""
    hint: str = ""
    uses: tuple = ()

    @property
    def ok(self):
        return self.status == PASS

    def summary(self):
        """The text printed in the notebook."""
        if self.status == PASS:
            noun = "check" if self.passed == 1 else "checks"
            return f"✔ {self.name}: all {self.passed} {noun} passed"
        if self.status == TODO:
            if self.uses:
                return f"… {self.name}: not implemented yet (it, or {_either(self.uses)} it uses)"
            return f"… {self.name}: not implemented yet"
        lines = [f"✘ {self.name}: {self.prop}"]
        if self.call:
            lines.append(f"  input:    {self.call}")
        if self.expected:
            lines.append(f"  expected: {self.expected}")
        if self.actual:
            lines.append(f"  actual:   {self.actual}")
        if self.hint:
            lines.append(f"  hint:     {self.hint}")
        if self.uses:
            lines.append(f"  note:     this uses your {_either(self.uses, 'and')}: "
                         "if a check of those fails, fix that one first")
        if self.passed:
            lines.append(f"  ({self.passed} earlier checks passed)")
        return "\n".join(lines)

    def __str__(self):
        return self.summary()


def show(value, max_chars=160):
    """Short text of a value: shape and dtype first for arrays, then (rounded) values."""
    if isinstance(value, np.ndarray):
        with np.printoptions(precision=4, suppress=True, threshold=40, edgeitems=3, linewidth=1000):
            body = np.array2string(value, separator=", ").replace("\n", "")
        body = " ".join(body.split())
        text = f"shape {value.shape}, dtype {value.dtype}: {body}"
    else:
        text = repr(value)
    return text if len(text) <= max_chars else text[: max_chars - 3] + "..."


class Checker:
    """Assertions used inside a check; each one that passes counts one check."""

    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.current_call = ""

    def call(self, fn, *args, label=None, hint=None, **kwargs):
        """Run the student's ``fn``; any exception but NotImplementedError is a failure.

        ``label`` is the input shown in reports (default: built from the arguments);
        ``hint`` explains the usual reason this call crashes.
        """
        self.current_call = label or _call_label(fn, args, kwargs)
        try:
            return fn(*args, **kwargs)
        except NotImplementedError:
            raise
        except Exception as exc:  # the student's bug: report it, never crash the cell
            where = _student_line(exc)
            raise CheckFailed(
                "raised an exception",
                actual=f"{type(exc).__name__}: {exc}" + (f"  (in: {where})" if where else ""),
                hint=hint,
                call=self.current_call,
            ) from exc

    def fail(self, prop, expected=None, actual=None, hint=None):
        raise CheckFailed(prop, expected, actual, hint, self.current_call)

    def require(self, condition, prop, expected=None, actual=None, hint=None):
        """Generic assertion: ``condition`` must be true."""
        if not condition:
            self.fail(prop, expected, actual, hint)
        self.passed += 1

    def type(self, value, types, prop=None, hint=None):
        names = " or ".join(t.__name__ for t in (types if isinstance(types, tuple) else (types,)))
        self.require(isinstance(value, types), prop or f"returns a {names}",
                     expected=names, actual=f"{type(value).__name__}: {show(value)}", hint=hint)

    def shape(self, value, shape, hint=None):
        """``value`` must be an ndarray of exactly ``shape``."""
        shape = tuple(shape)
        actual = np.shape(value) if isinstance(value, np.ndarray) else f"{type(value).__name__} (not an ndarray)"
        self.require(isinstance(value, np.ndarray) and value.shape == shape, "output shape",
                     expected=f"shape {shape}", actual=f"shape {actual}" if isinstance(actual, tuple) else actual,
                     hint=hint)

    def dtype(self, value, dtype, hint=None):
        dtype = np.dtype(dtype)
        self.require(value.dtype == dtype, "output dtype", expected=str(dtype), actual=str(value.dtype), hint=hint)

    def close(self, actual, expected, prop, hint=None, atol=1e-8, rtol=1e-6):
        """Arrays equal up to tolerance; the report shows the first differing entry."""
        actual = np.asarray(actual)
        expected = np.asarray(expected)
        if actual.shape != expected.shape:
            self.fail(prop, f"shape {expected.shape}", f"shape {actual.shape}", hint)
        bad = ~np.isclose(actual, expected, atol=atol, rtol=rtol)
        if bad.any():
            index = tuple(int(i) for i in np.argwhere(bad)[0])
            self.fail(prop,
                      f"{show(expected)}  (at {index}: {expected[index]:.6g})",
                      f"{show(actual)}  (at {index}: {actual[index]:.6g})", hint)
        self.passed += 1

    def equal(self, actual, expected, prop, hint=None):
        """Plain ``==`` comparison for lists, strings, ints."""
        self.require(actual == expected, prop, expected=show(expected), actual=show(actual), hint=hint)


def _call_label(fn, args, kwargs):
    name = getattr(fn, "__qualname__", getattr(fn, "__name__", "function"))
    parts = [_short(a) for a in args] + [f"{k}={_short(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def _short(value):
    if isinstance(value, np.ndarray):
        return f"<array shape {value.shape}>" if value.size > 12 else np.array2string(value, separator=", ")
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _student_line(exc):
    """The last source line of the traceback that is not in this package."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if not os.path.abspath(f.filename).startswith(PACKAGE_DIR)]
    return frames[-1].line if frames and frames[-1].line else ""


def _either(names, word="or"):
    names = list(names)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {word} {names[-1]}"


def run(name, student_fn):
    """Run the check ``name`` on ``student_fn`` and return a CheckResult (prints nothing)."""
    checker = Checker(name)
    uses = USES.get(name, ())
    try:
        # Overflow or NaN in a student's code is reported as a failed property, not as
        # a wall of RuntimeWarnings above the report.
        with np.errstate(all="ignore"):
            REGISTRY[name](checker, student_fn)
    except NotImplementedError:
        return CheckResult(name, TODO, checker.passed, uses=uses)
    except CheckFailed as failure:
        return CheckResult(name, FAIL, checker.passed, failure.prop, failure.call or "",
                           failure.expected or "", failure.actual or "", failure.hint or "", uses)
    except Exception as exc:  # a crash outside Checker.call, e.g. the student returned None
        return CheckResult(name, FAIL, checker.passed, "raised an exception", checker.current_call,
                           "", f"{type(exc).__name__}: {exc}",
                           "check the type and shape your function returns", uses)
    return CheckResult(name, PASS, checker.passed)


def exercise(name, uses=()):
    """Register a check body ``f(checker, student_fn)``; return the public printing check.

    ``uses`` names the earlier exercises whose functions the student's function calls, so
    that a failure (or a stub) there is not mistaken for a mistake in this one.
    """

    def register(body):
        if name in REGISTRY:
            raise ValueError(f"check {name!r} registered twice")
        REGISTRY[name] = body
        USES[name] = tuple(uses)

        @functools.wraps(body)
        def public(student_fn):
            print(run(name, student_fn).summary())

        public.__doc__ = (body.__doc__ or f"Check your {name}.") + (
            "\n\nPrints one line on success, what failed and a hint otherwise; never raises.")
        return public

    return register
