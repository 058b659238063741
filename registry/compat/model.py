"""The engine's data: frozen inputs (releases, deployments, catalog, policy) and outputs (verdicts).

Every output has ``to_dict()`` giving the API's JSON (keys in camelCase where the contract
says so).  Reason codes are a contract: see ``CODES``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

from packaging.version import InvalidVersion, Version

from registry.compat.ranges import Range, npm_prerelease

__all__ = [
    "CODES",
    "Blocked",
    "Catalog",
    "Channel",
    "ComponentRequirement",
    "ComponentState",
    "ComponentUpgradeReport",
    "DeploymentState",
    "KnownState",
    "ModuleRequirement",
    "ModuleUpdate",
    "Notice",
    "PlanStep",
    "Policy",
    "Reason",
    "Release",
    "UpgradePlan",
    "Verdict",
    "normalize_version",
]

Channel = Literal["stable", "prerelease"]

YANKED = "yanked"
PRERELEASE = "prerelease"
COMPONENT_MISSING = "component-missing"
VERSION_UNKNOWN = "version-unknown"
VERSION_MISMATCH = "version-mismatch"
CAPABILITY_MISSING = "capability-missing"
LICENSE_NOT_ALLOWED = "license-not-allowed"
DEPENDENCY_UNSATISFIABLE = "dependency-unsatisfiable"
METADATA_INVALID = "metadata-invalid"
# Inside the ``details`` of ``dependency-unsatisfiable``: a release of a dependency that is no
# candidate because the module is held at another version (the installed one, or the release
# being judged for its own module).
MODULE_PINNED = "module-pinned"
CODES = (
    YANKED,
    PRERELEASE,
    COMPONENT_MISSING,
    VERSION_UNKNOWN,
    VERSION_MISMATCH,
    CAPABILITY_MISSING,
    LICENSE_NOT_ALLOWED,
    DEPENDENCY_UNSATISFIABLE,
    METADATA_INVALID,
)

# Plan step kinds (``PlanStep.kind``).
UPDATE = "update"
DOWNGRADE = "downgrade"
ADD = "add"
CAPABILITIES = "capabilities"
MODULE = "module"
IMPOSSIBLE = "impossible"
STEP_KINDS = (UPDATE, DOWNGRADE, ADD, CAPABILITIES, MODULE, IMPOSSIBLE)
# Codes of impossible steps besides the reason codes no upgrade fixes (yanked, prerelease,
# metadata-invalid, license-not-allowed) and dependency-unsatisfiable.
NO_KNOWN_VERSION = "no-known-version"
CAPABILITY_UNKNOWN = "capability-unknown"

# Notice codes (``Notice.code``).
VERSION_NOT_KNOWN = "version-not-known"
END_OF_LIFE = "end-of-life"
NOTICE_CODES = (VERSION_NOT_KNOWN, END_OF_LIFE)

_EMPTY: Mapping[str, Any] = MappingProxyType({})


def normalize_version(text: str) -> str:
    """Normalized PEP 440 text of a version (an npm numeric prerelease tag ``4.3.0-1`` is the
    prerelease ``4.3.0.dev1``), or the stripped text when it is no version."""
    try:
        return str(Version(npm_prerelease(text.strip())))
    except InvalidVersion:
        return text.strip()


@dataclass(frozen=True)
class ComponentRequirement:
    """A release needs ``component``, in ``range`` (if given), offering ``capabilities``."""

    component: str
    range: Range | None = None
    capabilities: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ModuleRequirement:
    """A release needs another module in ``range``."""

    module: str
    range: Range


@dataclass(frozen=True)
class Release:
    """One version of a module as the engine sees it.

    ``version`` is normalized PEP 440 text.  A withdrawn release is passed as ``yanked``;
    non-empty ``problems`` (metadata validation errors) block it with ``metadata-invalid``.
    """

    module: str
    version: str
    prerelease: bool = False
    yanked: bool = False
    license: str | None = None
    requires: tuple[ComponentRequirement, ...] = ()
    depends_on: tuple[ModuleRequirement, ...] = ()
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class ComponentState:
    """What a deployment runs of one component: a version, or only a commit SHA."""

    name: str
    version: str | None = None
    commit: str | None = None
    capabilities: frozenset[str] = frozenset()


@dataclass(frozen=True)
class DeploymentState:
    """The inputs of one deployment.  Build it with ``DeploymentState.build``.

    Fields are sorted tuples so that equal deployments are equal and hashable (the engine
    shares work between deployments with identical inputs).  ``allowed_licenses`` None means
    the policy's default applies.
    """

    components: tuple[ComponentState, ...] = ()
    modules: tuple[tuple[str, str], ...] = ()
    channel: Channel = "stable"
    allowed_licenses: frozenset[str] | None = None

    @classmethod
    def build(
        cls,
        components: Iterable[ComponentState] | Mapping[str, ComponentState] = (),
        modules: Mapping[str, str] | Iterable[tuple[str, str]] = (),
        channel: Channel = "stable",
        allowed_licenses: Iterable[str] | None = None,
    ) -> DeploymentState:
        """Normalize and sort the inputs (versions become PEP 440 text where they parse)."""
        states = components.values() if isinstance(components, Mapping) else components
        pairs = modules.items() if isinstance(modules, Mapping) else modules
        return cls(
            components=tuple(
                sorted(
                    (
                        ComponentState(
                            name=s.name,
                            version=None if s.version is None else normalize_version(s.version),
                            commit=s.commit,
                            capabilities=frozenset(s.capabilities),
                        )
                        for s in states
                    ),
                    key=lambda s: s.name,
                )
            ),
            modules=tuple(sorted((slug, normalize_version(v)) for slug, v in pairs)),
            channel=channel,
            allowed_licenses=None if allowed_licenses is None else frozenset(allowed_licenses),
        )

    def component(self, name: str) -> ComponentState | None:
        """The state of component ``name``, or None when the deployment does not state it."""
        for state in self.components:
            if state.name == name:
                return state
        return None

    def installed(self, module: str) -> str | None:
        """The installed version of ``module``, or None."""
        return dict(self.modules).get(module)

    def with_component(self, state: ComponentState) -> DeploymentState:
        """A copy in which ``state`` (already normalized) replaces the component of the same
        name."""
        others = [s for s in self.components if s.name != state.name]
        return replace(self, components=tuple(sorted([*others, state], key=lambda s: s.name)))


@dataclass(frozen=True)
class Policy:
    """Registry-wide license policy.

    ``default_allowed_licenses`` applies to deployments without their own list; None there
    means no license restriction.  ``require_known_license`` blocks releases whose license is
    unknown (missing or unparsable).
    """

    default_allowed_licenses: frozenset[str] | None = None
    require_known_license: bool = False


@dataclass(frozen=True)
class KnownState:
    """A state of a component the registry knows to offer ``capabilities``: a component
    version with known capabilities (``kind`` "version"), the capabilities a deployment states
    ("deployment") or an imported introspection ("introspection", ``source`` names the import).
    Upgrade plans name one as ``offeredBy`` of a capability step."""

    kind: Literal["version", "deployment", "introspection"]
    capabilities: frozenset[str]
    version: str | None = None
    commit: str | None = None
    source: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """``{"kind", "version", "commit", "source"}`` (the capabilities are left out)."""
        return {
            "kind": self.kind,
            "version": self.version,
            "commit": self.commit,
            "source": self.source,
        }


@dataclass(frozen=True)
class Catalog:
    """Everything the registry knows: releases per module slug; per component its known
    versions, the capabilities it is known to offer, its end-of-life versions and its known
    states (``KnownState``, in order of preference: the first that offers what a plan asks for
    is named).  The engine reads no clock: the caller orders the states (newest first)."""

    releases: Mapping[str, tuple[Release, ...]] = field(default_factory=lambda: _EMPTY)
    component_versions: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: _EMPTY)
    component_capabilities: Mapping[str, frozenset[str]] = field(default_factory=lambda: _EMPTY)
    end_of_life: Mapping[str, frozenset[str]] = field(default_factory=lambda: _EMPTY)
    component_states: Mapping[str, tuple[KnownState, ...]] = field(default_factory=lambda: _EMPTY)

    def with_release(self, release: Release) -> Catalog:
        """A copy with ``release`` added (or replacing the release of the same version)."""
        current = [r for r in self.releases.get(release.module, ()) if r.version != release.version]
        releases = dict(self.releases)
        releases[release.module] = (*current, release)
        return replace(self, releases=releases)


@dataclass(frozen=True)
class Reason:
    """Why a release is blocked: a code of ``CODES`` plus what was required and found.

    ``dependency-unsatisfiable`` names the dependency ``module``, the ``required`` range, the
    installed version (``actual``) and in ``details`` every release of the dependency in that
    range (newest first) with its own reasons: empty reasons mean the release is usable alone
    but not together with the other requirements.
    """

    code: str
    component: str | None = None
    module: str | None = None
    required: str | None = None
    actual: str | None = None
    details: tuple[Blocked, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """``{"code", "component"|"module", "required", "actual", "details"?}``."""
        out: dict[str, Any] = {"code": self.code}
        if self.component is not None:
            out["component"] = self.component
        if self.module is not None:
            out["module"] = self.module
        out["required"] = self.required
        out["actual"] = self.actual
        if self.code == DEPENDENCY_UNSATISFIABLE:
            out["details"] = [b.to_dict() for b in self.details]
        return out


class Blocked(NamedTuple):
    """A release that cannot be adopted and every reason why (``Verdict.blocked`` pairs its
    columns as these)."""

    version: str
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict[str, Any]:
        """``{"version", "reasons": [...]}``."""
        return _blocked_dict(self.version, self.reasons)


def _blocked_dict(version: str, reasons: tuple[Reason, ...]) -> dict[str, Any]:
    return {"version": version, "reasons": [r.to_dict() for r in reasons]}


@dataclass(frozen=True)
class PlanStep:
    """One thing to change, as data (``kind`` of ``STEP_KINDS``):

    - ``update`` / ``downgrade``: ``component`` from version ``from_version`` (or the commit it
      states) to the higher / lower known version ``to``; ``end_of_life`` when ``to`` is past
      its support (proposed only when no supported version unblocks);
    - ``add``: ``component``, which the deployment does not state, at ``to`` (None: any
      version, the release asks for no range);
    - ``capabilities``: ``component`` must offer ``capabilities`` (only those the release
      lacks); ``offered_by`` a known state of it that offers them all, when there is one;
    - ``module``: dependency ``module`` from the installed ``from_version`` to ``to``;
    - ``impossible``: ``code`` says why (an unfixable reason code of the release,
      ``no-known-version`` with ``required`` ranges, ``capability-unknown`` with
      ``capabilities``, ``dependency-unsatisfiable`` with ``module``, ``required``,
      ``from_version`` and ``details``).
    """

    kind: str
    component: str | None = None
    module: str | None = None
    from_version: str | None = None
    to: str | None = None
    end_of_life: bool = False
    capabilities: tuple[str, ...] = ()
    offered_by: KnownState | None = None
    code: str | None = None
    required: tuple[str, ...] = ()
    details: tuple[Blocked, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The step's JSON: ``kind`` and the fields of that kind (see the class)."""
        out: dict[str, Any] = {"kind": self.kind}
        if self.component is not None:
            out["component"] = self.component
        if self.module is not None:
            out["module"] = self.module
        if self.kind in (UPDATE, DOWNGRADE, MODULE):
            out["from"] = self.from_version
        if self.kind in (UPDATE, DOWNGRADE, ADD, MODULE):
            out["to"] = self.to
        if self.kind in (UPDATE, DOWNGRADE, ADD):
            out["endOfLife"] = self.end_of_life
        if self.kind == CAPABILITIES:
            out["capabilities"] = list(self.capabilities)
            out["offeredBy"] = None if self.offered_by is None else self.offered_by.to_dict()
        if self.kind == IMPOSSIBLE:
            out["code"] = self.code
            if self.code == NO_KNOWN_VERSION:
                out["required"] = list(self.required)
            if self.code == CAPABILITY_UNKNOWN:
                out["capabilities"] = list(self.capabilities)
            if self.code == DEPENDENCY_UNSATISFIABLE:
                out["required"] = self.required[0] if self.required else None
                out["actual"] = self.from_version
                out["details"] = [b.to_dict() for b in self.details]
        return out


