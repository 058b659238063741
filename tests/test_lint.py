"""The code style and typing rules of CONVENTIONS are checked with the tests, not by hand."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]
BIN = Path(sys.executable).parent


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff_finds_nothing():
    result = run(str(BIN / "ruff"), "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_on_engine_crawlers_and_settings():
    result = run(
        str(BIN / "mypy"),
        "--follow-imports=silent",
        "registry/compat",
        "crawlers",
        "registry/config.py",
    )
    assert result.returncode == 0, result.stdout + result.stderr
