"""JSON Schema validation of loaded documents, turned into located Problems."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError, best_match

from registry.metadata.loader import Document, PathKey, format_path
from registry.metadata.problems import Problem

MODULE_SCHEMA = "sva-module.schema.json"
DEPLOYMENT_SCHEMA = "deployment.schema.json"
ADMIN_DOKU_SCHEMA = "admin-doku-app-module.schema.json"


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The JSON Schema shipped in ``registry/metadata/schemas/`` under ``name``."""
    text = resources.files("registry.metadata").joinpath("schemas", name).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator(name: str) -> jsonschema.protocols.Validator:
    schema = load_schema(name)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def schema_problems(document: Document, schema_name: str) -> list[Problem]:
    """Every violation of the named schema in ``document``, each with its line and field."""
    problems: list[Problem] = []
    for error in _validator(schema_name).iter_errors(document.data):
        problems.extend(_problems_from_error(document, error))
    return list(dict.fromkeys(problems))


def _problems_from_error(document: Document, error: ValidationError) -> Iterator[Problem]:
    path: PathKey = tuple(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "additionalProperties" and schema.get("additionalProperties") is False:
        for key in _unexpected_keys(error.instance, schema):
            yield document.problem((*path, key), f"unknown key '{key}'")
        return
    if error.validator == "required":
        # jsonschema raises one error per missing key without naming it as data; report every
        # missing key here and let schema_problems drop the repeats.
        for missing in _missing_keys(error):
            yield Problem(
                document.filename,
                document.line_of(path),
                None,
                format_path((*path, missing)),
                f"missing required key '{missing}'",
            )
        return
    if "propertyNames" in error.relative_schema_path:
        # jsonschema reports a bad key at its parent's path with the key as the instance.
        bad_key = str(error.instance)
        yield document.problem((*path, bad_key), f"invalid name '{bad_key}': must be a slug")
        return
    if error.validator in ("oneOf", "anyOf"):
        branch_errors = _errors_of_matching_branch(error)
        if branch_errors:
            # The value has the shape of one alternative (e.g. a mapping): its own errors
            # ("unknown key 'caps'") say more than "matches none of the alternatives".
            for branch_error in branch_errors:
                yield from _problems_from_error(document, branch_error)
            return
    yield document.problem(path, _message(document, path, error, schema))


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,), "array": (list,), "string": (str,), "boolean": (bool,),
    "integer": (int,), "number": (int, float), "null": (type(None),),
}  # fmt: skip


def _errors_of_matching_branch(error: ValidationError) -> list[ValidationError]:
    branches = error.validator_value if isinstance(error.validator_value, list) else []
    for index, branch in enumerate(branches):
        wanted = _JSON_TYPES.get(branch.get("type", "")) if isinstance(branch, dict) else None
        if wanted and isinstance(error.instance, wanted) and not isinstance(error.instance, bool):
            return [e for e in error.context or [] if e.relative_schema_path[0] == index]
    return []


def _message(
    document: Document, path: PathKey, error: ValidationError, schema: dict[str, Any]
) -> str:
    custom = schema.get("x-error")
    if error.validator in ("oneOf", "anyOf") and not custom and error.context:
        return str(best_match(error.context).message)
    message = str(custom) if custom else _short(error)
    number_text = document.number_texts.get(path)
    if number_text is not None and error.validator in ("type", "oneOf", "pattern"):
        # YAML read `4.10` as a number; tell the author how to write it as text.
        message += f" (write it quoted: '{number_text}')"
    return message


def _short(error: ValidationError) -> str:
    if error.validator == "enum":
        allowed = ", ".join(str(v) for v in error.validator_value if v is not None)
        return f"{error.instance!r} is not one of: {allowed}"
    if error.validator == "type":
        expected = _FRIENDLY_TYPES.get(str(error.validator_value), str(error.validator_value))
        return f"expected {expected}, got {_type_name(error.instance)}"
    if error.validator == "pattern":
        return f"{error.instance!r} does not match {error.validator_value}"
    return str(error.message)


_FRIENDLY_TYPES = {"object": "a mapping", "array": "a list", "string": "a text"}


def _type_name(value: Any) -> str:
    names = {
        dict: "mapping",
        list: "list",
        str: "text",
        bool: "boolean",
        int: "number",
        float: "number",
        type(None): "null",
    }
    return names.get(type(value), type(value).__name__)


def _unexpected_keys(instance: Any, schema: dict[str, Any]) -> list[str]:
    if not isinstance(instance, dict):
        return []
    known = schema.get("properties", {})
    patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
    return [
        key for key in instance if key not in known and not any(p.search(key) for p in patterns)
    ]


def _missing_keys(error: ValidationError) -> list[str]:
    instance = error.instance if isinstance(error.instance, dict) else {}
    return [str(key) for key in error.validator_value if key not in instance]
