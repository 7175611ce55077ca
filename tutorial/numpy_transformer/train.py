"""Train the small model on the astronomy corpus.

Command line (from the repository root)::

    PYTHONPATH=tutorial python -m numpy_transformer.train --out tutorial/course/data/trained_weights.npz

Training sequences are made of corpus sentences drawn at random and concatenated, so
(a) every sequence starts at a sentence start, as a prompt does, and (b) the only way
to predict the rest of a sentence is from the sentence itself, not from the corpus
order. The first word of each sentence is therefore unpredictable, which puts a floor
of roughly 0.5 nats/token under the training loss; ``sentence_loss`` leaves those
first words out and is the figure to watch.
"""
import argparse
import math
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .checkpoint import save_weights
from .generate import generate
from .model import (ModelConfig, cross_entropy, flatten_params, forward, init_params,
                    loss_and_grads)
from .optim import Adam
from .tokenizer import WordTokenizer

DATA_DIR = Path(__file__).resolve().parent.parent / "course" / "data"
DEFAULT_CORPUS = DATA_DIR / "astronomy_corpus.txt"
DEFAULT_WEIGHTS = DATA_DIR / "trained_weights.npz"

# Settings of the shipped weights: about 15 s on one core.
DEFAULTS = dict(steps=1500, lr=1e-2, batch_size=32, seed=0)


def default_config(vocab_size):
    """The model size used for the shipped weights (about 36k parameters)."""
    return ModelConfig(vocab_size=vocab_size, d_model=48, n_heads=2, n_layers=1, d_mlp=192,
                       max_seq_len=16)


@dataclass
class TrainResult:
    """What ``train`` returns."""

    params: dict
    config: ModelConfig
    tokenizer: object  # WordTokenizer, or None when trained on token ids
    losses: list = field(default_factory=list)  # training loss of every step
    seconds: float = 0.0


def corpus_sentences(text, tokenizer):
    """Token ids of every non-empty line of ``text`` (one sentence per line)."""
    return [tokenizer.encode(line) for line in text.splitlines() if line.strip()]


def sample_batch(sentences, batch_size, seq_len, rng):
    """Inputs and next-token targets from randomly concatenated sentences.

    Parameters
    ----------
    sentences : list of list of int
    batch_size, seq_len : int
    rng : np.random.Generator

    Returns
    -------
    x, y : np.ndarray of int, shape (batch_size, seq_len)
        ``y[b, t] == x[b, t + 1]`` for ``t < seq_len - 1``.
    """
    rows = np.empty((batch_size, seq_len + 1), dtype=np.int64)
    for b in range(batch_size):
        row = []
        while len(row) < seq_len + 1:
            row.extend(sentences[rng.integers(len(sentences))])
        rows[b] = row[: seq_len + 1]
    return rows[:, :-1], rows[:, 1:]


def learning_rate(step, steps, lr, warmup=50):
    """Linear warm-up over ``warmup`` steps, then cosine decay to ``lr / 10``."""
    if step < warmup:
        return lr * (step + 1) / warmup
    progress = (step - warmup) / max(1, steps - warmup)
    return lr * (0.1 + 0.9 * 0.5 * (1.0 + math.cos(math.pi * progress)))


def sentence_loss(params, config, sentences):
    """Mean cross-entropy of every token given the earlier tokens of its sentence.

    The first token of each sentence is not scored (nothing before it predicts it).
    Sentences longer than ``max_seq_len + 1`` tokens are cut.
    """
    total, count = 0.0, 0
    for ids in sentences:
        ids = ids[: config.max_seq_len + 1]
        if len(ids) < 2:
            continue
        logits, _ = forward(params, np.array([ids[:-1]]), config)
        n = len(ids) - 1
        total += cross_entropy(logits, np.array([ids[1:]])) * n
        count += n
    return total / count


CLASS_FACT = re.compile(r"^(?P<star>.+) is a class (?P<cls>[OBAFGKM]) star \.$")


def spectral_class_facts(text):
    """``[(star, spectral_class), ...]`` from lines like ``sirius is a class A star .``"""
    facts = []
    for line in text.splitlines():
        match = CLASS_FACT.match(line.strip())
        if match:
            facts.append((match["star"], match["cls"]))
    return facts


def class_fact_accuracy(params, config, tokenizer, facts):
    """Fraction of ``facts`` for which greedy decoding of "<star> is a class" gives the class."""
    correct = 0
    for star, cls in facts:
        prompt = tokenizer.encode(f"{star} is a class")
        ids = generate(params, config, prompt, 1, rng=None, greedy=True)
        correct += tokenizer.vocab[ids[-1]] == cls
    return correct / len(facts)


