"""Checks for 06_model: forward (the whole model), next_token_probs, sample_next, generate.

Properties first (shapes, causality of the whole model under changes of future tokens,
tied unembedding, the final layer norm, rows summing to 1, temperature and top-k
limits, reproducible sampling from the given generator), stored reference values
second. Stored "variants" (outputs of typical mistakes) only serve to name the mistake.
The model config is passed as a plain namespace with the attributes of ModelConfig.
"""
import copy
from types import SimpleNamespace

import numpy as np

from .. import data
from ..checking import exercise


def _same(actual, expected, atol=1e-6):
    actual = np.asarray(actual)
    return actual.shape == np.shape(expected) and bool(np.allclose(actual, expected, atol=atol))


def _arr(a, precision=3):
    text = np.array2string(np.asarray(a), precision=precision, separator=", ", suppress_small=True,
                           max_line_width=10_000)
    return " ".join(text.split())


def _scaled_params(params, factor):
    """Copy of params with the final layer norm's gamma and beta multiplied by ``factor``."""
    out = copy.deepcopy(params)
    out["ln_f_g"] = out["ln_f_g"] * factor
    out["ln_f_b"] = out["ln_f_b"] * factor
    return out


# ---------------------------------------------------------------- forward

HINT_UNEMBED = ("print the shapes of x, h and W_E: the logits are h @ W_E.T, shape (batch, seq, vocab_size) "
                "(tied unembedding: the transpose of the embedding matrix)")


def _logits(c, forward_fn, params, ids, config, label):
    res = c.call(forward_fn, copy.deepcopy(params), ids.copy(), config, label=label, hint=HINT_UNEMBED)
    c.require(isinstance(res, tuple) and len(res) == 2, "returns a pair (logits, cache)",
              expected="tuple (logits, cache)", actual=type(res).__name__,
              hint="keep the last two lines of the function: `return logits, cache`")
    return res[0]


