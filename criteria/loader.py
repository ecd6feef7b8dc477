"""Load and validate the criteria files (with ``importlib.resources``), once per process."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TypeVar

import yaml
from mednec.criteria.schema import (
    All,
    Any_,
    CodeSpec,
    CriterionSpec,
    Leaf,
    NamedConditions,
    Not,
    Pathway,
    PolicyFile,
    Ref,
    ReferenceFile,
    ReportFile,
    SharedCriteria,
    Tree,
)
from mednec.pipeline.resources import rule_cache
from pydantic import BaseModel, ValidationError

from mednec.core.errors import CriteriaError

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: same data, ~10x faster
M = TypeVar("M", bound=BaseModel)
_PKG = "mednec.criteria"
_criteria_dir: Path | None = None


def use_criteria(directory: str | Path | None) -> None:
    """Make ``directory`` the criteria of this process (None: the shipped ones).

    The folder is laid out as the shipped ``criteria/`` is: ``codes/<code>.yaml``,
    ``shared/`` (``conditions.yaml`` and the shared criteria), ``references.yaml``,
    ``caveats.yaml`` and ``supporting.yaml``. A switch empties the loaded criteria; a
    ``Reviewer`` made before it keeps the criteria it was made with.
    """
    global _criteria_dir
    new = Path(directory).resolve() if directory is not None else None
    if new is not None and not new.is_dir():
        raise CriteriaError("not a directory of criteria files", new)
    if new != _criteria_dir:
        _criteria_dir = new
        load_criteria.cache_clear()


def _root() -> Traversable:
    return _criteria_dir if _criteria_dir is not None else resources.files(_PKG)


def _where(rel: str) -> str:
    """A criteria file's path for error messages."""
    return str(_criteria_dir / rel) if _criteria_dir is not None else f"criteria/{rel}"


