"""One voice per language: the names, numbers and sentences a reader sees, in English and Japanese.

- ``tools.wording.lang``: the one ``Lang`` type (``"en" | "ja"``) and ``check_lang``;
- ``tools.wording.labels``: names for stages, transitions, levers, dimensions, metrics, finding
  codes, severities, owners, target metrics and windows;
- ``tools.wording.numbers``: rates, points, counts, days, hours and money (Babel/CLDR; money
  rounded for reading with the currency when known, 万/億 in Japanese);
- ``tools.wording.periods``: period labels (「2026年8月〜10月」, 「2026年第3四半期」 for ``2026-08..2026-10``,
  ``2026-Q3``).

Every shell (the text report, the chat, the memo, the web app) words things through here.
"""

from tools.wording.labels import (
    DIMENSION_NAMES,
    FINDING_NAMES,
    FINDING_TITLES,
    LEVER_NAMES,
    METRIC_NAMES,
    OWNER_NAMES,
    PHASE_NAMES,
    SEVERITY_NAMES,
    STAGE_NAMES,
    STAGE_NOUNS,
    TARGET_METRIC_NAMES,
    TRANSITION_NAMES,
    WINDOW_NAMES,
    dimension_label,
    driver_label,
    finding_label,
    finding_title,
    lever_label,
    lookup,
    metric_label,
    owner_label,
    phase_label,
    segment_label,
    severity_label,
    stage_label,
    target_metric_label,
    transition_label,
    volume_label,
    window_label,
)
from tools.wording.lang import LANGS, LANGUAGE_TAGS, Lang, as_lang, capitalised, check_lang
from tools.wording.numbers import (
    MISSING,
    as_number,
    format_change,
    format_count,
    format_days,
    format_hours,
    format_money,
    format_number,
    format_percent,
    format_points,
)
from tools.wording.periods import period_label

__all__ = [
    "DIMENSION_NAMES",
    "FINDING_NAMES",
    "FINDING_TITLES",
    "LANGS",
    "LANGUAGE_TAGS",
    "LEVER_NAMES",
    "METRIC_NAMES",
    "MISSING",
    "OWNER_NAMES",
    "PHASE_NAMES",
    "SEVERITY_NAMES",
    "STAGE_NAMES",
    "STAGE_NOUNS",
    "TARGET_METRIC_NAMES",
    "TRANSITION_NAMES",
    "WINDOW_NAMES",
    "Lang",
    "as_lang",
    "as_number",
    "check_lang",
    "capitalised",
    "dimension_label",
    "driver_label",
    "finding_label",
    "finding_title",
    "format_change",
    "format_count",
    "format_days",
    "format_hours",
    "format_money",
    "format_number",
    "format_percent",
    "format_points",
    "lever_label",
    "lookup",
    "metric_label",
    "owner_label",
    "period_label",
    "phase_label",
    "segment_label",
    "severity_label",
    "stage_label",
    "target_metric_label",
    "transition_label",
    "volume_label",
    "window_label",
]
