"""Module and deployment metadata: loading with line numbers, validation, importers, export.

Pure functions over files and text; no database. The public API is re-exported here.
"""

from registry.metadata.deployment import (
    load_deployment_file,
    load_deployment_text,
    validate_deployment_document,
)
from registry.metadata.module import ModuleMetadata, load_module_file, parse_module_text
from registry.metadata.problems import MetadataError, Problem
from registry.metadata.slugs import is_valid_slug, normalize_slug

__all__ = [
    "MetadataError",
    "ModuleMetadata",
    "Problem",
    "is_valid_slug",
    "load_deployment_file",
    "load_deployment_text",
    "load_module_file",
    "normalize_slug",
    "parse_module_text",
    "validate_deployment_document",
]
