"""Checks for 03_attention (softmax, causal_mask, attention) and 04_multi_head
(split_heads, merge_heads, multi_head_attention).

Properties first (rows sum to 1, shift invariance, no overflow, causality under changes
of future positions, head independence), stored reference values second. Stored
"variants" (outputs of typical mistakes) only serve to name the mistake in the hint.
"""
import numpy as np

from .. import data
from ..checking import exercise

ROW_SUM_ATOL = 1e-6


def _same(actual, expected, atol=1e-6):
    """True when ``actual`` has the shape of ``expected`` and the same values."""
    actual = np.asarray(actual)
    return actual.shape == np.shape(expected) and bool(np.allclose(actual, expected, atol=atol, equal_nan=False))


def _arr(a, precision=2):
    """A small array on one line, for input labels."""
    text = np.array2string(np.asarray(a), precision=precision, separator=", ", suppress_small=True,
                           max_line_width=10_000)
    return " ".join(text.split())


def _pair(c, result, what, hint):
    """The function must return two arrays: (output, weights)."""
    c.require(isinstance(result, tuple) and len(result) == 2, "returns a pair (output, weights)",
              expected="tuple (output, weights)", actual=f"{type(result).__name__}",
              hint=hint or f"return both: `return output, weights` ({what})")
    return result


# ---------------------------------------------------------------- softmax

HINT_KEEPDIMS = ("reductions along `axis` need keepdims=True to broadcast against x: "
                 "np.max(x, axis=axis, keepdims=True), np.sum(..., axis=axis, keepdims=True)")


@exercise("softmax")
def softmax(c, softmax_fn):
    """Check your softmax function."""
    e = data.expected("softmax")
    x = e["x"]
    given = x.copy()
    label = f"softmax(x) with x of shape {x.shape} = {_arr(x)}"
    p = c.call(softmax_fn, given, label=label, hint=HINT_KEEPDIMS)
    c.shape(p, x.shape, hint="softmax keeps the shape of x: one probability per score")
    c.close(given, x, "the input is not modified", hint="compute a new array (x - m), not x -= m in place")
    c.require(bool(np.all(np.isfinite(p)) and np.all(p >= 0)), "all entries finite and >= 0",
              expected="finite, non-negative", actual=_arr(p, 3), hint="p = exp(x - max) / sum(exp(x - max))")
    sums = p.sum(axis=-1)
    if not np.allclose(sums, 1.0, atol=ROW_SUM_ATOL):
        if np.isclose(p.sum(), 1.0):
            hint = ("you normalised over the whole array: divide by the sum along `axis` only "
                    "(np.sum(..., axis=axis, keepdims=True))")
        elif np.allclose(p.sum(axis=0), 1.0):
            hint = "the columns sum to 1, not the rows: the default axis=-1 is the last axis"
        else:
            hint = "divide exp(x - max) by its own sum along `axis`"
        c.fail("each row sums to 1 (default axis=-1)", f"row sums {_arr(np.ones(3))}", f"row sums {_arr(sums, 4)}",
               hint=hint)
    c.passed += 1
    c.close(p, e["p"], "values", hint="p_i = exp(x_i) / sum_j exp(x_j) along the axis")

    shift = np.array([[50.0], [-80.0], [120.0]])
    p_shift = c.call(softmax_fn, x + shift, label=f"softmax(x + c) with a constant c per row: c = {_arr(shift.ravel())}")
    c.close(p_shift, p, "adding a constant to a row changes nothing (shift invariance)",
            hint="softmax(x + c) == softmax(x): every exp gets the same factor exp(c), which cancels")

    huge = e["huge"]
    p_huge = c.call(softmax_fn, huge.copy(), label=f"softmax(x) with huge scores x = {_arr(huge, 0)}")
    if not np.all(np.isfinite(p_huge)):
        bad_rows = [int(r) for r in np.where(~np.all(np.isfinite(np.asarray(p_huge, dtype=float)), axis=-1))[0]]
        if 0 in bad_rows:
            hint = ("exp(1000) overflows to inf and inf / inf is NaN: subtract the max of each row "
                    "(np.max(x, axis=axis, keepdims=True)) before np.exp; softmax(x - max) == softmax(x)")
        else:
            hint = ("subtract the max of each row, along `axis` with keepdims=True, not the max of the "
                    "whole array: the row around -1e4 underflows to 0 / 0 otherwise")
        c.fail("huge scores do not overflow (no NaN or inf)", _arr(e["p_huge"], 3), _arr(p_huge, 3), hint=hint)
    c.passed += 1
    c.close(p_huge, e["p_huge"], "values for huge scores", hint="subtract the row max before np.exp")

    w = e["with_inf"]
    p_inf = c.call(softmax_fn, w.copy(), label=f"softmax(x) with -inf entries x = {_arr(w)}")
    c.close(p_inf, e["p_with_inf"], "-inf scores get probability exactly 0",
            hint="exp(-inf) = 0: keep -inf entries as they are (this is how masking works)")

    x3 = e["x3"]
    for axis in (1, 0):
        out = c.call(softmax_fn, x3.copy(), axis=axis, label=f"softmax(x, axis={axis}) with x of shape {x3.shape}")
        c.shape(out, x3.shape, hint=HINT_KEEPDIMS)
        want = e[f"p3_axis{axis}"]
        if not _same(out, want):
            if _same(out, e["p3_last"]):
                hint = "the `axis` argument was ignored: use axis=axis in both the max and the sum"
            elif np.isclose(np.sum(out), 1.0):
                hint = "you normalised over the whole array: max and sum along `axis` only, keepdims=True"
            else:
                hint = "use the same axis=axis, keepdims=True in the max and in the sum"
            c.fail(f"sums to 1 along axis={axis}", f"sums along axis {axis}: {_arr(np.ones(want.sum(axis=axis).shape))}",
                   f"sums along axis {axis}: {_arr(np.asarray(out).sum(axis=axis), 3)}", hint=hint)
        c.passed += 1

    out = c.call(softmax_fn, x.astype(np.float32), label="softmax(x.astype(np.float32))")
    c.dtype(out, np.float32, hint="keep the dtype of x: float32 in, float32 out (no float64 arrays or constants)")


