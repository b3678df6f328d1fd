"""Phrases that decide the open intents, in English and Japanese (matched on lower-cased NFKC text).

Tables only; ``assistant.chat.routing`` applies them in a fixed order. The embedding router
(``routing.semantic_scores``) is only consulted for the open intents when none of these decide.
"""

from __future__ import annotations

INJECTION = (
    "ignore all previous", "ignore previous", "ignore your instructions", "ignore the instructions",
    "ignore all instructions", "disregard your", "disregard the", "disregard all", "system prompt",
    "your instructions", "your prompt", "you are now", "developer mode", "jailbreak", "dan mode", " dan.",
    "pretend to be", "pretend you", "raw row", "print the raw", "show me the raw", "every row", "all rows",
    "dump the", "print every", "export all", "email addresses", "e-mail addresses", "emails of",
    "phone numbers", "personal data", "reveal your", "reveal the", "forget everything", "new instructions",
    "drop table", "select * from", "delete from", "<script", "rm -rf", "exec(", "eval(",
    "forget your", "forget the rules", "forget all", "ignore the rules", "ignore your rules", "override your",
    "'s email", "'s phone", "every lead's", "every customer's", "each lead's", "list all leads",
    "list all customers", "list all contacts", "names and emails", "contact details", "連絡先", "氏名", "一覧で出して",
    "ルールを無視", "ルールを忘れ", "指示を忘れ",
    "指示を無視", "指示をすべて無視", "命令を無視", "システムプロンプト", "プロンプトを表示", "プロンプトを教え",
    "制限のない", "制限を解除", "脱獄", "全部出力", "すべて出力", "生データ", "メールアドレス", "電話番号",
    "個人情報", "全件表示", "全行",
)
HELP = (
    "help", "how do you calculate", "how is this calculated", "how are these calculated", "where do these numbers",
    "can i trust", "accurate", "本当に正しい", "正しいの", "信頼でき", "どうやって計算", "計算方法", "根拠は", "what can you do", "what can i ask", "what questions", "what kinds of questions", "how do i use",
    "how does this work", "what do you do", "what are you", "who are you", "what can you tell me",
    "what can this", "capabilities", "getting started", "what should i ask", "example questions",
    "何ができ", "使い方", "ヘルプ", "何が分か", "何がわか", "どんな質問", "何を聞け", "できること", "あなたは誰",
    "何を質問", "質問の例", "どう使", "what sort of", "what kind of things", "things can i ask", "can i ask you", "can you help with",
    "what are you for", "what is this tool", "何が聞け", "何を聞いたら", "このツールは何",
)
#: a metric the upload cannot give -> (what it would need, closest metrics the upload has)
MISSING_METRICS: dict[str, tuple[str, tuple[str, ...]]] = {
    "nps": ("survey_scores", ("churn_rate", "retention_rate")),
    "net promoter": ("survey_scores", ("churn_rate", "retention_rate")),
    "csat": ("survey_scores", ("churn_rate", "retention_rate")),
    "customer satisfaction": ("survey_scores", ("churn_rate", "retention_rate")),
    "顧客満足": ("survey_scores", ("churn_rate", "retention_rate")),
    "cac": ("costs", ("won_deals", "lead_to_won")),
    "customer acquisition cost": ("costs", ("won_deals", "lead_to_won")),
    "acquisition cost": ("costs", ("won_deals", "lead_to_won")),
    "顧客獲得コスト": ("costs", ("won_deals", "lead_to_won")), "獲得コスト": ("costs", ("won_deals", "lead_to_won")),
    "獲得単価": ("costs", ("won_deals", "lead_to_won")),
    "cpl": ("costs", ("leads", "lead_to_mql")), "cost per lead": ("costs", ("leads", "lead_to_mql")),
    "cpa": ("costs", ("won_deals", "lead_to_won")), "roas": ("costs", ("won_revenue",)),
    "roi": ("costs", ("won_revenue", "lead_to_won")), "marketing spend": ("costs", ("leads", "won_revenue")),
    "ad spend": ("costs", ("leads",)), "budget": ("costs", ("won_revenue",)), "広告費": ("costs", ("leads",)),
    "マーケティング費用": ("costs", ("leads", "won_revenue")), "費用対効果": ("costs", ("won_revenue", "lead_to_won")),
    "予算": ("costs", ("won_revenue",)), "source cost": ("costs", ("leads", "lead_to_won")),
    "pipeline source cost": ("costs", ("opportunity_amount", "lead_to_won")),
    "mrr": ("subscription_billing", ("won_revenue", "active_customers")),
    "monthly recurring": ("subscription_billing", ("won_revenue", "active_customers")),
    "arr": ("subscription_billing", ("won_revenue", "active_customers")),
    "annual recurring": ("subscription_billing", ("won_revenue", "active_customers")),
    "net revenue retention": ("subscription_billing", ("retention_rate", "churn_rate")),
    "nrr": ("subscription_billing", ("retention_rate", "churn_rate")),
    "gross margin": ("costs", ("won_revenue",)), "profit": ("costs", ("won_revenue",)),
    "margin": ("costs", ("won_revenue",)), "粗利": ("costs", ("won_revenue",)), "利益": ("costs", ("won_revenue",)),
    "payback": ("costs", ("average_deal_size", "churn_rate")),
    "website traffic": ("web_analytics", ("leads",)), "web traffic": ("web_analytics", ("leads",)),
    "visitors": ("web_analytics", ("leads",)), "page views": ("web_analytics", ("leads",)),
    "訪問者": ("web_analytics", ("leads",)), "アクセス数": ("web_analytics", ("leads",)),
    "セッション数": ("web_analytics", ("leads",)), "pv数": ("web_analytics", ("leads",)),
    "open rate": ("email_activity", ("leads", "lead_to_mql")), "click-through": ("web_analytics", ("leads",)),
    "ctr": ("web_analytics", ("leads",)), "開封率": ("email_activity", ("leads", "lead_to_mql")),
    "quota attainment per rep": ("quotas", ("won_revenue",)),
    "call volume": ("activities", ("median_follow_up_hours",)), "number of calls": ("activities", ("median_follow_up_hours",)),
    "架電数": ("activities", ("median_follow_up_hours",)), "コール数": ("activities", ("median_follow_up_hours",)),
    "活動量": ("activities", ("median_follow_up_hours",)), "upsell": ("expansion", ("won_revenue", "retention_rate")),
    "アップセル": ("expansion", ("won_revenue", "retention_rate")),
    "cost per": ("costs", ("won_deals", "lead_to_won")), "cost of": ("costs", ("won_deals", "lead_to_won")),
    "costs": ("costs", ("won_revenue",)), "spend": ("costs", ("won_revenue",)), "コスト": ("costs", ("won_deals", "lead_to_won")),
    "費用": ("costs", ("won_deals", "lead_to_won")), "人件費": ("costs", ("won_revenue",)),
}
OFF_TOPIC = (
    "weather", "world cup", "football", "soccer", "baseball", "basketball", "olympic", "movie", "film", "recipe",
    "restaurant", "ramen", "sushi", "poem", "joke", "song", "lyrics", "stock price", "bitcoin", "crypto",
    "capital of", "president of", "prime minister", "translate", "horoscope", "vacation", "holiday in",
    "天気", "ワールドカップ", "サッカー", "野球", "映画", "ドラマ", "レシピ", "料理", "ラーメン", "寿司", "レストラン",
    "ジョーク", "冗談", "詩を", "歌詞", "株価", "ビットコイン", "首都", "大統領", "首相", "占い", "旅行", "観光",
    "おすすめの本", "ゲーム", "hotel", "flight", "pasta", "pizza", "coffee", "dinner", "lunch", "sightseeing", "ホテル",
    "ランチ", "ディナー", "カフェ", "飲み会",
)
#: a strong domain word makes a question about the funnel even when no metric phrase matched
STRONG_DOMAIN = (
    "revenue", "pipeline", "leads", "mql", "sql", "deal", "churn", "funnel", "kpi", "quota", "conversion",
    "forecast", "opportunit", "marketing", "inside sales", "field sales", "handoff", "hand-off", "sla",
    "follow up", "follow-up", "nurtur", "playbook", "bottleneck", "sales cycle", "bookings", "win rate",
    "retention", "customer success", "the model", "revops", "lead scoring", "qualification", "prospect",
    "sales team", "salespeople", "account executive", "inbound", "outbound", "abm", "icp", "bant",
    "売上", "受注", "失注", "商談", "リード", "パイプライン", "解約", "営業", "ファネル", "kpi", "目標", "転換",
    "移行率", "見込", "マーケ", "インサイド", "フィールドセールス", "カスタマーサクセス", "引き継ぎ", "フォロー",
    "ナーチャリング", "プレイブック", "ボトルネック", "単価", "商談期間", "セグメント", "顧客", "ザ・モデル",
    "the model", "分業", "部分最適", "sfa", "crm",
)
WHAT_IF = (
    "what if", "what happens", "what would", "if ", "would it", "suppose", "supposing",
    "assuming", "assume", "imagine", "scenario", "impact of", "effect of", "how much more revenue",
    "how much would", "もし", "としたら", "たら", "れば", "場合", "仮に", "上がると", "増えると", "下がると",
    "改善すると", "シミュレーション",
)
CAPACITY = (
    "how many reps", "how many sales", "how many account", "how many aes", "how many ae ", "how many sellers",
    "how many people", "how many salespeople", "how many sdr", "how many bdr", "how many is ", "how many isr",
    "how many inside", "headcount", "hire", "hiring", "capacity", "enough reps", "enough sellers",
    "何人", "人員", "採用", "増員", "ヘッドカウント", "キャパシティ", "体制", "人数",
)
INSIDE_SALES = ("inside sales", "isr", "sdr", "bdr", "インサイドセールス", "インサイド")
REVERSE = (
    "how many leads", "how many mqls", "how many sqls", "how many opportunities", "how many deals",
    "how many wins", "leads do we need", "leads would we need", "required leads", "leads needed",
    "必要なリード", "何件のリード", "何件の商談", "必要な商談", "必要なmql", "必要なsql", "リードが必要",
    "商談が必要", "リードは何件", "商談は何件",
)
#: a reverse plan needs one of these too (or one of REVERSE_ALONE)
REVERSE_NEED = ("need", "require", "to hit", "to reach", "to book", "to make", "to achieve", "to get to",
                "必要", "達成するには", "達成に", "届くには")
