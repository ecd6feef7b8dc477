"""The evidence view and the triage index in a real browser (issue 9, item 4)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from mednec.render.view import render_case_html
from tests.conftest import DEV_CASES
from tests.render.helpers import evidence_keys, write_hostile_case

pytestmark = pytest.mark.browser

MARKS_JS = """() => Array.from(document.querySelectorAll('mark.ev')).map(m => ({
  doc: m.dataset.document, start: +m.dataset.start, end: +m.dataset.end, part: m.dataset.part || null,
  text: m.textContent, criteria: m.dataset.criteria, bg: getComputedStyle(m).backgroundColor}))"""
IN_VIEW_JS = """(id) => { const r = document.getElementById(id).getBoundingClientRect();
  return r.bottom > 0 && r.top < window.innerHeight && r.height > 0; }"""


def _write_view(reviewer: Any, case_dir: Path, out: Path, mentions: bool = True) -> tuple[Any, Path]:
    result, case = reviewer.review(case_dir)
    texts = {d.info.id: d.text for d in case.documents}
    path = out / "view.html"
    path.write_text(render_case_html(result, texts, reviewer.read_facts(case) if mentions else None),
                    encoding="utf-8")
    return result, path


def _check_marks(page: Any, result: Any) -> None:
    marks = page.evaluate(MARKS_JS)
    by_key: dict[tuple, list[dict]] = {}
    for m in marks:
        by_key.setdefault((m["doc"], m["start"], m["end"]), []).append(m)
    for key, text in evidence_keys(result).items():
        found = by_key.get(key)
        assert found, f"evidence {key} is not a highlighted element"
        assert all(m["bg"] not in ("rgba(0, 0, 0, 0)", "transparent") for m in found), f"{key} is plain"
        if len(found) == 1:
            assert found[0]["part"] is None and found[0]["text"] == text
        else:
            parts = sorted(found, key=lambda m: int(m["part"]))
            assert "".join(m["text"] for m in parts) == text


def test_d01_view_in_chromium(page: Any, reviewer: Any, tmp_path: Path, artifacts: Path) -> None:
    d01 = DEV_CASES / "d01"
    if not d01.is_dir():
        pytest.skip(f"development case not found at {d01}")
    result, path = _write_view(reviewer, d01, tmp_path)
    page.goto(path.as_uri())
    page.wait_for_selector("html[data-view-ready='1']")
    page.screenshot(path=str(artifacts / "view_d01.png"))
    _check_marks(page, result)
    buttons = page.locator("button.crit")
    assert buttons.count() >= len([c for d in result.determinations for c in d.criteria if c.evidence])
    for i in range(buttons.count()):
        button = buttons.nth(i)
        first = button.get_attribute("data-anchors").split()[0]
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        button.click()
        target = button.get_attribute("data-target")
        assert page.evaluate(IN_VIEW_JS, first), f"{target} did not scroll to {first}"
        assert "flash" in page.get_attribute(f"#{first}", "class")
    # Activating again moves to the next passage of the same criterion.
    page.reload()
    page.wait_for_selector("html[data-view-ready='1']")
    a1 = page.locator("button.crit[data-target='27076/A1']")
    anchors = a1.get_attribute("data-anchors").split()
    a1.click()
    a1.click()
    assert page.evaluate(IN_VIEW_JS, anchors[1 % len(anchors)])
    # Keyboard: Tab reaches the criteria, Enter activates one.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    c2 = page.locator("button.crit[data-target='64712/C2']")
    c2.focus()
    page.keyboard.press("Enter")
    assert page.evaluate(IN_VIEW_JS, c2.get_attribute("data-anchors").split()[0])
    page.locator("button.crit[data-target='27076/A2']").click()
    assert page.get_attribute("button.crit[data-target='27076/A2']", "aria-pressed") == "true"
    page.screenshot(path=str(artifacts / "view_d01_selected.png"))
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('nav.panel')).position") == "static"
    page.screenshot(path=str(artifacts / "view_d01_print.png"))
    assert page.network_requests == []


def test_hostile_document_runs_no_script(page: Any, reviewer: Any, tmp_path: Path, artifacts: Path) -> None:
    case = write_hostile_case(tmp_path / "case")
    result, path = _write_view(reviewer, case, tmp_path)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    page.wait_for_selector("html[data-view-ready='1']")
    page.wait_for_timeout(200)
    assert dialogs == []
    assert page.evaluate("window.__pwned") is None
    assert page.evaluate("document.scripts.length") == 1
    assert page.evaluate("document.images.length") == 0
    assert page.evaluate("document.querySelectorAll('pre b, pre img, pre script').length") == 0
    text = page.evaluate("[...document.querySelectorAll('pre.text')].map(p => p.textContent).join(' ')")
    for words in ("<script>alert(1)</script>", "<img src=x onerror=alert(2)>", "a < b > c && d"):
        assert words in text
    assert page.title() == f"Evidence view: case {result.case_id}"
    _check_marks(page, result)
    page.locator("button.crit[data-target='27076/A2']").click()
    page.screenshot(path=str(artifacts / "view_hostile.png"))
    assert page.network_requests == []


def test_triage_index_in_chromium(page: Any, reviewer: Any, tmp_path: Path, artifacts: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import mednec.triage as triage

    if not any(DEV_CASES.glob("d0*")):
        pytest.skip(f"development cases not found at {DEV_CASES}")
    monkeypatch.setattr(triage, "_REVIEWER", reviewer, raising=False)
    cases = tmp_path / "cases"
    for d in sorted(DEV_CASES.glob("d0*")):
        shutil.copytree(d, cases / d.name)
    write_hostile_case(cases / "hostile", case_id="d09 <i>&amp; \"escaped\"")
    (cases / "unreadable").mkdir()
    out = tmp_path / "out"
    monkeypatch.chdir(tmp_path)  # relative paths keep the error row short in the screenshot
    triage.triage(Path("cases"), Path("out"), workers=1)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto((out / "index.html").as_uri())
    page.wait_for_selector("html[data-index-ready='1']")
    rows = page.locator("tbody tr")
    n = rows.count()
    assert n == len(list(cases.iterdir()))
    page.screenshot(path=str(artifacts / "index.png"), full_page=True)
    page.check("input[name=outcome][value=pend]")
    visible = page.locator("tbody tr:not([hidden])")
    assert 0 < visible.count() < n
    for i in range(visible.count()):
        assert "pend" in visible.nth(i).get_attribute("data-outcomes").split()
    page.check("input[name=outcome][value='']")
    page.select_option("#code", "63303")
    for i in range(visible.count()):
        assert "63303" in visible.nth(i).get_attribute("data-codes").split()
    page.select_option("#code", "")
    link = page.locator("td.case a").first
    link.click()
    page.wait_for_selector("html[data-view-ready='1']")
    assert page.locator("mark.ev").count() > 0
    assert dialogs == [] and page.network_requests == []
