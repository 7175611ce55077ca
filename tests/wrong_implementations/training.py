"""Wrong implementations for 07_training: loss, backward passes, finite differences, Adam."""
import math

import numpy as np

from numpy_transformer import backprop as B
from numpy_transformer import gradcheck as GC
from numpy_transformer import model as M
from numpy_transformer import optim as O
from numpy_transformer.attention import softmax

from . import reference, wrong

reference("cross_entropy", M.cross_entropy)
reference("cross_entropy_backward", M.cross_entropy_backward)
reference("linear_backward", B.linear_backward)
reference("gelu_backward", B.gelu_backward)
reference("layer_norm_backward", B.layer_norm_backward)
reference("softmax_backward", B.softmax_backward)
reference("attention_backward", B.attention_backward)
reference("backward", M.backward)
reference("numerical_gradient", GC.numerical_gradient)
reference("adam_step", O.adam_step)


def _log_probs(logits):
    shifted = logits - np.max(logits, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


# ---------------------------------------------------------------- cross_entropy

@wrong("cross_entropy", hint="np.take_along_axis(log_probs, targets[..., None], axis=-1)")
def log_of_every_target_at_every_position(logits, targets):
    return float(-np.mean(_log_probs(logits)[..., np.asarray(targets)]))


@wrong("cross_entropy", hint="the loss is a mean, not a sum")
def sum_instead_of_mean(logits, targets):
    return float(-np.sum(np.take_along_axis(_log_probs(logits), np.asarray(targets)[..., None], axis=-1)))


@wrong("cross_entropy", hint="not of the most likely token")
def log_prob_of_argmax(logits, targets):
    return float(-np.mean(np.max(_log_probs(logits), axis=-1)))


@wrong("cross_entropy", hint="log(0) = -inf")
def log_of_unstable_softmax(logits, targets):
    p = np.exp(logits) / np.sum(np.exp(logits), axis=-1, keepdims=True)
    return float(-np.mean(np.log(np.take_along_axis(p, np.asarray(targets)[..., None], axis=-1))))


@wrong("cross_entropy", hint="natural log")
def log_base_two(logits, targets):
    return M.cross_entropy(logits, targets) / math.log(2.0)


# ---------------------------------------------------------------- cross_entropy_backward

@wrong("cross_entropy_backward", hint="subtract 1 at the target")
def no_one_hot_subtracted(logits, targets):
    return softmax(logits, axis=-1) / np.asarray(targets).size


@wrong("cross_entropy_backward", hint="divide by targets.size")
def gradient_of_the_sum(logits, targets):
    return M.cross_entropy_backward(logits, targets) * np.asarray(targets).size


# ---------------------------------------------------------------- linear_backward

@wrong("linear_backward", hint="dx = dy @ W.T")
def transposes_swapped(dy, x, W):
    dx = dy @ W  # (.., d_out) @ (d_in, d_out): fails when d_in != d_out
    dW = dy.reshape(-1, dy.shape[-1]).T @ x.reshape(-1, x.shape[-1])
    return dx, dW, dy.reshape(-1, dy.shape[-1]).sum(axis=0)


@wrong("linear_backward", hint="x^T @ dy, not dy^T @ x")
def dW_transposed(dy, x, W):
    dx, dW, db = B.linear_backward(dy, x, W)
    return dx, dW.T, db


@wrong("linear_backward", hint="sum over all of them")
def dW_from_first_batch_only(dy, x, W):
    dx, _, db = B.linear_backward(dy, x, W)
    return dx, x[0].T @ dy[0], db


@wrong("linear_backward", hint="do not average")
def db_averaged(dy, x, W):
    dx, dW, _ = B.linear_backward(dy, x, W)
    return dx, dW, dy.reshape(-1, dy.shape[-1]).mean(axis=0)


# ---------------------------------------------------------------- gelu_backward

@wrong("gelu_backward", hint="derivative of the exact (erf) GELU")
def erf_derivative(dy, x):
    erf = np.vectorize(math.erf)
    return dy * (0.5 * (1.0 + erf(x / math.sqrt(2.0))) + x * np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi))


@wrong("gelu_backward", hint="multiply by dy")
def forgets_dy(dy, x):
    return B.gelu_backward(np.ones_like(x), x)


