"""The error classes of issue 15, each in our own words on a small chart: which lesion a
statement is about, what hedges or supersedes it, and what the plan does to which nerve.

Each row edits an approving chart and names the outcome and the criterion statuses the
edit must give; the base charts themselves must approve.
"""

from __future__ import annotations

import pytest

from tests.lesions.charts import FAMILY_A, FAMILY_B, FAMILY_C, NOTE_A, edit, outcomes, write_case

MRI, NOTE, PATH, CT = "mri_2026-01-02.txt", "note_2026-01-20.txt", "path_2026-01-05.txt", "ct_2026-01-03.txt"
ABUTS = "The mass abuts the left acetabular roof."
IMPRESSION = "IMPRESSION: Left iliac osteosarcoma abutting the left acetabular roof."
NERVE_FREE = " The left sciatic nerve is not involved."
VERSIONS = ("MRI PELVIS{amended}\nDate of service: 01/02/2026\nFINDINGS: 9 cm destructive mass of the left ilium. "
            "Marrow signal at the left acetabular roof is indeterminate (edema or tumor).\nIMPRESSION: Left iliac "
            "osteosarcoma; acetabular roof involvement indeterminate.\n\nMRI PELVIS{original}\nDate of service: "
            "01/02/2026\nIMPRESSION: Left iliac osteosarcoma abutting the left acetabular roof.\n")
PLAN = ("Plan: en bloc resection with wide margins of the left ilium and acetabulum (type I/II internal "
        "hemipelvectomy), with curative intent.")


def _a(*edits: tuple[str, str, str]) -> dict[str, str]:
    docs = FAMILY_A
    for name, old, new in edits:
        docs = edit(docs, name, old, new)
    return docs


ROWS = [
    # 2: a hedge in the next sentence, and in the impression, leaves the roof uncertain
    ("hedge_next_sentence", ["27076-LT"], _a(
        (MRI, ABUTS, "Post-treatment marrow signal change extends to the left acetabular roof. This may represent "
                     "treated tumor or reactive change."),
        (MRI, IMPRESSION, "IMPRESSION: Left iliac osteosarcoma. Involvement of the acetabular roof cannot be "
                          "excluded.")), "27076", "pend", {"A2": "insufficient"}),
    ("hedge_next_sentence_only", ["27076-LT"], _a(
        (MRI, ABUTS, "Signal abnormality extends into the left acetabular roof. This may represent edema."),
        (MRI, IMPRESSION, "IMPRESSION: Left iliac osteosarcoma.")), "27076", "pend", {"A2": "insufficient"}),
    ("hedge_next_clause", ["27076-LT"], _a(
        (MRI, ABUTS, "Signal abnormality extends into the left acetabular roof, which could reflect reactive "
                     "edema."),
        (MRI, IMPRESSION, "IMPRESSION: Left iliac osteosarcoma.")), "27076", "pend", {"A2": "insufficient"}),
    # a later paragraph that offers a non-tumor origin is the report's reading of the roof, however
    # its lines happen to break (a fax re-wraps a paragraph into short lines)
    ("later_reading_wrapped_short", ["27076-LT"], _a(
        (MRI, IMPRESSION, IMPRESSION + NERVE_FREE + "\n\nReviewed again on 01/04/2026. The T2-bright\nmarrow "
                          "signal at\n  the left acetabular roof does not enhance and may\nrepresent reactive\n  "
                          "marrow edema rather than tumor.")), "27076", "pend", {"A2": "insufficient"}),
    ("later_reading_one_line", ["27076-LT"], _a(
        (MRI, IMPRESSION, IMPRESSION + NERVE_FREE + "\n\nReviewed again on 01/04/2026. The T2-bright marrow "
                          "signal at the left acetabular roof does not enhance and may represent reactive marrow "
                          "edema rather than tumor.")), "27076", "pend", {"A2": "insufficient"}),
    # two versions of one report in one file: the amended one supersedes the original, whichever comes
    # first; without version marks the two reads stand side by side
    ("amended_report_first_supersedes_the_original", ["27076-LT"], {**FAMILY_A, MRI: VERSIONS.format(
        amended=" *** AMENDED REPORT ***", original=" *** ORIGINAL REPORT ***")}, "27076", "pend",
     {"A2": "insufficient"}),
    ("two_reads_without_version_marks", ["27076-LT"], {**FAMILY_A, MRI: VERSIONS.format(amended="", original="")},
     "27076", "approve", {"A2": "met"}),
    ("version_marks_wrapped", ["27076-LT"], {**FAMILY_A, MRI: VERSIONS.format(
        amended=" *** AMENDED\nREPORT ***", original=" *** ORIGINAL\nREPORT ***")}, "27076", "pend",
     {"A2": "insufficient"}),
    # prose that mentions a version ("replaces the" / "preliminary report of 01/02/2026") marks none
    ("version_named_in_prose", ["27076-LT"], {**FAMILY_A, MRI: VERSIONS.format(
        amended=" (this report replaces the\npreliminary report of 01/02/2026)", original="")}, "27076", "approve",
     {"A2": "met"}),
    # POLICY A5 names chest CT, PET-CT or bone scan: a clear chest radiograph is no metastatic work-up
    ("clear_chest_film_is_no_staging", ["27076-LT"], {**_a(
        (NOTE, "Staging CT chest shows no metastatic disease.", "Staging chest CT is scheduled for next week.")),
        CT: "XR CHEST PA AND LATERAL\nDate of service: 01/03/2026\nIMPRESSION: No pulmonary nodules or masses.\n"},
     "27076", "pend", {"A5": "insufficient"}),
    ("clear_chest_ct_is_staging", ["27076-LT"], {**_a(
        (NOTE, "Staging CT chest shows no metastatic disease.", "Staging chest CT is scheduled for next week.")),
        CT: "CT CHEST WITH CONTRAST\nDate of service: 01/03/2026\nIMPRESSION: No pulmonary nodules or masses.\n"},
     "27076", "approve", {"A5": "met"}),
    # "N of M planned cycles given": the plan is the total, the N cycles were given
    ("given_of_planned_cycles", ["27076-LT"], _a(
        (NOTE, "She completed 3 cycles of neoadjuvant cisplatin and doxorubicin.",
         "Summary: 5 of 6 planned induction cycles of chemotherapy given (cycle 6 held for typhlitis).")),
     "27076", "approve", {"A4": "met"}),
    ("one_of_planned_cycles_given", ["27076-LT"], _a(
        (NOTE, "She completed 3 cycles of neoadjuvant cisplatin and doxorubicin.",
         "Summary: 1 of 6 planned induction cycles of chemotherapy given so far.")),
     "27076", "refer", {"A4": "not_met"}),
    ("impression_hedges_the_body", ["27076-LT"], _a(
        (MRI, IMPRESSION, "IMPRESSION: Left iliac osteosarcoma with possible extension to the left acetabular "
                          "roof.")), "27076", "pend", {"A2": "insufficient"}),
    # a hedge that only names which tumor it is leaves the extent as stated
    ("histology_hedge_keeps_extent", ["27076-LT"], _a(
        (MRI, ABUTS, "The mass abuts the left acetabular roof. This likely represents an osteosarcoma.")),
     "27076", "approve", {"A2": "met"}),
    # 8: near is neither involvement nor separation
    ("approaches_is_not_involvement", ["27076-LT"], _a(
        (MRI, ABUTS, "The inferior margin of the lesion approaches the left acetabulum."),
        (MRI, IMPRESSION, "IMPRESSION: Left iliac osteosarcoma.")), "27076", "pend", {"A2": "insufficient"}),
    # a re-read that calls the outside read's finding normal marrow takes it back; one that calls it
    # tumor keeps it
    ("reread_calls_it_red_marrow", ["27076-LT"], _a(
        (MRI, ABUTS, "The signal described as acetabular roof invasion on the outside study corresponds to red "
                     "marrow."),
        (MRI, IMPRESSION, "IMPRESSION: Left iliac osteosarcoma.")), "27076", "pend", {"A2": "insufficient"}),
    ("reread_calls_it_tumor", ["27076-LT"], _a(
        (MRI, ABUTS, "The signal described as acetabular roof invasion on the outside study corresponds to "
                     "tumor."),
        (MRI, IMPRESSION, "IMPRESSION: Left iliac osteosarcoma.")), "27076", "approve", {"A2": "met"}),
    # a board's decision dated before the note that records it is still the plan; an operation dated
    # so was done
    ("board_decision_on_record", ["27076-LT"], _a(
        (NOTE, PLAN, "TUMOR BOARD 01/15/2026: Consensus for en bloc resection with wide margins of the left "
                     "ilium and acetabulum, curative intent.")), "27076", "approve", {"A3": "met"}),
    ("resection_done_before", ["27076-LT"], _a(
        (NOTE, PLAN, "01/15/2026: en bloc resection with wide margins of the left ilium and acetabulum, "
                     "curative intent.")), "27076", "pend", {"A3": "insufficient"}),
    # a denial in a subordinate clause ends at its comma: the plan after it stands
    ("denial_in_a_because_clause", ["27076-LT"], _a(
        (NOTE, PLAN, "Plan: because osteosarcoma does not respond to radiation alone, en bloc resection with "
                     "wide margins of the left ilium and acetabulum, with curative intent.")),
     "27076", "approve", {"A3": "met"}),
    # 3: a curative plan that also sacrifices a nerve or removes the biopsy tract is still curative
    ("plan_with_nerve_sacrifice", ["27076-LT"], _a(
        (NOTE, PLAN, "Plan: curative-intent wide en bloc resection of the left ilium and acetabulum; the encased "
                     "left sciatic nerve will be sacrificed with the specimen.")), "27076", "approve", {"A3": "met"}),
    # an aim the surgeon says cannot be reached is no plan; an aim beside a denied step still is
    ("wide_margin_not_possible", ["27076-LT"], _a(
        (NOTE, PLAN, "Plan: resection of the left ilium and acetabulum. It is not possible to obtain a wide "
                     "margin at the sacroiliac joint.")), "27076", "refer", {"A3": "not_met"}),
    ("wide_margin_beside_a_denied_step", ["27076-LT"], _a(
        (NOTE, PLAN, PLAN + "\nNo sacral resection is required to obtain a wide margin.")),
     "27076", "approve", {"A3": "met"}),
    # a region name locates the lesion; only its parts, or a word of totality, give the whole bone
    ("region_name_is_no_total_extent", ["27077-LT"], _a(
        (MRI, ABUTS, "There is a destructive lesion of the left hemipelvis involving the left ilium and the left "
                     "acetabular roof. The left superior and inferior pubic rami and the left ischium, including "
                     "the ischial tuberosity, have normal marrow signal and are not involved.")),
     "27077", "refer", {"A2": "not_met"}),
    ("whole_region_is_total_extent", ["27077-LT"], _a(
        (MRI, ABUTS, "The tumor involves the entire left hemipelvis.")), "27077", "approve", {"A2": "met"}),
    # a staging study that leaves metastasis open leaves staging open; "no other site" does not
    ("newest_staging_leaves_metastasis_open", ["27076-LT"], {**FAMILY_A, "ct_2026-01-18.txt": (
        "CT CHEST\nDate of service: 01/18/2026\nIMPRESSION: Two new 4 mm nodules, indeterminate. Metastases "
        "cannot be excluded.\n")}, "27076", "pend", {"A5": "insufficient"}),
    ("no_other_site_is_no_open_staging", ["27076-LT"], {**FAMILY_A, "ct_2026-01-18.txt": (
        "PET/CT\nDate of service: 01/18/2026\nIMPRESSION: FDG-avid left iliac primary. No other site of "
        "metastatic disease.\n")}, "27076", "approve", {"A5": "met"}),
    ("plan_with_biopsy_tract", ["27076-LT"], _a(
        (NOTE, PLAN, "Plan: wide en bloc resection of the left periacetabular tumor with curative intent, "
                     "excising the contaminated biopsy tract en bloc with the specimen.")),
     "27076", "approve", {"A3": "met"}),
    ("no_contraindication_is_no_denial", ["27076-LT"], _a(
        (NOTE, PLAN, PLAN + "\nNo contraindication to limb salvage.")), "27076", "approve", {"A3": "met"}),
    # 4: a biopsy-proven solitary metastasis with a curative plan
    ("solitary_metastasis", ["27076-LT"], _a(
        (PATH, "High-grade conventional osteosarcoma.", "Metastatic clear cell renal cell carcinoma."),
        (MRI, "osteosarcoma", "metastasis"),
        (NOTE, PLAN, "PET-CT shows a solitary bone metastasis in the left ilium with no other sites of disease.\n"
                     "Plan: curative-intent metastasectomy by wide en bloc resection of the left ilium and "
                     "acetabulum.")), "27076", "approve", {"A1": "met"}),
    # 5: a "no" damaged by OCR is still a "no"
    ("ocr_ne_for_no", ["27076-LT"], _a(
        (CT, "No pulmonary metastases.", "Ne pulmonary metastases."),
        (MRI, "No complete encasement", "ne encasement")), "27076", "approve", {"A5": "met"}),
    # an incidental benign lesion on the other side decides nothing
    ("incidental_other_side", ["27076-LT"], _a(
        (MRI, "No complete encasement", "Incidental 8 mm bone island in the right acetabulum. No complete "
                                        "encasement")), "27076", "approve", {"A2": "met", "A1": "met"}),
    # a pathology diagnosis "consistent with" states it (POLICY rulings); "favor" stays a hedge
    ("pathology_consistent_with_states", ["27076-LT"], _a(
        (PATH, "FINAL DIAGNOSIS: High-grade conventional osteosarcoma.", "FINAL DIAGNOSIS: Malignant "
               "bone-forming neoplasm, consistent with high-grade conventional osteosarcoma.")),
     "27076", "approve", {"A1": "met"}),
    ("pathology_favor_stays_a_hedge", ["27076-LT"], _a(
        (PATH, "FINAL DIAGNOSIS: High-grade conventional osteosarcoma.", "FINAL DIAGNOSIS: Atypical cartilage "
               "neoplasm; favor chondrosarcoma.")), "27076", "pend", {"A1": "insufficient"}),
    ("pathology_benign_consistent_with", ["27076-LT"], _a(
        (PATH, "FINAL DIAGNOSIS: High-grade conventional osteosarcoma.", "FINAL DIAGNOSIS: Benign cartilage "
               "neoplasm, consistent with enchondroma.")), "27076", "refer", {"A1": "not_met"}),
    # a plan said before and still to come is a plan, not history
    ("previously_outlined_plan", ["27076-LT"], _a(
        (NOTE, PLAN, "Plan: proceeding with the previously outlined en bloc resection with wide margins of the left "
                     "ilium and acetabulum, with curative intent.")), "27076", "approve", {"A3": "met"}),
    # an addendum that retracts a finding
    ("addendum_retracts", ["27076-LT"], _a(
        (MRI, IMPRESSION, IMPRESSION + "\nADDENDUM: On review, the mass does not abut the acetabular roof; a 1 cm "
                                       "fat plane separates it from the roof.")), "27076", "refer", {"A2": "not_met"}),
    # a reason chemotherapy is not given, in any tense or person: the patient declines it, a function
    # test precludes its drugs; a plan to discuss it is no reason
    ("reason_declines_and_precludes", ["27076-LT"], _a(
        (NOTE, "She completed 3 cycles of neoadjuvant cisplatin and doxorubicin.",
         "Neoadjuvant chemotherapy not recommended: CrCl 34 and LVEF 40%\n  preclude cisplatin and doxorubicin; "
         "patient also declines chemotherapy.")), "27076", "approve", {"A4": "met"}),
    ("reason_patient_declines", ["27076-LT"], _a(
        (NOTE, "She completed 3 cycles of neoadjuvant cisplatin and doxorubicin.",
         "After a long discussion she declines neoadjuvant chemotherapy.")), "27076", "approve", {"A4": "met"}),
    ("reason_function_precludes", ["27076-LT"], _a(
        (NOTE, "She completed 3 cycles of neoadjuvant cisplatin and doxorubicin.",
         "Her ejection fraction of 35% precludes doxorubicin.")), "27076", "approve", {"A4": "met"}),
    ("no_reason_only_a_discussion", ["27076-LT"], _a(
        (NOTE, "She completed 3 cycles of neoadjuvant cisplatin and doxorubicin.",
         "Neoadjuvant chemotherapy will be discussed with medical oncology.")), "27076", "pend",
     {"A4": "insufficient"}),
    # POLICY A5 names complete encasement: a nerve surrounded in part (half its circumference) is in
    # contact with the tumor, not encased; a nerve surrounded all round is
    ("half_surrounded_nerve_is_not_encased", ["27076-LT"], _a(
        (MRI, "No complete encasement of the external iliac vessels.",
         "No complete encasement of the external iliac vessels. The mass surrounds the left femoral nerve "
         "over about 180 degrees.")), "27076", "approve", {"A5": "met"}),
    ("partially_surrounded_nerve_is_not_encased", ["27076-LT"], _a(
        (MRI, "No complete encasement of the external iliac vessels.",
         "No complete encasement of the external iliac vessels. The mass partially surrounds the left femoral "
         "nerve.")), "27076", "approve", {"A5": "met"}),
    ("surrounded_all_round_is_encased", ["27076-LT"], _a(
        (MRI, "No complete encasement of the external iliac vessels.",
         "No complete encasement of the external iliac vessels. The mass surrounds the left femoral nerve "
         "over 360 degrees.")), "27076", "refer", {"A5": "not_met"}),
    ("mostly_surrounded_stays_encased", ["27076-LT"], _a(
        (MRI, "No complete encasement of the external iliac vessels.",
         "No complete encasement of the external iliac vessels. The mass surrounds the left femoral nerve "
         "over 270 degrees.")), "27076", "refer", {"A5": "not_met"}),
]


