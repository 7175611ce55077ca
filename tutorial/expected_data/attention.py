"""Expected data for the 03_attention and 04_multi_head checks.

Besides the reference outputs, a few outputs of typical mistakes are stored
("variants"): the checks compare a wrong answer against them to name the mistake
without containing any solution code themselves.
"""
import importlib
import math

import numpy as np

# the module, not the function numpy_transformer.attention re-exported by the package
A = importlib.import_module("numpy_transformer.attention")

# distinct sizes everywhere: batch 2, seq 5, d_model 12, 3 heads of width 4
BATCH, SEQ, D_MODEL, N_HEADS = 2, 5, 12, 3
D_HEAD = D_MODEL // N_HEADS


def _scores_weights(q, k, scale, mask=None, swap=False):
    scores = (k @ np.swapaxes(q, -1, -2) if swap else q @ np.swapaxes(k, -1, -2)) / scale
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    return A.softmax(scores)


def softmax_data(rng):
    x = rng.normal(scale=2.0, size=(3, 5))
    x3 = rng.normal(scale=2.0, size=(2, 4, 3))
    huge = np.array([[1000.0, 999.0, -1000.0, 998.0, 0.0],
                     [-1e4, -1e4 - 1.0, -1e4 - 2.0, -1e4, -1e4 - 3.0],
                     [0.0, 1.0, 2.0, 3.0, 4.0]])
    with_inf = np.array([[0.0, -np.inf, math.log(3.0)], [-np.inf, 2.0, 2.0]])
    return {
        "x": x, "p": A.softmax(x),
        "x3": x3, "p3_axis0": A.softmax(x3, axis=0), "p3_axis1": A.softmax(x3, axis=1),
        "p3_last": A.softmax(x3, axis=-1),  # what a softmax ignoring `axis` returns
        "huge": huge, "p_huge": A.softmax(huge),
        "with_inf": with_inf, "p_with_inf": A.softmax(with_inf),
    }


def attention_data(rng):
    T, d, d_v = SEQ, 3, 4
    q, k, v = rng.normal(size=(T, d)), rng.normal(size=(T, d)), rng.normal(size=(T, d_v))
    mask = A.causal_mask(T)
    out, w = A.attention(q, k, v)
    out_m, w_m = A.attention(q, k, v, mask)
    # cross-attention with a batch axis and a general (non-causal) mask: seq_q 4, seq_k 6
    qb, kb, vb = rng.normal(size=(2, 4, d)), rng.normal(size=(2, 6, d)), rng.normal(size=(2, 6, 5))
    mask_b = rng.random((4, 6)) < 0.6
    mask_b[:, 0] = True  # every query may read at least one key
    out_b, w_b = A.attention(qb, kb, vb, mask_b)
    return {
        "q": q, "k": k, "v": v, "mask": mask,
        "out": out, "weights": w, "out_masked": out_m, "weights_masked": w_m,
        "variants": {  # weights under typical mistakes
            "unscaled": _scores_weights(q, k, 1.0),
            "scaled_by_d": _scores_weights(q, k, float(d)),
            "swapped": _scores_weights(q, k, math.sqrt(d), swap=True),
            "masked_unscaled": _scores_weights(q, k, 1.0, mask),
            "masked_swapped": _scores_weights(q, k, math.sqrt(d), mask, swap=True),
        },
        "qb": qb, "kb": kb, "vb": vb, "mask_b": mask_b, "out_b": out_b, "weights_b": w_b,
    }


def mha_params(rng):
    names = ["W_q", "b_q", "W_k", "b_k", "W_v", "b_v", "W_o", "b_o"]
    shapes = [(D_MODEL, D_MODEL), (D_MODEL,)] * 4
    return {n: rng.normal(scale=0.5, size=s) for n, s in zip(names, shapes)}


def mha_data(rng):
    x = rng.normal(size=(BATCH, SEQ, D_MODEL))
    p = mha_params(rng)
    mask = A.causal_mask(SEQ)
    args = [p[n] for n in ["W_q", "b_q", "W_k", "b_k", "W_v", "b_v", "W_o", "b_o"]]
    out, w = A.multi_head_attention(x, *args, N_HEADS, mask)
    out_nomask, w_nomask = A.multi_head_attention(x, *args, N_HEADS)
    q, k, v = (x @ p["W_" + n] + p["b_" + n] for n in "qkv")
    # head by head, from column slices: the "concatenation of independent heads"
    heads, head_weights, heads_d_model = [], [], []
    for h in range(N_HEADS):
        cols = slice(h * D_HEAD, (h + 1) * D_HEAD)
        o, wh = A.attention(q[..., cols], k[..., cols], v[..., cols], mask)
        heads.append(o)
        head_weights.append(wh)
        heads_d_model.append(_scores_weights(q[..., cols], k[..., cols], math.sqrt(D_MODEL), mask))
    concat = np.concatenate(heads, axis=-1)
    assert np.allclose(concat @ p["W_o"] + p["b_o"], out)
    assert np.allclose(np.stack(head_weights, axis=1), w)
    # a bare reshape instead of reshape + transpose in split_heads
    qs, ks, vs = (t.reshape(BATCH, N_HEADS, SEQ, D_HEAD) for t in (q, k, v))
    _, w_split_reshape = A.attention(qs, ks, vs, mask)
    return {
        "x": x, "params": p, "n_heads": N_HEADS, "mask": mask,
        "out": out, "weights": w, "out_nomask": out_nomask, "weights_nomask": w_nomask,
        "variants": {
            "out_without_W_o": concat,
            "out_without_b_o": concat @ p["W_o"],
            "weights_scaled_by_d_model": np.stack(heads_d_model, axis=1),
            "weights_split_by_reshape": w_split_reshape,
            "out_merge_by_reshape": np.stack(heads, axis=1).reshape(BATCH, SEQ, D_MODEL) @ p["W_o"] + p["b_o"],
        },
    }


def generate():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(BATCH, SEQ, D_MODEL))
    heads = rng.normal(size=(BATCH, N_HEADS, SEQ, D_HEAD))
    return {
        "softmax": softmax_data(rng),
        "causal_mask": {"masks": {str(T): A.causal_mask(T) for T in (1, 2, 5)}},
        "attention": attention_data(rng),
        "split_heads": {
            "x": x, "n_heads": N_HEADS, "out": A.split_heads(x, N_HEADS),
            "variants": {
                "reshape_only": x.reshape(BATCH, N_HEADS, SEQ, D_HEAD),
                "interleaved": x.reshape(BATCH, SEQ, D_HEAD, N_HEADS).transpose(0, 3, 1, 2),
            },
        },
        "merge_heads": {
            "x": heads, "out": A.merge_heads(heads),
            "variants": {"reshape_only": heads.reshape(BATCH, SEQ, D_MODEL)},
        },
        "multi_head_attention": mha_data(rng),
    }