# ---------------------------------------------------------------- causal mask

@exercise("causal_mask")
def causal_mask(c, mask_fn):
    """Check your causal_mask function."""
    masks = data.expected("causal_mask")["masks"]
    for T in (5, 1, 2):
        want = masks[str(T)]
        m = c.call(mask_fn, T, label=f"causal_mask({T})")
        c.shape(m, (T, T), hint="one row per query position and one column per key position: shape (T, T)")
        c.dtype(m, bool, hint="return booleans, True where query i may attend to key j "
                              "(np.ones((T, T), dtype=bool) is a good start); an additive 0 / -inf mask "
                              "is a different convention")
        if np.array_equal(m, want):
            c.passed += 1
            continue
        if np.array_equal(m, ~want):
            hint = "True means 'may attend': you marked the blocked positions instead of the allowed ones"
        elif np.array_equal(m, want.T):
            hint = ("your mask lets queries see the future: rows are queries, columns keys, and query i "
                    "sees keys j <= i (the lower triangle, np.tril)")
        elif np.array_equal(m, want & ~np.eye(T, dtype=bool)):
            hint = "every position may attend to itself: the diagonal is True (np.tril with k=0, not k=-1)"
        else:
            hint = "mask[i, j] is True exactly when j <= i"
        c.fail(f"mask[i, j] == (j <= i) for T={T}", _arr(want.astype(int)), _arr(m.astype(int)), hint=hint)


# ---------------------------------------------------------------- attention

