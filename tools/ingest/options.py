"""What the user tells the loader: column mapping, file roles, date order, year window, force.

The CLI builds these from ``--map`` / ``--mapping-file`` / ``--role`` / ``--date-order`` /
``--years`` / ``--force``; the UI from its mapping editor. Malformed items raise ``MappingError``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tools.errors import MappingError
from tools.ingest.dates import DEFAULT_YEARS
from tools.ingest.dialects import MAPPABLE_KEYS
from tools.ingest.roles import FILE_ROLES

_ORDERS = ("mdy", "dmy")
_ALL_COLUMNS = "*"


@dataclass(frozen=True)
class LoadOptions:
    """Choices the user made about an upload (all optional)."""

    roles: dict[str, str] = field(default_factory=dict)  # file name -> role
    date_orders: dict[str, str] = field(default_factory=dict)  # column header (or "*") -> mdy / dmy
    years: tuple[int, int] = DEFAULT_YEARS  # plausible years; dates outside are blanked and counted
    force: bool = False  # diagnose even when the plausibility gate finds the upload misread

    def date_order(self, column: str) -> str | None:
        """The order the user chose for ``column`` (or for every column), else None."""
        return self.date_orders.get(column) or self.date_orders.get(_ALL_COLUMNS)


def parse_mapping_overrides(items: Sequence[str], mapping_file: Path | None = None) -> dict[str, str]:
    """``["amount=Deal Value", ...]`` and/or a JSON file ``{"amount": "Deal Value"}`` -> dict.

    Command-line items win over the file. Unknown canonical names raise ``MappingError``.
    """
    overrides: dict[str, str] = {}
    if mapping_file is not None:
        overrides.update(_read_mapping_file(Path(mapping_file)))
    for item in items:
        key, sep, column = item.partition("=")
        if not sep or not key.strip() or not column.strip():
            raise MappingError(f"'{item}' is not canonical=Column", hint='Write it like --map record_id="Lead ID"')
        overrides[key.strip()] = column.strip().strip('"').strip("'")
    unknown = sorted(k for k in overrides if k not in MAPPABLE_KEYS)
    if unknown:
        raise MappingError(f"unknown canonical column {', '.join(repr(k) for k in unknown)}",
                           hint=f"Valid names: {', '.join(MAPPABLE_KEYS)}")
    return overrides


def _read_mapping_file(path: Path) -> dict[str, str]:
    try:
        payload = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise MappingError("mapping file not found", file=str(path)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise MappingError(f"the mapping file is not valid JSON ({err})", file=path.name,
                           hint='Write it like {"record_id": "Lead ID", "created_date": "Created"}') from None
    if not isinstance(payload, dict) or not all(isinstance(v, str) for v in payload.values()):
        raise MappingError("the mapping file must be one JSON object of canonical name -> column name",
                           file=path.name, hint='Write it like {"record_id": "Lead ID"}')
    return {str(k): v for k, v in payload.items()}


def parse_roles(items: Sequence[str]) -> dict[str, str]:
    """``["deals.csv=opportunities", ...]`` -> {file name: role}."""
    roles: dict[str, str] = {}
    for item in items:
        name, sep, role = item.rpartition("=")
        role = role.strip().lower()
        if not sep or not name.strip():
            raise MappingError(f"'{item}' is not FILE=ROLE", hint='Write it like --role "deals.csv=opportunities"')
        if role not in FILE_ROLES:
            raise MappingError(f"unknown role '{role}'", hint=f"Valid roles: {', '.join(FILE_ROLES)}")
        roles[Path(name.strip().strip('"')).name] = role
    return roles


def parse_date_orders(items: Sequence[str]) -> dict[str, str]:
    """``["mdy"]`` (every column) or ``["Created Date=dmy", ...]`` -> {column or "*": order}."""
    orders: dict[str, str] = {}
    for item in items:
        column, sep, order = item.rpartition("=")
        order = order.strip().lower()
        if order not in _ORDERS:
            raise MappingError(f"'{item}' is not a date order",
                               hint='Use --date-order mdy (month first) or dmy (day first), for every column, '
                                    'or for one: --date-order "Created Date=dmy"')
        orders[column.strip().strip('"') if sep else _ALL_COLUMNS] = order
    return orders


def parse_years(text: str | None) -> tuple[int, int]:
    """``"2015-2030"`` -> (2015, 2030); None -> the default window."""
    if not text:
        return DEFAULT_YEARS
    match = re.fullmatch(r"\s*(\d{4})\s*[-:–]\s*(\d{4})\s*", text)
    if not match or int(match[1]) > int(match[2]):
        raise MappingError(f"'{text}' is not a year range", hint="Write it like --years 2015-2030")
    return int(match[1]), int(match[2])
