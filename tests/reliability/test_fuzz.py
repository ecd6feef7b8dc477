"""Fuzzing: hostile and mutated clinical text through the pipeline and the criteria.

Properties, for every generated case: ``Reviewer.review_loaded`` raises nothing; every
evidence span is the exact words of its document (``text == document[start:end]``); the
result is a valid CONTRACT object that survives a JSON round trip, with one determination
per requested code in request order. Derandomized and bounded, so CI is deterministic
and fast.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import random
import string
import sys
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mednec.models import CaseResult, EvidenceSpan

from mednec.review import LoadedCase, result_json
from tests.reliability.conftest import d01_texts, needs_d01
from tests.reliability.fuzz import fuzz_text, loaded_case, mutated_text, requested

pytestmark = needs_d01
FUZZ = settings(
    derandomize=True,
    deadline=None,
    max_examples=60,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)


def _spans(result: CaseResult) -> list[EvidenceSpan]:
    spans = [e for d in result.determinations for c in d.criteria for e in c.evidence]
    spans += [e for d in result.determinations for s in d.supporting for e in s.evidence]
    return spans + [e for c in result.caveats for e in c.evidence]


def check(reviewer, case: LoadedCase) -> CaseResult:  # noqa: ANN001 - Reviewer
    """Review ``case`` and assert the properties of the module docstring."""
    result = reviewer.review_loaded(case)
    texts = {d.info.id: d.text for d in case.documents}
    for span in _spans(result):
        assert span.text == texts[span.document][span.start : span.end], span
    CaseResult.model_validate(result.model_dump(), context={"texts": texts})
    assert CaseResult.model_validate_json(result_json(result)) == result
    assert [(d.code, d.side) for d in result.determinations] == [
        (r.code, r.side) for r in case.request.requested
    ]
    for det in result.determinations:
        assert det.outcome in {"approve", "pend", "refer"}
        for crit in det.criteria:
            assert crit.status in {"met", "not_met", "insufficient"}
            assert crit.status == "insufficient" or crit.evidence
    return result


@FUZZ
@given(texts=st.lists(fuzz_text, min_size=1, max_size=3), codes=requested)
def test_random_clinical_text(reviewer, texts: list[str], codes: list) -> None:  # noqa: ANN001
    check(reviewer, loaded_case(texts, codes))


@settings(FUZZ, max_examples=40)
@given(texts=st.lists(mutated_text(), min_size=1, max_size=3), codes=requested)
def test_mutated_d01_documents(reviewer, texts: list[str], codes: list) -> None:  # noqa: ANN001
    check(reviewer, loaded_case(texts, codes))


@settings(FUZZ, max_examples=25)
@given(noise=fuzz_text, codes=requested)
def test_noise_beside_the_real_chart(reviewer, noise: str, codes: list) -> None:  # noqa: ANN001
    check(reviewer, loaded_case([*d01_texts().values(), noise], codes))


def test_edge_texts(reviewer) -> None:  # noqa: ANN001
    """Fixed extremes: a huge repeated token, a bracket tower, only controls, only a header."""
    for text in [
        "a" * 20_000,
        "(" * 300 + "osteosarcoma" + ")" * 300,
        "\x00\x01\x02\x1b[31m\x7f" * 100,
        "IMPRESSION:",
        "\ufeff\u200b\u2028\u2029",
        "No.\n" * 3000,
        "left " * 20000,
        "\r\n" * 5000,
    ]:
        check(reviewer, loaded_case([text], [("27076", "left"), ("64712", "left"), ("63303", None)]))


def _bounded(fn: Callable[[], object], seconds: float, memory_mb: int) -> str:
    """Run ``fn`` in a forked child with a time and memory limit: "ok", "timeout" or "failed"."""
    ctx = mp.get_context("fork")

    def body() -> None:
        import resource

        with open("/proc/self/statm", encoding="ascii") as fh:
            size = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        hard = resource.getrlimit(resource.RLIMIT_AS)[1]
        limit = size + memory_mb * 2**20
        resource.setrlimit(
            resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard)
        )
        try:
            fn()
        except BaseException:  # noqa: BLE001 - MemoryError or a failed check: reported by the exit code
            os._exit(3)

    proc = ctx.Process(target=body)
    proc.start()
    proc.join(seconds)
    if proc.is_alive():
        proc.kill()
        proc.join()
        return "timeout"
    return "ok" if proc.exitcode == 0 else "failed"


HOSTILE = {
    # each was once a resource bug found by this suite: the abbreviation matcher was
    # superlinear in bracket runs (11 s), the OCR-damage linker cubic in the length of a
    # token of distinct letters (0.7 GB at 1,000 letters, out of memory at 3,000)
    "bracket_tower_3000": "(" * 1500 + "osteosarcoma" + ")" * 1500,
    "base64_like_blob": "".join(random.Random(1).choices(string.ascii_letters + "0123456789+/", k=3000)),
    "random_token_2500": "".join(random.Random(0).choices(string.ascii_lowercase, k=2500)),
    "alternating_token_3000": "ab" * 1500,
    "ascii_rule_4000": "=-" * 2000,
}


@pytest.mark.skipif(sys.platform != "linux", reason="fork and RLIMIT_AS")
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_texts_stay_bounded(reviewer, name: str) -> None:  # noqa: ANN001
    """A few thousand hostile characters review in seconds and modest memory, like any text."""
    reviewer.nlp  # noqa: B018 - built before the fork
    case = loaded_case([f"IMPRESSION: {HOSTILE[name]} mass."], [("27076", "left")])
    assert _bounded(lambda: check(reviewer, case), seconds=10, memory_mb=1024) == "ok"
