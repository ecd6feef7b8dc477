"""Cases and their versions: intake of a review, what changed, the audit log and the reviewer's saves.

Every function takes an open SQLAlchemy session; none of them knows the database dialect. The
rules a reviewer meets (who may decide what) live here, so the pages and the API enforce the same.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm import Session as DbSession

from mednec import __version__
from mednec.models import CaseRequest, CaseResult
from mednec.render.common import code_label
from mednec.workstation.db import (
    OUTCOME_RANK,
    Case,
    CaseVersion,
    CriterionReview,
    Decision,
    Event,
    Note,
    User,
    utcnow,
)

EXPEDITED = dt.timedelta(hours=72)
STANDARD = dt.timedelta(days=7)
"""Decision time frames of CMS-0057-F: 72 hours for an expedited request, 7 calendar days for a standard one."""
STATUSES_CRITERION = ("met", "not_met", "insufficient")
DECISIONS = ("approve", "pend", "deny")
DECISION_WORDS = {"approve": "certified", "pend": "pended (awaiting documents)", "deny": "not certified"}
MAX_TEXT = 4000
"""Longest note or reason accepted (a reason is a sentence or two, a note a paragraph)."""


class ReviewError(Exception):
    """A save refused: ``status`` is the HTTP status (400, 403, 404, 409), ``message`` one line for the user."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def due_time(received_at: dt.datetime | None, urgency: str, fallback: dt.datetime) -> dt.datetime:
    """When the decision is due: received time (or ``fallback``, the intake time) plus the time frame."""
    start = received_at or fallback
    return start + (EXPEDITED if urgency == "expedited" else STANDARD)


def criteria_version(result: CaseResult) -> str:
    """The criteria versions the determinations were made with (one value, or several joined)."""
    versions = sorted({d.criteria_version for d in result.determinations if d.criteria_version})
    return ", ".join(versions)


def _labels(result: dict) -> dict[str, dict]:
    out = {}
    for det in result.get("determinations", []):
        side = det.get("side")
        label = det["code"] + ({"left": "-LT", "right": "-RT"}.get(side, "") if side else "")
        out[label] = det
    return out


def change_summary(old: dict | None, new: dict) -> str:
    """What changed from one version's result to the next: "27076-LT pend -> approve, A2 insufficient -> met"."""
    if old is None:
        return ""
    parts: list[str] = []
    old_docs = {d["id"] for d in old.get("documents", [])}
    new_docs = [d["id"] for d in new.get("documents", []) if d["id"] not in old_docs]
    if new_docs:
        parts.append("new document" + ("s" if len(new_docs) > 1 else "") + ": " + ", ".join(new_docs))
    before, after = _labels(old), _labels(new)
    for label, det in after.items():
        prev = before.get(label)
        if prev is None:
            parts.append(f"{label} new: {det['outcome']}")
            continue
        changes = []
        if prev["outcome"] != det["outcome"]:
            changes.append(f"{prev['outcome']} -> {det['outcome']}")
        was = {c["id"]: c["status"] for c in prev.get("criteria", [])}
        for c in det.get("criteria", []):
            if c["id"] in was and was[c["id"]] != c["status"]:
                changes.append(f"{c['id']} {was[c['id']]} -> {c['status']}")
        if changes:
            parts.append(f"{label} " + ", ".join(changes))
    parts.extend(f"{label} no longer requested" for label in before if label not in after)
    return "; ".join(parts) or "no change in outcome or criteria"


def record_event(db: DbSession, user: str, action: str, *, case: Case | None = None, target: str = "",
                 before: object = None, after: object = None, outcome: str = "ok",
                 criteria: str = "") -> Event:
    """Append one event to the audit log (added to the session; the caller commits)."""
    def dump(value: object) -> str:
        return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)

    ev = Event(case_pk=case.id if case else None, case_id=case.case_id if case else "", at=utcnow(),
               user_name=user, action=action, target=target, before=dump(before), after=dump(after),
               outcome=outcome, case_version=case.current_version if case else None,
               mednec_version=__version__, criteria_version=criteria)
    db.add(ev)
    return ev


