"""Hand-written backward passes of the building blocks.

Every function takes ``dy``, the gradient of the loss with respect to the layer's
*output*, plus whatever the forward pass computed, and returns the gradients with respect
to the layer's inputs and parameters. Shapes of gradients equal the shapes of the
things they are gradients of.
"""
import numpy as np


def linear_backward(dy, x, W):
    """Backward pass of ``y = x @ W + b``.

    Parameters
    ----------
    dy : np.ndarray, shape (..., d_out)
        Gradient of the loss with respect to ``y``.
    x : np.ndarray, shape (..., d_in)
        The forward input.
    W : np.ndarray, shape (d_in, d_out)

    Returns
    -------
    dx : np.ndarray, shape (..., d_in)
    dW : np.ndarray, shape (d_in, d_out)
        Summed over every leading (batch, position) index.
    db : np.ndarray, shape (d_out,)
    """
    ### BEGIN SOLUTION
    dx = dy @ W.T
    # Every position used the same W, so its gradient is the sum over positions.
    dW = x.reshape(-1, x.shape[-1]).T @ dy.reshape(-1, dy.shape[-1])
    db = dy.reshape(-1, dy.shape[-1]).sum(axis=0)
    return dx, dW, db
    ### END SOLUTION


def layer_norm_backward(dy, x, gamma, eps=1e-5):
    """Backward pass of ``layer_norm(x, gamma, beta, eps)`` over the last axis.

    With ``x_hat = (x - mean) / sqrt(var + eps)`` and ``y = gamma * x_hat + beta``.

    Parameters
    ----------
    dy : np.ndarray, shape (..., d)
    x : np.ndarray, shape (..., d)
        The forward input (not the output).
    gamma : np.ndarray, shape (d,)
    eps : float, optional

    Returns
    -------
    dx : np.ndarray, shape (..., d)
    dgamma : np.ndarray, shape (d,)
    dbeta : np.ndarray, shape (d,)
    """
    ### BEGIN SOLUTION
    mean = np.mean(x, axis=-1, keepdims=True)
    var = np.mean((x - mean) ** 2, axis=-1, keepdims=True)
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mean) * inv_std
    dgamma = (dy * x_hat).reshape(-1, x.shape[-1]).sum(axis=0)
    dbeta = dy.reshape(-1, x.shape[-1]).sum(axis=0)
    dx_hat = dy * gamma
    # x_hat depends on x directly and through mean and var; the two mean terms remove
    # the components of dx_hat along the all-ones direction and along x_hat.
    dx = inv_std * (
        dx_hat
        - np.mean(dx_hat, axis=-1, keepdims=True)
        - x_hat * np.mean(dx_hat * x_hat, axis=-1, keepdims=True)
    )
    return dx, dgamma, dbeta
    ### END SOLUTION


def gelu_backward(dy, x):
    """Backward pass of the tanh-form ``gelu(x)``.

    Parameters
    ----------
    dy : np.ndarray
        Gradient with respect to ``gelu(x)``.
    x : np.ndarray, same shape
        The forward input.

    Returns
    -------
    np.ndarray, same shape: ``dy * gelu'(x)``.
    """
    ### BEGIN SOLUTION
    c = (2.0 / np.pi) ** 0.5
    t = np.tanh(c * (x + 0.044715 * x * x * x))  # x * x * x: much faster than x**3
    # d/dx [0.5 x (1 + t)] = 0.5 (1 + t) + 0.5 x (1 - t^2) * c (1 + 3 * 0.044715 x^2)
    dgelu = 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * c * (1.0 + 3 * 0.044715 * x * x)
    return dy * dgelu
    ### END SOLUTION


def softmax_backward(dy, y):
    """Backward pass of ``y = softmax(x, axis=-1)``.

    Parameters
    ----------
    dy : np.ndarray, shape (..., n)
    y : np.ndarray, shape (..., n)
        The softmax *output*.

    Returns
    -------
    np.ndarray, shape (..., n)
        ``dx = y * (dy - sum(dy * y))`` along the last axis. Entries where ``y == 0``
        (masked scores) get gradient 0.
    """
    ### BEGIN SOLUTION
    return y * (dy - np.sum(dy * y, axis=-1, keepdims=True))
    ### END SOLUTION


def attention_backward(dout, q, k, v, weights):
    """Backward pass of ``attention(q, k, v, mask)``.

    The mask needs no special treatment: masked weights are exactly 0, so their scores
    get zero gradient from ``softmax_backward``.

    Parameters
    ----------
    dout : np.ndarray, shape (..., seq_q, d_v)
    q : np.ndarray, shape (..., seq_q, d_head)
    k : np.ndarray, shape (..., seq_k, d_head)
    v : np.ndarray, shape (..., seq_k, d_v)
    weights : np.ndarray, shape (..., seq_q, seq_k)
        The attention weights returned by the forward pass.

    Returns
    -------
    dq, dk, dv : np.ndarray
        Same shapes as ``q``, ``k``, ``v``.
    """
    ### BEGIN SOLUTION
    scale = 1.0 / q.shape[-1] ** 0.5
    dweights = dout @ np.swapaxes(v, -1, -2)  # out = weights @ v
    dv = np.swapaxes(weights, -1, -2) @ dout
    dscores = softmax_backward(dweights, weights)  # scores = q @ k^T * scale
    dq = dscores @ k * scale
    dk = np.swapaxes(dscores, -1, -2) @ q * scale
    return dq, dk, dv
    ### END SOLUTION
