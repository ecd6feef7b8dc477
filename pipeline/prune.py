"""medspaCy's overlap pruning of matcher results, in linear time per pass.

``medspacy.common.util.prune_overlapping_matches`` (what a pruning ``MedspacyMatcher``, such as
ConText's, runs on every document) takes matches off the front of a Python list with
``list.pop(0)``, which moves the whole list each time: quadratic in the number of matches,
seconds on a long document. :func:`prune_overlapping` is the same algorithm on a deque, so
it returns the same list; ``mednec.pipeline.medspacy_compat.linear_prune`` makes one matcher use it.
"""

from __future__ import annotations

from collections import deque


def prune_overlapping(matches: list[tuple[int, int, int]], length=None) -> list[tuple[int, int, int]]:  # noqa: ANN001
    """``prune_overlapping_matches(matches)`` (strategy "longest"), with O(1) pops.

    ``length(match)`` measures a match (default: its token count); the pipeline passes one
    that ignores whitespace tokens, so "free  of" with a doubled space is no longer than
    "free of" (OCR and typing leave doubled spaces that spaCy keeps as tokens).
    """
    size = length or (lambda x: x[2] - x[1])
    from medspacy.util import tuple_overlaps

    if not matches:
        return matches
    while True:
        unpruned = deque(sorted(matches, key=lambda x: (x[1], x[2])))
        pruned: list[tuple[int, int, int]] = []
        curr = unpruned.popleft()
        while True:
            if not unpruned:
                pruned.append(curr)
                break
            nxt = unpruned.popleft()
            if tuple_overlaps((curr[1], curr[2]), (nxt[1], nxt[2])):
                pruned.append(max(curr, nxt, key=size))  # a tie keeps the first
                if not unpruned:
                    break
                curr = unpruned.popleft()
            else:
                pruned.append(curr)
                curr = nxt
        if len(pruned) == len(matches):
            return pruned
        matches = pruned  # medspaCy recurses until a pass removes nothing
