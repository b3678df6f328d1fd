"""Map one file's headers onto canonical / link / raw keys, name its dialect and role.

Headers are matched by name, then by stem (``tools.ingest.headers``), and a match is kept only
when the column's values fit the key's kind (``tools.ingest.kinds``). User overrides
(``--map key=Column``) win over synonyms. Every column not used is listed, so a user can see
what was ignored; a header that appears twice is reported.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from tools.ingest.headers import Candidate, accepted_names, candidates, kind_of, normalise_name
from tools.ingest.kinds import fits
from tools.ingest.parsing import clean_text
from tools.ingest.reading import unique_headers
from tools.ingest.roles import classify
from tools.ingest.synonyms import KEY_KINDS, SYNONYMS
from tools.ingest.vocabulary import phase_of, segment_of, yes_no_of
from tools.schema import CANONICAL_COLUMNS, PHASE_COLUMN

__all__ = ["SYNONYMS", "accepted_names", "normalise_name", "phase_of", "segment_of", "yes_no_of"]

#: Non-canonical keys a file may map: join keys and raw stage/close columns.
LINK_KEYS: tuple[str, ...] = ("opportunity_id", "converted_opportunity_id", "contact_id", "account")
RAW_KEYS: tuple[str, ...] = ("stage", "status", "close_date", "decision_date", "won_flag", "closed_flag",
                             "converted_flag")
#: Every key a header (or a ``--map`` override) may map to.
MAPPABLE_KEYS: tuple[str, ...] = tuple(c for c in CANONICAL_COLUMNS if c != PHASE_COLUMN) + (
    (PHASE_COLUMN,) + LINK_KEYS + RAW_KEYS
)
assert set(MAPPABLE_KEYS) == set(KEY_KINDS)

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")
_MQL_ID = re.compile(r"mql", re.IGNORECASE)


def _mark(header: str) -> str:
    """A vendor mark compares whole labels (case and spacing only): ``deal_stage`` is not HubSpot's ``Deal Stage``."""
    return " ".join(unicodedata.normalize("NFKC", header).casefold().split())


def _marks(*names: str) -> frozenset[str]:
    return frozenset(_mark(n) for n in names)


#: (vendor, headers that vendor writes and the others do not): the vendor with most marks wins, ties in order
_VENDOR_MARKS: tuple[tuple[str, frozenset[str]], ...] = (
    ("kintone", _marks("レコード番号", "更新日時", "作成者", "更新者")),
    ("marketo", _marks("Created At", "Updated At", "Person Source", "Acquisition Date", "Person Status", "Lead Score",
                       "Marketo ID", "Email Address")),
    ("zoho", _marks("Created Time", "Modified Time", "Closing Date", "リードの所有者", "商談の所有者", "リードのステータス")),
    ("hubspot", _marks("Create Date", "Became a Marketing Qualified Lead Date", "Lifecycle Stage",
                       "Original Source", "Contact owner", "Deal Stage", "Associated Contact IDs",
                       "Became a Customer Date", "ライフサイクルステージ", "元のソース", "コンタクト担当者",
                       "取引ステージ", "取引担当者")),
    ("salesforce", _marks("Lead ID", "Converted Opportunity ID", "Opportunity ID", "Opportunity Owner", "StageName",
                          "IsWon", "IsConverted", "ConvertedOpportunityId", "ConvertedDate", "Converted Date",
                          "リード状況", "取引開始日", "リード所有者", "商談所有者", "商談 所有者")),
)
_VENDOR_ROLE_SUFFIX = {"hubspot": ("contacts", "deals"), "salesforce": ("leads", "opportunities"),
                       "dynamics": ("leads", "opportunities")}


