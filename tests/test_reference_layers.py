"""Reference layers: layer norm, GELU, MLP and the pre-norm transformer block."""
import math

import numpy as np
import pytest

from numpy_transformer.attention import causal_mask, multi_head_attention
from numpy_transformer.layers import gelu, layer_norm, mlp, transformer_block


@pytest.fixture
def rng():
    return np.random.default_rng(1)


def block_params(rng, d, d_mlp, dtype=np.float64):
    shapes = {
        "ln1_g": (d,), "ln1_b": (d,), "ln2_g": (d,), "ln2_b": (d,),
        "W_q": (d, d), "b_q": (d,), "W_k": (d, d), "b_k": (d,),
        "W_v": (d, d), "b_v": (d,), "W_o": (d, d), "b_o": (d,),
        "W1": (d, d_mlp), "b1": (d_mlp,), "W2": (d_mlp, d), "b2": (d,),
    }
    return {n: (0.3 * rng.normal(size=s)).astype(dtype) for n, s in shapes.items()}


# --- layer norm ---------------------------------------------------------------------

def test_layer_norm_zero_mean_unit_variance(rng):
    x = 3.0 + 5.0 * rng.normal(size=(2, 4, 16))
    y = layer_norm(x, np.ones(16), np.zeros(16))
    np.testing.assert_allclose(y.mean(-1), 0.0, atol=1e-12)
    np.testing.assert_allclose(y.var(-1), 1.0, atol=1e-5)


def test_layer_norm_eps_inside_sqrt_and_biased_variance(rng):
    # eps = 0.1 is large enough to tell sqrt(var + eps) from std + eps.
    x = rng.normal(size=(3, 8))
    g, b = rng.normal(size=8), rng.normal(size=8)
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    expected = g * (x - mean) / np.sqrt(var + 0.1) + b
    y = layer_norm(x, g, b, eps=0.1)
    np.testing.assert_allclose(y, expected, atol=1e-12)
    assert not np.allclose(y, g * (x - mean) / (np.sqrt(var) + 0.1) + b, atol=1e-3)
    unbiased = x.var(-1, ddof=1, keepdims=True)
    assert not np.allclose(y, g * (x - mean) / np.sqrt(unbiased + 0.1) + b, atol=1e-3)


def test_layer_norm_keeps_float32(rng):
    x = rng.normal(size=(2, 3, 4)).astype(np.float32)
    y = layer_norm(x, np.ones(4, np.float32), np.zeros(4, np.float32))
    assert y.dtype == np.float32


# --- GELU ---------------------------------------------------------------------------

def test_gelu_tanh_form_values():
    xs = np.array([-3.0, -1.0, 0.0, 0.5, 1.0, 2.0])
    c = math.sqrt(2 / math.pi)
    expected = [0.5 * x * (1 + math.tanh(c * (x + 0.044715 * x**3))) for x in xs]
    np.testing.assert_allclose(gelu(xs), expected, rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(gelu(np.array([1.0])), [0.8411919906], atol=1e-9)


def test_gelu_is_tanh_form_not_erf_form():
    xs = np.linspace(-4, 4, 801)
    erf_form = np.array([0.5 * x * (1 + math.erf(x / math.sqrt(2))) for x in xs])
    diff = np.abs(gelu(xs) - erf_form)
    assert 1e-4 < diff.max() < 1e-3  # close, but measurably not the erf form


def test_gelu_keeps_float32():
    assert gelu(np.linspace(-2, 2, 5, dtype=np.float32)).dtype == np.float32


# --- MLP and block ------------------------------------------------------------------

def test_mlp_shape_and_value(rng):
    d, h = 4, 10
    x = rng.normal(size=(2, 3, d))
    W1, b1, W2, b2 = rng.normal(size=(d, h)), rng.normal(size=h), rng.normal(size=(h, d)), rng.normal(size=d)
    y = mlp(x, W1, b1, W2, b2)
    assert y.shape == (2, 3, d)
    np.testing.assert_allclose(y[1, 2], gelu(x[1, 2] @ W1 + b1) @ W2 + b2)


def test_transformer_block_is_prenorm_residual(rng):
    d, H, T = 8, 2, 5
    p = block_params(rng, d, 16)
    x = rng.normal(size=(2, T, d))
    attn_keys = ["W_q", "b_q", "W_k", "b_k", "W_v", "b_v", "W_o", "b_o"]
    a, _ = multi_head_attention(layer_norm(x, p["ln1_g"], p["ln1_b"]),
                                **{k: p[k] for k in attn_keys}, n_heads=H, mask=causal_mask(T))
    x1 = x + a
    x2 = x1 + mlp(layer_norm(x1, p["ln2_g"], p["ln2_b"]), p["W1"], p["b1"], p["W2"], p["b2"])
    np.testing.assert_allclose(transformer_block(x, p, H), x2, atol=1e-12)


def test_transformer_block_is_causal(rng):
    d, H, T = 8, 2, 6
    p = block_params(rng, d, 16)
    x = rng.normal(size=(1, T, d))
    y = transformer_block(x, p, H)
    x2 = x.copy()
    x2[:, 4:] += rng.normal(size=(1, 2, d))
    y2 = transformer_block(x2, p, H)
    np.testing.assert_allclose(y2[:, :4], y[:, :4], atol=1e-12)


def test_transformer_block_keeps_float32(rng):
    p = block_params(rng, 8, 16, np.float32)
    x = rng.normal(size=(1, 4, 8)).astype(np.float32)
    assert transformer_block(x, p, 2).dtype == np.float32


def test_layer_norm_and_gelu_match_torch(rng):
    torch = pytest.importorskip("torch")
    x = rng.normal(size=(2, 3, 6))
    g, b = rng.normal(size=6), rng.normal(size=6)
    expected = torch.nn.functional.layer_norm(
        torch.from_numpy(x), (6,), torch.from_numpy(g), torch.from_numpy(b), eps=1e-5).numpy()
    np.testing.assert_allclose(layer_norm(x, g, b), expected, atol=1e-10)
    expected = torch.nn.functional.gelu(torch.from_numpy(x), approximate="tanh").numpy()
    np.testing.assert_allclose(gelu(x), expected, atol=1e-12)
