"""The review queue: cases grouped by outcome, ordered by decision due time, searched and filtered."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session as DbSession

from mednec.workstation.db import STATUSES, Case, utcnow

PER_PAGE = 50
FILTERS = ("open", "all", *STATUSES)
"""Status filters: ``open`` (every status but decided, the default), ``all``, or one status."""


@dataclass(frozen=True)
class QueuePage:
    """One page of the queue and the total that matched."""

    cases: list[Case]
    total: int
    page: int
    pages: int
    now: dt.datetime


def _like(q: str) -> str:
    # the search words are data: a % or _ typed in the box matches itself, not any text
    escaped = q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def list_cases(db: DbSession, *, q: str = "", status: str = "open", outcome: str = "", overdue: bool = False,
               page: int = 1, per_page: int = PER_PAGE, members: bool = True,
               assignee_id: int | None = None) -> QueuePage:
    """Cases matching the filters: outcome group first (refer, pend, approve), then due time, then case id.

    ``q`` matches a part of the authorization id, member id or name, case id or a requested code;
    with ``members=False`` (an admin, who sees no member data) not the member's id or name.
    ``assignee_id``: only the cases assigned to that user ("my cases").
    """
    now = utcnow()
    query = select(Case)
    q = q.strip()[:200]
    if q:
        pattern = _like(q)
        cols = [Case.case_id, Case.authorization_id, Case.codes]
        if members:
            cols += [Case.member_id, Case.member_name]
        query = query.where(or_(*(func.lower(col).like(pattern, escape="\\") for col in cols)))
    if status == "open":
        query = query.where(Case.status != "decided")
    elif status in STATUSES:
        query = query.where(Case.status == status)
    if outcome:
        query = query.where(Case.outcome == outcome)
    if assignee_id is not None:
        query = query.where(Case.assignee_id == assignee_id)
    if overdue:
        query = query.where(Case.due_at < now, Case.status != "decided")
    total = db.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    rows = db.scalars(query.order_by(Case.outcome_rank, Case.due_at, Case.case_id)
                      .offset((page - 1) * per_page).limit(per_page)).unique().all()
    return QueuePage(list(rows), total, page, pages, now)


def is_overdue(case: Case, now: dt.datetime) -> bool:
    """An open case past its decision due time."""
    return case.status != "decided" and case.due_at < now


def due_text(case: Case, now: dt.datetime) -> str:
    """'due in 2 d 4 h' or 'overdue by 5 h' (whole hours)."""
    hours = int((case.due_at - now).total_seconds() // 3600)
    span = abs(hours)
    words = f"{span // 24} d {span % 24} h" if span >= 24 else f"{span} h"
    if case.status == "decided":
        return "decided"
    return f"overdue by {words}" if hours < 0 else f"due in {words}"
