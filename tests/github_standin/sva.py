"""Build the stand-in's repositories from the real SVA data in ``tests/fixtures/github``.

Real: repository names, default branches, head SHAs, every tag with its commit SHA and commit
date, the license file at each tag (``license_file_at_tag``), the app's ``src/`` file presence
per tag, humhub-ext's ``module.json`` versions, the Studio plugin manifests and the two
``publiccode.yml`` files. Reconstructed: the app's query documents and CHANGELOG
(``app_sources``, see ``tests/fixtures/github/README.md``). Stand-in only (the data does not
say): other file contents of ``src/``,
which metadata files sit on the default branches, and the generated repositories for scale.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from tests.github_standin import app_sources
from tests.github_standin.model import Release, Repo, fake_sha

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "github"
APP = "smart-village-solutions/smart-village-app-app"
STUDIO = "smart-village-solutions/sva-studio"
HUMHUB = "smart-village-solutions/smart-village-app-humhub-ext"
BUS = "smart-village-solutions/sva-bus-server"

# Short stand-ins for license texts; GitHub's detection result is stored beside the blob.
LICENSE_TEXTS = {
    "GPL-3.0": b"GNU GENERAL PUBLIC LICENSE\nVersion 3, 29 June 2007\n",
    "EUPL-1.2": b"EUROPEAN UNION PUBLIC LICENCE v. 1.2\nEUPL (c) the European Union 2007, 2016\n",
    "MIT": b"MIT License\n\nPermission is hereby granted, free of charge, ...\n",
}


@cache
def sva_repos() -> tuple[dict, ...]:
    """The 21 repositories of ``sva-repos.json`` (read once per test session)."""
    return tuple(json.loads((FIXTURES / "sva-repos.json").read_text(encoding="utf-8")))


@cache
def app_src_files() -> dict:
    """``app-src-files-by-tag.json``: the app's ``src/`` files with presence per tag."""
    return json.loads((FIXTURES / "app-src-files-by-tag.json").read_text(encoding="utf-8"))


@cache
def _app_files_by_tag() -> dict[str, dict[str, str]]:
    data = app_src_files()
    blob = {path: fake_sha("blob", path) for path in data["present"]}
    by_tag: dict[str, dict[str, str]] = {}
    for index, tag in enumerate(data["tags"]):
        by_tag[tag] = {p: blob[p] for p, bits in data["present"].items() if bits[index] == "1"}
    return by_tag


def studio_manifests() -> dict[str, bytes]:
    """The ten real Studio plugin manifests by plugin file name (``plugin-waste-management``)."""
    return {p.stem: p.read_bytes() for p in sorted((FIXTURES / "studio-plugins").glob("*.json"))}


def publiccode(name: str) -> bytes:
    return (FIXTURES / "publiccode" / f"{name}.publiccode.yml").read_bytes()


def build_sva_repos() -> list[Repo]:
    """Every repository of the real data, with tags, trees and head commits."""
    return [_build(index, data) for index, data in enumerate(sva_repos(), start=1)]


def _build(index: int, data: dict) -> Repo:
    repo = Repo(
        id=1000 + index,
        full_name=data["repo"],
        default_branch=data["default_branch"],
        head_sha=data["head_sha"],
        license_spdx=data.get("license_file_detected_spdx"),
        description=data.get("role"),
        pushed_at=_utc(data["head_commit_date"]),
    )
    license_blobs = {spdx: repo.add_blob(text, spdx=spdx) for spdx, text in LICENSE_TEXTS.items()}
    license_name = data.get("license_file") or "LICENSE"
    for tag in data["tags"]:
        files = _tag_files(repo, data, tag)
        spdx = tag.get("license_file_at_tag")
        if spdx:
            files[license_name] = license_blobs[spdx]
        if tag["sha"] not in repo.commits:
            repo.add_commit(tag["sha"], tag["commit_date"], files)
    # GitHub lists tags newest first; tag creation order is what the data lists.
    repo.tags = [(tag["name"], tag["sha"]) for tag in reversed(data["tags"])]
    head_files = _head_files(repo, data)
    if data.get("license_file") and data.get("license_file_detected_spdx"):
        head_files[data["license_file"]] = license_blobs[data["license_file_detected_spdx"]]
    repo.add_commit(data["head_sha"], data["head_commit_date"], head_files)
    return repo


def _tag_files(repo: Repo, data: dict, tag: dict) -> dict[str, str]:
    if data["repo"] == APP:
        return _with_query_documents(repo, _app_files_by_tag()[tag["name"]], tag["name"])
    if data["repo"] == HUMHUB:
        module = json.dumps({"id": "smart_village_app", "version": tag["module_json_version"]})
        return {"module.json": repo.add_blob(module.encode())}
    if data["repo"] == STUDIO:
        return {
            f"packages/{name}/plugin.manifest.json": repo.add_blob(content)
            for name, content in studio_manifests().items()
        }
    version = tag.get("package_json_version") or tag["name"].lstrip("v")
    return {"package.json": repo.add_blob(json.dumps({"version": version}).encode())}


