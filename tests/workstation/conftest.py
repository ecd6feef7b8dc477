"""Workstation fixtures: a database on SQLite and on a throwaway PostgreSQL, seeded users and cases.

``db_url`` is parametrized over both engines, so every database test runs twice. PostgreSQL is
started once per session with ``initdb``/``pg_ctl`` in a temporary folder (as the ``postgres``
user when the tests run as root, since the server refuses to run as root) and each test gets a
fresh database on it. The PostgreSQL half is skipped, with the reason, only when no ``initdb``
can be found.
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import CORPUS_CASES

DATA = Path(__file__).parent / "data"
PASSWORD = "correct horse battery"
USERS = {"nina": "nurse", "paul": "physician", "ada": "admin", "nora": "nurse"}


def _find_pg_bin() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    for cand in sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True):
        return cand.parent
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A throwaway PostgreSQL server for the session: yields its base URL (no database name)."""
    pg_bin = _find_pg_bin()
    if pg_bin is None:
        pytest.skip("PostgreSQL is not installed (no initdb on PATH or in /usr/lib/postgresql/*/bin); "
                    "scripts/apt-deps.sh installs it")
    tmp = Path(tempfile.mkdtemp(prefix="mednec-pg-"))
    data = tmp / "data"
    prefix: list[str] = []
    if os.geteuid() == 0:  # initdb and postgres refuse to run as root
        prefix = ["runuser", "-u", "postgres", "--"] if shutil.which("runuser") else []
        shutil.chown(tmp, "postgres")
        tmp.chmod(0o700)
    port = _free_port()
    run = {"check": True, "capture_output": True, "timeout": 120}
    subprocess.run([*prefix, str(pg_bin / "initdb"), "-D", str(data), "-U", "mednec", "--auth=trust",
                    "-E", "UTF8", "--no-sync"], **run)
    opts = f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    subprocess.run([*prefix, str(pg_bin / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(tmp / "log"),
                    "-w", "start"], **run)
    try:
        yield f"postgresql+psycopg://mednec@127.0.0.1:{port}"
    finally:
        subprocess.run([*prefix, str(pg_bin / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(tmp, ignore_errors=True)


_COUNTER = itertools.count()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database URL on each engine."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'mednec.db'}"
    base = request.getfixturevalue("postgres_server")
    import psycopg

    name = f"t{os.getpid()}_{next(_COUNTER)}"
    with psycopg.connect(base.replace("postgresql+psycopg", "postgresql") + "/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return f"{base}/{name}"


@functools.cache
def _reviewed(name: str):  # noqa: ANN202 - (CaseResult, html)
    # reviewed once per session from the corpus case itself, so the stored result always matches
    # the current rules (no frozen copy to regenerate)
    from mednec.workstation.intake import Intake

    result, _, html = Intake().review(CORPUS_CASES / name)
    return result, html


def case_fixture(name: str):  # noqa: ANN201 - (CaseResult, CaseRequest, html)
    """A review of a corpus case (result, request with v1.1 metadata, evidence view)."""
    from mednec.models import CaseRequest

    result, html = _reviewed(name)
    return result, CaseRequest.model_validate(json.loads((DATA / name / "request.json").read_text())), html


def seed(sessions) -> None:  # noqa: ANN001 - sessionmaker
    """Users nina (nurse), nora (nurse), paul (physician), ada (admin); cases c20 (pend) and c12 (pend + refer)."""
    from mednec.workstation.auth import add_user
    from mednec.workstation.cases import store_version

    with sessions() as db:
        for name, role in USERS.items():
            add_user(db, name, role, PASSWORD)
        for case in ("c20", "c12"):
            result, request, html = case_fixture(case)
            store_version(db, result, request, evidence_html=html, input_sha256=f"fixture-{case}")


@pytest.fixture()
def sessions(db_url: str):  # noqa: ANN201 - sessionmaker
    """A migrated, seeded database (both engines)."""
    from mednec.workstation.db import open_database

    factory = open_database(db_url)
    seed(factory)
    yield factory
    factory.kw["bind"].dispose()


@pytest.fixture()
def app(sessions):  # noqa: ANN001, ANN201 - the FastAPI app over the seeded database
    from mednec.workstation.app import create_app

    return create_app(sessions)


def login(client, name: str) -> dict[str, str]:  # noqa: ANN001 - TestClient
    """Bearer headers of a fresh API session for ``name``."""
    r = client.post("/api/login", json={"name": name, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}