@pytest.mark.parametrize(("name", "requested", "docs", "code", "outcome", "statuses"), ROWS,
                         ids=[r[0] for r in ROWS])
def test_class(reviewer, tmp_path, name, requested, docs, code, outcome, statuses):
    got = outcomes(reviewer, write_case(tmp_path, name, requested, docs))[code]
    assert got[0] == outcome, got
    for crit, status in statuses.items():
        assert got[1][crit] == status, (crit, got)


@pytest.mark.parametrize(("requested", "docs", "code"), [
    (["27076-LT"], FAMILY_A, "27076"), (["63303"], FAMILY_B, "63303"), (["64712-LT"], FAMILY_C, "64712")],
    ids=["A", "B", "C"])
def test_base_charts_approve(reviewer, tmp_path, requested, docs, code):
    assert outcomes(reviewer, write_case(tmp_path, "base", requested, docs))[code][0] == "approve"


SPINE_MRI, SPINE_NOTE, SPINE_PATH = "mri_2026-01-28.txt", "note_2026-02-05.txt", "path_2026-02-02.txt"


def _b(*edits: tuple[str, str, str]) -> dict[str, str]:
    docs = FAMILY_B
    for name, old, new in edits:
        docs = edit(docs, name, old, new)
    return docs


def _thoracic() -> dict[str, str]:
    docs = {k: v.replace("L3", "T11") for k, v in FAMILY_B.items()}
    return edit(docs, SPINE_MRI, "MRI LUMBAR SPINE", "MRI THORACIC AND LUMBAR SPINE")


