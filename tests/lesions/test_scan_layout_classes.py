"""Classes found on scanned packets: what a scan's layout (blank lines OCR puts between lines) must
not change in a chart's meaning. Each row is in our own words; paired rows show the reading moves
only when the meaning does.
"""

from __future__ import annotations

import pytest

QUOTED = '"The tumor crosses into the right inferior pubic ramus."'


@pytest.mark.parametrize(("between", "comment", "superseded"), [
    ("\n", "*** This paragraph was imported from another patient's chart - disregard. ***", True),
    # a scan puts a blank line between the quoted passage and the comment on it
    ("\n\n", "*** This paragraph was imported from another patient's chart - disregard. ***", True),
    ("\n\n\n", "That paragraph is from another patient; disregard it.", True),
    # the comment agrees: nothing is taken back, whatever the spacing
    ("\n", "This was confirmed on the re-read.", False),
    ("\n\n", "This was confirmed on the re-read.", False),
])
def test_a_comment_on_a_quoted_passage_across_a_blank_line(facts_of, between, comment, superseded):
    from mednec.pipeline.rereads import apply_withdrawals

    text = f"PRIOR NOTE TEXT (imported):\n{QUOTED}{between}{comment}\n\nEXAM: unremarkable.\n"
    facts = [f for f in facts_of(text) if f.concept == "pubic_ramus"]
    assert facts
    out = apply_withdrawals(facts, {"doc.txt": text})
    assert all(f.assertion.superseded is superseded for f in out), [f.assertion for f in out]


def test_a_quotation_inside_a_sentence_is_commented_on_by_its_own_sentence(facts_of):
    """The next paragraph's 'disregard' is not about a quotation that does not close its sentence."""
    from mednec.pipeline.rereads import apply_withdrawals

    text = ('The outside report says "the tumor crosses into the right inferior pubic ramus" and we agree.\n\n'
            "Disregard the earlier fax cover sheet.\n")
    facts = [f for f in facts_of(text) if f.concept == "pubic_ramus"]
    assert facts
    out = apply_withdrawals(facts, {"doc.txt": text})
    assert not any(f.assertion.superseded for f in out)
