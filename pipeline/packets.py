"""Fax packets: one faxed file (or a run of page files) holding several chart documents.

A packet's pages are split into parts at report boundaries. A page opens a new document
when a title line in its head (past the fax header and the patient banner) names a document
type, unless the page carries a continuation mark ("Page 2 of 3", "(cont'd)") or repeats the
title and date of the document before it (a report that prints its header on every page).
A cover sheet ("Fax cover", "Number of pages") is a part of its own that is never read as
chart content; a page that yields almost no text is reported as unreadable, never dropped.
Page files of one send ("scan_p1.png", "scan_p2.png", "page-003.tif") are read in page order
as one packet. The rules are data (``doctypes.yaml``, ``packet``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from mednec.pipeline.doctype import (
    PacketConfig,
    compile_cues,
    dates_another_event,
    day_first,
    doctype_config,
    find_dates,
    infer_date,
    is_banner_line,
    is_noise_line,
    labelled_date,
)
from mednec.pipeline.resources import rule_cache

_FAX_HEADER = re.compile(r"\bfax\b|\bfacsimile\b|\bfrom[-: ]"
                         r"|^\W*(?:[a-z]{3}[-. ]\d|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\s+\d{1,2}:\d{2})"
                         # a relayed fax's banner, whatever line it wraps onto (">>> FAX RECEIVED ..." /
                         # "HOSP HIM PAGE 02 OF 05 <<<"): its page count is the earlier send's
                         r"|^\s*>>>|<<<\s*$", re.I)
_COLUMNS = re.compile(r"\s{3,}|\t+")
_LABEL_WORDS = 4  # "Clinical history:" labels a field; "ORTHO CLINIC NOTE [EHR TEMPLATE: v4]" is a title
_EDGE_LINES = 3  # continuation marks stand in a page's first or last lines
# a bulleted line, or a sentence in sentence case ending in a period, is no title
_SENTENCE_LINE = re.compile(r"^\s*(?:[-*\u2022]\s|\d{1,2}[.)]\s+[a-z])|^(?=.*\b[a-z]{2,}\b.*\b[a-z]{2,}\b).{20,}\.\s*$")


# a line drawn across the page ("-----", "=====") between two reports a sender put in one file
_RULE_LINE = re.compile(r"^[ \t]*([-=_*~])\1{9,}[ \t]*$", re.M)


@dataclass(frozen=True)
class Part:
    """Pages ``first``..``last`` (1-based, inclusive) of a packet: a document or a cover sheet."""

    first: int
    last: int
    kind: Literal["document", "cover"]
    title: str | None = None


@rule_cache
def _rules() -> tuple[PacketConfig, re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    cfg = doctype_config()[0].packet
    if cfg is None:  # pragma: no cover - shipped doctypes.yaml has one
        raise ValueError("doctypes.yaml has no packet section")
    cover = re.compile("|".join(f"(?:{c})" for c in cfg.cover_cues), re.I)
    cont = re.compile("|".join(f"(?:{c})" for c in cfg.continuation_cues), re.I)
    return cfg, cover, cont, re.compile(cfg.page_file, re.I)


def _cues(*fields: str) -> re.Pattern[str]:
    """One pattern of the packet rules' cue lists named by ``fields`` (any of them matches)."""
    cfg = _rules()[0]
    return compile_cues(tuple(c for f in fields for c in getattr(cfg, f)))


def _opening() -> re.Pattern[str]:
    return _cues("opening_cues", "salutation_cues")


def _first_page() -> re.Pattern[str]:
    return _cues("first_page_cues")


def _closing() -> re.Pattern[str]:
    return _cues("closing_cues")


def _form_title() -> re.Pattern[str]:
    return _cues("form_titles")


def _signature() -> re.Pattern[str]:
    return _cues("signature_cues")


@rule_cache
def _title_labels() -> re.Pattern[str]:
    words = "|".join(re.escape(w) for w in _rules()[0].title_labels) or r"(?!)"
    return re.compile(rf"^\W*(?:{words})\s*:\s*", re.I)


