"""The words people use for metrics, dimensions, periods and rankings, in English and Japanese.

Tables only (phrase -> id), read by ``assistant.chat.metric_parse``. Phrases are matched on the
NFKC-normalised, lower-cased question; longer phrases win over shorter ones at the same place,
so "mql to sql" beats "mql" and 「商談化率」 beats 「商談」.
"""

from __future__ import annotations

#: phrase -> metric id, or a bundle name in BUNDLES
METRIC_PHRASES: dict[str, str] = {
    # conversions first: they contain stage names
    "lead to mql": "lead_to_mql", "lead-to-mql": "lead_to_mql", "lead→mql": "lead_to_mql", "lead->mql": "lead_to_mql",
    "mql rate": "lead_to_mql", "leads to mql": "lead_to_mql", "lead to marketing qualified": "lead_to_mql",
    "mql to sql": "mql_to_sql", "mql-to-sql": "mql_to_sql", "mql→sql": "mql_to_sql", "mql->sql": "mql_to_sql",
    "mqls to sql": "mql_to_sql", "sql rate": "mql_to_sql", "qualification rate": "mql_to_sql",
    "sql to opportunity": "sql_to_opportunity", "sql to opp": "sql_to_opportunity", "sql→opportunity": "sql_to_opportunity",
    "sql→商談": "sql_to_opportunity", "sql->opp": "sql_to_opportunity", "sqls to opp": "sql_to_opportunity",
    "opportunity rate": "sql_to_opportunity",
    "opportunity to won": "opportunity_to_won", "opportunity to win": "opportunity_to_won",
    "opp to win": "opportunity_to_won", "opp to won": "opportunity_to_won", "opportunity→won": "opportunity_to_won",
    "opportunities to won": "opportunity_to_won", "opportunity-to-win": "opportunity_to_won",
    "lead to win": "lead_to_won", "lead to won": "lead_to_won", "lead to customer": "lead_to_won",
    "lead-to-customer": "lead_to_won", "leads to customers": "lead_to_won", "end-to-end conversion": "lead_to_won",
    "overall conversion": "lead_to_won",
    "リード→mql": "lead_to_mql", "リードからmql": "lead_to_mql", "mql化率": "lead_to_mql", "リード→mql転換": "lead_to_mql",
    "mqlからsql": "mql_to_sql", "sql化率": "mql_to_sql",
    "sqlから商談": "sql_to_opportunity", "商談化率": "sql_to_opportunity", "sql→商談化": "sql_to_opportunity",
    "商談→受注": "opportunity_to_won", "商談から受注": "opportunity_to_won",
    "リードから受注": "lead_to_won", "リード→受注": "lead_to_won",
    "conversion rate": "funnel", "conversion": "funnel", "funnel": "funnel", "転換率": "funnel",
    "移行率": "funnel", "コンバージョン": "funnel", "ファネル": "funnel",
    # win rate and money
    "amount-based win rate": "win_rate_amount", "win rate by amount": "win_rate_amount",
    "value win rate": "win_rate_amount", "金額ベースの受注率": "win_rate_amount",
    "win rate": "win_rate", "win-rate": "win_rate", "close rate": "win_rate", "closing rate": "win_rate",
    "win ratio": "win_rate", "win %": "win_rate", "受注率": "win_rate", "勝率": "win_rate", "成約率": "win_rate",
    "決定率": "win_rate", "クロージング率": "win_rate",
    "average deal": "average_deal_size", "avg deal": "average_deal_size", "deal size": "average_deal_size",
    "acv": "average_deal_size", "average contract": "average_deal_size", "deal value": "average_deal_size",
    "average order": "average_deal_size", "平均単価": "average_deal_size", "受注単価": "average_deal_size",
    "平均受注額": "average_deal_size", "平均受注金額": "average_deal_size", "案件単価": "average_deal_size",
    "単価": "average_deal_size", "平均金額": "average_deal_size",
    "revenue": "won_revenue", "bookings": "won_revenue", "booked": "won_revenue", "won amount": "won_revenue",
    "sales volume": "won_revenue", "how much did we sell": "won_revenue", "how much have we sold": "won_revenue",
    "売上": "won_revenue", "売り上げ": "won_revenue", "受注金額": "won_revenue", "受注額": "won_revenue",
    "収益": "won_revenue", "売上高": "won_revenue",
    "weighted pipeline": "weighted_pipeline", "weighted forecast": "weighted_pipeline",
    "加重パイプライン": "weighted_pipeline", "確度加重": "weighted_pipeline",
    "pipeline created": "opportunity_amount", "pipeline generated": "opportunity_amount",
    "created pipeline": "opportunity_amount", "new pipeline": "opportunity_amount",
    "商談創出金額": "opportunity_amount", "創出パイプライン": "opportunity_amount",
    "pipeline coverage": "pipeline_coverage", "coverage": "pipeline_coverage", "カバレッジ": "pipeline_coverage",
    "パイプラインカバレッジ": "pipeline_coverage", "take to close": "median_cycle_days", "to close": "median_cycle_days",
    "open pipeline": "open_pipeline", "pipeline value": "open_pipeline", "pipeline": "open_pipeline",
    "パイプライン": "open_pipeline", "商談残": "open_pipeline", "進行中の商談金額": "open_pipeline",
    "lost revenue": "lost_amount", "lost amount": "lost_amount", "失注金額": "lost_amount", "失注額": "lost_amount",
    "stalled amount": "stalled_amount", "停滞金額": "stalled_amount",
    # pipeline health
    "stalled": "stalled_deals", "stuck deals": "stalled_deals", "stuck": "stalled_deals", "stale deals": "stalled_deals",
    "stalling": "stalled_deals", "stall": "stalled_deals", "stalls": "stalled_deals", "stagnating": "stalled_deals",
    "止まって": "stalled_deals", "動いていない": "stalled_deals", "塩漬け": "stalled_deals",
    "停滞": "stalled_deals", "滞留": "stalled_deals", "止まっている": "stalled_deals",
    "pipeline health": "pipeline_health", "health of our pipeline": "pipeline_health",
    "health of the pipeline": "pipeline_health", "healthy is our pipeline": "pipeline_health",
    "healthy is the pipeline": "pipeline_health", "state of the pipeline": "pipeline_health",
    "state of our pipeline": "pipeline_health", "pipeline in good shape": "pipeline_health",
    "how does our pipeline look": "pipeline_health", "how does the pipeline look": "pipeline_health",
    "pipeline look like": "pipeline_health", "pipeline looking": "pipeline_health", "pipeline healthy": "pipeline_health",
    "パイプラインの健全性": "pipeline_health", "パイプラインは健全": "pipeline_health", "パイプラインの健康": "pipeline_health",
    "パイプラインの状態": "pipeline_health", "パイプラインの状況": "pipeline_health", "パイプラインの健全度": "pipeline_health",
    "パイプラインは健康": "pipeline_health", "パイプラインの全体像": "pipeline_health",
    "longest open deals": "median_open_age_days", "oldest open deals": "median_open_age_days",
    "oldest deals": "median_open_age_days", "deals open the longest": "median_open_age_days",
    "deal age": "median_open_age_days", "age of open": "median_open_age_days", "aging": "median_open_age_days",
    "how old are": "median_open_age_days", "経過日数": "median_open_age_days", "商談の年齢": "median_open_age_days",
    "open deals": "open_deals", "open opportunities": "open_deals", "deals in flight": "open_deals",
    "active deals": "open_deals", "in-flight": "open_deals", "進行中の商談": "open_deals", "オープン商談": "open_deals",
    "進行中の案件": "open_deals",
    # time
    "sales cycle": "median_cycle_days", "cycle time": "median_cycle_days", "time to close": "median_cycle_days",
    "days to close": "median_cycle_days", "how long does it take to close": "median_cycle_days",
    "how long do deals take": "median_cycle_days", "deal cycle": "median_cycle_days", "cycle length": "median_cycle_days",
    "商談期間": "median_cycle_days", "営業サイクル": "median_cycle_days", "セールスサイクル": "median_cycle_days",
    "受注までの": "median_cycle_days", "成約までの": "median_cycle_days", "リードタイム": "median_cycle_days",
    "クローズまで": "median_cycle_days",
    # "which industry closes fastest": the sales cycle, ranked (fastest = the shortest cycle first)
    "closes fastest": "median_cycle_days", "close fastest": "median_cycle_days", "closes the fastest": "median_cycle_days",
    "closes quickest": "median_cycle_days", "closes the quickest": "median_cycle_days",
    "close the fastest": "median_cycle_days", "closes deals fastest": "median_cycle_days",
    "closes deals the fastest": "median_cycle_days", "closes deals the quickest": "median_cycle_days",
    "closes deals quickest": "median_cycle_days", "close deals fastest": "median_cycle_days",
    "close deals the fastest": "median_cycle_days", "fastest to close": "median_cycle_days",
    "quickest to close": "median_cycle_days", "closes slowest": "median_cycle_days", "closes the slowest": "median_cycle_days",
    "close slowest": "median_cycle_days", "closes deals slowest": "median_cycle_days", "slowest to close": "median_cycle_days",
    "longest to close": "median_cycle_days", "wins fastest": "median_cycle_days", "wins deals fastest": "median_cycle_days",
    "早く受注": "median_cycle_days", "早く成約": "median_cycle_days", "早くクローズ": "median_cycle_days",
    "受注が早い": "median_cycle_days", "受注が速い": "median_cycle_days", "受注が遅い": "median_cycle_days",
    "遅く受注": "median_cycle_days", "成約が早い": "median_cycle_days", "成約が遅い": "median_cycle_days",
    "受注までが早い": "median_cycle_days", "受注までが遅い": "median_cycle_days",
    "from mql to sql": "days_mql_to_sql", "mqlからsqlまで": "days_mql_to_sql",
    "from sql to opportunity": "days_sql_to_opportunity", "sqlから商談まで": "days_sql_to_opportunity",
    "from lead to mql": "days_lead_to_mql", "リードからmqlまで": "days_lead_to_mql",
    "time in stage": "stage_days", "days in stage": "stage_days", "ステージ滞在": "stage_days",
    # follow-up
    "never contacted": "never_contacted_mqls", "never been contacted": "never_contacted_mqls",
    "not contacted": "never_contacted_mqls", "untouched": "never_contacted_mqls", "uncontacted": "never_contacted_mqls",
    "never called": "never_contacted_mqls", "no follow-up": "never_contacted_mqls",
    "never got a follow-up": "never_contacted_mqls", "never got a follow up": "never_contacted_mqls",
    "never got followed up": "never_contacted_mqls", "never followed up": "never_contacted_mqls",
    "never received a follow-up": "never_contacted_mqls", "never received a call": "never_contacted_mqls",
    "never got a call": "never_contacted_mqls", "never got contacted": "never_contacted_mqls",
    "never heard from us": "never_contacted_mqls", "without a follow-up": "never_contacted_mqls",
    "without any follow-up": "never_contacted_mqls", "without a first touch": "never_contacted_mqls",
    "no first touch": "never_contacted_mqls", "never touched": "never_contacted_mqls",
    "fell through the cracks": "never_contacted_mqls", "未対応のまま": "never_contacted_mqls",
    "フォローされていない": "never_contacted_mqls", "フォローしていない": "never_contacted_mqls",
    "フォローされなかった": "never_contacted_mqls", "連絡がない": "never_contacted_mqls",
    "接触がない": "never_contacted_mqls", "手つかず": "never_contacted_mqls", "フォローなし": "never_contacted_mqls", "dropped balls": "never_contacted_mqls",
    "never became sql": "recycle_mqls", "never became an sql": "recycle_mqls", "stale mql": "recycle_mqls",
    "old mqls": "recycle_mqls", "aged mqls": "recycle_mqls", "sqlにならない": "recycle_mqls",
    "古いmql": "recycle_mqls", "一度も接触": "never_contacted_mqls", "接触していない": "never_contacted_mqls",
    "一度も連絡": "never_contacted_mqls", "未対応": "never_contacted_mqls", "未接触": "never_contacted_mqls",
    "放置": "never_contacted_mqls", "連絡していない": "never_contacted_mqls", "対応していない": "never_contacted_mqls",
    "within 24 hours": "follow_up_within_sla", "within 24h": "follow_up_within_sla", "within the sla": "follow_up_within_sla",
    "sla": "follow_up_within_sla", "24時間以内": "follow_up_within_sla", "sla内": "follow_up_within_sla",
    "within a day": "follow_up_within_sla", "within one day": "follow_up_within_sla", "same day": "follow_up_within_sla",
    "1日以内": "follow_up_within_sla", "一日以内": "follow_up_within_sla", "当日中": "follow_up_within_sla",
    "follow-up": "follow_up", "follow up": "follow_up", "following up": "follow_up", "follows up": "follow_up", "followup": "follow_up", "response time": "follow_up",
    "speed to lead": "follow_up", "first touch": "follow_up", "first contact": "follow_up", "call back": "follow_up",
    "callback": "follow_up", "respond to": "follow_up", "how fast do we": "follow_up", "how quickly do we": "follow_up",
    "初回対応": "follow_up", "初回接触": "follow_up", "初動": "follow_up", "フォロー": "follow_up",
    "対応までの時間": "follow_up", "対応速度": "follow_up", "架電まで": "follow_up", "初回連絡": "follow_up",
    "対応スピード": "follow_up",
    # recycle, churn
    "recycle": "recycle", "recycling": "recycle", "recyclable": "recycle", "re-engage": "recycle", "reengage": "recycle", "revive": "recycle", "nurture back": "recycle",
    "リサイクル": "recycle", "再活用": "recycle", "掘り起こ": "recycle", "再アプローチ": "recycle",
    "churn rate": "churn_rate", "churn": "churn_rate", "attrition": "churn_rate", "解約率": "churn_rate",
    "チャーン": "churn_rate",
    "retention": "retention_rate", "継続率": "retention_rate", "維持率": "retention_rate",
    "customers churned": "churned_customers", "churned customers": "churned_customers",
    "customers did we lose": "churned_customers", "解約した顧客": "churned_customers", "解約件数": "churned_customers",
    "解約数": "churned_customers",
    "active customers": "active_customers", "customer base": "active_customers", "アクティブ顧客": "active_customers",
    "顧客数": "active_customers",
}

#: stage nouns (counts); matched only when no other metric phrase is found
STAGE_PHRASES: dict[str, str] = {
    "leads": "leads", "lead volume": "leads", "new leads": "leads", "inbound leads": "leads", "lead": "leads",
    "inquiries": "leads", "リード数": "leads", "リード": "leads", "問い合わせ": "leads", "引き合い": "leads",
    "mqls": "mqls", "mql": "mqls", "marketing qualified": "mqls", "mql数": "mqls",
    "sqls": "sqls", "sql": "sqls", "sales qualified": "sqls", "sql数": "sqls",
    "opportunities": "opportunities", "opportunity": "opportunities", "opps": "opportunities", "opp": "opportunities",
    "deals created": "opportunities", "deals opened": "opportunities", "商談数": "opportunities", "商談": "opportunities",
    "商談化": "opportunities", "案件数": "opportunities", "案件": "opportunities",
    "won deals": "won_deals", "deals did we win": "won_deals", "deals won": "won_deals", "wins": "won_deals",
    "closed-won": "won_deals", "closed won": "won_deals", "new customers": "won_deals", "customers did we win": "won_deals",
    "deals have we won": "won_deals", "deals we won": "won_deals", "won": "won_deals", "受注件数": "won_deals",
    "受注数": "won_deals", "受注した": "won_deals", "成約件数": "won_deals", "新規顧客": "won_deals", "受注": "won_deals",
    "lost deals": "lost_deals", "deals did we lose": "lost_deals", "deals lost": "lost_deals", "losses": "lost_deals",
    "失注件数": "lost_deals", "失注数": "lost_deals", "失注": "lost_deals",
    "deals": "won_deals",
}

