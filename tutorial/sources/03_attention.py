# %% [markdown]
# # 03 · Attention: letting positions read each other
#
# After notebook 02 every position holds a vector that knows its token and its place, but
# nothing about its neighbours. **Attention** is the only step of a transformer where
# positions exchange information. Each position
#
# * asks a question: its **query** `q`,
# * advertises what it holds: its **key** `k`,
# * and offers content: its **value** `v`.
#
# Query `i` compares itself with every key `j` (a dot product), softmax turns the scores
# into weights that sum to 1, and the output of position `i` is the weighted average of
# the values:
#
# $$\text{attention}(Q, K, V) = \text{softmax}\left(\frac{Q K^\top}{\sqrt{d_{head}}}\right) V$$
#
# A language model must not peek at the words it is about to predict, so a **causal mask**
# hides the future before the softmax.

# %%
import math
import re
from collections import Counter

import numpy as np
import matplotlib.pyplot as plt

import course
from course import check, needs

course.plots.setup();

# %% [markdown]
# ## Softmax
#
# Softmax turns any row of real scores into positive weights that sum to 1:
# $\text{softmax}(x)_i = e^{x_i} / \sum_j e^{x_j}$. Written exactly like that it breaks on
# large scores:

# %%
big = np.array([1000.0, 999.0, 998.0])
with np.errstate(over="ignore", invalid="ignore"):
    exps = np.exp(big)
    naive = exps / exps.sum()
print("np.exp(", big, ") =", exps)
print("naive softmax =", naive)
print("largest float64:", np.finfo(np.float64).max, "= e **", round(math.log(np.finfo(np.float64).max), 1))

# %% [markdown]
# Anything above about e<sup>709.8</sup> is infinite in float64, and inf / inf is NaN. The
# fix costs one line: softmax does not change when the same constant is subtracted from a
# whole row (the factor $e^{-c}$ cancels), so subtract the row maximum first. Then every
# exponent is at most 0 and the largest term is exactly 1.
#
# ### Exercise 3.1 · `softmax` (⏱ 10 min, ★★★)
#
# Why it matters: softmax turns attention scores into weights here, and the final logits
# into next-token probabilities in notebook 06. A NaN in either spreads through the whole
# model. The `axis` argument matters too: attention normalises over keys (the last axis)
# for every query, batch element and head at once.

# %%
#| exercise numpy_transformer.attention.softmax

# %%
check.softmax(softmax)

# %% [markdown]
# <details><summary>Hint 1 (nudge)</summary>
#
# Three steps, all along `axis`: the maximum, the exponentials of `x - max`, the division by
# their sum. Reductions such as `np.max(x, axis=axis)` drop the axis; `keepdims=True` keeps
# it with length 1 so the result broadcasts against `x`. Do not modify `x` in place.
# </details>
#
# <details><summary>Hint 2 (almost the solution)</summary>
#
# ```python
# shifted = x - np.max(x, axis=axis, keepdims=True)
# exps = np.exp(shifted)
# return exps / np.sum(exps, axis=axis, keepdims=True)
# ```
# </details>

# %% [markdown]
# Your softmax on the scores that broke the naive version, and on a row containing `-inf`
# (which is how masked positions will look):

# %%
with needs(softmax):
    print(softmax(big))
    print(softmax(np.array([2.0, -np.inf, 2.0, 0.0])))

# %% [markdown]
# ## The causal mask
#
# When the model reads "sirius is a class A", it must predict "star" without seeing it.
# Position `i` may therefore attend to positions `j <= i` only. We describe this with a
# boolean matrix: `mask[i, j]` is True when query `i` may read key `j`. Rows are queries,
# columns keys.
#
# ### Exercise 3.2 · `causal_mask` (⏱ 5 min, ★★)
#
# Why it matters: without the mask, training is cheating (every position can copy the next
# token from its input) and the model learns nothing it can use for generation.

# %%
#| exercise numpy_transformer.attention.causal_mask

# %%
check.causal_mask(causal_mask)

# %% [markdown]
# <details><summary>Hint 1 (nudge)</summary>
#
# The allowed cells form the lower triangle *including* the diagonal (a token may look at
# itself). NumPy has a function for lower triangles.
# </details>
#
# <details><summary>Hint 2 (almost the solution)</summary>
#
# `np.tril(np.ones((T, T), dtype=bool))`, or compare index grids:
# `np.arange(T)[None, :] <= np.arange(T)[:, None]`.
# </details>

# %%
with needs(causal_mask):
    print(causal_mask(4).astype(int))

