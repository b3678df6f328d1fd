"""CRM export dialects: header synonyms (English + Japanese), dialect detection, value normalisation.

Headers are matched after normalisation (NFKC full-width -> half-width, case-folded, spaces and
punctuation removed), so ``Lead ID``, ``lead_id`` and ``ＬＥＡＤ　ＩＤ`` are the same name.
Besides the canonical columns of SPEC §3 a file may carry *link* columns used only for joining
(``opportunity_id``, ``converted_opportunity_id``, ``contact_id``) and *raw* columns the loader
turns into canonical ones (``stage`` and ``status`` -> ``phase``; ``close_date`` -> won/lost dates).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from tools.ingest.parsing import clean_text
from tools.schema import CANONICAL_COLUMNS, PHASE_COLUMN

#: Non-canonical keys a file may map: join keys and raw stage/close columns.
LINK_KEYS: tuple[str, ...] = ("opportunity_id", "converted_opportunity_id", "contact_id")
RAW_KEYS: tuple[str, ...] = ("stage", "status", "close_date")
#: Every key a header (or a ``--map`` override) may map to.
MAPPABLE_KEYS: tuple[str, ...] = tuple(c for c in CANONICAL_COLUMNS if c != PHASE_COLUMN) + (
    (PHASE_COLUMN,) + LINK_KEYS + RAW_KEYS
)

SYNONYMS: dict[str, tuple[str, ...]] = {
    "record_id": ("record_id", "Record ID", "Contact ID", "Lead ID", "ID", "Id", "Lead Id",
                  "リードID", "レコードID", "顧客ID", "コンタクトID", "取引先責任者ID"),
    "created_date": ("created_date", "Create Date", "Created Date", "Created", "Created At",
                     "Date Created", "Lead Created Date", "作成日", "作成日時", "登録日", "リード作成日",
                     "リード獲得日", "獲得日"),
    "mql_date": ("mql_date", "MQL Date", "Became a Marketing Qualified Lead Date",
                 "Marketing Qualified Date", "MQL化日", "MQL日", "MQL化した日"),
    "first_touch_date": ("first_touch_date", "First Touch Date", "First Contact Date",
                         "Date of first engagement", "First Activity Date", "First Call Date",
                         "初回接触日", "初回対応日", "初回コンタクト日"),
    "sql_date": ("sql_date", "SQL Date", "Became a Sales Qualified Lead Date", "Sales Qualified Date",
                 "SQL化日", "SQL日"),
    "opportunity_date": ("opportunity_date", "Opportunity Date", "Became an Opportunity Date",
                         "Opportunity Created Date", "Converted Date", "商談化日", "商談作成日"),
    "won_date": ("won_date", "Won Date", "Closed Won Date", "Became a Customer Date", "受注日", "成約日"),
    "lost_date": ("lost_date", "Lost Date", "Closed Lost Date", "失注日"),
    "churn_date": ("churn_date", "Churn Date", "Churned Date", "Cancellation Date", "解約日"),
    "amount": ("amount", "Amount", "Deal Amount", "Opportunity Amount", "ACV", "Annual Contract Value",
               "金額", "受注金額", "商談金額", "契約金額"),
    "lead_source": ("lead_source", "Lead Source", "Original Source", "Source", "リードソース",
                    "流入経路", "獲得チャネル", "リード獲得元"),
    "segment": ("segment", "Segment", "Company Size", "企業規模", "セグメント"),
    "industry": ("industry", "Industry", "業種"),
    "employee_count": ("employee_count", "Employee Count", "Number of Employees", "Employees",
                       "従業員数"),
    "icp_fit": ("icp_fit", "ICP Fit", "ICP", "ICP適合", "ICPフィット", "ICP該当"),
    "owner": ("owner", "Owner", "Contact owner", "Deal owner", "Lead Owner", "Opportunity Owner",
              "Owner Name", "担当者", "担当", "所有者", "営業担当"),
    "region": ("region", "Region", "Country/Region", "Country", "地域", "エリア"),
    "phase": ("phase",),
    "stage": ("Stage", "Deal Stage", "Opportunity Stage", "Phase", "フェーズ", "商談フェーズ", "ステージ"),
    "status": ("Lead Status", "Lifecycle Stage", "Status", "ステータス", "リードステータス"),
    "opportunity_id": ("opportunity_id", "Opportunity ID", "Deal ID", "商談ID"),
    "converted_opportunity_id": ("converted_opportunity_id", "Converted Opportunity ID",
                                 "変換済み商談ID", "取引開始済み商談ID"),
    "contact_id": ("Associated Contact IDs", "Associated Contact ID", "Associated Contact"),
    "close_date": ("Close Date", "Closed Date", "Expected Close Date", "完了予定日", "クローズ日"),
}

_PUNCT = re.compile(r"[\W_]+", re.UNICODE)


def normalise_name(text: object) -> str:
    """Normalise a header or a categorical value for matching (NFKC, case, spaces, punctuation)."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", str(text)).casefold())


