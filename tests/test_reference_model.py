"""Reference model: forward pass, loss, hand-written backward pass, Adam, checkpoints."""
import math

import numpy as np
import pytest

from numpy_transformer.backprop import (
    attention_backward,
    gelu_backward,
    layer_norm_backward,
    softmax_backward,
)
from numpy_transformer.checkpoint import load_weights, save_weights
from numpy_transformer.embeddings import positional_encoding
from numpy_transformer.gradcheck import gradient_check, numerical_gradient, relative_error
from numpy_transformer.layers import gelu, layer_norm, transformer_block
from numpy_transformer.attention import attention, causal_mask, softmax
from numpy_transformer.model import (
    ModelConfig,
    backward,
    block_forward,
    cross_entropy,
    flatten_params,
    forward,
    init_params,
    loss_and_grads,
    unflatten_params,
)
from numpy_transformer.optim import Adam, adam_step
from numpy_transformer.tokenizer import WordTokenizer

TINY = ModelConfig(vocab_size=11, d_model=8, n_heads=2, n_layers=2, d_mlp=16, max_seq_len=6)


@pytest.fixture
def rng():
    return np.random.default_rng(2)


def perturbed_params(config, rng, scale=0.3):
    """Init params plus noise everywhere, so that no gradient is accidentally tiny."""
    params = init_params(config, rng)
    for p in flatten_params(params).values():
        p += scale * rng.standard_normal(p.shape)
    return params


def batch(config, rng, shape=(2, 6)):
    return (rng.integers(0, config.vocab_size, size=shape),
            rng.integers(0, config.vocab_size, size=shape))


# --- structure and forward ----------------------------------------------------------

def test_init_params_shapes_and_statistics(rng):
    cfg = ModelConfig(vocab_size=50, d_model=32, n_heads=4, n_layers=2, d_mlp=64, max_seq_len=8)
    p = init_params(cfg, rng)
    assert p["W_E"].shape == (50, 32) and len(p["blocks"]) == 2
    b = p["blocks"][0]
    assert b["W_q"].shape == (32, 32) and b["W1"].shape == (32, 64) and b["W2"].shape == (64, 32)
    assert abs(b["W1"].std() - 0.02) < 0.002
    np.testing.assert_array_equal(b["ln1_g"], 1.0)
    np.testing.assert_array_equal(b["b_q"], 0.0)
    assert all(a.dtype == np.float64 for a in flatten_params(p).values())


def test_init_params_uses_only_the_given_rng():
    a = init_params(TINY, np.random.default_rng(5))
    np.random.seed(123)  # the global state must not matter
    b = init_params(TINY, np.random.default_rng(5))
    for name, x in flatten_params(a).items():
        np.testing.assert_array_equal(x, flatten_params(b)[name])


def test_flatten_unflatten_round_trip(rng):
    p = init_params(TINY, rng)
    flat = flatten_params(p)
    assert "blocks.1.W_o" in flat and flat["W_E"] is p["W_E"]
    back = unflatten_params(flat)
    assert back["blocks"][1]["W_o"] is p["blocks"][1]["W_o"]


def test_config_rejects_bad_head_count():
    with pytest.raises(ValueError):
        ModelConfig(vocab_size=5, d_model=10, n_heads=3)


def test_forward_matches_composed_reference_layers(rng):
    p = perturbed_params(TINY, rng)
    ids, _ = batch(TINY, rng)
    logits, _ = forward(p, ids, TINY)
    assert logits.shape == (2, 6, TINY.vocab_size)
    x = p["W_E"][ids] + positional_encoding(6, TINY.d_model)
    for block in p["blocks"]:
        x = transformer_block(x, block, TINY.n_heads)
    expected = layer_norm(x, p["ln_f_g"], p["ln_f_b"]) @ p["W_E"].T
    np.testing.assert_allclose(logits, expected, atol=1e-10)


def test_block_forward_equals_transformer_block(rng):
    p = perturbed_params(TINY, rng)["blocks"][0]
    x = rng.normal(size=(2, 5, 8))
    out, _ = block_forward(x, p, 2, causal_mask(5))
    np.testing.assert_allclose(out, transformer_block(x, p, 2), atol=1e-12)


def test_forward_is_causal(rng):
    p = perturbed_params(TINY, rng)
    ids, _ = batch(TINY, rng)
    changed = ids.copy()
    changed[:, 4:] = (changed[:, 4:] + 1) % TINY.vocab_size
    a, _ = forward(p, ids, TINY)
    b, _ = forward(p, changed, TINY)
    np.testing.assert_allclose(a[:, :4], b[:, :4], atol=1e-12)


def test_forward_rejects_too_long_input(rng):
    with pytest.raises(ValueError):
        forward(init_params(TINY, rng), np.zeros((1, 7), dtype=int), TINY)


def test_forward_keeps_float32(rng):
    p = init_params(TINY, rng, dtype=np.float32)
    logits, _ = forward(p, np.array([[1, 2, 3]]), TINY)
    assert logits.dtype == np.float32


def test_initial_loss_is_about_log_vocab(rng):
    cfg = ModelConfig(vocab_size=100, d_model=16, n_heads=2, n_layers=1, d_mlp=32, max_seq_len=8)
    ids, targets = batch(cfg, rng, (4, 8))
    logits, _ = forward(init_params(cfg, rng), ids, cfg)
    assert abs(cross_entropy(logits, targets) - math.log(100)) < 0.05


def test_cross_entropy_known_value():
    logits = np.log(np.array([[[0.5, 0.25, 0.25], [0.1, 0.8, 0.1]]]))
    expected = -(math.log(0.5) + math.log(0.8)) / 2
    assert cross_entropy(logits, np.array([[0, 1]])) == pytest.approx(expected)
    assert np.isfinite(cross_entropy(np.array([[1e4, 0.0]]), np.array([1])))


