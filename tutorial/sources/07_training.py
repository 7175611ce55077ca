# %% [markdown]
# # 07 · Training: gradients by hand, checked, and Adam
#
# The model of notebook 06 has tens of thousands of numbers in it. Training means nudging
# all of them so that the model gives the real next token a higher probability:
#
# 1. **Loss**: one number that says how wrong the predictions are (cross-entropy).
# 2. **Gradients**: how the loss changes with every parameter. We compute them with
#    **backpropagation**, written by hand: every layer gets a backward function that turns
#    the gradient of its output into gradients of its inputs and parameters.
# 3. **A gradient check**: we compare the hand-written gradients with finite differences,
#    `(f(x + h) - f(x - h)) / 2h`, which are slow but hard to get wrong.
# 4. **An optimiser** (Adam) that turns gradients into parameter updates.
#
# Then we train on the astronomy corpus and look at what the model learned. If you are short
# of time, the last section loads the shipped trained weights: it works even before you
# have written anything in this notebook.

# %%
import math
import re
import time
from collections import Counter
from dataclasses import dataclass

import numpy as np
import matplotlib.pyplot as plt

import course
from course import check, needs

course.plots.setup();

# %% [markdown]
# ## Building blocks from notebooks 01-06 (given)

# %%
UNK = "<unk>"

# %%
#| given numpy_transformer.tokenizer.WordTokenizer

# %%
#| given numpy_transformer.embeddings.embed

# %%
#| given numpy_transformer.embeddings.positional_encoding

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
#| given numpy_transformer.layers.layer_norm

# %%
#| given numpy_transformer.layers.gelu

# %%
#| given numpy_transformer.model.ModelConfig

# %%
#| given numpy_transformer.model.init_params

# %%
BLOCK_KEYS = ("ln1_g", "ln1_b", "W_q", "b_q", "W_k", "b_k", "W_v", "b_v", "W_o", "b_o",
              "ln2_g", "ln2_b", "W1", "b1", "W2", "b2")  # one block's parameters, in a fixed order

# %%
#| given numpy_transformer.model.flatten_params

# %%
#| given numpy_transformer.model.block_forward

# %%
#| given numpy_transformer.model.forward

# %%
#| given numpy_transformer.generate.next_token_probs

# %%
#| given numpy_transformer.generate.sample_next

# %%
#| given numpy_transformer.generate.generate

# %% [markdown]
# ## The loss: cross-entropy
#
# At every position the model gives a distribution `p = softmax(logits)` over the
# vocabulary, and the data says which token really came next. The loss of that position is
# `-log p[target]`: 0 if the model was certain and right, large if it gave the right token
# a small probability. The training loss is the **mean** over all positions.
#
# Compute `log p` as a **log-softmax**, `logits - logsumexp(logits)` (with the maximum
# subtracted first, as in a stable softmax): `np.log(softmax(x))` turns a tiny probability
# into `log(0) = -inf`.
#
# ### Exercise 7.1 · `cross_entropy` (⏱ 10 min, ★★★)
#
# Why it matters: this number is what training minimises, and the first sanity check of any
# language model: before training it must be close to ln V (a uniform guess).

# %%
#| exercise numpy_transformer.model.cross_entropy

# %%
check.cross_entropy(cross_entropy)

# %% [markdown]
# <details><summary>Hint 1 (nudge)</summary>
#
# `log_probs` has shape (batch, seq, V); you need one entry per position, the one at the
# target. `np.take_along_axis(log_probs, targets[..., None], axis=-1)` picks exactly that
# (shape (batch, seq, 1)). `log_probs[..., targets]` does something else.
# </details>
#
# <details><summary>Hint 2 (almost the solution)</summary>
#
# ```python
# shifted = logits - np.max(logits, axis=-1, keepdims=True)
# log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))
# picked = np.take_along_axis(log_probs, np.asarray(targets)[..., None], axis=-1)
# return float(-np.mean(picked))
# ```
# </details>