SPINE_ROWS = [
    # 1: a benign hemangioma at a lumbar level while the treated metastasis is thoracic
    ("hemangioma_at_the_code_level", ["63303"], edit(
        _thoracic(), SPINE_MRI, "No intradural abnormality.",
        "Incidental lesion in the L2 vertebral body with imaging features typical of a hemangioma.\n"
        "No intradural abnormality."), "refer", {"B2": "not_met"}),
    # a Schmorl node is a benign lesion of its own, whatever verb says where it reaches
    ("schmorl_node_at_the_code_level", ["63303"], edit(
        _thoracic(), SPINE_MRI, "No intradural abnormality.",
        "Schmorl node at the L5 inferior endplate that extends into the vertebral body, no edema.\n"
        "No intradural abnormality."), "refer", {"B2": "not_met"}),
    # a resection extended to the lumbar level only "if the L1 lesion turns out to be tumor", with a
    # lumbar lesion the CT then calls a hemangioma and described in words of its own under its level
    ("conditional_extension_to_an_incidental_level", ["63303"], edit(edit(
        _thoracic(), SPINE_MRI, "No intradural abnormality.",
        "L1: Thickened vertical trabeculae in the right half of the L1 body, no soft tissue mass.\n"
        "No intradural abnormality.\nIMPRESSION 2: L1 lesion, most likely a typical hemangioma."),
        "note_2026-02-05.txt", "Plan: T11 corpectomy with posterior stabilization.",
        "Plan: T11 corpectomy with posterior stabilization. If the L1 lesion turns out to be tumor we will extend "
        "to an L1 corpectomy."), "refer", {"B2": "not_met"}),
    # the levels of a fixation are no levels of the resection, even where a line break parts the range
    # from the word "fixation"
    ("fixation_range_wrapped_from_its_word", ["63303"], edit(edit(
        _thoracic(), SPINE_MRI, "No intradural abnormality.",
        "Incidental lesion in the L1 vertebral body with imaging features typical of a hemangioma.\n"
        "No intradural abnormality."),
        "note_2026-02-05.txt", "Plan: T11 corpectomy with posterior stabilization.",
        "Plan: T11 corpectomy only, with T9-L1\nposterior fixation."), "refer", {"B2": "not_met"}),
    ("hemangioma_other_level_keeps_approval", ["63303"], _b(
        (SPINE_MRI, "No intradural abnormality.", "Typical hemangioma in the T12 vertebral body, incidental.\n"
                                                 "No intradural abnormality.")), "approve", {"B2": "met"}),
    # 7: a negation at the end of an all-caps line reaches the finding on the next line
    ("caps_negation_across_line", ["63303"], _b(
        (SPINE_MRI, "FINDINGS: Enhancing lesion replaces the L3 vertebral body with epidural extension compressing "
                    "the thecal sac. There is a pathologic compression fracture of L3.\nNo intradural abnormality.",
         "FINDINGS: ENHANCING LESION REPLACES THE L3 VERTEBRAL BODY WITH EPIDURAL EXTENSION COMPRESSING THE "
         "THECAL SAC. THERE IS NO\nINTRADURAL ABNORMALITY. PATHOLOGIC FRACTURE OF L3.")), "approve", {"B2": "met"}),
    # a compartment word that describes anatomy or a procedure is no finding
    ("intradural_roots_are_anatomy", ["63303"], _b(
        (SPINE_MRI, "No intradural abnormality.", "No intradural abnormality. The intradural nerve roots are "
                                                 "crowded above the level.")), "approve", {"B2": "met"}),
    ("intrathecal_contrast_is_a_procedure", ["63303"], _b(
        (SPINE_MRI, "MRI LUMBAR SPINE", "CT MYELOGRAM LUMBAR SPINE\nPROCEDURE: 10 ML IOHEXOL 180\nINTRATHECAL; "
                                       "CT AFTER CONTRAST INSTILLATION.")), "approve", {"B2": "met"}),
    # a signal change of the cord (edema) is no intradural tumor; an intramedullary mass is
    ("cord_signal_is_no_compartment", ["63303"], _b(
        (SPINE_MRI, "No intradural abnormality.", "Faint intramedullary T2 hyperintensity of the conus reflects "
                                                 "edema. No intradural mass.")), "approve", {"B2": "met"}),
    # a newer performance status supersedes an older one in another note; one date keeps the conflict
    ("newer_ecog_supersedes", ["63303"], {**_b((SPINE_NOTE, "ECOG 1.", "ECOG 1 today.")),
                                          "hp_2026-01-20.txt": "HISTORY AND PHYSICAL\nDate of service: 01/20/2026\n"
                                          "Bedbound from pain, ECOG 3 at present.\n"}, "approve", {"B4": "met"}),
    ("newer_poor_ecog_refers", ["63303"], {**FAMILY_B,
                                           "hp_2026-02-20.txt": "ONCOLOGY FOLLOW-UP\nDate of service: 02/20/2026\n"
                                           "Declined rapidly; ECOG 4, bedbound.\n"}, "refer", {"B4": "not_met"}),
    ("same_date_ecog_conflict", ["63303"], {**FAMILY_B,
                                            "hp_2026-02-05.txt": "ONCOLOGY NOTE\nDate of service: 02/05/2026\n"
                                            "Performance status ECOG 3.\n"}, "pend", {"B4": "insufficient"}),
    # a primary tumor's differential or a test that excludes a metastasis is no metastatic disease
    ("test_excludes_metastasis", ["63303"], _b(
        (SPINE_PATH, "DIAGNOSIS: Metastatic renal cell carcinoma.", "DIAGNOSIS: Chordoma.\nComment: The "
                                                                     "immunoprofile excludes metastatic carcinoma."),
        (SPINE_MRI, "L3 metastasis", "L3 mass"),
        (SPINE_NOTE, "ECOG 1. Expected survival more than 12 months.\n", "N0 distant\ndisease on staging CT.\n"),
        (SPINE_NOTE, "Plan: L3 corpectomy", "Plan: curative-intent en bloc L3 spondylectomy (corpectomy)")),
     "approve", {"B4": "met"}),
    ("tnm_n0_is_no_repair", ["63303"], _b(
        (SPINE_PATH, "DIAGNOSIS: Metastatic renal cell carcinoma.", "DIAGNOSIS: Chordoma."),
        (SPINE_MRI, "L3 metastasis", "L3 mass"),
        (SPINE_NOTE, "ECOG 1. Expected survival more than 12 months.\n", "Staged pT2 N0 distant disease "
                                                                          "unknown.\n"),
        (SPINE_NOTE, "Plan: L3 corpectomy", "Plan: curative-intent en bloc L3 spondylectomy (corpectomy)")),
     "pend", {"B4": "insufficient"}),
    # bone is extradural (POLICY B2: "epidural or bony"), unless an intradural part is left open
    ("bony_lesion_is_extradural", ["63303"], _b(
        (SPINE_MRI, "with epidural extension compressing the thecal sac", "with a pathologic fracture; the "
                                                                          "spinal canal is clear"),
        (SPINE_MRI, "No intradural abnormality.\n", ""),
        (SPINE_MRI, "L3 metastasis with epidural extension", "L3 metastasis"),
        (SPINE_NOTE, "Plan: L3 corpectomy", "Mechanical instability, SINS 14.\nPlan: L3 corpectomy")),
     "approve", {"B2": "met"}),
    ("bony_lesion_with_possible_intradural_part", ["63303"], _b(
        (SPINE_MRI, "with epidural extension compressing the thecal sac", "with a pathologic fracture"),
        (SPINE_MRI, "No intradural abnormality.", "Possible intradural extension at L3."),
        (SPINE_MRI, "L3 metastasis with epidural extension", "L3 metastasis"),
        (SPINE_NOTE, "Plan: L3 corpectomy", "Mechanical instability, SINS 14.\nPlan: L3 corpectomy")),
     "pend", {"B2": "insufficient"}),
    # "no X elsewhere" leaves X open where the report is looking
    # a survival estimate that is the condition of the plan is not stated
    ("survival_as_the_condition", ["63303"], _b(
        (SPINE_NOTE, "Expected survival more than 12 months.", "If oncology's assessment supports an expected "
                                                               "survival beyond 3 months, we will proceed.")),
     "pend", {"B4": "insufficient"}),
    ("survival_under_a_condition", ["63303"], _b(
        (SPINE_NOTE, "Expected survival more than 12 months.", "If neurologic function is preserved, expected "
                                                               "survival is 6 to 12 months.")),
     "approve", {"B4": "met"}),
    # B4 concerns metastatic disease: an unproven primary spinal tumor in a chart naming no cancer
    # that spreads is judged by B1 (tissue), not by a prognosis
    ("no_metastatic_disease_b4_not_applicable", ["63303"], {
        SPINE_MRI: ("MRI LUMBAR SPINE\nDate of service: 01/28/2026\nFINDINGS: Enhancing mass in the L3 vertebral "
                    "body and the epidural space compressing the cauda equina. No intradural abnormality.\n"
                    "IMPRESSION: L3 mass, most consistent with chordoma.\n"),
        SPINE_NOTE: ("SPINE SURGERY CONSULT\nDate of service: 02/05/2026\nBilateral leg weakness 4/5. Presumed "
                     "chordoma; biopsy pending.\nPlan: L3 corpectomy.\n")}, "pend",
     {"B1": "insufficient", "B4": "met"}),
    ("old_cancer_keeps_b4", ["63303"], {
        SPINE_MRI: ("MRI LUMBAR SPINE\nDate of service: 01/28/2026\nFINDINGS: Enhancing mass in the L3 vertebral "
                    "body and the epidural space compressing the cauda equina. No intradural abnormality.\n"
                    "IMPRESSION: L3 mass.\n"),
        SPINE_NOTE: ("SPINE SURGERY CONSULT\nDate of service: 02/05/2026\nHistory of breast cancer in 2015. "
                     "Bilateral leg weakness 4/5. Biopsy pending.\nPlan: L3 corpectomy.\n")}, "pend",
     {"B4": "insufficient"}),
    # a known cancer elsewhere does not settle what a spinal lesion is while a benign alternative
    # stays open and no tissue names it
    ("benign_alternative_open", ["63303"], _b(
        (SPINE_PATH, "DIAGNOSIS: Metastatic renal cell carcinoma.", "DIAGNOSIS: Nondiagnostic; neither confirms "
                                                                     "nor excludes metastatic carcinoma."),
        (SPINE_MRI, "IMPRESSION: L3 metastasis with epidural extension.", "IMPRESSION: L3 lesion with epidural "
                                                                          "extension, metastasis favored.\n"
                                                                          "Atypical hemangioma not excluded."),
        (SPINE_NOTE, "ECOG 1.", "Known renal cell carcinoma metastatic to lung. ECOG 1.")),
     "pend", {"B1": "insufficient"}),
    # a past performance status beside the current one is history
    ("current_ecog_decides", ["63303"], _b(
        (SPINE_NOTE, "ECOG 1.", "Before the onset of weakness two weeks ago she was ECOG 1. Current performance "
                                "status: ECOG 3.")), "refer", {"B4": "not_met"}),
    # two scores in one sentence, each with its own time: the one said of today is current
    ("scores_in_one_sentence_today_wins", ["63303"], _b(
        (SPINE_NOTE, "ECOG 1.", "Performance status improved: ECOG 3 on admission from pain, ECOG 1 today "
                                "after dexamethasone.")), "approve", {"B4": "met"}),
    ("scores_in_one_sentence_today_poor", ["63303"], _b(
        (SPINE_NOTE, "ECOG 1.", "Performance status declined: ECOG 1 on admission, ECOG 3 today.")),
     "refer", {"B4": "not_met"}),
    # a current score on one scale that a current score on the other scale contradicts: a conflict
    # POLICY gives no precedence for, so neither the good nor the poor one decides
    ("scales_disagree", ["63303"], {**FAMILY_B, "hp_2026-02-04.txt": (
        "HOSPITAL MEDICINE H&P\nDate of service: 02/04/2026\nKPS 40, requires considerable assistance.\n")},
     "pend", {"B4": "insufficient"}),
]


