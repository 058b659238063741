"""The stand-in's world: repositories with commits, trees, blobs, tags and releases.

Only what the crawler and a plain PyGithub client read is modelled. Trees are derived from a
commit's file map (path -> blob SHA); blob and tree SHAs are computed like git does, so equal
content has equal SHAs across tags, exactly what the crawler's blob cache relies on.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta


def git_blob_sha(content: bytes) -> str:
    """The SHA git gives a blob with ``content``."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


def fake_sha(*parts: str) -> str:
    """A stable 40-hex SHA for generated commits and trees."""
    return hashlib.sha1("\0".join(parts).encode()).hexdigest()


@dataclass
class Commit:
    sha: str
    date: str
    files: dict[str, str]
    message: str = ""

    @property
    def tree_sha(self) -> str:
        return fake_sha("tree", *sorted(f"{p}:{s}" for p, s in self.files.items()))

    def tree_entries(self, *, recursive: bool) -> list[dict[str, object]]:
        """Tree entries as GitHub lists them: directories as ``tree``, files as ``blob``."""
        directories: set[str] = set()
        for path in self.files:
            parts = path.split("/")
            directories.update("/".join(parts[:i]) for i in range(1, len(parts)))
        entries: list[dict[str, object]] = [
            {"path": d, "mode": "040000", "type": "tree", "sha": fake_sha("dir", self.sha, d)}
            for d in directories
        ]
        entries += [
            {"path": p, "mode": "100644", "type": "blob", "sha": s, "size": 1}
            for p, s in self.files.items()
        ]
        if not recursive:
            entries = [e for e in entries if "/" not in str(e["path"])]
        return sorted(entries, key=lambda e: str(e["path"]))


@dataclass
class Release:
    tag: str
    name: str | None = None
    body: str | None = None
    prerelease: bool = False
    draft: bool = False
    published_at: str | None = "2026-01-01T00:00:00Z"


@dataclass
class Repo:
    """A repository of the stand-in (mutable: tests add tags, rename, archive...)."""

    id: int
    full_name: str
    default_branch: str
    head_sha: str
    license_spdx: str | None = None
    archived: bool = False
    description: str | None = None
    pushed_at: str = "2026-08-22T00:00:00Z"
    tags: list[tuple[str, str]] = field(default_factory=list)
    commits: dict[str, Commit] = field(default_factory=dict)
    blobs: dict[str, bytes] = field(default_factory=dict)
    licenses: dict[str, str] = field(default_factory=dict)
    releases: list[Release] = field(default_factory=list)
    # Repository security advisories in GitHub's REST shape (GET .../security-advisories).
    advisories: list[dict[str, object]] = field(default_factory=list)

    def add_blob(self, content: bytes, *, spdx: str | None = None) -> str:
        """Store a blob (and, for license texts, the SPDX id GitHub would detect)."""
        sha = git_blob_sha(content)
        self.blobs[sha] = content
        if spdx is not None:
            self.licenses[sha] = spdx
        return sha

    def add_commit(self, sha: str, date: str, files: dict[str, str]) -> Commit:
        commit = Commit(sha=sha, date=date, files=dict(files))
        self.commits[sha] = commit
        return commit

    def add_tag(self, name: str, sha: str) -> None:
        """Add a tag; like a push on GitHub it bumps ``pushed_at`` (so the repo ETag changes)."""
        self.tags.append((name, sha))
        self.touch()

    def touch(self) -> None:
        """Record a push: GitHub moves ``pushed_at`` on every pushed ref."""
        pushed = datetime.fromisoformat(self.pushed_at.replace("Z", "+00:00"))
        self.pushed_at = (pushed + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")

    def resolve(self, ref: str) -> Commit | None:
        """A commit by SHA, tag name, branch name (the default branch) or tree SHA."""
        if ref in self.commits:
            return self.commits[ref]
        for name, sha in self.tags:
            if name == ref:
                return self.commits.get(sha)
        if ref in (self.default_branch, "HEAD"):
            return self.commits.get(self.head_sha)
        return next((c for c in self.commits.values() if c.tree_sha == ref), None)

    def license_file(self, commit: Commit) -> tuple[str, str] | None:
        """(path, blob SHA) of the license file at the root of ``commit``, if any."""
        for path, sha in sorted(commit.files.items()):
            if "/" not in path and path.lower().split(".")[0] in ("license", "licence", "copying"):
                return path, sha
        return None