def _mask_hint(weights, mask, unmasked=None):
    """Name the mistake when masked positions got weight (or allowed ones got none)."""
    if unmasked is not None and _same(weights, unmasked, atol=1e-12):
        return "the mask had no effect: set the scores where mask is False to -np.inf before the softmax"
    zero = np.isclose(weights, 0.0, atol=1e-12)
    if np.array_equal(zero, ~mask) and not np.allclose(weights.sum(axis=-1), 1.0, atol=ROW_SUM_ATOL):
        return HINT_MASK_AFTER
    if np.array_equal(zero | np.isnan(weights), mask):  # a row with every key blocked gives NaN
        return "True in the mask means 'may attend': keep the scores where mask is True, set the others to -inf"
    if np.array_equal(zero, ~mask.T):
        return "the mask was used transposed: mask[i, j] is about query i and key j, the same layout as the scores"
    return ("masked positions (mask False) must get weight exactly 0: set their scores to -np.inf before "
            "the softmax, np.where(mask, scores, -np.inf); multiplying the scores by the mask only makes them 0")


HINT_MASK_AFTER = ("apply the mask to the scores before the softmax (np.where(mask, scores, -np.inf)); masking "
                   "the weights after the softmax leaves rows that do not sum to 1, and the future still "
                   "counts in the softmax's denominator")


def _weights_hint(variants, weights, masked):
    prefix = "masked_" if masked else ""
    named = [
        ("unscaled", "scores must be divided by sqrt(d_head) = sqrt(q.shape[-1]); you did not scale them"),
        ("scaled_by_d", "divide by the square root of d_head (math.sqrt(q.shape[-1])), not by d_head itself"),
        ("swapped", "query and key are swapped: scores = q @ k^T (row i = query i), not k @ q^T"),
    ]
    for key, hint in named:
        if prefix + key in variants and _same(weights, variants[prefix + key]):
            return hint
    return "weights = softmax(q @ k^T / sqrt(d_head)) along the last axis (the keys)"


