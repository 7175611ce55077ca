"""Reference tokenizers: the API B's training code relies on, and their contracts."""
import random

import pytest

from course.data import corpus
from numpy_transformer import BPETokenizer, WordTokenizer


def test_word_tokenizer_api_and_unk():
    tok = WordTokenizer.from_corpus("The star. The planet, a star!")
    assert tok.vocab[0] == "<unk>" and tok.unk_id == 0 and tok.vocab_size == len(tok.vocab)
    assert tok.vocab == ["<unk>", "The", "star", "!", ",", ".", "a", "planet"]  # count, then alphabet
    ids = tok.encode("The comet.")
    assert len(ids) == 3 and ids[1] == tok.unk_id  # never dropped
    assert tok.decode(ids) == "The <unk>."


def test_word_tokenizer_round_trip_on_corpus():
    text = corpus()
    tok = WordTokenizer.from_corpus(text)
    ids = tok.encode(text)
    assert tok.unk_id not in ids
    assert "".join(tok.decode(ids).split()) == "".join(text.split())
    assert tok.encode(tok.decode(ids)) == ids


def test_word_tokenizer_keeps_case_unless_asked():
    text = corpus()
    cased, lower = WordTokenizer.from_corpus(text), WordTokenizer.from_corpus(text, lowercase=True)
    assert "A" in cased.vocab and "a" in cased.vocab and "A" not in lower.vocab
    assert lower.encode("A") == lower.encode("a")
    assert cased.encode("A") != cased.encode("a")


def test_word_tokenizer_split_regex():
    tok = WordTokenizer.from_corpus("x")
    assert tok.split("The Sun's main-sequence (G2) life: 10 Gyr.") == [
        "The", "Sun's", "main-sequence", "(", "G2", ")", "life", ":", "10", "Gyr", "."]


def test_word_tokenizer_is_deterministic():
    text = corpus()
    assert WordTokenizer.from_corpus(text).vocab == WordTokenizer.from_corpus(text).vocab


@pytest.fixture(scope="module")
def bpe():
    return BPETokenizer.train(corpus(), 256 + 100)


def test_bpe_trains_deterministically(bpe):
    again = BPETokenizer.train(corpus(), 256 + 100)
    assert again.merges == bpe.merges and bpe.vocab_size == 356
    assert len(bpe.encode(corpus())) < len(corpus().encode())


@pytest.mark.parametrize("text", ["", "a", "the sun", "Ünïcödé ★ 🔭 中文", "\x00\n\t\r", "\ud800 lone surrogate"])
def test_bpe_round_trips_any_string(bpe, text):
    assert bpe.decode(bpe.encode(text)) == text


def test_bpe_round_trips_random_unicode(bpe):
    rng = random.Random(0)
    for _ in range(50):
        s = "".join(chr(rng.choice([rng.randrange(32, 127), rng.randrange(0x80, 0x10FFFF)]))
                    for _ in range(rng.randrange(0, 20)))
        s = s.encode("utf-8", "surrogatepass").decode("utf-8", "surrogatepass")
        assert bpe.decode(bpe.encode(s)) == s


def test_bpe_ties_go_to_smallest_pair():
    # "ab" and "cd" both occur twice: (97, 98) < (99, 100)
    assert BPETokenizer.train("cdab cdab", 257).merges == [(97, 98)]


def test_bpe_decode_tolerates_invalid_utf8(bpe):
    assert "\ufffd" in bpe.decode([0xE2, 0x98])  # a truncated character, e.g. from sampling


def test_bpe_rejects_small_vocab():
    with pytest.raises(ValueError):
        BPETokenizer.train("abc", 100)
