"""The reader of regular-expression syntax behind ``regex_filter`` (no private CPython parser)."""

from __future__ import annotations

import re

import pytest
from mednec.pipeline.medspacy_compat import context_matcher, regex_patterns
from mednec.pipeline.regex_filter import plan
from mednec.pipeline.regex_syntax import (
    UNBOUNDED,
    At,
    Branch,
    CharSet,
    Group,
    Lit,
    Look,
    Repeat,
    Unsupported,
    parse,
)

W = CharSet((("cat", "w"),))
S = CharSet((("cat", "s"),))


@pytest.mark.parametrize(("pattern", "items"), [
    ("ab", (Lit("a"), Lit("b"))),
    (r"(?<![\w])no", (Look(True, True, (W,)), Lit("n"), Lit("o"))),
    (r"(?<!\w)x(?=\s)", (Look(True, True, (W,)), Lit("x"), Look(False, False, (S,)))),
    (r"(?:a|bc)?", (Repeat(0, 1, (Group((Branch(((Lit("a"),), (Lit("b"), Lit("c")))),)),)),)),
    (r"\s+?x*", (Repeat(1, UNBOUNDED, (S,)), Repeat(0, UNBOUNDED, (Lit("x"),)))),
    (r"a{2,5}b{3}c{1,}", (Repeat(2, 5, (Lit("a"),)), Repeat(3, 3, (Lit("b"),)),
                          Repeat(1, UNBOUNDED, (Lit("c"),)))),
    (r"[a-z\-.]", (CharSet((("range", "a", "z"), ("lit", "-"), ("lit", "."))),)),
    (r"[^\d]", (CharSet((("cat", "d"),), negate=True),)),
    (r"[-a][a-]", (CharSet((("lit", "-"), ("lit", "a"))), CharSet((("lit", "a"), ("lit", "-"))))),
    (r"[]x]", (CharSet((("lit", "]"), ("lit", "x"))),)),
    (r"^x\b.$", (At("^"), Lit("x"), At("b"), CharSet((), dot=True), At("$"))),
    (r"\(\.\n", (Lit("("), Lit("."), Lit("\n"))),
    (r"(?-i:N)(?P<g>o)", (Group((Lit("N"),)), Group((Lit("o"),)))),
    (r"(?i)a|b", (Branch(((Lit("a"),), (Lit("b"),))),)),
    ("a{,}", (Lit("a"), Lit("{"), Lit(","), Lit("}"))),  # no count: literal braces, as re reads them
])
def test_reads_the_syntax(pattern: str, items: tuple) -> None:
    re.compile(pattern)  # the table holds only patterns Python accepts
    assert parse(pattern) == items


@pytest.mark.parametrize(("pattern", "flags"), [
    (r"(a)\1", 0),             # a backreference
    (r"(a)?(?(1)b|c)", 0),     # a conditional
    (r"a b", re.VERBOSE),
    (r"\x41", 0),
    (r"a(?x) b", 0),
])
def test_unsupported_syntax_is_refused_and_runs_in_full(pattern: str, flags: int) -> None:
    with pytest.raises(Unsupported):
        parse(pattern, flags)
    assert plan(re.compile(pattern.replace("(?x)", ""), flags)).start is None


@pytest.mark.parametrize(("pattern", "conditions", "start"), [
    (r"(?<![\w])(?:denie[sd]|deny)(?![\w])", [{"deni", "deny"}], {"deni", "deny"}),
    (r"(?<![\w])no\s+longer(?![\w])", [{"no"}, {"long"}], {"no"}),
    (r"(?<![\w])(?:to\s+)?rule\s+out", [{"rule", "to"}, {"out"}], {"rule", "to"}),
    (r"(?<=:)\s*nil", [], None),  # starts anywhere a colon is: no word to index
])
def test_plans(pattern: str, conditions: list, start: set | None) -> None:
    found = plan(re.compile(pattern, re.IGNORECASE))
    assert sorted(map(sorted, found.conditions)) == sorted(map(sorted, conditions))
    assert found.start == (None if start is None else frozenset(start))


def test_every_context_pattern_is_read(nlp) -> None:  # noqa: ANN001
    """An unread pattern still matches right but scans every text in full: none may be unread."""
    patterns = list(regex_patterns(context_matcher(nlp.get_pipe("mednec_context"))))
    assert len(patterns) > 100
    for p in patterns:
        parse(p.pattern, p.flags)
