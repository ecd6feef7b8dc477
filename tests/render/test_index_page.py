"""OUT/index.html: the review queue page of a triage run."""

from __future__ import annotations

import csv
import html as htmllib
import re
import shutil
from pathlib import Path

from mednec.render.index import case_rows, render_index
from tests.render.helpers import write_hostile_case

ROWS = [
    {"case_id": "c-2", "code": "27076", "side": "left", "outcome": "approve", "criteria_met": "5",
     "criteria_total": "5", "missing": "", "error": ""},
    {"case_id": "c-1", "code": "63303", "side": "", "outcome": "pend", "criteria_met": "3",
     "criteria_total": "4", "missing": "Pathology <report> & more | ECOG", "error": ""},
    {"case_id": "c-1", "code": "27076", "side": "right", "outcome": "refer", "criteria_met": "4",
     "criteria_total": "5", "missing": "", "error": ""},
    {"case_id": "x<script>alert(1)</script>", "code": "", "side": "", "outcome": "", "criteria_met": "",
     "criteria_total": "", "missing": "", "error": "[E101] x: request.json is not valid JSON <b>"},
]


def test_cases_in_queue_order() -> None:
    cases = case_rows(ROWS)
    assert [c.case_id for c in cases] == ["x<script>alert(1)</script>", "c-1", "c-2"]
    assert [c.outcome for c in cases] == ["error", "refer", "approve"]
    assert cases[1].outcomes == "refer pend" and [c.label for c in cases[1].codes] == ["27076-RT", "63303"]
    assert cases[1].codes[1].missing == ["Pathology <report> & more", "ECOG"]


def test_index_is_escaped_self_contained_and_filterable(tmp_path: Path) -> None:
    (tmp_path / "c-1.html").write_text("view", encoding="utf-8")
    page = render_index(ROWS, tmp_path)
    body = page.split("<body>", 1)[1].rsplit("<script>", 1)[0]
    assert "<script" not in body and "JSON <b>" not in body and "JSON &lt;b&gt;" in body
    assert htmllib.escape("x<script>alert(1)</script>") in body
    assert 'href="c-1.html"' in page and 'href="c-2.html"' not in page  # no view, no link
    assert 'name="outcome" value="refer"' in page and '<option value="63303">' in page
    assert 'data-outcomes="refer pend"' in page and 'data-codes="27076 63303"' in page
    assert re.search(r"script-src 'sha256-", htmllib.unescape(page)) and page.count("<script>") == 1
    assert not re.search(r"\b(src|href)=\"(https?:)?//", page)


def test_triage_writes_the_index(reviewer, dev_case, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    import mednec.triage as triage

    monkeypatch.setattr(triage, "_REVIEWER", reviewer, raising=False)
    cases = tmp_path / "cases"
    shutil.copytree(dev_case("d03"), cases / "d03")
    write_hostile_case(cases / "hostile", case_id="hostile&1")
    (cases / "broken").mkdir()
    out = tmp_path / "out"
    triage.triage(cases, out, workers=1)
    page = (out / "index.html").read_text(encoding="utf-8")
    rows = list(csv.DictReader((out / "triage.csv").open(encoding="utf-8")))
    assert {r["case_id"] for r in rows} == {"d03", "hostile&1", "broken"}
    assert 'href="d03.html"' in page and 'href="hostile%261.html"' in page
    assert (out / "hostile&1.html").is_file()
    order = [m for m in re.findall(r'<tr data-case="([^"]+)"', page)]
    assert order[0] == "broken"  # errors first, as in triage.csv
