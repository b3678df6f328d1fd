"""Write a canonical frame as a CRM would export it, in each supported dialect.

Used by the demo (``revops sample``) and by tests that load the same data from every dialect.
Each writer produces what the real tool's report looks like (headers, stage labels, date and
amount formats, encoding), and nothing the loader could not read back to the same stage reach.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Literal, get_args

import numpy as np
import pandas as pd

from tools.dataset import coerce_canonical, derive_stage_flags
from tools.schema import CANONICAL_COLUMNS, REACHED_COLUMNS, STAGES

ExportDialect = Literal["canonical", "hubspot", "salesforce", "opportunity_only", "japanese"]
EXPORT_DIALECTS: tuple[str, ...] = get_args(ExportDialect)

_OPEN_PHASES = ("prospecting", "engaging", "proposal", "negotiation", "commit")
_HUBSPOT_LIFECYCLE = {"lead": "lead", "mql": "marketingqualifiedlead", "sql": "salesqualifiedlead",
                      "opportunity": "opportunity", "won": "customer"}
_HUBSPOT_DEAL = {"prospecting": "appointmentscheduled", "engaging": "qualifiedtobuy",
                 "proposal": "presentationscheduled", "negotiation": "decisionmakerboughtin",
                 "commit": "contractsent", "won": "closedwon", "lost": "closedlost"}
_SF_LEAD_STATUS = {"lead": "Open - Not Contacted", "mql": "Working - Contacted", "sql": "Qualified"}
_SF_STAGE = {"prospecting": "Prospecting", "engaging": "Qualification", "proposal": "Proposal/Price Quote",
             "negotiation": "Negotiation/Review", "commit": "Commit", "won": "Closed Won", "lost": "Closed Lost"}
_SIMPLE_STAGE = {"prospecting": "Prospecting", "engaging": "Engaging", "proposal": "Proposal",
                 "negotiation": "Negotiation", "commit": "Commit", "won": "Won", "lost": "Lost"}
_JA_PHASE = {"lead": "リード", "mql": "MQL", "sql": "SQL", "prospecting": "アプローチ", "engaging": "ヒアリング",
             "proposal": "提案", "negotiation": "交渉", "commit": "内示", "won": "受注", "lost": "失注"}
_JA_SEGMENT = {"SMB": "中小企業", "Mid-Market": "中堅企業", "Enterprise": "大企業"}
_JA_HEADERS = {"record_id": "リードID", "created_date": "作成日", "mql_date": "MQL化日",
               "first_touch_date": "初回接触日", "sql_date": "SQL化日", "opportunity_date": "商談化日",
               "won_date": "受注日", "lost_date": "失注日", "amount": "金額", "churn_date": "解約日",
               "lead_source": "リードソース", "segment": "企業規模", "industry": "業種",
               "employee_count": "従業員数", "icp_fit": "ICP適合", "owner": "担当者", "region": "地域",
               "phase": "フェーズ"}


def write_export(frame: pd.DataFrame, dialect: str, outdir: Path, *, encoding: str | None = None) -> list[Path]:
    """Write ``frame`` (canonical columns) as ``dialect`` exports into ``outdir``; return the paths.

    Args:
        frame: canonical table (``record_id``, ``created_date``, ... as in SPEC §3).
        dialect: one of ``canonical``, ``hubspot`` (contacts.csv + deals.csv), ``salesforce``
            (leads.csv + opportunities.csv), ``opportunity_only``, ``japanese`` (CP932).
        outdir: folder to write into (created if needed).
        encoding: override the dialect's usual encoding (e.g. ``utf-8-sig``).
    """
    writers: dict[str, Callable[[pd.DataFrame, Path, str | None], list[Path]]] = {
        "canonical": _canonical, "hubspot": _hubspot, "salesforce": _salesforce,
        "opportunity_only": _opportunity_only, "japanese": _japanese,
    }
    if dialect not in writers:
        raise ValueError(f"unknown export dialect '{dialect}'; valid: {', '.join(EXPORT_DIALECTS)}")
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    canonical = coerce_canonical(frame[[c for c in CANONICAL_COLUMNS if c in frame]])
    return writers[dialect](canonical, outdir, encoding)


# --- helpers -----------------------------------------------------------------------------------------

def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[name] if name in frame else pd.Series(pd.NA, index=frame.index, dtype="object")


def _dates(series: pd.Series, fmt: str) -> pd.Series:
    if not pd.api.types.is_datetime64_any_dtype(series):
        return pd.Series("", index=series.index)
    return series.dt.strftime(fmt).fillna("").astype(object)


def _text(series: pd.Series, mapping: dict[str, str] | None = None) -> pd.Series:
    values = series.astype(object).where(series.notna(), None)
    if mapping:
        values = values.map(lambda v: mapping.get(v, v) if v is not None else None)
    return values.fillna("")


def _amounts(series: pd.Series, fmt: str) -> pd.Series:
    numbers = pd.to_numeric(series, errors="coerce")
    return numbers.map(lambda v: "" if pd.isna(v) else fmt.format(v)).astype(object)


def _status(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Furthest stage reached (lead..won) and the phase to export (given phase, else from reach)."""
    flags = derive_stage_flags(frame)
    furthest = pd.Series("lead", index=frame.index, dtype=object)
    for stage in STAGES:
        furthest = furthest.where(~flags[REACHED_COLUMNS[stage]], stage)
    phase = _col(frame, "phase").astype(object).where(_col(frame, "phase").notna(), None)
    fallback = furthest.where(furthest != "opportunity", "prospecting")
    fallback = fallback.where(~flags["is_lost"], "lost")
    return furthest, phase.fillna(fallback)


def _opportunity_created(frame: pd.DataFrame) -> pd.Series:
    """A CRM opportunity always has a created date: the opportunity date, else the last earlier one."""
    created = _col(frame, "opportunity_date")
    for fallback in ("sql_date", "mql_date", "created_date"):
        if fallback in frame:
            created = created.fillna(frame[fallback]) if pd.api.types.is_datetime64_any_dtype(created) else frame[fallback]
    return created


def _close_date(frame: pd.DataFrame) -> pd.Series:
    return _col(frame, "won_date").fillna(_col(frame, "lost_date"))


def _write(table: pd.DataFrame, path: Path, encoding: str) -> Path:
    table.to_csv(path, index=False, encoding=encoding, errors="replace", lineterminator="\r\n"
                 if encoding == "cp932" else "\n")
    return path


def _fmt(frame: pd.DataFrame, column: str, fmt: str) -> pd.Series:
    return _dates(_col(frame, column), fmt)


# --- dialects --------------------------------------------------------------------------------------

def _canonical(frame: pd.DataFrame, outdir: Path, encoding: str | None) -> list[Path]:
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = _dates(out[column], "%Y-%m-%d %H:%M:%S").str.replace(" 00:00:00", "", regex=False)
    return [_write(out, outdir / "canonical.csv", encoding or "utf-8")]


def _hubspot(frame: pd.DataFrame, outdir: Path, encoding: str | None) -> list[Path]:
    furthest, phase = _status(frame)
    when = "%Y-%m-%d %H:%M"
    contacts = pd.DataFrame({
        "Record ID": _text(frame["record_id"]),
        "Create Date": _fmt(frame, "created_date", when),
        "Lifecycle Stage": furthest.map(_HUBSPOT_LIFECYCLE),
        "Became a Marketing Qualified Lead Date": _fmt(frame, "mql_date", when),
        "Date of first engagement": _fmt(frame, "first_touch_date", when),
        "Became a Sales Qualified Lead Date": _fmt(frame, "sql_date", when),
        "Became an Opportunity Date": _fmt(frame, "opportunity_date", when),
        "Became a Customer Date": _fmt(frame, "won_date", when),
        "Churn Date": _fmt(frame, "churn_date", when),
        "Original Source": _text(_col(frame, "lead_source")),
        "Segment": _text(_col(frame, "segment")),
        "Industry": _text(_col(frame, "industry")),
        "Number of Employees": _amounts(_col(frame, "employee_count"), "{:.0f}"),
        "ICP Fit": _text(_col(frame, "icp_fit"), {"yes": "true", "no": "false"}),
        "Contact owner": _text(_col(frame, "owner")),
        "Country/Region": _text(_col(frame, "region")),
    })
    has_deal = furthest.isin(["opportunity", "won"])
    deals_from = frame[has_deal]
    deal_phase = phase[has_deal].where(phase[has_deal].isin(_HUBSPOT_DEAL), "prospecting")
    deals = pd.DataFrame({
        "Deal ID": [f"D{i:07d}" for i in range(1, len(deals_from) + 1)],
        "Deal Name": "Deal " + _text(deals_from["record_id"]).astype(str),
        "Deal Stage": deal_phase.map(_HUBSPOT_DEAL),
        "Amount": _amounts(_col(deals_from, "amount"), "{:.0f}"),
        "Create Date": _dates(_opportunity_created(deals_from), when),
        "Close Date": _dates(_close_date(deals_from), when),
        "Pipeline": "Sales Pipeline",
        "Deal owner": _text(_col(deals_from, "owner")),
        "Associated Contact IDs": _text(deals_from["record_id"]),
    })
    enc = encoding or "utf-8"
    return [_write(contacts, outdir / "hubspot_contacts.csv", enc), _write(deals, outdir / "hubspot_deals.csv", enc)]


