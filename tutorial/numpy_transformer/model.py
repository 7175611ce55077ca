"""A small decoder-only transformer: parameters, forward pass, loss and backward pass.

Layout (GPT-2 style, with the course's fixed sinusoidal positions)::

    x = W_E[token_ids] + positional_encoding(T, d_model)
    for each block:  x = x + attn(ln1(x));  x = x + mlp(ln2(x))
    logits = ln_f(x) @ W_E.T            # tied unembedding

Parameters are a dict::

    {"W_E": (vocab_size, d_model),
     "blocks": [ {ln1_g, ln1_b, W_q, b_q, W_k, b_k, W_v, b_v, W_o, b_o,
                  ln2_g, ln2_b, W1, b1, W2, b2}, ... n_layers ],
     "ln_f_g": (d_model,), "ln_f_b": (d_model,)}

and gradients have exactly the same structure.
"""
from dataclasses import dataclass

import numpy as np

from .attention import attention, causal_mask, merge_heads, softmax, split_heads
from .backprop import (
    attention_backward,
    gelu_backward,
    layer_norm_backward,
    linear_backward,
)
from .embeddings import embed, positional_encoding
from .layers import gelu, layer_norm


@dataclass(frozen=True)
class ModelConfig:
    """Sizes of the model.

    Attributes
    ----------
    vocab_size : int
    d_model : int
        Width of the residual stream.
    n_heads : int
        Attention heads per block; must divide ``d_model``.
    n_layers : int
        Number of transformer blocks.
    d_mlp : int
        Hidden width of the MLP (usually ``4 * d_model``).
    max_seq_len : int
        Longest context the model is used with.
    """

    vocab_size: int
    d_model: int = 48
    n_heads: int = 2
    n_layers: int = 1
    d_mlp: int = 192
    max_seq_len: int = 16

    def __post_init__(self):
        if self.d_model % self.n_heads != 0:
            raise ValueError(f"n_heads={self.n_heads} must divide d_model={self.d_model}")


BLOCK_KEYS = ("ln1_g", "ln1_b", "W_q", "b_q", "W_k", "b_k", "W_v", "b_v", "W_o", "b_o",
              "ln2_g", "ln2_b", "W1", "b1", "W2", "b2")


def init_params(config, rng, dtype=np.float64):
    """Random initial parameters.

    Weight matrices and the embedding are drawn from N(0, 0.02**2); biases and layer
    norm shifts are 0, layer norm scales are 1.

    Parameters
    ----------
    config : ModelConfig
    rng : np.random.Generator
        Source of every random number (no global NumPy random state).
    dtype : numpy dtype, optional

    Returns
    -------
    dict
        ``{"W_E": (vocab_size, d_model), "blocks": [...], "ln_f_g": (d_model,),
        "ln_f_b": (d_model,)}``, with one dict per layer in ``blocks`` holding
        ``ln1_g, ln1_b, W_q, b_q, W_k, b_k, W_v, b_v, W_o, b_o, ln2_g, ln2_b, W1, b1,
        W2, b2`` (their shapes are in the code below).
    """
    d, m = config.d_model, config.d_mlp

    def normal(*shape):
        return (0.02 * rng.standard_normal(shape)).astype(dtype)

    def zeros(n):
        return np.zeros(n, dtype=dtype)

    def ones(n):
        return np.ones(n, dtype=dtype)

    ### BEGIN SOLUTION
    blocks = []
    for _ in range(config.n_layers):
        blocks.append({
            "ln1_g": ones(d), "ln1_b": zeros(d),
            "W_q": normal(d, d), "b_q": zeros(d),
            "W_k": normal(d, d), "b_k": zeros(d),
            "W_v": normal(d, d), "b_v": zeros(d),
            "W_o": normal(d, d), "b_o": zeros(d),
            "ln2_g": ones(d), "ln2_b": zeros(d),
            "W1": normal(d, m), "b1": zeros(m),
            "W2": normal(m, d), "b2": zeros(d),
        })
    return {"W_E": normal(config.vocab_size, d), "blocks": blocks,
            "ln_f_g": ones(d), "ln_f_b": zeros(d)}
    ### END SOLUTION