# %% [markdown]
# Training data: sentences of the corpus, drawn at random and concatenated into rows of
# `max_seq_len + 1` tokens; the targets are the inputs shifted by one (given helpers):

# %%
#| given numpy_transformer.train.corpus_sentences

# %%
#| given numpy_transformer.train.sample_batch

# %%
text = course.data.corpus()
tok = WordTokenizer.from_corpus(text)
sentences = corpus_sentences(text, tok)
config = ModelConfig(vocab_size=tok.vocab_size, d_model=48, n_heads=2, n_layers=1, d_mlp=192, max_seq_len=16)
x_batch, y_batch = sample_batch(sentences, 4, config.max_seq_len, np.random.default_rng(0))
print("inputs :", tok.decode(x_batch[0]))
print("targets:", tok.decode(y_batch[0]))
n_params = sum(p.size for p in flatten_params(init_params(config, np.random.default_rng(0))).values())
print(f"{len(sentences)} sentences, vocabulary V = {config.vocab_size}, batch {x_batch.shape}, "
      f"model parameters {n_params}")

# %% [markdown]
# The untrained model's loss is close to ln V:

# %%
with needs(cross_entropy):
    params = init_params(config, np.random.default_rng(0))
    logits, _ = forward(params, x_batch, config)
    print(f"loss at initialisation: {cross_entropy(logits, y_batch):.4f}   ln V = {math.log(config.vocab_size):.4f}")

# %% [markdown]
# ## Finite differences: the gradient you can trust
#
# The derivative of a function `f` with respect to one number `x_i` is approximately
# `(f(x + h e_i) - f(x - h e_i)) / 2h` for a small `h`. This **central** difference has an
# error of order h², much better than the one-sided `(f(x + h) - f(x)) / h` (order h). It
# needs two evaluations of `f` per parameter, far too slow for training, but perfect to
# test hand-written gradients on a tiny model, in float64.
#
# ### Exercise 7.2 · `numerical_gradient` (⏱ 10 min, ★★)
#
# Why it matters: every backward function below is compared with this one. A wrong
# backward pass still trains, a little, so without a check you may never find the bug.

# %%
#| exercise numpy_transformer.gradcheck.numerical_gradient

# %%
check.numerical_gradient(numerical_gradient)

# %% [markdown]
# <details><summary>Hint 1 (nudge)</summary>
#
# `f` takes no arguments and reads `x`, so you must change `x` itself, entry by entry.
# `x.reshape(-1)` of a contiguous array is a *view*: writing `flat[i] = ...` changes `x`.
# Remember the old value and put it back after the two evaluations.
# </details>
#
# <details><summary>Hint 2 (almost the solution)</summary>
#
# ```python
# grad = np.zeros_like(x)
# flat_x, flat_g = x.reshape(-1), grad.reshape(-1)
# for i in range(flat_x.size):
#     old = flat_x[i]
#     flat_x[i] = old + h
#     f_plus = f()
#     flat_x[i] = old - h
#     f_minus = f()
#     flat_x[i] = old
#     flat_g[i] = (f_plus - f_minus) / (2 * h)
# return grad
# ```
# </details>

# %% [markdown]
# We compare two gradients with the relative error `||a - b|| / (||a|| + ||b||)`; in float64
# a correct backward pass gives about 1e-8 or less, a wrong one something near 1.

# %%
#| given numpy_transformer.gradcheck.relative_error

# %% [markdown]
# ## Backward through the loss
#
# With `p = softmax(logits)` and the loss averaged over N positions, the gradient of the loss
# with respect to the logits is beautifully simple:
#
# $$\frac{\partial L}{\partial \text{logits}} = \frac{p - \text{one\_hot}(\text{target})}{N}$$
#
# Push the right token up (`p - 1 < 0`), every other token down, in proportion to its
# probability.
#
# ### Exercise 7.3 · `cross_entropy_backward` (⏱ 10 min, ★★★)
#
# Why it matters: this is where every gradient of the model starts.

# %%
#| exercise numpy_transformer.model.cross_entropy_backward

