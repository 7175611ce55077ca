"""Save and load trained weights as a plain ``.npz`` file.

The file needs nothing but NumPy to read (no pickle)::

    data = np.load("trained_weights.npz")
    config = json.loads(str(data["config_json"]))   # d_model, n_heads, ...
    vocab = [str(t) for t in data["vocab"]]         # token id -> string
    W_E = data["W_E"]; W_q = data["blocks.0.W_q"]   # one array per parameter

Parameter names are those of ``model.flatten_params``. ``lowercase`` records how the
word tokenizer was built; ``meta_json`` holds how the weights were trained.
"""
import io
import json
import zipfile
from dataclasses import asdict

import numpy as np

from .model import ModelConfig, flatten_params, unflatten_params
from .tokenizer import WordTokenizer


def _write_npz(path, arrays):
    # Like np.savez, but with a fixed timestamp in every zip entry, so the same
    # arrays always give the same bytes (a regenerated file shows no spurious diff).
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.asarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, buffer.getvalue())


def save_weights(path, params, config, tokenizer, dtype=np.float32, **meta):
    """Write parameters, config, vocabulary and training metadata to ``path``.

    Parameters
    ----------
    path : str or Path
    params : dict
        As made by ``init_params`` (stored as ``dtype``, float32 by default).
    config : ModelConfig
    tokenizer : WordTokenizer
    dtype : numpy dtype, optional
    **meta
        JSON-serialisable facts about the training run (steps, lr, seed, ...).
    """
    arrays = {name: p.astype(dtype) for name, p in flatten_params(params).items()}
    arrays["config_json"] = np.array(json.dumps(asdict(config), sort_keys=True))
    arrays["vocab"] = np.array(tokenizer.vocab)
    arrays["lowercase"] = np.array(bool(tokenizer.lowercase))
    arrays["meta_json"] = np.array(json.dumps(meta, sort_keys=True))
    _write_npz(path, arrays)


def load_weights(path, dtype=None):
    """Read a file written by ``save_weights``.

    Parameters
    ----------
    path : str or Path
    dtype : numpy dtype, optional
        Convert the parameters (e.g. ``np.float64``); default: as stored.

    Returns
    -------
    params : dict
    config : ModelConfig
    tokenizer : WordTokenizer
    meta : dict
    """
    with np.load(path, allow_pickle=False) as data:
        config = ModelConfig(**json.loads(str(data["config_json"])))
        tokenizer = WordTokenizer([str(t) for t in data["vocab"]],
                                  lowercase=bool(data["lowercase"]))
        meta = json.loads(str(data["meta_json"]))
        skip = {"config_json", "vocab", "lowercase", "meta_json"}
        flat = {name: data[name] if dtype is None else data[name].astype(dtype)
                for name in data.files if name not in skip}
    return unflatten_params(flat), config, tokenizer, meta
