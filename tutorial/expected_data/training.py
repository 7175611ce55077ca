"""Expected data for the 07_training checks: loss, hand-written backward passes, Adam.

Reference gradients here agree with central finite differences (asserted below, in
float64), so the checks compare against gradients that are known to be right.
"variants" are outputs of typical mistakes, stored only to name a mistake in a hint.
"""
import math
from dataclasses import asdict

import numpy as np

from expected_data.model import tiny_params
from numpy_transformer import backprop as B
from numpy_transformer import model as M
from numpy_transformer import optim as O
from numpy_transformer.attention import attention, causal_mask, softmax
from numpy_transformer.gradcheck import numerical_gradient, relative_error
from numpy_transformer.layers import gelu, layer_norm


def _fd(f, x):
    return numerical_gradient(f, x)


def _assert_fd(analytic, f, x, tol=1e-6):
    assert relative_error(analytic, _fd(f, x)) < tol


def cross_entropy_data(rng):
    logits = rng.normal(0.0, 2.0, size=(2, 3, 5))
    targets = np.array([[4, 0, 2], [1, 1, 3]])
    log_probs = logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True))
    picked = np.take_along_axis(log_probs, targets[..., None], axis=-1)
    huge = np.array([[1000.0, 0.0, -1000.0, 999.0], [-1e4, -1e4 + 2.0, -1e4 + 1.0, -1e4]])
    huge_targets = np.array([3, 1])
    return {
        "logits": logits, "targets": targets, "loss": M.cross_entropy(logits, targets),
        "huge": huge, "huge_targets": huge_targets, "huge_loss": M.cross_entropy(huge, huge_targets),
        "variants": {
            "sum": float(-picked.sum()),
            "broadcast_index": float(-log_probs[..., targets].mean()),
            "no_log_softmax": float(-np.take_along_axis(logits, targets[..., None], axis=-1).mean()),
            "all_tokens": float(-log_probs.mean()),
            "argmax_index": float(-log_probs.max(axis=-1).mean()),
            "log_base_2": M.cross_entropy(logits, targets) / math.log(2.0),
        },
    }


def cross_entropy_backward_data(rng):
    logits = rng.normal(0.0, 1.5, size=(2, 3, 5))
    targets = np.array([[1, 4, 4], [0, 2, 3]])
    grad = M.cross_entropy_backward(logits, targets)
    _assert_fd(grad, lambda: M.cross_entropy(logits, targets), logits)
    p = softmax(logits)
    return {
        "logits": logits, "targets": targets, "grad": grad,
        "variants": {
            "no_one_hot": p / targets.size,
            "not_averaged": grad * targets.size,
            "one_hot_added": (p + np.eye(5)[targets]) / targets.size,
        },
    }


def linear_backward_data(rng):
    x = rng.normal(size=(2, 3, 5))
    W = rng.normal(size=(5, 4))
    dy = rng.normal(size=(2, 3, 4))
    dx, dW, db = B.linear_backward(dy, x, W)
    b = rng.normal(size=4)
    f = lambda: float(np.sum((x @ W + b) * dy))  # noqa: E731  d f / d y = dy
    _assert_fd(dx, f, x)
    _assert_fd(dW, f, W)
    _assert_fd(db, f, b)
    return {"x": x, "W": W, "dy": dy, "dx": dx, "dW": dW, "db": db,
            "variants": {"dW_first_batch": x[0].T @ dy[0], "db_mean": dy.reshape(-1, 4).mean(axis=0)}}


def gelu_backward_data(rng):
    x = np.concatenate([np.linspace(-4.0, 4.0, 9), rng.normal(0.0, 2.0, size=7)]).reshape(2, 8)
    dy = rng.normal(size=x.shape)
    dx = B.gelu_backward(dy, x)
    _assert_fd(dx, lambda: float(np.sum(gelu(x) * dy)), x)
    erf = np.vectorize(math.erf)
    exact = 0.5 * (1.0 + erf(x / math.sqrt(2.0))) + x * np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)
    t = np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3))
    return {"x": x, "dy": dy, "dx": dx,
            "variants": {"erf": dy * exact, "no_dy": B.gelu_backward(np.ones_like(x), x),
                         "no_product_rule": dy * 0.5 * (1.0 + t)}}


def layer_norm_backward_data(rng):
    x = rng.normal(1.0, 2.0, size=(2, 3, 5))
    gamma = rng.normal(1.0, 0.3, size=5)
    beta = rng.normal(0.0, 0.3, size=5)
    dy = rng.normal(size=x.shape)
    dx, dgamma, dbeta = B.layer_norm_backward(dy, x, gamma)
    f = lambda: float(np.sum(layer_norm(x, gamma, beta) * dy))  # noqa: E731
    _assert_fd(dx, f, x)
    _assert_fd(dgamma, f, gamma)
    _assert_fd(dbeta, f, beta)
    mean = x.mean(axis=-1, keepdims=True)
    inv_std = 1.0 / np.sqrt(x.var(axis=-1, keepdims=True) + 1e-5)
    x_hat = (x - mean) * inv_std
    g = dy * gamma
    return {
        "x": x, "gamma": gamma, "dy": dy, "dx": dx, "dgamma": dgamma, "dbeta": dbeta,
        "variants": {
            "constant_stats": g * inv_std,
            "no_mean_term": inv_std * (g - x_hat * np.mean(g * x_hat, axis=-1, keepdims=True)),
            "no_variance_term": inv_std * (g - np.mean(g, axis=-1, keepdims=True)),
            "no_gamma": B.layer_norm_backward(dy, x, np.ones(5))[0],
        },
    }


