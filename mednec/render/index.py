"""OUT/index.html of a triage run: every case in review-queue order, with filters and links.

The page is built from the triage.csv rows only (no determination is re-read), so it is
byte-identical whatever the number of workers. Like the evidence view it is one file with
its inline style and script allowed by hash, and every value from a case is escaped.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from markupsafe import Markup

from mednec.outputs import QUEUE_ORDER as QUEUE_RANK
from mednec.outputs import write_atomic
from mednec.render.common import environment
from mednec.render.view import asset, csp_hash


@dataclass
class CodeRow:
    """One requested code of a case as triage.csv lists it."""

    code: str
    label: str
    outcome: str
    met: str
    total: str
    missing: list[str]


@dataclass
class CaseRow:
    """One case of the index: its codes, its place in the queue and its view."""

    case_id: str
    codes: list[CodeRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    href: str | None = None

    @property
    def outcome(self) -> str:
        """The outcome that decides the case's place in the queue (error, refer, pend, approve)."""
        if self.errors:
            return "error"
        return min((c.outcome for c in self.codes), key=lambda o: QUEUE_RANK.get(o, 0), default="error")

    @property
    def outcomes(self) -> str:
        """Space-separated outcomes present in the case (for the filter)."""
        found = {c.outcome for c in self.codes} | ({"error"} if self.errors else set())
        return " ".join(sorted(found, key=lambda o: QUEUE_RANK.get(o, 0)))


def _label(code: str, side: str) -> str:
    return f"{code}-{'LT' if side == 'left' else 'RT'}" if side in ("left", "right") else code


def case_rows(rows: list[dict[str, str]], out_dir: Path | None = None) -> list[CaseRow]:
    """triage.csv rows grouped by case, in queue order (most urgent outcome first, then case id)."""
    cases: dict[str, CaseRow] = {}
    for r in rows:
        case = cases.setdefault(r["case_id"], CaseRow(r["case_id"]))
        if r.get("error"):
            case.errors.append(r["error"])
            continue
        missing = [m.strip() for m in (r.get("missing") or "").split(" | ") if m.strip()]
        case.codes.append(CodeRow(r["code"], _label(r["code"], r.get("side", "")), r["outcome"],
                                  r.get("criteria_met", ""), r.get("criteria_total", ""), missing))
    for case in cases.values():
        case.codes.sort(key=lambda c: (QUEUE_RANK.get(c.outcome, 0), c.code))
        if out_dir is not None and not case.errors and (out_dir / f"{case.case_id}.html").is_file():
            case.href = quote(f"{case.case_id}.html")
    return sorted(cases.values(), key=lambda c: (QUEUE_RANK.get(c.outcome, 0), c.case_id))


def render_index(rows: list[dict[str, str]], out_dir: Path | None = None) -> str:
    """The index page of a triage run as one HTML string."""
    cases = case_rows(rows, out_dir)
    counts = Counter(c.outcome for case in cases for c in case.codes)
    errors = sum(1 for case in cases if case.errors)
    codes = sorted({c.code for case in cases for c in case.codes})
    css, js = asset("index.css"), asset("index.js")
    csp = (f"default-src 'none'; style-src {csp_hash(css)}; script-src {csp_hash(js)}; "
           "img-src 'none'; base-uri 'none'; form-action 'none'")
    return environment(True).get_template("index.html.j2").render(
        cases=cases, counts=counts, errors=errors, codes=codes, n_codes=sum(counts.values()),
        css=Markup(css), js=Markup(js), csp=csp)


def write_index(out_dir: Path, rows: list[dict[str, str]]) -> Path:
    """Write ``OUT_DIR/index.html`` for the rows of triage.csv; returns its path."""
    path = out_dir / "index.html"
    write_atomic(path, render_index(rows, out_dir))
    return path
