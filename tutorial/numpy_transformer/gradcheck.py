"""Check a hand-written backward pass against finite differences."""
import numpy as np

from .model import cross_entropy, flatten_params, forward, loss_and_grads


def numerical_gradient(f, x, h=1e-5):
    """Central-difference gradient of the scalar function ``f()`` with respect to ``x``.

    Parameters
    ----------
    f : callable
        No arguments; reads ``x`` (which this function perturbs in place and restores).
    x : np.ndarray of float64
    h : float
        Step. Central differences have error O(h**2); use float64, where h = 1e-5 is a
        good balance between that error and rounding.

    Returns
    -------
    np.ndarray, same shape as ``x``
        ``(f(x + h e_i) - f(x - h e_i)) / (2 h)`` for every entry ``i``.
    """
    ### BEGIN SOLUTION
    grad = np.zeros_like(x)
    flat_x, flat_g = x.reshape(-1), grad.reshape(-1)  # views: writes reach x and grad
    for i in range(flat_x.size):
        old = flat_x[i]
        flat_x[i] = old + h
        f_plus = f()
        flat_x[i] = old - h
        f_minus = f()
        flat_x[i] = old
        flat_g[i] = (f_plus - f_minus) / (2 * h)
    return grad
    ### END SOLUTION


def relative_error(a, b, zero=1e-8):
    """``||a - b|| / (||a|| + ||b||)``; 0.0 when both norms are below ``zero``.

    Some gradients are exactly zero in theory: the key bias ``b_k`` adds the same
    number to every score in a query's row, which the softmax ignores. Rounding then
    leaves ~1e-17 (analytic) against ~1e-11 (finite differences): both are zero for
    practical purposes, and their ratio means nothing.
    """
    norm_a, norm_b = np.linalg.norm(a), np.linalg.norm(b)
    if norm_a < zero and norm_b < zero:
        return 0.0
    return float(np.linalg.norm(a - b) / (norm_a + norm_b))


def gradient_check(params, token_ids, targets, config, h=1e-5):
    """Relative error between ``backward`` and finite differences, per parameter.

    Parameters
    ----------
    params : dict of float64 arrays
        Perturbed temporarily, restored on return.
    token_ids, targets : np.ndarray of int, shape (batch, seq)
    config : ModelConfig
    h : float

    Returns
    -------
    dict
        ``{name: relative_error}`` for every entry of ``flatten_params(params)``;
        a correct backward pass gives values around 1e-8 or below.
    """
    _, grads = loss_and_grads(params, token_ids, targets, config)
    analytic = flatten_params(grads)

    def loss():
        return cross_entropy(forward(params, token_ids, config)[0], targets)

    return {name: relative_error(analytic[name], numerical_gradient(loss, p, h))
            for name, p in flatten_params(params).items()}
