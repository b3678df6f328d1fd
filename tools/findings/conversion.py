"""Conversion findings: drops localised to a transition and a segment, mix shift, lead quality,
and slow follow-up.

For each transition the current and baseline cohort rates are split by every dimension:

* the *mix effect* is how far the overall rate moved because the share of each dimension value
  moved (baseline per-value rates at today's mix); the *rate effect* is the rest. When the mix
  effect is a significant, material fall on its own test (``tools.stats.compare_mix``), explains
  most of the drop and no value's own rate fell (at medium severity), the finding is
  ``mix_shift`` (or ``lead_quality_decline`` when the growing slice brought the lead growth) and
  no per-segment drop is blamed (Simpson's paradox);
* a value whose own rate fell significantly (Bonferroni over every cell searched) while the rest
  of its dimension did not is a localised ``conversion_drop``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tools.analysis_context import AnalysisContext
from tools.findings.model import Finding, severity_for
from tools.schema import SEVERITIES, TRANSITIONS
from tools.stats import Comparison, compare_mix, compare_proportions
from tools.wording import findings as words
from tools.wording.findings import Change

MATERIAL_DROP = 0.10
#: Mix must explain at least this share of the overall change to call it a mix shift.
MIX_SHARE = 0.6
#: Dimensions tried for localisation, most meaningful first (ties go to the earlier one).
#: The go-to-market dimensions a drop is localised to. Owner is left out (people are not a
#: segment), employee bands duplicate segment; industry and region stay available through
#: ``funnel_summary(by=...)`` but are not searched, to keep the multiple-comparison family small.
DIMENSION_PRIORITY = ("segment", "lead_source", "icp_fit")
MIN_CELL_N = 20
#: Lead growth is a quality decline (slice added on top) while the rest lost less than this share
#: of the leads the slice added; beyond it the slice replaced the rest (a mix shift).
ADDED_ON_TOP_SHARE = 0.5
MAX_VALUES = 30


@dataclass
class Cell:
    """One dimension value's rate, current vs baseline, and the rest of its dimension."""

    dimension: str
    value: str
    comparison: Comparison
    rest: Comparison
    share_baseline: float
    share_current: float


@dataclass
class MixSplit:
    """Mix vs rate effect of one dimension on a transition's overall change."""

    dimension: str
    mix_effect: float
    rate_effect: float
    driver: str  # the value whose share change pulled the rate down most
    driver_share: tuple[float, float]
    driver_rate: float
    others_rate: float
    test: Comparison  # the mix effect's own test (``tools.stats.compare_mix``)


def dimensions(ctx: AnalysisContext) -> list[str]:
    present = set(ctx.data.dimensions)
    return [d for d in DIMENSION_PRIORITY if d in present]


def split_counts(ctx: AnalysisContext, transition: str, dimension: str) -> pd.DataFrame | None:
    """Per-value ``x0, n0, x1, n1`` of a transition's cohorts (``None`` if too many values)."""
    table = ctx.cohorts(transition).counts_by(*ctx.dimension_codes(dimension))
    if len(table) < 2 or len(table) > MAX_VALUES:
        return None
    return table


def mix_split(table: pd.DataFrame, dimension: str) -> MixSplit | None:
    """Shift-share split of the overall change into mix and rate effects."""
    x0_v, n0_v, x1_v, n1_v = _columns(table)
    n0, n1 = n0_v.sum(), n1_v.sum()
    if n0 == 0 or n1 == 0:
        return None
    w0, w1 = n0_v / n0, n1_v / n1
    with np.errstate(divide="ignore", invalid="ignore"):
        p1_v = np.where(n1_v > 0, x1_v / n1_v, np.nan)
        p0_v = np.where(n0_v > 0, x0_v / n0_v, np.nan)
    # a value new in the current window has no baseline rate: its arrival is pure mix
    p0_v = np.where(np.isnan(p0_v), p1_v, p0_v)
    p0_v = np.where(np.isnan(p0_v), 0.0, p0_v)
    p0 = float(x0_v.sum() / n0)
    p1 = float(x1_v.sum() / n1)
    p_mix = float((w1 * p0_v).sum())
    pull = (w1 - w0) * (p0_v - p0)  # how much each value's share change moved the rate
    d = int(np.argmin(pull))
    rest = np.arange(len(pull)) != d
    others = float(x0_v[rest].sum() + x1_v[rest].sum()) / max(float(n0_v[rest].sum() + n1_v[rest].sum()), 1.0)
    return MixSplit(
        dimension=dimension,
        mix_effect=p_mix - p0,
        rate_effect=p1 - p_mix,
        driver=str(table.index[d]),
        driver_share=(float(w0[d]), float(w1[d])),
        driver_rate=float(p0_v[d]),
        others_rate=others,
        test=compare_mix(x0_v, n0_v, x1_v, n1_v),
    )


