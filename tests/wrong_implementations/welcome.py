"""Wrong implementations for the 00_welcome warm-up (reference written here: the
exercise lives only in the notebook source)."""
import numpy as np

from . import reference, wrong


def normalise_rows(x):
    return x / x.sum(axis=-1, keepdims=True)


reference("normalise_rows", normalise_rows)


@wrong("normalise_rows", hint="you normalised the columns")
def normalises_columns(x):
    return x / x.sum(axis=0, keepdims=True)


@wrong("normalise_rows", hint="not x /= ...")
def modifies_input(x):
    x /= x.sum(axis=-1, keepdims=True)
    return x


@wrong("normalise_rows", hint="use keepdims=True")
def drops_keepdims(x):
    return x / x.sum(axis=-1)


@wrong("normalise_rows", hint="by its own sum")
def divides_by_total_sum(x):
    return x / x.sum()
