"""Tokenizers: a word-level tokenizer with ``<unk>`` and a byte-level BPE tokenizer.

Both map text to a list of integer ids and back. The word tokenizer is easy to read
but cannot represent words it has never seen; byte-pair encoding (BPE) starts from the
256 possible bytes, so it can encode *any* string, and learns merges of frequent pairs.
"""
import re
from collections import Counter

UNK = "<unk>"


class WordTokenizer:
    """Word-level tokenizer with an ``<unk>`` token for out-of-vocabulary words.

    Text is split by the regular expression ``pattern``::

        \\w+(?:['-]\\w+)*|[^\\w\\s]

    i.e. a token is either a *word* (letters, digits or underscores, possibly joined by
    internal apostrophes or hyphens: ``Sun's``, ``main-sequence``) or a *single*
    punctuation character (``.``, ``,``, ``(`` ...). Whitespace separates tokens and is
    never a token.

    The vocabulary is ``["<unk>", ...]``: id 0 is ``<unk>``, followed by every distinct
    corpus token ordered by decreasing count, ties in alphabetical (Python string)
    order. A token of ``encode``'s input that is not in the vocabulary maps to
    ``unk_id``; tokens are never dropped, so ``len(encode(s))`` is the number of tokens
    in ``s``.

    ``decode`` joins tokens with one space, except that there is no space before a
    token in ``no_space_before`` (closing punctuation ``. , ; : ! ? ) ] }``) and none
    after a token in ``no_space_after`` (opening brackets ``( [ {``). Hence for text made
    of vocabulary tokens, ``decode(encode(s))`` differs from ``s`` only in whitespace,
    and ``encode(decode(ids)) == ids`` for any ids without ``<unk>``.

    With ``lowercase=True`` the corpus and every text passed to ``encode`` are lower-cased
    first (so ``decode`` returns lower-case text).

    Attributes
    ----------
    vocab : list of str
        Token strings; the id of a token is its index.
    unk_id : int
        Id of ``<unk>`` (always 0).
    vocab_size : int
        ``len(vocab)``.
    lowercase : bool
        Whether text is lower-cased before splitting.

    Examples
    --------
    >>> tok = WordTokenizer.from_corpus("The star. The planet.")
    >>> tok.vocab
    ['<unk>', '.', 'The', 'planet', 'star']
    >>> tok.encode("The comet.")
    [2, 0, 1]
    >>> tok.decode(tok.encode("The  star ."))
    'The star.'
    """

    pattern = re.compile(r"\w+(?:['-]\w+)*|[^\w\s]")
    no_space_before = frozenset(".,;:!?)]}")
    no_space_after = frozenset("([{")

    def __init__(self, vocab, lowercase=False):
        self.vocab = list(vocab)
        self.lowercase = lowercase
        self.token_to_id = {tok: i for i, tok in enumerate(self.vocab)}
        self.unk_id = self.token_to_id[UNK]
        self.vocab_size = len(self.vocab)

    def split(self, text):
        """Split ``text`` into token strings (after lower-casing if ``self.lowercase``)."""
        if self.lowercase:
            text = text.lower()
        return self.pattern.findall(text)

    @classmethod
    def from_corpus(cls, text, lowercase=False):
        """Build the vocabulary from ``text``.

        Parameters
        ----------
        text : str
            The training corpus.
        lowercase : bool, optional
            Lower-case the corpus (and later inputs) before splitting.

        Returns
        -------
        WordTokenizer
            Vocabulary ``["<unk>"]`` followed by the distinct tokens of ``text``, most
            frequent first, ties in alphabetical order.
        """
        ### BEGIN SOLUTION
        if lowercase:
            text = text.lower()
        counts = Counter(cls.pattern.findall(text))
        counts.pop(UNK, None)
        ordered = sorted(counts, key=lambda tok: (-counts[tok], tok))
        return cls([UNK] + ordered, lowercase=lowercase)
        ### END SOLUTION

    def encode(self, text):
        """Map ``text`` to a list of token ids; unknown tokens become ``unk_id``.

        Parameters
        ----------
        text : str

        Returns
        -------
        list of int
            One id per token of ``self.split(text)``, nothing dropped.
        """
        ### BEGIN SOLUTION
        return [self.token_to_id.get(tok, self.unk_id) for tok in self.split(text)]
        ### END SOLUTION

    def decode(self, ids):
        """Map ids back to text, spacing tokens as described in the class docstring.

        Parameters
        ----------
        ids : sequence of int

        Returns
        -------
        str
        """
        ### BEGIN SOLUTION
        pieces = []
        previous = None
        for i in ids:
            tok = self.vocab[int(i)]
            if pieces and tok not in self.no_space_before and previous not in self.no_space_after:
                pieces.append(" ")
            pieces.append(tok)
            previous = tok
        return "".join(pieces)
        ### END SOLUTION