@dataclass(frozen=True)
class Notice:
    """Something the answer about a deployment should say besides verdicts (``code`` of
    ``NOTICE_CODES``): a stated component version that is no known version of it
    (``version-not-known``), or one past its support (``end-of-life``)."""

    code: str
    component: str | None = None
    actual: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """``{"code", "component", "actual"}``."""
        return {"code": self.code, "component": self.component, "actual": self.actual}


@dataclass(frozen=True)
class UpgradePlan:
    """What would unblock ``version``: the steps, and whether every step is possible."""

    version: str
    steps: tuple[PlanStep, ...]
    possible: bool

    def to_dict(self) -> dict[str, Any]:
        """``{"version", "steps": [...], "possible"}``."""
        return {
            "version": self.version,
            "steps": [s.to_dict() for s in self.steps],
            "possible": self.possible,
        }


@dataclass(frozen=True)
class Verdict:
    """For one deployment and one module: adoptable versions (newest first), the newest
    release the deployment could be offered, every blocked release, and an upgrade plan for
    the newest release when it is blocked.

    Blocked releases are kept as two aligned columns, as the engine computes them: their
    versions (newest first) and the reasons of each.  ``blocked`` pairs them as ``Blocked``
    entries; build a verdict from such entries with ``Verdict.of``.
    """

    module: str
    adoptable: tuple[str, ...]
    newest: str | None
    blocked_versions: tuple[str, ...]
    blocked_reasons: tuple[tuple[Reason, ...], ...]
    upgrade_plan: UpgradePlan | None

    @classmethod
    def of(
        cls,
        module: str,
        adoptable: Iterable[str],
        newest: str | None,
        blocked: Iterable[Blocked],
        upgrade_plan: UpgradePlan | None,
    ) -> Verdict:
        """A verdict from its ``Blocked`` entries."""
        entries = tuple(blocked)
        return cls(
            module,
            tuple(adoptable),
            newest,
            tuple(b.version for b in entries),
            tuple(b.reasons for b in entries),
            upgrade_plan,
        )

    @property
    def blocked(self) -> tuple[Blocked, ...]:
        """Every release that is not adoptable, newest first, with its reasons."""
        return tuple(
            map(Blocked._make, zip(self.blocked_versions, self.blocked_reasons, strict=True))
        )

    def to_dict(self) -> dict[str, Any]:
        """``{"module", "adoptable", "newest", "blocked", "upgradePlan"}``."""
        return {
            "module": self.module,
            "adoptable": list(self.adoptable),
            "newest": self.newest,
            "blocked": list(map(_blocked_dict, self.blocked_versions, self.blocked_reasons)),
            "upgradePlan": None if self.upgrade_plan is None else self.upgrade_plan.to_dict(),
        }

    def reasons_for(self, version: str) -> tuple[Reason, ...]:
        """The reasons that block ``version`` (empty when it is adoptable or unknown)."""
        for blocked, reasons in zip(self.blocked_versions, self.blocked_reasons, strict=True):
            if blocked == version:
                return reasons
        return ()


