"""Checks for 01_tokenization: WordTokenizer, count_pairs, merge_pair, BPETokenizer."""
from collections import Counter
from collections.abc import Mapping

from .. import data
from ..checking import exercise


def _tokens(tok, ids):
    return [tok.vocab[i] if isinstance(i, int) and 0 <= i < len(tok.vocab) else "?" for i in ids]


@exercise("word_tokenizer")
def word_tokenizer(c, WordTokenizer):
    """Check your WordTokenizer class (from_corpus, encode, decode)."""
    e = data.expected("word_tokenizer")
    corpus = e["corpus"]
    tok = c.call(WordTokenizer.from_corpus, corpus, label=f"WordTokenizer.from_corpus({corpus!r})")
    vocab = list(tok.vocab)
    c.require(vocab[:1] == ["<unk>"] and tok.unk_id == 0, "'<unk>' is token 0",
              expected="vocab[0] == '<unk>', unk_id == 0", actual=f"vocab[:3] = {vocab[:3]}, unk_id = {tok.unk_id}",
              hint="start the vocabulary with '<unk>' so unknown words have id 0")
    c.equal(tok.vocab_size, len(vocab), "vocab_size == len(vocab)")
    if set(vocab) == set(e["vocab_lower"]) and set(vocab) != set(e["vocab"]):
        c.fail("vocabulary tokens", e["vocab"], vocab,
               hint="the corpus was lower-cased although lowercase=False: 'The' and 'the' are different tokens")
    missing = [t for t in e["vocab"] if t not in vocab]
    extra = [t for t in vocab if t not in e["vocab"]]
    c.require(not missing and not extra, "vocabulary tokens", expected=f"missing {missing}",
              actual=f"extra {extra}" if extra else f"{len(vocab)} tokens, missing {missing}",
              hint="split with WordTokenizer.pattern.findall (self.split): punctuation marks are tokens "
                   "of their own, whitespace is never a token, every distinct token appears once")
    c.equal(vocab, e["vocab"], "vocabulary order",
            hint="order: '<unk>' first, then by decreasing count, ties alphabetically: "
                 "sorted(counts, key=lambda t: (-counts[t], t))")

    known = e["known"]
    ids = c.call(tok.encode, known, label=f"tok.encode({known!r})")
    if list(ids) == e["known_ids_if_lowercased"] != e["known_ids"]:
        c.fail("encode of in-vocabulary text", e["known_ids"], list(ids),
               hint="encode lower-cases the text although lowercase=False ('The' became 'the')")
    c.equal(list(ids), e["known_ids"], "encode of in-vocabulary text",
            hint="one id per token of self.split(text): self.token_to_id[token]")

    unknown = e["unknown"]
    ids = list(c.call(tok.encode, unknown, label=f"tok.encode({unknown!r})"))
    if len(ids) < len(e["unknown_ids"]):
        c.fail("unknown words map to <unk>", e["unknown_ids"], ids,
               hint="unknown words were dropped; map them to self.unk_id so no token is lost "
                    "(dict.get(token, self.unk_id))")
    c.equal(ids, e["unknown_ids"], "unknown words map to <unk>",
            hint="every token gives exactly one id; tokens not in the vocabulary give unk_id")

    spacing = e["spacing"]
    ids = list(c.call(tok.encode, spacing, label=f"tok.encode({spacing!r})"))
    text = c.call(tok.decode, ids, label=f"tok.decode(tok.encode({spacing!r}))")
    expected = e["spacing_decoded"]
    if isinstance(text, str) and text.replace(" ", "") == expected.replace(" ", "") and text != expected:
        if " " not in text:
            hint = "decode joined the tokens without spaces: put one space between tokens"
        elif text == " ".join(e["spacing_tokens"]):
            hint = ("no space before closing punctuation (WordTokenizer.no_space_before) "
                    "and none after an opening bracket (no_space_after)")
        else:
            hint = "one space between tokens, none before . , ; : ! ? ) ] } and none after ( [ {"
        c.fail("decode spacing", expected, text, hint=hint)
    c.equal(text, expected, "decode(encode(s)) differs from s only in whitespace",
            hint="decode maps each id to self.vocab[id] and joins them as the class docstring says")
    ids_all = list(range(1, tok.vocab_size))
    again = c.call(lambda: tok.encode(tok.decode(ids_all)), label="tok.encode(tok.decode(every id but <unk>))")
    c.equal(list(again), ids_all, "encode(decode(ids)) == ids",
            hint="decode must keep tokens apart so that encoding its text gives the same ids back")

    low = c.call(WordTokenizer.from_corpus, corpus, lowercase=True,
                 label=f"WordTokenizer.from_corpus({corpus!r}, lowercase=True)")
    c.equal(list(low.vocab), e["vocab_lower"], "vocabulary with lowercase=True",
            hint="with lowercase=True lower-case the corpus before counting tokens")
    a = c.call(low.encode, "THE STAR", label="tok_lower.encode('THE STAR')")
    b = c.call(low.encode, "the star", label="tok_lower.encode('the star')")
    c.equal(list(a), list(b), "lowercase=True also lower-cases text passed to encode",
            hint="store lowercase on the tokenizer and lower-case in encode (self.split does it)")