@pytest.mark.parametrize(("name", "requested", "docs", "outcome", "statuses"), SPINE_ROWS,
                         ids=[r[0] for r in SPINE_ROWS])
def test_spine_class(reviewer, tmp_path, name, requested, docs, outcome, statuses):
    got = outcomes(reviewer, write_case(tmp_path, name, requested, docs))["63303"]
    assert got[0] == outcome, got
    for crit, status in statuses.items():
        assert got[1][crit] == status, (crit, got)


C_MRI, C_NOTE = "mri_2026-03-01.txt", "note_2026-03-10.txt"
BOARD = "mdt_2026-03-08.txt"
# pathway 2 (no tumor): a plexus injured by a lateral approach to the spine
PLEXUS_MRN = ("MR NEUROGRAPHY LUMBAR PLEXUS\nExam date: 10/30/2025\nFINDINGS: Increased T2 signal of the left "
              "lumbar plexus within the psoas, adjacent to the lateral plate. No mass.\nIMPRESSION: {impression}\n")
PLEXUS_NOTE = ("NERVE SURGERY CONSULT\nDate of service: 11/20/2025\nLeft anterior thigh numbness and quadriceps "
               "weakness since the left transpsoas L4-5 fusion. Physical therapy for 12 weeks and pregabalin "
               "without relief.\nPlan: neuroplasty of the left lumbar plexus.\n")


def _plexus(impression: str) -> dict[str, str]:
    return {"mrn_2025-10-30.txt": PLEXUS_MRN.format(impression=impression), "note_2025-11-20.txt": PLEXUS_NOTE}


AT_THE_NOTCH = edit(FAMILY_C, C_MRI, "The mass abuts the left sciatic nerve at the notch.",
                    "The mass abuts the left sciatic nerve at the\ngreater sciatic notch.")
NERVE_ROWS = [
    # a tumor board's own radiologist re-reads the study and disagrees: the re-read supersedes the
    # original read (its dates day first, as the record writes them: 15/03/2026); with no imaging
    # report left that speaks of the nerve, contact is undocumented
    ("board_reread_supersedes", ["64712-LT"], {**FAMILY_C, BOARD: (
        "SARCOMA MULTIDISCIPLINARY TEAM MEETING - OUTCOME\nDate of meeting: 15/03/2026\nRadiology review: MRI "
        "pelvis of 01/03/2026 reviewed on PACS. Contrary to the original report, there is a preserved fat plane "
        "between the mass and the left sciatic nerve, which is not abutted.\n")}, "64712", "pend",
     {"C1": "insufficient"}),
    # a board that only cites another read re-reads nothing
    ("board_citing_a_read_is_no_reread", ["64712-LT"], {**FAMILY_C, BOARD: (
        "SARCOMA MULTIDISCIPLINARY TEAM MEETING - OUTCOME\nDate of meeting: 15/03/2026\nImaging reviewed: MRI "
        "pelvis of 01/03/2026 with our second-opinion read.\nPlan: wide resection.\n")}, "64712", "approve",
     {"C1": "met"}),
    # 6: a hedge after its finding
    ("hedge_after_finding", ["64712-LT"], edit(
        FAMILY_C, C_MRI, "The mass abuts the left sciatic nerve at the notch.\nIMPRESSION: Left gluteal mass "
                         "abutting the sciatic nerve.",
        "Sciatic nerve contact at the notch indeterminate.\nIMPRESSION: Left gluteal mass; sciatic nerve contact "
        "at the notch indeterminate."), "64712", "pend", {"C1": "insufficient"}),
    # preservation that depends on a pending diagnosis, with sacrifice as the other branch, is not settled
    ("conditional_sacrifice", ["64712-LT"], edit(
        FAMILY_C, C_NOTE, "the sciatic nerve will be preserved.",
        "the sciatic nerve will be dissected off the mass (neuroplasty). If final pathology shows a high-grade "
        "sarcoma, the sciatic nerve will be resected en bloc with the tumor."), "64712", "pend",
     {"C2": "insufficient"}),
    # a newer report that only names the nerve ("better seen on the MRI") does not supersede the MRI's
    # hedged contact; the parts said separate do not make the whole nerve free
    ("naming_is_not_the_newest_word", ["64712-LT"], {**edit(
        FAMILY_C, C_MRI, "The mass abuts the left sciatic nerve at the notch.\nIMPRESSION: Left gluteal mass "
                         "abutting the sciatic nerve.",
        "The mass contacts the left sciatic nerve at the notch. This apparent contact may be partial volume.\n"
        "The tibial and peroneal divisions distally are separate from the mass.\nIMPRESSION: Left gluteal mass; "
        "relation to the sciatic nerve at the notch indeterminate."),
        "ct_2026-03-04.txt": "CT CHEST ABDOMEN PELVIS\nDate of service: 03/04/2026\nFINDINGS: The left gluteal mass "
                             "is partly seen; its relation to the left sciatic nerve is better shown on the MRI.\n"
                             "IMPRESSION: No metastatic disease.\n"}, "64712", "pend", {"C1": "insufficient"}),
    # pathway 2: a nerve that runs beside the scar with a preserved fat plane is not compressed by it;
    # a completed study without focal compromise is not met (POLICY rulings)
    ("beside_the_scar_is_no_compression", ["64712-LT"], {
        "mri_2026-01-27.txt": "MRI LEFT THIGH\nDate of service: 01/27/2026\nFINDINGS: Postoperative scar at the "
                              "hamstring origin. The left sciatic nerve courses lateral to the scar with a preserved "
                              "fat plane.\nIMPRESSION: Normal left sciatic nerve.\n",
        "emg_2026-01-20.txt": "EMG/NCS REPORT\nDate of service: 01/20/2026\nIMPRESSION: No electrodiagnostic "
                              "evidence of a left sciatic mononeuropathy.\n",
        "note_2026-02-09.txt": "NERVE SURGERY CONSULT\nDate of service: 02/09/2026\nBurning pain down the left "
                               "posterior thigh with numbness of the lateral foot. Failed 11 weeks of physical "
                               "therapy and gabapentin. Plan: neurolysis of the left sciatic nerve.\n"},
     "64712", "refer", {"C2'": "not_met"}),
    # 8: a nerve sacrificed with the specimen that is not the code's nerve
    ("other_nerve_sacrificed", ["64713-RT"], {
        "mri_2026-03-01.txt": "MRI BRACHIAL PLEXUS\nDate of service: 03/01/2026\nFINDINGS: 5 cm mass in the right "
                              "axilla displacing the cords of the right brachial plexus.\nIMPRESSION: Right axillary "
                              "mass displacing the brachial plexus cords.\n",
        "path_2026-03-05.txt": "SURGICAL PATHOLOGY\nDate of service: 03/05/2026\nSpecimen: right axillary mass, "
                               "core biopsy.\nDIAGNOSIS: Synovial sarcoma.\n",
        "note_2026-03-10.txt": "ORTHOPAEDIC ONCOLOGY\nDate of service: 03/10/2026\nPlan: wide resection of the "
                               "right axillary sarcoma with neuroplasty of the right brachial plexus, which will be "
                               "preserved. The intercostobrachial nerve will be sacrificed with the specimen.\n"},
     "64713", "approve", {"C2": "met"}),
    # an addendum that takes back the contact with the nerve takes back where the body placed it ("at
    # the greater sciatic notch", the nerve's origin for 64712) with it
    ("addendum_takes_back_the_notch_too", ["64712-LT"], {**AT_THE_NOTCH, C_MRI: AT_THE_NOTCH[C_MRI] + (
        "\nADDENDUM 03/03/2026: The signal between the mass and the nerve may represent post-biopsy edema "
        "rather than tumor; direct tumor contact with the left sciatic nerve is not established.\n")},
     "64712", "pend", {"C1": "insufficient"}),
    ("notch_without_addendum_stays", ["64712-LT"], AT_THE_NOTCH, "64712", "approve", {"C1": "met"}),
    # a structure referred back to by its head noun ("the nerve") is the structure last named with it:
    # what the clause says of it (every contact denied) is said of that nerve
    ("head_noun_refers_back_to_the_nerve", ["64712-LT"], edit(
        FAMILY_C, C_MRI, "The mass abuts the left sciatic nerve at the notch.\nIMPRESSION: Left gluteal mass "
                         "abutting the sciatic nerve.",
        "The mass approaches the left sciatic nerve at the notch and the nerve is neither abutted nor "
        "displaced.\nIMPRESSION: Left gluteal mass near the sciatic nerve."), "64712", "refer", {"C1": "not_met"}),
    ("neither_abutted_nor_displaced", ["64712-LT"], edit(
        FAMILY_C, C_MRI, "The mass abuts the left sciatic nerve at the notch.\nIMPRESSION: Left gluteal mass "
                         "abutting the sciatic nerve.",
        "The left sciatic nerve is neither abutted nor displaced.\nIMPRESSION: Left gluteal mass."),
     "64712", "refer", {"C1": "not_met"}),
    ("head_noun_affirmed_contact", ["64712-LT"], edit(
        FAMILY_C, C_MRI, "The mass abuts the left sciatic nerve at the notch.\nIMPRESSION: Left gluteal mass "
                         "abutting the sciatic nerve.",
        "The mass extends toward the left sciatic nerve at the notch and the nerve is abutted over 3 cm.\n"
        "IMPRESSION: Left gluteal mass."), "64712", "approve", {"C1": "met"}),
    # a clause whose subject is the relation itself goes on speaking of the structure before it
    ("relation_subject_clause_after_and", ["64712-LT"], edit(
        FAMILY_C, C_MRI, "The mass abuts the left sciatic nerve at the notch.\nIMPRESSION: Left gluteal mass "
                         "abutting the sciatic nerve.",
        "Its interface with the left sciatic nerve remains indistinct and contact can be neither confirmed nor "
        "excluded.\nIMPRESSION: Left gluteal mass."), "64712", "pend", {"C1": "insufficient"}),
    # a report that names one plexus means it by the bare noun: the impression's hedge of the "L3/L4
    # plexus contributions" is its reading of the left lumbar plexus the findings affirmed
    ("bare_plexus_is_the_reports_plexus", ["64714-LT"], _plexus(
        "T2 hyperintensity of the left L3/L4 plexus contributions, which may represent neuritis; postoperative "
        "change cannot be excluded."), "64714", "pend", {"C2'": "insufficient"}),
    ("bare_plexus_affirmed", ["64714-LT"], _plexus(
        "Focal compression of the left L3/L4 plexus contributions by scar adjacent to the plate."),
     "64714", "approve", {"C2'": "met"}),
    # a clause that leaves the relationship to the nerve open, its object named between, hedges what its
    # sentence said of the nerve's origin before it
    ("relationship_to_the_nerve_left_open", ["64712-LT"], edit(
        FAMILY_C, C_MRI, "The mass abuts the left sciatic nerve at the notch.\nIMPRESSION: Left gluteal mass "
                         "abutting the sciatic nerve.",
        "The posterior component reaches the left greater sciatic notch; relationship to the sciatic nerve is "
        "indeterminate on this protocol.\nIMPRESSION: Left gluteal mass."), "64712", "pend", {"C1": "insufficient"}),
    ("reaches_the_notch_and_abuts_the_nerve", ["64712-LT"], edit(
        FAMILY_C, C_MRI, "The mass abuts the left sciatic nerve at the notch.\nIMPRESSION: Left gluteal mass "
                         "abutting the sciatic nerve.",
        "The posterior component reaches the left greater sciatic notch and abuts the left sciatic nerve.\n"
        "IMPRESSION: Left gluteal mass."), "64712", "approve", {"C1": "met"}),
    # a condition that leads its item like a label governs the whole item, past its semicolons
    ("condition_lead_governs_its_item", ["64712-LT"], edit(
        FAMILY_C, C_NOTE, "the sciatic nerve will be preserved.",
        "plan by frozen section.\n- If myxoid liposarcoma: neuroplasty of the left sciatic nerve (preserve).\n"
        "- If high-grade sarcoma: wider margin; left sciatic nerve likely\n  sacrificed.\n"),
     "64712", "pend", {"C2": "insufficient"}),
    # a structure that labels its line is the topic of the paragraph, not the object of a cue that
    # names its own object; with no object of its own, the cue is the label's
    ("label_is_the_topic_not_the_object", ["64712-LT"], edit(
        FAMILY_C, C_MRI, "The mass abuts the left sciatic nerve at the notch.\nIMPRESSION: Left gluteal mass "
                         "abutting the sciatic nerve.",
        "Sciatic nerve: The mass reaches the posterior margin of the left piriformis; the nerve itself is not "
        "separately seen.\nIMPRESSION: Left gluteal mass."), "64712", "pend", {"C1": "insufficient"}),
    ("label_takes_a_cue_without_object", ["64712-LT"], edit(
        FAMILY_C, C_MRI, "The mass abuts the left sciatic nerve at the notch.\nIMPRESSION: Left gluteal mass "
                         "abutting the sciatic nerve.",
        "Left sciatic nerve: abutted and displaced by the mass at the notch.\nIMPRESSION: Left gluteal mass."),
     "64712", "approve", {"C1": "met"}),
    # options laid before the patient are no decided plan, in whichever item of the list
    ("options_are_no_decided_plan", ["64712-LT"], edit(
        FAMILY_C, C_NOTE, "Plan: wide resection of the left gluteal sarcoma with neuroplasty of the left sciatic "
                          "nerve; the sciatic nerve will be preserved.",
        "Options reviewed with the patient and her husband:\n (a) radiation alone;\n (b) wide resection of the "
        "left gluteal sarcoma with neuroplasty of the left sciatic nerve, nerve preservation.\nShe has not "
        "decided."), "64712", "pend", {"C2": "insufficient"}),
    # a separation left open ("a thin fat plane may be present between the mass and the nerve") leaves
    # the relation open: the tumor noun beside the nerve is the other side of the plane
    ("open_fat_plane_leaves_contact_open", ["64712-LT"], edit(
        FAMILY_C, C_MRI, "The mass abuts the left sciatic nerve at the notch.\nIMPRESSION: Left gluteal mass "
                         "abutting the sciatic nerve.",
        "A thin fat plane may be present between the mass and the left sciatic nerve at the notch.\nIMPRESSION: "
        "Left gluteal mass."), "64712", "pend", {"C1": "insufficient"}),
    ("addendum_leaves_contact_open", ["64712-LT"], {**FAMILY_C, C_MRI: FAMILY_C[C_MRI] + (
        "ADDENDUM 03/03/2026: A thin fat plane may be present between the mass and the left sciatic nerve; contact "
        "can be neither confirmed nor excluded at this resolution.\n")}, "64712", "pend", {"C1": "insufficient"}),
    # a relation left open without a verb ("contact possible"), in its sentence or the next
    ("relation_hedge_without_verb", ["64712-LT"], edit(
        FAMILY_C, C_MRI, "The mass abuts the left sciatic nerve at the notch.\nIMPRESSION: Left gluteal mass "
                         "abutting the sciatic nerve.",
        "The left sciatic nerve courses along the mass.\nIMPRESSION: Left gluteal mass adjacent to the left "
        "sciatic nerve; contact possible, not confirmed."), "64712", "pend", {"C1": "insufficient"}),
    ("relation_hedge_without_verb_next_sentence", ["64712-LT"], edit(
        FAMILY_C, C_MRI, "The mass abuts the left sciatic nerve at the notch.\nIMPRESSION: Left gluteal mass "
                         "abutting the sciatic nerve.",
        "The left sciatic nerve courses along the mass.\nIMPRESSION: Left gluteal mass adjacent to the left "
        "sciatic nerve. Contact possible."), "64712", "pend", {"C1": "insufficient"}),
]

