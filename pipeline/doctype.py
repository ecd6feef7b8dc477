"""Document type and date, inferred from a document's header text (CONTRACT)."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from mednec.pipeline.resources import load_yaml, rule_cache
from pydantic import BaseModel, ConfigDict


class _TypeRule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    type: str
    patterns: list[str]


class Checkboxes(BaseModel):
    """``checkboxes`` of ``doctypes.yaml``: the marks of a ticked and of an empty box."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    checked: list[str]
    unchecked: list[str]
    answers: list[str] = []


class PacketConfig(BaseModel):
    """``packet`` of ``doctypes.yaml``: how a faxed packet splits into documents."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    head_lines: int
    title_max_words: int
    cover_cues: list[str]
    cover_max_lines: int
    continuation_cues: list[str]
    opening_cues: list[str] = []
    opening_lines: int = 16
    # a letter's salutation ("Dear Chloe", "To the Medical Director:"), among the opening cues
    salutation_cues: list[str] = []
    title_labels: list[str] = []
    # titles of the requester's own papers (an authorization request form, a letter of medical
    # necessity): they name no clinical document type, yet open a document of their own
    form_titles: list[str] = []
    first_page_cues: list[str] = []
    signature_cues: list[str] = []
    closing_cues: list[str] = []
    closing_lines: int = 8
    dated_header_lines: int = 2
    unreadable_below: int
    page_file: str
    seam_lines: int = 4
    # a study result pasted into a note: section categories its body carries, and the host note's
    # section categories that close it
    pasted_report_sections: list[str] = []
    host_note_sections: list[str] = []


class _ContentRule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    type: str
    all: list[str]


class DocTypeConfig(BaseModel):
    """Schema of ``doctypes.yaml``."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    title_lines: int
    title_dangling_words: list[str] = []
    # where a title line goes on to say whom or what the document is for ("Report in English for the
    # international referral"): the words after it name no document type
    purpose_clause: str | None = None
    # header fields that name the study a report is of ("Examination: MRI of the pelvis ..."), read in
    # the lines below the title lines when these name no type
    study_fields: list[str] = []
    types: list[_TypeRule]
    date_labels: list[str]
    stay_start_labels: list[str] = []
    stay_end_labels: list[str] = []
    months: dict[str, int]
    letterhead_lines: int = 8
    letterhead_words: list[str] = []
    institution_words: list[str] = []
    date_label_not_after: list[str] = []
    noise_lines: list[str] = []
    banner_lines: list[str] = []
    structured_dates: list[str] = []
    message_fields: dict[str, list[int]] = {}
    checkboxes: Checkboxes | None = None
    not_date_labels: list[str] = []
    birth_labels: list[str] = []
    packet: PacketConfig | None = None
    content_chars: int = 4000
    content_types: list[_ContentRule] = []
    # the type of a letter (a salutation and a closing) that no title or section names
    letter_type: str | None = None


@rule_cache
def doctype_config() -> tuple[DocTypeConfig, list[tuple[str, re.Pattern[str]]], re.Pattern[str], re.Pattern[str]]:
    cfg = load_yaml("doctypes.yaml", DocTypeConfig)
    rules = [(r.type, re.compile("|".join(f"(?:{p})" for p in r.patterns), re.I)) for r in cfg.types]
    month = "|".join(sorted(cfg.months, key=len, reverse=True))
    date_re = re.compile(
        r"(?P<mdy>\b(?P<m>\d{1,2})[/.-](?P<d>\d{1,2})[/.-](?P<y>\d{4}|\d{2})\b)"
        # year first, with one separator throughout: ISO "2026-01-14", and "2026/01/14", "2026.01.14" as
        # Japanese, Korean and Chinese charts write it
        r"|(?P<iso>\b(?P<iy>(?:19|20)\d{2})(?P<isep>[-/.])(?P<im>\d{1,2})(?P=isep)(?P<id>\d{1,2})\b)"
        rf"|(?P<text>\b(?P<tm>{month})\.?[\s-]+(?P<td>\d{{1,2}})(?:st|nd|rd|th)?,?[\s-]+(?P<ty>\d{{4}})\b)"
        rf"|(?P<text2>\b(?P<t2d>\d{{1,2}})[\s-]+(?P<t2m>{month})\.?,?[\s-]+(?P<t2y>\d{{4}})\b)",
        re.I,
    )
    labels = "|".join(re.escape(lbl) for lbl in cfg.date_labels)
    # a label opens its line, or follows a short title on it when OCR has closed the column gap
    # ("Consultation     Date of service:" read as "Consultation Date of service:"); never after a
    # word that dates another event ("Comparison exam date:", "Prior study date:")
    not_after = "".join(rf"(?!{re.escape(w)}\b)" for w in cfg.date_label_not_after)
    lead = rf"(?:{not_after}[A-Z][\w&/-]*[ \t]+){{0,3}}"
    # (lazy: the words after a label stop before its date, "DOS 05/12/2026")
    # (a label opens its line, or a column further along it: "Therapist: D. Moreno    Date: 13/02/2026")
    label_re = re.compile(rf"(?:^|\n|[ \t]{{3,}}|\t)[ \t]*{lead}(?:{labels})\b[^\n:]{{0,20}}?[:#]?[ \t]*", re.I)
    return cfg, rules, date_re, label_re


