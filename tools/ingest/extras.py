"""Extra dimensions: the upload's own categorical columns, kept when no canonical key maps them.

A lead-scoring export carries ``Lead Origin``, ``Last Activity`` or ``Specialization``; its owner
wants conversion by each. Such a column is kept on the canonical frame as ``x_<header>`` (its
header is its label) when it is a low-cardinality text column: at most ``MAX_VALUES`` distinct
values, each on about ``MIN_ROWS_PER_VALUE`` records or more. Ids, numbers, dates, free text,
e-mail addresses, URLs, phone numbers, people's and companies' names stay out; a column naming a
role held by people (an owner, an SDR, a manager) is kept but marked ``person``, so a remote model
only sees pseudonyms. At most ``MAX_PER_FILE`` columns of a file are kept, in column order.

Two steps, so a big file is read once: ``read_candidates`` picks, from the headers and the first
rows (``Sniffed.sample``), the columns worth reading (as dictionaries, cheap for categories);
``extra_columns`` decides on the whole column once it is read and the file's mapping is known.
Pandas-free, like the rest of the staging (``tools.ingest.staging``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from tools.ingest.dates import parse_dates
from tools.ingest.parsing import clean_text
from tools.ingest.reading import unique_headers
from tools.ingest.vocabulary import yes_no_of
from tools.schema import EXTRA_DIMENSION_PREFIX

MAX_VALUES = 50
MIN_ROWS_PER_VALUE = 5
MAX_PER_FILE = 12
#: values longer than this on average read as free text (comments, descriptions)
MAX_MEAN_LENGTH = 40
MAX_NAME_LENGTH = 40
DICTIONARY = pa.dictionary(pa.int32(), pa.string())

_SENSITIVE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+|https?://|www\.|\+?\d[\d\s().-]{7,}\d", re.IGNORECASE)
_NUMBER = re.compile(r"^[-+(]?[¥$€£]?\s*[\d,.]+\s*[%)円]?$")
#: headers whose values name a role held by people: kept, pseudonymised for a remote model
_PERSON = re.compile(r"owner|manager|\brep\b|agent|seller|\bsdr\b|\bbdr\b|\bae\b|assign|salesperson|担当|所有者|"
                     r"作成者|更新者|マネージャ|上長")
#: headers whose values identify someone or something, or are free text: never a dimension
_EXCLUDED = re.compile(r"name|名|mail|phone|\btel\b|mobile|fax|電話|携帯|address|住所|street|zip|postal|郵便|url|"
                       r"website|web site|link|ウェブ|ホームページ|comment|note|description|memo|remark|message|"
                       r"備考|メモ|説明|コメント|内容|\bid\b|ids$|番号|company|account|organi[sz]ation|会社|企業|"
                       r"取引先|法人|title|subject|件名|役職|password|token|ip address|date|time|timestamp|日付|日時|作成日|更新日|"
                       r"年月日")


def _header_words(header: str) -> str:
    """The header as lower-case words ("LeadOwner" -> "lead owner", "Lead_ID" -> "lead id")."""
    text = unicodedata.normalize("NFKC", header)
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)
    return " ".join(re.split(r"[\s_\-./:()]+", text.casefold())).strip()


def is_person_header(header: str) -> bool:
    return bool(_PERSON.search(_header_words(header)))


def allowed(header: str, values: pa.Array) -> bool:
    """A column that may be an extra dimension: a yes/no flag ("Do Not Email"), a role held by people,
    or any header that does not announce names, ids, contact details or free text."""
    words = _header_words(header)
    if not words:
        return False
    if all(yes_no_of(str(v)) is not None for v in values.to_pylist()):
        return True  # a flag names no one, whatever its header says
    return is_person_header(header) or not _EXCLUDED.search(words)


def _looks_categorical(values: pa.Array, rows: int) -> bool:
    """Distinct non-empty ``values`` (cleaned) of a column with ``rows`` non-empty cells: a category?"""
    distinct = len(values)
    if distinct < 2 or distinct > MAX_VALUES or distinct * MIN_ROWS_PER_VALUE > rows:
        return False
    texts = [str(v) for v in values.to_pylist()]
    if sum(len(t) for t in texts) / distinct > MAX_MEAN_LENGTH:
        return False
    if any(_SENSITIVE.search(t) for t in texts):
        return False
    if sum(bool(_NUMBER.match(t)) for t in texts) >= 0.8 * distinct:
        return False
    dates = parse_dates(values, years=(1000, 9999))
    return not (dates.non_empty and dates.non_empty - dates.failed >= 0.6 * dates.non_empty)


def _distinct(column: pa.ChunkedArray | pa.Array) -> tuple[pa.DictionaryArray, pa.Array, int]:
    """The column dictionary-encoded, its cleaned distinct values and its non-empty row count."""
    if isinstance(column, pa.ChunkedArray):
        column = column.unify_dictionaries().combine_chunks() if pa.types.is_dictionary(column.type) \
            else column.combine_chunks() if column.num_chunks else pa.array([], pa.string())
    encoded = column if pa.types.is_dictionary(column.type) else pc.dictionary_encode(column)
    cleaned = clean_text(encoded.dictionary)
    # rows with a non-empty value: per-entry counts of the indices (no string per row is built)
    counts = pc.value_counts(pc.drop_null(encoded.indices))
    entries = counts.field("values").cast(pa.int64())
    valid = pc.is_valid(pc.take(cleaned, entries))
    rows = int(pc.sum(pc.filter(counts.field("counts"), valid)).as_py() or 0)
    return encoded, pc.unique(pc.drop_null(cleaned)), rows


def read_candidates(headers: Sequence[str], sample: pa.Table, already_read: Iterable[str]) -> dict[str, pa.DataType]:
    """Columns not read for a key that may be extra dimensions (from the headers and first rows)."""
    skip = set(already_read)
    wanted: dict[str, pa.DataType] = {}
    for name, header in zip(unique_headers([h.strip() for h in headers]), headers, strict=True):
        if name in skip or name != header.strip() or name not in sample.column_names:
            continue
        _, values, rows = _distinct(sample.column(name))
        if allowed(header, values) and _looks_categorical(values, max(rows, MIN_ROWS_PER_VALUE * len(values))):
            wanted[name] = DICTIONARY  # the first rows may not hold every value: judged again on all of them
        if len(wanted) >= MAX_PER_FILE * 2:
            break
    return wanted


def extra_name(header: str, taken: set[str]) -> str:
    """``x_lead_origin`` for "Lead Origin": lower-case words joined by ``_`` (unique among ``taken``)."""
    words = re.sub(r"\W+", "_", _header_words(header)).strip("_")[:MAX_NAME_LENGTH] or "column"
    if words.endswith("_date"):  # frame columns ending in _date are dates (readers select them by suffix)
        words += "_label"
    name = EXTRA_DIMENSION_PREFIX + words
    n = 2
    while name in taken:
        name = f"{EXTRA_DIMENSION_PREFIX}{words}_{n}"
        n += 1
    taken.add(name)
    return name


@dataclass(frozen=True)
class ExtraColumn:
    """One kept column: its frame name, header, cleaned values, distinct count, and whether it names people."""

    name: str
    header: str
    values: pa.Array
    distinct: int
    person: bool


def extra_columns(unused: Sequence[str], table: pa.Table, taken: set[str]) -> list[ExtraColumn]:
    """The file's unused text columns that are categories (``taken``: frame names already in use)."""
    out: list[ExtraColumn] = []
    for header in unused:
        if len(out) >= MAX_PER_FILE:
            break
        if header not in table.column_names:
            continue
        column = table.column(header)
        if not (pa.types.is_dictionary(column.type) or pa.types.is_string(column.type)
                or pa.types.is_large_string(column.type)):
            continue  # read as numbers or dates: not a category
        encoded, values, rows = _distinct(column)
        if not allowed(header, values) or not _looks_categorical(values, rows):
            continue
        text = clean_text(encoded.dictionary).take(encoded.indices)
        out.append(ExtraColumn(extra_name(header, taken), header, text, len(values), is_person_header(header)))
    return out
