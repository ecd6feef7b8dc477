"""Character error rate of OCR text against its source (for benchmarks and tests)."""

from __future__ import annotations

from rapidfuzz.distance import Levenshtein


def normalise(text: str) -> str:
    """Collapse every run of whitespace (line breaks, page breaks) to one space."""
    return " ".join(text.split())


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions), by rapidfuzz."""
    return Levenshtein.distance(a, b)


def cer(hypothesis: str, reference: str) -> float:
    """Character error rate: edit distance over reference length, whitespace-normalised."""
    ref, hyp = normalise(reference), normalise(hypothesis)
    return edit_distance(hyp, ref) / max(len(ref), 1)
