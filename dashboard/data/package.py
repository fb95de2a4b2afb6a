"""The Frictionless ``datapackage.json`` describing the dataset, built from the table declarations.

``python -m dashboard datapackage data`` rewrites it; a test keeps the shipped copy in step.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from pathlib import Path

from dashboard.data.tables import TABLES, Column

FRICTIONLESS_TYPES = {
    "id": "string",
    "text": "string",
    "url": "string",
    "date": "date",
    "int": "integer",
    "float": "number",
    "bool": "boolean",
}


def _field(column: Column) -> dict:
    field: dict = {
        "name": column.name,
        "type": FRICTIONLESS_TYPES[column.kind],
        "description": column.description,
    }
    constraints: dict = {}
    if column.required:
        constraints["required"] = True
    if column.unique:
        constraints["unique"] = True
    if column.allowed and not column.multi:
        constraints["enum"] = list(column.allowed)
    if column.value_range:
        constraints["minimum"], constraints["maximum"] = column.value_range
    if column.max_length:
        constraints["maxLength"] = column.max_length
    if column.kind == "url":
        constraints["pattern"] = "https?://.+"
    if constraints:
        field["constraints"] = constraints
    if column.kind == "date":
        field["format"] = "%Y-%m-%d"
    return field


def datapackage(
    meta: dict,
    formats: Mapping[str, str] | None = None,
    optional: Mapping[str, Collection[str]] | None = None,
) -> dict:
    """The data package: ``formats`` names tables stored other than as CSV (``"parquet"``);
    ``optional`` the optional columns each table's file holds (none by default)."""
    formats, optional = formats or {}, optional or {}
    resources = []
    for table in TABLES.values():
        present = set(optional.get(table.name, ()))
        columns = [c for c in table.columns if not c.optional or c.name in present]
        file_format = formats.get(table.name, "csv")
        foreign_keys = [
            {
                "fields": c.name,
                "reference": {"resource": c.references, "fields": TABLES[c.references].id_column},
            }
            for c in table.columns
            if c.references in TABLES and not c.multi
        ]
        schema: dict = {"fields": [_field(c) for c in columns], "primaryKey": table.id_column}
        if foreign_keys:
            schema["foreignKeys"] = foreign_keys
        resources.append(
            {
                "name": table.name,
                "path": f"{table.name}.{file_format}",
                "description": table.description,
                "format": file_format,
                **({"encoding": "utf-8"} if file_format == "csv" else {}),
                "schema": schema,
            }
        )
    return {**meta, "resources": resources}


def write_datapackage(directory: Path, meta: dict) -> Path:
    path = directory / "datapackage.json"
    path.write_text(
        json.dumps(datapackage(meta), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return path
