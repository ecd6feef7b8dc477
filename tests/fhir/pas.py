"""A test helper: wrap a case folder in a Da Vinci PAS request Bundle (``Claim/$submit``)."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

KINDS = {".txt": "text/plain", ".pdf": "application/pdf", ".tif": "image/tiff", ".tiff": "image/tiff",
         ".png": "image/png", ".jpg": "image/jpeg"}
CREATED = "2026-06-01T10:00:00-04:00"


def _side_mod(side: str | None) -> list[dict]:
    return [{"coding": [{"system": "http://www.ama-assn.org/go/cpt", "code": {"left": "LT", "right": "RT"}[side]}]}] \
        if side else []


def pas_bundle(case: Path, *, binary: bool = False) -> dict:
    """The PAS request Bundle of ``case``: Claim, Patient, Practitioner, Organization and one
    DocumentReference per document (attachment inline, or in a Binary entry with ``binary``)."""
    from mednec.models import CaseRequest

    request = CaseRequest.model_validate_json((case / "request.json").read_bytes())
    raw = json.loads((case / "request.json").read_text(encoding="utf-8"))
    items = [{"sequence": i + 1, "productOrService": {"coding": [{"system": "http://www.ama-assn.org/go/cpt",
                                                                   "code": r.code}]},
              "modifier": _side_mod(r.side)} for i, r in enumerate(request.requested)]
    for item in items:
        if not item["modifier"]:
            del item["modifier"]
    patient: dict = {"resourceType": "Patient", "id": "pat1",
                     "identifier": [{"system": "urn:plan:member", "value": "M0001"}],
                     "name": [{"family": "TEST", "given": ["CASE"]}]}
    if request.patient and request.patient.sex:
        patient["gender"] = {"F": "female", "M": "male"}.get(request.patient.sex, "unknown")
    if request.patient and request.patient.age is not None:
        patient["birthDate"] = f"{2026 - request.patient.age}-01-01"
    entries: list[dict] = [
        {"resourceType": "Claim", "id": "claim1", "status": "active",
         "identifier": [{"system": "urn:plan:auth", "value": raw.get("authorization_id") or f"PA-{request.case_id}"}],
         "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/claim-type", "code": "professional"}]},
         "use": "preauthorization", "patient": {"reference": "Patient/pat1"}, "created": CREATED,
         "insurer": {"reference": "Organization/payer1"}, "provider": {"reference": "Practitioner/prov1"},
         "priority": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/processpriority",
                                  "code": "normal"}]},
         "insurance": [{"sequence": 1, "focal": True, "coverage": {"display": "plan coverage"}}],
         "item": items},
        patient,
        {"resourceType": "Practitioner", "id": "prov1",
         "identifier": [{"system": "http://hl7.org/fhir/sid/us-npi", "value": "1234567893"}],
         "name": [{"family": "SURGEON", "given": ["A"]}]},
        {"resourceType": "Organization", "id": "payer1", "name": "Health Plan"},
    ]
    for n, doc in enumerate(sorted(p for p in case.iterdir() if p.suffix.lower() in KINDS)):
        data = base64.b64encode(doc.read_bytes()).decode("ascii")
        m = re.search(r"(\d{4}-\d{2}-\d{2})", doc.stem)
        attachment: dict = {"contentType": KINDS[doc.suffix.lower()], "title": doc.stem}
        if binary:
            entries.append({"resourceType": "Binary", "id": f"bin{n}", "contentType": attachment["contentType"],
                            "data": data})
            attachment["url"] = f"Binary/bin{n}"
        else:
            attachment["data"] = data
        ref = {"resourceType": "DocumentReference", "id": f"doc{n}", "status": "current",
               "subject": {"reference": "Patient/pat1"}, "content": [{"attachment": attachment}]}
        if m:
            ref["date"] = f"{m.group(1)}T00:00:00Z"
        entries.append(ref)
    return {"resourceType": "Bundle", "type": "collection",
            "entry": [{"fullUrl": f"http://example.org/fhir/{e['resourceType']}/{e['id']}", "resource": e}
                      for e in entries]}