# %%
check.cross_entropy_backward(cross_entropy_backward)

# %% [markdown]
# <details><summary>Hint 1 (nudge)</summary>
#
# Start from `softmax(logits, axis=-1)`, subtract 1 at the target of each position
# (`np.put_along_axis`, or a one-hot matrix `np.eye(V)[targets]`), divide by the number of
# positions `targets.size`.
# </details>
#
# <details><summary>Hint 2 (almost the solution)</summary>
#
# ```python
# targets = np.asarray(targets)
# one_hot = np.eye(logits.shape[-1])[targets]
# return (softmax(logits, axis=-1) - one_hot) / targets.size
# ```
# </details>

# %%
with needs(cross_entropy, cross_entropy_backward, numerical_gradient):
    rng = np.random.default_rng(1)
    small_logits, small_targets = rng.normal(size=(2, 3, 5)), rng.integers(0, 5, size=(2, 3))
    analytic = cross_entropy_backward(small_logits, small_targets)
    numeric = numerical_gradient(lambda: cross_entropy(small_logits, small_targets), small_logits)
    print(f"relative error, analytic vs finite differences: {relative_error(analytic, numeric):.1e}")

# %% [markdown]
# ## Backward through the layers
#
# Each backward function receives `dy`, the gradient of the loss with respect to the
# layer's **output**, and what the forward pass saw. It returns gradients with the shapes
# of the things they are gradients of. Two rules do most of the work:
#
# * **chain rule**: multiply by the local derivative;
# * **a value used several times collects the sum of its gradients** (a weight used at every
#   position, a vector that feeds both a residual path and a sub-layer).
#
# ### Exercise 7.4 · `linear_backward` (⏱ 10 min, ★★★)
#
# Why it matters: `x @ W + b` is most of the model's parameters (projections, MLP).

# %%
#| exercise numpy_transformer.backprop.linear_backward

# %%
check.linear_backward(linear_backward)

# %% [markdown]
# <details><summary>Hint 1 (nudge)</summary>
#
# Let shapes guide you: `dx` must be (..., d_in), from `dy` (..., d_out) and `W`
# (d_in, d_out). `dW` must be (d_in, d_out) and sums over every position, so flatten the
# leading axes: `x.reshape(-1, d_in)` and `dy.reshape(-1, d_out)`.
# </details>
#
# <details><summary>Hint 2 (almost the solution)</summary>
#
# ```python
# dx = dy @ W.T
# dW = x.reshape(-1, x.shape[-1]).T @ dy.reshape(-1, dy.shape[-1])
# db = dy.reshape(-1, dy.shape[-1]).sum(axis=0)
# ```
# </details>

# %% [markdown]
# ### Exercise 7.5 · `gelu_backward` (⏱ 10 min, ★★)
#
# With `t = tanh(c (x + 0.044715 x³))` and `c = sqrt(2 / π)`, `gelu(x) = 0.5 x (1 + t)`. Use
# the product rule and `d tanh(u) / du = 1 - tanh(u)²`.
#
# Why it matters: the MLP's non-linearity; the derivative of the tanh form differs from
# that of the exact (erf) GELU.

# %%
#| exercise numpy_transformer.backprop.gelu_backward

# %%
check.gelu_backward(gelu_backward)

# %% [markdown]
# <details><summary>Hint 1 (nudge)</summary>
#
# `d/dx [0.5 x (1 + t)] = 0.5 (1 + t) + 0.5 x dt/dx` and
# `dt/dx = (1 - t²) · c (1 + 3 · 0.044715 x²)`. Multiply the result by `dy`.
# </details>
#
# <details><summary>Hint 2 (almost the solution)</summary>
#
# ```python
# c = (2.0 / np.pi) ** 0.5
# t = np.tanh(c * (x + 0.044715 * x**3))
# return dy * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x))
# ```
# </details>