@wrong("gelu_backward", hint="product rule")
def no_product_rule(dy, x):
    t = np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3))
    return dy * 0.5 * (1.0 + t)


# ---------------------------------------------------------------- layer_norm_backward

def _ln_parts(dy, x, gamma, eps=1e-5):
    mean = x.mean(axis=-1, keepdims=True)
    inv_std = 1.0 / np.sqrt(x.var(axis=-1, keepdims=True) + eps)
    x_hat = (x - mean) * inv_std
    dgamma = (dy * x_hat).reshape(-1, x.shape[-1]).sum(axis=0)
    dbeta = dy.reshape(-1, x.shape[-1]).sum(axis=0)
    return dy * gamma, x_hat, inv_std, dgamma, dbeta


@wrong("layer_norm_backward", hint="you left out the mean term")
def ignores_the_mean_term(dy, x, gamma, eps=1e-5):
    g, x_hat, inv_std, dgamma, dbeta = _ln_parts(dy, x, gamma, eps)
    return inv_std * (g - x_hat * np.mean(g * x_hat, axis=-1, keepdims=True)), dgamma, dbeta


@wrong("layer_norm_backward", hint="the variance depends on x")
def ignores_the_variance_term(dy, x, gamma, eps=1e-5):
    g, x_hat, inv_std, dgamma, dbeta = _ln_parts(dy, x, gamma, eps)
    return inv_std * (g - np.mean(g, axis=-1, keepdims=True)), dgamma, dbeta


@wrong("layer_norm_backward", hint="the mean and the variance depend on x too")
def treats_mean_and_var_as_constants(dy, x, gamma, eps=1e-5):
    g, x_hat, inv_std, dgamma, dbeta = _ln_parts(dy, x, gamma, eps)
    return g * inv_std, dgamma, dbeta


@wrong("layer_norm_backward", hint="dgamma = (dy * x_hat) summed over positions")
def dgamma_from_dy_only(dy, x, gamma, eps=1e-5):
    dx, _, dbeta = B.layer_norm_backward(dy, x, gamma, eps)
    return dx, dbeta.copy(), dbeta


# ---------------------------------------------------------------- softmax_backward

@wrong("softmax_backward", hint="every output depends on every score")
def elementwise_product_only(dy, y):
    return y * dy


@wrong("softmax_backward", hint="only the diagonal of the Jacobian")
def diagonal_jacobian_only(dy, y):
    return y * (1.0 - y) * dy


# ---------------------------------------------------------------- attention_backward

@wrong("attention_backward", hint="multiply the gradient by the same 1 / sqrt(d_head)")
def forgets_the_scale(dout, q, k, v, weights):
    dq, dk, dv = B.attention_backward(dout, q, k, v, weights)
    s = math.sqrt(q.shape[-1])
    return dq * s, dk * s, dv


@wrong("attention_backward", hint="dv = weights^T @ dout")
def dv_without_transpose(dout, q, k, v, weights):
    dq, dk, _ = B.attention_backward(dout, q, k, v, weights)
    return dq, dk, weights @ dout  # (.., seq_q, seq_k) @ (.., seq_q, d_v): fails when seq_q != seq_k


@wrong("attention_backward", hint="swap only the last two axes")
def full_transpose_with_batch_axes(dout, q, k, v, weights):
    scale = 1.0 / math.sqrt(q.shape[-1])
    dweights = dout @ v.T  # reverses every axis: wrong with a batch axis
    dv = weights.T @ dout
    dscores = B.softmax_backward(dweights, weights)
    return dscores @ k * scale, dscores.T @ q * scale, dv


# ---------------------------------------------------------------- backward (whole model)

def _backward(params, cache, targets, unembed=True, embed="add_at", order="reverse"):
    W_E = params["W_E"]
    grads = {}
    dlogits = M.cross_entropy_backward(cache["logits"], targets)
    h = cache["h"]
    dW_E = np.zeros_like(W_E)
    if unembed:
        dW_E += dlogits.reshape(-1, dlogits.shape[-1]).T @ h.reshape(-1, h.shape[-1])
    dx, grads["ln_f_g"], grads["ln_f_b"] = B.layer_norm_backward(dlogits @ W_E, cache["x_final"], params["ln_f_g"])
    pairs = list(zip(params["blocks"], cache["blocks"]))
    block_grads = []
    for p, c in (reversed(pairs) if order == "reverse" else pairs):
        dx, g = M.block_backward(dx, c, p, cache["config"].n_heads)
        block_grads.append(g)
    grads["blocks"] = block_grads[::-1] if order == "reverse" else block_grads
    if embed == "add_at":
        np.add.at(dW_E, cache["token_ids"], dx)
    elif embed == "fancy":
        dW_E[cache["token_ids"]] += dx
    grads["W_E"] = dW_E
    return grads


