"""Scaled dot-product attention, the causal mask and multi-head attention.

Shapes used throughout:

* activations ``x``: ``(batch, seq, d_model)``
* per-head tensors: ``(batch, n_heads, seq, d_head)`` with ``d_head = d_model // n_heads``
* attention weights: ``(..., seq_q, seq_k)``; row ``i`` says how much query ``i`` reads
  from each key ``j``.

Weights are ``(d_in, d_out)`` matrices applied as ``x @ W + b``. Constants are Python
floats (not NumPy float64 scalars) so that float32 inputs stay float32. Functions use
only ``np`` and each other, so a notebook can include them one by one.
"""
import numpy as np


def softmax(x, axis=-1):
    """Numerically stable softmax along one axis.

    Parameters
    ----------
    x : np.ndarray
        Scores of any shape. Entries may be ``-inf`` (they get probability 0), but a
        slice that is entirely ``-inf`` gives NaN.
    axis : int, optional
        The axis along which the result sums to 1 (default: the last one).

    Returns
    -------
    np.ndarray
        Same shape and dtype as ``x``; non-negative and summing to 1 along ``axis``.
        Adding a constant to a whole slice along ``axis`` does not change the result,
        and huge scores such as ``1e4`` do not overflow.

    Examples
    --------
    >>> softmax(np.array([0.0, np.log(3.0)]))
    array([0.25, 0.75])
    """
    ### BEGIN SOLUTION
    # softmax(x) == softmax(x - c) for any c; with c = max every exp() is <= 1.
    shifted = x - np.max(x, axis=axis, keepdims=True)
    exps = np.exp(shifted)
    return exps / np.sum(exps, axis=axis, keepdims=True)
    ### END SOLUTION


def causal_mask(T):
    """Boolean causal mask for a sequence of length ``T``.

    Parameters
    ----------
    T : int
        Sequence length.

    Returns
    -------
    np.ndarray of bool, shape (T, T)
        ``mask[i, j]`` is True when query position ``i`` may attend to key position
        ``j``, i.e. when ``j <= i`` (the present and the past, never the future).

    Examples
    --------
    >>> causal_mask(3).astype(int)
    array([[1, 0, 0],
           [1, 1, 0],
           [1, 1, 1]])
    """
    ### BEGIN SOLUTION
    return np.tril(np.ones((T, T), dtype=bool))
    ### END SOLUTION


def attention(q, k, v, mask=None):
    """Scaled dot-product attention.

    ``weights = softmax(q @ k^T / sqrt(d_head))`` with masked scores set to ``-inf``
    before the softmax, and ``output = weights @ v``.

    Parameters
    ----------
    q : np.ndarray, shape (..., seq_q, d_head)
        Queries. Any leading dimensions (batch, heads, ...) are carried along.
    k : np.ndarray, shape (..., seq_k, d_head)
        Keys.
    v : np.ndarray, shape (..., seq_k, d_v)
        Values.
    mask : np.ndarray of bool, broadcastable to (..., seq_q, seq_k), optional
        True where a query may attend to a key (see ``causal_mask``). None: no mask.

    Returns
    -------
    output : np.ndarray, shape (..., seq_q, d_v)
    weights : np.ndarray, shape (..., seq_q, seq_k)
        Each row sums to 1; masked entries are exactly 0.
    """
    ### BEGIN SOLUTION
    d_head = q.shape[-1]
    # Scale by the width of one head: keeps score variance ~1 whatever d_head is.
    # d_head ** 0.5 is a Python float (np.sqrt would give a float64 scalar that
    # turns float32 scores into float64).
    scores = q @ np.swapaxes(k, -1, -2) / d_head**0.5
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)  # exp(-inf) = 0: no weight at all
    weights = softmax(scores, axis=-1)
    return weights @ v, weights
    ### END SOLUTION


def split_heads(x, n_heads):
    """Split the feature axis into heads.

    Head ``h`` gets the contiguous slice ``x[..., h * d_head:(h + 1) * d_head]``.

    Parameters
    ----------
    x : np.ndarray, shape (batch, seq, d_model)
    n_heads : int
        Must divide ``d_model``.

    Returns
    -------
    np.ndarray, shape (batch, n_heads, seq, d_head)
        ``out[b, h, t] == x[b, t, h * d_head:(h + 1) * d_head]``.
    """
    batch, seq, d_model = x.shape
    if d_model % n_heads != 0:
        raise ValueError(f"d_model={d_model} is not divisible by n_heads={n_heads}")
    ### BEGIN SOLUTION
    d_head = d_model // n_heads
    # Reshape splits the feature axis; the transpose then puts heads before positions.
    # (A bare reshape to (batch, n_heads, seq, d_head) would mix positions.)
    return x.reshape(batch, seq, n_heads, d_head).transpose(0, 2, 1, 3)
    ### END SOLUTION


def merge_heads(x):
    """Inverse of ``split_heads``: concatenate the heads along the feature axis.

    Parameters
    ----------
    x : np.ndarray, shape (batch, n_heads, seq, d_head)

    Returns
    -------
    np.ndarray, shape (batch, seq, n_heads * d_head)
        ``merge_heads(split_heads(x, n)) == x``.
    """
    ### BEGIN SOLUTION
    batch, n_heads, seq, d_head = x.shape
    return x.transpose(0, 2, 1, 3).reshape(batch, seq, n_heads * d_head)
    ### END SOLUTION


def multi_head_attention(x, W_q, b_q, W_k, b_k, W_v, b_v, W_o, b_o, n_heads, mask=None):
    """Multi-head self-attention.

    Project ``x`` to queries, keys and values, split each into ``n_heads`` heads, run
    ``attention`` in every head independently, merge the heads and project with
    ``W_o``. The result equals concatenating ``n_heads`` separate single-head
    attentions (head ``h`` using columns ``h * d_head:(h + 1) * d_head`` of ``W_q``,
    ``W_k``, ``W_v``) and applying ``W_o``.

    Parameters
    ----------
    x : np.ndarray, shape (batch, seq, d_model)
    W_q, W_k, W_v : np.ndarray, shape (d_model, d_model)
    b_q, b_k, b_v : np.ndarray, shape (d_model,)
    W_o : np.ndarray, shape (d_model, d_model)
    b_o : np.ndarray, shape (d_model,)
    n_heads : int
        Number of heads; ``d_head = d_model // n_heads``.
    mask : np.ndarray of bool, shape (seq, seq), optional
        True = may attend (e.g. ``causal_mask(seq)``); shared by all heads.

    Returns
    -------
    output : np.ndarray, shape (batch, seq, d_model)
    weights : np.ndarray, shape (batch, n_heads, seq, seq)
        The attention pattern of every head.
    """
    ### BEGIN SOLUTION
    q = split_heads(x @ W_q + b_q, n_heads)  # (batch, heads, seq, d_head)
    k = split_heads(x @ W_k + b_k, n_heads)
    v = split_heads(x @ W_v + b_v, n_heads)
    heads, weights = attention(q, k, v, mask)
    output = merge_heads(heads) @ W_o + b_o
    return output, weights
    ### END SOLUTION
