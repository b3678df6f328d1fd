"""File roles: what kind of table each uploaded file is, from its headers and its values.

``leads`` (one row per lead / contact / MQL), ``opportunities`` (one row per deal), the lookup
tables ``accounts`` and ``owners`` (they enrich dimensions and are never loaded as records),
``targets``, or ``unknown`` (e.g. a product list: the funnel has no product dimension).

The decision reads the mapped keys (``tools.ingest.dialects``) and the stage/status values of
the file's first rows: ``New / Working / Qualified`` are lead statuses, ``Prospecting / Won /
Lost`` opportunity stages, whatever the column is called.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

import pyarrow as pa

from tools.ingest.headers import entity_of, looks_like, normalise_name
from tools.ingest.kinds import phase_shares
from tools.ingest.synonyms import ACCOUNT_TABLE_HEADERS, OWNER_TABLE_HEADERS, PRODUCT_TABLE_HEADERS
from tools.ingest.target_names import looks_like_targets
from tools.ingest.vocabulary import LEAD_PHASES

FileRole = Literal["leads", "opportunities", "accounts", "owners", "targets", "unknown"]
FILE_ROLES: tuple[str, ...] = get_args(FileRole)
#: Roles whose rows are records (journeys); the others are lookups, targets or ignored.
RECORD_ROLES: tuple[str, ...] = ("leads", "opportunities")

#: Keys only a lead/contact table has.
LEAD_KEYS = frozenset({"mql_date", "sql_date", "first_touch_date", "converted_opportunity_id", "converted_flag"})
#: Keys only an opportunity/deal table has.
OPPORTUNITY_KEYS = frozenset({"opportunity_id", "close_date", "won_flag", "closed_flag", "decision_date"})
#: Keys that make a table a table of funnel records (anything else is a lookup at most).
RECORD_KEYS = LEAD_KEYS | OPPORTUNITY_KEYS | frozenset(
    {"stage", "status", "opportunity_date", "won_date", "lost_date", "amount", "churn_date", "contact_id"})
_DIMENSIONS = frozenset({"industry", "employee_count", "segment", "region"})
_LEAD_WORDS = ("lead", "contact", "prospect", "person", "mql", "リード", "コンタクト", "見込み客", "顧客")
_DEAL_WORDS = ("opportunit", "deal", "商談", "取引", "案件")


@dataclass(frozen=True)
class RoleDecision:
    """A file's role and why (shown next to it in the load report)."""

    role: str
    reason: str


def _says(text: str, words: tuple[str, ...]) -> bool:
    name = normalise_name(text)
    return any(w in name for w in words)


def _phase_lean(columns: dict[str, str], sample: pa.Table | None) -> tuple[int, int]:
    """Sampled rows whose stage/status values are lead statuses vs opportunity stages."""
    lead = deal = 0
    for key in ("stage", "status"):
        header = columns.get(key)
        if header is None or sample is None or header not in sample.column_names:
            continue
        for phase, count in phase_shares(sample.column(header)).items():
            if phase in LEAD_PHASES:
                lead += count
            elif phase != "?":
                deal += count
    return lead, deal


def classify(name: str, headers: list[str], columns: dict[str, str], sample: pa.Table | None) -> RoleDecision:
    """The role of one file (see the module docstring)."""
    keys = set(columns)
    if looks_like_targets(headers):
        return RoleDecision("targets", "a period column with target metrics")
    record_keys = keys & RECORD_KEYS
    if not record_keys and not (keys & {"created_date"} and _says(columns.get("record_id", ""), _LEAD_WORDS)):
        lookup = _lookup_role(headers, keys)
        if lookup is not None:
            return lookup
    entities = {e for e in (entity_of(h) for h in headers) if e}
    if "deal" in entities or "opportunity" in entities:
        return RoleDecision("opportunities", "Deal - … export columns")
    if entities & {"lead", "person", "contact"}:
        return RoleDecision("leads", "Lead / Person - … export columns")
    lead_lean, deal_lean = _phase_lean(columns, sample)
    id_header = columns.get("record_id", "")
    if keys & LEAD_KEYS:
        found = sorted(keys & LEAD_KEYS)
        return RoleDecision("leads", f"lead columns ({', '.join(columns[k] for k in found)})")
    if "opportunity_id" in keys:
        return RoleDecision("opportunities", f"an opportunity id column ('{columns['opportunity_id']}')")
    if deal_lean > lead_lean and not _says(id_header, _LEAD_WORDS):
        return RoleDecision("opportunities", f"opportunity stages in '{columns.get('stage') or columns['status']}'")
    if lead_lean > deal_lean:
        return RoleDecision("leads", f"lead statuses in '{columns.get('stage') or columns['status']}'")
    outcome = keys & {"won_date", "lost_date", "close_date", "amount", "won_flag"}
    if outcome and "created_date" not in keys and "stage" not in keys and "status" not in keys:
        return RoleDecision("opportunities", f"deal outcomes without a lead stage ({', '.join(sorted(outcome))})")
    if _says(id_header, _DEAL_WORDS) or _says(name, _DEAL_WORDS):
        return RoleDecision("opportunities", f"deal / opportunity ids ('{id_header or name}')")
    if "record_id" in keys or record_keys or "created_date" in keys:
        return RoleDecision("leads", "one row per record" + (f" ('{id_header}')" if id_header else ""))
    return RoleDecision("unknown", "no id, stage or date column was recognised")


def _lookup_role(headers: list[str], keys: set[str]) -> RoleDecision | None:
    """accounts / owners / a product list, for a file without funnel columns (None: records)."""
    if looks_like(headers, OWNER_TABLE_HEADERS) >= 2:
        return RoleDecision("owners", "one row per sales rep / user (role, team, manager columns)")
    record_id = "record_id" in keys
    if looks_like(headers, ACCOUNT_TABLE_HEADERS):
        return RoleDecision("accounts", "one row per account with firmographics")
    if "account" in keys and not record_id:
        return RoleDecision("accounts", "one row per account" + (" with firmographics" if keys & _DIMENSIONS else ""))
    if "owner" in keys and not record_id:
        return RoleDecision("owners", "one row per sales rep")
    if looks_like(headers, PRODUCT_TABLE_HEADERS) and not record_id:
        return RoleDecision("unknown", "a product list: the funnel has no product dimension, so it is not used")
    return None