# %% [markdown]
# ### Exercise 7.6 · `layer_norm_backward` (⏱ 20 min, ★★★)
#
# `x_hat = (x - mean) / sqrt(var + eps)` depends on `x` directly **and** through the mean
# and the variance, which depend on every entry of the row. With `dx_hat = dy * gamma`, the
# result is
#
# $$dx = \frac{1}{\sqrt{\text{var} + \varepsilon}}\left(dx\_hat - \text{mean}(dx\_hat)
#        - x\_hat \cdot \text{mean}(dx\_hat \cdot x\_hat)\right)$$
#
# (means over the last axis). Why it matters: layer norm sits in front of every sub-layer
# and at the end; its backward is the most common place for a subtle gradient bug.

# %%
#| exercise numpy_transformer.backprop.layer_norm_backward

# %%
check.layer_norm_backward(layer_norm_backward)

# %% [markdown]
# <details><summary>Hint 1 (nudge)</summary>
#
# Recompute `mean`, `var`, `inv_std = 1 / sqrt(var + eps)` and `x_hat` as in the forward
# pass (keepdims=True). `dgamma` sums `dy * x_hat` over every position, `dbeta` sums `dy`.
# A test for `dx`: adding a constant to a row of `x` does not change the output, so every
# row of `dx` must sum to 0.
# </details>
#
# <details><summary>Hint 2 (almost the solution)</summary>
#
# ```python
# mean = np.mean(x, axis=-1, keepdims=True)
# var = np.mean((x - mean) ** 2, axis=-1, keepdims=True)
# inv_std = 1.0 / np.sqrt(var + eps)
# x_hat = (x - mean) * inv_std
# dgamma = (dy * x_hat).reshape(-1, x.shape[-1]).sum(axis=0)
# dbeta = dy.reshape(-1, x.shape[-1]).sum(axis=0)
# dx_hat = dy * gamma
# dx = inv_std * (dx_hat - np.mean(dx_hat, axis=-1, keepdims=True)
#                 - x_hat * np.mean(dx_hat * x_hat, axis=-1, keepdims=True))
# ```
# </details>

# %% [markdown]
# ### Exercise 7.7 · `softmax_backward` (⏱ 10 min, ★★)
#
# Every softmax output depends on every input of its row:
# $\partial y_i / \partial x_j = y_i (\delta_{ij} - y_j)$. Applied to `dy` this gives
# `dx = y * (dy - sum(dy * y))` (sum over the last axis).
#
# Why it matters: attention's weights are a softmax; this is half of attention's backward.

# %%
#| exercise numpy_transformer.backprop.softmax_backward

# %%
check.softmax_backward(softmax_backward)

# %% [markdown]
# <details><summary>Hint 1 (nudge)</summary>
#
# One line; the sum needs `axis=-1, keepdims=True` to broadcast back over the row.
# </details>
#
# <details><summary>Hint 2 (almost the solution)</summary>
#
# `return y * (dy - np.sum(dy * y, axis=-1, keepdims=True))`
# </details>

# %% [markdown]
# ### Exercise 7.8 · `attention_backward` (⏱ 15 min, ★★★)
#
# Forward: `scores = q @ kᵀ · s` with `s = 1 / sqrt(d_head)`, `weights = softmax(scores)`
# (masked scores were `-inf`, so their weights are exactly 0), `out = weights @ v`. Go
# backwards through these three lines: `dweights` and `dv` from the last, `dscores` with your
# `softmax_backward`, then `dq` and `dk` from the first (do not forget `s`).
#
# Why it matters: this is how the model learns *where to look*.

# %%
#| exercise numpy_transformer.backprop.attention_backward

# %%
check.attention_backward(attention_backward)

# %% [markdown]
# <details><summary>Hint 1 (nudge)</summary>
#
# For `C = A @ B`: `dA = dC @ Bᵀ` and `dB = Aᵀ @ dC`, where ᵀ swaps the last two axes only
# (`np.swapaxes(a, -1, -2)`; `a.T` would also reverse the batch and head axes). The mask
# needs no code: masked weights are 0, and `softmax_backward` multiplies by them.
# </details>
#
# <details><summary>Hint 2 (almost the solution)</summary>
#
# ```python
# scale = 1.0 / q.shape[-1] ** 0.5
# dweights = dout @ np.swapaxes(v, -1, -2)
# dv = np.swapaxes(weights, -1, -2) @ dout
# dscores = softmax_backward(dweights, weights)
# dq = dscores @ k * scale
# dk = np.swapaxes(dscores, -1, -2) @ q * scale
# ```
# </details>