@rule_cache
def _noise() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    cfg = doctype_config()[0]
    noise = re.compile("|".join(f"(?:{p})" for p in cfg.noise_lines) or r"(?!x)x", re.I)
    banner = re.compile("|".join(f"(?:{p})" for p in cfg.banner_lines) or r"(?!x)x", re.I)
    words = sorted(cfg.not_date_labels, key=len, reverse=True)
    # a birth date or a dictation/fax stamp: the label right before the date ("DOB: 05/17/2003", "D: 01/02/26")
    not_date = re.compile(r"(?:^|[^\w])(?:" + "|".join(re.escape(w) for w in words) + r")\s*[:#]?\s*$", re.I)
    return noise, not_date, banner


def dates_another_event(prefix: str) -> bool:
    """Whether the words right before a date say it is not the document's: a birth date or a stamp
    ("DOB", "Dictated"), or another event's date ("Comparison", "Prior", "Follow-up")."""
    cfg = doctype_config()[0]
    if _noise()[1].search(prefix.rstrip(" \t:#-,") + ":"):
        return True
    words = re.findall(r"[a-z][a-z-]*", prefix.lower())
    return bool(set(words[-3:]) & set(cfg.date_label_not_after))


def is_noise_line(line: str) -> bool:
    """Whether ``line`` is a fax header, a page footer or a continuation mark."""
    return bool(line.strip()) and _noise()[0].search(line) is not None


def is_banner_line(line: str) -> bool:
    """Whether ``line`` is a patient banner ("Patient: DOE, JANE  MRN: 123  DOB: 01/02/1970")."""
    return bool(line.strip()) and _noise()[2].search(line) is not None


# a numeric date with OCR's letter-for-digit slips ("05/l2/2O26"): two or more real digits, and
# only O, o, l, I or | besides
_OCR_DATE = re.compile(r"(?<![\w/.-])(?=(?:[^\s/.-]*\d){2})(?:[\dOolI|]{1,2}([/.-])[\dOolI|]{1,2}\1[\dOolI|]{2,4}"
                       r"|[\dOolI|]{4}([/.-])[\dOolI|]{1,2}\2[\dOolI|]{1,2})(?![\w/.-])")
_DIGIT_SLIPS = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "|": "1"})


@rule_cache
def birth_label() -> re.Pattern[str]:
    """A birth-date label (``birth_labels`` of ``doctypes.yaml``), as a word ("DOB", "date of birth")."""
    words = sorted(doctype_config()[0].birth_labels, key=len, reverse=True)
    alts = "|".join(re.escape(w).replace(r"\ ", r"\s*") for w in words) or r"(?!x)x"
    return re.compile(rf"(?<![\w.])(?:{alts})(?![\w])", re.IGNORECASE)


def ocr_date_digits(text: str) -> str:
    """``text`` with OCR's letter-for-digit slips inside numeric dates read back (same length)."""
    return _OCR_DATE.sub(lambda m: m.group(0).translate(_DIGIT_SLIPS), text)


def content_text(text: str) -> str:
    """``text`` with its noise lines blanked (same length: offsets stay the same)."""
    out = []
    for line in text.split("\n"):
        out.append(" " * len(line) if is_noise_line(line) else line)
    return "\n".join(out)


_BROKEN_PARAGRAPH = re.compile(r"(?<=[^\s.:;!?])\n([ \t]*)\n(?=[ \t]*[a-z])")


