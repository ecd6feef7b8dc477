"""Document type and date from header text."""

from __future__ import annotations

import datetime as dt

import pytest
from mednec.pipeline import infer_date, infer_type

TYPES = [
    # a letter whose salutation stands below a letterhead, a date and an address, and that closes as a
    # letter does, is a clinician's correspondence, whatever its first lines name
    ("Mr James Harrow FRACS\nUpper Limb, Plexus and Sarcoma Surgery\nHollywood Specialist Centre\n29/01/2026\n"
     "Dr Chloe Barnard\nCottesloe Medical Centre\n1 Main Street\nPerth WA\nDear Chloe\nRE: Natalia K\n"
     "I saw Natalia again today with her biopsy.\nKind regards,\nJames Harrow\n", "clinical_note"),
    # ...a page with a salutation and no closing is not yet a letter
    ("Mr James Harrow FRACS\nUpper Limb, Plexus and Sarcoma Surgery\nHollywood Specialist Centre\n29/01/2026\n"
     "Dr Chloe Barnard\nCottesloe Medical Centre\n1 Main Street\nPerth WA\nDear Chloe\nRE: Natalia K\n"
     "I saw Natalia again today with her biopsy.\n", "other"),
    ("MRI PELVIS WITH AND WITHOUT CONTRAST\n", "imaging"),
    # a salutation opens a letter; the honorific "Mr" is no MR study (the modality in capitals still is)
    ("Orthopaedic Oncology        06/01/2026\nDear Dr Kowalczyk,\nMr Johansen has completed radiotherapy\n",
     "clinical_note"),
    ("Orthopaedic Oncology        06/01/2026\nMr Johansen has completed radiotherapy (50 Gy in 25\n", "other"),
    ("MR LUMBAR SPINE WITHOUT CONTRAST\n", "imaging"),
    # a title wrapped after a dangling word is read whole: the institution's "Referral Centre" names no note
    ("NORDIC-CANADIAN SARCOMA REFERRAL CENTRE - DEPARTMENT OF\nRADIOLOGY\nExamination: pelvis\n", "imaging"),
    ("NORDIC-CANADIAN SARCOMA REFERRAL CENTRE | DIAGNOSTIC\nIMAGING\nMRI PELVIS WITH GADOLINIUM\n", "imaging"),
    ("RIVERSIDE CANCER CENTER - SARCOMA CLINIC\nDear Dr Smith,\n", "clinical_note"),
    ("REDWOOD VALLEY SPINE INSTITUTE -- CLINIC NOTE\nDOS: Feb 17, 2026\n15 wk s/p LLIF. Fusion progressing on XR "
     "today,\nhardware intact.\n", "clinical_note"),
    ("Patient: DOE, JOHN   MRN: 022\nDate of Service: 01/21/2026\nDepartment: PHYSICAL MEDICINE & REHABILITATION -\n"
     "NEUROMUSCULAR / EMG CLINIC\nProvider: A. Rao, DO\n\nSubjective\nThigh numbness.\n\nAssessment/Plan\n1. Femoral "
     "neuropathy.\n", "clinical_note"),
    # a header's department field names the place, not the document; headings alone on their lines
    ("Patient: DOE, JOHN   MRN: 022   DOB: 06/30/1953\nDate of Service: 01/21/2026\nDepartment: PHYSICAL MEDICINE - "
     "NEUROMUSCULAR / EMG CLINIC\nProvider: A. Rao, DO\n\nSubjective\nThigh numbness.\n\nAssessment/Plan\n1. Femoral "
     "neuropathy.\n", "clinical_note"),
    # a SOAP note's one-letter labels make a clinical note, under a fax header and a scan aside
    ("MAR-02-2026 09:12 FROM-ORTHO ONCOLOGY CLINIC  (555)010-2000  P.006/009\n[scanned document - OCR text]\n"
     "ALLIANCE PAIN & SPINE        Pt: DOE, JOHN   DOB 4/02/1952\nS: L thigh pain.\nO: L quad 4/5.\n"
     "A: L femoral neuropathy.\nP: EMG ordered.\n", "clinical_note"),
    # a laboratory's name line and a specimen line head a pathology report
    ("QUEENSLAND COASTAL PATHOLOGY\nPatient: DOE Jane   DOB 09/05/1977\nSpecimen: CT-guided core biopsy L4\n",
     "pathology"),
    ("Specimen: CT-guided core biopsy L4 vertebral body   Collected 23/02/2026\n", "pathology"),
    ("SURGICAL PATHOLOGY REPORT\n", "pathology"),
    ("ORTHOPAEDIC ONCOLOGY - PREOPERATIVE CONSULTATION\n", "clinical_note"),
    ("Multidisciplinary Sarcoma Tumor Board\n", "tumor_board"),
    ("ELECTRODIAGNOSTIC CONSULTATION (EMG/NCS)\n", "other"),
    ("OPERATIVE REPORT\n", "operative"),
    ("PET/CT SKULL BASE TO MID-THIGH\n", "imaging"),
    ("INTERVENTIONAL RADIOLOGY PROCEDURE NOTE\n", "operative"),
    # a fax machine's header line names the sending clinic, not the document
    ("JAN-14-2026 15:49 FROM-ORTHO ONCOLOGY CLINIC  P.002/007\nMRI PELVIS WITH AND WITHOUT CONTRAST\n", "imaging"),
    ("03/02/2026 09:12  FAX 555-0100  FROM: SPINE CLINIC  PAGE 1/3\nSURGICAL PATHOLOGY REPORT\n", "pathology"),
    ("Patient: DOE, JANE  MRN: 123  DOB: 01/02/1970  Referring: Family Medicine Clinic\nCT CHEST\n", "imaging"),
    # OCR's digit-for-letter slips in a title, and a pathology department's own title
    ("PATH0LOGY DEPARTMENT - BI0PSY REP0RT\nMaterial: pubic ramus, CT-guided biopsy\n", "pathology"),
    # a British multidisciplinary team meeting is a tumor board, whatever study it cites next
    ("ST COLUMBA'S BONE TUMOUR UNIT - MULTIDISCIPLINARY TEAM MEETING\nDiagnosis (MRI 18/09/2025)\n",
     "tumor_board"),
    # a note's title in shorthand, and a body sentence that names a study: the title decides
    ("ORTHO ONC F/U - 04/09/2026 - D. Marchetti MD\nPt seen. Post-RT MRI 4/6: mass smaller.\n", "clinical_note"),
    # a neurophysiology laboratory's letterhead is no clinic note ("CLINICAL" is no "clinic")
    ("NORTHBRIDGE HEALTH SYSTEM - CLINICAL NEUROPHYSIOLOGY LABORATORY\nNERVE CONDUCTION STUDIES AND EMG\n", "other"),
    # a wrapped paragraph of a letter that names a study is no title, wherever the wrap falls
    ("HARLAN ORTHOPAEDIC ONCOLOGY, P.C.\nProvider: M. Vance, MD\nMr. F is a 55 year old electrician who noticed a\n"
     "fullness in his left flank; the CT of 02/10 with contrast showed a mass.\nPlan: resection.\n", "clinical_note"),
    ("Spine Tumor Program\nPt seen today. MRI and CT reviewed with her.\nA/P: L3 corpectomy.\n", "clinical_note"),
    # a translator's note in square brackets, on one line or wrapped over two, names no document
    ("[Translation from French by a sworn translator.\nTranslator's notes in square brackets.]\n\nCENTRE "
     "HOSPITALIER UNIVERSITAIRE\nMRI OF THE LEFT HIP AND THIGH\n", "imaging"),
    ("[Translator's notes in square brackets.]\nMRI OF THE LEFT HIP AND THIGH\n", "imaging"),
    # an HL7 result: the envelope segments (whose "^MR" is a record number type) name no type, the
    # OBR segment's service does
    ("MSH|^~\\&|NEUROPHYS|GENERAL|EHR|GH|202603091512||ORU^R01|1|P|2.3\nPID|1||55^^^GH^MR||DOE^J||19731215|M\n"
     "OBR|1|E-1|N-1|EMGNCS^NERVE CONDUCTION STUDIES AND NEEDLE EMG|||202603091300\n", "other"),
    ("MSH|^~\\&|RIS|GENERAL|EHR|GH|202601091422||ORU^R01|2|P|2.3\nPID|1||55^^^GH^MR||DOE^J||19731215|M\n"
     "PV1|1|O|CLINIC 4B\nOBR|1|A-1|R-1|MRPELC^MRI PELVIS WITH AND WITHOUT GADOLINIUM|||202601091130\n", "imaging"),
    # what a report is for names no type ("... for the international referral"); a header field that
    # names the study does
    ("UNIVERSITY HOSPITAL - DEPARTMENT 4\nReport in English for the international referral\n\nDate: 09.01.2025\n"
     "Patient: male, 15 years\nExamination: MRI of the pelvis, native and contrast\n\nFindings:\nA mass.\n"
     "Assessment:\nBone tumour.\n", "imaging"),
    ("ORTHOPAEDIC CLINIC\nLetter for the referring physician\nExamination: the hip moves freely.\n", "clinical_note"),
]


