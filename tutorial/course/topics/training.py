"""Checks for 07_training: cross-entropy and its gradient, the hand-written backward passes,
the finite-difference gradient, the full backward pass and Adam.

Properties first (loss of a uniform prediction = ln V, shift invariance, gradients that
sum to zero where the forward pass is shift invariant, shapes of gradients equal shapes of
parameters, Adam's first step of size lr), stored reference values second. The stored
gradients agree with finite differences (tutorial/expected_data/training.py asserts it).
Stored "variants" (results of typical mistakes) only serve to name the mistake.
"""
import copy
import math
from types import SimpleNamespace

import numpy as np

from .. import data
from ..checking import exercise


def _same(actual, expected, atol=1e-7):
    actual = np.asarray(actual)
    return actual.shape == np.shape(expected) and bool(np.allclose(actual, expected, atol=atol, rtol=1e-6))


def _arr(a, precision=3):
    text = np.array2string(np.asarray(a), precision=precision, separator=", ", suppress_small=True,
                           max_line_width=10_000, threshold=30)
    return " ".join(text.split())


def _named(actual, variants, hints, default):
    """The hint of the first stored variant that ``actual`` equals, else ``default``."""
    return next((hint for key, hint in hints.items() if _same(actual, variants[key])), default)


def _triple(c, res, names, hint):
    c.require(isinstance(res, tuple) and len(res) == len(names), f"returns {len(names)} arrays ({', '.join(names)})",
              f"tuple ({', '.join(names)})", type(res).__name__, hint=hint)
    return res


def _scalar(c, value, hint):
    ok = isinstance(value, (float, np.floating)) or (isinstance(value, np.ndarray) and value.shape == ())
    c.require(ok, "returns one number (a float)", "float", f"{type(value).__name__}: {value!r}"[:120], hint=hint)
    return float(value)


# ---------------------------------------------------------------- cross-entropy

@exercise("cross_entropy")
def cross_entropy(c, ce_fn):
    """Check your cross_entropy function."""
    e = data.expected("cross_entropy")
    logits, targets = e["logits"], e["targets"]
    B, T, V = logits.shape
    uniform = np.zeros((B, T, V))
    loss0 = c.call(ce_fn, uniform, targets.copy(), label=f"cross_entropy(zeros {uniform.shape}, targets={_arr(targets)})",
                   hint="pick each position's target with np.take_along_axis(log_probs, targets[..., None], axis=-1)")
    loss0 = _scalar(c, loss0, "return the mean as a Python float: float(-np.mean(...))")
    c.require(math.isclose(loss0, math.log(V), rel_tol=1e-9), f"equal logits (a uniform prediction) give ln V = ln {V}",
              f"{math.log(V):.6f}", f"{loss0:.6f}",
              hint="-log(1/V) = ln V at every position: average -log softmax(logits)[target] over positions "
                   "(natural log, mean not sum)" if not math.isclose(loss0, B * T * math.log(V)) else
                   "divide by the number of positions: the loss is a mean, not a sum")
    label = f"cross_entropy(logits of shape {logits.shape}, targets={_arr(targets)})"
    loss = _scalar(c, c.call(ce_fn, logits.copy(), targets.copy(), label=label), "return float(...)")
    if not math.isclose(loss, e["loss"], rel_tol=1e-7):
        hints = {
            "sum": "divide by the number of positions: the loss is a mean, not a sum",
            "broadcast_index": "log_probs[..., targets] picks every target at every position: use "
                               "np.take_along_axis(log_probs, targets[..., None], axis=-1)",
            "no_log_softmax": "take the log-softmax first: log p = logits - logsumexp(logits) along the last axis",
            "all_tokens": "use only the log-probability of the target token at each position",
            "argmax_index": "pick the log-probability of the target, not of the most likely token",
            "log_base_2": "use the natural log (nats), np.log",
        }
        hint = next((h for k, h in hints.items() if math.isclose(loss, e["variants"][k], rel_tol=1e-7)),
                    "mean over positions of -log softmax(logits)[target]")
        c.fail("loss value", f"{e['loss']:.6f}", f"{loss:.6f}", hint=hint)
    c.passed += 1
    shifted = _scalar(c, c.call(ce_fn, logits + 123.0, targets.copy(), label=label + ", logits + 123"), "return float(...)")
    c.require(math.isclose(shifted, e["loss"], rel_tol=1e-7), "adding a constant to the logits changes nothing",
              f"{e['loss']:.6f}", f"{shifted:.6f}", hint="normalise with log-softmax: logits - logsumexp(logits)")
    huge, ht = e["huge"], e["huge_targets"]
    out = _scalar(c, c.call(ce_fn, huge.copy(), ht.copy(), label=f"cross_entropy({_arr(huge, 0)}, {_arr(ht)})"),
                  "return float(...)")
    c.require(math.isfinite(out) and math.isclose(out, e["huge_loss"], rel_tol=1e-7),
              "huge logits give a finite, correct loss", f"{e['huge_loss']:.6f}", f"{out}",
              hint="np.log(softmax(x)) is log(0) = -inf for tiny probabilities: compute "
                   "log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True)) "
                   "with shifted = logits - max")


