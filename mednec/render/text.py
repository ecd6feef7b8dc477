"""A plain-text rendering of a determination for the terminal."""

from __future__ import annotations

from mednec.models import CaseResult
from mednec.render.common import LINE_BREAKS


def _line(value: object) -> str:
    # one value, one line: a quote or a file name with a line break or a terminal escape must not
    # start a line of its own (a forged outcome) or drive the terminal
    return LINE_BREAKS.sub(" ", str(value))


def render_text(result: CaseResult) -> str:
    """Codes, outcomes, criteria with their rationale, missing documentation and caveats."""
    lines = [f"Case {_line(result.case_id)}"]
    for det in result.determinations:
        side = f"-{'LT' if det.side == 'left' else 'RT'}" if det.side else ""
        lines.append(f"\n{det.code}{side}  {det.outcome.upper()}  {_line(det.title)}")
        if det.pathway:
            lines.append(f"  pathway: {_line(det.pathway)}")
        for c in det.criteria:
            lines.append(f"  {c.id:<4} {c.status:<13} {_line(c.rationale)}")
        for m in det.missing:
            lines.append(f"  missing: {_line(m)}")
    if result.caveats:
        lines.append("\nCaveats")
        for cav in result.caveats:
            lines.append(f"  {cav.kind}: {_line(cav.summary)}")
    return "\n".join(lines) + "\n"
