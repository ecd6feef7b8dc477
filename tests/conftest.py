"""Shared fixtures: the pipeline and the reviewer are built once per test session."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEV_CASES = SHARED / "cases"
CORPUS_CASES = ROOT / "corpora" / "cases"


@pytest.fixture(scope="session")
def nlp():
    """mednec's NLP pipeline."""
    from mednec.pipeline import build

    return build()


@pytest.fixture(scope="session")
def reviewer():
    """A Reviewer (pipeline and criteria loaded once)."""
    from mednec.review import Reviewer

    return Reviewer()


@pytest.fixture(scope="session")
def facts_of(nlp):
    """Facts of a short text read as a document of the given type."""
    from mednec.pipeline import extract_facts

    def run(text: str, doc_type: str = "imaging", date: dt.date | None = dt.date(2026, 1, 10)):
        return extract_facts(nlp(text), "doc.txt", doc_type, date)

    return run