REVERSE_ALONE = ("work backward", "reverse plan", "reverse-plan", "back into the target", "逆算")
#: definition and advice questions go to the playbook before any metric parsing
DEFINITION = (
    "what is an ", "what is a ", "what's an ", "what's a ", "what are mql", "what are sql", "what does ",
    " mean?", "meaning of", "define ", "definition", "explain ", "how should", "best practice", "how do we improve",
    "how can we improve", "how to improve", "what should we do about", "tips for", "advice on", "difference between",
    "とは", "意味", "定義", "どうすれば", "べきか", "べき？", "べきですか", "ベストプラクティス", "改善するには", "コツ",
    "どうしたら", "違いは", "what should is do", "what should inside sales do", "what should sales do",
    "what should marketing do", "what should cs do", "what to do with", "what do we do with", "how to handle",
    "how should we handle", "how do we handle", "how to deal with", "how should is", "how should sales",
    "どう扱", "どう対応すべき", "どうすべき", "扱い方", "の違い",
)
#: a definition question about a playbook concept wins over the words it contains ("what is a bottleneck?")
STRICT_DEFINITION = ("what is a ", "what is an ", "what's a ", "what's an ", " mean?", "meaning of",
                     "define ", "definition of", "とは", "ってなに", "って何", "の意味", "の定義")