def ends_a_letter(text: str) -> bool:
    """Whether a page ends a letter: a closing ("Sincerely,", "Kind regards,") among its last lines."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not is_noise_line(ln)]
    return any(_closing().search(ln) for ln in lines[-_rules()[0].closing_lines:])


_LIST_ITEM = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*\u2022])\s+\S")
_WRAPPED_WORDS = 4


def opens_on_body(lines: list[str]) -> bool:
    """Whether a page's head (its lines past fax headers and banners) begins inside a document's body:
    on a list item ("3. S1 is spared, which would permit ..."), in lower case, or on a line of prose that wraps onto
    the next line in lower case ("Left sciatic neuropathy, post-traumatic, peroneal division," /
    "likely at the level of the buttock scar."). A report's title, a letter's letterhead, date and
    salutation stand above its body: such a page goes on from the page before, whatever title-like
    or salutation-like line stands further down it (a plan item in capitals, a signature)."""
    if not lines:
        return False
    first = lines[0]
    if _LIST_ITEM.match(first) or next((c for c in first if c.isalpha()), "").islower():
        return True  # a list item, or a sentence going on from the page before in lower case
    # (a wrapped title, "OUTSIDE RECORDS -- received from Antelope Draw Hospital, scanned and", is mostly
    # capitalised words: prose is mostly lower case)
    words = re.findall(r"[A-Za-z][A-Za-z'-]*", first)
    return (len(lines) > 1 and lines[1][:1].islower() and not first.rstrip().endswith(":")
            and len(words) >= _WRAPPED_WORDS and 2 * sum(w[0].islower() for w in words) > len(words))


def _above_prose(lines: list[str]) -> list[str]:
    """A page's head lines where a title or a salutation may stand: none when it opens on the body."""
    return [] if opens_on_body(lines) else lines


def _head(text: str) -> list[str]:
    cfg = _rules()[0]
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not is_noise_line(ln) and not is_banner_line(ln)
             and not _RELAYED.search(ln)]
    return lines[: cfg.head_lines]


_RELAYED = re.compile(r"^\s*>>>|<<<\s*$")


def title_of(text: str) -> str | None:
    """The title line of a page that opens a document, or None."""
    cfg = _rules()[0]
    rules = doctype_config()[1]
    # a header line laid out in columns ("SURGICAL PATHOLOGY REPORT      Accession: NS26-10482") is read
    # column by column
    head = _above_prose(_head(text))
    # a line whose sentence goes on in lower case on the next line is a wrapped line of prose
    # ("Re-reviewed at the sarcoma imaging conference with multiplanar" / "reformats. The ..."), no title
    wrapped = {k for k in range(len(head) - 1) if head[k + 1][:1].islower()}
    cells = [cell.strip() for k, line in enumerate(head) if k not in wrapped
             for cell in _COLUMNS.split(line) if cell.strip()]
    for line in cells:
        if _signature().search(line):
            continue  # "Dr R. Iyer, Consultant Musculoskeletal Radiologist": who signed, not what
        candidate = _title_labels().sub("", line)
        label = line.split(":", 1)[0] if ":" in line.rstrip(":") else None
        if candidate != line:
            pass  # "EXAM: MRI PELVIS" names the document
        elif label is not None and len(label.split()) <= _LABEL_WORDS:
            # "SURGICAL PATHOLOGY REPORT      ACCESSION: ..." with the column gap closed by OCR: a
            # capitalised title of two or more words before the field's own label word
            title = _title_before_label(label, rules)
            if title:
                return title
            continue  # "Date of service: ...", "Clinical history: ...": no title
        elif re.search(r"[.;]\s+[a-z]", line):
            continue  # a sentence: no title
        if len(candidate.split()) > cfg.title_max_words:
            continue
        first = next((c for c in candidate if c.isalpha()), "")
        if first.islower():
            continue  # a wrapped sentence going on from the page before ("compression and progressive ...")
        if _SENTENCE_LINE.search(candidate):
            continue  # a list item or a sentence ("- Will review the final pathology before the ...")
        if any(pattern.search(candidate) for _, pattern in rules) or _form_title().search(candidate):
            return candidate.rstrip(":").strip()
    return None


def _title_before_label(label: str, rules) -> str | None:  # noqa: ANN001 - doctype rules
    words = label.split()
    for k in (1, 2):
        head = " ".join(words[:-k])
        if len(head.split()) >= 2 and head.isupper() and any(p.search(head) for _, p in rules):
            return head
    return None


