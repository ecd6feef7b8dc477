"""Assemble mednec's NLP pipeline from its shipped ``config.cfg``: one ``build`` function, called once per process."""

from __future__ import annotations

import warnings
from importlib import resources as _files
from pathlib import Path

import spacy

# Importing the component modules registers their factories with spaCy (an installed mednec
# also declares them as ``spacy_factories`` entry points, so ``spacy.load`` finds them alone).
from mednec.pipeline import abbreviations as _abbreviations  # noqa: F401
from mednec.pipeline import context as _context  # noqa: F401
from mednec.pipeline import laterality as _laterality  # noqa: F401
from mednec.pipeline import lazy as _lazy
from mednec.pipeline import linker as _linker  # noqa: F401
from mednec.pipeline import ruleset as _ruleset  # noqa: F401
from mednec.pipeline import sections as _sections  # noqa: F401
from mednec.pipeline import sentences as _sentences  # noqa: F401
from mednec.pipeline import targets as _targets  # noqa: F401
from spacy.language import Language

CONFIG = "config.cfg"


def _quiet_pyrush() -> None:
    """PyRuSH (pulled in by medspaCy) logs every sentence at DEBUG through loguru: silence it."""
    try:
        from loguru import logger

        logger.disable("PyRuSH")
    except ImportError:  # pragma: no cover - loguru comes with medspaCy
        pass


def prepare() -> None:
    """Process-wide settings the pipeline wants, whichever way it is built or loaded."""
    _lazy.defer()  # medspaCy's unused QuickUMLS -> NLTK -> SciPy chain loads only if something uses it
    _quiet_pyrush()
    # medspaCy keeps an empty token matcher next to its phrase matcher; spaCy warns (W036) on
    # every document about it. The warning says nothing about our rules.
    warnings.filterwarnings("ignore", message=r"\[W036\]")


def config() -> spacy.util.Config:
    """The shipped pipeline configuration (``pipeline/config.cfg``)."""
    return spacy.util.load_config_from_str(_files.files("mednec.pipeline").joinpath(CONFIG).read_text("utf-8"))


def build(resources: str | Path | None = None) -> Language:
    """mednec's clinical pipeline on a blank English spaCy, in order, from ``config.cfg``.

    ``resources``: a directory of rule files to use instead of the shipped ones.
    """
    prepare()
    cfg = config()
    if resources is not None:
        cfg["components"]["mednec_rules"]["resources"] = str(resources)
    return spacy.util.load_model_from_config(cfg, auto_fill=True, validate=True)


def load(path: str | Path) -> Language:
    """A pipeline saved with ``nlp.to_disk(path)``, with the rules it was saved with."""
    prepare()
    return spacy.load(path)
