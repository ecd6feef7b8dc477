"""The pipeline's rule set as a spaCy component, and mednec's tokenizer in spaCy's registry.

mednec's rules are data files (``pipeline/resources``) read by the spaCy components and by
the fact builders after them. ``mednec_rules``, first in the pipeline, owns them:

- built with ``resources`` = a directory (config or ``build(resources=...)``), it makes that
  directory the rule set before the components after it are built;
- ``nlp.to_disk(path)`` writes every rule file in use to ``path/mednec_rules`` with a
  sha256 manifest, so a saved pipeline carries its rules;
- ``spacy.load(path)`` verifies the manifest, makes the saved files the rule set and
  rebuilds the components after it from them (spaCy builds components before it reads
  their data; rule-based components have nothing else to read);
- ``nlp.initialize()`` with ``[initialize.components.mednec_rules] resources = ...`` does
  the same from a directory of rule files.

The rule set is one per process (``mednec.pipeline.resources.use_resources``): the fact
builders read it too, so two pipelines with different rules do not run side by side.
"""

# (no ``from __future__ import annotations``: spaCy validates factory arguments from live annotations)
import hashlib
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import spacy
from mednec.pipeline.resources import resource_text, resources_digest, use_resources
from spacy.language import Language
from spacy.tokens import Doc

from mednec.core.errors import ResourceError

MANIFEST = "manifest.json"

# "Femoral n./lumbar plexus": a slash after an abbreviation's period separates two names
# (spaCy splits a slash only between letters or digits).
# "FIND^Findings||No mass": an HL7 message's field and component separators part the words they
# join (a negation glued to its separator is a negation lost).
EXTRA_INFIXES = (r"(?<=[A-Za-z]\.)/(?=[A-Za-z])", r"\|+", r"(?<=[A-Za-z])\^(?=[A-Za-z])",
                 r"(?<=[A-Za-z])[.,;:](?=\|)")


@spacy.registry.tokenizers("mednec.Tokenizer.v1")
def create_tokenizer() -> Callable[[Language], Any]:
    """spaCy's rule-based tokenizer with mednec's extra infixes (:data:`EXTRA_INFIXES`)."""
    base = spacy.registry.tokenizers.get("spacy.Tokenizer.v1")()

    def make(nlp: Language) -> Any:
        tokenizer = base(nlp)
        infixes = [*nlp.Defaults.infixes, *EXTRA_INFIXES]
        tokenizer.infix_finditer = spacy.util.compile_infix_regex(infixes).finditer
        return tokenizer

    return make


@Language.factory("mednec_rules", default_config={"resources": None})
def make_rules(nlp: Language, name: str, resources: str | None) -> "RuleSet":
    """spaCy factory for :class:`RuleSet` (``resources``: a directory of rule files; None: shipped)."""
    return RuleSet(nlp, name, resources)


class RuleSet:
    """Owns the rule files the pipeline and the fact builders read; passes documents through."""

    def __init__(self, nlp: Language, name: str, resources: str | None = None) -> None:
        self.nlp = nlp
        self.name = name
        use_resources(resources)

    def __call__(self, doc: Doc) -> Doc:
        return doc

    def initialize(self, get_examples: Callable[[], Iterable[Any]] | None = None, *,
                   nlp: Language | None = None, resources: str | None = None) -> None:
        """spaCy's initialize: take the rules from ``resources`` (a directory) when given."""
        if resources is not None:
            use_resources(resources)
            self._rebuild_others()

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Write every rule file in use and a sha256 manifest to ``path``."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        digest = resources_digest()
        for name in digest:
            (path / name).write_text(resource_text(name), encoding="utf-8")
        (path / MANIFEST).write_text(json.dumps(digest, indent=1, sort_keys=True) + "\n", encoding="utf-8")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "RuleSet":
        """Verify the saved rule files against their manifest, use them, rebuild the components."""
        path = Path(path)
        try:
            manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ResourceError("saved pipeline has no readable rule manifest", path / MANIFEST) from exc
        if not isinstance(manifest, dict) or not manifest:
            raise ResourceError("rule manifest lists no files", path / MANIFEST)
        for name, sha in sorted(manifest.items()):
            try:
                data = (path / name).read_bytes()
            except OSError as exc:
                raise ResourceError("rule file listed in the manifest is missing", path / name) from exc
            if hashlib.sha256(data).hexdigest() != sha:
                raise ResourceError("rule file differs from its manifest (edited after saving?)", path / name)
        use_resources(path)
        self._rebuild_others()
        return self

    def _rebuild_others(self) -> None:
        """Build the components after this one again, from the rule set now in use."""
        for name in list(self.nlp.pipe_names):
            if name == self.name:
                continue
            config = {k: v for k, v in self.nlp.config["components"][name].items() if k != "factory"}
            self.nlp.replace_pipe(name, self.nlp.get_pipe_meta(name).factory, config=config)
