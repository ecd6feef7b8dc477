"""Which tumor a statement is about: the subject of a site, nerve or finding mention.

"Incidental hemangioma in the L2 vertebral body" is about the hemangioma; "the mass abuts the
left acetabular roof" is about the mass. The subject is the diagnosis named with the mention
in its clause (a semicolon or a line break ends a clause); when the clause names a benign
lesion and no tumor, the benign lesion is the subject whatever the word order; otherwise the
nearest diagnosis, the one before the mention winning a tie (a subject precedes its verb).

A sentence's diagnoses are indexed once (:class:`Subjects`), so each statement costs a
binary search, not a pass over its sentence: a long line of findings stays linear.
"""

from __future__ import annotations

import bisect

from mednec.pipeline.lesion_rules import lesion_rules
from mednec.pipeline.sentence_index import Member

_CLAUSE_BREAKS = ";\n"


class Subjects:
    """The diagnosis members of one sentence, by clause, ready for nearest-subject look-ups."""

    def __init__(self, text: str, rows: list[Member], sent_start_char: int, sent_end_char: int) -> None:
        rules = lesion_rules().rules
        self.breaks = [i for i in range(sent_start_char, sent_end_char) if text[i] in _CLAUSE_BREAKS]
        self.clauses: dict[int, tuple[list[int], list[Member]]] = {}
        grouped: dict[int, list[Member]] = {}
        for m in rows:
            if m.label == "DIAGNOSIS" and not m.negated:
                grouped.setdefault(self.clause_of(m.span.start_char), []).append(m)
        for k, members in grouped.items():
            benign = [m for m in members if m.category in rules.benign_categories]
            tumor = any(m.category in rules.tumor_categories for m in members)
            pool = sorted(benign if benign and not tumor else members, key=lambda m: m.start)
            self.clauses[k] = ([m.start for m in pool], pool)

    def clause_of(self, char: int) -> int:
        """The index of the clause that holds character ``char``."""
        return bisect.bisect_right(self.breaks, char)

    def subject(self, first: int, last: int, start_char: int) -> Member | None:
        """The diagnosis member the mention over tokens [first, last) is about."""
        found = self.clauses.get(self.clause_of(start_char))
        if not found:
            return None
        starts, pool = found
        i = bisect.bisect_left(starts, first)
        best = None
        for j in (i - 1, i - 2, i, i + 1):  # the neighbours either side, skipping the mention itself
            if not 0 <= j < len(pool):
                continue
            m = pool[j]
            if m.start >= first and m.end <= last:
                continue
            key = (first - m.end, 0) if m.end <= first else (m.start - last, 1)
            if best is None or key < best[0]:
                best = (key, m)
        return best[1] if best else None
