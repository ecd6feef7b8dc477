"""The determination letter as data: every statement paired with the facts behind it.

:func:`build_letter` turns a :class:`CaseResult` into a :class:`Letter` whose points each
carry a claim (the criterion's rationale without its embedded quote), a verbatim quote of a
deciding evidence span and numbered citations: chart passages (document, date, quoted
words) and literature references from ``criteria/references.yaml``. Citations are numbered
in the order the letter first uses them, which is the order the templates print them.
The templates (``letter.md.j2``, ``letter.html.j2``) add only fixed wording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mednec.models import CaseRequest, CaseResult, CriterionResult, Determination, DocumentInfo, EvidenceSpan
from mednec.models.determination import Reference
from mednec.render.common import claim_of, code_label, plain, quote_of

MAX_CHART_CITES = 3
SEX = {"F": "female", "M": "male"}
SUMMARY_GROUPS = (("Diagnosis", ("A1", "B1")), ("Extent and level", ("A2", "B2")),
                  ("Nerve", ("C1", "C0", "C1'")))


@dataclass
class Cite:
    """A numbered entry of the reference list: a chart passage or a literature reference."""

    n: int
    kind: str  # "chart" or "literature"
    document: str = ""
    doc_title: str = ""
    doc_type: str = ""
    date: str | None = None
    start: int = 0
    end: int = 0
    quote: str = ""
    authors: str = ""
    title: str = ""
    rest: str = ""
    link: str | None = None
    supports: str = ""


@dataclass
class Point:
    """One argued statement: a claim, the quoted chart words and the citations behind it."""

    label: str
    status: str
    claim: str
    quote: Cite | None = None
    cid: str = ""
    more: list[Cite] = field(default_factory=list)
    lit: list[Cite] = field(default_factory=list)
    missing: str | None = None


@dataclass
class CodeSection:
    """The argument for one requested code, grouped for its outcome."""

    det: Determination
    label: str
    not_met: list[Point]
    insufficient: list[Point]
    met: list[Point]
    basis: list[Cite]


@dataclass
class Letter:
    """Everything a letter template prints."""

    result: CaseResult
    patient: str | None
    summary: list[Point]
    codes: list[CodeSection]
    supporting: list[Point]
    caveats: list[Point]
    references: list[Cite]

    @property
    def quotes(self) -> list[Cite]:
        """Every chart passage the letter quotes."""
        return [c for c in self.references if c.kind == "chart"]


def split_citation(citation: str) -> tuple[str, str, str]:
    """``(authors, title, rest)`` of a Vancouver-style citation; ``("", "", citation)`` if unsure.

    The authors end at the first full stop after a word; the title runs to the journal,
    which is the last sentence before the year (``Spine. 1997;``), or else to the next full stop.
    """
    head = re.search(r"(?<=[^\s.])\.\s+", citation)
    if head is None:
        return "", "", citation
    authors, body = citation[: head.start() + 1], citation[head.end() :]
    journal = re.search(r"(?:^|\.\s+)[^.]+\.\s+(?:1[89]|20)\d\d\b", body)
    if journal is not None and journal.start() > 0:
        return authors, body[: journal.start() + 1], body[journal.start() + 1 :].strip()
    parts = re.split(r"(?<=[^\s.])\.\s+", body, maxsplit=1)
    if len(parts) < 2:
        return "", "", citation
    return authors, parts[0] + ".", parts[1]


class _Refs:
    """Numbers citations in order of first use, one number per passage or reference."""

    def __init__(self, docs: dict[str, DocumentInfo], references: dict[str, Reference]) -> None:
        self.docs, self.lit_refs = docs, references
        self.items: dict[tuple, Cite] = {}

    def chart(self, ev: EvidenceSpan) -> Cite:
        key = ("chart", ev.document, ev.start, ev.end)
        if key not in self.items:
            info = self.docs.get(ev.document)
            self.items[key] = Cite(len(self.items) + 1, "chart", ev.document,
                                   plain(info.title or "") if info else "", info.type if info else "",
                                   info.date if info else None, ev.start, ev.end, quote_of(ev.text))
        return self.items[key]

    def literature(self, ref_id: str) -> Cite | None:
        ref = self.lit_refs.get(ref_id)
        if ref is None:
            return None
        key = ("literature", ref_id)
        if key not in self.items:
            authors, title, rest = split_citation(ref.citation)
            link = f"https://doi.org/{ref.doi}" if ref.doi else ref.url
            self.items[key] = Cite(len(self.items) + 1, "literature", authors=plain(authors),
                                   title=plain(title), rest=plain(rest), link=link,
                                   supports=plain(ref.supports))
        return self.items[key]


def _point(crit: CriterionResult, refs: _Refs, lit_ids: list[str]) -> Point:
    ev = crit.evidence[:MAX_CHART_CITES]
    quote = refs.chart(ev[0]) if ev else None
    more = [refs.chart(e) for e in ev[1:]]
    lit = [c for c in (refs.literature(r) for r in lit_ids) if c is not None]
    label = f"{crit.id} {plain(crit.title)}" if crit.title else crit.id
    return Point(label, crit.status, claim_of(crit.rationale, crit.evidence), quote, crit.id, more, lit,
                 plain(crit.missing).rstrip(". ") if crit.status == "insufficient" and crit.missing else None)


def _report_point(kind_title: str, summary: str, evidence: tuple[EvidenceSpan, ...], refs: _Refs) -> Point:
    ev = evidence[:MAX_CHART_CITES]
    return Point(plain(kind_title), "reported", claim_of(summary, evidence), refs.chart(ev[0]),
                 more=[refs.chart(e) for e in ev[1:]])


def _patient(request: CaseRequest | None) -> str | None:
    p = request.patient if request else None
    if p is None or (p.age is None and not p.sex):
        return None
    sex = SEX.get((p.sex or "").upper(), plain(p.sex or ""))
    age = f"{p.age}-year-old" if p.age is not None else ""
    return " ".join(x for x in (age, sex or "patient") if x)


def build_letter(result: CaseResult, request: CaseRequest | None = None) -> Letter:
    """The letter of one determination, with its citations numbered in reading order (everything it shows
    comes from the result: the codes' references, the caveats' and supporting findings' titles)."""
    references = {r.id: r for det in result.determinations for r in det.references}
    refs = _Refs({d.id: d for d in result.documents}, references)
    summary: list[Point] = []
    seen: set[tuple[str, int, int]] = set()
    for label, ids in SUMMARY_GROUPS:
        for det in result.determinations:
            crit = next((c for c in det.criteria if c.id in ids and not c.not_applicable), None)
            if crit is None:
                continue
            if not crit.evidence:
                claim = claim_of(crit.rationale)
                summary.append(Point(f"{label} ({crit.id})", crit.status, claim, cid=crit.id))
            elif (ev := crit.evidence[0]) and (ev.document, ev.start, ev.end) not in seen:
                seen.add((ev.document, ev.start, ev.end))
                summary.append(Point(f"{label} ({crit.id})", crit.status, "", refs.chart(ev), crit.id))
            break
    codes = []
    for det in result.determinations:
        code_refs = [r.id for r in det.references]
        groups: dict[str, list[Point]] = {"not_met": [], "insufficient": [], "met": []}
        order = [*(c for c in det.criteria if c.status == "not_met"),
                 *(c for c in det.criteria if c.status == "insufficient"),
                 *(c for c in det.criteria if c.status == "met")]
        for crit in order:
            groups[crit.status].append(_point(crit, refs, list(crit.references)))
        basis = sorted((c for c in map(refs.literature, code_refs) if c is not None), key=lambda c: c.n)
        codes.append(CodeSection(det, code_label(det), groups["not_met"], groups["insufficient"],
                                 groups["met"], basis))
    supporting: dict[str, Point] = {}
    for det in result.determinations:
        for s in det.supporting:
            if s.kind not in supporting:
                supporting[s.kind] = _report_point(s.title or s.kind.replace("_", " "), s.summary, s.evidence, refs)
    caveats = [_report_point(c.title or c.kind.replace("_", " "), c.summary, c.evidence, refs) for c in result.caveats]
    return Letter(result, _patient(request), summary, codes, list(supporting.values()), caveats,
                  sorted(refs.items.values(), key=lambda c: c.n))
