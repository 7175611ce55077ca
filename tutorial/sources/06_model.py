# %% [markdown]
# # 06 · The complete model, and text from it
#
# All the parts exist now. A decoder-only transformer is them, stacked:
#
# ```
# x = embed(token_ids, W_E) + positional_encoding(T, d_model)   # (batch, seq, d_model)
# for each block:   x = x + attention(ln1(x));  x = x + mlp(ln2(x))
# h = layer_norm(x, ln_f_g, ln_f_b)                               # final layer norm
# logits = h @ W_E.T                                              # (batch, seq, vocab_size)
# ```
#
# The last line is the **tied unembedding**: the matrix that turned token ids into vectors
# turns the final vectors back into one score per vocabulary entry. The logit of token `v`
# is the dot product of `h` with the embedding of `v`, "how much does the final vector look
# like token v". Softmax turns logits into probabilities of the next token, and
# **generation** draws a token, appends it, and runs the model again.
#
# In this notebook you assemble the model, then write the sampling code, and load weights
# that were trained on the course corpus, so the model writes real astronomy sentences
# before you train anything yourself (notebook 07).

# %%
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
import matplotlib.pyplot as plt

import course
from course import check, needs

course.plots.setup();

# %% [markdown]
# ## Building blocks from notebooks 01-05 (given)
#
# Run these cells; read them again if you like. The tokenizer and the embeddings:

# %%
UNK = "<unk>"

# %%
#| given numpy_transformer.tokenizer.WordTokenizer

# %%
#| given numpy_transformer.embeddings.embed

# %%
#| given numpy_transformer.embeddings.positional_encoding

# %% [markdown]
# Attention, with the causal mask and the head split and merge:

# %%
#| given numpy_transformer.attention.softmax

# %%
#| given numpy_transformer.attention.causal_mask

# %%
#| given numpy_transformer.attention.attention

# %%
#| given numpy_transformer.attention.split_heads

# %%
#| given numpy_transformer.attention.merge_heads

# %% [markdown]
# Layer norm and GELU:

# %%
#| given numpy_transformer.layers.layer_norm

# %%
#| given numpy_transformer.layers.gelu

# %% [markdown]
# The block is the pre-norm `transformer_block` of notebook 05, written out step by step so
# that it also returns a **cache** of its intermediate values (notebook 07 needs them to
# compute gradients). Here you only use its first result.

# %%
#| given numpy_transformer.model.block_forward

# %% [markdown]
# ## The model's sizes and parameters
#
# A `ModelConfig` holds the sizes. The parameters are a dict: the embedding `W_E`, a list
# with one dict per block, and the final layer norm's `ln_f_g`, `ln_f_b`. Every weight starts
# as a small random number (standard deviation 0.02, as in GPT-2), drawn from an explicit
# random generator, so the same seed always gives the same model.

# %%
#| given numpy_transformer.model.ModelConfig

# %%
#| given numpy_transformer.model.init_params

# %%
tok = WordTokenizer.from_corpus(course.data.corpus())
config = ModelConfig(vocab_size=tok.vocab_size, d_model=48, n_heads=2, n_layers=2, d_mlp=192, max_seq_len=16)
params = init_params(config, np.random.default_rng(0))
print(config)
print("W_E:", params["W_E"].shape, "  blocks:", len(params["blocks"]), "  ln_f_g:", params["ln_f_g"].shape)
for name, p in params["blocks"][0].items():
    print(f"  block 0 {name:6s} {p.shape}")
n_params = params["W_E"].size + sum(p.size for b in params["blocks"] for p in b.values()) + 2 * config.d_model
print("parameters:", n_params, f"(of which W_E: {params['W_E'].size})")

# %% [markdown]
# ### Exercise 6.1 · `forward`: the whole model (⏱ 15 min, ★★★)
#
# Why it matters: this is the function that turns token ids into predictions, for
# training (notebook 07) and for generation (below). Every earlier notebook built one line
# of it.
#
# Use `embed`, `positional_encoding` (cast it to `W_E.dtype` so float32 weights stay
# float32), `causal_mask`, `block_forward` for every block in order (keep the caches in
# `block_caches`), the final `layer_norm` and the tied unembedding.

# %%
#| exercise numpy_transformer.model.forward

