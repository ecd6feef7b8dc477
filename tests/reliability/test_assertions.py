"""A criterion is never ``met`` from a negated, hypothetical or family-history mention.

A minimal case (an MRI, a pathology report and a clinic note that support no criterion)
gets one generated sentence about a finding. For each finding, the affirmed sentence
must make its criterion ``met`` (the control: the finding is read at all); the negated,
hypothetical and family-history sentences about it must not.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mednec.review import LoadedCase
from tests.reliability.fuzz import loaded_case

IMAGING = (
    "MRI PELVIS WITH AND WITHOUT CONTRAST\nDate of service: 01/08/2026\n\nFINDINGS:\n"
    "Marrow signal of the right hemipelvis is normal. {sentence}\n\nIMPRESSION:\nStudy reviewed.\n"
)
PATHOLOGY = (
    "SURGICAL PATHOLOGY REPORT\nDate of service: 10/24/2025\n\nSPECIMEN: Left ilium, core needle biopsy."
    "\n\nDIAGNOSIS:\n{sentence}\n"
)
NOTE = (
    "ORTHOPAEDIC ONCOLOGY CONSULTATION\nDate of service: 01/13/2026\n\nHISTORY: 19-year-old woman with "
    "left hip pain.\n\nPLAN:\n{sentence}\n"
)
REQUESTED = [("27076", "left"), ("64712", "left"), ("63303", None)]


@dataclass(frozen=True)
class Finding:
    """A noun phrase that, affirmed in document ``where``, makes ``criterion`` of ``code`` met."""

    code: str
    criterion: str
    where: str  # imaging, pathology or note
    phrase: str


FINDINGS = [
    Finding("27076", "A2", "imaging", "tumor abutting the left acetabular roof"),
    Finding("64712", "C1", "imaging", "tumor encasing the left sciatic nerve"),
    Finding("64712", "C1", "imaging", "tumor contacting the left L5 and S1 nerve roots"),
    Finding("27076", "A1", "pathology", "high-grade conventional osteosarcoma of the left ilium"),
    Finding("27076", "A3", "note", "en bloc resection of the left ilium with wide margins"),
]
AFFIRMED = ["There is {np}.", "{Np}.", "{Np} is present.", "She has {np}."]
NEGATED = [
    "{Np}: absent.",  # a templated line answering its own label
    "No {np}.",
    "There is no {np}.",
    "No evidence of {np}.",
    "Negative for {np}.",
    "{Np} is not seen.",
    "{Np} was ruled out.",
    "Without {np}.",
    "Denies {np}.",
    "{Np} is absent.",
    "There is no sign of {np}.",
]
HYPOTHETICAL = [
    "Should {np} develop, she will return.",
    "If {np} is found, surgery will be discussed.",
    "Return to clinic if {np} is suspected.",
    "We will consider surgery in case of {np}.",
    "In the event of {np}, she will return.",
    "Should there be {np}, we will operate.",
]
FAMILY = [
    "Mother had {np}.",
    "Family history of {np} in her father.",
    "Her father had {np}.",
    "Family history: maternal aunt with {np}.",
    "Her brother was diagnosed with {np}.",
]
# Found by this suite and reported to the pipeline owners; strict, so a fix turns them green.


def _sentence(template: str, phrase: str) -> str:
    return template.format(np=phrase, Np=phrase[0].upper() + phrase[1:])


def case_with(finding: Finding, sentence: str) -> LoadedCase:
    """The minimal case with ``sentence`` in the finding's document."""
    texts = {"imaging": "", "pathology": "Pending.", "note": "Follow up in clinic."}
    texts[finding.where] = sentence
    return loaded_case(
        [
            IMAGING.format(sentence=texts["imaging"]),
            PATHOLOGY.format(sentence=texts["pathology"]),
            NOTE.format(sentence=texts["note"]),
        ],
        REQUESTED,
    )


def status(reviewer, finding: Finding, sentence: str) -> str | None:  # noqa: ANN001
    """The status of the finding's criterion in the minimal case with ``sentence``."""
    result = reviewer.review_loaded(case_with(finding, sentence))
    return {(d.code, c.id): c.status for d in result.determinations for c in d.criteria}.get(
        (finding.code, finding.criterion)
    )


def test_minimal_case_supports_nothing(reviewer) -> None:  # noqa: ANN001
    result = reviewer.review_loaded(case_with(FINDINGS[0], ""))
    assert not [c.id for d in result.determinations for c in d.criteria if c.status == "met"]


@pytest.mark.parametrize("finding", FINDINGS, ids=lambda f: f"{f.code}-{f.criterion}-{f.phrase[:20]}")
@pytest.mark.parametrize("template", AFFIRMED)
def test_affirmed_finding_is_met(reviewer, finding: Finding, template: str) -> None:  # noqa: ANN001
    assert status(reviewer, finding, _sentence(template, finding.phrase)) == "met"


@settings(
    derandomize=True,
    deadline=None,
    max_examples=150,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    finding=st.sampled_from(FINDINGS),
    template=st.sampled_from(NEGATED + HYPOTHETICAL + FAMILY),
    before=st.sampled_from(["", "Clinically stable. ", "Reviewed with the patient. "]),
    shout=st.booleans(),
)
def test_negated_hypothetical_or_family_mention_is_never_met(
    reviewer,
    finding: Finding,
    template: str,  # noqa: ANN001
    before: str,
    shout: bool,
) -> None:
    sentence = before + _sentence(template, finding.phrase)
    if shout:
        sentence = sentence.upper()
    assert status(reviewer, finding, sentence) != "met", sentence


def test_family_and_negation_in_a_real_chart_do_not_add_criteria(reviewer, tmp_path: Path) -> None:  # noqa: ANN001
    """d01 with every imaging report replaced by a negated one: A2 (acetabulum) is not met."""
    from tests.reliability.conftest import D01, make_case

    if not D01.is_dir():
        pytest.skip("../shared/cases/d01 is not available")
    case = make_case(tmp_path, "neg", requested=["27076-LT"])
    for mri in case.glob("mri_*.txt"):
        mri.write_text(
            IMAGING.format(
                sentence="No tumor abutting the left acetabular roof. Her mother had tumor "
                "abutting the left acetabular roof."
            ),
            encoding="utf-8",
        )
    result, _ = reviewer.review(case)
    crit = {c.id: c.status for c in result.determinations[0].criteria}
    assert crit["A2"] != "met"
