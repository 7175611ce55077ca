"""course.data.trained_model(): the shipped weights read with plain NumPy, identical to
the reference loader, and the model they make recalls a fact of the corpus."""
import numpy as np

import course
from numpy_transformer import generate as G
from numpy_transformer import model as M
from numpy_transformer.checkpoint import load_weights


def test_trained_model_matches_reference_loader():
    trained = course.data.trained_model()
    params, config, tok, meta = load_weights(course.data.WEIGHTS_FILE, dtype=np.float64)
    assert M.ModelConfig(**trained.config) == config
    assert trained.vocab == tok.vocab and trained.lowercase == tok.lowercase and trained.meta == meta
    mine, ref = M.flatten_params(trained.params), M.flatten_params(params)
    assert list(mine) == list(ref)
    for name in ref:
        assert mine[name].dtype == np.float64 and np.array_equal(mine[name], ref[name]), name


def test_trained_model_generates_a_corpus_fact():
    trained = course.data.trained_model()
    config = M.ModelConfig(**trained.config)
    prompt = [trained.vocab.index(w) for w in "sirius is a class".split()]
    ids = G.generate(trained.params, config, prompt, 3, None, greedy=True)
    assert [trained.vocab[i] for i in ids[len(prompt):]] == ["A", "star", "."]
