"""Text generation: sample one token at a time and feed it back in."""
import numpy as np

from .attention import softmax
from .model import forward


def next_token_probs(logits, temperature=1.0, top_k=None):
    """Next-token probabilities from logits, with temperature and top-k.

    Parameters
    ----------
    logits : np.ndarray, shape (..., vocab_size)
        Scores for the next token; any leading axes (batch, position) are carried along.
    temperature : float, optional
        Divides the logits before the softmax: below 1 sharpens the distribution,
        above 1 flattens it. Must be > 0 (as it approaches 0 all the probability goes to
        the largest logit: greedy decoding).
    top_k : int, optional
        Keep only the ``top_k`` highest logits of every row; the others get probability
        exactly 0 (logits equal to the k-th highest are kept too). None: keep all.

    Returns
    -------
    np.ndarray of float64, shape (..., vocab_size)
        Non-negative; sums to 1 along the last (vocabulary) axis.
    """
    if temperature <= 0:
        raise ValueError("temperature must be > 0; use greedy decoding for temperature 0")
    ### BEGIN SOLUTION
    scaled = np.asarray(logits, dtype=np.float64) / temperature
    if top_k is not None and top_k < scaled.shape[-1]:
        kth_largest = np.sort(scaled, axis=-1)[..., -top_k, None]  # keepdims for broadcasting
        scaled = np.where(scaled >= kth_largest, scaled, -np.inf)  # exp(-inf) = 0
    return softmax(scaled, axis=-1)
    ### END SOLUTION


def sample_next(logits, rng, temperature=1.0, top_k=None):
    """Draw the next token id from a vector of logits.

    Parameters
    ----------
    logits : np.ndarray, shape (vocab_size,)
        Scores for the next token.
    rng : np.random.Generator
        The only source of randomness (same rng state -> same token).
    temperature : float, optional
        See ``next_token_probs``. Must be > 0 (use ``np.argmax`` for greedy decoding).
    top_k : int, optional
        See ``next_token_probs``.

    Returns
    -------
    int
        A token id in ``[0, vocab_size)``, drawn with probabilities
        ``next_token_probs(logits, temperature, top_k)``.
    """
    ### BEGIN SOLUTION
    probs = next_token_probs(logits, temperature, top_k)
    # One draw from the generator we were given: never np.random's hidden global state.
    return int(rng.choice(probs.size, p=probs))
    ### END SOLUTION


def generate(params, config, prompt_ids, max_new_tokens, rng, temperature=1.0, top_k=None,
             greedy=False):
    """Continue a prompt token by token.

    Parameters
    ----------
    params : dict
        Model parameters: the dict made by ``init_params`` (``W_E``, ``blocks``,
        ``ln_f_g``, ``ln_f_b``).
    config : ModelConfig
    prompt_ids : sequence of int
        At least one token.
    max_new_tokens : int
        How many tokens to append.
    rng : np.random.Generator
        Used for sampling (ignored when ``greedy``).
    temperature, top_k : see ``sample_next``.
    greedy : bool, optional
        Always take the most likely token (deterministic).

    Returns
    -------
    list of int
        ``prompt_ids`` followed by ``max_new_tokens`` generated ids. The model only sees
        the last ``config.max_seq_len`` tokens.
    """
    ids = [int(i) for i in prompt_ids]
    if not ids:
        raise ValueError("prompt_ids must contain at least one token")
    ### BEGIN SOLUTION
    for _ in range(max_new_tokens):
        context = np.array([ids[-config.max_seq_len:]])  # (1, seq): a batch of one
        logits, _ = forward(params, context, config)
        last = logits[0, -1]  # only the final position predicts the new token
        if greedy:
            next_id = int(np.argmax(last))
        else:
            next_id = sample_next(last, rng, temperature, top_k)
        ids.append(next_id)
    ### END SOLUTION
    return ids
