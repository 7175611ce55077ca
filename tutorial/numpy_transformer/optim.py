"""The Adam optimiser (Kingma & Ba, 2015), updating parameters in place."""
import numpy as np

from .model import flatten_params


def adam_step(param, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam update of a single parameter array, in place.

    Parameters
    ----------
    param : np.ndarray
        Updated in place: ``param -= lr * m_hat / (sqrt(v_hat) + eps)``.
    grad : np.ndarray, same shape
    m, v : np.ndarray, same shape
        Running averages of the gradient and of its square; updated in place.
    t : int
        Step number, starting at 1 (used for the bias correction).
    lr, beta1, beta2, eps : float

    Returns
    -------
    None
    """
    ### BEGIN SOLUTION
    m *= beta1
    m += (1.0 - beta1) * grad
    v *= beta2
    v += (1.0 - beta2) * grad**2
    # m and v start at 0, so early averages are too small; divide that bias out.
    m_hat = m / (1.0 - beta1**t)
    v_hat = v / (1.0 - beta2**t)
    param -= lr * m_hat / (np.sqrt(v_hat) + eps)
    ### END SOLUTION


class Adam:
    """Adam for a parameter dict of the structure made by ``init_params``.

    Parameters
    ----------
    params : dict
        The parameters that ``step`` will update in place.
    lr : float
    betas : tuple of float
    eps : float

    Examples
    --------
    >>> opt = Adam(params, lr=3e-3)                      # doctest: +SKIP
    >>> loss, grads = loss_and_grads(params, x, y, cfg)  # doctest: +SKIP
    >>> opt.step(grads)                                  # doctest: +SKIP
    """

    def __init__(self, params, lr=3e-3, betas=(0.9, 0.999), eps=1e-8):
        self.params = flatten_params(params)
        self.lr, self.betas, self.eps = lr, betas, eps
        self.m = {name: np.zeros_like(p) for name, p in self.params.items()}
        self.v = {name: np.zeros_like(p) for name, p in self.params.items()}
        self.t = 0

    def step(self, grads, lr=None):
        """Apply one update with ``grads`` (same structure as the params)."""
        self.t += 1
        lr = self.lr if lr is None else lr
        for name, g in flatten_params(grads).items():
            adam_step(self.params[name], g, self.m[name], self.v[name], self.t, lr,
                      self.betas[0], self.betas[1], self.eps)
