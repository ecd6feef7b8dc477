"""``mednec context SENTENCES.tsv`` (CONTRACT: "Assertion check on a sentence set")."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from spacy.language import Language

from mednec.context_check import HEADER, SentenceSetError, classify, locate, run_context, sentence_doc
from mednec.core.errors import MednecError

KIT_HEADER = ("line number\tCondition\tsentence\tnegation_status\ttemporality\texperiencer")
ROWS = [
    ("17", "edema", "Extremities reveal no peripheral cyanosis or EDEMA.", "Negated"),
    ("3", "gout", "Past medical history: hypertension and GOUT.", "Affirmed"),
    ("250", "fevers", "Return to the ED if he develops FEVERS or chills.", "Affirmed"),
    ("9", "colon polyps", "Family history of COLON POLYPS.", "Affirmed"),
    ("41", "osteosarcoma", "Findings suspicious for OSTEOSARCOMA.", "Affirmed"),
    ("5", "chemotherapy", "She will start CHEMOTHERAPY next week.", "Affirmed"),
    ("6", "smokes cigarettes", "The patient SMOKES   CIGARETTES.", "Affirmed"),
]
EXPECTED = [
    "line number\tnegation\ttemporality\texperiencer",
    "17\tnegated\trecent\tpatient",
    "3\taffirmed\thistorical\tpatient",
    "250\taffirmed\thypothetical\tpatient",
    "9\taffirmed\thistorical\tother",
    "41\tpossible\trecent\tpatient",
    "5\taffirmed\thypothetical\tpatient",
    "6\taffirmed\trecent\tpatient",
]


@pytest.fixture(scope="module")
def nlp() -> Language:
    """The determinations' pipeline."""
    from mednec.pipeline import build

    return build()


def _kit(tmp_path: Path, rows: list[tuple[str, ...]], header: str = KIT_HEADER) -> Path:
    path = tmp_path / "sentences.tsv"
    body = "\n".join("\t".join((*row, "Recent", "Patient")) for row in rows)
    path.write_text(f"{header}\n{body}\n", encoding="utf-8")
    return path


def test_output_format_and_order(tmp_path: Path, nlp: Language) -> None:
    out = io.StringIO()
    assert run_context(_kit(tmp_path, ROWS), out, nlp=nlp) == 0
    assert out.getvalue() == "\n".join(EXPECTED) + "\n"
    assert out.getvalue().splitlines()[0].split("\t") == list(HEADER)


def test_default_pipeline_and_extra_columns_ignored(tmp_path: Path) -> None:
    path = tmp_path / "three_columns.tsv"
    path.write_text("line number\tCondition\tsentence\nA7\tpain\tNo PAIN today.\n", encoding="utf-8")
    out = io.StringIO()
    run_context(path, out)
    assert out.getvalue() == "line number\tnegation\ttemporality\texperiencer\nA7\tnegated\trecent\tpatient\n"


def test_one_row_per_input_row_even_when_condition_is_absent(tmp_path: Path, nlp: Language) -> None:
    rows = [("1", "chest surgical changes", "CHEST:     1.", "Affirmed"), ("2", "rash", "", "Affirmed")]
    out = io.StringIO()
    run_context(_kit(tmp_path, rows), out, nlp=nlp)
    lines = out.getvalue().splitlines()
    assert [line.split("\t")[0] for line in lines[1:]] == ["1", "2"]
    assert all(len(line.split("\t")) == 4 for line in lines)


def test_missing_file_is_a_one_line_error_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "nope.tsv"
    with pytest.raises(MednecError) as err:
        run_context(missing, io.StringIO())
    assert isinstance(err.value, SentenceSetError)
    assert str(missing) in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("header", ["id\tphrase\ttext", "line number\tCondition", ""])
def test_wrong_columns_are_rejected(tmp_path: Path, header: str) -> None:
    path = _kit(tmp_path, [("1", "edema", "No edema.", "Negated")], header=header)
    with pytest.raises(SentenceSetError) as err:
        run_context(path, io.StringIO())
    assert str(path) in str(err.value)


def test_short_row_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "short.tsv"
    path.write_text("line number\tCondition\tsentence\n1\tedema\n", encoding="utf-8")
    with pytest.raises(SentenceSetError, match="line 2"):
        run_context(path, io.StringIO())


def test_locate_prefers_the_mention_over_a_heading(nlp: Language) -> None:
    doc = sentence_doc(nlp, "ALLERGIES:  He has no known ALLERGIES.")
    span = locate(doc, "allergies")
    assert span.start_char == doc.text.rindex("ALLERGIES")
    assert classify(nlp, doc.text, "allergies")[0] == "negated"


def test_locate_falls_back_to_closest_span(nlp: Language) -> None:
    doc = sentence_doc(nlp, "Marked enlargment of the left iliac mass is noted.")
    assert locate(doc, "enlargement of left iliac mass").text == "enlargment of the left iliac mass"


def test_trigger_inside_the_condition_does_not_assert_it(nlp: Language) -> None:
    sentence = "The ORAL MUCOSA IS MOIST WITH NO ERYTHEMA."
    got = classify(nlp, sentence, "oral mucosa is moist with no erythema")
    assert got == ("affirmed", "recent", "patient")


def test_cli_context_command(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from mednec.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["context", str(_kit(tmp_path, ROWS[:1]))])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == EXPECTED[:2]
    bad = runner.invoke(app, ["context", str(tmp_path / "missing.tsv")])
    assert bad.exit_code == 2