@pytest.mark.parametrize(("text", "expected"), TYPES)
def test_type(text, expected):
    assert infer_type(text) == expected


DATES = [
    ("X\nDate of service: 02/14/2026\n", dt.date(2026, 2, 14)),
    ("X\nDOS: 2026-01-05\n", dt.date(2026, 1, 5)),
    ("X\nExam date: Jan 5, 2026\n", dt.date(2026, 1, 5)),
    ("X\nSigned 5 January 2026\n", dt.date(2026, 1, 5)),
    # OCR closed the column gap between a title and its date label; another event's date is not it
    ("NORTHSHORE HAND SURGERY\nConsultation Date of service: 04/14/2026\n", dt.date(2026, 4, 14)),
    ("MRI PELVIS\nComparison Exam date: 01/02/2025\nExam date: 03/03/2026\n", dt.date(2026, 3, 3)),
    # never a date of birth, a fax timestamp or a dictation stamp
    ("JAN-14-2026 15:49 FROM-CLINIC P.002/007\nMRI PELVIS\nPatient: DOE  DOB: 05/17/2003\nExam date: 01/09/2026\n",
     dt.date(2026, 1, 9)),
    ("SURGICAL PATHOLOGY\nPatient: DOE  MRN: 1  DOB: 05/17/2003\nCollected: 01/12/2026  Reported: 01/14/2026\n",
     dt.date(2026, 1, 12)),
    ("Office visit\nDate of birth: 02/03/1970\nSeen today 03/04/2026.\n", dt.date(2026, 3, 4)),
    ("Progress note\nD: 03/05/2026 T: 03/06/2026\nPatient seen 03/01/2026\n", dt.date(2026, 3, 1)),
    ("Patient: DOE, JANE   MRN: 20   Date of service: 04/03/2026\nNote\n", dt.date(2026, 4, 3)),
    ("NEUROPHYSIOLOGY REPORT\nDate of study: 18/11/2025\n", dt.date(2025, 11, 18)),
    # an HL7 result is dated by its observation field (OBR-7), never by a date its text mentions
    ("MSH|^~\\&|RIS|GH|EHR|GH|202604201008||ORU^R01|3|P|2.3\nOBR|1|A-2|R-2|MRPELC^MRI PELVIS (RESTAGING)|||"
     "202604200915|||F\nOBX|1|TX|CLINHX^Clinical question||Ewing sarcoma diagnosed 01/09/2026.||||||F\n",
     dt.date(2026, 4, 20)),
]