@exercise("forward")
def forward(c, forward_fn):
    """Check your forward function (the complete model)."""
    e = data.expected("forward")
    params, ids = e["params"], e["token_ids"]
    config = SimpleNamespace(**e["config"])
    B, T = ids.shape
    V, d = params["W_E"].shape
    size = (f"vocab_size={V}, d_model={d}, n_heads={config.n_heads}, n_layers={config.n_layers}, "
            f"d_mlp={config.d_mlp}")
    label = f"forward(params, token_ids={_arr(ids)}, config) with {size}"
    logits = _logits(c, forward_fn, params, ids, config, label)
    if isinstance(logits, np.ndarray) and logits.shape == (B, T, d):
        c.fail("output shape", f"shape {(B, T, V)}", f"shape {logits.shape}",
               hint="you returned vectors of width d_model: unembed them, logits = h @ W_E.T")
    c.shape(logits, (B, T, V), hint="one logit per vocabulary entry at every position: (batch, seq, vocab_size)")
    c.require(bool(np.all(np.isfinite(logits))), "all logits finite", "finite values", _arr(logits),
              hint="look for a NaN: does every block get the causal mask with True on the diagonal?")

    # causality: changing the last two tokens must not move earlier logits
    changed = ids.copy()
    changed[:, -2:] = (changed[:, -2:] + 3) % V
    logits2 = _logits(c, forward_fn, params, changed, config,
                      label + f", then token_ids={_arr(changed)} (last two tokens changed)")
    if not _same(np.asarray(logits2)[:, : T - 2], logits[:, : T - 2], atol=1e-9):
        moved = np.abs(np.asarray(logits2)[:, : T - 2] - logits[:, : T - 2]).max()
        c.fail(f"causality: logits at positions 0..{T - 3} do not change when tokens {T - 2}, {T - 1} change",
               "positions 0..2 unchanged", f"they moved by up to {moved:.3g}",
               hint="pass the causal mask (causal_mask(T), shape (seq, seq)) to every block")
    c.passed += 1

    # tied unembedding: a token whose embedding row is zero gets logit exactly 0
    unused = sorted(set(range(V)) - set(ids.ravel().tolist()))[0]
    zeroed = copy.deepcopy(params)
    zeroed["W_E"][unused] = 0.0
    logits_z = _logits(c, forward_fn, zeroed, ids, config,
                       label + f", with row {unused} of W_E set to 0 (token {unused} is not in the input)")
    c.require(np.allclose(np.asarray(logits_z)[..., unused], 0.0, atol=1e-12),
              f"tied unembedding: token {unused} with a zero embedding row gets logit 0 everywhere",
              "logits[..., %d] all 0" % unused, f"logits[..., {unused}] = {_arr(np.asarray(logits_z)[..., unused])}",
              hint="unembed with the same matrix that embeds: logits = h @ W_E.T (no other matrix)")

    # the final layer norm: doubling its gamma and beta doubles every logit
    logits_s = _logits(c, forward_fn, _scaled_params(params, 2.0), ids, config,
                       label + ", with ln_f_g and ln_f_b doubled")
    if not _same(logits_s, 2.0 * logits, atol=1e-8):
        c.fail("final layer norm: doubling ln_f_g and ln_f_b doubles the logits",
               f"logits[0, 0] = {_arr(2.0 * logits[0, 0])}", f"logits[0, 0] = {_arr(np.asarray(logits_s)[0, 0])}",
               hint="after the last block apply the final layer norm, h = layer_norm(x, params['ln_f_g'], "
                    "params['ln_f_b']), then logits = h @ W_E.T")
    c.passed += 1

    if not _same(logits, e["logits"]):
        hints = {
            "no_pe": "add the positional encoding to the token embeddings: "
                     "x = embed(token_ids, W_E) + positional_encoding(T, d_model)",
            "not_chained": "feed each block the output of the previous one (x = block(x, ...)), "
                           "not the embeddings every time",
            "first_block_only": "run every block of params['blocks'], in order",
            "no_final_ln": "apply the final layer norm before unembedding",
            "no_mask": "pass causal_mask(T) to every block",
        }
        hint = next((h for k, h in hints.items() if _same(logits, e["variants"][k])),
                    "x = embed + positional encoding; every block in order with the causal mask; "
                    "final layer norm; logits = h @ W_E.T")
        c.fail("logits", _arr(e["logits"][0, :2]) + " (positions 0-1 of batch 0)",
               _arr(logits[0, :2]) + " (positions 0-1 of batch 0)", hint=hint)
    c.passed += 1

    p32 = {"W_E": params["W_E"].astype(np.float32),
           "blocks": [{k: v.astype(np.float32) for k, v in b.items()} for b in params["blocks"]],
           "ln_f_g": params["ln_f_g"].astype(np.float32), "ln_f_b": params["ln_f_b"].astype(np.float32)}
    logits32 = _logits(c, forward_fn, p32, ids, config, "forward(float32 params, token_ids, config)")
    c.dtype(logits32, np.float32, hint="keep the dtype of the parameters: cast the positional encoding "
                                       "with .astype(W_E.dtype) before adding it")


# ---------------------------------------------------------------- next_token_probs