def join_broken_paragraphs(text: str) -> str:
    """``text`` with a blank line inside a sentence read as a line break (same length): OCR spaces
    a scanned page's lines unevenly, and "...the right lumbosacral" / (blank) / "trunk is
    indeterminate" is one sentence. A line that ends a sentence, or a next line that opens with a
    capital, a digit or a mark, keeps its paragraph break."""
    spaced = _double_spaced(text)
    text = _BROKEN_PARAGRAPH.sub(lambda m: "\n" + m.group(1) + " ", text)
    if spaced:
        # a scan OCR read with a blank line under every line: its blank lines mark no paragraph
        text = _ANY_BLANK_LINE.sub(lambda m: "\n" + m.group(1) + " ", text)
    return text


_ANY_BLANK_LINE = re.compile(r"(?<=\S)\n([ \t]*)\n(?=[ \t]*\S)")


def _double_spaced(text: str) -> bool:
    """Whether most lines of ``text`` are followed by a blank line and then more text (OCR's spacing of a
    scanned page), so a blank line says nothing of paragraphs."""
    lines = text.split("\n")
    filled = [i for i, ln in enumerate(lines) if ln.strip()]
    if len(filled) < 8:
        return False
    spaced = sum(1 for i in filled if i + 2 < len(lines) and not lines[i + 1].strip() and lines[i + 2].strip())
    return spaced >= 0.6 * len(filled)


def blank_message_fields(text: str) -> str:
    """``text`` with the machine fields of an HL7 v2 result message blanked (same length: offsets
    stay the same): of each segment only the fields a reader reads are kept, a coded field by its
    text, and a label field ends on a colon ("OBX|5|TX|FIND^Findings||No mass, collection or
    haematoma.||||||F" reads "Findings: No mass, collection or haematoma."). Other text is
    returned as it is."""
    fields = doctype_config()[0].message_fields
    # (a message may come under a fax header or a cover line: its MSH segment opens a line somewhere)
    if not fields or re.search(r"(?m)^MSH\|", text) is None:
        return text
    out = []
    for line in text.split("\n"):
        keep = fields.get(line.split("|", 1)[0])
        parts = line.split("|")
        if not keep or len(parts) <= max(keep):
            out.append(line)
            continue
        chars = [" "] * len(line)
        for k, n in enumerate(keep):
            start = sum(len(x) + 1 for x in parts[:n])
            value = parts[n]
            if "^" in value and value.count("^") <= 2:  # a coded field ("FIND^Findings") reads its text
                start += value.rindex("^") + 1
                value = value[value.rindex("^") + 1:]
            chars[start:start + len(value)] = value
            end = start + len(value)
            if k < len(keep) - 1 and value and end < len(line):
                chars[end] = ":"  # a label before the value: "Findings: ..."
        out.append("".join(chars))
    return "\n".join(out)


@rule_cache
def _box_marks() -> tuple[re.Pattern[str], frozenset[str], frozenset[str]] | None:
    boxes = doctype_config()[0].checkboxes
    if boxes is None:
        return None
    marks = sorted({*boxes.checked, *boxes.unchecked}, key=len, reverse=True)
    return re.compile("|".join(re.escape(m) for m in marks)), frozenset(boxes.unchecked), frozenset(boxes.answers)


def blank_unchecked_options(text: str) -> str:
    """``text`` with every option of a checkbox field whose box is empty blanked, and the boxes
    themselves (same length: offsets stay the same). "Femoral nerve: [ ] encased [ ] displaced
    [x] uninvolved" reads "Femoral nerve:                              uninvolved"; a line with
    no box is returned as it is."""
    found = _box_marks()
    if found is None:
        return text
    pattern, empty, answers = found
    if pattern.search(text) is None:
        return text
    out = []
    for line in text.split("\n"):
        boxes = list(pattern.finditer(line))
        options = [line[m.end(): boxes[k + 1].start() if k + 1 < len(boxes) else len(line)].split()[:1]
                   for k, m in enumerate(boxes)]
        if not boxes or all(o and o[0].lower().strip(".,;:") in answers for o in options):
            # (a yes/no answer keeps its boxes: "[ ] yes  [X] no" is read by the ConText box cues)
            out.append(line)
            continue
        chars = list(line)
        for k, m in enumerate(boxes):
            end = boxes[k + 1].start() if k + 1 < len(boxes) else len(line)
            stop = end if m.group() in empty else m.end()  # an empty box: its option too
            chars[m.start():stop] = " " * (stop - m.start())
        out.append("".join(chars))
    return "\n".join(out)


