"""Word error rate: (substitutions + deletions + insertions) / words of the reference."""

from __future__ import annotations

from media_service.speech.words import normalised_words


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Levenshtein distance over words compared without case and punctuation, divided by the
    reference's word count (0.0 for an empty reference matched by nothing)."""
    ref, hyp = normalised_words(reference), normalised_words(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    previous = list(range(len(hyp) + 1))
    for i, word in enumerate(ref, 1):
        current = [i]
        for j, heard in enumerate(hyp, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (word != heard)))
        previous = current
    return previous[-1] / len(ref)