def flatten_params(params):
    """Flat ``{name: array}`` view of a parameter (or gradient) dict.

    Names are ``"W_E"``, ``"ln_f_g"``, ``"blocks.0.W_q"``, ... The arrays are the same
    objects as in ``params`` (no copies), so in-place updates reach ``params``.
    """
    flat = {"W_E": params["W_E"]}
    for i, block in enumerate(params["blocks"]):
        for key in BLOCK_KEYS:
            flat[f"blocks.{i}.{key}"] = block[key]
    flat["ln_f_g"] = params["ln_f_g"]
    flat["ln_f_b"] = params["ln_f_b"]
    return flat


def unflatten_params(flat):
    """Inverse of ``flatten_params``."""
    n_layers = len({name.split(".")[1] for name in flat if name.startswith("blocks.")})
    blocks = [{key: flat[f"blocks.{i}.{key}"] for key in BLOCK_KEYS} for i in range(n_layers)]
    return {"W_E": flat["W_E"], "blocks": blocks,
            "ln_f_g": flat["ln_f_g"], "ln_f_b": flat["ln_f_b"]}


def block_forward(x, p, n_heads, mask):
    """``transformer_block`` that also returns what its backward pass needs.

    Parameters
    ----------
    x : np.ndarray, shape (batch, seq, d_model)
    p : dict
        One block's parameters.
    n_heads : int
    mask : np.ndarray of bool, shape (seq, seq)

    Returns
    -------
    out : np.ndarray, shape (batch, seq, d_model)
    cache : dict
    """
    a_in = layer_norm(x, p["ln1_g"], p["ln1_b"])
    q = split_heads(a_in @ p["W_q"] + p["b_q"], n_heads)
    k = split_heads(a_in @ p["W_k"] + p["b_k"], n_heads)
    v = split_heads(a_in @ p["W_v"] + p["b_v"], n_heads)
    heads, weights = attention(q, k, v, mask)
    merged = merge_heads(heads)
    x1 = x + merged @ p["W_o"] + p["b_o"]
    m_in = layer_norm(x1, p["ln2_g"], p["ln2_b"])
    pre = m_in @ p["W1"] + p["b1"]
    act = gelu(pre)
    out = x1 + act @ p["W2"] + p["b2"]
    cache = dict(x=x, a_in=a_in, q=q, k=k, v=v, weights=weights, merged=merged,
                 x1=x1, m_in=m_in, pre=pre, act=act)
    return out, cache


def block_backward(dout, cache, p, n_heads):
    """Backward pass of ``block_forward``.

    Parameters
    ----------
    dout : np.ndarray, shape (batch, seq, d_model)
        Gradient with respect to the block output.
    cache : dict
        From ``block_forward``.
    p : dict
        The block's parameters.
    n_heads : int

    Returns
    -------
    dx : np.ndarray, shape (batch, seq, d_model)
        Gradient with respect to the block input.
    grads : dict
        Same keys and shapes as ``p``.
    """
    c, g = cache, {}
    ### BEGIN SOLUTION
    # MLP sub-layer: out = x1 + gelu(ln2(x1) @ W1 + b1) @ W2 + b2
    dx1 = dout.copy()  # the residual path passes the gradient through unchanged
    dact, g["W2"], g["b2"] = linear_backward(dout, c["act"], p["W2"])
    dpre = gelu_backward(dact, c["pre"])
    dm_in, g["W1"], g["b1"] = linear_backward(dpre, c["m_in"], p["W1"])
    dx1_ln, g["ln2_g"], g["ln2_b"] = layer_norm_backward(dm_in, c["x1"], p["ln2_g"])
    dx1 += dx1_ln

    # Attention sub-layer: x1 = x + merge(attention(q, k, v)) @ W_o + b_o
    dx = dx1.copy()
    dmerged, g["W_o"], g["b_o"] = linear_backward(dx1, c["merged"], p["W_o"])
    dheads = split_heads(dmerged, n_heads)  # merge_heads is a reshape: undo it
    dq, dk, dv = attention_backward(dheads, c["q"], c["k"], c["v"], c["weights"])
    da_in = 0.0
    for name, dproj in (("q", dq), ("k", dk), ("v", dv)):
        da, g[f"W_{name}"], g[f"b_{name}"] = linear_backward(
            merge_heads(dproj), c["a_in"], p[f"W_{name}"])
        da_in = da_in + da  # a_in feeds all three projections
    dx_ln, g["ln1_g"], g["ln1_b"] = layer_norm_backward(da_in, c["x"], p["ln1_g"])
    dx += dx_ln
    ### END SOLUTION
    return dx, g