@wrong("backward", hint="add the embedding part")
def W_E_gets_only_the_unembedding_gradient(params, cache, targets):
    return _backward(params, cache, targets, embed=None)


@wrong("backward", hint="the unembedding logits = h @ W_E.T also gives")
def W_E_gets_only_the_embedding_gradient(params, cache, targets):
    return _backward(params, cache, targets, unembed=False)


@wrong("backward", hint="counts a repeated token only once")
def fancy_index_loses_repeated_tokens(params, cache, targets):
    return _backward(params, cache, targets, embed="fancy")


@wrong("backward", hint="go through the blocks in reverse order")
def blocks_in_forward_order(params, cache, targets):
    return _backward(params, cache, targets, order="forward")


# ---------------------------------------------------------------- numerical_gradient

@wrong("numerical_gradient", hint="forward differences have an error of order h")
def forward_difference(f, x, h=1e-5):
    grad = np.zeros_like(x)
    flat_x, flat_g = x.reshape(-1), grad.reshape(-1)
    f0 = f()
    for i in range(flat_x.size):
        old = flat_x[i]
        flat_x[i] = old + h
        flat_g[i] = (f() - f0) / h
        flat_x[i] = old
    return grad


@wrong("numerical_gradient", hint="divide by 2h")
def central_difference_over_h(f, x, h=1e-5):
    return 2.0 * GC.numerical_gradient(f, x, h)


@wrong("numerical_gradient", hint="put every entry back")
def does_not_restore_x(f, x, h=1e-5):
    grad = np.zeros_like(x)
    flat_x, flat_g = x.reshape(-1), grad.reshape(-1)
    for i in range(flat_x.size):
        old = flat_x[i]
        flat_x[i] = old + h
        f_plus = f()
        flat_x[i] = old - h
        flat_g[i] = (f_plus - f()) / (2 * h)
    return grad


@wrong("numerical_gradient", hint="x.flatten() and x.copy() are copies")
def perturbs_a_copy(f, x, h=1e-5):
    grad = np.zeros_like(x)
    flat_x, flat_g = x.flatten(), grad.reshape(-1)
    for i in range(flat_x.size):
        old = flat_x[i]
        flat_x[i] = old + h
        f_plus = f()
        flat_x[i] = old - h
        flat_g[i] = (f_plus - f()) / (2 * h)
        flat_x[i] = old
    return grad


# ---------------------------------------------------------------- adam_step

@wrong("adam_step", hint="without bias correction the first step is")
def no_bias_correction(param, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m *= beta1
    m += (1.0 - beta1) * grad
    v *= beta2
    v += (1.0 - beta2) * grad**2
    param -= lr * m / (np.sqrt(v) + eps)


@wrong("adam_step", hint="the function returns None")
def returns_new_param(param, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    p = param.copy()
    O.adam_step(p, grad, m, v, t, lr, beta1, beta2, eps)
    return p


@wrong("adam_step", hint="eps goes outside the square root")
def eps_inside_sqrt(param, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m *= beta1
    m += (1.0 - beta1) * grad
    v *= beta2
    v += (1.0 - beta2) * grad**2
    param -= lr * (m / (1.0 - beta1**t)) / np.sqrt(v / (1.0 - beta2**t) + eps)


@wrong("adam_step", hint="v averages the squared gradient")
def v_without_square(param, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m *= beta1
    m += (1.0 - beta1) * grad
    v *= beta2
    v += (1.0 - beta2) * np.abs(grad)
    param -= lr * (m / (1.0 - beta1**t)) / (np.sqrt(v / (1.0 - beta2**t)) + eps)


@wrong("adam_step", hint="param -= ..., not +=")
def steps_uphill(param, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    O.adam_step(param, -grad, m, v, t, lr, beta1, beta2, eps)
    m *= -1.0
