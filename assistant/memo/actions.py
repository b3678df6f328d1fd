"""The memo's action playbook: concrete moves per finding, in English and Japanese.

Each finding code maps to a few actions (KPI redesign, MQL/SQL definitions and SLA, recycling,
capacity, process). Actions carry a horizon (30/60/90 days) so the plan can be built from them.
The only numbers in these texts are the playbook's policy constants listed in
``POLICY_NUMBERS`` (the 24-hour SLA, the 30/60/90-day horizons, the p-value bounds 0.001/0.01/0.05 put into words, the forecast's 80% interval and the
95% confidence level of the engine's intervals); data numbers come from tools.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Fixed policy numbers that appear in template text (not data claims).
POLICY_NUMBERS: frozenset[str] = frozenset({"24", "30", "60", "90", "0.001", "0.01", "0.05", "95", "80"})

CATEGORY_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "kpi": "KPI redesign",
        "definition": "MQL/SQL definition",
        "sla": "SLA / handoff",
        "recycle": "Recycling",
        "capacity": "Capacity",
        "process": "Process",
    },
    "ja": {
        "kpi": "KPIの再設計",
        "definition": "MQL/SQLの定義",
        "sla": "SLA・引き継ぎ",
        "recycle": "リサイクル",
        "capacity": "キャパシティ",
        "process": "プロセス",
    },
}


@dataclass(frozen=True)
class ActionTemplate:
    """One recommended move and the KPI that shows it worked; ``owner`` None means the finding's.

    Texts may name the finding's slice as ``{value}`` (e.g. the lead source behind a mix shift)."""

    category: str
    horizon: int
    en: str
    ja: str
    owner: str | None = None
    kpi_en: str = ""
    kpi_ja: str = ""

    def text(self, lang: str, value: str = "") -> str:
        """The action in ``lang``."""
        return (self.ja if lang == "ja" else self.en).replace("{value}", value)

    def kpi(self, lang: str, value: str = "") -> str:
        """The KPI that will show the action worked, in ``lang``."""
        return (self.kpi_ja if lang == "ja" else self.kpi_en).replace("{value}", value)


A = ActionTemplate

