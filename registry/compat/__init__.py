"""The pure compatibility engine: version ranges, tags, verdicts, resolver and upgrade plans.

Only the standard library, ``packaging``, ``resolvelib`` and ``license_expression`` are imported
here: no I/O, no clock, no web or database code.  Frozen dataclasses in, frozen dataclasses out.

Reading order (each module is written as the specification of its part of docs/compatibility.md):

- ``ranges``: ``parse_range`` (PEP 440 and npm forms) -> ``Range``; ``parse_version``.
- ``versions``: ``parse_tag`` -> ``TagVersion`` | ``SkippedTag``; ``version_key``.
- ``model``: inputs (``Release``, ``ComponentRequirement``, ``ModuleRequirement``,
  ``ComponentState``, ``DeploymentState.build(...)``, ``Policy``, ``Catalog``) and outputs
  (``Verdict``, ``Blocked``, ``Reason``, ``UpgradePlan``, ``PlanStep``,
  ``ComponentUpgradeReport``), each output with ``to_dict()`` (HTTP contract JSON).
- ``rules``: rules 1-3 for one release (``release_reasons``); ``licenses``: rule 3.
- ``resolver``: rule 4 with resolvelib; ``plan``: upgrade plans (step kinds); ``notices``:
  notices about a deployment; ``explain``: sentences for the edges.
- ``reference``: ``ReferenceEvaluator``, the rules in code without caches (the specification
  the fast evaluator is tested against, whole answer by whole answer).
- ``verdict``: ``evaluate``, ``evaluate_many``, ``Evaluator`` (keep one per catalog version:
  it shares work between deployments), ``affected_modules`` (incremental recompute).
- Optimizations only, below ``verdict``: ``prepared`` (the catalog indexed per module),
  ``index`` (the column layout of a module's releases), ``columns`` (interned columns of
  reasons, combined cell by cell), ``batch`` (the cells of all modules at once, for a version
  nobody ran).
- ``upgrades``: ``plan_component_upgrade`` (what-if for one component).

Typical use::

    evaluator = Evaluator(catalog, policy)
    verdicts = evaluator.evaluate(DeploymentState.build(components, modules, channel, licenses))
    payload = [v.to_dict() for v in verdicts.values()]
"""

from registry.compat.explain import describe_notice, describe_range, describe_step, explain
from registry.compat.licenses import is_known_license, license_allowed
from registry.compat.model import (
    CODES,
    NOTICE_CODES,
    STEP_KINDS,
    Blocked,
    Catalog,
    Channel,
    ComponentRequirement,
    ComponentState,
    ComponentUpgradeReport,
    DeploymentState,
    KnownState,
    ModuleRequirement,
    ModuleUpdate,
    Notice,
    PlanStep,
    Policy,
    Reason,
    Release,
    UpgradePlan,
    Verdict,
    normalize_version,
)
from registry.compat.notices import deployment_notices
from registry.compat.ranges import ANY, InvalidRange, Range, parse_range, parse_version
from registry.compat.reference import ReferenceEvaluator, reference_evaluate
from registry.compat.rules import release_reasons
from registry.compat.upgrades import plan_component_upgrade
from registry.compat.verdict import Evaluator, affected_modules, evaluate, evaluate_many
from registry.compat.versions import SkippedTag, TagVersion, parse_tag, version_key

__all__ = [
    "ANY",
    "CODES",
    "NOTICE_CODES",
    "STEP_KINDS",
    "Blocked",
    "Catalog",
    "Channel",
    "ComponentRequirement",
    "ComponentState",
    "ComponentUpgradeReport",
    "DeploymentState",
    "Evaluator",
    "InvalidRange",
    "KnownState",
    "ModuleRequirement",
    "ModuleUpdate",
    "Notice",
    "PlanStep",
    "Policy",
    "Range",
    "Reason",
    "ReferenceEvaluator",
    "Release",
    "SkippedTag",
    "TagVersion",
    "UpgradePlan",
    "Verdict",
    "affected_modules",
    "deployment_notices",
    "describe_notice",
    "describe_range",
    "describe_step",
    "evaluate",
    "evaluate_many",
    "explain",
    "is_known_license",
    "license_allowed",
    "normalize_version",
    "parse_range",
    "parse_tag",
    "parse_version",
    "plan_component_upgrade",
    "reference_evaluate",
    "release_reasons",
    "version_key",
]
