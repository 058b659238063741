"""Guides: Markdown texts per module, written in the registry or read from the repository.

Registry guides are written by the module's publishers and by admins; every edit is a new
revision (title, body, language, author token and role, time), nothing is overwritten. Guides
read from the repository (``sva-module.yml`` ``docs:``) change only with the repository: the
crawler adds a revision when the file's blob changes, and the API refuses to edit them.
Hidden and deleted guides are shown to nobody but admins.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from registry.db import utcnow
from registry.errors import Conflict, NotFound
from registry.markdown import first_heading
from registry.models import Guide, GuideRevision, Module
from registry.services.events import bump, record_event
from registry.services.knowledge import BODY_MAX, SCOPE, Body, review_dict
from registry.services.tokens import Principal

PUBLISHED = "guide-published"
FIELDS = ("title", "body", "language")
REPOSITORY = "repository"
DEMO = "demo"


def list_guides(session: Session, module: Module, principal: Principal | None) -> list[Guide]:
    """The module's guides the caller may see: German ones first, then by title."""
    query = select(Guide).where(Guide.module_id == module.id, Guide.deleted.is_(False))
    if principal is None or not principal.is_admin:
        query = query.where(Guide.hidden.is_(False))
    guides = session.scalars(query.options(selectinload(Guide.revisions))).all()
    return sorted(guides, key=lambda g: (g.language != "de", g.title.lower(), g.id))


def get_guide(session: Session, guide_id: int, principal: Principal | None) -> Guide:
    """The guide; NotFound when there is none, it was deleted or it is hidden from the caller."""
    guide = session.get(Guide, guide_id)
    visible = guide is not None and not guide.deleted
    if visible and guide is not None and guide.hidden:
        visible = principal is not None and principal.is_admin
    if not visible or guide is None:
        raise NotFound(f"no guide {guide_id}", [{"field": "id", "value": guide_id}])
    return guide


def _read(data: Any) -> tuple[str, str, str]:
    body = Body(data, FIELDS)
    title = body.text("title")
    text = body.text("body", max_length=BODY_MAX)
    language = body.language()
    body.check("the guide is not valid")
    return title, text, language


def create_guide(session: Session, module: Module, data: Any, principal: Principal) -> Guide:
    """A new registry guide from ``{"title", "body", "language"}`` with its first revision."""
    title, text, language = _read(data)
    guide = Guide(module=module, origin="registry", title=title, body=text, language=language)
    session.add(guide)
    _add_revision(guide, principal.token_id, principal.role)
    session.flush()
    _published(session, guide)
    return guide


def add_demo_guide(
    session: Session, module: Module, title: str, body: str, language: str
) -> Guide | None:
    """A guide of the bundled demo data, unless the module has one of that title already."""
    exists = session.scalar(
        select(Guide.id).where(Guide.module_id == module.id, Guide.title == title).limit(1)
    )
    if exists is not None:
        return None
    guide = Guide(module=module, origin="registry", title=title, body=body, language=language)
    session.add(guide)
    _add_revision(guide, None, DEMO)
    session.flush()
    _published(session, guide)
    return guide


def update_guide(session: Session, guide: Guide, data: Any, principal: Principal) -> Guide:
    """Replace title, body and language; the old state stays as the previous revision."""
    if guide.origin == REPOSITORY:
        raise Conflict(
            f"guide {guide.id} is read from {guide.path} in the module's repository: "
            "change the file there",
            existing={"id": guide.id, "path": guide.path},
        )
    title, text, language = _read(data)
    if (title, text, language) == (guide.title, guide.body, guide.language):
        return guide
    guide.title, guide.body, guide.language = title, text, language
    guide.updated_at = utcnow()
    _add_revision(guide, principal.token_id, principal.role)
    bump(session, SCOPE)
    return guide


