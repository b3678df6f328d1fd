"""Seeded demo data and planted scenarios with known truth.

``generate_scenario(cause, seed, *, months=30, leads_per_month=600, as_of=date(2026, 10, 31),
recent_months=6) -> Scenario(frame, targets, truth, as_of, window_start)``

The baseline business (``profile``): a Japanese B2B SaaS company running The Model. Leads arrive
monthly (Poisson around ``leads_per_month`` x 0.6%/month growth x seasonality x 5% noise) from
Webinar, Paid Search, Organic, Referral, Events and Outbound, in SMB / Mid-Market / Enterprise,
with industry, employee count, ICP fit, region and a rep (``owner``) per segment team. Rates vary
by source, segment and ICP fit; overall lead->MQL ~43%, MQL->SQL ~37%, SQL->opportunity ~59%, win
rate (won / (won + lost)) ~33% (Enterprise ~25%). Lags: MQL ~2 days after creation, first touch
~4 hours after MQL (3% never touched), SQL ~5 days after the touch, opportunity ~8 days after SQL,
close after ~32 / 60 / 105 days (SMB / Mid-Market / Enterprise; lost deals ~10% slower); 10% of
losing deals stall (nobody works them) until a pipeline review closes them lost 3-9 months after
they opened, so a modest share of open pipeline is stalled at any time. ACV medians 1.2M / 4M / 14M yen.
Customers churn at 1.0%/month after a 30-day onboarding. MQL->SQL falls with follow-up delay
(hot leads cool: x0.96 at 4 hours, x0.65 at 3 days). Nothing is dated after ``as_of``: recent
cohorts are immature (stages not reached yet, deals open), exactly like a real export.

Planted causes (from the first day of the recent window, on what enters the affected stage from
then on; magnitudes as planted):

==========================  =========================================================  ==================  ======================  ==================================
cause                       what changes                                               truth lever         truth finding           truth segment
==========================  =========================================================  ==================  ======================  ==================================
kpi_green_revenue_flat      core business flat (0% growth); +50% extra leads from       sql_to_opportunity  kpi_green_revenue_flat  (lead_source, Giveaway Campaign)
                            "Giveaway Campaign" (92% non-ICP, 85% SMB, ACV x0.6):
                            lead->MQL 55%, MQL->SQL like the rest, SQL->opp 14% (vs
                            ~59%), win 12%. Targets for the window are plan x1.2:
                            leads/MQL/SQL met, opportunities/won/revenue missed.
                            Overall SQL->opp falls ~25-30%, the win rate far less.
slow_follow_up              median first touch after MQL 4 hours -> 3 days; MQL->SQL   mql_to_sql          slow_follow_up          None
                            falls ~25% through the cooling curve
segment_win_rate_drop       Enterprise opportunities win x0.4 (~25% -> ~10%);          opportunity_to_won  conversion_drop         (segment, Enterprise)
                            SMB / Mid-Market unchanged
churn_increase              monthly churn 1.0% -> 3.5%                                 retention           churn_increase          None
lead_volume_decline         leads x0.65 (all sources alike)                            lead_volume         lead_volume_decline     None
deal_size_drop              ACV x0.70 on new opportunities (discounting)               deal_size           deal_size_drop          None
cycle_time_increase         opportunity -> close time x2                               cycle_time          cycle_time_increase     None
meeting_quality_drop        SQL->opportunity x0.55 (~59% -> ~33%)                      sql_to_opportunity  conversion_drop         None (transition sql_to_opportunity)
mix_shift                   Paid Search (MQL->SQL ~21% vs 40-50% elsewhere) grows from mql_to_sql          mix_shift               (lead_source, Paid Search)
                            22% to 55% of leads, total volume unchanged; every
                            per-source rate unchanged; overall MQL->SQL ~37% -> ~30%
enterprise_win_collapse     Enterprise opportunities win x0.16 (~21% -> ~3.4%); the    opportunity_to_won  conversion_drop         (segment, Enterprise)
                            value-heavy segment (deals ~12x SMB) barely moves the
                            count-based win rate; won revenue falls ~30-45%
segment_mix_shift           Enterprise falls from ~20% to 3% of new leads, SMB grows   None (mix is not    revenue_decline         (segment, Enterprise)
                            from ~50% to 67%, Mid-Market stays ~30%; every within-     a lever)
                            segment rate unchanged; won revenue falls ~25-35%
healthy                     nothing; mild growth                                       None                None                    None
==========================  =========================================================  ==================  ======================  ==================================

The two revenue causes (issue 14) are meant at 1,500 leads/month over 36 months, where the
Enterprise collapse rests on ~80 Enterprise closes a quarter.

Statistical note: at the default 600 leads/month (~55 new opportunities a month) the window holds
only ~10-15 closed Enterprise deals old enough to judge, so the Enterprise
win-rate drop is only reliably visible from ~1,500 leads/month up; the other plants are clear at
600. ``targets`` (long: period, metric, target) is the plan of the unplanted business, see
``tools.demo.scenarios.targets``.
"""

from tools.demo.scenarios.generator import Scenario, generate_scenario
from tools.demo.scenarios.plants import PLANTED_CAUSES, PLANTS, TRUTHS, PlantedCause, Truth
from tools.demo.scenarios.profile import OWNER_NAMES

__all__ = [
    "OWNER_NAMES",
    "PLANTED_CAUSES",
    "PLANTS",
    "TRUTHS",
    "PlantedCause",
    "Scenario",
    "Truth",
    "generate_scenario",
]
