"""Write the loader's fixture corpus (run once; the CSVs are committed next to this script).

    .venv/bin/python tests/data/corpus/generate.py

Every file is synthetic, written from a fixed seed in the shape of a real export: the four
failure classes of issue 13 (``classes/``) and a lead and a deal export for each CRM the loader
names (``vendors/``), with the header labels each vendor documents for its exports. See
PROVENANCE.md. Tests compute their expectations from these files with plain pandas.
"""

from __future__ import annotations

import csv
import random
import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
AGENTS = ["Anna Snelling", "Cecily Lampkin", "Darcel Schlecht", "Moses Frase", "Versie Hillebrand", "Vicki Laflamme"]
TEAMS = {"Anna Snelling": ("Dustin Brinkmann", "Central"), "Cecily Lampkin": ("Dustin Brinkmann", "Central"),
         "Darcel Schlecht": ("Melvin Marxen", "Central"), "Moses Frase": ("Cara Losch", "East"),
         "Versie Hillebrand": ("Cara Losch", "East"), "Vicki Laflamme": ("Summer Sewald", "West")}
ACCOUNTS = {"Acme Corporation": ("technolgy", 2822), "Betasoloin": ("medical", 1185), "Bioholding": ("medical", 1012),
            "Cheers": ("entertainment", 4253), "Codehow": ("software", 1255), "Conecom": ("technolgy", 1806),
            "Dalttechnology": ("software", 1800), "Domzoom": ("entertainment", 2233), "Finjob": ("employment", 242),
            "Genco Pura Olive Oil Company": ("retail", 6220), "Goodsilron": ("marketing", 3067),
            "Hottechi": ("technolgy", 4411), "Isdom": ("medical", 1698), "Kan-code": ("software", 13756)}
PRODUCTS = {"GTX Basic": ("GTX", 550), "GTX Pro": ("GTX", 4821), "MG Special": ("MG", 55), "MG Advanced": ("MG", 3393),
            "GTX Plus Pro": ("GTX", 5482), "GTK 500": ("GTK", 26768)}


def write(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]], encoding: str = "utf-8",
          trailing_comma: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as handle:
        out = csv.writer(handle, lineterminator="\r\n" if encoding == "cp932" else "\n")
        out.writerow(list(header) + ([""] if trailing_comma else []))
        for row in rows:
            out.writerow(["" if v is None else v for v in row] + ([""] if trailing_comma else []))


def day(rng: random.Random, start: date, span: int) -> date:
    return start + timedelta(days=rng.randrange(span))


# --- the four failure classes --------------------------------------------------------------------------

def opportunity_only(rng: random.Random) -> None:
    """Class 1: an opportunity-only pipeline (no lead-created date) with lookup tables beside it."""
    folder = HERE / "classes" / "opportunity_only"
    stages = ["Prospecting"] * 10 + ["Engaging"] * 12 + ["Won"] * 40 + ["Lost"] * 28
    rows = []
    for _ in range(620):
        stage = rng.choice(stages)
        engage = None if stage == "Prospecting" else day(rng, date(2016, 10, 20), 430)
        close = engage + timedelta(days=rng.randrange(3, 120)) if stage in ("Won", "Lost") else None
        product = rng.choice(list(PRODUCTS))
        value = round(PRODUCTS[product][1] * rng.uniform(0.85, 1.1)) if stage == "Won" else (0 if stage == "Lost" else None)
        account = None if stage in ("Prospecting", "Engaging") and rng.random() < 0.3 else rng.choice(list(ACCOUNTS))
        if rng.random() < 0.03:
            account = "Unlisted Holdings"  # an account the accounts file does not have
        rows.append([f"{uuid.UUID(int=rng.getrandbits(128)).hex[:8].upper()}", rng.choice(AGENTS), product, account,
                     stage, engage, close, value])
    write(folder / "sales_pipeline.csv", ["opportunity_id", "sales_agent", "product", "account", "deal_stage",
                                          "engage_date", "close_date", "close_value"], rows)
    write(folder / "accounts.csv", ["account", "sector", "year_established", "revenue", "employees", "office_location",
                                    "subsidiary_of"],
          [[a, s, rng.randrange(1979, 2017), round(rng.uniform(10, 9000), 2), e, "United States", None]
           for a, (s, e) in ACCOUNTS.items()])
    write(folder / "sales_teams.csv", ["sales_agent", "manager", "regional_office"],
          [[a, m, r] for a, (m, r) in TEAMS.items()])
    write(folder / "products.csv", ["product", "series", "sales_price"], [[p, s, v] for p, (s, v) in PRODUCTS.items()])


