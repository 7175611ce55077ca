# %% [markdown]
# # 00 · Welcome: how this course works
#
# Over the next notebooks you build a small decoder-only transformer (the architecture
# behind GPT) from scratch, with nothing but **NumPy** and **matplotlib**, and train it on a
# tiny corpus of astronomy sentences. Everything runs offline, on your own kernel.
#
# This notebook shows the mechanics: how exercises look, how to check your work, how hints
# work, and whether your environment is ready.

# %%
import numpy as np
import matplotlib.pyplot as plt

import course
from course import check, needs

course.plots.setup();

# %% [markdown]
# ## Your environment
#
# Run the cell below (Shift+Enter). It prints the versions of the only two libraries we
# use and whether the course data is readable. Everything the course needs is on this
# machine: it works the same with no network at all.

# %%
course.environment.report()

# %% [markdown]
# Plots appear inside the notebook, below the cell that draws them. If you see a sine
# wave below, plotting works.

# %%
x = np.linspace(0, 4 * np.pi, 200)
fig, ax = plt.subplots(figsize=(6, 2))
ax.plot(x, np.sin(x))
ax.set_title("plots render inline")
plt.show()

# %% [markdown]
# ## Anatomy of an exercise
#
# Every exercise has the same four parts:
#
# 1. **A header** with the exercise number, an estimate of the time it takes (⏱) and why it
#    matters (★ = useful background, ★★ = used later, ★★★ = at the heart of the transformer).
# 2. **A stub**: a function whose docstring is the specification. Replace the lines
#    `# YOUR CODE HERE` and `raise NotImplementedError(...)` with your code. Keep the name
#    and the arguments.
# 3. **A check** right after it: `check.<name>(<your function>)`. It runs your function on
#    small inputs and prints one line if everything is right. Otherwise it says *which
#    property* failed, the input, the expected and the actual result (shapes first), and a
#    hint about the likely mistake. Before you write anything it says "not implemented yet".
# 4. **Hints** in two levels, folded: click to open. The first is a nudge, the second is
#    close to the solution. Try for a few minutes before opening them.
#
# Demo cells that use your function are wrapped in `with needs(...)`: until you implement
# the function they print "skipped" instead of an error, so you can always run the whole
# notebook (Run ▸ Run All Cells).
#
# Let's try it on a warm-up.

# %% [markdown]
# ### Exercise 0.1 · Normalise rows (⏱ 3 min, ★)
#
# Many steps of a transformer turn a row of non-negative numbers into weights that sum to 1
# (you will meet softmax soon). Write the simplest version: divide every row by its sum.

# %%
def normalise_rows(x):
    """Scale every row of ``x`` so that it sums to 1.

    Parameters
    ----------
    x : ndarray, shape (n, m)
        Non-negative values, each row with a positive sum.

    Returns
    -------
    ndarray, shape (n, m)
        ``x[r] / x[r].sum()`` for every row ``r``; ``x`` itself is not modified.
    """
    ### BEGIN SOLUTION
    return x / x.sum(axis=-1, keepdims=True)
    ### END SOLUTION


# %%
check.normalise_rows(normalise_rows)

# %% [markdown]
# <details><summary>Hint 1 (nudge)</summary>
#
# `x.sum(axis=-1)` sums each row. Compare its shape with the shape of `x`: can you divide one
# by the other?
# </details>
#
# <details><summary>Hint 2 (almost the solution)</summary>
#
# `keepdims=True` keeps the summed axis with length 1, so the row sums broadcast over the
# columns: `x / x.sum(axis=-1, keepdims=True)`.
# </details>

# %%
with needs(normalise_rows):
    weights = normalise_rows(np.array([[1.0, 1.0, 2.0], [3.0, 0.0, 1.0]]))
    print(weights)
    print("row sums:", weights.sum(axis=-1))

# %% [markdown]
# ## What comes next
#
# | notebook | you build |
# |---|---|
# | 01 · tokenization | a word tokenizer with `<unk>`, then byte-pair encoding from scratch |
# | 02 · embeddings | token embeddings and sinusoidal positional encodings |
# | 03 · attention | a stable softmax, the causal mask, scaled dot-product attention |
# | 04 · multi-head attention | head split and merge, several heads in one matrix product |
# | 05 · the transformer block | layer norm, GELU, the MLP, the residual stream |
# | 06 · the model | the complete decoder-only transformer, sampling and text generation |
# | 07 · training | cross-entropy, backpropagation by hand, a gradient check, Adam, training |
#
# Each notebook runs on its own: building blocks from earlier notebooks are included as
# given code, so a mistake in one notebook never blocks the next one.
