"""Fixtures of the renderer tests: reviewed cases, shared across the session."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import DEV_CASES
from tests.render.helpers import write_hostile_case


@pytest.fixture(scope="session")
def review(reviewer) -> Callable[[Path], tuple]:  # noqa: ANN001 - the session Reviewer
    """``review(case_dir) -> (CaseResult, LoadedCase)``, each case reviewed once per session."""
    cache: dict[str, tuple] = {}

    def run(case_dir: Path) -> tuple:
        key = str(case_dir)
        if key not in cache:
            cache[key] = reviewer.review(case_dir)
        return cache[key]

    return run


@pytest.fixture(scope="session")
def dev_case() -> Callable[[str], Path]:
    """Path of a public development case; skips when ../shared/cases is not there."""

    def get(name: str) -> Path:
        path = DEV_CASES / name
        if not (path / "request.json").is_file():
            pytest.skip(f"development case {name} not found at {path}")
        return path

    return get


@pytest.fixture(scope="session")
def hostile_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A case whose documents hold <script>, <img onerror> and HTML special characters."""
    return write_hostile_case(tmp_path_factory.mktemp("hostile") / "case")
