"""Wrong implementations for 02_embeddings."""
import numpy as np

import numpy_transformer as nt

from . import reference, wrong

reference("embed", nt.embed)
reference("positional_encoding", nt.positional_encoding)


@wrong("embed", hint="W_E[-1] silently returns the last row")
def negative_ids_wrap_around(token_ids, W_E):
    return W_E[np.asarray(token_ids)]


@wrong("embed", hint="one row of W_E per id")
def columns_instead_of_rows(token_ids, W_E):
    ids = np.asarray(token_ids)
    if ids.min() < 0 or ids.max() >= W_E.shape[0]:
        raise IndexError("out of range")
    return W_E.T[:, ids]


@wrong("embed", hint="keep the dtype of W_E")
def one_hot_upcasts_float32(token_ids, W_E):
    ids = np.asarray(token_ids)
    if ids.min() < 0 or ids.max() >= W_E.shape[0]:
        raise IndexError("out of range")
    one_hot = np.eye(W_E.shape[0])[ids]  # float64
    return one_hot @ W_E


@wrong("embed", hint="ids.shape + (d_model,)")
def flattens_batch(token_ids, W_E):
    ids = np.asarray(token_ids)
    if ids.min() < 0 or ids.max() >= W_E.shape[0]:
        raise IndexError("out of range")
    return W_E[ids.ravel()]


def _angles(T, d_model, exponent):
    pos = np.arange(T, dtype=np.float64)[:, None]
    i = np.arange((d_model + 1) // 2)
    return pos / 10000.0 ** (exponent(i) / d_model)


def _interleave(angles, d_model):
    pe = np.zeros((angles.shape[0], d_model))
    pe[:, 0::2] = np.sin(angles)
    pe[:, 1::2] = np.cos(angles[:, : d_model // 2])
    return pe


@wrong("positional_encoding", hint="concatenated [all sines, all cosines]")
def sin_cos_concatenated(T, d_model):
    angles = _angles(T, d_model, lambda i: 2 * i)[:, : d_model // 2 + d_model % 2]
    return np.concatenate([np.sin(angles), np.cos(angles[:, : d_model // 2])], axis=1)


@wrong("positional_encoding", hint="sin and cos are swapped")
def sin_cos_swapped(T, d_model):
    angles = _angles(T, d_model, lambda i: 2 * i)
    pe = np.zeros((T, d_model))
    pe[:, 0::2] = np.cos(angles)
    pe[:, 1::2] = np.sin(angles[:, : d_model // 2])
    return pe


@wrong("positional_encoding", hint="uses i where it should use 2i")
def exponent_i_instead_of_2i(T, d_model):
    return _interleave(_angles(T, d_model, lambda i: i), d_model)


@wrong("positional_encoding", hint="divide by the power, do not multiply")
def multiplies_by_power(T, d_model):
    pos = np.arange(T, dtype=np.float64)[:, None]
    i = np.arange((d_model + 1) // 2)
    return _interleave(pos * 10000.0 ** (2 * i / d_model), d_model)


@wrong("positional_encoding", hint="positions start at 0, not 1")
def positions_start_at_one(T, d_model):
    return _interleave(_angles(T + 1, d_model, lambda i: 2 * i)[1:], d_model)


@wrong("positional_encoding", hint="one more sine column than cosine columns")
def odd_width_crashes(T, d_model):
    angles = _angles(T, d_model, lambda i: 2 * i)
    pe = np.zeros((T, d_model))
    pe[:, 0::2] = np.sin(angles)
    pe[:, 1::2] = np.cos(angles)  # broadcasting error when d_model is odd
    return pe


@wrong("positional_encoding", hint="positions and dimensions are transposed")
def positions_and_dims_transposed(T, d_model):
    return nt.positional_encoding(T, d_model).T


@wrong("positional_encoding", hint="return float64")
def returns_float32(T, d_model):
    return nt.positional_encoding(T, d_model).astype(np.float32)


@wrong("positional_encoding", hint="the last column is sin")
def odd_width_last_column_cosine(T, d_model):
    pe = nt.positional_encoding(T, d_model)
    if d_model % 2:
        pe[:, -1] = np.cos(_angles(T, d_model, lambda i: 2 * i)[:, -1])
    return pe
