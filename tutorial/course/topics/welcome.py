"""Check for the 00_welcome warm-up exercise (properties only, no stored data)."""
import numpy as np

from ..checking import exercise


@exercise("normalise_rows")
def normalise_rows(c, fn):
    """Check your normalise_rows function."""
    x = np.arange(1.0, 13.0).reshape(3, 4)  # 3 rows, 4 columns: rows and columns differ
    given = x.copy()
    out = c.call(fn, given, label="normalise_rows(np.arange(1.0, 13.0).reshape(3, 4))",
                 hint="x.sum(axis=-1) has shape (3,), which does not broadcast against (3, 4): use keepdims=True")
    c.shape(out, x.shape, hint="return an array of the same shape as x (use keepdims=True)")
    c.close(given, x, "the input is not modified", hint="compute a new array: x / ..., not x /= ...")
    sums = out.sum(axis=-1)
    if np.allclose(out.sum(axis=0), 1) and not np.allclose(sums, 1):
        c.fail("every row sums to 1", "row sums [1. 1. 1.]", f"row sums {sums}",
               hint="you normalised the columns: sum over axis=-1 (each row), keepdims=True")
    c.close(sums, np.ones(3), "every row sums to 1",
            hint="divide each row by its own sum: x.sum(axis=-1, keepdims=True)")
    c.close(out * x.sum(axis=-1, keepdims=True), x, "each row keeps its proportions",
            hint="divide x by the row sums, nothing else (no max, no square)")
    y = np.ones((2, 5), dtype=np.float32)
    out = c.call(fn, y, label="normalise_rows(np.ones((2, 5), dtype=np.float32))")
    c.close(out, np.full((2, 5), 0.2), "uniform rows become 1 / width", hint="check the axis you sum over")
