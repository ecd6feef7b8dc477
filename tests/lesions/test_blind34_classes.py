"""Classes found by the blind34 batch, each in our own words on a small chart: a hedge that governs a
coordinated phrase, a clause that makes the relation its object and leaves it open, an addendum that
names a structure only as a landmark or renumbers a vertebra, a separation whose object is another
structure, a cue whose agent is fat, a board named for its field, and a terse note's comparison sign
that opens a sentence.

Each row edits an approving chart (tests/lesions/charts.py) and names the outcome and statuses the
edit must give; a paired row shows the outcome moves only when the meaning does.
"""

from __future__ import annotations

import pytest

from tests.lesions.charts import FAMILY_A, FAMILY_B, FAMILY_C, edit, outcomes, write_case

A_MRI, A_NOTE = "mri_2026-01-02.txt", "note_2026-01-20.txt"
B_MRI, B_NOTE = "mri_2026-01-28.txt", "note_2026-02-05.txt"
C_MRI = "mri_2026-03-01.txt"
C_FINDING = "The mass abuts the left sciatic nerve at the notch."
C_IMPRESSION = "IMPRESSION: Left gluteal mass abutting the sciatic nerve.\n"


@pytest.mark.parametrize(("finding", "impression", "status"), [
    # a hedge before the first of two coordinated findings governs both
    ("Possible mild thickening and T2 hyperintensity of the left sciatic nerve at the notch, beside the mass.",
     "IMPRESSION: Left gluteal mass; possible thickening and hyperintensity of the sciatic nerve.\n", "insufficient"),
    ("Mild thickening and T2 hyperintensity of the left sciatic nerve at the notch, beside the mass.",
     "IMPRESSION: Left gluteal mass; thickening and hyperintensity of the sciatic nerve.\n", "met"),
    # a clause that makes the relation its object and leaves it open, in the next sentence
    ("The mass reaches the left greater sciatic notch and is closely applied to the sciatic nerve there. Partial "
     "volume averaging makes true contact impossible to confirm on these images.",
     "IMPRESSION: Left gluteal sarcoma.\n", "insufficient"),
    ("The mass reaches the left greater sciatic notch and is closely applied to the sciatic nerve there. Thin "
     "sections confirm the contact.", "IMPRESSION: Left gluteal sarcoma.\n", "met"),
])
def test_a_hedge_reaches_what_it_governs(reviewer, tmp_path, finding, impression, status):
    docs = edit(edit(FAMILY_C, C_MRI, C_FINDING, finding), C_MRI, C_IMPRESSION, impression)
    got = outcomes(reviewer, write_case(tmp_path, "c", ["64712-LT"], docs))
    assert got["64712"][1]["C1"] == status, got


# ---- addenda that revise part of a report ----------------------------------------------------------
B_BODY = ("FINDINGS: Enhancing lesion replaces the L3 vertebral body. There is a pathologic compression fracture of "
          "L3. A canal component compresses the thecal sac and appears to lie inside it, probably intradural.\n"
          "IMPRESSION: L3 metastasis; canal component probably intradural.\n")
B_ADDENDUM = ("ADDENDUM: On review with neuroradiology the canal component is EXTRADURAL: it is continuous with the "
              "L3 body and pedicle and is separated from the cauda equina by the intact dura. No intradural tumor.\n")


@pytest.mark.parametrize(("addendum", "expected"), [
    # the addendum revises the compartment and names the body only as a landmark: the body stays involved
    (B_ADDENDUM, "approve"),
    # ...an addendum that takes the body back does take it back
    ("ADDENDUM: On review the L3 vertebral body is normal; the canal lesion is an EXTRADURAL disc extrusion. No "
     "tumor.\n", "pend"),
])
def test_an_addendum_supersedes_what_it_reads_again(reviewer, tmp_path, addendum, expected):
    mri = ("MRI LUMBAR SPINE\nDate of service: 01/28/2026\n" + B_BODY + addendum)
    docs = {**FAMILY_B, B_MRI: mri}
    got = outcomes(reviewer, write_case(tmp_path, "b", ["63303"], docs))
    assert got["63303"][0] == expected, got
    if expected == "approve":
        assert got["63303"][1]["B1"] == "met" and got["63303"][1]["B2"] == "met", got


@pytest.mark.parametrize(("recount", "b2"), [
    # a rib recount moves what the report said of L1 to T12: the lumbar code's level is no longer met
    ("ADDENDUM: the rib count was redone; the collapsed, tumour-bearing vertebra is T12, not L1. L1 is normal.\n",
     "not_met"),
    ("ADDENDUM: the rib count was redone and confirms the numbering. L2 is normal.\n", "met"),
])
def test_a_recount_renumbers_the_reports_statements(reviewer, tmp_path, recount, b2):
    mri = ("MRI THORACOLUMBAR SPINE\nDate of service: 01/28/2026\nFINDINGS: Enhancing lesion replaces the L1 vertebral "
           "body with epidural extension compressing the thecal sac and a pathologic fracture of L1. No intradural "
           "abnormality.\nIMPRESSION: L1 metastasis with epidural extension.\n" + recount)
    note = FAMILY_B[B_NOTE].replace("L3 corpectomy", "corpectomy of the collapsed vertebra")
    path = FAMILY_B["path_2026-02-02.txt"].replace("L3 vertebral body", "collapsed vertebral body")
    docs = {"path_2026-02-02.txt": path, B_MRI: mri, B_NOTE: note}
    got = outcomes(reviewer, write_case(tmp_path, "b", ["63303"], docs))
    assert got["63303"][1]["B2"] == b2, got