# %% [markdown]
# ## Scaled dot-product attention
#
# Why divide by $\sqrt{d_{head}}$? If the entries of `q` and `k` are independent with mean 0
# and variance 1, their dot product is a sum of `d_head` such products, so its variance is
# `d_head`. Large scores push softmax towards a one-hot vector, where gradients vanish.
# Measure it:

# %%
rng = np.random.default_rng(0)
for d in (4, 64, 256):
    q_rand, k_rand = rng.normal(size=(2000, d)), rng.normal(size=(2000, d))
    dots = np.sum(q_rand * k_rand, axis=-1)
    print(f"d_head = {d:3d}: std of q·k = {dots.std():5.2f}   std of q·k / sqrt(d_head) = {dots.std() / math.sqrt(d):.2f}")

# %% [markdown]
# Dividing by $\sqrt{d_{head}}$ brings the scores back to a spread of about 1 whatever the
# head width.
#
# ### Exercise 3.3 · `attention` (⏱ 15 min, ★★★)
#
# Why it matters: this function *is* the transformer's way of moving information between
# positions; notebook 04 runs it for several heads at once and notebook 06 for every layer.
# It must work for any leading dimensions (batch, heads), so transpose only the last two
# axes of `k`. Use your `softmax`.

# %%
#| exercise numpy_transformer.attention.attention

# %%
check.attention(attention)

# %% [markdown]
# <details><summary>Hint 1 (nudge)</summary>
#
# `q @ k^T` needs `k` with its last two axes swapped: `np.swapaxes(k, -1, -2)` (not `k.T`,
# which reverses *all* axes when there is a batch axis). Masked scores become `-np.inf`
# *before* the softmax, so that each row is renormalised over the allowed keys only;
# `np.where(mask, scores, -np.inf)` does it and broadcasts a (seq, seq) mask over the batch.
# </details>
#
# <details><summary>Hint 2 (almost the solution)</summary>
#
# ```python
# d_head = q.shape[-1]
# scores = q @ np.swapaxes(k, -1, -2) / math.sqrt(d_head)
# if mask is not None:
#     scores = np.where(mask, scores, -np.inf)
# weights = softmax(scores, axis=-1)
# return weights @ v, weights
# ```
# </details>

# %% [markdown]
# ## Attention on a sentence
#
# The tokenizer, the embedding and the positional encoding from notebooks 01 and 02 are
# given here, so that this notebook runs on its own.

# %%
UNK = "<unk>"

# %%
#| given numpy_transformer.tokenizer.WordTokenizer

# %%
#| given numpy_transformer.embeddings.embed

# %%
#| given numpy_transformer.embeddings.positional_encoding

# %% [markdown]
# We embed a sentence with a random embedding matrix and give one attention head random
# projections `W_q`, `W_k`, `W_v` of shape (d_model, d_head). `W_q` and `W_k` are drawn
# separately, so they differ, as they do in a trained model.

# %%
tok = WordTokenizer.from_corpus(course.data.corpus())
sentence = "sirius is a class A star and vega is a class A star ."
ids = np.array(tok.encode(sentence))
tokens = [tok.vocab[i] for i in ids]
T = len(ids)
d_model, d_head = 16, 8

rng = np.random.default_rng(1)
W_E = rng.normal(0.0, 1.0, size=(tok.vocab_size, d_model))
x = embed(ids, W_E) + positional_encoding(T, d_model)  # (T, d_model): one sentence, no batch axis
W_q = rng.normal(0.0, 0.3, size=(d_model, d_head))
W_k = rng.normal(0.0, 0.3, size=(d_model, d_head))
W_v = rng.normal(0.0, 0.3, size=(d_model, d_head))
q, k, v = x @ W_q, x @ W_k, x @ W_v
print("tokens:", tokens)
print("x:", x.shape, " q, k, v:", q.shape, k.shape, v.shape)

# %% [markdown]
# The pattern below shows the weights: row = the query position that reads, column = the
# key position it reads from. Masked cells are drawn in grey, outside the colour scale:
# they are not "weight close to 0", they are not allowed at all.

# %%
with needs(attention, causal_mask, softmax):
    mask = causal_mask(T)  # computed inside every `needs` block: it uses your causal_mask
    out, weights = attention(q, k, v, mask)
    course.plots.attention_pattern(weights, tokens, mask, title="one random head, causal mask")
    plt.show()
    print("every row sums to 1:", np.allclose(weights.sum(axis=-1), 1.0))
    print("the first token can only read itself: weight", weights[0, 0])