def delete_guide(session: Session, guide: Guide) -> None:
    """Remove a registry guide from every view; its revisions are kept."""
    if guide.origin == REPOSITORY:
        raise Conflict(
            f"guide {guide.id} is read from the module's repository: remove it from "
            "sva-module.yml (docs) there, or ask an admin to hide it",
            existing={"id": guide.id, "path": guide.path},
        )
    guide.deleted = True
    guide.updated_at = utcnow()
    bump(session, SCOPE)


def _add_revision(guide: Guide, token_id: int | None, role: str) -> None:
    number = max((r.number for r in guide.revisions), default=0) + 1
    guide.revisions.append(
        GuideRevision(
            number=number,
            title=guide.title,
            body=guide.body,
            language=guide.language,
            author_token_id=token_id,
            author_role=role,
            created_at=utcnow(),
        )
    )


def _published(session: Session, guide: Guide) -> None:
    record_event(
        session,
        PUBLISHED,
        module=guide.module.slug,
        data={"guide": guide.id, "title": guide.title, "language": guide.language},
    )
    bump(session, SCOPE)


@dataclass(frozen=True)
class RepositoryDocument:
    """A Markdown file named in ``sva-module.yml`` ``docs:``, as read at a release tag."""

    key: str
    language: str
    path: str
    ref: str
    commit_sha: str
    blob_sha: str
    text: str


def sync_repository_guides(
    session: Session, module: Module, documents: list[RepositoryDocument]
) -> int:
    """Make the module's repository guides match ``documents`` (read at its newest release).

    A document whose blob changed becomes a new revision; one no longer named is deleted
    (its revisions kept); a new one is published. Returns how many guides changed.
    """
    existing = {
        (g.doc_key, g.language): g
        for g in session.scalars(
            select(Guide).where(Guide.module_id == module.id, Guide.origin == REPOSITORY)
        )
    }
    changed = 0
    for document in documents:
        guide = existing.pop((document.key, document.language), None)
        changed += _apply_document(session, module, guide, document)
    for guide in existing.values():
        if not guide.deleted:
            guide.deleted = True
            changed += 1
    if changed:
        bump(session, SCOPE)
    return changed


def _apply_document(
    session: Session, module: Module, guide: Guide | None, document: RepositoryDocument
) -> int:
    title = (first_heading(document.text) or document.key.replace("-", " ").capitalize())[:200]
    if guide is None:
        guide = Guide(module=module, origin=REPOSITORY, doc_key=document.key)
        session.add(guide)
    elif guide.blob_sha == document.blob_sha and not guide.deleted:
        guide.ref, guide.commit_sha = document.ref, document.commit_sha
        return 0
    new = guide.id is None or guide.deleted
    guide.title, guide.body, guide.language = title, document.text, document.language
    guide.path, guide.ref = document.path, document.ref
    guide.commit_sha, guide.blob_sha = document.commit_sha, document.blob_sha
    guide.deleted = False
    guide.updated_at = utcnow()
    _add_revision(guide, None, REPOSITORY)
    session.flush()
    if new:
        _published(session, guide)
    return 1


def guide_dict(guide: Guide, *, with_body: bool = True) -> dict[str, Any]:
    """A guide as the API shows it (with its revisions' authors and times, not their text)."""
    data: dict[str, Any] = {
        "id": guide.id,
        "module": guide.module.slug,
        "title": guide.title,
        "language": guide.language,
        "origin": guide.origin,
        "source": (
            {"path": guide.path, "ref": guide.ref, "commit": guide.commit_sha}
            if guide.origin == REPOSITORY
            else None
        ),
        "reviewed": review_dict(guide),
        "hidden": guide.hidden,
        "createdAt": guide.created_at.isoformat(),
        "updatedAt": guide.updated_at.isoformat(),
        "revisions": [revision_dict(r) for r in guide.revisions],
    }
    if with_body:
        data["body"] = guide.body
    return data


def revision_dict(revision: GuideRevision) -> dict[str, Any]:
    return {
        "number": revision.number,
        "title": revision.title,
        "language": revision.language,
        "author": {"token": revision.author_token_id, "role": revision.author_role},
        "createdAt": revision.created_at.isoformat(),
    }
