"""The baseline business the generator simulates: sources, segments, rates, lags, deal sizes.

A Japanese B2B SaaS company running The Model. Amounts are annual contract values in yen.
Every number here is a *baseline* parameter; the planted causes (``tools.demo.scenarios.plants``)
change a few of them for the recent window only.
"""

from __future__ import annotations

import numpy as np

# --- lead sources ------------------------------------------------------------------------------

#: Lead sources in code order. "Giveaway Campaign" only appears in the kpi_green_revenue_flat story.
SOURCES: tuple[str, ...] = (
    "Webinar",
    "Paid Search",
    "Organic",
    "Referral",
    "Events",
    "Outbound",
    "Giveaway Campaign",
)
GIVEAWAY = SOURCES.index("Giveaway Campaign")
PAID_SEARCH = SOURCES.index("Paid Search")

#: Baseline share of leads per source (Giveaway Campaign absent).
SOURCE_SHARE = np.array([0.22, 0.22, 0.22, 0.07, 0.12, 0.15, 0.0])

# Per-source stage rates: lead->MQL, MQL->SQL (before the follow-up cooling factor),
# SQL->opportunity, opportunity->won (before segment and ICP multipliers).
LEAD_TO_MQL = np.array([0.48, 0.40, 0.42, 0.55, 0.45, 0.36, 0.55])
MQL_TO_SQL = np.array([0.42, 0.22, 0.44, 0.55, 0.42, 0.50, 0.42])
SQL_TO_OPP = np.array([0.58, 0.56, 0.60, 0.68, 0.55, 0.52, 0.14])
OPP_TO_WON = np.array([0.27, 0.26, 0.30, 0.36, 0.27, 0.24, 0.12])
#: Probability a lead from each source fits the ICP.
ICP_YES = np.array([0.55, 0.45, 0.55, 0.75, 0.60, 0.70, 0.08])

# --- segments ----------------------------------------------------------------------------------

SEGMENTS: tuple[str, ...] = ("SMB", "Mid-Market", "Enterprise")
SMB, MID_MARKET, ENTERPRISE = 0, 1, 2
#: P(segment | source); rows follow SOURCES.
SEGMENT_GIVEN_SOURCE = np.array(
    [
        [0.55, 0.30, 0.15],  # Webinar
        [0.55, 0.30, 0.15],  # Paid Search (same as Webinar: a pure source-mix shift keeps segment mix)
        [0.55, 0.30, 0.15],  # Organic
        [0.40, 0.35, 0.25],  # Referral
        [0.35, 0.35, 0.30],  # Events
        [0.30, 0.35, 0.35],  # Outbound
        [0.85, 0.13, 0.02],  # Giveaway Campaign
    ]
)
SEG_MQL = np.array([1.00, 1.00, 0.95])
SEG_SQL = np.array([1.00, 1.00, 0.95])
SEG_OPP = np.array([1.05, 1.00, 0.92])
SEG_WON = np.array([1.12, 1.00, 0.80])
#: ICP multipliers on SQL->opportunity and opportunity->won, indexed by icp (0 = no, 1 = yes).
ICP_OPP = np.array([0.88, 1.10])
ICP_WON = np.array([0.85, 1.12])

#: Median annual contract value per segment (yen) and the lognormal spread.
ACV_MEDIAN = np.array([1_200_000.0, 4_000_000.0, 14_000_000.0])
ACV_SIGMA = 0.45
GIVEAWAY_ACV_FACTOR = 0.6
#: Median days from opportunity to close per segment (lost deals take ~10% longer).
CYCLE_MEDIAN_DAYS = np.array([32.0, 60.0, 105.0])
CYCLE_SIGMA = 0.5
EMPLOYEES_RANGE = np.array([[8, 199], [200, 999], [1000, 30000]])

# --- lags (days) ------------------------------------------------------------------------------

LEAD_TO_MQL_MEDIAN_DAYS = 2.0
LEAD_TO_MQL_SIGMA = 1.3
FOLLOW_UP_MEDIAN_DAYS = 4.0 / 24.0  # first touch ~4 business hours after MQL
FOLLOW_UP_SIGMA = 1.1
NEVER_TOUCHED = 0.03  # MQLs IS never calls (dropped balls)
TOUCH_TO_SQL_MEDIAN_DAYS = 4.0
SQL_TO_OPP_MEDIAN_DAYS = 7.0
STALLED_SHARE_OF_LOST = 0.10  # losing deals nobody works: they sit open past the usual cycle ...
STALLED_CLOSE_OUT_DAYS = (91.0, 274.0)  # ... until a pipeline review closes them lost (3-9 months)


def follow_up_cooling(delay_days: np.ndarray) -> np.ndarray:
    """Factor on MQL->SQL for a lead first touched ``delay_days`` after MQL (hot leads cool).

    ~0.96 at 4 hours, ~0.65 at 3 days, floor 0.55: the lead-temperature effect the playbook's
    24-hour SLA protects against.
    """
    return 0.55 + 0.45 * np.exp(-delay_days / 2.0)


# --- churn -------------------------------------------------------------------------------------

MONTHLY_CHURN = 0.010
ONBOARDING_DAYS = 30.0  # no churn during onboarding

# --- other dimensions -------------------------------------------------------------------------

INDUSTRIES: tuple[str, ...] = (
    "IT/SaaS",
    "Manufacturing",
    "Financial Services",
    "Retail",
    "Healthcare",
    "Professional Services",
    "Logistics",
    "Media",
)
INDUSTRY_SHARE = np.array([0.22, 0.18, 0.12, 0.12, 0.10, 0.12, 0.08, 0.06])
REGIONS: tuple[str, ...] = ("Kanto", "Kansai", "Chubu", "Kyushu", "Tohoku")
REGION_SHARE = np.array([0.50, 0.20, 0.13, 0.10, 0.07])
#: Rep names per segment team. Distinctive on purpose: tests grep prompts for them to prove
#: raw rows never reach a model.
OWNERS_BY_SEGMENT: tuple[tuple[str, ...], ...] = (
    ("Sayaka Kurihara", "Daichi Ishimaru", "Megan Holloway", "Takumi Onodera"),
    ("Rina Matsuzawa", "Connor Whitfield", "Yui Hasegawa"),
    ("Shota Kanemura", "Beatrix Nakagawa-Lowe"),
)
OWNER_NAMES: tuple[str, ...] = tuple(n for team in OWNERS_BY_SEGMENT for n in team)

#: Lead volume seasonality by calendar month (Jan..Dec): fiscal-year-end push in March,
#: Obon dip in August, year-end dip in December.
SEASONALITY = np.array([0.93, 1.00, 1.08, 1.02, 0.97, 1.03, 0.98, 0.88, 1.02, 1.07, 1.05, 0.90])
MONTHLY_NOISE_SIGMA = 0.05
HEALTHY_MONTHLY_GROWTH = 0.006
