"""Assemble mednec's NLP pipeline: one ``build`` function, called once per process."""

from __future__ import annotations

import warnings

import spacy

# Importing the component modules registers their factories with spaCy.
from mednec.pipeline import abbreviations as _abbreviations  # noqa: F401
from mednec.pipeline import context as _context  # noqa: F401
from mednec.pipeline import laterality as _laterality  # noqa: F401
from mednec.pipeline import lazy as _lazy
from mednec.pipeline import linker as _linker  # noqa: F401
from mednec.pipeline import sections as _sections  # noqa: F401
from mednec.pipeline import sentences as _sentences  # noqa: F401
from mednec.pipeline import targets as _targets  # noqa: F401
from spacy.language import Language

COMPONENTS = (
    "mednec_sentences", "mednec_sections", "mednec_targets", "mednec_abbreviations", "mednec_linker",
    "mednec_context", "mednec_laterality",
)


def _quiet_pyrush() -> None:
    """PyRuSH (pulled in by medspaCy) logs every sentence at DEBUG through loguru: silence it."""
    try:
        from loguru import logger

        logger.disable("PyRuSH")
    except ImportError:  # pragma: no cover - loguru comes with medspaCy
        pass


def build() -> Language:
    """A blank English spaCy pipeline with mednec's clinical components, in order."""
    _lazy.defer()  # medspaCy's unused QuickUMLS -> NLTK -> SciPy chain loads only if something uses it
    _quiet_pyrush()
    # medspaCy keeps an empty token matcher next to its phrase matcher; spaCy warns (W036) on
    # every document about it. The warning says nothing about our rules.
    warnings.filterwarnings("ignore", message=r"\[W036\]")
    nlp = spacy.blank("en")
    # "Femoral n./lumbar plexus": a slash after an abbreviation's period separates two names
    # (spaCy splits a slash only between letters or digits)
    # "FIND^Findings||No mass": an HL7 message's field and component separators part the words they
    # join (a negation glued to its separator is a negation lost)
    infixes = [*nlp.Defaults.infixes, r"(?<=[A-Za-z]\.)/(?=[A-Za-z])", r"\|+", r"(?<=[A-Za-z])\^(?=[A-Za-z])",
               r"(?<=[A-Za-z])[.,;:](?=\|)"]
    nlp.tokenizer.infix_finditer = spacy.util.compile_infix_regex(infixes).finditer
    for name in COMPONENTS:
        nlp.add_pipe(name)
    return nlp
