"""Wrong implementations for 03_attention and 04_multi_head."""
import importlib
import math

import numpy as np

from . import reference, wrong

# the module (the package re-exports a function of the same name)
A = importlib.import_module("numpy_transformer.attention")

for _name in ("softmax", "causal_mask", "attention", "split_heads", "merge_heads", "multi_head_attention"):
    reference(_name, getattr(A, _name))


# ---- softmax

@wrong("softmax", hint="exp(1000) overflows")
def overflows_without_max(x, axis=-1):
    e = np.exp(x)
    return e / e.sum(axis=axis, keepdims=True)


@wrong("softmax", hint="normalised over the whole array")
def normalises_whole_array(x, axis=-1):
    e = np.exp(x - x.max())
    return e / e.sum()


@wrong("softmax", hint="the `axis` argument was ignored")
def ignores_axis(x, axis=-1):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@wrong("softmax", hint="the columns sum to 1")
def default_axis_zero(x, axis=0):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


@wrong("softmax", hint="not the max of the whole array")
def subtracts_global_max(x, axis=-1):
    e = np.exp(x - np.max(x))
    return e / e.sum(axis=axis, keepdims=True)


@wrong("softmax", hint="keepdims=True")
def without_keepdims(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis))
    return e / np.sum(e, axis=axis)


@wrong("softmax", hint="not x -= m in place")
def shifts_input_in_place(x, axis=-1):
    x -= x.max(axis=axis, keepdims=True)
    e = np.exp(x)
    return e / e.sum(axis=axis, keepdims=True)


@wrong("softmax", hint="keep the dtype of x")
def upcasts_float32(x, axis=-1):
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


# ---- causal_mask

@wrong("causal_mask", hint="the diagonal is True")
def hides_diagonal(T):
    return np.tril(np.ones((T, T), dtype=bool), k=-1)


@wrong("causal_mask", hint="lets queries see the future")
def transposed_sees_future(T):
    return np.triu(np.ones((T, T), dtype=bool))


@wrong("causal_mask", hint="you marked the blocked positions")
def inverted_true_means_blocked(T):
    return np.triu(np.ones((T, T), dtype=bool), k=1)


@wrong("causal_mask", hint="return booleans")
def float_ones_and_zeros(T):
    return np.tril(np.ones((T, T)))


@wrong("causal_mask", hint="additive 0 / -inf mask")
def additive_minus_inf(T):
    return np.where(np.tril(np.ones((T, T), dtype=bool)), 0.0, -np.inf)


# ---- attention

def _attention(q, k, v, mask=None, scale=None, swap=False, mask_mode="where", kt=None):
    d = q.shape[-1]
    kT = np.swapaxes(k, -1, -2) if kt is None else kt(k)
    scores = (k @ np.swapaxes(q, -1, -2)) if swap else q @ kT
    scores = scores / (math.sqrt(d) if scale is None else scale(d))
    if mask is not None and mask_mode == "where":
        scores = np.where(mask, scores, -np.inf)
    elif mask is not None and mask_mode == "inverted":
        scores = np.where(mask, -np.inf, scores)
    elif mask is not None and mask_mode == "transposed":
        scores = np.where(np.swapaxes(mask, -1, -2), scores, -np.inf)
    elif mask is not None and mask_mode == "multiply":
        scores = scores * mask
    weights = A.softmax(scores, axis=-1)
    if mask is not None and mask_mode == "after":
        weights = weights * mask
    return weights @ v, weights


@wrong("attention", hint="you did not scale them")
def no_scaling(q, k, v, mask=None):
    return _attention(q, k, v, mask, scale=lambda d: 1.0)


@wrong("attention", hint="not by d_head itself")
def scaled_by_d_not_sqrt(q, k, v, mask=None):
    return _attention(q, k, v, mask, scale=lambda d: float(d))


@wrong("attention", hint="query and key are swapped")
def query_key_swapped(q, k, v, mask=None):
    return _attention(q, k, v, mask, swap=True)


@wrong("attention", hint="before the softmax")
def mask_after_softmax(q, k, v, mask=None):
    return _attention(q, k, v, mask, mask_mode="after")


@wrong("attention", hint="multiplying the scores by the mask")
def mask_multiplies_scores(q, k, v, mask=None):
    return _attention(q, k, v, mask, mask_mode="multiply")


@wrong("attention", hint="True in the mask means 'may attend'")
def mask_inverted(q, k, v, mask=None):
    return _attention(q, k, v, mask, mask_mode="inverted")


@wrong("attention", hint="the mask was used transposed")
def mask_transposed(q, k, v, mask=None):
    return _attention(q, k, v, mask, mask_mode="transposed")


@wrong("attention", hint="the mask had no effect")
def mask_ignored(q, k, v, mask=None):
    return _attention(q, k, v, None)


@wrong("attention", hint="k.T reverses all axes")
def k_dot_T_with_batch(q, k, v, mask=None):
    return _attention(q, k, v, mask, kt=lambda k: k.T)


@wrong("attention", hint="return both")
def returns_output_only(q, k, v, mask=None):
    return _attention(q, k, v, mask)[0]