# %%
check.forward(forward)

# %% [markdown]
# <details><summary>Hint 1 (nudge)</summary>
#
# Four steps: the input vectors `x` of shape (batch, seq, d_model); a loop
# `for p in params["blocks"]` that replaces `x` by the block's output (and appends the
# block's cache); `h` = the final layer norm of `x`; `logits = h @ W_E.T`. The mask is the
# same for every block: compute it once with `causal_mask(T)`.
# </details>
#
# <details><summary>Hint 2 (almost the solution)</summary>
#
# ```python
# x = embed(token_ids, W_E) + positional_encoding(T, config.d_model).astype(W_E.dtype)
# mask = causal_mask(T)
# block_caches = []
# for p in params["blocks"]:
#     x, block_cache = block_forward(x, p, config.n_heads, mask)
#     block_caches.append(block_cache)
# h = layer_norm(x, params["ln_f_g"], params["ln_f_b"])
# logits = h @ W_E.T
# ```
# </details>

# %% [markdown]
# ### The untrained model
#
# Run the random model on a sentence. Row `t` of the logits scores the token that follows
# the first `t + 1` tokens. With random weights every next token is about equally likely:
# each probability is close to 1 / V.

# %%
sentence = "sirius is a class A star ."
ids = np.array([tok.encode(sentence)])  # (batch 1, seq)
with needs(forward):
    logits, _ = forward(params, ids, config)
    probs = softmax(logits, axis=-1)
    print("token_ids:", ids.shape, "-> logits:", logits.shape)
    print(f"1 / V = {1 / config.vocab_size:.4f}; the untrained model's probabilities range from "
          f"{probs.min():.4f} to {probs.max():.4f}")

# %% [markdown]
# The whole model is causal, not just one attention layer: change the last token and no
# earlier position's logits move.

# %%
with needs(forward):
    changed = ids.copy()
    changed[0, -1] = tok.encode("planet")[0]
    logits_changed, _ = forward(params, changed, config)
    moved = np.abs(logits_changed - logits).max(axis=-1)[0] > 1e-12
    print("positions whose logits changed:", np.flatnonzero(moved).tolist(), "of", ids.shape[1])

# %% [markdown]
# ## Trained weights
#
# `course.data.trained_model()` reads the weights shipped with the course (a plain NumPy
# `.npz` file: one array per parameter, the config and the vocabulary). They were trained by
# the training code you write in notebook 07, on the course corpus. The model is small:

# %%
trained = course.data.trained_model()
config = ModelConfig(**trained.config)
tok = WordTokenizer(trained.vocab, lowercase=trained.lowercase)
params = trained.params
print(config)
print("training run:", trained.meta)

# %% [markdown]
# What comes after "sirius is a class"? The most likely next tokens, by logit:

# %%
def top_tokens(scores, k=5):
    """The k highest-scoring tokens of a 1-D vector of scores, as (token, score) pairs."""
    best = np.argsort(scores)[::-1][:k]
    return [(tok.vocab[i], round(float(scores[i]), 3)) for i in best]


with needs(forward):
    prompt = "sirius is a class"
    logits, _ = forward(params, np.array([tok.encode(prompt)]), config)
    print(repr(prompt), "->", top_tokens(logits[0, -1]))

# %% [markdown]
# ## From logits to probabilities: temperature and top-k
#
# Softmax of the logits gives the model's distribution of the next token. Two knobs change
# it before we sample:
#
# * **temperature** `τ`: use `softmax(logits / τ)`. Below 1 the distribution gets sharper
#   (as `τ → 0` all the probability goes to the largest logit: greedy decoding); above 1 it
#   gets flatter.
# * **top-k**: keep only the `k` largest logits and give all the others probability 0, so
#   the model never picks a very unlikely token.
#
# ### Exercise 6.2 · `next_token_probs` (⏱ 10 min, ★★)
#
# Why it matters: every generated token is drawn from this distribution; it must work for
# logits with batch and position axes, normalising over the vocabulary only.

# %%
#| exercise numpy_transformer.generate.next_token_probs

# %%
check.next_token_probs(next_token_probs)

