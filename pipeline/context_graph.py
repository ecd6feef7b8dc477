"""medspaCy's ConText graph with the target/modifier pairing done by position, same edges.

``ConTextGraph.apply_modifiers`` checks every modifier against every target of the
sentence (twice when pruning modifiers that overlap a target), which grows with the
square of the findings in a sentence: a long line of a list of findings. A modifier only
ever modifies a target its scope overlaps (``ConTextModifier.modifies`` returns False
otherwise, with no side effect), and is pruned only for a target its own span overlaps;
:class:`PositionalGraph` looks those targets up by start token (bisect over the targets,
which come sorted by start) and runs medspaCy's own checks on them only, in the same order,
so every modifier gets the same targets in the same order and the edges are the same.
"""

from __future__ import annotations

import bisect
from typing import Any


def _graph_class():  # noqa: ANN202 - a medspaCy ConTextGraph subclass, built lazily
    from medspacy.context import ConTextGraph
    from medspacy.util import tuple_overlaps

    class PositionalGraph(ConTextGraph):
        """``ConTextGraph`` whose ``apply_modifiers`` only visits targets near each modifier."""

        def _near(self, lo: int, hi: int) -> list[Any]:
            """Targets (in list order) that may overlap token range [lo, hi): a superset."""
            if self._starts is None:
                return self.targets
            first = bisect.bisect_left(self._starts, lo - self._longest)
            return self.targets[first:bisect.bisect_left(self._starts, hi)]

        def apply_modifiers(self) -> None:
            starts = [t.start for t in self.targets]
            sorted_ = all(a <= b for a, b in zip(starts, starts[1:], strict=False))
            self._starts = starts if sorted_ else None  # unsorted targets: visit them all
            self._longest = max((t.end - t.start for t in self.targets), default=0)
            if self.prune_on_modifier_overlap:
                for i in range(len(self.modifiers) - 1, -1, -1):
                    modifier = self.modifiers[i]
                    ms, me = modifier.modifier_span
                    for target in self._near(ms, me + 1):
                        if tuple_overlaps((target.start, target.end), modifier.modifier_span):
                            self.modifiers.pop(i)
                            break
            for modifier in self.modifiers:
                lo, hi = modifier.scope_span
                for target in self._near(lo, hi + 1):
                    if modifier.modifies(target):
                        modifier.modify(target)
            edges = []
            for modifier in self.modifiers:
                modifier.reduce_targets()
                for target in modifier._targets:
                    edges.append((target, modifier))
            self.edges = edges

    return PositionalGraph


_CLASS: type | None = None


def positional_graph(**kwargs: Any) -> Any:
    """A :class:`PositionalGraph` (``medspacy.context.ConTextGraph`` arguments)."""
    global _CLASS  # noqa: PLW0603 - the class is built once, on first use
    if _CLASS is None:
        _CLASS = _graph_class()
    return _CLASS(**kwargs)
