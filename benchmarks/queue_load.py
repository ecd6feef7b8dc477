"""Queue load: 10,000 cases in a SQLite workstation database; list and search page times.

Synthetic queue rows (one stored version each, a small result JSON) are enough: the queue reads
only the ``cases`` table. Every page is asked for through the whole app (routing, login check,
query, template) with a logged-in session, several times; the median and the slowest are printed.

    .venv/bin/python benchmarks/queue_load.py [--cases 10000] [--repeat 20]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CODES = ("27075", "27076", "27077", "27078", "63303", "63307", "64712", "64713", "64714")
OUTCOMES = ("approve", "pend", "refer")
STATUSES = ("new", "in_review", "pended", "decided")
PASSWORD = "benchmark password"


def fill(sessions, n: int) -> None:  # noqa: ANN001 - sessionmaker
    """Insert ``n`` synthetic cases (one version each) in one transaction."""
    from sqlalchemy import insert

    from mednec.workstation.db import OUTCOME_RANK, Case, CaseVersion, utcnow

    rng = random.Random(17)
    now = utcnow()
    cases, versions = [], []
    for i in range(n):
        outcome = rng.choice(OUTCOMES)
        code = rng.choice(CODES)
        received = now - dt.timedelta(hours=rng.randint(0, 24 * 10))
        urgency = "expedited" if rng.random() < 0.2 else "standard"
        due = received + (dt.timedelta(hours=72) if urgency == "expedited" else dt.timedelta(days=7))
        cases.append(dict(id=i + 1, case_id=f"case-{i:05d}", authorization_id=f"PA-2026-{i:06d}",
                          member_id=f"M{100000000 + i}", member_name=f"MEMBER{i % 997}, TEST",
                          provider_npi="1234567893", provider_name="Clinic", received_at=received, urgency=urgency,
                          due_at=due, codes=f"{code} {code}-LT", outcome=outcome, outcome_rank=OUTCOME_RANK[outcome],
                          outcomes=f"{code}-LT:{outcome}", status=rng.choice(STATUSES), current_version=1,
                          change_summary="", row_version=1, created_at=received, updated_at=received))
        versions.append(dict(case_pk=i + 1, number=1, source="triage", input_sha256="", request_json="{}",
                             result_json=f'{{"case_id": "case-{i:05d}"}}', evidence_html="", mednec_version="0.1.0",
                             criteria_version="1.0", change_summary="", created_at=received))
    with sessions() as db:
        db.execute(insert(Case), cases)
        db.execute(insert(CaseVersion), versions)
        db.commit()


def timed(client, url: str, repeat: int) -> tuple[float, float, int]:  # noqa: ANN001 - TestClient
    """Median and slowest answer time (ms) of ``url``, and its status."""
    client.get(url)  # first call: caches warm
    times = []
    status = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        status = client.get(url).status_code
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), max(times), status


def main() -> None:
    """Fill a temporary database and print the page times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")

    from fastapi.testclient import TestClient

    from mednec.workstation.app import create_app
    from mednec.workstation.auth import add_user
    from mednec.workstation.db import open_database

    with tempfile.TemporaryDirectory() as tmp:
        sessions = open_database(str(Path(tmp) / "mednec.db"))
        t0 = time.perf_counter()
        fill(sessions, args.cases)
        with sessions() as db:
            add_user(db, "bench", "nurse", PASSWORD)
        print(f"{args.cases} cases inserted in {time.perf_counter() - t0:.1f} s (SQLite, {tmp})")
        client = TestClient(create_app(sessions))
        token = client.post("/api/login", json={"name": "bench", "password": PASSWORD}).json()["token"]
        client.cookies.set("mednec_session", token)
        pages = [
            ("queue page 1 (open cases)", "/queue"),
            ("queue page 50", "/queue?page=50"),
            ("queue, all statuses", "/queue?status=all"),
            ("queue, overdue only", "/queue?overdue=1"),
            ("search: authorization id", "/queue?q=PA-2026-004321"),
            ("search: member name", "/queue?q=member42,"),
            ("search: member id", "/queue?q=M100009876"),
            ("search: code", "/queue?q=63307"),
            ("search: case id", "/queue?q=case-07777"),
            ("API list (JSON)", "/api/cases"),
            ("API search (JSON)", "/api/cases?q=PA-2026-000123"),
        ]
        worst = 0.0
        print(f"{'page':32} {'median ms':>10} {'max ms':>8}  status")
        for label, url in pages:
            median, slowest, status = timed(client, url, args.repeat)
            worst = max(worst, median)
            print(f"{label:32} {median:10.1f} {slowest:8.1f}  {status}")
        print(f"slowest median: {worst:.1f} ms ({'under' if worst < 200 else 'OVER'} the 200 ms budget)")
        sessions.kw["bind"].dispose()


if __name__ == "__main__":
    main()