#: advice about a playbook concept, even about "our" process ("what should we do with cold leads?")
ADVICE = ("what should we do", "what should i do", "how should we", "how should i", "how do we handle",
          "how do i handle", "what do we do with", "what to do with", "how to handle", "how to deal with", "what's an ",
          "what is an ", "what's a ", "what is a ", "どうすべき", "どう扱", "どう対応", "どうしたら", "どうすれば",
          "とは", "ってなに", "って何", "どう決め", "どう設定", "how do we set", "how should we set", "how to set",
          "どう設計", "どう運用")
#: a follow-up that only changes the metric starts like this ("and the win rate?")
FOLLOW_UP_MARKERS = ("and ", "what about", "how about", "also ", "same for", "now ", "then ", "just ",
                     "それと", "では", "なら", "じゃあ", "あと", "同じく", "ついでに")
#: the question is about the user's own data, not a concept
OWN_DATA = ("our ", " we ", " us ", "my ", " do we", "弊社", "うちの", "我々", "当社", "自社", "私たち")
MEMO = (
    "memo", "write up", "write-up", "writeup", "report for", "summary for", "summarise for", "summarize for",
    "for leadership", "for the board", "board deck", "one-pager", "executive summary",
    "メモ", "報告書", "レポートに", "レポートを", "提言", "経営陣", "役員向け", "まとめて", "資料に",
)
#: an overview is the short diagnosis: revenue against the baseline, the bottleneck, the top finding
OVERVIEW = (
    "overview", "rundown", "run-down", "quick summary", "short summary", "brief summary", "where do we stand",
    "where things stand", "where we stand", "state of the funnel", "state of play", "state of the business",
    "how are we doing", "how is business", "how's business", "how are things", "status update", "status report",
    "big picture", "in a nutshell", "tl;dr", "tldr", "the gist", "high-level view", "high level view", "sitrep",
    "ざっくり", "概要", "現状", "今の状況", "全体の状況", "状況を教えて", "サマリー", "要約", "ひとことで", "一言で",
    "手短に", "どんな状況", "調子はどう", "かいつまんで",
)
#: brevity words: with them an overview wins over a memo ("ざっくりまとめて" is not a memo)
BRIEF = ("quick", "short", "brief", "briefly", "in a nutshell", "ざっくり", "手短", "簡単に", "ひとことで", "一言で",
         "かいつまんで")
