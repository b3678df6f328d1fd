"""A lead / contact export and a deal / opportunity export per CRM, in each vendor's header format.

The same kind of journeys (leads at every status, some converted into deals that are won, lost or
still open) written as each system exports them: its column labels (English, and Japanese where
the product has a Japanese UI), its stage and status words, its date and amount formats and its
encoding. Called by ``generate.py``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

Writer = Callable[..., None]
LEAD_LEVELS = ["lead", "lead", "mql", "mql", "sql", "disqualified"]


@dataclass
class Journey:
    number: int
    created: datetime
    level: str  # lead / mql / sql / disqualified / converted
    outcome: str | None  # won / lost / open (converted only)
    opened: datetime | None
    closed: datetime | None
    amount: int | None
    source: str
    owner: str


def journeys(rng: random.Random, n: int = 18) -> list[Journey]:
    out = []
    outcomes = ["won", "won", "won", "lost", "lost", "lost", "open", "open"]
    for i in range(n):
        created = datetime(2025, 1, 6, 9, 0) + timedelta(days=rng.randrange(0, 150), minutes=rng.randrange(600))
        converted = i < len(outcomes)
        opened = created + timedelta(days=rng.randrange(3, 20)) if converted else None
        outcome = outcomes[i] if converted else None
        closed = opened + timedelta(days=rng.randrange(10, 60)) if outcome in ("won", "lost") else None
        out.append(Journey(i + 1, created, "converted" if converted else rng.choice(LEAD_LEVELS), outcome, opened,
                           closed, rng.randrange(10, 90) * 10_000 if converted else None,
                           rng.choice(["Web", "Webinar", "Event", "Referral"]), rng.choice(["Sato", "Suzuki", "Tanaka"])))
    rng.shuffle(out)
    return out


def _pick(level: str, outcome: str | None, words: dict[str, str]) -> str:
    return words[outcome or level] if (outcome or level) in words else words[level]


def write_vendor_exports(rng: random.Random, write: Writer, root: Path) -> None:
    for vendor in (salesforce, salesforce_ja, hubspot, hubspot_ja, pipedrive, zoho, zoho_ja, dynamics, dynamics_ja,
                   marketo, kintone):
        vendor(journeys(rng), write, root)


def _d(value: datetime | None, fmt: str) -> str | None:
    return value.strftime(fmt) if value else None


def salesforce(js: list[Journey], write: Writer, root: Path) -> None:
    status = {"lead": "Open - Not Contacted", "mql": "Working - Contacted", "sql": "Qualified",
              "disqualified": "Closed - Not Converted", "converted": "Closed - Converted"}
    stage = {"won": "Closed Won", "lost": "Closed Lost", "open": "Proposal/Price Quote"}
    iso = "%Y-%m-%dT%H:%M:%S.000Z"
    write(root / "salesforce" / "Lead.csv",
          ["Id", "OwnerId", "LastName", "Company", "Status", "LeadSource", "Industry", "NumberOfEmployees", "IsConverted",
           "ConvertedDate", "ConvertedOpportunityId", "CreatedDate"],
          [[f"00Q5g00000{j.number:05d}", "0055g00000AbcD1", f"Lead {j.number}", f"Company {j.number}",
            status[j.level], j.source, "Manufacturing", 120, str(j.level == "converted").lower(),
            _d(j.opened, "%Y-%m-%d"), f"0065g00000{j.number:05d}" if j.opened else None, _d(j.created, iso)]
           for j in js])
    write(root / "salesforce" / "Opportunity.csv",
          ["Id", "AccountId", "Name", "StageName", "Amount", "CloseDate", "IsClosed", "IsWon", "OwnerId", "CreatedDate",
           "LeadSource"],
          [[f"0065g00000{j.number:05d}", "0015g00000Xyz01", f"Deal {j.number}", stage[j.outcome or "open"], j.amount,
            _d(j.closed or j.opened + timedelta(days=45), "%Y-%m-%d"), str(j.outcome != "open").lower(),
            str(j.outcome == "won").lower(), "0055g00000AbcD1", _d(j.opened, iso), j.source]
           for j in js if j.opened])


def salesforce_ja(js: list[Journey], write: Writer, root: Path) -> None:
    status = {"lead": "未対応 - 未連絡", "mql": "対応中 - 連絡済み", "sql": "対応中 - 連絡済み",
              "disqualified": "完了 - 取引未開始", "converted": "完了 - 取引開始済み"}
    stage = {"won": "成立", "lost": "不成立", "open": "提案/見積"}
    write(root / "salesforce_ja" / "リード.csv",
          ["リード ID", "リード所有者", "姓", "会社名", "リードソース", "リード状況", "作成日", "取引開始日",
           "取引開始済み商談 ID"],
          [[f"00Q10000{j.number:07d}", j.owner, f"顧客{j.number}", f"株式会社{j.number}", j.source, status[j.level],
            _d(j.created, "%Y/%m/%d"), _d(j.opened, "%Y/%m/%d"), f"00610000{j.number:07d}" if j.opened else None]
           for j in js], encoding="cp932")
    write(root / "salesforce_ja" / "商談.csv",
          ["商談 ID", "商談名", "取引先名", "フェーズ", "金額", "完了予定日", "作成日", "商談 所有者", "受注", "完了"],
          [[f"00610000{j.number:07d}", f"商談{j.number}", f"株式会社{j.number}", stage[j.outcome or "open"],
            f"￥{j.amount:,}", _d(j.closed or j.opened + timedelta(days=45), "%Y/%m/%d"), _d(j.opened, "%Y/%m/%d"),
            j.owner, int(j.outcome == "won"), int(j.outcome != "open")] for j in js if j.opened], encoding="cp932")


def hubspot(js: list[Journey], write: Writer, root: Path) -> None:
    lifecycle = {"lead": "lead", "mql": "marketingqualifiedlead", "sql": "salesqualifiedlead", "disqualified": "other",
                 "converted": "opportunity", "won": "customer"}
    deal = {"won": "closedwon", "lost": "closedlost", "open": "presentationscheduled"}
    when = "%Y-%m-%d %H:%M"
    write(root / "hubspot" / "contacts.csv",
          ["Record ID", "First Name", "Last Name", "Email", "Contact owner", "Lifecycle Stage", "Create Date",
           "Became a Marketing Qualified Lead Date", "Original Source", "Company Name"],
          [[5100 + j.number, "Aiko", f"Tanaka{j.number}", f"lead{j.number}@example.com", j.owner,
            _pick(j.level, j.outcome, lifecycle), _d(j.created, when),
            _d(j.created + timedelta(hours=2), when) if j.level in ("mql", "sql", "converted") else None,
            "ORGANIC_SEARCH", f"Company {j.number}"] for j in js], encoding="utf-8-sig")
    write(root / "hubspot" / "deals.csv",
          ["Record ID", "Deal Name", "Deal Stage", "Pipeline", "Amount", "Close Date", "Create Date", "Deal owner",
           "Associated Contact IDs"],
          [[9_000_000 + j.number, f"Deal {j.number}", deal[j.outcome or "open"], "Sales Pipeline", j.amount,
            _d(j.closed, when), _d(j.opened, when), j.owner, 5100 + j.number] for j in js if j.opened])


def hubspot_ja(js: list[Journey], write: Writer, root: Path) -> None:
    lifecycle = {"lead": "リード", "mql": "マーケティング・クオリファイド・リード", "sql": "セールス・クオリファイド・リード",
                 "disqualified": "その他", "converted": "商談", "won": "顧客"}
    deal = {"won": "受注", "lost": "失注", "open": "プレゼン予定済み"}
    when = "%Y/%m/%d %H:%M"
    write(root / "hubspot_ja" / "コンタクト.csv",
          ["レコードID", "名", "姓", "Eメール", "コンタクト担当者", "ライフサイクルステージ", "作成日",
           "マーケティング・クオリファイド・リードになった日", "元のソース"],
          [[7100 + j.number, "愛子", f"田中{j.number}", f"lead{j.number}@example.jp", j.owner,
            _pick(j.level, j.outcome, lifecycle), _d(j.created, when),
            _d(j.created + timedelta(hours=3), when) if j.level in ("mql", "sql", "converted") else None, j.source]
           for j in js], encoding="utf-8-sig")
    write(root / "hubspot_ja" / "取引.csv",
          ["レコードID", "取引名", "取引ステージ", "パイプライン", "金額", "クローズ日", "作成日", "取引担当者",
           "関連付けられたコンタクトID"],
          [[8_000_000 + j.number, f"取引{j.number}", deal[j.outcome or "open"], "セールスパイプライン", j.amount,
            _d(j.closed, when), _d(j.opened, when), j.owner, 7100 + j.number] for j in js if j.opened],
          encoding="utf-8-sig")


def pipedrive(js: list[Journey], write: Writer, root: Path) -> None:
    stage = {"won": "Negotiations Started", "lost": "Proposal Made", "open": "Demo Scheduled"}
    when = "%Y-%m-%d %H:%M:%S"
    write(root / "pipedrive" / "people.csv",
          ["Person - ID", "Person - Name", "Person - Email", "Person - Owner", "Person - Label", "Person - Organization",
           "Person - Person created"],
          [[300 + j.number, f"Person {j.number}", f"p{j.number}@example.com", j.owner, "Warm lead",
            f"Org {j.number}", _d(j.created, when)] for j in js])
    write(root / "pipedrive" / "deals.csv",
          ["Deal - ID", "Deal - Title", "Deal - Value", "Deal - Currency of Value", "Deal - Organization",
           "Deal - Contact person", "Deal - Stage", "Deal - Status", "Deal - Owner", "Deal - Deal created",
           "Deal - Expected close date", "Deal - Won time", "Deal - Lost time", "Deal - Pipeline"],
          [[40 + j.number, f"Org {j.number} deal", j.amount, "JPY", f"Org {j.number}", f"Person {j.number}",
            stage[j.outcome or "open"], j.outcome, j.owner, _d(j.opened, when),
            _d(j.opened + timedelta(days=45), "%Y-%m-%d"), _d(j.closed, when) if j.outcome == "won" else None,
            _d(j.closed, when) if j.outcome == "lost" else None, "Sales"] for j in js if j.opened])


def zoho(js: list[Journey], write: Writer, root: Path) -> None:
    status = {"lead": "Not Contacted", "mql": "Contacted", "sql": "Pre-Qualified", "disqualified": "Junk Lead",
              "converted": "Pre-Qualified"}
    stage = {"won": "Closed Won", "lost": "Closed-Lost to Competition", "open": "Needs Analysis"}
    when = "%Y-%m-%d %H:%M:%S"
    write(root / "zoho" / "Leads.csv",
          ["Record Id", "Lead Owner", "Company", "First Name", "Last Name", "Email", "Lead Source", "Lead Status",
           "Industry", "No. of Employees", "Annual Revenue", "Created Time", "Modified Time"],
          [[f"zcrm_5725767000000{419000 + j.number}", j.owner, f"Company {j.number}", "Ken", f"Ito{j.number}",
            f"k{j.number}@example.com", j.source, status[j.level], "Retail", 80, 1_200_000, _d(j.created, when),
            _d(j.created + timedelta(days=2), when)] for j in js])
    write(root / "zoho" / "Deals.csv",
          ["Record Id", "Deal Owner", "Deal Name", "Amount", "Closing Date", "Account Name", "Stage", "Type",
           "Probability (%)", "Lead Source", "Contact Name", "Created Time"],
          [[f"zcrm_5725767000001{519000 + j.number}", j.owner, f"Deal {j.number}", f"{j.amount:.2f}",
            _d(j.closed or j.opened + timedelta(days=45), "%Y-%m-%d"), f"Company {j.number}",
            stage[j.outcome or "open"], "New Business", 50, j.source, f"Ken Ito{j.number}", _d(j.opened, when)]
           for j in js if j.opened])


def zoho_ja(js: list[Journey], write: Writer, root: Path) -> None:
    status = {"lead": "未対応", "mql": "対応中", "sql": "承認済み", "disqualified": "対象外", "converted": "承認済み"}
    stage = {"won": "受注", "lost": "失注", "open": "ニーズ分析"}
    when = "%Y/%m/%d %H:%M"
    write(root / "zoho_ja" / "リード.csv",
          ["レコードID", "リードの所有者", "会社名", "姓", "リードソース", "リードのステータス", "業種", "従業員数",
           "作成日時"],
          [[f"zcrm_4{j.number:05d}", j.owner, f"株式会社{j.number}", f"伊藤{j.number}", j.source, status[j.level],
            "小売", 80, _d(j.created, when)] for j in js])
    write(root / "zoho_ja" / "商談.csv",
          ["レコードID", "商談の所有者", "商談名", "金額", "完了予定日", "取引先名", "ステージ", "作成日時"],
          [[f"zcrm_9{j.number:05d}", j.owner, f"商談{j.number}", f"{j.amount:,}",
            _d(j.closed or j.opened + timedelta(days=45), "%Y/%m/%d"), f"株式会社{j.number}",
            stage[j.outcome or "open"], _d(j.opened, when)] for j in js if j.opened])


def dynamics(js: list[Journey], write: Writer, root: Path) -> None:
    reason = {"lead": "New", "mql": "Contacted", "sql": "Contacted", "disqualified": "No Longer Interested",
              "converted": "Qualified"}
    phase = {"won": "4-Close", "lost": "3-Propose", "open": "2-Develop"}
    us = "%m/%d/%Y %I:%M %p"
    write(root / "dynamics" / "Leads.csv",
          ["(Do Not Modify) Lead", "(Do Not Modify) Row Checksum", "(Do Not Modify) Modified On", "Name", "Topic",
           "Status Reason", "Created On", "Owner", "Lead Source", "Company Name", "Industry", "No. of Employees"],
          [[f"6f{j.number:06d}-1c2d-ef11-8409-000d3a5c1a{j.number:02d}", f"chk{j.number}", _d(j.created, us),
            f"Lead {j.number}", f"Interest {j.number}", reason[j.level], _d(j.created, us), j.owner, "Web",
            f"Contoso {j.number}", "Consulting", 45] for j in js])
    write(root / "dynamics" / "Opportunities.csv",
          ["(Do Not Modify) Opportunity", "(Do Not Modify) Row Checksum", "(Do Not Modify) Modified On", "Topic",
           "Potential Customer", "Est. Close Date", "Est. Revenue", "Status", "Status Reason", "Pipeline Phase",
           "Created On", "Owner"],
          [[f"9a{j.number:06d}-2b3c-ef11-8409-000d3a5c2b{j.number:02d}", f"chk{j.number}", _d(j.opened, us),
            f"Interest {j.number}", f"Contoso {j.number}", _d(j.closed or j.opened + timedelta(days=45), "%m/%d/%Y"),
            f"${j.amount:,.2f}", {"won": "Won", "lost": "Lost"}.get(j.outcome or "", "Open"),
            {"won": "Won", "lost": "Out-Sold"}.get(j.outcome or "", "In Progress"), phase[j.outcome or "open"],
            _d(j.opened, us), j.owner] for j in js if j.opened])


def dynamics_ja(js: list[Journey], write: Writer, root: Path) -> None:
    reason = {"lead": "新規", "mql": "連絡済み", "sql": "連絡済み", "disqualified": "関心がなくなった",
              "converted": "承認済み"}
    when = "%Y/%m/%d %H:%M"
    write(root / "dynamics_ja" / "リード.csv",
          ["(変更しないでください) リード", "(変更しないでください) 修正日", "トピック", "ステータス理由", "作成日", "所有者",
           "リード ソース", "会社名"],
          [[f"1d{j.number:06d}-aaaa-ef11-8409-000d3a5c1a{j.number:02d}", _d(j.created, when), f"関心{j.number}",
            reason[j.level], _d(j.created, when), j.owner, j.source, f"コントソ{j.number}"] for j in js],
          encoding="utf-8-sig")
    write(root / "dynamics_ja" / "営業案件.csv",
          ["(変更しないでください) 営業案件", "(変更しないでください) 修正日", "トピック", "見込み顧客", "見積終了日", "見積収益",
           "ステータス", "ステータス理由", "作成日", "所有者"],
          [[f"2e{j.number:06d}-bbbb-ef11-8409-000d3a5c2b{j.number:02d}", _d(j.opened, when), f"関心{j.number}",
            f"コントソ{j.number}", _d(j.closed or j.opened + timedelta(days=45), "%Y/%m/%d"), f"¥{j.amount:,}",
            {"won": "受注", "lost": "失注"}.get(j.outcome or "", "オープン"),
            {"won": "受注", "lost": "競合負け"}.get(j.outcome or "", "進行中"), _d(j.opened, when), j.owner]
           for j in js if j.opened], encoding="utf-8-sig")


def marketo(js: list[Journey], write: Writer, root: Path) -> None:
    status = {"lead": "Open", "mql": "MQL", "sql": "SQL", "disqualified": "Disqualified", "converted": "SQL"}
    when = "%Y-%m-%d %H:%M:%S"
    write(root / "marketo" / "people.csv",
          ["Id", "First Name", "Last Name", "Email Address", "Company Name", "Lead Source", "Person Source",
           "Lead Status", "Lead Score", "Created At", "Updated At", "MQL Date"],
          [[2_000_000 + j.number, "Mia", f"Ono{j.number}", f"m{j.number}@example.com", f"Company {j.number}",
            j.source, "Website", status[j.level], 40, _d(j.created, when), _d(j.created + timedelta(days=3), when),
            _d(j.created + timedelta(hours=5), when) if j.level in ("mql", "sql", "converted") else None] for j in js])
    write(root / "marketo" / "opportunities.csv",
          ["Opportunity ID", "Opportunity Name", "Person ID", "Stage", "Amount", "Close Date", "Is Closed", "Is Won",
           "Created At"],
          [[f"OPP-{j.number:04d}", f"Deal {j.number}", 2_000_000 + j.number,
            {"won": "Closed Won", "lost": "Closed Lost"}.get(j.outcome or "", "Negotiation"), j.amount,
            _d(j.closed or j.opened + timedelta(days=45), "%Y-%m-%d"), str(j.outcome != "open"),
            str(j.outcome == "won"), _d(j.opened, when)] for j in js if j.opened])


def kintone(js: list[Journey], write: Writer, root: Path) -> None:
    status = {"lead": "新規", "mql": "対応中", "sql": "アポ獲得", "disqualified": "対象外", "converted": "商談化"}
    stage = {"won": "受注", "lost": "失注", "open": "提案"}
    when = "%Y-%m-%d %H:%M"
    ordered = sorted(js, key=lambda j: j.created)
    lead_number = {j.number: i + 1 for i, j in enumerate(ordered)}
    write(root / "kintone" / "リード管理.csv",
          ["レコード番号", "作成日時", "更新日時", "作成者", "会社名", "担当者", "流入経路", "ステータス", "MQL化日"],
          [[lead_number[j.number], _d(j.created, when), _d(j.created + timedelta(days=1), when), "管理者",
            f"株式会社{j.number}", j.owner, j.source, status[j.level],
            _d(j.created, "%Y-%m-%d") if j.level in ("mql", "sql", "converted") else None] for j in ordered],
          encoding="cp932")
    deals = sorted((j for j in js if j.opened), key=lambda j: j.opened)  # type: ignore[arg-type, return-value]
    write(root / "kintone" / "案件管理.csv",
          ["レコード番号", "作成日時", "案件名", "会社名", "担当者", "ステータス", "見込み金額", "受注予定日", "受注日",
           "確度", "リードレコード番号"],
          [[i + 1, _d(j.opened, when), f"案件{j.number}", f"株式会社{j.number}", j.owner, stage[j.outcome or "open"],
            j.amount, _d(j.opened + timedelta(days=45), "%Y-%m-%d"),
            _d(j.closed, "%Y-%m-%d") if j.outcome == "won" else None, "B", lead_number[j.number]]
           for i, j in enumerate(deals)], encoding="cp932")
