"""Reference sampling and generation."""
import numpy as np
import pytest

from numpy_transformer.attention import softmax
from numpy_transformer.generate import generate, sample_next
from numpy_transformer.model import ModelConfig, flatten_params, init_params

CFG = ModelConfig(vocab_size=7, d_model=8, n_heads=2, n_layers=1, d_mlp=16, max_seq_len=5)


@pytest.fixture
def params():
    p = init_params(CFG, np.random.default_rng(0))
    for a in flatten_params(p).values():  # make the model opinionated
        a += np.random.default_rng(1).standard_normal(a.shape)
    return p


def test_sample_next_is_reproducible_with_the_same_rng():
    logits = np.array([0.1, 2.0, -1.0, 0.5])
    a = [sample_next(logits, np.random.default_rng(3)) for _ in range(5)]
    assert len(set(a)) == 1 and isinstance(a[0], int)


def test_sample_next_follows_softmax_distribution():
    logits = np.array([0.0, 1.0, 2.0])
    rng = np.random.default_rng(0)
    draws = np.array([sample_next(logits, rng) for _ in range(20000)])
    freq = np.bincount(draws, minlength=3) / draws.size
    np.testing.assert_allclose(freq, softmax(logits), atol=0.015)


def test_sample_next_temperature_and_top_k():
    logits = np.array([0.0, 1.0, 3.0, 2.9])
    rng = np.random.default_rng(0)
    cold = [sample_next(logits, rng, temperature=0.01) for _ in range(200)]
    assert set(cold) == {2}
    top2 = [sample_next(logits, rng, top_k=2) for _ in range(500)]
    assert set(top2) == {2, 3}
    assert {sample_next(logits, rng, top_k=1) for _ in range(50)} == {2}
    with pytest.raises(ValueError):
        sample_next(logits, rng, temperature=0.0)


def test_generate_greedy_is_deterministic_and_keeps_prompt(params):
    out1 = generate(params, CFG, [1, 2], 4, np.random.default_rng(0), greedy=True)
    out2 = generate(params, CFG, [1, 2], 4, np.random.default_rng(99), greedy=True)
    assert out1 == out2 and out1[:2] == [1, 2] and len(out1) == 6
    assert all(0 <= i < CFG.vocab_size for i in out1)


def test_generate_sampling_depends_only_on_rng(params):
    a = generate(params, CFG, [3], 8, np.random.default_rng(5))
    b = generate(params, CFG, [3], 8, np.random.default_rng(5))
    assert a == b
    others = {tuple(generate(params, CFG, [3], 8, np.random.default_rng(s))) for s in range(6)}
    assert len(others) > 1


def test_generate_beyond_max_seq_len_uses_a_sliding_window(params):
    out = generate(params, CFG, [1, 2, 3, 4, 5, 6], 10, np.random.default_rng(0), greedy=True)
    assert len(out) == 16


def test_generate_rejects_empty_prompt(params):
    with pytest.raises(ValueError):
        generate(params, CFG, [], 3, np.random.default_rng(0))