# %% [markdown]
# Every layer against finite differences, each on small random inputs with a random `dy`
# (the function differentiated is `sum(layer(inputs) * dy)`, whose gradient with respect to
# the output is exactly `dy`):

# %%
with needs(numerical_gradient, linear_backward, gelu_backward, layer_norm_backward, softmax_backward,
           attention_backward):
    rng = np.random.default_rng(2)
    x, W, b = rng.normal(size=(2, 3, 5)), rng.normal(size=(5, 4)), rng.normal(size=4)
    dy = rng.normal(size=(2, 3, 4))
    dx, dW, db = linear_backward(dy, x, W)
    f = lambda: np.sum((x @ W + b) * dy)  # noqa: E731
    print(f"linear     dx {relative_error(dx, numerical_gradient(f, x)):.1e}  "
          f"dW {relative_error(dW, numerical_gradient(f, W)):.1e}  db {relative_error(db, numerical_gradient(f, b)):.1e}")

    z, dz = rng.normal(scale=2.0, size=(3, 7)), rng.normal(size=(3, 7))
    print(f"gelu       dx {relative_error(gelu_backward(dz, z), numerical_gradient(lambda: np.sum(gelu(z) * dz), z)):.1e}")

    gamma, beta = rng.normal(1.0, 0.3, size=5), rng.normal(size=5)
    dy5 = rng.normal(size=x.shape)
    dx, dgamma, dbeta = layer_norm_backward(dy5, x, gamma)
    f = lambda: np.sum(layer_norm(x, gamma, beta) * dy5)  # noqa: E731
    print(f"layer norm dx {relative_error(dx, numerical_gradient(f, x)):.1e}  "
          f"dgamma {relative_error(dgamma, numerical_gradient(f, gamma)):.1e}  "
          f"dbeta {relative_error(dbeta, numerical_gradient(f, beta)):.1e}")

    s, ds = rng.normal(size=(2, 4, 6)), rng.normal(size=(2, 4, 6))
    print(f"softmax    dx {relative_error(softmax_backward(ds, softmax(s)), numerical_gradient(lambda: np.sum(softmax(s) * ds), s)):.1e}")

    q, k, v = (rng.normal(size=(1, 2, 4, 3)) for _ in range(3))
    mask = causal_mask(4)
    out, weights = attention(q, k, v, mask)
    dout = rng.normal(size=out.shape)
    f = lambda: np.sum(attention(q, k, v, mask)[0] * dout)  # noqa: E731
    dq, dk, dv = attention_backward(dout, q, k, v, weights)
    print(f"attention  dq {relative_error(dq, numerical_gradient(f, q)):.1e}  "
          f"dk {relative_error(dk, numerical_gradient(f, k)):.1e}  dv {relative_error(dv, numerical_gradient(f, v)):.1e}")

# %% [markdown]
# ## Backward through a block (given) and through the whole model
#
# `block_backward` chains your layer backward passes through one block, in the reverse
# order of `block_forward`. Read it: note the two places where a gradient is **added**
# (the residual stream carries the gradient around each sub-layer unchanged, and `a_in`
# feeds the query, key and value projections), and `split_heads` undoing `merge_heads`.

# %%
#| given numpy_transformer.model.block_backward

# %% [markdown]
# ### Exercise 7.9 · `backward`: the whole model (⏱ 20 min, ★★★)
#
# Go from the loss back to every parameter: `cross_entropy_backward`, the unembedding
# `logits = h @ W_E.T`, the final layer norm, the blocks **last one first** (each with its
# own cache), and finally the embedding lookup.
#
# `W_E` is used twice (tied): once to unembed, once to embed. Its gradient is the **sum** of
# both parts. In the embedding part every occurrence of a token adds to that token's row,
# and a token can occur many times in a batch: `dW_E[token_ids] += dx` would count it once.
# `np.add.at(dW_E, token_ids, dx)` counts every occurrence.
#
# Why it matters: this is backpropagation, the whole of it.

