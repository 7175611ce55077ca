"""Expected data for the 06_model checks: forward, next_token_probs, sample_next, generate.

A tiny model with distinct sizes (vocab 7, d_model 6, 2 heads of width 3, 2 layers,
MLP width 10, batch 2, seq 5) and deliberately large random weights, so that logits
are far apart and greedy decoding has no near-ties. "variants" are outputs of typical
mistakes, stored so that the checks can name a mistake without containing solution code.
"""
import numpy as np

from numpy_transformer import generate as G
from numpy_transformer import model as M
from numpy_transformer.attention import causal_mask
from numpy_transformer.embeddings import embed, positional_encoding
from numpy_transformer.layers import layer_norm

CONFIG = dict(vocab_size=7, d_model=6, n_heads=2, n_layers=2, d_mlp=10, max_seq_len=6)


def tiny_params(seed=6):
    """Random parameters with every entry non-trivial (biases and norms too)."""
    config = M.ModelConfig(**CONFIG)
    rng = np.random.default_rng(seed)
    params = M.init_params(config, rng)
    for name, p in M.flatten_params(params).items():
        if name.endswith("_g"):
            p[...] = rng.normal(1.0, 0.2, size=p.shape)
        elif name.endswith(("_b", "b1", "b2", "b_q", "b_k", "b_v", "b_o")):
            p[...] = rng.normal(0.0, 0.2, size=p.shape)
        else:
            p[...] = rng.normal(0.0, 0.6, size=p.shape)
    return params, config


def _variant_forward(params, ids, config, pe=True, final_ln=True, mask=True, chain=True):
    T = ids.shape[1]
    W_E = params["W_E"]
    x0 = embed(ids, W_E) + (positional_encoding(T, config.d_model) if pe else 0.0)
    m = causal_mask(T) if mask else np.ones((T, T), dtype=bool)
    x = x0
    for p in params["blocks"]:
        x, _ = M.block_forward(x if chain else x0, p, config.n_heads, m)
    h = layer_norm(x, params["ln_f_g"], params["ln_f_b"]) if final_ln else x
    return h @ W_E.T


def forward_data():
    params, config = tiny_params()
    ids = np.array([[3, 0, 6, 2, 3], [1, 5, 0, 5, 2]])  # token 4 unused
    logits, _ = M.forward(params, ids, config)
    assert np.allclose(logits, _variant_forward(params, ids, config))
    return {
        "config": CONFIG,
        "params": params,
        "token_ids": ids,
        "logits": logits,
        "variants": {
            "no_pe": _variant_forward(params, ids, config, pe=False),
            "no_final_ln": _variant_forward(params, ids, config, final_ln=False),
            "no_mask": _variant_forward(params, ids, config, mask=False),
            "not_chained": _variant_forward(params, ids, config, chain=False),
            "first_block_only": _variant_forward(
                dict(params, blocks=params["blocks"][:1]), ids, config),
        },
    }


# the 2nd highest logit (2.0) occurs twice: top_k=2 keeps three tokens
TIE_LOGITS = np.array([1.0, 3.0, 2.0, 0.5, 2.0])


def next_token_probs_data(rng):
    logits = rng.normal(0.0, 2.0, size=(2, 3, 5))
    probs = {f"t{t:g}": G.next_token_probs(logits, temperature=t) for t in (1.0, 0.5, 2.0)}
    return {
        "logits": logits,
        "probs": probs,
        "top2": G.next_token_probs(logits, top_k=2),
        "top3_t0.5": G.next_token_probs(logits, temperature=0.5, top_k=3),
        "tie_logits": TIE_LOGITS,
        "tie_top2": G.next_token_probs(TIE_LOGITS, top_k=2),
        "variants": {
            "t0.5_multiplied": G.next_token_probs(logits * 0.5),
            "t2_multiplied": G.next_token_probs(logits * 2.0),
            "axis0": np.exp(logits) / np.exp(logits).sum(axis=0, keepdims=True),
            "axis1": np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True),
        },
    }


def sample_next_data():
    logits = np.array([0.5, 2.0, -1.0, 1.2, 0.0, 1.6])
    return {
        "logits": logits,
        "probs": G.next_token_probs(logits),
        "probs_t0.5_top3": G.next_token_probs(logits, temperature=0.5, top_k=3),
    }


def _generate_variant(params, config, prompt, n, pick):
    ids = list(prompt)
    for _ in range(n):
        logits, _ = M.forward(params, np.array([ids[-config.max_seq_len:]]), config)
        ids.append(int(pick(logits[0])))
    return ids


def generate_data():
    params, config = tiny_params(seed=7)
    prompt, n = [3, 1], 6  # 8 tokens > max_seq_len = 6: the context must be cut
    greedy = G.generate(params, config, prompt, n, None, greedy=True)
    assert greedy == _generate_variant(params, config, prompt, n, lambda lg: np.argmax(lg[-1]))
    return {
        "config": CONFIG,
        "params": params,
        "prompt": prompt,
        "max_new_tokens": n,
        "greedy": greedy,
        "variants": {
            "argmin": _generate_variant(params, config, prompt, n, lambda lg: np.argmin(lg[-1])),
            "first_position": _generate_variant(params, config, prompt, n, lambda lg: np.argmax(lg[0])),
        },
    }


def generate():
    rng = np.random.default_rng(60)
    return {
        "forward": forward_data(),
        "next_token_probs": next_token_probs_data(rng),
        "sample_next": sample_next_data(),
        "generate": generate_data(),
    }