def mql_closed_deals(rng: random.Random) -> None:
    """Class 2: an MQL list and a closed-deals file (won deals only) sharing the MQL id."""
    folder = HERE / "classes" / "mql_closed_deals"
    origins = ["organic_search", "paid_search", "social", "unknown", "direct_traffic", "email", "referral", "display"]
    mqls, deals = [], []
    for _ in range(800):
        mql_id = uuid.UUID(int=rng.getrandbits(128)).hex
        first = day(rng, date(2017, 6, 1), 360)
        mqls.append([mql_id, first.isoformat(), uuid.UUID(int=rng.getrandbits(128)).hex, rng.choice(origins)])
        if rng.random() < 0.11:
            won = datetime.combine(first + timedelta(days=rng.randrange(2, 90)), datetime.min.time()) + timedelta(
                seconds=rng.randrange(86_400))
            deals.append([mql_id, uuid.UUID(int=rng.getrandbits(128)).hex, uuid.UUID(int=rng.getrandbits(128)).hex,
                          uuid.UUID(int=rng.getrandbits(128)).hex, won.strftime("%Y-%m-%d %H:%M:%S"),
                          rng.choice(["pet", "car_accessories", "home_decor", "health_beauty"]),
                          rng.choice(["online_medium", "industry", "offline"]), rng.choice(["cat", "eagle", "wolf"]),
                          None, None, None, rng.choice(["reseller", "manufacturer"]), None,
                          rng.choice([0, 0, 50_000, 200_000])])
    write(folder / "marketing_qualified_leads.csv", ["mql_id", "first_contact_date", "landing_page_id", "origin"], mqls)
    write(folder / "closed_deals.csv", ["mql_id", "seller_id", "sdr_id", "sr_id", "won_date", "business_segment",
                                        "lead_type", "lead_behaviour_profile", "has_company", "has_gtin", "average_stock",
                                        "business_type", "declared_product_catalog_size", "declared_monthly_revenue"],
          deals)


def own_vocabulary(rng: random.Random) -> None:
    """Class 3: leads + opportunities with their own stage words, YYYYMMDD and M/D/YYYY dates."""
    folder = HERE / "classes" / "own_vocabulary"
    leads, opps = [], []
    open_stages = ["New"] * 30 + ["Working"] * 20 + ["Gatekeeper"] * 8 + ["Decision Maker"] * 6 + ["Disqualified"] * 25
    for i in range(2400):
        created = day(rng, date(2023, 1, 1), 540)
        reasons = ["No budget", "Wrong contact", "Not interested"]
        converted = rng.random() < 0.12
        if converted:
            opp_id = f"OP{i:06d}"
            stage = rng.choice(["Qualified", "Scheduled"])
            opp_created = created + timedelta(days=rng.randrange(1, 40))
            decided = rng.random() < 0.8
            accepted = rng.random() < 0.35 if decided else False
            decision = opp_created + timedelta(days=rng.randrange(5, 90)) if decided else None
            opps.append([opp_id, f"{opp_created.month}/{opp_created.day}/{opp_created.year}",
                         "TRUE" if accepted else "FALSE",
                         f"{decision.month}/{decision.day}/{decision.year}" if decision else None,
                         rng.randrange(20, 400) * 100])
        else:
            opp_id, stage = None, rng.choice(open_stages)
        leads.append([f"L{i:06d}", stage, created.strftime("%Y%m%d"), opp_id,
                      rng.choice(["Cold Call", "Web", "Trade Show", "Partner"]),
                      rng.choice(reasons) if stage == "Disqualified" else None])
    write(folder / "leads.csv", ["LeadId", "Stage", "CreatedDate", "ConvertedOpportunityId", "LeadSource",
                                 "DisqualifiedReason"], leads)
    write(folder / "opportunities.csv", ["OpportunityId", "CreatedDate", "IsAccepted", "AcceptedDecisionDate", "Amount"],
          opps, trailing_comma=True)


def undated_leads(rng: random.Random) -> None:
    """Class 4: a lead list with no date column at all (conversion flag, origin, source, activity)."""
    folder = HERE / "classes" / "undated_leads"
    sources = {"Google": 0.40, "Direct Traffic": 0.32, "Olark Chat": 0.25, "Organic Search": 0.37, "Reference": 0.9}
    origins = ["Landing Page Submission", "API", "Lead Add Form", "Lead Import"]
    activities = ["Email Opened", "SMS Sent", "Page Visited on Website", "Olark Chat Conversation", "Email Bounced"]
    rows = []
    for i in range(1100):
        source = rng.choice(list(sources))
        converted = int(rng.random() < sources[source])
        rows.append([str(uuid.UUID(int=rng.getrandbits(128))), 660_000 + i, rng.choice(origins), source,
                     rng.choice(["No", "No", "Yes"]), "No", converted, rng.randrange(0, 20),
                     rng.randrange(0, 2000), round(rng.uniform(0, 6), 2), rng.choice(activities),
                     rng.choice(["India", "India", "United States", None]), rng.choice(["Select", "Finance Management",
                                                                                        "Marketing Management"]),
                     rng.choice(["Unemployed", "Working Professional", "Student"]), rng.choice(activities)])
    write(folder / "leads.csv", ["Prospect ID", "Lead Number", "Lead Origin", "Lead Source", "Do Not Email",
                                 "Do Not Call", "Converted", "TotalVisits", "Total Time Spent on Website",
                                 "Page Views Per Visit", "Last Activity", "Country", "Specialization",
                                 "What is your current occupation", "Last Notable Activity"], rows)


if __name__ == "__main__":
    from vendors import write_vendor_exports  # the vendor shapes live in their own script

    seed = random.Random(13)
    opportunity_only(seed)
    mql_closed_deals(seed)
    own_vocabulary(seed)
    undated_leads(seed)
    write_vendor_exports(random.Random(7), write, HERE / "vendors")