def header_date(text: str) -> dt.date | None:
    """The date a page's header line gives without a label, in its first lines above any prose: a
    terse note's header ("Lakeview Internal Medicine   01/20/2026", "Med Onc consult -- AGH -- 23 Feb
    2026 -- Dr. F. Lindgren"). The line is short and mostly capitalised words; a date that opens its
    line (a dated log entry, "01/05/2026 visit 3: ...") or that the words before it give to another
    event ("Comparison", "DOB", "Dictated") is none."""
    cfg = _rules()[0]
    order = day_first(text)
    head = _above_prose(_head(text))
    for k, line in enumerate(head[: cfg.dated_header_lines]):
        if _FAX_HEADER.search(line) or (k + 1 < len(head) and head[k + 1][:1].islower()):
            continue  # (a line whose sentence wraps on in lower case is prose: "ADDENDUM 01/15/2026: The ...")
        # (a parenthesis says more of the visit, "TELEHEALTH VISIT (video; pt at clinic room w/ RN)   DOS:")
        words = re.findall(r"[A-Za-z][A-Za-z'.-]*", re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", line))
        if not 2 <= len(words) <= _HEADER_WORDS or 2 * sum(w[0].isupper() for w in words) < len(words):
            continue  # (one word is a signature's tail, "MD 01/20/2026 00:40", not a header)
        dates = find_dates(line, order)
        if not dates and k + 1 < len(head):
            # a date alone on the line under a letterhead ("Claremont Cancer Institute - Orthopaedic
            # Oncology" / "04/28/2025") is the letterhead's: a note's or a letter's date
            below = _lone_date(head[k + 1], order)
            if below is not None:
                return below
        for start, _, date in dates:
            before = line[:start]
            if not before.strip():
                break
            if not dates_another_event(before):
                return date
    return None


def _lone_date(line: str, order: bool | None) -> dt.date | None:
    """The date of a line that holds nothing else ("04/28/2025", "28 April 2025"), or None."""
    found = find_dates(line, order)
    if len(found) != 1 or re.search(r"[A-Za-z0-9]", line[: found[0][0]] + line[found[0][1]:]):
        return None
    return found[0][2]


_HEADER_WORDS = 12


def is_cover(text: str) -> bool:
    """Whether a page is a fax cover sheet."""
    cfg, cover, _, _ = _rules()
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return len(lines) <= cfg.cover_max_lines and cover.search(text) is not None


def is_continuation(text: str) -> bool:
    """Whether a page says it goes on from the page before ("Page 2 of 3", "(cont'd)").

    A fax machine's page count ("P.003/007") counts the send, not the document: it is no mark.
    """
    cfg, _, cont, _ = _rules()
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if any(_first_page().search(ln) for ln in lines[: cfg.head_lines]):
        # its own page-one mark at the head: a relayed report's "P.2/2" at the foot of the same
        # page of this send continues nothing before it
        return False
    edges = lines[: cfg.head_lines] + lines[-_EDGE_LINES:]
    return any(cont.search(ln) for ln in edges if not _FAX_HEADER.search(ln))


def is_first_page(text: str) -> bool:
    """Whether a page says it opens a document: its own first page ("Page 1 of 2") or a letter's
    salutation in its head ("Dear Dr. Reyes,"), where no title line names the document."""
    cfg = _rules()[0]
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    # a letter's salutation stands below its letterhead, date and address, above its prose
    head = [ln for ln in lines if not is_noise_line(ln) and not is_banner_line(ln) and not _RELAYED.search(ln)]
    if any(_opening().search(ln) for ln in _above_prose(head[: cfg.opening_lines]) if not _FAX_HEADER.search(ln)):
        return True
    # at its foot, only its own page number opens it ("Page 1 of 2"): a salutation there is quoted
    return any(_first_page().search(ln) for ln in lines[-_EDGE_LINES:] if not _FAX_HEADER.search(ln))


def is_unreadable(text: str) -> bool:
    """Whether a page yielded too little text to read (blank, a photo, noise)."""
    return sum(c.isalnum() for c in text) < _rules()[0].unreadable_below


def segment(pages: list[str]) -> list[Part]:
    """Split a packet's pages into documents and cover sheets, in page order."""
    parts: list[Part] = []
    last_title: str | None = None
    last_date = None
    for i, text in enumerate(pages, 1):
        if is_cover(text) and title_of(text) is None:
            parts.append(Part(i, i, "cover"))
            last_title = last_date = None
            continue
        title = title_of(text)
        head_date = labelled_date("\n".join(_head(text))) or header_date(text)
        date = head_date or (infer_date(text) if title else None)
        repeated = title is not None and last_title is not None and title.lower() == last_title.lower() \
            and date == last_date
        # a header that dates the page anew ("Date of service: 02/24/2026" under a letterhead with no
        # title word) opens a document too, when the date differs from the document before
        redated = head_date is not None and last_date is not None and head_date != last_date
        # the page after a letter's closing opens a document of its own (a payer's notice faxed after
        # the letter that answers it), unless it says it goes on
        after_letter = i > 1 and ends_a_letter(pages[i - 2])
        opens = not parts or parts[-1].kind == "cover" or (
            (title is not None or redated or after_letter or is_first_page(text)) and not is_continuation(text)
            and not repeated)
        if opens:
            parts.append(Part(i, i, "document", title))
            last_title, last_date = title, date
        else:
            prev = parts[-1]
            parts[-1] = Part(prev.first, i, prev.kind, prev.title)
    return parts


def page_file_groups(paths: list[Path]) -> list[list[Path]]:
    """The paths of a case grouped into sends: page files of one document in page order, others alone.

    "mri_p1.png", "mri_p2.png" form one group; a lone "mri_p1.png" stays a document of its own.
    """
    pattern = _rules()[3]
    groups: dict[tuple[str, str], list[tuple[int, Path]]] = {}
    order: list[tuple[str, str] | Path] = []
    for p in paths:
        m = pattern.match(p.name)
        if m is None:
            order.append(p)
            continue
        ext = m.group("ext").lower().replace("jpeg", "jpg").replace("tiff", "tif")
        key = (m.group("stem").lower(), ext)
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append((int(m.group("num")), p))
    out: list[list[Path]] = []
    for item in order:
        if isinstance(item, Path):
            out.append([item])
        elif len(groups[item]) == 1:
            out.append([groups[item][0][1]])
        else:
            out.append([p for _, p in sorted(groups[item], key=lambda np: (np[0], np[1].name))])
    return out


_RULE_ONLY = re.compile(r"^[\s\-=_*~]*$")


def _titled(text: str, at: int) -> bool:
    """Whether the first line of text after ``at`` (past blank lines and the rest of a rule a wrap
    cut off) is a report's title: a report opens on its title, never on a wrapped line of prose."""
    for line in text[at:at + 1200].splitlines():
        if _RULE_ONLY.match(line):
            continue
        return title_of(line) is not None
    return False


@rule_cache
def _headings() -> tuple[re.Pattern[str], dict[str, str], dict[str, str]]:
    """Section title literals of ``sections.jsonl``: one pattern (longest literal first), the category of
    each literal, and of each literal without its colon (a title alone on its line drops it)."""
    from mednec.pipeline.sections import section_rule_specs

    pairs = {r.literal.lower(): r.category for r in section_rule_specs() if r.pattern is None}
    ordered = sorted(pairs, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(lit) for lit in ordered), re.I)
    bare = {lit.rstrip(":"): cat for lit, cat in pairs.items()}
    return pattern, pairs, bare