@dataclass
class FileMapping:
    """How one file's headers map onto keys, what kind of file it is, and what was left unused."""

    columns: dict[str, str] = field(default_factory=dict)  # key -> header (as ``unique_headers`` names it)
    role: str = "leads"
    dialect: str = "generic"
    unused: list[str] = field(default_factory=list)
    duplicates: dict[str, int] = field(default_factory=dict)  # header -> how many times it appears
    starts_at: str = "lead"  # "mql" when the records are MQLs (an mql_id key)
    role_reason: str = ""


def _assign(names: list[str], headers: Sequence[str], sample: pa.Table | None,
            taken: dict[str, str]) -> dict[str, str]:
    """Greedy assignment: the best (whole-name, priority, column order) fitting match per key."""
    proposals: list[tuple[tuple[bool, bool, int, int], str, str]] = []
    for i, (name, header) in enumerate(zip(names, headers, strict=True)):
        if name in taken.values() or name != (header or name):
            continue  # overridden, or the second copy of a repeated header
        column = sample.column(name) if sample is not None and name in sample.column_names else None
        found: list[Candidate] = [c for c in candidates(header) if c.key not in taken]
        fitting = [c for c in found if fits(kind_of(c.key), column)]
        for c in fitting:
            proposals.append(((False, not c.exact, c.priority, i), c.key, name))
        exact = [c for c in found if c.exact]
        if not fitting and exact:
            # the header says it plainly: map it, and let validation report the values that do not fit
            proposals.append(((True, False, exact[0].priority, i), exact[0].key, name))
    columns = dict(taken)
    for _, key, name in sorted(proposals):
        if key not in columns and name not in columns.values():
            columns[key] = name
    return columns


def match_headers(headers: Sequence[str], overrides: dict[str, str] | None = None, *,
                  sample: pa.Table | None = None, role: str | None = None, file: str = "") -> FileMapping:
    """Map headers (synonyms checked against ``sample`` values, then user overrides), detect role and dialect."""
    headers = [h.strip() for h in headers]
    names = unique_headers(headers)
    by_norm = {normalise_name(h): n for h, n in zip(reversed(headers), reversed(names), strict=True)}
    forced = {}
    for key, wanted in (overrides or {}).items():
        chosen = by_norm.get(normalise_name(wanted))
        if chosen is not None:
            forced[key] = chosen
    columns = _assign(names, headers, sample, forced)
    if "phase" in columns and "stage" not in columns:
        columns["stage"] = columns.pop("phase")
    decision = classify(file, headers, columns, sample)
    chosen_role = role or decision.role
    reason = "set by --role" if role else decision.reason
    if chosen_role == "opportunities":
        if "opportunity_id" not in columns and "record_id" in columns:
            # the deal's own id; a lead id shared with a leads file (mql_id) is also the join key
            columns["opportunity_id"] = columns.pop("record_id")
            if "contact_id" not in columns and _says_lead_id(columns["opportunity_id"]):
                columns["contact_id"] = columns["opportunity_id"]
        elif "record_id" in columns:
            columns.setdefault("contact_id", columns.pop("record_id"))
    if chosen_role == "leads" and "opportunity_id" in columns and "converted_opportunity_id" not in columns:
        columns["converted_opportunity_id"] = columns.pop("opportunity_id")
    counts: dict[str, int] = {}
    for h in headers:
        counts[h] = counts.get(h, 0) + 1
    used = set(columns.values())
    starts_at = "mql" if chosen_role == "leads" and _MQL_ID.search(columns.get("record_id", "")) else "lead"
    return FileMapping(
        columns=columns, role=chosen_role, dialect=_detect_dialect(headers, columns, chosen_role),
        unused=[n for n, h in zip(names, headers, strict=True) if n not in used and (h or not _empty(sample, n))],
        duplicates={h: c for h, c in counts.items() if c > 1 and h}, starts_at=starts_at, role_reason=reason)


def _empty(sample: pa.Table | None, name: str) -> bool:
    """A column with no value in the sample (a trailing comma's nameless column)."""
    return sample is None or name not in sample.column_names or sample.column(name).null_count == len(sample)


