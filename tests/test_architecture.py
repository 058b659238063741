"""Dependencies point inward (CONVENTIONS): the engine is pure, crawlers know no registry."""

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
STDLIB = set(sys.stdlib_module_names)
SHARED = "../" + "shared"


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def python_files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("path", python_files("registry/compat"), ids=lambda p: p.name)
def test_engine_imports_only_stdlib_packaging_resolvelib_license_expression(path):
    allowed_roots = STDLIB | {"packaging", "resolvelib", "license_expression"}
    for name in imports_of(path):
        root = name.split(".")[0]
        assert root in allowed_roots or name.startswith("registry.compat"), (path, name)


@pytest.mark.parametrize("path", python_files("crawlers"), ids=lambda p: p.name)
def test_crawlers_never_import_registry_flask_or_sqlalchemy(path):
    for name in imports_of(path):
        root = name.split(".")[0]
        assert root not in {"registry", "flask", "sqlalchemy"}, (path, name)
        if root == "github":
            assert path.name == "github.py", (
                f"PyGithub is imported only in crawlers/github.py: {path}"
            )


def test_the_checks_see_files():
    # Guard against the parametrized tests silently checking nothing.
    assert len(python_files("registry/compat")) >= 3
    assert len(python_files("crawlers")) >= 3


def test_nothing_reads_the_shared_folder():
    offenders = []
    for path in [
        *ROOT.glob("registry/**/*"),
        *ROOT.glob("crawlers/**/*"),
        *ROOT.glob("tests/**/*"),
    ]:
        readable = path.is_file() and path.suffix in {".py", ".json", ".yml", ".yaml", ".toml"}
        if readable and SHARED in path.read_text(encoding="utf-8", errors="ignore"):
            offenders.append(path)
    assert offenders == []


def test_importing_the_engine_loads_no_web_or_database_code():
    import subprocess

    code = (
        "import sys, registry.compat, crawlers.github; "
        "print(sorted(m for m in ('flask', 'sqlalchemy', 'registry.web', 'registry.models') "
        "if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip() == "[]"