#: what a bundle asks for (several metrics answer one question)
BUNDLES: dict[str, tuple[str, ...]] = {
    "follow_up": ("median_follow_up_hours", "follow_up_within_sla", "never_contacted_mqls"),
    "recycle": ("recycle_lost_deals", "recycle_mqls", "recycle_lost_amount"),
    "pipeline_health": ("open_pipeline", "weighted_pipeline", "stalled_share", "pipeline_coverage"),
    "funnel": ("lead_to_mql", "mql_to_sql", "sql_to_opportunity", "opportunity_to_won"),
    "stage_days": ("days_lead_to_mql", "days_mql_to_sql", "days_sql_to_opportunity", "days_opportunity_to_won"),
}

#: phrase -> dimension
DIMENSION_PHRASES: dict[str, str] = {
    "lead source": "lead_source", "lead sources": "lead_source", "source": "lead_source", "sources": "lead_source",
    "channel": "lead_source", "channels": "lead_source", "campaign": "lead_source", "リードソース": "lead_source",
    "ソース": "lead_source", "チャネル": "lead_source", "チャネル別": "lead_source", "流入経路": "lead_source",
    "獲得経路": "lead_source", "経路": "lead_source", "流入元": "lead_source", "施策": "lead_source",
    "segment": "segment", "segments": "segment", "market segment": "segment", "セグメント": "segment",
    "企業規模": "segment", "規模": "segment",
    "industry": "industry", "industries": "industry", "vertical": "industry", "verticals": "industry",
    "業種": "industry", "業界": "industry",
    "region": "region", "regions": "region", "territory": "region", "territories": "region", "country": "region", "countries": "region", "area": "region",
    "geography": "region", "地域": "region", "エリア": "region", "地方": "region",
    "owner": "owner", "owners": "owner", "rep": "owner", "reps": "owner", "salesperson": "owner",
    "salespeople": "owner", "seller": "owner", "sellers": "owner", "account executive": "owner", "ae": "owner",
    "aes": "owner", "担当者": "owner", "営業担当": "owner", "担当": "owner", "営業マン": "owner", "メンバー": "owner",
    "営業ごと": "owner", "営業別": "owner", "営業担当者": "owner",
    "icp fit": "icp_fit", "icp": "icp_fit", "icp適合": "icp_fit",
    "company size": "employee_count", "employee count": "employee_count", "employees": "employee_count",
    "従業員数": "employee_count", "従業員規模": "employee_count",
}