# %% [markdown]
# <details><summary>Hint 1 (nudge)</summary>
#
# Divide first, then top-k, then softmax. For top-k, find the k-th largest value of every
# row, `np.sort(scaled, axis=-1)[..., -top_k]`, and set every logit below it to `-np.inf`
# (softmax turns `-inf` into probability 0 and renormalises the rest). Keep that
# threshold's last axis (`[..., -top_k, None]`) so it broadcasts against the row.
# </details>
#
# <details><summary>Hint 2 (almost the solution)</summary>
#
# ```python
# scaled = np.asarray(logits, dtype=np.float64) / temperature
# if top_k is not None and top_k < scaled.shape[-1]:
#     kth_largest = np.sort(scaled, axis=-1)[..., -top_k, None]
#     scaled = np.where(scaled >= kth_largest, scaled, -np.inf)
# return softmax(scaled, axis=-1)
# ```
# </details>

# %% [markdown]
# The same next-token distribution after "the sun is a", shaped four ways:

# %%
with needs(forward, next_token_probs):
    prompt = "the sun is a"
    logits, _ = forward(params, np.array([tok.encode(prompt)]), config)
    last = logits[0, -1]
    shown = np.argsort(last)[::-1][:8]
    settings = [dict(temperature=1.0), dict(temperature=0.5), dict(temperature=2.0), dict(top_k=3)]
    fig, axes = plt.subplots(1, 4, figsize=(14, 3), sharey=True)
    for ax, kw in zip(axes, settings):
        p = next_token_probs(last, **kw)
        ax.bar(range(len(shown)), p[shown])
        ax.set_xticks(range(len(shown)), [tok.vocab[i] for i in shown], rotation=60)
        ax.set_title(", ".join(f"{k}={v}" for k, v in kw.items()))
        print(f"{str(kw):22s} P(most likely) = {p.max():.3f}, tokens with P > 0.01: {int((p > 0.01).sum())}")
    axes[0].set_ylabel(f"P(next token | '{prompt}')")
    plt.tight_layout()
    plt.show()

# %% [markdown]
# ## Sampling with an explicit random generator
#
# To sample, draw one token id with these probabilities. All randomness comes from a
# `np.random.Generator` passed in as an argument (`rng = np.random.default_rng(seed)`),
# never from `np.random`'s hidden global state: the same seed then gives the same text,
# which makes experiments repeatable and bugs reproducible.
#
# ### Exercise 6.3 · `sample_next` (⏱ 5 min, ★★)
#
# Why it matters: this is the only random step of generation.

# %%
#| exercise numpy_transformer.generate.sample_next

# %%
check.sample_next(sample_next)

# %% [markdown]
# <details><summary>Hint 1 (nudge)</summary>
#
# Get the probabilities with your `next_token_probs` (pass temperature and top_k on), then
# let the generator pick an index: `Generator.choice(n, p=...)` draws from `range(n)` with
# the given probabilities.
# </details>
#
# <details><summary>Hint 2 (almost the solution)</summary>
#
# ```python
# probs = next_token_probs(logits, temperature, top_k)
# return int(rng.choice(probs.size, p=probs))
# ```
# </details>

# %% [markdown]
# Draw many tokens after "the sun is a" and compare how often each comes up with its
# probability:

# %%
with needs(forward, next_token_probs, sample_next):
    logits, _ = forward(params, np.array([tok.encode("the sun is a")]), config)
    last = logits[0, -1]
    rng = np.random.default_rng(0)
    n_draws = 2000
    draws = np.array([sample_next(last, rng) for _ in range(n_draws)])
    p = next_token_probs(last)
    for i in np.argsort(p)[::-1][:4]:
        print(f"{tok.vocab[i]:>8s}: probability {p[i]:.3f}, drawn {np.mean(draws == i):.3f} of {n_draws} times")
    same = [sample_next(last, np.random.default_rng(42)) for _ in range(3)]
    print("three draws, each with a fresh rng of seed 42:", [tok.vocab[i] for i in same])

# %% [markdown]
# ## Generation
#
# Generating text repeats one step: run the model on the tokens so far (only the last
# `max_seq_len`, the longest context it was trained on), take the logits of the **last**
# position, pick a token (greedy: the argmax; otherwise `sample_next`), append it.
#
# ### Exercise 6.4 · `generate` (⏱ 10 min, ★★★)
#
# Why it matters: this loop is how every GPT writes; it is also where most "my model only
# repeats itself" bugs live (wrong position, wrong context).

