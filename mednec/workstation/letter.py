"""The determination letter of a reviewed case: the recorded decisions, the reviewer and every override,
ahead of the machine's cited rationale (``mednec.render.letter``)."""

from __future__ import annotations

import re

from markupsafe import Markup

from mednec.models import CaseRequest, CaseResult
from mednec.render.common import code_label
from mednec.render.letter import build_letter
from mednec.render.letter_out import render_letter_text
from mednec.workstation.cases import DECISION_WORDS, ReviewState
from mednec.workstation.db import Case
from mednec.workstation.templating import templates

STATUS_WORDS = {"met": "met", "not_met": "not met", "insufficient": "insufficient"}


def decision_letter(case: Case, version: int, result: CaseResult, request: CaseRequest, state: ReviewState) -> str:
    """The letter as one HTML page: the review section, then the machine letter's body."""
    codes = []
    for det in result.determinations:
        label = code_label(det)
        d = state.decisions.get(label)
        overrides = [r for (code, _), r in sorted(state.criteria.items()) if code == label and r.action == "override"]
        codes.append({"label": label, "title": det.title, "machine": det.outcome, "decision": d,
                      "words": DECISION_WORDS.get(d.decision, "") if d else "not yet decided",
                      "overrides": overrides})
    section = templates.get_template("letter_review.html.j2").render(
        case=case, version=version, codes=codes, status_words=STATUS_WORDS)
    machine = render_letter_text(build_letter(result, request), "html")
    # the machine letter is a whole page: the review section goes first inside its body
    m = re.search(r"<body[^>]*>", machine)
    if m is None:  # pragma: no cover - the shipped template has a body
        return section + machine
    return machine[:m.end()] + Markup(section) + machine[m.end():]