def blank_page_seams(text: str) -> str:
    """``text`` with the fax headers, page footers, continuation marks and patient banners of its
    page seams blanked (same length: offsets stay the same).

    A faxed report breaks its sentences at the page edge: "...the left lumbosacral plexus" /
    (form feed, "MAR-25-2026 13:47 FROM-CANCER INSTITUTE P.003/012") / "(L5, S1, S2) off the
    pseudocapsule". With the machine's lines blanked the sentence reads on, as a reader reads it.
    Only the ``seam_lines`` (``doctypes.yaml``) non-blank lines on either side of a page break are looked at, so a
    clinical line that starts with a date and a time inside a page, or the document's own head,
    is never touched.
    """
    pages = text.split("\f")
    if len(pages) == 1:
        return text
    reach = doctype_config()[0].packet.seam_lines if doctype_config()[0].packet else 4
    out = []
    for n, page in enumerate(pages):
        lines = page.split("\n")
        filled = [i for i, ln in enumerate(lines) if ln.strip()]
        # the seams are where a page meets the next: never the document's own head or foot
        seam = (set(filled[:reach]) if n > 0 else set()) | \
            (set(filled[-reach:]) if n < len(pages) - 1 else set())
        out.append("\n".join(" " * len(ln) if i in seam and (is_noise_line(ln) or is_banner_line(ln)) else ln
                             for i, ln in enumerate(lines)))
    return "\f".join(out)


_OCR_WORD = re.compile(r"[A-Za-z01]*[A-Za-z][A-Za-z01]*")
_OCR_DIGITS = str.maketrans({"0": "o", "1": "l"})


def _ocr_letters(line: str) -> str:
    """A title line with OCR's digit-for-letter slips read back ("PATH0LOGY DEPARTMENT - BI0PSY
    REP0RT"): a 0 or 1 inside a word of at least three letters; codes such as "T26" keep theirs."""
    def fix(m: re.Match[str]) -> str:
        word = m.group(0)
        letters = sum(c.isalpha() for c in word)
        return word.translate(_OCR_DIGITS) if letters >= 3 and letters < len(word) else word
    return _OCR_WORD.sub(fix, line)


# a line that runs on past the end of a sentence ("Pt seen today. MRI reviewed.") is prose, not a
# title; a title's "Dr. Smith", "D. Marchetti", "Dept. of Radiology" or "Kanto Medical Univ. Hosp." ends no
# sentence (a sentence ends on a lower-case word, not on a capitalised abbreviation)
_PROSE_LINE = re.compile(r"(?<![A-Za-z])[a-z]{2,}[.;]\s+[A-Za-z]|(?:(?<![A-Za-z])[a-z]+|\))[.;]\s+[a-z]")


_LOWER_WORD = re.compile(r"(?<![\w-])[a-z][a-z'-]*")
_PROSE_WORDS = 7  # a line with this many lower-case words runs as prose, however it was wrapped


def _is_prose(line: str) -> bool:
    """Whether a head line is a sentence of the body, not a title: it runs past a sentence end,
    or reads as running prose (many lower-case words), however the sender wrapped it."""
    return bool(_PROSE_LINE.search(line)) or len(_LOWER_WORD.findall(line)) >= _PROSE_WORDS


def _outside_brackets(lines: list[str]) -> list[str]:
    """The lines that are not an editorial aside in square brackets ("[Translation from French by a
    sworn translator." / "Translator's notes in square brackets.]"): an aside names no document, even
    wrapped over several lines."""
    out, depth = [], 0
    for line in lines:
        opened = depth > 0 or line.lstrip().startswith("[")
        depth = max(0, depth + line.count("[") - line.count("]"))
        if not opened:
            out.append(line)
    return out


