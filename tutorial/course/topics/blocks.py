"""Checks for 05_block: layer_norm, gelu, mlp, transformer_block.

Properties first (mean 0 / variance 1 per position, the residual stream is the identity
when every sub-layer outputs 0, causality), stored reference values second. Stored
"variants" (outputs of typical mistakes) only serve to name the mistake in the hint.
"""
import numpy as np

from .. import data
from ..checking import exercise
from .attention import _arr, _same

HINT_BIASED = ("use the biased variance (divide by d, not d - 1): np.var(x, axis=-1, keepdims=True) "
               "or np.mean((x - mean) ** 2, ...), not ddof=1")


# ---------------------------------------------------------------- layer norm

@exercise("layer_norm")
def layer_norm(c, ln_fn):
    """Check your layer_norm function."""
    e = data.expected("layer_norm")
    x, gamma, beta = e["x"], e["gamma"], e["beta"]
    d = x.shape[-1]
    ones, zeros = np.ones(d), np.zeros(d)
    label = f"layer_norm(x, gamma=ones({d}), beta=zeros({d})) with x of shape {x.shape}"
    out = c.call(ln_fn, x.copy(), ones, zeros, label=label,
                 hint="mean and variance along the last axis need keepdims=True to broadcast against x")
    c.shape(out, x.shape, hint="layer norm keeps the shape of x")
    means = out.mean(axis=-1)
    if not np.allclose(means, 0.0, atol=1e-6):
        hint = "subtract the mean of each position, taken over the last axis (axis=-1, keepdims=True)"
        for axis in (0, 1):
            if np.allclose(out.mean(axis=axis), 0.0, atol=1e-6):
                hint = (f"you normalised over axis {axis}; normalise each position over its features, "
                        "the last axis (axis=-1, keepdims=True)")
        if np.allclose(out, 1.0):
            hint = "gamma and beta are swapped: gamma scales, beta shifts (gamma * x_hat + beta)"
        elif hint.startswith("subtract") and np.isclose(out.mean(), 0.0, atol=1e-6):
            hint = ("you normalised the whole array at once; normalise each position separately over the "
                    "last axis (axis=-1, keepdims=True)")
        c.fail("every position has mean 0 over its features (gamma=1, beta=0)", f"means {_arr(np.zeros(3))} ...",
               f"means {_arr(means.ravel()[:3], 4)} ...", hint=hint)
    c.passed += 1
    var = out.var(axis=-1)
    if not np.allclose(var, 1.0, rtol=0, atol=1e-4):
        hint = "divide by the standard deviation of each position: / np.sqrt(var + eps)"
        if np.allclose(var, (d - 1) / d, atol=1e-4):
            hint = HINT_BIASED
        c.fail("every position has variance 1 over its features (gamma=1, beta=0)", f"variances {_arr(np.ones(3))} ...",
               f"variances {_arr(var.ravel()[:3], 4)} ...", hint=hint)
    c.passed += 1
    xs = e["x_small"]
    k = xs.shape[-1]
    out = c.call(ln_fn, xs.copy(), np.ones(k), np.zeros(k), eps=0.1,
                 label=f"layer_norm(x, ones({k}), zeros({k}), eps=0.1) with x = {_arr(xs)}")
    hint = "y = (x - mean) / np.sqrt(var + eps)"
    v = e["variants"]
    if _same(out, v["eps_outside"]):
        hint = "epsilon goes inside the square root: (x - mean) / np.sqrt(var + eps), not / (std + eps)"
    elif _same(out, v["eps_ignored"]):
        hint = "use the eps argument (here 0.1), not a fixed 1e-5"
    elif _same(out, v["no_eps"]):
        hint = "add eps (the argument) to the variance inside the square root"
    elif _same(out, v["ddof1_eps"]):
        hint = HINT_BIASED
    c.close(out, e["out_eps"], "eps = 0.1 is added to the variance inside the square root", hint=hint)

    out = c.call(ln_fn, x.copy(), gamma.copy(), beta.copy(),
                 label=f"layer_norm(x, gamma={_arr(gamma)}, beta={_arr(beta)})")
    hint = "scale then shift after normalising: gamma * x_hat + beta"
    if _same(out, e["variants"]["gamma_beta_swapped"]):
        hint = "gamma and beta are swapped: gamma scales, beta shifts (gamma * x_hat + beta)"
    c.close(out, e["out"], "values with gamma and beta", hint=hint)

    const = np.array([[2.0, 2.0, 2.0, 2.0], [1.0, 2.0, 3.0, 4.0]])
    b = np.array([0.5, -1.0, 0.0, 2.0])
    out = c.call(ln_fn, const.copy(), np.ones(4), b, label=f"layer_norm(x, ones(4), beta={_arr(b)}) with x = {_arr(const)}")
    c.require(bool(np.all(np.isfinite(out))), "a constant row (variance 0) gives no NaN", actual=_arr(out, 3),
              hint="add eps to the variance inside the square root, so a constant row never divides by zero")
    c.close(out[0], b, "a constant row becomes beta", hint="x - mean is 0 for a constant row; then only beta remains")