@dataclass(frozen=True)
class ModuleUpdate:
    """What happens to one installed module when a component changes."""

    module: str
    installed: str
    status: Literal["ok", "update", "blocked"]
    lowest: str | None = None
    newest: str | None = None
    reasons: tuple[Reason, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """``{"module", "installed", "status", "lowest"?, "newest"?, "reasons"?}``."""
        out: dict[str, Any] = {
            "module": self.module,
            "installed": self.installed,
            "status": self.status,
        }
        if self.status == "update":
            out["lowest"] = self.lowest
            out["newest"] = self.newest
        if self.status == "blocked":
            out["reasons"] = [r.to_dict() for r in self.reasons]
        return out


@dataclass(frozen=True)
class ComponentUpgradeReport:
    """The effect of changing ``component`` from ``from_version`` to ``to`` on the installed
    modules: ``ok`` ones keep working, ``update`` ones need another version, ``blocked`` ones
    have no compatible release."""

    component: str
    from_version: str | None
    to: str
    modules: tuple[ModuleUpdate, ...]

    @property
    def ok(self) -> tuple[ModuleUpdate, ...]:
        return tuple(m for m in self.modules if m.status == "ok")

    @property
    def update(self) -> tuple[ModuleUpdate, ...]:
        return tuple(m for m in self.modules if m.status == "update")

    @property
    def blocked(self) -> tuple[ModuleUpdate, ...]:
        return tuple(m for m in self.modules if m.status == "blocked")

    def to_dict(self) -> dict[str, Any]:
        """``{"component", "from", "to", "ok": [...], "update": [...], "blocked": [...]}``."""
        return {
            "component": self.component,
            "from": self.from_version,
            "to": self.to,
            "ok": [m.to_dict() for m in self.ok],
            "update": [m.to_dict() for m in self.update],
            "blocked": [m.to_dict() for m in self.blocked],
        }
