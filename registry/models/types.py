"""Shared column value types."""

from typing import Any

JSONValue = Any