# the nerve a planned sacrifice acts on is the one named nearest to it in its clause, whatever its name
SACRIFICES = [
    # tissue located at the nerve is removed, not the nerve ("of" keeps the nerve in the phrase)
    ("tumor_lobule_at_the_notch", "The tumor lobule in the left sciatic notch will be taken with the specimen.",
     "approve", "met"),
    ("mass_abutting_the_nerve", "The mass abutting the sciatic nerve will be removed en bloc with the specimen.",
     "approve", "met"),
    ("portion_of_the_nerve", "The encased portion of the sciatic nerve will be resected with the tumor.", "refer",
     "not_met"),
    # roots named by their levels: S4 is no sciatic origin, S1 is
    ("low_sacral_roots_by_level", "Expected deficits from the S4-S5 sacrifice were discussed.", "approve", "met"),
    ("sciatic_roots_by_level", "The left S1 root sacrifice is expected.", "refer", "not_met"),
    # a cue that names no nerve acts on its clause's subject: bone is no nerve
    ("bone_with_the_specimen", "Greater trochanter: the posterior cortex will be resected with the specimen only "
                               "if frozen section shows tumor.", "approve", "met"),
    ("abbreviated_other_nerve", "The left posterior femoral cutaneous n. will be sacrificed with the specimen.",
     "approve", "met"),
    ("unlisted_other_nerve", "The inferior cluneal branches will be sacrificed with the specimen.", "approve", "met"),
    ("other_plexus_beside_code_nerve", "The sciatic nerve will be kept; the obturator nerve will be sacrificed.",
     "approve", "met"),
    ("code_nerve_sacrificed", "The obturator nerve is spared; the sciatic nerve will be sacrificed.", "refer",
     "not_met"),
    ("bare_nerve_sacrificed", "Because of encasement the nerve will be sacrificed.", "refer", "not_met"),
    # the code's nerve named as the object of the cut
    ("resect_the_named_nerve", "Because the mass surrounds it, the plan is to resect the left sciatic nerve with "
                               "the specimen.", "refer", "not_met"),
    # the nerve as the subject of a cut with the tumor, an apposition between
    ("nerve_resected_with_the_tumor", "The left sciatic nerve, encased over 7 cm, will be resected en bloc with "
                                      "the tumor.", "refer", "not_met"),
    ("bone_resected_with_the_tumor", "The left iliac wing will be resected en bloc with the tumor.", "approve", "met"),
    # a predicate coordinated after "and" shares its clause's subject: the obturator nerve
    ("other_nerve_then_modal", "The left obturator nerve runs through the medial extension of the tumor and will "
                               "be sacrificed with the specimen.", "approve", "met"),
    # a muscle origin is tissue, no nerve
    ("muscle_origin_with_the_specimen", "3. Hamstring origin resected with the specimen.", "approve", "met"),
    # a subject no nerve word names is no nerve, whatever it is called (an aside in parentheses aside)
    ("contaminated_field_in_the_resection", "The earlier contaminated field (open biopsy 2022) must be included "
                                            "in the resection.", "approve", "met"),
    ("root_in_the_resection", "The left S1 root must be included in the resection.", "refer", "not_met"),
    # a colon after a stated denial opens what follows from it: the plan after it is not denied
    ("denial_then_colon", "The sciatic nerve is not encased: we plan to preserve the left sciatic nerve by "
                          "neurolysis.", "approve", "met"),
    # a consequence opens a clause of its own: the denial before it does not reach the preservation
    ("denial_then_consequence", "The mass pushes the sciatic nerve backward but does not surround it, so the "
                                "left sciatic nerve will be dissected off the capsule and preserved.", "approve",
     "met"),
]


@pytest.mark.parametrize(("name", "sentence", "outcome", "c2"), SACRIFICES, ids=[r[0] for r in SACRIFICES])
def test_sacrificed_nerve_is_the_one_named(reviewer, tmp_path, name, sentence, outcome, c2):
    docs = edit(FAMILY_C, C_NOTE, "the sciatic nerve will be preserved.", "the sciatic nerve will be preserved. "
                + sentence)
    got = outcomes(reviewer, write_case(tmp_path, name, ["64712-LT"], docs))["64712"]
    assert (got[0], got[1]["C2"]) == (outcome, c2), got


@pytest.mark.parametrize(("sentence", "a4"), [
    ("She completed 3 cycles of neoadjuvant cisplatin and doxorubicin.", "met"),
    ("Two cycles are planned before surgery; cycle 1 was given last week. Anticipated surgery date: after cycle 2 "
     "and restaging, around mid-August.", "insufficient"),
    ("Surgery will follow in August, after cycle 2 of MAP.", "insufficient"),
    # a numbered range reported done, at a sentence start; a range still to come is no cycle given
    ("Chemotherapy: VDC/IE. Cycles 1 through 4 completed in March.", "met"),
    ("Chemotherapy: VDC/IE. Cycles 1-6 planned, 1 completed.", "insufficient"),
    # a count after "after" in a sentence about the future is a milestone, wherever the future cue is
    ("Surgery is anticipated in mid-May, after 2 cycles of MAP and restaging.", "insufficient"),
    ("After 3 cycles of MAP, the restaging MRI showed response.", "met"),
    # the milestone without its "around ...", and wrapped onto the next line: still ahead
    ("Two cycles are planned before surgery; cycle 1 was given last week. Anticipated surgery date: after cycle 2 "
     "and restaging.", "insufficient"),
    ("Two cycles are planned before surgery; cycle 1 was given last week. Anticipated surgery date: after cycle 2 "
     "and restaging,\naround mid-August.", "insufficient"),
])
def test_future_cycle_milestone_is_no_completed_cycle(reviewer, tmp_path, sentence, a4):
    docs = edit(FAMILY_A, NOTE, "She completed 3 cycles of neoadjuvant cisplatin and doxorubicin.", sentence)
    got = outcomes(reviewer, write_case(tmp_path, "cycles", ["27076-LT"], docs))["27076"]
    assert got[1]["A4"] == a4, got