@pytest.mark.parametrize(("text", "expected"), DATES)
def test_date(text, expected):
    assert infer_date(text) == expected


def test_date_from_file_name_when_text_has_none():
    assert infer_date("no date here", "mri_pelvis_2025-10-20.txt") == dt.date(2025, 10, 20)


def test_fax_stamp_dates_only_when_nothing_else_does():
    assert infer_date("FAX NOTE\nFaxed: 03/05/2026\n") == dt.date(2026, 3, 5)


@pytest.mark.parametrize(("text", "expected"), [
    # a document that writes some date day first ("13/02/2026") writes them all day first
    ("MRI PELVIS\nDate: 09/02/2026\nComparison: MRI 18/09/2025.\n", dt.date(2026, 2, 9)),
    # ...and one that writes some month first keeps the month first
    ("MRI PELVIS\nDate: 09/02/2026\nComparison: MRI 09/18/2025.\n", dt.date(2026, 9, 2)),
    # no date shows the order: month first, as before
    ("MRI PELVIS\nDate: 09/02/2026\n", dt.date(2026, 9, 2)),
    # a dotted date is written day first (14.03.2026), whatever the slashed dates of the document do
    ("MRI OF THE PELVIS\nDate of examination: 05.01.2026\n", dt.date(2026, 1, 5)),
    ("MRI OF THE PELVIS\nDate of examination: 05.01.2026\nComparison: CT 09/18/2025.\n", dt.date(2026, 1, 5)),
    ("MRI OF THE PELVIS\nDate of examination: 09/02/2026\nOutside study: 14.01.2026.\n", dt.date(2026, 9, 2)),
])
def test_day_first_documents(text, expected):
    assert infer_date(text) == expected