def train(data, config=None, steps=DEFAULTS["steps"], lr=DEFAULTS["lr"],
          batch_size=DEFAULTS["batch_size"], seed=DEFAULTS["seed"], log_every=0):
    """Train a model from scratch with Adam on next-token prediction.

    Parameters
    ----------
    data : str or list of list of int
        Corpus text with one sentence per line (a ``WordTokenizer`` is built from it),
        or sentences already encoded as token ids (then ``config`` is required).
    config : ModelConfig, optional
        Default: ``default_config(tokenizer.vocab_size)``.
    steps : int
    lr : float
        Peak learning rate (see ``learning_rate``).
    batch_size : int
    seed : int or np.random.Generator
        The only source of randomness (initialisation and batches): same seed, same
        result.
    log_every : int
        Print the loss every ``log_every`` steps (0: silent).

    Returns
    -------
    TrainResult
        ``params``, ``config``, ``tokenizer``, ``losses`` (one per step), ``seconds``.
    """
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    if isinstance(data, str):
        tokenizer = WordTokenizer.from_corpus(data)
        sentences = corpus_sentences(data, tokenizer)
        vocab_size = tokenizer.vocab_size
    else:
        if config is None:
            raise ValueError("training on token ids needs a config")
        tokenizer, sentences = None, [list(s) for s in data]
        vocab_size = config.vocab_size
    config = config or default_config(vocab_size)
    if config.vocab_size != vocab_size:
        raise ValueError(f"config.vocab_size={config.vocab_size}, tokenizer has {vocab_size}")

    params = init_params(config, rng)
    optimizer = Adam(params, lr=lr)
    losses = []
    start = time.perf_counter()
    for step in range(steps):
        x, y = sample_batch(sentences, batch_size, config.max_seq_len, rng)
        loss, grads = loss_and_grads(params, x, y, config)
        optimizer.step(grads, lr=learning_rate(step, steps, lr))
        losses.append(loss)
        if log_every and (step % log_every == 0 or step == steps - 1):
            print(f"step {step:5d}  loss {loss:.3f}  {time.perf_counter() - start:6.1f} s")
    seconds = time.perf_counter() - start
    return TrainResult(params, config, tokenizer, losses, seconds)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_WEIGHTS,
                        help=f"weights file to write (default: {DEFAULT_WEIGHTS})")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--steps", type=int, default=DEFAULTS["steps"])
    parser.add_argument("--lr", type=float, default=DEFAULTS["lr"])
    parser.add_argument("--batch-size", type=int, default=DEFAULTS["batch_size"])
    parser.add_argument("--seed", type=int, default=DEFAULTS["seed"])
    parser.add_argument("--log-every", type=int, default=250)
    args = parser.parse_args(argv)

    text = args.corpus.read_text(encoding="utf-8")
    result = train(text, steps=args.steps, lr=args.lr, batch_size=args.batch_size,
                   seed=args.seed, log_every=args.log_every)
    params, config, tok = result.params, result.config, result.tokenizer
    n_params = sum(p.size for p in flatten_params(params).values())
    final = float(np.mean(result.losses[-50:]))
    s_loss = sentence_loss(params, config, corpus_sentences(text, tok))
    facts = spectral_class_facts(text)
    accuracy = class_fact_accuracy(params, config, tok, facts)

    print(f"vocab {config.vocab_size}, d_model {config.d_model}, heads {config.n_heads}, "
          f"layers {config.n_layers}, parameters {n_params}")
    print(f"{args.steps} steps in {result.seconds:.1f} s ({1e3 * result.seconds / args.steps:.1f} ms/step)")
    print(f"initial loss {result.losses[0]:.3f} (ln V = {math.log(config.vocab_size):.3f}), "
          f"final training loss (mean of last 50 steps) {final:.3f}")
    print(f"sentence loss (first word of each sentence not scored) {s_loss:.3f} nats/token")
    print(f"spectral class facts recalled (greedy) {accuracy:.0%} of {len(facts)}")
    rng = np.random.default_rng(args.seed)
    for prompt in ("sirius is a class", "betelgeuse is a class", "M31 is the", "mars is the"):
        ids = generate(params, config, tok.encode(prompt), 6, rng, greedy=True)
        print(f"  greedy   | {tok.decode(ids)}")
    for prompt in ("the sun is", "class M stars are"):
        ids = generate(params, config, tok.encode(prompt), 8, rng, temperature=0.8)
        print(f"  sampled  | {tok.decode(ids)}")

    args.out.parent.mkdir(parents=True, exist_ok=True)
    save_weights(args.out, params, config, tok, steps=args.steps, lr=args.lr,
                 batch_size=args.batch_size, seed=args.seed, final_loss=round(final, 4),
                 sentence_loss=round(s_loss, 4), corpus=args.corpus.name)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