def infer_type(text: str, filename: str | None = None) -> str:
    """The document type from its first title lines (imaging, pathology, clinical_note, ...).

    Fax headers, page footers and patient banners are skipped: the fax machine's "FROM-ORTHO
    ONCOLOGY CLINIC" does not make an MRI report a clinic note. When no title line names a
    type (a letterhead only, or OCR damage), the file name is read the same way
    ("ortho_hip_preservation_note_2026-02-24.txt" is a clinical note).
    """
    cfg, rules, _, _ = doctype_config()
    lines = [_ocr_letters(ln.strip()) for ln in _outside_brackets(text[:6000].splitlines())
             if ln.strip() and not is_noise_line(ln)][: cfg.title_lines + 6]
    # (a wrapped header field goes on in the next line: "Department: ... REHABILITATION -" / "EMG CLINIC"
    # is one banner field, read whole before banners are set aside)
    lines = [ln for ln in _join_wrapped_titles(lines) if not is_banner_line(ln)][: cfg.title_lines]
    institution = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in cfg.institution_words) + r")\b", re.I) \
        if cfg.institution_words else None
    named_note = None
    for line in lines:
        if _is_prose(line):
            continue  # a sentence of the body ("Pt seen. Post-RT MRI 4/6: ...") names no document type
        # a letterhead line may name the institution and the document apart ("REDWOOD VALLEY SPINE
        # INSTITUTE -- CLINIC NOTE"): each part is read on its own
        for part in _TITLE_PARTS.split(line):
            if cfg.purpose_clause:
                part = _compiled_purpose(cfg.purpose_clause).split(part, maxsplit=1)[0]
            for doc_type, pattern in rules:
                if pattern.search(part):
                    if doc_type == "clinical_note" and institution is not None and institution.search(part):
                        # an institution's name ("... SARCOMA REFERRAL CENTRE") says where, not what: a
                        # title beside or below it decides, and the name only when nothing else does
                        named_note = named_note or doc_type
                        break
                    return doc_type
    study = _study_field_type(text, rules)
    if study:
        return study
    by_content = _type_from_sections(text)
    if by_content:
        return by_content
    if cfg.letter_type and _is_letter(text):
        return cfg.letter_type
    if named_note:
        return named_note
    if filename:
        name = re.sub(r"[_.]+", " ", filename.rsplit(".", 1)[0])
        for doc_type, pattern in rules:
            if pattern.search(name):
                return doc_type
    return "other"


def _is_letter(text: str) -> bool:
    """Whether a document is a letter: a salutation among its first lines ("Dear Dr. Reyes,", "To the
    Medical Director:") and a closing after it ("Sincerely,", "Kind regards,"), the packet rules'
    cues. A letter names no type in a title; it says what it is by its form."""
    cfg = doctype_config()[0]
    if cfg.packet is None:
        return False
    lines = [ln.strip() for ln in text[:cfg.content_chars * 2].splitlines() if ln.strip()]
    salutation = compile_cues(tuple(cfg.packet.salutation_cues))
    at = next((k for k, ln in enumerate(lines[: cfg.packet.opening_lines]) if salutation.search(ln)), None)
    if at is None:
        return False
    closing = compile_cues(tuple(cfg.packet.closing_cues))
    return any(closing.search(ln) for ln in lines[at + 1:])


@lru_cache(maxsize=16)
def compile_cues(cues: tuple[str, ...]) -> re.Pattern[str]:
    """One case-blind pattern matching any of ``cues`` (compiled once per cue list)."""
    return re.compile("|".join(f"(?:{c})" for c in cues) or r"(?!)", re.I)


def _study_field_type(text: str, rules: list[tuple[str, re.Pattern[str]]]) -> str | None:
    """The imaging type a header field gives when it names a study ("Examination: MRI of the pelvis and
    both thighs"), in the first lines of the document; None otherwise."""
    cfg = doctype_config()[0]
    if not cfg.study_fields:
        return None
    label = _compiled_label(tuple(cfg.study_fields))
    imaging = [p for t, p in rules if t == "imaging"]
    for line in [ln for ln in text[:3000].splitlines() if ln.strip()][: cfg.title_lines + 6]:
        m = label.match(line)
        if m and any(p.search(m.group(1)) for p in imaging):
            return "imaging"
    return None


