"""Non-affirmed mentions of a case for the evidence view's optional mention layer.

The CaseResult carries only deciding evidence. To show negated, uncertain, historical,
hypothetical and family-history mentions, the view needs the facts the pipeline read; this
re-reads a loaded case with a reviewer's pipeline (one extra ``nlp.pipe`` pass).
"""

from __future__ import annotations

from typing import Any


def case_mentions(reviewer: Any, case: Any) -> list[Any]:
    """Facts of every document of ``case`` (a LoadedCase), as the reviewer reads them."""
    return reviewer.read_facts(case)
