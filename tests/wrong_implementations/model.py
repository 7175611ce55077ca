"""Wrong implementations for 06_model: forward, next_token_probs, sample_next, generate."""
import numpy as np

from numpy_transformer import generate as G
from numpy_transformer import model as M
from numpy_transformer.attention import causal_mask, softmax
from numpy_transformer.embeddings import embed, positional_encoding
from numpy_transformer.layers import layer_norm

from . import reference, wrong

reference("forward", M.forward)
reference("next_token_probs", G.next_token_probs)
reference("sample_next", G.sample_next)
reference("generate", G.generate)


# ---------------------------------------------------------------- forward

def _forward(params, token_ids, config, pe=True, final_ln=True, mask=True, unembed=None, chain=True):
    T = token_ids.shape[1]
    W_E = params["W_E"]
    x0 = embed(token_ids, W_E) + (positional_encoding(T, config.d_model).astype(W_E.dtype) if pe else 0.0)
    m = causal_mask(T) if mask else None
    x = x0
    for p in params["blocks"]:
        x, _ = M.block_forward(x if chain else x0, p, config.n_heads, m)
    h = layer_norm(x, params["ln_f_g"], params["ln_f_b"]) if final_ln else x
    logits = unembed(h, W_E) if unembed else h @ W_E.T
    return logits, {}


@wrong("forward", hint="h @ W_E.T")
def unembed_without_transpose(params, token_ids, config):
    return _forward(params, token_ids, config, unembed=lambda h, W_E: h @ W_E)


@wrong("forward", hint="the same matrix that embeds")
def untied_random_unembedding(params, token_ids, config):
    W_U = np.random.default_rng(0).normal(0.0, 0.02, size=(config.d_model, config.vocab_size))
    return _forward(params, token_ids, config, unembed=lambda h, W_E: h @ W_U)


@wrong("forward", hint="apply the final layer norm")
def missing_final_layer_norm(params, token_ids, config):
    return _forward(params, token_ids, config, final_ln=False)


@wrong("forward", hint="add the positional encoding")
def positional_encoding_not_added(params, token_ids, config):
    return _forward(params, token_ids, config, pe=False)


@wrong("forward", hint="pass the causal mask")
def blocks_without_mask(params, token_ids, config):
    return _forward(params, token_ids, config, mask=False)


@wrong("forward", hint="output of the previous one")
def blocks_not_chained(params, token_ids, config):
    return _forward(params, token_ids, config, chain=False)


@wrong("forward", hint="you returned vectors of width d_model")
def returns_hidden_states(params, token_ids, config):
    logits, cache = _forward(params, token_ids, config, unembed=lambda h, W_E: h)
    return logits, cache


@wrong("forward", hint="return logits, cache")
def returns_logits_only(params, token_ids, config):
    return _forward(params, token_ids, config)[0]


@wrong("forward", hint=".astype(W_E.dtype)")
def float32_upcast_by_positional_encoding(params, token_ids, config):
    T = token_ids.shape[1]
    W_E = params["W_E"]
    x = embed(token_ids, W_E) + positional_encoding(T, config.d_model)  # float64 PE
    for p in params["blocks"]:
        x, _ = M.block_forward(x, p, config.n_heads, causal_mask(T))
    return layer_norm(x, params["ln_f_g"], params["ln_f_b"]) @ W_E.T, {}


# ---------------------------------------------------------------- next_token_probs

def _top_k(scaled, top_k, smallest=False):
    if top_k is None:
        return scaled
    s = np.sort(scaled, axis=-1)
    if smallest:
        return np.where(scaled <= s[..., top_k - 1, None], scaled, -np.inf)
    return np.where(scaled >= s[..., -top_k, None], scaled, -np.inf)


@wrong("next_token_probs", hint="divide the logits by the temperature")
def temperature_multiplied(logits, temperature=1.0, top_k=None):
    return softmax(_top_k(np.asarray(logits) * temperature, top_k), axis=-1)


@wrong("next_token_probs", hint="keep the k LARGEST logits")
def top_k_keeps_smallest(logits, temperature=1.0, top_k=None):
    return softmax(_top_k(np.asarray(logits) / temperature, top_k, smallest=True), axis=-1)


@wrong("next_token_probs", hint="softmax over the last (vocabulary) axis")
def softmax_over_batch_axis(logits, temperature=1.0, top_k=None):
    return softmax(_top_k(np.asarray(logits) / temperature, top_k), axis=0)