# %% [markdown]
# ### The query-key view: *where* a head looks
#
# The score between positions `i` and `j` is
# $q_i \cdot k_j = x_i W_q W_k^\top x_j^\top$: only the product $W_{QK} = W_q W_k^\top$, a
# (d_model, d_model) matrix, decides where the head looks. Since `W_q` and `W_k` differ,
# $W_{QK}$ is not symmetric: "i looks for j" is not the same as "j looks for i". Swapping
# queries and keys transposes the score matrix and gives a different pattern:

# %%
W_QK = W_q @ W_k.T
print("W_QK shape:", W_QK.shape, "  symmetric:", np.allclose(W_QK, W_QK.T))
print("scores from W_QK equal q @ k.T:", np.allclose(x @ W_QK @ x.T, q @ k.T))
with needs(attention, causal_mask, softmax):
    mask = causal_mask(T)
    _, swapped = attention(k, q, v, mask)  # a bug: keys asked the questions
    fig, axes = plt.subplots(1, 2, figsize=(12, 5.5))
    course.plots.attention_pattern(weights, tokens, mask, ax=axes[0], title="q @ k.T (correct)",
                                   colorbar=False, legend=False)
    course.plots.attention_pattern(swapped, tokens, mask, ax=axes[1], title="k @ q.T (swapped)")
    plt.tight_layout()
    plt.show()
    print(f"largest weight difference between the two patterns: {np.abs(weights - swapped).max():.2f}")

# %% [markdown]
# A hand-made head makes the query-key view concrete. With $W_q = W_k$ proportional to the
# identity and no positional encoding, query `i` scores highest on keys whose *token
# embedding* equals its own: the head looks back for earlier copies of the current word.
# Its $W_{QK}$ is symmetric by construction, which is exactly what a trained head usually is
# not.

# %%
with needs(attention, causal_mask, softmax):
    mask = causal_mask(T)
    x_tokens = embed(ids, W_E)  # token embeddings only
    W_same = 1.5 * np.eye(d_model)
    _, copies = attention(x_tokens @ W_same, x_tokens @ W_same, x_tokens, mask)
    course.plots.attention_pattern(copies, tokens, mask, title="hand-made head: earlier copies of the same word")
    plt.show()
    second_star = T - 2
    print(f"query '{tokens[second_star]}' (position {second_star}) puts "
          f"{copies[second_star, tokens.index('star')]:.2f} on the first 'star' and "
          f"{copies[second_star, second_star]:.2f} on itself")

# %% [markdown]
# ### The output-value view: *what* a head moves
#
# Where the head looks does not depend on `W_v`, and what it moves does not depend on
# `W_q` or `W_k`: output row `i` is $\sum_j w_{ij}\, x_j W_v$, a weighted average of the
# value vectors. In notebook 04 an output projection $W_o$ follows, and
# $W_{OV} = W_v W_o$ plays for "what" the role $W_{QK}$ plays for "where". Check both
# claims on our head:

# %%
with needs(attention, causal_mask, softmax):
    mask = causal_mask(T)
    out, weights = attention(q, k, v, mask)
    W_v_other = rng.normal(0.0, 0.3, size=(d_model, d_head))
    _, weights_other_v = attention(q, k, x @ W_v_other, mask)
    print("changing W_v leaves the pattern unchanged:", np.allclose(weights, weights_other_v))
    print("output row 3 = sum_j w[3, j] * v[j]:", np.allclose(out[3], (weights[3, :, None] * v).sum(axis=0)))
    print("output row 0 is exactly v[0] (it may only read itself):", np.allclose(out[0], v[0]))

# %% [markdown]
# ### Causality, tested rather than believed
#
# Change the last word of the sentence: with the mask no earlier output moves; without it,
# all of them do.

# %%
with needs(attention, causal_mask, softmax):
    mask = causal_mask(T)
    x_changed = x.copy()
    x_changed[-1] += rng.normal(size=d_model)
    qc, kc, vc = x_changed @ W_q, x_changed @ W_k, x_changed @ W_v
    for name, m in [("with the causal mask", mask), ("without a mask", None)]:
        before, _ = attention(q, k, v, m)
        after, _ = attention(qc, kc, vc, m)
        moved = np.abs(after - before).max(axis=-1) > 1e-12
        print(f"{name:22s}: outputs that changed at positions {np.flatnonzero(moved).tolist()}")

# %% [markdown]
# ## Summary
#
# * Stable softmax: subtract the maximum along the axis first; `-inf` scores get weight 0.
# * Causal mask: `mask[i, j] = j <= i`, applied to the scores **before** the softmax.
# * `attention(q, k, v, mask)`: scores `q @ k^T / sqrt(d_head)`, weights by softmax over
#   keys, output `weights @ v`; it works for any leading batch and head axes.
# * `W_q W_k^T` decides where a head looks, `W_v` (and later `W_o`) what it moves.