# ---------------------------------------------------------------- its gradient

@exercise("cross_entropy_backward")
def cross_entropy_backward(c, fn):
    """Check your cross_entropy_backward function."""
    e = data.expected("cross_entropy_backward")
    logits, targets = e["logits"], e["targets"]
    label = f"cross_entropy_backward(logits of shape {logits.shape}, targets={_arr(targets)})"
    g = c.call(fn, logits.copy(), targets.copy(), label=label)
    c.shape(g, logits.shape, hint="one gradient entry per logit: the shape of logits")
    sums = np.asarray(g).sum(axis=-1)
    if not np.allclose(sums, 0.0, atol=1e-9):
        hint = _named(g, e["variants"], {"no_one_hot": "subtract 1 at the target: softmax(logits) - one_hot(targets)",
                                          "one_hot_added": "subtract the one-hot of the target, do not add it"},
                      "softmax(logits) - one_hot(targets), divided by the number of positions")
        c.fail("the gradient sums to 0 over the vocabulary at every position (probabilities sum to 1)",
               f"sums {_arr(np.zeros(sums.shape))}", f"sums {_arr(sums)}", hint=hint)
    c.passed += 1
    hint = _named(g, e["variants"], {"not_averaged": "the loss is a mean over positions: divide by targets.size"},
                  "(softmax(logits) - one_hot(targets)) / number_of_positions")
    c.close(g, e["grad"], "gradient values (they equal finite differences of the loss)", hint=hint)


# ---------------------------------------------------------------- layers

@exercise("linear_backward")
def linear_backward(c, fn):
    """Check your linear_backward function."""
    e = data.expected("linear_backward")
    x, W, dy = e["x"], e["W"], e["dy"]
    label = f"linear_backward(dy {dy.shape}, x {x.shape}, W {W.shape})"
    res = _triple(c, c.call(fn, dy.copy(), x.copy(), W.copy(), label=label,
                            hint="dx = dy @ W.T has the shape of x; dW = x^T @ dy (positions flattened) has the shape of W"),
                  ("dx", "dW", "db"), "return dx, dW, db")
    dx, dW, db = res
    c.shape(dx, x.shape, hint="dx has the shape of x: dy @ W.T")
    if isinstance(dW, np.ndarray) and dW.shape == W.shape[::-1]:
        c.fail("dW shape", f"shape {W.shape}", f"shape {dW.shape}",
               hint="dW has the shape of W (d_in, d_out): x^T @ dy, not dy^T @ x")
    c.shape(dW, W.shape, hint="dW has the shape of W: flatten the positions, x.reshape(-1, d_in).T @ dy.reshape(-1, d_out)")
    c.shape(db, (W.shape[1],), hint="db has the shape of b (d_out,): sum dy over every leading axis")
    c.close(dx, e["dx"], "dx", hint="dx = dy @ W.T")
    if _same(dW, e["variants"]["dW_first_batch"]):
        c.fail("dW", _arr(e["dW"][0]), _arr(np.asarray(dW)[0]),
               hint="W is used at every (batch, position): sum over all of them, flatten the leading axes")
    c.close(dW, e["dW"], "dW (summed over every batch element and position)",
            hint="dW = x.reshape(-1, d_in).T @ dy.reshape(-1, d_out)")
    hint = _named(db, e["variants"], {"db_mean": "sum db over positions, do not average (the loss already did)"},
                  "db = dy summed over every leading axis")
    c.close(db, e["db"], "db", hint=hint)