@lru_cache(maxsize=2)
def _compiled_purpose(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


@lru_cache(maxsize=2)
def _compiled_label(fields: tuple[str, ...]) -> re.Pattern[str]:
    """A header field line whose label is one of ``fields`` ("Examination: MRI ..."), its value grouped
    (compiled once: every document is typed through it)."""
    return re.compile(r"^\W*(?:" + "|".join(fields) + r")\s*:\s*(\S.*)$", re.I)


_TITLE_PARTS = re.compile(r"\s+(?:-{1,2}|\u2013|\u2014|\|)\s+")


def _join_wrapped_titles(lines: list[str]) -> list[str]:
    """Title lines with a line the sender wrapped after a dangling word joined to the next one
    ("NORDIC-CANADIAN SARCOMA REFERRAL CENTRE - DEPARTMENT OF" / "RADIOLOGY"): the type is read from
    the whole title, not from its first half."""
    dangling = frozenset(doctype_config()[0].title_dangling_words)
    out: list[str] = []
    for line in lines:
        last = out[-1].rsplit(None, 1)[-1].lower() if out and out[-1].split() else ""
        # (a list wrapped after its comma goes on too: "Attendees: orthopaedic oncology, spine surgery," /
        # "radiology, pathology" is one field)
        if out and (last in dangling or out[-1].endswith(("-", "&", "/", ","))) and not _is_prose(out[-1]):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


@rule_cache
def _content_rules() -> list[tuple[str, list[re.Pattern[str]]]]:
    cfg = doctype_config()[0]
    # a label with its colon, or a heading alone on its line ("Assessment/Plan", "Subjective")
    return [(r.type, [re.compile(rf"(?:^|\n)[ \t]*(?:\d+[.)][ \t]*)?(?:{p})[ \t]*(?::|(?=\n))", re.I)
                      for p in r.all])
            for r in cfg.content_types]


def _type_from_sections(text: str) -> str | None:
    """The type the body's section labels give ("FINDINGS:" and "IMPRESSION:": imaging), or None."""
    head = text[: doctype_config()[0].content_chars]
    for doc_type, patterns in _content_rules():
        if all(p.search(head) for p in patterns):
            return doc_type
    return None


def parse_date(match: re.Match[str], day_first: bool = False) -> dt.date | None:
    """A date from one match of the date pattern, or None when it is not a valid date.

    A numeric date is month first unless its first number cannot be a month ("18/11/2025"), it is
    dotted ("05.01.2026") or ``day_first`` says the document writes day first (see :func:`day_first`).
    """
    cfg = doctype_config()[0]
    try:
        if match.group("mdy"):
            year = int(match.group("y"))
            year += 2000 if year < 100 else 0
            month, day = int(match.group("m")), int(match.group("d"))
            # a dotted date is written day first ("14.03.2026", the continental European form) whatever
            # order the document's slashed dates take
            dotted = "." in match.group("mdy")
            if month > 12 >= day or ((day_first or dotted) and day <= 12):  # "18/11/2025": day first
                month, day = day, month
            return dt.date(year, month, day)
        if match.group("iso"):
            return dt.date(int(match.group("iy")), int(match.group("im")), int(match.group("id")))
        if match.group("text"):
            return dt.date(int(match.group("ty")), cfg.months[match.group("tm").lower()], int(match.group("td")))
        if match.group("text2"):
            return dt.date(int(match.group("t2y")), cfg.months[match.group("t2m").lower()], int(match.group("t2d")))
    except (ValueError, KeyError):
        return None
    return None


def _orders(text: str) -> tuple[bool, bool]:
    """(some numeric date can only be day first, some can only be month first) in ``text``."""
    _, _, date_re, _ = doctype_config()
    dmy = mdy = False
    for m in date_re.finditer(text):
        if m.group("mdy") and "." not in m.group("mdy"):  # (a dotted date is day first on its own)
            first, second = int(m.group("m")), int(m.group("d"))
            dmy |= first > 12 >= second
            mdy |= second > 12 >= first
    return dmy, mdy


def month_first(text: str) -> bool:
    """Whether some numeric date of ``text`` can only be read month first ("02/13/2026")."""
    return _orders(text)[1]


def day_first(text: str) -> bool:
    """Whether ``text`` writes numeric dates day first: some date can only be read day first
    ("13/02/2026", "24/09/2025") and none only month first ("02/13/2026"). A British or
    European chart then reads "09/02/2026" as 9 February, not 2 September."""
    dmy, mdy = _orders(text)
    return dmy and not mdy


def find_dates(text: str, day_first_order: bool | None = None) -> list[tuple[int, int, dt.date]]:
    """Every valid date in ``text`` with its offsets (day or month first as ``text`` writes them,
    unless ``day_first_order`` says which)."""
    _, _, date_re, _ = doctype_config()
    if day_first_order is None:
        day_first_order = day_first(text)
    out = []
    for m in date_re.finditer(text):
        d = parse_date(m, day_first_order)
        if d is not None:
            out.append((m.start(), m.end(), d))
    return out


@rule_cache
def _month_re() -> re.Pattern[str]:
    cfg = doctype_config()[0]
    month = "|".join(sorted(cfg.months, key=len, reverse=True))
    # "12/2025", "December 2025", "Dec. 2025": a month without its day (never the tail of a full date)
    return re.compile(rf"(?<![\d/.-])(?P<m>\d{{1,2}})/(?P<y>(?:19|20)\d\d)\b"
                      rf"|\b(?P<tm>{month})\.?,?[\s-]+(?P<ty>(?:19|20)\d\d)\b", re.I)


def find_months(text: str) -> list[tuple[int, int, int, int]]:
    """Every month named with its year but no day in ``text`` ("per oncology note 12/2025", "in
    December 2025"): (start, end, year, month)."""
    cfg = doctype_config()[0]
    names = {k.lower(): v for k, v in cfg.months.items()}
    out = []
    for m in _month_re().finditer(text):
        if m.group("m"):
            month, year = int(m.group("m")), int(m.group("y"))
        else:
            month, year = names.get(m.group("tm").lower().rstrip(".")), int(m.group("ty"))
        if month and 1 <= month <= 12:
            out.append((m.start(), m.end(), year, month))
    return out


def labelled_date(text: str) -> dt.date | None:
    """The first date ``text`` gives under a date label ("Date of service:", "Exam date:"), or None."""
    return _first_labelled(ocr_date_digits(content_text(text)), day_first(text))


# a second field on a header line whose column gap OCR closed to one space ("Accession: RP25-07714
# Collected: 12/05/2025"): the gap is widened again, so the field's label opens a column
_CLOSED_COLUMN = re.compile(r"^([ \t]*[A-Z][\w #./-]{0,30}:[^\n]*?\S) (?=[A-Z][A-Za-z /]{0,30}:[ \t]*\d)", re.M)


def _first_labelled(head: str, order: bool) -> dt.date | None:
    """The first date under a date label in ``head``; never one a birth or stamp label names."""
    _, _, date_re, label_re = doctype_config()
    not_date = _noise()[1]
    for _ in range(3):  # up to three fields on a line
        widened = _CLOSED_COLUMN.sub(r"\1   ", head)
        if widened == head:
            break
        head = widened
    for m in label_re.finditer(head):
        if not_date.search(head[max(0, m.start() - 1): m.end()].rstrip(" \t:#") + ":"):
            continue  # "Date of birth:"
        dm, base = date_re.match(head, m.end()), 0
        if dm is None:
            dm, base = date_re.search(head[m.end(): m.end() + 40]), m.end()
        if dm and not not_date.search(head[max(0, base + dm.start() - 30): base + dm.start()]):
            d = parse_date(dm, order)
            if d:
                return d
    return None


def infer_date(text: str, filename: str | None = None, day_first_order: bool | None = None) -> dt.date | None:
    """The document date (see :func:`_infer_date`); a numeric date that reads either way
    ("03/11/2025" in a document that shows no order) takes the reading its file name gives.
    ``day_first_order`` reads the dates in that order (a report inside a longer file is written as
    the file is)."""
    found = _infer_date(text, filename, day_first_order)
    if found is None or not filename or found.day > 12 or found.day == found.month:
        return found
    swapped = found.replace(month=found.day, day=found.month)
    # (the file name's date is read in the order the chart writes its dates: "ct_staging_10-03-2026" in a
    # day-first chart is 10 March)
    if any(swapped == d for _, _, d in find_dates(filename.replace("_", " "), bool(day_first_order))) \
            and not any(_orders(text[:3000])):
        return swapped
    return found


@rule_cache
def _structured_re() -> re.Pattern[str] | None:
    pats = doctype_config()[0].structured_dates
    return re.compile("|".join(f"(?:{p})" for p in pats), re.M) if pats else None


def structured_date(head: str) -> dt.date | None:
    """The date a structured export gives its observation in a field of its own (an HL7 result's
    OBR-7, "202603091300"): no reading order to guess, so it comes before any date in the prose."""
    pattern = _structured_re()
    m = pattern.search(head) if pattern else None
    if m is None:
        return None
    stamp = next(g for g in m.groups() if g)
    try:
        return dt.date(int(stamp[:4]), int(stamp[4:6]), int(stamp[6:8]))
    except ValueError:
        return None


def _infer_date(text: str, filename: str | None = None, day_first_order: bool | None = None) -> dt.date | None:
    """The document date: a labelled header date, else the first date of the header, else the file name.

    Fax headers, footers and patient banners are read past, and a date of birth or a
    dictation, transcription or fax stamp is never the document's date unless nothing else
    dates it.
    """
    not_date = _noise()[1]
    head = ocr_date_digits(content_text(text[:3000]))
    structured = structured_date(head)
    if structured is not None:
        return structured
    order = day_first(text) if day_first_order is None else day_first_order
    labelled = _first_labelled(head, order)
    if labelled is not None:
        return labelled
    stay_end = _stay_end(head[:600], order)
    if stay_end is not None:
        return stay_end
    stamped = None
    for start, _end, d in find_dates(head[:600], order):
        before = head[max(0, start - 30): start]
        if not_date.search(before):
            # a dictation or fax stamp dates a document that has nothing else; a birth date never does
            if not birth_label().search(before[-30:].rsplit("\n", 1)[-1][-20:]):
                stamped = stamped or d
            continue
        return d
    if stamped is not None and not filename:
        return stamped
    if filename:
        dates = find_dates(filename.replace("_", " "), order)
        if dates:
            return dates[-1][2]
    if stamped is not None:
        return stamped
    # nothing else dates it: a fax header line does (the day it was sent); of several (the sender's own
    # "[FAX] ... 2026.01.09" and a later relay's "MAR-02-2026 09:12 FROM-..."), the earliest, since a
    # document is faxed after it is written and each relay only adds later stamps
    raw = ocr_date_digits(text[:3000])
    stamps = [found[0][2] for line in raw.split("\n") if is_noise_line(line) and (found := find_dates(line, order))]
    return min(stamps) if stamps else None


@rule_cache
def _stay_labels() -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """The labels of a stay's first and last day (``doctypes.yaml`` stay_start_labels, stay_end_labels)."""
    cfg = doctype_config()[0]

    def label(words: list[str]) -> re.Pattern[str] | None:
        alts = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        return re.compile(rf"(?<![\w])(?:{alts})\s*[:\-]?\s*", re.IGNORECASE) if words else None
    return label(cfg.stay_start_labels), label(cfg.stay_end_labels)


def _stay_end(head: str, order: bool | None) -> dt.date | None:
    """The discharge date of a header that gives a stay ("Admission: 12/01/2026   Discharge: 20/01/2026"):
    a discharge letter or summary is written at the end of the stay it reports, not at its start."""
    start_label, end_label = _stay_labels()
    if start_label is None or end_label is None:
        return None

    def labelled(label: re.Pattern[str]) -> list[dt.date]:
        out = []
        for m in label.finditer(head):
            found = find_dates(head[m.end(): m.end() + 20], order)
            if found and found[0][0] == 0:
                out.append(found[0][2])
        return out
    starts, ends = labelled(start_label), labelled(end_label)
    if starts and ends and ends[0] >= starts[0]:
        return ends[0]
    return None


def letterhead_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges of letterhead lines (institution or department names) at the top of a document.

    A letterhead line is one of the first ``letterhead_lines`` lines that names an institution
    word and has no colon, digits or sentence punctuation (so "Date of service:" or a finding
    line is never one).
    """
    cfg = doctype_config()[0]
    words = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in cfg.letterhead_words) + r")\b", re.I)
    # the first line is usually the report's title ("ORTHOPAEDIC ONCOLOGY CONSULT"): it is a
    # letterhead only when it names an institution ("RIVERSIDE CANCER & NEUROSCIENCE PAVILION")
    institution = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in cfg.institution_words) + r")\b", re.I) \
        if cfg.institution_words else None
    out = []
    pos = 0
    for i, line in enumerate(text.split("\n")):
        if i >= cfg.letterhead_lines:
            break
        stripped = line.strip()
        first_ok = i > 0 or bool(institution and institution.search(stripped))
        if stripped and words.search(stripped) and not re.search(r"[:.;,]\s|\d", stripped + " ") \
                and len(stripped.split()) <= 12 and first_ok:
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out
