"""Reference attention: softmax, causal mask, scaled dot-product and multi-head attention."""
import math

import numpy as np
import pytest

from numpy_transformer.attention import (
    attention,
    causal_mask,
    merge_heads,
    multi_head_attention,
    softmax,
    split_heads,
)


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def mha_params(rng, d_model, dtype=np.float64):
    names = ["W_q", "b_q", "W_k", "b_k", "W_v", "b_v", "W_o", "b_o"]
    shapes = [(d_model, d_model), (d_model,)] * 4
    return {n: rng.normal(size=s).astype(dtype) for n, s in zip(names, shapes)}


# --- softmax ------------------------------------------------------------------------

def test_softmax_rows_sum_to_one_and_nonnegative(rng):
    x = rng.normal(size=(3, 4, 5))
    p = softmax(x)
    assert p.shape == x.shape
    assert np.all(p >= 0)
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=0, atol=1e-12)


def test_softmax_known_value():
    np.testing.assert_allclose(softmax(np.array([0.0, math.log(3.0)])), [0.25, 0.75])


def test_softmax_shift_invariant(rng):
    x = rng.normal(size=(4, 6))
    shift = rng.normal(size=(4, 1)) * 100
    np.testing.assert_allclose(softmax(x + shift), softmax(x), atol=1e-12)


def test_softmax_huge_inputs_do_not_overflow():
    x = np.array([[1e4, 1e4 - 1.0, -1e4], [1000.0, 0.0, 1000.0]])
    with np.errstate(over="raise", invalid="raise"):  # underflow to 0 is fine
        p = softmax(x)
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p[1], [0.5, 0.0, 0.5], atol=1e-12)


def test_softmax_respects_axis(rng):
    x = rng.normal(size=(3, 5))
    p0 = softmax(x, axis=0)
    np.testing.assert_allclose(p0.sum(axis=0), 1.0)
    np.testing.assert_allclose(p0, softmax(x.T, axis=-1).T)
    assert not np.allclose(p0.sum(axis=1), 1.0)


def test_softmax_minus_inf_gets_zero_weight():
    p = softmax(np.array([0.0, -np.inf, 0.0]))
    np.testing.assert_array_equal(p, [0.5, 0.0, 0.5])


def test_softmax_keeps_float32(rng):
    x = rng.normal(size=(2, 3)).astype(np.float32)
    assert softmax(x).dtype == np.float32


# --- causal mask --------------------------------------------------------------------

def test_causal_mask_values():
    m = causal_mask(4)
    assert m.dtype == bool and m.shape == (4, 4)
    for i in range(4):
        for j in range(4):
            assert m[i, j] == (j <= i)


# --- attention ----------------------------------------------------------------------

def test_attention_shapes_and_rows(rng):
    q = rng.normal(size=(2, 3, 5, 4))
    k = rng.normal(size=(2, 3, 7, 4))
    v = rng.normal(size=(2, 3, 7, 6))
    out, w = attention(q, k, v)
    assert out.shape == (2, 3, 5, 6) and w.shape == (2, 3, 5, 7)
    np.testing.assert_allclose(w.sum(-1), 1.0)


def test_attention_matches_explicit_loop(rng):
    T, d = 5, 4
    q, k, v = (rng.normal(size=(T, d)) for _ in range(3))
    out, w = attention(q, k, v, causal_mask(T))
    for i in range(T):
        s = np.array([q[i] @ k[j] / math.sqrt(d) for j in range(i + 1)])
        e = np.exp(s - s.max())
        wi = e / e.sum()
        np.testing.assert_allclose(w[i, : i + 1], wi)
        np.testing.assert_array_equal(w[i, i + 1:], 0.0)
        np.testing.assert_allclose(out[i], wi @ v[: i + 1])


def test_attention_is_causal_under_future_perturbation(rng):
    B, T, d, t = 2, 6, 8, 3
    q, k, v = (rng.normal(size=(B, T, d)) for _ in range(3))
    out, _ = attention(q, k, v, causal_mask(T))
    q2, k2, v2 = q.copy(), k.copy(), v.copy()
    for a in (q2, k2, v2):
        a[:, t + 1:] += 10 * rng.normal(size=a[:, t + 1:].shape)
    out2, _ = attention(q2, k2, v2, causal_mask(T))
    np.testing.assert_allclose(out2[:, : t + 1], out[:, : t + 1], atol=1e-12)
    assert not np.allclose(out2[:, t + 1:], out[:, t + 1:])


