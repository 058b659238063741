"""The bundled demo data: a registry export (docs/export-format.md) built from the real SVA facts.

``DEMO_PATH`` is the JSON file; ``scripts/build_demo_data.py`` regenerates it.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

__all__ = ["DEMO_PATH"]

DEMO_PATH: Traversable = files(__name__) / "sva-demo.json"