def _head_files(repo: Repo, data: dict) -> dict[str, str]:
    if data["repo"] == APP:
        newest = app_src_files()["tags"][-1]
        files = _with_query_documents(repo, _app_files_by_tag()[newest], newest)
        files["publiccode.yml"] = repo.add_blob(publiccode("smart-village-app-app"))
        files["CHANGELOG.md"] = repo.add_blob(app_sources.changelog_text().encode())
        return files
    if data["repo"] == STUDIO:
        files = _tag_files(repo, data, {})
        files["publiccode.yml"] = repo.add_blob(publiccode("sva-studio"))
        return files
    return {"README.md": repo.add_blob(f"# {data['repo']}\n".encode())}


def _with_query_documents(repo: Repo, files: dict[str, str], tag: str) -> dict[str, str]:
    """The app's files at ``tag`` with the stand-in query documents as real blobs (equal text,
    equal blob SHA: what the crawler's blob cache relies on)."""
    version = tag.lstrip("v.")
    return {
        path: repo.add_blob(app_sources.document_at(path, version).encode())
        if app_sources.is_query_document(path)
        else sha
        for path, sha in files.items()
    }


def _utc(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def plugin_repos() -> list[Repo]:
    """One stand-in repository per real Studio plugin manifest (owner ``standin-plugins``)."""
    repos = []
    for index, (name, content) in enumerate(studio_manifests().items(), start=1):
        repo = Repo(
            id=5000 + index,
            full_name=f"standin-plugins/{name}",
            default_branch="main",
            head_sha=fake_sha("head", name),
        )
        files = {
            "plugin.manifest.json": repo.add_blob(content),
            "LICENSE": repo.add_blob(LICENSE_TEXTS["EUPL-1.2"], spdx="EUPL-1.2"),
        }
        repo.add_commit(fake_sha("tag", name, "v0.0.1"), "2026-08-01T12:00:00Z", files)
        repo.add_commit(repo.head_sha, "2026-08-02T12:00:00Z", files)
        repo.add_tag("v0.0.1", fake_sha("tag", name, "v0.0.1"))
        repos.append(repo)
    return repos


def generated_repo(
    full_name: str,
    *,
    repo_id: int,
    tags: int,
    metadata_every: int = 5,
    license_spdx: str | None = "MIT",
    releases: bool = True,
) -> Repo:
    """A synthetic module repository with ``tags`` tags ``v1.0.0``, ``v1.0.1``, ...

    Its ``sva-module.yml`` changes every ``metadata_every`` tags (so its blob repeats in
    between); the license file is the same blob at every tag. Each tag has a release; every
    seventh is a prerelease and there is one draft (which the crawler must ignore).
    """
    repo = Repo(
        id=repo_id,
        full_name=full_name,
        default_branch="main",
        head_sha=fake_sha("head", full_name),
    )
    slug = full_name.rsplit("/", maxsplit=1)[-1]
    license_blob = (
        repo.add_blob(LICENSE_TEXTS[license_spdx], spdx=license_spdx) if license_spdx else None
    )
    files: dict[str, str] = {}
    for number in range(tags):
        name = f"v1.{number // 10}.{number % 10}"
        sha = fake_sha("commit", full_name, name)
        files = {"src/index.ts": repo.add_blob(f"export const v = '{name}';\n".encode())}
        if metadata_every:
            files["sva-module.yml"] = repo.add_blob(_module_yaml(slug, number // metadata_every))
        if license_blob:
            files["LICENSE"] = license_blob
        repo.add_commit(sha, f"2025-{number % 12 + 1:02d}-01T10:00:00Z", files)
        repo.tags.insert(0, (name, sha))
        if releases:
            repo.releases.insert(
                0,
                Release(
                    tag=name,
                    name=f"{slug} {name}",
                    body=f"Changes in {name}",
                    prerelease=number % 7 == 6,
                ),
            )
    if releases:
        repo.releases.insert(0, Release(tag="v9.9.9", name="draft", draft=True))
    repo.add_commit(repo.head_sha, "2026-01-01T10:00:00Z", files)
    return repo


def _module_yaml(slug: str, generation: int) -> bytes:
    return (
        f"schemaVersion: 1\nid: {slug}\nname: {{de: {slug}, en: {slug}}}\n"
        f"summary: {{de: Modul {slug} Stand {generation}, en: Module {slug} state {generation}}}\n"
        f'kind: standalone\nlicense: MIT\nrequires:\n  app: ">=4.{generation}.0"\n'
    ).encode()
