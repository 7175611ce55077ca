"""Token embeddings (a table lookup) and sinusoidal positional encodings."""
import numpy as np


def embed(token_ids, W_E):
    """Look up the embedding vector of every token id.

    Equivalent to ``one_hot(token_ids) @ W_E`` but without building the one-hot matrix.

    Parameters
    ----------
    token_ids : array_like of int, shape (...,)
        Token ids in ``[0, vocab_size)``, any shape, e.g. (batch, seq).
    W_E : ndarray, shape (vocab_size, d_model)
        Embedding matrix; row ``v`` is the vector of token ``v``.

    Returns
    -------
    ndarray, shape (..., d_model)
        ``out[..., :] = W_E[token_ids[...]]``, same dtype as ``W_E``.

    Raises
    ------
    IndexError
        If an id is negative or ``>= vocab_size`` (negative ids must not silently wrap
        around to the end of the table).
    """
    ### BEGIN SOLUTION
    token_ids = np.asarray(token_ids)
    if token_ids.size and (token_ids.min() < 0 or token_ids.max() >= W_E.shape[0]):
        raise IndexError(f"token ids must be in [0, {W_E.shape[0]}), got {token_ids.min()}..{token_ids.max()}")
    return W_E[token_ids]
    ### END SOLUTION


def positional_encoding(T, d_model):
    """Sinusoidal positional encoding of Vaswani et al. (2017), interleaved.

    For position ``pos`` and column pair ``i``::

        PE[pos, 2i]   = sin(pos / 10000 ** (2i / d_model))
        PE[pos, 2i+1] = cos(pos / 10000 ** (2i / d_model))

    Sines are in the even columns, cosines in the odd columns (interleaved, *not* all
    sines followed by all cosines). For odd ``d_model`` the last column is a sine.

    Parameters
    ----------
    T : int
        Number of positions (0, 1, ..., T - 1).
    d_model : int
        Width of the encoding, may be odd.

    Returns
    -------
    ndarray of float64, shape (T, d_model)
        Row ``pos`` is the encoding of position ``pos``.
    """
    ### BEGIN SOLUTION
    pos = np.arange(T, dtype=np.float64)[:, None]  # (T, 1)
    two_i = np.arange(0, d_model, 2, dtype=np.float64)  # 0, 2, 4, ...: one per sine column
    angles = pos / 10000.0 ** (two_i / d_model)  # (T, ceil(d_model / 2))
    pe = np.empty((T, d_model), dtype=np.float64)
    pe[:, 0::2] = np.sin(angles)
    pe[:, 1::2] = np.cos(angles[:, : d_model // 2])  # one cosine fewer when d_model is odd
    return pe
    ### END SOLUTION