def softmax_backward_data(rng):
    scores = rng.normal(size=(2, 3, 4))
    y = softmax(scores)
    dy = rng.normal(size=y.shape)
    dx = B.softmax_backward(dy, y)
    _assert_fd(dx, lambda: float(np.sum(softmax(scores) * dy)), scores)
    return {"y": y, "dy": dy, "dx": dx,
            "variants": {"no_subtraction": y * dy, "diagonal_only": y * (1.0 - y) * dy}}


def attention_backward_data(rng):
    cases = {}
    # non-square: 2 batches, 4 queries, 5 keys, d_head 3, d_v 2, no mask
    q, k, v = rng.normal(size=(2, 4, 3)), rng.normal(size=(2, 5, 3)), rng.normal(size=(2, 5, 2))
    # heads and the causal mask: (batch 1, heads 2, seq 4, d_head 3)
    qm, km, vm = rng.normal(size=(1, 2, 4, 3)), rng.normal(size=(1, 2, 4, 3)), rng.normal(size=(1, 2, 4, 3))
    for name, (qq, kk, vv, mask) in {"plain": (q, k, v, None), "causal": (qm, km, vm, causal_mask(4))}.items():
        out, w = attention(qq, kk, vv, mask)
        dout = rng.normal(size=out.shape)
        dq, dk, dv = B.attention_backward(dout, qq, kk, vv, w)
        f = lambda: float(np.sum(attention(qq, kk, vv, mask)[0] * dout))  # noqa: E731
        for analytic, x in ((dq, qq), (dk, kk), (dv, vv)):
            _assert_fd(analytic, f, x)
        scale = math.sqrt(qq.shape[-1])
        cases[name] = {"q": qq, "k": kk, "v": vv, "weights": w, "dout": dout, "dq": dq, "dk": dk, "dv": dv,
                       "variants": {"dq_unscaled": dq * scale, "dk_unscaled": dk * scale}}
    return cases


def backward_data():
    params, config = tiny_params(seed=8)
    ids = np.array([[3, 0, 6, 2, 3], [1, 5, 0, 5, 2]])  # repeated tokens: 0, 2, 3 and 5
    targets = np.array([[0, 6, 2, 3, 1], [5, 0, 5, 2, 4]])
    logits, cache = M.forward(params, ids, config)
    grads = M.backward(params, cache, targets)
    loss = lambda: M.cross_entropy(M.forward(params, ids, config)[0], targets)  # noqa: E731
    for name, p in M.flatten_params(params).items():
        assert relative_error(M.flatten_params(grads)[name], numerical_gradient(loss, p)) < 1e-6, name
    # variants of the W_E gradient
    dlogits = M.cross_entropy_backward(logits, targets)
    h = cache["h"]
    unembed = dlogits.reshape(-1, config.vocab_size).T @ h.reshape(-1, config.d_model)
    embed_part = grads["W_E"] - unembed
    lost_repeats = unembed.copy()
    dx_embed = _embedding_input_grad(params, cache, targets)
    lost_repeats[ids] += dx_embed  # fancy-index += keeps only one write per repeated id
    stored_cache = {key: value for key, value in cache.items() if key != "config"}
    return {
        "config": asdict(config),
        "params": params,
        "cache": stored_cache,
        "targets": targets,
        "grads": grads,
        "variants": {
            "W_E_unembedding_only": unembed,
            "W_E_embedding_only": embed_part,
            "W_E_lost_repeats": lost_repeats,
            "blocks_forward_order": _grads_blocks_forward_order(params, cache, targets)["blocks"][0]["W_q"],
        },
    }


def _embedding_input_grad(params, cache, targets):
    dlogits = M.cross_entropy_backward(cache["logits"], targets)
    dx, _, _ = B.layer_norm_backward(dlogits @ params["W_E"], cache["x_final"], params["ln_f_g"])
    for p, c in zip(reversed(params["blocks"]), reversed(cache["blocks"])):
        dx, _ = M.block_backward(dx, c, p, cache["config"].n_heads)
    return dx


def _grads_blocks_forward_order(params, cache, targets):
    dlogits = M.cross_entropy_backward(cache["logits"], targets)
    dx, _, _ = B.layer_norm_backward(dlogits @ params["W_E"], cache["x_final"], params["ln_f_g"])
    out = []
    for p, c in zip(params["blocks"], cache["blocks"]):  # wrong order, wrong caches per gradient
        dx, g = M.block_backward(dx, c, p, cache["config"].n_heads)
        out.append(g)
    return {"blocks": out}


def adam_data(rng):
    param = rng.normal(size=(3, 4))
    grads = [rng.normal(size=(3, 4)) for _ in range(3)]
    p = param.copy()
    m, v = np.zeros_like(p), np.zeros_like(p)
    for t, g in enumerate(grads, start=1):
        O.adam_step(p, g, m, v, t, lr=0.01)
    tiny = np.full((2, 3), 1e-6) * np.array([1.0, -2.0, 3.0])
    p_tiny = np.zeros((2, 3))
    O.adam_step(p_tiny, tiny, np.zeros((2, 3)), np.zeros((2, 3)), 1, lr=0.01)
    return {"param": param, "grads": grads, "after3": p, "m3": m, "v3": v,
            "tiny_grad": tiny, "tiny_after": p_tiny}


def generate():
    rng = np.random.default_rng(70)
    return {
        "cross_entropy": cross_entropy_data(rng),
        "cross_entropy_backward": cross_entropy_backward_data(rng),
        "linear_backward": linear_backward_data(rng),
        "gelu_backward": gelu_backward_data(rng),
        "layer_norm_backward": layer_norm_backward_data(rng),
        "softmax_backward": softmax_backward_data(rng),
        "attention_backward": attention_backward_data(rng),
        "backward": backward_data(),
        "adam_step": adam_data(rng),
    }
