"""The reference functions as notebook material: markers, and source that runs alone.

Notebooks include reference functions by their source text (inspect.getsource), so
each one must run with nothing but ``np`` and the other included functions.
"""
import inspect
import types
from dataclasses import dataclass

import numpy as np
import pytest

import numpy_transformer
from numpy_transformer import attention, backprop, embeddings, generate, layers, model, optim

# In dependency order, as a notebook sequence would include them.
TEACHING_FUNCTIONS = [
    embeddings.embed, embeddings.positional_encoding,
    attention.softmax, attention.causal_mask, attention.attention, attention.split_heads,
    attention.merge_heads, attention.multi_head_attention,
    layers.layer_norm, layers.gelu, layers.mlp, layers.transformer_block,
    backprop.linear_backward, backprop.layer_norm_backward, backprop.gelu_backward,
    backprop.softmax_backward, backprop.attention_backward,
    model.ModelConfig, model.init_params, model.block_forward, model.block_backward,
    model.forward, model.cross_entropy, model.cross_entropy_backward, model.backward,
    model.loss_and_grads, generate.next_token_probs, generate.sample_next, generate.generate, optim.adam_step,
]


def test_modules_are_not_hidden_by_functions_of_the_same_name():
    assert isinstance(numpy_transformer.attention, types.ModuleType)
    assert isinstance(numpy_transformer.generate, types.ModuleType)


@pytest.mark.parametrize("obj", [f for f in TEACHING_FUNCTIONS if f is not model.ModelConfig
                                 and f not in (model.block_forward, model.loss_and_grads)],
                         ids=lambda f: f.__qualname__)
def test_solution_markers_are_balanced_and_indented(obj):
    lines = inspect.getsource(obj).splitlines()
    begins = [l for l in lines if l.strip() == "### BEGIN SOLUTION"]
    ends = [l for l in lines if l.strip() == "### END SOLUTION"]
    assert len(begins) == len(ends) == 1
    head = next(l for l in lines if l.lstrip().startswith(("def ", "class ")))
    body_indent = len(head) - len(head.lstrip()) + 4
    for marker in begins + ends:
        assert len(marker) - len(marker.lstrip()) == body_indent
    assert obj.__doc__ and "Returns" in obj.__doc__


def test_sources_run_with_only_numpy():
    ns = {"np": np, "dataclass": dataclass}
    for obj in TEACHING_FUNCTIONS:
        exec(inspect.getsource(obj), ns)  # noqa: S102 - our own reference code
    cfg = ns["ModelConfig"](vocab_size=11, d_model=8, n_heads=2, n_layers=1, d_mlp=16,
                            max_seq_len=6)
    params = ns["init_params"](cfg, np.random.default_rng(0))
    loss, grads = ns["loss_and_grads"](params, np.array([[1, 2, 3]]), np.array([[2, 3, 4]]), cfg)
    assert np.isfinite(loss) and grads["W_E"].shape == (11, 8)
    ids = ns["generate"](params, cfg, [1], 3, np.random.default_rng(0))
    assert len(ids) == 4
