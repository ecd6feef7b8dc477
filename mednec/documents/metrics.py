"""Character error rate of OCR text against its source (for benchmarks and tests)."""

from __future__ import annotations

import numpy as np


def normalise(text: str) -> str:
    """Collapse every run of whitespace (line breaks, page breaks) to one space."""
    return " ".join(text.split())


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions), one numpy row at a time."""
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return len(a)
    bcodes = np.frombuffer(b.encode("utf-32-le"), dtype=np.uint32)
    ramp = np.arange(len(b) + 1, dtype=np.int64)
    prev = ramp.copy()
    for i, ch in enumerate(a, start=1):
        cost = (bcodes != ord(ch)).astype(np.int64)
        cur = np.empty_like(prev)
        cur[0] = i
        cur[1:] = np.minimum(prev[1:] + 1, prev[:-1] + cost)
        # insertions along the row: cur[j] = min_k<=j (cur[k] + j - k)
        cur = np.minimum.accumulate(cur - ramp) + ramp
        prev = cur
    return int(prev[-1])


def cer(hypothesis: str, reference: str) -> float:
    """Character error rate: edit distance over reference length, whitespace-normalised."""
    ref, hyp = normalise(reference), normalise(hypothesis)
    return edit_distance(hyp, ref) / max(len(ref), 1)
