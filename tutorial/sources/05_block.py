# %% [markdown]
# # 05 · The transformer block
#
# A decoder-only transformer is a stack of identical **blocks**. Each block has two
# sub-layers: multi-head attention (positions exchange information) and an **MLP**
# (each position thinks on its own). Both follow the same pattern, called **pre-norm**:
#
# ```
# x = x + attention(layer_norm_1(x))
# x = x + mlp(layer_norm_2(x))
# ```
#
# The vector `x` that flows from block to block is the **residual stream**. A sub-layer
# never replaces it; it reads a normalised copy and *adds* its result. This notebook builds
# the missing pieces (layer norm, GELU, the MLP) and then the block.

# %%
import math

import numpy as np
import matplotlib.pyplot as plt

import course
from course import check, needs

course.plots.setup();

# %% [markdown]
# Multi-head attention and its helpers from notebooks 03 and 04 are given:

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

# %%
#| given numpy_transformer.attention.multi_head_attention

# %% [markdown]
# ## Layer normalisation
#
# Layer norm rescales the vector of each position separately to mean 0 and variance 1 over
# its features, then applies a learned scale `gamma` and shift `beta`:
#
# $$y = \gamma \odot \frac{x - \mu}{\sqrt{\sigma^2 + \varepsilon}} + \beta,
#   \qquad \mu = \frac{1}{d}\sum_f x_f,\quad \sigma^2 = \frac{1}{d}\sum_f (x_f - \mu)^2$$
#
# Two details matter when you compare with PyTorch or GPT-2 weights: the variance divides by
# `d` (the *biased* estimate, `ddof=0`), and `eps` sits *inside* the square root.
#
# ### Exercise 5.1 · `layer_norm` (⏱ 10 min, ★★★)
#
# Why it matters: every sub-layer reads a layer-normed copy of the stream, and the model
# ends with one more layer norm before the logits. Normalising over the wrong axis mixes
# positions (and, with a causal model, leaks the future).

# %%
#| exercise numpy_transformer.layers.layer_norm

# %%
check.layer_norm(layer_norm)

# %% [markdown]
# <details><summary>Hint 1 (nudge)</summary>
#
# Mean and variance over the last axis, with `keepdims=True` so they broadcast back over
# the features. `np.var` computes the biased variance by default.
# </details>
#
# <details><summary>Hint 2 (almost the solution)</summary>
#
# ```python
# mean = np.mean(x, axis=-1, keepdims=True)
# var = np.mean((x - mean) ** 2, axis=-1, keepdims=True)
# return gamma * (x - mean) / np.sqrt(var + eps) + beta
# ```
# </details>

# %% [markdown]
# Positions on wildly different scales come out alike:

# %%
rng = np.random.default_rng(0)
d = 8
x_ln = rng.normal(size=(1, 3, d)) * np.array([0.01, 1.0, 100.0])[None, :, None] + np.array([5.0, -2.0, 50.0])[None, :, None]


def per_position(values):
    return "[" + ", ".join(f"{v:.3g}" for v in np.round(values.ravel(), 6) + 0.0) + "]"


print("before: mean per position", per_position(x_ln.mean(axis=-1)), "  std", per_position(x_ln.std(axis=-1)))
with needs(layer_norm):
    y_ln = layer_norm(x_ln, np.ones(d), np.zeros(d))
    print("after:  mean per position", per_position(y_ln.mean(axis=-1) + 0.0), "  std", per_position(y_ln.std(axis=-1)))
    print(f"variance of position 0: {x_ln[0, 0].var():.1e} = {x_ln[0, 0].var() / 1e-5:.1f} * eps")

# %% [markdown]
# The first position has a standard deviation below 0.01, so its variance is only a few
# times `eps = 1e-5`: its normalised standard deviation stays visibly below 1.
# Where `eps` goes matters most for such small variances. With `eps = 0.1` on a position of
# standard deviation 0.3:

# %%
with needs(layer_norm):
    x_small = np.array([[-0.3, 0.3, -0.3, 0.3]])
    var = x_small.var()
    inside = layer_norm(x_small, np.ones(4), np.zeros(4), eps=0.1)
    print(f"variance {var:.2f}; sqrt(var + eps) = {math.sqrt(var + 0.1):.4f}, std + eps = {math.sqrt(var) + 0.1:.4f}")
    print("layer_norm (eps inside):", inside.round(4))
    print("eps outside would give: ", ((x_small - x_small.mean()) / (x_small.std() + 0.1)).round(4))