@pytest.mark.parametrize(("name", "requested", "docs", "code", "outcome", "statuses"), NERVE_ROWS,
                         ids=[r[0] for r in NERVE_ROWS])
def test_nerve_class(reviewer, tmp_path, name, requested, docs, code, outcome, statuses):
    got = outcomes(reviewer, write_case(tmp_path, name, requested, docs))[code]
    assert got[0] == outcome, got
    for crit, status in statuses.items():
        assert got[1][crit] == status, (crit, got)


# Two spinal codes in one request, each for the lesion planned in its own region: a thoracic
# metastasis compressing the cord, and a stable lumbar one resected prophylactically. The thoracic
# compression must not meet the lumbar code's indication, nor the lumbar stability refute the
# thoracic code's.
TWO_LEVELS = {
    "path_2026-02-02.txt": ("SURGICAL PATHOLOGY\nDate of service: 02/02/2026\nSpecimen: T8 vertebral body, CT-guided "
                            "biopsy.\nDIAGNOSIS: Metastatic renal cell carcinoma.\n"),
    "mri_2026-01-28.txt": ("MRI THORACIC AND LUMBAR SPINE\nDate of service: 01/28/2026\nFINDINGS:\n1. Enhancing "
                           "lesion replaces the T8 vertebral body with epidural extension compressing the spinal "
                           "cord.\n2. Treated L3 metastasis, unchanged, without epidural extension or fracture.\n"
                           "No intradural abnormality.\nIMPRESSION: T8 metastasis with cord compression. Stable L3 "
                           "metastasis.\n"),
    "note_2026-02-05.txt": ("SPINE SURGERY CONSULT\nDate of service: 02/05/2026\nBilateral leg weakness 4/5 from "
                            "the T8 compression. ECOG 1. Expected survival more than 12 months.\nL3 SINS 6 "
                            "(stable).\nPlan: T8 corpectomy with posterior stabilization, and L3 corpectomy at the "
                            "same sitting.\n"),
}


@pytest.mark.parametrize("order", ["as_written", "reversed"])
def test_each_spinal_code_reads_the_lesion_of_its_region(reviewer, tmp_path, order):
    docs = TWO_LEVELS if order == "as_written" else dict(reversed(list(TWO_LEVELS.items())))
    got = outcomes(reviewer, write_case(tmp_path, "two_levels", ["63301", "63303"], docs))
    assert got["63301"][0] == "approve", got
    assert got["63303"][0] == "refer" and got["63303"][1]["B3"] == "not_met", got


def test_one_region_planned_keeps_the_case_lesion(reviewer, tmp_path):
    # with only the lumbar resection planned, the lumbar code's index lesion is the case's
    docs = edit(TWO_LEVELS, "note_2026-02-05.txt", "Plan: T8 corpectomy with posterior stabilization, and L3 "
                "corpectomy at the same sitting.", "Plan: L3 corpectomy.")
    got = outcomes(reviewer, write_case(tmp_path, "lumbar_only", ["63303"], docs))
    assert got["63303"][1]["B2"] == "met", got


@pytest.mark.parametrize(("name", "later", "b2"), [
    # a level whose resection a later note withdraws is no longer the lumbar code's lesion
    ("withdrawn_in_a_later_note", "Revised plan after MRI: T8 corpectomy only. The L3 corpectomy is no longer "
                                  "planned.", "not_met"),
    # a later note that keeps both levels keeps the lumbar lesion
    ("kept_in_a_later_note", "Plan confirmed after MRI: T8 and L3 corpectomy.", "met"),
])
def test_a_withdrawn_level_is_no_longer_planned(reviewer, tmp_path, name, later, b2):
    docs = {**TWO_LEVELS, "note_2026-02-09.txt": f"SPINE SURGERY FOLLOW-UP\nDate of service: 02/09/2026\n{later}\n"}
    got = outcomes(reviewer, write_case(tmp_path, name, ["63301", "63303"], docs))
    assert got["63303"][1]["B2"] == b2, got
    assert got["63301"][0] == "approve", got


# A carcinoma that grows into the spine from its own primary site is that primary tumor, not a
# metastasis (B3 a, B4 not applicable), only while nothing metastatic is stated.
APICAL = {
    "path_2026-01-10.txt": ("SURGICAL PATHOLOGY\nDate of service: 01/10/2026\nSpecimen: right lung apex, core "
                            "biopsy.\nDIAGNOSIS: Squamous cell carcinoma.\n"),
    "mri_2026-01-20.txt": ("MRI CERVICOTHORACIC SPINE\nDate of service: 01/20/2026\nFINDINGS: Right apical lung "
                           "tumor invading the T1 and T2 vertebral bodies, with a small extradural component in the "
                           "right T1-T2 foramen. No intradural abnormality.\nIMPRESSION: Superior sulcus tumor "
                           "invading T1-T2.\n"),
    "pet_2026-01-22.txt": ("PET/CT\nDate of service: 01/22/2026\nIMPRESSION: FDG-avid right apical tumor. No "
                           "distant metastases.\n"),
    "note_2026-02-01.txt": ("THORACIC SURGERY CONSULT\nDate of service: 02/01/2026\nECOG 1.\nPlan: curative-intent "
                            "en bloc resection of the right upper lobe, chest wall and T1-T2 hemivertebrectomy "
                            "for a negative margin.\n"),
}


@pytest.mark.parametrize(("name", "docs", "outcome", "statuses"), [
    ("direct_extension_is_primary", APICAL, "approve", {"B3": "met", "B4": "met"}),
    ("hedged_metastasis_elsewhere", edit(APICAL, "pet_2026-01-22.txt", "No distant metastases.",
                                         "Right adrenal nodule, possible metastasis."), "pend",
     {"B4": "insufficient"}),
    ("no_staging", {k: v for k, v in APICAL.items() if not k.startswith("pet")}, "pend", {"B3": "insufficient"}),
    ("stated_metastatic", edit(APICAL, "path_2026-01-10.txt", "Squamous cell carcinoma.",
                               "Metastatic squamous cell carcinoma."), "pend", {"B3": "insufficient"}),
], ids=lambda v: v if isinstance(v, str) else "")
def test_carcinoma_by_direct_extension(reviewer, tmp_path, name, docs, outcome, statuses):
    got = outcomes(reviewer, write_case(tmp_path, name, ["63301"], docs))["63301"]
    assert got[0] == outcome, got
    for crit, status in statuses.items():
        assert got[1][crit] == status, (crit, got)


UNDECIDED_PATH = ("SURGICAL PATHOLOGY REPORT\nDate of service: 01/05/2026\nSpecimen: left iliac bone, core biopsy.\n"
                  "DIAGNOSIS: Cartilaginous neoplasm. The distinction between enchondroma and low-grade (grade 1) "
                  "chondrosarcoma cannot be made on this limited material.\n")


@pytest.mark.parametrize(("name", "note_line", "a1"), [
    # the tissue left the diagnosis open: a note's working diagnosis does not settle it ...
    ("working_diagnosis", "Tumor board: imaging aggressive, manage as chondrosarcoma.", "insufficient"),
    # ... nor does a note that calls it proven, while the chart's pathology says otherwise
    ("note_calls_it_proven", "Biopsy-proven low-grade chondrosarcoma of the left ilium.", "insufficient"),
])
def test_tissue_left_open(reviewer, tmp_path, name, note_line, a1):
    docs = {**FAMILY_A, "path_2026-01-05.txt": UNDECIDED_PATH,
            "note_2026-01-20.txt": FAMILY_A["note_2026-01-20.txt"] + note_line + "\n"}
    got = outcomes(reviewer, write_case(tmp_path, name, ["27076-LT"], docs))["27076"]
    assert got[1]["A1"] == a1 and got[0] != "approve", got


BOTH_COMPARTMENTS = ("No intradural abnormality.",
                     "An enhancing 6 mm intradural extramedullary nodule lies dorsal to the cauda equina at L3.")


@pytest.mark.parametrize(("name", "docs", "b2_extradural", "b2_intradural"), [
    # a lesion with an affirmed extradural part fits the extradural code, whatever its intradural part
    ("both_compartments", _b((SPINE_MRI, *BOTH_COMPARTMENTS)), "met", "met"),
    # a later study that can neither confirm nor exclude the intradural part leaves the intradural
    # code open, and not the vertebral tumor it names the level of
    ("intradural_part_left_open_later", {**_b((SPINE_MRI, *BOTH_COMPARTMENTS)), "ct_2026-02-03.txt": (
        "CT MYELOGRAM LUMBAR SPINE\nDate of service: 02/03/2026\nFINDINGS: High-grade extradural block at L3.\n"
        "IMPRESSION: The intradural nodule reported at L3 on the MRI of 01/28/2026 can neither be confirmed nor "
        "excluded on this study.\n")}, "met", "insufficient"),
    # only intradural: the other compartment for the extradural code, whatever bone it scallops
    ("intradural_only", _b((SPINE_MRI, "FINDINGS: Enhancing lesion replaces the L3 vertebral body with epidural "
                                       "extension compressing the thecal sac.",
                            "FINDINGS: Enhancing intradural extramedullary mass at L3 compressing the cauda "
                            "equina, with scalloping of the L3 vertebral body."),
                           (SPINE_MRI, "IMPRESSION: L3 metastasis with epidural extension.",
                            "IMPRESSION: L3 intradural extramedullary metastasis."),
                           (SPINE_MRI, "No intradural abnormality.", "No epidural tumor.")),
     "not_met", "met"),
    # an intramedullary mass is in the intradural compartment
    ("intramedullary_mass_is_a_compartment",
     _b((SPINE_MRI, "No intradural abnormality.", "There is also an enhancing intramedullary mass at L3.")),
     "met", "met"),
    # "no leptomeningeal enhancement elsewhere" does not deny the intradural part it follows
    ("no_intradural_disease_elsewhere",
     _b((SPINE_MRI, "No intradural abnormality.", "Possible intradural extension at L3. No leptomeningeal "
                                                 "enhancement elsewhere.")), "met", "insufficient"),
])
def test_compartments_of_one_lesion(reviewer, tmp_path, name, docs, b2_extradural, b2_intradural):
    got = outcomes(reviewer, write_case(tmp_path, name, ["63303", "63307"], docs))
    assert got["63303"][1]["B2"] == b2_extradural and got["63307"][1]["B2"] == b2_intradural, got