@wrong("attention", hint="output = weights @ v")
def output_is_sum_not_weighted_average(q, k, v, mask=None):
    _, w = _attention(q, k, v, mask)
    return (w > 0) @ v, w


# ---- split_heads / merge_heads

@wrong("split_heads", hint="a bare reshape")
def split_by_reshape_only(x, n_heads):
    batch, seq, d_model = x.shape
    return x.reshape(batch, n_heads, seq, d_model // n_heads)


@wrong("split_heads", hint="contiguous slice")
def split_interleaved(x, n_heads):
    batch, seq, d_model = x.shape
    return x.reshape(batch, seq, d_model // n_heads, n_heads).transpose(0, 3, 1, 2)


@wrong("split_heads", hint="move the head axis before the sequence axis")
def split_without_transpose(x, n_heads):
    batch, seq, d_model = x.shape
    return x.reshape(batch, seq, n_heads, d_model // n_heads)


@wrong("merge_heads", hint="move the head axis back")
def merge_by_reshape_only(x):
    batch, n_heads, seq, d_head = x.shape
    return x.reshape(batch, seq, n_heads * d_head)


@wrong("merge_heads", hint="move the head axis back")
def merge_wrong_transpose(x):
    batch, n_heads, seq, d_head = x.shape
    return x.transpose(0, 2, 3, 1).reshape(batch, seq, n_heads * d_head)


@wrong("merge_heads", hint="(batch, seq, n_heads * d_head)")
def merge_forgets_reshape(x):
    return x.transpose(0, 2, 1, 3)


# ---- multi_head_attention

def _mha(x, W_q, b_q, W_k, b_k, W_v, b_v, W_o, b_o, n_heads, mask=None, *, split=A.split_heads,
         merge=A.merge_heads, attention=A.attention, project=True, bias_o=True):
    q, k, v = (split(x @ W + b, n_heads) for W, b in ((W_q, b_q), (W_k, b_k), (W_v, b_v)))
    heads, weights = attention(q, k, v, mask)
    merged = merge(heads)
    if not project:
        return merged, weights
    return merged @ W_o + (b_o if bias_o else 0.0), weights


@wrong("multi_head_attention", hint="not by sqrt(d_model)")
def scaled_by_sqrt_d_model(x, W_q, b_q, W_k, b_k, W_v, b_v, W_o, b_o, n_heads, mask=None):
    d_model = x.shape[-1]
    return _mha(x, W_q, b_q, W_k, b_k, W_v, b_v, W_o, b_o, n_heads, mask,
                attention=lambda q, k, v, m: _attention(q, k, v, m, scale=lambda d: math.sqrt(d_model)))


@wrong("multi_head_attention", hint="a bare reshape")
def heads_split_by_reshape(x, W_q, b_q, W_k, b_k, W_v, b_v, W_o, b_o, n_heads, mask=None):
    return _mha(x, W_q, b_q, W_k, b_k, W_v, b_v, W_o, b_o, n_heads, mask, split=split_by_reshape_only)


@wrong("multi_head_attention", hint="merge_heads must move the head axis back")
def heads_merged_by_reshape(x, W_q, b_q, W_k, b_k, W_v, b_v, W_o, b_o, n_heads, mask=None):
    return _mha(x, W_q, b_q, W_k, b_k, W_v, b_v, W_o, b_o, n_heads, mask, merge=merge_by_reshape_only)


@wrong("multi_head_attention", hint="apply the output projection")
def forgets_output_projection(x, W_q, b_q, W_k, b_k, W_v, b_v, W_o, b_o, n_heads, mask=None):
    return _mha(x, W_q, b_q, W_k, b_k, W_v, b_v, W_o, b_o, n_heads, mask, project=False)


@wrong("multi_head_attention", hint="add the output bias b_o")
def forgets_output_bias(x, W_q, b_q, W_k, b_k, W_v, b_v, W_o, b_o, n_heads, mask=None):
    return _mha(x, W_q, b_q, W_k, b_k, W_v, b_v, W_o, b_o, n_heads, mask, bias_o=False)


@wrong("multi_head_attention", hint="pass the mask on to attention")
def drops_the_mask(x, W_q, b_q, W_k, b_k, W_v, b_v, W_o, b_o, n_heads, mask=None):
    return _mha(x, W_q, b_q, W_k, b_k, W_v, b_v, W_o, b_o, n_heads, None)


@wrong("multi_head_attention", hint="mask=None means every query sees every key")
def always_causal(x, W_q, b_q, W_k, b_k, W_v, b_v, W_o, b_o, n_heads, mask=None):
    return _mha(x, W_q, b_q, W_k, b_k, W_v, b_v, W_o, b_o, n_heads, A.causal_mask(x.shape[1]))


@wrong("multi_head_attention", hint="one (seq, seq) pattern per batch element and head")
def single_head(x, W_q, b_q, W_k, b_k, W_v, b_v, W_o, b_o, n_heads, mask=None):
    out, w = A.attention(x @ W_q + b_q, x @ W_k + b_k, x @ W_v + b_v, mask)
    return out @ W_o + b_o, w
