"""What a metric question really asks, beyond the phrases it names: durations, open deals, two asks.

``refine_metrics`` corrects the metric ids ``metric_parse`` found by phrase:

- a duration between two points of the funnel wins over the stage nouns that name them
  ("average time from MQL to first call" is the follow-up time, not a count of MQLs);
- "open" deals are the open pipeline now (a snapshot), not the opportunities created in a window;
- "... and what are they worth?" adds the value of what was counted (open deals -> open pipeline,
  won deals -> won revenue), and "weighted" the phase-weighted pipeline;
- a question with a count and another figure ("how many deals did we win and what revenue did
  they bring?") gets both.
"""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.chat.duration_parse import find_conversion, find_duration
from assistant.chat.metric_words import PHASE_PHRASES
from assistant.chat.phrases import contains, hits
from tools.metric_layer import METRICS, MetricQuery, PeriodSpec

STAGE_COUNTS = frozenset({"leads", "mqls", "sqls", "opportunities", "won_deals", "lost_deals"})
#: what a duration question's other phrases stand for: its endpoints, not separate asks
_TIMING = STAGE_COUNTS | {"lead_to_mql", "mql_to_sql", "sql_to_opportunity", "opportunity_to_won", "lead_to_won",
                          "funnel", "follow_up", "stage_days", "median_cycle_days", "median_follow_up_hours",
                          "days_lead_to_mql", "days_mql_to_sql", "days_sql_to_opportunity", "days_opportunity_to_won"}
#: a count -> the value of the same records
VALUE_OF = {"won_deals": "won_revenue", "opportunities": "opportunity_amount", "lost_deals": "lost_amount",
            "open_deals": "open_pipeline", "stalled_deals": "stalled_amount", "recycle_lost_deals": "recycle_lost_amount"}
MONEY = frozenset({*VALUE_OF.values(), "weighted_pipeline", "average_deal_size", "pipeline_coverage"})
_SHARE_CUE = re.compile(r"\b(?:share|percent|percentage|fraction|proportion|ratio|rate)\b|%|割合|比率|率|何割|パーセント")
_HOW_CONVERT = re.compile(r"\bhow (?:well )?(?:do|does|did|are|is|have|has)\b.{0,60}\bconver(?:t|ts|ting|ted|sion)\b"
                          r"|\bhow (?:well )?(?:do|does|did)\b.{0,60}\b(?:close|turn into (?:deals|customers))\b")
_HOW_CONVERT_JA = ("どう転換", "どのくらい転換", "どれくらい転換", "転換状況", "どう受注につなが", "どのくらい受注につなが",
                   "どれくらい受注につなが", "コンバージョン状況", "どうコンバージョン")
_STAGE_OF = {"leads": "lead", "mqls": "mql", "sqls": "sql", "opportunities": "opportunity"}
_CLOSE_SPEED = re.compile(r"(?:受注|成約|クローズ)(?:まで)?(?:が|の)(?:一番|いちばん|最も|もっとも)?(?:早い|速い|遅い)"
                          r"|(?:一番|いちばん|最も|もっとも)(?:早く|速く|遅く)(?:受注|成約|クローズ)")
_COUNT_CUE = re.compile(r"\bhow many\b|\bnumber of\b|\bcount of\b|何件|件数|何社|何個")
_VALUE_WORDS = ("worth", "what amount", "the amount", "total amount", "how much", "value", "金額", "いくら", "総額",
                "合計額")
_OPEN_WORDS = ("still open", "in flight", "in-flight", "in progress", "not yet closed", "unclosed", "live",
               "active", "進行中", "オープン", "未クローズ", "商談中", "動いている", "動いてる", "継続中", "走っている",
               "走ってる", "稼働中", "抱えている", "抱えてる")
_WON_WORDS = ("won", "win", "closed", "受注", "成約", "失注", "lost", "lose")
_WEIGHTED = ("weighted", "加重", "確度")
_WEIGHTED_VALUE = re.compile(r"weighted (?:value|amount|total|pipeline|forecast)|加重(?:金額|額|パイプライン)|確度加重")


#: "open" as an adjective ("deals are open", "open deals"), not the verb ("did we open", "to open")
_OPEN_ADJECTIVE = re.compile(r"(?<!\bwe )(?<!\bdid )(?<!\bto )(?<!\bthey )(?<!\bcan )(?<!\bwill )\bopen\b(?! up)")


def _open(text: str) -> bool:
    return bool(_OPEN_ADJECTIVE.search(text)) or any(contains(text, w) for w in _OPEN_WORDS)