#: open-deal phases named in a question ("pipeline in negotiation", 「提案フェーズの商談」) -> ``tools.schema.PHASES``
PHASE_PHRASES: dict[str, str] = {
    "prospecting": "prospecting", "engaging": "engaging", "proposal": "proposal", "proposals": "proposal",
    "negotiation": "negotiation", "negotiations": "negotiation", "negotiating": "negotiation", "commit": "commit",
    "committed": "commit", "commit stage": "commit", "見込みフェーズ": "prospecting", "プロスペクティング": "prospecting",
    "課題共有": "engaging", "エンゲージ": "engaging", "提案フェーズ": "proposal", "提案段階": "proposal", "提案中": "proposal",
    "提案・選定": "proposal", "提案・選定フェーズ": "proposal", "選定": "proposal", "交渉": "negotiation",
    "最終交渉": "negotiation", "ネゴシエーション": "negotiation", "稟議": "commit", "決裁": "commit", "コミット": "commit",
}

#: dimension values people write in Japanese (or abbreviate) -> a token of the data's value
VALUE_ALIASES: dict[str, str] = {
    "エンタープライズ": "enterprise", "大企業": "enterprise", "大手": "enterprise", "エンプラ": "enterprise",
    "中小企業": "smb", "中小": "smb", "スモールビジネス": "smb", "small business": "smb",
    "ミッドマーケット": "mid-market", "中堅": "mid-market", "ミドル": "mid-market", "midmarket": "mid-market",
    "mid market": "mid-market", "mid-market": "mid-market", "mm": "mid-market",
    "ウェビナー": "webinar", "セミナー": "webinar", "展示会": "events", "イベント": "events", "event": "events",
    "リスティング": "paid search", "検索広告": "paid search", "広告": "paid search", "paid": "paid search",
    "自然検索": "organic", "オーガニック": "organic", "seo": "organic", "紹介": "referral", "リファラル": "referral",
    "アウトバウンド": "outbound", "プレゼント": "giveaway", "キャンペーン": "giveaway", "giveaway": "giveaway",
    "製造": "manufacturing", "金融": "financial services", "小売": "retail", "医療": "healthcare",
    "ヘルスケア": "healthcare", "物流": "logistics", "メディア": "media", "itサービス": "it/saas", "saas": "it/saas",
    "専門サービス": "professional services", "関東": "kanto", "関西": "kansai", "中部": "chubu", "九州": "kyushu",
    "東北": "tohoku", "北海道": "hokkaido",
}