def _heading_category(line: str) -> str | None:
    """The section category a line opens, when it opens with a section title ("IMPRESSION:")."""
    pattern, pairs, bare = _headings()
    head = line.lstrip(" \t-*\u2022")
    m = pattern.match(head)
    if m is not None:
        literal = m.group().lower()
        after = head[m.end():m.end() + 1]
        if literal.endswith(":") or (not after.isalpha() and not head[:1].islower()):
            return pairs[literal]
    # a title alone on its line drops its colon ("Assessment/Plan")
    low = head.lower().strip().rstrip(":")
    if low and not head[:1].islower():
        return bare.get(low)
    return None


_STUDY_TYPES = ("imaging", "pathology")
_TITLE_CAPITALS = 0.8  # share of a pasted result title's letters (outside brackets) in capitals


def pasted_results(text: str, host_type: str) -> list[tuple[int, int, str, str | None]]:
    """Study results an EHR pasted into a note under their own title line: (start, end, type, date).

    A note's results section may hold the radiology or pathology report itself ("MRI PELVIS W WO
    CONTRAST (Final result)  Collected: 12/18/2025", its narrative, its IMPRESSION): that block is the
    study's report, of the study's type and date, from its title line to the next section of the note
    ("Assessment/Plan"), a rule line, or the next pasted title. A title followed by no report section
    of its own (a clinician's one-line summary under "Imaging:") stays the note's. A study's own
    report holds no pasted results: a comparison line there names an earlier study, not its report.
    """
    if host_type in _STUDY_TYPES:
        return []
    from mednec.pipeline.doctype import infer_type

    cfg = _rules()[0]
    body_sections, host_sections = set(cfg.pasted_report_sections), set(cfg.host_note_sections)
    if not body_sections:
        return []
    lines = [(m.start(), m.group()) for m in re.finditer(r"[^\n]*\n?", text) if m.group()]

    def study_title(line: str) -> str | None:
        # the title stands as a line of its own, or as its first column beside header fields
        # ("Collected: 12/18/2025"); a bullet or a summary after a colon ("- CT thorax 08/01/26 : clear.",
        # "OUTSIDE MRI 05.01.2026 (report translated): R hemipelvic ...") is the note's own reading
        cells = [c.strip() for c in _COLUMNS.split(line.strip()) if c.strip()]
        if not cells or _heading_category(line) is not None:
            return None
        title = title_of(line)
        if title is None or cells[0].rstrip(":").strip() != title or title.split(":", 1)[-1] != title:
            return None
        if any(":" not in c or len(c.split(":", 1)[0].split()) > _LABEL_WORDS for c in cells[1:]):
            return None
        # a pasted result's title stands in capitals ("CT PELVIS WITH CONTRAST (Final result)"); a line of
        # prose that a wrap cut after a study's name ("I reviewed the MR neurography of 02/03/2026 with
        # the") is no title, whatever type word it holds
        letters = [c for c in re.sub(r"\([^)]*\)", "", title) if c.isalpha()]
        if not letters or sum(c.isupper() for c in letters) < _TITLE_CAPITALS * len(letters):
            return None
        kind = infer_type(line)
        return kind if kind in _STUDY_TYPES else None

    out: list[tuple[int, int, str, str | None]] = []
    # the note's own title lines are no pasted result: a result stands below the note's first section
    # heading, or past the lines where a title may stand
    seen, sectioned = 0, False
    i = 0
    while i < len(lines):
        at, line = lines[i]
        if line.strip():
            seen += 1
        kind = study_title(line) if seen > cfg.head_lines or sectioned else None
        sectioned = sectioned or _heading_category(line) is not None
        if kind is None:
            i += 1
            continue
        j, body = i + 1, False
        while j < len(lines):
            nxt = lines[j][1]
            category = _heading_category(nxt)
            if category in host_sections or (nxt.strip() and _RULE_ONLY.match(nxt)) or study_title(nxt):
                break
            body = body or category in body_sections
            j += 1
        if not body:
            i += 1
            continue
        end = lines[j][0] if j < len(lines) else len(text)
        date = infer_date(text[at:end])
        out.append((at, end, kind, date.isoformat() if date else None))
        seen += sum(1 for _, ln in lines[i + 1:j] if ln.strip())
        i = j
    return out


