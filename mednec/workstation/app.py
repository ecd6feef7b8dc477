"""The reviewer workstation: a FastAPI app over the case database (``mednec serve``).

Pages (``/queue``, ``/cases/{id}``) use the session cookie and plain HTML forms, each carrying the
session's CSRF token; the JSON API (``/api/...``) and ``/fhir/Claim/$submit`` accept the same cookie
(with the token in ``X-CSRF-Token``) or the session token as a bearer token. Nothing answers
without a login: pages redirect to the login page, the API answers 401.
"""

from __future__ import annotations

import json
import logging
import secrets
import tempfile
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import sessionmaker
from starlette.datastructures import FormData

from mednec import __version__
from mednec.core.errors import MednecError
from mednec.models import CaseRequest, CaseResult
from mednec.outputs import write_atomic
from mednec.render.common import code_label
from mednec.workstation import auth
from mednec.workstation.cases import (
    CriterionInput,
    DecisionInput,
    ReviewError,
    ReviewInput,
    get_case,
    get_version,
    record_event,
    review_state,
    save_review,
    versions,
)
from mednec.workstation.db import Case, Event, Session, User, open_database, utcnow
from mednec.workstation.intake import Intake, intake_zip
from mednec.workstation.queue import FILTERS, due_text, is_overdue, list_cases
from mednec.workstation.templating import templates

log = logging.getLogger(__name__)

COOKIE = "mednec_session"
LOGIN_COOKIE = "mednec_login_csrf"
CLINICAL = ("nurse", "physician")
"""Roles that see clinical text (evidence, letters, notes) and review cases; admins manage accounts."""
PAGE_CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; frame-src 'self'; form-action 'self'; "
            "base-uri 'none'; frame-ancestors 'none'")


class LoginRequired(Exception):
    """A page was asked for without a live session: the browser goes to the login page."""


@dataclass
class Auth:
    """Who is asking, and how: a cookie session must send its CSRF token with every change."""

    user: User
    session: Session
    cookie: bool


def _token(request: Request) -> tuple[str | None, bool]:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip(), False
    return request.cookies.get(COOKIE), True


def _auth(request: Request, db: DbSession) -> Auth | None:
    token, cookie = _token(request)
    sess = auth.session_of(db, token)
    return Auth(sess.user, sess, cookie) if sess else None


def _api_auth(request: Request, db: DbSession, roles: tuple[str, ...] | None = None,
              csrf: str | None = None, change: bool = False) -> Auth:
    who = _auth(request, db)
    if who is None:
        raise HTTPException(401, "login required", headers={"WWW-Authenticate": "Bearer"})
    if change and who.cookie and not auth.csrf_ok(who.session, csrf or request.headers.get("x-csrf-token")):
        raise HTTPException(403, "missing or wrong CSRF token")
    if roles and who.user.role not in roles:
        raise HTTPException(403, f"a {who.user.role} may not do this")
    return who


def _page_auth(request: Request, db: DbSession, roles: tuple[str, ...] | None = None) -> Auth:
    who = _auth(request, db)
    if who is None or not who.cookie:
        raise LoginRequired()
    if roles and who.user.role not in roles:
        raise HTTPException(403, f"a {who.user.role} may not open this page")
    return who


MAX_BODY = 64 * 1024 * 1024
"""Largest request body accepted (a zipped case or a PAS Bundle with its attachments)."""


def _check_size(request: Request) -> None:
    try:
        size = int(request.headers.get("content-length") or 0)
    except ValueError:
        size = 0
    if size > MAX_BODY:
        raise HTTPException(413, f"the request body is over the {MAX_BODY // 2**20} MiB limit")


async def _json_body(request: Request) -> object:
    # a JSON body only with a JSON content type: a cross-site form (text/plain) cannot post JSON here
    _check_size(request)
    if request.headers.get("content-type", "").split(";")[0].strip().lower() not in ("application/json",
                                                                                   "application/fhir+json"):
        raise HTTPException(415, "send the body as application/json")
    try:
        return await request.json()
    except ValueError as exc:
        raise HTTPException(400, "the body is not JSON") from exc


def _page(name: str, status: int = 200, **ctx: Any) -> HTMLResponse:  # noqa: ANN401 - template values
    return HTMLResponse(templates.get_template(name).render(**ctx), status_code=status)


def _review_input(form: FormData) -> ReviewInput:
    """The case page's form fields as one save."""
    try:
        row_version = int(str(form.get("row_version", "")))
    except ValueError as exc:
        raise ReviewError(400, "the form lacks its row version: reload the case") from exc
    data = ReviewInput(row_version=row_version, note=str(form.get("note", "")))
    for key, value in form.multi_items():
        value = str(value)
        if key.startswith("crit:") and value:
            _, code, crit = key.split(":", 2)
            action, _, status = value.partition(":")
            data.criteria.append(CriterionInput(code, crit, action, status or None,
                                                str(form.get(f"reason:{code}:{crit}", ""))))
        elif key.startswith("decision:") and value:
            code = key.split(":", 1)[1]
            data.decisions.append(DecisionInput(code, value, str(form.get(f"dreason:{code}", ""))))
    if "assignee" in form and form.get("assignee") != "-":
        data.assignee = str(form.get("assignee"))
    return data


def _review_json(body: dict) -> ReviewInput:
    """The JSON API's save body as one save."""
    try:
        return ReviewInput(
            row_version=int(body["row_version"]), note=str(body.get("note") or ""),
            criteria=[CriterionInput(str(c["code"]), str(c["criterion"]), str(c["action"]),
                                     c.get("status"), str(c.get("reason") or "")) for c in body.get("criteria", [])],
            decisions=[DecisionInput(str(d["code"]), str(d["decision"]), str(d.get("reason") or ""))
                       for d in body.get("decisions", [])],
            assignee=body.get("assignee"))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ReviewError(400, f"malformed review body ({type(exc).__name__}: {exc})") from exc


def _case_json(db: DbSession, case: Case) -> dict:
    cv = get_version(db, case)
    st = review_state(db, case, case.current_version)
    return {
        "case_id": case.case_id, "authorization_id": case.authorization_id, "member_id": case.member_id,
        "member_name": case.member_name, "provider_npi": case.provider_npi, "provider_name": case.provider_name,
        "received_at": case.received_at.isoformat() if case.received_at else None, "urgency": case.urgency,
        "due_at": case.due_at.isoformat(), "status": case.status, "outcome": case.outcome,
        "outcomes": dict(o.split(":", 1) for o in case.outcomes.split()),
        "assignee": case.assignee.name if case.assignee else None, "row_version": case.row_version,
        "version": case.current_version, "changes": case.change_summary,
        "mednec_version": cv.mednec_version, "criteria_version": cv.criteria_version,
        "versions": [{"number": v.number, "source": v.source, "created_at": v.created_at.isoformat(),
                      "changes": v.change_summary} for v in versions(db, case)],
        "criteria": [{"code": r.code, "criterion": r.criterion, "machine_status": r.machine_status,
                      "status": r.status, "action": r.action, "reason": r.reason, "by": r.reviewer.name}
                     for r in st.criteria.values()],
        "decisions": {k: {"decision": d.decision, "reason": d.reason, "by": d.reviewer.name,
                          "role": d.reviewer.role, "at": d.at.isoformat()} for k, d in st.decisions.items()},
        "notes": [{"text": n.text, "by": n.author.name, "at": n.at.isoformat(), "version": n.version}
                  for n in st.notes],
    }


def _event_json(ev: Event) -> dict:
    return {"id": ev.id, "at": ev.at.isoformat(), "user": ev.user_name, "action": ev.action, "target": ev.target,
            "before": json.loads(ev.before) if ev.before else None,
            "after": json.loads(ev.after) if ev.after else None, "outcome": ev.outcome,
            "case_version": ev.case_version, "mednec_version": ev.mednec_version,
            "criteria_version": ev.criteria_version}


def create_app(db: str | sessionmaker | None = None, *, secure_cookies: bool = False,
               intake: Intake | None = None) -> FastAPI:
    """The workstation app over ``db`` (a URL, a SQLite path, or a session factory); migrations run here."""
    sessions = db if isinstance(db, sessionmaker) else open_database(db)
    intake = intake or Intake()
    app = FastAPI(title="mednec reviewer workstation", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url=None)
    app.state.sessions = sessions
    css = resources.files("mednec.workstation").joinpath("static", "app.css").read_text(encoding="utf-8")

    def dbs() -> DbSession:
        return sessions()

    def is_api(request: Request) -> bool:
        return request.url.path.startswith(("/api/", "/fhir/"))

    @app.middleware("http")
    async def headers(request: Request, call_next: Any) -> Response:  # noqa: ANN401
        t0 = time.perf_counter()
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", PAGE_CSP)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"  # clinical pages are not kept in browser caches
        # the path only: a query string may hold a member's name typed in the search box (PHI)
        log.info("%s %s %s %.0f ms", request.method, request.url.path, response.status_code,
                 (time.perf_counter() - t0) * 1000)
        return response

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, exc: LoginRequired) -> Response:
        target = request.url.path if request.method == "GET" else "/queue"
        return RedirectResponse("/login?next=" + quote(target, safe="/"), status_code=303)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if is_api(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        return _page("error.html.j2", exc.status_code, message=str(exc.detail), user=None)

    @app.exception_handler(ReviewError)
    async def review_error(request: Request, exc: ReviewError) -> Response:
        if is_api(request):
            return JSONResponse({"detail": exc.message}, status_code=exc.status)
        return _page("error.html.j2", exc.status, message=exc.message, user=None)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return JSONResponse({"detail": f"invalid request: {where}: {first.get('msg', 'bad input')}"}, 422)

    # ------------------------------------------------------------------ login
    @app.get("/static/app.css")
    def stylesheet() -> Response:
        return Response(css, media_type="text/css")

    @app.get("/login")
    def login_page(next: str = "/queue") -> Response:  # noqa: A002 - the query parameter's name
        token = secrets.token_urlsafe(32)
        resp = _page("login.html.j2", csrf=token, next=_safe_next(next), error=None, user=None)
        # before login there is no session: the form's token is checked against this cookie (double submit)
        resp.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", secure=secure_cookies, path="/login")
        return resp

    @app.post("/login")
    async def login(request: Request) -> Response:
        form = await request.form()
        sent, expected = str(form.get("csrf_token", "")), request.cookies.get(LOGIN_COOKIE, "")
        nxt = _safe_next(str(form.get("next", "/queue")))
        if not expected or not secrets.compare_digest(sent.encode(), expected.encode()):
            return _page("login.html.j2", 403, csrf=expected or "", next=nxt, user=None,
                         error="The login form expired: please try again.")
        with dbs() as db:
            user = auth.authenticate(db, str(form.get("name", "")), str(form.get("password", "")))
            if user is None:
                record_event(db, str(form.get("name", ""))[:80], "login", outcome="refused")
                db.commit()
                return _page("login.html.j2", 401, csrf=expected, next=nxt, user=None,
                             error="Unknown name or wrong password.")
            token, _ = auth.start_session(db, user)
            record_event(db, user.name, "login")
            db.commit()
        resp = RedirectResponse(nxt, status_code=303)
        resp.set_cookie(COOKIE, token, httponly=True, samesite="strict", secure=secure_cookies,
                        max_age=auth.SESSION_HOURS * 3600, path="/")
        resp.delete_cookie(LOGIN_COOKIE, path="/login")
        return resp

    @app.post("/logout")
    async def logout(request: Request) -> Response:
        form = await request.form()
        with dbs() as db:
            who = _page_auth(request, db)
            if auth.csrf_ok(who.session, str(form.get("csrf_token", ""))):
                auth.end_session(db, request.cookies.get(COOKIE))
        resp = RedirectResponse("/login", status_code=303)
        resp.delete_cookie(COOKIE, path="/")
        return resp

    @app.post("/api/login")
    async def api_login(request: Request) -> Response:
        body = await _json_body(request)
        try:
            name, password = str(body["name"]), str(body["password"])  # type: ignore[index]
        except (KeyError, TypeError) as exc:
            raise HTTPException(400, "send {\"name\": ..., \"password\": ...} as JSON") from exc
        with dbs() as db:
            user = auth.authenticate(db, name, password)
            if user is None:
                record_event(db, name[:80], "login", outcome="refused")
                db.commit()
                raise HTTPException(401, "unknown name or wrong password")
            token, csrf = auth.start_session(db, user)
            record_event(db, user.name, "login")
            db.commit()
            return JSONResponse({"token": token, "csrf_token": csrf, "user": user.name, "role": user.role})

    @app.post("/api/logout")
    def api_logout(request: Request) -> Response:
        with dbs() as db:
            _api_auth(request, db, change=True)
            auth.end_session(db, _token(request)[0])
        return JSONResponse({"ok": True})

    # ------------------------------------------------------------------ queue
    @app.get("/")
    def home() -> Response:
        return RedirectResponse("/queue", status_code=303)

    @app.get("/queue")
    def queue_page(request: Request, q: str = "", status: str = "open", outcome: str = "", overdue: str = "",
                   mine: str = "", page: int = 1) -> Response:
        with dbs() as db:
            who = _page_auth(request, db)
            status = status if status in FILTERS else "open"
            result = list_cases(db, q=q, status=status, outcome=outcome, overdue=bool(overdue), page=page,
                                members=who.user.role in CLINICAL, assignee_id=who.user.id if mine else None)
            groups: dict[str, list[Case]] = {}
            for c in result.cases:
                groups.setdefault(c.outcome, []).append(c)
            return _page("queue.html.j2", user=who.user, csrf=who.session.csrf_token, result=result, groups=groups,
                         q=q, status_filter=status, outcome=outcome, overdue=bool(overdue), mine=bool(mine),
                         filters=FILTERS,
                         due_text=due_text, is_overdue=is_overdue)

    @app.get("/api/cases")
    def api_queue(request: Request, q: str = "", status: str = "open", outcome: str = "", overdue: bool = False,
                  mine: bool = False, page: int = 1) -> Response:
        with dbs() as db:
            who = _api_auth(request, db)
            status = status if status in FILTERS else "open"
            clinical = who.user.role in CLINICAL
            result = list_cases(db, q=q, status=status, outcome=outcome, overdue=overdue, page=page,
                                members=clinical, assignee_id=who.user.id if mine else None)
            return JSONResponse({
                "total": result.total, "page": result.page, "pages": result.pages,
                "cases": [{"case_id": c.case_id, "authorization_id": c.authorization_id,
                           "member_id": c.member_id if clinical else None,
                           "member_name": c.member_name if clinical else None, "outcome": c.outcome,
                           "outcomes": dict(o.split(":", 1) for o in c.outcomes.split()), "status": c.status,
                           "urgency": c.urgency, "due_at": c.due_at.isoformat(),
                           "overdue": is_overdue(c, result.now), "version": c.current_version,
                           "changes": c.change_summary, "assignee": c.assignee.name if c.assignee else None}
                          for c in result.cases]})

    @app.post("/api/cases")
    async def api_upload(request: Request) -> Response:
        _check_size(request)
        form = await request.form()
        with dbs() as db:
            who = _api_auth(request, db, roles=CLINICAL, csrf=str(form.get("csrf_token") or ""), change=True)
            name = who.user.name
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise HTTPException(400, "send the zipped case folder as the multipart field 'file'")
        data = await upload.read()
        try:
            from starlette.concurrency import run_in_threadpool

            summary = await run_in_threadpool(intake_zip, intake, sessions, data, name)
        except MednecError as exc:
            raise HTTPException(400, exc.line()) from exc
        return JSONResponse(summary, status_code=201 if summary["created"] else 200)

    # ------------------------------------------------------------------ a case
    def case_page(db: DbSession, who: Auth, case: Case, number: int | None, *, status: int = 200,
                  error: str | None = None, form: FormData | None = None) -> HTMLResponse:
        cv = get_version(db, case, number)
        result = CaseResult.model_validate_json(cv.result_json)
        request_ = CaseRequest.model_validate_json(cv.request_json)
        st = review_state(db, case, cv.number)
        current = cv.number == case.current_version
        reviewers = list(db.scalars(select(User).where(User.role.in_(CLINICAL), User.active).order_by(User.name)))
        codes = []
        for det in result.determinations:
            label = code_label(det)
            rows = []
            for c in det.criteria:
                r = st.criteria.get((label, c.id))
                rows.append({"c": c, "review": r, "effective": r.status if r else c.status})
            codes.append({"det": det, "label": label, "rows": rows, "decision": st.decisions.get(label)})
        return _page("case.html.j2", status, user=who.user, csrf=who.session.csrf_token, case=case, cv=cv,
                     result=result, request=request_, codes=codes, notes=st.notes, versions=versions(db, case),
                     current=current, reviewers=reviewers, error=error, form=form or {},
                     due=due_text(case, utcnow()), overdue=is_overdue(case, utcnow()))

    @app.get("/cases/{case_id}")
    def case_view(request: Request, case_id: str, version: int | None = None) -> Response:
        with dbs() as db:
            who = _page_auth(request, db, roles=CLINICAL)
            case = get_case(db, case_id)
            resp = case_page(db, who, case, version)
            record_event(db, who.user.name, "view", case=case, target=f"version {version or case.current_version}",
                         criteria=get_version(db, case, version).criteria_version)
            db.commit()
            return resp

    @app.get("/cases/{case_id}/versions/{number}/evidence")
    def evidence(request: Request, case_id: str, number: int) -> Response:
        with dbs() as db:
            who = _page_auth(request, db, roles=CLINICAL)
            case = get_case(db, case_id)
            cv = get_version(db, case, number)
            record_event(db, who.user.name, "view", case=case, target=f"evidence version {number}",
                         criteria=cv.criteria_version)
            db.commit()
            # the evidence view carries its own strict CSP (hashes of its inline style and script)
            return HTMLResponse(cv.evidence_html or "<p>No evidence view stored for this version.</p>",
                                headers={"Content-Security-Policy": "frame-ancestors 'self'",
                                         "X-Frame-Options": "SAMEORIGIN"})

    @app.post("/cases/{case_id}/review")
    async def case_save(request: Request, case_id: str) -> Response:
        form = await request.form()
        with dbs() as db:
            who = _page_auth(request, db)
            if not auth.csrf_ok(who.session, str(form.get("csrf_token", ""))):
                raise HTTPException(403, "The form's security token is missing or stale: reload the page.")
            try:
                save_review(db, case_id, who.user, _review_input(form))
            except ReviewError as exc:
                if exc.status == 404:
                    raise
                case = get_case(db, case_id)
                return case_page(db, who, case, None, status=exc.status, error=exc.message, form=form)
        return RedirectResponse(f"/cases/{quote(case_id, safe='')}?saved=1", status_code=303)

    @app.get("/api/cases/{case_id}")
    def api_case(request: Request, case_id: str) -> Response:
        with dbs() as db:
            who = _api_auth(request, db, roles=CLINICAL)
            case = get_case(db, case_id)
            out = _case_json(db, case)
            record_event(db, who.user.name, "view", case=case, target="api", criteria=out["criteria_version"])
            db.commit()
            return JSONResponse(out)

    @app.get("/api/cases/{case_id}/versions/{number}")
    def api_version(request: Request, case_id: str, number: int) -> Response:
        with dbs() as db:
            who = _api_auth(request, db, roles=CLINICAL)
            case = get_case(db, case_id)
            cv = get_version(db, case, number)
            record_event(db, who.user.name, "view", case=case, target=f"result version {number}",
                         criteria=cv.criteria_version)
            db.commit()
            return JSONResponse({"number": cv.number, "source": cv.source, "created_at": cv.created_at.isoformat(),
                                 "mednec_version": cv.mednec_version, "criteria_version": cv.criteria_version,
                                 "changes": cv.change_summary, "request": json.loads(cv.request_json),
                                 "result": json.loads(cv.result_json)})

    @app.post("/api/cases/{case_id}/review")
    async def api_save(request: Request, case_id: str) -> Response:
        body = await _json_body(request)
        if not isinstance(body, dict):
            raise HTTPException(400, "the body must be a JSON object")
        with dbs() as db:
            who = _api_auth(request, db, change=True)
            case = save_review(db, case_id, who.user, _review_json(body))
            return JSONResponse({"case_id": case.case_id, "row_version": case.row_version, "status": case.status})

    @app.get("/api/cases/{case_id}/events")
    def api_events(request: Request, case_id: str) -> Response:
        with dbs() as db:
            _api_auth(request, db, roles=("nurse", "physician", "admin"))
            case = get_case(db, case_id)
            rows = db.scalars(select(Event).where(Event.case_pk == case.id).order_by(Event.id))
            return JSONResponse({"case_id": case.case_id, "events": [_event_json(e) for e in rows]})

    def letter(request: Request, case_id: str, version: int | None, api: bool) -> Response:
        from mednec.workstation.letter import decision_letter

        with dbs() as db:
            who = _api_auth(request, db, roles=CLINICAL) if api else _page_auth(request, db, roles=CLINICAL)
            case = get_case(db, case_id)
            cv = get_version(db, case, version)
            html = decision_letter(case, cv.number, CaseResult.model_validate_json(cv.result_json),
                                   CaseRequest.model_validate_json(cv.request_json), review_state(db, case, cv.number))
            record_event(db, who.user.name, "view", case=case, target=f"letter version {cv.number}",
                         criteria=cv.criteria_version)
            db.commit()
            return HTMLResponse(html, headers={"Content-Security-Policy": "default-src 'none'; style-src "
                                               "'unsafe-inline'; base-uri 'none'; form-action 'none'"})

    @app.get("/cases/{case_id}/letter")
    def letter_page(request: Request, case_id: str, version: int | None = None) -> Response:
        return letter(request, case_id, version, api=False)

    @app.get("/api/cases/{case_id}/letter")
    def letter_api(request: Request, case_id: str, version: int | None = None) -> Response:
        return letter(request, case_id, version, api=True)

    # ------------------------------------------------------------------ FHIR (Da Vinci PAS)
    @app.post("/fhir/Claim/$submit")
    async def claim_submit(request: Request) -> Response:
        with dbs() as db:
            who = _api_auth(request, db, roles=CLINICAL, change=True)
            name = who.user.name
        await _json_body(request)
        body = await request.body()
        from starlette.concurrency import run_in_threadpool

        try:
            bundle = await run_in_threadpool(_submit, intake, sessions, body, name)
        except MednecError as exc:
            outcome = {"resourceType": "OperationOutcome",
                       "issue": [{"severity": "error", "code": "invalid", "diagnostics": exc.line()}]}
            return JSONResponse(outcome, status_code=400, media_type="application/fhir+json")
        return JSONResponse(bundle, media_type="application/fhir+json")

    return app


def _submit(intake: Intake, sessions: sessionmaker, body: bytes, user: str) -> dict:
    """A PAS request Bundle -> a case version -> the ClaimResponse Bundle."""
    from mednec.fhir import import_bundle, response_bundle

    with tempfile.TemporaryDirectory(prefix="mednec-fhir-") as tmp:
        path = Path(tmp) / "bundle.json"
        write_atomic(path, body)
        folder = import_bundle(path, Path(tmp) / "case")
        from mednec import state
        from mednec.workstation.cases import store_version

        sha = state.input_sha256(folder) or ""
        result, case, html = intake.review(folder)
        bundle = response_bundle(result, case)
        with sessions() as db:
            store_version(db, result, case.request, evidence_html=html, source="fhir", input_sha256=sha, user=user)
        return bundle


def _safe_next(value: str) -> str:
    # only a path of this site: "//evil.example" or "https://..." would make the login an open redirect
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/queue"
    return value
