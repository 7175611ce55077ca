"""Layer norm, GELU, the MLP and a pre-norm transformer block.

Activations are ``(batch, seq, d_model)``; weights ``(d_in, d_out)`` applied as
``x @ W + b``. Constants are Python floats so float32 inputs stay float32.
"""
import numpy as np

from .attention import causal_mask, multi_head_attention


def layer_norm(x, gamma, beta, eps=1e-5):
    """Layer normalisation over the last (feature) axis.

    ``y = gamma * (x - mean) / sqrt(var + eps) + beta`` where ``mean`` and ``var`` are
    taken over the last axis of each position separately, and ``var`` is the *biased*
    variance (divide by ``d``, not ``d - 1``).

    Parameters
    ----------
    x : np.ndarray, shape (..., d)
    gamma : np.ndarray, shape (d,)
        Scale (initialised to ones).
    beta : np.ndarray, shape (d,)
        Shift (initialised to zeros).
    eps : float, optional
        Added to the variance *inside* the square root.

    Returns
    -------
    np.ndarray, shape (..., d)
        With ``gamma = 1, beta = 0`` each position has mean 0 and variance
        ``var / (var + eps)`` (just under 1).
    """
    ### BEGIN SOLUTION
    mean = np.mean(x, axis=-1, keepdims=True)
    var = np.mean((x - mean) ** 2, axis=-1, keepdims=True)  # biased (ddof=0)
    x_hat = (x - mean) / np.sqrt(var + eps)
    return gamma * x_hat + beta
    ### END SOLUTION


def gelu(x):
    """GELU activation, GPT-2's tanh approximation.

    ``gelu(x) = 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x**3)))``

    It differs from the exact form ``x * Phi(x)`` (``Phi`` the standard normal CDF,
    written with ``erf``) by at most about 5e-4.

    Parameters
    ----------
    x : np.ndarray
        Any shape.

    Returns
    -------
    np.ndarray, same shape and dtype as ``x``
    """
    ### BEGIN SOLUTION
    c = (2.0 / np.pi) ** 0.5  # a Python float: keeps float32 input float32
    # x * x * x rather than x**3: NumPy computes a float power ~50x more slowly.
    return 0.5 * x * (1.0 + np.tanh(c * (x + 0.044715 * x * x * x)))
    ### END SOLUTION


def mlp(x, W1, b1, W2, b2):
    """Position-wise feed-forward network: ``gelu(x @ W1 + b1) @ W2 + b2``.

    Parameters
    ----------
    x : np.ndarray, shape (batch, seq, d_model)
    W1 : np.ndarray, shape (d_model, d_mlp)
    b1 : np.ndarray, shape (d_mlp,)
    W2 : np.ndarray, shape (d_mlp, d_model)
    b2 : np.ndarray, shape (d_model,)

    Returns
    -------
    np.ndarray, shape (batch, seq, d_model)
    """
    ### BEGIN SOLUTION
    return gelu(x @ W1 + b1) @ W2 + b2
    ### END SOLUTION


def transformer_block(x, params, n_heads):
    """One pre-norm decoder block with causal self-attention.

    ``x = x + attn(ln1(x))`` then ``x = x + mlp(ln2(x))``: each sub-layer reads a
    normalised copy and *adds* its result to the residual stream.

    Parameters
    ----------
    x : np.ndarray, shape (batch, seq, d_model)
    params : dict of np.ndarray
        ``ln1_g, ln1_b, ln2_g, ln2_b`` (d_model,); ``W_q, W_k, W_v, W_o``
        (d_model, d_model) and ``b_q, b_k, b_v, b_o`` (d_model,); ``W1`` (d_model,
        d_mlp), ``b1`` (d_mlp,), ``W2`` (d_mlp, d_model), ``b2`` (d_model,).
    n_heads : int

    Returns
    -------
    np.ndarray, shape (batch, seq, d_model)
    """
    p = params
    ### BEGIN SOLUTION
    mask = causal_mask(x.shape[1])
    attn_out, _ = multi_head_attention(
        layer_norm(x, p["ln1_g"], p["ln1_b"]),
        p["W_q"], p["b_q"], p["W_k"], p["b_k"], p["W_v"], p["b_v"], p["W_o"], p["b_o"],
        n_heads, mask,
    )
    x = x + attn_out
    x = x + mlp(layer_norm(x, p["ln2_g"], p["ln2_b"]), p["W1"], p["b1"], p["W2"], p["b2"])
    return x
    ### END SOLUTION
