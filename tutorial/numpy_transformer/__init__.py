"""Reference implementation of a decoder-only transformer in NumPy (solution material).

Each module appends its own re-export lines below, in its own block.
"""

# tokenizer.py and embeddings.py (owner: course/tokenizer-embeddings)
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