# %% [markdown]
# ## GELU
#
# The MLP needs a non-linearity. GPT-2 uses GELU in its tanh form,
# $\text{gelu}(x) = \tfrac12 x \left(1 + \tanh\left(\sqrt{2/\pi}\,(x + 0.044715\,x^3)\right)\right)$,
# a smooth version of ReLU that lets small negative values through.
#
# ### Exercise 5.2 · `gelu` (⏱ 5 min, ★★)
#
# Why it matters: weights trained with one GELU formula give slightly different outputs
# with another. Keep float32 input float32.

# %%
#| exercise numpy_transformer.layers.gelu

# %%
check.gelu(gelu)

# %% [markdown]
# <details><summary>Hint 1 (nudge)</summary>
#
# Translate the formula literally; only elementwise operations. Write the constant
# `sqrt(2 / pi)` with `math`, so it is a Python float (a NumPy float64 scalar would turn a
# float32 result into float64).
# </details>
#
# <details><summary>Hint 2 (almost the solution)</summary>
#
# ```python
# c = math.sqrt(2.0 / math.pi)
# return 0.5 * x * (1.0 + np.tanh(c * (x + 0.044715 * x ** 3)))
# ```
# </details>

# %% [markdown]
# GELU next to ReLU. The exact GELU $x\,\Phi(x)$ (written with `math.erf` below) would lie
# on top of the tanh form; the cell prints how far apart they are.

# %%
with needs(gelu):
    xs = np.linspace(-4, 4, 801)
    exact = 0.5 * xs * (1.0 + np.vectorize(math.erf)(xs / math.sqrt(2.0)))
    tanh_form = gelu(xs)
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.plot(xs, np.maximum(xs, 0), label="ReLU", color="grey", linestyle="--")
    ax.plot(xs, tanh_form, label="GELU (tanh form, GPT-2)")
    ax.set_xlabel("x")
    ax.legend()
    ax.grid(alpha=0.3)
    plt.show()
    print(f"largest difference tanh form vs exact on [-4, 4]: {np.abs(tanh_form - exact).max():.1e}")
    print(f"GELU is smallest at x = {xs[tanh_form.argmin()]:.2f}, where it is {tanh_form.min():.3f}")

# %% [markdown]
# ## The MLP
#
# A two-layer network applied to every position separately: widen to `d_mlp` (usually
# `4 * d_model`), GELU, narrow back to `d_model`.
#
# ### Exercise 5.3 · `mlp` (⏱ 5 min, ★★)
#
# Why it matters: most of a transformer's parameters live in these two matrices. Use your
# `gelu`.

# %%
#| exercise numpy_transformer.layers.mlp

# %%
check.mlp(mlp)

# %% [markdown]
# <details><summary>Hint 1 (nudge)</summary>
#
# Weights are (d_in, d_out), so a layer is `x @ W + b`. The activation goes between the two
# layers only.
# </details>
#
# <details><summary>Hint 2 (almost the solution)</summary>
#
# `return gelu(x @ W1 + b1) @ W2 + b2`
# </details>

# %% [markdown]
# ## The block
#
# All parameters of a block travel in one dictionary; the names are listed in the
# docstring. We initialise them as GPT-2 does: weights normal with standard deviation 0.02,
# biases 0, layer norm scales 1.

# %%
def init_block(rng, d_model, d_mlp):
    p = {"ln1_g": np.ones(d_model), "ln1_b": np.zeros(d_model),
         "ln2_g": np.ones(d_model), "ln2_b": np.zeros(d_model)}
    for name in ("q", "k", "v", "o"):
        p[f"W_{name}"] = rng.normal(0.0, 0.02, size=(d_model, d_model))
        p[f"b_{name}"] = np.zeros(d_model)
    p["W1"], p["b1"] = rng.normal(0.0, 0.02, size=(d_model, d_mlp)), np.zeros(d_mlp)
    p["W2"], p["b2"] = rng.normal(0.0, 0.02, size=(d_mlp, d_model)), np.zeros(d_model)
    return p


d_model, n_heads, d_mlp = 32, 4, 128
params = init_block(np.random.default_rng(1), d_model, d_mlp)
for name, value in params.items():
    print(f"{name:6s} {value.shape}")
print("parameters in one block:", sum(value.size for value in params.values()))