def embedded_reports(text: str) -> list[tuple[int, int, str, str | None]]:
    """The reports one text document holds, when a sender put several in one file: an outside
    operative note, a rule line, then the pathology report of its specimen. Each part after a rule
    line whose head names a document type by its title ("SURGICAL PATHOLOGY REPORT") is a report of
    its own, to the next such part: (start, end, type, date as written). A rule line before an
    untitled passage (an addendum, a signature block) keeps that passage in the report above it.
    Empty when the document is one report."""
    from mednec.pipeline.doctype import day_first, infer_type, month_first

    starts = [m.end() for m in _RULE_LINE.finditer(text) if _titled(text, m.end())]
    if not starts:
        return []
    out = []
    edges = [0, *starts, len(text)]
    parts = [text[lo:hi] for lo, hi in zip(edges, edges[1:], strict=False)]
    # a report whose own dates read either way ("05/01/2026") is written as the other reports the
    # sender bundled with it are ("20/12/2025": day first), not as the cover page that received them
    bundle_order = any(day_first(p) for p in parts[1:]) and not any(month_first(p) for p in parts[1:])
    for k, (lo, hi) in enumerate(zip(edges, edges[1:], strict=False)):
        part = parts[k]
        own = day_first(part) or month_first(part)
        date = infer_date(part, day_first_order=None if own else (bundle_order or day_first(text)))
        out.append((lo, hi, infer_type(part), date.isoformat() if date else None))
    return out