ACTIONS: dict[str, tuple[ActionTemplate, ...]] = {
    "kpi_green_revenue_flat": (
        A("kpi", 30,
          "Re-anchor every department's KPI on the revenue target: replace volume-only KPIs (leads, MQLs, meetings) with quality-linked ones (MQLs accepted as SQL, SQLs that become opportunities, won revenue).",
          "各部門のKPIを売上目標に紐づけ直す。リード数・MQL数・アポ数といった量だけのKPIを、SQLとして受け入れられたMQL数、商談化したSQL数、受注金額など質に連動したKPIに置き換える。",
          kpi_en="Won revenue against target, next to each function's quality-linked KPI",
          kpi_ja="売上目標に対する受注金額と、各部門の質に連動したKPI"),
        A("process", 60,
          "Publish one shared funnel view with count- and amount-based conversion per stage, reviewed weekly by Marketing, IS, FS and CS together.",
          "ステージ別の件数ベース・金額ベースの転換率を一つのファネルビューにまとめ、マーケティング・IS・FS・CSの合同で週次レビューする。",
          kpi_en="Count- and amount-based conversion per stage, reviewed weekly",
          kpi_ja="ステージ別の件数・金額ベースの転換率（週次）"),
    ),
    "lead_quality_decline": (
        A("definition", 30,
          "Tighten the MQL definition (ICP fit plus a behaviour-score threshold) and tune it to IS capacity, so lead volume stops crowding out quality.",
          "MQLの定義（ICP適合＋行動スコアの閾値）を見直して厳格化し、ISの対応キャパシティに合わせて調整する。量が質を押し出す状態を止める。",
          kpi_en="MQL → SQL conversion by lead source",
          kpi_ja="リードソース別のMQL → SQL転換率"),
        A("kpi", 60,
          "Measure Marketing on MQLs accepted by IS (MQL-to-SQL rate by source), not on raw lead count; review the weakest sources monthly.",
          "マーケティングの評価をリード数ではなく、ISが受け入れたMQL数（ソース別のMQL→SQL転換率）に切り替え、転換率の低いソースを月次で見直す。",
          kpi_en="MQLs accepted by IS per month",
          kpi_ja="ISが受け入れたMQL数（月次）"),
    ),
    "mix_shift": (
        A("process", 30,
          "Report conversion per segment and lead source, not only in total, so a change in mix is not mistaken for a change in performance.",
          "転換率を全体だけでなくセグメント別・リードソース別に報告し、構成比の変化を実力の変化と取り違えないようにする。",
          kpi_en="Conversion per lead source and segment, shown next to the total",
          kpi_ja="リードソース別・セグメント別の転換率（全体と並べて表示）"),
        A("kpi", 60,
          "Set targets per segment (SMB vs enterprise) with their own conversion and deal-size assumptions.",
          "セグメント（中小企業／大企業）ごとに、転換率と受注単価の前提を分けて目標を設定する。",
          kpi_en="Target attainment per segment",
          kpi_ja="セグメント別の目標達成率"),
    ),
    "conversion_drop": (
        A("process", 30,
          "Review lost and stalled records at this stage with the owning team and check the exit criteria of each phase.",
          "該当ステージの失注・停滞案件を担当チームとレビューし、各フェーズの通過基準が守られているかを確認する。",
          kpi_en="This stage's conversion, weekly",
          kpi_ja="このステージの転換率（週次）"),
        A("kpi", 60,
          "Make this stage's conversion a shared KPI of the handing-over and the receiving team, tracked weekly.",
          "このステージの転換率を、送り出す側と受け取る側の共通KPIとして週次で追う。",
          kpi_en="This stage's conversion as a KPI shared by both teams",
          kpi_ja="両チーム共通KPIとしてのこのステージの転換率"),
    ),
    "slow_follow_up": (
        A("sla", 30,
          "Agree a Marketing–IS SLA: first contact within 24 hours of MQL, with an alert on breach and a weekly breach report.",
          "マーケティングとISの間でSLAを合意する（MQL化から24時間以内に初回接触）。違反時はアラートを出し、週次で違反状況を報告する。",
          kpi_en="Share of MQLs contacted within 24 hours",
          kpi_ja="24時間以内に初回接触したMQLの割合"),
        A("capacity", 60,
          "If the SLA is missed for lack of capacity, size IS headcount to MQL volume, or throttle MQL volume through the definition.",
          "人手不足でSLAを守れない場合は、MQL数に見合うIS人員を確保するか、MQL定義で流量を調整する。",
          kpi_en="MQLs per IS rep and SLA breaches per week",
          kpi_ja="IS担当者1人あたりのMQL数と週次のSLA違反件数"),
    ),
    "lead_volume_decline": (
        A("process", 30,
          "Rebalance lead generation (inbound, outbound, events) toward the sources with the best downstream conversion.",
          "後工程の転換率が高いソースを中心に、リード獲得施策（インバウンド・アウトバウンド・イベント）の配分を見直す。",
          kpi_en="New leads per month from the best-converting sources",
          kpi_ja="転換率の高いソースからの月間リード数"),
        A("recycle", 60,
          "Work the recycle pool (nurtured leads, past lost deals) to refill the top of the funnel.",
          "ナーチャリング中のリードや過去の失注案件をリサイクルし、ファネル上流を補充する。",
          kpi_en="Recycled leads re-entering the funnel per month",
          kpi_ja="リサイクルからファネルに戻ったリード数（月次）"),
    ),
    "deal_size_drop": (
        A("process", 30,
          "Check whether the deal mix moved to smaller customers; re-qualify against the ICP and price floors.",
          "受注構成が小規模顧客に偏っていないかを確認し、ICPと価格の下限を基準に見極めを徹底する。",
          kpi_en="Average won deal size by segment",
          kpi_ja="セグメント別の平均受注単価"),
        A("kpi", 60,
          "Add average deal size and amount-based win rate to FS KPIs next to the deal count.",
          "FSのKPIに、受注件数に加えて平均受注単価と金額ベースの受注率を加える。",
          kpi_en="Amount-based win rate",
          kpi_ja="金額ベースの受注率"),
    ),
    "cycle_time_increase": (
        A("process", 30,
          "Enforce phase exit criteria and flag deals older than the typical age of their phase.",
          "フェーズごとの通過基準を徹底し、標準的な滞留日数を超えた商談にフラグを立てる。",
          kpi_en="Median sales cycle and deals past their phase's usual age",
          kpi_ja="商談期間の中央値と、標準滞留日数を超えた商談数"),
        A("capacity", 60,
          "Check account-executive load: reps above capacity slow every deal; rebalance territories or add capacity.",
          "AEの担当負荷を確認する。キャパシティを超えるとすべての商談が遅れるため、担当の再配分や増員を検討する。",
          kpi_en="Open deals per account executive",
          kpi_ja="AE1人あたりの進行中の商談数"),
    ),
    "churn_increase": (
        A("process", 30,
          "Set up an onboarding checklist and a usage-based health score; contact accounts showing churn precursors first.",
          "オンボーディングのチェックリストと利用状況に基づくヘルススコアを整備し、解約の兆候が見える顧客から先回りして連絡する。",
          kpi_en="Churn rate on the active customer base, monthly",
          kpi_ja="契約中の顧客の解約率（月次）"),
        A("sla", 60,
          "Formalise the FS→CS handoff (goals, stakeholders, promises made) and feed churn reasons back to Marketing's targeting.",
          "FSからCSへの引き継ぎ項目（導入目的・関係者・約束事項）を定型化し、解約理由をマーケティングのターゲティングに還流する。",
          kpi_en="Share of new customers with a complete FS→CS handoff",
          kpi_ja="FS→CSの引き継ぎが完了した新規顧客の割合"),
    ),
    "stalled_pipeline": (
        A("process", 30,
          "Review every deal past its phase's typical age: advance it, recycle it or close it lost.",
          "フェーズの標準滞留日数を超えた商談をすべて見直し、前進・リサイクル・失注処理のいずれかに振り分ける。",
          kpi_en="Deals past their phase's usual age (count and amount)",
          kpi_ja="標準滞留日数を超えた商談の件数と金額"),
        A("recycle", 60,
          "Return closed-lost and stalled deals to nurturing with a re-engagement trigger.",
          "失注・停滞案件はナーチャリングに戻し、再アプローチのきっかけを設定する。", owner="Marketing",
          kpi_en="Stalled deals returned to nurturing per month",
          kpi_ja="ナーチャリングに戻した停滞商談数（月次）"),
    ),
    "recycle_opportunity": (
        A("recycle", 30,
          "Define recycle rules: unconverted MQLs and lost deals go back to nurturing with a reason code and a re-qualification date.",
          "リサイクルのルールを定める。商談化しなかったMQLや失注案件は、理由コードと再判定日を付けてナーチャリングに戻す。",
          kpi_en="Recycled leads re-qualified per month",
          kpi_ja="再判定したリサイクルリード数（月次）"),
        A("kpi", 60,
          "Track recycled leads that re-enter the funnel as a shared Marketing and IS KPI.",
          "リサイクルから再びファネルに戻ったリード数を、マーケティングとISの共通KPIとして追う。", owner="IS",
          kpi_en="Recycled leads that re-enter the funnel",
          kpi_ja="ファネルに戻ったリサイクルリード数"),
    ),
    "pipeline_coverage_low": (
        A("capacity", 30,
          "Reverse-plan the revenue target into the leads, MQLs, SQLs and opportunities needed at current rates, and close the gap at the weakest stage.",
          "売上目標から、現在の転換率で必要なリード・MQL・SQL・商談数を逆算し、最も弱いステージでギャップを埋める。",
          kpi_en="Weighted pipeline coverage of the revenue target",
          kpi_ja="売上目標に対する加重パイプラインのカバー率"),
        A("capacity", 60,
          "Check that sales capacity covers the plan before raising lead targets.",
          "リード目標を引き上げる前に、営業のキャパシティが計画を賄えるかを確認する。", owner="FS",
          kpi_en="Sales capacity against the plan (open deals per account executive)",
          kpi_ja="計画に対する営業キャパシティ（AE1人あたりの進行中の商談数）"),
    ),
}