#: Words that make a question about a ranking: phrase -> "top" / "bottom"
RANK_PHRASES: dict[str, str] = {
    "top": "top", "best": "top", "highest": "top", "most": "top", "leading": "top", "strongest": "top",
    "biggest": "top", "largest": "top", "greatest": "top", "rank": "top", "ranking": "top",
    "worst": "bottom", "lowest": "bottom", "least": "bottom", "weakest": "bottom", "bottom": "bottom",
    "smallest": "bottom", "fewest": "bottom",
    "fastest": "top", "quickest": "top", "shortest": "top", "slowest": "bottom", "longest": "bottom",
    "トップ": "top", "上位": "top", "一番": "top", "いちばん": "top", "最も": "top", "もっとも": "top",
    "最高": "top", "最大": "top", "ランキング": "top", "順位": "top", "ベスト": "top",
    "ワースト": "bottom", "下位": "bottom", "最低": "bottom", "最小": "bottom",
}
#: with 一番/最も the direction comes from the adjective
JA_DIRECTION = {"高い": "top", "多い": "top", "大きい": "top", "良い": "top", "いい": "top",
                "低い": "bottom", "少ない": "bottom", "小さい": "bottom", "悪い": "bottom", "遅い": "bottom",
                "長い": "bottom", "短い": "top", "速い": "top", "早い": "top",
                "早く": "top", "速く": "top", "遅く": "bottom"}

