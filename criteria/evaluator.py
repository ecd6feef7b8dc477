"""Facts in, determinations out: evaluate condition trees and record what decided each criterion.

The evaluator is mechanism only. Which facts satisfy a criterion, when it is not met or
not applicable, how conflicts are settled and what documentation to request all come
from the criteria files; every result lists the facts and spans that decided it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from mednec.criteria.leaf import leaf_matches
from mednec.criteria.loader import CriteriaSet, ResolvedCode, load_criteria
from mednec.criteria.schema import All, Any_, CriterionSpec, Leaf, Not, PolicyFile, Ref, ReportSpec, Tree
from mednec.models import Caveat, CriterionResult, Determination, EvidenceSpan, RequestedCode
from mednec.models.determination import Reference, SupportingFinding

_OTHER = {"left": "right", "right": "left"}


@dataclass(frozen=True)
class Context:
    """What a tree is evaluated against: the requested side and the named conditions."""

    side: str | None
    conditions: dict[str, Tree]
    policy: PolicyFile | None = None  # (None: the loaded criteria's criteria/policy.yaml)

    def constants(self) -> PolicyFile:
        """The policy constants in force (``criteria/policy.yaml``)."""
        return self.policy if self.policy is not None else load_criteria().policy


def _speaks(fact) -> bool:
    """Whether a mention says something about its structure: a relation ("abuts the nerve") or an
    assertion (negated, hedged). A bare naming ("its relation to the plexus is better seen on the
    dedicated MRI") does not make its report the newest word on it; a mention of another kind
    (a score, a diagnosis) always speaks."""
    if fact.label not in ("SITE", "NERVE", "FINDING"):
        return True
    return bool(fact.relation) or fact.assertion.negated or fact.assertion.uncertain


def match_leaf(leaf: Leaf, facts: Sequence, ctx: Context) -> list:
    """Facts that satisfy ``leaf`` on the requested side (POLICY, Laterality)."""
    found = [f for f in facts if leaf_matches(leaf, f)]
    if leaf.newest and found:
        # "the newest report that speaks of it": every mention counts for the date, whatever
        # its assertion or value, so a later "separate from the mass" supersedes an earlier hedge
        # and a later ECOG 2 an earlier ECOG 3 (a state is read from its newest observation)
        anyway = leaf.model_copy(update={"assertion": "any", "newest": False, "newest_any": False, "number": None})
        # a number leaf's newest word is the newest that states a number ("ECOG 3", not "ECOG pending")
        field = leaf.number.field if leaf.number is not None and not leaf.newest_any else None
        newest = max(((f.document_date or dt.date.min) for f in facts
                      # a superseded statement (a read replaced, a score of an earlier encounter) is
                      # no word on the date it was written
                      if leaf_matches(anyway, f) and _speaks(f) and not f.assertion.superseded
                      and (field is None or getattr(f, field, None) is not None)), default=dt.date.min)
        # (observations of a state fewer than `state_window_days` apart are of one time: they conflict)
        window = ctx.constants().state_window_days if leaf.number is not None and newest != dt.date.min else 0
        if window and any((f.document_date or dt.date.min) == newest and leaf_matches(anyway, f)
                          and (f.assertion.historical or f.assertion.superseded) for f in facts):
            # (the newest document itself tells the earlier reading from the current one: "ECOG 3 on
            # admission from pain, ECOG 2 today after dexamethasone")
            window = 0
        oldest = newest - dt.timedelta(days=max(window - 1, 0))
        found = [f for f in found if oldest <= (f.document_date or dt.date.min) <= newest]
    if leaf.side == "any" or ctx.side is None:
        return found
    same = [f for f in found if f.side in (ctx.side, "bilateral", "midline")]
    other = [f for f in found if f.side == _OTHER.get(ctx.side)]
    unsided = [f for f in found if f.side is None]
    # An unsided finding supports a sided request only if nothing on the other side contradicts it.
    return same + ([] if other else unsided)


def eval_tree(tree: Tree, facts: Sequence, ctx: Context) -> tuple[bool, list]:
    """(satisfied, facts that satisfied it). ``any`` cites every satisfied branch."""
    if isinstance(tree, Leaf):
        ranks = ctx.constants().document_ranks
        found = sorted(match_leaf(tree, facts, ctx), key=lambda f: _rank(f, ranks))
        return bool(found), found
    if isinstance(tree, Ref):
        target = ctx.conditions[tree.ref]
        if tree.where:
            target = _override(target, tree.where, ctx)
        return eval_tree(target, facts, ctx)
    if isinstance(tree, All):
        cited: list = []
        for sub in tree.all:
            ok, found = eval_tree(sub, facts, ctx)
            if not ok:
                return False, []
            cited.extend(found)
        return True, cited
    if isinstance(tree, Any_):
        cited = []
        hit = False
        for sub in tree.any:
            ok, found = eval_tree(sub, facts, ctx)
            if ok:
                hit = True
                cited.extend(found)
        return hit, cited
    if isinstance(tree, Not):
        ok, _ = eval_tree(tree.not_, facts, ctx)
        return not ok, []
    raise TypeError(f"unknown tree node {tree!r}")  # pragma: no cover


def _override(tree: Tree, where: dict, ctx: Context) -> Tree:
    """``tree`` with ``where`` applied to each of its leaves (refs resolved on the way)."""
    if isinstance(tree, Leaf):
        return Leaf.model_validate({**tree.model_dump(exclude_unset=True), **where})
    if isinstance(tree, Ref):
        inner = ctx.conditions[tree.ref]
        if tree.where:
            inner = _override(inner, tree.where, ctx)
        return _override(inner, where, ctx)
    if isinstance(tree, All):
        return All(all=[_override(t, where, ctx) for t in tree.all])
    if isinstance(tree, Any_):
        return Any_(any=[_override(t, where, ctx) for t in tree.any])
    return Not.model_validate({"not": _override(tree.not_, where, ctx)})


def _rank(f, ranks: dict[str, int]) -> tuple:  # noqa: ANN001 - any Fact
    # (a document type policy.yaml does not rank comes after every ranked one)
    return (ranks.get(f.document_type, len(ranks) + 1), -(f.document_date or dt.date.min).toordinal(),
            f.evidence[0].start)


def _evidence(ctx: Context, facts: Iterable) -> tuple[EvidenceSpan, ...]:
    """Evidence spans in the order the tree cited them (its first condition first), deduplicated."""
    out: dict[tuple[str, int, int], EvidenceSpan] = {}
    for f in facts:
        for e in f.evidence:
            out.setdefault((e.document, e.start, e.end), e)
    return tuple(list(out.values())[: ctx.constants().max_evidence])


def _latest(facts: Sequence) -> dt.date:
    return max((f.document_date or dt.date.min for f in facts), default=dt.date.min)


def _fill(template: str, ev: tuple[EvidenceSpan, ...], side: str | None, code: str) -> str:
    quote = " ".join(ev[0].text.split()) if ev else ""
    return template.format(quote=quote, document=ev[0].document if ev else "", side=f"{side} " if side else "",
                           code=code).strip()


def evaluate_criterion(crit: CriterionSpec, facts: Sequence, ctx: Context, code: str) -> CriterionResult:
    """The status of one criterion with its rationale, evidence and deciding facts."""
    side = ctx.side
    if crit.not_applicable is not None:
        ok, found = eval_tree(crit.not_applicable, facts, ctx)
        ev = _evidence(ctx, found)
        if ok and ev:
            for tree in crit.also:
                found = found + [f for f in eval_tree(tree, facts, ctx)[1] if f not in found]
            ev = _evidence(ctx, found)
            return CriterionResult(id=crit.id, title=crit.title, status="met", not_applicable=True,
                                   rationale=_fill(crit.rationale.not_applicable or crit.rationale.met, ev, side, code),
                                   evidence=ev, facts=tuple(f.id for f in found))
    met, met_facts = eval_tree(crit.met, facts, ctx)
    not_met, nm_facts = eval_tree(crit.not_met, facts, ctx) if crit.not_met is not None else (False, [])
    met = met and bool(_evidence(ctx, met_facts))
    not_met = not_met and bool(_evidence(ctx, nm_facts))
    conflict = False
    if met and not_met:
        rule = crit.on_conflict
        if rule == "latest" and _latest(met_facts) != _latest(nm_facts):
            rule = "met" if _latest(met_facts) > _latest(nm_facts) else "not_met"
        elif rule == "pathology":
            m_path = any(f.document_type == "pathology" for f in met_facts)
            n_path = any(f.document_type == "pathology" for f in nm_facts)
            rule = "met" if m_path and not n_path else "not_met" if n_path and not m_path else "insufficient"
        if rule == "met":
            not_met = False
        elif rule == "not_met":
            met = False
        else:
            conflict = True
    if met and not conflict:
        for tree in crit.also:
            met_facts = met_facts + [f for f in eval_tree(tree, facts, ctx)[1] if f not in met_facts]
        ev = _evidence(ctx, met_facts)
        rationale = _fill(crit.rationale.met, ev, side, code)
        return CriterionResult(id=crit.id, title=crit.title, status="met", rationale=rationale,
                               evidence=ev, facts=tuple(dict.fromkeys(f.id for f in met_facts)))
    if not_met and not conflict:
        ev = _evidence(ctx, nm_facts)
        return CriterionResult(id=crit.id, title=crit.title, status="not_met",
                               rationale=_fill(crit.rationale.not_met or crit.rationale.met, ev, side, code),
                               evidence=ev, facts=tuple(dict.fromkeys(f.id for f in nm_facts)))
    missing = _fill(crit.missing, (), side, code)
    if conflict:
        ev = _evidence(ctx, met_facts + nm_facts)
        return CriterionResult(id=crit.id, title=crit.title, status="insufficient", conflict=True,
                               rationale="The chart holds conflicting affirmed evidence for this criterion and no "
                                         "precedence rule settles it.",
                               evidence=ev, facts=tuple(dict.fromkeys(f.id for f in met_facts + nm_facts)),
                               missing=missing)
    rationale = _fill(crit.rationale.insufficient or "The chart does not document this criterion.", (), side, code)
    other_ev: tuple[EvidenceSpan, ...] = ()
    if side:
        ok_any, any_facts = eval_tree(crit.met, facts, Context(None, ctx.conditions, ctx.policy))
        other = [f for f in any_facts if f.side == _OTHER.get(side)]
        if ok_any and other:
            other_ev = _evidence(ctx, other)
            rationale += f" The findings that would meet it are documented only on the {_OTHER[side]} side."
    return CriterionResult(id=crit.id, title=crit.title, status="insufficient", rationale=rationale,
                           evidence=other_ev, missing=missing)


def _select_pathway(code: ResolvedCode, facts: Sequence, ctx: Context) -> tuple[str | None, tuple[CriterionSpec, ...]]:
    if not code.pathways:
        return None, code.criteria
    by_id = {c.id: c for c in code.criteria}
    for p in code.pathways:
        if p.when == "otherwise" or eval_tree(p.when, facts, ctx)[0]:
            return p.id, tuple(by_id[c] for c in p.criteria)
    return None, code.criteria  # pragma: no cover - the last pathway is "otherwise"


def evaluate_code(req: RequestedCode, facts: Sequence, criteria: CriteriaSet | None = None) -> Determination:
    """The determination of one requested code."""
    cs = criteria or load_criteria()
    code = cs.codes[req.code]
    ctx = Context(req.side, {**cs.conditions, **code.spec.conditions}, cs.policy)
    pathway, crits = _select_pathway(code, facts, ctx)
    results = tuple(evaluate_criterion(c, facts, ctx, req.code) for c in crits)
    statuses = {r.status for r in results}
    outcome = "refer" if "not_met" in statuses else "pend" if "insufficient" in statuses else "approve"
    missing = tuple(r.missing for r in results if r.status == "insufficient" and r.missing)
    supporting = tuple(_reports(cs.supporting.items, facts, ctx, SupportingFinding))
    cited = _code_references(cs, code)
    results = tuple(r.model_copy(update={"references": supporting_references(r.id, cited)}) for r in results)
    return Determination(code=req.code, side=req.side, title=code.spec.title, outcome=outcome, pathway=pathway,
                         criteria=results, missing=missing, supporting=supporting,
                         criteria_version=code.spec.version, references=cited)


def _code_references(cs: CriteriaSet, code: ResolvedCode) -> tuple[Reference, ...]:
    by_id = {r.id: r for r in cs.references.references}
    return tuple(by_id[i] for i in code.spec.citations if i in by_id)


def supporting_references(crit_id: str, references: Sequence[Reference]) -> tuple[str, ...]:
    """Ids of ``references`` whose ``supports`` text names criterion ``crit_id``: ``(A1, A3)`` or ``B3c``
    name A1 and B3, and ``C1'`` is named by ``C1'`` or ``C1``."""
    base = crit_id.rstrip("'")
    pattern = re.compile(rf"(?<![A-Za-z0-9]){re.escape(base)}(?:'|[a-c])?(?![0-9])")
    return tuple(r.id for r in references if pattern.search(r.supports))


def _reports(items: Sequence[ReportSpec], facts: Sequence, ctx: Context, model: type) -> list:
    out = []
    for item in items:
        ok, found = eval_tree(item.when, facts, ctx)
        if not ok:
            continue
        extra: list = []
        for tree in item.also:
            extra.extend(eval_tree(tree, facts, ctx)[1])
        ev = _evidence(ctx, found)
        ev = ev + tuple(e for e in _evidence(ctx, extra) if e not in ev)
        if ev:
            out.append(model(kind=item.kind, title=item.title, summary=_fill(item.summary, ev, ctx.side, ""),
                             evidence=ev[: ctx.constants().max_evidence]))
    return out


def evaluate_caveats(facts: Sequence, criteria: CriteriaSet | None = None) -> tuple[Caveat, ...]:
    """The caveats of POLICY present in the chart, each with its evidence."""
    cs = criteria or load_criteria()
    return tuple(_reports(cs.caveats.items, facts, Context(None, cs.conditions, cs.policy), Caveat))
