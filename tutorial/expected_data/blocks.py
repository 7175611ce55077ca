"""Expected data for the 05_block checks (layer norm, GELU, MLP, transformer block).

As in attention.py, "variants" are outputs of typical mistakes, stored so that the
checks can name a mistake without containing solution code.
"""
import importlib
import math

import numpy as np

L = importlib.import_module("numpy_transformer.layers")
A = importlib.import_module("numpy_transformer.attention")

BATCH, SEQ, D_MODEL, N_HEADS, D_MLP = 2, 5, 12, 3, 20
LN_WIDTH = 6  # layer norm inputs: (2, 5, 6), every axis a different length


def _ln_variant(x, gamma, beta, eps, ddof=0, eps_outside=False):
    mean = x.mean(axis=-1, keepdims=True)
    std = x.std(axis=-1, ddof=ddof, keepdims=True)
    x_hat = (x - mean) / (std + eps if eps_outside else np.sqrt(std ** 2 + eps))
    return gamma * x_hat + beta


def layer_norm_data(rng):
    x = rng.normal(loc=1.0, scale=3.0, size=(BATCH, SEQ, LN_WIDTH))
    gamma = rng.normal(loc=1.0, scale=0.5, size=LN_WIDTH)
    beta = rng.normal(scale=0.5, size=LN_WIDTH)
    # small variance and eps = 0.1: where eps goes makes a visible difference
    x_small = rng.normal(scale=0.3, size=(3, 4))
    ones, zeros = np.ones(4), np.zeros(4)
    return {
        "x": x, "gamma": gamma, "beta": beta, "out": L.layer_norm(x, gamma, beta),
        "x_small": x_small, "out_eps": L.layer_norm(x_small, ones, zeros, eps=0.1),
        "variants": {
            "eps_outside": _ln_variant(x_small, ones, zeros, 0.1, eps_outside=True),
            "eps_ignored": L.layer_norm(x_small, ones, zeros),
            "no_eps": _ln_variant(x_small, ones, zeros, 0.0),
            "ddof1_eps": _ln_variant(x_small, ones, zeros, 0.1, ddof=1),
            "gamma_beta_swapped": L.layer_norm(x, beta, gamma),
        },
    }


def gelu_data():
    x = np.concatenate([np.linspace(-5.0, 5.0, 21), [-0.75, 0.3, 7.5, -12.0]])
    erf = np.vectorize(math.erf)
    return {
        "x": x, "y": L.gelu(x),
        "variants": {
            "erf": 0.5 * x * (1.0 + erf(x / math.sqrt(2.0))),
            "relu": np.maximum(x, 0.0),
            "sigmoid": x / (1.0 + np.exp(-1.702 * x)),
        },
    }


def mlp_data(rng):
    d = LN_WIDTH
    x = rng.normal(size=(BATCH, SEQ, d))
    W1, b1 = rng.normal(scale=0.5, size=(d, 10)), rng.normal(scale=0.5, size=10)
    W2, b2 = rng.normal(scale=0.5, size=(10, d)), rng.normal(scale=0.5, size=d)
    hidden = x @ W1 + b1
    return {
        "x": x, "W1": W1, "b1": b1, "W2": W2, "b2": b2, "out": L.mlp(x, W1, b1, W2, b2),
        "variants": {
            "relu": np.maximum(hidden, 0.0) @ W2 + b2,
            "gelu_after_W2": L.gelu(L.gelu(hidden) @ W2 + b2),
            "no_activation": hidden @ W2 + b2,
        },
    }


def block_params(rng):
    p = {}
    for name in ("ln1", "ln2"):
        p[f"{name}_g"] = rng.normal(loc=1.0, scale=0.3, size=D_MODEL)
        p[f"{name}_b"] = rng.normal(scale=0.3, size=D_MODEL)
    for name in "qkvo":
        p[f"W_{name}"] = rng.normal(scale=0.4, size=(D_MODEL, D_MODEL))
        p[f"b_{name}"] = rng.normal(scale=0.3, size=D_MODEL)
    p["W1"], p["b1"] = rng.normal(scale=0.4, size=(D_MODEL, D_MLP)), rng.normal(scale=0.3, size=D_MLP)
    p["W2"], p["b2"] = rng.normal(scale=0.4, size=(D_MLP, D_MODEL)), rng.normal(scale=0.3, size=D_MODEL)
    return p


def _attn(p, h, mask):
    return A.multi_head_attention(h, p["W_q"], p["b_q"], p["W_k"], p["b_k"], p["W_v"], p["b_v"],
                                  p["W_o"], p["b_o"], N_HEADS, mask)[0]


def block_data(rng):
    x = rng.normal(size=(BATCH, SEQ, D_MODEL))
    p = block_params(rng)
    mask = A.causal_mask(SEQ)

    def ln(h, n):
        return L.layer_norm(h, p[f"{n}_g"], p[f"{n}_b"])

    def mlp(h):
        return L.mlp(h, p["W1"], p["b1"], p["W2"], p["b2"])

    a = x + _attn(p, ln(x, "ln1"), mask)

    def post_norm(params):
        h = L.layer_norm(x + _attn(params, x, mask), params["ln1_g"], params["ln1_b"])
        return L.layer_norm(h + L.mlp(h, params["W1"], params["b1"], params["W2"], params["b2"]),
                            params["ln2_g"], params["ln2_b"])

    zero = dict(p, W_o=np.zeros_like(p["W_o"]), b_o=np.zeros_like(p["b_o"]),
                W2=np.zeros_like(p["W2"]), b2=np.zeros_like(p["b2"]))
    return {
        "x": x, "params": p, "n_heads": N_HEADS, "out": L.transformer_block(x, p, N_HEADS),
        "variants": {
            "post_norm": post_norm(p),
            "post_norm_zero": post_norm(zero),
            "parallel": x + _attn(p, ln(x, "ln1"), mask) + mlp(ln(x, "ln2")),
            "ln1_twice": a + mlp(ln(a, "ln1")),
            "no_layer_norm": (lambda h: h + mlp(h))(x + _attn(p, x, mask)),
        },
    }


def generate():
    rng = np.random.default_rng(5)
    return {
        "layer_norm": layer_norm_data(rng),
        "gelu": gelu_data(),
        "mlp": mlp_data(rng),
        "transformer_block": block_data(rng),
    }
