"""Which tumor a statement is about: the subject of a site, nerve or finding mention.

"Incidental hemangioma in the L2 vertebral body" is about the hemangioma; "the mass abuts the
left acetabular roof" is about the mass. The subject is the diagnosis named with the mention
in its clause (a semicolon or a line break ends a clause); when the clause names a benign
lesion and no tumor, the benign lesion is the subject whatever the word order; otherwise the
nearest diagnosis, the one before the mention winning a tie (a subject precedes its verb).
"""

from __future__ import annotations

from mednec.pipeline.lesion_rules import lesion_rules
from mednec.pipeline.sentence_index import Member

_CLAUSE_BREAKS = ";\n"


def subject_of(text: str, rows: list[Member], first: int, last: int, start_char: int,
               end_char: int) -> Member | None:
    """The diagnosis member of the sentence that the mention over tokens [first, last) is about."""
    rules = lesion_rules().rules
    diags = [m for m in rows if m.label == "DIAGNOSIS" and not m.negated
             and not (m.start >= first and m.end <= last)]
    if not diags:
        return None
    same_clause = []
    for m in diags:
        lo, hi = (m.span.end_char, start_char) if m.end <= first else (end_char, m.span.start_char)
        if lo >= hi or not any(c in _CLAUSE_BREAKS for c in text[lo:hi]):
            same_clause.append(m)
    if not same_clause:
        return None
    benign = [m for m in same_clause if m.category in rules.benign_categories]
    tumor = [m for m in same_clause if m.category in rules.tumor_categories]
    pool = benign if benign and not tumor else same_clause

    def distance(m: Member) -> tuple[int, int]:
        if m.end <= first:
            return first - m.end, 0
        return m.start - last, 1

    return min(pool, key=distance)
