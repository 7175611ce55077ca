# %% [markdown]
# # 04 · Multi-head attention
#
# One attention head computes one pattern: for every position, one weighted average. But a
# word may need several things at once: the class letter two words back *and* the name at
# the start of the sentence. **Multi-head attention** runs `n_heads` small heads side by
# side, each with its own queries, keys and values of width `d_head = d_model / n_heads`,
# and concatenates their outputs. It costs the same as one head of full width.
#
# The trick that makes it fast: project once with full (d_model, d_model) matrices, then cut
# the feature axis into `n_heads` contiguous slices and move the head axis next to the
# batch axis, so a single `attention` call handles all heads:
#
# | tensor | shape |
# |---|---|
# | `x` | (batch, seq, d_model) |
# | `x @ W_q + b_q` | (batch, seq, d_model) |
# | after `split_heads` | (batch, n_heads, seq, d_head) |
# | attention weights | (batch, n_heads, seq, seq) |
# | after `merge_heads` | (batch, seq, d_model) |
# | output, `... @ W_o + b_o` | (batch, seq, d_model) |

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
# `softmax`, `causal_mask` and `attention` from notebook 03 are given:

# %%
#| given numpy_transformer.attention.softmax

# %%
#| given numpy_transformer.attention.causal_mask

# %%
#| given numpy_transformer.attention.attention

# %% [markdown]
# ## Splitting into heads
#
# We use sizes that are all different, so that a mixed-up axis shows at once: a batch of 2
# sequences of 5 positions, `d_model = 12`, 3 heads of width 4.
#
# ### Exercise 4.1 · `split_heads` (⏱ 10 min, ★★★)
#
# Why it matters: a wrong split still has the right shape and still runs, but every head
# then sees features of *other positions*. Nothing crashes; the model is just quietly worse.

# %%
#| exercise numpy_transformer.attention.split_heads

# %%
check.split_heads(split_heads)

# %% [markdown]
# <details><summary>Hint 1 (nudge)</summary>
#
# First cut the last axis into (n_heads, d_head) with a reshape: that keeps every position's
# features together. Then the axes are (batch, seq, n_heads, d_head); swap the middle two.
# </details>
#
# <details><summary>Hint 2 (almost the solution)</summary>
#
# ```python
# d_head = d_model // n_heads
# return x.reshape(batch, seq, n_heads, d_head).transpose(0, 2, 1, 3)
# ```
# </details>

# %% [markdown]
# See the difference on numbers you can read: `x[0, t, f] = 100 * t + f`, so each entry
# says its position (hundreds) and feature (units). Head 1 must get features 4..7 of every
# position. A bare reshape to the final shape gives it something else:

# %%
B, T, D, H = 2, 5, 12, 3
x_demo = (100 * np.arange(T)[:, None] + np.arange(D)[None, :]).astype(float)
x_demo = np.broadcast_to(x_demo, (B, T, D)).copy()
print("bare reshape, head 1 of batch 0:\n", x_demo.reshape(B, H, T, D // H)[0, 1])
with needs(split_heads):
    print("split_heads, head 1 of batch 0:\n", split_heads(x_demo, H)[0, 1])

# %% [markdown]
# ## Merging the heads
#
# ### Exercise 4.2 · `merge_heads` (⏱ 5 min, ★★)
#
# Why it matters: it is the exact inverse of `split_heads`; the output projection `W_o`
# expects head `h` in features `h * d_head ... (h + 1) * d_head - 1`.

# %%
#| exercise numpy_transformer.attention.merge_heads

# %%
check.merge_heads(merge_heads)

# %% [markdown]
# <details><summary>Hint 1 (nudge)</summary>
#
# Undo the two steps of `split_heads` in reverse order: first move the head axis back
# behind the sequence axis, then reshape.
# </details>
#
# <details><summary>Hint 2 (almost the solution)</summary>
#
# ```python
# batch, n_heads, seq, d_head = x.shape
# return x.transpose(0, 2, 1, 3).reshape(batch, seq, n_heads * d_head)
# ```
# </details>

# %%
with needs(split_heads, merge_heads):
    print("merge_heads(split_heads(x)) == x:", np.array_equal(merge_heads(split_heads(x_demo, H)), x_demo))

# %% [markdown]
# ## Multi-head attention
#
# ### Exercise 4.3 · `multi_head_attention` (⏱ 15 min, ★★★)
#
# Why it matters: this is the attention layer of every transformer block (notebook 05).
# Project, split, attend (the given `attention` handles the head axis like a batch axis),
# merge, project with `W_o`. Every head scales its scores by its own width: the given
# `attention` divides by `sqrt(q.shape[-1])`, which after the split is `d_head`.

# %%
#| exercise numpy_transformer.attention.multi_head_attention

# %%
check.multi_head_attention(multi_head_attention)

# %% [markdown]
# <details><summary>Hint 1 (nudge)</summary>
#
# Five lines: three projections passed through `split_heads`, one call of `attention` with
# the mask, then `merge_heads` and the output projection. Return the output *and* the
# weights of every head.
# </details>
#
# <details><summary>Hint 2 (almost the solution)</summary>
#
# ```python
# q = split_heads(x @ W_q + b_q, n_heads)
# k = split_heads(x @ W_k + b_k, n_heads)
# v = split_heads(x @ W_v + b_v, n_heads)
# heads, weights = attention(q, k, v, mask)
# return merge_heads(heads) @ W_o + b_o, weights
# ```
# </details>

# %% [markdown]
# ## Several heads are several independent attentions
#
# Head `h` uses only columns `h * d_head ... (h + 1) * d_head - 1` of `W_q`, `W_k`, `W_v`.
# So multi-head attention must equal: run `n_heads` separate single-head attentions, one
# per column slice, concatenate their outputs, project with `W_o`. Verify it:

# %%
rng = np.random.default_rng(0)
d_head = D // H
x = rng.normal(size=(B, T, D))
params = {name: rng.normal(0.0, 0.3, size=(D, D)) for name in ("W_q", "W_k", "W_v", "W_o")}
params.update({name: rng.normal(0.0, 0.1, size=D) for name in ("b_q", "b_k", "b_v", "b_o")})


def mha_args(p):
    return [p[n] for n in ("W_q", "b_q", "W_k", "b_k", "W_v", "b_v", "W_o", "b_o")]


with needs(split_heads, merge_heads, multi_head_attention):
    mask = causal_mask(T)
    out, weights = multi_head_attention(x, *mha_args(params), H, mask)
    head_outputs = []
    for h in range(H):
        cols = slice(h * d_head, (h + 1) * d_head)
        q_h = x @ params["W_q"][:, cols] + params["b_q"][cols]
        k_h = x @ params["W_k"][:, cols] + params["b_k"][cols]
        v_h = x @ params["W_v"][:, cols] + params["b_v"][cols]
        o_h, w_h = attention(q_h, k_h, v_h, mask)
        head_outputs.append(o_h)
        print(f"head {h}: pattern equals weights[:, {h}]:", np.allclose(w_h, weights[:, h]))
    concatenated = np.concatenate(head_outputs, axis=-1) @ params["W_o"] + params["b_o"]
    print("output equals the concatenation of independent heads, projected:", np.allclose(out, concatenated))

# %% [markdown]
# Independence can also be tested from outside: change only head 1's query columns and
# look which patterns move.

# %%
with needs(split_heads, merge_heads, multi_head_attention):
    changed = dict(params, W_q=params["W_q"].copy())
    changed["W_q"][:, d_head:2 * d_head] += rng.normal(size=(D, d_head))
    _, weights_changed = multi_head_attention(x, *mha_args(changed), H, mask)
    for h in range(H):
        print(f"head {h} pattern changed:", not np.allclose(weights_changed[:, h], weights[:, h]))

# %% [markdown]
# ## Why sqrt(d_head) and not sqrt(d_model)
#
# With one head `d_head = d_model` and both scalings agree, so a test with a single head
# cannot tell them apart. With several heads the scores of each head have a spread of about
# `sqrt(d_head)`; dividing by the larger `sqrt(d_model)` makes every head's pattern flatter
# than intended. Compare the weights of both scalings for 1 and for 3 heads:

# %%
with needs(split_heads):
    for n in (1, 3):
        q_s = split_heads(x @ params["W_q"], n)
        k_s = split_heads(x @ params["W_k"], n)
        dh = D // n
        right = softmax(q_s @ np.swapaxes(k_s, -1, -2) / math.sqrt(dh))
        wrong = softmax(q_s @ np.swapaxes(k_s, -1, -2) / math.sqrt(D))
        print(f"n_heads = {n}: largest weight difference {np.abs(right - wrong).max():.3f}, "
              f"mean largest weight per row {right.max(axis=-1).mean():.3f} (sqrt(d_head)) vs "
              f"{wrong.max(axis=-1).mean():.3f} (sqrt(d_model))")

# %% [markdown]
# ## Heads on a sentence
#
# The tokenizer and the embeddings from notebooks 01 and 02 are given:

# %%
UNK = "<unk>"

# %%
#| given numpy_transformer.tokenizer.WordTokenizer

# %%
#| given numpy_transformer.embeddings.embed

# %%
#| given numpy_transformer.embeddings.positional_encoding

# %% [markdown]
# Four random heads on one sentence (a batch of 1). Each head has its own pattern; masked
# cells are grey.

# %%
tok = WordTokenizer.from_corpus(course.data.corpus())
sentence = "vega is a class A star in lyra ."
ids = np.array(tok.encode(sentence))
tokens = [tok.vocab[i] for i in ids]
d_model, n_heads = 16, 4
rng = np.random.default_rng(2)
W_E = rng.normal(size=(tok.vocab_size, d_model))
x_sent = embed(ids[None, :], W_E) + positional_encoding(len(ids), d_model)  # (1, seq, d_model)
p_sent = {name: rng.normal(0.0, 0.4, size=(d_model, d_model)) for name in ("W_q", "W_k", "W_v", "W_o")}
p_sent.update({name: np.zeros(d_model) for name in ("b_q", "b_k", "b_v", "b_o")})
with needs(split_heads, merge_heads, multi_head_attention):
    mask = causal_mask(len(ids))
    out_sent, w_sent = multi_head_attention(x_sent, *mha_args(p_sent), n_heads, mask)
    print("output:", out_sent.shape, " weights:", w_sent.shape)
    fig, axes = plt.subplots(1, n_heads, figsize=(4 * n_heads, 4.5))
    for h, ax in enumerate(axes):
        course.plots.attention_pattern(w_sent[0, h], tokens, mask, ax=ax, title=f"head {h}",
                                       colorbar=h == n_heads - 1, legend=h == n_heads - 1)
        if h:
            ax.set_ylabel("")
    plt.tight_layout()
    plt.show()

# %% [markdown]
# ## The cost of heads
#
# The number of parameters does not depend on the number of heads: the four (d_model,
# d_model) matrices and their biases are only cut differently. Count them head by head:
# each head owns d_head columns (and biases) of `W_q`, `W_k` and `W_v`; `W_o` and `b_o`
# are shared.

# %%
for n in (1, 2, 4, 8):
    dh = d_model // n
    per_head = 3 * (d_model * dh + dh)
    total = n * per_head + d_model * d_model + d_model
    print(f"n_heads = {n}: d_head = {dh:2d}, {per_head:3d} parameters per head, total {total}")
print("parameters in p_sent:", sum(value.size for value in p_sent.values()))

# %% [markdown]
# ## Summary
#
# * `split_heads`: reshape the features to (n_heads, d_head), **then** move the head axis:
#   (batch, n_heads, seq, d_head). `merge_heads` undoes both steps in reverse order.
# * Multi-head attention = independent single-head attentions on column slices of the
#   projections, concatenated and projected by `W_o`; each head scales by `sqrt(d_head)`.
# * More heads cost no more parameters: they split the same width into more patterns.