@exercise("gelu_backward")
def gelu_backward(c, fn):
    """Check your gelu_backward function."""
    e = data.expected("gelu_backward")
    x, dy = e["x"], e["dy"]
    dx = c.call(fn, dy.copy(), x.copy(), label=f"gelu_backward(dy {dy.shape}, x = {_arr(x, 1)})")
    c.shape(dx, x.shape, hint="the gradient has the shape of x")
    hints = {
        "erf": "that is the derivative of the exact (erf) GELU; ours is GPT-2's tanh form: differentiate "
               "0.5 x (1 + tanh(c (x + 0.044715 x^3)))",
        "no_dy": "multiply by dy (chain rule): return dy * gelu'(x)",
        "no_product_rule": "product rule: 0.5 x (1 + t) has two factors that depend on x; "
                           "d/dx tanh(u) = (1 - tanh(u)^2) u'",
    }
    c.close(dx, e["dx"], "dy * gelu'(x) (equal to finite differences)",
            hint=_named(dx, e["variants"], hints, "gelu'(x) = 0.5 (1 + t) + 0.5 x (1 - t^2) c (1 + 3 * 0.044715 x^2)"))


@exercise("layer_norm_backward")
def layer_norm_backward(c, fn):
    """Check your layer_norm_backward function."""
    e = data.expected("layer_norm_backward")
    x, gamma, dy = e["x"], e["gamma"], e["dy"]
    label = f"layer_norm_backward(dy {dy.shape}, x {x.shape}, gamma {gamma.shape})"
    dx, dgamma, dbeta = _triple(c, c.call(fn, dy.copy(), x.copy(), gamma.copy(), label=label),
                                ("dx", "dgamma", "dbeta"), "return dx, dgamma, dbeta")
    c.shape(dx, x.shape, hint="dx has the shape of x")
    c.shape(dgamma, gamma.shape, hint="dgamma has the shape of gamma: sum over every position")
    c.shape(dbeta, gamma.shape, hint="dbeta has the shape of beta: sum over every position")
    c.close(dbeta, e["dbeta"], "dbeta", hint="y = gamma * x_hat + beta: dbeta = dy summed over positions")
    c.close(dgamma, e["dgamma"], "dgamma", hint="dgamma = (dy * x_hat) summed over positions")
    v = e["variants"]
    sums = np.asarray(dx).sum(axis=-1)
    if not np.allclose(sums, 0.0, atol=1e-9):
        hint = _named(dx, v, {
            "constant_stats": "the mean and the variance depend on x too: dx = inv_std * (dx_hat - "
                              "mean(dx_hat) - x_hat * mean(dx_hat * x_hat)) with dx_hat = dy * gamma",
            "no_mean_term": "you left out the mean term: subtract mean(dx_hat) along the last axis",
        }, "layer norm ignores a constant added to x, so dx sums to 0 per position: subtract mean(dx_hat)")
        c.fail("dx sums to 0 at every position (adding a constant to x does not change layer norm)",
               f"sums {_arr(np.zeros(sums.shape))}", f"sums {_arr(sums)}", hint=hint)
    c.passed += 1
    hint = _named(dx, v, {"no_variance_term": "the variance depends on x: subtract x_hat * mean(dx_hat * x_hat) too",
                          "no_gamma": "dx_hat = dy * gamma: multiply by gamma first"},
                  "dx = inv_std * (dx_hat - mean(dx_hat) - x_hat * mean(dx_hat * x_hat)), means along the last axis")
    c.close(dx, e["dx"], "dx (equal to finite differences)", hint=hint)


