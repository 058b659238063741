"""The pure compatibility engine: version ranges, tags, verdicts, resolver and upgrade plans.

Only the standard library, ``packaging``, ``resolvelib`` and ``license_expression`` are imported
here: no I/O, no clock, no web or database code.  Frozen dataclasses in, frozen dataclasses out.

Reading order (each module is written as the specification of its part of DESIGN §4):

- ``ranges``: ``parse_range`` (PEP 440 and npm forms) -> ``Range``; ``parse_version``.
- ``versions``: ``parse_tag`` -> ``TagVersion`` | ``SkippedTag``; ``version_key``.
- ``model``: inputs (``Release``, ``ComponentRequirement``, ``ModuleRequirement``,
  ``ComponentState``, ``DeploymentState.build(...)``, ``Policy``, ``Catalog``) and outputs
  (``Verdict``, ``Blocked``, ``Reason``, ``UpgradePlan``, ``PlanStep``,
  ``ComponentUpgradeReport``), each output with ``to_dict()`` (DESIGN §5 JSON).
- ``rules``: rules 1-3 for one release (``release_reasons``); ``licenses``: rule 3.
- ``resolver``: rule 4 with resolvelib; ``plan``: upgrade plans; ``explain``: sentences.
- ``verdict``: ``evaluate``, ``evaluate_many``, ``Evaluator`` (keep one per catalog version:
  it shares work between deployments), ``affected_modules`` (incremental recompute).
- Optimizations only, below ``verdict``: ``prepared`` (the catalog indexed per module),
  ``index`` (the column layout of a module's releases), ``columns`` (interned columns of
  reasons, combined cell by cell), ``batch`` (the cells of all modules at once, for a version
  nobody ran), ``collector`` (the garbage collector paused while evaluating).
- ``upgrades``: ``plan_component_upgrade`` (what-if for one component).

Typical use::

    evaluator = Evaluator(catalog, policy)
    verdicts = evaluator.evaluate(DeploymentState.build(components, modules, channel, licenses))
    payload = [v.to_dict() for v in verdicts.values()]
"""

from registry.compat.explain import describe_range, explain
from registry.compat.licenses import is_known_license, license_allowed
from registry.compat.model import (
    CODES,
    Blocked,
    Catalog,
    Channel,
    ComponentRequirement,
    ComponentState,
    ComponentUpgradeReport,
    DeploymentState,
    ModuleRequirement,
    ModuleUpdate,
    PlanStep,
    Policy,
    Reason,
    Release,
    UpgradePlan,
    Verdict,
    normalize_version,
)
from registry.compat.ranges import ANY, InvalidRange, Range, parse_range, parse_version
from registry.compat.rules import release_reasons
from registry.compat.upgrades import plan_component_upgrade
from registry.compat.verdict import Evaluator, affected_modules, evaluate, evaluate_many
from registry.compat.versions import SkippedTag, TagVersion, parse_tag, version_key

__all__ = [
    "ANY",
    "CODES",
    "Blocked",
    "Catalog",
    "Channel",
    "ComponentRequirement",
    "ComponentState",
    "ComponentUpgradeReport",
    "DeploymentState",
    "Evaluator",
    "InvalidRange",
    "ModuleRequirement",
    "ModuleUpdate",
    "PlanStep",
    "Policy",
    "Range",
    "Reason",
    "Release",
    "SkippedTag",
    "TagVersion",
    "UpgradePlan",
    "Verdict",
    "affected_modules",
    "describe_range",
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
    "release_reasons",
    "version_key",
]
