"""Reference training loop, and the shipped trained weights."""
import math
from pathlib import Path

import numpy as np
import pytest

from numpy_transformer.checkpoint import load_weights
from numpy_transformer.generate import generate
from numpy_transformer.model import ModelConfig, flatten_params
from numpy_transformer.train import (
    DEFAULT_CORPUS,
    DEFAULT_WEIGHTS,
    class_fact_accuracy,
    learning_rate,
    sample_batch,
    spectral_class_facts,
    train,
)
from numpy_transformer.tokenizer import WordTokenizer

TEXT = DEFAULT_CORPUS.read_text(encoding="utf-8")


def small_config(vocab_size):
    return ModelConfig(vocab_size=vocab_size, d_model=16, n_heads=2, n_layers=1, d_mlp=32,
                       max_seq_len=8)


@pytest.fixture(scope="module")
def short_run():
    vocab_size = WordTokenizer.from_corpus(TEXT).vocab_size
    return train(TEXT, small_config(vocab_size), steps=150, lr=1e-2, batch_size=8, seed=0)


def test_corpus_is_small_and_keeps_capital_classes():
    lines = [l for l in TEXT.splitlines() if l.strip()]
    assert 30 <= len(lines) <= 150
    tok = WordTokenizer.from_corpus(TEXT)
    assert 100 <= tok.vocab_size <= 250
    assert "A" in tok.vocab and "a" in tok.vocab
    assert WordTokenizer.from_corpus(TEXT, lowercase=True).vocab_size < tok.vocab_size
    assert len(spectral_class_facts(TEXT)) >= 20


def test_sample_batch_targets_are_shifted_inputs():
    sentences = [[1, 2, 3], [4, 5], [6, 7, 8, 9]]
    x, y = sample_batch(sentences, 4, 6, np.random.default_rng(0))
    assert x.shape == y.shape == (4, 6)
    np.testing.assert_array_equal(x[:, 1:], y[:, :-1])
    assert set(x[:, 0]) <= {1, 4, 6}  # every row starts at a sentence start


def test_learning_rate_schedule():
    assert learning_rate(0, 100, 1.0, warmup=10) == pytest.approx(0.1)
    assert learning_rate(10, 100, 1.0, warmup=10) == pytest.approx(1.0)
    assert learning_rate(99, 100, 1.0, warmup=10) == pytest.approx(0.1, abs=1e-3)


def test_training_loss_decreases(short_run):
    losses = short_run.losses
    assert len(losses) == 150
    assert abs(losses[0] - math.log(short_run.config.vocab_size)) < 0.1
    assert np.mean(losses[-20:]) < losses[0] - 1.5


def test_training_is_deterministic(short_run):
    again = train(TEXT, short_run.config, steps=150, lr=1e-2, batch_size=8, seed=0)
    assert again.losses == short_run.losses
    for name, p in flatten_params(short_run.params).items():
        np.testing.assert_array_equal(p, flatten_params(again.params)[name])


def test_generation_after_short_training_is_reproducible(short_run):
    tok, cfg = short_run.tokenizer, short_run.config
    prompt = tok.encode("sirius is a class")
    a = generate(short_run.params, cfg, prompt, 5, np.random.default_rng(7), temperature=0.8)
    b = generate(short_run.params, cfg, prompt, 5, np.random.default_rng(7), temperature=0.8)
    assert a == b and a[:4] == prompt
    assert tok.unk_id not in a


def test_train_on_token_ids_needs_config():
    with pytest.raises(ValueError):
        train([[1, 2, 3]], steps=1)
    cfg = ModelConfig(vocab_size=5, d_model=8, n_heads=2, n_layers=1, d_mlp=8, max_seq_len=4)
    result = train([[1, 2, 3, 4], [2, 3]], cfg, steps=3, batch_size=2)
    assert result.tokenizer is None and len(result.losses) == 3


def test_shipped_weights_recall_spectral_classes():
    assert DEFAULT_WEIGHTS.exists(), "run scripts/train_model to create the weights file"
    assert DEFAULT_WEIGHTS.stat().st_size < 1_000_000
    params, cfg, tok, meta = load_weights(DEFAULT_WEIGHTS)
    assert tok.vocab == WordTokenizer.from_corpus(TEXT).vocab  # built from this corpus
    out = generate(params, cfg, tok.encode("sirius is a class"), 2, None, greedy=True)
    assert tok.decode(out) == "sirius is a class A star"
    assert class_fact_accuracy(params, cfg, tok, spectral_class_facts(TEXT)) == 1.0
    assert meta["steps"] > 0