def _salesforce(frame: pd.DataFrame, outdir: Path, encoding: str | None) -> list[Path]:
    furthest, phase = _status(frame)
    us = "%m/%d/%Y"
    has_opp = furthest.isin(["opportunity", "won"])
    opp_ids = pd.Series([f"006{i:012d}" for i in range(1, len(frame) + 1)], index=frame.index).where(has_opp, "")
    status = furthest.map(_SF_LEAD_STATUS).where(~has_opp, "Closed - Converted")
    leads = pd.DataFrame({
        "Lead ID": _text(frame["record_id"]),
        "Created Date": _fmt(frame, "created_date", us + " %I:%M %p"),
        "Lead Status": status,
        "MQL Date": _fmt(frame, "mql_date", us),
        "First Call Date": _fmt(frame, "first_touch_date", us + " %I:%M %p"),
        "SQL Date": _fmt(frame, "sql_date", us),
        "Converted Date": _fmt(frame, "opportunity_date", us),
        "Converted Opportunity ID": opp_ids,
        "Lead Source": _text(_col(frame, "lead_source")),
        "Segment": _text(_col(frame, "segment")),
        "Industry": _text(_col(frame, "industry")),
        "Employees": _amounts(_col(frame, "employee_count"), "{:.0f}"),
        "ICP Fit": _text(_col(frame, "icp_fit"), {"yes": "Y", "no": "N"}),
        "Lead Owner": _text(_col(frame, "owner")),
        "Region": _text(_col(frame, "region")),
    })
    opps_from = frame[has_opp]
    opp_phase = phase[has_opp].where(phase[has_opp].isin(_SF_STAGE), "prospecting")
    opps = pd.DataFrame({
        "Opportunity ID": opp_ids[has_opp],
        "Opportunity Name": "Opportunity " + _text(opps_from["record_id"]).astype(str),
        "Stage": opp_phase.map(_SF_STAGE),
        "Amount": _amounts(_col(opps_from, "amount"), "JPY {:,.0f}"),  # a multi-currency org's report
        "Close Date": _dates(_close_date(opps_from), us),
        "Created Date": _dates(_opportunity_created(opps_from), us),
        "Opportunity Owner": _text(_col(opps_from, "owner")),
        "Churn Date": _fmt(opps_from, "churn_date", us),
    })
    enc = encoding or "utf-8"
    return [_write(leads, outdir / "salesforce_leads.csv", enc),
            _write(opps, outdir / "salesforce_opportunities.csv", enc)]


def _opportunity_only(frame: pd.DataFrame, outdir: Path, encoding: str | None) -> list[Path]:
    furthest, phase = _status(frame)
    has_opp = furthest.isin(["opportunity", "won"])
    source = frame[has_opp]
    opp_phase = phase[has_opp].where(phase[has_opp].isin(_SIMPLE_STAGE), "prospecting")
    opps = pd.DataFrame({
        "Opportunity ID": _text(source["record_id"]),
        "Stage": opp_phase.map(_SIMPLE_STAGE),
        "Amount": _amounts(_col(source, "amount"), "{:,.0f}"),
        "Created Date": _dates(_opportunity_created(source), "%Y-%m-%d"),
        "Close Date": _dates(_close_date(source), "%Y-%m-%d"),
        "Lead Source": _text(_col(source, "lead_source")),
        "Segment": _text(_col(source, "segment")),
        "Owner": _text(_col(source, "owner")),
    })
    return [_write(opps, outdir / "opportunities.csv", encoding or "utf-8")]


def _japanese(frame: pd.DataFrame, outdir: Path, encoding: str | None) -> list[Path]:
    _, phase = _status(frame)
    out = pd.DataFrame(index=frame.index)
    for column, header in _JA_HEADERS.items():
        if column == "phase":
            out[header] = phase.map(_JA_PHASE)
        elif column not in frame:
            continue
        elif pd.api.types.is_datetime64_any_dtype(frame[column]):
            out[header] = _dates(frame[column], "%Y/%m/%d %H:%M").str.replace(" 00:00", "", regex=False)
        elif column == "amount":
            out[header] = _amounts(frame[column], "￥{:,.0f}")  # full-width: CP932 has no U+00A5
        elif column == "employee_count":
            out[header] = _amounts(frame[column], "{:.0f}")
        elif column == "segment":
            out[header] = _text(frame[column], _JA_SEGMENT)
        elif column == "icp_fit":
            out[header] = _text(frame[column], {"yes": "はい", "no": "いいえ"})
        else:
            out[header] = _text(frame[column])
    return [_write(out, outdir / "japanese_leads.csv", encoding or "cp932")]


def expected_reach(frame: pd.DataFrame) -> dict[str, int]:
    """Reached count per stage of a canonical frame (what every dialect must load back to)."""
    flags = derive_stage_flags(coerce_canonical(frame))
    return {stage: int(np.sum(flags[REACHED_COLUMNS[stage]])) for stage in STAGES}