def store_version(db: DbSession, result: CaseResult, request: CaseRequest, *, evidence_html: str = "",
                  source: str = "triage", input_sha256: str = "", user: str = "intake") -> tuple[Case, bool]:
    """Store a review as the next version of its case (the case is created on first sight).

    Returns the case and whether a version was added: a review of the same input (same
    ``input_sha256``) as the latest version adds nothing. A new version re-opens the case (status ``new``): the
    documents a pended case waited for may have arrived, and a decided one is decided again.
    """
    now = utcnow()
    data = json.loads(result.model_dump_json())
    case = db.scalar(select(Case).where(Case.case_id == result.case_id))
    latest = None
    if case is not None:
        latest = db.scalar(select(CaseVersion).where(CaseVersion.case_pk == case.id)
                           .order_by(CaseVersion.number.desc()).limit(1))
        if latest is not None and input_sha256 and latest.input_sha256 == input_sha256:
            return case, False
    outcomes = {code_label(d): d.outcome for d in result.determinations}
    worst = min(outcomes.values(), key=lambda o: OUTCOME_RANK[o]) if outcomes else "error"
    codes = " ".join(sorted({d.code for d in result.determinations} | set(outcomes)))
    member, provider = request.member, request.provider
    fields = dict(
        authorization_id=request.authorization_id, member_id=member.id if member else None,
        member_name=member.name if member else None, provider_npi=provider.npi if provider else None,
        provider_name=provider.name if provider else None, received_at=request.received_at,
        urgency=request.urgency or "standard", codes=codes, outcome=worst, outcome_rank=OUTCOME_RANK[worst],
        outcomes=" ".join(f"{k}:{v}" for k, v in outcomes.items()), updated_at=now,
    )
    summary = change_summary(json.loads(latest.result_json) if latest else None, data)
    if case is None:
        case = Case(case_id=result.case_id, status="new", current_version=1, row_version=1, created_at=now,
                    change_summary="", due_at=due_time(request.received_at, fields["urgency"], now), **fields)
        db.add(case)
        db.flush()
        number = 1
    else:
        number = (latest.number + 1) if latest else 1
        for k, v in fields.items():
            setattr(case, k, v)
        case.due_at = due_time(request.received_at, case.urgency, case.created_at)
        case.current_version = number
        case.change_summary = summary
        case.row_version += 1  # a save prepared against the old version must not land on the new one
        if case.status != "new":  # new documents: the case is reviewed again, whatever it was
            record_event(db, user, "status", case=case, before={"status": case.status},
                         after={"status": "new"})
            case.status = "new"
    cv = criteria_version(result)
    db.add(CaseVersion(case_pk=case.id, number=number, source=source, input_sha256=input_sha256,
                       request_json=request.model_dump_json(exclude_none=True), result_json=result.model_dump_json(),
                       evidence_html=evidence_html, mednec_version=result.mednec_version or __version__,
                       criteria_version=cv, change_summary=summary, created_at=now))
    record_event(db, user, "intake", case=case, target=f"version {number}",
                 after={"version": number, "source": source, "outcomes": outcomes, "changes": summary},
                 criteria=cv)
    db.commit()
    return case, True


def get_case(db: DbSession, case_id: str) -> Case:
    """The case of ``case_id``; ``ReviewError`` 404 when there is none."""
    case = db.scalar(select(Case).where(Case.case_id == case_id))
    if case is None:
        raise ReviewError(404, f"no case {case_id!r}")
    return case


def get_version(db: DbSession, case: Case, number: int | None = None) -> CaseVersion:
    """A version of ``case`` (the current one by default); ``ReviewError`` 404 when there is none."""
    n = case.current_version if number is None else number
    cv = db.scalar(select(CaseVersion).where(CaseVersion.case_pk == case.id, CaseVersion.number == n))
    if cv is None:
        raise ReviewError(404, f"case {case.case_id!r} has no version {n}")
    return cv


def versions(db: DbSession, case: Case) -> list[CaseVersion]:
    """All versions of a case, newest first."""
    return list(db.scalars(select(CaseVersion).where(CaseVersion.case_pk == case.id)
                           .order_by(CaseVersion.number.desc())))


@dataclass
class ReviewState:
    """What reviewers recorded on one version: overrides and accepts, decisions, notes."""

    criteria: dict[tuple[str, str], CriterionReview] = field(default_factory=dict)
    decisions: dict[str, Decision] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)


def review_state(db: DbSession, case: Case, version: int) -> ReviewState:
    """The recorded review of one version of a case."""
    st = ReviewState()
    for r in db.scalars(select(CriterionReview).where(CriterionReview.case_pk == case.id,
                                                      CriterionReview.version == version)):
        st.criteria[(r.code, r.criterion)] = r
    for d in db.scalars(select(Decision).where(Decision.case_pk == case.id, Decision.version == version)):
        st.decisions[d.code] = d
    st.notes = list(db.scalars(select(Note).where(Note.case_pk == case.id).order_by(Note.at, Note.id)))
    return st


@dataclass
class CriterionInput:
    """A reviewer's accept or override of one criterion."""

    code: str
    criterion: str
    action: str  # accept | override
    status: str | None = None
    reason: str = ""


@dataclass
class DecisionInput:
    """A reviewer's final decision on one requested code."""

    code: str
    decision: str  # approve | pend | deny
    reason: str = ""


@dataclass
class ReviewInput:
    """One save of the case page: everything is checked before anything is written."""

    row_version: int
    criteria: list[CriterionInput] = field(default_factory=list)
    decisions: list[DecisionInput] = field(default_factory=list)
    note: str = ""
    assignee: str | None = None  # a user name, "" to unassign, None to leave as is


def _check_text(value: str, what: str) -> str:
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise ReviewError(400, f"{what} is longer than {MAX_TEXT} characters")
    return value


def _plan(db: DbSession, case: Case, user: User, data: ReviewInput) -> list[tuple[str, str, object, object, object]]:
    """Check a save against the rules; returns its steps (action, target, before, after, row to write)."""
    if user.role not in ("nurse", "physician"):
        raise ReviewError(403, "only a nurse or a physician may review a case (admins manage accounts)")
    cv = get_version(db, case)
    result = CaseResult.model_validate_json(cv.result_json)
    dets = {code_label(d): d for d in result.determinations}
    st = review_state(db, case, case.current_version)
    effective = {(label, c.id): c.status for label, d in dets.items() for c in d.criteria}
    for (code, crit), r in st.criteria.items():
        effective[(code, crit)] = r.status
    steps: list[tuple[str, str, object, object, object]] = []
    now = utcnow()
    for ci in data.criteria:
        det = dets.get(ci.code)
        crit = next((c for c in det.criteria if c.id == ci.criterion), None) if det else None
        if crit is None:
            raise ReviewError(400, f"{ci.code} has no criterion {ci.criterion!r}")
        prev = st.criteria.get((ci.code, ci.criterion))
        before = {"status": prev.status, "action": prev.action, "reason": prev.reason} if prev \
            else {"status": crit.status, "action": "machine"}
        reason = _check_text(ci.reason, "the reason")
        if ci.action == "accept":
            status = crit.status
        elif ci.action == "override":
            if ci.status not in STATUSES_CRITERION:
                allowed = ", ".join(STATUSES_CRITERION)
                raise ReviewError(400, f"{ci.code} {ci.criterion}: status must be one of {allowed}")
            if not reason:
                raise ReviewError(400, f"{ci.code} {ci.criterion}: an override needs a reason")
            status = ci.status
        else:
            raise ReviewError(400, f"{ci.code} {ci.criterion}: action must be accept or override")
        after = {"status": status, "action": ci.action, "reason": reason, "machine_status": crit.status}
        if prev is not None and prev.status == status and prev.action == ci.action and prev.reason == reason:
            continue  # unchanged: nothing to record
        row = prev or CriterionReview(case_pk=case.id, version=case.current_version, code=ci.code,
                                      criterion=ci.criterion, machine_status=crit.status)
        row.status, row.action, row.reason, row.reviewer_id, row.at = status, ci.action, reason, user.id, now
        effective[(ci.code, ci.criterion)] = status
        steps.append((ci.action, f"{ci.code}/{ci.criterion}", before, after, row))
    for di in data.decisions:
        det = dets.get(di.code)
        if det is None:
            raise ReviewError(400, f"no requested code {di.code!r} in this case")
        if di.decision not in DECISIONS:
            raise ReviewError(400, f"{di.code}: decision must be one of {', '.join(DECISIONS)}")
        reason = _check_text(di.reason, "the reason")
        prev = st.decisions.get(di.code)
        if user.role != "physician":
            if det.outcome == "refer":
                raise ReviewError(403, f"{di.code} was referred for physician review: only a physician may decide it")
            if di.decision == "deny":
                raise ReviewError(403, "only a physician may record a non-certification")
            if prev is not None and prev.reviewer.role == "physician":
                raise ReviewError(403, f"{di.code} was decided by a physician: only a physician may change it")
        if di.decision == "deny" and not reason:
            raise ReviewError(400, f"{di.code}: a non-certification needs a reason")
        if di.decision == "approve":
            open_ = [c.id for c in det.criteria if effective[(di.code, c.id)] != "met"]
            if open_:
                raise ReviewError(400, f"{di.code} cannot be certified: {', '.join(open_)} not met "
                                       "(override with a reason first, or pend)")
        before = {"decision": prev.decision, "by": prev.reviewer.name, "reason": prev.reason} if prev \
            else {"decision": None, "machine_outcome": det.outcome}
        after = {"decision": di.decision, "by": user.name, "role": user.role, "reason": reason,
                 "machine_outcome": det.outcome}
        if prev is not None and prev.decision == di.decision and prev.reason == reason:
            continue
        row = prev or Decision(case_pk=case.id, version=case.current_version, code=di.code)
        row.decision, row.reason, row.reviewer_id, row.at = di.decision, reason, user.id, now
        steps.append(("decision", di.code, before, after, row))
    note = _check_text(data.note, "the note")
    if note:
        steps.append(("note", "", None, {"text": note},
                      Note(case_pk=case.id, version=case.current_version, text=note, author_id=user.id, at=now)))
    if data.assignee is not None:
        new = db.scalar(select(User).where(User.name == data.assignee)) if data.assignee else None
        if data.assignee and (new is None or new.role not in ("nurse", "physician")):
            raise ReviewError(400, f"no nurse or physician named {data.assignee!r}")
        old = case.assignee.name if case.assignee else None
        if (new.name if new else None) != old:
            steps.append(("assign", "", {"assignee": old}, {"assignee": new.name if new else None},
                          ("assignee", new.id if new else None)))
    return steps