#: Steps every plan has, whatever was found (owner RevOps).
ALWAYS: tuple[ActionTemplate, ...] = (
    A("definition", 30,
      "Agree the single bottleneck and its owner, and align the MQL/SQL definitions and data fields across teams.",
      "ボトルネックを一つに絞って担当を決め、MQL/SQLの定義とデータ項目を部門間でそろえる。", owner="RevOps",
          kpi_en="One bottleneck metric with an owner, reviewed weekly",
          kpi_ja="担当の決まったボトルネック指標（週次でレビュー）"),
    A("process", 90,
      "Re-run this diagnosis on fresh exports: the bottleneck metric should be moving back toward its baseline; then move on to the next bottleneck, one at a time.",
      "最新データで本診断を再実行し、ボトルネック指標が基準期間の水準に戻りつつあるかを確認する。改善が確認できたら、次のボトルネックに一つずつ取り組む。", owner="RevOps",
          kpi_en="The bottleneck metric against its baseline",
          kpi_ja="比較期間に対するボトルネック指標の水準"),
)


#: Moves for a rate that fell because the mix moved towards a weaker slice ``{value}``: the slice
#: is handled on its own, and volume targets stop rewarding it.
MIX_DRIVEN: tuple[ActionTemplate, ...] = (
    A("definition", 30,
      "Treat {value} as its own funnel: route its leads to nurturing rather than to IS until they show buying intent, and report its conversion apart from the other sources.",
      "{value}を独立したファネルとして扱う。購買意欲が見えるまではISではなくナーチャリングに回し、転換率をほかのソースと分けて報告する。",
      owner="Marketing",
      kpi_en="Conversion of {value} and of the other sources, reported separately",
      kpi_ja="{value}とほかのソースの転換率（分けて報告）"),
    A("kpi", 60,
      "Replace lead-count targets with targets on what converts (opportunities and won revenue by lead source), so a campaign that adds volume but not revenue shows up at once.",
      "リード数の目標を、転換する成果（リードソース別の商談数と受注金額）の目標に置き換え、量は増えても売上を生まない施策がすぐに見えるようにする。",
      owner="RevOps",
      kpi_en="Opportunities and won revenue by lead source against target",
      kpi_ja="リードソース別の商談数と受注金額の目標達成率"),
)


