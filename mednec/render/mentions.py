"""Non-affirmed mentions of a case for the evidence view's optional mention layer.

The CaseResult carries only deciding evidence. To show negated, uncertain, historical,
hypothetical and family-history mentions, the view needs the facts the pipeline read; this
re-reads a loaded case with a reviewer's pipeline (one extra ``nlp.pipe`` pass).
"""

from __future__ import annotations

from typing import Any


def case_mentions(reviewer: Any, case: Any) -> list[Any]:
    """Facts of every document of ``case`` (a LoadedCase) read with ``reviewer.nlp``."""
    from mednec.pipeline import extract_facts
    from mednec.pipeline.doctype import find_dates

    facts: list[Any] = []
    for doc, cdoc in zip(reviewer.nlp.pipe(d.text for d in case.documents), case.documents, strict=True):
        info = cdoc.info
        date = find_dates(info.date)[0][2] if info.date else None
        facts.extend(extract_facts(doc, info.id, info.type, date))
    return facts
