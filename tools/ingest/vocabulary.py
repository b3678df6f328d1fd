"""Value vocabularies: lead statuses and opportunity stages, segments, yes/no, per CRM and language.

Stage and status values are mapped onto the normalised phases of ``tools.schema``
(``lead, mql, sql, prospecting, engaging, proposal, negotiation, commit, won, lost``). Values are
compared after ``normalise_name`` (case, spacing, punctuation, full width).
"""

from __future__ import annotations

import unicodedata

from tools.ingest.headers import normalise_name

_PHASE_NAMES: dict[str, tuple[str, ...]] = {
    "lead": (
        "lead", "subscriber", "other", "new", "open", "open not contacted", "not contacted", "unqualified",
        "nurturing", "nurture", "recycled", "closed not converted", "disqualified", "not qualified",
        "junk lead", "lost lead", "attempted to contact", "contact in future", "cannot contact",
        "no longer interested", "inquiry", "prospect", "raw", "cold", "in progress", "on hold",
        # Japanese (Salesforce, HubSpot, Zoho, kintone lead apps)
        "新規", "未対応", "未処理", "リード", "ナーチャリング", "育成中", "対象外", "サブスクライバー", "その他",
        "未接触", "不通", "失格", "見込みなし", "未対応 - 未連絡", "完了 - 取引未開始", "連絡不能", "関心がなくなった",
        "オープン", "進行中", "保留",
    ),
    "mql": (
        "mql", "marketing qualified lead", "marketingqualifiedlead", "marketing qualified", "working contacted",
        "working", "contacted", "gatekeeper", "decision maker", "engaged", "sales accepted", "sal",
        "pre qualified", "mql化", "対応中", "接触済み", "マーケティングクオリファイドリード", "アプローチ中",
        "対応中 - 連絡済み", "連絡済み",
    ),
    "sql": (
        "sql", "sales qualified lead", "salesqualifiedlead", "sales qualified", "qualified", "scheduled",
        "meeting scheduled", "meeting booked", "sql化", "セールスクオリファイドリード", "アポ獲得", "アポ",
        "日程調整中", "承認済み",
    ),
    "prospecting": (
        "prospecting", "opportunity", "appointmentscheduled", "appointment scheduled", "closed converted",
        "converted", "qualify", "1-qualify", "contact made", "見込み", "見込み客", "アプローチ", "商談化", "商談",
        "アポイント設定済み", "完了 - 取引開始済み",
    ),
    "engaging": (
        "engaging", "qualification", "qualifiedtobuy", "qualified to buy", "needs analysis", "discovery",
        "demo", "demo scheduled", "develop", "2-develop", "初回商談", "ヒアリング", "課題把握", "課題合意",
        "購入見込みあり", "ニーズ分析", "検討", "資格審査",
    ),
    "proposal": (
        "proposal", "presentationscheduled", "presentation scheduled", "value proposition", "id decision makers",
        "identify decision makers", "perception analysis", "proposal price quote", "propose", "3-propose",
        "proposal made", "提案", "提案中", "見積", "見積提示", "プレゼン予定済み", "価値提案", "意思決定者の特定",
        "認識分析", "提案/見積",
    ),
    "negotiation": (
        "negotiation", "decisionmakerboughtin", "decision maker bought in", "negotiation review",
        "negotiations started", "交渉", "交渉中", "条件交渉", "意思決定者の賛同", "見積交渉", "交渉/レビュー",
    ),
    "commit": (
        "commit", "contractsent", "contract sent", "verbal", "contract", "close", "4-close", "内示", "稟議", "契約手続き",
        "契約手続中", "最終確認", "コミット", "契約書送付済み",
    ),
    "won": ("won", "closed won", "closedwon", "customer", "evangelist", "受注", "成約", "契約", "顧客",
            "エバンジェリスト", "完了受注", "成立"),
    "lost": ("lost", "closed lost", "closedlost", "out sold", "outsold", "canceled", "cancelled",
             "closed lost to competition", "失注", "見送り", "不成立", "完了失注", "キャンセル済み", "競合負け"),
}
PHASE_VALUES: dict[str, str] = {normalise_name(v): p for p, names in _PHASE_NAMES.items() for v in names}
#: Phases of a lead's journey before it is an opportunity.
LEAD_PHASES: frozenset[str] = frozenset({"lead", "mql", "sql"})

_SEGMENT_NAMES: dict[str, tuple[str, ...]] = {
    "SMB": ("smb", "small", "small business", "smallbusiness", "small and medium", "中小企業", "中小",
            "小規模"),
    "Mid-Market": ("mid-market", "midmarket", "mid market", "mid", "mm", "medium", "中堅企業", "中堅",
                   "中規模"),
    "Enterprise": ("enterprise", "ent", "large", "large enterprise", "大企業", "大手", "大手企業",
                   "エンタープライズ"),
}
SEGMENT_VALUES: dict[str, str] = {normalise_name(v): s for s, names in _SEGMENT_NAMES.items() for v in names}

_YES = ("yes", "y", "true", "t", "1", "1.0", "はい", "有", "あり", "該当", "適合", "○", "◯", "済", "済み")
_NO = ("no", "n", "false", "f", "0", "0.0", "いいえ", "無", "なし", "非該当", "不適合", "×", "未")
YES_NO_VALUES: dict[str, str] = {
    **{normalise_name(v) or v: "yes" for v in _YES},
    **{normalise_name(v) or v: "no" for v in _NO},
}


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