#: phrases asking for a trend: -> grain (None: pick from the period)
TREND_PHRASES: dict[str, str | None] = {
    "by month": "month", "per month": "month", "monthly": "month", "month by month": "month",
    "month over month": "month", "each month": "month", "月別": "month", "月次": "month", "月ごと": "month",
    "毎月": "month", "月単位": "month",
    "by quarter": "quarter", "per quarter": "quarter", "quarterly": "quarter", "quarter by quarter": "quarter",
    "each quarter": "quarter", "四半期別": "quarter", "四半期ごと": "quarter", "四半期単位": "quarter",
    "by year": "year", "per year": "year", "yearly": "year", "annually": "year", "年別": "year", "年ごと": "year",
    "trend": None, "trended": None, "over time": None, "推移": None, "トレンド": None, "時系列": None,
}

#: phrases asking to compare with an earlier period: -> compare mode
COMPARE_PHRASES: dict[str, str] = {
    "year over year": "year_ago", "yoy": "year_ago", "a year ago": "year_ago", "last year's": "year_ago",
    "same quarter last year": "year_ago", "same period last year": "year_ago", "same month last year": "year_ago",
    "前年同期": "year_ago", "前年比": "year_ago", "昨年同期": "year_ago", "去年の同じ": "year_ago",
    "quarter over quarter": "previous", "qoq": "previous", "previous quarter": "previous",
    "the quarter before": "previous", "month over month": "previous", "mom": "previous", "previous month": "previous",
    "前期比": "previous", "前四半期比": "previous", "前月比": "previous", "前の四半期と": "previous",
    "去年と比べ": "year_ago", "昨年と比べ": "year_ago", "前年と比べ": "year_ago", "去年比": "year_ago",
    "versus last year": "year_ago", "vs last year": "year_ago", "than last year": "year_ago",
    "compared with last year": "year_ago", "compared to last year": "year_ago", "over last year": "year_ago",
    "on a year ago": "year_ago", "year-on-year": "year_ago", "the year before": "year_ago", "a year earlier": "year_ago",
    "prior year": "year_ago", "same time last year": "year_ago", "昨年の同じ時期": "year_ago", "1年前": "year_ago", "前年より": "year_ago", "去年より": "year_ago",
    "昨年より": "year_ago", "improved": "baseline", "better or worse": "baseline", "up or down": "baseline", "getting slower": "baseline",
    "getting faster": "baseline", "slowing down": "baseline", "speeding up": "baseline", "遅くなって": "baseline",
    "速くなって": "baseline", "早くなって": "baseline", "going up": "baseline", "going down": "baseline", "improving": "baseline",
    "getting worse": "baseline", "getting better": "baseline", "declining": "baseline", "changed": "baseline",
    "change since": "baseline", "compared to before": "baseline", "vs before": "baseline",
    "増えた": "baseline", "減った": "baseline", "伸びている": "baseline", "悪化": "baseline", "改善している": "baseline",
    "変化": "baseline", "比べて": "baseline", "比較すると": "baseline",
}

