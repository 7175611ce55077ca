"""course.plots.attention_pattern draws masked cells as masked, on a fixed 0..1 scale."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402

from course import plots  # noqa: E402


def test_masked_cells_are_masked_not_coloured():
    T = 4
    mask = np.tril(np.ones((T, T), dtype=bool))
    weights = np.where(mask, 1.0 / np.arange(1, T + 1)[:, None], 0.0)
    ax = plots.attention_pattern(weights, tokens=list("abcd"), mask=mask, title="t")
    image = ax.images[0]
    data = image.get_array()
    assert np.ma.isMaskedArray(data)
    assert np.array_equal(np.ma.getmaskarray(data), ~mask)
    assert image.get_clim() == (0.0, 1.0)
    assert tuple(image.get_cmap().get_bad()) == to_rgba(plots.MASKED_COLOUR)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("masked" in label for label in labels)
    plt.close(ax.figure)


def test_no_mask_no_legend_and_options_off():
    ax = plots.attention_pattern(np.full((2, 3), 1 / 3), colorbar=False)
    assert not np.ma.getmaskarray(ax.images[0].get_array()).any()
    assert ax.get_legend() is None
    assert len(ax.figure.axes) == 1  # no colour bar axes
    plt.close(ax.figure)
