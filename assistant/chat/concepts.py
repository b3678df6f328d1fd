"""Playbook concepts a question can name, and where their definition sits in the playbook.

"What is an MQL?" is answered by the sentences of ``lead-stages`` that define the MQL, not by the
search's top excerpts: each concept names its topic and, when the topic's opening sentences are not
the definition, a cue (a phrase of the page, per language) where the right sentences start.
``find_concept`` returns the first concept the (normalised) question names, longest phrase first.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.chat.phrases import hits


@dataclass(frozen=True)
class Concept:
    """A playbook concept: its topic page and where on the page its definition starts."""

    topic: str
    cue_en: str | None = None
    cue_ja: str | None = None
    #: how many sentences from the cue make the definition
    sentences: int = 3

    def cue(self, lang: str) -> str | None:
        return self.cue_ja if lang == "ja" else self.cue_en


MQL = Concept("lead-stages", "MQL (marketing-qualified lead)", "MQL（マーケティングが認定したリード）", 2)
SQL = Concept("lead-stages", "SQL (sales-qualified lead)", "SQL（営業が認定したリード）", 1)
#: "the difference between an MQL and an SQL": both definitions
MQL_AND_SQL = Concept("lead-stages", "MQL (marketing-qualified lead)", "MQL（マーケティングが認定したリード）", 3)
STAGES = Concept("lead-stages")
SLA = Concept("sla-handoff")
TEMPERATURE = Concept("lead-temperature")
COLD = Concept("lead-temperature", "Sorting them into hot, warm and cold", "ホット・ウォーム・コールドに分ける")
NURTURE = Concept("demand-generation", "Goal: stay useful to leads who are not ready yet", "まだ準備ができていないリード", 2)
BANT = Concept("demand-generation", "check BANT", "BANT")
WEIGHTED = Concept("opportunity-phases", "Weighted pipeline", "加重パイプライン")

#: phrase -> concept, matched on the normalised question (English words whole)
CONCEPTS: dict[str, Concept] = {
    "mql": MQL, "mqls": MQL, "marketing qualified": MQL, "marketing-qualified": MQL, "sql": SQL, "sqls": SQL,
    "sales qualified": SQL, "sales-qualified": SQL, "lead stage": STAGES, "inquiry": STAGES, "インクワイアリー": STAGES,
    "リードのステージ": STAGES, "リードステージ": STAGES,
    "sla": SLA, "service level": SLA, "handoff": SLA, "hand-off": SLA, "引き継ぎ": SLA, "ボール落とし": SLA,
    "lead temperature": TEMPERATURE, "温度感": TEMPERATURE, "hot lead": TEMPERATURE, "ホットリード": TEMPERATURE,
    "cold lead": COLD, "cold ones": COLD, "warm lead": COLD, "コールドリード": COLD, "ウォームリード": COLD,
    "recycle": Concept("recycle"), "recycling": Concept("recycle"), "recycle pool": Concept("recycle"),
    "リサイクル": Concept("recycle"), "掘り起こし": Concept("recycle"),
    "the model": Concept("the-model-overview"), "ザ・モデル": Concept("the-model-overview"),
    "ザモデル": Concept("the-model-overview"), "分業": Concept("the-model-overview"),
    "partial optimization": Concept("partial-optimization"), "partial optimisation": Concept("partial-optimization"),
    "silo": Concept("partial-optimization"), "部分最適": Concept("partial-optimization"),
    "kpi": Concept("kpi-design"), "kpis": Concept("kpi-design"), "kpi設計": Concept("kpi-design"),
    "phase": Concept("opportunity-phases"), "phases": Concept("opportunity-phases"), "フェーズ": Concept("opportunity-phases"),
    "確度": Concept("opportunity-phases"), "weighted pipeline": WEIGHTED, "加重パイプライン": WEIGHTED,
    "demand generation": Concept("demand-generation"), "デマンドジェネレーション": Concept("demand-generation"),
    "nurturing": NURTURE, "nurture": NURTURE, "ナーチャリング": NURTURE, "育成": NURTURE, "bant": BANT,
    "lead scoring": Concept("demand-generation", "Scoring: assign points", "スコアリング：", 1),
    "スコアリング": Concept("demand-generation", "Scoring: assign points", "スコアリング：", 1),
    "funnel": Concept("funnel-chain"), "ファネル": Concept("funnel-chain"),
    "gtm": Concept("gtm-vs-model"), "go-to-market": Concept("gtm-vs-model"), "icp": Concept("gtm-vs-model"),
    "abm": Concept("smb-vs-enterprise", "ABM", "ABM"), "smb": Concept("smb-vs-enterprise"),
    "enterprise": Concept("smb-vs-enterprise"), "エンタープライズ": Concept("smb-vs-enterprise"),
    "resource management": Concept("resource-management"), "capacity": Concept("resource-management"),
    "リソースマネジメント": Concept("resource-management"),
    "performance management": Concept("performance-management"), "bottleneck": Concept("performance-management"),
    "パフォーマンスマネジメント": Concept("performance-management"), "ボトルネック": Concept("performance-management"),
    "customer success": Concept("customer-success"), "カスタマーサクセス": Concept("customer-success"),
    "onboarding": Concept("customer-success"), "オンボーディング": Concept("customer-success"),
    "failure pattern": Concept("failure-patterns"), "失敗パターン": Concept("failure-patterns"),
    "leadership": Concept("leadership-org"), "リーダーシップ": Concept("leadership-org"),
    "flexible qualification": Concept("flexible-qualification"), "valve": Concept("flexible-qualification"),
    "調整弁": Concept("flexible-qualification"),
}


def find_concept(text: str) -> Concept | None:
    """The first playbook concept the (normalised) question names."""
    found = [CONCEPTS[phrase] for _, _, phrase in hits(text, {phrase: phrase for phrase in CONCEPTS})]
    if MQL in found and SQL in found:
        return MQL_AND_SQL
    return found[0] if found else None