#: "compared with the company / the rest": a slice against everyone, not against an earlier period
VERSUS_EVERYONE = ("全体と比べ", "全体比", "平均と比べ", "他と比べ", "ほかと比べ", "compared with the company",
                   "compared to the company", "vs overall", "versus overall", "vs the average", "than average",
                   "compared with the rest", "compared to the rest", "vs the rest", "than the rest", "than everyone",
                   "compared with everyone", "compared to everyone", "vs everyone", "the company average")
#: "what share of opportunities come from outbound?"
SHARE_WORDS = ("percentage of", "percent of", "share of", "% of our", "% of all", "proportion of", "fraction of",
               "how much of our", "割合", "比率", "構成比", "占める", "シェア")

#: Words that mark a question as about this product's domain (off-topic questions have none).
DOMAIN_WORDS: tuple[str, ...] = (
    "revenue", "pipeline", "lead", "mql", "sql", "deal", "win", "won", "lost", "churn", "customer", "sales",
    "funnel", "kpi", "target", "quota", "rep", "segment", "source", "conversion", "forecast", "opportunit",
    "marketing", "inside sales", "field sales", "handoff", "hand-off", "sla", "follow", "nurtur", "playbook",
    "bottleneck", "cycle", "booking", "acv", "arr", "mrr", "nps", "cac", "ltv", "retention", "upsell",
    "campaign", "webinar", "account", "prospect", "the model", "revops", "memo", "report", "attainment",
    "headcount", "hire", "capacity", "quarter", "month", "data", "upload", "metric", "number", "rate",
    "売上", "受注", "失注", "商談", "リード", "パイプライン", "解約", "顧客", "営業", "ファネル", "目標", "達成",
    "kpi", "セグメント", "転換", "移行", "予測", "見込", "マーケ", "インサイド", "フィールド", "カスタマー",
    "引き継ぎ", "フォロー", "ナーチャリング", "プレイブック", "ボトルネック", "単価", "商談期間", "担当",
    "施策", "部門", "データ", "数値", "件数", "率", "四半期", "月", "メモ", "レポート", "報告", "採用", "人員",
    "is", "fs", "cs", "mql", "sql", "slaを", "課題", "漏れ", "ソース", "チャネル", "業種", "地域",
)


def _normalised() -> None:
    """Write every phrase the way questions are normalised (NFKC, lower case)."""
    import unicodedata

    for name, value in list(globals().items()):
        if name.isupper() and isinstance(value, dict):
            globals()[name] = {unicodedata.normalize("NFKC", k).lower(): v for k, v in value.items()}


_normalised()