def test_attention_keeps_float32(rng):
    q, k, v = (rng.normal(size=(1, 2, 4, 3)).astype(np.float32) for _ in range(3))
    out, w = attention(q, k, v, causal_mask(4))
    assert out.dtype == np.float32 and w.dtype == np.float32


# --- heads --------------------------------------------------------------------------

def test_split_heads_axis_order(rng):
    B, T, H, dh = 2, 5, 3, 4
    x = rng.normal(size=(B, T, H * dh))
    s = split_heads(x, H)
    assert s.shape == (B, H, T, dh)
    for h in range(H):
        np.testing.assert_array_equal(s[:, h], x[:, :, h * dh:(h + 1) * dh])


def test_split_merge_round_trip(rng):
    x = rng.normal(size=(2, 5, 12))
    np.testing.assert_array_equal(merge_heads(split_heads(x, 3)), x)
    h = rng.normal(size=(2, 4, 5, 3))
    np.testing.assert_array_equal(split_heads(merge_heads(h), 4), h)


def test_split_heads_rejects_indivisible():
    with pytest.raises(ValueError):
        split_heads(np.zeros((1, 2, 10)), 3)


def test_mha_equals_concatenation_of_independent_heads(rng):
    B, T, H, dh = 2, 5, 4, 3
    d = H * dh
    x = rng.normal(size=(B, T, d))
    p = mha_params(rng, d)
    mask = causal_mask(T)
    out, w = multi_head_attention(x, **p, n_heads=H, mask=mask)
    assert out.shape == (B, T, d) and w.shape == (B, H, T, T)
    heads = []
    for h in range(H):
        cols = slice(h * dh, (h + 1) * dh)
        q = x @ p["W_q"][:, cols] + p["b_q"][cols]
        k = x @ p["W_k"][:, cols] + p["b_k"][cols]
        v = x @ p["W_v"][:, cols] + p["b_v"][cols]
        o, wh = attention(q, k, v, mask)
        np.testing.assert_allclose(w[:, h], wh)
        heads.append(o)
    expected = np.concatenate(heads, axis=-1) @ p["W_o"] + p["b_o"]
    np.testing.assert_allclose(out, expected, atol=1e-10)


def test_mha_scales_by_sqrt_d_head_not_d_model(rng):
    # With several heads, 1/sqrt(d_model) and 1/sqrt(d_head) give different weights.
    B, T, H, dh = 1, 4, 4, 2
    d = H * dh
    x = rng.normal(size=(B, T, d))
    p = mha_params(rng, d)
    _, w = multi_head_attention(x, **p, n_heads=H)
    q = split_heads(x @ p["W_q"] + p["b_q"], H)
    k = split_heads(x @ p["W_k"] + p["b_k"], H)
    scores = q @ np.swapaxes(k, -1, -2)
    np.testing.assert_allclose(w, softmax(scores / math.sqrt(dh)))
    assert not np.allclose(w, softmax(scores / math.sqrt(d)))


def test_mha_keeps_float32(rng):
    x = rng.normal(size=(1, 3, 8)).astype(np.float32)
    out, w = multi_head_attention(x, **mha_params(rng, 8, np.float32), n_heads=2,
                                  mask=causal_mask(3))
    assert out.dtype == np.float32 and w.dtype == np.float32


def test_attention_matches_torch_sdpa(rng):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    q, k, v = (rng.normal(size=(2, 3, 5, 4)) for _ in range(3))
    mask = causal_mask(5)
    out, _ = attention(q, k, v, mask)
    expected = F.scaled_dot_product_attention(
        *(torch.from_numpy(a) for a in (q, k, v)), attn_mask=torch.from_numpy(mask)
    ).numpy()
    np.testing.assert_allclose(out, expected, atol=1e-10)