# %%
#| exercise numpy_transformer.generate.generate

# %%
check.generate(generate)

# %% [markdown]
# <details><summary>Hint 1 (nudge)</summary>
#
# The model wants a batch: `np.array([ids[-config.max_seq_len:]])` has shape (1, seq).
# `forward` returns `(logits, cache)`; the scores for the next token are `logits[0, -1]`.
# </details>
#
# <details><summary>Hint 2 (almost the solution)</summary>
#
# ```python
# for _ in range(max_new_tokens):
#     context = np.array([ids[-config.max_seq_len:]])
#     logits, _ = forward(params, context, config)
#     last = logits[0, -1]
#     next_id = int(np.argmax(last)) if greedy else sample_next(last, rng, temperature, top_k)
#     ids.append(next_id)
# ```
# </details>

# %% [markdown]
# Our corpus has one sentence per line, so we stop a completion at the first full stop:

# %%
def complete(prompt, max_new_tokens=10, **kwargs):
    """Continue ``prompt`` with your generate, up to and including the first '.'."""
    prompt_ids = tok.encode(prompt)
    ids = generate(params, config, prompt_ids, max_new_tokens, **kwargs)
    new = ids[len(prompt_ids):]
    if "." in tok.vocab:
        stop = tok.vocab.index(".")
        new = new[: new.index(stop) + 1] if stop in new else new
    return tok.decode(prompt_ids + new)


with needs(forward, generate):
    for prompt in ["sirius is a class", "betelgeuse is a class", "M31 is the", "mars is the", "the sun is"]:
        print("greedy  |", complete(prompt, rng=None, greedy=True))

# %% [markdown]
# Greedy decoding always gives the same sentence. Sampling gives variety; the temperature
# decides how adventurous it is, top-k cuts off the unlikely tail, and the seed makes every
# run repeatable:

# %%
with needs(forward, generate, sample_next, next_token_probs):
    for kw in [dict(temperature=0.5), dict(temperature=1.0), dict(temperature=2.0), dict(temperature=2.0, top_k=3)]:
        rng = np.random.default_rng(1)
        print(f"{str(kw):34s}", " | ".join(complete("the sun is", rng=rng, **kw) for _ in range(3)))
    a = complete("class M stars are", rng=np.random.default_rng(7))
    b = complete("class M stars are", rng=np.random.default_rng(7))
    print("same seed, same text:", a == b, "->", a)

# %% [markdown]
# ### What did the model learn?
#
# The corpus states the spectral class of a number of named stars ("vega is a class A star
# ."). Ask the trained model for each of them, greedily:

# %%
facts = re.findall(r"^(.+) is a class ([OBAFGKM]) star \.$", course.data.corpus(), flags=re.M)
with needs(forward, generate):
    correct = 0
    for star, spectral_class in facts:
        answer = tok.vocab[generate(params, config, tok.encode(f"{star} is a class"), 1, None, greedy=True)[-1]]
        correct += answer == spectral_class
    print(f"spectral class recalled for {correct} of {len(facts)} named stars")
    print("for example:", complete(f"{facts[-1][0]} is a class", rng=None, greedy=True))

# %% [markdown]
# These are facts it read during training, not understanding. It completes a star name it
# has never seen just as confidently (the unknown word becomes `<unk>`):

# %%
with needs(forward, generate):
    print(complete("zorbax is a class", rng=None, greedy=True))
    print("tokens of the prompt:", [tok.vocab[i] for i in tok.encode("zorbax is a class")])

# %% [markdown]
# ## Summary
#
# * The model: embedding + positions, the blocks in order with one causal mask, a final
#   layer norm, and logits `h @ W_E.T` with the same matrix that embeds.
# * Probabilities: `softmax(logits / temperature)` over the vocabulary axis, optionally only
#   over the top k logits.
# * Sampling draws from an explicit `np.random.Generator`: same seed, same text.
# * Generation: run on the last `max_seq_len` tokens, use the last position, append, repeat.
#
# In notebook 07 you compute the gradients of this model by hand and train it yourself.
