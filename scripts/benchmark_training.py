#!/usr/bin/env python3
"""Time the reference training run on one core and print the figures.

    python3 scripts/benchmark_training.py [--steps N] [--repeats R]

Prints seconds, ms per step, the final training loss, the sentence loss and how many
spectral-class facts greedy decoding recalls. It writes no weights file. This is a
measurement, not a test: it never fails on a slow machine.
"""
import os

# Before NumPy is imported, or the BLAS library has already started its threads.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import argparse  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tutorial"))

import numpy as np  # noqa: E402

from numpy_transformer.train import (  # noqa: E402
    DEFAULT_CORPUS,
    DEFAULTS,
    class_fact_accuracy,
    corpus_sentences,
    sentence_loss,
    spectral_class_facts,
    train,
)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=DEFAULTS["steps"])
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()

    text = DEFAULT_CORPUS.read_text(encoding="utf-8")
    print(f"python {platform.python_version()}, numpy {np.__version__}, "
          f"{platform.processor() or platform.machine()}, BLAS threads 1")
    for r in range(args.repeats):
        result = train(text, steps=args.steps)
        final = float(np.mean(result.losses[-50:]))
        s_loss = sentence_loss(result.params, result.config,
                               corpus_sentences(text, result.tokenizer))
        facts = spectral_class_facts(text)
        acc = class_fact_accuracy(result.params, result.config, result.tokenizer, facts)
        print(f"run {r + 1}: {args.steps} steps, {result.seconds:.1f} s "
              f"({1e3 * result.seconds / args.steps:.1f} ms/step), final training loss "
              f"{final:.3f}, sentence loss {s_loss:.3f}, class facts {acc:.0%} of {len(facts)}")


if __name__ == "__main__":
    main()
