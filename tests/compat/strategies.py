"""Hypothesis strategies for whole engine instances: a catalog, a policy and deployments.

Small on purpose (two to four modules, a handful of versions) so that every rule fires often
and a failure shrinks to a case one can read.  They cover: deployments lacking components, a
component known only by commit, capability-only requirements, several requirements on one
component and orders that break the column layout, AND/OR/WITH license expressions, unknown
licenses, prereleases, yanks, invalid metadata, dependencies (chains, diamonds, cycles,
self-dependencies), installed modules (at a release, or at a version no release has),
``allow_upgrades``, component versions that are unknown or end of life, and known component
states for ``offeredBy``.

Example counts come from a settings profile (``SVA_COMPAT_PROFILE``: ``compat`` by default,
``compat-thorough`` for ten times as many), scaled per test by ``examples``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from registry.compat import (
    Catalog,
    ComponentRequirement,
    ComponentState,
    DeploymentState,
    KnownState,
    ModuleRequirement,
    Policy,
    Release,
    parse_range,
)

settings.register_profile(
    "compat",
    max_examples=600,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("compat-thorough", settings.get_profile("compat"), max_examples=10_000)
PROFILE = settings.get_profile(os.environ.get("SVA_COMPAT_PROFILE", "compat"))


def examples(share: float) -> settings:
    """Settings of the profile with ``share`` of its examples."""
    return settings(PROFILE, max_examples=max(1, int(PROFILE.max_examples * share)))


APP_KNOWN = ("1.0.0", "1.1.0", "1.1.5", "2.0.0", "2.1.0rc1", "3.0.0", "3.1.0")
HUMHUB_KNOWN = ("1.8.3", "1.15.0", "1.16.0")
APP_STATED = (*APP_KNOWN, "9.9.9", "4.30", "0.5.0")  # the last three are no known version
MODULE_VERSIONS = ("0.9", "1.0", "1.1", "2.0", "2.1rc1", "3.0")
# Parsed once: parsing in every draw would cost more than the evaluations.
APP_RANGES = tuple(
    map(parse_range, (">=1", "^2.0.0", "~1.1", "1.x || 3.x", "==2.0.0", "<2", "*", ">=3.1", ">=9"))
)
HUMHUB_RANGES = tuple(map(parse_range, (">=1.8.3", ">=1.16", "<1.10")))
DEP_RANGES = tuple(
    map(
        parse_range,
        ("*", ">=1.1", "<2", "^1.0.0", "==2.0", "!=1.0", ">=2.0 || <1.1", "2.1rc1", ">=5"),
    )
)
CAPABILITIES = ("a", "b", "c", "d")
LICENSES = (
    "MIT",
    "GPL-3.0-only",
    "MIT OR GPL-3.0-only",
    "MIT AND Apache-2.0",
    "GPL-2.0-only WITH Classpath-exception-2.0",
    "NOASSERTION",
    None,
)
ALLOWED = (
    None,
    frozenset({"MIT"}),
    frozenset({"MIT", "GPL-3.0-only"}),
    frozenset({"GPL-2.0-only", "Apache-2.0", "MIT"}),
    frozenset({"GPL-2.0-only WITH Classpath-exception-2.0"}),
)


@dataclass(frozen=True)
class Instance:
    """A catalog and policy with deployments to evaluate against them (each with its
    ``allow_upgrades``)."""

    catalog: Catalog
    policy: Policy
    deployments: tuple[tuple[DeploymentState, bool], ...]


capability_sets = st.frozensets(st.sampled_from(CAPABILITIES), max_size=len(CAPABILITIES))


@st.composite
def requirements(draw: st.DrawFn) -> tuple[ComponentRequirement, ...]:
    """The component requirements of one release (sometimes none, sometimes two on one
    component, sometimes in an order other releases contradict)."""
    found = []
    if draw(st.booleans()):
        found.append(ComponentRequirement("app", draw(st.sampled_from(APP_RANGES))))
    if draw(st.booleans()):
        caps = draw(st.frozensets(st.sampled_from(CAPABILITIES), min_size=1, max_size=3))
        found.append(ComponentRequirement("server", None, caps))
    if draw(st.integers(0, 4)) == 0:
        found.append(
            ComponentRequirement(
                "humhub",
                draw(st.sampled_from((None, *HUMHUB_RANGES))),
                draw(capability_sets),
            )
        )
    if draw(st.integers(0, 8)) == 0:  # a second range on the app
        found.append(ComponentRequirement("app", draw(st.sampled_from(APP_RANGES))))
    if draw(st.integers(0, 4)) == 0:
        found.reverse()
    return tuple(found)


@st.composite
def releases(
    draw: st.DrawFn, slug: str, slugs: tuple[str, ...], pool: tuple[str, ...]
) -> tuple[Release, ...]:
    versions = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=4, unique=True))
    found = []
    for version in versions:
        targets = draw(st.lists(st.sampled_from(slugs), max_size=2, unique=True))
        depends = tuple(
            ModuleRequirement(target, draw(st.sampled_from(DEP_RANGES))) for target in targets
        )
        found.append(
            Release(
                module=slug,
                version=version,
                prerelease="rc" in version,
                yanked=draw(st.integers(0, 9)) == 0,
                license=draw(st.sampled_from(LICENSES)),
                requires=draw(requirements()),
                depends_on=depends,
                problems=("bad field",) if draw(st.integers(0, 19)) == 0 else (),
            )
        )
    return tuple(found)


@st.composite
def catalogs(draw: st.DrawFn) -> Catalog:
    slugs = tuple(f"m{i}" for i in range(draw(st.integers(2, 5))))
    # Modules of one catalog often share versions (in-app modules all follow the app), so
    # that shared work between modules is exercised: a small pool of versions makes them meet.
    pool = MODULE_VERSIONS[: draw(st.integers(2, len(MODULE_VERSIONS)))]
    app_known = tuple(draw(st.lists(st.sampled_from(APP_KNOWN), min_size=1, unique=True)))
    states = draw(
        st.lists(
            st.builds(
                KnownState,
                st.sampled_from(["version", "deployment", "introspection"]),
                capability_sets,
                commit=st.sampled_from([None, "5b4ba192"]),
                source=st.sampled_from([None, "introspection-2026-08"]),
            ),
            max_size=3,
        )
    )
    return Catalog(
        releases={slug: draw(releases(slug, slugs, pool)) for slug in slugs},
        component_versions={"app": app_known, "humhub": HUMHUB_KNOWN},
        component_capabilities=draw(
            st.sampled_from([{}, {"server": frozenset({"a", "b", "c"})}, {"server": frozenset()}])
        ),
        end_of_life={
            "app": draw(st.frozensets(st.sampled_from(app_known))),
            "humhub": draw(st.frozensets(st.sampled_from(HUMHUB_KNOWN))),
        },
        component_states={"server": tuple(states)} if states else {},
    )


@st.composite
def deployments(draw: st.DrawFn, catalog: Catalog) -> DeploymentState:
    components = []
    app = draw(st.integers(0, 9))
    if app < 7:
        components.append(ComponentState("app", draw(st.sampled_from(APP_STATED))))
    elif app < 8:
        components.append(ComponentState("app", None, "04d9eb41"))
    if draw(st.integers(0, 2)) > 0:
        components.append(ComponentState("server", None, "5b4ba192", draw(capability_sets)))
    if draw(st.booleans()):
        humhub = draw(st.sampled_from((*HUMHUB_KNOWN, "1.9.0")))
        components.append(ComponentState("humhub", humhub, None, draw(capability_sets)))
    modules = {}
    for slug, items in catalog.releases.items():
        if draw(st.integers(0, 2)) == 0:
            modules[slug] = draw(st.sampled_from([*(r.version for r in items), "9.9"]))
    return DeploymentState.build(
        components,
        modules,
        channel=draw(st.sampled_from(["stable", "prerelease"])),
        allowed_licenses=draw(st.sampled_from(ALLOWED)),
    )


@st.composite
def instances(draw: st.DrawFn, count: int = 5) -> Instance:
    """A catalog, a policy and ``count`` deployments (each with ``allow_upgrades``)."""
    catalog = draw(catalogs())
    policy = Policy(draw(st.sampled_from(ALLOWED)), draw(st.booleans()))
    found = tuple((draw(deployments(catalog)), draw(st.integers(0, 3)) == 0) for _ in range(count))
    return Instance(catalog, policy, found)
