# %% [markdown]
# # 02 · Embeddings: from ids to vectors
#
# Token ids are labels, not quantities: id 7 is not "more" than id 3. The first layer of a
# transformer turns every id into a learned vector (**token embedding**) and adds a vector
# that says *where* in the sequence the token is (**positional encoding**). The result, of
# shape (batch, seq, d_model), is what attention works on.

# %%
import re
from collections import Counter

import numpy as np
import matplotlib.pyplot as plt

import course
from course import check, needs

course.plots.setup();

# %% [markdown]
# The word tokenizer from notebook 01 is given here, so this notebook runs on its own.

# %%
UNK = "<unk>"

# %%
#| given numpy_transformer.tokenizer.WordTokenizer

# %%
text = course.data.corpus()
tok = WordTokenizer.from_corpus(text)
sentence = "class A stars are white ."
ids = np.array(tok.encode(sentence))
print("vocabulary size V =", tok.vocab_size)
print(repr(sentence), "->", ids)

# %% [markdown]
# ## Token embeddings
#
# An embedding matrix `W_E` of shape (V, d_model) holds one row per token. Embedding a token
# means taking its row. Mathematically that is a one-hot vector times `W_E`, but the lookup
# needs no multiplication at all.
#
# ### Exercise 2.1 · `embed` (⏱ 5 min, ★★)
#
# Why it matters: this is the model's first layer, and later the same matrix turns the final
# vectors back into scores over the vocabulary (tied unembedding, `h @ W_E.T`).

# %%
#| exercise numpy_transformer.embeddings.embed

# %%
check.embed(embed)

# %% [markdown]
# <details><summary>Hint 1 (nudge)</summary>
#
# NumPy integer-array indexing `W_E[ids]` works for `ids` of any shape and appends the row
# axis. What does `W_E[-1]` return, and is that what a negative id should do?
# </details>
#
# <details><summary>Hint 2 (almost the solution)</summary>
#
# ```python
# token_ids = np.asarray(token_ids)
# if token_ids.size and (token_ids.min() < 0 or token_ids.max() >= W_E.shape[0]):
#     raise IndexError("token id out of range")
# return W_E[token_ids]
# ```
# </details>

# %% [markdown]
# Check the claim "lookup = one-hot @ W_E" on our sentence, with a small random `W_E`
# (initialised like GPT-2, normal with standard deviation 0.02):

# %%
rng = np.random.default_rng(0)
d_model = 16
W_E = rng.normal(0.0, 0.02, size=(tok.vocab_size, d_model))
one_hot = np.eye(tok.vocab_size)[ids]  # (seq, V): a single 1 per row
print("one_hot shape:", one_hot.shape, "  W_E shape:", W_E.shape)
with needs(embed):
    x = embed(ids, W_E)
    print("embed shape:", x.shape)
    print("lookup equals one-hot @ W_E:", np.allclose(x, one_hot @ W_E))
    print(f"the matrix product does {one_hot.size * d_model} multiplications, the lookup none")

# %% [markdown]
# ## Positional encoding
#
# Attention treats its input as a *set*: shuffle the tokens and every token gets the same
# result, just shuffled. To know word order, each position gets a vector that is added to
# the token embedding. Vaswani et al. (2017) use fixed sines and cosines:
#
# $$PE[pos, 2i] = \sin\left(\frac{pos}{10000^{2i/d}}\right), \qquad
#   PE[pos, 2i+1] = \cos\left(\frac{pos}{10000^{2i/d}}\right)$$
#
# Each pair of columns is a clock hand turning at its own speed: fast in the first columns,
# very slow in the last ones. Sines and cosines are **interleaved** (even columns sine, odd
# columns cosine).
#
# ### Exercise 2.2 · `positional_encoding` (⏱ 15 min, ★★★)
#
# Why it matters: without positions the model cannot tell "star orbits planet" from
# "planet orbits star". Make it work for odd `d_model` too.

# %%
#| exercise numpy_transformer.embeddings.positional_encoding

# %%
check.positional_encoding(positional_encoding)

# %% [markdown]
# <details><summary>Hint 1 (nudge)</summary>
#
# Build a column of positions, shape (T, 1), and a row of exponents `2i = 0, 2, 4, ...`, shape
# (number of sine columns,). Broadcasting gives all angles at once. Then fill the even and
# the odd columns with slices `pe[:, 0::2]` and `pe[:, 1::2]`.
# </details>
#
# <details><summary>Hint 2 (almost the solution)</summary>
#
# ```python
# pos = np.arange(T, dtype=np.float64)[:, None]
# two_i = np.arange(0, d_model, 2, dtype=np.float64)
# angles = pos / 10000.0 ** (two_i / d_model)
# pe = np.empty((T, d_model))
# pe[:, 0::2] = np.sin(angles)
# pe[:, 1::2] = np.cos(angles[:, : d_model // 2])   # one column fewer when d_model is odd
# ```
# </details>

# %% [markdown]
# ### What the encoding looks like
#
# Rows are positions, columns dimensions. The left columns oscillate quickly along the
# positions, the right ones barely move.

# %%
with needs(positional_encoding):
    pe = positional_encoding(64, 32)
    course.plots.heatmap(pe, title="positional encoding (64 positions, d_model = 32)",
                         xlabel="dimension", ylabel="position")
    plt.show()

    fig, ax = plt.subplots(figsize=(7, 3))
    for dim in [0, 1, 6, 14]:
        ax.plot(pe[:, dim], label=f"dim {dim} ({'sin' if dim % 2 == 0 else 'cos'})")
    ax.set_xlabel("position")
    ax.legend(loc="lower left", fontsize=8)
    plt.show()

# %% [markdown]
# For an odd width the last column is a sine without its cosine partner:

# %%
with needs(positional_encoding):
    np.set_printoptions(precision=3, suppress=True)
    print(positional_encoding(4, 5))

# %% [markdown]
# ### Similarity of positions
#
# The dot product of two position vectors depends only on their **distance**, not on where
# they are: $PE_p \cdot PE_q = \sum_i \cos\big(\omega_i (p - q)\big)$ when `d_model` is even.
# That gives attention an easy way to find "the token two places back". Check it:

# %%
with needs(positional_encoding):
    pe = positional_encoding(64, 32)
    similarity = pe @ pe.T  # (64, 64)
    for p, q in [(10, 13), (30, 33), (50, 53)]:
        print(f"PE[{p}] · PE[{q}] = {similarity[p, q]:.6f}")
    print("every position has the same norm:", np.allclose(np.diag(similarity), similarity[0, 0]),
          f"(|PE|^2 = {similarity[0, 0]:.1f} = d_model / 2)")
    course.plots.heatmap(similarity, title="PE @ PE.T", xlabel="position q", ylabel="position p",
                         cmap="viridis")
    plt.show()

# %% [markdown]
# The bands parallel to the diagonal are the picture of "depends only on p - q".
#
# Putting both parts together, the input of the first transformer block is
# `embed(ids, W_E) + positional_encoding(T, d_model)`:

# %%
with needs(embed, positional_encoding):
    x = embed(ids[None, :], W_E) + positional_encoding(len(ids), d_model)  # (batch, seq, d_model)
    print("input to the first block:", x.shape, x.dtype)

# %% [markdown]
# ## Summary
#
# * Token embedding = row lookup in `W_E` (the same as one-hot @ `W_E`, without the cost).
# * Sinusoidal positional encoding: interleaved sines and cosines with geometrically
#   decreasing frequencies; odd widths end with a sine.
# * Dot products between positions depend only on their distance.