def test_an_ambiguous_date_takes_the_reading_of_its_file_name():
    text = "CT NECK AND THORAX\nEXAM DATE: 03/11/2025\n"
    assert infer_date(text, "outside_ct_2025-11-03.txt") == dt.date(2025, 11, 3)
    assert infer_date(text) == dt.date(2025, 3, 11)


# several reports in one text file: an outside operative note, a rule line, the pathology of its specimen
OP_AND_PATH = ("OUTSIDE SURGERY CENTER\nOPERATIVE REPORT\nDate of surgery: 04/02/2025\nPREOPERATIVE DIAGNOSIS: Thigh "
               "mass, presumed lipoma.\nPROCEDURE: Excision of left thigh mass.\n{rule}\nSURGICAL PATHOLOGY REPORT\n"
               "Received 04/02/2025   Reported 04/08/2025\nDIAGNOSIS: Myxofibrosarcoma, high grade.\n")


@pytest.mark.parametrize(("rule", "kinds"), [
    ("-" * 40, ["operative", "pathology"]),
    ("=" * 12, ["operative", "pathology"]),
    ("", []),  # no rule line: one report
])
def test_embedded_reports(rule, kinds):
    from mednec.pipeline.packets import embedded_reports

    parts = embedded_reports(OP_AND_PATH.format(rule=rule))
    assert [p[2] for p in parts] == kinds


@pytest.mark.parametrize(("tail", "kinds"), [
    ("Addendum 04/03/2025: the drain was removed on day 1.\nSigned, MD", []),  # an untitled passage stays
    ("MRI LEFT THIGH WITHOUT CONTRAST\nExam date: 05/01/2025\nNo residual mass.", ["operative", "imaging"]),
])
def test_a_rule_line_opens_a_report_only_under_a_title(tail, kinds):
    from mednec.pipeline.packets import embedded_reports

    text = OP_AND_PATH.split("{rule}")[0] + "-" * 30 + "\n" + tail + "\n"
    parts = embedded_reports(text)
    assert [p[2] for p in parts] == kinds


@pytest.mark.parametrize(("text", "tissue"), [
    (OP_AND_PATH.format(rule="-" * 40), True),
    # without a rule line too: the report stands under its own title with its own diagnosis section
    (OP_AND_PATH.format(rule=""), True),
    # the surgeon's own line about the specimen is the operative note's
    (OP_AND_PATH.split("{rule}")[0] + "FINDINGS: Myxofibrosarcoma, high grade, by frozen section.\n", False),
])
def test_a_pathology_report_inside_another_document_is_pathology(facts_of, text, tissue):
    facts = facts_of(text, "operative")
    sarcoma = [f for f in facts if f.kind == "diagnosis" and "Myxofibro" in f.evidence[0].text]
    assert sarcoma and sarcoma[0].tissue is tissue
    assert sarcoma[0].document_type == ("pathology" if tissue else "operative")


def test_a_bundled_report_reads_its_dates_as_the_bundle_does():
    from mednec.pipeline.packets import embedded_reports

    text = ("RECORDS DEPARTMENT\nOUTSIDE RECORDS RECEIVED\nReceived: 01/21/2026\n" + "-" * 30 + "\n"
            "HISTOPATHOLOGY REPORT\nDate: 20/12/2025\nDiagnosis: metastatic carcinoma.\n" + "-" * 30 + "\n"
            "MEDICAL ONCOLOGY NOTE\nDate: 05/01/2026\nECOG 3.\n")
    assert [p[3] for p in embedded_reports(text)] == ["2026-01-21", "2025-12-20", "2026-01-05"]


def test_a_double_spaced_scan_has_no_paragraphs_in_its_blank_lines():
    from mednec.pipeline.doctype import join_broken_paragraphs

    lines = ["NERVE SURGERY CONSULT", "Conservative care: PT evaluation, one visit.", "PRIOR NOTE TEXT (imported):",
             '"Completed 12 weeks of PT without', "benefit;", 'EMG shows ulnar neuropathy."',
             "*** Imported paragraph belongs to a different patient - disregard. ***", "EXAM: deltoid 4/5.",
             "FH: none.", "Plan: neurolysis."]
    spaced = "\n\n".join(lines) + "\n"
    joined = join_broken_paragraphs(spaced)
    assert len(joined) == len(spaced) and "\n\n" not in joined.strip()
    # a typed note keeps its paragraphs
    typed = "\n".join(lines[:6]) + "\n\n" + "\n".join(lines[6:]) + "\n"
    assert "\n\n" in join_broken_paragraphs(typed)


