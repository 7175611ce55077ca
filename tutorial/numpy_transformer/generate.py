"""Text generation: sample one token at a time and feed it back in."""
import numpy as np

from .attention import softmax
from .model import forward


def sample_next(logits, rng, temperature=1.0, top_k=None):
    """Draw the next token id from a vector of logits.

    Parameters
    ----------
    logits : np.ndarray, shape (vocab_size,)
        Scores for the next token.
    rng : np.random.Generator
        The only source of randomness (same rng state -> same token).
    temperature : float, optional
        Divides the logits before the softmax: below 1 sharpens the distribution,
        above 1 flattens it. Must be > 0 (use ``np.argmax`` for greedy decoding).
    top_k : int, optional
        Keep only the ``top_k`` highest logits (the others get probability 0; logits
        equal to the k-th highest are kept too).

    Returns
    -------
    int
        A token id in ``[0, vocab_size)``.
    """
    if temperature <= 0:
        raise ValueError("temperature must be > 0; use greedy decoding for temperature 0")
    ### BEGIN SOLUTION
    scaled = np.asarray(logits, dtype=np.float64) / temperature
    if top_k is not None and top_k < scaled.size:
        kth_largest = np.sort(scaled)[-top_k]
        scaled = np.where(scaled >= kth_largest, scaled, -np.inf)
    probs = softmax(scaled)
    return int(rng.choice(probs.size, p=probs))
    ### END SOLUTION


def generate(params, config, prompt_ids, max_new_tokens, rng, temperature=1.0, top_k=None,
             greedy=False):
    """Continue a prompt token by token.

    Parameters
    ----------
    params : dict
        Model parameters (see ``model.init_params``).
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