# %%
#| exercise numpy_transformer.model.backward

# %%
check.backward(backward)

# %% [markdown]
# <details><summary>Hint 1 (nudge)</summary>
#
# For `logits = h @ W_E.T` with `h` (batch, seq, d) and `W_E` (V, d): `dh = dlogits @ W_E`,
# and `W_E`'s part is `dlogits^T @ h` with the positions flattened, shape (V, d). Then
# `layer_norm_backward(dh, cache["x_final"], params["ln_f_g"])`, then a loop over
# `zip(reversed(params["blocks"]), reversed(cache["blocks"]))`. Collect the block gradients
# and reverse the list at the end, so that `grads["blocks"][i]` belongs to block `i`.
# </details>
#
# <details><summary>Hint 2 (almost the solution)</summary>
#
# ```python
# dlogits = cross_entropy_backward(cache["logits"], targets)
# h = cache["h"]
# dW_E = dlogits.reshape(-1, dlogits.shape[-1]).T @ h.reshape(-1, h.shape[-1])
# dh = dlogits @ W_E
# dx, grads["ln_f_g"], grads["ln_f_b"] = layer_norm_backward(dh, cache["x_final"], params["ln_f_g"])
# block_grads = []
# for p, block_cache in zip(reversed(params["blocks"]), reversed(cache["blocks"])):
#     dx, g = block_backward(dx, block_cache, p, cache["config"].n_heads)
#     block_grads.append(g)
# grads["blocks"] = block_grads[::-1]
# np.add.at(dW_E, cache["token_ids"], dx)
# grads["W_E"] = dW_E
# ```
# </details>

# %% [markdown]
# ## The gradient check
#
# Now the real test: every parameter of a tiny two-block model, analytic gradient against
# finite differences, in float64. The given helpers run the comparison for each named
# parameter array (`flatten_params`, given above, names them).

# %%
#| given numpy_transformer.model.loss_and_grads

# %%
#| given numpy_transformer.gradcheck.gradient_check

# %%
with needs(cross_entropy, cross_entropy_backward, backward, numerical_gradient, linear_backward,
           gelu_backward, layer_norm_backward, softmax_backward, attention_backward):
    tiny = ModelConfig(vocab_size=11, d_model=8, n_heads=2, n_layers=2, d_mlp=12, max_seq_len=6)
    rng = np.random.default_rng(3)
    tiny_params = init_params(tiny, rng)
    for p in flatten_params(tiny_params).values():  # move away from the symmetric initial point
        p += rng.normal(0.0, 0.3, size=p.shape)
    ids = rng.integers(0, 11, size=(2, 5))
    targets = rng.integers(0, 11, size=(2, 5))
    errors = gradient_check(tiny_params, ids, targets, tiny)
    worst = max(errors, key=errors.get)
    n_checked = sum(p.size for p in flatten_params(tiny_params).values())
    print(f"{len(errors)} parameter arrays, {n_checked} numbers checked")
    print(f"largest relative error: {errors[worst]:.1e} ({worst}); below 1e-6: {errors[worst] < 1e-6}")

# %% [markdown]
# ## Adam
#
# Plain gradient descent, `param -= lr * grad`, takes steps proportional to the gradient,
# which is tiny for some parameters and large for others. **Adam** keeps running averages of
# the gradient (`m`) and of its square (`v`) for every number and steps by
# `lr * m_hat / (sqrt(v_hat) + eps)`: about `lr` per step whatever the gradient's scale.
# Because `m` and `v` start at 0, early averages are too small; dividing by `1 - beta**t`
# (**bias correction**) fixes that, so that already the first step has size `lr`.
#
# ### Exercise 7.10 · `adam_step` (⏱ 10 min, ★★)
#
# Why it matters: Adam (or its variant AdamW) trains nearly every transformer.