# ---------------------------------------------------------------- GELU

@exercise("gelu")
def gelu(c, gelu_fn):
    """Check your gelu function."""
    e = data.expected("gelu")
    x, y = e["x"], e["y"]
    out = c.call(gelu_fn, x.copy(), label=f"gelu(x) with x = {_arr(x[::4], 1)} ... ({x.size} values from -12 to 7.5)")
    c.shape(out, x.shape, hint="GELU works elementwise: same shape as x")
    if not _same(out, y, atol=1e-9):
        v = e["variants"]
        hint = "gelu(x) = 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x**3)))"
        if _same(out, v["erf"], atol=1e-9):
            hint = ("this is the exact GELU x * Phi(x) written with erf; GPT-2 uses the tanh approximation "
                    "(they differ by up to 5e-4)")
        elif _same(out, v["relu"]):
            hint = "this is ReLU: GELU is smooth and slightly negative for negative x (the tanh form)"
        elif _same(out, v["sigmoid"]):
            hint = "this is the sigmoid approximation x * sigmoid(1.702 x); use the tanh form"
        elif np.allclose(out, 2 * y, atol=1e-9):
            hint = "the factor 0.5 is missing"
        c.fail("values of GPT-2's tanh GELU", _arr(y[::4], 5), _arr(np.asarray(out)[::4], 5), hint=hint)
    c.passed += 1
    x3 = x[:24].reshape(2, 3, 4)
    out = c.call(gelu_fn, x3.copy(), label="gelu(x) with x of shape (2, 3, 4)")
    c.close(out, y[:24].reshape(2, 3, 4), "elementwise on any shape", hint="use only elementwise operations")
    out = c.call(gelu_fn, x.astype(np.float32), label="gelu(x.astype(np.float32))")
    c.dtype(out, np.float32, hint="keep float32: write constants as Python floats (math.sqrt(2 / math.pi)); "
                                  "np.sqrt(...) returns a float64 NumPy scalar that turns the result into float64")


# ---------------------------------------------------------------- MLP

@exercise("mlp", uses=('gelu',))
def mlp(c, mlp_fn):
    """Check your mlp function."""
    e = data.expected("mlp")
    x, W1, b1, W2, b2 = (e[n] for n in ("x", "W1", "b1", "W2", "b2"))
    label = (f"mlp(x, W1, b1, W2, b2) with x {x.shape}, W1 {W1.shape}, b1 {b1.shape}, W2 {W2.shape}, "
             f"b2 {b2.shape}")
    out = c.call(mlp_fn, x.copy(), W1.copy(), b1.copy(), W2.copy(), b2.copy(), label=label,
                 hint="weights are (d_in, d_out), applied as x @ W + b")
    c.shape(out, x.shape, hint="the MLP maps d_model -> d_mlp -> d_model: x @ W1 + b1, then @ W2 + b2")
    hint = "mlp(x) = gelu(x @ W1 + b1) @ W2 + b2"
    v = e["variants"]
    if _same(out, v["relu"]):
        hint = "the hidden layer went through ReLU: use gelu (is your gelu above the tanh form?)"
    elif _same(out, v["gelu_after_W2"]):
        hint = "apply gelu between the two layers only, not after W2: gelu(x @ W1 + b1) @ W2 + b2"
    elif _same(out, v["no_activation"]):
        hint = "apply gelu to the hidden layer: without it the two layers collapse into one linear map"
    c.close(out, e["out"], "values", hint=hint)