@pytest.mark.parametrize(("name", "plan", "a3"), [
    # an intent with no operation in it plans no surgery: the method is still to be chosen
    ("intent_without_surgery", "Tumor board: solitary lesion, treat with curative intent. The method of local "
                               "treatment will be decided by the orthopaedic oncologist.", "insufficient"),
    ("curative_resection", "Plan: resection of the left ilium and acetabulum with curative intent.", "met"),
    ("limb_salvage", "Plan: limb salvage of the left hemipelvis, type I/II internal hemipelvectomy.", "met"),
])
def test_a_curative_intent_needs_an_operation(reviewer, tmp_path, name, plan, a3):
    note = ("ORTHOPAEDIC ONCOLOGY CONSULT\nDate of service: 01/20/2026\nShe completed 3 cycles of neoadjuvant "
            "cisplatin and doxorubicin.\nStaging CT chest shows no metastatic disease.\n" + plan + "\n")
    got = outcomes(reviewer, write_case(tmp_path, name, ["27076-LT"], {**FAMILY_A, "note_2026-01-20.txt": note}))
    assert got["27076"][1]["A3"] == a3, got


@pytest.mark.parametrize(("name", "chemo", "a4"), [
    ("completed", "She completed 3 cycles of neoadjuvant cisplatin and doxorubicin.", "met"),
    # a plan labelled inside a paragraph is a plan, whatever "after surgery" follows it
    ("inline_plan", "We discussed the options at length. Plan: neoadjuvant MAP chemotherapy, two cycles before "
                    "the resection, then further cycles after surgery.", "insufficient"),
    # one cycle given and a several-cycle regimen still planned before surgery: under way
    ("regimen_under_way", "He has received 1 cycle of neoadjuvant chemotherapy. Recommendation: complete "
                          "neoadjuvant chemotherapy (6 cycles), then resection.", "insufficient"),
    # one cycle given and the next after surgery: a short course
    ("short_course", "He has completed 1 cycle of neoadjuvant chemotherapy. Cycle 2 is scheduled after the "
                     "resection.", "not_met"),
])
def test_neoadjuvant_cycles_planned_or_done(reviewer, tmp_path, name, chemo, a4):
    note = FAMILY_A["note_2026-01-20.txt"].replace(
        "She completed 3 cycles of neoadjuvant cisplatin and doxorubicin.", chemo)
    got = outcomes(reviewer, write_case(tmp_path, name, ["27076-LT"], {**FAMILY_A, "note_2026-01-20.txt": note}))
    assert got["27076"][1]["A4"] == a4, got


# which lesion a generic mention is: a measurement names it. "A 5 mm sclerotic focus ... abuts the
# acetabular roof" is the "incidental 5 mm bone island" the impression names, not the 9 cm tumor of
# the iliac wing; measured as the tumor is, or with the island unmeasured, it may be the tumor.
WING = _a(
    (MRI, "There is a 9 cm destructive mass of the left ilium. " + ABUTS,
     "There is a 9 cm destructive mass of the left iliac wing, 4 cm above the acetabulum; the acetabulum is "
     "uninvolved. A 5 mm sclerotic focus in the left supra-acetabular ilium abuts the left acetabular roof."),
    (MRI, IMPRESSION, "IMPRESSION: 1. Left iliac wing osteosarcoma.\n2. Incidental 5 mm bone island in the left "
                      "supra-acetabular ilium."),
    (NOTE, PLAN, "Plan: en bloc resection with wide margins of the left iliac wing, sparing the acetabulum, with "
                 "curative intent."))


@pytest.mark.parametrize(("name", "docs", "outcome", "a2"), [
    ("measured_as_the_island", WING, "approve", "met"),
    ("island_named_on_the_next_study", edit(edit(WING, MRI, "2. Incidental 5 mm bone island in the left "
                                                 "supra-acetabular ilium.", "2. No other lesion."),
                                            NOTE, "Plan:", "CT 01/15/2026: incidental 5 mm bone island of the left "
                                                           "supra-acetabular ilium, unchanged since 2019.\nPlan:"),
     "approve", "met"),
    # another island of that size on the other side is never the one meant
    ("same_size_island_other_side", edit(WING, MRI, "2. Incidental 5 mm bone island", "2. Incidental 5 mm bone "
                                         "island in the right femoral head.\n3. Incidental 5 mm bone island"),
     "approve", "met"),
    # a closing sentence of its paragraph identifies the measured lesion it described
    ("identified_by_a_closing_sentence", edit(edit(WING, MRI, "2. Incidental 5 mm bone island in the left "
                                                   "supra-acetabular ilium.", "2. No other lesion."),
                                              MRI, "abuts the left acetabular roof.", "abuts the left acetabular roof. "
                                              "It is unchanged since 2019. These features are those of a bone island."),
     "approve", "met"),
    ("measured_as_the_tumor", edit(WING, MRI, "A 5 mm sclerotic focus", "A 9 cm sclerotic focus"), "refer", "not_met"),
    ("island_unmeasured", edit(WING, MRI, "Incidental 5 mm bone island", "Incidental bone island"), "refer", "not_met"),
])
def test_a_measurement_names_the_lesion(reviewer, tmp_path, name, docs, outcome, a2):
    got = outcomes(reviewer, write_case(tmp_path, name, ["27075-LT"], docs))["27075"]
    assert (got[0], got[1]["A2"]) == (outcome, a2)


# what is planned for a nerve is the latest decided plan: a board's likely sacrifice yields to a
# later firm plan to preserve the same nerve, and a later sacrifice overrides an earlier preservation;
# two plans of one date have no order, so the sacrifice still stands
BOARD_SACRIFICE = ("TUMOR BOARD\nDate of service: {date}\nGiven encasement, en bloc resection will likely include "
                   "sacrifice of the left sciatic nerve.\n")


@pytest.mark.parametrize(("name", "board_date", "outcome", "c2"), [
    ("board_before_the_plan", "02/20/2026", "approve", "met"),
    ("board_same_day", "03/10/2026", "pend", "insufficient"),
])
def test_the_latest_nerve_plan_decides(reviewer, tmp_path, name, board_date, outcome, c2):
    docs = {**FAMILY_C, "board.txt": BOARD_SACRIFICE.format(date=board_date)}
    got = outcomes(reviewer, write_case(tmp_path, name, ["64712-LT"], docs))["64712"]
    assert (got[0], got[1]["C2"]) == (outcome, c2), got


def test_a_later_sacrifice_overrides_an_earlier_preservation(reviewer, tmp_path):
    docs = {**FAMILY_C, "board.txt": "TUMOR BOARD\nDate of service: 03/20/2026\nAfter the new MRI the left sciatic "
                                     "nerve will be sacrificed with the specimen.\n"}
    got = outcomes(reviewer, write_case(tmp_path, "later_sacrifice", ["64712-LT"], docs))["64712"]
    assert (got[0], got[1]["C2"]) == ("refer", "not_met"), got


# a sentence that leaves the relation itself open, with no involvement of its own, hedges the
# involvement the sentence before it states; a sentence about something else leaves it standing
@pytest.mark.parametrize(("name", "after", "outcome", "c1"), [
    ("relation_open_in_the_next_sentence", "A thin fat plane may be preserved on some slices, and true contact "
                                           "cannot be confirmed.", "pend", "insufficient"),
    ("relation_open_opening_the_next_sentence", "Direct contact cannot be excluded.", "pend", "insufficient"),
    ("next_sentence_about_something_else", "A small effusion of the left hip cannot be excluded.", "approve", "met"),
])
def test_a_relation_left_open_in_the_next_sentence(reviewer, tmp_path, name, after, outcome, c1):
    docs = edit(edit(FAMILY_C, C_MRI, "The mass abuts the left sciatic nerve at the notch.",
                     "The mass abuts the left sciatic nerve at the notch. " + after),
                C_MRI, "IMPRESSION: Left gluteal mass abutting the sciatic nerve.", "IMPRESSION: Left gluteal mass.")
    got = outcomes(reviewer, write_case(tmp_path, name, ["64712-LT"], docs))["64712"]
    assert (got[0], got[1]["C1"]) == (outcome, c1), got


# a verb's direct object is what it acts on: "preserving the nerve" keeps the nerve, whatever tissue
# the clause before it names ("taking the epineurium as the margin")
@pytest.mark.parametrize(("name", "plan", "outcome", "c2"), [
    ("verb_object_is_the_nerve", "the epineurium will be taken as the margin, preserving the nerve.", "approve", "met"),
    ("verb_object_is_tissue", "the epineurium will be taken as the margin, preserving the gluteal muscles.", "pend",
     "insufficient"),
])
def test_a_verb_acts_on_its_object(reviewer, tmp_path, name, plan, outcome, c2):
    docs = edit(FAMILY_C, C_NOTE, "the sciatic nerve will be preserved.", plan)
    got = outcomes(reviewer, write_case(tmp_path, name, ["64712-LT"], docs))["64712"]
    assert (got[0], got[1]["C2"]) == (outcome, c2), got


# a part of a structure stated free while another part of it is left open leaves the structure open:
# the inferior ramus normal and the superior ramus "may represent reactive edema" is no pubis free
@pytest.mark.parametrize(("name", "superior", "outcome", "a2"), [
    ("other_part_left_open", "Abnormal marrow signal extends into the left superior pubic ramus. This may "
                             "represent reactive edema rather than tumor. ", "pend", "insufficient"),
    ("no_part_left_open", "", "refer", "not_met"),
    # an addendum that settles the open part leaves the structure free
    ("open_part_settled_by_an_addendum", "Abnormal marrow signal extends into the left superior pubic ramus. This may "
                                         "represent reactive edema rather than tumor. ", "refer", "not_met"),
])
def test_a_part_free_and_another_open(reviewer, tmp_path, name, superior, outcome, a2):
    docs = _a((MRI, ABUTS, ABUTS + " " + superior + "The left ischium and inferior pubic ramus show normal marrow "
                                                    "signal."))
    if name.endswith("addendum"):
        docs = edit(docs, MRI, IMPRESSION, IMPRESSION + "\nADDENDUM: The left superior pubic ramus signal represents "
                    "reactive marrow edema. The left pubic rami and ischium are not involved by tumor.")
    got = outcomes(reviewer, write_case(tmp_path, name, ["27077-LT"], docs))["27077"]
    assert (got[0], got[1]["A2"]) == (outcome, a2), got