def _says_lead_id(header: str) -> bool:
    return any(w in normalise_name(header) for w in ("mql", "lead", "contact", "リード", "コンタクト"))


def _vendor(headers: Sequence[str]) -> str | None:
    normalised = {_mark(h) for h in headers}
    if any(normalise_name(h).startswith(("donotmodify", "変更しないでください")) for h in headers):
        return "dynamics"
    if sum(1 for h in headers if re.match(r"^\s*(Deal|Person|Organization|Lead)\s+-\s+", h)) >= 2:
        return "pipedrive"
    scores = [(len(normalised & marks), -i, vendor) for i, (vendor, marks) in enumerate(_VENDOR_MARKS)]
    best = max(scores)
    return best[2] if best[0] else None


def _detect_dialect(headers: Sequence[str], columns: dict[str, str], role: str) -> str:
    canonical_names = set(CANONICAL_COLUMNS) | set(LINK_KEYS)
    opportunities = role == "opportunities"
    if columns and all(h in canonical_names for h in columns.values()):
        return "opportunity_only" if opportunities else "canonical"
    vendor = _vendor(headers)
    if vendor is not None:
        leads_word, deals_word = _VENDOR_ROLE_SUFFIX.get(vendor, ("leads", "deals"))
        return f"{vendor}_{deals_word if opportunities else leads_word}"
    if any(_CJK.search(h) for h in headers):
        return "japanese"
    return "opportunity_only" if opportunities else "generic"


def overall_dialect(dialects: Iterable[str], roles: Iterable[str]) -> str:
    """One label for the whole upload: a vendor family, ``opportunity_only`` or ``a+b``."""
    families = sorted({d.rsplit("_", 1)[0] if "_" in d and d != "opportunity_only" else d for d in dialects})
    if set(roles) == {"opportunities"}:
        return "opportunity_only"
    return "+".join(families) if families else "canonical"


#: The type the CSV reader gives a column: inferred (dates, numbers), a dictionary (categories,
#: cleaned and mapped once per distinct value) or a string.
_DICTIONARY = pa.dictionary(pa.int32(), pa.string())
_DICTIONARY_KEYS = frozenset({"phase", "stage", "status", "icp_fit", "won_flag", "closed_flag", "converted_flag",
                              "segment"})


def _read_type(key: str) -> pa.DataType | None:
    if KEY_KINDS.get(key) in ("date", "number"):
        return None
    return _DICTIONARY if key in _DICTIONARY_KEYS else pa.string()


def candidate_types(headers: Sequence[str], overrides: dict[str, str] | None = None) -> dict[str, pa.DataType | None]:
    """Every column some key may be mapped to, with a type decided from its header alone.

    The loader starts reading these before any value is looked at (so pyarrow parses while Python
    imports pandas): a column that may hold dates or numbers is type-inferred, any other is text.
    """
    headers = [h.strip() for h in headers]
    wanted = {normalise_name(column): key for key, column in (overrides or {}).items()}
    types: dict[str, pa.DataType | None] = {}
    for name, header in zip(unique_headers(headers), headers, strict=True):
        if name != header:
            continue  # the second copy of a repeated header is never mapped
        keys = [c.key for c in candidates(header)] + ([wanted[normalise_name(header)]]
                                                       if normalise_name(header) in wanted else [])
        if keys:
            if any(KEY_KINDS.get(k) in ("date", "number") for k in keys):
                types[name] = None
            else:  # categories are read as dictionaries: cleaned and mapped once per distinct value
                types[name] = _DICTIONARY if all(k in _DICTIONARY_KEYS for k in keys) else pa.string()
    return types


def column_types(mapping: FileMapping) -> dict[str, pa.DataType | None]:
    """Header -> the type to read it as (None: let the reader infer it) for every mapped column."""
    return {header: _read_type(key) for key, header in mapping.columns.items()}


# --- value normalisation ---------------------------------------------------------------------------


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