@wrong("next_token_probs", hint="then take the softmax, so it renormalises")
def top_k_after_softmax(logits, temperature=1.0, top_k=None):
    p = softmax(np.asarray(logits) / temperature, axis=-1)
    return np.where(_top_k(p, top_k) == -np.inf, 0.0, p)


@wrong("next_token_probs", hint="ties: logits equal to the k-th highest are kept too")
def top_k_drops_ties(logits, temperature=1.0, top_k=None):
    scaled = np.asarray(logits, dtype=float) / temperature
    if top_k is not None and top_k < scaled.shape[-1]:
        drop = np.argsort(scaled, axis=-1)[..., :-top_k]
        scaled = scaled.copy()
        np.put_along_axis(scaled, drop, -np.inf, axis=-1)
    return softmax(scaled, axis=-1)


@wrong("next_token_probs", hint="divide by the temperature")
def temperature_ignored(logits, temperature=1.0, top_k=None):
    return softmax(_top_k(np.asarray(logits, dtype=float), top_k), axis=-1)


# ---------------------------------------------------------------- sample_next

@wrong("sample_next", hint="never with np.random's global functions")
def samples_with_global_random(logits, rng, temperature=1.0, top_k=None):
    probs = G.next_token_probs(logits, temperature, top_k)
    return int(np.random.choice(probs.size, p=probs))


@wrong("sample_next", hint="do not take the most likely token")
def argmax_instead_of_sampling(logits, rng, temperature=1.0, top_k=None):
    rng.random()  # touches the rng, but does not sample
    return int(np.argmax(logits))


@wrong("sample_next", hint="pass temperature and top_k on")
def ignores_temperature_and_top_k(logits, rng, temperature=1.0, top_k=None):
    probs = G.next_token_probs(logits)
    return int(rng.choice(probs.size, p=probs))


@wrong("sample_next", hint="return int(rng.choice")
def returns_probabilities(logits, rng, temperature=1.0, top_k=None):
    rng.random()
    return G.next_token_probs(logits, temperature, top_k)


@wrong("sample_next", hint="draw with probabilities")
def uniform_draw(logits, rng, temperature=1.0, top_k=None):
    probs = G.next_token_probs(logits, temperature, top_k)
    return int(rng.choice(np.flatnonzero(probs)))


# ---------------------------------------------------------------- generate

def _generate(params, config, prompt_ids, max_new_tokens, rng, temperature=1.0, top_k=None, greedy=False,
              pick=None, crop=True, position=-1):
    ids = [int(i) for i in prompt_ids]
    for _ in range(max_new_tokens):
        context = np.array([ids[-config.max_seq_len:] if crop else ids])
        logits, _ = M.forward(params, context, config)
        last = logits[0, position]
        if greedy:
            ids.append(int((pick or np.argmax)(last)))
        else:
            ids.append(G.sample_next(last, rng, temperature, top_k))
    return ids


@wrong("generate", hint="np.argmax, not np.argmin")
def greedy_via_argmin(params, config, prompt_ids, max_new_tokens, rng, temperature=1.0, top_k=None,
                      greedy=False):
    return _generate(params, config, prompt_ids, max_new_tokens, rng, temperature, top_k, greedy, pick=np.argmin)


@wrong("generate", hint="only the last config.max_seq_len tokens")
def context_not_cropped(params, config, prompt_ids, max_new_tokens, rng, temperature=1.0, top_k=None,
                        greedy=False):
    return _generate(params, config, prompt_ids, max_new_tokens, rng, temperature, top_k, greedy, crop=False)


@wrong("generate", hint="the LAST position")
def predicts_from_first_position(params, config, prompt_ids, max_new_tokens, rng, temperature=1.0, top_k=None,
                                 greedy=False):
    return _generate(params, config, prompt_ids, max_new_tokens, rng, temperature, top_k, greedy, position=0)


@wrong("generate", hint="with all arguments")
def sampling_drops_top_k(params, config, prompt_ids, max_new_tokens, rng, temperature=1.0, top_k=None,
                         greedy=False):
    return _generate(params, config, prompt_ids, max_new_tokens, rng, temperature, None, greedy)


@wrong("generate", hint="the prompt followed by the new tokens")
def returns_only_new_tokens(params, config, prompt_ids, max_new_tokens, rng, temperature=1.0, top_k=None,
                            greedy=False):
    ids = _generate(params, config, prompt_ids, max_new_tokens, rng, temperature, top_k, greedy)
    return np.array(ids)