@exercise("attention", uses=('softmax',))
def attention(c, attention_fn):
    """Check your attention function."""
    e = data.expected("attention")
    q, k, v, mask = e["q"], e["k"], e["v"], e["mask"]
    T, d = q.shape
    label = f"attention(q, k, v) with q, k of shape {q.shape}, v of shape {v.shape}, no mask"
    res = _pair(c, c.call(attention_fn, q.copy(), k.copy(), v.copy(), label=label), "attention", None)
    out, w = res
    c.shape(w, (T, T), hint="weights: one row per query, one column per key, (seq_q, seq_k)")
    c.shape(out, v.shape, hint="output = weights @ v has shape (seq_q, d_v)")
    sums = np.asarray(w).sum(axis=-1)
    c.require(np.allclose(sums, 1.0, atol=ROW_SUM_ATOL), "each row of the weights sums to 1",
              expected=f"row sums {_arr(np.ones(T))}", actual=f"row sums {_arr(sums, 3)}",
              hint="softmax over the last axis of the scores (over the keys, one row per query)")
    c.close(w, e["weights"], "weights", hint=_weights_hint(e["variants"], w, masked=False))
    c.close(out, e["out"], "output", hint="output = weights @ v")

    # causal mask: future positions must not matter at all
    label = f"attention(q, k, v, mask=causal_mask({T})) with q, k of shape {q.shape}, v of shape {v.shape}"
    out_m, w_m = _pair(c, c.call(attention_fn, q.copy(), k.copy(), v.copy(), mask.copy(), label=label),
                       "attention", None)
    c.shape(w_m, (T, T), hint="with a mask the shapes do not change")
    c.shape(out_m, v.shape, hint="with a mask the shapes do not change")
    t = 2
    rng = np.random.default_rng(0)
    q2, k2, v2 = q.copy(), k.copy(), v.copy()
    for arr in (q2, k2, v2):
        arr[t + 1:] += rng.normal(scale=3.0, size=arr[t + 1:].shape)
    out2, _ = _pair(c, c.call(attention_fn, q2, k2, v2, mask.copy(),
                              label=label + f", then again with positions {t + 1}..{T - 1} changed"),
                    "attention", None)
    if not _same(np.asarray(out2)[: t + 1], np.asarray(out_m)[: t + 1], atol=1e-9):
        c.fail(f"causality: outputs 0..{t} do not change when positions {t + 1}..{T - 1} change",
               f"rows 0..{t} unchanged", f"output rows 0..{t}: {_arr(np.asarray(out_m)[: t + 1], 3)} became "
               f"{_arr(np.asarray(out2)[: t + 1], 3)}", hint=_mask_hint(np.asarray(w_m), mask, w))
    c.passed += 1
    masked_w = np.asarray(w_m)[~mask]
    c.require(np.allclose(masked_w, 0.0, atol=1e-12), "masked positions get weight exactly 0",
              expected=f"weights (0 above the diagonal): {_arr(e['weights_masked'])}", actual=_arr(w_m),
              hint=_mask_hint(np.asarray(w_m), mask))
    sums = np.asarray(w_m).sum(axis=-1)
    c.require(np.allclose(sums, 1.0, atol=ROW_SUM_ATOL), "with a mask each row still sums to 1",
              expected=f"row sums {_arr(np.ones(T))}", actual=f"row sums {_arr(sums, 3)}",
              hint=HINT_MASK_AFTER)
    c.close(w_m, e["weights_masked"], "weights with the causal mask", hint=_weights_hint(e["variants"], w_m, True))
    c.close(out_m, e["out_masked"], "output with the causal mask", hint="output = weights @ v")

    # a batch axis, seq_q != seq_k, a general boolean mask broadcast over the batch
    qb, kb, vb, mb = e["qb"], e["kb"], e["vb"], e["mask_b"]
    label = (f"attention(q, k, v, mask) with q {qb.shape}, k {kb.shape}, v {vb.shape}, "
             f"mask {mb.shape} = {_arr(mb.astype(int))}")
    out_b, w_b = _pair(c, c.call(attention_fn, qb.copy(), kb.copy(), vb.copy(), mb.copy(), label=label,
                                 hint="with batch dimensions transpose only the last two axes of k: "
                                      "np.swapaxes(k, -1, -2) (k.T reverses all axes)"), "attention", None)
    seq_q, seq_k = qb.shape[-2], kb.shape[-2]
    if isinstance(w_b, np.ndarray) and w_b.shape == (2, seq_k, seq_q):
        c.fail("weights shape", f"shape {(2, seq_q, seq_k)}", f"shape {w_b.shape}",
               hint="query and key are swapped: scores = q @ k^T has one row per query")
    c.shape(w_b, (2, seq_q, seq_k), hint="weights have shape (..., seq_q, seq_k)")
    c.shape(out_b, (2, seq_q, vb.shape[-1]), hint="output has shape (..., seq_q, d_v)")
    c.close(w_b, e["weights_b"], "weights with a batch axis and seq_q != seq_k",
            hint="scores = q @ np.swapaxes(k, -1, -2) works for any leading dimensions; the mask broadcasts")
    c.close(out_b, e["out_b"], "output with a batch axis", hint="output = weights @ v")


# ---------------------------------------------------------------- heads

HINT_SPLIT_RESHAPE = ("a bare reshape to (batch, n_heads, seq, d_head) mixes positions: reshape to "
                      "(batch, seq, n_heads, d_head), then move the head axis with transpose(0, 2, 1, 3)")