def _columns(table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The ``x0, n0, x1, n1`` columns of a ``split_counts`` table as int64 arrays."""
    return tuple(table[c].to_numpy(dtype=np.int64) for c in ("x0", "n0", "x1", "n1"))  # type: ignore[return-value]


def cells(table: pd.DataFrame, dimension: str) -> list[Cell]:
    """Per-value comparisons with enough data, and the pooled rest of the dimension."""
    counts = np.column_stack(_columns(table))
    total = counts.sum(axis=0)
    out = []
    for value, row in zip(table.index, counts, strict=True):
        x0, n0, x1, n1 = (int(v) for v in row)
        if min(n0, n1) < MIN_CELL_N:
            continue
        r0, rn0, r1, rn1 = (int(v) for v in total - row)
        out.append(
            Cell(
                dimension,
                str(value),
                compare_proportions(x0, n0, x1, n1),
                compare_proportions(r0, rn0, r1, rn1),
                n0 / int(total[1]) if total[1] else 0.0,
                n1 / int(total[3]) if total[3] else 0.0,
            )
        )
    return out


def _drop(comp: Comparison) -> float:
    rel = comp.relative_change
    return -rel if rel is not None else 0.0


def transition_findings(
    ctx: AnalysisContext, transition: str, lead_growth: Comparison | None
) -> list[Finding]:
    """Findings for one transition (at most one: mix/quality, or a drop)."""
    cohorts = ctx.cohorts(transition)
    if cohorts.baseline is None:
        return []
    overall = cohorts.comparison()
    splits: list[MixSplit] = []
    all_cells: list[Cell] = []
    for dim in dimensions(ctx):
        table = split_counts(ctx, transition, dim)
        if table is None:
            continue
        split = mix_split(table, dim)
        if split is not None:
            splits.append(split)
        all_cells += cells(table, dim)
    # every cell of the transition is searched: correct for all of them (Bonferroni)
    tests = max(len(all_cells), 1)
    evidence = {"overall": overall.to_dict(), **cohorts.evidence()}

    overall_severity = severity_for(overall, _drop(overall), MATERIAL_DROP)
    change = (overall.current or 0.0) - (overall.baseline or 0.0)
    # A mix shift is judged on its own test: the rate expected at today's mix (baseline per-value
    # rates) rests on composition counts, so it is far more precise than the current window's
    # overall rate, whose noise can hide or fake a mix-driven fall. Bonferroni over the dimensions.
    mixes = []
    for s in splits:
        mix_severity = severity_for(s.test, _drop(s.test), MATERIAL_DROP, tests=len(splits))
        if mix_severity is not None and change < 0 and s.mix_effect / change >= MIX_SHARE:
            mixes.append((s, _stronger(mix_severity, overall_severity)))
    if mixes:
        split, mix_severity = min(mixes, key=lambda m: m[0].mix_effect)
        # a value's own rate fell if that drop would be a finding of its own (medium or more):
        # a "low" cell (p < 0.05 after Bonferroni) is a hint, not enough to overturn the mix test
        own_drops = [
            c
            for c in all_cells
            if c.dimension == split.dimension
            and severity_for(c.comparison, _drop(c.comparison), MATERIAL_DROP, tests=tests) not in (None, "low")
        ]
        if not own_drops:
            evidence.update({"mix_test": split.test.to_dict(), "mix_tests": len(splits)})
            return [_mix_finding(ctx, transition, mix_severity, split, evidence, lead_growth)]

    localised = []
    for c in all_cells:
        sev = severity_for(c.comparison, _drop(c.comparison), MATERIAL_DROP, tests=tests)
        rest_dropped = severity_for(c.rest, _drop(c.rest), MATERIAL_DROP / 2) is not None
        if sev is not None and not rest_dropped:
            localised.append((c.comparison.p_value, DIMENSION_PRIORITY.index(c.dimension), sev, c))
    if localised:
        _, _, sev, c = min(localised, key=lambda item: (item[0], item[1]))
        evidence.update(
            {
                "segment": c.comparison.to_dict(),
                "rest_of_dimension": c.rest.to_dict(),
                "bonferroni_tests": tests,
            }
        )
        return [
            Finding(
                "conversion_drop",
                sev,
                words.conversion_drop("en", transition, Change.of(c.comparison), segment=(c.dimension, c.value),
                                      rest=Change.of(c.rest)),
                evidence,
                transition=transition,
                segment=(c.dimension, c.value),
            )
        ]
    if overall_severity is not None:
        return [
            Finding(
                "conversion_drop",
                overall_severity,
                words.conversion_drop("en", transition, Change.of(overall),
                                      windows=(cohorts.baseline.label, cohorts.current.label)),
                evidence,
                transition=transition,
            )
        ]
    return []


def _stronger(a: str, b: str | None) -> str:
    """The more severe of two severities."""
    return a if b is None or SEVERITIES.index(a) <= SEVERITIES.index(b) else b


def _mix_finding(
    ctx: AnalysisContext,
    transition: str,
    severity: str,
    split: MixSplit,
    evidence: dict[str, object],
    lead_growth: Comparison | None,
) -> Finding:
    """``mix_shift``, or ``lead_quality_decline`` when the low-converting slice brought the growth."""
    s0, s1 = split.driver_share
    evidence.update(
        {
            "dimension": split.dimension,
            "mix_effect": split.mix_effect,
            "rate_effect": split.rate_effect,
            "driver_share_baseline": s0,
            "driver_share_current": s1,
            "driver_rate": split.driver_rate,
            "others_rate": split.others_rate,
        }
    )
    grew = (
        lead_growth is not None
        and (lead_growth.relative_change or 0.0) >= MATERIAL_DROP
        and lead_growth.significant()
    )
    if grew:
        # quality decline: the slice was *added* on top of the business (the leads it brought far
        # outnumber any the rest lost: month-to-month noise in the rest is not a replacement);
        # a mix shift replaces the rest
        in_slice = ctx.dimension_mask(split.dimension, split.driver)
        others = ctx.stage_volume("lead", mask=~in_slice)
        driver = ctx.stage_volume("lead", mask=in_slice)
        added = 0.0 if driver is None else (driver.current or 0.0) - (driver.baseline or 0.0)
        lost = 0.0 if others is None else (others.baseline or 0.0) - (others.current or 0.0)
        grew = others is not None and added > 0 and lost < ADDED_ON_TOP_SHARE * added
        evidence["other_leads"] = others.to_dict() if others else None
    code = "lead_quality_decline" if grew else "mix_shift"
    sentence = words.mix_shift if code == "mix_shift" else words.lead_quality_decline
    summary = sentence("en", transition, (split.dimension, split.driver), Change(s0, s1), split.driver_rate,
                       split.others_rate)
    return Finding(
        code, severity, summary, evidence, transition=transition, segment=(split.dimension, split.driver)
    )


def follow_up_finding(ctx: AnalysisContext, conversion: Comparison | None) -> list[Finding]:
    """``slow_follow_up``: fewer MQLs touched within the SLA, with MQL→SQL falling alongside."""
    sla = ctx.follow_up_sla()
    if sla is None:
        return []
    severity = severity_for(sla, _drop(sla), MATERIAL_DROP)
    if severity is None:
        return []
    fell = (
        conversion is not None and severity_for(conversion, _drop(conversion), MATERIAL_DROP / 2) is not None
    )
    if not fell:
        severity = "low"
    med0, med1 = ctx.follow_up_medians()
    evidence: dict[str, object] = {
        "within_sla": sla.to_dict(),
        "median_hours_baseline": med0,
        "median_hours_current": med1,
    }
    if conversion is not None:
        evidence["mql_to_sql"] = conversion.to_dict()
    hours = (med0, med1) if med0 is not None and med1 is not None else None
    with_it = Change.of(conversion) if fell and conversion is not None else None
    return [
        Finding(
            "slow_follow_up",
            severity,
            words.slow_follow_up("en", Change.of(sla), hours, with_it),
            evidence,
            transition="mql_to_sql",
        )
    ]


def conversion_findings(ctx: AnalysisContext) -> list[Finding]:
    """All conversion-related findings."""
    lead_growth = ctx.stage_volume("lead")
    out: list[Finding] = []
    for t in TRANSITIONS:
        out += transition_findings(ctx, t, lead_growth)
    mql_to_sql = ctx.conversion("mql_to_sql") if ctx.cohorts("mql_to_sql").baseline is not None else None
    out += follow_up_finding(ctx, mql_to_sql)
    return out
