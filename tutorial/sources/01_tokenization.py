# %% [markdown]
# # 01 · Tokenization: from text to integers
#
# A transformer never sees letters; it sees a sequence of integer **token ids**. A
# *tokenizer* splits text into tokens, maps each to an id, and maps ids back to text.
#
# You will build two tokenizers:
#
# * a **word-level** tokenizer: one id per word or punctuation mark, with a special
#   `<unk>` token for words it has never seen;
# * a **byte-pair encoding** (BPE) tokenizer, the kind GPT models use: it starts from the
#   raw bytes of the text, so it can encode *anything*, and learns to merge frequent pairs.

# %%
import re
from collections import Counter

import numpy as np
import matplotlib.pyplot as plt

import course
from course import check, needs

course.plots.setup();

# %% [markdown]
# ## The corpus
#
# Our training text is a small collection of short astronomy sentences stored with the
# course. Words and punctuation are separated by spaces, and it is lower-case except for
# names that must stay capitalised, such as the spectral classes O B A F G K M.

# %%
text = course.data.corpus()
lines = text.splitlines()
print(f"{len(lines)} sentences, {len(text)} characters, {len(text.split())} space-separated pieces")
print()
print("\n".join(lines[:8]))

# %% [markdown]
# ## A word-level tokenizer
#
# ### Exercise 1.1 · `WordTokenizer` (⏱ 15 min, ★★)
#
# Why it matters: the vocabulary fixes what the model can ever read or write. Unknown words
# must not disappear silently (the model would see a different sentence than you typed),
# so they map to `<unk>`.
#
# Implement `from_corpus`, `encode` and `decode`. The class docstring is the specification:
# the splitting regex, the order of the vocabulary and the spacing rule of `decode`.

# %%
UNK = "<unk>"

# %%
#| exercise numpy_transformer.tokenizer.WordTokenizer

# %%
check.word_tokenizer(WordTokenizer)

# %% [markdown]
# <details><summary>Hint 1 (nudge)</summary>
#
# `from_corpus`: split, count with `collections.Counter`, sort, and call `cls([...], lowercase=...)`.
# `encode`: `self.split(text)` already does the splitting and lower-casing; look every token
# up in `self.token_to_id`. `decode`: walk through the tokens and decide, for each one,
# whether a space goes before it.
# </details>
#
# <details><summary>Hint 2 (almost the solution)</summary>
#
# ```python
# counts = Counter(cls.pattern.findall(text.lower() if lowercase else text))
# vocab = [UNK] + sorted(counts, key=lambda tok: (-counts[tok], tok))
# ...
# return [self.token_to_id.get(tok, self.unk_id) for tok in self.split(text)]
# ...
# space = pieces and tok not in self.no_space_before and previous not in self.no_space_after
# ```
# </details>

# %% [markdown]
# Let's build the vocabulary of the corpus and encode a sentence with a word that is not in
# it.

# %%
with needs(WordTokenizer):
    tok = WordTokenizer.from_corpus(text)
    print("vocabulary size:", tok.vocab_size)
    print("first tokens:", tok.vocab[:12])
    sentence = "the quasar is a very hot star ."
    ids = tok.encode(sentence)
    print(sentence, "->", ids)
    print("decoded:", tok.decode(ids))
    print("round trip of a corpus line:", tok.decode(tok.encode(lines[0])))

# %% [markdown]
# `decode(encode(s))` gives back `s` up to whitespace: tokens are separated by one space,
# with no space before closing punctuation. Unknown words come back as `<unk>`: the
# information is lost, but visibly.
#
# ### Should we lower-case?
#
# Lower-casing makes the vocabulary smaller ("The" and "the" become one token), which
# sounds like a free win. In astronomy it is not: the spectral class **A** is a different
# word from the article **a**. Count both in the corpus:

# %%
tokens = WordTokenizer.pattern.findall(text)
counts = Counter(tokens)
print("'A' (spectral class):", counts["A"], "   'a' (article):", counts["a"])
print("corpus lines using the class A:", [line for line in lines if " A " in f" {line} "][:3])

# %%
with needs(WordTokenizer):
    cased = WordTokenizer.from_corpus(text)
    lower = WordTokenizer.from_corpus(text, lowercase=True)
    print("vocabulary size, cased:", cased.vocab_size, "  lower-cased:", lower.vocab_size)
    merged = sorted({t for t in cased.vocab if t != t.lower() and t.lower() in cased.vocab})
    print("tokens that lower-casing merges with another token:", merged)
    print("lower-cased: 'class A star' ->", lower.encode("class A star"),
          "  'a star' ->", lower.encode("a star"))

# %% [markdown]
# With `lowercase=True`, "class A star" and "a star" share the id of "a": the model could no
# longer tell a spectral class from an article. We keep the case.
#
# ## Byte-pair encoding (BPE)
#
# A word tokenizer cannot spell a word it has not seen. BPE starts from **bytes**: every
# string is a sequence of UTF-8 bytes (values 0..255), so the 256 byte values form a base
# vocabulary that can encode any text, in any language, even emoji. Characters outside
# ASCII take several bytes:

# %%
for ch in ["a", "é", "★", "🔭"]:
    print(repr(ch), "->", list(ch.encode("utf-8")))