def actions_for(code: str, mix_driven: bool = False) -> tuple[ActionTemplate, ...]:
    """The action templates for a finding code (the mix moves for a mix-driven fall; empty for
    unknown codes)."""
    if mix_driven:
        return MIX_DRIVEN
    return ACTIONS.get(code, ())


#: Why the playbook says so, per finding (shown even when retrieval is unavailable).
REASONING: dict[str, dict[str, str]] = {
    "en": {
        "kpi_green_revenue_flat": "When each function optimises its own volume KPI, the funnel's outputs stop adding up to revenue (partial optimisation). Fix the revenue target first, then derive linked, quality-aware KPIs for each function from it.",
        "lead_quality_decline": "MQL and SQL definitions are a valve: loosening them raises volume but sends IS and FS leads that do not convert. Qualification (ICP fit, scoring, BANT) should be tuned to downstream capacity and conversion.",
        "mix_shift": "A total conversion rate blends segments with very different rates; when the mix changes, the total moves even if no team's performance changed. Compare like with like and watch trends per segment.",
        "conversion_drop": "Each stage's output is the next stage's input, so a drop at one transition flows straight through to revenue. Watch trends rather than absolutes and check each phase's exit criteria.",
        "slow_follow_up": "Lead interest cools quickly, so hot leads need contact within the SLA. A written Marketing–IS SLA with a clear handoff (what is passed, by when) prevents dropped balls.",
        "lead_volume_decline": "Upstream output is downstream input: at the same rates, fewer leads today mean fewer wins a few months later. Rebalance demand generation and use nurturing to keep the top of the funnel full.",
        "deal_size_drop": "Deal size follows whom you sell to: a drift toward smaller customers lowers revenue even when win counts hold. Revisit the ICP and the SMB/enterprise split.",
        "cycle_time_increase": "Longer cycles delay revenue and tie up sales capacity. Phase exit criteria and capacity planning keep deals moving.",
        "churn_increase": "Revenue leaks after the sale when onboarding and usage are not managed. CS should act on churn precursors and feed what it learns back to Marketing and FS.",
        "stalled_pipeline": "Deals that sit past their phase's typical age rarely close and distort the forecast. Each phase needs exit criteria and a regular review of aged deals.",
        "recycle_opportunity": "Most new leads are not ready to buy now but will buy later; unconverted leads and lost deals are a recycle pool that costs less than new demand.",
        "pipeline_coverage_low": "Revenue decomposes into leads × conversion × deal size; reverse-planning the target shows how much pipeline each stage must supply and whether capacity can carry it.",
    },
    "ja": {
        "kpi_green_revenue_flat": "各部門が自部門の量的KPIだけを最適化すると、ファネル全体の成果が売上につながらなくなります（部分最適）。まず売上目標を固定し、そこから各部門の質を伴うKPIを連動させて設計します。",
        "lead_quality_decline": "MQL・SQLの定義は流量を調整するバルブです。基準を緩めると件数は増えますが、転換しないリードがISやFSに流れ込みます。ICP適合・スコアリング・BANTによる見極めを、後工程のキャパシティと転換率に合わせて調整します。",
        "mix_shift": "全体の転換率は、転換率の異なるセグメントが混ざった値です。構成比が変わると、どのチームの実力も変わっていなくても全体の数値が動きます。セグメントごとに同じ条件で比較し、推移を追うことが重要です。",
        "conversion_drop": "各ステージの成果は次のステージへの入力になるため、一つの遷移で転換率が落ちると、そのまま売上の減少につながります。絶対値よりも推移を見て、各フェーズの通過基準を点検します。",
        "slow_follow_up": "リードの関心はすぐに冷めるため、ホットなリードにはSLA内での接触が欠かせません。マーケティングとISの間で、何をいつまでに引き継ぐかを明文化したSLAを定めることで、ボールの取りこぼしを防ぎます。",
        "lead_volume_decline": "上流の成果は下流の入力です。転換率が同じでも、いまリードが減れば数カ月後の受注が減ります。デマンドジェネレーションの配分を見直し、ナーチャリングでファネル上流を維持します。",
        "deal_size_drop": "受注単価は誰に売るかで決まります。小規模顧客への偏りが進むと、受注件数が維持されていても売上は下がります。ICPと中小企業／大企業の切り分けを見直します。",
        "cycle_time_increase": "営業サイクルが延びると売上の計上が遅れ、営業のキャパシティも圧迫されます。フェーズの通過基準とキャパシティ計画によって商談の流れを保ちます。",
        "churn_increase": "オンボーディングや利用状況が管理されていないと、受注後に売上が流出します。CSは解約の兆候に先手を打ち、得られた知見をマーケティングやFSに還流させます。",
        "stalled_pipeline": "フェーズの標準滞留期間を超えた商談は受注に至りにくく、売上予測も歪めます。フェーズごとの通過基準と、滞留案件の定期的な見直しが必要です。",
        "recycle_opportunity": "新規リードの多くは今すぐではなく、将来に購入します。商談化しなかったリードや失注案件は、新規獲得より低コストで活用できるリサイクル資源です。",
        "pipeline_coverage_low": "売上はリード数×転換率×単価に分解できます。目標から逆算すると、各ステージが供給すべきパイプラインの量と、それを営業のキャパシティで処理できるかが分かります。",
    },
}
