"""Values made JSON-safe for JSONField rows and audit details."""

import datetime
import decimal
from typing import Any


def jsonable(value: Any) -> Any:
    """Dates become ISO strings, decimals strings, containers are walked; any
    other object becomes its string."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return str(value)