@exercise("count_pairs")
def count_pairs(c, count_pairs_fn):
    """Check your count_pairs function."""
    for case in data.expected("count_pairs")["cases"]:
        ids = case["ids"]
        counts = c.call(count_pairs_fn, list(ids), label=f"count_pairs({ids})")
        c.type(counts, Mapping, hint="return a dict (or collections.Counter) mapping (a, b) -> count")
        actual = {tuple(k): v for k, v in counts.items() if v}
        expected = {(a, b): n for a, b, n in case["pairs"]}
        hint = "look at every adjacent pair (ids[k], ids[k+1]) for k = 0 .. len(ids) - 2"
        if sum(actual.values()) < sum(expected.values()) and set(actual) == set(expected):
            hint = "overlapping pairs count: in [1, 1, 1] the pair (1, 1) occurs twice (zip(ids, ids[1:]))"
        elif set(actual) < set(expected):
            hint = "a pair is missing: did your loop stop one step early? the last pair is (ids[-2], ids[-1])"
        c.equal(actual, expected, "pair counts", hint=hint)


@exercise("merge_pair")
def merge_pair(c, merge_pair_fn):
    """Check your merge_pair function."""
    for case in data.expected("merge_pair")["cases"]:
        ids, pair, new_id = case["ids"], tuple(case["pair"]), case["new_id"]
        given = list(ids)
        merged = c.call(merge_pair_fn, given, pair, new_id, label=f"merge_pair({ids}, {pair}, {new_id})")
        c.equal(given, ids, "the input list is not modified",
                hint="build and return a new list instead of editing ids in place")
        expected = case["merged"]
        hint = "scan left to right; on a match append new_id and skip both ids, else append ids[k]"
        if isinstance(merged, list) and merged.count(new_id) > expected.count(new_id):
            hint = "occurrences must not overlap: after a match skip two ids, then continue"
        elif ids[-2:] == list(pair) and isinstance(merged, list) and merged[-2:] == list(pair):
            hint = "a pair at the very end of ids was not merged: check your loop bound"
        c.equal(merged, expected, "merged ids", hint=hint)


def _merge_hint(text, actual, expected):
    """Tell a tie-breaking mistake from a counting mistake at the first differing merge."""
    ids = list(text.encode("utf-8"))
    for k, (got, want) in enumerate(zip(actual, expected)):
        counts = Counter(zip(ids, ids[1:]))
        if got != want:
            if counts[tuple(got)] == counts[tuple(want)]:
                return (f"merge {k + 1}: {tuple(got)} and {tuple(want)} are equally frequent; "
                        "break ties by the smallest pair: min(counts, key=lambda p: (-counts[p], p))")
            if k == 0:
                return "merge 1 is the most frequent adjacent pair of the UTF-8 bytes of the text"
            return ("recount the pairs of the *current* ids after every merge (the counts change "
                    "once a pair has been merged)")
        ids = _replace(ids, tuple(want), 256 + k)
    return "learn one merge per new id, most frequent pair first"


def _replace(ids, pair, new_id):
    out, k = [], 0
    while k < len(ids):
        if tuple(ids[k:k + 2]) == pair:
            out.append(new_id)
            k += 2
        else:
            out.append(ids[k])
            k += 1
    return out


@exercise("bpe_tokenizer", uses=('count_pairs', 'merge_pair'))
def bpe_tokenizer(c, BPETokenizer):
    """Check your BPETokenizer class (train, encode, decode)."""
    e = data.expected("bpe_tokenizer")
    text, size = e["text"], e["vocab_size"]
    tok = c.call(BPETokenizer.train, text, size, label=f"BPETokenizer.train({text!r}, {size})")
    merges = [list(p) for p in tok.merges]
    c.equal(len(merges), len(e["merges"]), "number of merges == vocab_size - 256",
            hint="learn one merge per new id 256, 257, ..., vocab_size - 1")
    c.equal(merges, e["merges"], "learned merges", hint=_merge_hint(text, merges, e["merges"]))
    c.equal(tok.vocab_size, size, "vocab_size")

    for s in e["round_trip"]:
        out = c.call(lambda: tok.decode(tok.encode(s)), label=f"tok.decode(tok.encode({s!r}))")
        hint = "decode: join the bytes of every id (tok.vocab[i]), then bytes.decode('utf-8') once"
        if isinstance(out, str) and "\ufffd" in out:
            hint = ("decode the joined bytes once at the end: one character's UTF-8 bytes can be "
                    "split across two tokens")
        elif isinstance(out, str) and len(out) < len(s):
            hint = "characters were lost: encode with text.encode('utf-8'), never ascii/ignore"
        c.equal(out, s, "decode(encode(s)) == s for any string", hint=hint)

    for bad in ([255], [0x80], [0xE2, 0x98]):  # not valid UTF-8, e.g. ids sampled from a model
        out = c.call(tok.decode, bad, label=f"tok.decode({bad})",
                     hint='invalid UTF-8 must not raise: bytes.decode("utf-8", errors="replace")')
        c.require(isinstance(out, str) and "\ufffd" in out, "invalid UTF-8 decodes to U+FFFD",
                  expected="a str containing '\ufffd'", actual=repr(out),
                  hint='decode with errors="replace" so invalid bytes become U+FFFD')

    ids = c.call(tok.encode, text, label="tok.encode(training text)")
    c.require(all(isinstance(i, int) and 0 <= i < size for i in ids), "ids are ints in [0, vocab_size)",
              actual=str(list(ids)[:20]), hint="return a plain list of Python ints")
    hint = "apply the merges in the order they were learned until none applies"
    if list(ids) == list(text.encode("utf-8")):
        hint = "encode returned raw bytes: apply the learned merges (merge_pair) to them"
    c.equal(list(ids), e["text_ids"], "encode of the training text", hint=hint)