@exercise("next_token_probs")
def next_token_probs(c, probs_fn):
    """Check your next_token_probs function."""
    e = data.expected("next_token_probs")
    logits = e["logits"]
    variants = e["variants"]
    given = logits.copy()
    label = f"next_token_probs(logits) with logits of shape {logits.shape} (batch 2, seq 3, vocab 5)"
    p = c.call(probs_fn, given, label=label)
    c.shape(p, logits.shape, hint="one probability per logit: the same shape as logits")
    c.close(given, logits, "the input is not modified", hint="compute new arrays, do not divide logits in place")
    sums = np.asarray(p).sum(axis=-1)
    if not np.allclose(sums, 1.0, atol=1e-6):
        hint = "normalise over the vocabulary, the last axis: softmax(..., axis=-1)"
        if _same(p, variants["axis0"]) or _same(p, variants["axis1"]):
            hint = "you normalised over the batch or position axis: softmax over the last (vocabulary) axis"
        c.fail("probabilities sum to 1 over the vocabulary (last axis)", f"sums {_arr(np.ones((2, 3)))}",
               f"sums {_arr(sums)}", hint=hint)
    c.passed += 1
    c.close(p, e["probs"]["t1"], "values at temperature 1", hint="with temperature 1 and no top_k this is "
                                                                  "softmax(logits, axis=-1)")

    for t in (0.5, 2.0):
        pt = c.call(probs_fn, logits.copy(), temperature=t, label=f"next_token_probs(logits, temperature={t})")
        if _same(pt, variants[f"t{t:g}_multiplied"]):
            c.fail(f"temperature {t}", _arr(e["probs"][f"t{t:g}"][0, 0]), _arr(np.asarray(pt)[0, 0]),
                   hint="divide the logits by the temperature (a low temperature sharpens), do not multiply")
        if _same(pt, e["probs"]["t1"]):
            c.fail(f"temperature {t}", _arr(e["probs"][f"t{t:g}"][0, 0]), _arr(np.asarray(pt)[0, 0]),
                   hint="the temperature had no effect: divide by the temperature before the softmax, "
                        "softmax(logits / temperature)")
        c.close(pt, e["probs"][f"t{t:g}"], f"values at temperature {t}", hint="softmax(logits / temperature)")

    cold = c.call(probs_fn, logits.copy(), temperature=1e-3, label="next_token_probs(logits, temperature=0.001)")
    greedy = np.eye(logits.shape[-1])[np.argmax(logits, axis=-1)]
    if not _same(cold, greedy, atol=1e-6):
        c.fail("temperature -> 0 puts all probability on the largest logit (greedy)",
               _arr(greedy[0, 0], 2), _arr(np.asarray(cold)[0, 0], 2),
               hint="divide by the temperature: logits / 0.001 makes the largest logit dominate")
    c.passed += 1

    top = c.call(probs_fn, logits.copy(), top_k=2, label="next_token_probs(logits, top_k=2)")
    c.shape(top, logits.shape, hint="top_k keeps the shape: the other tokens get probability 0")
    top = np.asarray(top)
    order = np.argsort(logits, axis=-1)
    best = np.zeros(logits.shape, dtype=bool)
    np.put_along_axis(best, order[..., -2:], True, axis=-1)
    outside = top[~best]
    if not np.allclose(outside, 0.0, atol=1e-12):
        smallest = np.zeros(logits.shape, dtype=bool)
        np.put_along_axis(smallest, order[..., :2], True, axis=-1)
        hint = ("keep the k LARGEST logits: the threshold is np.sort(logits, axis=-1)[..., -top_k]"
                if np.allclose(top[~smallest], 0.0, atol=1e-12) else
                "set every logit below the k-th largest to -np.inf before the softmax (per row, axis=-1)")
        c.fail("top_k=2: every token outside the 2 largest logits gets probability 0",
               _arr(e["top2"][0, 0]), _arr(top[0, 0]), hint=hint)
    c.passed += 1
    c.require(np.allclose(top.sum(axis=-1), 1.0, atol=1e-6), "top_k=2: the kept probabilities sum to 1",
              _arr(np.ones((2, 3))), _arr(top.sum(axis=-1)),
              hint="apply top-k to the logits (-np.inf) and then take the softmax, so it renormalises")
    c.close(top, e["top2"], "values with top_k=2", hint="softmax over the 2 largest logits of each row")
    tie = e["tie_logits"]
    tied = c.call(probs_fn, tie.copy(), top_k=2, label=f"next_token_probs({_arr(tie, 1)}, top_k=2)")
    c.shape(tied, tie.shape, hint="top_k keeps the shape: the other tokens get probability 0")
    tied = np.asarray(tied)
    kept = e["tie_top2"] > 0
    hint_ties = ("ties: logits equal to the k-th highest are kept too, so keep every logit "
                 ">= np.sort(logits, axis=-1)[..., -top_k, None] instead of exactly k argsort indices")
    if np.count_nonzero(tied[kept] > 0) < np.count_nonzero(kept):
        c.fail("top_k=2 keeps every logit equal to the 2nd highest (ties)", _arr(e["tie_top2"]), _arr(tied),
               hint=hint_ties)
    c.close(tied, e["tie_top2"], "values with top_k=2 and a tie at the 2nd highest logit", hint=hint_ties)
    both = c.call(probs_fn, logits.copy(), temperature=0.5, top_k=3,
                  label="next_token_probs(logits, temperature=0.5, top_k=3)")
    c.close(both, e["top3_t0.5"], "values with temperature=0.5 and top_k=3",
            hint="divide by the temperature, then keep the top k, then softmax")
    one = c.call(probs_fn, logits[1, 2].copy(), label=f"next_token_probs({_arr(logits[1, 2], 2)}) (one position)")
    c.shape(one, (logits.shape[-1],), hint="a 1-D vector of logits gives a 1-D vector of probabilities "
                                             "(use axis=-1 and [..., -top_k, None])")
    c.close(one, e["probs"]["t1"][1, 2], "values for one position", hint="softmax along axis=-1")