@exercise("softmax_backward")
def softmax_backward(c, fn):
    """Check your softmax_backward function."""
    e = data.expected("softmax_backward")
    y, dy = e["y"], e["dy"]
    dx = c.call(fn, dy.copy(), y.copy(), label=f"softmax_backward(dy {dy.shape}, y = softmax(scores) {y.shape})")
    c.shape(dx, y.shape, hint="the gradient has the shape of the scores")
    sums = np.asarray(dx).sum(axis=-1)
    hints = {"no_subtraction": "every output depends on every score: dx = y * (dy - sum(dy * y, axis=-1, keepdims=True))",
             "diagonal_only": "y (1 - y) is only the diagonal of the Jacobian; the off-diagonal -y_i y_j terms give "
                              "dx = y * (dy - sum(dy * y, axis=-1, keepdims=True))"}
    if not np.allclose(sums, 0.0, atol=1e-9):
        c.fail("dx sums to 0 along the last axis (softmax ignores a constant added to the scores)",
               f"sums {_arr(np.zeros(sums.shape))}", f"sums {_arr(sums)}",
               hint=_named(dx, e["variants"], hints, "dx = y * (dy - sum(dy * y, axis=-1, keepdims=True))"))
    c.passed += 1
    c.close(dx, e["dx"], "dx (equal to finite differences)",
            hint="dx = y * (dy - sum(dy * y, axis=-1, keepdims=True)): keepdims for broadcasting")


@exercise("attention_backward", uses=('softmax_backward',))
def attention_backward(c, fn):
    """Check your attention_backward function (it uses your softmax_backward)."""
    for name, what in (("plain", "4 queries, 5 keys, no mask"), ("causal", "2 heads, causal mask")):
        e = data.expected("attention_backward")[name]
        q, k, v, w, dout = e["q"], e["k"], e["v"], e["weights"], e["dout"]
        label = f"attention_backward(dout {dout.shape}, q {q.shape}, k {k.shape}, v {v.shape}, weights {w.shape}): {what}"
        dq, dk, dv = _triple(c, c.call(fn, dout.copy(), q.copy(), k.copy(), v.copy(), w.copy(), label=label,
                                       hint="print the shapes: dv = weights^T @ dout, dweights = dout @ v^T, "
                                            "swap only the last two axes (np.swapaxes(a, -1, -2))"),
                             ("dq", "dk", "dv"), "return dq, dk, dv")
        for grad, x, gname, how in ((dq, q, "dq", "dscores @ k"), (dk, k, "dk", "dscores^T @ q"),
                                    (dv, v, "dv", "weights^T @ dout")):
            c.shape(grad, x.shape, hint=f"{gname} has the shape of {gname[1:]}: {gname} = {how} "
                                        "(transpose the last two axes only)")
        c.close(dv, e["dv"], "dv", hint="out = weights @ v, so dv = weights^T @ dout (np.swapaxes(weights, -1, -2))")
        for grad, gname in ((dq, "dq"), (dk, "dk")):
            hint = ("the scores were divided by sqrt(d_head): multiply the gradient by the same 1 / sqrt(d_head)"
                    if _same(grad, e["variants"][f"{gname}_unscaled"]) else
                    "dscores = softmax_backward(dout @ v^T, weights); dq = dscores @ k * scale, "
                    "dk = dscores^T @ q * scale")
            c.close(grad, e[gname], f"{gname} (equal to finite differences)", hint=hint)


# ---------------------------------------------------------------- the whole model

