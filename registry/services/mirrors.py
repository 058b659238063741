"""Mirrors of a module: recording the repository URLs other sources name besides the primary.

A module is crawled from its primary repository only (changing it is an explicit admin act);
any other repository URL an import or an admin names is stored here as a mirror and checked
for the same tags at the same commits.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from registry.errors import InvalidInput
from registry.models import Module, ModuleMirror
from registry.services.events import bump

#: Forge kinds by host, for URLs whose forge the caller does not name.
KNOWN_FORGE_HOSTS = {"github.com": "github", "gitlab.com": "gitlab", "gitlab.opencode.de": "gitlab"}


def mirror_url(url: str) -> str:
    """A mirror URL as stored: https, no trailing slash or ``.git``; InvalidInput otherwise."""
    text = url.strip().rstrip("/").removesuffix(".git") if isinstance(url, str) else ""
    parts = urlsplit(text)
    segments = [s for s in parts.path.split("/") if s]
    if parts.scheme != "https" or not parts.hostname or len(segments) < 2:
        raise InvalidInput(
            "a mirror must be a repository URL https://HOST/OWNER[/GROUP...]/NAME",
            [{"field": "mirrors", "message": "not a repository URL", "value": str(url)}],
        )
    return f"https://{parts.hostname.lower()}/{'/'.join(segments)}"


def forge_of(url: str, forge_hosts: dict[str, str] | None = None) -> str:
    """The forge kind (``github``, ``gitlab``) of a repository URL's host; ``""`` if unknown."""
    host = (urlsplit(url).hostname or "").lower()
    return {**KNOWN_FORGE_HOSTS, **(forge_hosts or {})}.get(host, "")


def record_mirror(
    session: Session,
    module: Module,
    url: str,
    *,
    source: str,
    forge: str | None = None,
) -> ModuleMirror | None:
    """Store ``url`` as a mirror of ``module`` (once per URL; the first source is kept).

    Returns ``None`` when ``url`` is the module's primary repository, which is no mirror.
    """
    canonical = mirror_url(url)
    if module.repository and canonical.lower() == mirror_url(module.repository).lower():
        return None
    for existing in module.mirrors:
        if existing.url.lower() == canonical.lower():
            return existing
    mirror = ModuleMirror(
        url=canonical,
        forge=forge if forge is not None else forge_of(canonical),
        source=source,
        status="unchecked",
        missing_tags=[],
    )
    module.mirrors.append(mirror)
    session.flush()
    bump(session, "catalog")
    return mirror


__all__ = [
    "forge_of",
    "mirror_url",
    "record_mirror",
]
