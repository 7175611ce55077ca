"""Checks for 02_embeddings: embed and positional_encoding."""
import numpy as np

from .. import data
from ..checking import exercise


@exercise("embed")
def embed(c, embed_fn):
    """Check your embed function."""
    e = data.expected("embed")
    W_E = e["W_E"]
    for key in ("2d", "1d"):
        ids, expected = e[f"ids_{key}"], e[f"out_{key}"]
        out = c.call(embed_fn, ids.copy(), W_E.copy(), label=f"embed(ids={ids.tolist()}, W_E of shape {W_E.shape})")
        c.shape(out, expected.shape,
                hint="one row of W_E per id: the output shape is ids.shape + (d_model,)")
        c.close(out, expected, "embedding rows", hint="out[..., :] = W_E[ids[...]]: row v of W_E is token v")
    out = c.call(embed_fn, e["ids_2d"], W_E.astype(np.float32), label="embed(ids, W_E.astype(np.float32))")
    c.dtype(out, np.float32, hint="keep the dtype of W_E (float32 in, float32 out); "
                                  "a float64 one-hot matrix @ W_E upcasts it")
    for bad in (-1, W_E.shape[0]):
        ids = np.array([[0, bad]])
        try:
            embed_fn(ids, W_E)
        except IndexError:
            c.passed += 1
            continue
        except NotImplementedError:
            raise
        except Exception as exc:
            c.fail(f"id {bad} raises IndexError", "IndexError", f"{type(exc).__name__}: {exc}",
                   hint="check the range yourself and raise IndexError")
        c.fail(f"out-of-range id {bad} raises IndexError", "IndexError", "no exception",
               hint="W_E[-1] silently returns the last row: check 0 <= id < vocab_size and raise IndexError")


def _frequency_hint(out, d_model):
    """Name the likely mistake when the layout is right but the values are wrong."""
    T = out.shape[0]
    pos = np.arange(T, dtype=np.float64)[:, None]
    i = np.arange((d_model + 1) // 2)
    suspects = [  # (angle of the sine columns under a typical mistake, hint)
        (pos / 10000.0 ** (i / d_model), "the exponent uses i where it should use 2i: 10000 ** (2 * i / d_model)"),
        (pos * 10000.0 ** (2 * i / d_model),
         "the angle is pos / 10000**(2i/d_model): divide by the power, do not multiply"),
    ]
    for angles, hint in suspects:
        if np.allclose(out[:, 0::2], np.sin(angles), atol=1e-6):
            return hint
    return ("column pair i uses the angle pos / 10000**(2i/d_model): print positional_encoding(3, 8)[1] "
            "and compare with the formula")


@exercise("positional_encoding")
def positional_encoding(c, pe_fn):
    """Check your positional_encoding function."""
    cases = data.expected("positional_encoding")["cases"]
    for case in cases:
        T, d, expected = case["T"], case["d_model"], case["pe"]
        odd = " (odd width: one more sine column than cosine columns)" if d % 2 else ""
        out = c.call(pe_fn, T, d, label=f"positional_encoding(T={T}, d_model={d})",
                     hint="for odd d_model there is one more sine column than cosine columns: "
                          "pe[:, 0::2] has (d_model + 1) // 2 columns, pe[:, 1::2] has d_model // 2" if d % 2 else None)
        if isinstance(out, np.ndarray) and out.shape == (d, T) and T != d:
            c.fail("output shape", f"shape {(T, d)}", f"shape {out.shape}",
                   hint="positions and dimensions are transposed: rows are positions 0..T-1, columns dimensions")
        c.shape(out, (T, d), hint="rows are positions 0..T-1, columns are the d_model dimensions" + odd)
        c.dtype(out, np.float64, hint="return float64 (e.g. np.arange(T, dtype=np.float64))")
        row0 = out[0]
        want0 = expected[0]
        if not np.allclose(row0, want0):
            if np.allclose(row0, 1 - want0):
                hint = "sin and cos are swapped: sines go in the even columns 0, 2, 4, ..."
            elif np.allclose(row0[: (d + 1) // 2], 0) and np.allclose(row0[(d + 1) // 2:], 1):
                hint = ("you concatenated [all sines, all cosines]; interleave them: "
                        "pe[:, 0::2] = sin, pe[:, 1::2] = cos")
            elif d % 2 and np.allclose(row0[:-1], want0[:-1]):
                hint = "for odd d_model the last column is sin (its index d_model - 1 is even), so row 0 ends in 0"
            elif not np.allclose(row0[0::2], 0):
                hint = "the first row must be position 0 (sin 0 = 0): positions start at 0, not 1"
            else:
                hint = "position 0 has sin(0) = 0 in even columns and cos(0) = 1 in odd columns"
            c.fail("row 0 (position 0) alternates 0, 1, 0, 1, ...", show_row(want0), show_row(row0), hint)
        c.passed += 1
        c.close(out, expected, "values" + odd, hint=_frequency_hint(out, d) if not odd else
                "with odd d_model the last column is sin(pos / 10000**((d_model-1)/d_model)); "
                "fill pe[:, 0::2] and pe[:, 1::2] with arrays of matching widths")


def show_row(row):
    return np.array2string(np.asarray(row), precision=3, suppress_small=True, separator=", ")
