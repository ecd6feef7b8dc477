"""Contract v1.1: the optional request metadata is typed, validated and kept; a bad value is one line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from mednec.models import CaseRequest

from mednec.core.errors import RequestError
from mednec.review import read_request

META = {"authorization_id": "PA-2026-000123", "member": {"id": "M123456789", "name": "TEST, CASE"},
        "provider": {"npi": "1234567893", "name": "Orthopaedic Oncology Clinic"},
        "received_at": "2026-02-14T09:30:00-05:00", "urgency": "expedited"}


def test_metadata_is_kept() -> None:
    r = CaseRequest.model_validate({"case_id": "c1", "requested": ["27076-LT"], **META, "payer": "ignored"})
    assert r.authorization_id == "PA-2026-000123" and r.member.name == "TEST, CASE"
    assert r.provider.npi == "1234567893" and r.urgency == "expedited"
    assert r.received_at == dt.datetime(2026, 2, 14, 14, 30, tzinfo=dt.UTC)
    bare = CaseRequest.model_validate({"case_id": "c1", "requested": ["27076"]})
    assert bare.member is None and bare.received_at is None and bare.urgency is None


@pytest.mark.parametrize(("field", "value", "words"), [
    ("received_at", "2026-02-14T09:30:00", "received_at"),
    ("received_at", "soon", "received_at"),
    ("urgency", "urgent", "urgency"),
    ("provider", {"npi": "12345"}, "provider.npi"),
    ("member", {"id": "M1", "name": "A\nB"}, "member.name"),
    ("authorization_id", "", "authorization_id"),
])
def test_bad_metadata_is_one_line(tmp_path: Path, field: str, value: object, words: str) -> None:
    (tmp_path / "request.json").write_text(json.dumps({"case_id": "c1", "requested": ["27076"], field: value}))
    with pytest.raises(RequestError) as err:
        read_request(tmp_path)
    line = err.value.line()
    assert "\n" not in line and words in line
