"""Reference embeddings: lookup and interleaved sinusoidal positional encoding."""
import numpy as np
import pytest

from numpy_transformer import embed, positional_encoding


def test_embed_is_one_hot_matmul_and_keeps_dtype():
    rng = np.random.default_rng(0)
    W = rng.normal(size=(11, 4)).astype(np.float32)
    ids = rng.integers(0, 11, size=(2, 5))
    out = embed(ids, W)
    assert out.shape == (2, 5, 4) and out.dtype == np.float32
    np.testing.assert_allclose(out, np.eye(11)[ids] @ W, rtol=1e-6)


@pytest.mark.parametrize("bad", [-1, 11])
def test_embed_rejects_out_of_range(bad):
    with pytest.raises(IndexError):
        embed([0, bad], np.zeros((11, 3)))


@pytest.mark.parametrize("T,d", [(7, 6), (5, 9), (3, 1), (1, 4)])
def test_positional_encoding_formula(T, d):
    pe = positional_encoding(T, d)
    assert pe.shape == (T, d) and pe.dtype == np.float64
    for pos in range(T):
        for col in range(d):
            angle = pos / 10000 ** ((col - col % 2) / d)
            assert pe[pos, col] == pytest.approx(np.sin(angle) if col % 2 == 0 else np.cos(angle))


def test_positional_similarity_depends_on_offset_only():
    pe = positional_encoding(40, 16)
    s = pe @ pe.T
    assert s[3, 8] == pytest.approx(s[20, 25]) and s[3, 8] == pytest.approx(s[8, 3])
