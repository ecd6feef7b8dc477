"""OCR repair that may change a text's length, with offsets back to the text as read.

The same-length fixes of ``mednec.documents.correct`` cannot undo damage that adds or
removes characters: a doubled letter ("withhout"), a glyph split ("vvithout", "cydes"),
a dropped letter ("Negtive"), two words that lost their space ("withoutpulmonary"), a lost
period ("roof No tumor"). :func:`respell` repairs those when exactly one word of the
vocabulary (``respell_vocab.py``) lies one such edit away, and returns an
:class:`~mednec.pipeline.offsets.OffsetMap` so facts found in the repaired copy quote the
document's own words. Settings and safety rules: ``resources/respell.yaml``.
"""

from __future__ import annotations

import re

from mednec.pipeline.offsets import OffsetMap
from mednec.pipeline.resources import rule_cache
from mednec.pipeline.respell_vocab import vocabulary
from mednec.pipeline.respell_word import load_config, repair_word

__all__ = ["load_config", "repair_word", "respell"]

_TOKEN = re.compile(r"[A-Za-z0-9|$]+")
_SENTENCE_END = frozenset(".!?:;\n")
_WRAP = re.compile(r"([A-Za-z]+)[ \t]*\n[ \t]*([A-Za-z]+)")
_CAPS_NEXT = re.compile(r"[ \t]+[A-Z]{3,}\b")
_LETTER_OF = str.maketrans("0158$|", "OISBSI")
_LIST_ONE = re.compile(r"^[ \t]*([l|])(?=[.)][ \t])", re.MULTILINE)
_NEXT_WORD = re.compile(r" ([a-z]{3,})\b")
# the next word, across a line wrap; an OCR text layer often leaves a blank line inside a wrapped
# paragraph, so across two line breaks too when the word goes on in lower case
_NEXT_ANY_WORD = re.compile(r"(?:[ \t]+|[ \t]*\n(?:[ \t]*\n(?=[ \t]*[a-z]))?[ \t]*)([A-Za-z]{3,})\b")
_SPLIT_NO = re.compile(r"(?<![\w])([Nn]) ([oO])[ \t]+([A-Za-z]{3,})\b")
_EXTRA_SPACE = re.compile(r"(?<=[^\s]) (?= [^\s])")

@rule_cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    cfg = load_config()
    heads = "|".join(re.escape(h) for h in cfg.sentence_heads)
    # before a sentence head ("roof No tumor") or a capitalised label ("negative Symptoms: ...")
    # ("weeks) He has": after a closing bracket too)
    lost_period = re.compile(rf"\b([a-z]{{3,}}) (?=(?:{heads}) +[a-z]|[A-Z][a-z]+(?: [a-z]+){{0,2}}:)"
                             rf"|(?<=[a-z0-9])(\)) ?(?=(?:{heads}) +[a-z])")
    # a space lost after a full stop ("roof.No", "weeks).He") or after ; , : ("S2;no", "Dx:sarcoma")
    lost_space = re.compile(rf"(?:(?<=[a-z]{{2}})|(?<=[a-z0-9][)\]]))\.(?=[A-Z][a-z]+\b)"
                            rf"|(?<=\d)\.(?=(?:{heads})\b)|(?<=[A-Za-z0-9)\"'\]])[;,:](?=[a-z]|[A-Z][a-z])")
    heading = re.compile(rf"^[ \t]*((?:[A-Za-z0-9|$&/]+ ?){{1,{cfg.heading_max_words}}}):", re.MULTILINE)
    honorific = re.compile(rf"\b(?:{'|'.join(re.escape(h) for h in cfg.honorifics)})\.?[ \t]+$")
    return lost_period, lost_space, heading, honorific


def _before(text: str, start: int) -> int:
    """Index of the last character before ``start`` that is no space or tab (-1: none)."""
    i = start - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return i


