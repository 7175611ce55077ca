"""Wrong implementations for 05_block."""
import importlib
import math

import numpy as np

from . import reference, wrong

L = importlib.import_module("numpy_transformer.layers")
A = importlib.import_module("numpy_transformer.attention")

for _name in ("layer_norm", "gelu", "mlp", "transformer_block"):
    reference(_name, getattr(L, _name))


# ---- layer_norm

def _ln(x, gamma, beta, eps=1e-5, axis=-1, ddof=0, eps_outside=False):
    mean = x.mean(axis=axis, keepdims=True)
    var = x.var(axis=axis, ddof=ddof, keepdims=True)
    x_hat = (x - mean) / (np.sqrt(var) + eps if eps_outside else np.sqrt(var + eps))
    return gamma * x_hat + beta


@wrong("layer_norm", hint="biased variance")
def unbiased_variance(x, gamma, beta, eps=1e-5):
    return _ln(x, gamma, beta, eps, ddof=1)


@wrong("layer_norm", hint="epsilon goes inside the square root")
def eps_outside_sqrt(x, gamma, beta, eps=1e-5):
    return _ln(x, gamma, beta, eps, eps_outside=True)


@wrong("layer_norm", hint="you normalised over axis 0")
def normalises_over_batch_axis(x, gamma, beta, eps=1e-5):
    return _ln(x, gamma, beta, eps, axis=0)


@wrong("layer_norm", hint="you normalised over axis 1")
def normalises_over_sequence_axis(x, gamma, beta, eps=1e-5):
    return _ln(x, gamma, beta, eps, axis=1 if x.ndim == 3 else 0)


@wrong("layer_norm", hint="you normalised the whole array at once")
def normalises_whole_array(x, gamma, beta, eps=1e-5):
    return _ln(x, gamma, beta, eps, axis=None)


@wrong("layer_norm", hint="gamma and beta are swapped")
def gamma_beta_swapped(x, gamma, beta, eps=1e-5):
    return _ln(x, beta, gamma, eps)


@wrong("layer_norm", hint="use the eps argument")
def eps_argument_ignored(x, gamma, beta, eps=1e-5):
    return _ln(x, gamma, beta, 1e-5)


@wrong("layer_norm", hint="add eps (the argument) to the variance")
def no_eps(x, gamma, beta, eps=1e-5):
    return _ln(x, gamma, beta, 0.0)


@wrong("layer_norm", hint="scale then shift")
def ignores_gamma_and_beta(x, gamma, beta, eps=1e-5):
    return _ln(x, 1.0, 0.0, eps)


# ---- gelu

@wrong("gelu", hint="exact GELU")
def exact_erf_gelu(x):
    return 0.5 * x * (1.0 + np.vectorize(math.erf)(x / math.sqrt(2.0)))


@wrong("gelu", hint="this is ReLU")
def relu_instead_of_gelu(x):
    return np.maximum(x, 0.0)


@wrong("gelu", hint="sigmoid approximation")
def sigmoid_approximation(x):
    return x / (1.0 + np.exp(-1.702 * x))


@wrong("gelu", hint="the factor 0.5 is missing")
def missing_half(x):
    return x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


@wrong("gelu", hint="0.044715 * x**3")
def square_instead_of_cube(x):
    return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 2)))


@wrong("gelu", hint="np.sqrt(...) returns a float64 NumPy scalar")
def numpy_constant_upcasts_float32(x):
    return 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x ** 3)))


# ---- mlp

@wrong("mlp", hint="went through ReLU")
def mlp_with_relu(x, W1, b1, W2, b2):
    return np.maximum(x @ W1 + b1, 0.0) @ W2 + b2


@wrong("mlp", hint="between the two layers only")
def mlp_gelu_after_both_layers(x, W1, b1, W2, b2):
    return L.gelu(L.gelu(x @ W1 + b1) @ W2 + b2)


@wrong("mlp", hint="apply gelu to the hidden layer")
def mlp_without_activation(x, W1, b1, W2, b2):
    return (x @ W1 + b1) @ W2 + b2


@wrong("mlp", hint="(d_in, d_out), applied as x @ W + b")
def mlp_weights_transposed(x, W1, b1, W2, b2):
    return L.gelu(x @ W1.T + b1) @ W2.T + b2


# ---- transformer_block

def _attn(h, p, n_heads, mask):
    return A.multi_head_attention(h, p["W_q"], p["b_q"], p["W_k"], p["b_k"], p["W_v"], p["b_v"],
                                  p["W_o"], p["b_o"], n_heads, mask)[0]


def _mlp(h, p):
    return L.mlp(h, p["W1"], p["b1"], p["W2"], p["b2"])


def _ln_p(h, p, name):
    return L.layer_norm(h, p[name + "_g"], p[name + "_b"])


@wrong("transformer_block", hint="post-norm")
def post_norm(x, params, n_heads):
    p, mask = params, A.causal_mask(x.shape[1])
    x = _ln_p(x + _attn(x, p, n_heads, mask), p, "ln1")
    return _ln_p(x + _mlp(x, p), p, "ln2")


@wrong("transformer_block", hint="missing residual")
def no_residual(x, params, n_heads):
    p, mask = params, A.causal_mask(x.shape[1])
    x = _attn(_ln_p(x, p, "ln1"), p, n_heads, mask)
    return _mlp(_ln_p(x, p, "ln2"), p)


@wrong("transformer_block", hint="missing residual")
def no_residual_around_attention(x, params, n_heads):
    p, mask = params, A.causal_mask(x.shape[1])
    x = _attn(_ln_p(x, p, "ln1"), p, n_heads, mask)
    return x + _mlp(_ln_p(x, p, "ln2"), p)


@wrong("transformer_block", hint="pass causal_mask(seq) to multi_head_attention")
def no_causal_mask(x, params, n_heads):
    p = params
    x = x + _attn(_ln_p(x, p, "ln1"), p, n_heads, None)
    return x + _mlp(_ln_p(x, p, "ln2"), p)


@wrong("transformer_block", hint="the MLP must read the stream after the attention output was added")
def parallel_sublayers(x, params, n_heads):
    p, mask = params, A.causal_mask(x.shape[1])
    return x + _attn(_ln_p(x, p, "ln1"), p, n_heads, mask) + _mlp(_ln_p(x, p, "ln2"), p)


@wrong("transformer_block", hint="its own parameters: ln2_g, ln2_b")
def first_layer_norm_twice(x, params, n_heads):
    p, mask = params, A.causal_mask(x.shape[1])
    x = x + _attn(_ln_p(x, p, "ln1"), p, n_heads, mask)
    return x + _mlp(_ln_p(x, p, "ln1"), p)


@wrong("transformer_block", hint="normalise the input of each sub-layer")
def no_layer_norm(x, params, n_heads):
    p, mask = params, A.causal_mask(x.shape[1])
    x = x + _attn(x, p, n_heads, mask)
    return x + _mlp(x, p)
