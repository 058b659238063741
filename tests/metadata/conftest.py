"""Paths to the metadata fixtures (copies of the real SVA files) and the schema examples."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "metadata"
EXAMPLES = ROOT / "schemas" / "examples"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES
