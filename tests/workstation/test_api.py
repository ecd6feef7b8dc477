"""The workstation's API on both engines: login, queue, review rules, audit log, conflicts."""

from __future__ import annotations

import threading

import pytest
from fastapi.testclient import TestClient

from tests.workstation.conftest import PASSWORD, login


@pytest.fixture()
def client(app):  # noqa: ANN001, ANN201
    return TestClient(app)


def test_nothing_without_login(client: TestClient) -> None:
    for path in ("/api/cases", "/api/cases/c20", "/api/cases/c20/events", "/api/cases/c20/letter"):
        assert client.get(path).status_code == 401
    assert client.post("/api/cases/c20/review", json={"row_version": 1}).status_code == 401
    assert client.post("/fhir/Claim/$submit", content=b"{}").status_code == 401
    page = client.get("/queue", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    assert client.get("/cases/c20", follow_redirects=False).status_code == 303
    assert client.post("/api/login", json={"name": "nina", "password": "wrong password"}).status_code == 401


def test_queue_orders_and_searches(client: TestClient) -> None:
    h = login(client, "nina")
    body = client.get("/api/cases", headers=h).json()
    # c12 (refer) before c20 (pend): outcome group first
    assert [c["case_id"] for c in body["cases"]] == ["c12", "c20"]
    c12 = body["cases"][0]
    assert c12["urgency"] == "expedited" and c12["due_at"].startswith("2026-02-18T13:00")  # received + 72 h
    assert c12["overdue"] is True  # the fixture was received in February 2026
    c20 = body["cases"][1]
    assert c20["due_at"].startswith("2026-02-21T14:30")  # standard: 7 calendar days
    for q, expected in (("PA-2026-000120", ["c20"]), ("test, refer", ["c12"]), ("M100000020", ["c20"]),
                        ("27075", ["c12"]), ("c1", ["c12"]), ("63307", ["c12", "c20"]), ("%", [])):
        found = [c["case_id"] for c in client.get("/api/cases", params={"q": q}, headers=h).json()["cases"]]
        assert found == expected, q


def _save(client: TestClient, h: dict, case: str, **body: object):  # noqa: ANN202
    row = client.get(f"/api/cases/{case}", headers=h).json()["row_version"]
    return client.post(f"/api/cases/{case}/review", headers=h, json={"row_version": row, **body})


def test_roles_and_audit(client: TestClient) -> None:
    nurse, doc, admin = login(client, "nina"), login(client, "paul"), login(client, "ada")
    # approving with an open criterion is refused; override needs a reason
    r = _save(client, nurse, "c20", decisions=[{"code": "63307", "decision": "approve"}])
    assert r.status_code == 400 and "B2" in r.json()["detail"]
    r = _save(client, nurse, "c20", criteria=[{"code": "63307", "criterion": "B2", "action": "override",
                                                "status": "met"}])
    assert r.status_code == 400 and "reason" in r.json()["detail"]
    r = _save(client, nurse, "c20", criteria=[{"code": "63307", "criterion": "B2", "action": "override",
                                                "status": "met", "reason": "Op note: L4 intradural lesion"}],
              note="Called the office.", decisions=[{"code": "63307", "decision": "approve"}])
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "decided"
    # nurse: no non-certification, no referred code; physician: both
    r = _save(client, nurse, "c12", decisions=[{"code": "63307", "decision": "pend"}])
    assert r.status_code == 403 and "only a physician" in r.json()["detail"]
    r = _save(client, nurse, "c12", decisions=[{"code": "27075-LT", "decision": "deny", "reason": "x"}])
    assert r.status_code == 403 and "non-certification" in r.json()["detail"]
    r = _save(client, doc, "c12", decisions=[{"code": "63307", "decision": "deny",
                                              "reason": "Lesion at another level (B2 not met)."}])
    assert r.status_code == 200, r.text
    row = client.get("/api/cases/c12", headers=doc).json()["row_version"]
    r = client.post("/api/cases/c12/review", headers=admin, json={"row_version": row, "note": "admin note"})
    assert r.status_code == 403
    assert client.get("/api/cases/c12", headers=admin).status_code == 403  # admins see no clinical data
    events = client.get("/api/cases/c20/events", headers=nurse).json()["events"]
    actions = [(e["action"], e["user"], e["outcome"]) for e in events]
    assert ("override", "nina", "ok") in actions and ("note", "nina", "ok") in actions
    assert ("decision", "nina", "ok") in actions and ("view", "nina", "ok") in actions
    override = next(e for e in events if e["action"] == "override")
    assert override["before"]["status"] == "insufficient" and override["after"]["status"] == "met"
    assert override["after"]["reason"] == "Op note: L4 intradural lesion"
    assert override["mednec_version"] and override["criteria_version"]
    refused = [e for e in client.get("/api/cases/c12/events", headers=doc).json()["events"]
               if e["outcome"] == "refused"]
    assert len(refused) == 3  # two nurse attempts and the admin's, kept in the log
    letter = client.get("/api/cases/c12/letter", headers=doc).text
    assert "paul (physician)" in letter and "not certified" in letter


def test_events_are_append_only(sessions) -> None:  # noqa: ANN001
    from sqlalchemy import text
    from sqlalchemy.exc import DatabaseError

    with sessions() as db:
        assert db.execute(text("SELECT count(*) FROM events")).scalar() >= 2
        for sql in ("UPDATE events SET user_name = 'x'", "DELETE FROM events"):
            with pytest.raises(DatabaseError, match="append-only"):
                db.execute(text(sql))
            db.rollback()


def test_concurrent_saves_one_wins(app, sessions) -> None:  # noqa: ANN001
    first = TestClient(app)
    h1, h2 = login(first, "nina"), login(first, "nora")
    row = first.get("/api/cases/c20", headers=h1).json()["row_version"]
    barrier, answers = threading.Barrier(2), {}

    def save(name: str, headers: dict, note: str) -> None:
        c = TestClient(app)
        barrier.wait()
        answers[name] = c.post("/api/cases/c20/review", headers=headers, json={"row_version": row, "note": note})

    threads = [threading.Thread(target=save, args=("nina", h1, "note from nina")),
               threading.Thread(target=save, args=("nora", h2, "note from nora"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(a.status_code for a in answers.values())
    assert codes == [200, 409], {k: (v.status_code, v.text) for k, v in answers.items()}
    loser = next(k for k, v in answers.items() if v.status_code == 409)
    assert "another reviewer" in answers[loser].json()["detail"]
    events = first.get("/api/cases/c20/events", headers=h1).json()["events"]
    saves = [(e["user"], e["outcome"]) for e in events if e["action"] == "save"]
    assert sorted(saves) == sorted([("nina", "ok" if loser == "nora" else "conflict"),
                                    ("nora", "ok" if loser == "nina" else "conflict")])
    conflict = next(e for e in events if e["outcome"] == "conflict")
    assert conflict["after"]["attempted"] == [{"action": "note", "text": f"note from {loser}"}]  # nothing lost
    notes = first.get("/api/cases/c20", headers=h1).json()["notes"]
    assert [n["by"] for n in notes] == [next(k for k in answers if k != loser)]


def test_new_version_shows_change_and_keeps_old(sessions, client: TestClient) -> None:  # noqa: ANN001
    from mednec.workstation.cases import store_version
    from tests.workstation.conftest import case_fixture

    result, request, html = case_fixture("c20")
    det = result.determinations[0]
    ev = next(c for c in det.criteria if c.evidence).evidence
    crit = tuple(c.model_copy(update={"status": "met", "evidence": ev}) if c.id == "B2" else c for c in det.criteria)
    newer = result.model_copy(update={"determinations": (det.model_copy(update={"outcome": "approve",
                                                                                 "criteria": crit}),)})
    with sessions() as db:
        store_version(db, newer, request, evidence_html=html, input_sha256="fixture-c20-v2")
        _, created = store_version(db, newer, request, evidence_html=html, input_sha256="fixture-c20-v2")
        assert not created  # same input: no new version
    h = login(client, "nina")
    case = client.get("/api/cases/c20", headers=h).json()
    assert case["version"] == 2 and case["changes"] == "63307 pend -> approve, B2 insufficient -> met"
    v1 = client.get("/api/cases/c20/versions/1", headers=h).json()
    assert v1["result"]["determinations"][0]["outcome"] == "pend"
    assert v1["result"] == result.model_dump(mode="json")


def test_users_cli(db_url: str) -> None:
    from typer.testing import CliRunner

    from mednec.cli import app

    runner = CliRunner()
    r = runner.invoke(app, ["users", "add", "zoe", "--role", "physician", "--password-stdin", "--db", db_url],
                      input=PASSWORD + "\n")
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["users", "add", "zoe", "--role", "nurse", "--password-stdin", "--db", db_url],
                      input=PASSWORD + "\n")
    assert r.exit_code == 2 and "exists" in r.output and "Traceback" not in r.output
    r = runner.invoke(app, ["users", "list", "--db", db_url])
    assert "zoe\tphysician\tactive" in r.output


def test_admin_sees_no_member_data_and_json_needs_its_type(client: TestClient) -> None:
    admin = login(client, "ada")
    cases = client.get("/api/cases", headers=admin).json()["cases"]
    assert cases and all(c["member_name"] is None and c["member_id"] is None for c in cases)
    assert client.get("/api/cases", headers=admin, params={"q": "TEST, PEND"}).json()["total"] == 0
    # a cross-site form can post text/plain, never application/json: JSON endpoints insist on the type
    r = client.post("/api/login", content=f'{{"name": "nina", "password": "{PASSWORD}"}}',
                    headers={"content-type": "text/plain"})
    assert r.status_code == 415


def test_cookie_api_needs_csrf(client: TestClient) -> None:
    r = client.post("/api/login", json={"name": "nina", "password": PASSWORD})
    token, csrf = r.json()["token"], r.json()["csrf_token"]
    client.cookies.set("mednec_session", token)
    row = client.get("/api/cases/c20").json()["row_version"]
    assert client.post("/api/cases/c20/review", json={"row_version": row, "note": "x"}).status_code == 403
    ok = client.post("/api/cases/c20/review", json={"row_version": row, "note": "x"}, headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 200


def test_assignment_and_old_versions_read_only(sessions, client: TestClient) -> None:  # noqa: ANN001
    from mednec.workstation.cases import store_version
    from tests.workstation.conftest import case_fixture

    h = login(client, "nina")
    assert _save(client, h, "c20", assignee="nora").status_code == 200
    nora = login(client, "nora")
    mine = client.get("/api/cases", headers=nora, params={"mine": "true"}).json()["cases"]
    assert [c["case_id"] for c in mine] == ["c20"] and mine[0]["assignee"] == "nora"
    assert _save(client, h, "c20", assignee="ada").status_code == 400  # an admin reviews nothing
    result, request, html = case_fixture("c20")
    with sessions() as db:
        store_version(db, result, request, evidence_html=html, input_sha256="fixture-c20-again")
    r = client.post("/api/login", json={"name": "nina", "password": PASSWORD})
    client.cookies.set("mednec_session", r.json()["token"])
    old = client.get("/cases/c20?version=1")
    assert old.status_code == 200 and "read only" in old.text and 'id="save"' not in old.text
    assert 'id="save"' in client.get("/cases/c20").text
    assert client.get("/cases/c20/versions/1/evidence").headers["x-frame-options"] == "SAMEORIGIN"
    assert client.get("/cases/nope").status_code == 404