def _status_after(db: DbSession, case: Case) -> str:
    st = review_state(db, case, case.current_version)
    labels = [lbl for lbl in case.outcomes.split() if lbl]
    codes = [lbl.rsplit(":", 1)[0] for lbl in labels]
    decided = [st.decisions[c].decision for c in codes if c in st.decisions]
    if decided and len(decided) == len(codes) and "pend" not in decided:
        return "decided"
    if "pend" in decided:
        return "pended"
    return "in_review"


def save_review(db: DbSession, case_id: str, user: User, data: ReviewInput) -> Case:
    """Apply one save of the case page, or refuse it whole.

    The save names the ``row_version`` it was prepared against; when another save came first the
    case's row version has moved on and this one gets ``ReviewError`` 409: nothing of it is written
    but the attempt, which goes to the audit log like every refused save.
    """
    case = get_case(db, case_id)
    cv = case.current_version
    crit_version = get_version(db, case).criteria_version
    try:
        steps = _plan(db, case, user, data)
        if not steps:
            return case
        # the optimistic lock: one UPDATE that succeeds only on the row version the page was built from
        moved = db.execute(update(Case).where(Case.id == case.id, Case.row_version == data.row_version)
                           .values(row_version=Case.row_version + 1, updated_at=utcnow())
                           .execution_options(synchronize_session=False)).rowcount
        if moved != 1:
            raise ReviewError(409, "another reviewer saved this case since you opened it: reload the case, "
                                   "check their changes and save again (your entries are kept below)")
        for action, target, before, after, row in steps:
            if isinstance(row, tuple):
                setattr(case, row[0] + "_id", row[1])
            else:
                db.add(row)
            record_event(db, user.name, action, case=case, target=target, before=before, after=after,
                         criteria=crit_version)
        record_event(db, user.name, "save", case=case, target=f"version {cv}",
                     before={"row_version": data.row_version}, after={"steps": [s[0] for s in steps]},
                     criteria=crit_version)
        db.flush()
        db.expire(case)
        status = _status_after(db, case)
        if case.status != status:
            record_event(db, user.name, "status", case=case, before={"status": case.status},
                         after={"status": status}, criteria=crit_version)
            case.status = status
        db.commit()
        db.refresh(case)
        return case
    except ReviewError as exc:
        db.rollback()
        attempted = [{"action": c.action, "target": f"{c.code}/{c.criterion}", "status": c.status,
                      "reason": c.reason} for c in data.criteria]
        attempted += [{"action": "decision", "target": d.code, "decision": d.decision, "reason": d.reason}
                      for d in data.decisions]
        if data.note.strip():
            attempted.append({"action": "note", "text": data.note.strip()[:MAX_TEXT]})
        case = get_case(db, case_id)
        record_event(db, user.name, "save", case=case, target=f"version {cv}",
                     before={"row_version": data.row_version}, after={"attempted": attempted, "refused": exc.message},
                     outcome="conflict" if exc.status == 409 else "refused", criteria=crit_version)
        db.commit()
        raise