def count_pairs(ids):
    """Count adjacent pairs in a sequence of ids.

    Parameters
    ----------
    ids : list of int

    Returns
    -------
    collections.Counter
        Maps each pair ``(ids[k], ids[k + 1])`` to the number of times it occurs
        (overlapping occurrences count: ``[1, 1, 1]`` has the pair ``(1, 1)`` twice).

    Examples
    --------
    >>> dict(count_pairs([5, 6, 5, 6, 7]))
    {(5, 6): 2, (6, 5): 1, (6, 7): 1}
    """
    ### BEGIN SOLUTION
    return Counter(zip(ids, ids[1:]))
    ### END SOLUTION


def merge_pair(ids, pair, new_id):
    """Replace every occurrence of ``pair`` in ``ids`` by ``new_id``, left to right.

    Occurrences do not overlap: scanning left to right, a matched pair is consumed, so
    merging ``(1, 1)`` in ``[1, 1, 1]`` gives ``[new_id, 1]``.

    Parameters
    ----------
    ids : list of int
    pair : tuple of (int, int)
    new_id : int

    Returns
    -------
    list of int
        A new list; ``ids`` is not modified.

    Examples
    --------
    >>> merge_pair([5, 6, 7, 5, 6], (5, 6), 256)
    [256, 7, 256]
    """
    ### BEGIN SOLUTION
    out = []
    k = 0
    while k < len(ids):
        if k + 1 < len(ids) and ids[k] == pair[0] and ids[k + 1] == pair[1]:
            out.append(new_id)
            k += 2
        else:
            out.append(ids[k])
            k += 1
    return out
    ### END SOLUTION


class BPETokenizer:
    """Byte-level byte-pair-encoding tokenizer.

    Text is first encoded as UTF-8 bytes (``errors="surrogatepass"``, so *any* Python
    ``str`` works), giving ids 0..255. Training repeatedly finds the most frequent
    adjacent pair of ids in the corpus and replaces it by a new id (256, 257, ...);
    ties between equally frequent pairs go to the smallest pair ``(a, b)`` in tuple
    order, so training is deterministic. Encoding applies the learned merges in the
    order they were learned; decoding concatenates the bytes of each id, so
    ``decode(encode(s)) == s`` for every string ``s``.

    Attributes
    ----------
    merges : list of tuple of (int, int)
        ``merges[k]`` is the pair that was merged into id ``256 + k``.
    vocab : list of bytes
        ``vocab[i]`` is the byte string of id ``i``.
    vocab_size : int
        ``256 + len(merges)``.
    """

    def __init__(self, merges):
        self.merges = [tuple(int(x) for x in pair) for pair in merges]
        self.vocab = [bytes([b]) for b in range(256)]
        for a, b in self.merges:
            self.vocab.append(self.vocab[a] + self.vocab[b])
        self.vocab_size = len(self.vocab)

    @classmethod
    def train(cls, text, vocab_size):
        """Learn ``vocab_size - 256`` merges from ``text``.

        Parameters
        ----------
        text : str
            Training corpus.
        vocab_size : int
            Final vocabulary size, at least 256. Training stops early when no pair
            occurs twice any more (merging a pair seen once gains nothing).

        Returns
        -------
        BPETokenizer
        """
        if vocab_size < 256:
            raise ValueError(f"vocab_size must be at least 256, got {vocab_size}")
        ### BEGIN SOLUTION
        ids = list(text.encode("utf-8", errors="surrogatepass"))
        merges = []
        for new_id in range(256, vocab_size):
            counts = count_pairs(ids)
            if not counts:
                break
            # highest count first, then the smallest pair: deterministic ties
            pair = min(counts, key=lambda p: (-counts[p], p))
            if counts[pair] < 2:
                break
            ids = merge_pair(ids, pair, new_id)
            merges.append(pair)
        return cls(merges)
        ### END SOLUTION

    def encode(self, text):
        """Encode any string into a list of ids.

        Parameters
        ----------
        text : str

        Returns
        -------
        list of int
            The UTF-8 bytes of ``text`` with the learned merges applied in training
            order (earliest merge first).
        """
        ### BEGIN SOLUTION
        ids = list(text.encode("utf-8", errors="surrogatepass"))
        rank = {pair: k for k, pair in enumerate(self.merges)}
        while len(ids) >= 2:
            present = set(zip(ids, ids[1:])) & rank.keys()
            if not present:
                break
            pair = min(present, key=rank.__getitem__)
            ids = merge_pair(ids, pair, 256 + rank[pair])
        return ids
        ### END SOLUTION

    def decode(self, ids):
        """Decode ids back to the exact original string.

        Parameters
        ----------
        ids : sequence of int

        Returns
        -------
        str
            Ids that do not form valid UTF-8 (possible for sampled ids, never for the
            output of ``encode``) decode with U+FFFD replacement characters.
        """
        ### BEGIN SOLUTION
        data = b"".join(self.vocab[int(i)] for i in ids)
        try:
            return data.decode("utf-8", errors="surrogatepass")
        except UnicodeDecodeError:  # ids that do not come from encode (e.g. sampled)
            return data.decode("utf-8", errors="replace")
        ### END SOLUTION