def _name_like(text: str, start: int, token: str) -> bool:
    """A capitalised word that does not open a sentence or a line: probably a name."""
    rest = [ch for ch in token[1:] if ch.isalpha()]
    if not (token[:1].isupper() and token[1:2].islower() and sum(ch.islower() for ch in rest) * 2 > len(rest)):
        return False  # not capitalised, an acronym glued to a word ("CTnegative") or a misread letter ("REVlSED")
    if _patterns()[3].search(text, max(0, start - 8), start):
        return True  # "Dr. Haddad"
    i = _before(text, start)
    return i >= 0 and text[i] not in _SENTENCE_END


def _sentence_start(text: str, start: int) -> bool:
    """Whether ``text[start]`` opens a line or follows ". ", ": " or "; "."""
    i = _before(text, start)
    return i < 0 or text[i] == "\n" or (text[i] in ".:;" and i < start - 1)


def _short_caps(token: str) -> str | None:
    """A two-character capitalised cue with a digit for a letter ("N0", "0R"), in capitals."""
    if token.isalpha() or not any(ch.isalpha() for ch in token):
        return None
    word = token.translate(_LETTER_OF).lower()
    return word.upper() if word in vocabulary().cues else None


def _minimal(start: int, old: str, new: str) -> tuple[int, int, str]:
    """The edit turning ``old`` (at ``start``) into ``new``, without their common ends, so the
    words around a repair keep exact offsets ("withoutpulmonary" gets a space, nothing more)."""
    p = 0
    while p < min(len(old), len(new)) and old[p] == new[p]:
        p += 1
    q = 0
    while q < min(len(old), len(new)) - p and old[-1 - q] == new[-1 - q]:
        q += 1
    return start + p, start + len(old) - q, new[p:len(new) - q]


_PREV_WORD = re.compile(r"([A-Za-z']+)\s+$")
_FOLLOWING_WORD = re.compile(r"\s+([A-Za-z]+)\b")


def _tnm_before(text: str, start: int) -> bool:
    """Whether the word before ``start`` is one a damaged "no" never follows (a TNM T category)."""
    prev = re.search(r"(\S+)\s+$", text[max(0, start - 20):start])
    return bool(prev and re.fullmatch(load_config().damaged_no_not_after, prev.group(1)))


def _be_context(text: str, start: int, end: int) -> bool:
    """Whether a "he" stands where only "be" reads: after a modal, before a past participle."""
    cfg = load_config()
    prev = _PREV_WORD.search(text, max(0, start - 30), start)
    nxt = _FOLLOWING_WORD.match(text, end)
    return bool(prev and prev.group(1).lower() in cfg.be_after and nxt
                and nxt.group(1).lower().endswith(cfg.be_before_suffixes))