# ---- what a cue's agent or object says ---------------------------------------------------------------
@pytest.mark.parametrize(("sentence", "a5"), [
    # fat around the vessels says they are apart from the tumor, however "surrounded" reads
    ("The external iliac vessels are surrounded by fat on their anterior surface and are not encased.", "met"),
    ("The external iliac vessels are surrounded by tumor over 360 degrees.", "not_met"),
])
def test_a_cue_whose_agent_is_fat_states_no_encasement(reviewer, tmp_path, sentence, a5):
    docs = edit(FAMILY_A, A_MRI, "No complete encasement of the external iliac vessels.", sentence)
    got = outcomes(reviewer, write_case(tmp_path, "a", ["27076-LT"], docs))
    assert got["27076"][1]["A5"] == a5, got


@pytest.mark.parametrize(("title", "a3"), [
    # a board named for its field is a tumor board: its recommendation is the plan, not a study's history
    ("INTERMOUNTAIN PEDIATRIC SARCOMA BOARD - 01/20/2026", "met"),
    ("SPINE ONCOLOGY ROUNDS - 01/20/2026", "met"),
])
def test_a_board_named_for_its_field_plans(reviewer, tmp_path, title, a3):
    board = (f"{title}\nReviewed: path, MRI 01/02 and CT chest.\nRecommendation:\n1. Limb-sparing internal "
             "hemipelvectomy, en bloc, wide margins, curative\n   intent: Enneking type I + II based on the\n"
             "   pre-treatment extent.\n")
    docs = {**FAMILY_A, A_NOTE: FAMILY_A[A_NOTE].split("Plan:")[0], "board_2026-01-20.txt": board}
    got = outcomes(reviewer, write_case(tmp_path, "a", ["27076-LT"], docs))
    assert got["27076"][1]["A3"] == a3, got


@pytest.mark.parametrize(("sentence", "value", "negated"), [
    # performance status stated by its ECOG definition, in the chart's own words
    ("Now spends most of the day in a recliner or bed, more than half of her waking hours.", 3, False),
    ("She agreed the patient is in bed or chair more than half the day and needs help with self-care.", 3, False),
    ("He is completely confined to bed.", 4, False),
    ("She is up and about; not in bed or chair more than half the day.", 3, True),
])
def test_performance_status_by_its_definition(facts_of, sentence, value, negated):
    scores = [f for f in facts_of(sentence, "clinical_note") if f.kind == "score" and f.category == "ecog"]
    assert [(f.value, f.assertion.negated) for f in scores] == [(value, negated)]


def test_a_definition_of_ecog_3_refers_a_corpectomy(reviewer, tmp_path):
    note = FAMILY_B[B_NOTE].replace("ECOG 1.", "She now spends most of the day in bed or a chair, more than half "
                                              "of her waking hours.")
    got = outcomes(reviewer, write_case(tmp_path, "b", ["63303"], {**FAMILY_B, B_NOTE: note}))
    assert got["63303"][0] == "refer" and got["63303"][1]["B4"] == "not_met", got


RECOUNT_MRI = ("MRI THORACOLUMBAR SPINE\nDate of service: 01/10/2026\nFINDINGS: Pathologic collapse of the L1 "
               "vertebral body by an enhancing lesion with epidural extension compressing the thecal sac. No "
               "intradural abnormality.\nIMPRESSION: L1 metastasis with epidural extension.\n")
RECOUNT = ("ADDENDUM 01/12/2026: The rib count was redone on the whole-spine localizer; the collapsed, tumour-bearing "
           "vertebra is T12, not L1.\n")
REFERRAL = ("REFERRAL FOR SPINE SURGERY\nDate of service: 01/14/2026\nReason: pathologic collapse L1, lung cancer.\n"
            "Requested: corpectomy, lumbar extradural (L1).\n")


@pytest.mark.parametrize(("recount", "level", "outcome"), [
    # the recount renumbers the chart: a referral that still names the old level means the recounted one
    (RECOUNT, "T12", "refer"),
    # ...without the recount the lumbar lesion is the lumbar code's
    ("", "L1", "approve"),
])
def test_a_rib_recount_renumbers_the_chart(reviewer, tmp_path, recount, level, outcome):
    path = FAMILY_B["path_2026-02-02.txt"].replace("L3 vertebral body", f"{level} vertebral body")
    note = FAMILY_B[B_NOTE].replace("L3 corpectomy", f"{level} corpectomy")
    docs = {"path_2026-02-02.txt": path, B_MRI: RECOUNT_MRI + recount, B_NOTE: note, "referral.txt": REFERRAL}
    got = outcomes(reviewer, write_case(tmp_path, "b", ["63303"], docs))
    assert got["63303"][0] == outcome, got