# ---------------------------------------------------------------- sample_next

HINT_RNG = ("draw with the generator you are given, rng.choice(len(probs), p=probs), "
            "never with np.random's global functions")


@exercise("sample_next", uses=('next_token_probs',))
def sample_next(c, sample_fn):
    """Check your sample_next function."""
    e = data.expected("sample_next")
    logits, probs = e["logits"], e["probs"]
    V = logits.size
    label = f"sample_next({_arr(logits, 2)}, rng=np.random.default_rng(0))"
    rng = np.random.default_rng(0)
    before = copy.deepcopy(rng.bit_generator.state)
    token = c.call(sample_fn, logits.copy(), rng, label=label)
    c.require(isinstance(token, (int, np.integer)) and not isinstance(token, bool),
              "returns one token id (an int)", "int", f"{type(token).__name__}: {token!r}",
              hint="return int(rng.choice(len(probs), p=probs)): one id, not the probabilities")
    c.require(0 <= int(token) < V, "the token id is in [0, vocab_size)", f"0..{V - 1}", str(token),
              hint="choose among the indices 0..len(probs) - 1")
    c.require(rng.bit_generator.state != before, "the draw uses the rng argument (its state advanced)",
              "rng state changed", "rng untouched", hint=HINT_RNG)
    again = c.call(sample_fn, logits.copy(), np.random.default_rng(0), label=label + " again")
    c.equal(int(again), int(token), "same seed, same sample", hint=HINT_RNG)

    rng = np.random.default_rng(1)
    n = 3000
    c.current_call = f"{n} calls of sample_next(logits, rng) with one rng = np.random.default_rng(1)"
    draws = np.array([int(sample_fn(logits, rng)) for _ in range(n)])
    freq = np.bincount(draws, minlength=V)[:V] / n
    if not np.allclose(freq, probs, atol=0.03):
        hint = ("sample, do not take the most likely token: rng.choice(len(probs), p=probs)"
                if np.count_nonzero(freq) == 1 else
                "draw with probabilities next_token_probs(logits, temperature, top_k) (the p= argument)")
        c.fail("tokens are drawn with the softmax probabilities", f"frequencies close to {_arr(probs, 2)}",
               f"frequencies {_arr(freq, 2)}", hint=hint)
    c.passed += 1

    rng = np.random.default_rng(2)
    kept = set(np.argsort(logits)[-3:].tolist())
    c.current_call = "300 calls of sample_next(logits, rng, temperature=0.5, top_k=3)"
    draws = [int(sample_fn(logits, rng, temperature=0.5, top_k=3)) for _ in range(300)]
    c.require(set(draws) <= kept, "top_k=3 never samples outside the 3 largest logits",
              f"tokens in {sorted(kept)}", f"tokens {sorted(set(draws))}",
              hint="pass temperature and top_k on: next_token_probs(logits, temperature, top_k)")
    freq = np.bincount(draws, minlength=V)[:V] / len(draws)
    c.close(freq, e["probs_t0.5_top3"], "frequencies with temperature=0.5, top_k=3", atol=0.08, rtol=0,
            hint="pass temperature and top_k on: next_token_probs(logits, temperature, top_k)")

    rng = np.random.default_rng(3)
    c.current_call = "100 calls of sample_next(logits, rng, temperature=0.001)"
    draws = {int(sample_fn(logits, rng, temperature=1e-3)) for _ in range(100)}
    c.equal(draws, {int(np.argmax(logits))}, "temperature -> 0 always gives the most likely token (greedy)",
            hint="pass the temperature on to next_token_probs")