PASTED_NOTE = """SARCOMA CLINIC - FOLLOW-UP VISIT
Date of service: 02/03/2026
Interval History
Pain in the left buttock unchanged since the biopsy.

Results
{result}
Assessment/Plan
1. Chondrosarcoma, left ilium. Recommend en bloc resection with wide margins, curative intent.
"""


@pytest.mark.parametrize(("result", "kinds"), [
    # an EHR pastes the study's own report: its title, its narrative, its impression
    ("CT PELVIS WITH CONTRAST (Final result)   Resulted: 01/20/2026\nNarrative\nExpansile chondroid lesion of "
     "the left ilium.\nIMPRESSION:\n1. The lesion abuts the left acetabular roof.\n", [("imaging", "2026-01-20")]),
    ("SURGICAL PATHOLOGY REPORT\nCollected: 01/12/2026\nFINAL DIAGNOSIS:\nChondrosarcoma, grade 2.\n",
     [("pathology", "2026-01-12")]),
    # the clinician's own summary of a study is the note's reading, not the report
    ("- CT pelvis 01/20/2026: lesion abuts the acetabular roof.\nImpression: chondrosarcoma.\n", []),
    ("OUTSIDE CT 01/20/2026 (summarised): left iliac lesion\nIMPRESSION: chondrosarcoma, resectable.\n", []),
    # a title with no report section of its own under it
    ("CT PELVIS WITH CONTRAST\nReviewed with the patient on screen.\n", []),
])
def test_a_result_pasted_into_a_note_is_the_studys_report(result, kinds):
    from mednec.pipeline.packets import pasted_results

    text = PASTED_NOTE.format(result=result)
    parts = pasted_results(text, "clinical_note")
    assert [(p[2], p[3]) for p in parts] == kinds
    for lo, hi, _, _ in parts:
        assert text[lo:hi].startswith(result.split("\n")[0]) and "Assessment/Plan" not in text[lo:hi]
    # a study's own report names earlier studies in its comparison: none of them is pasted
    assert pasted_results(text, "imaging") == []


def test_a_pasted_result_reads_as_imaging_and_the_note_around_it_as_the_note(facts_of):
    text = PASTED_NOTE.format(result="MRI PELVIS W WO CONTRAST (Final result)   Collected: 01/18/2026\n"
                              "Narrative & Impression\nLobulated chondroid lesion of the left ilium.\n"
                              "IMPRESSION:\n1. The lesion abuts the left acetabular roof.\n")
    facts = facts_of(text, "clinical_note")
    roof = [f for f in facts if f.concept == "acetabulum"]
    assert roof and {f.document_type for f in roof} == {"imaging"}
    assert {str(f.document_date) for f in roof} == {"2026-01-18"}
    plans = [f for f in facts if f.kind == "plan"]
    assert plans and {f.document_type for f in plans} == {"clinical_note"}


@pytest.mark.parametrize(("line", "noise"), [
    # a fax header whose time and page count a wrap moved to the next line is still the send's
    ("RIVERBEND OPEN MRI    FAX 555-201-7730    06/01/2026", True),
    ("08:51    PG 1/1", True),
    # a letterhead's numbers, and a labelled date after them, are the document's own
    ("4120 Commerce Park Dr, Suite 200      Ph (555) 014-2230   Fax (555) 014-2231", False),
    ("Fax: (555) 201-7730   Date of service: 01/02/2026", False),
])
def test_a_wrapped_fax_header_is_noise(line, noise):
    from mednec.pipeline.doctype import is_noise_line

    assert is_noise_line(line) is noise


def test_a_wrapped_fax_header_sets_no_date():
    text = ("RIVERBEND OPEN MRI    FAX 555-201-7730    06/01/2026\n08:51    PG 1/1\n\n"
            "MRI LUMBAR SPINE W/WO CONTRAST       DOS: 05/30/2026\nFINDINGS: mass at L4.\n")
    assert str(infer_date(text)) == "2026-05-30"