# ---------------------------------------------------------------- transformer block

@exercise("transformer_block", uses=('layer_norm', 'gelu', 'mlp'))
def transformer_block(c, block_fn):
    """Check your transformer_block function."""
    e = data.expected("transformer_block")
    x, p, n = e["x"], e["params"], e["n_heads"]
    B, T, D = x.shape

    def run(xx, params, label):
        return c.call(block_fn, xx.copy(), {k: val.copy() for k, val in params.items()}, n, label=label)

    label = f"transformer_block(x, params, n_heads={n}) with x of shape {x.shape}, d_mlp = {p['W1'].shape[1]}"
    out = run(x, p, label)
    c.shape(out, x.shape, hint="the block maps (batch, seq, d_model) to the same shape")

    # residual stream: with every sub-layer's output projection zero, the block is the identity
    zero = dict(p)
    for name in ("W_o", "b_o", "W2", "b2"):
        zero[name] = np.zeros_like(p[name])
    out0 = run(x, zero, label + " and W_o, b_o, W2, b2 all zero")
    if not _same(out0, x, atol=1e-9):
        out0 = np.asarray(out0)
        if _same(out0, np.zeros_like(x), atol=1e-9):
            hint = ("missing residual: add each sub-layer's output to the stream, x = x + attn(ln1(x)), "
                    "then x = x + mlp(ln2(x))")
        elif _same(out0, e["variants"]["post_norm_zero"]):
            hint = ("this looks like post-norm (the layer norm applied to the sum): use pre-norm, "
                    "x = x + attn(ln1(x)); x = x + mlp(ln2(x)); only the sub-layer inputs are normalised")
        else:
            hint = "the residual stream: x = x + attn(ln1(x)), then x = x + mlp(ln2(x))"
        c.fail("with W_o, b_o, W2, b2 zero both sub-layers output 0, so the block returns x unchanged",
               f"x[0, 0] = {_arr(x[0, 0])}", f"out[0, 0] = {_arr(out0[0, 0]) if out0.ndim == 3 else _arr(out0)}",
               hint=hint)
    c.passed += 1

    # causality: changing positions t+1.. must not change outputs 0..t
    t = 2
    x2 = x.copy()
    x2[:, t + 1:] += np.random.default_rng(0).normal(scale=2.0, size=x2[:, t + 1:].shape)
    out2 = run(x2, p, label + f", then again with positions {t + 1}..{T - 1} changed")
    if not _same(np.asarray(out2)[:, : t + 1], np.asarray(out)[:, : t + 1], atol=1e-9):
        c.fail(f"causality: outputs 0..{t} do not change when positions {t + 1}..{T - 1} change",
               f"out[0, {t}] = {_arr(np.asarray(out)[0, t], 3)}", f"out[0, {t}] = {_arr(np.asarray(out2)[0, t], 3)}",
               hint="pass causal_mask(seq) to multi_head_attention: a decoder never reads future tokens")
    c.passed += 1

    hint = "pre-norm: x = x + attn(ln1(x)), then x = x + mlp(ln2(x)) with the updated x"
    v = e["variants"]
    if _same(out, v["post_norm"]):
        hint = "post-norm (normalising the sum): use pre-norm, x = x + attn(ln1(x)); x = x + mlp(ln2(x))"
    elif _same(out, v["parallel"]):
        hint = ("the MLP must read the stream after the attention output was added "
                "(x = x + attn(...) first, then x + mlp(ln2(x)) of that new x), not the block's input")
    elif _same(out, v["ln1_twice"]):
        hint = "the second layer norm has its own parameters: ln2_g, ln2_b"
    elif _same(out, v["no_layer_norm"]):
        hint = "normalise the input of each sub-layer: attn(ln1(x)) and mlp(ln2(x))"
    c.close(out, e["out"], "values", hint=hint)
