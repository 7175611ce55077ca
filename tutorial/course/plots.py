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
