"""Notices: what an answer about a deployment says besides its verdicts (docs/compatibility.md).

One pure function over the deployment's inputs and the catalog, shared by every evaluator, so
the fast and the reference answers carry the same notices.  A notice per stated component
version, in the order the deployment states its components:

- ``version-not-known``: the registry lists versions of the component and the stated one is
  none of them (app 9.9.9, or 4.30 for 4.3.0).  Components whose versions the registry does
  not track (the mainserver, known by commit) get none.
- ``end-of-life``: the stated version is a known version past its support.

A new kind of notice is one more function of this shape added to ``NOTICES``.
"""

from __future__ import annotations

from collections.abc import Callable

from registry.compat.model import (
    END_OF_LIFE,
    VERSION_NOT_KNOWN,
    Catalog,
    ComponentState,
    DeploymentState,
    Notice,
)

__all__ = ["NOTICES", "deployment_notices"]

Check = Callable[[ComponentState, DeploymentState, Catalog], tuple[Notice, ...]]


def deployment_notices(deployment: DeploymentState, catalog: Catalog) -> tuple[Notice, ...]:
    """Every notice about ``deployment``, per component in order, each check in turn."""
    return tuple(
        notice
        for state in deployment.components
        for check in NOTICES
        for notice in check(state, deployment, catalog)
    )


def version_not_known(
    state: ComponentState, deployment: DeploymentState, catalog: Catalog
) -> tuple[Notice, ...]:
    """A stated version that is no known version of a component whose versions are known."""
    known = catalog.component_versions.get(state.name, ())
    if state.version is None or not known or state.version in known:
        return ()
    return (Notice(VERSION_NOT_KNOWN, state.name, state.version),)


def end_of_life(
    state: ComponentState, deployment: DeploymentState, catalog: Catalog
) -> tuple[Notice, ...]:
    """A stated version past its support."""
    if state.version is None or state.version not in catalog.end_of_life.get(state.name, ()):
        return ()
    return (Notice(END_OF_LIFE, state.name, state.version),)


NOTICES: tuple[Check, ...] = (version_not_known, end_of_life)
