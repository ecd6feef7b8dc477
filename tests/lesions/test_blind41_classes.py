"""Classes found by the blind41 batch (first run 0.794 / 1 false approval), each in our own words, with
rows where the outcome must not move: a pathology "complement" or "revised conclusion" and an
electrodiagnostic "revised impression" are addenda; an addendum restates a nerve whichever of its words
it uses; a French-speaking centre's board ("RCP", "concertation") is a tumor board; a nerve "lesion"
described in electrodiagnostic words is the nerve's injury, not a tumor.
"""

from __future__ import annotations

import pytest

from tests.lesions.charts import FAMILY_A, outcomes, write_case

PATH_REVISED = ("ANATOMOPATHOLOGY REPORT\nDate of service: 01/05/2026\nSpecimen: left iliac bone, biopsy.\n"
                "Conclusion: cartilaginous tumour, appearance of a grade 1 chondrosarcoma.\n\n{heading}\n"
                "Review by the reference network: benign cellularity, no permeation.\n{label} ENCHONDROMA of the "
                "left ilium. No criteria of malignancy.\n")


@pytest.mark.parametrize(("heading", "label", "a1"), [
    ("COMPLEMENT - 01/20/2026", "REVISED CONCLUSION:", "not_met"),
    ("Additional comment", "Revised conclusion:", "not_met"),
    # no revision: the first conclusion stands
    ("Comment", "Differential:", "met"),
])
def test_a_revised_conclusion_replaces_the_first(reviewer, tmp_path, heading, label, a1):
    docs = {**{k: v for k, v in FAMILY_A.items() if not k.startswith("path")},
            "path_2026-01-05.txt": PATH_REVISED.format(heading=heading, label=label)}
    got = outcomes(reviewer, write_case(tmp_path, "a", ["27075-LT"], docs))
    assert got["27075"][1]["A1"] == a1, got


EMG = ("ELECTROMYOGRAPHY AND NERVE CONDUCTION STUDY\nDate of study: 05/27/2026\nIMPRESSION: Reduced right peroneal "
       "CMAP with denervation of the biceps femoris short head. Right sciatic neuropathy at the mid-thigh, peroneal "
       "division predominant.\n\nADDENDUM 06/27/2026\nRepeat testing at supramaximal stimulation is symmetric.\n"
       "{revision}\n")
NOTE = ("PM&R NOTE\nDate of service: 07/01/2026\nRight posterior thigh pain and numbness in the sciatic distribution. "
        "Physical therapy for 10 weeks and gabapentin without relief.\nPlan: right sciatic neurolysis.\n")


@pytest.mark.parametrize(("revision", "c2"), [
    ("REVISED IMPRESSION: Normal study. No electrodiagnostic evidence of right sciatic mononeuropathy.", "not_met"),
    ("REVISED IMPRESSION: No electrophysiological argument for a focal lesion of the right sciatic nerve.",
     "not_met"),
    ("The impression is unchanged.", "met"),
])
def test_an_electrodiagnostic_addendum_takes_back_the_nerve(reviewer, tmp_path, revision, c2):
    docs = {"emg_2026-05-27.txt": EMG.format(revision=revision), "note_2026-07-01.txt": NOTE}
    got = outcomes(reviewer, write_case(tmp_path, "c", ["64712-RT"], docs))
    assert got["64712"][1]["C2'"] == c2, got


@pytest.mark.parametrize(("title", "doc_type"), [
    ("MULTIDISCIPLINARY CONSULTATION MEETING (RCP) - BONE SARCOMAS", "tumor_board"),
    ("CONCERTATION ONCOLOGIQUE MULTIDISCIPLINAIRE (COM) - SARCOMAS    14/01/2026", "tumor_board"),
    ("MRI PELVIS", "imaging"),
])
def test_a_french_speaking_board_is_a_tumor_board(title, doc_type):
    from mednec.pipeline.doctype import infer_type

    assert infer_type(title + "\nPatient: S. A., 24 y.\nRestaging MRI: decrease of the mass.\n") == doc_type


@pytest.mark.parametrize(("text", "relation"), [
    ("The EMG confirms an axonal lower trunk/medial cord lesion.", "neuropathy"),
    ("The study documents a right upper trunk lesion with denervation.", "neuropathy"),
    ("MRI shows an enhancing lesion of the right upper trunk.", "tumor"),
])
def test_a_nerve_lesion_in_electrodiagnostic_words_is_its_injury(facts_of, text, relation):
    got = [f for f in facts_of(text, "clinical_note") if f.concept == "brachial_plexus"]
    assert got and all(f.relation == relation for f in got), [f.relation for f in got]