def refine_metrics(text: str, names: list[str], counted: list[str]) -> list[str]:
    """``names`` (metric ids or bundles found by phrase) corrected for what the question asks.

    Args:
        text: The normalised question (dimension phrases blanked).
        names: What ``metric_parse.find_metrics`` found.
        counted: The stage counts the question names apart from its metric phrases.
    """
    if "never_contacted_mqls" in names and _SHARE_CUE.search(text):  # "what share of MQLs never got a call?"
        names = [m for n in names for m in ((n, "never_contacted_share") if n == "never_contacted_mqls" else (n,))]
    duration = find_duration(text)
    if duration is not None:
        return list(dict.fromkeys([duration, *(n for n in names if n not in _TIMING)]))
    conversion = find_conversion(text)
    if conversion is not None:  # "what share of MQLs become SQLs?" is the conversion, not two counts
        return list(dict.fromkeys([conversion, *(n for n in names if n not in _TIMING)]))
    converts = _HOW_CONVERT.search(text) or any(w in text for w in _HOW_CONVERT_JA)
    if converts and names and set(names) <= STAGE_COUNTS - {"won_deals", "lost_deals"}:
        start = _STAGE_OF[names[0]]  # "how do Lead Import leads convert?": from that stage to won
        return [f"{start}_to_won"]
    if _CLOSE_SPEED.search(text):  # 「受注が一番遅い担当者」: how fast deals close, not how many
        names = ["median_cycle_days", *(n for n in names if n not in STAGE_COUNTS and n != "median_cycle_days")]
    if "stalled_deals" in names:  # "stuck in the pipeline": the pipeline is where, not what
        names = [n for n in names if n not in ("open_pipeline", "open_deals", "opportunities", "won_deals", "funnel")]
    measured = [n for n in names if n in METRICS and METRICS[n].unit != "count"]
    if measured and counted and _COUNT_CUE.search(text):
        names = [*counted, *names]  # "how many deals did we win, and what revenue?"
    if _open(text) and not any(contains(text, w) for w in _WON_WORDS):
        names = ["open_deals" if n in ("opportunities", "won_deals") else n for n in names]
    weighted_only = bool(_WEIGHTED_VALUE.search(text))
    if any(w in text for w in _VALUE_WORDS) and not weighted_only and not set(names) & MONEY:
        names = [m for n in names for m in ((n, VALUE_OF[n]) if n in VALUE_OF else (n,))]
    if any(w in text for w in _WEIGHTED) and ("open_deals" in names or "open_pipeline" in names or weighted_only):
        names.append("weighted_pipeline")
    return list(dict.fromkeys(names))


#: a phase names open deals: "deals in proposal" are open deals, "pipeline in negotiation" its value
PHASE_METRIC = {"opportunities": "open_deals", "won_deals": "open_deals", "opportunity_amount": "open_pipeline",
                "won_revenue": "open_pipeline"}
#: what a phase can filter: the open pipeline's metrics (a phase is where an open deal is now)
PHASED = frozenset({"open_deals", "open_pipeline", "weighted_pipeline", "stalled_deals", "stalled_amount",
                    "median_open_age_days", *PHASE_METRIC})


def find_phase(text: str, names: list[str]) -> str | None:
    """The open-deal phase a pipeline question names ("how much pipeline is in negotiation?"), if any."""
    found = hits(text, PHASE_PHRASES)
    if not found or not set(names) <= PHASED:
        return None
    if not names and not re.search(r"\b(?:in|at)\s+(?:the\s+)?(?:prospecting|engaging|proposal|negotiation|commit)\b|"
                                   r"フェーズ|段階|中の", text):
        return None  # "what should we commit to?" names no phase; "how much is sitting in commit?" does
    return found[0][2]


def without_phases(text: str) -> str:
    """``text`` without open-deal phase names (「課題共有」 is a phase, not a question about problems)."""
    return _blank(text, PHASE_PHRASES)


def _blank(text: str, table: dict[str, str]) -> str:
    for start, end, _ in hits(text, table):
        text = text[:start] + " " * (end - start) + text[end:]
    return text


#: a pipeline-health question: what is open, weighted, stalled, and how it covers the target still to win
HEALTH = ("open_pipeline", "weighted_pipeline", "stalled_share", "pipeline_coverage")


def asks_pipeline_health(queries: tuple[MetricQuery, ...] | list[MetricQuery]) -> bool:
    return [q.metric for q in queries] == list(HEALTH)


def health_periods(queries: list[MetricQuery]) -> list[MetricQuery]:
    """In a pipeline-health ask, coverage is against the current quarter's target still to win (the forecast's)."""
    if not asks_pipeline_health(queries) or queries[-1].period is not None:
        return queries
    return [*queries[:-1], replace(queries[-1], period=PeriodSpec("this", grain="quarter"))]