# ---------------------------------------------------------------- generate

@exercise("generate", uses=('forward', 'next_token_probs', 'sample_next'))
def generate(c, generate_fn):
    """Check your generate function (it uses your forward and sample_next)."""
    e = data.expected("generate")
    params, prompt, n = e["params"], list(e["prompt"]), e["max_new_tokens"]
    config = SimpleNamespace(**e["config"])
    size = f"tiny model (vocab_size={config.vocab_size}, max_seq_len={config.max_seq_len})"
    label = f"generate(params, config, prompt_ids={prompt}, max_new_tokens={n}, rng=None, greedy=True), {size}"
    crash_hint = (f"{len(prompt)} + {n} tokens are more than max_seq_len={config.max_seq_len}: feed the model "
                  "only the last config.max_seq_len tokens, a batch of one: np.array([ids[-config.max_seq_len:]])")
    out = c.call(generate_fn, copy.deepcopy(params), config, list(prompt), n, None, greedy=True,
                 label=label, hint=crash_hint)
    c.type(out, list, hint="return the list ids: the prompt followed by the new tokens")
    c.equal(len(out), len(prompt) + n, "length is len(prompt_ids) + max_new_tokens",
            hint="append exactly one token per step, max_new_tokens steps")
    c.equal([int(i) for i in out[: len(prompt)]], prompt, "starts with the prompt",
            hint="start from ids = list(prompt_ids) and append to it")
    out = [int(i) for i in out]
    if out != e["greedy"]:
        hints = {
            "argmin": "greedy takes the most likely token: np.argmax, not np.argmin",
            "first_position": "the next token is predicted by the LAST position: logits[0, -1]",
        }
        hint = next((h for k, h in hints.items() if out == e["variants"][k]),
                    "each step: logits of the last max_seq_len tokens, take logits[0, -1], append its argmax "
                    "(check.forward must pass first)")
        c.fail("greedy decoding appends the argmax of the last position's logits", str(e["greedy"]), str(out),
               hint=hint)
    c.passed += 1

    label = f"generate(params, config, {prompt}, {n}, rng=np.random.default_rng(0), top_k=1)"
    rng = np.random.default_rng(0)
    before = copy.deepcopy(rng.bit_generator.state)
    top1 = c.call(generate_fn, copy.deepcopy(params), config, list(prompt), n, rng, top_k=1, label=label)
    c.equal([int(i) for i in top1], e["greedy"], "sampling with top_k=1 gives the greedy result",
            hint="when not greedy, call sample_next(logits[0, -1], rng, temperature, top_k) with all arguments")
    c.require(rng.bit_generator.state != before, "sampling draws from the rng argument", "rng state changed",
              "rng untouched", hint="pass rng on to sample_next; greedy=False must sample")
    runs = [[int(i) for i in c.call(generate_fn, copy.deepcopy(params), config, list(prompt), n,
                                    np.random.default_rng(5), temperature=2.0,
                                    label=f"generate(params, config, {prompt}, {n}, np.random.default_rng(5), "
                                          "temperature=2.0), twice")] for _ in range(2)]
    c.equal(runs[1], runs[0], "same seed, same text", hint="draw only from the rng argument")