# --- backward: each piece, then the whole model --------------------------------------

def test_layer_norm_backward_matches_finite_differences(rng):
    x, g, b, dy = rng.normal(size=(2, 3, 5)), rng.normal(size=5), rng.normal(size=5), rng.normal(size=(2, 3, 5))
    dx, dg, db = layer_norm_backward(dy, x, g)
    f = lambda: np.sum(layer_norm(x, g, b) * dy)  # noqa: E731
    assert relative_error(dx, numerical_gradient(f, x)) < 1e-7
    assert relative_error(dg, numerical_gradient(f, g)) < 1e-7
    assert relative_error(db, numerical_gradient(f, b)) < 1e-7


def test_gelu_and_softmax_backward_match_finite_differences(rng):
    x, dy = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    assert relative_error(gelu_backward(dy, x),
                          numerical_gradient(lambda: np.sum(gelu(x) * dy), x)) < 1e-7
    assert relative_error(softmax_backward(dy, softmax(x)),
                          numerical_gradient(lambda: np.sum(softmax(x) * dy), x)) < 1e-7


def test_attention_backward_matches_finite_differences(rng):
    q, k, v = (rng.normal(size=(2, 4, 3)) for _ in range(3))
    dout, mask = rng.normal(size=(2, 4, 3)), causal_mask(4)
    out, w = attention(q, k, v, mask)
    dq, dk, dv = attention_backward(dout, q, k, v, w)
    f = lambda: np.sum(attention(q, k, v, mask)[0] * dout)  # noqa: E731
    for analytic, x in ((dq, q), (dk, k), (dv, v)):
        assert relative_error(analytic, numerical_gradient(f, x)) < 1e-7


def test_full_model_gradient_check(rng):
    params = perturbed_params(TINY, rng)
    ids, targets = batch(TINY, rng)
    errors = gradient_check(params, ids, targets, TINY, h=1e-5)
    assert set(errors) == set(flatten_params(params))
    worst = max(errors, key=errors.get)
    assert errors[worst] < 1e-6, f"{worst}: relative error {errors[worst]:.2e}"


def test_gradient_check_catches_a_wrong_gradient(rng, monkeypatch):
    import numpy_transformer.model as model

    wrong = lambda dy, x: dy * 0.5  # noqa: E731 - pretend gelu'(x) = 0.5
    monkeypatch.setattr(model, "gelu_backward", wrong)
    params = perturbed_params(TINY, rng)
    errors = gradient_check(params, *batch(TINY, rng), TINY)
    assert errors["blocks.0.W1"] > 1e-3


def test_backward_returns_params_structure(rng):
    params = init_params(TINY, rng)
    ids, targets = batch(TINY, rng)
    _, cache = forward(params, ids, TINY)
    grads = backward(params, cache, targets)
    flat_p, flat_g = flatten_params(params), flatten_params(grads)
    assert flat_p.keys() == flat_g.keys()
    for name in flat_p:
        assert flat_g[name].shape == flat_p[name].shape, name


def test_repeated_tokens_accumulate_embedding_gradient(rng):
    # The same token at several positions must add up its gradients (np.add.at).
    params = perturbed_params(TINY, rng)
    ids = np.array([[3, 3, 3, 5, 3, 5]])
    targets = np.array([[1, 2, 3, 4, 5, 6]])
    errors = gradient_check(params, ids, targets, TINY)
    assert errors["W_E"] < 1e-6


# --- Adam ---------------------------------------------------------------------------

def test_adam_step_first_step_moves_by_lr():
    # After bias correction the first step is lr * sign(grad) (up to eps).
    p, g = np.array([1.0, -2.0]), np.array([0.3, -4.0])
    m, v = np.zeros(2), np.zeros(2)
    adam_step(p, g, m, v, t=1, lr=0.1)
    np.testing.assert_allclose(p, [0.9, -1.9], atol=1e-6)


def test_adam_minimises_a_quadratic():
    params = {"W_E": np.array([[3.0, -2.0]]), "blocks": [], "ln_f_g": np.array([1.0]),
              "ln_f_b": np.array([-1.0])}
    opt = Adam(params, lr=0.05)
    for _ in range(500):
        grads = {k: (2 * v if k != "blocks" else []) for k, v in params.items()}
        opt.step(grads)
    for p in flatten_params(params).values():
        np.testing.assert_allclose(p, 0.0, atol=1e-2)


# --- checkpoint ---------------------------------------------------------------------

def test_save_load_round_trip(tmp_path, rng):
    tok = WordTokenizer.from_corpus("sirius is a class A star .")
    cfg = ModelConfig(vocab_size=tok.vocab_size, d_model=8, n_heads=2, n_layers=1, d_mlp=16,
                      max_seq_len=6)
    params = init_params(cfg, rng)
    path = tmp_path / "w.npz"
    save_weights(path, params, cfg, tok, steps=3)
    first_bytes = path.read_bytes()
    save_weights(path, params, cfg, tok, steps=3)
    assert path.read_bytes() == first_bytes  # deterministic file
    loaded, cfg2, tok2, meta = load_weights(path)
    assert cfg2 == cfg and tok2.vocab == tok.vocab and meta == {"steps": 3}
    for name, p in flatten_params(params).items():
        q = flatten_params(loaded)[name]
        assert q.dtype == np.float32
        np.testing.assert_allclose(q, p, rtol=1e-6, atol=1e-7)
    data = np.load(path)  # readable with plain NumPy, no pickle
    assert "blocks.0.W_q" in data.files and str(data["vocab"][0]) == "<unk>"