def respell(text: str) -> tuple[str, OffsetMap | None, int]:
    """The repaired text, the map of its offsets back to ``text`` (None if unchanged) and the repair count.

    Words are repaired first; lost periods and spaces are then found in the repaired words
    ("foramen Nocomplete" -> "foramen No complete" -> "foramen. No complete").
    """
    lost_period, lost_space, heading, _ = _patterns()
    heads = [(m.start(1), m.end(1)) for m in heading.finditer(text)]
    edits: list[tuple[int, int, str]] = []
    k = 0
    known = vocabulary().known
    cfg = load_config()
    rule_words = vocabulary().concepts | vocabulary().cues
    for m in _TOKEN.finditer(text):
        token = m.group()
        if token in cfg.damaged_no:
            nxt = _NEXT_ANY_WORD.match(text, m.end())
            # an all-caps "NE" repairs only before an all-caps word; "N0" (one letter) is a capital
            # "No" before any case, but never a TNM category after its T ("pT2 N0 disease")
            shouty = sum(c.isupper() for c in token) >= 2
            if (nxt and nxt.group(1).lower() in rule_words
                    and (not shouty or nxt.group(1).isupper())
                    and not _tnm_before(text, m.start())
                    and nxt.group(1).lower() not in cfg.damaged_no_not_before):
                fixed = cfg.damaged_no[token]
                edits.append(_minimal(m.start(), token, fixed.upper() if nxt.group(1).isupper() else fixed))
                continue
        if token in cfg.damaged_be and _be_context(text, m.start(), m.end()):
            edits.append(_minimal(m.start(), token, cfg.damaged_be[token]))
            continue
        if token.isalpha() and token.lower() in known:
            continue  # most words: known as written
        start, end = m.span()
        while k < len(heads) and heads[k][1] < end:
            k += 1
        head = k < len(heads) and heads[k][0] <= start
        if token in cfg.lone_letters and _sentence_start(text, start):
            nxt = _NEXT_WORD.match(text, end)
            if nxt and nxt.group(1) in vocabulary().known and nxt.group(1) not in cfg.lone_letter_not_before:
                # "N intradural extension": the "o" of a sentence's "No" was lost
                edits.append((start, end, cfg.lone_letters[token]))
            continue
        if len(token) == 2 and _CAPS_NEXT.match(text, end):
            fixed = _short_caps(token)  # "N0 INTRADURAL" -> "NO INTRADURAL" (but "N0 M0" stays)
        else:
            fixed = repair_word(token, head, _name_like(text, start, token))
        if fixed and fixed != token:
            edits.append(_minimal(start, token, fixed))
    if cfg.split_no:
        # "N o intradural extension": a "No" split by the scanner, before a rule word
        for sm in _SPLIT_NO.finditer(text):
            if sm.group(3).lower() in rule_words:
                edits.append((sm.end(1), sm.start(2), ""))
    # a list number read as a letter at the start of a line ("l. En bloc resection")
    edits.extend((m.start(1), m.end(1), "1") for m in _LIST_ONE.finditer(text))
    edits.sort(key=lambda e: (e[0], e[1]))
    words = OffsetMap(text, edits) if edits else None
    repaired = words.text if words else text
    inserts: dict[int, str] = {}
    # a line wrapped inside a known phrase ("FIBROUS\nDYSPLASIA") is read as one line
    pairs = vocabulary().pairs
    for m in _WRAP.finditer(repaired):
        if (m.group(1).lower(), m.group(2).lower()) in pairs:
            gap = (words.start(m.end(1)), words.start(m.start(2))) if words else (m.end(1), m.start(2))
            edits.append((*gap, " "))
    # a doubled space between two words ("FINAL  DIAGNOSIS:") becomes one, so phrases still match
    for m in _EXTRA_SPACE.finditer(repaired):
        src = words.start(m.start()) if words else m.start()
        edits.append((src, src + len(m.group()), ""))
    stop = vocabulary().stop
    for pattern, mark, at_end in ((lost_period, ".", False), (lost_space, " ", True)):
        for m in pattern.finditer(repaired):
            if not at_end and m.group(1) in stop:
                continue  # "Date of Service:", "there is No": no sentence ends after a stop word
            pos = m.end() if at_end else m.end(1) if m.group(1) else m.end(2)
            if not at_end and m.group(2) and not repaired[pos].isspace():
                mark = ". "  # "weeks)He": the space went too
            elif not at_end:
                mark = "."
            src = words.start(pos) if words else pos
            inserts[src] = inserts.get(src, "") + mark
    for i, (start, end, repl) in enumerate(edits):
        if start == end and start in inserts:
            # a lost period before a split's space ("roof. No"), after a restored letter ("femoral.")
            mark = inserts.pop(start)
            edits[i] = (start, end, mark + repl if repl[:1].isspace() else repl + mark)
    edits.extend((pos, pos, mark) for pos, mark in inserts.items())
    if not edits:
        return text, None, 0
    edits.sort(key=lambda e: (e[0], e[1]))
    kept: list[tuple[int, int, str]] = []
    for edit in edits:  # never two edits of the same characters (the first one wins)
        if kept and edit[0] == edit[1] == kept[-1][0] == kept[-1][1]:
            kept[-1] = (edit[0], edit[1], kept[-1][2] + edit[2])  # two insertions at one place: both
        elif not kept or edit[0] >= kept[-1][1]:
            kept.append(edit)
    mapping = OffsetMap(text, kept)
    return mapping.text, mapping, len(kept)
