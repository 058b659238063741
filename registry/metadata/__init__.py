"""Module and deployment metadata: loading with line numbers, validation, importers, export.

Pure functions over files and text; no database. The public API is re-exported here.
"""

from registry.metadata.deployment import (
    load_deployment_file,
    load_deployment_text,
    validate_deployment_document,
)
from registry.metadata.files import (
    detect_kind,
    import_file,
    import_path,
    merged_modules,
    validate_file,
    validate_files,
)
from registry.metadata.importers.admin_doku import import_admin_doku_file, import_admin_doku_text
from registry.metadata.importers.introspection import (
    capabilities_from_introspection,
    import_introspection_file,
    import_introspection_text,
)
from registry.metadata.importers.publiccode import (
    import_publiccode_file,
    import_publiccode_text,
    to_publiccode,
)
from registry.metadata.importers.report import ImportReport
from registry.metadata.importers.studio import (
    import_studio_manifest_file,
    import_studio_manifest_text,
)
from registry.metadata.module import (
    ModuleMetadata,
    load_module_file,
    parse_module_bytes,
    parse_module_text,
)
from registry.metadata.problems import MetadataError, Problem
from registry.metadata.slugs import is_valid_slug, normalize_slug

__all__ = [
    "ImportReport",
    "MetadataError",
    "ModuleMetadata",
    "Problem",
    "capabilities_from_introspection",
    "detect_kind",
    "import_admin_doku_file",
    "import_admin_doku_text",
    "import_file",
    "import_introspection_file",
    "import_introspection_text",
    "import_path",
    "import_publiccode_file",
    "import_publiccode_text",
    "import_studio_manifest_file",
    "import_studio_manifest_text",
    "is_valid_slug",
    "load_deployment_file",
    "load_deployment_text",
    "load_module_file",
    "merged_modules",
    "normalize_slug",
    "parse_module_bytes",
    "parse_module_text",
    "to_publiccode",
    "validate_deployment_document",
    "validate_file",
    "validate_files",
]