SYNONYM_INDEX: dict[str, str] = {normalise_name(s): key for key, names in SYNONYMS.items() for s in names}

_HUBSPOT = {normalise_name(s) for s in (
    "Record ID", "Create Date", "Became a Marketing Qualified Lead Date", "Became a Customer Date",
    "Became a Sales Qualified Lead Date", "Became an Opportunity Date", "Lifecycle Stage",
    "Original Source", "Contact owner", "Deal ID", "Deal Stage", "Deal owner", "Associated Contact IDs")}
_SALESFORCE = {normalise_name(s) for s in (
    "Lead ID", "Lead Status", "Converted Date", "Converted Opportunity ID", "Opportunity ID",
    "Lead Owner", "Opportunity Owner", "Created Date")}
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")


@dataclass
class FileMapping:
    """How one file's headers map onto canonical/link/raw keys, and what kind of file it is."""

    columns: dict[str, str] = field(default_factory=dict)  # key -> original header
    role: str = "leads"  # "leads" (one row per lead/contact) or "opportunities"
    dialect: str = "generic"


def match_headers(headers: Sequence[str], overrides: dict[str, str] | None = None) -> FileMapping:
    """Map headers by synonym, apply user overrides found in this file, detect role and dialect."""
    columns: dict[str, str] = {}
    for header in headers:
        key = SYNONYM_INDEX.get(normalise_name(header))
        if key and key not in columns:
            columns[key] = header
    by_norm = {normalise_name(h): h for h in reversed(headers)}
    for key, wanted in (overrides or {}).items():
        chosen = by_norm.get(normalise_name(wanted))
        if chosen is None:
            continue
        columns = {k: h for k, h in columns.items() if h != chosen and k != key}
        columns[key] = chosen
    if "phase" in columns and "stage" not in columns:
        columns["stage"] = columns.pop("phase")
    role = "leads"
    if "opportunity_id" in columns or (
        "stage" in columns and not {"mql_date", "sql_date", "opportunity_date", "status"} & set(columns)
        and normalise_name(columns["stage"]) != "phase"
    ):
        role = "opportunities"
    if role == "opportunities" and "opportunity_id" not in columns and "record_id" in columns:
        columns["opportunity_id"] = columns.pop("record_id")
    if role == "opportunities" and "record_id" in columns:
        columns.setdefault("contact_id", columns.pop("record_id"))
    return FileMapping(columns=columns, role=role, dialect=_detect_dialect(headers, columns, role))


def _detect_dialect(headers: Sequence[str], columns: dict[str, str], role: str) -> str:
    normalised = {normalise_name(h) for h in headers}
    canonical_names = set(CANONICAL_COLUMNS) | set(LINK_KEYS)
    if columns and all(h in canonical_names for h in columns.values()):
        return "opportunity_only" if role == "opportunities" else "canonical"
    if any(_CJK.search(h) for h in headers):
        return "japanese"
    if normalised & _HUBSPOT and ({"recordid", "dealid", "dealstage"} & normalised or
                                  any(n.startswith("became") for n in normalised)):
        return "hubspot_deals" if role == "opportunities" else "hubspot_contacts"
    if normalised & _SALESFORCE and {"leadid", "opportunityid", "leadstatus"} & normalised:
        return "salesforce_opportunities" if role == "opportunities" else "salesforce_leads"
    return "opportunity_only" if role == "opportunities" else "generic"


def overall_dialect(dialects: Iterable[str], roles: Iterable[str]) -> str:
    """One label for the whole upload: a vendor family, ``opportunity_only`` or ``a+b``."""
    families = sorted({d.split("_")[0] if d.startswith(("hubspot", "salesforce")) else d for d in dialects})
    if set(roles) == {"opportunities"}:
        return "opportunity_only"
    return "+".join(families) if families else "canonical"


def accepted_names(key: str, limit: int = 8) -> list[str]:
    """A few header names accepted for ``key`` (for error hints)."""
    return [s for s in SYNONYMS.get(key, (key,)) if s != key][:limit]


# --- value normalisation ---------------------------------------------------------------------------

