"""Reference implementation of a decoder-only transformer in NumPy (solution material).

Each module appends its own re-export lines below, in its own block.
"""

# tokenizer.py and embeddings.py (owner: course/tokenizer-embeddings)
from .tokenizer import UNK, WordTokenizer, BPETokenizer, count_pairs, merge_pair
from .embeddings import embed, positional_encoding