@exercise("split_heads")
def split_heads(c, split_fn):
    """Check your split_heads function."""
    e = data.expected("split_heads")
    x = e["x"]
    B, T, D = x.shape
    for n in (e["n_heads"], 2, 4):
        dh = D // n
        out = c.call(split_fn, x.copy(), n, label=f"split_heads(x, n_heads={n}) with x of shape {x.shape}")
        if isinstance(out, np.ndarray) and out.shape == (B, T, n, dh):
            c.fail("output shape", f"shape {(B, n, T, dh)}", f"shape {out.shape}",
                   hint="move the head axis before the sequence axis: (batch, n_heads, seq, d_head)")
        c.shape(out, (B, n, T, dh), hint="(batch, seq, d_model) -> (batch, n_heads, seq, d_model // n_heads)")
        if n == e["n_heads"]:
            if _same(out, e["variants"]["reshape_only"]):
                c.fail("out[b, h, t] == x[b, t, h*d_head:(h+1)*d_head]", _arr(e["out"][0, 0]), _arr(out[0, 0]),
                       hint=HINT_SPLIT_RESHAPE)
            if _same(out, e["variants"]["interleaved"]):
                c.fail("out[b, h, t] == x[b, t, h*d_head:(h+1)*d_head]", _arr(e["out"][0, 0]), _arr(out[0, 0]),
                       hint="head h is the contiguous slice h*d_head:(h+1)*d_head of the features: reshape "
                            "to (batch, seq, n_heads, d_head), not (batch, seq, d_head, n_heads)")
        for h in range(n):
            want = x[:, :, h * dh:(h + 1) * dh]
            c.close(out[:, h], want, f"head {h} (n_heads={n}) is out[:, {h}] == x[:, :, {h * dh}:{(h + 1) * dh}]",
                    hint=HINT_SPLIT_RESHAPE)


@exercise("merge_heads")
def merge_heads(c, merge_fn):
    """Check your merge_heads function."""
    e = data.expected("merge_heads")
    x = e["x"]
    B, H, T, dh = x.shape
    out = c.call(merge_fn, x.copy(), label=f"merge_heads(x) with x of shape {x.shape} (batch, n_heads, seq, d_head)")
    c.shape(out, (B, T, H * dh), hint="(batch, n_heads, seq, d_head) -> (batch, seq, n_heads * d_head)")
    hint = ("move the head axis back next to d_head before reshaping: transpose(0, 2, 1, 3) to "
            "(batch, seq, n_heads, d_head), then reshape to (batch, seq, n_heads * d_head)")
    for h in range(H):
        c.close(out[..., h * dh:(h + 1) * dh], x[:, h],
                f"head {h} becomes the feature slice out[..., {h * dh}:{(h + 1) * dh}]", hint=hint)
    c.close(out, e["out"], "values", hint=hint)
    small = np.arange(2 * 2 * 3 * 1, dtype=np.float64).reshape(2, 2, 3, 1)
    out = c.call(merge_fn, small.copy(), label=f"merge_heads(x) with x of shape {small.shape}")
    c.shape(out, (2, 3, 2), hint="read the sizes from x.shape")
    c.close(out, np.stack([small[:, 0, :, 0], small[:, 1, :, 0]], axis=-1), "values for d_head = 1", hint=hint)


# ---------------------------------------------------------------- multi-head attention

PARAM_NAMES = ["W_q", "b_q", "W_k", "b_k", "W_v", "b_v", "W_o", "b_o"]


