"""Plot helpers: a headless-safe backend and a few standard figures."""
import os

import matplotlib


def setup():
    """Inline figures inside Jupyter, a file-only backend elsewhere; never a GUI window.

    A GUI backend picked because DISPLAY is set (with no screen behind it) would crash
    the kernel, so the backend is chosen explicitly.
    """
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:
        shell = None
    if shell is not None and getattr(shell, "kernel", None) is not None:
        shell.run_line_magic("matplotlib", "inline")
    else:
        matplotlib.use("Agg")
    os.environ.setdefault("MPLBACKEND", matplotlib.get_backend())
    return matplotlib.get_backend()


def heatmap(values, title="", xlabel="", ylabel="", ax=None, cmap="RdBu_r"):
    """Show a 2-D array as an image with a colour bar; returns the Axes."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.5))
    image = ax.imshow(values, aspect="auto", cmap=cmap, interpolation="nearest")
    ax.figure.colorbar(image, ax=ax)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return ax


MASKED_COLOUR = "#d9d9d9"


def attention_pattern(weights, tokens=None, mask=None, ax=None, title="", colorbar=True, legend=True):
    """Draw attention weights (rows = queries, columns = keys) on a fixed 0..1 scale.

    Cells where ``mask`` is False are drawn as *masked*: a separate grey with a legend
    entry, not a colour of the scale (their weight is not "very small", it does not
    exist). Returns the Axes.

    Parameters
    ----------
    weights : array, shape (seq_q, seq_k)
    tokens : list of str, optional
        Labels of the positions (used for both axes when seq_q == seq_k).
    mask : bool array, shape (seq_q, seq_k), optional
        True where a query may attend to a key (as returned by ``causal_mask``).
    colorbar, legend : bool
        Draw the colour bar and the "masked" legend entry (switch off for all but one
        panel of a row of patterns).
    """
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.patches import Patch

    weights = np.asarray(weights, dtype=float)
    if ax is None:
        size = 1.2 + 0.45 * weights.shape[1]
        _, ax = plt.subplots(figsize=(size + 1.5, size))
    hidden = np.zeros(weights.shape, dtype=bool) if mask is None else ~np.asarray(mask, dtype=bool)
    shown = np.ma.masked_array(weights, mask=hidden)
    cmap = matplotlib.colormaps["viridis"].with_extremes(bad=MASKED_COLOUR)
    image = ax.imshow(shown, cmap=cmap, vmin=0.0, vmax=1.0, interpolation="nearest")
    if colorbar:
        ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="attention weight")
    if tokens is not None:
        ax.set_xticks(range(weights.shape[1]), tokens[: weights.shape[1]], rotation=90)
        ax.set_yticks(range(weights.shape[0]), tokens[: weights.shape[0]])
    ax.set_xlabel("key position (read from)")
    ax.set_ylabel("query position (reading)")
    ax.set_title(title)
    if legend and hidden.any():
        ax.legend(handles=[Patch(facecolor=MASKED_COLOUR, edgecolor="grey", label="masked (may not attend)")],
                  loc="upper right", fontsize=8, framealpha=0.9)
    return ax
