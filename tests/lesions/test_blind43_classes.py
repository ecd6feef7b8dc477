"""Classes found by the blind43 batch (first run 0.735 / 5 false approvals), each in our own words, with
rows where the outcome must not move.
"""

from __future__ import annotations

import pytest

from tests.lesions.charts import FAMILY_A, FAMILY_B, FAMILY_C, outcomes, write_case

# ---- a choice left for later is no plan ---------------------------------------------------------------

@pytest.mark.parametrize(("item", "c2"), [
    ("Preservation of the left sciatic nerve versus its resection en bloc with the tumour: to be decided after "
     "the MR neurography.", "insufficient"),
    ("Whether the sciatic nerve is freed or taken with the specimen will be decided intraoperatively.",
     "insufficient"),
    # a decided plan
    ("Neuroplasty of the left sciatic nerve; the sciatic nerve will be preserved.", "met"),
])
def test_a_choice_left_for_later_is_no_plan(reviewer, tmp_path, item, c2):
    note = ("ORTHOPAEDIC ONCOLOGY\nDate of service: 03/10/2026\nPlan: wide resection of the left gluteal sarcoma "
            f"with curative intent.\n{item}\n")
    got = outcomes(reviewer, write_case(tmp_path, "c", ["64712-LT"], {**FAMILY_C, "note_2026-03-10.txt": note}))
    assert got["64712"][1]["C2"] == c2, got


# ---- observations of a state days apart conflict; a discharge letter is dated by the discharge -----------

@pytest.mark.parametrize(("stay", "b4"), [
    # ECOG 3 at discharge on 02/04, ECOG 1 at the clinic on 02/05: one time, two readings
    ("Admission: 01/28/2026   Discharge: 02/04/2026", "insufficient"),
    # ... a month apart: the later one is the current state
    ("Admission: 12/28/2025   Discharge: 01/04/2026", "met"),
])
def test_performance_status_days_apart_is_a_conflict(reviewer, tmp_path, stay, b4):
    letter = (f"DISCHARGE LETTER\n{stay}\nDear colleague, we discharge your patient admitted for pain.\n"
              "At discharge he is in bed most of the day. ECOG 3.\n")
    docs = {**FAMILY_B, "discharge.txt": letter}
    got = outcomes(reviewer, write_case(tmp_path, "b", ["63303"], docs))
    assert got["63303"][1]["B4"] == b4, got


def test_a_newest_note_that_tells_the_change_is_the_current_state(reviewer, tmp_path):
    """Days apart, but the newer note itself says the earlier score was then and this one is now."""
    letter = ("DISCHARGE LETTER\nAdmission: 01/28/2026   Discharge: 02/04/2026\nAt discharge he is in bed most of the "
              "day. ECOG 3.\n")
    note = FAMILY_B["note_2026-02-05.txt"].replace("ECOG 1.", "ECOG 3 on admission from pain, ECOG 1 today after "
                                                               "dexamethasone.")
    docs = {**FAMILY_B, "discharge.txt": letter, "note_2026-02-05.txt": note}
    got = outcomes(reviewer, write_case(tmp_path, "b", ["63303"], docs))
    assert got["63303"][1]["B4"] == "met", got


def test_a_discharge_letter_is_dated_by_its_discharge():
    from mednec.pipeline.doctype import infer_date

    assert str(infer_date("DISCHARGE LETTER\nAdmission: 12/01/2026   Discharge: 20/01/2026\nText.\n")) == "2026-01-20"
    # a date of service still dates a note that mentions a stay
    assert str(infer_date("CLINIC NOTE\nDate of service: 02/01/2026\nAdmission: 01/12/2026 Discharge: 01/20/2026\n")) \
        == "2026-02-01"


# ---- an age is no course ----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "weeks"), [
    ("Woman of 71 years, sent by Rehabilitation; physiotherapy since then.", None),
    ("Patient aged 64 years; physiotherapy for 8 weeks.", 8.0),
    ("58 years of age. Physical therapy for 10 weeks.", 10.0),
])
def test_an_age_in_words_is_no_course(facts_of, text, weeks):
    found = [f for f in facts_of(text, doc_type="clinical_note") if f.concept == "physical_therapy"]
    assert found and max((f.weeks or 0) for f in found) == (weeks or 0), [(f.concept, f.weeks) for f in found]


# ---- a reference to another statement asserts nothing; a refuted reading is denied --------------------

@pytest.mark.parametrize(("text", "affirmed"), [
    ("This addendum replaces the statement on intradural extension of the report of 05/01/2026.", False),
    ("The outside impression of intradural extension is not supported.", False),
    ("There is intradural extension at S1.", True),
])
def test_a_statement_about_a_statement_asserts_nothing(facts_of, text, affirmed):
    found = [f for f in facts_of(text, doc_type="imaging") if f.concept == "compartment_intradural"]
    assert found and found[0].assertion.affirmed is affirmed, [f.assertion for f in found]


# ---- a root shared with another plexus, sacrificed with that plexus's nerve ----------------------------

@pytest.mark.parametrize(("sacrifice", "c2"), [
    ("The left femoral nerve and the L3-L4 roots will be resected en bloc with the psoas.", "met"),
    # a root only the sciatic nerve draws on
    ("The left L5 root will be resected en bloc with the psoas.", "not_met"),
])
def test_a_shared_root_sacrificed_with_the_femoral_nerve(reviewer, tmp_path, sacrifice, c2):
    note = ("ORTHOPAEDIC ONCOLOGY\nDate of service: 03/10/2026\nPlan: wide resection of the left gluteal sarcoma "
            "with neuroplasty of the left sciatic nerve; the sciatic nerve will be preserved.\n"
            f"{sacrifice}\n")
    got = outcomes(reviewer, write_case(tmp_path, "c", ["64712-LT"], {**FAMILY_C, "note_2026-03-10.txt": note}))
    assert got["64712"][1]["C2"] == c2, got


# ---- a hedged second ramus leaves 27076's other extent open ------------------------------------------

@pytest.mark.parametrize(("second", "a2"), [
    ("Abnormal signal extends into the left inferior pubic ramus. This may represent reactive oedema rather than "
     "tumour.", "insufficient"),
    ("The left inferior pubic ramus is normal.", "not_met"),
])
def test_a_hedged_second_ramus_keeps_27076_open(reviewer, tmp_path, second, a2):
    mri = ("MRI PELVIS WITH AND WITHOUT CONTRAST\nDate of service: 01/02/2026\nFINDINGS: Destructive mass of the "
           f"left superior pubic ramus. {second} The left acetabulum is free of tumour.\nIMPRESSION: Left superior "
           "pubic ramus tumour; acetabulum free.\n")
    got = outcomes(reviewer, write_case(tmp_path, "a", ["27076-LT"], {**FAMILY_A, "mri_2026-01-02.txt": mri}))
    assert got["27076"][1]["A2"] == a2, got


# ---- a fax machine's send line with the sending number dates nothing ---------------------------------

def test_a_send_line_with_the_sending_number_dates_nothing():
    from mednec.pipeline.doctype import infer_date, is_noise_line

    line = "DATE/TIME 12/29/2025 07:55   FROM 555-0163   SUMMIT ORTHOPEDIC GROUP   TO 555-0100   P.02"
    assert is_noise_line(line)
    assert str(infer_date(f"{line}\nMRI PELVIS\nEXAM DATE 12/22/2025\nFINDINGS: mass.\n")) == "2025-12-22"