def forward(params, token_ids, config):
    """Logits for every position, plus a cache for ``backward``.

    Parameters
    ----------
    params : dict
    token_ids : np.ndarray of int, shape (batch, seq)
        ``seq <= config.max_seq_len``.
    config : ModelConfig

    Returns
    -------
    logits : np.ndarray, shape (batch, seq, vocab_size)
        ``logits[b, t]`` scores the token that follows ``token_ids[b, :t + 1]``.
    cache : dict
        Intermediate values for ``backward``.
    """
    token_ids = np.asarray(token_ids)
    T = token_ids.shape[1]
    if T > config.max_seq_len:
        raise ValueError(f"sequence length {T} exceeds max_seq_len={config.max_seq_len}")
    W_E = params["W_E"]
    ### BEGIN SOLUTION
    x = embed(token_ids, W_E) + positional_encoding(T, config.d_model).astype(W_E.dtype)
    mask = causal_mask(T)
    block_caches = []
    for p in params["blocks"]:
        x, block_cache = block_forward(x, p, config.n_heads, mask)
        block_caches.append(block_cache)
    h = layer_norm(x, params["ln_f_g"], params["ln_f_b"])
    logits = h @ W_E.T  # tied: the same matrix embeds and unembeds
    ### END SOLUTION
    cache = dict(config=config, token_ids=token_ids, blocks=block_caches, x_final=x, h=h,
                 logits=logits)
    return logits, cache


def cross_entropy(logits, targets):
    """Mean next-token cross-entropy in nats.

    Parameters
    ----------
    logits : np.ndarray, shape (..., vocab_size)
    targets : np.ndarray of int, shape (...)
        The correct next token at every position.

    Returns
    -------
    float
        ``mean(-log softmax(logits)[target])`` over all positions; about
        ``log(vocab_size)`` for an untrained model.
    """
    ### BEGIN SOLUTION
    shifted = logits - np.max(logits, axis=-1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))
    picked = np.take_along_axis(log_probs, np.asarray(targets)[..., None], axis=-1)
    return float(-np.mean(picked))
    ### END SOLUTION


def cross_entropy_backward(logits, targets):
    """Gradient of ``cross_entropy(logits, targets)`` with respect to ``logits``.

    Returns
    -------
    np.ndarray, same shape as ``logits``
        ``(softmax(logits) - one_hot(targets)) / number_of_positions``.
    """
    ### BEGIN SOLUTION
    targets = np.asarray(targets)
    dlogits = softmax(logits, axis=-1)
    np.put_along_axis(dlogits, targets[..., None],
                      np.take_along_axis(dlogits, targets[..., None], axis=-1) - 1.0, axis=-1)
    return dlogits / targets.size
    ### END SOLUTION


def backward(params, cache, targets):
    """Gradients of ``cross_entropy(logits, targets)`` for every parameter.

    Parameters
    ----------
    params : dict
    cache : dict
        From ``forward(params, token_ids, config)``.
    targets : np.ndarray of int, shape (batch, seq)

    Returns
    -------
    dict
        Same structure and shapes as ``params``.
    """
    W_E = params["W_E"]
    grads = {}
    ### BEGIN SOLUTION
    dlogits = cross_entropy_backward(cache["logits"], targets)
    h = cache["h"]
    # logits = h @ W_E.T: W_E gets a gradient here and again at the embedding lookup.
    dW_E = dlogits.reshape(-1, dlogits.shape[-1]).T @ h.reshape(-1, h.shape[-1])
    dh = dlogits @ W_E
    dx, grads["ln_f_g"], grads["ln_f_b"] = layer_norm_backward(
        dh, cache["x_final"], params["ln_f_g"])
    block_grads = []
    for p, block_cache in zip(reversed(params["blocks"]), reversed(cache["blocks"])):
        dx, g = block_backward(dx, block_cache, p, cache["config"].n_heads)
        block_grads.append(g)
    grads["blocks"] = block_grads[::-1]
    # x = W_E[ids] + PE: the positional encoding is fixed; each row of W_E collects
    # the gradient of every position where its token occurs (add.at sums repeats).
    np.add.at(dW_E, cache["token_ids"], dx)
    grads["W_E"] = dW_E
    ### END SOLUTION
    return grads


def loss_and_grads(params, token_ids, targets, config):
    """Forward, loss and backward in one call: returns ``(loss, grads)``."""
    logits, cache = forward(params, token_ids, config)
    return cross_entropy(logits, targets), backward(params, cache, targets)