def _load(rel: str, model: type[M]) -> M:
    path = _where(rel)
    try:
        text = _root().joinpath(rel).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise CriteriaError("criteria file not found", path) from exc
    try:
        data = yaml.load(text, Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        raise CriteriaError(f"not valid YAML ({exc})", path) from exc
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise CriteriaError(f"{'.'.join(map(str, first['loc']))}: {first['msg']}", path) from exc


@dataclass(frozen=True)
class ResolvedCode:
    """A code with its criteria resolved (shared ones copied in by reference, not by text)."""

    spec: CodeSpec
    criteria: tuple[CriterionSpec, ...]
    pathways: tuple[Pathway, ...]


@dataclass(frozen=True)
class CriteriaSet:
    """Everything the evaluator needs: codes, named conditions, caveats, supporting findings, references."""

    codes: dict[str, ResolvedCode]
    conditions: dict[str, Tree]
    caveats: ReportFile
    supporting: ReportFile
    references: ReferenceFile
    policy: PolicyFile


@dataclass(frozen=True)
class _Vocabulary:
    """The names a leaf may use: the knowledge base's concepts, categories and regions."""

    concepts: frozenset[str]
    categories: frozenset[str]
    regions: frozenset[str]
    relations: frozenset[str]


@rule_cache
def _vocabulary() -> _Vocabulary:
    from mednec.pipeline.context import relation_rule_specs
    from mednec.pipeline.kb import load_kb

    kb = list(load_kb())
    # a fact's relation is its ConText cue's REL_ category, lower case without the prefix, or the
    # relation its concept carries in the knowledge base ("sciatic neuropathy": neuropathy)
    relations = frozenset(spec.category.removeprefix("REL_").lower() for spec in relation_rule_specs()) \
        | frozenset(c.relation for c in kb if c.relation)
    # cues the pipeline writes itself, not from a knowledge-base concept
    from mednec.pipeline.discourse import PAST_SCORE_CUE
    from mednec.pipeline.rereads import STAGING_TO_COME

    derived = frozenset({PAST_SCORE_CUE, STAGING_TO_COME})
    return _Vocabulary(frozenset(c.concept for c in kb), frozenset(c.category for c in kb if c.category) | derived,
                       frozenset(c.region for c in kb if c.region), relations)


_CONCEPT_FIELDS = ("concept", "not_concept", "related", "related_affirmed", "not_related")
_CATEGORY_FIELDS = ("category", "cues", "not_cues", "subject_category")


def _check_leaf(leaf: Leaf, where: str) -> None:
    """Every name a leaf uses must exist in the knowledge base: a typo would silently match nothing."""
    vocab = _vocabulary()
    for field in _CONCEPT_FIELDS:
        unknown = sorted(set(getattr(leaf, field) or ()) - vocab.concepts)
        if unknown:
            raise CriteriaError(f"{field} names concepts the knowledge base does not have: {unknown}", where)
    for field in _CATEGORY_FIELDS:
        unknown = sorted(set(getattr(leaf, field) or ()) - vocab.categories)
        if unknown:
            raise CriteriaError(f"{field} names categories the knowledge base does not have: {unknown}", where)
    unknown = sorted(set(leaf.target or ()) - vocab.concepts - {"none"})
    if unknown:
        raise CriteriaError(f"target names concepts the knowledge base does not have: {unknown}", where)
    for field in ("relation", "not_relation", "denied"):
        unknown = sorted(set(getattr(leaf, field) or ()) - vocab.relations)
        if unknown:
            raise CriteriaError(f"{field} names relations no relation cue produces: {unknown}", where)
    unknown = sorted(set(leaf.region or ()) - vocab.regions)
    if unknown:
        raise CriteriaError(f"region names regions the knowledge base does not have: {unknown}", where)


def check_refs(tree: Tree, names: dict[str, Tree] | set[str], where: str,
                where_over: dict | None = None) -> None:
    """Check a tree at load: refs resolve, ``where`` overrides make valid leaves, names exist."""
    if isinstance(tree, Ref):
        if tree.ref not in names:
            raise CriteriaError(f"unknown condition ref {tree.ref!r}", where)
        if isinstance(names, dict):
            over = {**(where_over or {}), **(tree.where or {})} or None
            check_refs(names[tree.ref], names, f"{where}>{tree.ref}", over)
    elif isinstance(tree, All):
        for t in tree.all:
            check_refs(t, names, where, where_over)
    elif isinstance(tree, Any_):
        for t in tree.any:
            check_refs(t, names, where, where_over)
    elif isinstance(tree, Not):
        check_refs(tree.not_, names, where, where_over)
    elif isinstance(tree, Leaf):
        if where_over:
            try:
                tree = Leaf.model_validate({**tree.model_dump(exclude_unset=True, by_alias=True), **where_over})
            except ValidationError as exc:
                first = exc.errors()[0]
                raise CriteriaError(f"where: {'.'.join(map(str, first['loc']))}: {first['msg']}", where) from exc
        _check_leaf(tree, where)
    else:  # pragma: no cover - schema guarantees the union
        raise CriteriaError("unknown tree node", where)


def code_files() -> list[str]:
    """Names of the per-code files shipped in ``criteria/codes``."""
    return sorted(p.name for p in _root().joinpath("codes").iterdir() if p.name.endswith(".yaml"))


def shared_files() -> list[str]:
    """Names of the shared criteria files in ``criteria/shared`` (besides conditions.yaml)."""
    return sorted(p.name for p in _root().joinpath("shared").iterdir()
                  if p.name.endswith(".yaml") and p.name != "conditions.yaml")


@rule_cache
def load_criteria() -> CriteriaSet:
    """Load every criteria file, resolve shared criteria and check every reference."""
    conditions = _load("shared/conditions.yaml", NamedConditions).conditions
    names = conditions
    for name, tree in conditions.items():
        check_refs(tree, names, f"{_where('shared/conditions.yaml')}#{name}")
    shared: dict[str, CriterionSpec] = {}
    for fname in shared_files():
        for crit in _load(f"shared/{fname}", SharedCriteria).criteria:
            if crit.id in shared:
                raise CriteriaError(f"criterion {crit.id} defined twice", _where(f"shared/{fname}"))
            shared[crit.id] = crit
    references = _load("references.yaml", ReferenceFile)
    ref_ids = {r.id for r in references.references}
    codes: dict[str, ResolvedCode] = {}
    for fname in code_files():
        where = _where(f"codes/{fname}")
        spec = _load(f"codes/{fname}", CodeSpec)
        if fname != f"{spec.code}.yaml":
            raise CriteriaError(f"file name does not match code {spec.code}", where)
        missing = set(spec.citations) - ref_ids
        if missing:
            raise CriteriaError(f"cites unknown references {sorted(missing)}", where)
        crits = []
        for c in spec.criteria:
            if isinstance(c, CriterionSpec):
                crits.append(c)
            elif c.use in shared:
                crits.append(shared[c.use])
            else:
                raise CriteriaError(f"uses unknown shared criterion {c.use!r}", where)
        names_here = {**names, **spec.conditions}
        for name, tree in spec.conditions.items():
            check_refs(tree, names_here, f"{where}#conditions.{name}")
        for crit in crits:
            for tree in (crit.met, crit.not_met, crit.not_applicable, *crit.also):
                if tree is not None:
                    check_refs(tree, names_here, f"{where}#{crit.id}")
        for p in spec.pathways or []:
            if p.when != "otherwise":
                check_refs(p.when, names_here, f"{where}#{p.id}")
        codes[spec.code] = ResolvedCode(spec, tuple(crits), tuple(spec.pathways or ()))
    caveats = _load("caveats.yaml", ReportFile)
    supporting = _load("supporting.yaml", ReportFile)
    for report in (*caveats.items, *supporting.items):
        for tree in (report.when, *report.also):
            check_refs(tree, names, f"criteria/caveats|supporting#{report.kind}")
    return CriteriaSet(codes, conditions, caveats, supporting, references, _load("policy.yaml", PolicyFile))
