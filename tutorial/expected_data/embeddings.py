"""Expected data for the 02_embeddings checks."""
import numpy as np

import numpy_transformer as nt

# distinct, non-square sizes; odd widths included on purpose
PE_SIZES = [(9, 8), (6, 5), (4, 1), (1, 6)]


def generate():
    rng = np.random.default_rng(2)
    W_E = rng.normal(size=(7, 3))
    ids_2d = np.array([[3, 0, 6, 3], [1, 5, 2, 2]])
    ids_1d = np.array([4, 4, 0, 6, 1])
    return {
        "embed": {
            "W_E": W_E,
            "ids_2d": ids_2d,
            "out_2d": nt.embed(ids_2d, W_E),
            "ids_1d": ids_1d,
            "out_1d": nt.embed(ids_1d, W_E),
        },
        "positional_encoding": {
            "cases": [{"T": T, "d_model": d, "pe": nt.positional_encoding(T, d)} for T, d in PE_SIZES],
        },
    }