_PHASE_NAMES: dict[str, tuple[str, ...]] = {
    "lead": ("lead", "subscriber", "other", "new", "open", "open not contacted", "unqualified",
             "nurturing", "nurture", "recycled", "closed not converted", "disqualified",
             "新規", "未対応", "リード", "ナーチャリング", "育成中", "対象外"),
    "mql": ("mql", "marketing qualified lead", "marketingqualifiedlead", "marketing qualified",
            "working contacted", "working", "contacted", "mql化", "対応中"),
    "sql": ("sql", "sales qualified lead", "salesqualifiedlead", "sales qualified", "qualified",
            "sql化"),
    "prospecting": ("prospecting", "opportunity", "appointmentscheduled", "appointment scheduled",
                    "closed converted", "converted", "見込み", "アプローチ", "商談化", "商談"),
    "engaging": ("engaging", "qualification", "qualifiedtobuy", "qualified to buy", "needs analysis",
                 "discovery", "demo", "初回商談", "ヒアリング", "課題把握", "課題合意"),
    "proposal": ("proposal", "presentationscheduled", "presentation scheduled", "value proposition",
                 "id decision makers", "perception analysis", "proposal price quote", "提案",
                 "提案中", "見積", "見積提示"),
    "negotiation": ("negotiation", "decisionmakerboughtin", "decision maker bought in",
                    "negotiation review", "交渉", "交渉中", "条件交渉"),
    "commit": ("commit", "contractsent", "contract sent", "verbal", "contract", "内示", "稟議",
               "契約手続き", "契約手続中", "最終確認", "コミット"),
    "won": ("won", "closed won", "closedwon", "customer", "evangelist", "受注", "成約", "契約"),
    "lost": ("lost", "closed lost", "closedlost", "失注", "見送り"),
}
PHASE_VALUES: dict[str, str] = {normalise_name(v): p for p, names in _PHASE_NAMES.items() for v in names}

_SEGMENT_NAMES: dict[str, tuple[str, ...]] = {
    "SMB": ("smb", "small", "small business", "smallbusiness", "small and medium", "中小企業", "中小",
            "小規模"),
    "Mid-Market": ("mid-market", "midmarket", "mid market", "mid", "mm", "medium", "中堅企業", "中堅",
                   "中規模"),
    "Enterprise": ("enterprise", "ent", "large", "large enterprise", "大企業", "大手", "大手企業",
                   "エンタープライズ"),
}
SEGMENT_VALUES: dict[str, str] = {normalise_name(v): s for s, names in _SEGMENT_NAMES.items() for v in names}

_YES = ("yes", "y", "true", "t", "1", "1.0", "はい", "有", "あり", "該当", "適合", "○", "◯")
_NO = ("no", "n", "false", "f", "0", "0.0", "いいえ", "無", "なし", "非該当", "不適合", "×")
YES_NO_VALUES: dict[str, str] = {
    **{normalise_name(v) or v: "yes" for v in _YES},
    **{normalise_name(v) or v: "no" for v in _NO},
}


def map_values(array: pa.ChunkedArray | pa.Array, convert: Callable[[str], str | None]) -> pa.Array:
    """Apply ``convert`` to each *distinct* value only (vectorised for large columns)."""
    encoded = _dictionary_encoded(array)
    mapped = pa.array([convert(v) for v in encoded.dictionary.to_pylist()], pa.string())
    return pc.take(mapped, encoded.indices)


@dataclass(frozen=True)
class MappedColumn:
    """A categorical column after ``map_categories``."""

    values: pa.Array
    unrecognised: int  # rows with a value ``convert`` did not recognise (left empty)
    examples: list[str]  # the first three distinct unrecognised values, in row order


def map_categories(column: pa.ChunkedArray | pa.Array, convert: Callable[[str], str | None]) -> MappedColumn:
    """Clean (``clean_text``) and convert each *distinct* value once; every row takes its own by index.

    A dictionary column (the loader reads categorical columns that way) is not hashed again, so a
    million-row column costs one ``take``. Values ``convert`` returns None for are unrecognised.
    """
    encoded = _dictionary_encoded(column)
    text = clean_text(encoded.dictionary)
    mapped = map_values(text, convert)
    values = mapped.take(encoded.indices)
    unknown = pc.and_(pc.is_valid(text), pc.is_null(mapped))
    if not pc.any(unknown).as_py():
        return MappedColumn(values, 0, [])
    rows = pc.filter(encoded.indices, pc.take(unknown, encoded.indices))  # row order, nulls dropped
    examples = pc.unique(text.take(rows)).slice(0, 3).to_pylist()
    return MappedColumn(values, len(rows), [str(e) for e in examples])


def _dictionary_encoded(column: pa.ChunkedArray | pa.Array) -> pa.DictionaryArray:
    """The column as one dictionary array (a dictionary column is not hashed again)."""
    if not pa.types.is_dictionary(column.type):
        column = pc.dictionary_encode(column)
    if isinstance(column, pa.ChunkedArray):
        if not column.num_chunks:
            return pa.array([], pa.dictionary(pa.int32(), column.type.value_type))
        column = column.unify_dictionaries().combine_chunks()
    return column


def phase_of(value: str) -> str | None:
    """Normalised phase for a stage/status value, or None when unknown."""
    return PHASE_VALUES.get(normalise_name(value))


def segment_of(value: str) -> str:
    """Consistent English segment label (SMB / Mid-Market / Enterprise), else the value trimmed."""
    return SEGMENT_VALUES.get(normalise_name(value), unicodedata.normalize("NFKC", value).strip())


def yes_no_of(value: str) -> str | None:
    """``yes`` / ``no`` for the usual spellings (はい/いいえ, true/false, 1/0, Y/N), else None."""
    key = normalise_name(value) or unicodedata.normalize("NFKC", value).strip()
    return YES_NO_VALUES.get(key)
