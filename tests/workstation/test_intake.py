"""Intake with the real pipeline: triage --db twice (a document arrives), a zipped upload, a PAS Bundle."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.workstation.conftest import login

CORPUS = Path(__file__).resolve().parents[2] / "corpora" / "cases"


@pytest.fixture(scope="module")
def intake():  # noqa: ANN201 - one pipeline for the module
    from mednec.workstation.intake import Intake

    return Intake()


def test_triage_twice_makes_a_second_version(db_url: str, tmp_path: Path) -> None:
    from mednec.cli import app

    cases = tmp_path / "cases"
    shutil.copytree(CORPUS / "c20", cases / "c20")
    (cases / "c20" / "gold.json").unlink(missing_ok=True)
    run = CliRunner()
    r = run.invoke(app, ["triage", str(cases), "-o", str(tmp_path / "out"), "-w", "1", "--db", db_url])
    assert r.exit_code == 0, r.output
    assert "1 new case versions stored" in r.output
    r = run.invoke(app, ["triage", str(cases), "-o", str(tmp_path / "out"), "-w", "1", "--db", db_url])
    assert "0 new case versions stored, 1 unchanged" in r.output  # same input, no new version
    (cases / "c20" / "mri_addendum.txt").write_text(
        "MRI LUMBAR SPINE ADDENDUM\nDate of service: 03/02/2026\n\nIMPRESSION: Intradural extramedullary "
        "enhancing mass at L4, compressing the cauda equina.\n", encoding="utf-8")
    r = run.invoke(app, ["triage", str(cases), "-o", str(tmp_path / "out"), "-w", "1", "--db", db_url])
    assert "1 new case versions stored" in r.output, r.output

    from sqlalchemy import select

    from mednec.workstation.db import CaseVersion, open_database
    from mednec.workstation.queue import list_cases

    sessions = open_database(db_url)
    with sessions() as db:
        (case,) = list_cases(db).cases
        assert case.current_version == 2
        assert case.change_summary.startswith("new document: mri_addendum.txt")
        v1, v2 = db.scalars(select(CaseVersion).order_by(CaseVersion.number)).all()
        assert "mri_addendum.txt" not in v1.result_json and "mri_addendum.txt" in v2.result_json
        assert json.loads(v1.result_json)["case_id"] == "c20" and v1.change_summary == ""
        assert v2.mednec_version and v2.criteria_version
    sessions.kw["bind"].dispose()


def _zip(folder: Path) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for p in sorted(folder.iterdir()):
            if p.name != "gold.json":
                zf.write(p, f"{folder.name}/{p.name}")
    return buf.getvalue()


def test_upload_zip_and_fhir_submit(sessions, intake) -> None:  # noqa: ANN001
    from mednec.workstation.app import create_app
    from tests.fhir.pas import pas_bundle

    client = TestClient(create_app(sessions, intake=intake))
    h = login(client, "nina")
    r = client.post("/api/cases", headers=h, files={"file": ("c04.zip", _zip(CORPUS / "c04"), "application/zip")})
    assert r.status_code == 201, r.text
    assert r.json()["case_id"] == "c04" and r.json()["version"] == 1
    r = client.post("/api/cases", headers=h, files={"file": ("c04.zip", _zip(CORPUS / "c04"), "application/zip")})
    assert r.status_code == 200 and r.json()["created"] is False
    bad = client.post("/api/cases", headers=h, files={"file": ("x.zip", b"not a zip", "application/zip")})
    assert bad.status_code == 400 and "not a zip" in bad.json()["detail"]
    evil = io.BytesIO()
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("../request.json", "{}")
    bad = client.post("/api/cases", headers=h, files={"file": ("x.zip", evil.getvalue(), "application/zip")})
    assert bad.status_code == 400 and "outside" in bad.json()["detail"]

    bundle = pas_bundle(CORPUS / "c01")
    r = client.post("/fhir/Claim/$submit", headers=h, json=bundle)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["resourceType"] == "Bundle"
    assert any(e["resource"]["resourceType"] == "ClaimResponse" for e in out["entry"])
    queue = client.get("/api/cases", headers=h, params={"q": "M0001"}).json()["cases"]
    assert len(queue) == 1 and queue[0]["member_id"] == "M0001"
    bad = client.post("/fhir/Claim/$submit", headers=h, json={"resourceType": "Bundle", "entry": []})
    assert bad.status_code == 400 and bad.json()["resourceType"] == "OperationOutcome"
