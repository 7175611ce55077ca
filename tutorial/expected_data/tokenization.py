"""Expected data for the 01_tokenization checks."""
import numpy_transformer as nt

# small enough to print in a failure report; capitals, punctuation, brackets, apostrophe
WORD_CORPUS = "The star is bright. A star, a planet (and the Sun's light) shine! The main-sequence star."
WORD_KNOWN = "The star is a planet."
WORD_UNKNOWN = "The comet is bright, a neutron star!"
WORD_SPACING = "( the star ) , a planet !  The   Sun's light."

BPE_TEXT = "the star, the stars, the starlight: ünïcödé ★ ★ ★ the sun"
BPE_VOCAB_SIZE = 256 + 12
BPE_ROUND_TRIP = [
    "",
    "the stars",
    "Ünïcödé ★ and a telescope 🔭",
    "unseen: qzxj QZXJ 12345",
    "\n\t  spaces  and\r\nnewlines ",
]


def generate():
    word = nt.WordTokenizer.from_corpus(WORD_CORPUS)
    lower = nt.WordTokenizer.from_corpus(WORD_CORPUS, lowercase=True)
    bpe = nt.BPETokenizer.train(BPE_TEXT, BPE_VOCAB_SIZE)
    pair_cases = [[5, 6, 5, 6, 7], [1, 1, 1], [4], [], [9, 8, 9, 8, 9, 8]]
    merge_cases = [
        ([5, 6, 7, 5, 6], (5, 6), 256),
        ([1, 1, 1], (1, 1), 300),
        ([7, 5, 6], (5, 6), 256),
        ([2, 1, 2], (1, 3), 99),
        ([], (1, 2), 3),
    ]
    return {
        "word_tokenizer": {
            "corpus": WORD_CORPUS,
            "vocab": word.vocab,
            "vocab_lower": lower.vocab,
            "known": WORD_KNOWN,
            "known_ids": word.encode(WORD_KNOWN),
            "known_ids_if_lowercased": word.encode(WORD_KNOWN.lower()),
            "unknown": WORD_UNKNOWN,
            "unknown_ids": word.encode(WORD_UNKNOWN),
            "spacing": WORD_SPACING,
            "spacing_decoded": word.decode(word.encode(WORD_SPACING)),
            "spacing_tokens": word.split(WORD_SPACING),
        },
        "count_pairs": {
            "cases": [{"ids": ids, "pairs": sorted([a, b, n] for (a, b), n in nt.count_pairs(ids).items())}
                      for ids in pair_cases],
        },
        "merge_pair": {
            "cases": [{"ids": ids, "pair": list(pair), "new_id": new_id,
                       "merged": nt.merge_pair(ids, pair, new_id)} for ids, pair, new_id in merge_cases],
        },
        "bpe_tokenizer": {
            "text": BPE_TEXT,
            "vocab_size": BPE_VOCAB_SIZE,
            "merges": [list(p) for p in bpe.merges],
            "text_ids": bpe.encode(BPE_TEXT),
            "round_trip": BPE_ROUND_TRIP,
        },
    }
