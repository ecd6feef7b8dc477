"""Fax packets: one faxed file holding many documents, cover sheets, page files, fax headers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mednec.pipeline.packets import Part, is_continuation, page_file_groups, segment

from tests.documents.conftest import page_image, requires_tesseract, text_pdf

HEADER = "JAN-14-2026 15:49 FROM-ORTHO ONCOLOGY CLINIC  P.{n:03d}/006"
COVER = ["FAX COVER SHEET", "To: Utilization Management", "From: Ortho Oncology Clinic",
         "Number of pages (including cover): 6", "CONFIDENTIAL: protected health information"]
MRI_1 = ["MRI PELVIS WITH AND WITHOUT CONTRAST", "Patient: DOE, JANE  MRN: 1234  DOB: 05/17/2003",
         "Exam date: 01/02/2026",
         "FINDINGS: There is a 9 cm destructive mass of the left ilium.",
         "The mass abuts the left acetabular roof.", "Page 1 of 2"]
MRI_2 = ["MRI PELVIS WITH AND WITHOUT CONTRAST", "No complete encasement of the external iliac vessels.",
         "IMPRESSION: Left iliac osteosarcoma abutting the left acetabular roof.", "Page 2 of 2"]
PATH = ["SURGICAL PATHOLOGY REPORT", "Patient: DOE, JANE  MRN: 1234  DOB: 05/17/2003",
        "Collected: 01/05/2026", "Specimen: left iliac bone, core biopsy.",
        "FINAL DIAGNOSIS: High-grade conventional osteosarcoma."]
CT = ["CT CHEST", "Exam date: 01/03/2026", "IMPRESSION: No pulmonary metastases."]
NOTE = ["ORTHOPAEDIC ONCOLOGY CONSULT", "Date of service: 01/20/2026",
        "She completed 3 cycles of neoadjuvant cisplatin and doxorubicin.",
        "Staging CT chest shows no metastatic disease.",
        "Plan: en bloc resection with wide margins of the left ilium and acetabulum, with curative intent."]


def _faxed(pages: list[list[str]]) -> list[list[str]]:
    return [[HEADER.format(n=i)] + lines for i, lines in enumerate(pages, 1)]


PAGES = _faxed([COVER, MRI_1, MRI_2, PATH, CT, NOTE])


def test_segment_splits_a_packet_at_report_boundaries():
    parts = segment(["\n".join(p) for p in PAGES])
    assert parts == [Part(1, 1, "cover"), Part(2, 3, "document", MRI_1[0]), Part(4, 4, "document", PATH[0]),
                     Part(5, 5, "document", CT[0]), Part(6, 6, "document", NOTE[0])]


@pytest.mark.parametrize(("pages", "starts"), [
    # a report that repeats its header on every page, without page numbers, is one document
    ([["MRI PELVIS", "Exam date: 01/02/2026", "Findings: mass."], ["MRI PELVIS", "Exam date: 01/02/2026",
                                                                    "Impression: mass."]], [1]),
    # the same title on another day is another report
    ([["MRI PELVIS", "Exam date: 01/02/2026", "Findings: mass."], ["MRI PELVIS", "Exam date: 03/02/2026",
                                                                    "Findings: smaller."]], [1, 2]),
    # a page with no title continues the document before it
    ([["SURGICAL PATHOLOGY REPORT", "Diagnosis: chordoma."], ["Microscopic: sheets of cells.", "Comment: none."]],
     [1]),
    # a body line that names a note is no title
    ([["CT CHEST", "Exam date: 01/03/2026"], ["Clinical history: follow-up note from clinic: mass."]], [1]),
    # a title whose column gap to a field OCR closed ("SURGICAL PATHOLOGY REPORT ACCESSION: ...")
    ([["IR PROCEDURE NOTE", "Date of service: 02/10/2026", "Core biopsy of the iliac wing."],
      ["02/13/2026 15:02 FAX UNIVERSITY PATH LAB PAGE 1/1", "SURGICAL PATHOLOGY REPORT ACCESSION: UP26-0877",
       "COLLECTED: 02/10/2026 REPORTED: 02/13/2026", "DIAGNOSIS: chondrosarcoma."]], [1, 2]),
    # a note's last bullet alone on a page names no new document ("... the final pathology ...")
    ([["NEUROSURGERY CONSULT", "Date of service: 03/10/2026", "Plan: T11 corpectomy."],
      ["APR-28-2026 12:22 FROM-NERVE SURGERY P.005/006",
       "- Will review the final pathology before the operative date."]], [1]),
    # a field label in capitals is no title
    ([["CT CHEST", "Exam date: 01/03/2026"], ["CLINICAL HISTORY: cough.", "FINDINGS: clear."]], [1]),
    # a page that opens mid-sentence goes on, whatever words its first lines hold ("progressive")
    ([["SPINE SURGERY CONSULT", "Date of service: 04/10/2026", "HPI: L3 metastasis with"],
      ["cauda equina", "compression and progressive lower extremity weakness and urinary", "retention."]], [1]),
    # a letterhead and a title whose column gap OCR closed ("Consultation     Date of service:"),
    # under the sender's own fax line: a new document dated anew
    ([["MRI BRACHIAL PLEXUS", "Exam date: 03/30/2026", "Impression: mass."],
      ["04/15/2026 16:40 FAX 555-0153 NORTHSHORE HAND & NERVE PAGE 1/2",
       "NORTHSHORE HAND AND PERIPHERAL NERVE SURGERY", "Consultation Date of service: 04/14/2026",
       "Reason: right brachial plexus tumor."]], [1, 2]),
    # a letter with no title under a letterhead, after a signed report: its own first page mark
    # ("Page 1 of 2") or its salutation opens it; its second page goes on
    ([["NEURORADIOLOGY SECOND OPINION", "Re-read date: 02/02/2026", "Impression: chordoma."],
      ["University Spine Tumor Program", "February 20, 2026", "Thank you for referring your patient.",
       "Page 1 of 2"], ["Sincerely,", "Page 2 of 2"]], [1, 2]),
    ([["CT CHEST", "Exam date: 01/03/2026", "Impression: clear."],
      ["Spine Tumor Program", "Dr. Naomi Reyes", "Lakeview Family Medicine", "Dear Dr. Reyes,",
       "We saw your patient today."]], [1, 2]),
    # a line of prose wrapped onto the next line in lower case is no title, however it begins
    ([["CT ABDOMEN AND PELVIS", "Exam date: 12/08/2025", "Impression: mass."],
      ["Signed: Attending, MD 12/08/2025", "ADDENDUM 1 (12/12/2025):",
       "Re-reviewed at the sarcoma imaging conference with multiplanar", "reformats. The nodule is separate."]], [1]),
    # a relayed fax's banner wrapped onto two lines carries the earlier send's page count: the page
    # under it opens the outside report it holds
    ([["CT CHEST", "Date of service: 12/05/2025", "Impression: clear."],
      [">>> FAX RECEIVED 11/24/2025 14:07 FROM 5550142290 LAKEVIEW COMMUNITY", "HOSP HIM PAGE 02 OF 05 <<<",
       "LAKEVIEW COMMUNITY HOSPITAL - IMAGING SERVICES", "MRI PELVIS W AND W/O CONTRAST",
       "DATE OF EXAM: 11/18/2025"]], [1, 2]),
    # a letter's salutation below a letterhead, its date and the addressee ("Dear Chloe", no title
    # word) opens the letter, however many lines stand above it
    ([["MRI BRACHIAL PLEXUS", "Exam date: 01/07/2026", "Impression: mass."],
      ["Mr James Harrow FRACS", "Upper Limb, Plexus and Sarcoma Surgery", "Hollywood Specialist Centre, Nedlands",
       "29/01/2026", "Dr Chloe Barnard", "Cottesloe Medical Centre", "Dear Chloe",
       "RE: Natalia KOWALCZYK DOB 30/10/1990", "I saw Natalia again today with her biopsy which shows"]], [1, 2]),
    ([["MRI PELVIS", "Exam date: 01/12/2026", "Impression: mass."],
      ["Northgate Orthopaedic Oncology & Spine", "February 10, 2026",
       "RE: Dale R. Halvorsen - Letter of Medical Necessity", "To the Medical Director:",
       "We are resubmitting our request following your determination."]], [1, 2]),
    # ...but a salutation quoted below the first line of prose opens nothing
    ([["MRI PELVIS", "Exam date: 01/12/2026", "Impression: mass."],
      ["the mass is unchanged from the prior study and there is no new lesion", "Dear Dr. Reyes,"]], [1]),
    # the page after a letter's closing opens a document, whatever its title names (a payer's notice)
    ([["Northgate Orthopaedic Oncology & Spine", "Dear Dr. Reyes,", "We request approval.", "Sincerely,",
       "Alicia Castellanos, MD"],
      ["CASCADE HEALTH PLAN - UTILIZATION MANAGEMENT", "NOTICE OF ADVERSE DETERMINATION Date: 01/06/2026",
       "The request is not approved at this time."]], [1, 2]),
    # ...unless that page says it goes on
    ([["Northgate Orthopaedic Oncology & Spine", "Dear Dr. Reyes,", "We request approval.", "Sincerely,",
       "Alicia Castellanos, MD"], ["Enclosures: MRI report", "Page 2 of 2"]], [1]),
    # a page that opens on the body's prose goes on, whatever a later line of it looks like (a plan
    # item in capitals, a signature naming a specialist)
    ([["PHYSICAL MEDICINE & REHABILITATION CLINIC", "Date of service: 02/02/2026", "ASSESSMENT:"],
      ["Left sciatic neuropathy, post-traumatic, peroneal division greater than tibial,",
       "likely at the level of the buttock scar.", "PLAN:", "1. EMG/NCS left lower extremity - ordered 12/2025"]],
     [1]),
    ([["SECOND-OPINION REPORT", "Study: MRI sacrum", "Report date: 02/06/2026", "Conclusions:"],
      ["3. S1 is spared, which would permit sacral amputation below S1 with",
       "preservation of the S1 roots.", "Dr R. Iyer, Consultant Musculoskeletal Radiologist"]], [1]),
    # a relayed report's own page-one mark at the head of a page opens it, though the relayed report's
    # second page, printed on the same page of this send, ends it with "P.2/2"
    ([["SURGICAL PATHOLOGY REPORT", "Collected: 02/10/2026", "Diagnosis: chordoma."],
      ["FROM: NORTHGATE IMAGING LTD FAX 0161 4960192 28/01/2026", "16:52 P.1/2",
       "NORTHGATE IMAGING LTD - INDEPENDENT DIAGNOSTIC CENTRE", "MRI SACRUM AND PELVIS",
       "EXAM DATE: 28/01/2026", "IMPRESSION: sacral mass.", "28/01/2026 16:53 NORTHGATE IMAGING LTD", "P.2/2"]],
     [1, 2]),
    # a portal message's header ("From: ... Sent: ...", "Subject:") opens the message
    ([["MRI PELVIS", "Exam date: 02/20/2026", "Impression: mass."],
      ["Patient Portal - Message", "From: Patient (DOE, JANE)          Sent: 02/26/2026 7:48 PM",
       "To: Sarcoma Surgery Team", "Subject: CT scan?", "Hello I still have not heard about the chest CT."]],
     [1, 2]),
    # a label before the title names it ("LAB: SURGICAL PATHOLOGY")
    ([["MRI PELVIS", "Exam date: 06/01/2025", "Impression: mass."],
      ["LAB: SURGICAL PATHOLOGY (REFERRED - REFERENCE LABORATORY RESULT)", "Date obtained: JUN 10, 2025",
       "DIAGNOSIS: adenocarcinoma."]], [1, 2]),
    # a terse note's header dates it without a label, a parenthesis or not; a dated entry does not
    ([["MRI PELVIS", "Exam date: 01/02/2026", "Impression: mass."],
      ["Lakeview Internal Medicine   01/20/2026", "47F, 5 mo bilat hand numbness."]], [1, 2]),
    ([["MRI PELVIS", "Exam date: 01/02/2026", "Impression: mass."],
      ["REGIONAL NERVE SURGERY", "TELEHEALTH VISIT (video; pt at clinic room w/ RN and her daughter)   DOS: 01/29/2026",
       "S: burning pain."]], [1, 2]),
    ([["PT DAILY LOG", "Date of service: 01/02/2026", "Visit 1: gait training."],
      ["01/09/2026 Visit 2: gait training, pain 6/10.", "01/16/2026 Visit 3: no change."]], [1]),
    ([["PT DAILY LOG", "Date of service: 01/02/2026", "Visit 1: gait training."],
      ["Comparison of strength 01/09/2026: unchanged.", "Visit 3: no change."]], [1]),
    # a date alone on its line under a letterhead dates the letterhead's note; a lone date inside a page's
    # body (a log's date line under a sentence) does not
    ([["HISTOLOGY REPORT", "Report date: 04/03/2025", "Conclusion: cartilaginous neoplasm."],
      ["Claremont Cancer Institute - Orthopaedic Oncology", "04/28/2025", "52F relocated from France."]], [1, 2]),
    ([["HISTOLOGY REPORT", "Report date: 04/03/2025", "Conclusion: cartilaginous neoplasm."],
      ["the cores were reviewed again with the bone pathologist on", "04/28/2025", "No change."]], [1]),
    # a date is no page count: "A/P 11/18/2025" continues nothing
    ([["CT CHEST", "Exam date: 12/01/2025", "Impression: clear."],
      ["NORTHSIDE IMAGING CENTER", "MRI PELVIS WITHOUT AND WITH CONTRAST   Date: 1/14/26",
       "Comparison: CT A/P 11/18/2025."]], [1, 2]),
    # the requester's own papers open a document though their title names no clinical type: the
    # request form's codes and reasons never run on as the last page of the report before it
    ([["MRI SACRUM", "Exam date: 01/08/2026", "Impression: sacral mass."],
      ["REQUEST FOR PRIOR AUTHORIZATION - SARCOMA / SPINE", "Submitted: 2026-02-09",
       "Codes submitted: 63307 (intradural lesion)."]], [1, 2]),
    ([["CT CHEST", "Exam date: 12/01/2025", "Impression: clear."],
      ["Letter of Medical Necessity", "To the Medical Director:", "We request approval of an en bloc resection."]],
     [1, 2]),
    ([["PATHOLOGY REPORT", "Collected: 12/01/2025", "Diagnosis: chordoma."],
      ["Pre-certification request form", "Requested codes: 63303."]], [1, 2]),
    # ...a line of a report's own page that only mentions authorization is no title
    ([["MRI SACRUM", "Exam date: 01/08/2026", "Findings: sacral mass."],
      ["the request for prior authorization of the resection was noted by the clinic.",
       "Impression: sacral mass."]], [1]),
    # a report's first-page mark does not split the report it stands in
    ([["MRI PELVIS", "Exam date: 01/02/2026", "Findings: mass.", "Page 1 of 2"],
      ["Impression: mass.", "Page 2 of 2"]], [1]),
])
def test_segment_rows(pages, starts):
    assert [p.first for p in segment(["\n".join(p) for p in pages])] == starts


def test_fax_page_count_is_no_continuation_mark():
    assert not is_continuation(HEADER.format(n=3) + "\nSURGICAL PATHOLOGY REPORT")
    assert is_continuation("IMPRESSION: mass.\nPage 2 of 3")
    assert is_continuation("MRI PELVIS (CONT'D)")
    # a fax machine's zero-padded count wrapped onto a line of its own is still the send's count
    assert not is_continuation("P.002/003\nCOASTAL OPEN MRI\nEXAMINATION: MRI PELVIS")
    assert is_continuation("IMPRESSION: mass.\nP.2/3")


@pytest.mark.parametrize(("names", "groups"), [
    (["mri_p2.png", "mri_p1.png", "note.txt"], [["mri_p1.png", "mri_p2.png"], ["note.txt"]]),
    (["page-003.tif", "page-001.tif"], [["page-001.tif", "page-003.tif"]]),
    (["scan001.tif", "scan002.tif"], [["scan001.tif", "scan002.tif"]]),
    (["report-page-2.pdf", "report-page-1.pdf"], [["report-page-1.pdf", "report-page-2.pdf"]]),
    (["lone_p1.png", "mri_2026-01-02.txt"], [["lone_p1.png"], ["mri_2026-01-02.txt"]]),
])
def test_page_file_groups(names, groups):
    got = page_file_groups([Path(n) for n in names])
    assert [[p.name for p in g] for g in got] == groups


def _case(tmp_path: Path, files: dict[str, bytes], requested: list[str]) -> Path:
    case = tmp_path / "packet"
    case.mkdir()
    (case / "request.json").write_text(json.dumps({"case_id": "packet", "requested": requested}))
    for name, data in files.items():
        (case / name).write_bytes(data)
    return case


def test_packet_pdf_reads_as_its_documents_and_decides_as_the_text_version(reviewer, tmp_path):
    case = _case(tmp_path, {"fax_2026-01-21.pdf": text_pdf(PAGES)}, ["27076-LT"])
    result, loaded = reviewer.review(case)
    docs = {d.id: d for d in result.documents}
    assert list(docs) == ["fax_2026-01-21.pdf#pages=1", "fax_2026-01-21.pdf#pages=2-3",
                          "fax_2026-01-21.pdf#pages=4", "fax_2026-01-21.pdf#pages=5",
                          "fax_2026-01-21.pdf#pages=6"]
    assert docs["fax_2026-01-21.pdf#pages=1"].cover
    assert [(d.type, d.date) for d in list(docs.values())[1:]] == [
        ("imaging", "2026-01-02"), ("pathology", "2026-01-05"), ("imaging", "2026-01-03"),
        ("clinical_note", "2026-01-20")]
    assert docs["fax_2026-01-21.pdf#pages=2-3"].source_pages == (2, 3)
    assert result.determinations[0].outcome == "approve"
    texts = {d.info.id: d.text for d in loaded.documents}
    for det in result.determinations:
        for crit in det.criteria:
            for ev in crit.evidence:
                assert not ev.document.endswith("#pages=1")  # the cover is never read as chart
                assert texts[ev.document][ev.start:ev.end] == ev.text


def test_a_packets_parts_read_their_dates_as_the_chart_writes_them(reviewer, tmp_path):
    """A UK chart faxed as one packet: the CT's "Exam date: 03/02/2026" reads either way, and the
    chart's other reports can only be read day first ("18/01/2026"), so it is 3 February, as in the
    typed chart (a US packet keeps it 2 March)."""
    mri = ["MRI PELVIS", "Exam date: 18/01/2026", "FINDINGS: 9 cm mass of the left ilium abutting the roof."]
    path = ["SURGICAL PATHOLOGY REPORT", "Collected: 22/01/2026", "FINAL DIAGNOSIS: Osteosarcoma."]
    ct = ["CT CHEST", "Exam date: 03/02/2026", "IMPRESSION: No pulmonary metastases."]
    for dates, want in ((("18/01/2026", "22/01/2026"), "2026-02-03"), (("01/18/2026", "01/22/2026"), "2026-03-02")):
        pages = _faxed([COVER, [*mri[:1], f"Exam date: {dates[0]}", *mri[2:]],
                        [*path[:1], f"Collected: {dates[1]}", *path[2:]], ct])
        (tmp_path / want).mkdir()
        case = _case(tmp_path / want, {"fax.pdf": text_pdf(pages)}, ["27076-LT"])
        result, _ = reviewer.review(case)
        assert [d.date for d in result.documents if d.id.endswith("#pages=4")] == [want], \
            [(d.id, d.type, d.date) for d in result.documents]


def test_one_report_as_one_multi_page_pdf_keeps_its_file_name(reviewer, tmp_path):
    case = _case(tmp_path, {"mri_2026-01-02.pdf": text_pdf(_faxed([MRI_1, MRI_2]))}, ["27076-LT"])
    result, _ = reviewer.review(case)
    assert [(d.id, d.type, d.date, d.pages) for d in result.documents] == [
        ("mri_2026-01-02.pdf", "imaging", "2026-01-02", 2)]


def test_report_split_over_two_page_files_reads_as_one_document(reviewer, tmp_path):
    files = {"mri_p1.pdf": text_pdf(_faxed([MRI_1])), "mri_p2.pdf": text_pdf(_faxed([MRI_2])),
             "path.pdf": text_pdf([PATH]), "ct.pdf": text_pdf([CT]), "note.pdf": text_pdf([NOTE])}
    result, _ = reviewer.review(_case(tmp_path, files, ["27076-LT"]))
    mri = [d for d in result.documents if d.type == "imaging" and "mri" in d.id]
    assert [(d.id, d.pages, d.source_pages) for d in mri] == [("mri_p1.pdf#pages=1-2", 2, (1, 2))]
    crit = {c.id: c for c in result.determinations[0].criteria}
    assert crit["A2"].status == "met"  # the impression on the second page file is read with the first


@requires_tesseract
@pytest.mark.ocr
def test_upside_down_page_reads_as_upright(tmp_path):
    from mednec.documents import load_document

    upright = page_image(MRI_1 + ["The sacroiliac joint is invaded by tumor."], mode="L")
    (tmp_path / "up.png").parent.mkdir(exist_ok=True)
    upright.save(tmp_path / "up.png", dpi=(200, 200))
    upright.rotate(180).save(tmp_path / "down.png", dpi=(200, 200))
    upright.rotate(90, expand=True).save(tmp_path / "side.png", dpi=(200, 200))
    up = load_document(tmp_path / "up.png", cache_dir=tmp_path / "cache").text
    for name in ("down.png", "side.png"):
        turned = load_document(tmp_path / name, cache_dir=tmp_path / "cache").text
        assert "acetabular roof" in turned and "sacroiliac joint" in turned
        assert turned.split() == up.split()


def test_view_shows_which_pages_formed_which_document(reviewer, tmp_path):
    from mednec.render.view import render_case_html

    case = _case(tmp_path, {"fax_2026-01-21.pdf": text_pdf(PAGES)}, ["27076-LT"])
    result, loaded = reviewer.review(case)
    page = render_case_html(result, {d.info.id: d.text for d in loaded.documents})
    assert "pages 2-3 of fax_2026-01-21.pdf" in page and "fax cover sheet" in page
    marks = [m for m in page.split("<mark ")[1:] if 'data-document="fax_2026-01-21.pdf#pages=2-3"' in m]
    assert marks and all('data-page="' in m for m in marks)
    assert any('data-page="3"' in m for m in marks)  # the impression stands on page 3 of the packet