@exercise("backward", uses=('cross_entropy_backward', 'linear_backward', 'gelu_backward', 'layer_norm_backward', 'softmax_backward', 'attention_backward'))
def backward(c, fn):
    """Check your backward function (it uses the given block_backward and your layer backward passes)."""
    e = data.expected("backward")
    cache = copy.deepcopy(e["cache"])
    cache["config"] = SimpleNamespace(**e["config"])
    params, targets, want = e["params"], e["targets"], e["grads"]
    label = (f"backward(params, cache, targets) for a 2-block model, token_ids={_arr(cache['token_ids'])} "
             f"(tokens 0, 2, 3 and 5 repeated)")
    grads = c.call(fn, copy.deepcopy(params), cache, targets.copy(), label=label)
    c.type(grads, dict, hint="return the dict grads with the structure of params")
    keys = sorted(grads)
    c.equal(keys, sorted(want), "grads has the keys of params", hint="fill grads['W_E'], grads['blocks'], "
                                                                     "grads['ln_f_g'] and grads['ln_f_b']")
    c.require(isinstance(grads["blocks"], list) and len(grads["blocks"]) == len(want["blocks"]),
              "grads['blocks'] is a list with one dict per block", f"list of {len(want['blocks'])}",
              repr(type(grads["blocks"])), hint="collect the block gradients in a list, in the blocks' order")
    c.close(grads["ln_f_b"], want["ln_f_b"], "grads['ln_f_b']",
            hint="start from dlogits = cross_entropy_backward(...); dh = dlogits @ W_E; then layer_norm_backward")
    c.close(grads["ln_f_g"], want["ln_f_g"], "grads['ln_f_g']", hint="layer_norm_backward(dh, cache['x_final'], ln_f_g)")
    for i in reversed(range(len(want["blocks"]))):
        for key in sorted(want["blocks"][i]):
            got = np.asarray(grads["blocks"][i][key])
            hint = ("go through the blocks in reverse order (the last block first), each with its own cache: "
                    "zip(reversed(params['blocks']), reversed(cache['blocks']))"
                    if _same(np.asarray(grads["blocks"][0]["W_q"]), e["variants"]["blocks_forward_order"]) else
                    "dx flows from the final layer norm through block_backward of every block, last block first")
            c.close(got, want["blocks"][i][key], f"grads['blocks'][{i}]['{key}']", hint=hint)
    hints = {
        "W_E_unembedding_only": "W_E is used twice (tied): add the embedding part, np.add.at(dW_E, token_ids, dx)",
        "W_E_embedding_only": "W_E is used twice (tied): the unembedding logits = h @ W_E.T also gives "
                              "dW_E = dlogits^T @ h (positions flattened)",
        "W_E_lost_repeats": "dW_E[token_ids] += dx counts a repeated token only once: use np.add.at(dW_E, token_ids, dx)",
    }
    c.close(grads["W_E"], want["W_E"], "grads['W_E'] (equal to finite differences)",
            hint=_named(grads["W_E"], e["variants"], hints,
                        "dW_E = dlogits^T @ h (unembedding) plus np.add.at(dW_E, token_ids, dx) (embedding)"))


# ---------------------------------------------------------------- finite differences

@exercise("numerical_gradient")
def numerical_gradient(c, fn):
    """Check your numerical_gradient function (on a cubic with a known gradient)."""
    x0 = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])
    weights = np.array([[1.0, 2.0, -1.0], [0.5, -3.0, 1.5]])
    x = x0.copy()

    def f():
        return float(np.sum(weights * x ** 3))

    exact = 3.0 * weights * x0 ** 2
    g = c.call(fn, f, x, label="numerical_gradient(f, x) with f() = sum(w * x**3) for x of shape (2, 3)")
    c.shape(g, x0.shape, hint="one partial derivative per entry of x: np.zeros_like(x)")
    c.require(np.array_equal(x, x0), "x is restored after the call", _arr(x0), _arr(x),
              hint="put every entry back after perturbing it: x[i] = old")
    if np.allclose(g, 0.0):
        c.fail("gradient of sum(w * x**3) is 3 w x**2", _arr(exact), _arr(g),
               hint="perturb x itself: x.reshape(-1) is a view, x.flatten() and x.copy() are copies f() never sees")
    c.passed += 1
    g = np.asarray(g)
    if np.allclose(g, 2.0 * exact, rtol=1e-4):
        hint = "central differences divide by 2h: (f(x + h) - f(x - h)) / (2 * h)"
    elif np.allclose(g, exact, rtol=1e-3):
        hint = "use central differences (f(x + h) - f(x - h)) / (2 h): forward differences have an error of order h"
    else:
        hint = "for every entry i: (f() with x[i] + h  minus  f() with x[i] - h) / (2 h)"
    c.close(g, exact, "gradient of sum(w * x**3) is 3 w x**2 (to about 1e-9)", atol=1e-8, rtol=1e-8, hint=hint)


