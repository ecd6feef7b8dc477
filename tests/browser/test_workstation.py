"""The reviewer workstation in chromium against a real ``mednec serve`` on a temporary SQLite file."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.workstation.conftest import PASSWORD, seed

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``mednec serve`` on a seeded SQLite file, on a free local port; yields its base URL."""
    from mednec.workstation.db import open_database

    db = tmp_path_factory.mktemp("ws") / "mednec.db"
    sessions = open_database(str(db))
    seed(sessions)
    sessions.kw["bind"].dispose()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = (db.parent / "server.log").open("w")
    proc = subprocess.Popen([sys.executable, "-c", "from mednec.cli import main; main()", "serve", "--db", str(db),
                             "--port", str(port)], stdout=log, stderr=subprocess.STDOUT,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("mednec serve did not start: " + (db.parent / "server.log").read_text())
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=10)
    log.close()
    text = (db.parent / "server.log").read_text()
    assert "GET /queue 200" in text  # requests are logged: method, path, status, time
    # no password, member name, searched words, note or reason in the log (PHI stays out of it)
    for secret in ("correct horse", "TEST, PEND", "TEST, REFER", "PA-2026-000120", "Spoke with the clinic",
                   "Operative note documents"):
        assert secret not in text, secret


@pytest.fixture()
def ws(browser: Any, server: str) -> Iterator[Any]:  # noqa: ANN401
    """A fresh browser context (no cookies) that may reach only the test server."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server)
    page = context.new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server) else route.abort())
    yield page
    context.close()


def _login(page: Any, name: str) -> None:  # noqa: ANN401
    page.goto("/login")
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/queue")


def test_refused_without_login(ws: Any, server: str) -> None:  # noqa: ANN401
    ws.goto("/cases/c20")
    assert "/login" in ws.url
    assert ws.request.get("/api/cases").status == 401
    assert ws.request.get("/api/cases/c20/events").status == 401
    r = ws.request.post("/cases/c20/review", form={"row_version": "1", "note": "x"}, max_redirects=0)
    assert r.status == 303 and "/login" in r.headers["location"]


def test_nurse_review_then_physician(ws: Any, artifacts: Path) -> None:  # noqa: ANN401
    _login(ws, "nina")
    rows = ws.locator("table.queue tr[data-case]")
    assert [rows.nth(i).get_attribute("data-case") for i in range(rows.count())] == ["c12", "c20"]
    assert "overdue" in ws.locator("tr[data-case=c12]").inner_text()
    ws.fill("#q", "PA-2026-000120")
    ws.click("form.search button")
    assert ws.locator("tr[data-case]").count() == 1

    ws.click("text=c20")
    ws.wait_for_url("**/cases/c20")
    ws.select_option("select[aria-label='63307 B2 review']", "override:met")
    ws.fill("input[aria-label='63307 B2 reason']", "Operative note documents an intradural L4 lesion.")
    ws.fill("#note", "Spoke with the clinic: op note attached.")
    ws.select_option("select[aria-label='63307 decision']", "approve")
    ws.click("#save")
    ws.wait_for_url("**/cases/c20?saved=1")
    ws.reload()
    row = ws.locator("tr[data-criterion=B2] td.effective")
    assert row.inner_text().lower().startswith("met overridden by nina: operative")
    assert "by nina: Operative note documents an intradural L4 lesion." in row.inner_text()
    assert "Spoke with the clinic: op note attached." in ws.locator("#notes").inner_text()
    assert "APPROVE by nina (nurse)" in ws.locator("section[data-code='63307'] .decision").inner_text().replace(
        "approve", "APPROVE")
    assert ws.locator("#case-status").inner_text() == "decided"
    ws.screenshot(path=str(artifacts / "workstation-case.png"))

    events = ws.request.get("/api/cases/c20/events").json()["events"]
    steps = {e["action"]: e for e in events if e["outcome"] == "ok"}
    assert {"view", "override", "note", "decision", "status"} <= set(steps)
    assert all(steps[a]["user"] == "nina" for a in ("override", "note", "decision", "status"))
    assert steps["override"]["before"]["status"] == "insufficient" and steps["override"]["after"]["status"] == "met"
    assert steps["decision"]["before"]["decision"] is None and steps["decision"]["after"]["decision"] == "approve"
    assert steps["status"]["before"] == {"status": "new"} and steps["status"]["after"] == {"status": "decided"}

    ws.goto("/cases/c20/letter")
    letter = ws.locator("#review-decision").inner_text()
    assert "certified by nina (nurse)" in letter
    assert "B2: insufficient -> met, by nina (nurse). Reason: Operative note documents an intradural L4 lesion." \
        in letter

    # a referred code: the nurse is refused with a clear message, and her entries are still on the page
    ws.goto("/cases/c12")
    ws.select_option("select[aria-label='63307 decision']", "pend")
    ws.fill("#note", "Trying to pend the referred code.")
    with ws.expect_response(lambda r: r.url.endswith("/cases/c12/review")) as answer:
        ws.click("#save")
    assert answer.value.status == 403
    assert "only a physician may decide it" in ws.locator("#save-error").inner_text()
    assert ws.locator("#note").input_value() == "Trying to pend the referred code."
    ws.click("header form button")  # log out
    ws.wait_for_url("**/login")

    _login(ws, "paul")
    ws.goto("/cases/c12")
    ws.select_option("select[aria-label='63307 decision']", "deny")
    ws.fill("input[aria-label='63307 decision reason']", "The lesion is at another level than the code names.")
    ws.click("#save")
    ws.wait_for_url("**/cases/c12?saved=1")
    assert "deny by paul (physician)" in ws.locator("section[data-code='63307'] .decision").inner_text()
    ws.goto("/cases/c12/letter")
    assert "not certified by paul (physician)" in ws.locator("#review-decision").inner_text()
    refused = [e for e in ws.request.get("/api/cases/c12/events").json()["events"] if e["outcome"] == "refused"]
    assert refused and refused[0]["user"] == "nina"


def test_second_save_gets_a_conflict(browser: Any, server: str) -> None:  # noqa: ANN401
    pages = []
    for name in ("nina", "nora"):
        context = browser.new_context(base_url=server)
        page = context.new_page()
        _login(page, name)
        page.goto("/cases/c12")
        pages.append(page)
    first, second = pages
    first.fill("#note", "First reviewer's note.")
    first.click("#save")
    first.wait_for_url("**/cases/c12?saved=1")
    second.fill("#note", "Second reviewer's note, written on a stale page.")
    with second.expect_response(lambda r: r.url.endswith("/cases/c12/review")) as answer:
        second.click("#save")
    assert answer.value.status == 409
    assert "another reviewer saved this case" in second.locator("#save-error").inner_text()
    assert second.locator("#note").input_value() == "Second reviewer's note, written on a stale page."
    assert "First reviewer's note." in second.locator("#notes").inner_text()  # the page shows the winner's save
    events = second.request.get("/api/cases/c12/events").json()["events"]
    saves = [(e["user"], e["outcome"]) for e in events if e["action"] == "save"]
    assert ("nina", "ok") in saves and ("nora", "conflict") in saves
    for page in pages:
        page.context.close()
