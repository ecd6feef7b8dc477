"""The surgical plan as a structured fact, read from the plan facts of each planning document.

Plan mentions (en bloc, wide margins, curative intent, hemipelvectomy, nerve sacrifice...)
are gathered per document that plans surgery. A nerve named with a planned sacrifice goes
with the specimen; one named with a planned preservation is kept; a part stated under a
condition ("if MPNST is confirmed...") is conditional; a denied part ("en bloc resection is
not feasible") is declined. The criteria still decide from the facts; the plan is what the
reviewer reads, in the JSON and the evidence view.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mednec.models.plans import SurgicalPlan

_PLANNING = ("clinical_note", "operative", "tumor_board")
_MARGINS = ("en_bloc", "wide_margin", "intralesional")
_PROCEDURES = ("pelvic_resection", "sacral_resection", "corpectomy", "decompression", "reconstruction")


def _nerves(f: Any, nerve_concepts: set[str]) -> list[str]:
    return [c for c in f.related if c in nerve_concepts]


def read_plans(facts: Sequence[Any]) -> list[SurgicalPlan]:
    """One plan per planning document that states any planned surgery, in date order."""
    nerve_concepts = {f.concept for f in facts if f.kind == "nerve"}
    by_doc: dict[str, list[Any]] = {}
    for f in facts:
        if f.kind == "plan" and f.document_type in _PLANNING and not f.assertion.family:
            by_doc.setdefault(f.document, []).append(f)
    plans = []
    for doc, plan_facts in by_doc.items():
        current = [f for f in plan_facts if not (f.assertion.historical or f.assertion.negated
                                                  or f.assertion.hypothetical)]
        if not any(f.category in _PROCEDURES or f.category in _MARGINS or f.category in ("curative", "palliative")
                   for f in current):
            continue
        cats = {f.category for f in current}
        intent = ("curative and palliative" if {"curative", "palliative"} <= cats else "curative"
                  if cats & {"curative", "en_bloc", "wide_margin"} else "palliative"
                  if cats & {"palliative", "intralesional"} else "unstated")
        sacrificed = [n for f in current if f.category == "nerve_sacrifice" for n in _nerves(f, nerve_concepts)]
        preserved = [n for f in current if f.category == "nerve_preservation" for n in _nerves(f, nerve_concepts)]
        conditional = [f.concept for f in plan_facts if f.assertion.hypothetical and not f.assertion.negated]
        declined = [f.concept for f in plan_facts if f.assertion.negated]
        sides = [f.side for f in current if f.side in ("left", "right")]
        first = plan_facts[0]
        evidence = tuple(dict.fromkeys(e for f in current if f.category in _PROCEDURES + _MARGINS
                                       + ("curative", "palliative", "nerve_sacrifice", "nerve_preservation")
                                       for e in f.evidence))[:6]
        plans.append(SurgicalPlan(
            document=doc, document_type=first.document_type, document_date=first.document_date,
            side=max(dict.fromkeys(sides), key=sides.count) if sides else None,  # (a tie: the side named first)
            procedures=tuple(dict.fromkeys(f.concept for f in current if f.category in _PROCEDURES)),
            intent=intent, margins=tuple(dict.fromkeys(f.category for f in current if f.category in _MARGINS)),
            sacrificed=tuple(dict.fromkeys(sacrificed)), preserved=tuple(dict.fromkeys(preserved)),
            conditional=tuple(dict.fromkeys(conditional)), declined=tuple(dict.fromkeys(declined)),
            evidence=evidence or first.evidence[:1]))
    plans.sort(key=lambda p: (p.document_date is None, str(p.document_date or ''), p.document))
    return plans