# a nodule left open leaves staging open, unless the disease is named solitary or oligometastatic and
# the plan is curative whatever the nodule is (POLICY: limited metastases with a curative plan)
@pytest.mark.parametrize(("name", "board", "outcome", "a5"), [
    ("solitary_curative", "Solitary osseous metastasis of the left ilium; the nodule will be treated with curative "
                          "intent as well.", "approve", "met"),
    ("nothing_said_of_the_burden", "Osseous metastasis of the left ilium; the nodule will be followed.", "pend",
     "insufficient"),
])
def test_an_open_nodule_in_limited_disease(reviewer, tmp_path, name, board, outcome, a5):
    docs = _a((PATH, "FINAL DIAGNOSIS: High-grade conventional osteosarcoma.", "FINAL DIAGNOSIS: Metastatic clear "
                                                                                "cell renal cell carcinoma."),
              (MRI, IMPRESSION, "IMPRESSION: Left iliac metastasis abutting the left acetabular roof."),
              (CT, "IMPRESSION: No pulmonary metastases.", "IMPRESSION: Solitary 8 mm right lower lobe nodule, "
                                                          "indeterminate; metastasis cannot be excluded."),
              (NOTE, "Staging CT chest shows no metastatic disease.", board))
    got = outcomes(reviewer, write_case(tmp_path, name, ["27076-LT"], docs))["27076"]
    assert (got[0], got[1]["A5"]) == (outcome, a5), got


# what a sentence says of a lesion it places only at levels away from the planned resection is about
# that other lesion: an intradural lesion at T11 is not the L3 metastasis's intradural extension
@pytest.mark.parametrize(("name", "level", "approves"), [
    ("intradural_lesion_at_another_level", "T11", False),
    ("intradural_lesion_at_the_planned_level", "L3", True),
])
def test_a_finding_placed_at_another_level(reviewer, tmp_path, name, level, approves):
    docs = edit(FAMILY_B, "mri_2026-01-28.txt", "No intradural abnormality.",
                f"At {level}, a 1.1 cm enhancing intradural extramedullary lesion.")
    got = outcomes(reviewer, write_case(tmp_path, name, ["63307"], docs))["63307"]
    assert (got[0] == "approve") is approves, got


# a completed study that calls the nerve normal in a sentence denying focal compromise is a study
# without focal compromise (pathway 2, C2' not met); one that says nothing of compromise is silent
ENTRAPMENT = {
    "note_2026-03-01.txt": ("PHYSICAL MEDICINE\nDate of service: 03/01/2026\nRight anterior thigh numbness and "
                            "quadriceps weakness for 5 months after an acetabular fracture fixation. Physical therapy "
                            "for 10 weeks without relief.\n"),
    "mrn_2026-03-10.txt": ("MR NEUROGRAPHY RIGHT LUMBAR PLEXUS\nDate of service: 03/10/2026\nFINDINGS: The right "
                           "lumbar plexus and femoral nerve are normal in caliber and signal, {words}.\n"
                           "IMPRESSION: Normal "
                           "study.\n"),
}


@pytest.mark.parametrize(("name", "words", "c2"), [
    ("normal_without_compromise", "without focal compression, scarring or mass", "not_met"),
    ("normal_saying_nothing_of_compromise", "with symmetric fascicles", "insufficient"),
])
def test_a_normal_study_denies_focal_compromise(reviewer, tmp_path, name, words, c2):
    docs = {k: v.format(words=words) for k, v in ENTRAPMENT.items()}
    got = outcomes(reviewer, write_case(tmp_path, name, ["64714-RT"], docs))["64714"]
    assert got[1]["C2'"] == c2, got


# blind32 classes, on the family B chart (L3 metastasis, corpectomy planned at L3)
MRI_B, NOTE_B = "mri_2026-01-28.txt", "note_2026-02-05.txt"


@pytest.mark.parametrize(("name", "plan", "code", "outcome", "b2"), [
    # a lumbar code requested for a conditional extension reads the lesion that extension treats: an
    # indeterminate L4 lesion, not the metastasis firmly planned at T12
    ("conditional_extension_is_the_codes_lesion",
     "Plan: T12 corpectomy with posterior stabilization. L4: biopsy with frozen section; if carcinoma is "
     "confirmed, an L4 corpectomy will be added.", "63303", "pend", "insufficient"),
    # the same chart with the lumbar level planned outright
    ("firm_lumbar_plan", "Plan: L4 corpectomy with posterior stabilization.", "63303", "approve", "met"),
])
def test_a_conditional_extension_names_the_codes_lesion(reviewer, tmp_path, name, plan, code, outcome, b2):
    mri = ("MRI THORACIC AND LUMBAR SPINE\nDate of service: 01/28/2026\nFINDINGS:\nT12: enhancing tumor replaces the "
           "vertebral body with a pathologic compression fracture and epidural tumor compressing the cord.\n"
           "L4: 1.4 cm T2-bright focus in the vertebral body. This may be an atypical hemangioma; metastasis cannot be "
           "excluded.\nIMPRESSION: T12 metastasis with cord compression. Indeterminate L4 lesion.\n")
    docs = {**FAMILY_B, MRI_B: mri if "T12" in plan else FAMILY_B[MRI_B].replace("L3", "L4"),
            "path_2026-02-02.txt": FAMILY_B["path_2026-02-02.txt"].replace("L3", "T12" if "T12" in plan else "L4"),
            NOTE_B: FAMILY_B[NOTE_B].replace("Plan: L3 corpectomy with posterior stabilization.", plan)}
    got = outcomes(reviewer, write_case(tmp_path, name, [code], docs))[code]
    assert got[0] == outcome and got[1]["B2"] == b2, got


@pytest.mark.parametrize(("name", "extra", "b1"), [
    # a benign lesion hedged at another level is no alternative reading of the planned tumor
    ("hedged_bone_island_elsewhere", "T7: 5 mm sclerotic focus, consistent with a bone island.", "met"),
    # ... while a benign reading of the tumor itself, left open, keeps its diagnosis open
    ("hedged_hemangioma_at_the_level", "The L3 lesion could alternatively represent an atypical hemangioma.",
     "insufficient"),
])
def test_a_benign_alternative_at_another_level(reviewer, tmp_path, name, extra, b1):
    docs = {**FAMILY_B, "path_2026-02-02.txt": "", MRI_B: FAMILY_B[MRI_B].replace(
        "No intradural abnormality.", extra + "\nNo intradural abnormality."),
        NOTE_B: FAMILY_B[NOTE_B] + "History of renal cell carcinoma, treated by nephrectomy in 2022.\n"}
    docs = {k: v for k, v in docs.items() if v}
    got = outcomes(reviewer, write_case(tmp_path, name, ["63303"], docs))["63303"]
    assert got[1]["B1"] == b1, got


@pytest.mark.parametrize(("name", "note", "b3"), [
    # compression without its deficit, in a spine stated stable: (b) and (c) both excluded in words
    ("compression_without_deficit", "Strength 5/5 throughout, no weakness or numbness. Back pain 2/10 on "
     "acetaminophen. SINS 6, mechanically stable. Return precautions: go to the ED for new weakness or urinary "
     "retention.", "not_met"),
    # the same chart with a deficit
    ("compression_with_deficit", "Bilateral leg weakness 4/5. SINS 6, mechanically stable.", "met"),
])
def test_compression_needs_its_deficit(reviewer, tmp_path, name, note, b3):
    docs = {**FAMILY_B, MRI_B: FAMILY_B[MRI_B].replace(" There is a pathologic compression fracture of L3.", ""),
            NOTE_B: FAMILY_B[NOTE_B].replace("Bilateral leg weakness 4/5 and intractable pain.", note)}
    got = outcomes(reviewer, write_case(tmp_path, name, ["63303"], docs))["63303"]
    assert got[1]["B3"] == b3, got


LMN = ("LETTER OF MEDICAL NECESSITY\nDate: 01/21/2026\nTo the utilization reviewer:\n{body}\n")


@pytest.mark.parametrize(("name", "note_plan", "letter_plan", "a3"), [
    # the surgeon's letter is where the plan is documented: its plan counts when no note plans it
    ("plan_only_in_the_letter", "", "Our plan: en bloc resection of the left ilium and acetabulum with wide margins, "
     "with curative intent.", "met"),
    # a plan the chart's notes state stays theirs (the letter adds nothing to it)
    ("plan_in_the_note_too", NOTE_A.split("Plan: ")[1].strip(), "We request wide resection.", "met"),
    # its statements of fact stay claims: no plan anywhere, and the letter's plan only asserted by the notes
    ("letter_claims_only", "", "Imaging shows the tumor abuts the acetabular roof.", "insufficient"),
])
def test_the_requesters_letter_documents_its_own_plan(reviewer, tmp_path, name, note_plan, letter_plan, a3):
    note = NOTE_A.split("Plan: ")[0] + (f"Plan: {note_plan}\n" if note_plan else "")
    docs = {**FAMILY_A, NOTE: note, "lmn_2026-01-21.txt": LMN.format(body=letter_plan)}
    got = outcomes(reviewer, write_case(tmp_path, name, ["27076-LT"], docs))["27076"]
    assert got[1]["A3"] == a3, got


@pytest.mark.parametrize(("name", "extra", "a3"), [
    # a denial inside the condition of an alternative names when the alternative applies
    ("alternative_if_margins_fail", "If wide margins are not achievable after chemotherapy: definitive radiation "
     "as the alternative.", "met"),
    # a denial the plan states contradicts its margins: the plan is no longer settled
    ("margins_not_achievable", "Wide margins are not achievable.", "insufficient"),
])
def test_a_denial_in_an_alternatives_condition(reviewer, tmp_path, name, extra, a3):
    docs = edit(FAMILY_A, NOTE, "with curative intent.\n", "with curative intent.\n" + extra + "\n")
    got = outcomes(reviewer, write_case(tmp_path, name, ["27076-LT"], docs))["27076"]
    assert got[1]["A3"] == a3, got