# %% [markdown]
# ### Exercise 5.4 · `transformer_block` (⏱ 15 min, ★★★)
#
# Why it matters: notebook 06 stacks these blocks into the full model. Use the causal mask
# (a decoder never reads ahead), your `layer_norm` and `mlp`, and the given
# `multi_head_attention` (it returns the output and the weights; here only the output
# counts).

# %%
#| exercise numpy_transformer.layers.transformer_block

# %%
check.transformer_block(transformer_block)

# %% [markdown]
# <details><summary>Hint 1 (nudge)</summary>
#
# Two lines of the form `x = x + sublayer(layer_norm(x, ...))`. The second one must use the
# `x` produced by the first. Each layer norm has its own `gamma` and `beta`
# (`ln1_*`, `ln2_*`).
# </details>
#
# <details><summary>Hint 2 (almost the solution)</summary>
#
# ```python
# mask = causal_mask(x.shape[1])
# attn_out, _ = multi_head_attention(layer_norm(x, p["ln1_g"], p["ln1_b"]),
#                                    p["W_q"], p["b_q"], p["W_k"], p["b_k"], p["W_v"], p["b_v"],
#                                    p["W_o"], p["b_o"], n_heads, mask)
# x = x + attn_out
# x = x + mlp(layer_norm(x, p["ln2_g"], p["ln2_b"]), p["W1"], p["b1"], p["W2"], p["b2"])
# return x
# ```
# </details>

# %% [markdown]
# ## The residual stream
#
# Because each sub-layer only *adds* to the stream, a block whose output projections are
# zero changes nothing at all: the identity is built in. That is why deep stacks of blocks
# train: at initialisation every block is close to the identity, and the gradient flows
# straight through the additions.

# %%
x = np.random.default_rng(2).normal(size=(2, 6, d_model))  # batch 2, seq 6
with needs(transformer_block, layer_norm, mlp, gelu):
    out = transformer_block(x, params, n_heads)
    print("block output:", out.shape)
    zero = dict(params, W_o=np.zeros_like(params["W_o"]), W2=np.zeros_like(params["W2"]))
    print("with W_o = W2 = 0 the block is the identity:", np.allclose(transformer_block(x, zero, n_heads), x))
    change = np.abs(out - x).max() / np.abs(x).max()
    print(f"at GPT-2 initialisation one block changes the stream by at most {change:.1%} of its largest entry")

# %% [markdown]
# The block is causal: changing the last position leaves all earlier outputs as they are.

# %%
with needs(transformer_block, layer_norm, mlp, gelu):
    x_changed = x.copy()
    x_changed[:, -1] += 1.0
    moved = np.abs(transformer_block(x_changed, params, n_heads) - out).max(axis=(0, 2)) > 1e-12
    print("positions whose output changed:", np.flatnonzero(moved).tolist())

# %% [markdown]
# ### Pre-norm: the stream itself is never normalised
#
# In the original Transformer (2017) the layer norm came *after* the addition
# (`x = layer_norm(x + sublayer(x))`, "post-norm"). GPT-2 moved it in front of each
# sub-layer. With pre-norm the stream can grow from block to block, while every sub-layer
# still reads a normalised copy. Stack eight blocks with larger random weights and watch:

# %%
with needs(transformer_block, layer_norm, mlp, gelu):
    rng = np.random.default_rng(3)
    h = x.copy()
    print("block | std of the stream | std of what the next attention reads")
    for layer in range(8):
        p = init_block(rng, d_model, d_mlp)
        for name in ("W_q", "W_k", "W_v", "W_o", "W1", "W2"):
            p[name] *= 10.0  # weights of std 0.2: sub-layers add visibly to the stream
        h = transformer_block(h, p, n_heads)
        print(f"{layer + 1:5d} | {h.std():17.2f} | {layer_norm(h, p['ln1_g'], p['ln1_b']).std():.2f}")

# %% [markdown]
# ## Summary
#
# * `layer_norm`: per position over the features; biased variance; `eps` inside the square
#   root; then `gamma * x_hat + beta`.
# * `gelu`: GPT-2's tanh form, within about 5e-4 of the exact erf form.
# * `mlp(x) = gelu(x @ W1 + b1) @ W2 + b2`, position by position.
# * Pre-norm block: `x = x + attn(ln1(x))`, then `x = x + mlp(ln2(x))`: a residual stream
#   that sub-layers read normalised copies of and add to.
