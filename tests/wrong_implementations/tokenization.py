"""Wrong implementations for 01_tokenization."""
from collections import Counter

import numpy_transformer as nt

from . import reference, wrong

reference("word_tokenizer", nt.WordTokenizer)
reference("count_pairs", nt.count_pairs)
reference("merge_pair", nt.merge_pair)
reference("bpe_tokenizer", nt.BPETokenizer)


# ---- WordTokenizer: subclasses of the reference that change one method

@wrong("word_tokenizer", hint="unknown words were dropped")
class UnknownWordsDropped(nt.WordTokenizer):
    def encode(self, text):
        return [self.token_to_id[t] for t in self.split(text) if t in self.token_to_id]


@wrong("word_tokenizer", hint="lower-cased although lowercase=False")
class CorpusAlwaysLowercased(nt.WordTokenizer):
    @classmethod
    def from_corpus(cls, text, lowercase=False):
        return nt.WordTokenizer.from_corpus.__func__(cls, text.lower(), lowercase)


@wrong("word_tokenizer", hint="encode lower-cases the text although lowercase=False")
class EncodeLowercases(nt.WordTokenizer):
    def encode(self, text):
        return super().encode(text.lower())


@wrong("word_tokenizer", hint="joined the tokens without spaces")
class DecodeWithoutSpaces(nt.WordTokenizer):
    def decode(self, ids):
        return "".join(self.vocab[i] for i in ids)


@wrong("word_tokenizer", hint="no space before closing punctuation")
class DecodeSpaceBeforePunctuation(nt.WordTokenizer):
    def decode(self, ids):
        return " ".join(self.vocab[i] for i in ids)


@wrong("word_tokenizer", hint="punctuation marks are tokens")
class SplitOnWhitespaceOnly(nt.WordTokenizer):
    def split(self, text):
        return (text.lower() if self.lowercase else text).split()

    @classmethod
    def from_corpus(cls, text, lowercase=False):
        counts = Counter((text.lower() if lowercase else text).split())
        return cls(["<unk>"] + sorted(counts, key=lambda t: (-counts[t], t)), lowercase)


@wrong("word_tokenizer", hint="start the vocabulary with '<unk>'")
class UnkAtTheEnd(nt.WordTokenizer):
    def __init__(self, vocab, lowercase=False):
        super().__init__([t for t in vocab if t != "<unk>"] + ["<unk>"], lowercase)


@wrong("word_tokenizer", hint="by decreasing count, ties alphabetically")
class VocabSortedAlphabetically(nt.WordTokenizer):
    def __init__(self, vocab, lowercase=False):
        super().__init__(["<unk>"] + sorted(t for t in vocab if t != "<unk>"), lowercase)


@wrong("word_tokenizer", hint="lower-case in encode")
class LowercaseOnlyTheCorpus(nt.WordTokenizer):
    def split(self, text):
        return self.pattern.findall(text)


# ---- count_pairs / merge_pair

@wrong("count_pairs", hint="overlapping pairs count")
def pairs_counted_without_overlap(ids):
    counts, k = Counter(), 0
    while k + 1 < len(ids):
        counts[(ids[k], ids[k + 1])] += 1
        k += 2 if ids[k] == ids[k + 1] else 1
    return counts


@wrong("count_pairs", hint="the last pair is (ids[-2], ids[-1])")
def last_pair_missed(ids):
    return Counter((ids[k], ids[k + 1]) for k in range(len(ids) - 2))


@wrong("count_pairs", hint="return a dict")
def returns_list_of_pairs(ids):
    return list(zip(ids, ids[1:]))


@wrong("merge_pair", hint="return a new list")
def merges_in_place(ids, pair, new_id):
    merged = nt.merge_pair(ids, pair, new_id)
    ids[:] = merged
    return ids


@wrong("merge_pair", hint="occurrences must not overlap")
def overlapping_merge(ids, pair, new_id):
    out = []
    for k in range(len(ids)):
        if k + 1 < len(ids) and (ids[k], ids[k + 1]) == tuple(pair):
            out.append(new_id)
        elif not (k > 0 and (ids[k - 1], ids[k]) == tuple(pair)):
            out.append(ids[k])
    return [x for x in out]


@wrong("merge_pair", hint="pair at the very end of ids was not merged")
def pair_at_end_missed(ids, pair, new_id):
    out, k = [], 0
    while k < len(ids) - 1:
        if (ids[k], ids[k + 1]) == tuple(pair) and k + 2 < len(ids):
            out.append(new_id)
            k += 2
        else:
            out.append(ids[k])
            k += 1
    return out + ids[k:]


# ---- BPETokenizer: subclasses that change one method

@wrong("bpe_tokenizer", hint="break ties by the smallest pair")
class TiesByFirstOccurrence(nt.BPETokenizer):
    @classmethod
    def train(cls, text, vocab_size):
        ids, merges = list(text.encode("utf-8")), []
        for new_id in range(256, vocab_size):
            pair, count = Counter(zip(ids, ids[1:])).most_common(1)[0]
            if count < 2:
                break
            ids = nt.merge_pair(ids, pair, new_id)
            merges.append(pair)
        return cls(merges)


@wrong("bpe_tokenizer", hint="recount the pairs of the *current* ids")
class CountsOnlyOnce(nt.BPETokenizer):
    @classmethod
    def train(cls, text, vocab_size):
        ids = list(text.encode("utf-8"))
        counts = nt.count_pairs(ids)
        ranked = sorted(counts, key=lambda p: (-counts[p], p))[: vocab_size - 256]
        return cls(ranked)


@wrong("bpe_tokenizer", hint="encode returned raw bytes")
class EncodeIgnoresMerges(nt.BPETokenizer):
    def encode(self, text):
        return list(text.encode("utf-8"))


@wrong("bpe_tokenizer", hint="one character's UTF-8 bytes can be split across two tokens")
class DecodesEachTokenSeparately(nt.BPETokenizer):
    def decode(self, ids):
        return "".join(self.vocab[i].decode("utf-8", errors="replace") for i in ids)


@wrong("bpe_tokenizer", hint='errors="replace"')
class StrictDecode(nt.BPETokenizer):
    def decode(self, ids):
        return b"".join(self.vocab[i] for i in ids).decode("utf-8")


@wrong("bpe_tokenizer", hint="never ascii/ignore")
class AsciiLosesUnicode(nt.BPETokenizer):
    def encode(self, text):
        return super().encode(text.encode("ascii", errors="ignore").decode("ascii"))


@wrong("bpe_tokenizer", hint="learn one merge per new id")
class OffByOneVocabulary(nt.BPETokenizer):
    @classmethod
    def train(cls, text, vocab_size):
        return super().train.__func__(cls, text, vocab_size - 1)