# %%
#| exercise numpy_transformer.optim.adam_step

# %%
check.adam_step(adam_step)

# %% [markdown]
# <details><summary>Hint 1 (nudge)</summary>
#
# Update the arrays **in place** (`m *= beta1`, `m += ...`, `param -= ...`): the caller keeps
# references to them. `param = param - ...` would only rebind a local name.
# </details>
#
# <details><summary>Hint 2 (almost the solution)</summary>
#
# ```python
# m *= beta1
# m += (1.0 - beta1) * grad
# v *= beta2
# v += (1.0 - beta2) * grad**2
# m_hat = m / (1.0 - beta1**t)
# v_hat = v / (1.0 - beta2**t)
# param -= lr * m_hat / (np.sqrt(v_hat) + eps)
# ```
# </details>

# %% [markdown]
# The `Adam` class (given) keeps one `m` and one `v` per parameter array and calls your
# `adam_step` for each of them:

# %%
#| given numpy_transformer.optim.Adam

# %%
with needs(adam_step):
    p = np.array([1.0, -2.0, 3.0])
    p_before = p.copy()
    adam_step(p, np.array([1e-4, 5.0, -300.0]), np.zeros(3), np.zeros(3), t=1, lr=0.01)
    print("gradients 1e-4, 5, -300 -> first steps", p - p_before)

# %% [markdown]
# ## Training
#
# The training loop: draw a batch, compute the loss and the gradients, let Adam update the
# parameters. The learning rate rises during a short warm-up and then decays (given below). The
# settings are those of the shipped weights, so your model ends up as good as theirs; the run
# takes 15 to 40 seconds. (In a hurry? Set `STEPS = 300` for a rougher model in a few seconds.)
# A good loss curve does not prove the gradients right: with the wrong embedding gradient
# `dW_E[ids] += dx`, which loses repeated tokens, this run still reaches a good loss. That is
# why the gradient check above matters.

# %%
#| given numpy_transformer.train.learning_rate

# %%
STEPS, LR, BATCH_SIZE, SEED = 1500, 1e-2, 32, 0
losses = []
with needs(cross_entropy, cross_entropy_backward, backward, linear_backward, gelu_backward,
           layer_norm_backward, softmax_backward, attention_backward, adam_step):
    rng = np.random.default_rng(SEED)
    my_params = init_params(config, rng)
    optimizer = Adam(my_params, lr=LR)
    start = time.perf_counter()
    for step in range(STEPS):
        x_batch, y_batch = sample_batch(sentences, BATCH_SIZE, config.max_seq_len, rng)
        loss, grads = loss_and_grads(my_params, x_batch, y_batch, config)
        optimizer.step(grads, lr=learning_rate(step, STEPS, LR))
        losses.append(loss)
        if step % 100 == 0 or step == STEPS - 1:
            print(f"step {step:4d}  loss {loss:.3f}")
    print(f"{STEPS} steps in {time.perf_counter() - start:.1f} s")

# %%
if losses:
    window = 25
    smooth = np.convolve(losses, np.ones(window) / window, mode="valid")
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.plot(losses, alpha=0.35, label="loss of each batch")
    ax.plot(np.arange(window - 1, len(losses)), smooth, label=f"mean of {window} steps")
    ax.axhline(math.log(config.vocab_size), color="grey", ls="--", label="ln V (uniform guess)")
    ax.set_xlabel("step")
    ax.set_ylabel("cross-entropy (nats / token)")
    ax.legend()
    plt.show()
    print(f"first loss {losses[0]:.3f} (ln V = {math.log(config.vocab_size):.3f}), "
          f"mean of the last 50 steps {np.mean(losses[-50:]):.3f}")

# %% [markdown]
# The first word of every sentence cannot be predicted (sentences are drawn at random), so
# the loss never reaches 0. What has the model learned? Greedy completions, and the
# spectral classes of the named stars of the corpus:

# %%
facts = re.findall(r"^(.+) is a class ([OBAFGKM]) star \.$", text, flags=re.M)


def complete(params, prompt, max_new_tokens=10):
    """Greedy completion of ``prompt`` up to the first '.' (given generate)."""
    prompt_ids = tok.encode(prompt)
    new = generate(params, config, prompt_ids, max_new_tokens, None, greedy=True)[len(prompt_ids):]
    stop = tok.vocab.index(".")
    return tok.decode(prompt_ids + (new[: new.index(stop) + 1] if stop in new else new))


def class_accuracy(params):
    """How many of the named stars' spectral classes greedy decoding gets right."""
    answers = [tok.vocab[generate(params, config, tok.encode(f"{star} is a class"), 1, None, greedy=True)[-1]]
               for star, _ in facts]
    return sum(a == c for a, (_, c) in zip(answers, facts))


if losses:
    for prompt in ["sirius is a class", "betelgeuse is a class", "the sun is", "M31 is the"]:
        print(complete(my_params, prompt))
    print(f"spectral class right for {class_accuracy(my_params)} of {len(facts)} named stars after {STEPS} steps")

# %% [markdown]
# Training learns the shape of the sentences first ("X is a class ? star .") and the
# individual facts later: with fewer steps, the model writes fluent sentences with wrong
# classes. The shipped weights below were trained by the same code; if you skipped the
# exercises, they are your model.
#
# ## The shipped weights
#
# This section works even if you skipped the exercises: it loads the trained weights with
# plain NumPy and uses only given functions.

# %%
trained = course.data.trained_model()
print("shipped run:", trained.meta)
assert trained.vocab == tok.vocab and ModelConfig(**trained.config) == config
shipped = trained.params
print(f"spectral class right for {class_accuracy(shipped)} of {len(facts)} named stars")
for prompt in ["sirius is a class", "betelgeuse is a class", "the sun is", "M31 is the", "jupiter is"]:
    print("  ", complete(shipped, prompt))

# %% [markdown]
# ### Attention patterns after training
#
# What do the heads of the trained model look at? Grey cells are masked (a query may not
# read future keys); colours are attention weights on a fixed 0-1 scale. Look at the row of
# "class": that position predicts the class letter, so a head that reads the star's name
# from there is what makes the fact recallable.

# %%
sentence = "betelgeuse is a class M star ."
ids = np.array([tok.encode(sentence)])
tokens = [tok.vocab[i] for i in ids[0]]
_, cache = forward(shipped, ids, config)
weights = cache["blocks"][0]["weights"][0]  # (heads, seq, seq)
mask = causal_mask(len(tokens))
fig, axes = plt.subplots(1, config.n_heads, figsize=(6 * config.n_heads, 5.5))
for h, ax in enumerate(np.atleast_1d(axes)):
    course.plots.attention_pattern(weights[h], tokens, mask, ax=ax, title=f"trained model, head {h}",
                                   colorbar=h == config.n_heads - 1, legend=h == 0)
plt.tight_layout()
plt.show()
q = tokens.index("class")  # this position predicts the class letter: it must find the star's name
for h in range(config.n_heads):
    j = int(np.argmax(weights[h, q]))
    print(f"head {h}: query '{tokens[q]}' (position {q}) reads most from '{tokens[j]}' "
          f"(position {j}, weight {weights[h, q, j]:.2f})")

# %% [markdown]
# ## Summary
#
# * Cross-entropy: mean of `-log softmax(logits)[target]`; about ln V before training.
# * Its gradient: `(softmax - one_hot) / N`. Every layer's backward turns the gradient of its
#   output into gradients of its inputs and parameters; values used several times sum
#   their gradients (residual stream, shared projections input, tied `W_E`, `np.add.at`).
# * Finite differences in float64 confirm every hand-written gradient.
# * Adam: running averages of the gradient and its square, bias-corrected; the first step
#   has size `lr`.
# * A one-block model trained for seconds on a tiny corpus learns its sentences and facts.