# ---------------------------------------------------------------- Adam

@exercise("adam_step")
def adam_step(c, fn):
    """Check your adam_step function."""
    e = data.expected("adam_step")
    param0, grads = e["param"], e["grads"]
    p, m, v = param0.copy(), np.zeros_like(param0), np.zeros_like(param0)
    label = "adam_step(param, grad, m=zeros, v=zeros, t=1, lr=0.01) with param, grad of shape (3, 4)"
    out = c.call(fn, p, grads[0].copy(), m, v, 1, 0.01, label=label)
    moved = np.abs(p - param0)
    if np.allclose(moved, 0.0) and isinstance(out, np.ndarray):
        c.fail("param is updated in place", "param changed", "param unchanged (a new array was returned)",
               hint="update the arrays in place (param -= ..., m *= ..., m += ...); the function returns None")
    c.require(not np.allclose(moved, 0.0), "param is updated in place", "param changed", "param unchanged",
              hint="param -= lr * m_hat / (np.sqrt(v_hat) + eps) changes the caller's array; param = param - ... does not")
    c.require(not np.allclose(m, 0.0) and not np.allclose(v, 0.0), "m and v are updated in place",
              "m, v changed", "m or v still zero", hint="m *= beta1; m += (1 - beta1) * grad (same for v with grad**2)")
    if np.allclose(moved, 0.01 * math.sqrt(1000) * 0.1, rtol=1e-3):
        hint = ("without bias correction the first step is 0.1 / sqrt(0.001) = 3.16 times too big: "
                "m_hat = m / (1 - beta1**t), v_hat = v / (1 - beta2**t)")
    else:
        hint = ("at t = 1, m_hat = grad and v_hat = grad**2 (v averages the squared gradient), so the step is "
                "lr * grad / |grad|: m_hat = m / (1 - beta1**t), v_hat = v / (1 - beta2**t)")
    c.close(moved, np.full(moved.shape, 0.01), "the first step moves every entry by lr = 0.01 against its gradient sign",
            rtol=1e-4, hint=hint)
    c.close(np.sign(param0 - p), np.sign(grads[0]), "the first step goes against the gradient",
            hint="param -= ..., not +=")
    for t, g in enumerate(grads[1:], start=2):
        c.call(fn, p, g.copy(), m, v, t, 0.01, label=f"two more steps (t = 2, 3) with new gradients")
    c.close(m, e["m3"], "m after 3 steps", hint="m = beta1 * m + (1 - beta1) * grad")
    c.close(v, e["v3"], "v after 3 steps", hint="v = beta2 * v + (1 - beta2) * grad**2")
    c.close(p, e["after3"], "param after 3 steps", hint="use the step number t in the bias correction: beta1**t")
    tiny = e["tiny_grad"]
    p = np.zeros(tiny.shape)
    c.call(fn, p, tiny.copy(), np.zeros(tiny.shape), np.zeros(tiny.shape), 1, 0.01,
           label=f"adam_step(zeros, grad={_arr(tiny)}, zeros, zeros, t=1, lr=0.01)")
    c.close(p, e["tiny_after"], "tiny gradients (1e-6) still give steps of about lr",
            hint="eps goes outside the square root: lr * m_hat / (np.sqrt(v_hat) + eps)")
