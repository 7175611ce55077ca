"""Self-checks, one per exercise: ``check.<exercise>(your_function)``.

Each prints one line when everything passes, or what failed with a small input,
expected vs actual and a hint. A stub still raising NotImplementedError prints
"not implemented yet". A check never raises.
"""
from .checking import run  # noqa: F401  (run(name, fn) returns the result for tests)

# 00_welcome
from .topics.welcome import normalise_rows  # noqa: F401

# 01_tokenization
from .topics.tokenization import word_tokenizer, count_pairs, merge_pair, bpe_tokenizer  # noqa: F401

# 02_embeddings
from .topics.embeddings import embed, positional_encoding  # noqa: F401

# 03_attention
from .topics.attention import softmax, causal_mask, attention  # noqa: F401

# 04_multi_head
from .topics.attention import split_heads, merge_heads, multi_head_attention  # noqa: F401

# 05_block
from .topics.blocks import layer_norm, gelu, mlp, transformer_block  # noqa: F401

# later topics append their import lines here, one block per notebook

# 06_model
from .topics.model import forward, next_token_probs, sample_next, generate  # noqa: F401

# 07_training
from .topics.training import (cross_entropy, cross_entropy_backward, linear_backward, gelu_backward,  # noqa: F401
                              layer_norm_backward, softmax_backward, attention_backward, backward,
                              numerical_gradient, adam_step)
