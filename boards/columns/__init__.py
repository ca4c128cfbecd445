"""Custom column types: their settings, their values and conversions between types.

Pure Python, no database: services call these and check ids against the database themselves.
"""

from boards.columns.conversion import convert_value
from boards.columns.types import (
    COLUMN_TYPES,
    COMPUTED_TYPES,
    OPTION_TYPES,
    ROLLUP_FUNCTIONS,
    ColumnValueError,
    is_empty,
    validate_settings,
)
from boards.columns.values import validate_value

__all__ = [
    "COLUMN_TYPES",
    "COMPUTED_TYPES",
    "OPTION_TYPES",
    "ROLLUP_FUNCTIONS",
    "ColumnValueError",
    "convert_value",
    "is_empty",
    "validate_settings",
    "validate_value",
]
