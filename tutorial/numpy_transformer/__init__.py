"""Reference implementation of a decoder-only transformer in NumPy (solution material).

Conventions, everywhere: activations have shape (batch, seq, d_model); weights have shape
(d_in, d_out) and are applied as ``x @ W + b``; float64 by default, float32 inputs stay
float32; every random draw goes through an explicit ``np.random.Generator``.

Public API (each function's docstring is its specification):

- tokenizer:  WordTokenizer.from_corpus(text), BPETokenizer.train(text, vocab_size),
              .encode(text) -> ids, .decode(ids) -> text
- embeddings: embed(token_ids, W_E), positional_encoding(T, d_model)
- attention:  softmax(x, axis=-1), causal_mask(T), attention.attention(q, k, v, mask=None)
              -> (out, weights), split_heads(x, n_heads), merge_heads(x),
              multi_head_attention(x, W_q, b_q, W_k, b_k, W_v, b_v, W_o, b_o, n_heads, mask=None)
- layers:     layer_norm(x, gamma, beta, eps=1e-5), gelu(x), mlp(x, W1, b1, W2, b2),
              transformer_block(x, params, n_heads)
- model:      ModelConfig, init_params(config, rng), forward(params, ids, config) -> (logits,
              cache), cross_entropy(logits, targets), backward(params, cache, targets) -> grads
- backprop:   linear_backward, layer_norm_backward, gelu_backward, softmax_backward,
              attention_backward
- optim, gradcheck: Adam, adam_step; gradient_check(params, ids, targets, config)
- generate:   next_token_probs, sample_next(logits, rng, temperature, top_k),
              generate.generate(params, config, prompt_ids, max_new_tokens, rng, ...)
- checkpoint, train: save_weights/load_weights; train(text, ...); the CLI
              `python -m numpy_transformer.train --out PATH` reproduces the shipped weights.

Functions marked with ``### BEGIN SOLUTION`` / ``### END SOLUTION`` are the exercises:
tutorial/build.py turns the marked part into a stub in the students' notebooks.
"""

from .tokenizer import UNK, WordTokenizer, BPETokenizer, count_pairs, merge_pair
from .embeddings import embed, positional_encoding

# attention, layers, model, backprop, optim, gradcheck, generate, checkpoint, train
# (owner: reference model). The functions attention() and generate() are not re-exported:
# they would hide the modules of the same name (use numpy_transformer.attention.attention).
from .attention import softmax, causal_mask, split_heads, merge_heads, multi_head_attention
from .layers import layer_norm, gelu, mlp, transformer_block
from .model import ModelConfig, init_params, forward, cross_entropy, backward, loss_and_grads
from .optim import Adam, adam_step
from .gradcheck import gradient_check
from .generate import next_token_probs, sample_next
from .checkpoint import save_weights, load_weights