#: "KPIs green, revenue flat" needs a phrase of each list (or one of KPI_GREEN)
KPI_MET = (
    "kpi", "green", "hit their numbers", "hit our numbers", "hitting their numbers", "hitting our numbers",
    "hitting targets", "hit our targets", "hit their targets", "hits its targets", "hit its targets",
    "targets met", "met their targets", "met our targets", "on target", "meeting targets", "meeting their targets",
    "達成している", "達成してる", "達成しているのに", "達成しても", "目標は達成", "目標を達成",
)
REVENUE_FLAT = (
    "flat", "not growing", "isn't growing", "doesn't grow", "do not grow", "don't grow", "stagnant",
    "not increasing", "isn't increasing", "not going up", "isn't going up", "not following",
    "伸びない", "横ばい", "伸び悩", "増えない", "上がらない", "停滞", "伸びて いない", "伸びていない",
)
KPI_GREEN = ("why is revenue flat", "revenue flat though", "kpis are green", "kpiは達成", "kpi達成なのに")
REVENUE_CHANGE = (
    "why did revenue", "why has revenue", "why is revenue down", "why is revenue dropping", "revenue drop",
    "revenue dropped", "revenue fell", "revenue decline", "revenue declined", "drove the revenue",
    "drove revenue", "drivers of revenue", "revenue bridge", "explain the revenue change", "revenue change",
    "why are bookings", "bookings drop", "bookings fell", "change in revenue", "changes in revenue", "revenue changed",
    "drop in revenue", "decline in revenue", "fall in revenue", "revenue go down", "revenue went down", "revenue going down",
    "revenue down", "revenue go up", "revenue went up", "revenue grew", "growth in revenue", "revenue increase",
    "bookings go down", "bookings went down", "bookings down", "bookings decline", "drove bookings",
    "売上が下が", "売上が落ち", "売上が減", "売上減少", "売上の減少", "売上の増減", "売上変動", "売上の変化",
    "売上ブリッジ", "減収", "受注金額が減", "受注金額が下が", "売上の変動", "売上が伸びた", "売上が増えた", "増収",
    "売上が上が", "受注金額が増", "受注金額の変化", "受注額が減", "受注額が下が",
)
FORECAST = (
    "forecast", "will we hit", "will we make", "are we on track", "on track to", "going to hit", "hit the quarter",
    "make the quarter", "land the quarter", "projected", "projection", "expected revenue", "end of quarter",
    "going to make", "gonna make", "make it this quarter", "make our number", "hit our number", "hit the number",
    "make the number", "make plan", "hit plan", "hit our plan", "on pace", "going to land",
    "届きます", "届くか", "計画に届", "目標に届", "達成見込み",
    "着地", "見込み", "届く", "届きそう", "達成できそう", "達成できる", "予測", "フォーキャスト", "着地見込",
)
WHY = ("why", "how come", "what explains", "what's behind", "what is behind", "reason", "cause",
       "なぜ", "どうして", "理由", "原因", "なんで", "要因")
DIAGNOSE = (
    "leak", "bottleneck", "what's wrong", "what is wrong", "diagnos", "constraint", "holding back",
    "holding us back", "biggest problem", "biggest issue", "main problem", "where are we losing", "weak spot",
    "weakest", "health check", "how healthy", "how is our funnel", "how's our funnel", "overall picture",
    "ボトルネック", "漏れ", "詰まっ", "課題", "診断", "問題", "どこで失", "制約", "足を引っ張", "弱点", "健康診断",
    "全体像", "ネック", "fix first", "prioriti", "what should we fix", "focus on first", "何から", "優先順位",
    "まず何を", "最優先",
)
PLAYBOOK = (
    "what is an", "what is a ", "what's an", "what's a ", "what does", "what do you mean", "explain", "define",
    "definition", "best practice", "how should", "how do we improve", "how can we improve", "how to improve",
    "how do i", "how to ", "tips", "advice", "what should we do", "what should i do", "recommend", "meaning of",
    "とは", "意味", "定義", "どうすれば", "ベストプラクティス", "すべき", "べきか", "改善するには", "やり方", "コツ",
    "方法", "どうしたら", "教えて",
)
FOLLOW_UP_WHY = ("why is that", "why?", "why so", "how come", "what's causing that", "what causes that",
                 "why is it", "why's that", "それはなぜ", "なぜ？", "なぜですか", "どうして？", "理由は？", "原因は？",
                 "なんで？")


def _normalised() -> None:
    """Write every phrase the way questions are normalised (NFKC, lower case: 「？」 becomes "?")."""
    import unicodedata

    def norm(text: str) -> str:
        return unicodedata.normalize("NFKC", text).lower()

    for name, value in list(globals().items()):
        if name.isupper() and isinstance(value, tuple) and all(isinstance(v, str) for v in value):
            globals()[name] = tuple(norm(v) for v in value)
        elif name.isupper() and isinstance(value, dict):
            globals()[name] = {norm(k): v for k, v in value.items()}


_normalised()
