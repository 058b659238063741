"""Contacts: public deployments that offer to answer questions about a module they run.

Opt-in per module: the deployment's token names whom to ask (name, role, e-mail of its own
choosing). A private deployment cannot offer itself (that would make it public). Contacts
are listed nearest first (registry.metadata.states), then by name; the community's central
contact from the settings comes last, for everyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.config import CommunitySettings
from registry.db import utcnow
from registry.errors import Forbidden
from registry.metadata.states import UNKNOWN_DISTANCE, state_distance
from registry.models import Contact, Deployment, Module
from registry.services.events import bump
from registry.services.knowledge import SCOPE, Body
from registry.services.reports import runs_module

FIELDS = ("name", "role", "email")


@dataclass(frozen=True)
class Offer:
    """One contact with the deployment that offers it and its distance from the asker."""

    contact: Contact
    deployment: Deployment
    distance: int


def offer_contact(
    session: Session, deployment: Deployment, module: Module, data: Any
) -> tuple[Contact, bool]:
    """Create or replace the deployment's contact for ``module``; (contact, created)."""
    if deployment.visibility == "private":
        raise Forbidden("a private deployment cannot offer itself as a contact: make it public")
    if not runs_module(deployment, module.slug):
        raise Forbidden(
            f"deployment {deployment.id} does not run module {module.slug!r}: "
            "offer contacts only for modules it runs"
        )
    body = Body(data, FIELDS)
    values = {
        "name": body.text("name"),
        "role": body.text("role", required=False),
        "email": body.email("email"),
    }
    body.check("the contact is not valid")
    contact = session.scalar(
        select(Contact).where(
            Contact.deployment_id == deployment.id, Contact.module_id == module.id
        )
    )
    created = contact is None
    if contact is None:
        contact = Contact(deployment_id=deployment.id, module_id=module.id, **values)
        session.add(contact)
    else:
        for key, value in values.items():
            setattr(contact, key, value)
        contact.updated_at = utcnow()
    session.flush()
    bump(session, SCOPE)
    return contact, created


def withdraw_contact(session: Session, deployment: Deployment, module: Module) -> bool:
    """Remove the deployment's contact for ``module``; whether there was one."""
    contact = session.scalar(
        select(Contact).where(
            Contact.deployment_id == deployment.id, Contact.module_id == module.id
        )
    )
    if contact is None:
        return False
    session.delete(contact)
    bump(session, SCOPE)
    return True


def module_contacts(session: Session, module: Module, near_state: str | None) -> list[Offer]:
    """Contacts for ``module`` of public deployments that still run it, nearest first.

    A deployment that stopped running the module (or became private) is left out, not
    deleted: its offer returns when it runs the module again.
    """
    rows = session.execute(
        select(Contact, Deployment)
        .join(Deployment, Deployment.id == Contact.deployment_id)
        .where(Contact.module_id == module.id, Deployment.visibility == "public")
    ).all()
    offers = [
        Offer(contact, deployment, state_distance(near_state, deployment.state))
        for contact, deployment in rows
        if runs_module(deployment, module.slug)
    ]
    # Without an asker's state every distance is unknown: the order is by state, then name.
    return sorted(
        offers,
        key=lambda o: (
            o.distance,
            UNKNOWN_DISTANCE if o.deployment.state is None else 0,
            o.deployment.state or "",
            o.deployment.name.lower(),
            o.contact.id,
        ),
    )


def offer_dict(offer: Offer) -> dict[str, Any]:
    return {
        "name": offer.contact.name,
        "role": offer.contact.role,
        "email": offer.contact.email,
        "deployment": {
            "id": offer.deployment.id,
            "name": offer.deployment.name,
            "state": offer.deployment.state,
        },
        "distance": None if offer.distance == UNKNOWN_DISTANCE else offer.distance,
    }


def community_dict(settings: CommunitySettings) -> dict[str, str] | None:
    """The community's central contact from the settings, or None when none is set."""
    if not (settings.contact_name or settings.contact_email or settings.contact_url):
        return None
    return {
        "name": settings.contact_name,
        "email": settings.contact_email,
        "url": settings.contact_url,
    }
