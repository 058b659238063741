"""Architecture rule 2: crawlers never import the registry, Flask or SQLAlchemy, and
``crawlers/github.py`` is the only place that imports PyGithub."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN_IN_CRAWLERS = ("registry", "flask", "sqlalchemy", "alembic", "apscheduler")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_crawlers_import_no_registry_flask_or_sqlalchemy() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            name for name in _imports(path) if name.split(".")[0] in FORBIDDEN_IN_CRAWLERS
        )
        for path in (ROOT / "crawlers").rglob("*.py")
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_only_crawlers_github_imports_pygithub() -> None:
    importers = {
        str(path.relative_to(ROOT))
        for folder in ("crawlers", "registry", "benchmarks")
        for path in (ROOT / folder).rglob("*.py")
        if any(name.split(".")[0] == "github" for name in _imports(path))
    }
    assert importers == {"crawlers/github.py"}


def test_only_crawlers_gitlab_imports_python_gitlab() -> None:
    importers = {
        str(path.relative_to(ROOT))
        for folder in ("crawlers", "registry", "benchmarks", "tests")
        for path in (ROOT / folder).rglob("*.py")
        if any(name.split(".")[0] == "gitlab" for name in _imports(path))
    }
    assert importers == {"crawlers/gitlab.py"}