# %% [markdown]
# Raw bytes make long sequences. BPE shortens them by repeatedly finding the most frequent
# adjacent pair of ids and giving it a new id (256, 257, ...). You need two helpers first.
#
# ### Exercise 1.2 · `count_pairs` (⏱ 5 min, ★★)
#
# Why it matters: counting adjacent pairs is the statistic that drives BPE training.

# %%
#| exercise numpy_transformer.tokenizer.count_pairs

# %%
check.count_pairs(count_pairs)

# %% [markdown]
# <details><summary>Hint 1 (nudge)</summary>
#
# The adjacent pairs of `ids` are `(ids[0], ids[1]), (ids[1], ids[2]), ...`. A
# `collections.Counter` counts anything hashable, tuples included.
# </details>
#
# <details><summary>Hint 2 (almost the solution)</summary>
#
# `zip(ids, ids[1:])` yields exactly the adjacent pairs: `return Counter(zip(ids, ids[1:]))`.
# </details>

# %% [markdown]
# ### Exercise 1.3 · `merge_pair` (⏱ 10 min, ★★)
#
# Why it matters: every learned merge is applied with this function, both in training and
# when encoding new text.

# %%
#| exercise numpy_transformer.tokenizer.merge_pair

# %%
check.merge_pair(merge_pair)

# %% [markdown]
# <details><summary>Hint 1 (nudge)</summary>
#
# Use a `while` loop with an index `k`, so you can advance by 2 after a match and by 1
# otherwise. Take care at the end of the list.
# </details>
#
# <details><summary>Hint 2 (almost the solution)</summary>
#
# ```python
# out, k = [], 0
# while k < len(ids):
#     if k + 1 < len(ids) and (ids[k], ids[k + 1]) == tuple(pair):
#         out.append(new_id); k += 2
#     else:
#         out.append(ids[k]); k += 1
# ```
# </details>

# %% [markdown]
# ### Exercise 1.4 · `BPETokenizer` (⏱ 15 min, ★★★)
#
# Why it matters: this is how real language models read text. Training must be
# deterministic (ties between equally frequent pairs are broken by the smallest pair), and
# `decode(encode(s)) == s` must hold for **every** string.
#
# Implement `train`, `encode` and `decode`; they use your `count_pairs` and `merge_pair`.

# %%
#| exercise numpy_transformer.tokenizer.BPETokenizer

# %%
check.bpe_tokenizer(BPETokenizer)

# %% [markdown]
# <details><summary>Hint 1 (nudge)</summary>
#
# `train`: start from `list(text.encode("utf-8", errors="surrogatepass"))`; for each new id
# count pairs, pick the best, merge it, remember it. `encode`: same start, then apply merges
# in the order they were learned. `decode`: join the byte strings `self.vocab[i]`, then decode
# the bytes *once*.
# </details>
#
# <details><summary>Hint 2 (almost the solution)</summary>
#
# ```python
# pair = min(counts, key=lambda p: (-counts[p], p))   # most frequent, then smallest
# ...
# for k, pair in enumerate(self.merges):               # encode: earliest merge first
#     ids = merge_pair(ids, pair, 256 + k)
# ...
# return b"".join(self.vocab[i] for i in ids).decode("utf-8", errors="replace")
# ```
# </details>

# %% [markdown]
# Train BPE on the corpus and look at what it learned. The first merges are the most
# frequent pairs of the corpus; later ones build whole words.

# %%
with needs(BPETokenizer, count_pairs, merge_pair):
    bpe = BPETokenizer.train(text, vocab_size=256 + 200)
    print("merges learned:", len(bpe.merges))
    print("first merges:", [bpe.vocab[256 + k].decode(errors="replace") for k in range(10)])
    print("last merges: ", [bpe.vocab[i].decode(errors="replace") for i in range(bpe.vocab_size - 5, bpe.vocab_size)])
    ids = bpe.encode(text)
    print(f"corpus: {len(text.encode('utf-8'))} bytes -> {len(ids)} tokens "
          f"({len(text.encode('utf-8')) / len(ids):.2f} bytes per token)")

# %% [markdown]
# Unlike the word tokenizer, BPE has no `<unk>`: any text round-trips exactly, even words,
# scripts and symbols it never saw during training.

# %%
with needs(BPETokenizer, count_pairs, merge_pair):
    bpe = BPETokenizer.train(text, vocab_size=256 + 200)
    for s in ["the quasar is a very hot star .", "Ünïcödé ★ and a telescope 🔭", "   two\nlines\t"]:
        ids = bpe.encode(s)
        print(f"{len(ids):3d} tokens, exact round trip: {bpe.decode(ids) == s}  {s!r}")
    pieces = [bpe.vocab[i] for i in bpe.encode("the quasar is a very hot star .")]
    print("pieces:", pieces)

# %% [markdown]
# ## Summary
#
# * A tokenizer maps text to ids and back; the vocabulary fixes what a model can read.
# * Word level: readable tokens, but unknown words become `<unk>`, and case decisions
#   (A versus a) change meaning.
# * BPE: starts from bytes, so nothing is ever unknown; merges make common words short.
