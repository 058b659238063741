"""What a deployment's verdicts mean as a whole: the answer first, then what fixes the rest.

Works on the verdict answers of the API (``{"module", "adoptable", "newest", "blocked",
"upgradePlan"}``) and the modules a deployment runs, so the pages, the API (``summary`` in the
compatibility answer) and ``sva-registry check`` share one set of rules:

- ``summarize``: how many modules it runs, how many more it can adopt now, how many it cannot
  adopt at all, and the modules whose newest release is blocked, grouped by their upgrade plan
  (the same plan fixes them all), the group that unlocks most first;
- ``best_upgrade``: the one upgrade of a component that unlocks the most modules by itself;
- ``compare``: what a hypothetical deployment gains and loses against the stored one.

Steps keep the plan's data (codes and versions); words are made at the edges.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

Answer = Mapping[str, Any]

# Step kinds of the upgrade plan; a plan from before kinds existed gets its kind inferred.
STEP_KINDS = ("update", "downgrade", "add", "capabilities", "module", "impossible")


def step_kind(step: Mapping[str, Any]) -> str:
    """The kind of one plan step (``update``, ``add``, ``capabilities``, ``module``, ...)."""
    if step.get("kind"):
        return str(step["kind"])
    if ("to" in step and step["to"] is None) or ("message" in step and not step.get("to")):
        return "impossible"
    if step.get("module"):
        return "module"
    if step.get("to"):
        return "update" if step.get("from") else "add"
    return "capabilities"


def summarize(answers: Iterable[Answer], installed: Mapping[str, str]) -> dict[str, Any]:
    """``{"runs", "adoptableNow", "blocked", "groups": [{"steps", "possible", "modules"}],
    "best"}`` for a deployment running ``installed`` (slug -> version).

    ``adoptableNow`` counts modules it does not run and could adopt today; ``blocked`` those
    without any adoptable release. A group holds every module whose newest release the same
    plan unblocks (``modules`` sorted); possible plans come first, then the most modules.
    """
    answers = list(answers)
    grouped: dict[tuple[Any, ...], dict[str, Any]] = {}
    for answer in answers:
        plan = answer.get("upgradePlan") or {}
        if not plan.get("steps") or not _newest_blocked(answer):
            continue
        steps = [_step(step) for step in plan["steps"]]
        key = (bool(plan.get("possible")), *(_key(step) for step in steps))
        group = grouped.setdefault(
            key, {"steps": steps, "possible": bool(plan.get("possible")), "modules": []}
        )
        group["modules"].append(answer["module"])
    groups = sorted(
        grouped.values(), key=lambda g: (not g["possible"], -len(g["modules"]), _label(g))
    )
    for group in groups:
        group["modules"].sort()
    return {
        "runs": len(installed),
        "adoptableNow": sum(
            1 for a in answers if a.get("adoptable") and a["module"] not in installed
        ),
        "blocked": sum(1 for a in answers if not a.get("adoptable") and a.get("newest")),
        "groups": groups,
        "best": best_upgrade(groups),
    }


def best_upgrade(groups: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """The possible one-step plan that changes only a component's version and unlocks the
    most modules (``{"steps", "possible", "modules"}``), or None when no such plan exists."""
    single = [
        g
        for g in groups
        if g["possible"]
        and len(g["steps"]) == 1
        and g["steps"][0]["kind"] in ("update", "downgrade", "add")
        and not g["steps"][0].get("capabilities")
    ]
    return dict(max(single, key=lambda g: len(g["modules"]))) if single else None


def _newest_blocked(answer: Answer) -> bool:
    adoptable = answer.get("adoptable") or []
    return bool(answer.get("newest")) and (not adoptable or adoptable[0] != answer["newest"])


def _step(step: Mapping[str, Any]) -> dict[str, Any]:
    return {**step, "kind": step_kind(step)}


def _key(step: Mapping[str, Any]) -> tuple[Any, ...]:
    return (
        step["kind"],
        step.get("component") or "",
        step.get("module") or "",
        step.get("to") or "",
        tuple(sorted(step.get("capabilities") or ())),
        step.get("code") or step.get("message") or "",
    )


def _label(group: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(_key(step) for step in group["steps"])


def compare(before: Iterable[Answer], after: Iterable[Answer]) -> dict[str, list[Any]]:
    """Modules that become adoptable (``gained``), stop being adoptable (``lost``), get another
    newest adoptable version (``newer``: pairs of before and after) or stay the same."""
    old = {a["module"]: a for a in before}
    result: dict[str, list[Any]] = {"gained": [], "lost": [], "newer": [], "same": []}
    for answer in after:
        previous = old.get(answer["module"], {"adoptable": []})
        was, now = previous.get("adoptable") or [], answer.get("adoptable") or []
        if now and not was:
            result["gained"].append(answer)
        elif was and not now:
            result["lost"].append(answer)
        elif now and was and now[0] != was[0]:
            result["newer"].append((previous, answer))
        else:
            result["same"].append(answer)
    return result


def changed_versions(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(component, new version) for each component whose version differs in ``new``."""
    changed = []
    for name, value in sorted((new.get("components") or {}).items()):
        version = _version_of(value)
        if version and version != _version_of((old.get("components") or {}).get(name)):
            changed.append((name, version))
    return changed


def _version_of(value: Any) -> str | None:
    if isinstance(value, dict):
        return value.get("version")
    return None if value is None else str(value)