@exercise("multi_head_attention", uses=('split_heads', 'merge_heads'))
def multi_head_attention(c, mha_fn):
    """Check your multi_head_attention function."""
    e = data.expected("multi_head_attention")
    x, p, n, mask = e["x"], e["params"], e["n_heads"], e["mask"]
    B, T, D = x.shape
    dh = D // n
    variants = e["variants"]

    def run(params, label, use_mask=True):
        args = [params[name].copy() for name in PARAM_NAMES]
        extra = (mask.copy(),) if use_mask else ()
        return _pair(c, c.call(mha_fn, x.copy(), *args, n, *extra, label=label), "multi_head_attention", None)

    label = (f"multi_head_attention(x, W_q, b_q, ..., W_o, b_o, n_heads={n}, mask=causal_mask({T})) with x of "
             f"shape {x.shape}, weights ({D}, {D}), d_head = {dh}")
    out, w = run(p, label)
    c.shape(w, (B, n, T, T), hint="weights: one (seq, seq) pattern per batch element and head")
    c.shape(out, (B, T, D), hint="the output has the shape of x: merge the heads and project with W_o")
    c.require(np.allclose(w.sum(axis=-1), 1.0, atol=ROW_SUM_ATOL) and np.allclose(w[..., ~mask], 0.0, atol=1e-12),
              "every head's pattern is causal and its rows sum to 1", expected=_arr(e["weights"][0, 0]),
              actual=_arr(w[0, 0]), hint="pass the mask on to attention for every head")
    if _same(w, variants["weights_split_by_reshape"]):
        c.fail("head h uses columns h*d_head:(h+1)*d_head of the projections", _arr(e["weights"][0, 0]),
               _arr(w[0, 0]), hint=HINT_SPLIT_RESHAPE)

    # head independence: changing the query columns of head 1 changes head 1 only
    p2 = {name: value.copy() for name, value in p.items()}
    p2["W_q"][:, dh:2 * dh] += np.random.default_rng(0).normal(size=(D, dh))
    _, w2 = run(p2, label + f", then W_q[:, {dh}:{2 * dh}] (head 1's queries) changed")
    c.shape(w2, (B, n, T, T), hint="weights: one (seq, seq) pattern per batch element and head")
    others = [h for h in range(n) if h != 1]
    if not (_same(np.asarray(w2)[:, others], w[:, others], atol=1e-10) and not _same(np.asarray(w2)[:, 1], w[:, 1])):
        c.fail(f"head independence: changing W_q[:, {dh}:{2 * dh}] changes head 1's pattern only",
               "heads 0 and 2 unchanged, head 1 changed",
               f"heads {[h for h in range(n) if not _same(np.asarray(w2)[:, h], w[:, h], atol=1e-10)]} changed",
               hint="head h must use only columns h*d_head:(h+1)*d_head of q, k and v: split_heads must "
                    "reshape to (batch, seq, n_heads, d_head) and then move the head axis")
    c.passed += 1

    if not _same(w, e["weights"]):
        hint = "every head computes softmax(q_h @ k_h^T / sqrt(d_head)) with its own slice of q and k"
        if _same(w, variants["weights_scaled_by_d_model"]):
            hint = (f"scale the scores by sqrt(d_head) = sqrt(d_model // n_heads) = sqrt({dh}), the width of one "
                    f"head, not by sqrt(d_model) = sqrt({D})")
        c.fail("attention weights of every head", show_head(e["weights"]), show_head(w), hint=hint)
    c.passed += 1

    if not _same(out, e["out"]):
        hint = ("output = merge_heads(per-head outputs) @ W_o + b_o: the concatenation of the heads' "
                "outputs, projected")
        if _same(out, variants["out_without_W_o"]):
            hint = "apply the output projection: merge_heads(heads) @ W_o + b_o"
        elif _same(out, variants["out_without_b_o"]):
            hint = "add the output bias b_o after the projection W_o"
        elif _same(out, variants["out_merge_by_reshape"]):
            hint = ("merge_heads must move the head axis back (transpose(0, 2, 1, 3)) before the reshape, "
                    "or positions get mixed")
        c.fail("output equals the concatenation of independent heads, projected by W_o",
               _arr(e["out"][0, 0], 3), _arr(np.asarray(out)[0, 0], 3), hint=hint)
    c.passed += 1

    out_n, w_n = run(p, label.replace(f", mask=causal_mask({T})", ""), use_mask=False)
    c.close(w_n, e["weights_nomask"], "weights without a mask (mask=None)",
            hint="mask=None means every query sees every key: pass mask on to attention unchanged")
    c.close(out_n, e["out_nomask"], "output without a mask", hint="mask=None means no mask at all")


def show_head(w):
    return f"batch 0, head 0: {_arr(np.asarray(w)[0, 0])}"
