"""A plain-text rendering of a determination for the terminal."""

from __future__ import annotations

from mednec.models import CaseResult


def render_text(result: CaseResult) -> str:
    """Codes, outcomes, criteria with their rationale, missing documentation and caveats."""
    lines = [f"Case {result.case_id}"]
    for det in result.determinations:
        side = f"-{'LT' if det.side == 'left' else 'RT'}" if det.side else ""
        lines.append(f"\n{det.code}{side}  {det.outcome.upper()}  {det.title}")
        if det.pathway:
            lines.append(f"  pathway: {det.pathway}")
        for c in det.criteria:
            lines.append(f"  {c.id:<4} {c.status:<13} {c.rationale}")
        for m in det.missing:
            lines.append(f"  missing: {m}")
    if result.caveats:
        lines.append("\nCaveats")
        for cav in result.caveats:
            lines.append(f"  {cav.kind}: {cav.summary}")
    return "\n".join(lines) + "\n"
