"""The Frictionless ``datapackage.json`` describing the dataset, built from the table declarations.

``python -m dashboard datapackage data`` rewrites it; a test keeps the shipped copy in step.
"""

from __future__ import annotations

import json
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


def datapackage(meta: dict) -> dict:
    resources = []
    for table in TABLES.values():
        foreign_keys = [
            {
                "fields": c.name,
                "reference": {"resource": c.references, "fields": TABLES[c.references].id_column},
            }
            for c in table.columns
            if c.references in TABLES and not c.multi
        ]
        schema: dict = {"fields": [_field(c) for c in table.columns], "primaryKey": table.id_column}
        if foreign_keys:
            schema["foreignKeys"] = foreign_keys
        resources.append(
            {
                "name": table.name,
                "path": f"{table.name}.csv",
                "description": table.description,
                "format": "csv",
                "encoding": "utf-8",
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
